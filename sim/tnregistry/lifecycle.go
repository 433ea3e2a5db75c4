package tnregistry

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/timeline"
)

// The notification lifecycle of a customer record version: a change that
// needs approvals opens one request per involved carrier; carriers answer
// (control API or scenario policy) and the controlling Resp Org hears
// UNS-ACT; at the effective time the version is downloaded to the SCPs
// (UNS-CRA) or, when approvals are missing, the carriers hear UNS-APP.

// ApprovalPolicy is how a carrier answers approval requests on its own.
type ApprovalPolicy struct {
	// Decision is approve, deny or never (no answer).
	Decision string            `json:"decision" yaml:"decision"`
	After    scenario.Duration `json:"after" yaml:"after"`
	Reason   string            `json:"reason,omitempty" yaml:"reason"`
}

// SCPConfig is one SCP a record is downloaded to.
type SCPConfig struct {
	ID string `json:"id" yaml:"id"`
	// After is how long the SCP takes to answer (at most 15 minutes).
	After scenario.Duration `json:"after" yaml:"after"`
	// Result is success (default), failure or none (never answers: the
	// download reports NO RESPONSE after 15 minutes).
	Result string `json:"result" yaml:"result"`
}

// Approval and download states.
const (
	decisionPending  = "PENDING"
	decisionApproved = "APPROVED"
	decisionDenied   = "DENIED"
	maxSCPDelay      = 15 * time.Minute
)

// versionKinds are the changes that make a new version to download.
var versionKinds = map[string]bool{ChangeCICAddition: true, ChangeRoutingChange: true, ChangeCICDeletion: true, ChangeRespOrgChange: true}

// afterChangeLocked opens approvals and arms the download of the version a
// change made, or cancels them when the change withdrew the version.
func (s *State) afterChangeLocked(rec *Record, kind string, involved []string) {
	now := s.clock.Now()
	switch kind {
	case ChangeCancelCICAddition, ChangeCancelRoutingChange, ChangePendingCRDeleted, ChangeCancelApprovalResend:
		s.stopTimersLocked(rec.TFN)
		rec.Approvals = nil
		if kind != ChangeCancelApprovalResend {
			rec.DownloadDue = nil
		}
		s.armRecordLocked(rec)
		return
	}
	if versionKinds[kind] {
		s.stopTimersLocked(rec.TFN)
		rec.Approvals, rec.SCPResults = nil, nil
		if (kind == ChangeCICDeletion || kind == ChangeRespOrgChange) && rec.ApprStat == ApprPending {
			// The approvals asked for the version this one replaces.
			rec.ApprReq, rec.ApprStat = false, ApprNotRequired
		}
		if len(s.scps) > 0 || rec.CustRecStat == CRPending {
			due := rec.EffDtTm
			rec.DownloadDue = &due
			rec.TargetStat = rec.CustRecStat
			if rec.TargetStat == CRPending || rec.TargetStat == "" {
				rec.TargetStat = CRActive
			}
			rec.CustRecStat = CRPending
		}
	}
	if rec.ApprReq && rec.ApprStat == ApprPending && (versionKinds[kind] || kind == ChangeApprovalResent) {
		for _, c := range involved {
			s.openApprovalLocked(rec, c, now)
		}
	}
	if rec.DownloadDue != nil && !rec.DownloadDue.After(now) {
		if len(rec.Approvals) > 0 {
			// Effective at once but waiting for approvals: the download
			// happens when the last carrier answers.
			rec.DownloadDue = nil
		} else {
			s.downloadLocked(rec)
			return
		}
	}
	s.armRecordLocked(rec)
}

func (s *State) openApprovalLocked(rec *Record, cic string, now time.Time) {
	for i := range rec.Approvals {
		if rec.Approvals[i].CIC == cic {
			rec.Approvals[i] = Approval{CIC: cic, Status: decisionPending, RequestedAt: now}
			return
		}
	}
	rec.Approvals = append(rec.Approvals, Approval{CIC: cic, Status: decisionPending, RequestedAt: now})
}

// stopTimersLocked cancels a record's approval and download timers.
func (s *State) stopTimersLocked(tfn string) {
	for k, t := range s.timers {
		if strings.HasPrefix(k, tfn+"/") {
			t.cancel()
			delete(s.timers, k)
		}
	}
}

// armRecordLocked puts a record's pending policy answers, download and SCP
// answers on the clock (again, after an import).
func (s *State) armRecordLocked(rec *Record) {
	tfn := rec.TFN
	for _, a := range rec.Approvals {
		p, ok := s.policies[a.CIC]
		if a.Status != decisionPending || !ok || p.Decision == "never" {
			continue
		}
		cic, p := a.CIC, p
		s.armLocked(tfn+"/appr/"+cic, a.RequestedAt.Add(p.After.D()), func() {
			_, _ = s.Answer(tfn, ApprovalAnswer{CIC: cic, Decision: p.Decision, Reason: p.Reason})
		})
	}
	if rec.DownloadDue != nil {
		s.armLocked(tfn+"/download", *rec.DownloadDue, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if r := s.records[tfn]; r != nil && r.DownloadDue != nil {
				s.downloadLocked(r)
			}
		})
	}
	if rec.CustRecStat == CRSending && rec.SendingSince != nil {
		silent := false
		for _, scp := range s.scps {
			if scp.Result == "none" {
				silent = true
			}
			if hasSCP(rec.SCPResults, scp.ID) || scp.Result == "none" {
				continue
			}
			scp := scp
			s.armLocked(tfn+"/scp/"+scp.ID, rec.SendingSince.Add(scp.After.D()), func() {
				s.mu.Lock()
				defer s.mu.Unlock()
				if r := s.records[tfn]; r != nil && r.CustRecStat == CRSending {
					s.scpAnswerLocked(r, scp)
				}
			})
		}
		if silent {
			// The registry stops waiting for SCPs after its nominal
			// 15 minutes and reports what it has.
			s.armLocked(tfn+"/scp-deadline", rec.SendingSince.Add(maxSCPDelay), func() {
				s.mu.Lock()
				defer s.mu.Unlock()
				if r := s.records[tfn]; r != nil && r.CustRecStat == CRSending && r.SendingSince != nil {
					for _, scp := range s.scps {
						if !hasSCP(r.SCPResults, scp.ID) {
							r.SCPResults = append(r.SCPResults, SCPResult{SCPID: scp.ID, Result: scpNoResponse, DtTm: s.clock.Now()})
						}
					}
					s.settleLocked(r)
				}
			})
		}
	}
}

// armLocked puts f on the clock at at under key, replacing the key's
// timer. A timer that fired while its key was cancelled or re-armed does
// nothing.
func (s *State) armLocked(key string, at time.Time, f func()) {
	if t, ok := s.timers[key]; ok {
		t.cancel()
	}
	s.timerGen++
	gen := s.timerGen
	cancel := s.clock.At(at, func() {
		s.mu.Lock()
		t, ok := s.timers[key]
		if !ok || t.gen != gen {
			s.mu.Unlock()
			return
		}
		delete(s.timers, key)
		s.mu.Unlock()
		f()
	})
	s.timers[key] = recordTimer{gen: gen, cancel: cancel}
}

// recordTimer is one armed lifecycle step of a record.
type recordTimer struct {
	gen    uint64
	cancel func() bool
}

func (s *State) stopTimerLocked(key string) {
	if t, ok := s.timers[key]; ok {
		t.cancel()
		delete(s.timers, key)
	}
}

func hasSCP(l []SCPResult, id string) bool {
	for _, r := range l {
		if r.SCPID == id {
			return true
		}
	}
	return false
}

// ApprovalAnswer is a carrier's answer (control API body).
type ApprovalAnswer struct {
	CIC      string `json:"cic" yaml:"cic"`
	Decision string `json:"decision" yaml:"decision"`
	Reason   string `json:"reason,omitempty" yaml:"reason"`
}

// Answer records a carrier's approval or denial of the record's current
// version, and sends UNS-ACT when it completes or denies the approvals.
func (s *State) Answer(tfn string, a ApprovalAnswer) (Record, error) {
	d, err := normTFN(tfn)
	if err != nil {
		return Record{}, badRequest(err.Error())
	}
	cic, err := normCIC(a.CIC)
	if err != nil {
		return Record{}, badRequest("cic: " + err.Error())
	}
	var status string
	switch strings.ToLower(strings.TrimSpace(a.Decision)) {
	case "approve", "approved":
		status = decisionApproved
	case "deny", "denied":
		status = decisionDenied
	default:
		return Record{}, badRequest(`decision: want "approve" or "deny"`)
	}
	if len(a.Reason) > 151 {
		return Record{}, badRequest("reason: at most 151 characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.records[d]
	if rec == nil {
		return Record{}, notFound(fmt.Sprintf("%s has no customer record", d))
	}
	i := -1
	for j := range rec.Approvals {
		if rec.Approvals[j].CIC == cic {
			i = j
		}
	}
	if i < 0 || rec.Approvals[i].Status != decisionPending || rec.ApprStat != ApprPending {
		return Record{}, conflict(fmt.Sprintf("no approval request is open for CIC %s on %s", cic, d))
	}
	now := s.clock.Now()
	t := now
	rec.Approvals[i].Status, rec.Approvals[i].Reason, rec.Approvals[i].RespTime = status, a.Reason, &t
	lt := now
	rec.LastApprRcvDt = &lt
	s.stopTimerLocked(d + "/appr/" + cic)
	s.noteLocked(d, fmt.Sprintf("carrier %s %s the record of %s", cic, strings.ToLower(status), d))
	act := actMessage{TfNum: dashedTFN(d), TmplName: rec.TmplName, EffDtTm: fmtDtTm(rec.EffDtTm), RespOrgID: rec.RespOrg, RespTime: fmtDtTm(now)}
	switch {
	case status == decisionDenied:
		rec.ApprStat, rec.ApprReq = ApprDenied, false
		act.ApprInf, act.CICCode, act.Reason = "02", cic, a.Reason
	case allApproved(rec.Approvals):
		rec.ApprStat, rec.ApprReq = ApprApproved, false
		act.ApprInf, act.Reason = "01", "all approvals received"
	default:
		return rec.clone(), nil
	}
	if sub, ok := s.respOrgSubLocked(rec.RespOrg, "act"); ok {
		s.sendLocked(sub, "act", d, act, map[string]string{"type": TypeACT, "tfn": d, "respOrg": rec.RespOrg, "apprInf": act.ApprInf})
	}
	// Approvals settled after the effective time: download (or tell the
	// carriers why not) now.
	if rec.DownloadDue == nil && rec.CustRecStat == CRPending && !rec.EffDtTm.After(now) {
		s.downloadLocked(rec)
	}
	return rec.clone(), nil
}

func allApproved(l []Approval) bool {
	for _, a := range l {
		if a.Status != decisionApproved {
			return false
		}
	}
	return len(l) > 0
}

// downloadLocked sends the record's current version to the SCPs at its
// effective time, or tells the carriers (UNS-APP) why it cannot.
func (s *State) downloadLocked(rec *Record) {
	now := s.clock.Now()
	rec.DownloadDue = nil
	s.stopTimerLocked(rec.TFN + "/download")
	if len(rec.Approvals) > 0 && !allApproved(rec.Approvals) {
		s.noteLocked(rec.TFN, fmt.Sprintf("record of %s not downloaded at its effective time: %s", rec.TFN, appReason(rec.Approvals)))
		for _, a := range rec.Approvals {
			sub, ok := s.cicSubLocked(a.CIC, "app")
			if !ok {
				continue
			}
			msg := appMessage{TfNum: dashedTFN(rec.TFN), TmplName: rec.TmplName, EffDtTm: fmtDtTm(rec.EffDtTm), RespOrgID: rec.RespOrg,
				CICCode: a.CIC, Reason: appReason(rec.Approvals)}
			s.sendLocked(sub, "app", rec.TFN, msg, map[string]string{"type": TypeAPP, "tfn": rec.TFN, "cic": a.CIC})
		}
		return
	}
	target := rec.TargetStat
	if target == "" {
		target = CRActive
	}
	if rec.HldIndFlag {
		rec.CustRecStat = CRHold
		s.noteLocked(rec.TFN, fmt.Sprintf("record of %s held (hldIndFlag): not sent to the SCPs", rec.TFN))
		return
	}
	if len(s.scps) == 0 {
		rec.CustRecStat = target
		s.noteLocked(rec.TFN, fmt.Sprintf("record of %s %s at its effective time (no SCPs configured)", rec.TFN, target))
		return
	}
	since := now
	rec.CustRecStat, rec.SCPResults, rec.SendingSince = CRSending, nil, &since
	s.noteLocked(rec.TFN, fmt.Sprintf("record of %s sent to %d SCPs", rec.TFN, len(s.scps)))
	for _, scp := range s.scps {
		if scp.After <= 0 && scp.Result != "none" {
			s.scpAnswerLocked(rec, scp)
		}
	}
	if rec.CustRecStat == CRSending {
		s.armRecordLocked(rec)
	}
}

// appReason names the carriers that denied or did not answer.
func appReason(l []Approval) string {
	var parts []string
	for _, a := range l {
		switch a.Status {
		case decisionDenied:
			r := "denied by " + a.CIC
			if a.Reason != "" {
				r += ": " + a.Reason
			}
			parts = append(parts, r)
		case decisionPending:
			parts = append(parts, "no answer from "+a.CIC)
		}
	}
	return strings.Join(parts, "; ")
}

// scpAnswerLocked records one SCP's answer; the last one settles the record
// and sends UNS-CRA.
func (s *State) scpAnswerLocked(rec *Record, scp SCPConfig) {
	if hasSCP(rec.SCPResults, scp.ID) {
		return
	}
	res := "SUCCESS"
	if strings.EqualFold(scp.Result, "failure") {
		res = "FAILURE"
	}
	rec.SCPResults = append(rec.SCPResults, SCPResult{SCPID: scp.ID, Result: res, DtTm: s.clock.Now()})
	if len(rec.SCPResults) == len(s.scps) {
		s.settleLocked(rec)
	}
}

// scpNoResponse is the result of an SCP that did not answer in time.
const scpNoResponse = "NO RESPONSE"

// settleLocked ends a download once every SCP has a result: ACTIVE (or
// DISCONNECT) when all succeeded, FAILED when one failed, still SENDING
// when one never answered; then UNS-CRA.
func (s *State) settleLocked(rec *Record) {
	stat := rec.TargetStat
	if stat == "" {
		stat = CRActive
	}
	for _, r := range rec.SCPResults {
		switch {
		case r.Result == "FAILURE":
			stat = CRFailed
		case r.Result == scpNoResponse && stat != CRFailed:
			stat = CRSending
		}
	}
	rec.CustRecStat, rec.SendingSince = stat, nil
	s.stopTimerLocked(rec.TFN + "/scp-deadline")
	s.noteLocked(rec.TFN, fmt.Sprintf("record of %s %s after the SCPs answered", rec.TFN, rec.CustRecStat))
	sort.Slice(rec.SCPResults, func(i, j int) bool { return rec.SCPResults[i].SCPID < rec.SCPResults[j].SCPID })
	sub, found := s.respOrgSubLocked(rec.RespOrg, "cra")
	if !found {
		return
	}
	s.craSeq++
	rt, _ := s.routingLocked(rec)
	msg := craMessage{TfNum: dashedTFN(rec.TFN), TmplName: rec.TmplName, EffDtTm: fmtDtTm(rec.EffDtTm), RespOrgID: rec.RespOrg,
		MsgID: fmt.Sprintf("%010d", s.craSeq), OrigRespOrgID: rec.RespOrg, CustRecStat: rec.CustRecStat,
		CustRecSize: fmt.Sprint(routingSize(rt)), ApprStat: rec.ApprStat, SCPResult: []craResult{}}
	for _, r := range rec.SCPResults {
		msg.SCPResult = append(msg.SCPResult, craResult{SCPID: r.SCPID, Result: r.Result, DtTm: fmtDtTm(r.DtTm)})
	}
	s.sendLocked(sub, "cra", rec.TFN, msg, map[string]string{"type": TypeCRA, "tfn": rec.TFN, "respOrg": rec.RespOrg})
}

// routingSize is the size of a record's routing (its template's for a
// Pointer Record): the summed length of its
// carriers, destinations, CPR cells and AOS labels (the registry's own
// measure is not published).
func routingSize(rec *Routing) int {
	n := 0
	for _, c := range rec.cics() {
		n += len(c) + 1
	}
	for _, d := range rec.DestNums {
		n += len(d.DestNum) + len(d.NumTermLine) + 2
	}
	for _, sct := range rec.CPRSections {
		n += len(sct.Name) + len(sct.NodeSeq)
		for _, nd := range sct.Nodes {
			n += len(nd.ColIndex) + len(nd.RowIndex) + len(nd.Values)
		}
	}
	for _, a := range rec.AOSRecords {
		n += len(a.AOSLbl) + len(a.ASLType) + len(a.AOSLblValue)
	}
	return n
}

// noteLocked puts a lifecycle step of a record on the timeline.
func (s *State) noteLocked(tfn, summary string) {
	if s.story == nil {
		return
	}
	s.story.Add(timeline.Item{Time: s.clock.Now(), Kind: timeline.KindLifecycle, Provider: Name, Summary: summary,
		Numbers: []string{timeline.Normalize(tfn)}})
}
