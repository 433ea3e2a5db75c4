package app

import (
	"net/http"
	"sort"
	"strconv"
	"sync"

	"github.com/telecomsim/simulator/internal/metrics"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/safe"
)

// latencyBuckets are simulator_request_duration_seconds's upper bounds.
var latencyBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// requestMetrics count the provider requests for /__sim/metrics.
type requestMetrics struct {
	// requests are simulator_requests_total's series by (provider, route,
	// status); the keys are bounded by the routes and the status codes they
	// answer.
	requests sync.Map // counterKey -> *metrics.Counter
	// latencies are simulator_request_duration_seconds's series by provider.
	latencies sync.Map // string -> *metrics.Histogram
}

type counterKey struct {
	prov, route string
	status      int
}

// DeliveryCounter is implemented by provider states that send callbacks.
type DeliveryCounter interface {
	DeliveryCounts() map[string]int
}

func newMetrics(a *App) *requestMetrics {
	m := &requestMetrics{}
	for _, mt := range a.mounts {
		m.latencies.Store(mt.info.Name, metrics.NewHistogram(latencyBuckets))
	}
	return m
}

func (m *requestMetrics) observe(prov string, match *provider.Match, status int, seconds float64) {
	route := "unmatched"
	if match != nil && match.Route != "" {
		route = match.Route
	}
	key := counterKey{prov, route, status}
	c, ok := m.requests.Load(key)
	if !ok {
		c, _ = m.requests.LoadOrStore(key, new(metrics.Counter))
	}
	c.(*metrics.Counter).Inc()
	h, ok := m.latencies.Load(prov)
	if !ok {
		h, _ = m.latencies.LoadOrStore(prov, metrics.NewHistogram(latencyBuckets))
	}
	h.(*metrics.Histogram).Observe(seconds)
}

// write writes the request metrics, each family's series in label order.
func (m *requestMetrics) write(t *metrics.Text) {
	type count struct {
		key counterKey
		n   uint64
	}
	var counts []count
	m.requests.Range(func(k, v any) bool {
		counts = append(counts, count{k.(counterKey), v.(*metrics.Counter).Value()})
		return true
	})
	sort.Slice(counts, func(i, j int) bool {
		a, b := counts[i].key, counts[j].key
		if a.prov != b.prov {
			return a.prov < b.prov
		}
		if a.route != b.route {
			return a.route < b.route
		}
		return a.status < b.status
	})
	t.Family("simulator_requests_total", metrics.CounterType, "Provider requests by provider, route template and status.")
	for _, c := range counts {
		t.Count("simulator_requests_total", c.n, "provider", c.key.prov, "route", c.key.route, "status", strconv.Itoa(c.key.status))
	}
	var provs []string
	m.latencies.Range(func(k, _ any) bool {
		provs = append(provs, k.(string))
		return true
	})
	sort.Strings(provs)
	t.Family("simulator_request_duration_seconds", metrics.HistogramType, "Time to serve provider requests (including injected latency).")
	for _, p := range provs {
		h, _ := m.latencies.Load(p)
		t.Histogram("simulator_request_duration_seconds", h.(*metrics.Histogram).Snapshot(), "provider", p)
	}
}

// serveMetrics answers with every metric: the requests', the tenants' and
// callbacks' (read now), the Go runtime's and the process's.
func (a *App) serveMetrics(w http.ResponseWriter, r *http.Request) {
	var t metrics.Text
	a.metrics.write(&t)
	t.Family("simulator_panics_total", metrics.CounterType, "Panics recovered in the simulator's own goroutines (clock timers, callback deliveries, watchers) and in requests.")
	t.Count("simulator_panics_total", uint64(safe.Panics()))
	a.writeWorldMetrics(&t)
	metrics.WriteGo(&t)
	metrics.WriteProcess(&t)
	w.Header().Set("Content-Type", metrics.ContentType)
	_, _ = w.Write(t.Bytes())
}
