// Package metrics holds the simulator's Prometheus metrics: counters and
// histograms that requests update without locks, and a writer of the text
// exposition format (version 0.0.4) that /__sim/metrics answers with,
// including the Go runtime's and the process's own metrics.
//
// It is written here rather than taken from the Prometheus client library,
// which brought protocol buffers with it: about 3.7 MB of binary and 0.6 MB of
// heap for the dozen metrics the simulator has.
package metrics

import (
	"math"
	"sort"
	"sync/atomic"
)

// Counter is a monotonically increasing count.
type Counter struct{ n atomic.Uint64 }

// Inc adds one.
func (c *Counter) Inc() { c.n.Add(1) }

// Value is the count so far.
func (c *Counter) Value() uint64 { return c.n.Load() }

// Histogram counts observations into cumulative buckets, as Prometheus
// histograms do.
type Histogram struct {
	upper  []float64       // bucket upper bounds, ascending, without +Inf
	counts []atomic.Uint64 // observations per bucket (not cumulative); the last is +Inf
	sum    atomic.Uint64   // float64 bits
}

// NewHistogram returns a histogram with the given bucket upper bounds, which
// must be ascending; the +Inf bucket is implied.
func NewHistogram(buckets []float64) *Histogram {
	if !sort.Float64sAreSorted(buckets) {
		panic("metrics: histogram buckets must be ascending")
	}
	return &Histogram{upper: buckets, counts: make([]atomic.Uint64, len(buckets)+1)}
}

// Observe records v.
func (h *Histogram) Observe(v float64) {
	h.counts[sort.SearchFloat64s(h.upper, v)].Add(1)
	for {
		old := h.sum.Load()
		if h.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// HistogramSnapshot is a histogram read at one moment: cumulative counts
// per bucket (the last is +Inf, equal to Count), the sum and the count.
type HistogramSnapshot struct {
	Upper      []float64
	Cumulative []uint64
	Sum        float64
	Count      uint64
}

// Snapshot reads the histogram. Observations made while it reads may be in
// the buckets and not yet in the sum; the count is always the +Inf bucket.
func (h *Histogram) Snapshot() HistogramSnapshot {
	s := HistogramSnapshot{Upper: h.upper, Cumulative: make([]uint64, len(h.counts))}
	var n uint64
	for i := range h.counts {
		n += h.counts[i].Load()
		s.Cumulative[i] = n
	}
	s.Count = n
	s.Sum = math.Float64frombits(h.sum.Load())
	return s
}
