package call48

import (
	"strconv"
	"strings"
)

// --- lookups ----------------------------------------------------------------------------

func parseID(field, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return 0, invalid(field, "must be a number")
	}
	return n, nil
}

func (s *Store) portLocked(c Caller, id int) (*PortRequest, error) {
	pr := s.d.Ports[id]
	if pr == nil || !s.visibleLocked(c, pr.AccountID) {
		return nil, errf(404, "Port request %d not found", id)
	}
	return pr, nil
}

func (s *Store) proposalLocked(c Caller, id int) (*Proposal, *PortRequest, error) {
	p := s.d.Proposals[id]
	if p == nil {
		return nil, nil, errf(404, "Port sub order %d not found", id)
	}
	pr, err := s.portLocked(c, p.PortReqID)
	if err != nil {
		return nil, nil, errf(404, "Port sub order %d not found", id)
	}
	return p, pr, nil
}

// proposalDIDLocked finds a sub-order the caller may see and one of its
// numbers, or answers the API's 404 for whichever is missing.
func (s *Store) proposalDIDLocked(c Caller, propID int, number string) (*Proposal, *PortDID, error) {
	p, _, err := s.proposalLocked(c, propID)
	if err != nil {
		return nil, nil, err
	}
	d, err := didOf(p, number)
	if err != nil {
		return nil, nil, err
	}
	return p, d, nil
}

// didOf finds a number of a sub-order, or answers the API's 404.
func didOf(p *Proposal, number string) (*PortDID, error) {
	n := normNumber(number)
	for i := range p.DIDs {
		if p.DIDs[i].Number == n {
			return &p.DIDs[i], nil
		}
	}
	return nil, errf(404, "DID %s not found in sub order %d", number, p.ID)
}

// Flags are the allow_* flags of a sub-order.
type Flags struct{ Edit, Cancel, Delete, Activate bool }

// FlagsOf says what a sub-order's status allows.
func FlagsOf(status string) Flags {
	switch status {
	case PortSubmitted, PortRetry:
		return Flags{Edit: true, Cancel: true}
	case PortFOC:
		return Flags{Cancel: true, Activate: true}
	case PortCancelled:
		return Flags{Delete: true}
	}
	return Flags{}
}

// DIDFlags are the allow_* flags of one number of a sub-order.
type DIDFlags struct{ Activate, Build, Cancel, Delete bool }

// DIDFlagsOf says what a number allows.
func DIDFlagsOf(p *Proposal, d PortDID) DIDFlags {
	f := FlagsOf(p.Status)
	open := d.Status != PortCancelled && d.Status != PortActivated
	return DIDFlags{Activate: p.Status == PortFOC && d.Status == PortFOC, Cancel: f.Cancel && open, Delete: d.Status == PortCancelled}
}

// phaseOf derives a master request's request_phase from its sub-orders.
func phaseOf(props []*Proposal) string {
	act, canc := 0, 0
	for _, p := range props {
		switch p.Status {
		case PortActivated:
			act++
		case PortCancelled:
			canc++
		}
	}
	switch {
	case len(props) > 0 && canc == len(props):
		return "Cancelled"
	case len(props) > 0 && act+canc == len(props):
		return "Completed"
	}
	return "In_Progress"
}

// PortView is a port request with its sub-orders, for rendering.
type PortView struct {
	Req      PortRequest
	Props    []Proposal
	Phase    string
	Username string
}

func (s *Store) viewLocked(pr *PortRequest) PortView {
	props := s.propsLocked(pr)
	v := PortView{Req: *pr, Phase: phaseOf(props)}
	for _, p := range props {
		cp := *p
		cp.DIDs = append([]PortDID(nil), p.DIDs...)
		v.Props = append(v.Props, cp)
	}
	if a := s.d.Accounts[pr.AccountID]; a != nil {
		v.Username = a.Username
	}
	return v
}

func (s *Store) propsLocked(pr *PortRequest) []*Proposal {
	var out []*Proposal
	for _, id := range pr.Proposals {
		if p := s.d.Proposals[id]; p != nil {
			out = append(out, p)
		}
	}
	return out
}

// PortFilter is the body of view-list, view-rejection-list and export-list.
type PortFilter struct {
	Page, Limit    int
	Phase, DidType string
	Numbers        []string
}

func (f PortFilter) check() error {
	switch f.Phase {
	case "", "In_Progress", "Completed", "Cancelled", "Queue", "Validation_Pending", "Processing", "Error":
	default:
		return invalid("request_phase", "must be In_Progress, Completed, Cancelled, Queue, Validation_Pending, Processing or Error")
	}
	if f.DidType != "" {
		if _, ok := didTypeIDs[strings.ToUpper(f.DidType)]; !ok {
			return invalid("did_type", "must be LCL, TF or INTL")
		}
	}
	return nil
}

func (s *Store) matchLocked(pr *PortRequest, f PortFilter) bool {
	if f.DidType != "" && !strings.EqualFold(pr.DidType, f.DidType) {
		return false
	}
	if f.Phase != "" && phaseOf(s.propsLocked(pr)) != f.Phase {
		return false
	}
	if len(f.Numbers) > 0 {
		for _, p := range s.propsLocked(pr) {
			for _, d := range p.DIDs {
				for _, n := range f.Numbers {
					if d.Number == normNumber(n) {
						return true
					}
				}
			}
		}
		return false
	}
	return true
}

// ListPorts returns a page of port requests, newest first, and the total.
func (s *Store) ListPorts(c Caller, f PortFilter) ([]PortView, int, error) {
	if err := f.check(); err != nil {
		return nil, 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []*PortRequest
	ids := sortedKeys(s.d.Ports)
	for i := len(ids) - 1; i >= 0; i-- {
		pr := s.d.Ports[ids[i]]
		if s.visibleLocked(c, pr.AccountID) && s.matchLocked(pr, f) {
			all = append(all, pr)
		}
	}
	lo, hi := pageBounds(f.Page, f.Limit, len(all))
	views := make([]PortView, 0, hi-lo)
	for _, pr := range all[lo:hi] {
		views = append(views, s.viewLocked(pr))
	}
	return views, len(all), nil
}

// Rejected is a row of view-rejection-list.
type Rejected struct {
	Prop  Proposal
	Phase string
}

// ListRejections returns the sub-orders waiting in retry after a rejection.
func (s *Store) ListRejections(c Caller, f PortFilter) ([]Rejected, int, error) {
	if err := f.check(); err != nil {
		return nil, 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []Rejected
	ids := sortedKeys(s.d.Proposals)
	for i := len(ids) - 1; i >= 0; i-- {
		p := s.d.Proposals[ids[i]]
		pr := s.d.Ports[p.PortReqID]
		if p.Status != PortRetry || pr == nil || !s.visibleLocked(c, pr.AccountID) || !s.matchLocked(pr, f) {
			continue
		}
		all = append(all, Rejected{Prop: *p, Phase: phaseOf(s.propsLocked(pr))})
	}
	lo, hi := pageBounds(f.Page, f.Limit, len(all))
	return all[lo:hi], len(all), nil
}

// PortDetailView is view-port-detail.
type PortDetailView struct {
	Req    PortRequest
	Prop   *Proposal
	Detail PortDetail
}

// ViewPortDetail returns the master detail, or a sub-order's.
func (s *Store) ViewPortDetail(c Caller, reqID, propID string) (*PortDetailView, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	switch {
	case strings.TrimSpace(propID) != "":
		id, err := parseID("port_proposal_id", propID)
		if err != nil {
			return nil, err
		}
		p, pr, err := s.proposalLocked(c, id)
		if err != nil {
			return nil, err
		}
		cp := *p
		return &PortDetailView{Req: *pr, Prop: &cp, Detail: *s.detailOfLocked(p)}, nil
	case strings.TrimSpace(reqID) != "":
		id, err := parseID("port_req_id", reqID)
		if err != nil {
			return nil, err
		}
		pr, err := s.portLocked(c, id)
		if err != nil {
			return nil, err
		}
		return &PortDetailView{Req: *pr, Detail: pr.Detail}, nil
	}
	return nil, errf(400, "port_req_id or port_proposal_id is required")
}

// ViewDIDList returns a sub-order with its numbers.
func (s *Store) ViewDIDList(c Caller, propID string) (*Proposal, error) {
	if strings.TrimSpace(propID) == "" {
		return nil, missing("port_proposal_id")
	}
	id, err := parseID("port_proposal_id", propID)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, _, err := s.proposalLocked(c, id)
	if err != nil {
		return nil, err
	}
	cp := *p
	cp.DIDs = append([]PortDID(nil), p.DIDs...)
	return &cp, nil
}

// target resolves the "port_req_id or port_proposal_id" pair most port-in
// calls take.
func (s *Store) targetLocked(c Caller, reqID, propID *int) (*PortRequest, *Proposal, error) {
	switch {
	case propID != nil && *propID != 0:
		p, pr, err := s.proposalLocked(c, *propID)
		return pr, p, err
	case reqID != nil && *reqID != 0:
		pr, err := s.portLocked(c, *reqID)
		return pr, nil, err
	}
	return nil, nil, errf(400, "port_req_id or port_proposal_id is required")
}

func refuse(action string, p *Proposal) error {
	return errf(400, "Sub order %d can not be %s in status %s", p.ID, action, p.Status)
}
