package tnregistry

import (
	"fmt"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/webhook"
)

// DeliveryRef names a message a change queued.
type DeliveryRef struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	CIC     string `json:"cic,omitempty"`
	RespOrg string `json:"respOrg,omitempty"`
	URL     string `json:"url"`
}

// ChangeResult is what a change did.
type ChangeResult struct {
	Change     string        `json:"change"`
	Code       string        `json:"code"`
	Created    bool          `json:"created"`
	Record     Record        `json:"record"`
	Deliveries []DeliveryRef `json:"deliveries"`
}

// parseEffDtTm reads RFC 3339 or the registry's YYYY-MM-DDTHH:MMZ.
func parseEffDtTm(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02T15:04Z", s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("effDtTm %q: want YYYY-MM-DDTHH:MMZ or RFC 3339", s)
	}
	return t.UTC().Truncate(time.Minute), nil
}

// routingLocked returns the routing a record uses: its template's for a
// Pointer Record whose template exists, else its own.
func (s *State) routingLocked(r *Record) (*Routing, *Record) {
	if r.TmplName != "" {
		if t := s.templates[r.TmplName]; t != nil {
			return &t.Routing, t
		}
	}
	return &r.Routing, nil
}

func (s *State) ptrCountLocked(tmpl string) int {
	n := 0
	for _, r := range s.records {
		if r.TmplName == tmpl {
			n++
		}
	}
	return n
}

// ApplyChange applies one change kind to a number's customer record and
// queues the messages it causes.
func (s *State) ApplyChange(tfn string, req ChangeRequest) (ChangeResult, error) {
	d, err := normTFN(tfn)
	if err != nil {
		return ChangeResult{}, badRequest(err.Error())
	}
	kind := strings.ToLower(strings.TrimSpace(req.Change))
	code, ok := ChangeCodes[kind]
	if !ok {
		return ChangeResult{}, badRequest(fmt.Sprintf("unknown change %q (want one of %s)", req.Change, strings.Join(changeKinds, ", ")))
	}
	cic := ""
	if req.CIC != "" {
		if cic, err = normCIC(req.CIC); err != nil {
			return ChangeResult{}, badRequest(err.Error())
		}
	}
	newRO := ""
	if req.RespOrg != "" {
		if newRO, err = normRespOrg(req.RespOrg); err != nil {
			return ChangeResult{}, badRequest(err.Error())
		}
	}
	lata := strings.ToLower(req.LATA)
	if lata != "" && lata != "both" && lata != "inter" && lata != "intra" {
		return ChangeResult{}, badRequest(`lata: want "inter", "intra" or "both"`)
	}
	if req.Routing != nil {
		rt := req.Routing.clone()
		req.Routing = &rt
		if err := checkRouting(req.Routing); err != nil {
			return ChangeResult{}, badRequest("routing." + err.Error())
		}
	}
	if req.EndInterceptDt != "" {
		if _, err := time.Parse("2006-01-02", req.EndInterceptDt); err != nil {
			return ChangeResult{}, badRequest("endInterceptDt: want YYYY-MM-DD")
		}
	}
	needCIC := kind == ChangeCICAddition || kind == ChangeCICDeletion || kind == ChangeCancelCICAddition
	if needCIC && cic == "" {
		return ChangeResult{}, badRequest(kind + " needs cic")
	}
	if kind == ChangeRespOrgChange && newRO == "" {
		return ChangeResult{}, badRequest("resp-org-change needs the new respOrg")
	}
	if kind == ChangeRoutingChange && req.Routing == nil {
		return ChangeResult{}, badRequest("routing-change needs routing")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	eff := now.UTC().Truncate(time.Minute)
	if req.EffDtTm != "" {
		if eff, err = parseEffDtTm(req.EffDtTm); err != nil {
			return ChangeResult{}, badRequest(err.Error())
		}
	}
	rec := s.records[d]
	created := false
	if rec == nil {
		ro := newRO
		if n := s.numbers[d]; ro == "" && n != nil {
			ro = n.RespOrg
		}
		if ro == "" {
			return ChangeResult{}, badRequest(fmt.Sprintf("%s has no customer record and no Resp Org: give respOrg to create one", d))
		}
		rec = &Record{TFN: d, RecordData: RecordData{RespOrg: ro, CustRecStat: CRActive, ApprStat: ApprNotRequired,
			Telco: ro[:4], TmZn: "C", DayLightSavings: "Y"}, EffDtTm: eff}
		created = true
	}
	work := rec.clone()
	rt, tmpl := s.routingLocked(&work)
	var tmplWork Record
	if tmpl != nil {
		tmplWork = tmpl.clone()
		rt = &tmplWork.Routing
	}
	before := rt.cics()
	oldRO := work.RespOrg
	var involved []string
	onLists := func(c string) bool { return contains(rt.InterLATACarrier, c) || contains(rt.IntraLATACarrier, c) }
	approval := func() {
		if req.ApprReq != nil {
			work.ApprReq = *req.ApprReq
		}
		if work.ApprReq {
			work.CustRecStat, work.ApprStat = CRPending, ApprPending
		} else {
			work.CustRecStat, work.ApprStat = CRActive, ApprNotRequired
		}
	}
	savePrev := func() {
		p := rt.clone()
		work.Prev, work.PrevStat = &p, work.CustRecStat
	}
	restorePrev := func() {
		*rt = work.Prev.clone()
		work.CustRecStat = work.PrevStat
		if work.CustRecStat == "" || work.CustRecStat == CRPending {
			work.CustRecStat = CRActive
		}
		work.Prev, work.PrevStat = nil, ""
	}
	switch kind {
	case ChangeCICAddition:
		if len(rt.InterLATACarrier) >= 20 || len(rt.IntraLATACarrier) >= 20 {
			return ChangeResult{}, conflict("the record already lists 20 carriers")
		}
		savePrev()
		if lata != "intra" && !contains(rt.InterLATACarrier, cic) {
			rt.InterLATACarrier = append(rt.InterLATACarrier, cic)
		}
		if lata != "inter" && !contains(rt.IntraLATACarrier, cic) {
			rt.IntraLATACarrier = append(rt.IntraLATACarrier, cic)
		}
		approval()
		involved = []string{cic}
	case ChangeRoutingChange:
		savePrev()
		n := req.Routing
		if n.InterLATACarrier != nil {
			rt.InterLATACarrier = n.InterLATACarrier
		}
		if n.IntraLATACarrier != nil {
			rt.IntraLATACarrier = n.IntraLATACarrier
		}
		if n.AOSRecords != nil {
			rt.AOSRecords = n.AOSRecords
		}
		if n.DestNums != nil {
			rt.DestNums = n.DestNums
		}
		if n.CPRSections != nil {
			rt.CPRSections = n.CPRSections
		}
		if n.PriInterLT != "" {
			rt.PriInterLT = n.PriInterLT
		}
		if n.PriIntraLT != "" {
			rt.PriIntraLT = n.PriIntraLT
		}
		approval()
		involved = union(before, rt.cics())
	case ChangeCICDeletion:
		if !onLists(cic) {
			return ChangeResult{}, conflict(fmt.Sprintf("CIC %s is not on the customer record of %s", cic, d))
		}
		if lata != "intra" {
			rt.InterLATACarrier = remove(rt.InterLATACarrier, cic)
		}
		if lata != "inter" {
			rt.IntraLATACarrier = remove(rt.IntraLATACarrier, cic)
		}
		if req.Disconnect {
			work.CustRecStat = CRDisconnect
			work.Referral = req.Referral
			if work.Referral == "" {
				work.Referral = "1"
			}
			work.EndInterceptDt = req.EndInterceptDt
			if work.EndInterceptDt == "" {
				work.EndInterceptDt = eff.AddDate(0, 0, 60).Format("2006-01-02")
			}
		}
		involved = []string{cic}
	case ChangeRespOrgChange:
		if newRO == oldRO {
			return ChangeResult{}, conflict(fmt.Sprintf("%s is already controlled by %s", d, newRO))
		}
		work.RespOrg = newRO
		involved = before
	case ChangeCancelCICAddition:
		if work.LastChange != ChangeCICAddition || work.Prev == nil || !onLists(cic) ||
			contains(work.Prev.InterLATACarrier, cic) && contains(work.Prev.IntraLATACarrier, cic) {
			return ChangeResult{}, conflict(fmt.Sprintf("cancel-cic-addition (05) needs a pending CIC addition (01) of %s on %s: there is none", cic, d))
		}
		rt.InterLATACarrier = remove(rt.InterLATACarrier, cic)
		rt.IntraLATACarrier = remove(rt.IntraLATACarrier, cic)
		work.Prev, work.PrevStat = nil, ""
		if work.CustRecStat == CRPending {
			work.CustRecStat = CRActive
		}
		work.ApprStat, work.ApprReq = ApprCanceled, false
		involved = []string{cic}
	case ChangeCancelRoutingChange, ChangePendingCRDeleted:
		if kind == ChangePendingCRDeleted && (work.Prev == nil || work.CustRecStat != CRPending) {
			return ChangeResult{}, conflict(fmt.Sprintf("pending-cr-deleted (08) needs a pending version of the record of %s: there is none", d))
		}
		if work.Prev == nil {
			return ChangeResult{}, conflict(fmt.Sprintf("cancel-routing-change (06) needs a pending routing change (02) on %s: there is none", d))
		}
		restorePrev()
		work.ApprReq = false
		if kind == ChangeCancelRoutingChange {
			work.ApprStat = ApprCanceled
		} else {
			work.ApprStat = ApprNotRequired
		}
		involved = union(before, rt.cics())
	case ChangeApprovalResent:
		if cic != "" && !onLists(cic) {
			return ChangeResult{}, conflict(fmt.Sprintf("CIC %s is not on the customer record of %s", cic, d))
		}
		if work.ApprStat != ApprPending {
			work.PrevApprStat = work.ApprStat
		}
		work.ApprStat, work.ApprReq = ApprPending, true
		involved = before
		if cic != "" {
			involved = []string{cic}
		}
	case ChangeCancelApprovalResend:
		if work.ApprStat != ApprPending || work.LastChange != ChangeApprovalResent {
			return ChangeResult{}, conflict(fmt.Sprintf("cancel-approval-resend (09) needs an approval resend (07) on %s: there is none", d))
		}
		work.ApprStat, work.ApprReq = work.PrevApprStat, false
		work.Approvals = nil
		if work.ApprStat == "" {
			work.ApprStat = ApprNotRequired
		}
		work.PrevApprStat = ""
		involved = before
		if cic != "" {
			involved = []string{cic}
		}
	}
	work.EffDtTm = eff
	work.ApprReason = apprReasons[kind]
	if req.Notes != "" {
		work.Notes = req.Notes
	}
	if req.SvcOrderNum != "" {
		work.SvcOrderNum = req.SvcOrderNum
	}
	work.UpdatedAt, work.LastChange = now, kind
	if len(rt.InterLATACarrier) > 20 || len(rt.IntraLATACarrier) > 20 {
		return ChangeResult{}, badRequest("a record lists at most 20 carriers")
	}
	// Commit.
	if tmpl != nil {
		tmplWork.UpdatedAt = now
		*tmpl = tmplWork
	}
	*rec = work
	s.records[d] = rec
	switch {
	case kind == ChangeRespOrgChange:
		s.setNumberLocked(d, "", newRO)
	case kind == ChangeCICDeletion && req.Disconnect:
		s.setNumberLocked(d, StatusDisconnect, "")
	case created:
		if _, ok := s.numbers[d]; !ok {
			s.setNumberLocked(d, StatusWorking, rec.RespOrg)
		}
	}
	res := ChangeResult{Change: kind, Code: code, Created: created, Record: rec.clone(), Deliveries: []DeliveryRef{}}
	ptr, hasTmpl := 0, tmpl != nil
	if hasTmpl {
		ptr = s.ptrCountLocked(rec.TmplName)
	}
	s.afterChangeLocked(rec, kind, involved)
	res.Record = rec.clone()
	for _, c := range involved {
		sub, ok := s.cicSubLocked(c, "sna")
		if !ok || !sub.wantsChange(code) {
			continue
		}
		msg := buildSNA(snaInput{rec: *rec, routing: *rt, ptrCount: ptr, hasTmpl: hasTmpl, kind: kind, oldRespOrg: oldRO, sub: sub, lists: s.carrierLists})
		res.Deliveries = append(res.Deliveries, s.sendLocked(sub, "sna", d, msg, map[string]string{"type": TypeSNA, "tfn": d, "cic": c, "change": code}))
	}
	if kind == ChangeRespOrgChange {
		status := ""
		if n := s.numbers[d]; n != nil {
			status = n.Status
		}
		for _, ro := range []string{oldRO, newRO} {
			sub, ok := s.respOrgSubLocked(ro, "rch")
			if !ok {
				continue
			}
			msg := rchMessage{TfNum: dashedTFN(d), RespOrgID: ro, OldRespOrgID: oldRO, NewRespOrgID: newRO, Status: status}
			ref := s.sendLocked(sub, "rch", d, msg, map[string]string{"type": TypeRCH, "tfn": d, "respOrg": ro})
			res.Deliveries = append(res.Deliveries, ref)
		}
	}
	return res, nil
}

func union(a, b []string) []string {
	out := append([]string{}, a...)
	for _, v := range b {
		if !contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Queue is the tenant's outbound delivery queue.
func (s *State) Queue() *webhook.Queue { return s.queue }

// Wait blocks until no delivery attempt is running or due (tests).
func (s *State) Wait() { s.queue.Wait() }

// Settle implements tenant.Settler: a clock advance returns once the
// deliveries it made due have been attempted, or after one attempt's
// timeout plus webhook.SettleMargin, whatever the receivers do.
func (s *State) Settle() { s.queue.Settle() }

// DeliveryCounts reports the tenant's callbacks by status, for metrics.
func (s *State) DeliveryCounts() map[string]int { return s.queue.Counts() }
