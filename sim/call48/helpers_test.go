package call48

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/fake"
	"github.com/telecomsim/simulator/internal/oas"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

const testScenario = `version: 1
seed: 42
clock: {start: "2026-01-05T09:00:00Z", mode: frozen}
call48:
  accounts:
    - {id: 129, username: mark, password: password, balance: "500.00", dids: 3}
    - {username: acme, password: acme-pass, balance: "10.00"}
    - {username: sub1, password: sub-pass, parent: mark}
  admins:
    - {id: 1, username: spadmin, password: password}
  searchTokens: true
  inventory: {local: 40000, toll: 60, intl: 20}
  trunkGroups:
    - {account: mark, name: Main, extTgid: 52610, ips: ["10.50.250.10:5060"]}
  portIn:
    rejections: [{number: "3125550143", reason: "ACCN : Incorrect Account Number"}]
`

type env struct {
	t     *testing.T
	srv   *httptest.Server
	world *tenant.World
	store *Store
	x     *oas.Exchange // checks answers against the spec
	p     *Provider
}

func newEnv(t *testing.T, yaml string) *env {
	t.Helper()
	if yaml == "" {
		yaml = testScenario
	}
	sc, err := scenario.Parse("test.yaml", []byte(yaml), []string{Name}, nil)
	require.NoError(t, err)
	p := New()
	cfg, err := p.Configure(sc.Sections[Name], sc)
	require.NoError(t, err)
	w := tenant.NewWorld("t1", sc)
	t.Cleanup(w.Close)
	st, err := p.NewState(provider.Env{World: w, Clock: w.Clock, Faker: fake.New(sc.Seed, Name), Seed: sc.Seed, Start: sc.Clock.Start}, cfg)
	require.NoError(t, err)
	w.AddState(Name, st)
	spec := oas.MustLoad(p.OpenAPI())
	api := provider.Handler(p, spec, nil)
	mux := http.NewServeMux()
	ctl := provider.Handler(ctlProvider{p}, nil, nil)
	mux.Handle("/__sim/", http.StripPrefix("/__sim", ctl))
	mux.Handle("/", api)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(rw, r.WithContext(tenant.With(r.Context(), w)))
	}))
	t.Cleanup(srv.Close)
	x, err := spec.ForBase(srv.URL)
	require.NoError(t, err)
	return &env{t: t, srv: srv, world: w, store: st.(*Store), x: x, p: p}
}

// ctlProvider serves the control routes as routes, for tests.
type ctlProvider struct{ *Provider }

func (c ctlProvider) Routes() []provider.Route { return c.Provider.ControlRoutes() }

type resp struct {
	Status int
	Body   []byte
	Header http.Header
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), string(r.Body))
	return m
}

// do sends a request; body is JSON (any), url.Values (form) or *multipart.
func (e *env) do(method, path, token string, body any) resp {
	e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	case *mpBody:
		rd, ct = bytes.NewReader(b.buf.Bytes()), b.ct
	default:
		raw, err := json.Marshal(b)
		require.NoError(e.t, err)
		rd, ct = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	require.NoError(e.t, err)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if !strings.HasPrefix(path, "/__sim") {
		e.validate(method, path, res, out)
	}
	return resp{Status: res.StatusCode, Body: out, Header: res.Header}
}

// validate checks a response against the spec (requests the spec has no
// operation for, such as unknown paths, have nothing to check).
func (e *env) validate(method, path string, res *http.Response, body []byte) {
	e.t.Helper()
	req := httptest.NewRequest(method, e.srv.URL+path, nil)
	if err := e.x.Check(req, res.StatusCode, res.Header, body); err != nil && !errors.Is(err, oas.ErrNoOperation) {
		e.t.Fatalf("%s %s -> %d does not match the spec: %v\n%s", method, path, res.StatusCode, err, body)
	}
}

func (e *env) login(user, pass string) string {
	e.t.Helper()
	r := e.do("POST", "/api/v4/login", "", map[string]string{"user_name": user, "password": pass})
	m := r.json(e.t)
	require.EqualValues(e.t, 200, m["code"], string(r.Body))
	return m["data"].(map[string]any)["token"].(string)
}

func (e *env) advance(d time.Duration) {
	e.t.Helper()
	_, err := e.world.Clock.Advance(d)
	require.NoError(e.t, err)
}

type mpBody struct {
	buf bytes.Buffer
	ct  string
}

func multipartBody(t *testing.T, fields map[string]string, fileField, fileName string, file []byte) *mpBody {
	t.Helper()
	b := &mpBody{}
	w := multipart.NewWriter(&b.buf)
	for k, v := range fields {
		require.NoError(t, w.WriteField(k, v))
	}
	if fileField != "" {
		fw, err := w.CreateFormFile(fileField, fileName)
		require.NoError(t, err)
		_, _ = fw.Write(file)
	}
	require.NoError(t, w.Close())
	b.ct = w.FormDataContentType()
	return b
}

func dataOf(t *testing.T, r resp) any {
	t.Helper()
	m := r.json(t)
	require.EqualValues(t, 200, m["code"], string(r.Body))
	return m["data"]
}

func parseScenario(y string) (*scenario.Scenario, error) {
	return scenario.Parse("test.yaml", []byte(y), []string{Name}, nil)
}
