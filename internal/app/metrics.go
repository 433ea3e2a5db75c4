package app

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/safe"
)

// metrics are the simulator's Prometheus metrics, served at /__sim/metrics.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	handler  http.Handler

	// counters caches requests' children by (provider, route, status), so
	// a request neither formats its status nor hashes its label values;
	// the keys are bounded by the routes and the status codes they answer.
	counters sync.Map // counterKey -> prometheus.Counter
	// latencies are latency's children by provider, made up front.
	latencies map[string]prometheus.Observer
}

type counterKey struct {
	prov, route string
	status      int
}

// DeliveryCounter is implemented by provider states that send callbacks.
type DeliveryCounter interface {
	DeliveryCounts() map[string]int
}

func newMetrics(a *App) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "simulator_requests_total",
		Help: "Provider requests by provider, route template and status.",
	}, []string{"provider", "route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "simulator_request_duration_seconds",
		Help:    "Time to serve provider requests (including injected latency).",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"provider"})
	panics := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "simulator_panics_total",
		Help: "Panics recovered in the simulator's own goroutines (clock timers, callback deliveries, watchers) and in requests.",
	}, func() float64 { return float64(safe.Panics()) })
	m.reg.MustRegister(m.requests, m.latency, panics, &worldCollector{a: a}, &tenantCollector{a: a},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	m.latencies = map[string]prometheus.Observer{}
	for _, mt := range a.mounts {
		m.latencies[mt.info.Name] = m.latency.WithLabelValues(mt.info.Name)
	}
	return m
}

func (m *metrics) observe(prov string, match *provider.Match, status int, seconds float64) {
	route := "unmatched"
	if match != nil && match.Route != "" {
		route = match.Route
	}
	key := counterKey{prov, route, status}
	c, ok := m.counters.Load(key)
	if !ok {
		c, _ = m.counters.LoadOrStore(key, m.requests.WithLabelValues(prov, route, strconv.Itoa(status)))
	}
	c.(prometheus.Counter).Inc()
	if o, ok := m.latencies[prov]; ok {
		o.Observe(seconds)
	} else {
		m.latency.WithLabelValues(prov).Observe(seconds)
	}
}

// worldCollector reads tenant-level gauges at scrape time.
type worldCollector struct{ a *App }

var (
	tenantsDesc    = prometheus.NewDesc("simulator_tenants", "Live tenants.", nil, nil)
	journalDesc    = prometheus.NewDesc("simulator_journal_entries", "Journal entries held, summed over tenants.", nil, nil)
	deliveriesDesc = prometheus.NewDesc("simulator_callback_deliveries", "Outbound callback deliveries by status (pending, delivered, dead), summed over tenants.", []string{"provider", "status"}, nil)
)

func (c *worldCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- tenantsDesc
	ch <- journalDesc
	ch <- deliveriesDesc
}

func (c *worldCollector) Collect(ch chan<- prometheus.Metric) {
	worlds := c.a.tenants.All()
	journal := 0
	deliveries := map[[2]string]int{}
	for _, w := range worlds {
		journal += w.Journal.Len()
		for _, name := range w.Names() {
			if dc, ok := w.State(name).(DeliveryCounter); ok {
				for status, n := range dc.DeliveryCounts() {
					deliveries[[2]string{name, status}] += n
				}
			}
		}
	}
	ch <- prometheus.MustNewConstMetric(tenantsDesc, prometheus.GaugeValue, float64(len(worlds)))
	ch <- prometheus.MustNewConstMetric(journalDesc, prometheus.GaugeValue, float64(journal))
	for k, n := range deliveries {
		ch <- prometheus.MustNewConstMetric(deliveriesDesc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
}

func (a *App) serveMetrics(w http.ResponseWriter, r *http.Request) { a.metrics.handler.ServeHTTP(w, r) }
