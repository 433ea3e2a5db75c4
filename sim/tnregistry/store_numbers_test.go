package tnregistry

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/scenario"
)

func TestDefaultScenarioNumbers(t *testing.T) {
	_, s := newWorld(t, readDefaultScenario(t))
	cases := []struct{ tfn, status, respOrg string }{
		{"8339900238", StatusWorking, "BRSMS"},
		{"8009900001", StatusWorking, "ZATST"},
		{"8009900002", StatusWorking, "ZATST"},
		{"833-990-0240", StatusAssigned, "BRSMS"},
		{"+18009900005", StatusSpare, "ZATST"},
	}
	for _, c := range cases {
		st, ro, ok := s.Lookup(c.tfn)
		require.True(t, ok, c.tfn)
		assert.Equal(t, c.status, st, c.tfn)
		assert.Equal(t, c.respOrg, ro, c.tfn)
	}
	for _, ro := range []string{"BRSMS", "ZATST"} {
		for _, st := range []string{StatusWorking, StatusAssigned, StatusSpare} {
			_, total, err := s.Numbers(NumberFilter{Status: st, RespOrg: ro})
			require.NoError(t, err)
			assert.Positive(t, total, "%s %s", ro, st)
		}
	}
	_, _, ok := s.Lookup("8005550000")
	assert.False(t, ok)
	_, _, ok = s.Lookup("not a number")
	assert.False(t, ok)
}

func TestGenerateIsDeterministicAndMixed(t *testing.T) {
	body := "tnregistry:\n  numbers:\n    generate: 100\n    statuses: {WORKING: 0.5, SPARE: 0.3, DISCONNECT: 0.2}\n    respOrgs: [BRSMS, ZATST]\n    list: [{tfn: \"8449900000\", status: WORKING, respOrg: XYABC}]\n"
	_, a := newWorld(t, parseScenario(t, body))
	_, b := newWorld(t, parseScenario(t, body))
	ea, _ := json.Marshal(a.Export())
	eb, _ := json.Marshal(b.Export())
	assert.Equal(t, string(ea), string(eb))
	counts := map[string]int{}
	nums, total, err := a.Numbers(NumberFilter{Limit: 1000})
	require.NoError(t, err)
	assert.Equal(t, 101, total)
	for _, n := range nums {
		counts[n.Status]++
		assert.Len(t, n.TFN, 10)
		assert.Contains(t, TollFreeNPAs, n.TFN[:3])
		assert.Equal(t, n.RespOrg[:2], n.Entity)
	}
	assert.Equal(t, map[string]int{StatusWorking: 51, StatusSpare: 30, StatusDisconnect: 20}, counts)
}

func TestScenarioNumberProblems(t *testing.T) {
	cases := []struct{ body, want string }{
		{"tnregistry:\n  numbers:\n    list: [{tfn: \"2125550000\", status: WORKING, respOrg: BRSMS}]\n", "numbers.list[0].tfn"},
		{"tnregistry:\n  numbers:\n    list: [{tfn: \"8005550000\", status: LIVE, respOrg: BRSMS}]\n", "unknown status"},
		{"tnregistry:\n  numbers:\n    list: [{tfn: \"8005550000\", status: WORKING}]\n", "needs a controlling Resp Org"},
		{"tnregistry:\n  numbers:\n    list: [{tfn: \"8005550000\", status: WORKING, respOrg: BR}]\n", "5 alphanumeric"},
		{"tnregistry:\n  numbers:\n    generate: 5\n", "numbers.respOrgs"},
		{"tnregistry:\n  numbers:\n    generate: 5\n    respOrgs: [BRSMS]\n    npas: [\"212\"]\n", "not a toll-free NPA"},
		{"tnregistry:\n  numbers:\n    bogus: 1\n", "unknown field"},
		// Section events are checked like the control API body, when the scenario loads.
		{"tnregistry:\n  events: [{at: \"+5m\", tfn: \"8005550000\", change: cic-addition}]\n", "events[0].cic: required"},
		{"tnregistry:\n  events: [{at: \"+5m\", tfn: \"8005550000\", change: resp-org-change}]\n", "events[0].respOrg: required"},
		{"tnregistry:\n  events: [{at: \"+5m\", tfn: \"8005550000\", change: routing-change}]\n", "events[0].routing: required"},
		{"tnregistry:\n  events: [{at: \"+5m\", tfn: \"8005550000\", change: cic-deletion, cic: \"0222\", lata: local}]\n", "events[0].lata"},
		{"tnregistry:\n  events: [{at: \"+5m\", tfn: \"8005550000\", change: cic-addition, cic: \"TOO-LONG-CIC\"}]\n", "events[0].cic: invalid CIC"},
		// The change name is trimmed, as the control API trims it.
		{"tnregistry:\n  events: [{at: \"+5m\", tfn: \"8005550000\", change: \" cic-addition\"}]\n", "events[0].cic: required: cic-addition needs"},
	}
	for _, c := range cases {
		sc := parseScenario(t, c.body)
		_, err := New().Configure(sc.Sections[Name], sc)
		require.Error(t, err, c.body)
		assert.Contains(t, err.Error(), c.want)
		_, isProblems := err.(scenario.Problems)
		assert.True(t, isProblems)
	}
}

func TestPutNumber(t *testing.T) {
	_, s := newWorld(t, parseScenario(t, "tnregistry: {}\n"))
	str := func(v string) *string { return &v }
	cases := []struct {
		name    string
		in      NumberInput
		created bool
		status  string
		respOrg string
		err     string
	}{
		{"create", NumberInput{TFN: "8774440000", Status: str("working"), RespOrg: str("brsms")}, true, StatusWorking, "BRSMS", ""},
		{"update status keeps resp org", NumberInput{TFN: "8774440000", Status: str("ASSIGNED")}, false, StatusAssigned, "BRSMS", ""},
		{"change resp org", NumberInput{TFN: "877-444-0000", RespOrg: str("ZATST")}, false, StatusAssigned, "ZATST", ""},
		{"spare may drop resp org", NumberInput{TFN: "8774440000", Status: str("SPARE"), RespOrg: str("")}, false, StatusSpare, "", ""},
		{"create without status", NumberInput{TFN: "8774440001"}, false, "", "", "status is required"},
		{"working without resp org", NumberInput{TFN: "8774440001", Status: str("WORKING")}, false, "", "", "needs a controlling Resp Org"},
		{"not toll-free", NumberInput{TFN: "2125550000", Status: str("WORKING"), RespOrg: str("BRSMS")}, false, "", "", "not a toll-free code"},
		{"bad status", NumberInput{TFN: "8774440001", Status: str("GONE"), RespOrg: str("BRSMS")}, false, "", "", "unknown status"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, created, err := s.PutNumber(c.in)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.created, created)
			assert.Equal(t, c.status, n.Status)
			assert.Equal(t, c.respOrg, n.RespOrg)
			st, ro, ok := s.Lookup(c.in.TFN)
			assert.True(t, ok)
			assert.Equal(t, c.status, st)
			assert.Equal(t, c.respOrg, ro)
		})
	}
}

func TestNumbersControlRoutes(t *testing.T) {
	w, _ := newWorld(t, readDefaultScenario(t))
	srv := controlServer(t, w)
	var n Number
	code := doJSON(t, http.MethodPost, srv.URL+"/__sim/tnregistry/numbers", map[string]string{"tfn": "8559900777", "status": "WORKING", "respOrg": "BRSMS"}, &n)
	assert.Equal(t, http.StatusCreated, code)
	assert.Equal(t, "BR", n.Entity)
	code = doJSON(t, http.MethodPost, srv.URL+"/__sim/tnregistry/numbers", map[string]string{"tfn": "8559900777", "status": "DISCONNECT"}, &n)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, StatusDisconnect, n.Status)

	var e map[string]string
	code = doJSON(t, http.MethodPost, srv.URL+"/__sim/tnregistry/numbers", map[string]any{"tfn": "8559900777", "bogus": 1}, &e)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, e["error"], "bogus")

	var list numberList
	code = doJSON(t, http.MethodGet, srv.URL+"/__sim/tnregistry/numbers?status=WORKING&respOrg=ZATST&limit=2", nil, &list)
	assert.Equal(t, http.StatusOK, code)
	assert.Len(t, list.Numbers, 2)
	assert.Equal(t, 2, list.Count)
	assert.GreaterOrEqual(t, list.Total, 2)
	for _, n := range list.Numbers {
		assert.Equal(t, "ZATST", n.RespOrg)
		assert.Equal(t, StatusWorking, n.Status)
	}
	for _, bad := range []string{"limit=0", "limit=x", "status=NOPE"} {
		code = doJSON(t, http.MethodGet, srv.URL+"/__sim/tnregistry/numbers?"+bad, nil, &e)
		assert.Equal(t, http.StatusBadRequest, code, bad)
	}
	code = doJSON(t, http.MethodGet, srv.URL+"/__sim/tnregistry/numbers/8339900238", nil, &n)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "BRSMS", n.RespOrg)
	code = doJSON(t, http.MethodGet, srv.URL+"/__sim/tnregistry/numbers/8005550123", nil, &e)
	assert.Equal(t, http.StatusNotFound, code)
}
