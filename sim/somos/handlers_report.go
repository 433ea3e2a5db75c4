package somos

import "net/http"

func handleMetrics(w http.ResponseWriter, r *http.Request) {
	s, err := storeOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req metricsRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	after, err := flexKey[MetricsKey](req.LastEvaluatedKey)
	if err != nil {
		writeError(w, err)
		return
	}
	page, err := s.Metrics(callerOf(r), int(req.Limit), req.EntityID, after)
	if err != nil {
		writeError(w, err)
		return
	}
	writeOK(w, page)
}

func handleAudit(w http.ResponseWriter, r *http.Request) {
	s, err := storeOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req auditRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	after, err := flexKey[AuditKey](req.LastEvaluatedKey)
	if err != nil {
		writeError(w, err)
		return
	}
	page, err := s.SearchAudit(callerOf(r), AuditQuery{
		EntityID: req.EntityID, Limit: int(req.Limit), User: req.User, EventType: req.EventType, TFN: req.TFN, After: after,
	})
	if err != nil {
		writeError(w, err)
		return
	}
	writeOK(w, page)
}
