package tnregistry

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Routing is the carrier-view part of a customer record: carriers, area of
// service, destination numbers and the CPR.
type Routing struct {
	InterLATACarrier []string     `json:"interLATACarrier" yaml:"interLATACarrier"`
	IntraLATACarrier []string     `json:"intraLATACarrier" yaml:"intraLATACarrier"`
	AOSRecords       []AOSRecord  `json:"aosRecords" yaml:"aosRecords"`
	DestNums         []DestNum    `json:"destNums" yaml:"destNums"`
	CPRSections      []CPRSection `json:"cprSectName" yaml:"cprSectName"`
	// PriInterLT / PriIntraLT are the primary carriers, ACNA-CIC (8 chars).
	PriInterLT string `json:"priInterLT" yaml:"priInterLT"`
	PriIntraLT string `json:"priIntraLT" yaml:"priIntraLT"`
}

// AOSRecord is one area-of-service label.
type AOSRecord struct {
	AOSLbl      string `json:"aosLbl" yaml:"aosLbl"`
	ASLType     string `json:"aslType" yaml:"aslType"`
	AOSLblValue string `json:"aosLblValue" yaml:"aosLblValue"`
}

// DestNum is one destination number of a record.
type DestNum struct {
	DestNum      string `json:"destNum" yaml:"destNum"`
	NumTermLine  string `json:"numTermLine" yaml:"numTermLine"`
	ForServOff   string `json:"forServOff" yaml:"forServOff"`
	LocalServOff string `json:"localServOff" yaml:"localServOff"`
}

// CPRSection is one section of the Call Processing Record.
type CPRSection struct {
	Name    string    `json:"name" yaml:"name"`
	NodeSeq string    `json:"nodeSeq" yaml:"nodeSeq"`
	Nodes   []CPRNode `json:"nodes" yaml:"nodes"`
}

// CPRNode is one cell of a CPR section.
type CPRNode struct {
	ColIndex string `json:"colIndex" yaml:"colIndex"`
	RowIndex string `json:"rowIndex" yaml:"rowIndex"`
	Values   string `json:"values" yaml:"values"`
}

// RecordData is what a scenario or a change can set on a customer record.
type RecordData struct {
	// TmplName makes the record a Pointer Record to that Template Record.
	TmplName       string `json:"tmplName,omitempty" yaml:"tmplName"`
	RespOrg        string `json:"respOrg" yaml:"respOrg"`
	CustRecStat    string `json:"custRecStat" yaml:"custRecStat"`
	ApprStat       string `json:"apprStat" yaml:"apprStat"`
	ApprReason     string `json:"apprReason" yaml:"apprReason"`
	ApprReq        bool   `json:"apprReq" yaml:"apprReq"`
	Routing        `yaml:",inline"`
	Referral       string `json:"referral" yaml:"referral"`
	EndInterceptDt string `json:"endInterceptDt" yaml:"endInterceptDt"`
	HldIndFlag     bool   `json:"hldIndFlag" yaml:"hldIndFlag"`
	SvcOrderNum    string `json:"svcOrderNum" yaml:"svcOrderNum"`
	SuppFormNum    string `json:"suppFormNum" yaml:"suppFormNum"`
	ConName        string `json:"conName" yaml:"conName"`
	ConTel         string `json:"conTel" yaml:"conTel"`
	Notes          string `json:"notes" yaml:"notes"`
	Agent          string `json:"agent" yaml:"agent"`
	Telco          string `json:"telco" yaml:"telco"`
	OnAccCust      string `json:"onAccCust" yaml:"onAccCust"`
	EndSub         string `json:"endSub" yaml:"endSub"`
	EndSubAddr     string `json:"endSubAddr" yaml:"endSubAddr"`
	TmZn           string `json:"tmZn" yaml:"tmZn"`
	// DayLightSavings is Y or N.
	DayLightSavings string `json:"dayLightSavings" yaml:"dayLightSavings"`
}

// Record is a Customer Record (CR) or, with TmplName, a Pointer Record (PR).
// A Template Record (TR) is a Record keyed by its TmplName with no TFN.
type Record struct {
	TFN string `json:"tfn,omitempty"`
	RecordData
	EffDtTm       time.Time  `json:"effDtTm"`
	LastApprRcvDt *time.Time `json:"lastApprRcvDt,omitempty"`
	// Approvals are the carriers' answers for the current version.
	Approvals []Approval `json:"approvals,omitempty"`
	// DownloadDue is when the current version goes to the SCPs; nil once
	// downloaded (or when nothing waits).
	DownloadDue *time.Time  `json:"downloadDue,omitempty"`
	SCPResults  []SCPResult `json:"scpResults,omitempty"`
	// TargetStat is the status the version takes once downloaded (ACTIVE or
	// DISCONNECT); SendingSince is when the download started.
	TargetStat   string     `json:"targetStat,omitempty"`
	SendingSince *time.Time `json:"sendingSince,omitempty"`
	// Prev is the routing before the latest CIC addition or routing change,
	// restored by a cancel or a pending-CR deletion.
	Prev         *Routing  `json:"prev,omitempty"`
	PrevApprStat string    `json:"prevApprStat,omitempty"`
	PrevStat     string    `json:"prevStat,omitempty"`
	UpdatedAt    time.Time `json:"updatedAt"`
	LastChange   string    `json:"lastChange,omitempty"`
}

// Customer record statuses used by the simulator.
const (
	CRActive     = "ACTIVE"
	CRPending    = "PENDING"
	CRSending    = "SENDING"
	CRDisconnect = "DISCONNECT"
	CRInvalid    = "INVALID"
	CROld        = "OLD"
	CRSaved      = "SAVED"
	CRMustCheck  = "MUST CHECK"
	CRFailed     = "FAILED"
	CRHold       = "HOLD"
)

var crStatuses = []string{CRActive, CRPending, CRSending, CRDisconnect, CRInvalid, CROld, CRSaved, CRMustCheck, CRFailed, CRHold}

// Approval statuses.
const (
	ApprApproved    = "APPROVED"
	ApprPending     = "PENDING"
	ApprDenied      = "DENIED"
	ApprNotRequired = "NOT REQUIRED"
	ApprCanceled    = "CANCELED"
)

var apprStatuses = []string{ApprApproved, ApprPending, ApprDenied, ApprNotRequired, ApprCanceled}

// Change kinds, with their Table 7 change parameter codes.
const (
	ChangeCICAddition          = "cic-addition"
	ChangeRoutingChange        = "routing-change"
	ChangeCICDeletion          = "cic-deletion"
	ChangeRespOrgChange        = "resp-org-change"
	ChangeCancelCICAddition    = "cancel-cic-addition"
	ChangeCancelRoutingChange  = "cancel-routing-change"
	ChangeApprovalResent       = "approval-resent"
	ChangePendingCRDeleted     = "pending-cr-deleted"
	ChangeCancelApprovalResend = "cancel-approval-resend"
)

// ChangeCodes maps each change kind to its UNS-SNA change parameter code.
var ChangeCodes = map[string]string{
	ChangeCICAddition:          "01",
	ChangeRoutingChange:        "02",
	ChangeCICDeletion:          "03",
	ChangeRespOrgChange:        "04",
	ChangeCancelCICAddition:    "05",
	ChangeCancelRoutingChange:  "06",
	ChangeApprovalResent:       "07",
	ChangePendingCRDeleted:     "08",
	ChangeCancelApprovalResend: "09",
}

// changeKinds lists the kinds in code order.
var changeKinds = []string{ChangeCICAddition, ChangeRoutingChange, ChangeCICDeletion, ChangeRespOrgChange,
	ChangeCancelCICAddition, ChangeCancelRoutingChange, ChangeApprovalResent, ChangePendingCRDeleted, ChangeCancelApprovalResend}

// apprReasons is the record activity each change reports in apprReason.
var apprReasons = map[string]string{
	ChangeCICAddition:          "CIC ADDED",
	ChangeRoutingChange:        "ROUTING CHANGE",
	ChangeCICDeletion:          "CIC DELETED",
	ChangeRespOrgChange:        "RESP ORG CHANGE",
	ChangeCancelCICAddition:    "CIC ADDITION CANCELED",
	ChangeCancelRoutingChange:  "ROUTING CHANGE CANCELED",
	ChangeApprovalResent:       "APPROVAL RESENT",
	ChangePendingCRDeleted:     "PENDING CR DELETED",
	ChangeCancelApprovalResend: "APPROVAL RESEND CANCELED",
}

var (
	cicRE      = regexp.MustCompile(`^[0-9A-Z]{1,8}$`)
	tmplNameRE = regexp.MustCompile(`^\*[0-9A-Z-]{14}$`)
	tmZnRE     = regexp.MustCompile(`^[ABCEHMNPY]$`)
)

func normCIC(s string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if !cicRE.MatchString(u) {
		return "", fmt.Errorf("invalid CIC %q: want 1 to 8 letters or digits", s)
	}
	return u, nil
}

func checkCICList(field string, l []string) ([]string, error) {
	if len(l) > 20 {
		return nil, fmt.Errorf("%s: at most 20 CICs", field)
	}
	if l == nil {
		return nil, nil
	}
	out := make([]string, 0, len(l))
	for _, c := range l {
		n, err := normCIC(c)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", field, err)
		}
		if !contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

func remove(l []string, s string) []string {
	out := l[:0:0]
	for _, v := range l {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

func oneOf(v string, allowed []string) bool { return contains(allowed, v) }

// checkRecordData validates and normalises record fields.
func checkRecordData(d *RecordData) error {
	if d.TmplName != "" && !tmplNameRE.MatchString(d.TmplName) {
		return fmt.Errorf("tmplName %q: want 15 characters starting with '*' (letters, digits, '-')", d.TmplName)
	}
	if d.RespOrg != "" {
		ro, err := normRespOrg(d.RespOrg)
		if err != nil {
			return err
		}
		d.RespOrg = ro
	}
	d.CustRecStat = strings.ToUpper(d.CustRecStat)
	if d.CustRecStat != "" && !oneOf(d.CustRecStat, crStatuses) {
		return fmt.Errorf("custRecStat %q: want one of %s", d.CustRecStat, strings.Join(crStatuses, ", "))
	}
	d.ApprStat = strings.ToUpper(d.ApprStat)
	if d.ApprStat != "" && !oneOf(d.ApprStat, apprStatuses) {
		return fmt.Errorf("apprStat %q: want one of %s", d.ApprStat, strings.Join(apprStatuses, ", "))
	}
	if err := checkRouting(&d.Routing); err != nil {
		return err
	}
	if d.TmZn != "" && !tmZnRE.MatchString(d.TmZn) {
		return fmt.Errorf("tmZn %q: want one of A B C E H M N P Y", d.TmZn)
	}
	if d.DayLightSavings != "" && d.DayLightSavings != "Y" && d.DayLightSavings != "N" {
		return fmt.Errorf("dayLightSavings %q: want Y or N", d.DayLightSavings)
	}
	if d.EndInterceptDt != "" {
		if _, err := time.Parse("2006-01-02", d.EndInterceptDt); err != nil {
			return fmt.Errorf("endInterceptDt %q: want YYYY-MM-DD", d.EndInterceptDt)
		}
	}
	limits := []struct {
		name, v string
		max     int
	}{{"endSub", d.EndSub, 30}, {"endSubAddr", d.EndSubAddr, 75}, {"conName", d.ConName, 30}, {"notes", d.Notes, 151},
		{"svcOrderNum", d.SvcOrderNum, 13}, {"suppFormNum", d.SuppFormNum, 6}, {"agent", d.Agent, 5}, {"telco", d.Telco, 4}}
	for _, l := range limits {
		if len(l.v) > l.max {
			return fmt.Errorf("%s: at most %d characters", l.name, l.max)
		}
	}
	return nil
}

func checkRouting(r *Routing) error {
	var err error
	if r.InterLATACarrier, err = checkCICList("interLATACarrier", r.InterLATACarrier); err != nil {
		return err
	}
	if r.IntraLATACarrier, err = checkCICList("intraLATACarrier", r.IntraLATACarrier); err != nil {
		return err
	}
	for _, p := range []struct{ name, v string }{{"priInterLT", r.PriInterLT}, {"priIntraLT", r.PriIntraLT}} {
		if len(p.v) > 8 {
			return fmt.Errorf("%s: at most 8 characters (ACNA-CIC)", p.name)
		}
	}
	for i, d := range r.DestNums {
		if d.DestNum == "" {
			return fmt.Errorf("destNums[%d].destNum is required", i)
		}
	}
	return nil
}

// cics is every CIC on a routing, inter then intra, without duplicates.
func (r *Routing) cics() []string {
	var out []string
	for _, c := range append(append([]string{}, r.InterLATACarrier...), r.IntraLATACarrier...) {
		if !contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func (r Routing) clone() Routing {
	c := r
	c.InterLATACarrier = cloneSlice(r.InterLATACarrier)
	c.IntraLATACarrier = cloneSlice(r.IntraLATACarrier)
	c.AOSRecords = cloneSlice(r.AOSRecords)
	c.DestNums = cloneSlice(r.DestNums)
	if r.CPRSections != nil {
		c.CPRSections = make([]CPRSection, len(r.CPRSections))
		for i, s := range r.CPRSections {
			s.Nodes = cloneSlice(s.Nodes)
			c.CPRSections[i] = s
		}
	}
	return c
}

// cloneSlice copies a slice, keeping nil as nil (a routing change only
// replaces the parts it sets).
func cloneSlice[T any](l []T) []T {
	if l == nil {
		return nil
	}
	return append(make([]T, 0, len(l)), l...)
}

func (r *Record) clone() Record {
	c := *r
	c.Routing = r.Routing.clone()
	if r.Prev != nil {
		p := r.Prev.clone()
		c.Prev = &p
	}
	if r.LastApprRcvDt != nil {
		t := *r.LastApprRcvDt
		c.LastApprRcvDt = &t
	}
	c.Approvals = cloneSlice(r.Approvals)
	c.SCPResults = cloneSlice(r.SCPResults)
	if r.DownloadDue != nil {
		t := *r.DownloadDue
		c.DownloadDue = &t
	}
	if r.SendingSince != nil {
		t := *r.SendingSince
		c.SendingSince = &t
	}
	return c
}

// Subscription is a GNA registration: a carrier's callback base URL for one
// CIC (UNS-SNA), or a Resp Org's for UNS-RCH.
type Subscription struct {
	CIC                string `json:"cic,omitempty" yaml:"cic"`
	RespOrg            string `json:"respOrg,omitempty" yaml:"respOrg"`
	URL                string `json:"url" yaml:"url"`
	CAFile             string `json:"caFile,omitempty" yaml:"caFile"`
	InsecureSkipVerify bool   `json:"insecureSkipVerify,omitempty" yaml:"insecureSkipVerify"`
	NetworkID          string `json:"networkId,omitempty" yaml:"networkId"`
	Restricted         bool   `json:"restricted,omitempty" yaml:"restricted"`
	// Messages are the message types wanted ("sna", "app" for a CIC: the
	// GNA page; "rsv", "rch", "act", "scp", "asl" (GUN) and "cra" (GAN) for
	// a Resp Org); empty: all of them.
	Messages []string `json:"messages,omitempty" yaml:"messages"`
	// Changes are the UNS-SNA change codes ("01".."09") a CIC wants; empty:
	// all.
	Changes   []string  `json:"changes,omitempty" yaml:"changes"`
	CreatedAt time.Time `json:"createdAt" yaml:"-"`
}

// Approval is one involved carrier's answer to an approval request.
type Approval struct {
	CIC string `json:"cic"`
	// Status is PENDING, APPROVED or DENIED.
	Status      string     `json:"status"`
	Reason      string     `json:"reason,omitempty"`
	RequestedAt time.Time  `json:"requestedAt"`
	RespTime    *time.Time `json:"respTime,omitempty"`
}

// SCPResult is one SCP's answer to a record download.
type SCPResult struct {
	SCPID  string    `json:"scpId"`
	Result string    `json:"result"`
	DtTm   time.Time `json:"dtTm"`
}

// wants reports whether the subscription asks for message type typ.
func (s Subscription) wants(typ string) bool {
	return len(s.Messages) == 0 || contains(s.Messages, typ)
}

// wantsChange reports whether a CIC subscription asks for change code.
func (s Subscription) wantsChange(code string) bool {
	return len(s.Changes) == 0 || contains(s.Changes, code)
}

// checkMessages normalises and checks the subscription's message types
// and change codes against its page.
func (s *Subscription) checkMessages() error {
	allowed := pageTypes["GNA"]
	if s.CIC == "" {
		allowed = append(append([]string{}, pageTypes["GUN"]...), pageTypes["GAN"]...)
	}
	for i, m := range s.Messages {
		m = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(m)), "uns-")
		if !contains(allowed, m) {
			return fmt.Errorf("messages: %q is not sent to a %s subscription (want %s)", s.Messages[i], map[bool]string{true: "carrier (GNA)", false: "Resp Org (GUN/GAN)"}[s.CIC != ""], strings.Join(allowed, ", "))
		}
		s.Messages[i] = m
	}
	if len(s.Changes) > 0 && s.CIC == "" {
		return fmt.Errorf("changes: only a carrier (cic) subscription takes change codes")
	}
	for _, c := range s.Changes {
		ok := false
		for _, v := range ChangeCodes {
			ok = ok || v == c
		}
		if !ok {
			return fmt.Errorf("changes: %q is not a change code (01 to 09)", c)
		}
	}
	return nil
}

func (s Subscription) key() string {
	if s.CIC != "" {
		return "cic:" + s.CIC
	}
	return "ro:" + s.RespOrg
}

// owner is the CIC or the Resp Org the subscription is for.
func (s Subscription) owner() string {
	if s.CIC != "" {
		return s.CIC
	}
	return s.RespOrg
}

// ChangeRequest is one change to a number's customer record (control API
// body and scenario event).
type ChangeRequest struct {
	Change string `json:"change" yaml:"change"`
	// CIC is the carrier added, deleted or asked to approve.
	CIC string `json:"cic,omitempty" yaml:"cic"`
	// RespOrg is the new controlling Resp Org (resp-org-change) or the
	// Resp Org of a record the change creates.
	RespOrg string `json:"respOrg,omitempty" yaml:"respOrg"`
	// LATA says which carrier list a CIC addition/deletion touches:
	// inter, intra or both (default).
	LATA string `json:"lata,omitempty" yaml:"lata"`
	// EffDtTm is the new effective date/time (RFC 3339 or
	// YYYY-MM-DDTHH:MMZ); default: the clock's current minute.
	EffDtTm string `json:"effDtTm,omitempty" yaml:"effDtTm"`
	// ApprReq sets whether carrier approval is required.
	ApprReq *bool `json:"apprReq,omitempty" yaml:"apprReq"`
	// Routing replaces the routing parts it sets (routing-change).
	Routing *Routing `json:"routing,omitempty" yaml:"routing"`
	// Disconnect marks a cic-deletion from a Disconnect CR: the record and
	// the number become DISCONNECT.
	Disconnect     bool   `json:"disconnect,omitempty" yaml:"disconnect"`
	Referral       string `json:"referral,omitempty" yaml:"referral"`
	EndInterceptDt string `json:"endInterceptDt,omitempty" yaml:"endInterceptDt"`
	Notes          string `json:"notes,omitempty" yaml:"notes"`
	SvcOrderNum    string `json:"svcOrderNum,omitempty" yaml:"svcOrderNum"`
}
