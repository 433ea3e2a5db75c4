package reliability

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/scenario"
)

// TestEngineEdges: requests that never reach a provider still get a 4xx
// and the server keeps serving.
func TestEngineEdges(t *testing.T) {
	s := newSim(t)
	cases := []struct {
		name, path string
		header     http.Header
	}{
		{"tenant id too long", "/t/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/flowroute/v2/numbers", nil},
		{"tenant id with bad characters", "/t/a%20b/flowroute/v2/numbers", nil},
		{"tenant header with bad characters", "/flowroute/v2/numbers", http.Header{"X-Sim-Tenant": {"../etc"}}},
		{"empty tenant", "/t//flowroute/v2/numbers", nil},
		{"nothing mounted there", "/nope/v2/numbers", nil},
		{"traversal above a mount", "/flowroute/../__sim/tenants", nil},
		{"unknown provider path", "/flowroute/v3/whatever", nil},
		{"unknown control path", "/__sim/nope", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := req{Method: http.MethodGet, Header: c.header}
			// Send the raw path: not through s.uri, which adds a tenant.
			out := s.raw(r, c.path)
			assert.GreaterOrEqual(t, out.Status, 300, out.String())
			assert.Less(t, out.Status, 500, out.String())
		})
	}
	s.healthy(t)
}

// TestTenantCap: with MaxTenants set, a new tenant evicts the least
// recently used one among those idle for longer than TenantIdle, and its
// next request starts it afresh.
func TestTenantCap(t *testing.T) {
	logs := &syncBuffer{}
	a, err := app.New(app.Config{Scenario: defaultScenario(t), Providers: providers(), MaxTenants: 3,
		TenantIdle: 90 * time.Second, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	wall := &movableWall{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	a.Tenants().Wall = wall.now
	s := &sim{t: t, app: a, h: a.Handler(), logs: logs}
	fr := setHeader("Authorization", basicAuth(flowrouteKey, flowrouteSecret))
	for _, tn := range []string{"cap-a", "cap-b", "cap-c", "cap-a", "cap-d"} {
		wall.add(time.Minute) // everyone but the last one used is idle
		out := s.do(req{Tenant: tn, Provider: "flowroute", Method: "GET", Path: "/v2/numbers", Sign: fr})
		require.Equal(t, http.StatusOK, out.Status, out.String())
	}
	out := s.raw(req{Method: "GET"}, "/__sim/tenants")
	var l struct {
		Tenants []struct {
			ID string `json:"id"`
		} `json:"tenants"`
	}
	require.NoError(t, json.Unmarshal(out.Body, &l), out.String())
	var ids []string
	for _, v := range l.Tenants {
		ids = append(ids, v.ID)
	}
	assert.Equal(t, []string{"cap-a", "cap-c", "cap-d"}, ids, "the least recently used idle tenant is evicted")
	s.requireNoPanic(t)
}

// TestJournalBound: a tenant's journal keeps the scenario's journal.size
// newest entries and truncates bodies to journal.bodyLimit.
func TestJournalBound(t *testing.T) {
	sc, err := scenario.Parse("small.yaml", []byte(`version: 1
seed: 1
journal: {size: 5, bodyLimit: 64}
flowroute:
  accounts: [{name: a, accessKey: k, secretKey: s, numbers: {list: ["12065550100"]}}]
`), app.ProviderNames(providers()), nil)
	require.NoError(t, err)
	a, err := app.New(app.Config{Scenario: sc, Providers: providers(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	s := &sim{t: t, app: a, h: a.Handler(), logs: &syncBuffer{}}
	for i := 0; i < 12; i++ {
		out := s.do(req{Tenant: "j", Provider: "flowroute", Method: "POST", Path: "/v2/cnams", Header: jsonHeader(),
			Body: mustJSON(map[string]string{"value": "LONG NAME " + itoa(i) + " PADDING PADDING PADDING PADDING PADDING PADDING"}), Sign: setHeader("Authorization", basicAuth("k", "s"))})
		require.Less(t, out.Status, 500, out.String())
	}
	out := s.do(req{Tenant: "j", Method: "GET", Path: "/__sim/journal"})
	var j struct {
		Entries []struct {
			RequestBody string `json:"requestBody"`
		} `json:"entries"`
	}
	require.NoError(t, json.Unmarshal(out.Body, &j), out.String())
	assert.Len(t, j.Entries, 5)
	for _, e := range j.Entries {
		assert.LessOrEqual(t, len(e.RequestBody), 64+32, "body kept: %q", e.RequestBody)
	}
}
