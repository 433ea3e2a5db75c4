package app_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
)

// TestMetricsCountEveryRequest checks the cached counters keep counting:
// three answers of one route and status, one of another status.
func TestMetricsCountEveryRequest(t *testing.T) {
	sc, err := app.DefaultScenario()
	require.NoError(t, err)
	a, err := app.New(app.Config{Scenario: sc})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	h := a.Handler()
	get := func(pass string) int {
		req := httptest.NewRequest(http.MethodGet, "/t/metrics-count/flowroute/v2/cnams", nil)
		req.SetBasicAuth("demo-access-key", pass)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for range 3 {
		require.Equal(t, http.StatusOK, get("demo-secret-key"))
	}
	require.Equal(t, http.StatusUnauthorized, get("wrong"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/__sim/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "text/plain; version=0.0.4; charset=utf-8", rec.Header().Get("Content-Type"))
	text := rec.Body.String()
	// Prometheus's own parser reads the whole answer.
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(text))
	require.NoError(t, err)
	for _, name := range []string{"simulator_requests_total", "simulator_request_duration_seconds", "simulator_panics_total",
		"simulator_tenants", "simulator_journal_entries", "simulator_tenants_refused_total",
		"simulator_tenants_released_total", "simulator_tenants_evicted_total", "go_goroutines", "go_memstats_heap_inuse_bytes"} {
		assert.Contains(t, fams, name)
	}
	assert.Contains(t, text, `simulator_requests_total{provider="flowroute",route="GET /v2/cnams",status="200"} 3`)
	assert.Contains(t, text, `simulator_requests_total{provider="flowroute",route="GET /v2/cnams",status="401"} 1`)
	assert.Contains(t, text, `simulator_request_duration_seconds_count{provider="flowroute"} 4`)
}
