package tnregistry

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Levers: what a Resp Org or the registry's staff does that the simulator
// has no public route for, driven through the control API or a scenario.

// ReserveRequest reserves numbers for a Resp Org (control API body).
type ReserveRequest struct {
	RespOrg string   `json:"respOrg" yaml:"respOrg"`
	TFNs    []string `json:"tfns" yaml:"tfns"`
}

// Bounds: one reservation, as the registry's multi-number reservation
// does; SCP audit answers waiting on the clock; Resp Orgs with limits.
const (
	maxReserve       = 1000
	maxPendingAudits = 1000
	maxLimitRespOrgs = 10000
)

// Reserve takes SPARE or TRANSITIONAL numbers to RESERVED for a Resp Org
// and sends it one UNS-RSV listing them. Nothing changes when any number
// cannot be reserved.
func (s *State) Reserve(req ReserveRequest) ([]Number, *DeliveryRef, error) {
	ro, err := normRespOrg(req.RespOrg)
	if err != nil {
		return nil, nil, badRequest("respOrg: " + err.Error())
	}
	if len(req.TFNs) == 0 || len(req.TFNs) > maxReserve {
		return nil, nil, badRequest(fmt.Sprintf("tfns: give 1 to %d numbers", maxReserve))
	}
	var tfns []string
	for _, t := range req.TFNs {
		d, err := normTFN(t)
		if err != nil {
			return nil, nil, badRequest("tfns: " + err.Error())
		}
		if !contains(tfns, d) {
			tfns = append(tfns, d)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range tfns {
		n := s.numbers[d]
		if n == nil {
			return nil, nil, notFound(fmt.Sprintf("number %s is not in the registry", d))
		}
		if n.Status != StatusSpare && n.Status != StatusTransitional {
			return nil, nil, conflict(fmt.Sprintf("number %s is %s: only SPARE or TRANSITIONAL numbers can be reserved", d, n.Status))
		}
	}
	out := make([]Number, 0, len(tfns))
	for _, d := range tfns {
		s.setNumberLocked(d, StatusReserved, ro)
		out = append(out, *s.numbers[d])
	}
	return out, s.sendRSVLocked(ro, tfns), nil
}

// sendRSVLocked sends UNS-RSV for numbers just reserved by ro.
func (s *State) sendRSVLocked(ro string, tfns []string) *DeliveryRef {
	for _, d := range tfns {
		s.noteLocked(d, fmt.Sprintf("%s reserved by %s", d, ro))
	}
	sub, ok := s.respOrgSubLocked(ro, "rsv")
	if !ok {
		return nil
	}
	msg := rsvMessage{RespOrgID: ro, TfNumList: make([]rsvNumber, 0, len(tfns))}
	for _, d := range tfns {
		msg.TfNumList = append(msg.TfNumList, rsvNumber{TfnNumber: dashedTFN(d)})
	}
	key := ""
	if len(tfns) == 1 {
		key = tfns[0]
	}
	ref := s.sendLocked(sub, "rsv", key, msg, map[string]string{"type": TypeRSV, "tfn": key, "respOrg": ro})
	return &ref
}

// SCPRequest is a Resp Org's SCP resend/audit of a record (control API body).
type SCPRequest struct {
	// RespOrg is who asks; default the record's controlling Resp Org.
	RespOrg string `json:"respOrg,omitempty" yaml:"respOrg"`
}

// SCPResend answers a Resp Org's SCP resend/audit of a record: each group of
// configured SCPs that answers at the same delay sends one UNS-SCP.
func (s *State) SCPResend(tfn string, req SCPRequest) (int, error) {
	d, err := normTFN(tfn)
	if err != nil {
		return 0, badRequest(err.Error())
	}
	ro := ""
	if req.RespOrg != "" {
		if ro, err = normRespOrg(req.RespOrg); err != nil {
			return 0, badRequest("respOrg: " + err.Error())
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.records[d]
	if rec == nil {
		return 0, notFound(fmt.Sprintf("%s has no customer record", d))
	}
	if ro == "" {
		ro = rec.RespOrg
	}
	if len(s.scps) == 0 {
		return 0, conflict("no SCPs are configured (scenario tnregistry.scps): there is nothing to resend to")
	}
	pending := 0
	for k := range s.timers {
		if strings.HasPrefix(k, "resend/") {
			pending++
		}
	}
	if pending+len(s.scps) > maxPendingAudits {
		return 0, conflict(fmt.Sprintf("%d SCP audit answers are already pending: try again once they arrive", pending))
	}
	groups := map[time.Duration][]SCPConfig{}
	for _, scp := range s.scps {
		groups[scp.After.D()] = append(groups[scp.After.D()], scp)
	}
	delays := make([]time.Duration, 0, len(groups))
	for k := range groups {
		delays = append(delays, k)
	}
	sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })
	now := s.clock.Now()
	s.auditSeq++
	for i, dl := range delays {
		g := groups[dl]
		if dl == 0 {
			s.sendSCPLocked(d, ro, g)
			continue
		}
		// Keyed apart from the record's lifecycle timers: a later
		// version does not cancel an audit already asked for.
		s.armLocked(fmt.Sprintf("resend/%s/%d/%d", d, s.auditSeq, i), now.Add(dl), func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.sendSCPLocked(d, ro, g)
		})
	}
	return len(delays), nil
}

func (s *State) sendSCPLocked(tfn, ro string, g []SCPConfig) {
	rec := s.records[tfn]
	sub, ok := s.respOrgSubLocked(ro, "scp")
	if rec == nil || !ok {
		return
	}
	msg := scpMessage{TfNum: dashedTFN(tfn), TmplName: rec.TmplName, EffDtTm: fmtDtTm(rec.EffDtTm), RespOrgID: ro,
		SCPResult: []scpResult{}, CRResendAuditResults: []resendResult{{CallbackDestList: []callbackDest{destOf(sub.URL)}}}}
	for _, scp := range g {
		code := "SUCCESS"
		switch scp.Result {
		case "failure":
			code = "FAILURE"
		case "none":
			code = scpNoResponse
		}
		msg.SCPResult = append(msg.SCPResult, scpResult{SCPID: scp.ID, ResultCode: code})
	}
	s.sendLocked(sub, "scp", tfn, msg, map[string]string{"type": TypeSCP, "tfn": tfn, "respOrg": ro})
}

// destOf is the domain name and port of a callback base URL.
func destOf(base string) callbackDest {
	u, err := url.Parse(base)
	if err != nil {
		return callbackDest{}
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[u.Scheme]
	}
	return callbackDest{DomainName: u.Hostname(), Port: port}
}

// LimitsRequest sets a Resp Org's automation limits (control API body).
type LimitsRequest struct {
	RespOrg          string `json:"respOrg" yaml:"respOrg"`
	AutomationLimits `yaml:",inline"`
}

// SetLimits changes a Resp Org's automation limits and, when any changed,
// sends UNS-ASL with all of them.
func (s *State) SetLimits(req LimitsRequest) (AutomationLimits, *DeliveryRef, error) {
	ro, err := normRespOrg(req.RespOrg)
	if err != nil {
		return AutomationLimits{}, nil, badRequest("respOrg: " + err.Error())
	}
	if err := req.AutomationLimits.check(); err != nil {
		return AutomationLimits{}, nil, badRequest(err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, had := s.limits[ro]
	if !had && len(s.limits) >= maxLimitRespOrgs {
		return AutomationLimits{}, nil, conflict(fmt.Sprintf("automation limits are kept for at most %d Resp Orgs", maxLimitRespOrgs))
	}
	s.limits[ro] = req.AutomationLimits
	if had && old == req.AutomationLimits {
		return old, nil, nil
	}
	sub, ok := s.respOrgSubLocked(ro, "asl")
	if !ok {
		return req.AutomationLimits, nil, nil
	}
	ref := s.sendLocked(sub, "asl", "", aslMessage{RespOrgID: ro, AutomationLimits: req.AutomationLimits},
		map[string]string{"type": TypeASL, "respOrg": ro})
	return req.AutomationLimits, &ref, nil
}

// Limits returns a Resp Org's automation limits.
func (s *State) Limits(ro string) (AutomationLimits, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l, ok := s.limits[ro]
	return l, ok
}
