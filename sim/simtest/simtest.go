// Package simtest runs the simulator in-process for Go tests, the way
// net/http/httptest runs a handler: simtest.New starts the engine on a
// loopback port, gives each test its own tenant (so parallel tests never see
// each other's data) and closes everything in t.Cleanup.
//
//	srv := simtest.New(t)
//	client := flowroute.NewClient(srv.URL("flowroute"), "demo-access-key", "demo-secret-key")
//	...
//	srv.Advance(4 * time.Hour) // the CNAM record is now approved
//
// Everything it does goes through the public HTTP surface: provider base URLs
// and the /__sim control API.
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
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/scenarios"
)

// Option configures New.
type Option func(*options)

type options struct {
	scenario     []byte
	scenarioFile string
	frozen       *time.Time
	tenant       string
	shared       bool
}

// Scenario runs the test's tenant on a scenario given as YAML text.
func Scenario(yaml string) Option {
	return func(o *options) { o.scenario = []byte(yaml); o.scenarioFile = "simtest" }
}

// ScenarioFile runs the test's tenant on a scenario file.
func ScenarioFile(path string) Option {
	return func(o *options) { o.scenarioFile = path }
}

// Frozen freezes the tenant's clock at t (the zero time freezes it at the
// scenario's start).
func Frozen(t time.Time) Option {
	return func(o *options) { o.frozen = &t }
}

// Tenant names the test's tenant instead of deriving it from the test name.
func Tenant(id string) Option { return func(o *options) { o.tenant = id } }

// Server is a running simulator with one tenant for the test.
type Server struct {
	t      testing.TB
	App    *app.App
	HTTP   *httptest.Server
	Tenant string
	// Client is a plain HTTP client with a timeout, for convenience.
	Client *http.Client
}

var (
	shared     *sharedServer
	sharedOnce sync.Once
	counter    atomic.Int64
)

type sharedServer struct {
	app  *app.App
	http *httptest.Server
}

// defaultServer is one in-process simulator per test binary, shared by every
// test through tenants (as a CI pipeline shares one simulator).
func defaultServer(t testing.TB) *sharedServer {
	sharedOnce.Do(func() {
		data, err := scenarios.Files.ReadFile(scenarios.DefaultName)
		if err != nil {
			panic(err)
		}
		sc, err := scenario.Parse("scenarios/default.yaml", data, app.ProviderNames(app.Providers()), func(name string) ([]byte, error) {
			return scenarios.Files.ReadFile(strings.TrimPrefix(name, "scenarios/"))
		})
		if err != nil {
			panic("simtest: embedded default scenario: " + err.Error())
		}
		a, err := app.New(app.Config{Scenario: sc, Version: "simtest"})
		if err != nil {
			panic("simtest: " + err.Error())
		}
		shared = &sharedServer{app: a, http: httptest.NewServer(a.Handler())}
	})
	return shared
}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// New starts (or reuses) the in-process simulator and gives the test a fresh
// tenant of its own.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := &options{}
	for _, opt := range opts {
		opt(o)
	}
	ss := defaultServer(t)
	id := o.tenant
	if id == "" {
		id = unsafe.ReplaceAllString(t.Name(), "-")
		if len(id) > 40 {
			id = id[len(id)-40:]
		}
		id = strings.Trim(id, "-._")
		id = fmt.Sprintf("%s-%d", id, counter.Add(1))
	}
	s := &Server{t: t, App: ss.app, HTTP: ss.http, Tenant: id, Client: &http.Client{Timeout: 30 * time.Second}}
	if o.scenarioFile != "" && o.scenario == nil {
		data, err := os.ReadFile(o.scenarioFile)
		if err != nil {
			t.Fatalf("simtest: %v", err)
		}
		o.scenario = data
	}
	if o.scenario != nil {
		s.do(http.MethodPut, "/scenario", o.scenario, http.StatusOK, nil)
	} else {
		s.do(http.MethodPost, "/reset", nil, http.StatusOK, nil)
	}
	if o.frozen != nil {
		s.do(http.MethodPost, "/clock/mode", map[string]string{"mode": "frozen"}, http.StatusOK, nil)
		if !o.frozen.IsZero() {
			s.do(http.MethodPost, "/clock/set", map[string]time.Time{"now": *o.frozen}, http.StatusOK, nil)
		}
	}
	t.Cleanup(func() {
		req, _ := http.NewRequest(http.MethodDelete, ss.http.URL+"/__sim/tenants/"+id, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	})
	return s
}

// BaseURL is the tenant's root on the simulator (http://127.0.0.1:port/t/id).
func (s *Server) BaseURL() string { return s.HTTP.URL + "/t/" + s.Tenant }

// URL returns the equivalent of a provider's real base URL for this tenant,
// e.g. .../flowroute/v2 for Flowroute's https://api.flowroute.com/v2.
func (s *Server) URL(name string) string {
	for _, info := range s.App.Infos() {
		if info.Name == name {
			return s.BaseURL() + info.Mount + info.BasePath
		}
	}
	s.t.Fatalf("simtest: no provider %q", name)
	return ""
}

// ControlURL is the tenant's control API root (.../t/id/__sim).
func (s *Server) ControlURL() string { return s.BaseURL() + "/__sim" }

// Credentials lists a provider's demo credentials from the tenant's scenario.
func (s *Server) Credentials(name string) []provider.Credential {
	return s.App.Credentials(s.Tenant, name)
}

// Control calls the control API: path is below /__sim ("/clock"), body is
// JSON-encoded unless it is []byte, and the answer is decoded into out
// (when not nil). It fails the test unless the status is want.
func (s *Server) Control(method, path string, body any, want int, out any) {
	s.t.Helper()
	s.do(method, path, body, want, out)
}

func (s *Server) do(method, path string, body any, want int, out any) {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			s.t.Fatalf("simtest: %v", err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, s.ControlURL()+path, rd)
	if err != nil {
		s.t.Fatalf("simtest: %v", err)
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		s.t.Fatalf("simtest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		s.t.Fatalf("simtest: %s /__sim%s: status %d, want %d: %s", method, path, resp.StatusCode, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			s.t.Fatalf("simtest: %s %s: decoding %s: %v", method, path, data, err)
		}
	}
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
// has run when it returns. It returns the new time.
func (s *Server) Advance(d time.Duration) time.Time {
	s.t.Helper()
	var c struct {
		Now time.Time `json:"now"`
	}
	s.do(http.MethodPost, "/clock/advance", map[string]string{"by": d.String()}, http.StatusOK, &c)
	return c.Now
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
}

// Filter selects journal entries; zero fields match everything.
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

// RequireCalled fails t unless the tenant received exactly n requests with
// the method whose path ends with path (a provider-relative path such as
// "/v2/cnams" or "/cnam").
func (s *Server) RequireCalled(t testing.TB, method, path string, n int) {
	t.Helper()
	got := 0
	for _, e := range s.Journal(Filter{Method: method}) {
		if strings.HasSuffix(e.Path, path) {
			got++
		}
	}
	if got != n {
		t.Fatalf("simtest: %s %s called %d times, want %d", method, path, got, n)
	}
}

// Do sends req to the simulator and returns the response with its body read.
// When the request is for a provider (name not empty), the response is
// checked against that provider's OpenAPI document and the test fails on a
// mismatch: an API test built on Do proves the spec and the emulator agree.
func (s *Server) Do(t testing.TB, name string, req *http.Request) (*http.Response, []byte) {
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
		spec, ok := s.App.Spec(name)
		if !ok {
			t.Fatalf("simtest: no provider %q", name)
		}
		var mount string
		for _, info := range s.App.Infos() {
			if info.Name == name {
				mount = info.Mount
			}
		}
		x, err := spec.ForBase(s.BaseURL() + mount)
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
