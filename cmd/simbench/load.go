package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// op is one request a session wants to make, relative to the target's base
// URL.
type op struct {
	Method string
	Path   string // path and query
	Body   []byte
	Header http.Header
}

// session is one client's request sequence. next returns the request to
// send; observe sees its answer (a session may follow a page token or an id
// it got back).
type session interface {
	next() op
	observe(o op, status int, body []byte)
}

// loadResult is what one closed-loop run measured.
type loadResult struct {
	Target    string          `json:"target"`
	Requests  int64           `json:"requests"` // measured (after warm-up)
	Total     int64           `json:"total"`    // every completed request, warm-up included
	Errors    int64           `json:"errors"`   // transport errors and 5xx
	Statuses  map[int]int64   `json:"statuses"`
	Elapsed   time.Duration   `json:"elapsed"`
	RPS       float64         `json:"rps"`
	P50       time.Duration   `json:"p50"`
	P99       time.Duration   `json:"p99"`
	P999      time.Duration   `json:"p999"`
	Max       time.Duration   `json:"max"`
	Mallocs   uint64          `json:"mallocs"` // filled by whoever can see the server's heap
	AllocsReq float64         `json:"allocsPerReq"`
	Samples   []time.Duration `json:"samples,omitempty"` // sorted
}

// newClient is a keep-alive client with an idle connection per worker, dialing
// loopback only.
func newClient(conc int) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return nil, fmt.Errorf("simbench only talks to loopback addresses, not %s", addr)
			}
			return d.DialContext(ctx, network, addr)
		},
		MaxIdleConns:        conc * 2,
		MaxIdleConnsPerHost: conc * 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// do sends one op and reads the whole body into buf.
func do(ctx context.Context, c *http.Client, base string, o op, buf *bytes.Buffer) (int, error) {
	var body io.Reader
	if o.Body != nil {
		body = bytes.NewReader(o.Body)
	}
	req, err := http.NewRequestWithContext(ctx, o.Method, base+o.Path, body)
	if err != nil {
		return 0, err
	}
	for k, v := range o.Header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

// runLoad drives base with conc closed-loop workers for d (after a warm-up
// of warm), stopping early after maxReq requests when maxReq > 0.
func runLoad(ctx context.Context, name, base string, conc int, warm, d time.Duration, maxReq int64, newSession func(w int) session) (*loadResult, error) {
	c := newClient(conc)
	defer c.CloseIdleConnections()

	var (
		measuring atomic.Bool
		stop      atomic.Bool
		count     atomic.Int64
		total     atomic.Int64
		errs      atomic.Int64
		firstErr  atomic.Value
		wg        sync.WaitGroup
	)
	samples := make([][]time.Duration, conc)
	statuses := make([]map[int]int64, conc)
	for w := 0; w < conc; w++ {
		statuses[w] = map[int]int64{}
		samples[w] = make([]time.Duration, 0, 1<<14)
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s := newSession(w)
			var buf bytes.Buffer
			for !stop.Load() {
				o := s.next()
				t0 := time.Now()
				st, err := do(ctx, c, base, o, &buf)
				lat := time.Since(t0)
				if err != nil {
					if stop.Load() || ctx.Err() != nil {
						return
					}
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				total.Add(1)
				s.observe(o, st, buf.Bytes())
				if !measuring.Load() {
					continue
				}
				if st >= 500 {
					errs.Add(1)
				}
				statuses[w][st]++
				samples[w] = append(samples[w], lat)
				if n := count.Add(1); maxReq > 0 && n >= maxReq {
					stop.Store(true)
				}
			}
		}(w)
	}
	select {
	case <-time.After(warm):
	case <-ctx.Done():
	}
	measuring.Store(true)
	start := time.Now()
	timer := time.NewTimer(d)
	tick := time.NewTicker(10 * time.Millisecond)
loop:
	for {
		select {
		case <-timer.C:
			break loop
		case <-ctx.Done():
			break loop
		case <-tick.C:
			if stop.Load() {
				break loop
			}
		}
	}
	tick.Stop()
	elapsed := time.Since(start)
	measuring.Store(false)
	stop.Store(true)
	wg.Wait()

	r := &loadResult{Target: name, Elapsed: elapsed, Statuses: map[int]int64{}}
	for w := range samples {
		r.Samples = append(r.Samples, samples[w]...)
		for k, v := range statuses[w] {
			r.Statuses[k] += v
		}
	}
	r.Errors = errs.Load()
	r.Total = total.Load()
	r.summarize()
	if r.Requests == 0 {
		msg, _ := firstErr.Load().(string)
		return r, fmt.Errorf("%s: no request completed (%s)", name, msg)
	}
	return r, nil
}

// summarize sorts the samples and derives the rate and the quantiles.
func (r *loadResult) summarize() {
	r.Requests = int64(len(r.Samples))
	r.RPS = float64(r.Requests) / r.Elapsed.Seconds()
	sort.Slice(r.Samples, func(i, j int) bool { return r.Samples[i] < r.Samples[j] })
	r.P50, r.P99, r.P999 = quantile(r.Samples, 0.50), quantile(r.Samples, 0.99), quantile(r.Samples, 0.999)
	if n := len(r.Samples); n > 0 {
		r.Max = r.Samples[n-1]
	}
}

// merge adds another round of the same target to r.
func (r *loadResult) merge(o *loadResult) {
	r.Samples = append(r.Samples, o.Samples...)
	r.Elapsed += o.Elapsed
	r.Errors += o.Errors
	r.Total += o.Total
	r.Mallocs += o.Mallocs
	for k, v := range o.Statuses {
		r.Statuses[k] += v
	}
	r.summarize()
	if r.Total > 0 {
		r.AllocsReq = float64(r.Mallocs) / float64(r.Total)
	}
}

// quantile reads the q-quantile of sorted samples (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i]
}

// captured is one response as the client saw it, replayed by the plain
// server.
type captured struct {
	Status int
	Header http.Header
	Body   []byte
}

// captureKey names a request for the plain server: the method and the path
// without a tenant prefix, with numeric segments and the query dropped, so
// every "GET a CNAM record" maps to the same captured answer.
func captureKey(method, path string) string {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if strings.HasPrefix(path, "/t/") {
		rest := path[len("/t/"):]
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			path = rest[i:]
		}
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if s != "" && strings.Trim(s, "0123456789") == "" {
			segs[i] = "#"
		}
	}
	return method + " " + strings.Join(segs, "/")
}

// capture runs a few rounds of fresh sessions against the simulator and keeps
// the first answer per capture key.
func capture(ctx context.Context, base string, rounds int, newSession func(w int) session) (map[string]*captured, error) {
	c := newClient(1)
	defer c.CloseIdleConnections()
	out := map[string]*captured{}
	s := newSession(0)
	for i := 0; i < rounds; i++ {
		o := s.next()
		req, err := http.NewRequestWithContext(ctx, o.Method, base+o.Path, bytes.NewReader(o.Body))
		if err != nil {
			return nil, err
		}
		if o.Body == nil {
			req.Body = http.NoBody
		}
		for k, v := range o.Header {
			req.Header[k] = v
		}
		resp, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode >= 400 {
			return nil, fmt.Errorf("capture: %s %s: %d %s", o.Method, o.Path, resp.StatusCode, truncate(b, 300))
		}
		s.observe(o, resp.StatusCode, b)
		k := captureKey(o.Method, o.Path)
		if _, ok := out[k]; !ok {
			h := resp.Header.Clone()
			h.Del("Date")
			out[k] = &captured{Status: resp.StatusCode, Header: h, Body: b}
		}
	}
	return out, nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// plainHandler answers every request with the captured response for its key,
// using nothing but net/http.
func plainHandler(caps map[string]*captured) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := caps[captureKey(r.Method, r.URL.Path)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Body != nil {
			_, _ = io.Copy(io.Discard, r.Body)
		}
		h := w.Header()
		for k, v := range c.Header {
			h[k] = v
		}
		w.WriteHeader(c.Status)
		_, _ = w.Write(c.Body)
	})
}

// jsonField digs a value out of a JSON document by a path of object keys.
func jsonField(body []byte, path ...string) (json.RawMessage, bool) {
	var cur json.RawMessage = body
	for _, k := range path {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(cur, &m); err != nil {
			return nil, false
		}
		v, ok := m[k]
		if !ok {
			return nil, false
		}
		cur = v
	}
	return cur, true
}
