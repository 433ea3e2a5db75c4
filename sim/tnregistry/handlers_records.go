package tnregistry

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/webhook"
)

func handleListRecords(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"records": s.Records(r.URL.Query().Get("respOrg")), "templates": s.Templates()})
}

func handleGetRecord(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	rec, err := s.Record(provider.Vars(r)["tfn"])
	if err != nil {
		writeControlError(w, err)
		return
	}
	provider.WriteJSON(w, http.StatusOK, rec)
}

func handleChange(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	var req ChangeRequest
	if !provider.DecodeControl(w, r, &req) {
		return
	}
	res, err := s.ApplyChange(provider.Vars(r)["tfn"], req)
	if err != nil {
		writeControlError(w, err)
		return
	}
	writeUpserted(w, res.Created, res)
}

func handleEvents(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"events": s.Events()})
}

func handleSubscribe(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	var sub Subscription
	if !provider.DecodeControl(w, r, &sub) {
		return
	}
	out, created, err := s.Subscribe(sub)
	if err != nil {
		writeControlError(w, err)
		return
	}
	writeUpserted(w, created, out)
}

func handleListSubscriptions(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"subscriptions": s.Subscriptions()})
}

func handleUnsubscribe(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	q := r.URL.Query()
	if err := s.Unsubscribe(q.Get("cic"), q.Get("respOrg")); err != nil {
		writeControlError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func handleInboxReceive(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	v := provider.Vars(r)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		provider.WriteControlError(w, http.StatusRequestEntityTooLarge, "body too large")
		return
	}
	m, err := s.Receive(v["name"], v["type"], r.Header, body)
	if err != nil {
		writeControlError(w, err)
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"status": "received", "id": m.ID})
}

func handleInboxList(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	name := provider.Vars(r)["name"]
	msgs := s.Inbox(name)
	provider.WriteJSON(w, http.StatusOK, map[string]any{"name": name, "count": len(msgs), "messages": msgs})
}

func handleInboxClear(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	s.ClearInbox(provider.Vars(r)["name"])
	w.WriteHeader(http.StatusNoContent)
}

func handleListCallbacks(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	q := r.URL.Query()
	f := webhook.Filter{Status: q.Get("status"), Labels: map[string]string{}}
	switch f.Status {
	case "", webhook.StatusPending, webhook.StatusDelivered, webhook.StatusDead:
	default:
		provider.WriteControlError(w, http.StatusBadRequest, "status: want pending, delivered or dead")
		return
	}
	if v := q.Get("tfn"); v != "" {
		d, err := normTFN(v)
		if err != nil {
			provider.WriteControlError(w, http.StatusBadRequest, err.Error())
			return
		}
		f.Labels["tfn"] = d
	}
	for _, k := range []string{"type", "cic", "respOrg", "change"} {
		if v := q.Get(k); v != "" {
			f.Labels[k] = v
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			provider.WriteControlError(w, http.StatusBadRequest, "limit must be a positive integer")
			return
		}
		f.Limit = n
	}
	list := s.queue.List(f)
	provider.WriteJSON(w, http.StatusOK, map[string]any{"callbacks": list, "count": len(list)})
}

func handleGetCallback(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	d, ok := s.queue.Get(provider.Vars(r)["id"])
	if !ok {
		provider.WriteControlError(w, http.StatusNotFound, "no such callback")
		return
	}
	provider.WriteJSON(w, http.StatusOK, d)
}

func handleReplayCallback(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	d, err := s.queue.Replay(provider.Vars(r)["id"])
	switch {
	case errors.Is(err, webhook.ErrNotFound):
		provider.WriteControlError(w, http.StatusNotFound, "no such callback")
	case errors.Is(err, webhook.ErrPending):
		provider.WriteControlError(w, http.StatusConflict, "callback is still pending")
	case err != nil:
		provider.WriteControlError(w, http.StatusInternalServerError, err.Error())
	default:
		provider.WriteJSON(w, http.StatusAccepted, d)
	}
}

func handleAddDeliveryFault(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	var f webhook.Fault
	if !provider.DecodeControl(w, r, &f) {
		return
	}
	if f.Key != "" {
		d, err := normTFN(f.Key)
		if err != nil {
			provider.WriteControlError(w, http.StatusBadRequest, "key: "+err.Error())
			return
		}
		f.Key = d
	}
	out, err := s.queue.AddFault(f)
	if err != nil {
		provider.WriteControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	provider.WriteJSON(w, http.StatusCreated, out)
}

func handleListDeliveryFaults(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"faults": s.queue.Faults(), "options": s.queue.Options()})
}

func handleDeleteDeliveryFaults(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	id := r.URL.Query().Get("id")
	if !s.queue.RemoveFault(id) && id != "" {
		provider.WriteControlError(w, http.StatusNotFound, "no such delivery fault")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
