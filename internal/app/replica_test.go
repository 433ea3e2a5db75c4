package app_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/scenario"
)

// Every answer names the replica that gave it, whatever the answer is, on
// the main port and on a provider's own listener, so a person or a test
// behind a load balancer can tell where a tenant lives.
func TestReplicaHeaderOnEveryAnswer(t *testing.T) {
	t.Parallel()
	sc, err := scenario.Parse("t.yaml", []byte("version: 1\n"), app.ProviderNames(app.Providers()), nil)
	require.NoError(t, err)
	named, err := app.New(app.Config{Scenario: sc, Replica: "sim-2"})
	require.NoError(t, err)
	unnamed, err := app.New(app.Config{Scenario: sc})
	require.NoError(t, err)
	own, err := named.ProviderHandler("flowroute")
	require.NoError(t, err)

	cases := []struct {
		name    string
		h       http.Handler
		path    string
		status  int
		replica string
	}{
		{"provider refuses auth", named.Handler(), "/t/job-1/flowroute/v2/cnams", http.StatusUnauthorized, "sim-2"},
		{"control", named.Handler(), "/t/job-1/__sim/health", http.StatusOK, "sim-2"},
		{"default tenant", named.Handler(), "/__sim/clock", http.StatusOK, "sim-2"},
		{"nothing mounted", named.Handler(), "/nowhere", http.StatusNotFound, "sim-2"},
		{"bad tenant id", named.Handler(), "/t/-x/__sim/health", http.StatusBadRequest, "sim-2"},
		{"provider's own listener", own, "/t/job-1/v2/cnams", http.StatusUnauthorized, "sim-2"},
		{"no name, no header", unnamed.Handler(), "/__sim/health", http.StatusOK, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
			assert.Equal(t, c.status, rec.Code)
			assert.Equal(t, c.replica, rec.Header().Get(app.ReplicaHeader))
		})
	}
}
