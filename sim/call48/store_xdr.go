package call48

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// XDR is one leg of a call: every call has the account's leg (charged)
// and the on-net leg (free), as the document's sample shows.
type XDR struct {
	ID         int64 // i_xdr: the on-net leg's is the account leg's minus one
	OnNet      bool
	Hash       uint64
	Number     string // the DID
	Kind       string
	State      string
	Outbound   bool
	Connect    time.Time
	Duration   int
	Other      string // the other party, 11 digits
	Account    int
	CustomerID int
}

const maxXDRSpan = 31 * 24 * time.Hour

// maxPast bounds the released numbers remembered for their call records;
// past it the oldest holding is forgotten.
const maxPast = 5000

// rememberLocked keeps a released DID's holding, so the calls it had stay
// history.
func (s *Store) rememberLocked(d *DID, now time.Time) {
	if d.Status == StatusPending || !now.After(d.inService()) {
		return
	}
	if len(s.d.Past) >= maxPast {
		s.d.Past = append(s.d.Past[:0], s.d.Past[1:]...)
	}
	s.d.Past = append(s.d.Past, Holding{Number: d.Number, Kind: d.Kind, AccountID: d.AccountID, State: d.State, PortaAID: d.PortaAID, From: d.inService(), To: now})
}

// XDRs lists the calls of the caller's numbers over [from, to], never past
// the clock: the numbers it holds and those it held, each over the time it
// held them. A call is a function of the number and the hour it fell in, so
// once it happened it never changes, whatever happens to the number later.
func (s *Store) XDRs(c Caller, from, to time.Time, customer string, page, per int) ([]XDR, int, error) {
	if !to.After(from) {
		return nil, 0, errf(400, "to must be after from")
	}
	if to.Sub(from) > maxXDRSpan {
		return nil, 0, errf(400, "The date range can not exceed 31 days")
	}
	kind := ""
	switch strings.ToLower(strings.TrimSpace(customer)) {
	case "":
	case "local":
		kind = KindLocal
	case "tollfree":
		kind = KindToll
	case "international":
		kind = KindIntl
	case "termination":
		kind = "termination"
	case "holding":
		return nil, 0, nil
	default:
		return nil, 0, invalid("customer", "must be local, tollfree, international, termination or holding")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	now := s.clock.Now()
	if to.After(now) {
		to = now
	}
	holdings := make([]Holding, 0, len(s.d.DIDs)+len(s.d.Past))
	for _, id := range sortedKeys(s.d.DIDs) {
		d := s.d.DIDs[id]
		if d.Status == StatusPending {
			continue // not in service yet
		}
		holdings = append(holdings, Holding{Number: d.Number, Kind: d.Kind, AccountID: d.AccountID, State: d.State, PortaAID: d.PortaAID, From: d.inService(), To: now})
	}
	holdings = append(holdings, s.d.Past...)
	var all []XDR
	for _, hd := range holdings {
		if !s.visibleLocked(c, hd.AccountID) || (kind != "" && kind != "termination" && hd.Kind != kind) {
			continue
		}
		var cust int
		if a := s.d.Accounts[hd.AccountID]; a != nil {
			cust = a.PortaCID
		}
		start, end := maxTime(from, hd.From), minTime(to, hd.To)
		for h := start.Truncate(time.Hour); h.Before(end); h = h.Add(time.Hour) {
			v := s.hash64(hd.Number, strconv.FormatInt(h.Unix(), 10))
			for _, out := range []bool{false, true} {
				if (kind == "termination" && !out) || (kind != "" && kind != "termination" && out) {
					continue
				}
				if out && (hd.Kind != KindLocal || v%10 != 3) {
					continue
				}
				if !out && v%4 != 0 {
					continue
				}
				t := h.Add(time.Duration(v>>8%3600) * time.Second)
				if t.Before(start) || !t.Before(end) {
					continue
				}
				w := s.hash64("call", hd.Number, strconv.FormatInt(t.Unix(), 10), strconv.FormatBool(out))
				other := fmt.Sprintf("1%03d%03d%04d", 201+w%700, 200+(w>>10)%700, (w>>20)%10000)
				all = append(all, XDR{ID: 400000001 + 2*int64(w>>32%250000000), Hash: w, Number: hd.Number, Kind: hd.Kind, State: hd.State, Outbound: out,
					Connect: t, Duration: 5 + int(v>>16%600), Other: other, Account: hd.PortaAID, CustomerID: cust})
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if !all[i].Connect.Equal(all[j].Connect) {
			return all[i].Connect.Before(all[j].Connect)
		}
		return all[i].Number < all[j].Number
	})
	legs := make([]XDR, 0, 2*len(all))
	for _, x := range all {
		n := x
		n.ID, n.OnNet = x.ID-1, true
		legs = append(legs, x, n)
	}
	lo, hi := pageBounds(page, per, len(legs))
	return legs[lo:hi], len(legs), nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
