package app_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
)

// headerWriter is a ResponseWriter that keeps the status and discards the
// body, reusing its header map, so AllocsPerRun counts the handler's own
// allocations and none of the test's.
type headerWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *headerWriter) Header() http.Header         { return w.h }
func (w *headerWriter) WriteHeader(code int)        { w.status = code }
func (w *headerWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// Allocation budgets of the engine plus the provider's handler, per request,
// on top of what net/http itself allocates per request (about 23 for a plain
// server answering the same bytes, see docs/performance.md): the issue's
// targets are 40 for the headline and 80 for every workload, as counted by
// simbench on the server.
var allocBudgets = []struct {
	name   string
	target string
	budget float64
}{
	// nothing to validate: no query string, no body
	{name: "headline: Flowroute GET /v2/cnams", target: "/flowroute/v2/cnams", budget: 10},
	// a tenant prefix, and a query string kin-openapi checks
	{name: "in a tenant, with a query", target: "/t/alloc-guard/flowroute/v2/cnams?limit=10", budget: 30},
}

// TestAllocationBudgets fails when a hot request allocates more than its
// budget: the guard that keeps the engine's per-request cost from creeping
// back.
func TestAllocationBudgets(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts need the whole handler")
	}
	sc, err := app.DefaultScenario()
	require.NoError(t, err)
	a, err := app.New(app.Config{Scenario: sc})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	h := a.Handler()
	for _, tc := range allocBudgets {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tc.target, nil)
			req.SetBasicAuth("demo-access-key", "demo-secret-key")
			w := &headerWriter{h: http.Header{}}
			serve := func() {
				clear(w.h)
				w.status, w.n = 0, 0
				h.ServeHTTP(w, req)
			}
			serve() // builds the tenant and compiles the OpenAPI document
			require.Equal(t, http.StatusOK, w.status)
			require.Positive(t, w.n)
			got := testing.AllocsPerRun(200, serve)
			assert.Equal(t, http.StatusOK, w.status)
			assert.LessOrEqual(t, got, tc.budget, "allocations per request")
			t.Logf("%.0f allocations per request (budget %.0f)", got, tc.budget)
		})
	}
}
