package flowroute

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/internal/timeline"
)

// State is one tenant's Flowroute world: accounts, their CNAM records and
// numbers, and the approval timers.
type State struct {
	mu       sync.RWMutex
	clock    clock.Clock
	cfg      *Config
	accounts map[string]*Account // by access key
	cnams    map[int64]*CNAM
	// order holds each account's records by ascending id, so a page is a
	// slice of it rather than a sort of every record.
	order map[string][]*CNAM
	// live counts each account's records that are not rejected, by value,
	// so the duplicate check on create and update needs no scan.
	live    map[string]map[string]int
	numbers map[string]*Number
	nextID  int64
	rng     *rand.Rand
	rngSeed uint64
	draws   uint64
	cancels map[int64]func() bool
	// story is the tenant's timeline: approvals, rejections and caller-ID
	// changes go there (nil in store tests).
	story *timeline.Log
	// gen counts the times the state was locked for writing (lock), so a
	// page rendered at one gen is the page of every later read at it.
	gen   uint64
	pages pageMemo
}

// lock takes the state for writing. Every change goes through it, which
// makes the rendered pages of the last gen stale.
func (s *State) lock() {
	s.mu.Lock()
	s.gen++
}

func newState(c clock.Clock, cfg *Config, seed uint64) *State {
	return &State{
		clock:    c,
		cfg:      cfg,
		accounts: map[string]*Account{},
		cnams:    map[int64]*CNAM{},
		order:    map[string][]*CNAM{},
		live:     map[string]map[string]int{},
		numbers:  map[string]*Number{},
		nextID:   cfg.FirstID,
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		rngSeed:  seed,
		cancels:  map[int64]func() bool{},
	}
}

// newUUID draws a version-4 UUID from the tenant's seeded source.
func (s *State) newUUID() string {
	s.lock()
	defer s.mu.Unlock()
	s.draws += 2
	a, b := s.rng.Uint64(), s.rng.Uint64()
	a = (a &^ (0xf << 12)) | (0x4 << 12)
	b = (b &^ (0x3 << 62)) | (0x2 << 62)
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

// putLocked adds a record to the id index and its account's order.
func (s *State) putLocked(c *CNAM) {
	if old, ok := s.cnams[c.ID]; ok {
		s.countLocked(old, -1)
	}
	s.countLocked(c, 1)
	s.cnams[c.ID] = c
	list := s.order[c.Account]
	if n := len(list); n == 0 || list[n-1].ID < c.ID {
		s.order[c.Account] = append(list, c)
		return
	}
	i := sort.Search(len(list), func(i int) bool { return list[i].ID >= c.ID })
	if i < len(list) && list[i].ID == c.ID {
		list[i] = c
		return
	}
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = c
	s.order[c.Account] = list
}

// dropLocked removes a record from the id index and its account's order.
func (s *State) dropLocked(c *CNAM) {
	s.countLocked(c, -1)
	delete(s.cnams, c.ID)
	list := s.order[c.Account]
	i := sort.Search(len(list), func(i int) bool { return list[i].ID >= c.ID })
	if i < len(list) && list[i].ID == c.ID {
		s.order[c.Account] = append(list[:i], list[i+1:]...)
	}
}

// authenticate finds the account for a key pair.
func (s *State) authenticate(access, secret []byte) (*Account, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.accounts[string(access)] // neither conversion allocates
	if !ok || a.SecretKey != string(secret) {
		return nil, false
	}
	return a, true
}

// CNAMFilter selects CNAM records.
type CNAMFilter struct {
	Approved *bool
	Value    string
	Limit    int
	Offset   int
}

// ListCNAMs returns a page of the account's records, oldest first, and
// whether there are more.
func (s *State) ListCNAMs(account string, f CNAMFilter) ([]CNAM, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	page, more := s.pageLocked(account, f)
	out := make([]CNAM, len(page))
	for i, c := range page {
		out[i] = *c
	}
	return out, more
}

// RenderedCNAMPage is the page of account's records that f selects, as
// render writes it, remembered under key (which must name everything
// besides the records that the rendering depends on) until the state
// changes.
func (s *State) RenderedCNAMPage(account string, key []byte, f CNAMFilter, render func(dst []byte, page []*CNAM, more bool) []byte) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if page, ok := s.pages.get(s.gen, key); ok {
		return page
	}
	bp := pageBufs.Get().(*[]byte)
	items, more := s.pageLocked(account, f)
	body := render((*bp)[:0], items, more)
	page := string(body)
	if cap(body) <= 64<<10 {
		*bp = body
		pageBufs.Put(bp)
	}
	s.pages.put(s.gen, key, page)
	return page
}

func (s *State) pageLocked(account string, f CNAMFilter) ([]*CNAM, bool) {
	list := s.order[account]
	needle := strings.ToLower(f.Value)
	if f.Approved == nil && needle == "" {
		if f.Offset >= len(list) {
			return nil, false
		}
		end := len(list)
		if f.Limit > 0 && f.Offset+f.Limit < end {
			end = f.Offset + f.Limit
		}
		return list[f.Offset:end:end], end < len(list)
	}
	var out []*CNAM
	skip := f.Offset
	for _, c := range list {
		if f.Approved != nil && (c.Approved != nil) != *f.Approved {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(c.Value), needle) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if f.Limit > 0 && len(out) == f.Limit {
			return out, true
		}
		out = append(out, c)
	}
	return out, false
}

// GetCNAM returns one record with the numbers it is associated with.
func (s *State) GetCNAM(account string, id int64) (CNAM, []Number, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.cnams[id]
	if !ok || c.Account != account {
		return CNAM{}, nil, errCNAMNotFound
	}
	return *c, s.numbersOfLocked(id), nil
}

func (s *State) numbersOfLocked(id int64) []Number {
	var out []Number
	for _, n := range s.numbers {
		if n.CNAM == id {
			out = append(out, *n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out
}

func (s *State) duplicateLocked(account, value string, except int64) bool {
	n := s.live[account][value]
	if c, ok := s.cnams[except]; ok && c.Account == account && c.Value == value && c.Rejection == nil {
		n--
	}
	return n > 0
}

// countLocked adds d to the live count of c's value unless c is rejected;
// call it with -1 before a record's value or rejection changes or it goes,
// and with +1 after.
func (s *State) countLocked(c *CNAM, d int) {
	if c.Rejection != nil {
		return
	}
	byValue := s.live[c.Account]
	if byValue == nil {
		if d < 0 {
			return
		}
		byValue = map[string]int{}
		s.live[c.Account] = byValue
	}
	if n := byValue[c.Value] + d; n > 0 {
		byValue[c.Value] = n
	} else {
		delete(byValue, c.Value)
	}
}

func normalizeValue(v string) (string, error) {
	v = strings.ToUpper(strings.TrimSpace(v))
	if v == "" {
		return "", errMissingValue()
	}
	return v, nil
}

// CreateCNAM adds a pending record that the clock will approve or reject.
func (s *State) CreateCNAM(account, value string) (CNAM, error) {
	v, err := normalizeValue(value)
	if err != nil {
		return CNAM{}, err
	}
	s.lock()
	defer s.mu.Unlock()
	if s.duplicateLocked(account, v, 0) {
		return CNAM{}, errDuplicate
	}
	now := s.clock.Now()
	c := &CNAM{ID: s.nextID, Account: account, Value: v, Created: now, DecideAt: now.Add(s.cfg.Approval.After.D())}
	s.nextID++
	s.putLocked(c)
	s.armLocked(c)
	return *c, nil
}

// UpdateCNAM changes a pending record's value; the approval delay restarts.
func (s *State) UpdateCNAM(account string, id int64, value string) (CNAM, error) {
	v, err := normalizeValue(value)
	if err != nil {
		return CNAM{}, err
	}
	s.lock()
	defer s.mu.Unlock()
	c, ok := s.cnams[id]
	if !ok || c.Account != account {
		return CNAM{}, errCNAMNotFound
	}
	if c.Status() != StatusPending {
		return CNAM{}, errorf(422, fmt.Sprintf("Only pending CNAM records can be updated; this record is %s.", c.Status()))
	}
	if s.duplicateLocked(account, v, id) {
		return CNAM{}, errDuplicate
	}
	s.countLocked(c, -1)
	c.Value = v
	s.countLocked(c, 1)
	c.DecideAt = s.clock.Now().Add(s.cfg.Approval.After.D())
	s.armLocked(c)
	return *c, nil
}

// DeleteCNAM removes a record and its number associations.
func (s *State) DeleteCNAM(account string, id int64) error {
	s.lock()
	defer s.mu.Unlock()
	c, ok := s.cnams[id]
	if !ok || c.Account != account {
		return errorf(404, "CNAM record not found. Nothing to delete.")
	}
	for _, n := range s.numbers {
		if n.CNAM == id {
			n.CNAM, n.CNAMSince = 0, time.Time{}
		}
	}
	if cancel := s.cancels[id]; cancel != nil {
		cancel()
		delete(s.cancels, id)
	}
	s.dropLocked(c)
	return nil
}

func (s *State) armLocked(c *CNAM) {
	if cancel := s.cancels[c.ID]; cancel != nil {
		cancel()
	}
	id := c.ID
	s.cancels[id] = s.clock.At(c.DecideAt, func() { s.decide(id) })
}

// decide runs when a pending record's approval delay has passed.
func (s *State) decide(id int64) {
	s.lock()
	defer s.mu.Unlock()
	delete(s.cancels, id)
	c, ok := s.cnams[id]
	if !ok || c.Status() != StatusPending {
		return
	}
	now := s.clock.Now()
	if reason := s.cfg.rejectionReason(c.Value); reason != "" {
		s.countLocked(c, -1)
		c.Rejection = &reason
	} else {
		c.Approved = &now
	}
	s.noteDecision(c, "after the approval delay")
}

// noteDecision puts a record's approval or rejection on the timeline.
func (s *State) noteDecision(c *CNAM, why string) {
	summary := fmt.Sprintf("CNAM record %d %q %s %s", c.ID, c.Value, c.Status(), why)
	if c.Rejection != nil {
		summary += ": " + *c.Rejection
	}
	var numbers []string
	for _, n := range s.numbers {
		if n.CNAM == c.ID {
			numbers = append(numbers, timeline.Normalize(n.Value))
		}
	}
	s.story.Add(timeline.Item{Time: s.clock.Now(), Kind: timeline.KindLifecycle, Provider: "flowroute", Summary: summary, Numbers: numbers,
		Detail: map[string]string{"id": fmt.Sprint(c.ID), "value": c.Value, "status": string(c.Status())}})
}

var errNoRecord = errors.New("no such CNAM record")

// Decide approves (reason empty) or rejects a pending record now: the
// control API's lever.
func (s *State) Decide(id int64, approve bool, reason string) (CNAM, error) {
	s.lock()
	defer s.mu.Unlock()
	c, ok := s.cnams[id]
	if !ok {
		return CNAM{}, errNoRecord
	}
	if c.Status() != StatusPending {
		return CNAM{}, fmt.Errorf("CNAM record %d is already %s", id, c.Status())
	}
	if cancel := s.cancels[id]; cancel != nil {
		cancel()
		delete(s.cancels, id)
	}
	now := s.clock.Now()
	c.DecideAt = now
	if approve {
		c.Approved = &now
	} else {
		if reason == "" {
			reason = "Rejected by review."
		}
		s.countLocked(c, -1)
		c.Rejection = &reason
	}
	s.noteDecision(c, "at once")
	return *c, nil
}

var (
	allowedChars = regexp.MustCompile(`^[A-Z0-9 \-_.,@+&'/"]+$`)
	hasLetter    = regexp.MustCompile(`[A-Z]`)
	phoneLike    = regexp.MustCompile(`(\d[\s\-.()]*){7,}`)
)

// rejectionReason applies Flowroute's CNAM rules; "" means approvable.
func (c *Config) rejectionReason(v string) string {
	switch {
	case len(v) > 15:
		return "CNAM value exceeds 15 characters."
	case !hasLetter.MatchString(v):
		return "CNAM value must contain at least one letter."
	case !allowedChars.MatchString(v):
		return "CNAM value contains characters that are not allowed; use letters, digits, spaces and - _ . , @ + & ' / \" only."
	case phoneLike.MatchString(v):
		return "CNAM value cannot contain a phone number."
	}
	words := strings.FieldsFunc(v, func(r rune) bool { return r < 'A' || r > 'Z' })
	for _, w := range words {
		for _, bad := range c.Approval.Profanity {
			if strings.EqualFold(w, bad) {
				return "CNAM value contains inappropriate language."
			}
		}
	}
	return ""
}

// NumberFilter selects numbers.
type NumberFilter struct {
	StartsWith, EndsWith, Contains string
	Limit, Offset                  int
}

// ListNumbers returns a page of the account's numbers, sorted, and whether
// there are more.
func (s *State) ListNumbers(account string, f NumberFilter) ([]Number, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []*Number
	for _, n := range s.numbers {
		if n.Account != account ||
			!strings.HasPrefix(n.Value, f.StartsWith) ||
			!strings.HasSuffix(n.Value, f.EndsWith) ||
			!strings.Contains(n.Value, f.Contains) {
			continue
		}
		all = append(all, n)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Value < all[j].Value })
	if f.Offset >= len(all) {
		return []Number{}, false
	}
	end := min(len(all), f.Offset+f.Limit)
	out := make([]Number, 0, end-f.Offset)
	for _, n := range all[f.Offset:end] {
		out = append(out, *n)
	}
	return out, end < len(all)
}

// GetNumber returns one of the account's numbers and its CNAM, if any.
func (s *State) GetNumber(account, value string) (Number, *CNAM, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n, ok := s.numbers[value]
	if !ok || n.Account != account {
		return Number{}, nil, errNumberMissing
	}
	var c *CNAM
	if n.CNAM != 0 {
		if cn, ok := s.cnams[n.CNAM]; ok {
			cp := *cn
			c = &cp
		}
	}
	return *n, c, nil
}

// Associate sets an approved CNAM record as the number's caller ID.
func (s *State) Associate(account, number string, id int64) (time.Time, error) {
	s.lock()
	defer s.mu.Unlock()
	n, ok := s.numbers[number]
	if !ok || n.Account != account {
		return time.Time{}, errNumberMissing
	}
	c, ok := s.cnams[id]
	if !ok || c.Account != account {
		return time.Time{}, errCNAMNotFound
	}
	if c.Status() != StatusApproved {
		return time.Time{}, errorf(422, fmt.Sprintf("CNAM record %d is %s; only approved records can be associated with a number.", id, c.Status()))
	}
	now := s.clock.Now()
	n.CNAM, n.CNAMSince = id, now
	s.story.Add(timeline.Item{Time: now, Kind: timeline.KindLifecycle, Provider: "flowroute",
		Summary: fmt.Sprintf("caller ID of %s set to %q (CNAM record %d)", number, c.Value, id), Numbers: []string{timeline.Normalize(number)}})
	return now, nil
}

// Disassociate removes the number's CNAM record and returns its id (0 when
// there was none).
func (s *State) Disassociate(account, number string) (int64, time.Time, error) {
	s.lock()
	defer s.mu.Unlock()
	n, ok := s.numbers[number]
	if !ok || n.Account != account {
		return 0, time.Time{}, errNumberMissing
	}
	id := n.CNAM
	n.CNAM, n.CNAMSince = 0, time.Time{}
	return id, s.clock.Now(), nil
}

// snapshot is the exported form of a State.
type snapshot struct {
	Accounts []Account `json:"accounts"`
	CNAMs    []CNAM    `json:"cnams"`
	Numbers  []Number  `json:"numbers"`
	NextID   int64     `json:"nextId"`
	RNGSeed  uint64    `json:"rngSeed"`
	Draws    uint64    `json:"rngDraws"`
}

// Export implements tenant.State.
func (s *State) Export() any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap := snapshot{NextID: s.nextID, RNGSeed: s.rngSeed, Draws: s.draws, Accounts: []Account{}, CNAMs: []CNAM{}, Numbers: []Number{}}
	for _, a := range s.accounts {
		snap.Accounts = append(snap.Accounts, *a)
	}
	sort.Slice(snap.Accounts, func(i, j int) bool { return snap.Accounts[i].AccessKey < snap.Accounts[j].AccessKey })
	for _, c := range s.cnams {
		snap.CNAMs = append(snap.CNAMs, *c)
	}
	sort.Slice(snap.CNAMs, func(i, j int) bool { return snap.CNAMs[i].ID < snap.CNAMs[j].ID })
	for _, n := range s.numbers {
		snap.Numbers = append(snap.Numbers, *n)
	}
	sort.Slice(snap.Numbers, func(i, j int) bool { return snap.Numbers[i].Value < snap.Numbers[j].Value })
	return snap
}

// Import implements tenant.State.
func (s *State) Import(data json.RawMessage) error {
	var snap snapshot
	if err := tenant.DecodeState(data, &snap); err != nil {
		return err
	}
	if ps := snap.check(); len(ps) > 0 {
		return ps
	}
	s.lock()
	defer s.mu.Unlock()
	for _, cancel := range s.cancels {
		cancel()
	}
	s.cancels = map[int64]func() bool{}
	s.accounts = map[string]*Account{}
	for i := range snap.Accounts {
		a := snap.Accounts[i]
		s.accounts[a.AccessKey] = &a
	}
	s.cnams = map[int64]*CNAM{}
	s.order = map[string][]*CNAM{}
	s.live = map[string]map[string]int{}
	for i := range snap.CNAMs {
		c := snap.CNAMs[i]
		s.putLocked(&c)
		if c.Status() == StatusPending {
			s.armLocked(&c)
		}
	}
	s.numbers = map[string]*Number{}
	for i := range snap.Numbers {
		n := snap.Numbers[i]
		s.numbers[n.Value] = &n
	}
	s.nextID = snap.NextID
	s.rngSeed, s.draws = snap.RNGSeed, 0
	s.rng = rand.New(rand.NewPCG(s.rngSeed, s.rngSeed^0x9e3779b97f4a7c15))
	for s.draws < snap.Draws {
		s.rng.Uint64()
		s.draws++
	}
	return nil
}
