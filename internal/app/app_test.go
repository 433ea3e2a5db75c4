package app_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/sim/flowroute"
	"github.com/telecomsim/simulator/sim/simtest"
)

func get(t *testing.T, srv *simtest.Server, url string, hdr map[string]string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	req.SetBasicAuth("demo-access-key", "demo-secret-key")
	resp, body := srv.Do(t, "", req)
	return resp.StatusCode, body
}

func createCNAM(t *testing.T, srv *simtest.Server, value string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL("flowroute")+"/cnams", strings.NewReader(`{"value":"`+value+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("demo-access-key", "demo-secret-key")
	resp, body := srv.Do(t, "flowroute", req)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	var doc struct{ Data struct{ ID string } }
	require.NoError(t, json.Unmarshal(body, &doc))
	return doc.Data.ID
}

func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	a := simtest.New(t)
	b := simtest.New(t)
	id := createCNAM(t, a, "ONLY IN A")

	status, _ := get(t, a, a.URL("flowroute")+"/cnams/"+id, nil)
	assert.Equal(t, http.StatusOK, status)
	status, body := get(t, b, b.URL("flowroute")+"/cnams?value=only", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.NotContains(t, string(body), "ONLY IN A")

	// the header selects a tenant as the path prefix does
	plain := a.HTTP.URL + "/flowroute/v2/cnams?value=only"
	_, body = get(t, a, plain, map[string]string{"X-Sim-Tenant": a.Tenant})
	assert.Contains(t, string(body), "ONLY IN A")
	_, body = get(t, a, plain, map[string]string{"X-Sim-Tenant": b.Tenant})
	assert.NotContains(t, string(body), "ONLY IN A")

	// clocks are per tenant too
	before := b.Now()
	a.Advance(24 * time.Hour)
	assert.WithinDuration(t, before, b.Now(), time.Hour)

	// bad tenant ids are refused
	status, _ = get(t, a, a.HTTP.URL+"/t/-bad/flowroute/v2/cnams", nil)
	assert.Equal(t, http.StatusBadRequest, status)
	status, _ = get(t, a, a.HTTP.URL+"/flowroute/v2/cnams", map[string]string{"X-Sim-Tenant": "-nope"})
	assert.Equal(t, http.StatusBadRequest, status)
}

func TestClockControl(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	var c struct {
		Now  time.Time `json:"now"`
		Mode string    `json:"mode"`
	}
	srv.Control("GET", "/clock", nil, http.StatusOK, &c)
	assert.Equal(t, "frozen", c.Mode)
	start := c.Now
	srv.Control("POST", "/clock/advance", map[string]string{"by": "48h"}, http.StatusOK, &c)
	assert.Equal(t, start.Add(48*time.Hour), c.Now)
	srv.Control("POST", "/clock/advance", map[string]string{"by": "2d"}, http.StatusOK, &c)
	assert.Equal(t, start.Add(96*time.Hour), c.Now)
	srv.Control("POST", "/clock/advance", map[string]string{"by": "soon"}, http.StatusBadRequest, nil)
	srv.Control("POST", "/clock/advance", map[string]string{"by": "-1h"}, http.StatusBadRequest, nil)
	srv.Control("POST", "/clock/set", map[string]time.Time{"now": start}, http.StatusConflict, nil)
	srv.Control("POST", "/clock/set", map[string]time.Time{"now": start.Add(100 * time.Hour)}, http.StatusOK, &c)
	assert.Equal(t, start.Add(100*time.Hour), c.Now)
	srv.Control("POST", "/clock/advance", map[string]any{"by": "1h", "extra": 1}, http.StatusBadRequest, nil)
	srv.Control("GET", "/no/such/thing", nil, http.StatusNotFound, nil)
	srv.Control("PATCH", "/clock", nil, http.StatusMethodNotAllowed, nil)
}

func TestResetAndJournal(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	id := createCNAM(t, srv, "RESET ME")
	entries := srv.Journal(simtest.Filter{Provider: "flowroute", Method: "POST"})
	require.Len(t, entries, 1)
	assert.Equal(t, 201, entries[0].Status)
	assert.Equal(t, "/v2/cnams", entries[0].Path)
	assert.Equal(t, "POST /v2/cnams", entries[0].Route)
	assert.Contains(t, entries[0].RequestBody, "RESET ME")
	assert.Contains(t, entries[0].ResponseBody, "RESET ME")

	srv.Control("POST", "/reset", nil, http.StatusOK, nil)
	status, _ := get(t, srv, srv.URL("flowroute")+"/cnams/"+id, nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Empty(t, srv.Journal(simtest.Filter{Method: "POST"}), "reset starts a fresh journal")
	srv.Control("DELETE", "/journal", nil, http.StatusNoContent, nil)
	assert.Empty(t, srv.Journal(simtest.Filter{}))
}

func TestStateExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	pending := createCNAM(t, srv, "PENDING ROUND")
	srv.Control("POST", "/faults", map[string]any{"provider": "flowroute", "route": "GET /cnams/{id}", "status": 503, "times": 1}, http.StatusCreated, nil)

	export := func(s *simtest.Server) []byte {
		req, _ := http.NewRequest("GET", s.ControlURL()+"/state", nil)
		resp, body := s.Do(t, "", req)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		return body
	}
	first := export(srv)

	other := simtest.New(t)
	req, _ := http.NewRequest("PUT", other.ControlURL()+"/state", bytes.NewReader(first))
	resp, body := other.Do(t, "", req)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	second := export(other)
	assert.Equal(t, strings.Replace(string(first), srv.Tenant, other.Tenant, 1), string(second))

	// the imported world keeps working: the fault fires once, the pending
	// record's approval timer was re-armed
	status, _ := get(t, other, other.URL("flowroute")+"/cnams/"+pending, nil)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	other.Advance(4 * time.Hour)
	status, body = get(t, other, other.URL("flowroute")+"/cnams/"+pending, nil)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), `"is_approved":true`)

	req, _ = http.NewRequest("PUT", other.ControlURL()+"/state", strings.NewReader(`{"nope":1}`))
	resp, _ = other.Do(t, "", req)
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "an unknown field is a problem of the document")

	// a state file names its tenants: an id no request could use is refused
	_, err := srv.App.Import("../x", first)
	assert.ErrorContains(t, err, "invalid tenant id")
}

func TestPerTenantScenario(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Scenario(`
version: 1
name: tiny
clock: {start: "2030-02-01T00:00:00Z", mode: frozen}
flowroute:
  approval: {after: 10m}
  accounts:
    - {name: ci, accessKey: ci-key, secretKey: ci-secret, numbers: {list: ["12065550177"]}}
`))
	var sc struct{ Name string }
	srv.Control("GET", "/scenario", nil, http.StatusOK, &sc)
	assert.Equal(t, "tiny", sc.Name)
	assert.Equal(t, time.Date(2030, 2, 1, 0, 0, 0, 0, time.UTC), srv.Now())
	creds := srv.Credentials("flowroute")
	require.Len(t, creds, 1)
	assert.Equal(t, "ci-key", creds[0].Values["accessKey"])

	req, _ := http.NewRequest("GET", srv.URL("flowroute")+"/numbers", nil)
	req.SetBasicAuth("ci-key", "ci-secret")
	resp, body := srv.Do(t, "flowroute", req)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "12065550177")

	problems := srv.ScenarioProblems("version: 1\nflowroute:\n  acounts: []\n")
	require.Len(t, problems, 1)
	assert.Equal(t, 3, problems[0].Line)
	assert.Equal(t, "flowroute.acounts", problems[0].Path)
}

func TestFaultsEndToEnd(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	url := srv.URL("flowroute") + "/cnams"

	srv.Control("POST", "/faults", map[string]any{"provider": "flowroute", "route": "GET /cnams", "status": 503, "times": 1}, http.StatusCreated, nil)
	status, body := get(t, srv, url, nil)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Contains(t, string(body), `"status":503`, "the provider's own error shape")
	status, _ = get(t, srv, url, nil)
	assert.Equal(t, http.StatusOK, status, "times: 1 fires once")
	entries := srv.Journal(simtest.Filter{Provider: "flowroute", Status: 503})
	require.Len(t, entries, 1)
	assert.Contains(t, entries[0].Fault, "fault-1")

	srv.Control("POST", "/faults", map[string]any{"provider": "flowroute", "route": "GET /v2/cnams", "retryAfter": "30s"}, http.StatusCreated, nil)
	req, _ := http.NewRequest("GET", url, nil)
	req.SetBasicAuth("demo-access-key", "demo-secret-key")
	resp, _ := srv.Do(t, "", req)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "30", resp.Header.Get("Retry-After"))
	srv.Control("DELETE", "/faults", nil, http.StatusNoContent, nil)

	srv.Control("POST", "/faults", map[string]any{"provider": "flowroute", "route": "GET /cnams", "reset": true}, http.StatusCreated, nil)
	req, _ = http.NewRequest("GET", url, nil)
	req.SetBasicAuth("demo-access-key", "demo-secret-key")
	_, err := http.DefaultTransport.RoundTrip(req)
	require.Error(t, err)
	assert.True(t, errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "reset"), err.Error())
	var list struct {
		Faults []struct{ ID string } `json:"faults"`
	}
	srv.Control("GET", "/faults", nil, http.StatusOK, &list)
	require.Len(t, list.Faults, 1)
	srv.Control("DELETE", "/faults/"+list.Faults[0].ID, nil, http.StatusNoContent, nil)
	srv.Control("DELETE", "/faults/"+list.Faults[0].ID, nil, http.StatusNotFound, nil)

	// rules naming a provider or route that does not exist are refused
	srv.Control("POST", "/faults", map[string]any{"provider": "nope", "route": "GET /x", "status": 500}, http.StatusBadRequest, nil)
	srv.Control("POST", "/faults", map[string]any{"provider": "flowroute", "route": "GET /v2/nothing", "status": 500}, http.StatusBadRequest, nil)
	srv.Control("POST", "/faults", map[string]any{"provider": "flowroute", "route": "GET /cnams", "status": 500, "reset": true}, http.StatusBadRequest, nil)
}

// A rule matching on the body sees the request's bytes, and a request it
// lets through still reaches the handler with its body whole.
func TestFaultMatchesBodyAndKeepsIt(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	srv.Fault(simtest.FaultRule{Provider: "flowroute", Route: "POST /cnams", MatchBody: "FAIL ME", Status: 503})
	post := func(value string) (int, []byte) {
		req, _ := http.NewRequest("POST", srv.URL("flowroute")+"/cnams", strings.NewReader(`{"value":"`+value+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth("demo-access-key", "demo-secret-key")
		resp, body := srv.Do(t, "flowroute", req)
		return resp.StatusCode, body
	}
	status, _ := post("PLEASE FAIL ME")
	assert.Equal(t, http.StatusServiceUnavailable, status, "the rule saw the body")
	status, body := post("PASS THROUGH")
	require.Equal(t, http.StatusCreated, status, string(body))
	assert.Contains(t, string(body), "PASS THROUGH", "the handler read the whole body")
}

func TestHangFaultHoldsUntilClientGivesUp(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	srv.Control("POST", "/faults", map[string]any{"provider": "flowroute", "route": "GET /numbers", "hang": true}, http.StatusCreated, nil)
	client := &http.Client{Timeout: 300 * time.Millisecond}
	req, _ := http.NewRequest("GET", srv.URL("flowroute")+"/numbers", nil)
	req.SetBasicAuth("demo-access-key", "demo-secret-key")
	started := time.Now()
	_, err := client.Do(req)
	require.Error(t, err)
	var ne net.Error
	require.True(t, errors.As(err, &ne) && ne.Timeout(), err.Error())
	assert.GreaterOrEqual(t, time.Since(started), 250*time.Millisecond)
}

func TestProvidersSpecsAndIndex(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	var ps struct {
		Providers []struct {
			Name    string `json:"name"`
			URL     string `json:"url"`
			Routes  int    `json:"routes"`
			SpecURL string `json:"specUrl"`
		} `json:"providers"`
	}
	srv.Control("GET", "/providers", nil, http.StatusOK, &ps)
	require.NotEmpty(t, ps.Providers)
	for _, p := range ps.Providers {
		req, _ := http.NewRequest("GET", srv.BaseURL()+p.SpecURL, nil)
		resp, body := srv.Do(t, "", req)
		assert.Equal(t, http.StatusOK, resp.StatusCode, p.Name)
		assert.Contains(t, string(body), "openapi:", p.Name)
	}
	srv.Control("GET", "/health", nil, http.StatusOK, nil)
	resp, err := http.Get(srv.HTTP.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = http.Get(srv.HTTP.URL + "/nowhere")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestConcurrentTenantsUnderRace(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		srv := simtest.New(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				req, _ := http.NewRequest("POST", srv.URL("flowroute")+"/cnams", strings.NewReader(`{"value":"LOAD `+string(rune('A'+j))+`"}`))
				req.Header.Set("Content-Type", "application/json")
				req.SetBasicAuth("demo-access-key", "demo-secret-key")
				resp, err := srv.Client.Do(req)
				if err == nil {
					resp.Body.Close()
				}
			}
		}()
		t.Cleanup(func() {})
		defer func(s *simtest.Server) {
			wg.Wait()
			assert.Len(t, s.Journal(simtest.Filter{Method: "POST"}), 10)
		}(srv)
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	createCNAM(t, srv, "METRIC CO")
	srv.Advance(10 * time.Minute) // the default scenario's scheduled UNS change is delivered to its inbox
	resp, err := http.Get(srv.ControlURL() + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	text := string(body)
	assert.Contains(t, text, `simulator_requests_total{provider="flowroute",route="POST /v2/cnams",status="201"}`)
	assert.Contains(t, text, `simulator_request_duration_seconds_bucket{provider="flowroute"`)
	assert.Contains(t, text, "simulator_tenants ")
	assert.Contains(t, text, "simulator_journal_entries ")
	assert.Contains(t, text, `simulator_callback_deliveries{provider="tnregistry",status="delivered"}`)
}

func TestAdminToken(t *testing.T) {
	t.Parallel()
	sc, err := scenario.Parse("t.yaml", []byte("version: 1\n"), app.ProviderNames(app.Providers()), nil)
	require.NoError(t, err)
	a, err := app.New(app.Config{Scenario: sc, AdminToken: "s3cret"})
	require.NoError(t, err)
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	cases := []struct {
		path, token string
		want        int
	}{
		{"/__sim/clock", "", http.StatusUnauthorized},
		{"/__sim/clock", "wrong", http.StatusUnauthorized},
		{"/__sim/clock", "s3cret", http.StatusOK},
		{"/t/x/__sim/state", "", http.StatusUnauthorized},
		{"/__sim/health", "", http.StatusOK},
		{"/__sim/ui/", "", http.StatusOK},
		{"/flowroute/v2/cnams", "", http.StatusUnauthorized}, // the provider's own auth, not the admin token
	}
	for _, c := range cases {
		req, _ := http.NewRequest("GET", srv.URL+c.path, nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, c.want, resp.StatusCode, c.path)
	}
}

// Specs compile lazily, so this is where a broken OpenAPI document fails.
func TestEveryProviderSpecLoadsAndCoversItsRoutes(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	for _, info := range srv.App.Infos() {
		spec, err := srv.App.Spec(info.Name)
		require.NoError(t, err, info.Name)
		for _, rt := range srv.App.Routes(info.Name) {
			_, ok := spec.Operation(rt.Path, rt.Method)
			assert.True(t, ok || rt.NoValidate, "%s: %s %s is not in its OpenAPI document", info.Name, rt.Method, rt.Path)
		}
	}
}

func TestResetFrozenAtScenarioStart(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	var sc struct {
		Clock struct {
			Start time.Time `json:"start"`
		} `json:"clock"`
	}
	srv.Control("GET", "/scenario", nil, http.StatusOK, &sc)
	assert.Equal(t, sc.Clock.Start, srv.Now(), "frozen exactly at the start")
	srv.Control("POST", "/reset", map[string]string{"mode": "sideways"}, http.StatusBadRequest, nil)
}

// clockProbe is Flowroute, recording the tenant clock each time a state is
// built.
type clockProbe struct {
	provider.Provider
	mu   sync.Mutex
	seen []time.Time
}

func (p *clockProbe) NewState(env provider.Env, cfg any) (tenant.State, error) {
	p.mu.Lock()
	p.seen = append(p.seen, env.Clock.Now())
	p.mu.Unlock()
	return p.Provider.NewState(env, cfg)
}

// A reset into a frozen clock builds the state on the frozen clock: state
// seeded on a running clock that then went back to the start would hold
// times (token issues, deadlines) later than the clock shows.
func TestResetFrozenBuildsStateOnTheFrozenClock(t *testing.T) {
	t.Parallel()
	sc, err := scenario.Parse("t.yaml", []byte("version: 1\nclock: {start: \"2026-01-05T09:00:00Z\", mode: real}\n"), []string{"flowroute"}, nil)
	require.NoError(t, err)
	probe := &clockProbe{Provider: flowroute.New(nil)}
	a, err := app.New(app.Config{Scenario: sc, Providers: []provider.Provider{probe}})
	require.NoError(t, err)
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	time.Sleep(2 * time.Millisecond) // let a real clock move past the start
	resp, err := http.Post(srv.URL+"/t/probe/__sim/reset", "application/json", strings.NewReader(`{"mode":"frozen"}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	w, err := a.World("probe")
	require.NoError(t, err)
	probe.mu.Lock()
	defer probe.mu.Unlock()
	require.NotEmpty(t, probe.seen)
	assert.Equal(t, sc.Clock.Start, probe.seen[len(probe.seen)-1], "the state was built at the scenario start")
	assert.Equal(t, sc.Clock.Start, w.Clock.Now(), "and the clock stays there")
}

// panicky is Flowroute with one more route, which panics.
type panicky struct{ provider.Provider }

func (p panicky) Routes() []provider.Route {
	return append(p.Provider.Routes(), provider.Route{Method: "GET", Path: "/v2/boom", Name: "panic", Auth: provider.AuthNone,
		Handler: func(http.ResponseWriter, *http.Request) { panic("boom") }})
}

// A panic in a provider's handler is a 500 in that provider's error shape,
// on the main port as on the provider's own listener.
func TestProviderPanicAnswersInItsShape(t *testing.T) {
	t.Parallel()
	sc, err := scenario.Parse("t.yaml", []byte("version: 1\n"), []string{"flowroute"}, nil)
	require.NoError(t, err)
	a, err := app.New(app.Config{Scenario: sc, Providers: []provider.Provider{panicky{flowroute.New(nil)}}, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	own, err := a.ProviderHandler("flowroute")
	require.NoError(t, err)
	for name, h := range map[string]http.Handler{"main port": a.Handler(), "own listener": own} {
		srv := httptest.NewServer(h)
		path := "/v2/boom"
		if name == "main port" {
			path = "/flowroute/v2/boom"
		}
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		assert.Equal(t, http.StatusInternalServerError, resp.StatusCode, name)
		var doc struct {
			Errors []struct {
				Status int    `json:"status"`
				Title  string `json:"title"`
				Detail string `json:"detail"`
			} `json:"errors"`
		}
		require.NoError(t, json.Unmarshal(body, &doc), "%s: %s", name, body)
		require.Len(t, doc.Errors, 1, name)
		assert.Equal(t, 500, doc.Errors[0].Status, name)
		assert.Equal(t, "Internal Server Error", doc.Errors[0].Title, "%s: Flowroute's JSON:API shape", name)
	}
}

func TestDocsPagesServed(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	var ps struct {
		Providers []struct {
			Name    string `json:"name"`
			DocsURL string `json:"docsUrl"`
		} `json:"providers"`
	}
	srv.Control("GET", "/providers", nil, http.StatusOK, &ps)
	for _, p := range ps.Providers {
		resp, err := http.Get(srv.BaseURL() + p.DocsURL)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, p.Name)
		assert.Contains(t, resp.Header.Get("Content-Type"), "text/plain")
		assert.Contains(t, string(body), "routes:begin", p.Name)
	}
	srv.Control("GET", "/docs/nope.md", nil, http.StatusNotFound, nil)
	srv.Control("GET", "/docs/..%2Fgo.mod", nil, http.StatusNotFound, nil)
}
