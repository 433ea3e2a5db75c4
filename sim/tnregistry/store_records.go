package tnregistry

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/webhook"
)

// Message types the registry sends.
const (
	TypeSNA = "uns-sna"
	TypeRCH = "uns-rch"
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
		if !onLists(cic) {
			return ChangeResult{}, conflict(fmt.Sprintf("no CIC addition of %s to cancel on %s", cic, d))
		}
		rt.InterLATACarrier = remove(rt.InterLATACarrier, cic)
		rt.IntraLATACarrier = remove(rt.IntraLATACarrier, cic)
		work.Prev, work.PrevStat = nil, ""
		if work.CustRecStat == CRPending {
			work.CustRecStat = CRActive
		}
		work.ApprStat = ApprCanceled
		involved = []string{cic}
	case ChangeCancelRoutingChange, ChangePendingCRDeleted:
		if work.Prev == nil {
			return ChangeResult{}, conflict(fmt.Sprintf("%s has no pending routing change to cancel or delete", d))
		}
		restorePrev()
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
		if work.ApprStat != ApprPending {
			return ChangeResult{}, conflict(fmt.Sprintf("%s has no approval request to cancel", d))
		}
		work.ApprStat = work.PrevApprStat
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
	for _, c := range involved {
		sub, ok := s.subs[Subscription{CIC: c}.key()]
		if !ok {
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
			sub, ok := s.subs[Subscription{RespOrg: ro}.key()]
			if !ok {
				continue
			}
			msg := rchMessage{TfNum: dashedTFN(d), EffDtTm: fmtDtTm(rec.EffDtTm), RespOrgID: ro, OldRespOrgID: oldRO, NewRespOrgID: newRO, Status: status}
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

// sendLocked queues one message to a subscription's {base}/v3/ext/uns/{typ}.
func (s *State) sendLocked(sub Subscription, typ, key string, body any, labels map[string]string) DeliveryRef {
	b, _ := json.Marshal(body)
	u := strings.TrimRight(sub.URL, "/") + "/v3/ext/uns/" + typ
	d := s.queue.Enqueue(webhook.Message{
		Key:    key,
		Target: webhook.Target{URL: u, CAFile: sub.CAFile, InsecureSkipVerify: sub.InsecureSkipVerify},
		Body:   b, Labels: labels,
	})
	return DeliveryRef{ID: d.ID, Type: labels["type"], CIC: sub.CIC, RespOrg: labels["respOrg"], URL: u}
}

// Record returns a number's customer record.
func (s *State) Record(tfn string) (Record, error) {
	d, err := normTFN(tfn)
	if err != nil {
		return Record{}, badRequest(err.Error())
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.records[d]
	if !ok {
		return Record{}, notFound(fmt.Sprintf("%s has no customer record", d))
	}
	return r.clone(), nil
}

// Records lists customer records (respOrg filter optional), sorted by TFN.
func (s *State) Records(respOrg string) []Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []Record{}
	for _, r := range s.records {
		if respOrg == "" || strings.EqualFold(r.RespOrg, respOrg) {
			out = append(out, r.clone())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TFN < out[j].TFN })
	return out
}

// Templates lists Template Records sorted by name.
func (s *State) Templates() []Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []Record{}
	for _, r := range s.templates {
		out = append(out, r.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TmplName < out[j].TmplName })
	return out
}

// checkSubscription validates and normalises a subscription.
func (s *State) checkSubscription(sub *Subscription) error {
	var err error
	switch {
	case sub.CIC != "" && sub.RespOrg != "":
		return fmt.Errorf("give either cic (UNS-SNA) or respOrg (UNS-RCH), not both")
	case sub.CIC != "":
		if sub.CIC, err = normCIC(sub.CIC); err != nil {
			return err
		}
	case sub.RespOrg != "":
		if sub.RespOrg, err = normRespOrg(sub.RespOrg); err != nil {
			return err
		}
	default:
		return fmt.Errorf("cic (or respOrg) is required")
	}
	if sub.URL == "" {
		return fmt.Errorf("url is required")
	}
	if u, err := url.Parse(sub.URL); err == nil && (u.RawQuery != "" || u.Fragment != "") {
		return fmt.Errorf("url %q: a callback base URL has no query or fragment", sub.URL)
	}
	return s.queue.CheckTarget(webhook.Target{URL: sub.URL, CAFile: sub.CAFile, InsecureSkipVerify: sub.InsecureSkipVerify})
}

// Subscribe registers (or replaces) a subscription.
func (s *State) Subscribe(sub Subscription) (Subscription, bool, error) {
	if err := s.checkSubscription(&sub); err != nil {
		return Subscription{}, false, badRequest(err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub.CreatedAt = s.clock.Now()
	_, existed := s.subs[sub.key()]
	s.subs[sub.key()] = sub
	return sub, !existed, nil
}

// Subscriptions lists subscriptions, CIC ones first.
func (s *State) Subscriptions() []Subscription {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.subsLocked()
}

func (s *State) subsLocked() []Subscription {
	keys := make([]string, 0, len(s.subs))
	for k := range s.subs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Subscription, 0, len(keys))
	for _, k := range keys {
		out = append(out, s.subs[k])
	}
	return out
}

// Unsubscribe removes the subscription of a CIC or a Resp Org.
func (s *State) Unsubscribe(cic, respOrg string) error {
	var sub Subscription
	var err error
	switch {
	case cic != "":
		if sub.CIC, err = normCIC(cic); err != nil {
			return badRequest(err.Error())
		}
	case respOrg != "":
		if sub.RespOrg, err = normRespOrg(respOrg); err != nil {
			return badRequest(err.Error())
		}
	default:
		return badRequest("give cic or respOrg")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.subs[sub.key()]; !ok {
		return notFound("no subscription for " + sub.owner())
	}
	delete(s.subs, sub.key())
	return nil
}

// InboxMessage is one message the built-in inbox received.
type InboxMessage struct {
	ID         int               `json:"id"`
	Type       string            `json:"type"`
	ReceivedAt time.Time         `json:"receivedAt"`
	Headers    map[string]string `json:"headers"`
	Body       json.RawMessage   `json:"body"`
}

const inboxCap = 1000

var inboxNameOK = func(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// Receive stores a message in an inbox.
func (s *State) Receive(name, typ string, h http.Header, body []byte) (InboxMessage, error) {
	if !inboxNameOK(name) {
		return InboxMessage{}, badRequest("inbox name: 1-64 letters, digits, '-', '_' or '.'")
	}
	if !json.Valid(body) {
		return InboxMessage{}, badRequest("body is not JSON")
	}
	hdrs := map[string]string{}
	for _, k := range []string{"Content-Type", "User-Agent", "X-Sim-Delivery-Id", "X-Sim-Attempt"} {
		if v := h.Get(k); v != "" {
			hdrs[k] = v
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inboxSeq++
	m := InboxMessage{ID: s.inboxSeq, Type: "uns-" + strings.ToLower(typ), ReceivedAt: s.clock.Now(), Headers: hdrs, Body: append(json.RawMessage{}, body...)}
	box := append(s.inbox[name], m)
	if len(box) > inboxCap {
		box = box[len(box)-inboxCap:]
	}
	s.inbox[name] = box
	return m, nil
}

// Inbox lists an inbox's messages, oldest first.
func (s *State) Inbox(name string) []InboxMessage {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]InboxMessage{}, s.inbox[name]...)
}

// ClearInbox empties an inbox.
func (s *State) ClearInbox(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inbox, name)
}

// inboxHandler serves in-process deliveries to inbox://{name}/v3/ext/uns/{type}.
func (s *State) inboxHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		typ := strings.TrimPrefix(r.URL.Path, "/v3/ext/uns/")
		if typ == r.URL.Path || typ == "" || strings.Contains(typ, "/") {
			http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, `{"error":"read"}`, http.StatusBadRequest)
			return
		}
		if _, err := s.Receive(r.URL.Host, typ, r.Header, body); err != nil {
			http.Error(w, fmt.Sprintf(`{"error":%q}`, err.Error()), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"received"}`))
	})
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
