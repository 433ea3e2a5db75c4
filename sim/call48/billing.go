package call48

import "time"

// The document implies recurring billing (search answers a monthly price
// per number, CNAM records say is_billed): every DID is charged its monthly
// fee each month after it was assigned, on the tenant clock, and a CNAM
// record is charged when it is created.

// monthlyOf is a new DID's recurring fee: its vendor's price, or the
// international offer's.
func (s *Store) monthlyOf(d *DID) Money {
	if d.Kind == KindIntl {
		if o := s.d.Offers[d.Inv.OfferID]; o != nil {
			if m, err := ParseMoney(o.Monthly); err == nil {
				return m
			}
		}
		return 0
	}
	_, monthly := s.cfg.vendorPrice(d.Kind, d.Inv.Vendor)
	return monthly
}

// startBillingLocked sets a new DID's fee and arms its first charge, a
// month after it was assigned.
func (s *Store) startBillingLocked(d *DID, now time.Time) {
	d.Monthly = s.monthlyOf(d)
	if d.Monthly <= 0 {
		return
	}
	d.NextBill = now.AddDate(0, 1, 0)
	s.armLocked("bill", d.ID, d.NextBill)
}

// billLocked charges a DID's monthly fee to its account and arms the next
// charge. The balance may go below zero: accounts run on credit (their
// credit limit), as the customers list shows.
func (s *Store) billLocked(d *DID) {
	if a := s.d.Accounts[d.AccountID]; a != nil {
		a.Balance -= d.Monthly
		s.log.Info("call48 monthly fee", "account", a.Username, "number", d.Number, "charged", d.Monthly.String(), "balance", a.Balance.String())
	}
	d.NextBill = d.NextBill.AddDate(0, 1, 0)
	s.armLocked("bill", d.ID, d.NextBill)
}

// chargeLocked takes a one-time fee from an account, refusing it when the
// balance does not cover it.
func (s *Store) chargeLocked(accountID int, fee Money, what string) error {
	a := s.d.Accounts[accountID]
	if a == nil || fee <= 0 {
		return nil
	}
	if a.Balance < fee {
		return errf(402, "Insufficient balance: %s required for %s, %s available", fee, what, a.Balance)
	}
	a.Balance -= fee
	return nil
}

func (c *Config) cnamPrice() Money {
	if m, err := ParseMoney(c.Prices.Cnam); err == nil {
		return m
	}
	return 100000
}

// StatusPending is the status of an international number whose offer has
// requirements (the countries' "req": an address or an id) until its
// documents are received: it has no calls and no monthly fee yet.
const StatusPending = "PENDING"

// awaitDocumentsLocked holds a new international number until its
// documents are received.
func (s *Store) awaitDocumentsLocked(d *DID) {
	d.Status = StatusPending
	d.NextBill = time.Time{}
	s.disarmLocked("bill", d.ID)
}

// inService is when the number started to carry calls.
func (d *DID) inService() time.Time {
	if !d.ActivatedAt.IsZero() {
		return d.ActivatedAt
	}
	return d.CreatedAt
}

// ReceiveDocuments puts a number that waited for its documents in service
// (a control lever: the document names no route to send them).
func (s *Store) ReceiveDocuments(number string) (*DID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.didByNumberLocked(Caller{Admin: true}, number)
	if d == nil {
		return nil, notFound("DID " + number)
	}
	if d.Status != StatusPending {
		return nil, errf(400, "DID %s is %s, not waiting for documents", d.Number, d.Status)
	}
	now := s.clock.Now()
	d.Status, d.ActivatedAt = "USING", now
	s.startBillingLocked(d, now)
	cp := *d
	return &cp, nil
}
