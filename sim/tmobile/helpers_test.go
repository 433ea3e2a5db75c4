package tmobile

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/fake"
	"github.com/telecomsim/simulator/internal/oas"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

const (
	demoClient   = "demo-client"
	demoSecret   = "demo-secret"
	demoRedirect = "http://127.0.0.1:3000/callback"
	demoUser     = "demo-user"
	demoPass     = "demo-pass"
	line1        = "4251234567"
	line2        = "4251234568"
)

var allProviders = []string{"flowroute", "tnregistry", "somos", "call48", "tmobile"}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../fixtures/tmobile/" + name)
	require.NoError(t, err)
	return b
}

var (
	keyOnce  sync.Once
	demoKey  *rsa.PrivateKey
	otherKey *rsa.PrivateKey
)

// keys returns the demo client's private key (the fixture) and a stranger's.
func keys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		block, _ := pem.Decode(readFixture(t, "demo-client-key.pem"))
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		require.NoError(t, err)
		demoKey = k.(*rsa.PrivateKey)
		otherKey, err = rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
	})
	return demoKey, otherKey
}

// kv is one signed name and its value, in order.
type kv struct{ K, V string }

// builderClaims mirror the claims of T-Mobile's public PoP builders, in the
// order npm tmo-poptoken-builder writes them.
type builderClaims struct {
	V    any    `json:"v"`
	Edts string `json:"edts"`
	Exp  int64  `json:"exp"`
	Ehts string `json:"ehts"`
	Iat  int64  `json:"iat"`
	Jti  string `json:"jti"`
}

var jtiSeq struct {
	sync.Mutex
	n int
}

func nextJTI() string {
	jtiSeq.Lock()
	defer jtiSeq.Unlock()
	jtiSeq.n++
	return fmt.Sprintf("%08x-0000-4000-8000-%012d", jtiSeq.n, jtiSeq.n)
}

// buildPoP builds a PoP token the way npm tmo-poptoken-builder does: the
// names joined by ';' make ehts; the values concatenated in that order (no
// separator), hashed with SHA-256 and base64url-encoded without padding make
// edts; v is the number 1; RS256 with header {"alg":"RS256","typ":"JWT"}.
func buildPoP(t testing.TB, key *rsa.PrivateKey, signed []kv, iat time.Time, lifetime time.Duration, jti string) string {
	t.Helper()
	return buildPoPVersion(t, 1, key, signed, iat, lifetime, jti)
}

// buildPoPVersion is buildPoP with the v claim given: the Java and .NET
// builders send the string "1".
func buildPoPVersion(t testing.TB, v any, key *rsa.PrivateKey, signed []kv, iat time.Time, lifetime time.Duration, jti string) string {
	t.Helper()
	var names []string
	var concat strings.Builder
	for _, e := range signed {
		names = append(names, e.K)
		concat.WriteString(e.V)
	}
	sum := sha256.Sum256([]byte(concat.String()))
	claims := builderClaims{V: v, Edts: base64.RawURLEncoding.EncodeToString(sum[:]),
		Exp: iat.Add(lifetime).Unix(), Ehts: strings.Join(names, ";"), Iat: iat.Unix(), Jti: jti}
	hb, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	cb, err := json.Marshal(claims)
	require.NoError(t, err)
	input := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(cb)
	h := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h[:])
	require.NoError(t, err)
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// env is a tenant world with the provider served as the engine serves it:
// under /t/<tenant>/tmobile, with the prefix stripped from URL.Path and
// RequestURI left as sent.
type env struct {
	t      *testing.T
	p      *Provider
	world  *tenant.World
	store  *Store
	x      *oas.Exchange // checks answers against the spec
	srv    *httptest.Server
	prefix string
	http   *http.Client
}

func parseScenario(t testing.TB, name string, data []byte) (*scenario.Scenario, any, error) {
	t.Helper()
	sc, err := scenario.Parse(name, data, allProviders, nil)
	require.NoError(t, err)
	cfg, err := New().Configure(sc.Sections[Name], sc)
	return sc, cfg, err
}

// defaultScenario is scenarios/default.yaml with its clock frozen.
func defaultScenario(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../../scenarios/default.yaml")
	require.NoError(t, err)
	return []byte(strings.Replace(string(b), "mode: real", "mode: frozen", 1))
}

// customScenario is a scenario with the demo client and user plus extra
// tmobile settings (YAML lines indented by two spaces).
func customScenario(t testing.TB, extra string) []byte {
	t.Helper()
	pub := strings.ReplaceAll(strings.TrimSpace(string(readFixture(t, "demo-client-pub.pem"))), "\n", "\n        ")
	return []byte(`version: 1
seed: 7
clock: {start: "2026-01-05T09:00:00Z", mode: frozen}
tmobile:
  clients:
    - clientId: demo-client
      clientSecret: demo-secret
      redirectUris: ["http://127.0.0.1:3000/callback", "myapp://linked"]
      popPublicKey: |
        ` + pub + `
  users:
    - login: demo-user
      password: demo-pass
      lines:
        - {msisdn: "4251234567", e911: {addressLine1: "1 Main St", city: Seattle, state: WA, zip: "98101"}}
        - {msisdn: "4251234568"}
` + extra)
}

func newEnv(t *testing.T, data []byte) *env {
	t.Helper()
	sc, cfg, err := parseScenario(t, "test.yaml", data)
	require.NoError(t, err)
	p := New()
	world := tenant.NewWorld("acme", sc)
	t.Cleanup(world.Close)
	st, err := p.NewState(provider.Env{World: world, Clock: world.Clock, Faker: fake.New(sc.Seed, Name),
		Seed: sc.Seed, Start: sc.Clock.Start}, cfg)
	require.NoError(t, err)
	world.AddState(Name, st)
	spec, err := oas.Load(p.OpenAPI())
	require.NoError(t, err)
	api := provider.Handler(p, spec, nil)
	ctl := mux.NewRouter()
	for _, rt := range p.ControlRoutes() {
		ctl.Handle("/__sim"+rt.Path, rt.Handler).Methods(rt.Method)
	}
	prefix := "/t/acme/tmobile"
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(tenant.With(r.Context(), world))
		if strings.HasPrefix(r.URL.Path, "/__sim/") {
			ctl.ServeHTTP(w, r)
			return
		}
		http.StripPrefix(prefix, api).ServeHTTP(w, r)
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	x, err := spec.ForBase(srv.URL + prefix)
	require.NoError(t, err)
	return &env{t: t, p: p, world: world, store: st.(*Store), x: x, srv: srv, prefix: prefix,
		http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (e *env) advance(d time.Duration) {
	e.t.Helper()
	_, err := e.world.Clock.Advance(d)
	require.NoError(e.t, err)
}

// resp is a response read whole.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) json(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, v), string(r.Body))
}

func (r resp) reason(t testing.TB) string {
	t.Helper()
	var ei errorInfo
	r.json(t, &ei)
	require.Len(t, ei.Errors, 1, string(r.Body))
	return ei.Errors[0].ReasonCode
}

// call is one request; pop controls the PoP token.
type call struct {
	Method  string
	Path    string // below the mount, with query: "/account/status"
	Header  map[string]string
	Body    string
	NoPoP   bool
	PoP     string             // a ready-made token
	Sign    func(c *call) []kv // what to sign (default: method, uri, Authorization, body)
	Key     *rsa.PrivateKey
	Iat     time.Time
	Life    time.Duration
	JTI     string
	BaseURI string // the uri to sign, when not the real one
}

func (e *env) do(c call) resp {
	t := e.t
	t.Helper()
	uri := e.prefix + c.Path
	var body io.Reader
	if c.Body != "" {
		body = strings.NewReader(c.Body)
	}
	req, err := http.NewRequest(c.Method, e.srv.URL+uri, body)
	require.NoError(t, err)
	for k, v := range c.Header {
		req.Header.Set(k, v)
	}
	if !c.NoPoP {
		tok := c.PoP
		if tok == "" {
			tok = e.pop(c, uri)
		}
		req.Header.Set("X-Authorization", tok)
	}
	res, err := e.http.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	out := resp{Status: res.StatusCode, Header: res.Header, Body: b}
	// Requests the spec has no operation for (unknown paths) have nothing
	// to be checked against.
	if err := e.x.Check(req, out.Status, out.Header, out.Body); err != nil && !errors.Is(err, oas.ErrNoOperation) {
		t.Fatalf("%s %s -> %d does not match the spec: %v\n%s", c.Method, c.Path, out.Status, err, b)
	}
	return out
}

func (e *env) pop(c call, uri string) string {
	demo, _ := keys(e.t)
	key := c.Key
	if key == nil {
		key = demo
	}
	signedURI := uri
	if c.BaseURI != "" {
		signedURI = c.BaseURI
	}
	var signed []kv
	if c.Sign != nil {
		signed = c.Sign(&c)
	} else {
		signed = []kv{{"http-method", c.Method}, {"uri", signedURI}}
		if a, ok := c.Header["Authorization"]; ok {
			signed = append([]kv{{"Authorization", a}}, signed...)
		}
		if c.Body != "" {
			signed = append(signed, kv{"body", c.Body})
		}
	}
	iat := c.Iat
	if iat.IsZero() {
		iat = clock.Wall()
	}
	life := c.Life
	if life == 0 {
		life = 2 * time.Minute
	}
	jti := c.JTI
	if jti == "" {
		jti = nextJTI()
	}
	return buildPoP(e.t, key, signed, iat, life, jti)
}

func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

var sessionRE = regexp.MustCompile(`name="session" value="([^"]+)"`)

// page fetches or posts a browser page (no PoP).
func (e *env) page(method, path string, form url.Values, header map[string]string) resp {
	e.t.Helper()
	var body string
	if form != nil {
		body = form.Encode()
		if header == nil {
			header = map[string]string{}
		}
		header["Content-Type"] = "application/x-www-form-urlencoded"
	}
	return e.do(call{Method: method, Path: path, Body: body, Header: header, NoPoP: true})
}

func linkPath(client, redirect, state string) string {
	return "/account-mgmt/linkAccount?" + url.Values{"client_id": {client}, "redirect_uri": {redirect}, "state": {state}}.Encode()
}

// link walks the link page and returns the code from the redirect.
func (e *env) link(msisdn string) string {
	t := e.t
	t.Helper()
	path := linkPath(demoClient, demoRedirect, "xyz")
	r := e.page("GET", path, nil, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = e.page("POST", path, url.Values{"step": {"login"}, "username": {demoUser}, "password": {demoPass}}, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	m := sessionRE.FindSubmatch(r.Body)
	require.NotNil(t, m, string(r.Body))
	r = e.page("POST", path, url.Values{"step": {"select"}, "session": {string(m[1])}, "msisdn": {msisdn}}, nil)
	require.Equal(t, http.StatusFound, r.Status, string(r.Body))
	loc, err := url.Parse(r.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "xyz", loc.Query().Get("state"))
	code := loc.Query().Get("code")
	require.NotEmpty(t, code)
	return code
}

func (e *env) exchange(code, redirect string) resp {
	e.t.Helper()
	q := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {redirect}, "code": {code}}
	return e.do(call{Method: "POST", Path: "/oauth/token?" + q.Encode(),
		Header: map[string]string{"Authorization": basic(demoClient, demoSecret)}})
}

func (e *env) tokens(msisdn string) tokenResponse {
	e.t.Helper()
	r := e.exchange(e.link(msisdn), demoRedirect)
	require.Equal(e.t, http.StatusOK, r.Status, string(r.Body))
	var tr tokenResponse
	r.json(e.t, &tr)
	return tr
}

func (e *env) status(access string) resp {
	e.t.Helper()
	return e.do(call{Method: "GET", Path: "/account/status", Header: map[string]string{"Authorization": "Bearer " + access}})
}
