package somos

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/fake"
	"github.com/telecomsim/simulator/internal/oas"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

type fakeRegistry struct {
	mu sync.Mutex
	m  map[string][2]string
}

func (f *fakeRegistry) Lookup(tfn string) (string, string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.m[tfn]
	return v[0], v[1], ok
}

func (f *fakeRegistry) Set(tfn, status, respOrg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[tfn] = [2]string{status, respOrg}
}

const testSection = `
  partnerPropagation: 2m
  bulkProcessing: 30s
  users:
    - {email: admin@somos.example, role: Admin, refreshTokens: [demo-refresh-admin]}
    - {email: admin@br.example, role: RespOrgAdmin, respOrg: BRSMS, refreshTokens: [demo-refresh-br-admin]}
    - {email: user@br.example, role: RespOrgUser, respOrg: BRSMS, refreshTokens: [demo-refresh-br-user]}
    - {email: user@za.example, role: RespOrgUser, respOrg: ZATST, refreshTokens: [demo-refresh-za-user]}
    - {email: off@br.example, role: RespOrgUser, respOrg: BRSMS, enabled: false, refreshTokens: [demo-refresh-off]}
  cnam:
    - tfn: "8009900001"
      respOrg: ZATST
      cnam: 1-800-GET-CNAM
      extCnam: TEST CNAM EXT CNAM
      authorizedCallers: {list: ["1001234567", "10012345689"], range: [{begin: "4001231000", end: "4001232000"}], wildcard: [100123456X]}
      city: Dallas
`

var testStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

type env struct {
	t     *testing.T
	p     *Provider
	world *tenant.World
	store *Store
	reg   *fakeRegistry
	srv   *httptest.Server
	x     *oas.Exchange // checks answers against the spec
}

func newEnv(t *testing.T, section string) *env {
	t.Helper()
	src := "version: 1\nseed: 42\nclock: {start: \"2026-01-05T09:00:00Z\", mode: frozen}\nsomos:" + section
	sc, err := scenario.Parse("test.yaml", []byte(src), []string{Name}, nil)
	require.NoError(t, err)
	reg := &fakeRegistry{m: map[string][2]string{}}
	reg.Set("8339900238", TFNWorking, "BRSMS")
	reg.Set("8339900239", TFNAssigned, "BRSMS")
	reg.Set("8339900240", "SPARE", "BRSMS")
	reg.Set("8009900001", TFNWorking, "ZATST")
	reg.Set("8009900002", TFNWorking, "ZATST")
	p := New(Options{Registry: func(*tenant.World) Registry { return reg }})
	cfg, err := p.Configure(sc.Sections[Name], sc)
	require.NoError(t, err)
	w := tenant.NewWorld(tenant.Default, sc)
	st, err := p.NewState(provider.Env{World: w, Clock: w.Clock, Faker: fake.New(42, Name), Seed: 42, Start: testStart}, cfg)
	require.NoError(t, err)
	w.AddState(Name, st)
	spec := oas.MustLoad(openapiYAML)
	h := provider.Handler(p, spec, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(rw, r.WithContext(tenant.With(r.Context(), w)))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(w.Close)
	x, err := spec.ForBase(srv.URL)
	require.NoError(t, err)
	return &env{t: t, p: p, world: w, store: st.(*Store), reg: reg, srv: srv, x: x}
}

func (e *env) advance(d time.Duration) {
	_, err := e.world.Clock.Advance(d)
	require.NoError(e.t, err)
}

// call sends a request and validates the response against the spec.
func (e *env) call(method, path, token string, body any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	var raw []byte
	if body != nil {
		if s, ok := body.(string); ok {
			raw = []byte(s)
		} else {
			var err error
			raw, err = json.Marshal(body)
			require.NoError(e.t, err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	require.NoError(e.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	if err := e.x.Check(req, resp.StatusCode, resp.Header, out); err != nil && !errors.Is(err, oas.ErrNoOperation) {
		e.t.Fatalf("%s %s -> %d does not match the spec: %v\n%s", method, path, resp.StatusCode, err, out)
	}
	return resp.StatusCode, out
}

// login exchanges a refresh token for tokens and returns the IdToken and
// AccessToken.
func (e *env) login(refresh string) (string, string) {
	e.t.Helper()
	st, body := e.call("POST", "/public/apitoken", "", map[string]string{"refreshToken": refresh})
	require.Equal(e.t, 200, st, string(body))
	var r apiTokenResponse
	require.NoError(e.t, json.Unmarshal(body, &r))
	return r.Data.AuthenticationResult.IdToken, r.Data.AuthenticationResult.AccessToken
}

func decodeJSON[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(b, &v), string(b))
	return v
}

func str(s string) *string { return &s }

func caller(s *Store, email string) *Caller {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[strings.ToLower(email)]
	return &Caller{Email: u.Email, UserName: u.UserName, Role: u.Role, EntityID: u.EntityID, RespOrgID: u.RespOrgID}
}
