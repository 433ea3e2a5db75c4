package call48

import (
	"crypto/hmac"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

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
	LocData []string // per number; empty unless the scenario issues search tokens
	Loc     string   // empty unless the scenario issues search tokens
	Setup   Money
	Monthly Money
	UQID    string    // the search's id
	TTL     time.Time // until when the result is held
	Offers  []IntlOffer
	Intl    []string // intl_data per offer
}

// vendorPrice is what a number of a vendor costs: the scenario's prices
// for vendor 1, a quarter less a month for vendor 4, a quarter more for
// PortaOne numbers (vendor 2); setup is the same for all.
func (c *Config) vendorPrice(kind string, vendor int) (setup, monthly Money) {
	setup, monthly = c.price(kind)
	switch vendor {
	case 2:
		monthly += monthly / 4
	case 4:
		monthly -= monthly / 4
	}
	return setup, monthly
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
	var f localFilter
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
		f = localFilter{State: st.StateCode, RateCenter: strings.ToUpper(strings.TrimSpace(q.RateCenter)), NPA: strings.TrimSpace(q.NPA), NXX: strings.TrimSpace(q.NXX)}
	case KindToll:
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
	now := s.clock.Now()
	res := &SearchResult{Kind: kind, UQID: s.uuidLocked(), TTL: now.Add(s.cfg.searchTTL())}
	res.Setup, res.Monthly = s.cfg.price(kind)
	if kind == KindLocal {
		res.Numbers = s.localLocked(f, limit)
	} else {
		npa, nxx := strings.TrimSpace(q.NPA), strings.TrimSpace(q.NXX)
		for _, num := range s.sortedInventoryLocked() {
			n := s.d.Inventory[num]
			if n.Kind == KindToll && strings.HasPrefix(n.Number, npa) && (nxx == "" || n.Number[3:6] == nxx) {
				res.Numbers = append(res.Numbers, *n)
				if len(res.Numbers) == limit {
					break
				}
			}
		}
	}
	if s.cfg.SearchTokens {
		res.Loc = s.newLocLocked(c, kind, "", res.TTL)
		for _, n := range res.Numbers {
			res.LocData = append(res.LocData, s.locDataLocked(res.Loc, n.Number))
		}
	}
	return res, nil
}

// --- purchase -----------------------------------------------------------------

// PurchaseItem is one entry of POST /purchase numbers.
type PurchaseItem struct {
	NPA, NXX, XXXX   string
	State            string
	RateCenter       string
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
		// The live service sells a number named by npa/nxx/xxxx alone; a
		// loc or locData that is given must still be the search's own.
		if it.Loc != "" {
			if err := s.checkLocLocked(c, kind, it.Loc, "", now); err != nil {
				return nil, err
			}
			if kind == KindLocal && it.LocData != "" && it.LocData != s.locDataLocked(it.Loc, num) {
				return nil, errf(400, "Invalid locData for number %s, please search again", num)
			}
		} else if kind == KindLocal && it.LocData != "" {
			return nil, errf(400, "Invalid locData for number %s, please search again", num)
		}
		inv := s.invLocked(num)
		if inv == nil || inv.Kind != kind || seen[num] {
			return nil, errf(400, "Number %s is not available", num)
		}
		if kind == KindLocal {
			if st := strings.ToUpper(strings.TrimSpace(it.State)); st != "" && st != inv.State {
				return nil, errf(400, "Number %s is not in state %s", num, it.State)
			}
			if rc := strings.ToUpper(strings.TrimSpace(it.RateCenter)); rc != "" && rc != inv.RateCenter && rc != strconv.Itoa(inv.FootprintID) {
				return nil, errf(400, "Number %s is not in rate center %s", num, it.RateCenter)
			}
		}
		if it.FwdTrunkGrpID != nil && inv.Platform != PlatformOD {
			return nil, errTrunkOnlyOD(num)
		}
		seen[num] = true
		setup, _ := s.cfg.vendorPrice(kind, inv.Vendor)
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
				if p.offer.Requirements {
					s.awaitDocumentsLocked(d)
				}
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
