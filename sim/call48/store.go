package call48

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/internal/timeline"
)

// Caller is who a request acts as.
type Caller struct {
	AccountID int
	Admin     bool
}

// data is everything a tenant's Call48 state holds; it is what Export writes
// (maps are encoded with sorted keys, so the snapshot is deterministic).
type data struct {
	Secret    string                `json:"secret"`
	Nonce     uint64                `json:"nonce"`
	Seq       map[string]int        `json:"seq"`
	Accounts  map[int]*Account      `json:"accounts"`
	Inventory map[string]*InvNumber `json:"inventory"` // numbers besides the catalogue's (see stock)
	Sold      map[string]bool       `json:"sold"`      // catalogue numbers no longer in stock
	Past      []Holding             `json:"pastDids"`  // released numbers, for their call records (at most maxPast)
	Offers    map[string]*IntlOffer `json:"offers"`
	DIDs      map[int]*DID          `json:"dids"`
	Cnams     map[int]*Cnam         `json:"cnams"`
	Trunks    map[int]*Trunk        `json:"trunks"`
	Bulk      map[int]*BulkOrder    `json:"bulkOrders"`
	Ports     map[int]*PortRequest  `json:"ports"`
	Proposals map[int]*Proposal     `json:"proposals"`
	Plans     map[int]*DiscountPlan `json:"discountPlans"`
}

func newData() *data {
	return &data{
		Seq: map[string]int{}, Accounts: map[int]*Account{}, Inventory: map[string]*InvNumber{}, Sold: map[string]bool{},
		Offers: map[string]*IntlOffer{}, DIDs: map[int]*DID{}, Cnams: map[int]*Cnam{}, Trunks: map[int]*Trunk{},
		Bulk: map[int]*BulkOrder{}, Ports: map[int]*PortRequest{}, Proposals: map[int]*Proposal{}, Plans: map[int]*DiscountPlan{},
	}
}

// Store is one tenant's Call48 state.
type Store struct {
	mu    sync.RWMutex
	clock clock.Clock
	log   *slog.Logger
	cfg   *Config
	d     *data

	// derived indexes, rebuilt on import
	byName    map[string]int // username -> account id
	byNumber  map[string]int // number -> DID id
	invSorted []string       // the inventory's numbers in order (may be a shared stock's: never changed in place)
	invDirty  bool           // numbers were added since invSorted was made
	invStale  bool           // numbers were only removed since then
	// soldIn counts the catalogue numbers sold, by rate center (seq): a
	// search passes over a sold-out rate center without drawing its numbers.
	soldIn map[int]int
	timers map[string]func() bool
	stock  *stock // the shared inventory the tenant started from
	// story is the tenant's timeline: port-in steps and bulk orders go
	// there (nil in store tests).
	story *timeline.Log
}

// note puts a lifecycle step on the tenant's timeline.
func (s *Store) note(summary string, numbers []string, detail map[string]string) {
	if s.story == nil {
		return
	}
	var ns []string
	for _, n := range numbers {
		if v := timeline.Normalize(n); v != "" {
			ns = append(ns, v)
		}
	}
	s.story.Add(timeline.Item{Time: s.clock.Now(), Kind: timeline.KindLifecycle, Provider: "call48", Summary: summary, Numbers: ns, Detail: detail})
}

func newStore(clk clock.Clock, log *slog.Logger, cfg *Config) *Store {
	if log == nil {
		log = slog.Default()
	}
	s := &Store{clock: clk, log: log, cfg: cfg, d: newData(), timers: map[string]func() bool{}}
	s.reindex()
	return s
}

func (s *Store) reindex() {
	s.byName = map[string]int{}
	for id, a := range s.d.Accounts {
		s.byName[strings.ToLower(a.Username)] = id
	}
	s.byNumber = map[string]int{}
	for id, d := range s.d.DIDs {
		s.byNumber[d.Number] = id
	}
	s.soldIn = map[int]int{}
	for number := range s.d.Sold {
		if rc := fx.rateCenterOf(number); rc != nil {
			s.soldIn[int(rc.seq)]++
		}
	}
	s.invDirty = true
}

// Export returns a deterministic snapshot of the state.
func (s *Store) Export() any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, err := json.Marshal(s.d)
	if err != nil {
		return map[string]string{"error": err.Error()}
	}
	return json.RawMessage(b)
}

// Import replaces the state with a snapshot and re-arms its timers.
func (s *Store) Import(raw json.RawMessage) error {
	d := newData()
	if err := tenant.DecodeState(raw, d); err != nil {
		return err
	}
	if ps := d.check(); len(ps) > 0 {
		return ps
	}
	if d.Seq == nil {
		d.Seq = map[string]int{}
	}
	if d.Sold == nil {
		d.Sold = map[string]bool{}
	}
	s.mu.Lock()
	for k, cancel := range s.timers {
		cancel()
		delete(s.timers, k)
	}
	s.d = d
	s.reindex()
	s.rearmLocked()
	s.mu.Unlock()
	return nil
}

// rearmLocked schedules every timer the data implies.
func (s *Store) rearmLocked() {
	for _, p := range s.d.Proposals {
		if !p.NextAt.IsZero() {
			s.armLocked("proposal", p.ID, p.NextAt)
		}
	}
	for _, t := range s.d.Trunks {
		if t.Status == "queued" && !t.ActiveAt.IsZero() {
			s.armLocked("trunk", t.ID, t.ActiveAt)
		}
	}
	for _, b := range s.d.Bulk {
		if !b.NextAt.IsZero() {
			s.armLocked("bulk", b.ID, b.NextAt)
		}
	}
	for _, d := range s.d.DIDs {
		if !d.NextBill.IsZero() {
			s.armLocked("bill", d.ID, d.NextBill)
		}
	}
}

// armLocked (re)schedules the timer of one entity; when it fires, fire
// checks the entity is still due at that time.
func (s *Store) armLocked(kind string, id int, at time.Time) {
	key := fmt.Sprintf("%s/%d", kind, id)
	if cancel, ok := s.timers[key]; ok {
		cancel()
	}
	s.timers[key] = s.clock.At(at, func() { s.fire(kind, id, at) })
}

func (s *Store) disarmLocked(kind string, id int) {
	key := fmt.Sprintf("%s/%d", kind, id)
	if cancel, ok := s.timers[key]; ok {
		cancel()
		delete(s.timers, key)
	}
}

func (s *Store) fire(kind string, id int, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := fmt.Sprintf("%s/%d", kind, id)
	delete(s.timers, key)
	now := s.clock.Now()
	switch kind {
	case "proposal":
		if p := s.d.Proposals[id]; p != nil && p.NextAt.Equal(at) {
			s.stepProposalLocked(p, now, "", "")
		}
	case "trunk":
		if t := s.d.Trunks[id]; t != nil && t.Status == "queued" && t.ActiveAt.Equal(at) {
			t.Status, t.UpdatedAt = "active", now
			s.log.Info("call48 trunk group active", "trunk_grpid", t.ID, "ext_tgid", t.ExtTGID)
		}
	case "bulk":
		if b := s.d.Bulk[id]; b != nil && b.NextAt.Equal(at) {
			s.stepBulkLocked(b, now)
		}
	case "bill":
		if d := s.d.DIDs[id]; d != nil && d.NextBill.Equal(at) {
			s.billLocked(d)
		}
	}
}

func (s *Store) next(kind string, start int) int {
	if s.d.Seq[kind] < start {
		s.d.Seq[kind] = start
	}
	s.d.Seq[kind]++
	return s.d.Seq[kind]
}

// randBytes draws n deterministic pseudo-random bytes from the state's secret
// and a counter (exported with the state, so imports continue the sequence).
func (s *Store) randBytes(n int) []byte {
	out := make([]byte, 0, n)
	for len(out) < n {
		s.d.Nonce++
		mac := hmac.New(sha256.New, []byte(s.d.Secret))
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], s.d.Nonce)
		mac.Write(b[:])
		out = append(out, mac.Sum(nil)...)
	}
	return out[:n]
}

func (s *Store) randIntn(n int) int {
	if n <= 0 {
		return 0
	}
	return int(binary.BigEndian.Uint64(s.randBytes(8)) % uint64(n))
}

func (s *Store) uuidLocked() string {
	b := s.randBytes(16)
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

const alnum = "0123456789abcdefghijklmnopqrstuvwxyz"

func (s *Store) randAlnum(n int) string {
	b := s.randBytes(n)
	out := make([]byte, n)
	for i := range b {
		out[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(out)
}

// mac returns a hex MAC of parts under the state secret.
func (s *Store) mac(parts ...string) string {
	m := hmac.New(sha256.New, []byte(s.d.Secret))
	m.Write([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(m.Sum(nil))
}

// visibleLocked reports whether c may see a record owned by owner: its own,
// its sub-customers', or anything for an SP admin.
func (s *Store) visibleLocked(c Caller, owner int) bool {
	if c.Admin || owner == c.AccountID {
		return true
	}
	if a := s.d.Accounts[owner]; a != nil && a.ParentID == c.AccountID {
		return true
	}
	return false
}

func (s *Store) accountLocked(c Caller) (*Account, error) {
	a := s.d.Accounts[c.AccountID]
	if a == nil {
		return nil, ErrUnauthorized
	}
	return a, nil
}

// --- auth -------------------------------------------------------------------

// Login checks credentials and issues a 24 h (scenario tokenTTL) token.
// admin selects admin_login (SP admins only) over login (accounts only).
func (s *Store) Login(user, pass string, admin bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byName[strings.ToLower(strings.TrimSpace(user))]
	if !ok {
		return "", ErrInvalidCredentials
	}
	a := s.d.Accounts[id]
	if a == nil || a.Password != pass || a.Admin != admin || a.Username != strings.TrimSpace(user) {
		return "", ErrInvalidCredentials
	}
	now := s.clock.Now()
	c := claims{UserID: a.ID, UUID: s.uuidLocked(), UserType: "accounts", AccountType: "account", Iat: now.Unix(), Exp: now.Add(s.cfg.tokenTTL()).Unix()}
	if admin {
		shadow := false
		c.UserType, c.AccountType, c.IsShadow = "user", "spadmin", &shadow
	}
	s.note(fmt.Sprintf("%s logged in; the token lives until %s", a.Username, time.Unix(c.Exp, 0).UTC().Format(time.RFC3339)), nil,
		map[string]string{"user": a.Username, "expires": time.Unix(c.Exp, 0).UTC().Format(time.RFC3339)})
	return signJWT([]byte(s.d.Secret), c), nil
}

// Verify checks a token on the tenant clock and returns its caller.
func (s *Store) Verify(tok string) (Caller, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := parseJWT([]byte(s.d.Secret), tok)
	if err != nil {
		return Caller{}, ErrUnauthorized
	}
	if s.clock.Now().Unix() >= c.Exp {
		return Caller{}, ErrUnauthorized
	}
	a := s.d.Accounts[c.UserID]
	if a == nil || a.Admin != (c.AccountType == "spadmin") {
		return Caller{}, ErrUnauthorized
	}
	return Caller{AccountID: a.ID, Admin: a.Admin}, nil
}

// --- payment ----------------------------------------------------------------

// minPayment is the smallest accepted payment: amounts must exceed $20.00.
const minPayment = Money(20 * 100000)

// Pay adds funds to the caller's balance.
func (s *Store) Pay(c Caller, amount string) (Money, error) {
	if strings.TrimSpace(amount) == "" {
		return 0, missing("amount")
	}
	m, err := ParseMoney(strings.TrimPrefix(strings.TrimSpace(amount), "$"))
	if err != nil {
		return 0, invalid("amount", "must be a decimal amount such as 40.00")
	}
	if m <= minPayment {
		return 0, errf(400, "Amount must be greater than $20.00")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.accountLocked(c)
	if err != nil {
		return 0, err
	}
	a.Balance += m
	return a.Balance, nil
}

// Balance returns an account's balance (for the control API and tests).
func (s *Store) Balance(username string) (Money, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byName[strings.ToLower(username)]
	if !ok {
		return 0, false
	}
	return s.d.Accounts[id].Balance, true
}

// SetBalance sets an account's balance (a control lever).
func (s *Store) SetBalance(username string, m Money) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byName[strings.ToLower(username)]
	if !ok {
		return notFound("Account")
	}
	s.d.Accounts[id].Balance = m
	return nil
}

func sortedKeys[K int | string, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
