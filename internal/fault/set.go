package fault

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/telecomsim/simulator/internal/scenario"
)

// Request is what rules match against.
type Request struct {
	Tenant   string
	Provider string
	Method   string
	// Path is the path as routed, relative to the provider mount: the real
	// API's path, such as /v2/cnams/17.
	Path string
	// RouteTemplate is the matched route's template, such as /v2/cnams/{id}
	// ("" when no route matched).
	RouteTemplate string
	// BasePath is the provider's base path, such as /v2, so that a rule
	// written "GET /cnams" matches /v2/cnams.
	BasePath string
	Header   http.Header
	Body     []byte
	// Next, when set, is the handler the request would have reached: a
	// malformed rule then runs it and garbles its real response (so state
	// changes happen, as when a real response is cut short). Without it the
	// garbled body is synthetic.
	Next http.Handler
}

// Set is one tenant's fault rules, in the order they were added. It is safe
// for concurrent use. Each rule draws its random numbers from its own source,
// seeded from the set's seed and the rule's id, so a rule's fire sequence
// depends only on the requests it sees.
type Set struct {
	mu     sync.Mutex
	seed   int64
	nextID int
	rules  []*entry
}

type entry struct {
	rule  Rule // Stats nil
	pat   Pattern
	until time.Time // zero: no end
	stats Stats
	rng   *rand.Rand
}

// countingSource counts the values it hands out, so a snapshot can record
// the position of the stream as (seed, draws) and Import can restore it.
type countingSource struct {
	pcg *rand.PCG
	n   *uint64
}

func (c countingSource) Uint64() uint64 {
	*c.n++
	return c.pcg.Uint64()
}

// NewSet returns an empty set whose random sources derive from seed.
func NewSet(seed int64) *Set { return &Set{seed: seed} }

func (s *Set) newEntry(r Rule, stats Stats) (*entry, error) {
	pat, err := ParsePattern(r.Route)
	if err != nil {
		return nil, err
	}
	e := &entry{rule: r, pat: pat}
	e.rule.Stats = nil
	if r.Until != nil {
		e.until = r.Until.Abs
	}
	h := fnv.New64a()
	h.Write([]byte(r.ID))
	pcg := rand.NewPCG(uint64(s.seed), h.Sum64())
	for i := uint64(0); i < stats.Draws; i++ {
		pcg.Uint64()
	}
	e.stats = stats
	e.rng = rand.New(countingSource{pcg: pcg, n: &e.stats.Draws})
	return e, nil
}

// prepare validates r and resolves a relative Until against base.
func prepare(r Rule, base time.Time) (Rule, error) {
	r = r.clone()
	r.Stats = nil
	r.Route = strings.TrimSpace(r.Route)
	r.Provider = strings.TrimSpace(r.Provider)
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	if r.Until != nil && r.Until.IsRel {
		r.Until = &scenario.At{Abs: r.Until.Resolve(base).UTC()}
	}
	return r, nil
}

func (s *Set) indexLocked(id string) int {
	for i, e := range s.rules {
		if e.rule.ID == id {
			return i
		}
	}
	return -1
}

func (s *Set) assignIDLocked(r *Rule, taken map[string]bool) error {
	if r.ID != "" {
		if s.indexLocked(r.ID) >= 0 || taken[r.ID] {
			return FieldErrors{{Field: "id", Msg: fmt.Sprintf("a rule with id %q already exists", r.ID)}}
		}
		return nil
	}
	for {
		s.nextID++
		id := "fault-" + strconv.Itoa(s.nextID)
		if s.indexLocked(id) < 0 && !taken[id] {
			r.ID = id
			return nil
		}
	}
}

// Add validates r, assigns an id when it has none, resolves a relative
// Until ("+10m") against base (the tenant clock's time when the rule comes
// from the control API) and appends it. It returns the rule as stored.
func (s *Set) Add(r Rule, base time.Time) (Rule, error) {
	r, err := prepare(r, base)
	if err != nil {
		return Rule{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.assignIDLocked(&r, nil); err != nil {
		return Rule{}, err
	}
	e, err := s.newEntry(r, Stats{})
	if err != nil {
		return Rule{}, err
	}
	s.rules = append(s.rules, e)
	return r.clone(), nil
}

// Replace swaps every rule for rules (all validated first: on error nothing
// changes), with fresh counters. Ids restart from fault-1.
func (s *Set) Replace(rules []Rule, base time.Time) error {
	prepared := make([]Rule, len(rules))
	for i, r := range rules {
		p, err := prepare(r, base)
		if err != nil {
			return fmt.Errorf("rule %d: %w", i, err)
		}
		prepared[i] = p
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, oldNext := s.rules, s.nextID
	s.rules, s.nextID = nil, 0
	taken := map[string]bool{}
	for _, r := range prepared {
		if r.ID != "" {
			if taken[r.ID] {
				s.rules, s.nextID = old, oldNext
				return FieldErrors{{Field: "id", Msg: fmt.Sprintf("a rule with id %q already exists", r.ID)}}
			}
			taken[r.ID] = true
		}
	}
	entries := make([]*entry, 0, len(prepared))
	for _, r := range prepared {
		if r.ID == "" {
			if err := s.assignIDLocked(&r, taken); err != nil {
				s.rules, s.nextID = old, oldNext
				return err
			}
			taken[r.ID] = true
		}
		e, err := s.newEntry(r, Stats{})
		if err != nil {
			s.rules, s.nextID = old, oldNext
			return err
		}
		entries = append(entries, e)
	}
	s.rules = entries
	return nil
}

// Remove deletes the rule with the given id and reports whether it existed.
func (s *Set) Remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.indexLocked(id)
	if i < 0 {
		return false
	}
	s.rules = append(s.rules[:i], s.rules[i+1:]...)
	return true
}

// Get returns the rule with the given id, with its stats.
func (s *Set) Get(id string) (Rule, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.indexLocked(id)
	if i < 0 {
		return Rule{}, false
	}
	return s.rules[i].snapshot(), true
}

func (e *entry) snapshot() Rule {
	r := e.rule.clone()
	st := e.stats
	r.Stats = &st
	return r
}

// List returns the rules in order, each with its stats.
func (s *Set) List() []Rule {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Rule, len(s.rules))
	for i, e := range s.rules {
		out[i] = e.snapshot()
	}
	return out
}

// Len returns the number of rules.
func (s *Set) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rules)
}

// Clear removes every rule. Ids are not reused.
func (s *Set) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
}

// Snapshot is the exported form of a Set: the seed, the id counter and each
// rule with its counters (Stats.Draws is the position of the rule's random
// stream).
type Snapshot struct {
	Seed   int64  `json:"seed"`
	NextID int    `json:"nextId"`
	Rules  []Rule `json:"rules"`
}

// Export returns a Snapshot (JSON-encodable, deterministic).
func (s *Set) Export() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := Snapshot{Seed: s.seed, NextID: s.nextID, Rules: make([]Rule, len(s.rules))}
	for i, e := range s.rules {
		snap.Rules[i] = e.snapshot()
	}
	return snap
}

// Import replaces the set with a snapshot from Export, restoring counters
// and the random streams' positions. On error nothing changes.
func (s *Set) Import(data json.RawMessage) error {
	var snap Snapshot
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&snap); err != nil {
		return fmt.Errorf("fault rules: %v", err)
	}
	tmp := &Set{seed: snap.Seed, nextID: snap.NextID}
	seen := map[string]bool{}
	for i, r := range snap.Rules {
		if r.ID == "" {
			return fmt.Errorf("fault rules: rule %d has no id", i)
		}
		if seen[r.ID] {
			return fmt.Errorf("fault rules: duplicate id %q", r.ID)
		}
		seen[r.ID] = true
		if r.Until != nil && r.Until.IsRel {
			return fmt.Errorf("fault rules: rule %q: until must be absolute in a snapshot", r.ID)
		}
		var st Stats
		if r.Stats != nil {
			st = *r.Stats
		}
		p, err := prepare(r, time.Time{})
		if err != nil {
			return fmt.Errorf("fault rules: rule %q: %w", r.ID, err)
		}
		e, err := tmp.newEntry(p, st)
		if err != nil {
			return fmt.Errorf("fault rules: rule %q: %w", r.ID, err)
		}
		tmp.rules = append(tmp.rules, e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seed, s.nextID, s.rules = tmp.seed, tmp.nextID, tmp.rules
	return nil
}

func (e *entry) matches(req Request) bool {
	r := &e.rule
	if r.Tenant != "" && r.Tenant != req.Tenant {
		return false
	}
	if r.Provider != "*" && !strings.EqualFold(r.Provider, req.Provider) {
		return false
	}
	if !e.pat.Matches(req.Method, req.Path, req.RouteTemplate, req.BasePath) {
		return false
	}
	if m := r.Match; m != nil {
		if m.Header != "" && !headerMatches(req.Header, m.Header) {
			return false
		}
		if m.Body != "" && !bytes.Contains(req.Body, []byte(m.Body)) {
			return false
		}
	}
	return true
}

func headerMatches(h http.Header, spec string) bool {
	name, want, hasValue := strings.Cut(spec, ":")
	values := h.Values(strings.TrimSpace(name))
	if !hasValue {
		return len(values) > 0
	}
	want = strings.TrimSpace(want)
	for _, v := range values {
		if strings.Contains(v, want) {
			return true
		}
	}
	return false
}

// Decision is what the rules decided for one request.
type Decision struct {
	// Delay is the total latency of the latency rules that fired.
	Delay time.Duration
	// Latency is the last latency rule that fired, if any.
	Latency *Rule
	// Rule is the terminal rule that fired (any action but latency), if any.
	Rule *Rule
}

// Fired returns the rule to report: the terminal rule, else the latency rule.
func (d Decision) Fired() *Rule {
	if d.Rule != nil {
		return d.Rule
	}
	return d.Latency
}

// Decide runs the rules in order against req at tenant time now, updating
// their counters: every latency rule that fires adds its delay and the walk
// goes on; the first other rule that fires ends it.
func (s *Set) Decide(req Request, now time.Time) Decision {
	s.mu.Lock()
	defer s.mu.Unlock()
	var d Decision
	for _, e := range s.rules {
		if !e.until.IsZero() && !now.Before(e.until) {
			continue
		}
		if !e.matches(req) {
			continue
		}
		e.stats.Matches++
		r := &e.rule
		if e.stats.Matches <= uint64(r.After) {
			continue
		}
		if r.Times > 0 && e.stats.Fired >= uint64(r.Times) {
			continue
		}
		if r.Probability != nil {
			p := *r.Probability
			if p <= 0 {
				continue
			}
			if p < 1 && e.rng.Float64() >= p {
				continue
			}
		}
		e.stats.Fired++
		fired := e.snapshot()
		if r.Latency != nil {
			d.Delay += r.Latency.draw(e.rng.Float64, e.rng.NormFloat64)
			d.Latency = &fired
			continue
		}
		d.Rule = &fired
		break
	}
	d.Delay = min(d.Delay, MaxLatency)
	return d
}
