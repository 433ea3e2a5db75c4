package tnregistry

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/webhook"
)

// keys is the sorted key set of a message body.
func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(l ...string) []string {
	sort.Strings(l)
	return l
}

func TestChangeCodePreconditions(t *testing.T) {
	yes := true
	cases := []struct {
		name  string
		setup []ChangeRequest
		req   ChangeRequest
		want  string
	}{
		{name: "05 without a 01", req: ChangeRequest{Change: "cancel-cic-addition", CIC: "0288"}, want: "needs a pending CIC addition (01) of 0288"},
		{name: "05 after a 02", setup: []ChangeRequest{{Change: "routing-change", Routing: &Routing{InterLATACarrier: []string{"0288", "0555", "0222"}}}},
			req: ChangeRequest{Change: "cancel-cic-addition", CIC: "0222"}, want: "needs a pending CIC addition (01)"},
		{name: "05 of another CIC than the 01's", setup: []ChangeRequest{{Change: "cic-addition", CIC: "0222", ApprReq: &yes}},
			req: ChangeRequest{Change: "cancel-cic-addition", CIC: "0288"}, want: "needs a pending CIC addition (01) of 0288"},
		{name: "08 without a pending version", req: ChangeRequest{Change: "pending-cr-deleted"}, want: "pending-cr-deleted (08) needs a pending version"},
		{name: "08 after an active 02", setup: []ChangeRequest{{Change: "routing-change", Routing: &Routing{PriInterLT: "ATX-0555"}}},
			req: ChangeRequest{Change: "pending-cr-deleted"}, want: "needs a pending version"},
		{name: "09 without a 07", req: ChangeRequest{Change: "cancel-approval-resend"}, want: "cancel-approval-resend (09) needs an approval resend (07)"},
		{name: "09 after a 01 awaiting approval", setup: []ChangeRequest{{Change: "cic-addition", CIC: "0222", ApprReq: &yes}},
			req: ChangeRequest{Change: "cancel-approval-resend"}, want: "needs an approval resend (07)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			for _, s := range c.setup {
				f.change(t, s)
			}
			before, err := f.s.Record("8339900238")
			require.NoError(t, err)
			sent := len(f.s.Queue().List(webhook.Filter{}))
			_, err = f.s.ApplyChange("8339900238", c.req)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, http.StatusConflict, e.Status)
			assert.Contains(t, e.Msg, c.want)
			f.s.Wait()
			assert.Len(t, f.s.Queue().List(webhook.Filter{}), sent, "nothing is sent")
			after, err := f.s.Record("8339900238")
			require.NoError(t, err)
			assert.Equal(t, before, after, "the record is unchanged")
		})
	}
}

func TestApprReqFollowsTheCurrentVersion(t *testing.T) {
	yes := true
	f := newFixture(t)
	f.change(t, ChangeRequest{Change: "cic-addition", CIC: "0222", ApprReq: &yes})
	require.Len(t, f.a.all(), 1)
	assert.Equal(t, "Yes", f.a.all()[0].Body["apprReq"])

	rec, err := f.s.Answer("8339900238", ApprovalAnswer{CIC: "0222", Decision: "approve"})
	require.NoError(t, err)
	assert.Equal(t, ApprApproved, rec.ApprStat)
	assert.False(t, rec.ApprReq, "no approval is outstanding once all arrived")
	require.NotNil(t, rec.LastApprRcvDt)

	f.change(t, ChangeRequest{Change: "cic-deletion", CIC: "0555"})
	last := f.c.all()[len(f.c.all())-1]
	assert.Equal(t, "No", last.Body["apprReq"], "a later version needing no approval says No")

	f.change(t, ChangeRequest{Change: "approval-resent", CIC: "0222"})
	last = f.a.all()[len(f.a.all())-1]
	assert.Equal(t, "07", last.Body["chgParam"])
	assert.Equal(t, "Yes", last.Body["apprReq"])
	assert.Equal(t, ApprPending, last.Body["apprStat"])

	f.change(t, ChangeRequest{Change: "cancel-approval-resend", CIC: "0222"})
	last = f.a.all()[len(f.a.all())-1]
	assert.Equal(t, "09", last.Body["chgParam"])
	assert.Equal(t, "No", last.Body["apprReq"])
}

const lifecycleYAML = `tnregistry:
  numbers:
    list:
      - {tfn: "8339900238", status: WORKING, respOrg: BRSMS}
  records:
    - tfn: "8339900238"
      respOrg: BRSMS
      effDtTm: "2025-11-03T14:00:00Z"
      interLATACarrier: ["0288", "0555"]
      intraLATACarrier: ["0288"]
  approvals:
    "0222": {decision: approve, after: 10m}
    "0288": {decision: deny, after: 20m, reason: "rate dispute"}
  scps:
    - {id: SCP1, after: 2m}
    - {id: SCP2, after: 5m, result: %s}
`

// lifecycleFixture has receivers for carriers 0222, 0288 and 0555 and for
// Resp Org BRSMS.
func lifecycleFixture(t *testing.T, scp2 string) *fixture {
	w, s := newWorld(t, parseScenario(t, strings.Replace(lifecycleYAML, "%s", scp2, 1)))
	f := &fixture{s: s, w: w, a: newSink(t, false), b: newSink(t, false), c: newSink(t, false), ro: newSink(t, false)}
	for _, sub := range []Subscription{
		{CIC: "0222", URL: f.a.srv.URL}, {CIC: "0288", URL: f.b.srv.URL}, {CIC: "0555", URL: f.c.srv.URL},
		{RespOrg: "BRSMS", URL: f.ro.srv.URL},
	} {
		_, _, err := s.Subscribe(sub)
		require.NoError(t, err)
	}
	f.clockAdvance = func(d time.Duration) {
		_, err := w.Clock.Advance(d)
		require.NoError(t, err)
		s.Wait()
	}
	return f
}

func byPath(gs []got, path string) []got {
	var out []got
	for _, g := range gs {
		if g.Path == path {
			out = append(out, g)
		}
	}
	return out
}

func TestApprovalsThenDownloadWithCRA(t *testing.T) {
	cases := []struct {
		scp2, stat string
		results    []string
		wait       time.Duration // after SCP2's delay until UNS-CRA
	}{
		{scp2: "success", stat: CRActive, results: []string{"SUCCESS", "SUCCESS"}},
		{scp2: "failure", stat: CRFailed, results: []string{"SUCCESS", "FAILURE"}},
		{scp2: "none", stat: CRSending, results: []string{"SUCCESS", "NO RESPONSE"}, wait: 10 * time.Minute},
	}
	for _, c := range cases {
		t.Run(c.scp2, func(t *testing.T) {
			yes := true
			f := lifecycleFixture(t, c.scp2)
			f.change(t, ChangeRequest{Change: "cic-addition", CIC: "0222", ApprReq: &yes, EffDtTm: "2026-01-05T10:00Z"})
			rec, _ := f.s.Record("8339900238")
			require.Len(t, rec.Approvals, 1)
			assert.Equal(t, CRPending, rec.CustRecStat)

			f.clockAdvance(10 * time.Minute)
			acts := byPath(f.ro.all(), "/v3/ext/uns/act")
			require.Len(t, acts, 1)
			checkSchema(t, "UnsAct", acts[0].Raw)
			assert.Equal(t, sorted("tfNum", "tmplName", "effDtTm", "RespOrgId", "apprInf", "cicCode", "respTime", "reason"), keys(acts[0].Body))
			assert.Equal(t, "01", acts[0].Body["apprInf"])
			assert.Equal(t, "2026-01-05T09:10Z", acts[0].Body["respTime"])
			assert.Equal(t, "BRSMS", acts[0].Body["RespOrgId"])
			rec, _ = f.s.Record("8339900238")
			assert.Equal(t, ApprApproved, rec.ApprStat)
			assert.Equal(t, CRPending, rec.CustRecStat, "not downloaded before the effective time")
			assert.Empty(t, byPath(f.ro.all(), "/v3/ext/uns/cra"))

			f.clockAdvance(50 * time.Minute)
			rec, _ = f.s.Record("8339900238")
			assert.Equal(t, CRSending, rec.CustRecStat, "sent to the SCPs at the effective time")
			f.clockAdvance(2 * time.Minute)
			assert.Empty(t, byPath(f.ro.all(), "/v3/ext/uns/cra"), "UNS-CRA waits for every SCP")
			f.clockAdvance(3 * time.Minute)
			if c.wait > 0 {
				assert.Empty(t, byPath(f.ro.all(), "/v3/ext/uns/cra"), "a silent SCP is waited for up to 15 minutes")
				f.clockAdvance(c.wait)
			}
			cras := byPath(f.ro.all(), "/v3/ext/uns/cra")
			require.Len(t, cras, 1)
			checkSchema(t, "UnsCra", cras[0].Raw)
			assert.Equal(t, sorted("tfNum", "tmplName", "effDtTm", "RespOrgId", "msgId", "origRespOrgId", "custRecStat", "custRecSize", "apprStat", "scpResult"), keys(cras[0].Body))
			assert.Equal(t, c.stat, cras[0].Body["custRecStat"])
			assert.Equal(t, "2026-01-05T10:00Z", cras[0].Body["effDtTm"])
			res := cras[0].Body["scpResult"].([]any)
			require.Len(t, res, 2)
			for i, r := range res {
				m := r.(map[string]any)
				assert.Equal(t, sorted("scpId", "result", "dtTm"), keys(m))
				assert.Equal(t, c.results[i], m["result"])
			}
			assert.Equal(t, "2026-01-05T10:02Z", res[0].(map[string]any)["dtTm"])
			assert.Equal(t, fmtDtTm(time.Date(2026, 1, 5, 10, 5, 0, 0, time.UTC).Add(c.wait)), res[1].(map[string]any)["dtTm"])
			rec, _ = f.s.Record("8339900238")
			assert.Equal(t, c.stat, rec.CustRecStat)
			assert.Empty(t, byPath(f.a.all(), "/v3/ext/uns/app"), "no UNS-APP when every carrier approved")
		})
	}
}

func TestDenialSendsACTThenAPPAtTheEffectiveTime(t *testing.T) {
	yes := true
	f := lifecycleFixture(t, "success")
	f.change(t, ChangeRequest{Change: "routing-change", ApprReq: &yes, EffDtTm: "2026-01-05T10:00Z",
		Routing: &Routing{InterLATACarrier: []string{"0288", "0555", "0222"}}})
	rec, _ := f.s.Record("8339900238")
	require.Len(t, rec.Approvals, 3, "one approval request per involved carrier")

	f.clockAdvance(20 * time.Minute)
	acts := byPath(f.ro.all(), "/v3/ext/uns/act")
	require.Len(t, acts, 1, "0222's approval alone completes nothing; 0288's denial is reported")
	checkSchema(t, "UnsAct", acts[0].Raw)
	assert.Equal(t, "02", acts[0].Body["apprInf"])
	assert.Equal(t, "0288", acts[0].Body["cicCode"])
	assert.Equal(t, "rate dispute", acts[0].Body["reason"])
	assert.Equal(t, "2026-01-05T09:20Z", acts[0].Body["respTime"])
	rec, _ = f.s.Record("8339900238")
	assert.Equal(t, ApprDenied, rec.ApprStat)
	require.NotNil(t, rec.LastApprRcvDt)
	assert.Equal(t, "2026-01-05T09:20Z", fmtDtTm(*rec.LastApprRcvDt))

	f.clockAdvance(40 * time.Minute)
	for _, s := range []*sink{f.a, f.b, f.c} {
		apps := byPath(s.all(), "/v3/ext/uns/app")
		require.Len(t, apps, 1, "every affected carrier hears UNS-APP")
		checkSchema(t, "UnsApp", apps[0].Raw)
		assert.Equal(t, sorted("tfNum", "tmplName", "effDtTm", "RespOrgId", "cicCode", "reason"), keys(apps[0].Body))
		assert.Equal(t, "denied by 0288: rate dispute; no answer from 0555", apps[0].Body["reason"])
	}
	assert.Equal(t, "0222", byPath(f.a.all(), "/v3/ext/uns/app")[0].Body["cicCode"])
	rec, _ = f.s.Record("8339900238")
	assert.Equal(t, CRPending, rec.CustRecStat, "not downloaded")
	assert.Empty(t, byPath(f.ro.all(), "/v3/ext/uns/cra"))
}

func TestApprovalControlRoute(t *testing.T) {
	yes := true
	f := lifecycleFixture(t, "success")
	srv := controlServer(t, f.w)
	u := srv.URL + "/__sim/tnregistry/records/833-990-0238/approvals"
	var e map[string]string
	assert.Equal(t, http.StatusConflict, doJSON(t, "POST", u, map[string]string{"cic": "0555", "decision": "approve"}, &e), "no request open yet")
	assert.Contains(t, e["error"], "no approval request is open for CIC 0555")
	f.change(t, ChangeRequest{Change: "cic-addition", CIC: "0555", LATA: "intra", ApprReq: &yes, EffDtTm: "2026-01-05T09:30Z"})
	assert.Equal(t, http.StatusBadRequest, doJSON(t, "POST", u, map[string]string{"cic": "0555", "decision": "maybe"}, &e))
	assert.Contains(t, e["error"], "decision")
	var rec Record
	require.Equal(t, http.StatusOK, doJSON(t, "POST", u, map[string]string{"cic": "0555", "decision": "approve"}, &rec))
	assert.Equal(t, ApprApproved, rec.ApprStat)
	assert.Equal(t, http.StatusConflict, doJSON(t, "POST", u, map[string]string{"cic": "0555", "decision": "deny"}, &e), "answered already")
	f.s.Wait()
	acts := byPath(f.ro.all(), "/v3/ext/uns/act")
	require.Len(t, acts, 1)
	assert.Equal(t, "01", acts[0].Body["apprInf"])
	assert.Equal(t, "", acts[0].Body["cicCode"])
}

func TestLeverMessagesEndToEnd(t *testing.T) {
	f := lifecycleFixture(t, "success")
	_, _, err := f.s.PutNumber(NumberInput{TFN: "8339900250", Status: strPtr(StatusSpare)})
	require.NoError(t, err)
	_, _, err = f.s.PutNumber(NumberInput{TFN: "8339900251", Status: strPtr(StatusSpare)})
	require.NoError(t, err)
	srv := controlServer(t, f.w)
	base := srv.URL + "/__sim/tnregistry"
	var out map[string]any
	var e map[string]string

	require.Equal(t, http.StatusOK, doJSON(t, "POST", base+"/reservations", map[string]any{"respOrg": "brsms", "tfns": []string{"8339900250", "833-990-0251"}}, &out))
	assert.Equal(t, http.StatusConflict, doJSON(t, "POST", base+"/reservations", map[string]any{"respOrg": "BRSMS", "tfns": []string{"8339900250"}}, &e), "already reserved")
	require.Equal(t, http.StatusOK, doJSON(t, "POST", base+"/automation-limits", map[string]any{"respOrg": "BRSMS", "mnqLimit": 10, "mspLimit": 20, "mndLimit": 30, "mroLimit": 40, "mcpLimit": 50}, &out))
	require.Equal(t, http.StatusOK, doJSON(t, "POST", base+"/automation-limits", map[string]any{"respOrg": "BRSMS", "mnqLimit": 10, "mspLimit": 20, "mndLimit": 30, "mroLimit": 40, "mcpLimit": 50}, &out))
	assert.Nil(t, out["delivery"], "unchanged limits send nothing")
	require.Equal(t, http.StatusAccepted, doJSON(t, "POST", base+"/records/8339900238/scp-resend", map[string]any{}, &out))
	require.Equal(t, http.StatusOK, doJSON(t, "POST", base+"/records/8339900238/changes", map[string]any{"change": "resp-org-change", "respOrg": "ZATST"}, &out))
	f.clockAdvance(5 * time.Minute)

	cases := []struct {
		path, schema string
		keys         []string
		n            int
		check        func(t *testing.T, g []got)
	}{
		{path: "/v3/ext/uns/rsv", schema: "UnsRsv", keys: sorted("tfNumList", "RespOrgId"), n: 1, check: func(t *testing.T, g []got) {
			assert.Equal(t, []any{map[string]any{"tfn_number": "833-990-0250"}, map[string]any{"tfn_number": "833-990-0251"}}, g[0].Body["tfNumList"])
		}},
		{path: "/v3/ext/uns/asl", schema: "UnsAsl", keys: sorted("RespOrgId", "mnqLimit", "mspLimit", "mndLimit", "mroLimit", "mcpLimit"), n: 1, check: func(t *testing.T, g []got) {
			assert.Equal(t, 50.0, g[0].Body["mcpLimit"])
		}},
		{path: "/v3/ext/uns/scp", schema: "UnsScp", keys: sorted("tfNum", "tmplName", "effDtTm", "RespOrgId", "scpResult", "crResendAuditResults"), n: 2, check: func(t *testing.T, g []got) {
			assert.Equal(t, []any{map[string]any{"scpId": "SCP1", "resultCode": "SUCCESS"}}, g[0].Body["scpResult"], "SCPs answer in groups")
			assert.Equal(t, []any{map[string]any{"scpId": "SCP2", "resultCode": "SUCCESS"}}, g[1].Body["scpResult"])
			dest := g[0].Body["crResendAuditResults"].([]any)[0].(map[string]any)["callbackDestList"].([]any)[0].(map[string]any)
			assert.Equal(t, "127.0.0.1", dest["domainName"])
		}},
		{path: "/v3/ext/uns/rch", schema: "UnsRch", keys: sorted("tfNum", "respOrgId", "oldRespOrgId", "newRespOrgId", "status"), n: 1, check: func(t *testing.T, g []got) {
			assert.Equal(t, "BRSMS", g[0].Body["respOrgId"], "the old Resp Org (ZATST has no subscription here)")
			assert.Equal(t, "ZATST", g[0].Body["newRespOrgId"])
		}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			g := byPath(f.ro.all(), c.path)
			require.Len(t, g, c.n)
			for _, m := range g {
				checkSchema(t, c.schema, m.Raw)
				assert.Equal(t, c.keys, keys(m.Body))
			}
			c.check(t, g)
		})
	}
	n, _ := f.s.Number("8339900250")
	assert.Equal(t, StatusReserved, n.Status)
	assert.Equal(t, "BRSMS", n.RespOrg)
}

func strPtr(s string) *string { return &s }

func TestSubscriptionsPerMessageType(t *testing.T) {
	yes := true
	f := lifecycleFixture(t, "success")
	only := newSink(t, false)
	_, _, err := f.s.Subscribe(Subscription{CIC: "0288", URL: only.srv.URL, Messages: []string{"UNS-SNA"}, Changes: []string{"02"}})
	require.NoError(t, err)
	ro := newSink(t, false)
	_, _, err = f.s.Subscribe(Subscription{RespOrg: "BRSMS", URL: ro.srv.URL, Messages: []string{"cra"}})
	require.NoError(t, err)
	_, _, err = f.s.Subscribe(Subscription{RespOrg: "BRSMS", URL: ro.srv.URL, Messages: []string{"sna"}})
	assert.ErrorContains(t, err, "not sent to a Resp Org")
	_, _, err = f.s.Subscribe(Subscription{CIC: "0288", URL: ro.srv.URL, Changes: []string{"10"}})
	assert.ErrorContains(t, err, "not a change code")

	f.change(t, ChangeRequest{Change: "cic-deletion", CIC: "0555"})
	f.change(t, ChangeRequest{Change: "routing-change", ApprReq: &yes, Routing: &Routing{PriInterLT: "ATX-0288"}})
	f.clockAdvance(20 * time.Minute)
	var paths []string
	for _, g := range only.all() {
		paths = append(paths, g.Path+" "+g.Body["chgParam"].(string))
	}
	assert.Equal(t, []string{"/v3/ext/uns/sna 02"}, paths, "only the 02, and no UNS-APP")
	for _, g := range ro.all() {
		assert.Equal(t, "/v3/ext/uns/cra", g.Path, "a GAN-only subscription gets no UNS-ACT")
	}
}

func TestInboxRecordsDeliveryTimeAndOrder(t *testing.T) {
	sc := parseScenario(t, `tnregistry:
  numbers:
    list:
      - {tfn: "8339900238", status: WORKING, respOrg: BRSMS}
      - {tfn: "8339900242", status: SPARE}
      - {tfn: "8339900243", status: SPARE}
  records:
    - {tfn: "8339900238", respOrg: BRSMS, interLATACarrier: ["0288"]}
  subscriptions:
    - {respOrg: BRSMS, url: "inbox://demo"}
    - {respOrg: ZATST, url: "inbox://demo"}
  events:
    - {at: "+5m", tfn: "8339900238", change: resp-org-change, respOrg: ZATST}
`)
	w, s := newWorld(t, sc)
	_, _, err := s.PutNumber(NumberInput{TFN: "8339900243", Status: strPtr(StatusReserved), RespOrg: strPtr("ZATST")})
	require.NoError(t, err)
	_, err = w.Clock.Advance(time.Minute)
	require.NoError(t, err)
	_, _, err = s.Reserve(ReserveRequest{RespOrg: "BRSMS", TFNs: []string{"8339900242"}})
	require.NoError(t, err)
	_, err = w.Clock.Advance(time.Hour)
	require.NoError(t, err)
	s.Wait()
	box := s.Inbox("demo")
	require.Len(t, box, 4)
	assert.Equal(t, "2026-01-05T09:00:00Z", box[0].ReceivedAt.Format(time.RFC3339))
	assert.Equal(t, "2026-01-05T09:01:00Z", box[1].ReceivedAt.Format(time.RFC3339))
	assert.Equal(t, "2026-01-05T09:05:00Z", box[2].ReceivedAt.Format(time.RFC3339), "the clock time of the delivery, not of the advance's end")
	assert.Contains(t, string(box[2].Body), `"respOrgId":"BRSMS"`, "old Resp Org first, as queued")
	assert.Contains(t, string(box[3].Body), `"respOrgId":"ZATST"`)
	for i, m := range box {
		d, ok := s.Queue().Get(m.Headers["X-Sim-Delivery-Id"])
		require.True(t, ok)
		require.NotEmpty(t, d.Attempts)
		assert.True(t, d.Attempts[0].Time.Equal(m.ReceivedAt), "inbox entry %d carries its attempt's clock time", i)
		if i > 0 {
			assert.False(t, inboxAfter(box[i-1], m), "delivery order")
		}
	}
}

func TestInboxOrdersMessagesOfOneInstant(t *testing.T) {
	_, s := newWorld(t, parseScenario(t, "tnregistry: {}\n"))
	at := time.Date(2026, 1, 5, 9, 5, 0, 0, time.UTC)
	for _, seq := range []uint64{3, 1, 2} {
		_, err := s.receive("demo", "rsv", http.Header{}, []byte(`{"n":`+string(rune('0'+seq))+`}`), at, seq)
		require.NoError(t, err)
	}
	_, err := s.receive("demo", "rsv", http.Header{}, []byte(`{"n":0}`), at.Add(-time.Minute), 9)
	require.NoError(t, err)
	var got []string
	for _, m := range s.Inbox("demo") {
		got = append(got, string(m.Body))
	}
	assert.Equal(t, []string{`{"n":0}`, `{"n":1}`, `{"n":2}`, `{"n":3}`}, got)
}

func TestMessagesAndAttemptsOnTheTimeline(t *testing.T) {
	f := newFixture(t, http.StatusInternalServerError)
	f.change(t, ChangeRequest{Change: "cic-addition", CIC: "0222"})
	f.clockAdvance(time.Minute)
	var got []string
	for _, it := range f.w.Timeline.Items() {
		if it.Provider != Name {
			continue
		}
		assert.Equal(t, []string{"8339900238"}, it.Numbers, it.Summary)
		got = append(got, it.Kind+" "+it.Summary)
		if it.Kind == "lifecycle" && strings.Contains(it.Summary, "queued") {
			assert.Equal(t, "uns-sna", it.Detail["type"])
			assert.Equal(t, "0222", it.Detail["recipient"])
		}
	}
	assert.Equal(t, []string{
		"lifecycle UNS-SNA for 8339900238 to 0222 queued (uns-000001)",
		"callback UNS-SNA for 8339900238 uns-000001 attempt 1 failed: HTTP 500",
		"callback UNS-SNA for 8339900238 uns-000001 attempt 2 delivered",
	}, got)
}

func TestExportImportKeepsApprovalsAndDownload(t *testing.T) {
	yes := true
	f := lifecycleFixture(t, "success")
	f.change(t, ChangeRequest{Change: "cic-addition", CIC: "0222", ApprReq: &yes, EffDtTm: "2026-01-05T10:00Z"})
	raw, err := json.Marshal(f.s.Export())
	require.NoError(t, err)

	g := lifecycleFixture(t, "success")
	_, err = g.w.Clock.Set(f.w.Clock.Now())
	require.NoError(t, err)
	require.NoError(t, g.s.Import(raw))
	g.clockAdvance(10 * time.Minute)
	assert.Len(t, byPath(g.ro.all(), "/v3/ext/uns/act"), 0, "the imported subscriptions are the old world's receivers")
	assert.Len(t, byPath(f.ro.all(), "/v3/ext/uns/act"), 1, "the imported policy answer fires in the new world")
	g.clockAdvance(55 * time.Minute)
	rec, err := g.s.Record("8339900238")
	require.NoError(t, err)
	assert.Equal(t, CRActive, rec.CustRecStat, "the imported download happened at its effective time")
	assert.Len(t, byPath(f.ro.all(), "/v3/ext/uns/cra"), 1)
}

func TestLeverBoundsAndBadInput(t *testing.T) {
	f := lifecycleFixture(t, "success")
	for i := 0; i < maxPendingAudits/2; i++ {
		_, err := f.s.SCPResend("8339900238", SCPRequest{})
		require.NoError(t, err)
	}
	_, err := f.s.SCPResend("8339900238", SCPRequest{})
	assert.ErrorContains(t, err, "already pending", "SCP audit answers waiting on the clock are bounded")

	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"limit too large", func() error {
			_, _, err := f.s.SetLimits(LimitsRequest{RespOrg: "BRSMS", AutomationLimits: AutomationLimits{MNQ: 100000000}})
			return err
		}, "0 to 99999999"},
		{"bad Resp Org", func() error { _, _, err := f.s.SetLimits(LimitsRequest{RespOrg: "BR"}); return err }, "respOrg"},
		{"reserve nothing", func() error { _, _, err := f.s.Reserve(ReserveRequest{RespOrg: "BRSMS"}); return err }, "tfns"},
		{"reserve unknown number", func() error {
			_, _, err := f.s.Reserve(ReserveRequest{RespOrg: "BRSMS", TFNs: []string{"8889990000"}})
			return err
		}, "not in the registry"},
		{"answer without a decision", func() error { _, err := f.s.Answer("8339900238", ApprovalAnswer{CIC: "0222"}); return err }, "decision"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.ErrorContains(t, c.run(), c.want)
		})
	}
}
