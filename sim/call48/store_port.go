package call48

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"time"
)

var losingSPs = []string{"Cox Communications 7661/1", "AT&T Local 9206/1", "Verizon 9102/1", "Lumen 8825/1", "Bandwidth 979G/1", "Frontier 0161/1"}

// losingSP picks a number's current carrier from its NPA-NXX (deterministic).
func losingSP(number string) string {
	h := fnv.New32a()
	if len(number) >= 6 {
		h.Write([]byte(number[:6]))
	} else {
		h.Write([]byte(number))
	}
	return losingSPs[h.Sum32()%uint32(len(losingSPs))]
}

func isTollFree(n string) bool {
	for _, p := range tollNPAs {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// portable applies the number rules of check-ports: a valid NANP number of
// the port's kind whose line number does not start with 99 (those lines are
// "not portable" in the simulator, so clients can exercise the refusal).
func portable(n, didType string) (bool, string) {
	if didType == "INTL" {
		if len(n) < 8 || len(n) > 15 || !isDigits(n) {
			return false, "invalid international number"
		}
		return true, ""
	}
	if len(n) != 10 || !isDigits(n) || n[0] < '2' || n[3] < '2' {
		return false, "invalid number"
	}
	if didType == "TF" && !isTollFree(n) {
		return false, "not a toll-free number"
	}
	if didType != "TF" && isTollFree(n) {
		return false, "toll-free numbers need did_type TF"
	}
	if strings.HasPrefix(n[6:], "99") {
		return false, "the losing carrier does not allow this number to be ported"
	}
	return true, ""
}

// CheckPorts answers per number whether it can be ported.
func (s *Store) CheckPorts(c Caller, didType string, numbers []string) (map[string]bool, error) {
	dt := strings.ToUpper(strings.TrimSpace(didType))
	if dt == "" {
		return nil, missing("did_type")
	}
	if _, ok := didTypeIDs[dt]; !ok {
		return nil, invalid("did_type", "must be LCL, TF or INTL")
	}
	if len(numbers) == 0 {
		return nil, missing("numbers")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string]bool{}
	for _, raw := range numbers {
		n := normNumber(raw)
		ok, _ := portable(n, dt)
		if ok {
			ok = s.portConflictLocked(n) == ""
		}
		out[n] = ok
	}
	return out, nil
}

func (s *Store) portConflictLocked(n string) string {
	if _, ok := s.byNumber[n]; ok {
		return "number is already active on Call48"
	}
	for _, p := range s.d.Proposals {
		if p.Status == PortActivated || p.Status == PortCancelled {
			continue
		}
		for _, d := range p.DIDs {
			if d.Number == n && d.Status != PortCancelled && d.Status != PortActivated {
				return fmt.Sprintf("number is already in port request %d", p.PortReqID)
			}
		}
	}
	return ""
}

// PortSubmission is POST /port-in/submit-port-details.
type PortSubmission struct {
	DidType       string
	AccountID     *int
	Numbers       []string
	Detail        PortDetail
	FwdPreconf    bool
	FwdTrunkGrpID *int
	FwdSipType    string
	FwdOrder      string
	FwdAnswerMode string
	FwdDevicePass *string
	ImportFile    *string
}

func checkDetail(d PortDetail) error {
	req := map[string]string{"cust_acc_name": d.CustAccName, "cust_authorized_name": d.CustAuthorizedName, "cust_acc_type": d.CustAccType,
		"address_street_name": d.AddressStreetName, "address_number": d.AddressNumber, "address_loc_designator": d.AddressLocDesignator,
		"city": d.City, "btn": d.BTN, "state": d.State}
	if d.PostalCode != nil {
		req["postal_code"] = *d.PostalCode
	}
	if err := requireAll(req, []string{"cust_acc_name", "cust_authorized_name", "cust_acc_type", "address_street_name", "address_number", "address_loc_designator", "city", "postal_code", "btn", "state"}); err != nil {
		return errf(400, "port_req_detail.%s", err.(*Error).Msg)
	}
	if d.CustAccType != "RES" && d.CustAccType != "BIZ" {
		return invalid("port_req_detail.cust_acc_type", "must be RES or BIZ")
	}
	switch d.ActivationType {
	case "Auto", "Manual", "Scheduled":
	default:
		return invalid("port_req_detail.activation_type", "must be Auto, Manual or Scheduled")
	}
	if _, ok := fx.state(d.State); !ok {
		return invalid("port_req_detail.state", "unknown state code "+d.State)
	}
	if d.DesiredFOC.IsZero() {
		return errf(400, "port_req_detail.desired_foc_date is required")
	}
	if d.ActivationDate.IsZero() {
		return errf(400, "port_req_detail.activation_date is required")
	}
	return nil
}

var fwdEnums = map[string][]string{
	"fwd_sip_type":       {"NA", "11", "10", "E164", "INTL", "OPEN"},
	"fwd_order":          {"NA", "ALS", "SIML", "RND"},
	"fwd_answering_mode": {"NA", "REJ", "RO", "FO", "RTF", "VO", "RTV", "FV", "RFV"},
}

func checkEnum(field, v string) error {
	for _, ok := range fwdEnums[field] {
		if v == ok {
			return nil
		}
	}
	return invalid(field, "must be one of "+strings.Join(fwdEnums[field], ", "))
}

// SubmitPort creates a port request, split into one sub-order per losing
// carrier, and starts its timeline.
func (s *Store) SubmitPort(c Caller, in PortSubmission) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.submitPortLocked(c, in, s.clock.Now())
}

func (s *Store) submitPortLocked(c Caller, in PortSubmission, now time.Time) (int, error) {
	dt := strings.ToUpper(strings.TrimSpace(in.DidType))
	if dt == "" {
		return 0, missing("did_type")
	}
	if _, ok := didTypeIDs[dt]; !ok {
		return 0, invalid("did_type", "must be LCL, TF or INTL")
	}
	if len(in.Numbers) == 0 {
		return 0, missing("numbers")
	}
	d := in.Detail
	d.State = strings.ToUpper(strings.TrimSpace(d.State))
	d.CustAccType = strings.ToUpper(strings.TrimSpace(d.CustAccType))
	if d.ActivationType == "" {
		d.ActivationType = "Auto"
	}
	if err := checkDetail(d); err != nil {
		return 0, err
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"fwd_sip_type", &in.FwdSipType}, {"fwd_order", &in.FwdOrder}, {"fwd_answering_mode", &in.FwdAnswerMode}} {
		if *f.v == "" {
			*f.v = "NA"
		}
		if err := checkEnum(f.name, *f.v); err != nil {
			return 0, err
		}
	}
	owner := c.AccountID
	if in.AccountID != nil && *in.AccountID != 0 {
		a := s.d.Accounts[*in.AccountID]
		if a == nil || a.Admin || !s.visibleLocked(c, a.ID) {
			return 0, errf(404, "Customer %d not found", *in.AccountID)
		}
		owner = a.ID
	}
	if in.FwdTrunkGrpID != nil {
		// The owner's trunk groups, or the caller's own.
		if err := s.checkTrunkLocked(Caller{AccountID: owner}, *in.FwdTrunkGrpID); err != nil && s.checkTrunkLocked(c, *in.FwdTrunkGrpID) != nil {
			return 0, err
		}
	}
	var nums []string
	seen := map[string]bool{}
	for _, raw := range in.Numbers {
		n := normNumber(raw)
		if ok, why := portable(n, dt); !ok {
			return 0, errf(400, "Number %s can not be ported: %s", raw, why)
		}
		if why := s.portConflictLocked(n); why != "" {
			return 0, errf(400, "Number %s can not be ported: %s", raw, why)
		}
		if !seen[n] {
			seen[n] = true
			nums = append(nums, n)
		}
	}
	d.ID = s.next("detail", 135)
	pr := &PortRequest{ID: s.next("port", 255), AccountID: owner, DidType: dt, Detail: d, CreatedAt: now, ImportFromFile: in.ImportFile,
		FwdPreconf: in.FwdPreconf, FwdTrunkGrpID: in.FwdTrunkGrpID, FwdSipType: in.FwdSipType, FwdOrder: in.FwdOrder,
		FwdAnswerMode: in.FwdAnswerMode, FwdDevicePass: in.FwdDevicePass, Forwardings: []PortForwarding{}}
	groups := map[string]*Proposal{}
	var order []string
	for _, n := range nums {
		sp := losingSP(n)
		p := groups[sp]
		if p == nil {
			p = &Proposal{ID: s.next("proposal", 200), PortReqID: pr.ID, Status: PortSubmitted, CreatedAt: now, LosingSP: sp,
				OrderStatus: "Submitted", OrderID: fmt.Sprintf("515J-%018d", s.hash64("order", strconv.Itoa(pr.ID), sp)%1e18)}
			groups[sp] = p
			order = append(order, sp)
		}
		lrn := n
		if len(n) == 10 {
			lrn = n[:6] + "9999"
		}
		p.DIDs = append(p.DIDs, PortDID{Number: n, LRN: lrn, Status: PortSubmitted, Tags: d.Tags, ActivationType: d.ActivationType})
	}
	for _, sp := range order {
		p := groups[sp]
		p.NextAt = now.Add(s.cfg.reviewed())
		s.d.Proposals[p.ID] = p
		pr.Proposals = append(pr.Proposals, p.ID)
		s.armLocked("proposal", p.ID, p.NextAt)
	}
	s.d.Ports[pr.ID] = pr
	s.log.Info("call48 port-in submitted", "port_req_id", pr.ID, "numbers", len(nums), "suborders", len(order))
	return pr.ID, nil
}

func (s *Store) detailOfLocked(p *Proposal) *PortDetail {
	if p.Detail != nil {
		return p.Detail
	}
	return &s.d.Ports[p.PortReqID].Detail
}

const defaultRejection = "ACCN : Incorrect Account Number"

// rejectionLocked says whether a sub-order's first review rejects it.
func (s *Store) rejectionLocked(p *Proposal) string {
	if p.Rejected {
		return ""
	}
	for _, r := range s.cfg.PortIn.Rejections {
		for _, d := range p.DIDs {
			if d.Number == normNumber(r.Number) {
				return or(r.Reason, defaultRejection)
			}
		}
	}
	if d := s.detailOfLocked(p); d.CustAccNumber == nil || strings.TrimSpace(*d.CustAccNumber) == "" {
		return defaultRejection
	}
	return ""
}

// stepProposalLocked moves a sub-order one step along
// submitted -> reviewed -> foc_received -> activated, or to what "to" names
// (retry rejects with reason; cancelled cancels). force activates every
// pending number at foc_received, whatever its activation type and date.
func (s *Store) stepProposalLocked(p *Proposal, now time.Time, to, reason string) {
	s.stepLocked(p, now, to, reason, false)
}

func (s *Store) stepLocked(p *Proposal, now time.Time, to, reason string, force bool) {
	p.NextAt = time.Time{}
	s.disarmLocked("proposal", p.ID)
	switch {
	case to == PortRetry:
		s.rejectLocked(p, or(reason, defaultRejection))
	case to == PortCancelled:
		s.setStatusLocked(p, PortCancelled)
	case p.Status == PortSubmitted:
		if why := s.rejectionLocked(p); why != "" {
			s.rejectLocked(p, why)
			break
		}
		s.setStatusLocked(p, PortReviewed)
		p.OrderStatus = "Pending"
		p.NextAt = now.Add(s.cfg.focAfter())
	case p.Status == PortRetry:
		s.resubmitLocked(p, now)
		return
	case p.Status == PortReviewed:
		d := s.detailOfLocked(p)
		foc := now.Add(s.cfg.actAfter())
		if d.DesiredFOC.After(foc) {
			foc = d.DesiredFOC
		}
		foc = focDay(foc)
		p.FOCDate = &foc
		s.setStatusLocked(p, PortFOC)
		p.OrderStatus = "ReceivedFoc"
		for i := range p.DIDs {
			pd := &p.DIDs[i]
			if pd.ActivationType == "" {
				pd.ActivationType = d.ActivationType
			}
			requested := pd.ActivationDate
			if requested.IsZero() {
				requested = d.ActivationDate
			}
			switch {
			case pd.ActivationType == "Auto":
				pd.ActivationDate = onFOCDay(foc, requested)
			case pd.ActivationDate.IsZero():
				pd.ActivationDate = foc
				if pd.ActivationType == "Scheduled" && d.ActivationDate.After(foc) {
					pd.ActivationDate = d.ActivationDate
				}
			}
		}
	case p.Status == PortFOC:
		for i := range p.DIDs {
			pd := &p.DIDs[i]
			if pd.Status == PortFOC && (force || (pd.ActivationType != "Manual" && !pd.ActivationDate.After(now))) {
				s.activateDIDLocked(p, pd, now)
			}
		}
		s.settleLocked(p)
	}
	if p.Status == PortFOC {
		s.scheduleActivationLocked(p, now)
	} else if !p.NextAt.IsZero() {
		s.armLocked("proposal", p.ID, p.NextAt)
	}
	s.log.Info("call48 port-in sub-order", "port_proposal_id", p.ID, "status", p.Status)
}

func (s *Store) scheduleActivationLocked(p *Proposal, now time.Time) {
	var next time.Time
	for _, pd := range p.DIDs {
		if pd.Status == PortFOC && pd.ActivationType != "Manual" && (next.IsZero() || pd.ActivationDate.Before(next)) {
			next = pd.ActivationDate
		}
	}
	p.NextAt = next
	if !next.IsZero() {
		if next.Before(now) {
			next = now
			p.NextAt = now
		}
		s.armLocked("proposal", p.ID, p.NextAt)
	}
}

func (s *Store) setStatusLocked(p *Proposal, st string) {
	p.Status = st
	for i := range p.DIDs {
		if p.DIDs[i].Status != PortCancelled && p.DIDs[i].Status != PortActivated {
			p.DIDs[i].Status = st
		}
	}
	if st == PortCancelled {
		p.NextAt = time.Time{}
		p.OrderStatus = "Canceled"
		s.disarmLocked("proposal", p.ID)
	}
}

func (s *Store) rejectLocked(p *Proposal, reason string) {
	s.setStatusLocked(p, PortRetry)
	p.Rejected = true
	p.FailureReason = strPtr("LSR rejected || Rejection reason " + reason)
	p.OrderStatus = "Rejected"
	p.NextAt = time.Time{}
}

func (s *Store) resubmitLocked(p *Proposal, now time.Time) {
	s.setStatusLocked(p, PortSubmitted)
	t := now
	p.ResubmittedAt = &t
	p.FailureReason = nil
	p.OrderStatus = "Supplemented"
	p.NextAt = now.Add(s.cfg.reviewed())
	s.armLocked("proposal", p.ID, p.NextAt)
}

// settleLocked closes a sub-order whose numbers are all activated or cancelled.
func (s *Store) settleLocked(p *Proposal) {
	act, open := 0, 0
	for _, d := range p.DIDs {
		switch d.Status {
		case PortActivated:
			act++
		case PortCancelled:
		default:
			open++
		}
	}
	if open > 0 {
		return
	}
	p.NextAt = time.Time{}
	s.disarmLocked("proposal", p.ID)
	if act > 0 {
		p.Status, p.OrderStatus = PortActivated, "Active"
	} else {
		p.Status, p.OrderStatus = PortCancelled, "Canceled"
	}
}

// activateDIDLocked turns a ported number into a DID of the port's account.
func (s *Store) activateDIDLocked(p *Proposal, pd *PortDID, now time.Time) {
	pr := s.d.Ports[p.PortReqID]
	pd.Status = PortActivated
	if _, exists := s.byNumber[pd.Number]; exists {
		return
	}
	acc := s.d.Accounts[pr.AccountID]
	if acc == nil {
		return
	}
	inv := InvNumber{Number: pd.Number, Kind: KindLocal, Platform: PlatformOD, Tier: 1, State: pr.Detail.State}
	switch pr.DidType {
	case "TF":
		inv.Kind, inv.State = KindToll, ""
	case "INTL":
		inv.Kind, inv.Platform, inv.State = KindIntl, PlatformPorta, ""
	default:
		// a ported number keeps the rate center its NPA and exchange say,
		// else the first one of its NPA
		rc := fx.rateCenterOf(pd.Number)
		if rc == nil && len(fx.byNPA[pd.Number[:3]]) > 0 {
			rc = fx.byNPA[pd.Number[:3]][0]
		}
		if rc != nil {
			inv.State, inv.RateCenter, inv.LATA, inv.FootprintID = rc.State, rc.RateCenter, rc.LATA, rc.FootprintID
		}
		inv.Vendor = 1
	}
	if old := s.invLocked(pd.Number); old != nil {
		inv = *old
	}
	d := s.assignLocked(acc, &inv, now, "port", pr.FwdTrunkGrpID)
	if pd.Tags != nil {
		d.Tags = *pd.Tags
	}
	applyPortForwarding(d, pr)
}

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
	if propID == 0 {
		return missing("port_proposal_id")
	}
	if strings.TrimSpace(number) == "" {
		return missing("did_number")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, d, err := s.proposalDIDLocked(c, propID, number)
	if err != nil {
		return err
	}
	if !DIDFlagsOf(p, *d).Cancel {
		return errf(400, "DID %s can not be cancelled in status %s", d.Number, d.Status)
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
	if propID == 0 {
		return missing("port_proposal_id")
	}
	if strings.TrimSpace(number) == "" {
		return missing("did_number")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, d, err := s.proposalDIDLocked(c, propID, number)
	if err != nil {
		return err
	}
	if !DIDFlagsOf(p, *d).Activate {
		return errf(400, "DID %s can not be activated in status %s", d.Number, d.Status)
	}
	now := s.clock.Now()
	s.activateDIDLocked(p, d, now)
	s.settleLocked(p)
	if p.Status == PortFOC {
		s.scheduleActivationLocked(p, now)
	}
	return nil
}

var docTypes = map[string]bool{"loa": true, "bill": true, "csr": true}

func docField(d *PortDetail, typ string) **string {
	switch typ {
	case "loa":
		return &d.LOAFile
	case "bill":
		return &d.BillFile
	}
	return &d.CSRFile
}

func (s *Store) docDetailLocked(c Caller, reqID, propID *int) (*PortDetail, error) {
	pr, p, err := s.targetLocked(c, reqID, propID)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return &pr.Detail, nil
	}
	if p.Detail == nil {
		cp := pr.Detail
		cp.ID = s.next("detail", 135)
		p.Detail = &cp
	}
	return p.Detail, nil
}

// UploadDoc stores a document (loa, bill or csr) on a request or sub-order.
func (s *Store) UploadDoc(c Caller, reqID, propID *int, typ, filename string, data []byte) (string, error) {
	typ = strings.ToLower(strings.TrimSpace(typ))
	if typ == "" {
		return "", missing("type")
	}
	if !docTypes[typ] {
		return "", invalid("type", "must be loa, bill or csr")
	}
	if filename == "" {
		return "", missing("file")
	}
	if len(data) == 0 {
		return "", invalid("file", "the file is empty")
	}
	if err := checkDocument(filename, data); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.docDetailLocked(c, reqID, propID)
	if err != nil {
		return "", err
	}
	ext := ""
	if i := strings.LastIndex(filename, "."); i >= 0 {
		ext = strings.ToLower(filename[i:])
	}
	name := fmt.Sprintf("call48_%d_%s%s", s.clock.Now().UnixMilli(), s.randAlnum(10), ext)
	*docField(d, typ) = &name
	return name, nil
}

// RemoveDoc removes a document from a request or sub-order.
func (s *Store) RemoveDoc(c Caller, reqID, propID *int, typ string) error {
	typ = strings.ToLower(strings.TrimSpace(typ))
	if typ == "" {
		return missing("type")
	}
	if !docTypes[typ] {
		return invalid("type", "must be loa, bill or csr")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.docDetailLocked(c, reqID, propID)
	if err != nil {
		return err
	}
	f := docField(d, typ)
	if *f == nil {
		return errf(404, "No %s document uploaded", typ)
	}
	*f = nil
	return nil
}

// FOCRow is a number with its FOC and activation.
type FOCRow struct {
	PropID, ReqID int
	DID           PortDID
	FOCDate       *time.Time
}

// FOCList lists numbers that have an FOC (foc_received or activated).
func (s *Store) FOCList(c Caller, page, limit int, actType string, numbers []string) ([]FOCRow, int, error) {
	switch actType {
	case "", "Auto", "Manual", "Scheduled":
	default:
		return nil, 0, invalid("activation_type", "must be Auto, Manual or Scheduled")
	}
	want := map[string]bool{}
	for _, n := range numbers {
		want[normNumber(n)] = true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []FOCRow
	for _, id := range sortedKeys(s.d.Proposals) {
		p := s.d.Proposals[id]
		pr := s.d.Ports[p.PortReqID]
		if p.FOCDate == nil || pr == nil || !s.visibleLocked(c, pr.AccountID) {
			continue
		}
		for _, d := range p.DIDs {
			if (d.Status != PortFOC && d.Status != PortActivated) || (actType != "" && d.ActivationType != actType) || (len(want) > 0 && !want[d.Number]) {
				continue
			}
			all = append(all, FOCRow{PropID: p.ID, ReqID: p.PortReqID, DID: d, FOCDate: p.FOCDate})
		}
	}
	lo, hi := pageBounds(page, limit, len(all))
	return all[lo:hi], len(all), nil
}

// DIDActivation returns one number's FOC and activation.
func (s *Store) DIDActivation(c Caller, number, propID string) (*FOCRow, error) {
	if strings.TrimSpace(number) == "" {
		return nil, missing("did")
	}
	if strings.TrimSpace(propID) == "" {
		return nil, missing("port_proposal_id")
	}
	id, err := parseID("port_proposal_id", propID)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, d, err := s.proposalDIDLocked(c, id, number)
	if err != nil {
		return nil, err
	}
	return &FOCRow{PropID: p.ID, ReqID: p.PortReqID, DID: *d, FOCDate: p.FOCDate}, nil
}

// UpdateActivation changes how and when a number is activated.
func (s *Store) UpdateActivation(c Caller, propID int, number, actType string, date time.Time) error {
	if propID == 0 {
		return missing("port_proposal_id")
	}
	if strings.TrimSpace(number) == "" {
		return missing("did")
	}
	switch actType {
	case "Auto", "Manual", "Scheduled":
	case "":
		return missing("activation_type")
	default:
		return invalid("activation_type", "must be Auto, Manual or Scheduled")
	}
	if date.IsZero() {
		return missing("activation_date")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, d, err := s.proposalDIDLocked(c, propID, number)
	if err != nil {
		return err
	}
	if d.Status == PortActivated || d.Status == PortCancelled {
		return errf(400, "DID %s can not be updated in status %s", d.Number, d.Status)
	}
	now := s.clock.Now()
	if date.Before(now) {
		return errf(400, "activation_date %s is in the past", date.In(eastern).Format("2006-01-02 15:04"))
	}
	d.ActivationType, d.ActivationDate = actType, date
	if actType == "Auto" && p.FOCDate != nil {
		d.ActivationDate = onFOCDay(*p.FOCDate, date)
	}
	if p.Status == PortFOC {
		s.scheduleActivationLocked(p, now)
	}
	return nil
}

// ExportPorts writes export-list's CSV: the requests, a request's sub-orders
// (port_req_id) or a sub-order's numbers (port_proposal_id).
func (s *Store) ExportPorts(c Caller, reqID, propID *int, f PortFilter) ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	switch {
	case propID != nil && *propID != 0:
		p, _, err := s.proposalLocked(c, *propID)
		if err != nil {
			return nil, err
		}
		_ = w.Write([]string{"tn", "lrn", "status", "foc_date", "activation_type", "activation_date"})
		for _, d := range p.DIDs {
			_ = w.Write([]string{d.Number, d.LRN, d.Status, jsDate(p.FOCDate), d.ActivationType, jsDateV(d.ActivationDate)})
		}
	case reqID != nil && *reqID != 0:
		pr, err := s.portLocked(c, *reqID)
		if err != nil {
			return nil, err
		}
		_ = w.Write([]string{"sub_order_id", "status", "resubmitted_at", "tn", "active_foc_date"})
		for _, p := range s.propsLocked(pr) {
			re := p.CreatedAt
			if p.ResubmittedAt != nil {
				re = *p.ResubmittedAt
			}
			_ = w.Write([]string{strconv.Itoa(p.ID), p.Status, jsDateV(re), strconv.Itoa(len(p.DIDs)), jsDate(p.FOCDate)})
		}
	default:
		_ = w.Write([]string{"port_req_id", "did_type", "request_phase", "suborder_count", "tn", "created_at", "account_username"})
		ids := sortedKeys(s.d.Ports)
		for i := len(ids) - 1; i >= 0; i-- {
			pr := s.d.Ports[ids[i]]
			if !s.visibleLocked(c, pr.AccountID) || !s.matchLocked(pr, f) {
				continue
			}
			n := 0
			for _, p := range s.propsLocked(pr) {
				n += len(p.DIDs)
			}
			_ = w.Write([]string{strconv.Itoa(pr.ID), pr.DidType, phaseOf(s.propsLocked(pr)), strconv.Itoa(len(pr.Proposals)), strconv.Itoa(n), jsDateV(pr.CreatedAt), s.d.Accounts[pr.AccountID].Username})
		}
	}
	w.Flush()
	return buf.Bytes(), nil
}

// AdvancePort moves every open sub-order of a port request one step, or
// through the steps up to a named status (reviewed, foc_received, activated;
// retry rejects with reason; cancelled cancels). It is the control lever
// behind POST /__sim/call48/ports/{port_req_id}/advance.
func (s *Store) AdvancePort(reqID int, to, reason string) (PortView, error) {
	switch to {
	case "", PortReviewed, PortFOC, PortActivated, PortRetry, PortCancelled, PortSubmitted:
	default:
		return PortView{}, fmt.Errorf("unknown status %q (want reviewed, foc_received, activated, retry, cancelled or submitted)", to)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pr := s.d.Ports[reqID]
	if pr == nil {
		return PortView{}, fmt.Errorf("port request %d not found", reqID)
	}
	now := s.clock.Now()
	moved := 0
	rank := map[string]int{PortSubmitted: 0, PortRetry: 0, PortReviewed: 1, PortFOC: 2, PortActivated: 3}
	for _, p := range s.propsLocked(pr) {
		if p.Status == PortActivated || p.Status == PortCancelled {
			continue
		}
		switch to {
		case "":
			s.stepLocked(p, now, "", "", true)
			moved++
		case PortRetry, PortCancelled:
			s.stepLocked(p, now, to, reason, false)
			moved++
		case PortSubmitted:
			if p.Status == PortRetry {
				s.resubmitLocked(p, now)
				moved++
			}
		default:
			for i := 0; i < 4 && p.Status != to && p.Status != PortRetry && rank[p.Status] < rank[to]; i++ {
				p.Rejected = p.Rejected || p.Status == PortSubmitted // a forced review does not apply rejection rules
				s.stepLocked(p, now, "", "", true)
				moved++
			}
		}
	}
	if moved == 0 {
		return s.viewLocked(pr), fmt.Errorf("port request %d has no sub order that can move to %q", reqID, or(to, "its next status"))
	}
	return s.viewLocked(pr), nil
}

// jsDate prints a time like JavaScript's Date.toString in US Eastern time,
// as the export CSV does.
func jsDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return jsDateV(*t)
}

func jsDateV(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	et := t.In(eastern)
	name := "Eastern Standard Time"
	if z, _ := et.Zone(); z == "EDT" {
		name = "Eastern Daylight Time"
	}
	return et.Format("Mon Jan 02 2006 15:04:05 GMT-0700") + " (" + name + ")"
}

func (s *Store) portExists(id int) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.d.Ports[id] != nil
}
