package call48

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"time"
)

var bulkTypes = map[string]struct {
	id    int
	event string
}{
	"state":       {5, "Bulk State Purchase"},
	"npa":         {6, "Bulk NPA Purchase"},
	"lata":        {7, "Bulk LATA Purchase"},
	"rate_center": {8, "Bulk Rate Center Purchase"},
}

// BulkInput is POST /lcl-did-bulk-purchase/new.
type BulkInput struct {
	OrderType, FwdTrunkGrpID, CnamDip, AllowOffnet, Tag, Notes string
	CSV                                                        []byte
	HasFile                                                    bool
}

func flag01(field, v string) (bool, error) {
	switch strings.TrimSpace(v) {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, invalid(field, "must be 0 or 1")
}

// CreateBulk queues a bulk purchase order.
func (s *Store) CreateBulk(c Caller, in BulkInput) (*BulkOrder, error) {
	ot := strings.ToLower(strings.TrimSpace(in.OrderType))
	if ot == "" {
		return nil, missing("order_type")
	}
	if _, ok := bulkTypes[ot]; !ok {
		return nil, invalid("order_type", "must be state, lata, npa or rate_center")
	}
	if strings.TrimSpace(in.FwdTrunkGrpID) == "" {
		return nil, missing("fwd_trunk_grpid")
	}
	tg, err := strconv.Atoi(strings.TrimSpace(in.FwdTrunkGrpID))
	if err != nil {
		return nil, invalid("fwd_trunk_grpid", "must be a number")
	}
	if !in.HasFile {
		return nil, missing("file")
	}
	dip, err := flag01("enable_cnam_dip", in.CnamDip)
	if err != nil {
		return nil, err
	}
	off, err := flag01("allow_offnet", in.AllowOffnet)
	if err != nil {
		return nil, err
	}
	lines, err := parseBulkCSV(ot, in.CSV)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.accountLocked(c); err != nil {
		return nil, err
	}
	if err := s.checkTrunkLocked(c, tg); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	b := &BulkOrder{ID: s.next("bulk", 14), OrderNo: "OBO-4205" + s.randAlnum(14), AccountID: c.AccountID, OrderType: ot, FwdTrunkGrpID: tg,
		CnamDip: dip, AllowOffnet: off, Tag: in.Tag, Status: BulkQueued, Lines: lines, CreatedAt: now, NextAt: now.Add(s.cfg.bulkStart())}
	if in.Notes != "" {
		b.Notes = strPtr(in.Notes)
	}
	s.d.Bulk[b.ID] = b
	s.armLocked("bulk", b.ID, b.NextAt)
	cp := *b
	return &cp, nil
}

// stepBulkLocked moves an order one step: Q -> P, then P -> C (or E).
func (s *Store) stepBulkLocked(b *BulkOrder, now time.Time) {
	switch b.Status {
	case BulkQueued:
		b.Status, b.NextAt = BulkProcessing, now.Add(s.cfg.bulkDone())
		s.armLocked("bulk", b.ID, b.NextAt)
	case BulkProcessing:
		s.fulfilBulkLocked(b, now)
		b.NextAt = time.Time{}
		s.disarmLocked("bulk", b.ID)
	default:
		return
	}
	s.log.Info("call48 bulk order", "order_no", b.OrderNo, "status", b.Status)
	var numbers []string
	for _, l := range b.Lines {
		numbers = append(numbers, l.Numbers...)
	}
	summary := "bulk order " + b.OrderNo + " is now " + bulkStatusWord(b.Status)
	if len(numbers) > 0 {
		summary += " with " + strconv.Itoa(len(numbers)) + " numbers"
	}
	if b.Reason != "" {
		summary += " (" + b.Reason + ")"
	}
	s.note(summary, numbers, map[string]string{"bulk_order_id": strconv.Itoa(b.ID), "status": b.Status})
}

// bulkStatusWord spells a bulk order status letter for people.
func bulkStatusWord(st string) string {
	switch st {
	case BulkQueued:
		return "queued"
	case BulkProcessing:
		return "processing"
	case BulkComplete:
		return "complete"
	case BulkError:
		return "in error"
	}
	return st
}

func (s *Store) fulfilBulkLocked(b *BulkOrder, now time.Time) {
	acc := s.d.Accounts[b.AccountID]
	setup, _ := s.cfg.price(KindLocal)
	tg := b.FwdTrunkGrpID
	total, broke := 0, false
	for i := range b.Lines {
		l := &b.Lines[i]
		if broke {
			break
		}
		f := localFilter{State: l.State, NPA: l.NPA, LATA: l.LATA, RateCenter: l.RateCenter, OnlyOD: !b.AllowOffnet}
		for _, n := range s.localLocked(f, l.Quantity-len(l.Numbers)) {
			if acc == nil || acc.Balance < setup {
				broke = true
				break
			}
			acc.Balance -= setup
			var trunk *int // only OD numbers take a trunk group
			if n.Platform == PlatformOD {
				t := tg
				trunk = &t
			}
			d := s.assignLocked(acc, &n, now, "bulk", trunk)
			d.Tags = b.Tag
			if b.CnamDip {
				d.CnamLookup = "yes"
			}
			l.Numbers = append(l.Numbers, n.Number)
			total++
		}
	}
	switch {
	case total == 0 && broke:
		b.Status, b.Reason = BulkError, "Insufficient balance"
	case total == 0:
		b.Status, b.Reason = BulkError, "No numbers available for the requested criteria"
	default:
		b.Status = BulkComplete
		if broke {
			b.Reason = "Partially fulfilled: insufficient balance"
		}
	}
}

// AdvanceBulk moves an order one step now (a control lever).
func (s *Store) AdvanceBulk(id int) (*BulkOrder, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.d.Bulk[id]
	if b == nil {
		return nil, notFound("Bulk order")
	}
	if b.Status != BulkQueued && b.Status != BulkProcessing {
		return nil, errf(400, "Bulk order %d is already %s", id, b.Status)
	}
	s.stepBulkLocked(b, s.clock.Now())
	cp := *b
	return &cp, nil
}

// BulkFilter is GET /lcl-did-bulk-purchase/list.
type BulkFilter struct {
	Page, Limit                int
	OrderType, Status, OrderNo string
}

// ListBulk returns a page of the caller's orders, newest first.
func (s *Store) ListBulk(c Caller, f BulkFilter) ([]BulkOrder, []string, int, error) {
	if f.OrderType != "" {
		if _, ok := bulkTypes[f.OrderType]; !ok {
			return nil, nil, 0, invalid("order_type", "must be state, lata, npa or rate_center")
		}
	}
	switch f.Status {
	case "", BulkQueued, BulkProcessing, BulkComplete, BulkError:
	default:
		return nil, nil, 0, invalid("status", "must be Q, P, C or E")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []BulkOrder
	var owners []string
	ids := sortedKeys(s.d.Bulk)
	for i := len(ids) - 1; i >= 0; i-- {
		b := s.d.Bulk[ids[i]]
		if !s.visibleLocked(c, b.AccountID) || (f.OrderType != "" && b.OrderType != f.OrderType) || (f.Status != "" && b.Status != f.Status) || (f.OrderNo != "" && b.OrderNo != f.OrderNo) {
			continue
		}
		all = append(all, *b)
		owners = append(owners, s.d.Accounts[b.AccountID].Username)
	}
	lo, hi := pageBounds(f.Page, f.Limit, len(all))
	return all[lo:hi], owners[lo:hi], len(all), nil
}

// BulkReport returns the order's summary CSV (which="summary") or DID CSV.
func (s *Store) BulkReport(c Caller, idStr, which string) ([]byte, error) {
	id, err := strconv.Atoi(strings.TrimSpace(idStr))
	if err != nil {
		return nil, invalid("bulk_order_id", "must be a number")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	b := s.d.Bulk[id]
	if b == nil || !s.visibleLocked(c, b.AccountID) {
		return nil, errf(404, "Bulk order %d not found", id)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if which == "summary" {
		_ = w.Write([]string{"bulk_order_no", "requested_quantity", "fulfilled_quantity", "search_lata", "search_npa", "search_state", "search_rate_center", "status"})
		for _, l := range b.Lines {
			_ = w.Write([]string{b.OrderNo, strconv.Itoa(l.Quantity), strconv.Itoa(len(l.Numbers)), l.LATA, l.NPA, l.State, l.RateCenter, b.Status})
		}
	} else {
		_ = w.Write([]string{"number", "npa", "lata", "state", "ratecenter"})
		for _, l := range b.Lines {
			for _, n := range l.Numbers {
				st, rc, lata := l.State, l.RateCenter, l.LATA
				if d := s.d.DIDs[s.byNumber[n]]; d != nil && d.Number == n {
					st, rc, lata = d.State, d.RateCenter, d.LATA
				}
				_ = w.Write([]string{"1" + n, n[:3], lata, st, rc})
			}
		}
	}
	w.Flush()
	return buf.Bytes(), nil
}

func (b *BulkOrder) quantities() (int, int) {
	q, f := 0, 0
	for _, l := range b.Lines {
		q += l.Quantity
		f += len(l.Numbers)
	}
	return q, f
}
