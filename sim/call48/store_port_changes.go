package call48

import (
	"fmt"
	"sort"
	"strings"
)

// UpdateRequest changes port details (master or one sub-order); a rejected
// (retry) sub-order is resubmitted.
func (s *Store) UpdateRequest(c Caller, reqID, propID *int, d PortDetail) error {
	if reqID == nil || *reqID == 0 {
		return missing("port_req_id")
	}
	d.State = strings.ToUpper(strings.TrimSpace(d.State))
	d.CustAccType = strings.ToUpper(strings.TrimSpace(d.CustAccType))
	s.mu.Lock()
	defer s.mu.Unlock()
	pr, err := s.portLocked(c, *reqID)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	var targets []*Proposal
	if propID != nil && *propID != 0 {
		p := s.d.Proposals[*propID]
		if p == nil || p.PortReqID != pr.ID {
			return errf(404, "Port sub order %d not found in port request %d", *propID, pr.ID)
		}
		targets = []*Proposal{p}
	} else {
		for _, p := range s.propsLocked(pr) {
			if p.Status != PortCancelled && p.Status != PortActivated {
				targets = append(targets, p)
			}
		}
		if len(targets) == 0 {
			return errf(400, "Port request %d can not be updated: it is %s", pr.ID, phaseOf(s.propsLocked(pr)))
		}
	}
	for _, p := range targets {
		if !FlagsOf(p.Status).Edit {
			return refuse("edited", p)
		}
	}
	base := pr.Detail
	if len(targets) == 1 && propID != nil {
		base = *s.detailOfLocked(targets[0])
	}
	if d.ActivationType == "" {
		d.ActivationType = base.ActivationType
	}
	if err := checkDetail(d); err != nil {
		return err
	}
	d.LOAFile, d.BillFile, d.CSRFile = base.LOAFile, base.BillFile, base.CSRFile
	if propID != nil && *propID != 0 {
		if targets[0].Detail == nil {
			d.ID = s.next("detail", 135)
		} else {
			d.ID = targets[0].Detail.ID
		}
		targets[0].Detail = &d
	} else {
		d.ID = pr.Detail.ID
		pr.Detail = d
	}
	for _, p := range targets {
		for i := range p.DIDs {
			p.DIDs[i].ActivationType = d.ActivationType
			if d.Tags != nil {
				p.DIDs[i].Tags = d.Tags
			}
		}
		if p.Status == PortRetry {
			s.resubmitLocked(p, now)
		}
	}
	return nil
}

// CancelOrder cancels a sub-order, or every open sub-order of a request.
func (s *Store) CancelOrder(c Caller, reqID, propID *int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	pr, p, err := s.targetLocked(c, reqID, propID)
	if err != nil {
		return err
	}
	targets := []*Proposal{p}
	if p == nil {
		targets = nil
		for _, q := range s.propsLocked(pr) {
			if q.Status != PortCancelled {
				targets = append(targets, q)
			}
		}
		if len(targets) == 0 {
			return errf(400, "Port request %d is already cancelled", pr.ID)
		}
	}
	for _, q := range targets {
		if !FlagsOf(q.Status).Cancel {
			return refuse("cancelled", q)
		}
	}
	for _, q := range targets {
		s.setStatusLocked(q, PortCancelled)
	}
	return nil
}

// CancelDID cancels one number of a sub-order.
func (s *Store) CancelDID(c Caller, propID int, number string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, d, err := s.portDIDForLocked(c, propID, number, "cancelled", func(f DIDFlags) bool { return f.Cancel })
	if err != nil {
		return err
	}
	d.Status = PortCancelled
	s.settleLocked(p)
	if p.Status == PortFOC {
		s.scheduleActivationLocked(p, s.clock.Now())
	}
	return nil
}

// ForwardingDetails returns a port request's forwarding settings.
func (s *Store) ForwardingDetails(c Caller, reqID string) (*PortRequest, error) {
	if strings.TrimSpace(reqID) == "" {
		return nil, missing("port_req_id")
	}
	id, err := parseID("port_req_id", reqID)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	pr, err := s.portLocked(c, id)
	if err != nil {
		return nil, err
	}
	cp := *pr
	cp.Forwardings = append([]PortForwarding{}, pr.Forwardings...)
	return &cp, nil
}

// UpdatePortForwarding replaces a port request's forwarding steps.
func (s *Store) UpdatePortForwarding(c Caller, reqID int, steps []PortForwarding, preconf *bool) error {
	if reqID == 0 {
		return missing("port_req_id")
	}
	for i, f := range steps {
		switch f.Method {
		case "NUM", "SIP", "TRUNK":
		default:
			return invalid(fmt.Sprintf("forwarding_data[%d].method", i), "must be NUM, SIP or TRUNK")
		}
		if strings.TrimSpace(f.Value) == "" {
			return missing(fmt.Sprintf("forwarding_data[%d].value", i))
		}
		if f.Sequence < 1 || f.Sequence > 3 {
			return invalid(fmt.Sprintf("forwarding_data[%d].sequence", i), "must be 1 to 3")
		}
		if f.Timeout < 0 || f.Timeout > 999 {
			return invalid(fmt.Sprintf("forwarding_data[%d].timeout", i), "seconds between 0 and 999")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pr, err := s.portLocked(c, reqID)
	if err != nil {
		return err
	}
	if ph := phaseOf(s.propsLocked(pr)); ph != "In_Progress" {
		return errf(400, "Port request %d can not be updated: it is %s", pr.ID, ph)
	}
	now := s.clock.Now()
	out := make([]PortForwarding, 0, len(steps))
	for _, f := range steps {
		f.CreatedAt, f.UpdatedAt = now, now
		if f.ForwardingTypeID == 0 {
			f.ForwardingTypeID = 2
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Sequence < out[j].Sequence })
	if steps != nil {
		pr.Forwardings = out
	}
	if preconf != nil {
		pr.FwdPreconf = *preconf
	}
	return nil
}

// DeleteRequest deletes a cancelled request, sub-order or number.
func (s *Store) DeleteRequest(c Caller, reqID, propID *int, number string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	pr, p, err := s.targetLocked(c, reqID, propID)
	if err != nil {
		return err
	}
	switch {
	case p != nil && strings.TrimSpace(number) != "":
		d, err := didOf(p, number)
		if err != nil {
			return err
		}
		if !DIDFlagsOf(p, *d).Delete {
			return errf(400, "DID %s can not be deleted in status %s", d.Number, d.Status)
		}
		keep := p.DIDs[:0]
		for _, x := range p.DIDs {
			if x.Number != d.Number {
				keep = append(keep, x)
			}
		}
		p.DIDs = keep
		if len(p.DIDs) == 0 {
			s.deleteProposalLocked(pr, p)
		}
	case p != nil:
		if !FlagsOf(p.Status).Delete {
			return refuse("deleted", p)
		}
		s.deleteProposalLocked(pr, p)
	default:
		for _, q := range s.propsLocked(pr) {
			if !FlagsOf(q.Status).Delete {
				return errf(400, "Port request %d can not be deleted: sub order %d is %s", pr.ID, q.ID, q.Status)
			}
		}
		for _, q := range s.propsLocked(pr) {
			delete(s.d.Proposals, q.ID)
		}
		delete(s.d.Ports, pr.ID)
	}
	return nil
}

func (s *Store) deleteProposalLocked(pr *PortRequest, p *Proposal) {
	delete(s.d.Proposals, p.ID)
	s.disarmLocked("proposal", p.ID)
	keep := pr.Proposals[:0]
	for _, id := range pr.Proposals {
		if id != p.ID {
			keep = append(keep, id)
		}
	}
	pr.Proposals = keep
	if len(pr.Proposals) == 0 {
		delete(s.d.Ports, pr.ID)
	}
}

// ActivateOrder activates a sub-order (or every open sub-order of a
// request) that has its FOC.
func (s *Store) ActivateOrder(c Caller, reqID, propID *int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	pr, p, err := s.targetLocked(c, reqID, propID)
	if err != nil {
		return err
	}
	targets := []*Proposal{p}
	if p == nil {
		targets = nil
		for _, q := range s.propsLocked(pr) {
			if q.Status != PortCancelled && q.Status != PortActivated {
				targets = append(targets, q)
			}
		}
		if len(targets) == 0 {
			return errf(400, "Port request %d has nothing to activate", pr.ID)
		}
	}
	for _, q := range targets {
		if !FlagsOf(q.Status).Activate {
			return refuse("activated", q)
		}
	}
	now := s.clock.Now()
	for _, q := range targets {
		s.stepLocked(q, now, "", "", true)
	}
	return nil
}

// ActivateDID activates one number of a sub-order that has its FOC.
func (s *Store) ActivateDID(c Caller, propID int, number string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, d, err := s.portDIDForLocked(c, propID, number, "activated", func(f DIDFlags) bool { return f.Activate })
	if err != nil {
		return err
	}
	now := s.clock.Now()
	s.activateDIDLocked(p, d, now)
	s.settleLocked(p)
	if p.Status == PortFOC {
		s.scheduleActivationLocked(p, now)
	}
	return nil
}

// portDIDForLocked finds one number of a sub-order for an action on it
// (cancel, activate) and checks that its status allows the action.
func (s *Store) portDIDForLocked(c Caller, propID int, number, done string, allowed func(DIDFlags) bool) (*Proposal, *PortDID, error) {
	if propID == 0 {
		return nil, nil, missing("port_proposal_id")
	}
	if strings.TrimSpace(number) == "" {
		return nil, nil, missing("did_number")
	}
	p, d, err := s.proposalDIDLocked(c, propID, number)
	if err != nil {
		return nil, nil, err
	}
	if !allowed(DIDFlagsOf(p, *d)) {
		return nil, nil, errf(400, "DID %s can not be %s in status %s", d.Number, done, d.Status)
	}
	return p, d, nil
}
