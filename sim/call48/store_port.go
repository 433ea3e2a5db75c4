package call48

import (
	"fmt"
	"hash/fnv"
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
	was := p.Status
	p.Status = st
	var moved []string
	for i := range p.DIDs {
		if p.DIDs[i].Status != PortCancelled && p.DIDs[i].Status != PortActivated {
			p.DIDs[i].Status = st
			moved = append(moved, p.DIDs[i].Number)
		}
	}
	if was != st {
		s.note(fmt.Sprintf("port-in sub-order %d: %s → %s", p.ID, was, st), moved,
			map[string]string{"port_req_id": fmt.Sprint(p.PortReqID), "port_proposal_id": fmt.Sprint(p.ID), "status": st})
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
	s.note(fmt.Sprintf("port-in: %s activated on Call48 (sub-order %d)", pd.Number, p.ID), []string{pd.Number},
		map[string]string{"port_proposal_id": fmt.Sprint(p.ID), "status": PortActivated})
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
		if rc == nil {
			rc = fx.firstInNPA(pd.Number[:3])
		}
		if rc != nil {
			inv.State, inv.RateCenter, inv.LATA, inv.FootprintID = rc.State(), rc.Name(), rc.LATA(), int(rc.FootprintID)
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
