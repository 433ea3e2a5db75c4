package tnregistry

import (
	"regexp"
	"strconv"
	"time"
)

// snaMessage is the UNS-SNA body, fields in the document's order. Every
// field of the document's JSON format is always present.
type snaMessage struct {
	TfNum            string       `json:"tfNum"`
	TmplName         string       `json:"tmplName"`
	EffDtTm          string       `json:"effDtTm"`
	RespOrgID        string       `json:"RespOrgId"`
	OldRespOrgID     string       `json:"oldRespOrgId"`
	CustRecStat      string       `json:"custRecStat"`
	ApprStat         string       `json:"apprStat"`
	LastApprRcvDt    string       `json:"lastApprRcvDt"`
	ApprReason       string       `json:"apprReason"`
	PtrRecCount      string       `json:"ptrRecCount"`
	InterLATACarrier any          `json:"interLATACarrier"`
	IntraLATACarrier any          `json:"intraLATACarrier"`
	Referral         string       `json:"referral"`
	EndInterceptDt   string       `json:"endInterceptDt"`
	AOSRecords       []AOSRecord  `json:"aosRecords"`
	DestNums         []DestNum    `json:"destNums"`
	CPRSectName      []CPRSection `json:"cprSectName"`
	CICCode          string       `json:"cicCode"`
	NetWrkID         string       `json:"netWrkId"`
	Carrier          string       `json:"carrier"`
	PriInterLT       string       `json:"priInterLT"`
	PriIntraLT       string       `json:"priIntraLT"`
	HldIndFlag       string       `json:"hldIndFlag"`
	SvcOrderNum      string       `json:"svcOrderNum"`
	SuppFormNum      string       `json:"suppFormNum"`
	ConName          string       `json:"conName"`
	ConTel           string       `json:"conTel"`
	Notes            string       `json:"notes"`
	Agent            string       `json:"agent"`
	Telco            string       `json:"telco"`
	OnAccCust        string       `json:"onAccCust"`
	EndSub           string       `json:"endSub"`
	EndSubAddr       string       `json:"endSubAddr"`
	ApprReq          string       `json:"apprReq"`
	TmZn             string       `json:"tmZn"`
	DayLightSavings  string       `json:"dayLightSavings"`
	// ChgParam is the Table 7 change parameter code; the document's JSON
	// sample names no key for it.
	ChgParam string `json:"chgParam"`
}

// fmtDtTm is the registry's date-time format, YYYY-MM-DDTHH:MMZ.
func fmtDtTm(t time.Time) string { return t.UTC().Format("2006-01-02T15:04Z") }

func yn(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

var tenDigits = regexp.MustCompile(`^\+?1?[2-9][0-9]{9}$`)

// snaInput is what one message is built from.
type snaInput struct {
	rec        Record
	routing    Routing
	ptrCount   int
	hasTmpl    bool
	kind       string
	oldRespOrg string
	sub        Subscription
	lists      string // "array" or "string"
}

func buildSNA(in snaInput) snaMessage {
	r, rt, sub := in.rec, in.routing, in.sub
	inter, intra := rt.InterLATACarrier, rt.IntraLATACarrier
	others := map[string]bool{}
	if sub.Restricted {
		for _, c := range rt.cics() {
			if c != sub.CIC {
				others[c] = true
			}
		}
		inter, intra = onlyCIC(inter, sub.CIC), onlyCIC(intra, sub.CIC)
	}
	m := snaMessage{
		TfNum: dashedTFN(r.TFN), TmplName: r.TmplName, EffDtTm: fmtDtTm(r.EffDtTm),
		RespOrgID: r.RespOrg, OldRespOrgID: in.oldRespOrg, CustRecStat: r.CustRecStat, ApprStat: r.ApprStat,
		ApprReason: r.ApprReason, Referral: r.Referral, EndInterceptDt: r.EndInterceptDt,
		AOSRecords: []AOSRecord{}, DestNums: []DestNum{}, CPRSectName: []CPRSection{},
		CICCode: sub.CIC, NetWrkID: sub.NetworkID, Carrier: sub.CIC,
		HldIndFlag: yn(r.HldIndFlag, "Y", "N"), SvcOrderNum: r.SvcOrderNum, SuppFormNum: r.SuppFormNum,
		ConName: r.ConName, ConTel: r.ConTel, Notes: r.Notes, Agent: r.Agent, Telco: r.Telco,
		OnAccCust: r.OnAccCust, EndSub: r.EndSub, EndSubAddr: r.EndSubAddr, ApprReq: yn(r.ApprReq && r.ApprStat == ApprPending, "Yes", "No"),
		TmZn: r.TmZn, DayLightSavings: r.DayLightSavings, ChgParam: ChangeCodes[in.kind],
	}
	if r.LastApprRcvDt != nil {
		m.LastApprRcvDt = fmtDtTm(*r.LastApprRcvDt)
	}
	if in.hasTmpl {
		m.PtrRecCount = strconv.Itoa(in.ptrCount)
	}
	if in.lists == "string" {
		m.InterLATACarrier, m.IntraLATACarrier = joinComma(inter), joinComma(intra)
	} else {
		m.InterLATACarrier, m.IntraLATACarrier = nonNil(inter), nonNil(intra)
	}
	// The carrier view portion goes only with a CIC addition or a routing
	// change.
	if in.kind == ChangeCICAddition || in.kind == ChangeRoutingChange {
		m.AOSRecords = append(m.AOSRecords, rt.AOSRecords...)
		m.PriInterLT, m.PriIntraLT = rt.PriInterLT, rt.PriIntraLT
		if !sub.Restricted {
			m.DestNums = append(m.DestNums, rt.DestNums...)
		} else {
			m.PriInterLT, m.PriIntraLT = maskPri(m.PriInterLT, sub.CIC), maskPri(m.PriIntraLT, sub.CIC)
		}
		for _, s := range rt.CPRSections {
			c := CPRSection{Name: s.Name, NodeSeq: s.NodeSeq, Nodes: []CPRNode{}}
			for _, n := range s.Nodes {
				if sub.Restricted && (others[n.Values] || tenDigits.MatchString(n.Values)) {
					n.Values = ""
				}
				c.Nodes = append(c.Nodes, n)
			}
			m.CPRSectName = append(m.CPRSectName, c)
		}
	}
	return m
}

func onlyCIC(l []string, cic string) []string {
	if contains(l, cic) {
		return []string{cic}
	}
	return []string{}
}

func maskPri(v, cic string) string {
	if v == "" || len(v) >= len(cic) && v[len(v)-len(cic):] == cic {
		return v
	}
	return ""
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func joinComma(l []string) string {
	s := ""
	for i, v := range l {
		if i > 0 {
			s += ","
		}
		s += v
	}
	return s
}
