package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const wrkSample = `Running 2s test @ http://127.0.0.1:40123/flowroute/v2/cnams
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.40ms  612.35us  14.52ms   91.20%
    Req/Sec    23.51k     1.02k   24.90k    80.00%
  Latency Distribution
     50%    1.31ms
     75%    1.52ms
     90%    1.81ms
     99%    3.25ms
  46791 requests in 2.00s, 68.52MB read
  Socket errors: connect 0, read 2, write 1, timeout 0
  Non-2xx or 3xx responses: 5
Requests/sec:  23395.61
Transfer/sec:     34.26MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkSample)
	require.NoError(t, err)
	assert.Equal(t, int64(46791), r.Requests)
	assert.InDelta(t, 23395.61, r.RPS, 0.001)
	assert.Equal(t, 1310*time.Microsecond, r.P50)
	assert.Equal(t, 3250*time.Microsecond, r.P99)
	assert.Equal(t, int64(8), r.Errors)

	_, err = parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n")
	assert.Error(t, err)
}

func TestWrkLatency(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{in: "812.00us", want: 812 * time.Microsecond},
		{in: "1.23ms", want: 1230 * time.Microsecond},
		{in: "2.00s", want: 2 * time.Second},
		{in: "1.50m", want: 90 * time.Second},
		{in: "fast", bad: true},
		{in: "xms", bad: true},
	} {
		got, err := wrkLatency(tc.in)
		if tc.bad {
			assert.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.InDelta(t, float64(tc.want), float64(got), float64(time.Microsecond), tc.in)
	}
}

func TestMergeWrk(t *testing.T) {
	a := &wrkResult{Requests: 100, RPS: 100, P50: time.Millisecond, P99: 3 * time.Millisecond, AllocsReq: 10}
	b := &wrkResult{Requests: 300, RPS: 100, P50: 2 * time.Millisecond, P99: 2 * time.Millisecond, AllocsReq: 30, Errors: 1}
	m := mergeWrk(a, b)
	assert.Equal(t, int64(400), m.Requests)
	assert.InDelta(t, 100, m.RPS, 1e-9)
	assert.InDelta(t, 25, m.AllocsReq, 1e-9)
	assert.Equal(t, 3*time.Millisecond, m.P99)
	assert.Equal(t, 2*time.Millisecond, m.P50)
	assert.Equal(t, int64(1), m.Errors)
}

func TestMedian(t *testing.T) {
	assert.Equal(t, 0.0, median(nil))
	assert.Equal(t, 2.0, median([]float64{3, 1, 2}))
	assert.Equal(t, 2.5, median([]float64{4, 1, 3, 2}))
}
