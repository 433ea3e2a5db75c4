// Package simtest runs the simulator in-process for Go tests, the way
// net/http/httptest runs a handler: simtest.New starts the engine on a
// loopback port, gives each test its own tenant (so parallel tests never see
// each other's data) and cleans the tenant up in t.Cleanup.
//
//	srv := simtest.New(t, simtest.Frozen(time.Time{}))
//	client := flowroute.NewClient(srv.URL("flowroute"), "demo-access-key", "demo-secret-key")
//	...
//	srv.Advance(4 * time.Hour) // the CNAM record is now approved
//
// Everything it does goes through the public HTTP surface: provider base URLs
// and the /__sim control API. The helpers are thin wrappers over that API, so
// a test written with them reads the same as one driving the simulator with
// curl from another language.
//
// Outside a test (an Example function, a demo program, TestMain) use
// NewServer, which returns an error instead of failing a test, and Close the
// server when done. Helpers of a Server made by NewServer panic where those
// of a Server made by New would fail the test.
package simtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/oas"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
)

// Option configures New and NewServer.
type Option func(*options)

type options struct {
	scenario     []byte
	scenarioFile string
	frozen       *time.Time
	tenant       string
}

// Scenario runs the tenant on a scenario given as YAML text (instead of the
// embedded default scenario).
func Scenario(yaml string) Option {
	return func(o *options) { o.scenario = []byte(yaml); o.scenarioFile = "simtest" }
}

// ScenarioFile runs the tenant on a scenario file.
func ScenarioFile(path string) Option {
	return func(o *options) { o.scenarioFile = path }
}

// Frozen freezes the tenant's clock at t, which must not be before the
// scenario's start (the clock only moves forward). The zero time freezes it
// exactly at the scenario's start. A frozen clock moves only with Advance,
// which makes timings in a test exact.
func Frozen(t time.Time) Option {
	return func(o *options) { o.frozen = &t }
}

// Tenant names the tenant instead of deriving a fresh name from the test
// name. Two Servers with the same tenant share one world.
func Tenant(id string) Option { return func(o *options) { o.tenant = id } }

// Server is a running simulator with one tenant of its own.
type Server struct {
	t      tb
	App    *app.App
	HTTP   *httptest.Server
	Tenant string
	// Client is a plain HTTP client with a timeout, for convenience.
	Client *http.Client

	closeOnce sync.Once
	inboxes   atomic.Int64
	checks    sync.Map // provider name -> *oas.Exchange, built on first use
	frozen    bool     // started with Frozen: Reset keeps the clock frozen
}

// tb is the part of testing.TB the helpers use to report a failure.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

// panicTB reports failures of a Server made by NewServer by panicking.
type panicTB struct{}

func (panicTB) Helper() {}
func (panicTB) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}

var (
	shared     *sharedServer
	sharedErr  error
	sharedOnce sync.Once
	counter    atomic.Int64
)

type sharedServer struct {
	app  *app.App
	http *httptest.Server
}

// defaultServer is one in-process simulator per test binary, shared by every
// test through tenants (as a CI pipeline shares one simulator).
func defaultServer() (*sharedServer, error) {
	sharedOnce.Do(func() {
		sc, err := app.DefaultScenario()
		if err != nil {
			sharedErr = fmt.Errorf("simtest: embedded default scenario: %w", err)
			return
		}
		a, err := app.New(app.Config{Scenario: sc, Version: "simtest"})
		if err != nil {
			sharedErr = fmt.Errorf("simtest: %w", err)
			return
		}
		shared = &sharedServer{app: a, http: httptest.NewServer(a.Handler())}
	})
	return shared, sharedErr
}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// New starts (or reuses) the in-process simulator and gives the test a fresh
// tenant of its own, removed when the test ends. Any failure fails t.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	id := unsafe.ReplaceAllString(t.Name(), "-")
	if len(id) > 40 {
		id = id[len(id)-40:]
	}
	id = strings.Trim(id, "-._")
	s, err := newServer(t, id, opts)
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// NewServer is New for code without a *testing.T (Example functions, demo
// programs, TestMain): it starts (or reuses) the in-process simulator, makes
// a fresh tenant and returns an error when that fails. Call Close when done.
func NewServer(opts ...Option) (*Server, error) {
	return newServer(panicTB{}, "simtest", opts)
}

func newServer(t tb, prefix string, opts []Option) (*Server, error) {
	o := &options{}
	for _, opt := range opts {
		opt(o)
	}
	ss, err := defaultServer()
	if err != nil {
		return nil, err
	}
	id := o.tenant
	if id == "" {
		id = fmt.Sprintf("%s-%d", prefix, counter.Add(1))
	}
	s := &Server{t: t, App: ss.app, HTTP: ss.http, Tenant: id, Client: &http.Client{Timeout: 30 * time.Second}}
	if o.scenarioFile != "" && o.scenario == nil {
		data, err := os.ReadFile(o.scenarioFile)
		if err != nil {
			return nil, fmt.Errorf("simtest: %w", err)
		}
		o.scenario = data
	}
	if o.scenario != nil {
		err = s.call(http.MethodPut, "/scenario", o.scenario, http.StatusOK, nil)
	}
	if err == nil {
		var body any
		if o.frozen != nil {
			body = map[string]string{"mode": "frozen"}
		}
		err = s.call(http.MethodPost, "/reset", body, http.StatusOK, nil)
	}
	if err == nil && o.frozen != nil {
		s.frozen = true
		if !o.frozen.IsZero() {
			err = s.call(http.MethodPost, "/clock/set", map[string]time.Time{"now": *o.frozen}, http.StatusOK, nil)
		}
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close removes the tenant and everything in it. New arranges it with
// t.Cleanup; call it yourself on a Server from NewServer. The in-process
// simulator itself lives as long as the test binary.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		req, _ := http.NewRequest(http.MethodDelete, s.HTTP.URL+"/__sim/tenants/"+s.Tenant, nil)
		if resp, err := s.Client.Do(req); err == nil {
			resp.Body.Close()
		}
	})
}

// BaseURL is the tenant's root on the simulator (http://127.0.0.1:port/t/id).
func (s *Server) BaseURL() string { return s.HTTP.URL + "/t/" + s.Tenant }

// URL returns the equivalent of a provider's real base URL for this tenant,
// e.g. .../flowroute/v2 for Flowroute's https://api.flowroute.com/v2 and
// .../call48/api/v4 for https://apicontrol.call48.com/api/v4.
func (s *Server) URL(name string) string {
	info, ok := s.App.Info(name)
	if !ok {
		s.t.Fatalf("simtest: no provider %q", name)
	}
	return s.BaseURL() + info.Mount + info.BasePath
}

// ControlURL is the tenant's control API root (.../t/id/__sim).
func (s *Server) ControlURL() string { return s.BaseURL() + "/__sim" }

// Credentials lists a provider's demo credentials from the tenant's scenario.
func (s *Server) Credentials(name string) []provider.Credential {
	return s.App.Credentials(s.Tenant, name)
}

// Control calls the control API: path is below /__sim ("/clock"), body is
// JSON-encoded unless it is []byte, and the answer is decoded into out
// (when not nil). It fails the test unless the status is want (0: any 2xx).
func (s *Server) Control(method, path string, body any, want int, out any) {
	s.t.Helper()
	s.do(method, path, body, want, out)
}

func (s *Server) do(method, path string, body any, want int, out any) {
	s.t.Helper()
	if err := s.call(method, path, body, want, out); err != nil {
		s.t.Fatalf("%v", err)
	}
}

// StatusError is a control API answer with an unexpected status.
type StatusError struct {
	Method, Path string
	Status, Want int
	Body         []byte
}

func (e *StatusError) Error() string {
	want := "2xx"
	if e.Want != 0 {
		want = fmt.Sprint(e.Want)
	}
	return fmt.Sprintf("simtest: %s /__sim%s: status %d, want %s: %s", e.Method, e.Path, e.Status, want, e.Body)
}

// call is do returning an error instead of failing; want 0 accepts any 2xx.
func (s *Server) call(method, path string, body any, want int, out any) error {
	var rd io.Reader
	isJSON := false
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return fmt.Errorf("simtest: %w", err)
		}
		rd, isJSON = bytes.NewReader(data), true
	}
	req, err := http.NewRequest(method, s.ControlURL()+path, rd)
	if err != nil {
		return fmt.Errorf("simtest: %w", err)
	}
	if isJSON {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		return fmt.Errorf("simtest: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if want == 0 && resp.StatusCode/100 != 2 || want != 0 && resp.StatusCode != want {
		return &StatusError{Method: method, Path: path, Status: resp.StatusCode, Want: want, Body: data}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("simtest: %s %s: decoding %s: %w", method, path, data, err)
		}
	}
	return nil
}

// Problem is one thing the simulator found wrong with a scenario; String
// gives "file:line:col: path: message".
type Problem = scenario.Problem

// ScenarioProblems offers yaml as this tenant's scenario, expects it to be
// refused (422), and returns the problems found. A scenario that loads fails
// the test; the tenant keeps its scenario either way.
func (s *Server) ScenarioProblems(yaml string) []Problem {
	s.t.Helper()
	var out struct {
		Problems []Problem `json:"problems"`
	}
	s.do(http.MethodPut, "/scenario", []byte(yaml), http.StatusUnprocessableEntity, &out)
	return out.Problems
}

// Now returns the tenant's clock time.
func (s *Server) Now() time.Time {
	s.t.Helper()
	var c struct {
		Now time.Time `json:"now"`
	}
	s.do(http.MethodGet, "/clock", nil, http.StatusOK, &c)
	return c.Now
}

// Advance moves the tenant's clock forward by d; every event that falls due
// (approvals, token expiry, port-in steps, callback retries) has run when it
// returns. It returns the new time.
func (s *Server) Advance(d time.Duration) time.Time {
	s.t.Helper()
	var c struct {
		Now time.Time `json:"now"`
	}
	s.do(http.MethodPost, "/clock/advance", map[string]string{"by": d.String()}, http.StatusOK, &c)
	return c.Now
}

// Reset puts the tenant back to its scenario: every provider's state, the
// clock, the journal, fault rules and inboxes. A tenant loaded with Scenario
// or ScenarioFile goes back to that scenario. A Server started with Frozen
// stays frozen, at the scenario's start.
func (s *Server) Reset() {
	s.t.Helper()
	var body any
	if s.frozen {
		body = map[string]string{"mode": "frozen"}
	}
	s.do(http.MethodPost, "/reset", body, http.StatusOK, nil)
}

// ScheduledEvent is one of the scenario's events: as the tenant ran it or
// will run it.
type ScheduledEvent struct {
	ID    int       `json:"id"`
	Due   time.Time `json:"due"`
	Event struct {
		Provider string         `json:"provider"`
		Action   string         `json:"action"`
		Args     map[string]any `json:"args"`
	} `json:"event"`
	Status string `json:"status"` // pending, done or failed
	Error  string `json:"error"`  // why it failed
}

// Events returns the tenant's scheduled events in order.
func (s *Server) Events() []ScheduledEvent {
	s.t.Helper()
	var out struct {
		Events []ScheduledEvent `json:"events"`
	}
	s.do(http.MethodGet, "/events", nil, http.StatusOK, &out)
	return out.Events
}

// Entry is one journal entry.
type Entry struct {
	Provider     string `json:"provider"`
	Method       string `json:"method"`
	Path         string `json:"path"`
	Query        string `json:"query"`
	Route        string `json:"route"`
	Status       int    `json:"status"`
	RequestBody  string `json:"requestBody"`
	ResponseBody string `json:"responseBody"`
	Fault        string `json:"fault"`
	// Source says what answered when no emulated route did: "stub ID",
	// "proxy URL" or "proxy error".
	Source string `json:"source"`
}

// Filter selects journal entries: Provider and Method match exactly, Path is
// a substring of the request path, Status exact, Limit caps the count; zero
// fields match everything.
type Filter struct {
	Provider, Method, Path string
	Status, Limit          int
}

// Journal returns the tenant's matching requests, newest first.
func (s *Server) Journal(f Filter) []Entry {
	s.t.Helper()
	q := []string{}
	add := func(k, v string) {
		if v != "" && v != "0" {
			q = append(q, k+"="+v)
		}
	}
	add("provider", f.Provider)
	add("method", f.Method)
	add("path", f.Path)
	add("status", fmt.Sprint(f.Status))
	add("limit", fmt.Sprint(f.Limit))
	var out struct {
		Entries []Entry `json:"entries"`
	}
	s.do(http.MethodGet, "/journal?"+strings.Join(q, "&"), nil, http.StatusOK, &out)
	return out.Entries
}

// exchange returns the checker of a provider's answers for this tenant,
// building it (a router over the whole OpenAPI document) once.
func (s *Server) exchange(name string) (*oas.Exchange, error) {
	if x, ok := s.checks.Load(name); ok {
		return x.(*oas.Exchange), nil
	}
	spec, err := s.App.Spec(name)
	if err != nil {
		return nil, err
	}
	info, _ := s.App.Info(name)
	x, err := spec.ForBase(s.BaseURL() + info.Mount)
	if err != nil {
		return nil, err
	}
	s.checks.Store(name, x)
	return x, nil
}

// Do sends req to the simulator and returns the response with its body read.
// When the request is for a provider (name not empty), the response is
// checked against that provider's OpenAPI document and the test fails on a
// mismatch: an API test built on Do proves the spec and the emulator agree.
// A nil t uses the Server's own failure reporting.
func (s *Server) Do(t testing.TB, name string, req *http.Request) (*http.Response, []byte) {
	t = s.tbOr(t)
	t.Helper()
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		t.Fatalf("simtest: %s %s: %v", req.Method, req.URL, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("simtest: reading %s %s: %v", req.Method, req.URL, err)
	}
	if name != "" {
		x, err := s.exchange(name)
		if err != nil {
			t.Fatalf("simtest: %v", err)
		}
		check, _ := http.NewRequest(req.Method, req.URL.String(), bytes.NewReader(reqBody))
		check.Header = req.Header.Clone()
		if err := x.Check(check, resp.StatusCode, resp.Header, body); err != nil {
			t.Errorf("simtest: %s %s -> %d does not match the %s OpenAPI document: %v\nbody: %s", req.Method, req.URL.Path, resp.StatusCode, name, err, body)
		}
	}
	return resp, body
}
