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
