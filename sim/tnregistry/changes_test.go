package tnregistry

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/oas"
	"github.com/telecomsim/simulator/internal/webhook"
)

var spec = oas.MustLoad(openapiYAML)

// checkSchema validates a message body against a components schema.
func checkSchema(t *testing.T, name string, body []byte) {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(body, &v))
	require.NoError(t, spec.Doc.Components.Schemas[name].Value.VisitJSON(v), string(body))
}

type got struct {
	Path string
	Body map[string]any
	Raw  []byte
}

// sink is a real local receiver: it answers the statuses in plan in order
// (then 200) and records every request.
type sink struct {
	mu   sync.Mutex
	plan []int
	msgs []got
	srv  *httptest.Server
}

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	s.mu.Lock()
	st := http.StatusOK
	if len(s.plan) > 0 {
		st, s.plan = s.plan[0], s.plan[1:]
	}
	s.msgs = append(s.msgs, got{Path: r.URL.Path, Body: m, Raw: b})
	s.mu.Unlock()
	w.WriteHeader(st)
}

func (s *sink) all() []got {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]got(nil), s.msgs...)
}

func newSink(t *testing.T, tlsOn bool, plan ...int) *sink {
	s := &sink{plan: plan}
	if tlsOn {
		s.srv = httptest.NewTLSServer(s)
	} else {
		s.srv = httptest.NewServer(s)
	}
	t.Cleanup(s.srv.Close)
	return s
}

const recordYAML = `tnregistry:
  numbers:
    list:
      - {tfn: "8339900238", status: WORKING, respOrg: BRSMS}
  records:
    - tfn: "8339900238"
      respOrg: BRSMS
      effDtTm: "2025-11-03T14:00:00Z"
      interLATACarrier: ["0288", "0555"]
      intraLATACarrier: ["0288"]
      priInterLT: ATX-0288
      destNums: [{destNum: "3125550142", numTermLine: "10", forServOff: "", localServOff: ""}]
      aosRecords: [{aosLbl: NPA, aslType: AOS, aosLblValue: "US"}]
      cprSectName:
        - name: MAIN
          nodeSeq: "1"
          nodes: [{colIndex: "1", rowIndex: "1", values: "0555"}, {colIndex: "2", rowIndex: "1", values: "3125550142"}]
      endSub: Brightline Home Services
`

type fixture struct {
	s            *State
	a, b, c, ro  *sink
	w            *tenantWorld
	clockAdvance func(time.Duration)
}

// newFixture builds a registry with one record and four receivers: A for
// CIC 0222, B for 0288, C (TLS with a custom CA) for 0555, RO for both Resp
// Orgs' UNS-RCH.
func newFixture(t *testing.T, plansA ...int) *fixture {
	w, s := newWorld(t, parseScenario(t, recordYAML))
	f := &fixture{s: s, w: w, a: newSink(t, false, plansA...), b: newSink(t, false), c: newSink(t, true), ro: newSink(t, false)}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.c.srv.Certificate().Raw}), 0o600))
	for _, sub := range []Subscription{
		{CIC: "0222", URL: f.a.srv.URL},
		{CIC: "0288", URL: f.b.srv.URL + "/", NetworkID: "ATX"},
		{CIC: "0555", URL: f.c.srv.URL, CAFile: ca},
		{RespOrg: "BRSMS", URL: f.ro.srv.URL},
		{RespOrg: "ZATST", URL: f.ro.srv.URL},
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

func (f *fixture) change(t *testing.T, req ChangeRequest) ChangeResult {
	t.Helper()
	res, err := f.s.ApplyChange("8339900238", req)
	require.NoError(t, err)
	f.s.Wait()
	return res
}

var dtRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$`)

func TestNineChangeKinds(t *testing.T) {
	yes := true
	cases := []struct {
		name    string
		setup   []ChangeRequest
		req     ChangeRequest
		a, b, c []string // chgParam codes each receiver gets, in order
		rch     int
		view    bool
		check   func(t *testing.T, f *fixture, last map[string]any)
	}{
		{name: "01 cic addition", req: ChangeRequest{Change: "cic-addition", CIC: "0222", ApprReq: &yes},
			a: []string{"01"}, view: true, check: func(t *testing.T, f *fixture, m map[string]any) {
				assert.Equal(t, "Yes", m["apprReq"])
				assert.Equal(t, ApprPending, m["apprStat"])
				assert.Contains(t, m["interLATACarrier"], "0222")
				assert.Equal(t, "0222", m["cicCode"])
				assert.Equal(t, "0222", m["carrier"])
			}},
		{name: "02 routing change", req: ChangeRequest{Change: "routing-change", Routing: &Routing{DestNums: []DestNum{{DestNum: "3125550199", NumTermLine: "5"}}}},
			b: []string{"02"}, c: []string{"02"}, view: true, check: func(t *testing.T, f *fixture, m map[string]any) {
				dn := m["destNums"].([]any)
				require.Len(t, dn, 1)
				assert.Equal(t, "3125550199", dn[0].(map[string]any)["destNum"])
				assert.Equal(t, "No", m["apprReq"])
			}},
		{name: "03 cic deletion", req: ChangeRequest{Change: "cic-deletion", CIC: "0555"}, c: []string{"03"},
			check: func(t *testing.T, f *fixture, m map[string]any) {
				assert.NotContains(t, m["interLATACarrier"], "0555")
			}},
		{name: "04 resp org change", req: ChangeRequest{Change: "resp-org-change", RespOrg: "ZATST"},
			b: []string{"04"}, c: []string{"04"}, rch: 2, check: func(t *testing.T, f *fixture, m map[string]any) {
				assert.Equal(t, "ZATST", m["RespOrgId"])
				assert.Equal(t, "BRSMS", m["oldRespOrgId"])
				_, ro, _ := f.s.Lookup("8339900238")
				assert.Equal(t, "ZATST", ro, "the number registry follows the Resp Org change")
			}},
		{name: "05 cancel cic addition", setup: []ChangeRequest{{Change: "cic-addition", CIC: "0222", ApprReq: &yes}},
			req: ChangeRequest{Change: "cancel-cic-addition", CIC: "0222"}, a: []string{"01", "05"},
			check: func(t *testing.T, f *fixture, m map[string]any) {
				assert.NotContains(t, m["interLATACarrier"], "0222")
				assert.Equal(t, ApprCanceled, m["apprStat"])
			}},
		{name: "06 cancel routing change", setup: []ChangeRequest{{Change: "routing-change", Routing: &Routing{PriInterLT: "ATX-0555"}}},
			req: ChangeRequest{Change: "cancel-routing-change"}, b: []string{"02", "06"}, c: []string{"02", "06"},
			check: func(t *testing.T, f *fixture, m map[string]any) {
				r, err := f.s.Record("8339900238")
				require.NoError(t, err)
				assert.Equal(t, "ATX-0288", r.PriInterLT, "routing restored")
			}},
		{name: "07 approval resent", req: ChangeRequest{Change: "approval-resent", CIC: "0288"}, b: []string{"07"},
			check: func(t *testing.T, f *fixture, m map[string]any) {
				assert.Equal(t, "Yes", m["apprReq"])
				assert.Equal(t, "ATX", m["netWrkId"])
			}},
		{name: "08 pending cr deleted", setup: []ChangeRequest{{Change: "cic-addition", CIC: "0222", ApprReq: &yes}},
			req: ChangeRequest{Change: "pending-cr-deleted"}, a: []string{"01", "08"}, b: []string{"08"}, c: []string{"08"},
			check: func(t *testing.T, f *fixture, m map[string]any) {
				r, err := f.s.Record("8339900238")
				require.NoError(t, err)
				assert.NotContains(t, r.InterLATACarrier, "0222")
				assert.Equal(t, CRActive, r.CustRecStat)
			}},
		{name: "09 cancel approval resend", setup: []ChangeRequest{{Change: "approval-resent", CIC: "0288"}},
			req: ChangeRequest{Change: "cancel-approval-resend", CIC: "0288"}, b: []string{"07", "09"},
			check: func(t *testing.T, f *fixture, m map[string]any) {
				assert.Equal(t, ApprNotRequired, m["apprStat"])
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			for _, s := range c.setup {
				f.change(t, s)
			}
			res := f.change(t, c.req)
			assert.Equal(t, ChangeCodes[c.req.Change], res.Code)
			codes := func(s *sink) []string {
				var out []string
				for _, g := range s.all() {
					assert.Equal(t, "/v3/ext/uns/sna", g.Path)
					checkSchema(t, "UnsSna", g.Raw)
					out = append(out, g.Body["chgParam"].(string))
				}
				return out
			}
			assert.Equal(t, c.a, codes(f.a), "receiver for 0222")
			assert.Equal(t, c.b, codes(f.b), "receiver for 0288")
			assert.Equal(t, c.c, codes(f.c), "TLS receiver for 0555")
			rch := f.ro.all()
			assert.Len(t, rch, c.rch)
			for _, g := range rch {
				assert.Equal(t, "/v3/ext/uns/rch", g.Path)
				checkSchema(t, "UnsRch", g.Raw)
			}
			if c.rch == 2 {
				ros := []string{rch[0].Body["respOrgId"].(string), rch[1].Body["respOrgId"].(string)}
				sort.Strings(ros)
				assert.Equal(t, []string{"BRSMS", "ZATST"}, ros)
				assert.Equal(t, "ZATST", rch[0].Body["newRespOrgId"])
				assert.Equal(t, "WORKING", rch[0].Body["status"])
				assert.NotContains(t, rch[0].Body, "effDtTm", "the published UNS-RCH has no effDtTm")
				assert.Equal(t, "BRSMS", rch[0].Body["oldRespOrgId"])
			}
			var last map[string]any
			for _, s := range []*sink{f.a, f.b, f.c} {
				if all := s.all(); len(all) > 0 {
					last = all[len(all)-1].Body
				}
			}
			require.NotNil(t, last)
			assert.Equal(t, "833-990-0238", last["tfNum"])
			assert.Regexp(t, dtRE, last["effDtTm"])
			assert.Equal(t, c.view, len(last["cprSectName"].([]any)) > 0, "carrier view only for 01 and 02")
			for _, d := range f.s.queue.List(webhook.Filter{}) {
				assert.Equal(t, webhook.StatusDelivered, d.Status, d.ID)
			}
			if c.check != nil {
				c.check(t, f, last)
			}
		})
	}
}

func TestChangeErrorsAndDisconnect(t *testing.T) {
	f := newFixture(t)
	bad := []struct {
		req  ChangeRequest
		want string
	}{
		{ChangeRequest{Change: "teleport"}, "unknown change"},
		{ChangeRequest{Change: "cic-addition"}, "needs cic"},
		{ChangeRequest{Change: "cic-addition", CIC: "TOO-LONG-CIC"}, "invalid CIC"},
		{ChangeRequest{Change: "resp-org-change"}, "needs the new respOrg"},
		{ChangeRequest{Change: "resp-org-change", RespOrg: "BRSMS"}, "already controlled"},
		{ChangeRequest{Change: "cic-deletion", CIC: "0999"}, "not on the customer record"},
		{ChangeRequest{Change: "cancel-routing-change"}, "needs a pending routing change (02)"},
		{ChangeRequest{Change: "cancel-approval-resend"}, "needs an approval resend (07)"},
		{ChangeRequest{Change: "routing-change"}, "needs routing"},
		{ChangeRequest{Change: "cic-addition", CIC: "0222", EffDtTm: "tomorrow"}, "effDtTm"},
	}
	for _, b := range bad {
		_, err := f.s.ApplyChange("8339900238", b.req)
		require.Error(t, err, b.req.Change)
		assert.Contains(t, err.Error(), b.want)
	}
	res := f.change(t, ChangeRequest{Change: "cic-deletion", CIC: "0555", Disconnect: true, EffDtTm: "2026-01-06T10:00Z"})
	assert.Equal(t, CRDisconnect, res.Record.CustRecStat)
	st, _, _ := f.s.Lookup("8339900238")
	assert.Equal(t, StatusDisconnect, st)
	m := f.c.all()[0].Body
	assert.Equal(t, "2026-01-06T10:00Z", m["effDtTm"])
	assert.Equal(t, "2026-03-07", m["endInterceptDt"])
	assert.Equal(t, "1", m["referral"])

	// A change to a number without a record creates one.
	_, err := f.s.ApplyChange("8449900500", ChangeRequest{Change: "cic-addition", CIC: "0222"})
	assert.ErrorContains(t, err, "no customer record and no Resp Org")
	res, err = f.s.ApplyChange("8449900500", ChangeRequest{Change: "cic-addition", CIC: "0222", RespOrg: "ZATST"})
	require.NoError(t, err)
	assert.True(t, res.Created)
	st, ro, ok := f.s.Lookup("8449900500")
	assert.True(t, ok)
	assert.Equal(t, StatusWorking, st)
	assert.Equal(t, "ZATST", ro)
	f.s.Wait()
}

func TestRestrictedSubscriptionWithholds(t *testing.T) {
	f := newFixture(t)
	_, _, err := f.s.Subscribe(Subscription{CIC: "0288", URL: f.b.srv.URL, Restricted: true})
	require.NoError(t, err)
	f.change(t, ChangeRequest{Change: "routing-change", Routing: &Routing{AOSRecords: []AOSRecord{{AOSLbl: "NPA", ASLType: "AOS", AOSLblValue: "CA"}}}})
	m := f.b.all()[0].Body
	assert.Equal(t, []any{"0288"}, m["interLATACarrier"])
	assert.Empty(t, m["destNums"])
	nodes := m["cprSectName"].([]any)[0].(map[string]any)["nodes"].([]any)
	for _, n := range nodes {
		assert.Equal(t, "", n.(map[string]any)["values"], "other carriers' CICs and terminating numbers are withheld")
	}
	full := f.c.all()[0].Body
	assert.Len(t, full["destNums"], 1)
}

func TestRetriesDeadLetterAndReplayOverHTTP(t *testing.T) {
	f := newFixture(t, 500, 502)
	srv := controlServer(t, f.w)
	var res ChangeResult
	code := doJSON(t, http.MethodPost, srv.URL+"/__sim/tnregistry/records/833-990-0238/changes", map[string]any{"change": "cic-addition", "cic": "0222"}, &res)
	require.Equal(t, http.StatusOK, code)
	require.Len(t, res.Deliveries, 1)
	id := res.Deliveries[0].ID
	f.s.Wait()
	var list struct {
		Callbacks []webhook.Delivery `json:"callbacks"`
	}
	doJSON(t, http.MethodGet, srv.URL+"/__sim/callbacks?status=pending&tfn=8339900238", nil, &list)
	require.Len(t, list.Callbacks, 1)
	assert.Len(t, list.Callbacks[0].Attempts, 1)
	f.clockAdvance(time.Minute)
	f.clockAdvance(2 * time.Minute)
	var d webhook.Delivery
	doJSON(t, http.MethodGet, srv.URL+"/__sim/callbacks/"+id, nil, &d)
	assert.Equal(t, webhook.StatusDelivered, d.Status)
	require.Len(t, d.Attempts, 3)
	assert.Equal(t, []int{500, 502, 200}, []int{d.Attempts[0].Status, d.Attempts[1].Status, d.Attempts[2].Status})
	assert.Len(t, f.a.all(), 3)

	// A dead receiver: the delivery dies after 8 attempts, then a replay
	// delivers it once the receiver is back.
	f.a.mu.Lock()
	f.a.plan = []int{503, 503, 503, 503, 503, 503, 503, 503}
	f.a.mu.Unlock()
	code = doJSON(t, http.MethodPost, srv.URL+"/__sim/tnregistry/records/8339900238/changes", map[string]any{"change": "cic-deletion", "cic": "0222"}, &res)
	require.Equal(t, http.StatusOK, code)
	id = res.Deliveries[0].ID
	f.s.Wait()
	f.clockAdvance(3 * time.Hour)
	doJSON(t, http.MethodGet, srv.URL+"/__sim/callbacks?status=dead", nil, &list)
	require.Len(t, list.Callbacks, 1)
	assert.Equal(t, id, list.Callbacks[0].ID)
	assert.Len(t, list.Callbacks[0].Attempts, 8)
	code = doJSON(t, http.MethodPost, srv.URL+"/__sim/callbacks/"+id+"/replay", nil, &d)
	assert.Equal(t, http.StatusAccepted, code)
	f.s.Wait()
	doJSON(t, http.MethodGet, srv.URL+"/__sim/callbacks/"+id, nil, &d)
	assert.Equal(t, webhook.StatusDelivered, d.Status)
	assert.Len(t, d.Attempts, 9)
	var e map[string]string
	assert.Equal(t, http.StatusNotFound, doJSON(t, http.MethodPost, srv.URL+"/__sim/callbacks/nope/replay", nil, &e))
	assert.Equal(t, http.StatusBadRequest, doJSON(t, http.MethodGet, srv.URL+"/__sim/callbacks?status=lost", nil, &e))
}

func TestOrderPerNumberUnderConcurrentChanges(t *testing.T) {
	f := newFixture(t)
	f.b.plan = []int{500}
	var wg sync.WaitGroup
	for g := 0; g < 5; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 4; i++ {
				_, err := f.s.ApplyChange("8339900238", ChangeRequest{Change: "routing-change", Notes: fmt.Sprintf("g%d-%d", g, i),
					Routing: &Routing{PriIntraLT: fmt.Sprintf("ATX-%04d", g*10+i)}})
				assert.NoError(t, err)
			}
		}(g)
	}
	wg.Wait()
	f.s.Wait()
	assert.Len(t, f.b.all(), 1, "the first message is retried before any later one goes out")
	f.clockAdvance(time.Minute)
	var want []string
	ds := f.s.queue.List(webhook.Filter{Labels: map[string]string{"cic": "0288"}})
	for i := len(ds) - 1; i >= 0; i-- {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(ds[i].Body), &m))
		want = append(want, m["notes"].(string))
	}
	var gotNotes []string
	for _, g := range f.b.all()[1:] {
		gotNotes = append(gotNotes, g.Body["notes"].(string))
	}
	assert.Len(t, gotNotes, 20)
	assert.Equal(t, want, gotNotes, "messages arrive in the order the changes were made")
}

// A carrier whose receiver is down holds back its own later messages for
// the number, never another carrier's.
func TestDownReceiverHoldsOnlyItsOwnMessages(t *testing.T) {
	f := newFixture(t)
	f.b.plan = []int{503, 503}
	f.change(t, ChangeRequest{Change: "routing-change", Notes: "first", Routing: &Routing{PriIntraLT: "ATX-0555"}})
	f.change(t, ChangeRequest{Change: "routing-change", Notes: "second", Routing: &Routing{PriIntraLT: "ATX-0288"}})
	notes := func(s *sink) []string {
		var out []string
		for _, g := range s.all() {
			out = append(out, g.Body["notes"].(string))
		}
		return out
	}
	assert.Equal(t, []string{"first", "second"}, notes(f.c), "0555's receiver gets both at once")
	assert.Equal(t, []string{"first"}, notes(f.b), "0288's second message waits for its first")
	f.clockAdvance(30 * time.Minute)
	assert.Equal(t, []string{"first", "first", "first", "second"}, notes(f.b))
}

func TestDefaultScenarioScheduledChangeReachesInbox(t *testing.T) {
	w, s := newWorld(t, readDefaultScenario(t))
	srv := controlServer(t, w)
	var inbox struct {
		Count    int            `json:"count"`
		Messages []InboxMessage `json:"messages"`
	}
	doJSON(t, http.MethodGet, srv.URL+"/__sim/inbox/demo", nil, &inbox)
	assert.Zero(t, inbox.Count)
	_, err := w.Clock.Advance(5 * time.Minute)
	require.NoError(t, err)
	s.Wait()
	doJSON(t, http.MethodGet, srv.URL+"/__sim/inbox/demo", nil, &inbox)
	require.Equal(t, 1, inbox.Count)
	m := inbox.Messages[0]
	assert.Equal(t, "uns-sna", m.Type)
	checkSchema(t, "UnsSna", m.Body)
	var body map[string]any
	require.NoError(t, json.Unmarshal(m.Body, &body))
	assert.Equal(t, "833-990-0238", body["tfNum"])
	assert.Equal(t, "01", body["chgParam"])
	assert.Equal(t, "0222", body["cicCode"])
	assert.Equal(t, "2026-01-05T09:05Z", body["effDtTm"])
	assert.Equal(t, "Yes", body["apprReq"])
	ev := s.Events()
	require.Len(t, ev, 2)
	assert.True(t, ev[0].Done)
	assert.Empty(t, ev[0].Error)
	assert.False(t, ev[1].Done, "the Resp Org change comes later")

	// The inbox also receives over HTTP.
	var r map[string]any
	code := doJSON(t, http.MethodPost, srv.URL+"/__sim/inbox/other/v3/ext/uns/sna", map[string]string{"tfNum": "800-990-0001"}, &r)
	assert.Equal(t, http.StatusOK, code)
	doJSON(t, http.MethodGet, srv.URL+"/__sim/inbox/other", nil, &inbox)
	assert.Equal(t, 1, inbox.Count)
}

func TestExportImportKeepsPendingWork(t *testing.T) {
	w, s := newWorld(t, readDefaultScenario(t))
	sink := newSink(t, false, 500)
	_, _, err := s.Subscribe(Subscription{CIC: "0555", URL: sink.srv.URL})
	require.NoError(t, err)
	_, err = s.ApplyChange("8339900238", ChangeRequest{Change: "cic-deletion", CIC: "0555"})
	require.NoError(t, err)
	s.Wait()
	raw1, err := json.Marshal(s.Export())
	require.NoError(t, err)

	w2, s2 := newWorld(t, readDefaultScenario(t))
	_, err = w2.Clock.Set(w.Clock.Now())
	require.NoError(t, err)
	require.NoError(t, s2.Import(raw1))
	raw2, err := json.Marshal(s2.Export())
	require.NoError(t, err)
	assert.JSONEq(t, string(raw1), string(raw2))
	assert.Equal(t, string(raw1), string(raw2))

	_, err = w2.Clock.Advance(10 * time.Minute)
	require.NoError(t, err)
	s2.Wait()
	assert.Len(t, sink.all(), 2, "the imported retry and nothing else reaches the receiver")
	var types []string
	for _, m := range s2.Inbox("demo") {
		types = append(types, m.Type)
	}
	// The deletion's version reaches the SCPs (UNS-CRA at 09:04); the
	// scheduled 01 fires at 09:05.
	assert.Equal(t, []string{TypeCRA, TypeSNA}, types, "the imported scheduled event still fires")
	assert.Empty(t, s2.queue.List(webhook.Filter{Status: webhook.StatusPending}))
}

func TestSubscriptionsControl(t *testing.T) {
	w, _ := newWorld(t, readDefaultScenario(t))
	srv := controlServer(t, w)
	var sub Subscription
	assert.Equal(t, http.StatusCreated, doJSON(t, http.MethodPost, srv.URL+"/__sim/tnregistry/subscriptions", map[string]any{"cic": "0432", "url": "https://127.0.0.1:9443", "insecureSkipVerify": true}, &sub))
	assert.Equal(t, "0432", sub.CIC)
	assert.Equal(t, http.StatusOK, doJSON(t, http.MethodPost, srv.URL+"/__sim/tnregistry/subscriptions", map[string]any{"cic": "0432", "url": "http://127.0.0.1:9000"}, &sub))
	var e map[string]string
	for _, body := range []map[string]any{{"url": "http://x"}, {"cic": "0432"}, {"cic": "0432", "url": "ftp://x"}, {"cic": "0432", "respOrg": "BRSMS", "url": "http://x"}, {"cic": "0432", "url": "https://x", "caFile": "/nonexistent"}} {
		assert.Equal(t, http.StatusBadRequest, doJSON(t, http.MethodPost, srv.URL+"/__sim/tnregistry/subscriptions", body, &e), body)
	}
	var list struct {
		Subscriptions []Subscription `json:"subscriptions"`
	}
	doJSON(t, http.MethodGet, srv.URL+"/__sim/tnregistry/subscriptions", nil, &list)
	assert.Len(t, list.Subscriptions, 5)
	assert.Equal(t, http.StatusNoContent, doJSON(t, http.MethodDelete, srv.URL+"/__sim/tnregistry/subscriptions?cic=0432", nil, nil))
	assert.Equal(t, http.StatusNotFound, doJSON(t, http.MethodDelete, srv.URL+"/__sim/tnregistry/subscriptions?cic=0432", nil, &e))
	var f webhook.Fault
	assert.Equal(t, http.StatusCreated, doJSON(t, http.MethodPost, srv.URL+"/__sim/tnregistry/delivery/faults", map[string]any{"dropFirst": 2, "times": 1}, &f))
	assert.Equal(t, http.StatusBadRequest, doJSON(t, http.MethodPost, srv.URL+"/__sim/tnregistry/delivery/faults", map[string]any{}, &e))
	assert.Equal(t, http.StatusNoContent, doJSON(t, http.MethodDelete, srv.URL+"/__sim/tnregistry/delivery/faults?id="+f.ID, nil, nil))
}

// The sample bodies under fixtures/tnregistry are exactly what the default
// scenario sends: the UNS-SNA of its +5m event and the UNS-RCH the old Resp
// Org gets when 833-990-0238 moves to ZATST an hour in.
func TestFixturesAreWhatTheDefaultScenarioSends(t *testing.T) {
	w, s := newWorld(t, readDefaultScenario(t))
	_, err := w.Clock.Advance(time.Hour)
	require.NoError(t, err)
	s.Wait()
	_, err = s.ApplyChange("8339900238", ChangeRequest{Change: ChangeRespOrgChange, RespOrg: "ZATST"})
	require.NoError(t, err)
	s.Wait()
	bodies := map[string][]byte{}
	for _, m := range s.Inbox("demo") {
		var b struct {
			RespOrgID string `json:"RespOrgId"`
			ChgParam  string `json:"chgParam"`
		}
		require.NoError(t, json.Unmarshal(m.Body, &b))
		switch {
		case m.Type == TypeSNA && b.ChgParam == "01" && bodies["uns-sna-cic-addition.json"] == nil:
			bodies["uns-sna-cic-addition.json"] = m.Body
		case m.Type == TypeRCH && b.RespOrgID == "BRSMS":
			bodies["uns-rch.json"] = m.Body
		}
	}
	require.Len(t, bodies, 2)
	for name, body := range bodies {
		want, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "tnregistry", name))
		require.NoError(t, err)
		var ind bytes.Buffer
		require.NoError(t, json.Indent(&ind, body, "", "  "))
		assert.Equal(t, strings.TrimSpace(string(want)), ind.String(), name)
		schema := map[string]string{"uns-rch.json": "UnsRch"}[name]
		if schema == "" {
			schema = "UnsSna"
		}
		checkSchema(t, schema, want)
	}
}
