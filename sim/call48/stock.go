package call48

import (
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
