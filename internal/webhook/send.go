package webhook

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
)

// CheckTarget reports whether a target URL can be delivered to.
func (q *Queue) CheckTarget(t Target) error {
	u, err := url.Parse(t.URL)
	if err != nil {
		return fmt.Errorf("invalid URL %q: %v", t.URL, err)
	}
	scheme := strings.ToLower(u.Scheme)
	q.mu.Lock()
	_, local := q.local[scheme]
	q.mu.Unlock()
	switch {
	case local:
		return nil
	case scheme != "http" && scheme != "https":
		return fmt.Errorf("invalid URL %q: want http:// or https://", t.URL)
	case u.Host == "":
		return fmt.Errorf("invalid URL %q: no host", t.URL)
	}
	if t.CAFile != "" {
		if _, err := loadCAFile(t.CAFile); err != nil {
			return err
		}
	}
	return nil
}

// loadCAFile reads a PEM file of CA certificates into a pool.
func loadCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("caFile: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("caFile %s holds no PEM certificate", path)
	}
	return pool, nil
}

type sendResult struct {
	status    int
	body      string
	truncated bool
	err       string
	dur       time.Duration
}

// attempt records the result as attempt n, made at clock time at, of a
// request to the URL target with these headers and body.
func (r sendResult) attempt(n int, at time.Time, target string, hdrs map[string]string, body string) Attempt {
	return Attempt{N: n, Time: at, URL: target, RequestHeaders: hdrs, RequestBody: body, Status: r.status,
		ResponseBody: r.body, ResponseTruncated: r.truncated, Error: r.err, DurationMS: float64(r.dur.Microseconds()) / 1000,
		OK: r.err == "" && r.status >= 200 && r.status < 300}
}

func requestHeaders(base map[string]string, id string, n int) map[string]string {
	h := map[string]string{"Content-Type": "application/json", "User-Agent": "TFNRegistry-UNS/3.0"}
	for k, v := range base {
		h[k] = v
	}
	h["X-Sim-Delivery-Id"] = id
	h["X-Sim-Attempt"] = strconv.Itoa(n)
	return h
}

func (q *Queue) send(t Target, method string, hdrs map[string]string, body string) sendResult {
	res := sendResult{}
	u, err := url.Parse(t.URL)
	if err != nil {
		res.err = "invalid URL: " + err.Error()
		return res
	}
	ctx, cancel := context.WithTimeout(q.ctx, q.opt.Timeout.D())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, t.URL, strings.NewReader(body))
	if err != nil {
		res.err = err.Error()
		return res
	}
	for k, v := range hdrs {
		req.Header.Set(k, v)
	}
	start := clock.Wall()
	q.mu.Lock()
	local := q.local[strings.ToLower(u.Scheme)]
	q.mu.Unlock()
	var resp *http.Response
	if local != nil {
		resp = serveLocal(local, req)
	} else {
		client, cerr := q.client(t)
		if cerr != nil {
			res.err = cerr.Error()
			return res
		}
		resp, err = client.Do(req)
	}
	if err != nil {
		res.dur = clock.Wall().Sub(start)
		res.err = cleanErr(err)
		return res
	}
	defer resp.Body.Close()
	limit := q.opt.BodyLimit
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	res.dur = clock.Wall().Sub(start)
	res.status = resp.StatusCode
	if len(data) > limit {
		data, res.truncated = data[:limit], true
	}
	res.body = string(data)
	if rerr != nil {
		res.err = "reading response: " + cleanErr(rerr)
	}
	return res
}

func cleanErr(err error) string {
	if ue, ok := err.(*url.Error); ok {
		if ue.Timeout() {
			return "timeout: " + ue.Err.Error()
		}
		return ue.Err.Error()
	}
	return err.Error()
}

// client returns the HTTP client for a target's TLS settings.
func (q *Queue) client(t Target) (*http.Client, error) {
	key := t.CAFile + "|" + strconv.FormatBool(t.InsecureSkipVerify)
	q.mu.Lock()
	c := q.clients[key]
	q.mu.Unlock()
	if c != nil {
		return c, nil
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: t.InsecureSkipVerify} //nolint:gosec // opt-in for local receivers
	if t.CAFile != "" {
		pool, err := loadCAFile(t.CAFile)
		if err != nil {
			return nil, err
		}
		tlsCfg.RootCAs = pool
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsCfg
	tr.Proxy = nil
	c = &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if existing := q.clients[key]; existing != nil {
		tr.CloseIdleConnections()
		return existing, nil
	}
	q.clients[key] = c
	return c, nil
}
