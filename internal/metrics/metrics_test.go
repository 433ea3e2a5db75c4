package metrics_test

import (
	"bytes"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/metrics"
)

// parse reads an exposition with Prometheus's own parser, so what it accepts
// is what a Prometheus server scraping the simulator accepts.
func parse(t *testing.T, b []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(b))
	require.NoError(t, err, "%s", b)
	return fams
}

func TestHistogramBuckets(t *testing.T) {
	cases := []struct {
		name    string
		observe []float64
		want    []uint64 // cumulative, +Inf last
		sum     float64
	}{
		{"none", nil, []uint64{0, 0, 0}, 0},
		{"a bound is inside its bucket", []float64{0.5, 1}, []uint64{1, 2, 2}, 1.5},
		{"past the last bound", []float64{7}, []uint64{0, 0, 1}, 7},
		{"each bucket", []float64{0.1, 0.9, 3}, []uint64{1, 2, 3}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := metrics.NewHistogram([]float64{0.5, 1})
			for _, v := range c.observe {
				h.Observe(v)
			}
			s := h.Snapshot()
			assert.Equal(t, c.want, s.Cumulative)
			assert.Equal(t, c.want[len(c.want)-1], s.Count)
			assert.InDelta(t, c.sum, s.Sum, 1e-12)
		})
	}
	assert.Panics(t, func() { metrics.NewHistogram([]float64{1, 0.5}) })
}

func TestConcurrentUpdates(t *testing.T) {
	h := metrics.NewHistogram([]float64{1})
	var c metrics.Counter
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				h.Observe(0.25)
				c.Inc()
			}
		}()
	}
	wg.Wait()
	s := h.Snapshot()
	assert.Equal(t, uint64(8000), s.Count)
	assert.Equal(t, 2000.0, s.Sum)
	assert.Equal(t, uint64(8000), c.Value())
}

func TestTextParsesAsPrometheusReadsIt(t *testing.T) {
	h := metrics.NewHistogram([]float64{0.001, 0.5})
	h.Observe(0.0005)
	h.Observe(0.2)
	h.Observe(9)
	var x metrics.Text
	x.Family("t_requests_total", metrics.CounterType, "Requests.\nBy route, with a \\ in it.")
	x.Count("t_requests_total", 3, "route", `GET /a "quoted"`, "status", "200")
	x.Count("t_requests_total", 1, "route", "back\\slash\nnewline", "status", "401")
	x.Family("t_duration_seconds", metrics.HistogramType, "Durations.")
	x.Histogram("t_duration_seconds", h.Snapshot(), "provider", "flowroute")
	x.Family("t_gauge", metrics.GaugeType, "Odd values.")
	x.Sample("t_gauge", math.Inf(1), "v", "inf")
	x.Sample("t_gauge", math.NaN(), "v", "nan")
	x.Sample("t_gauge", 1.5e-7, "v", "small")
	x.Sample("t_gauge", 42)

	fams := parse(t, x.Bytes())
	req := fams["t_requests_total"]
	require.NotNil(t, req)
	assert.Equal(t, dto.MetricType_COUNTER, req.GetType())
	assert.Equal(t, "Requests.\nBy route, with a \\ in it.", req.GetHelp())
	got := map[string]float64{}
	for _, m := range req.Metric {
		got[m.Label[0].GetValue()] = m.Counter.GetValue()
	}
	assert.Equal(t, map[string]float64{`GET /a "quoted"`: 3, "back\\slash\nnewline": 1}, got)

	dur := fams["t_duration_seconds"]
	require.NotNil(t, dur)
	hist := dur.Metric[0].Histogram
	assert.Equal(t, uint64(3), hist.GetSampleCount())
	assert.InDelta(t, 9.2005, hist.GetSampleSum(), 1e-9)
	var bounds []float64
	var counts []uint64
	for _, b := range hist.Bucket {
		bounds = append(bounds, b.GetUpperBound())
		counts = append(counts, b.GetCumulativeCount())
	}
	assert.Equal(t, []float64{0.001, 0.5, math.Inf(1)}, bounds)
	assert.Equal(t, []uint64{1, 2, 3}, counts)

	g := map[string]float64{}
	for _, m := range fams["t_gauge"].Metric {
		k := ""
		if len(m.Label) > 0 {
			k = m.Label[0].GetValue()
		}
		g[k] = m.Gauge.GetValue()
	}
	assert.True(t, math.IsInf(g["inf"], 1))
	assert.True(t, math.IsNaN(g["nan"]))
	assert.Equal(t, 1.5e-7, g["small"])
	assert.Equal(t, 42.0, g[""])
}

func TestRuntimeAndProcessMetrics(t *testing.T) {
	var x metrics.Text
	metrics.WriteGo(&x)
	metrics.WriteProcess(&x)
	fams := parse(t, x.Bytes())
	for name, typ := range map[string]dto.MetricType{
		"go_goroutines":                 dto.MetricType_GAUGE,
		"go_gc_duration_seconds":        dto.MetricType_SUMMARY,
		"go_memstats_alloc_bytes_total": dto.MetricType_COUNTER,
		"go_memstats_heap_inuse_bytes":  dto.MetricType_GAUGE,
		"go_threads":                    dto.MetricType_GAUGE,
		"go_info":                       dto.MetricType_GAUGE,
	} {
		require.Contains(t, fams, name)
		assert.Equal(t, typ, fams[name].GetType(), name)
	}
	assert.Positive(t, fams["go_goroutines"].Metric[0].Gauge.GetValue())
	assert.Positive(t, fams["go_memstats_heap_inuse_bytes"].Metric[0].Gauge.GetValue())
	assert.True(t, strings.HasPrefix(fams["go_info"].Metric[0].Label[0].GetValue(), "go"))
	if runtime.GOOS == "linux" {
		rss := fams["process_resident_memory_bytes"].Metric[0].Gauge.GetValue()
		assert.Greater(t, rss, 1e6)
		assert.Positive(t, fams["process_open_fds"].Metric[0].Gauge.GetValue())
		assert.Positive(t, fams["process_max_fds"].Metric[0].Gauge.GetValue())
		assert.Equal(t, dto.MetricType_COUNTER, fams["process_cpu_seconds_total"].GetType())
		start := fams["process_start_time_seconds"].Metric[0].Gauge.GetValue()
		now := float64(time.Now().Unix())
		assert.InDelta(t, now, start, 3600, "the test process started within the hour")
	}
}

// TestFamilyWithoutSamples: a family nothing was written to is left out.
func TestFamilyWithoutSamples(t *testing.T) {
	var x metrics.Text
	x.Family("t_empty", metrics.GaugeType, "Nothing here.")
	x.Family("t_one", metrics.GaugeType, "One.")
	x.Sample("t_one", 1)
	x.Family("t_empty_last", metrics.CounterType, "Nothing either.")
	assert.Equal(t, "# HELP t_one One.\n# TYPE t_one gauge\nt_one 1\n", string(x.Bytes()))
}
