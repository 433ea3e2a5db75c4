package tnregistry

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/telecomsim/simulator/internal/timeline"
	"github.com/telecomsim/simulator/internal/webhook"
)

// Message types the registry sends, with the path each is posted to under
// {callback base}/v3/ext/uns/.
const (
	TypeSNA = "uns-sna"
	TypeRCH = "uns-rch"
	TypeRSV = "uns-rsv"
	TypeACT = "uns-act"
	TypeAPP = "uns-app"
	TypeCRA = "uns-cra"
	TypeSCP = "uns-scp"
	TypeASL = "uns-asl"
)

// pageTypes are the message types each registry setup page configures:
// GNA (per carrier CIC), GUN and GAN (per Resp Org).
var pageTypes = map[string][]string{
	"GNA": {"sna", "app"},
	"GUN": {"rsv", "rch", "act", "scp", "asl"},
	"GAN": {"cra"},
}

// rchMessage is the UNS-RCH body as published: respOrgId (lower-case r) is
// the recipient; there is no effDtTm.
type rchMessage struct {
	TfNum        string `json:"tfNum"`
	RespOrgID    string `json:"respOrgId"`
	OldRespOrgID string `json:"oldRespOrgId"`
	NewRespOrgID string `json:"newRespOrgId"`
	Status       string `json:"status"`
}

// rsvMessage is the UNS-RSV body.
type rsvMessage struct {
	TfNumList []rsvNumber `json:"tfNumList"`
	RespOrgID string      `json:"RespOrgId"`
}

type rsvNumber struct {
	TfnNumber string `json:"tfn_number"`
}

// actMessage is the UNS-ACT body. cicCode is the denying carrier on an
// apprInf 02 message and empty on 01.
type actMessage struct {
	TfNum     string `json:"tfNum"`
	TmplName  string `json:"tmplName"`
	EffDtTm   string `json:"effDtTm"`
	RespOrgID string `json:"RespOrgId"`
	ApprInf   string `json:"apprInf"`
	CICCode   string `json:"cicCode"`
	RespTime  string `json:"respTime"`
	Reason    string `json:"reason"`
}

// appMessage is the UNS-APP body, one per affected carrier.
type appMessage struct {
	TfNum     string `json:"tfNum"`
	TmplName  string `json:"tmplName"`
	EffDtTm   string `json:"effDtTm"`
	RespOrgID string `json:"RespOrgId"`
	CICCode   string `json:"cicCode"`
	Reason    string `json:"reason"`
}

// craMessage is the UNS-CRA body.
type craMessage struct {
	TfNum         string      `json:"tfNum"`
	TmplName      string      `json:"tmplName"`
	EffDtTm       string      `json:"effDtTm"`
	RespOrgID     string      `json:"RespOrgId"`
	MsgID         string      `json:"msgId"`
	OrigRespOrgID string      `json:"origRespOrgId"`
	CustRecStat   string      `json:"custRecStat"`
	CustRecSize   string      `json:"custRecSize"`
	ApprStat      string      `json:"apprStat"`
	SCPResult     []craResult `json:"scpResult"`
}

type craResult struct {
	SCPID  string `json:"scpId"`
	Result string `json:"result"`
	DtTm   string `json:"dtTm"`
}

// scpMessage is the UNS-SCP body.
type scpMessage struct {
	TfNum                string         `json:"tfNum"`
	TmplName             string         `json:"tmplName"`
	EffDtTm              string         `json:"effDtTm"`
	RespOrgID            string         `json:"RespOrgId"`
	SCPResult            []scpResult    `json:"scpResult"`
	CRResendAuditResults []resendResult `json:"crResendAuditResults"`
}

type scpResult struct {
	SCPID      string `json:"scpId"`
	ResultCode string `json:"resultCode"`
}

type resendResult struct {
	CallbackDestList []callbackDest `json:"callbackDestList"`
}

type callbackDest struct {
	DomainName string `json:"domainName"`
	Port       string `json:"port"`
}

// AutomationLimits are a Resp Org's automation limits (UNS-ASL), numeric
// up to 8 digits.
type AutomationLimits struct {
	MNQ int `json:"mnqLimit" yaml:"mnqLimit"`
	MSP int `json:"mspLimit" yaml:"mspLimit"`
	MND int `json:"mndLimit" yaml:"mndLimit"`
	MRO int `json:"mroLimit" yaml:"mroLimit"`
	MCP int `json:"mcpLimit" yaml:"mcpLimit"`
}

type aslMessage struct {
	RespOrgID string `json:"RespOrgId"`
	AutomationLimits
}

func (l AutomationLimits) check() error {
	for _, v := range []int{l.MNQ, l.MSP, l.MND, l.MRO, l.MCP} {
		if v < 0 || v > 99999999 {
			return fmt.Errorf("automation limits are numbers from 0 to 99999999")
		}
	}
	return nil
}

// respOrgSubLocked is the subscription of a Resp Org that wants typ.
func (s *State) respOrgSubLocked(ro, typ string) (Subscription, bool) {
	sub, ok := s.subs[Subscription{RespOrg: ro}.key()]
	if !ok || !sub.wants(typ) {
		return Subscription{}, false
	}
	return sub, true
}

// cicSubLocked is the subscription of a carrier CIC that wants typ.
func (s *State) cicSubLocked(cic, typ string) (Subscription, bool) {
	sub, ok := s.subs[Subscription{CIC: cic}.key()]
	if !ok || !sub.wants(typ) {
		return Subscription{}, false
	}
	return sub, true
}

// sendLocked queues one message to a subscription's {base}/v3/ext/uns/{typ}
// and puts it on the tenant's timeline.
func (s *State) sendLocked(sub Subscription, typ, key string, body any, labels map[string]string) DeliveryRef {
	b, _ := json.Marshal(body)
	u := strings.TrimRight(sub.URL, "/") + "/v3/ext/uns/" + typ
	// The message is noted before its first attempt can start.
	var seq uint64
	if s.story != nil {
		seq = s.story.Mark()
	}
	d := s.queue.Enqueue(webhook.Message{
		Key:    key,
		Target: webhook.Target{URL: u, CAFile: sub.CAFile, InsecureSkipVerify: sub.InsecureSkipVerify},
		Body:   b, Labels: labels,
	})
	if s.story != nil {
		var nums []string
		about := ""
		if key != "" {
			nums, about = []string{timeline.Normalize(key)}, " for "+key
		}
		s.story.Add(timeline.Item{Seq: seq, Time: s.clock.Now(), Kind: timeline.KindLifecycle, Provider: Name, Numbers: nums,
			Summary: fmt.Sprintf("%s%s to %s queued (%s)", strings.ToUpper(labels["type"]), about, sub.owner(), d.ID),
			Detail:  map[string]string{"id": d.ID, "type": labels["type"], "recipient": sub.owner(), "url": u, "body": string(b)}})
	}
	return DeliveryRef{ID: d.ID, Type: labels["type"], CIC: sub.CIC, RespOrg: sub.RespOrg, URL: u}
}

// markAttempt takes the timeline position of an attempt as it starts.
func (s *State) markAttempt() any {
	if s.story == nil {
		return uint64(0)
	}
	return s.story.Mark()
}

// noteAttempt puts a delivery attempt's outcome on the timeline, where the
// attempt started.
func (s *State) noteAttempt(d webhook.Delivery, a webhook.Attempt, mark any) {
	if s.story == nil {
		return
	}
	seq, _ := mark.(uint64)
	outcome := "delivered"
	switch {
	case a.Error != "":
		outcome = "failed: " + a.Error
	case !a.OK:
		outcome = fmt.Sprintf("failed: HTTP %d", a.Status)
	}
	var nums []string
	about := ""
	if t := d.Labels["tfn"]; t != "" {
		nums, about = []string{timeline.Normalize(t)}, " for "+t
	}
	s.story.Add(timeline.Item{Seq: seq, Time: a.Time, Kind: timeline.KindCallback, Provider: Name, Numbers: nums,
		Summary: fmt.Sprintf("%s%s %s attempt %d %s", strings.ToUpper(d.Labels["type"]), about, d.ID, a.N, outcome),
		Detail:  map[string]string{"id": d.ID, "type": d.Labels["type"], "url": a.URL, "status": fmt.Sprint(a.Status), "attempt": fmt.Sprint(a.N)}})
}
