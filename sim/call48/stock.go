package call48

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/brianvoe/gofakeit/v7"
)

var tollNPAs = []string{"800", "833", "844", "855", "866", "877", "888"}

// stock is a number inventory and its international offers, one per
// configuration and seed, shared read-only by every tenant built from them.
//
// Local numbers are not stored: each rate center of the catalogue has
// perRC numbers, a pure function of the seed and the rate center
// (localNumbers), so the whole catalogue is in stock at no memory cost and a
// tenant records only what left it (data.Sold). The few other numbers (toll
// numbers, the document's example) are in inv, which each tenant copies.
type stock struct {
	inv     map[string]*InvNumber // never changed: tenants replace or delete entries
	sorted  []string              // inv's numbers in order
	offers  []IntlOffer           // copied per tenant (availability changes)
	lastInv int                   // the last inventory id handed out
	seed    uint32
	perRC   int             // local numbers per rate center
	states  map[string]bool // states with local numbers; nil: all
}

// localBase is the first inventory id of catalogue numbers: rate center
// seq*64 + j.
const localBase = 1_000_000

// maxPerRC bounds the numbers of one rate center (ids leave room for 64).
const maxPerRC = 48

// generateStock builds an inventory from the seeded faker.
func generateStock(f *gofakeit.Faker, seed int64, spec InventorySpec) *stock {
	st := &stock{inv: map[string]*InvNumber{}, lastInv: 5000, seed: uint32(seed) ^ uint32(seed>>32)}
	if spec.Local > 0 {
		st.perRC = min(max(1, spec.Local/max(1, len(rateCenters))), maxPerRC)
	}
	if len(spec.States) > 0 {
		st.states = map[string]bool{}
		total := 0
		for _, code := range spec.States {
			code = strings.ToUpper(code)
			st.states[code] = true
			total += len(fx.footprints(code))
		}
		if spec.Local > 0 {
			st.perRC = min(max(1, spec.Local/max(1, total)), maxPerRC)
		}
	}
	add := func(n *InvNumber) bool {
		if _, dup := st.inv[n.Number]; dup {
			return false
		}
		st.lastInv++
		n.InvID = st.lastInv
		st.inv[n.Number] = n
		return true
	}
	// the document's own example number, when its state is stocked
	if rc, ok := fx.rateCenter("GA", "ATHENS"); ok && st.perRC > 0 && (st.states == nil || st.states["GA"]) {
		add(&InvNumber{Number: "7065103027", Kind: KindLocal, State: "GA", RateCenter: rc.Name(), FootprintID: int(rc.FootprintID), LATA: "438", Platform: PlatformOD, Fax: true, Tier: 1, Vendor: 1})
	}
	for made, tries := 0, 0; made < spec.Toll && tries < spec.Toll*5; tries++ {
		num := tollNPAs[f.IntRange(0, len(tollNPAs)-1)] + nxx(f) + fmt.Sprintf("%04d", f.IntRange(0, 9999))
		if add(&InvNumber{Number: num, Kind: KindToll, Platform: PlatformOD, Tier: 1, Vendor: 1}) {
			made++
		}
	}
	type city struct {
		c    CountryRow
		name string
		pfx  string
	}
	var cities []city
	for _, c := range fx.Countries {
		for _, ct := range c.Cities {
			cities = append(cities, city{c, ct.Name, ct.Prefix})
		}
	}
	f.ShuffleAnySlice(cities)
	for i := 0; i < spec.Intl && i < len(cities); i++ {
		ct := cities[i]
		feats := []string{"voice", "voice_out"}
		if f.IntRange(0, 9) < 3 {
			feats = append(feats, "sms")
		}
		st.offers = append(st.offers, IntlOffer{ID: f.UUID(), Name: ct.name, Prefix: ct.pfx, Country: ct.c.Code, Features: feats,
			Requirements: ct.c.Req != "", Available: f.IntRange(5, 50), Setup: "0.0",
			Monthly: fmt.Sprintf("%.1f", float64(f.IntRange(10, 99))/10)})
	}
	st.sorted = sortedKeys(st.inv)
	return st
}

// localNumbers are the catalogue numbers of a rate center, in number order:
// its NPA and exchange, line numbers drawn from the seed. About 30% are
// PortaOne numbers (vendor 2), the others OD numbers of vendor 1 or 4.
//
// A search walks rate centers until it has enough unsold numbers, so this
// runs for many rate centers per request: it allocates twice (the numbers
// share one string), where formatting each draw cost about ten allocations.
func (st *stock) localNumbers(rc *RateCenter) []InvNumber {
	if st == nil || st.perRC == 0 || rc == nil || rc.npa == 0 || (st.states != nil && !st.states[rc.State()]) {
		return nil
	}
	if fx.rateCenterOf(rc.NPA()+rc.exchange()+"0000") != rc {
		return nil // an exchange shared with an earlier rate center of the NPA
	}
	// Draw j's hash is hash32("line", seed, footprint id, j): the common
	// prefix is hashed once.
	var buf [48]byte
	key := append(buf[:0], "line\x00"...)
	key = strconv.AppendUint(key, uint64(st.seed), 10)
	key = append(key, 0)
	key = strconv.AppendInt(key, int64(rc.FootprintID), 10)
	key = append(key, 0)
	prefix := fnv32a(fnvOffset32, key)
	type draw struct {
		line [4]byte
		h    uint64
		j    int
	}
	var draws [64]draw
	n := 0
next:
	for j := 0; n < st.perRC && j < 64; j++ {
		h := uint64(fnv32a(prefix, append(strconv.AppendInt(buf[:0], int64(j), 10), 0)))
		v := h % 10000
		line := [4]byte{byte('0' + v/1000), byte('0' + v/100%10), byte('0' + v/10%10), byte('0' + v%10)}
		for _, d := range draws[:n] {
			if d.line == line {
				continue next
			}
		}
		draws[n] = draw{line, h, j}
		n++
	}
	// Every number shares the NPA and exchange: line order is number order.
	slices.SortFunc(draws[:n], func(a, b draw) int { return bytes.Compare(a.line[:], b.line[:]) })
	var all strings.Builder
	all.Grow(n * 10)
	for _, d := range draws[:n] {
		all.WriteString(rc.NPA())
		all.WriteString(rc.exchange())
		all.Write(d.line[:])
	}
	numbers := all.String()
	out := make([]InvNumber, n)
	for i, d := range draws[:n] {
		h := d.h
		num := InvNumber{Number: numbers[i*10 : i*10+10], Kind: KindLocal, State: rc.State(), RateCenter: rc.Name(), FootprintID: int(rc.FootprintID),
			LATA: rc.LATA(), Platform: PlatformOD, Fax: (h>>14)&1 == 1, Tier: 1 + int((h>>16)%10)/8, InvID: localBase + int(rc.seq)*64 + d.j, Vendor: 1}
		switch (h >> 20) % 10 {
		case 0, 1, 2:
			num.Platform, num.Vendor = PlatformPorta, 2
		case 3, 4, 5:
			num.Vendor = 4
		}
		out[i] = num
	}
	return out
}

// local finds a catalogue number (whether or not a tenant sold it).
func (st *stock) local(number string) (InvNumber, bool) {
	rc := fx.rateCenterOf(number)
	if rc == nil {
		return InvNumber{}, false
	}
	nums := st.localNumbers(rc)
	i, found := slices.BinarySearchFunc(nums, number, func(n InvNumber, t string) int { return strings.Compare(n.Number, t) })
	if !found {
		return InvNumber{}, false
	}
	return nums[i], true
}

// stockLocked starts the tenant's inventory from a shared stock.
func (s *Store) stockLocked(st *stock) {
	s.d.Inventory = maps.Clone(st.inv)
	for _, o := range st.offers {
		o.Features = slices.Clone(o.Features)
		s.d.Offers[o.ID] = &o
	}
	s.d.Seq["inv"] = max(s.d.Seq["inv"], st.lastInv)
	s.invSorted, s.invDirty = st.sorted, false
	s.stock = st
}

// stocks caches the generated inventories by seed and inventory spec, so a
// new tenant copies one instead of generating it (generation was three
// quarters of a tenant's creation). It keeps a few: scenarios loaded through
// the control API can bring any number of seeds.
type stocks struct {
	mu sync.Mutex
	m  map[stockKey]*stock
}

type stockKey struct {
	seed int64
	spec string
}

const maxStocks = 16

// get returns the stock for a seed and spec, generating it on first use
// from the faker that faker gives.
func (c *stocks) get(seed int64, spec InventorySpec, faker func() *gofakeit.Faker) *stock {
	k := stockKey{seed, fmt.Sprintf("%d/%d/%d/%q", spec.Local, spec.Toll, spec.Intl, spec.States)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[k]; ok {
		return st
	}
	if len(c.m) >= maxStocks || c.m == nil {
		c.m = map[stockKey]*stock{}
	}
	st := generateStock(faker(), seed, spec)
	c.m[k] = st
	return st
}

func nxx(f *gofakeit.Faker) string {
	for {
		n := strconv.Itoa(f.IntRange(200, 999))
		if n[1:] != "11" && n != "555" {
			return n
		}
	}
}

func (s *Store) sortedInventoryLocked() []string {
	switch {
	case s.invDirty || s.invSorted == nil:
		s.invSorted = sortedKeys(s.d.Inventory)
	case s.invStale:
		// Only removals: filtering keeps the order without sorting again.
		kept := make([]string, 0, len(s.d.Inventory))
		for _, n := range s.invSorted {
			if _, ok := s.d.Inventory[n]; ok {
				kept = append(kept, n)
			}
		}
		s.invSorted = kept
	}
	s.invDirty, s.invStale = false, false
	return s.invSorted
}

// invLocked is an available number of the tenant's inventory, or nil.
func (s *Store) invLocked(number string) *InvNumber {
	if n := s.d.Inventory[number]; n != nil {
		return n
	}
	if s.d.Sold[number] {
		return nil
	}
	if n, ok := s.stock.local(number); ok {
		return &n
	}
	return nil
}

// takeLocked removes a number from the inventory.
func (s *Store) takeLocked(number string) {
	if _, ok := s.d.Inventory[number]; ok {
		delete(s.d.Inventory, number)
		s.invStale = true
	}
	if _, ok := s.stock.local(number); ok && !s.d.Sold[number] {
		s.d.Sold[number] = true
		s.soldIn[int(fx.rateCenterOf(number).seq)]++
	}
}

// putBackLocked returns a number to the inventory.
func (s *Store) putBackLocked(inv InvNumber) {
	if _, ok := s.stock.local(inv.Number); ok && s.d.Sold[inv.Number] {
		delete(s.d.Sold, inv.Number)
		s.soldIn[int(fx.rateCenterOf(inv.Number).seq)]--
		return
	}
	s.d.Inventory[inv.Number] = &inv
	s.invDirty = true
}

// localFilter selects local numbers: by state, rate center (name or
// footprint id), NPA, exchange and LATA; empty fields match all.
type localFilter struct {
	State, RateCenter, NPA, NXX, LATA string
	OnlyOD                            bool
}

func (f localFilter) match(n *InvNumber) bool {
	return n.Kind == KindLocal && (f.State == "" || n.State == f.State) &&
		(f.RateCenter == "" || n.RateCenter == f.RateCenter || strconv.Itoa(n.FootprintID) == f.RateCenter) &&
		(f.NPA == "" || strings.HasPrefix(n.Number, f.NPA)) && (f.NXX == "" || n.Number[3:6] == f.NXX) &&
		(f.LATA == "" || n.LATA == f.LATA) && (!f.OnlyOD || n.Platform == PlatformOD)
}

// eachRateCenter calls fn, in catalogue order, for the rate centers the
// filter can match, from the narrowest index that applies, until fn
// returns false.
func (f localFilter) eachRateCenter(fn func(*RateCenter) bool) {
	visit := func(rc *RateCenter) bool {
		if (f.State == "" || rc.State() == f.State) && (f.NPA == "" || strings.HasPrefix(rc.NPA(), f.NPA) || strings.HasPrefix(f.NPA, rc.NPA())) &&
			(f.NXX == "" || rc.exchange() == f.NXX) && (f.LATA == "" || rc.LATA() == f.LATA) {
			return fn(rc)
		}
		return true
	}
	switch {
	case f.State != "" && f.RateCenter != "":
		if rc, ok := fx.rateCenter(f.State, f.RateCenter); ok {
			visit(rc)
		}
	case f.State != "":
		rcs := fx.footprints(f.State)
		for i := range rcs {
			if !visit(&rcs[i]) {
				return
			}
		}
	case len(f.NPA) == 3:
		for _, seq := range fx.inNPA(f.NPA) {
			if !visit(&rateCenters[seq]) {
				return
			}
		}
	default:
		for i := range rateCenters {
			if (f.RateCenter == "" || rateCenters[i].Name() == f.RateCenter) && !visit(&rateCenters[i]) {
				return
			}
		}
	}
}

// localLocked lists up to limit available local numbers the filter
// matches: the tenant's own (returned, ported) ones first, then the
// catalogue's, rate center by rate center.
func (s *Store) localLocked(f localFilter, limit int) []InvNumber {
	var out []InvNumber
	for _, num := range s.sortedInventoryLocked() {
		if n := s.d.Inventory[num]; n != nil && f.match(n) {
			out = append(out, *n)
			if len(out) == limit {
				return out
			}
		}
	}
	f.eachRateCenter(func(rc *RateCenter) bool {
		if s.stock != nil && s.soldIn[int(rc.seq)] >= s.stock.perRC {
			return true // a rate center has at most perRC numbers: all sold
		}
		for _, n := range s.stock.localNumbers(rc) {
			if s.d.Sold[n.Number] || s.d.Inventory[n.Number] != nil || !f.match(&n) {
				continue
			}
			out = append(out, n)
			if len(out) == limit {
				return false
			}
		}
		return true
	})
	return out
}

// assignLocked moves a number from the inventory to an account.
func (s *Store) assignLocked(a *Account, inv *InvNumber, now time.Time, source string, trunk *int) *DID {
	s.takeLocked(inv.Number)
	d := newDID(s.next("did", 140), a.ID, *inv, now, source)
	if d.Platform == PlatformPorta {
		d.PortaAID = s.next("portaAID", 1343350)
		d.PortaPRID = 24230
		d.Fwd.Product = d.PortaPRID
	}
	d.Fwd.FwdTrunkGrpID = trunk
	s.d.DIDs[d.ID] = d
	s.byNumber[d.Number] = d.ID
	s.startBillingLocked(d, now)
	return d
}

func newDID(id, owner int, inv InvNumber, now time.Time, source string) *DID {
	country := "US"
	if inv.Kind == KindIntl {
		country = inv.Country
	}
	return &DID{
		ID: id, Number: inv.Number, Kind: inv.Kind, AccountID: owner, State: inv.State, RateCenter: inv.RateCenter,
		LATA: inv.LATA, Country: country, Platform: inv.Platform, Fax: false, RTP: "NA", Status: "USING",
		Source: source, CreatedAt: now, CnamLookup: "no", CnamType: "",
		E911:    E911{Enabled: "no", Country: "US"},
		Fax411:  Listing411{Enabled: "no", Type: "RES", Country: "US"},
		FaxData: FaxData{Service: ""},
		Fwd:     Forwarding{SipDigits: "NA", AnsweringMode: 1},
		Inv:     inv,
	}
}
