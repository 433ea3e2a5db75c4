package tnregistry

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/internal/timeline"
	"github.com/telecomsim/simulator/internal/webhook"
)

// State is one tenant's TFNRegistry: the number registry, customer records,
// subscriptions, the built-in inboxes and the outbound delivery queue.
type State struct {
	mu           sync.RWMutex
	clock        clock.Clock
	numbers      map[string]*Number
	records      map[string]*Record
	templates    map[string]*Record
	subs         map[string]Subscription
	inbox        map[string][]InboxMessage
	inboxSeq     int
	events       []*scheduledEvent
	carrierLists string
	queue        *webhook.Queue
	// story is the tenant's timeline: messages queued, attempts, lifecycle
	// steps.
	story    *timeline.Log
	policies map[string]ApprovalPolicy
	scps     []SCPConfig
	timers   map[string]recordTimer
	timerGen uint64
	auditSeq uint64
	craSeq   int
	limits   map[string]AutomationLimits
}

// scheduledEvent is a change the scenario put on the clock.
type scheduledEvent struct {
	Seq    int           `json:"seq"`
	Due    time.Time     `json:"due"`
	TFN    string        `json:"tfn"`
	Req    ChangeRequest `json:"request"`
	Done   bool          `json:"done"`
	Error  string        `json:"error,omitempty"`
	cancel func() bool
}

func newState(clk clock.Clock) *State {
	return &State{clock: clk, numbers: map[string]*Number{}, records: map[string]*Record{}, templates: map[string]*Record{},
		subs: map[string]Subscription{}, inbox: map[string][]InboxMessage{}, carrierLists: "array",
		policies: map[string]ApprovalPolicy{}, timers: map[string]recordTimer{}, limits: map[string]AutomationLimits{}}
}

// armEventsLocked puts pending scenario events on the clock.
func (s *State) armEventsLocked() {
	for _, ev := range s.events {
		if ev.cancel != nil {
			ev.cancel()
			ev.cancel = nil
		}
		if ev.Done {
			continue
		}
		ev := ev
		ev.cancel = s.clock.At(ev.Due, func() { s.runEvent(ev) })
	}
}

func (s *State) runEvent(ev *scheduledEvent) {
	s.mu.RLock()
	done := ev.Done
	s.mu.RUnlock()
	if done {
		return
	}
	_, err := s.ApplyChange(ev.TFN, ev.Req)
	s.mu.Lock()
	defer s.mu.Unlock()
	ev.Done, ev.cancel = true, nil
	if err != nil {
		ev.Error = err.Error()
	}
}

// Events lists the scenario's scheduled changes.
func (s *State) Events() []scheduledEvent {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]scheduledEvent, len(s.events))
	for i, ev := range s.events {
		out[i] = *ev
		out[i].cancel = nil
	}
	return out
}

// Close stops the state's background work (in-flight deliveries finish).
func (s *State) Close() {
	s.mu.Lock()
	for k := range s.timers {
		s.stopTimerLocked(k)
	}
	for _, ev := range s.events {
		if ev.cancel != nil {
			ev.cancel()
			ev.cancel = nil
		}
	}
	s.mu.Unlock()
	s.queue.Close()
}

// Lookup reports a toll-free number's registry status and controlling Resp
// Org. It accepts the number with or without punctuation or a leading 1.
func (s *State) Lookup(tfn string) (status, respOrg string, ok bool) {
	d, err := normTFN(tfn)
	if err != nil {
		return "", "", false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	n, found := s.numbers[d]
	if !found {
		return "", "", false
	}
	return n.Status, n.RespOrg, true
}

// Number returns one number.
func (s *State) Number(tfn string) (Number, error) {
	d, err := normTFN(tfn)
	if err != nil {
		return Number{}, badRequest(err.Error())
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	n, ok := s.numbers[d]
	if !ok {
		return Number{}, notFound(fmt.Sprintf("number %s is not in the registry", d))
	}
	return *n, nil
}

// NumberInput creates or updates a number. On update, nil fields keep their
// value; an empty RespOrg clears it (allowed for SPARE and UNAVAILABLE).
type NumberInput struct {
	TFN     string
	Status  *string
	RespOrg *string
}

// PutNumber creates or updates a number and reports whether it was created.
func (s *State) PutNumber(in NumberInput) (Number, bool, error) {
	d, err := normTFN(in.TFN)
	if err != nil {
		return Number{}, false, badRequest(err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, exists := s.numbers[d]
	next := Number{TFN: d}
	if exists {
		next = *cur
	} else if in.Status == nil {
		return Number{}, false, badRequest("status is required to add a number to the registry")
	}
	if in.Status != nil {
		st, err := normStatus(*in.Status)
		if err != nil {
			return Number{}, false, badRequest(err.Error())
		}
		next.Status = st
	}
	if in.RespOrg != nil {
		if *in.RespOrg == "" {
			next.RespOrg = ""
		} else {
			ro, err := normRespOrg(*in.RespOrg)
			if err != nil {
				return Number{}, false, badRequest(err.Error())
			}
			next.RespOrg = ro
		}
	}
	if next.RespOrg == "" && statusNeedsRespOrg(next.Status) {
		return Number{}, false, badRequest(fmt.Sprintf("a %s number needs a controlling Resp Org (respOrg)", next.Status))
	}
	next.Entity = entityOf(next.RespOrg)
	if !exists || cur.Status != next.Status || cur.RespOrg != next.RespOrg {
		next.LastActDt = s.clock.Now()
	}
	s.numbers[d] = &next
	if exists && (cur.Status == StatusSpare || cur.Status == StatusTransitional) && next.Status == StatusReserved {
		s.sendRSVLocked(next.RespOrg, []string{d})
	}
	return next, !exists, nil
}

// setNumberLocked updates a number's status and/or Resp Org from a customer
// record change (the caller holds the lock). It creates the number when the
// registry does not have it yet.
func (s *State) setNumberLocked(tfn, status, respOrg string) {
	n, ok := s.numbers[tfn]
	if !ok {
		n = &Number{TFN: tfn, Status: StatusWorking}
		s.numbers[tfn] = n
	}
	changed := !ok
	if status != "" && n.Status != status {
		n.Status, changed = status, true
	}
	if respOrg != "" && n.RespOrg != respOrg {
		n.RespOrg, n.Entity, changed = respOrg, entityOf(respOrg), true
	}
	if changed {
		n.LastActDt = s.clock.Now()
	}
}

// NumberFilter selects numbers; zero fields match everything.
type NumberFilter struct {
	Status  string
	RespOrg string
	Entity  string
	Limit   int // 0: default 100; at most 10000
	After   string
}

// Numbers lists matching numbers sorted by TFN, and how many match in all.
func (s *State) Numbers(f NumberFilter) ([]Number, int, error) {
	if f.Status != "" {
		st, err := normStatus(f.Status)
		if err != nil {
			return nil, 0, badRequest(err.Error())
		}
		f.Status = st
	}
	f.RespOrg = strings.ToUpper(f.RespOrg)
	f.Entity = strings.ToUpper(f.Entity)
	if f.Limit < 0 || f.Limit > 10000 {
		return nil, 0, badRequest("limit must be between 1 and 10000")
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := make([]string, 0, len(s.numbers))
	for k := range s.numbers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []Number
	total := 0
	for _, k := range keys {
		n := s.numbers[k]
		if (f.Status != "" && n.Status != f.Status) ||
			(f.RespOrg != "" && n.RespOrg != f.RespOrg) ||
			(f.Entity != "" && n.Entity != f.Entity) ||
			(f.After != "" && n.TFN <= f.After) {
			continue
		}
		total++
		if len(out) < f.Limit {
			out = append(out, *n)
		}
	}
	if out == nil {
		out = []Number{}
	}
	return out, total, nil
}

// snapshot is the exported form of a State.
type snapshot struct {
	Numbers       []Number                    `json:"numbers"`
	Records       []Record                    `json:"records"`
	Templates     []Record                    `json:"templates"`
	Subscriptions []Subscription              `json:"subscriptions"`
	Inbox         map[string][]InboxMessage   `json:"inbox"`
	InboxSeq      int                         `json:"inboxSeq"`
	Events        []scheduledEvent            `json:"events"`
	CRASeq        int                         `json:"craSeq"`
	Limits        map[string]AutomationLimits `json:"automationLimits"`
	Deliveries    webhook.Snapshot            `json:"deliveries"`
}

// Export returns the state's snapshot, sorted for byte-identical encoding.
func (s *State) Export() any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap := snapshot{Numbers: make([]Number, 0, len(s.numbers)), Records: []Record{}, Templates: []Record{},
		Subscriptions: s.subsLocked(), Inbox: map[string][]InboxMessage{}, InboxSeq: s.inboxSeq, Events: []scheduledEvent{},
		CRASeq: s.craSeq, Limits: map[string]AutomationLimits{}}
	for k, v := range s.limits {
		snap.Limits[k] = v
	}
	for _, n := range s.numbers {
		snap.Numbers = append(snap.Numbers, *n)
	}
	sort.Slice(snap.Numbers, func(i, j int) bool { return snap.Numbers[i].TFN < snap.Numbers[j].TFN })
	for _, r := range s.records {
		snap.Records = append(snap.Records, r.clone())
	}
	sort.Slice(snap.Records, func(i, j int) bool { return snap.Records[i].TFN < snap.Records[j].TFN })
	for _, r := range s.templates {
		snap.Templates = append(snap.Templates, r.clone())
	}
	sort.Slice(snap.Templates, func(i, j int) bool { return snap.Templates[i].TmplName < snap.Templates[j].TmplName })
	for k, v := range s.inbox {
		snap.Inbox[k] = append([]InboxMessage{}, v...)
	}
	for _, ev := range s.events {
		e := *ev
		e.cancel = nil
		snap.Events = append(snap.Events, e)
	}
	snap.Deliveries = s.queue.Export()
	return snap
}

// Import replaces the state with a snapshot, re-arming pending scenario
// events and deliveries on the clock.
func (s *State) Import(data json.RawMessage) error {
	var snap snapshot
	if err := tenant.DecodeState(data, &snap); err != nil {
		return err
	}
	if ps := snap.check(); len(ps) > 0 {
		return ps
	}
	numbers := map[string]*Number{}
	for i := range snap.Numbers {
		n := snap.Numbers[i]
		numbers[n.TFN] = &n
	}
	records := map[string]*Record{}
	for i := range snap.Records {
		r := snap.Records[i]
		records[r.TFN] = &r
	}
	templates := map[string]*Record{}
	for i := range snap.Templates {
		r := snap.Templates[i]
		templates[r.TmplName] = &r
	}
	subs := map[string]Subscription{}
	for _, sub := range snap.Subscriptions {
		subs[sub.key()] = sub
	}
	if snap.Inbox == nil {
		snap.Inbox = map[string][]InboxMessage{}
	}
	if snap.Limits == nil {
		snap.Limits = map[string]AutomationLimits{}
	}
	s.mu.Lock()
	for _, ev := range s.events {
		if ev.cancel != nil {
			ev.cancel()
		}
	}
	for k := range s.timers {
		s.stopTimerLocked(k)
	}
	s.craSeq, s.limits = snap.CRASeq, snap.Limits
	s.numbers, s.records, s.templates, s.subs = numbers, records, templates, subs
	s.inbox, s.inboxSeq = snap.Inbox, snap.InboxSeq
	s.events = nil
	for i := range snap.Events {
		ev := snap.Events[i]
		s.events = append(s.events, &ev)
	}
	s.armEventsLocked()
	for _, r := range s.records {
		s.armRecordLocked(r)
	}
	s.mu.Unlock()
	return s.queue.Import(snap.Deliveries)
}
