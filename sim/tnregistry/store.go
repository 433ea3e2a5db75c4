package tnregistry

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/telecomsim/simulator/internal/clock"
)

// State is one tenant's TFNRegistry: the number registry, customer records,
// subscriptions, the built-in inboxes and the outbound delivery queue.
type State struct {
	mu      sync.RWMutex
	clock   clock.Clock
	numbers map[string]*Number
}

func newState(clk clock.Clock) *State {
	return &State{clock: clk, numbers: map[string]*Number{}}
}

// Close stops the state's background work (in-flight deliveries finish).
func (s *State) Close() {}

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
	Numbers []Number `json:"numbers"`
}

// Export returns the state's snapshot, sorted for byte-identical encoding.
func (s *State) Export() any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap := snapshot{Numbers: make([]Number, 0, len(s.numbers))}
	for _, n := range s.numbers {
		snap.Numbers = append(snap.Numbers, *n)
	}
	sort.Slice(snap.Numbers, func(i, j int) bool { return snap.Numbers[i].TFN < snap.Numbers[j].TFN })
	return snap
}

// Import replaces the state with a snapshot.
func (s *State) Import(data json.RawMessage) error {
	var snap snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		return fmt.Errorf("tnregistry: %w", err)
	}
	numbers := map[string]*Number{}
	for i := range snap.Numbers {
		n := snap.Numbers[i]
		numbers[n.TFN] = &n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.numbers = numbers
	return nil
}
