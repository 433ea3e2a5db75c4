package simtest_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

// fakeT records a fatal failure instead of ending the test, so the helpers'
// failure paths can be checked.
type fakeT struct {
	testing.TB
	failed string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	panic(f)
}

func fails(t *testing.T, f func(ft *fakeT)) string {
	t.Helper()
	ft := &fakeT{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil && r != ft {
				panic(r)
			}
		}()
		f(ft)
	}()
	return ft.failed
}

func TestTenantsAreIsolated(t *testing.T) {
	t.Parallel()
	a := simtest.New(t, simtest.Frozen(time.Time{}))
	b := simtest.New(t, simtest.Frozen(time.Time{}))
	require.NotEqual(t, a.Tenant, b.Tenant)
	assert.True(t, strings.HasSuffix(a.URL("flowroute"), "/t/"+a.Tenant+"/flowroute/v2"))
	assert.True(t, strings.HasSuffix(a.URL("call48"), "/call48/api/v4"))

	startA, startB := a.Now(), b.Now()
	a.Advance(90 * time.Minute)
	assert.Equal(t, startA.Add(90*time.Minute), a.Now())
	assert.Equal(t, startB, b.Now(), "the other tenant's clock did not move")
}

func TestNewServerAndClose(t *testing.T) {
	t.Parallel()
	srv, err := simtest.NewServer(simtest.Tenant("simtest-close-check"))
	require.NoError(t, err)
	var list struct {
		Tenants []struct{ ID string } `json:"tenants"`
	}
	has := func() bool {
		srv.Control(http.MethodGet, "/tenants", nil, http.StatusOK, &list)
		for _, x := range list.Tenants {
			if x.ID == srv.Tenant {
				return true
			}
		}
		return false
	}
	require.True(t, has())
	srv.Close()
	srv.Close() // twice is fine
	assert.False(t, has(), "Close removes the tenant")

	_, err = simtest.NewServer(simtest.Scenario("version: 1\nname: broken\nflowroute: {nope: 1}\n"))
	var se *simtest.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusUnprocessableEntity, se.Status)
	assert.Contains(t, string(se.Body), "nope")
}

func TestNewServerHelpersPanic(t *testing.T) {
	t.Parallel()
	srv, err := simtest.NewServer()
	require.NoError(t, err)
	defer srv.Close()
	assert.PanicsWithValue(t, `simtest: no provider "nope"`, func() { srv.URL("nope") })
}

func TestScenarioOption(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Scenario(`version: 1
name: tiny
clock: {start: "2030-01-01T00:00:00Z", mode: frozen}
flowroute:
  accounts:
    - {name: ci, accessKey: ci-key, secretKey: ci-secret}
`))
	assert.Equal(t, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), srv.Now())
	creds := srv.Credentials("flowroute")
	require.Len(t, creds, 1)
	assert.Equal(t, "ci-key", creds[0].Values["accessKey"])
}

func TestFaults(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	get := func() int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL("flowroute")+"/cnams", nil)
		req.SetBasicAuth("demo-access-key", "demo-secret-key")
		resp, _ := srv.Do(t, "flowroute", req)
		return resp.StatusCode
	}
	id := srv.Fault(simtest.FaultRule{Provider: "flowroute", Route: "GET /cnams", Status: 503, After: 1, Times: 1})
	assert.Equal(t, 200, get(), "After skips the first match")
	assert.Equal(t, 503, get())
	assert.Equal(t, 200, get(), "Times caps the rule")
	got := srv.Faults()
	require.Len(t, got, 1)
	assert.Equal(t, simtest.FaultStats{ID: id, Provider: "flowroute", Route: "GET /cnams", Matches: 3, Fired: 1}, got[0])

	srv.Fault(simtest.FaultRule{ID: "slow", Provider: "flowroute", Route: "GET /cnams", RetryAfter: 30 * time.Second})
	assert.Equal(t, 429, get())
	srv.RemoveFault("slow")
	assert.Equal(t, 200, get())

	srv.Fault(simtest.FaultRule{Provider: "flowroute", Route: "* /cnams*", Status: 500, For: time.Hour})
	assert.Equal(t, 500, get())
	srv.ClearFaults()
	assert.Empty(t, srv.Faults())
	assert.Equal(t, 200, get())
	assert.Len(t, srv.Journal(simtest.Filter{Provider: "flowroute", Status: 503}), 1)

	msg := fails(t, func(ft *fakeT) {
		simtest.New(ft).Fault(simtest.FaultRule{Provider: "flowroute", Route: "GET /nothing", Status: 500})
	})
	assert.NotEmpty(t, msg, "a rule matching no route fails the test")
}

func TestInbox(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	a, b := srv.Inbox(), srv.Inbox()
	require.NotEqual(t, a.Name(), b.Name())
	assert.Equal(t, "inbox://"+a.Name(), a.URL())

	_, err := a.Next(20 * time.Millisecond)
	assert.True(t, errors.Is(err, simtest.ErrTimeout), "an empty inbox times out: %v", err)

	srv.Subscribe("0777", a.URL())
	srv.Subscribe("0778", b.HTTPURL()) // through the network
	res := srv.Change("8339900238", simtest.RecordChange{Change: "cic-addition", CIC: "0777"})
	assert.Equal(t, "01", res.Code)
	require.Len(t, res.Deliveries, 1)
	assert.Equal(t, "0777", res.Deliveries[0].CIC)
	srv.Change("8339900238", map[string]string{"change": "cic-addition", "cic": "0778"})

	m, err := a.Next(5 * time.Second)
	require.NoError(t, err)
	var sna map[string]any
	require.NoError(t, m.Decode(&sna))
	assert.Equal(t, "uns-sna", m.Type)
	assert.Equal(t, "0777", sna["cicCode"])
	_, err = a.Next(20 * time.Millisecond)
	assert.ErrorIs(t, err, simtest.ErrTimeout, "Next returns each message once")

	m, err = b.Next(5 * time.Second)
	require.NoError(t, err)
	require.NoError(t, m.Decode(&sna))
	assert.Equal(t, "0778", sna["cicCode"])
	assert.Len(t, b.Messages(), 1)
	b.Clear()
	assert.Empty(t, b.Messages())
}

func TestStateHelpers(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	srv.SetNumber("8339900250", "WORKING", "BRSMS")
	var reg struct {
		Numbers []struct {
			TFN     string `json:"tfn"`
			Status  string `json:"status"`
			RespOrg string `json:"respOrg"`
		} `json:"numbers"`
	}
	var one struct{ Entity string }
	srv.Control(http.MethodGet, "/tnregistry/numbers/8339900250", nil, http.StatusOK, &one)
	assert.Equal(t, "BR", one.Entity)
	srv.State("tnregistry", &reg)
	found := false
	for _, n := range reg.Numbers {
		if n.TFN == "8339900250" {
			found = true
			assert.Equal(t, "WORKING", n.Status)
			assert.Equal(t, "BRSMS", n.RespOrg)
		}
	}
	assert.True(t, found, "SetNumber shows in the exported state")

	// Somos reads the registry: the new number can get CNAM.
	tok := srv.SomosIDToken(t, "demo-refresh-br-user")
	req, _ := http.NewRequest(http.MethodPost, srv.URL("somos")+"/cnam", strings.NewReader(`{"tfn":"8339900250","cnam":"NEW LINE"}`))
	req.Header.Set("Authorization", tok)
	req.Header.Set("Content-Type", "application/json")
	resp, body := srv.Do(t, "somos", req)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)

	assert.NotEmpty(t, srv.Call48Token(t, "mark", "password"))
	assert.NotEmpty(t, fails(t, func(ft *fakeT) { srv.Call48Token(ft, "mark", "wrong") }))
	assert.NotEmpty(t, fails(t, func(ft *fakeT) { srv.SomosIDToken(ft, "no-such-token") }))

	srv.Advance(time.Hour)
	srv.Reset()
	srv.State("tnregistry", &reg)
	for _, n := range reg.Numbers {
		assert.NotEqual(t, "8339900250", n.TFN, "Reset restores the scenario")
	}
}

func TestRequireCalled(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	srv.Call48Token(t, "mark", "password")
	srv.RequireCalled(t, "POST", "/login", 1)
	assert.NotEmpty(t, fails(t, func(ft *fakeT) { srv.RequireCalled(ft, "POST", "/login", 2) }))
}

func TestScenarioProblems(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	problems := srv.ScenarioProblems("version: 1\nflowroute:\n  acounts: []\n")
	require.Len(t, problems, 1)
	assert.Equal(t, "request:3:3: flowroute.acounts: unknown field (did you mean \"accounts\"?)", problems[0].String())
	var sc struct{ Name string }
	srv.Control("GET", "/scenario", nil, 200, &sc)
	assert.Equal(t, "default", sc.Name, "the refused scenario changed nothing")
	assert.NotEmpty(t, fails(t, func(ft *fakeT) { simtest.New(ft).ScenarioProblems("version: 1\n") }), "a scenario that loads fails the test")
}

func TestEvents(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}), simtest.Scenario(`version: 1
flowroute:
  accounts: [{name: ci, accessKey: k, secretKey: s, cnams: [{value: ACME}]}]
events:
  - {at: "+1m", provider: flowroute, action: approve, id: 17604}
  - {at: "+2m", provider: flowroute, action: reject, id: 99, reason: nope}
`))
	evs := srv.Events()
	require.Len(t, evs, 2)
	assert.Equal(t, "pending", evs[0].Status)
	assert.Equal(t, "approve", evs[0].Event.Action)
	assert.EqualValues(t, 99, evs[1].Event.Args["id"])
	srv.Advance(3 * time.Minute)
	evs = srv.Events()
	assert.Equal(t, "done", evs[0].Status, evs[0].Error)
	assert.Equal(t, "failed", evs[1].Status)
	assert.NotEmpty(t, evs[1].Error)
}
