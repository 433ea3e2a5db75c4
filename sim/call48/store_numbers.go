package call48

import (
	"crypto/hmac"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/brianvoe/gofakeit/v7"
)

var tollNPAs = []string{"800", "833", "844", "855", "866", "877", "888"}

// stock is a generated number inventory and its international offers. One
// is built per configuration and seed and shared read-only by every tenant
// built from them; each tenant starts from a copy (see Store.stockLocked).
type stock struct {
	inv     map[string]*InvNumber // never changed: tenants replace or delete entries
	sorted  []string              // inv's numbers in order
	offers  []IntlOffer           // copied per tenant (availability changes)
	lastInv int                   // the last inventory id handed out
}

// generateStock builds an inventory from the seeded faker.
func generateStock(f *gofakeit.Faker, spec InventorySpec) *stock {
	st := &stock{inv: map[string]*InvNumber{}, lastInv: 5000}
	states := spec.States
	if len(states) == 0 {
		for _, st := range fx.States {
			states = append(states, st.StateCode)
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
	for _, code := range states {
		if strings.EqualFold(code, "GA") && spec.Local > 0 {
			add(&InvNumber{Number: "7065103027", Kind: KindLocal, State: "GA", RateCenter: "ATHENS", FootprintID: fx.footprints("GA")[0].FootprintID, LATA: "438", Platform: PlatformOD, Fax: true, Tier: 1})
		}
	}
	for made, tries := 0, 0; made < spec.Local && tries < spec.Local*5; tries++ {
		code := strings.ToUpper(states[f.IntRange(0, len(states)-1)])
		fps := fx.footprints(code)
		if len(fps) == 0 {
			continue
		}
		fp := fps[f.IntRange(0, len(fps)-1)]
		num := fp.NPA + nxx(f) + fmt.Sprintf("%04d", f.IntRange(0, 9999))
		platform := PlatformOD
		if f.IntRange(0, 9) < 3 {
			platform = PlatformPorta
		}
		if add(&InvNumber{Number: num, Kind: KindLocal, State: code, RateCenter: fp.RateCenter, FootprintID: fp.FootprintID, LATA: fp.LATA, Platform: platform, Fax: f.Bool(), Tier: 1 + f.IntRange(0, 9)/8}) {
			made++
		}
	}
	for made, tries := 0, 0; made < spec.Toll && tries < spec.Toll*5; tries++ {
		num := tollNPAs[f.IntRange(0, len(tollNPAs)-1)] + nxx(f) + fmt.Sprintf("%04d", f.IntRange(0, 9999))
		if add(&InvNumber{Number: num, Kind: KindToll, Platform: PlatformOD, Tier: 1}) {
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

// stockLocked starts the tenant's inventory from a shared stock.
func (s *Store) stockLocked(st *stock) {
	s.d.Inventory = maps.Clone(st.inv)
	for _, o := range st.offers {
		o.Features = slices.Clone(o.Features)
		s.d.Offers[o.ID] = &o
	}
	s.d.Seq["inv"] = max(s.d.Seq["inv"], st.lastInv)
	s.invSorted, s.invDirty = st.sorted, false
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
	st := generateStock(faker(), spec)
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

// assignLocked moves a number from the inventory to an account.
func (s *Store) assignLocked(a *Account, inv *InvNumber, now time.Time, source string, trunk *int) *DID {
	delete(s.d.Inventory, inv.Number)
	s.invStale = true
	d := newDID(s.next("did", 140), a.ID, *inv, now, source)
	if d.Platform == PlatformPorta {
		d.PortaAID = s.next("portaAID", 1343350)
		d.PortaPRID = 24230
		d.Fwd.Product = d.PortaPRID
	}
	d.Fwd.FwdTrunkGrpID = trunk
	s.d.DIDs[d.ID] = d
	s.byNumber[d.Number] = d.ID
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

// --- search tokens ------------------------------------------------------------

var kindCodes = map[string]byte{KindLocal: 1, KindToll: 2, KindIntl: 3}

// newLocLocked issues an opaque search token binding the caller, the number
// kind, an expiry and (for intl_data) an offer.
func (s *Store) newLocLocked(c Caller, kind, binding string, exp time.Time) string {
	p := make([]byte, 16)
	binary.BigEndian.PutUint32(p[0:4], uint32(c.AccountID))
	p[4] = kindCodes[kind]
	binary.BigEndian.PutUint64(p[5:13], uint64(exp.Unix()))
	copy(p[13:], s.randBytes(3))
	mac, _ := hex.DecodeString(s.mac("loc", hex.EncodeToString(p), binding))
	tag := mac[:24]
	mask, _ := hex.DecodeString(s.mac("mask", hex.EncodeToString(tag)))
	for i := range p {
		p[i] ^= mask[i]
	}
	return hex.EncodeToString(append(p, tag...))
}

func (s *Store) checkLocLocked(c Caller, kind, loc, binding string, now time.Time) error {
	b, err := hex.DecodeString(strings.TrimSpace(loc))
	if err != nil || len(b) != 40 {
		return errf(400, "Invalid loc, please search again")
	}
	p := append([]byte(nil), b[:16]...)
	mask, _ := hex.DecodeString(s.mac("mask", hex.EncodeToString(b[16:])))
	for i := range p {
		p[i] ^= mask[i]
	}
	mac, _ := hex.DecodeString(s.mac("loc", hex.EncodeToString(p), binding))
	if !hmac.Equal(mac[:24], b[16:]) || int(binary.BigEndian.Uint32(p[0:4])) != c.AccountID || p[4] != kindCodes[kind] {
		return errf(400, "Invalid loc, please search again")
	}
	if now.Unix() >= int64(binary.BigEndian.Uint64(p[5:13])) {
		return errf(400, "Search result expired, please search again")
	}
	return nil
}

func (s *Store) locDataLocked(loc, number string) string { return s.mac("locData", loc, number)[:22] }

// --- search -------------------------------------------------------------------

// SearchQuery is GET /search.
type SearchQuery struct {
	Type, State, RateCenter, NPA, NXX, Limit, Country string
}

// SearchResult is what a search found.
type SearchResult struct {
	Kind    string
	Numbers []InvNumber
	LocData []string
	Loc     string
	Setup   Money
	Monthly Money
	Offers  []IntlOffer
	Intl    []string // intl_data per offer
}

const maxSearch = 50

// Search finds available numbers (at most 50) and binds them to a loc token.
func (s *Store) Search(c Caller, q SearchQuery) (*SearchResult, error) {
	kind := strings.ToLower(strings.TrimSpace(q.Type))
	limit := maxSearch
	if kind != KindIntl {
		if strings.TrimSpace(q.Limit) == "" {
			return nil, missing("limit")
		}
		n, err := strconv.Atoi(strings.TrimSpace(q.Limit))
		if err != nil || n < 1 {
			return nil, invalid("limit", "must be a positive number")
		}
		limit = min(n, maxSearch)
	}
	var match func(*InvNumber) bool
	switch kind {
	case "":
		return nil, missing("type")
	case KindLocal:
		st, ok := fx.state(q.State)
		if strings.TrimSpace(q.State) == "" {
			return nil, missing("state")
		}
		if !ok {
			return nil, invalid("state", "unknown state code "+q.State)
		}
		rc := strings.ToUpper(strings.TrimSpace(q.RateCenter))
		match = func(n *InvNumber) bool {
			return n.Kind == KindLocal && n.State == st.StateCode && (rc == "" || n.RateCenter == rc || strconv.Itoa(n.FootprintID) == rc) &&
				(q.NPA == "" || strings.HasPrefix(n.Number, q.NPA)) && (q.NXX == "" || n.Number[3:6] == q.NXX)
		}
	case KindToll:
		match = func(n *InvNumber) bool {
			return n.Kind == KindToll && (q.NPA == "" || strings.HasPrefix(n.Number, q.NPA)) && (q.NXX == "" || n.Number[3:6] == q.NXX)
		}
	case KindIntl:
		if strings.TrimSpace(q.Country) == "" {
			return nil, missing("country")
		}
		co, ok := fx.country(q.Country)
		if !ok {
			return nil, invalid("country", "unknown country "+q.Country)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		res := &SearchResult{Kind: kind}
		exp := s.clock.Now().Add(s.cfg.searchTTL())
		for _, id := range sortedKeys(s.d.Offers) {
			o := s.d.Offers[id]
			if o.Country == co.Code && o.Available > 0 {
				res.Offers = append(res.Offers, *o)
				res.Intl = append(res.Intl, s.newLocLocked(c, kind, o.ID, exp))
			}
		}
		return res, nil
	default:
		return nil, invalid("type", "must be local, toll or intl")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res := &SearchResult{Kind: kind}
	res.Setup, res.Monthly = s.cfg.price(kind)
	res.Loc = s.newLocLocked(c, kind, "", s.clock.Now().Add(s.cfg.searchTTL()))
	for _, num := range s.sortedInventoryLocked() {
		n := s.d.Inventory[num]
		if match(n) {
			res.Numbers = append(res.Numbers, *n)
			res.LocData = append(res.LocData, s.locDataLocked(res.Loc, n.Number))
			if len(res.Numbers) == limit {
				break
			}
		}
	}
	return res, nil
}

// --- purchase -----------------------------------------------------------------

// PurchaseItem is one entry of POST /purchase numbers.
type PurchaseItem struct {
	NPA, NXX, XXXX   string
	Loc, LocData     string
	ID, Name, Prefix string
	Country          string
	Quantity         int
	FwdTrunkGrpID    *int
	FwdPreconfigured bool
}

// Purchase buys numbers for the caller: all of them or none.
func (s *Store) Purchase(c Caller, kind string, items []PurchaseItem) ([]*DID, error) {
	kind = strings.ToLower(strings.TrimSpace(kind))
	if kind == "" {
		return nil, missing("type")
	}
	if _, ok := kindCodes[kind]; !ok {
		return nil, invalid("type", "must be local, toll or intl")
	}
	if len(items) == 0 {
		return nil, missing("numbers")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	acc, err := s.accountLocked(c)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	type pick struct {
		inv   *InvNumber
		offer *IntlOffer
		qty   int
		item  PurchaseItem
	}
	var picks []pick
	var total Money
	seen := map[string]bool{}
	for i, it := range items {
		if it.FwdTrunkGrpID != nil {
			if err := s.checkTrunkLocked(c, *it.FwdTrunkGrpID); err != nil {
				return nil, err
			}
		}
		if kind == KindIntl {
			loc := it.Loc
			if loc == "" {
				return nil, missing(fmt.Sprintf("numbers[%d].loc", i))
			}
			o := s.d.Offers[it.ID]
			if it.ID == "" {
				return nil, missing(fmt.Sprintf("numbers[%d].id", i))
			}
			if o == nil {
				return nil, errf(404, "International offer %s not found", it.ID)
			}
			if err := s.checkLocLocked(c, kind, loc, o.ID, now); err != nil {
				return nil, err
			}
			q := max(it.Quantity, 1)
			if q > o.Available {
				return nil, errf(400, "Only %d number(s) available for %s", o.Available, o.Name)
			}
			m, _ := ParseMoney(o.Setup)
			total += m * Money(q)
			picks = append(picks, pick{offer: o, qty: q, item: it})
			continue
		}
		num := it.NPA + it.NXX + it.XXXX
		if len(num) != 10 || !isDigits(num) {
			return nil, invalid(fmt.Sprintf("numbers[%d]", i), "npa, nxx and xxxx must form a 10-digit number")
		}
		if it.Loc == "" {
			return nil, missing(fmt.Sprintf("numbers[%d].loc", i))
		}
		if err := s.checkLocLocked(c, kind, it.Loc, "", now); err != nil {
			return nil, err
		}
		if kind == KindLocal && it.LocData != s.locDataLocked(it.Loc, num) {
			if it.LocData == "" {
				return nil, missing(fmt.Sprintf("numbers[%d].locData", i))
			}
			return nil, errf(400, "Invalid locData for number %s, please search again", num)
		}
		inv := s.d.Inventory[num]
		if inv == nil || inv.Kind != kind || seen[num] {
			return nil, errf(400, "Number %s is not available", num)
		}
		seen[num] = true
		setup, _ := s.cfg.price(kind)
		total += setup
		picks = append(picks, pick{inv: inv, item: it})
	}
	if acc.Balance < total {
		return nil, errf(402, "Insufficient balance: %s required, %s available", total, acc.Balance)
	}
	acc.Balance -= total
	var out []*DID
	for _, p := range picks {
		if p.offer != nil {
			for range p.qty {
				inv := s.intlNumberLocked(p.offer)
				d := s.assignLocked(acc, inv, now, "purchase", p.item.FwdTrunkGrpID)
				out = append(out, d)
			}
			p.offer.Available -= p.qty
			continue
		}
		d := s.assignLocked(acc, p.inv, now, "purchase", p.item.FwdTrunkGrpID)
		if p.item.FwdPreconfigured {
			d.Fwd.Method1 = "preconfigured"
		}
		out = append(out, d)
	}
	s.log.Info("call48 purchase", "account", acc.Username, "type", kind, "count", len(out), "charged", total.String())
	return out, nil
}

// intlNumberLocked makes up the next subscriber number of an offer.
func (s *Store) intlNumberLocked(o *IntlOffer) *InvNumber {
	co, _ := fx.country(o.Country)
	base := 1000000 + int(binary.BigEndian.Uint32([]byte(s.mac("offer", o.ID)[:4])))%8000000
	for {
		o.Next++
		num := co.Prefix + strings.TrimPrefix(o.Prefix, "0") + strconv.Itoa(base+o.Next*37)
		if _, taken := s.byNumber[num]; !taken {
			return &InvNumber{Number: num, Kind: KindIntl, Country: o.Country, Platform: PlatformPorta, OfferID: o.ID, RateCenter: strings.ToUpper(o.Name)}
		}
	}
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// normNumber strips formatting and a leading US country code.
func normNumber(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	n := b.String()
	if len(n) == 11 && n[0] == '1' {
		n = n[1:]
	}
	return n
}

// --- DIDs -----------------------------------------------------------------------

// ListDIDs returns one page of the caller's DIDs of a kind.
func (s *Store) ListDIDs(c Caller, kind string, page, per int) ([]DID, int, error) {
	kind = strings.ToLower(strings.TrimSpace(kind))
	if kind == "" {
		return nil, 0, missing("type")
	}
	if _, ok := kindCodes[kind]; !ok {
		return nil, 0, invalid("type", "must be local, toll or intl")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []DID
	for _, id := range sortedKeys(s.d.DIDs) {
		d := s.d.DIDs[id]
		if d.Kind == kind && s.visibleLocked(c, d.AccountID) {
			all = append(all, *d)
		}
	}
	lo, hi := pageBounds(page, per, len(all))
	return all[lo:hi], len(all), nil
}

func pageBounds(page, per, n int) (int, int) {
	if page < 1 {
		page = 1
	}
	if per < 1 {
		per = 10
	}
	lo := (page - 1) * per
	if lo > n {
		lo = n
	}
	hi := min(lo+per, n)
	return lo, hi
}

// ReleaseDIDs deletes DIDs by id or number; they go back to the inventory.
func (s *Store) ReleaseDIDs(c Caller, ids []int, numbers []string) (int, error) {
	if len(ids) == 0 && len(numbers) == 0 {
		return 0, errf(400, "id or numbers is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var targets []*DID
	seen := map[int]bool{}
	for _, id := range ids {
		d := s.d.DIDs[id]
		if d == nil || !s.visibleLocked(c, d.AccountID) {
			return 0, errf(404, "DID with id %d not found", id)
		}
		if !seen[id] {
			seen[id] = true
			targets = append(targets, d)
		}
	}
	for _, n := range numbers {
		d := s.didByNumberLocked(c, n)
		if d == nil {
			return 0, errf(404, "DID %s not found", n)
		}
		if !seen[d.ID] {
			seen[d.ID] = true
			targets = append(targets, d)
		}
	}
	for _, d := range targets {
		delete(s.d.DIDs, d.ID)
		delete(s.byNumber, d.Number)
		inv := d.Inv
		inv.Number = d.Number
		if inv.Kind == "" {
			inv.Kind = d.Kind
		}
		if inv.Kind != KindIntl {
			s.d.Inventory[inv.Number] = &inv
			s.invDirty = true
		}
		for id, cn := range s.d.Cnams {
			if cn.DIDID == d.ID {
				delete(s.d.Cnams, id)
			}
		}
	}
	return len(targets), nil
}

func (s *Store) didByNumberLocked(c Caller, n string) *DID {
	num := normNumber(n)
	id, ok := s.byNumber[num]
	if !ok {
		id, ok = s.byNumber[strings.TrimPrefix(strings.TrimSpace(n), "+")]
	}
	if !ok {
		return nil
	}
	d := s.d.DIDs[id]
	if d == nil || !s.visibleLocked(c, d.AccountID) {
		return nil
	}
	return d
}

func (s *Store) didLocked(c Caller, number string) (*DID, error) {
	if strings.TrimSpace(number) == "" {
		return nil, missing("number")
	}
	d := s.didByNumberLocked(c, number)
	if d == nil {
		return nil, errf(404, "DID %s not found", number)
	}
	return d, nil
}

// --- features -------------------------------------------------------------------

// Update411 sets a DID's directory listing.
func (s *Store) Update411(c Caller, q map[string]string) error {
	if err := requireAll(q, []string{"number", "enabled", "type", "country", "state", "lstgn", "lstnm", "strt", "locnm", "zip"}); err != nil {
		return err
	}
	en := strings.ToLower(q["enabled"])
	if en != "yes" && en != "no" {
		return invalid("enabled", "must be yes or no")
	}
	typ := strings.ToUpper(q["type"])
	if typ != "RES" && typ != "BIZ" {
		return invalid("type", "must be RES or BIZ")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.didLocked(c, q["number"])
	if err != nil {
		return err
	}
	p := func(k string) *string { v := q[k]; return &v }
	l := Listing411{Enabled: en, Type: typ, Country: strings.ToUpper(q["country"]), State: p("state"), Zip: p("zip"), Lstgn: p("lstgn"), Lstnm: p("lstnm"), Locnm: p("locnm"), Strt: p("strt")}
	if typ == "BIZ" {
		l.Business = p("lstnm")
	}
	d.Fax411 = l
	return nil
}

// Address is an address to verify or to use for 911.
type Address struct {
	Country, State, Name, StreetNumber, StreetName, City, Zipcode, Location string
}

// VerifyAddress validates an address deterministically (see docs): it fails
// when the country is not US, the state is unknown, the street number has no
// digit, the ZIP code is not 5 digits (or is 00000), or the street name says
// it is invalid.
func VerifyAddress(a Address) error {
	f := map[string]string{"country": a.Country, "state": a.State, "name": a.Name, "streetnumber": a.StreetNumber, "streetname": a.StreetName, "city": a.City, "zipcode": a.Zipcode}
	if err := requireAll(f, []string{"country", "state", "name", "streetnumber", "streetname", "city", "zipcode"}); err != nil {
		return err
	}
	bad := func(why string) error { return errf(400, "Address validation failed: %s", why) }
	if !strings.EqualFold(a.Country, "US") && !strings.EqualFold(a.Country, "USA") {
		return bad("only US addresses can be validated")
	}
	if _, ok := fx.state(a.State); !ok {
		return bad("unknown state " + a.State)
	}
	if !strings.ContainsAny(a.StreetNumber, "0123456789") {
		return bad("street number not found")
	}
	z := strings.TrimSpace(a.Zipcode)
	if len(z) != 5 || !isDigits(z) || z == "00000" {
		return bad("invalid zip code " + a.Zipcode)
	}
	ln := strings.ToLower(a.StreetName)
	if strings.Contains(ln, "invalid") || strings.Contains(ln, "nowhere") {
		return bad("street not found in " + a.City)
	}
	return nil
}

// Update911 sets a DID's emergency address (validated as by verifyaddress)
// and returns the 911 record id.
func (s *Store) Update911(c Caller, q map[string]string) (string, error) {
	if err := requireAll(q, []string{"number", "enabled"}); err != nil {
		return "", err
	}
	en := strings.ToLower(q["enabled"])
	if en != "yes" && en != "no" {
		return "", invalid("enabled", "must be yes or no")
	}
	if en == "yes" {
		if err := VerifyAddress(Address{Country: q["country"], State: q["state"], Name: q["name"], StreetNumber: q["streetnumber"], StreetName: q["streetname"], City: q["city"], Zipcode: q["zipcode"]}); err != nil {
			return "", err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.didLocked(c, q["number"])
	if err != nil {
		return "", err
	}
	if d.Kind == KindIntl {
		return "", errf(400, "911 is only available for US numbers")
	}
	d.E911 = E911{Enabled: en, Country: strings.ToUpper(q["country"]), State: strings.ToUpper(q["state"]), Zipcode: q["zipcode"],
		BusinessName: q["name"], Address: q["addresstypenumber"], StreetName: q["streetname"], StreetNumber: q["streetnumber"], City: q["city"]}
	if d.E911ID == "" {
		d.E911ID = strconv.Itoa(s.next("e911", 20312025))
	}
	return d.E911ID, nil
}

// FaxUpdate is POST /update_fax.
type FaxUpdate struct {
	Number, Service, Email, Serial string
}

// UpdateFax sets fax-to-email for a DID and returns the fax id.
func (s *Store) UpdateFax(c Caller, u FaxUpdate) (string, error) {
	if strings.TrimSpace(u.Number) == "" {
		return "", missing("number")
	}
	svc := strings.TrimSpace(u.Service)
	if svc == "" {
		return "", missing("service")
	}
	if svc != "0" && svc != "1" && svc != "2" && svc != "3" {
		return "", invalid("service", "must be 0 (disable), 1 (inbound), 2 (in and outbound) or 3 (fax ATA)")
	}
	if svc != "0" && !strings.Contains(u.Email, "@") {
		if u.Email == "" {
			return "", missing("email")
		}
		return "", invalid("email", "not an email address")
	}
	if svc == "3" && strings.TrimSpace(u.Serial) == "" {
		return "", errf(400, "serial is required when service is 3 (Fax ATA)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.didLocked(c, u.Number)
	if err != nil {
		return "", err
	}
	if svc == "0" {
		d.Fax = false
		d.FaxData = FaxData{Service: ""}
		return "0", nil
	}
	id := strconv.Itoa(s.next("fax", 1234566))
	d.Fax = true
	fd := FaxData{Service: svc, Email: strPtr(u.Email), GUID: strPtr(s.uuidLocked())}
	if svc == "3" {
		fd.Serial = strPtr(u.Serial)
	}
	d.FaxData = fd
	return id, nil
}

// ForwardingUpdate is POST /update_forwarding.
type ForwardingUpdate struct {
	Number, Sequence, Product, AnsweringMode, SipDigits, Username, Password string
	Method, Num, Timeout, Sip                                               [3]string
	FwdTrunkGrpID                                                           *int
}

var fwdMethods = map[string]bool{"": true, "preconfigured": true, "simple": true, "ip": true, "trunk": true}

// ForwardingResult says which platform answered.
type ForwardingResult struct {
	Platform string
	Login    string
	Product  string
	Account  int
}

// forwardingResult is what a routing change answers for d: its platform and,
// on PortaOne, the login, product and account behind it.
func forwardingResult(d *DID) *ForwardingResult {
	res := &ForwardingResult{Platform: d.Platform}
	if d.Platform == PlatformPorta {
		res.Login = "1" + d.Number
		if d.Kind == KindIntl {
			res.Login = d.Number
		}
		res.Product = strconv.Itoa(d.PortaPRID)
		res.Account = d.PortaAID
	}
	return res
}

// UpdateForwarding validates and stores a DID's routing.
func (s *Store) UpdateForwarding(c Caller, u ForwardingUpdate) (*ForwardingResult, error) {
	if strings.TrimSpace(u.Number) == "" {
		return nil, missing("number")
	}
	mode := strings.TrimSpace(u.AnsweringMode)
	if mode == "" && u.FwdTrunkGrpID != nil && u.Method == [3]string{} && strings.TrimSpace(u.Sequence) == "" {
		// The document's OD form: {"number", "fwd_trunk_grpid"} routes the
		// number to a trunk group and leaves the rest of its routing alone.
		return s.routeToTrunk(c, u.Number, *u.FwdTrunkGrpID)
	}
	if mode == "" {
		return nil, missing("answeringmode")
	}
	am, err := strconv.Atoi(mode)
	if err != nil || am < 0 || am > 7 {
		return nil, invalid("answeringmode", "must be 0 to 7")
	}
	seq := strings.TrimSpace(u.Sequence)
	switch strings.ToLower(seq) {
	case "", "order", "simultaneous", "random":
	default:
		return nil, invalid("sequence", "must be Order, Simultaneous or Random")
	}
	switch u.SipDigits {
	case "", "NA", "11", "10":
	default:
		return nil, invalid("sipdigits", "must be 11 or 10")
	}
	for i := 0; i < 3; i++ {
		m := strings.ToLower(strings.TrimSpace(u.Method[i]))
		u.Method[i] = m
		f := func(n string) string { return fmt.Sprintf("%s%d", n, i+1) }
		if !fwdMethods[m] {
			return nil, invalid(f("method"), `must be "", preconfigured, simple, ip or trunk`)
		}
		if m != "" && m != "preconfigured" {
			if t := strings.TrimSpace(u.Timeout[i]); t != "" {
				if n, err := strconv.Atoi(t); err != nil || n < 1 || n > 999 {
					return nil, invalid(f("timeout"), "seconds between 1 and 999")
				}
			} else {
				return nil, errf(400, "%s is required when %s is %s", f("timeout"), f("method"), m)
			}
		}
		switch m {
		case "simple":
			if n := normNumber(u.Num[i]); len(n) < 10 {
				return nil, errf(400, "%s must be a phone number when %s is simple", f("number"), f("method"))
			}
		case "ip":
			if _, _, err := parseTrunkIP(u.Sip[i]); err != nil {
				return nil, errf(400, "%s must be an IP address when %s is ip", f("sip"), f("method"))
			}
		case "trunk":
			if strings.TrimSpace(u.Username) == "" {
				return nil, errf(400, "username is required when %s is trunk", f("method"))
			}
		}
	}
	if u.Method[0] == "" && (am == 2 || am == 3 || am == 6 || am == 7) {
		return nil, errf(400, "method1 is required for answering mode %d", am)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.didLocked(c, u.Number)
	if err != nil {
		return nil, err
	}
	if u.FwdTrunkGrpID != nil {
		if err := s.checkTrunkLocked(c, *u.FwdTrunkGrpID); err != nil {
			return nil, err
		}
	}
	fw := d.Fwd
	fw.Method1, fw.Method2, fw.Method3 = u.Method[0], u.Method[1], u.Method[2]
	fw.Number1, fw.Number2, fw.Number3 = u.Num[0], u.Num[1], u.Num[2]
	fw.Timeout1, fw.Timeout2, fw.Timeout3 = u.Timeout[0], u.Timeout[1], u.Timeout[2]
	fw.Sip1, fw.Sip2, fw.Sip3 = u.Sip[0], u.Sip[1], u.Sip[2]
	fw.AnsweringMode, fw.Sequence = am, seq
	if u.SipDigits != "" {
		fw.SipDigits = u.SipDigits
	}
	if u.Username != "" {
		fw.Username = u.Username
	}
	if u.Password != "" {
		fw.Password = u.Password
	}
	if u.FwdTrunkGrpID != nil {
		fw.FwdTrunkGrpID = u.FwdTrunkGrpID
	}
	if p, err := strconv.Atoi(strings.TrimSpace(u.Product)); err == nil && d.Platform == PlatformPorta {
		fw.Product = p
		d.PortaPRID = p
	}
	d.Fwd = fw
	return forwardingResult(d), nil
}

// routeToTrunk points a DID at one of the caller's trunk groups (by ext_tgid).
func (s *Store) routeToTrunk(c Caller, number string, ext int) (*ForwardingResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.didLocked(c, number)
	if err != nil {
		return nil, err
	}
	if err := s.checkTrunkLocked(c, ext); err != nil {
		return nil, err
	}
	v := ext
	d.Fwd.FwdTrunkGrpID = &v
	return forwardingResult(d), nil
}

// CnamCreate is POST /did/create-cnam.
type CnamCreate struct {
	Status        *bool
	Type          string
	DisplayName   string
	DisplayNumber string
	DIDID         int
}

// CreateCnam attaches caller-name display to a DID.
func (s *Store) CreateCnam(c Caller, in CnamCreate) (*Cnam, error) {
	if in.DIDID == 0 {
		return nil, missing("did_id")
	}
	typ := strings.ToUpper(strings.TrimSpace(in.Type))
	if typ == "" {
		typ = "RES"
	}
	if typ != "RES" && typ != "BIZ" {
		return nil, invalid("cnam_type", "must be RES or BIZ")
	}
	name := strings.TrimSpace(in.DisplayName)
	if name == "" {
		return nil, missing("display_name")
	}
	if len(name) > 32 {
		return nil, invalid("display_name", "at most 32 characters")
	}
	status := true
	if in.Status != nil {
		status = *in.Status
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.d.DIDs[in.DIDID]
	if d == nil || !s.visibleLocked(c, d.AccountID) {
		return nil, errf(404, "DID with id %d not found", in.DIDID)
	}
	now := s.clock.Now()
	cn := &Cnam{ID: s.next("cnam", 6719), DIDID: d.ID, Status: status, Type: typ, DisplayName: name, DisplayNumber: in.DisplayNumber, InvoiceID: s.next("invoice", 732), CreatedAt: now}
	for id, old := range s.d.Cnams {
		if old.DIDID == d.ID {
			delete(s.d.Cnams, id)
		}
	}
	s.d.Cnams[cn.ID] = cn
	d.CnamLookup = map[bool]string{true: "yes", false: "no"}[status]
	d.CnamName, d.CnamType = strPtr(name), typ
	if in.DisplayNumber != "" {
		d.CnamNumber = strPtr(in.DisplayNumber)
	}
	return cn, nil
}

// parseTrunkIP reads "10.0.0.1" or "10.0.0.1:5060".
func parseTrunkIP(raw string) (string, int, error) {
	raw = strings.TrimSpace(raw)
	host, port := raw, 5060
	if h, p, err := net.SplitHostPort(raw); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, fmt.Errorf("invalid port in %q", raw)
		}
		host, port = h, n
	}
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() == nil {
		return "", 0, fmt.Errorf("invalid IP address %q", raw)
	}
	return ip.String(), port, nil
}
