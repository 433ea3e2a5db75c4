// Package reliability holds the simulator's robustness and security tests:
// a malformed-input sweep and an auth matrix generated from the route table,
// fuzz targets that drive each provider's parsers through the real handler,
// and a concurrency test across tenants. Everything runs in-process against
// app.New(...).Handler(); nothing here edits or reaches into a provider.
//
// See docs/reliability.md for what each test proves and how to run the
// fuzzers.
package reliability

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
)

// syncBuffer is a log sink shared by every request goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	// panicked is set when a line mentioning a panic is written, so fuzz
	// targets can check after every input without scanning the log.
	panicked atomic.Bool
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	if bytes.Contains(bytes.ToLower(p), []byte("panic")) {
		b.panicked.Store(true)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 4<<20 { // long fuzz runs: keep the tail only
		tail := append([]byte(nil), b.buf.Bytes()[b.buf.Len()-(64<<10):]...)
		b.buf.Reset()
		b.buf.Write(tail)
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// providers is every registered provider.
func providers() []provider.Provider { return app.Providers() }

var (
	defaultOnce sync.Once
	defaultSc   *scenario.Scenario
	defaultErr  error
)

// defaultScenario parses the embedded default scenario once.
func defaultScenario(t testing.TB) *scenario.Scenario {
	t.Helper()
	defaultOnce.Do(func() {
		defaultSc, defaultErr = app.DefaultScenario()
	})
	require.NoError(t, defaultErr)
	return defaultSc
}

// sim is one in-process simulator whose log is kept, so a recovered panic
// (which the engine logs and turns into a 500) fails the test.
type sim struct {
	t    testing.TB
	app  *app.App
	h    http.Handler
	logs *syncBuffer
	seq  atomic.Int64
}

// newSim builds the simulator on the default scenario. When the test ends
// it fails if anything logged a panic.
func newSim(t testing.TB) *sim {
	t.Helper()
	return newSimWith(t, 0)
}

// newSimWith is newSim with a request body limit (0: the default).
func newSimWith(t testing.TB, maxBody int64) *sim {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := app.New(app.Config{Scenario: defaultScenario(t), Providers: providers(), Logger: logger, Version: "reliability", MaxBody: maxBody})
	require.NoError(t, err)
	s := &sim{t: t, app: a, h: a.Handler(), logs: logs}
	t.Cleanup(func() {
		a.Close()
		s.requireNoPanic(t)
	})
	return s
}

func (s *sim) requireNoPanic(t testing.TB) {
	t.Helper()
	if !s.logs.panicked.Load() {
		return
	}
	if out := s.logs.String(); strings.Contains(strings.ToLower(out), "panic") {
		t.Fatalf("the simulator logged a panic:\n%s", lastLines(out, 40))
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// tenant returns a fresh tenant id for this simulator.
func (s *sim) tenant(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, s.seq.Add(1))
}

// mount returns a provider's mount prefix.
func (s *sim) mount(name string) string {
	info, ok := s.app.Info(name)
	if !ok {
		s.t.Fatalf("no provider %q", name)
	}
	return info.Mount
}

// names lists the served providers.
func (s *sim) names() []string {
	var out []string
	for _, info := range s.app.Infos() {
		out = append(out, info.Name)
	}
	return out
}

// res is a response read whole.
type res struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r res) String() string {
	b := r.Body
	if len(b) > 300 {
		b = b[:300]
	}
	return fmt.Sprintf("%d %s", r.Status, b)
}

// req describes one request to a provider in a tenant. Path is below the
// provider's mount (a real API path such as "/v2/cnams?limit=1").
type req struct {
	Tenant   string
	Provider string
	Method   string
	Path     string
	Body     []byte
	Header   http.Header
	// Sign, when set, adds credentials to the finished request (it sees the
	// exact request URI and body, as a PoP signer must).
	Sign func(r *http.Request, body []byte)
}

// uri is the request URI as the client sends it.
func (s *sim) uri(q req) string {
	prefix := "/t/" + q.Tenant
	if q.Provider != "" {
		prefix += s.mount(q.Provider)
	}
	return prefix + q.Path
}

// do serves one request through the whole handler.
func (s *sim) do(q req) res {
	var body io.Reader
	if q.Body != nil {
		body = bytes.NewReader(q.Body)
	}
	r := httptest.NewRequest(q.Method, s.uri(q), body)
	for k, vs := range q.Header {
		r.Header[k] = append([]string(nil), vs...)
	}
	if q.Sign != nil {
		q.Sign(r, q.Body)
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	return res{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
}

// control calls the tenant's /__sim API and requires the status.
func (s *sim) control(t testing.TB, tenantID, method, path string, body any, want int) res {
	t.Helper()
	var b []byte
	if body != nil {
		var err error
		b, err = json.Marshal(body)
		require.NoError(t, err)
	}
	out := s.do(req{Tenant: tenantID, Method: method, Path: "/__sim" + path, Body: b,
		Header: http.Header{"Content-Type": {"application/json"}}})
	require.Equal(t, want, out.Status, "%s /__sim%s: %s", method, path, out)
	return out
}

// advance moves a tenant's clock forward.
func (s *sim) advance(t testing.TB, tenantID, by string) {
	t.Helper()
	s.control(t, tenantID, http.MethodPost, "/clock/advance", map[string]string{"by": by}, http.StatusOK)
}

// healthy proves the server still serves after whatever came before.
func (s *sim) healthy(t testing.TB) {
	t.Helper()
	out := s.do(req{Tenant: "health", Method: http.MethodGet, Path: "/__sim/health"})
	require.Equal(t, http.StatusOK, out.Status, "health after the sweep: %s", out)
}

func jsonHeader() http.Header { return http.Header{"Content-Type": {"application/json"}} }

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func setHeader(k, v string) func(r *http.Request, _ []byte) {
	return func(r *http.Request, _ []byte) { r.Header.Set(k, v) }
}

// raw serves a request at an exact path (no tenant prefix added).
func (s *sim) raw(q req, path string) res {
	r := httptest.NewRequest(q.Method, "/", nil)
	r.URL.Path = path
	r.URL.RawPath = ""
	r.RequestURI = path
	for k, vs := range q.Header {
		r.Header[k] = append([]string(nil), vs...)
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	return res{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
}
