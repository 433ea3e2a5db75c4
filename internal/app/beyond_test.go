package app_test

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/har"
	"github.com/telecomsim/simulator/internal/har/hartest"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/upstream"
)

const stubScenario = `version: 1
name: stubs
clock: {start: "2026-01-05T09:00:00Z", mode: frozen}
flowroute:
  accounts: [{name: demo, accessKey: demo-access-key, secretKey: demo-secret-key}]
stubs:
  - id: alias
    provider: flowroute
    method: PATCH
    path: /v2/numbers/{number}
    body: {data: {attributes: {alias: "Main"}}}
    response:
      status: 200
      headers: {Content-Type: application/vnd.api+json}
      body: {data: {id: "{{path.number}}", type: number, attributes: {alias: "{{body.data.attributes.alias}}", at: "{{now}}"}}}
  - id: emulated
    provider: flowroute
    method: GET
    path: /v2/numbers
    response: {status: 418, body: never}
  - id: order
    provider: flowroute
    method: GET
    path: /v2/cnams/{id}
    override: true
    sequence:
      - {status: 200, body: {data: {id: "{{path.id}}", attributes: {is_approved: false}}}}
      - {status: 200, body: {data: {id: "{{path.id}}", attributes: {is_approved: true}}}}
`

type sim struct {
	t   *testing.T
	a   *app.App
	srv *httptest.Server
}

func newSim(t *testing.T, yamlText string, cfg app.Config) *sim {
	t.Helper()
	sc, err := scenario.Parse("stubs.yaml", []byte(yamlText), app.ProviderNames(app.Providers()), nil)
	require.NoError(t, err)
	cfg.Scenario = sc
	a, err := app.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() { srv.Close(); a.Close() })
	return &sim{t: t, a: a, srv: srv}
}

func (s *sim) do(method, path, body string, hdr map[string]string) (*http.Response, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.srv.URL+path, strings.NewReader(body))
	require.NoError(s.t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := s.srv.Client().Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return resp, b
}

var basicAuth = map[string]string{"Authorization": "Basic ZGVtby1hY2Nlc3Mta2V5OmRlbW8tc2VjcmV0LWtleQ==", "Content-Type": "application/vnd.api+json"}

func TestStubsFromScenario(t *testing.T) {
	t.Parallel()
	s := newSim(t, stubScenario, app.Config{})

	resp, body := s.do("PATCH", "/t/a/flowroute/v2/numbers/12065550100", `{"data":{"type":"number","attributes":{"alias":"Main"}}}`, basicAuth)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, "application/vnd.api+json", resp.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"data":{"id":"12065550100","type":"number","attributes":{"alias":"Main","at":"2026-01-05 09:00:00.000000+00:00"}}}`, string(body))

	// Another alias matches no stub: the path is the emulated GET's, so the
	// router answers as it does for any method it does not serve there.
	resp, _ = s.do("PATCH", "/t/a/flowroute/v2/numbers/12065550100", `{"data":{"attributes":{"alias":"Other"}}}`, basicAuth)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	// A stub never hides an emulated route unless it says override.
	resp, body = s.do("GET", "/t/a/flowroute/v2/numbers", "", basicAuth)
	assert.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Contains(t, string(body), `"data"`)

	var approved []bool
	for range 3 {
		resp, body = s.do("GET", "/t/a/flowroute/v2/cnams/77", "", basicAuth)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var doc struct {
			Data struct {
				ID         string
				Attributes struct {
					IsApproved bool `json:"is_approved"`
				}
			}
		}
		require.NoError(t, json.Unmarshal(body, &doc))
		assert.Equal(t, "77", doc.Data.ID)
		approved = append(approved, doc.Data.Attributes.IsApproved)
	}
	assert.Equal(t, []bool{false, true, true}, approved)

	// The journal says what answered.
	_, body = s.do("GET", "/t/a/__sim/journal?limit=10", "", nil)
	var j struct {
		Entries []struct{ Method, Path, Source, Route string }
	}
	require.NoError(t, json.Unmarshal(body, &j))
	var sources []string
	for _, e := range j.Entries {
		sources = append(sources, e.Method+" "+e.Path+" "+e.Source)
	}
	assert.Contains(t, sources, "PATCH /v2/numbers/12065550100 stub alias")
	assert.Contains(t, sources, "GET /v2/cnams/77 stub order")
	assert.Contains(t, sources, "GET /v2/numbers ")

	// A reset starts the sequence over; another tenant has its own.
	s.do("POST", "/t/a/__sim/reset", "", nil)
	_, body = s.do("GET", "/t/a/flowroute/v2/cnams/77", "", basicAuth)
	assert.Contains(t, string(body), `"is_approved":false`)
	_, body = s.do("GET", "/t/b/flowroute/v2/cnams/77", "", basicAuth)
	assert.Contains(t, string(body), `"is_approved":false`)
}

func TestStubsControlAPI(t *testing.T) {
	t.Parallel()
	s := newSim(t, "version: 1\nname: empty\n", app.Config{})
	resp, body := s.do("GET", "/t/a/flowroute/v2/numbers/available?limit=2", "", nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode, string(body))

	stubJSON := `{"provider":"flowroute","method":"GET","path":"/v2/numbers/available","query":{"limit":"*"},
	  "response":{"status":200,"body":{"data":[{"id":"{{uuid}}","type":"number"}],"links":{"next":null}}}}`
	resp, body = s.do("POST", "/t/a/__sim/stubs", stubJSON, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	var added struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &added))
	require.NotEmpty(t, added.ID)

	resp, body = s.do("GET", "/t/a/flowroute/v2/numbers/available?limit=2", "", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	resp, _ = s.do("GET", "/t/b/flowroute/v2/numbers/available?limit=2", "", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "stubs belong to their tenant")
	resp, _ = s.do("GET", "/t/a/flowroute/v2/numbers/available", "", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "the query matcher needs limit")

	_, body = s.do("GET", "/t/a/__sim/stubs", "", nil)
	var list struct {
		Stubs []struct {
			ID   string
			Hits int
		}
	}
	require.NoError(t, json.Unmarshal(body, &list))
	require.Len(t, list.Stubs, 1)
	assert.Equal(t, 1, list.Stubs[0].Hits)

	for _, bad := range []struct{ body, want string }{
		{`{"provider":"nope","method":"GET","path":"/x","response":{}}`, "unknown provider"},
		{`{"provider":"flowroute","method":"GET","path":"x","response":{}}`, "must start with /"},
		{`{"provider":"flowroute","method":"GET","path":"/x","response":{"bodyFile":"a.json"}}`, "inline"},
		{`{"provider":"flowroute","method":"GET","path":"/x","respons":{}}`, "unknown field"},
	} {
		resp, body = s.do("POST", "/t/a/__sim/stubs", bad.body, nil)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, string(body), bad.want)
	}

	// A stub with auth answers only with valid credentials, and a refused
	// request moves nothing.
	resp, body = s.do("POST", "/t/a/__sim/stubs", `{"id":"buy","provider":"call48","auth":"token","method":"POST","path":"/api/v4/buy-more",
	  "sequence":[{"body":{"code":200,"n":"{{seq}}"}},{"body":{"code":200,"n":"again"}}]}`, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	resp, body = s.do("POST", "/t/a/call48/api/v4/buy-more", "", map[string]string{"Authorization": "not-a-token"})
	assert.Contains(t, string(body), `"code": 401`)
	_, body = s.do("GET", "/t/a/__sim/stubs", "", nil)
	assert.Contains(t, string(body), `"hits": 0`)
	resp, body = s.do("POST", "/t/a/__sim/stubs", `{"provider":"call48","auth":"basic","method":"GET","path":"/x","response":{}}`, nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, string(body), "no credential scheme")

	resp, _ = s.do("DELETE", "/t/a/__sim/stubs/"+added.ID, "", nil)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp, _ = s.do("DELETE", "/t/a/__sim/stubs/"+added.ID, "", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = s.do("GET", "/t/a/flowroute/v2/numbers/available?limit=2", "", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestStubScenarioProblems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "numbers.json"), []byte(`{"data":[{"id":"{{seq}}"}]}`), 0o600))
	file := filepath.Join(dir, "s.yaml")
	good := "version: 1\nname: files\nstubs:\n  - {provider: flowroute, method: GET, path: /v2/numbers/available, response: {bodyFile: numbers.json}}\n"
	sc, err := scenario.Parse(file, []byte(good), app.ProviderNames(app.Providers()), nil)
	require.NoError(t, err)
	a, err := app.New(app.Config{Scenario: sc})
	require.NoError(t, err)
	defer a.Close()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/flowroute/v2/numbers/available")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.JSONEq(t, `{"data":[{"id":1}]}`, string(b))

	for _, tc := range []struct{ yaml, want string }{
		{"stubs:\n  - {provider: nope, method: GET, path: /x, response: {}}\n", "s.yaml:4:16: stubs[0].provider: unknown provider"},
		{"stubs:\n  - {provider: flowroute, method: GET, path: /x, response: {bodyFile: missing.json}}\n", "stubs[0].response.bodyFile"},
		{"stubs:\n  - {provider: flowroute, method: GET, path: /x, response: {status: 9}}\n", "stubs[0].response.status"},
		{"stubs:\n  - {provider: flowroute, method: GET, path: /x, respons: {}}\n", "respons"},
		{"stubs:\n  - {provider: flowroute, auth: token, method: GET, path: /x, response: {}}\n", `stubs[0].auth: flowroute has no credential scheme "token" (known: basic)`},
		{"stubs:\n  - {id: a, provider: flowroute, method: GET, path: /x, response: {}}\n  - {id: a, provider: flowroute, method: GET, path: /y, response: {}}\n", "duplicate stub id"},
	} {
		_, err := scenario.Parse(file, []byte("version: 1\nname: bad\n"+tc.yaml), app.ProviderNames(app.Providers()), nil)
		if err == nil {
			_, err = app.New(app.Config{Scenario: mustParse(t, file, "version: 1\nname: bad\n"+tc.yaml)})
		}
		require.Error(t, err, tc.yaml)
		assert.Contains(t, err.Error(), tc.want)
	}
}

func mustParse(t *testing.T, file, text string) *scenario.Scenario {
	sc, err := scenario.Parse(file, []byte(text), app.ProviderNames(app.Providers()), nil)
	require.NoError(t, err)
	return sc
}

// TestUnknownRoutesAre404 checks every provider: a path it does not have
// answers 404 whatever the method, in the provider's own error shape (the
// same top-level keys and content type its error writer gives a 404).
func TestUnknownRoutesAre404(t *testing.T) {
	t.Parallel()
	s := newSim(t, "version: 1\nname: empty\n", app.Config{})
	for _, p := range app.Providers() {
		info := p.Info()
		want := httptest.NewRecorder()
		p.WriteError(want, httptest.NewRequest("GET", "/nothing", nil), &provider.HTTPError{Status: http.StatusNotFound, Message: "The requested URL was not found on the server."})
		for _, method := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			for _, path := range []string{"/no/such/route", info.BasePath + "/no-such-resource/42/deeper"} {
				t.Run(info.Name+" "+method+" "+path, func(t *testing.T) {
					resp, body := s.do(method, "/t/u"+info.Mount+path, "{}", map[string]string{"Content-Type": "application/json"})
					assert.Equal(t, http.StatusNotFound, resp.StatusCode, string(body))
					assert.Equal(t, want.Header().Get("Content-Type"), resp.Header.Get("Content-Type"))
					assert.Equal(t, topKeys(t, want.Body.Bytes()), topKeys(t, body))
				})
			}
		}
	}
}

func topKeys(t *testing.T, b []byte) []string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), string(b))
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// upstreamServer stands in for a real API: it records what it receives
// and answers with a fixed-shape JSON document.
type upstreamServer struct {
	mu   sync.Mutex
	seen []*http.Request
	body []string
}

func (u *upstreamServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	u.mu.Lock()
	u.seen = append(u.seen, r.Clone(r.Context()))
	u.body = append(u.body, string(b))
	u.mu.Unlock()
	switch r.URL.Path {
	case "/v2/slow":
		<-r.Context().Done() // never answers: the proxy's timeout ends the exchange
		return
	case "/v2/big":
		w.Write([]byte(strings.Repeat("x", 2048)))
		return
	}
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.Header().Set("X-Upstream", "yes")
	w.Header().Set("Set-Cookie", "session=abc")
	w.WriteHeader(http.StatusAccepted)
	w.Write([]byte(`{"data":{"id":"12065550100","type":"number","attributes":{"alias":"Main"}},"token":"secret-from-upstream"}`))
}

func (u *upstreamServer) last() (*http.Request, string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.seen) == 0 {
		return nil, ""
	}
	return u.seen[len(u.seen)-1], u.body[len(u.body)-1]
}

func (u *upstreamServer) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.seen)
}

func TestRecordingProxy(t *testing.T) {
	t.Parallel()
	for _, useTLS := range []bool{false, true} {
		name := "plain"
		if useTLS {
			name = "TLS"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			up := &upstreamServer{}
			var us *httptest.Server
			var tlsCfg *tls.Config
			if useTLS {
				us = httptest.NewTLSServer(up)
				tlsCfg = us.Client().Transport.(*http.Transport).TLSClientConfig
			} else {
				us = httptest.NewServer(up)
			}
			defer us.Close()
			harPath := filepath.Join(t.TempDir(), "rec.har")
			rec, err := har.NewWriter(harPath, "test", false)
			require.NoError(t, err)
			px, err := upstream.New(upstream.Config{
				Targets: map[string]string{"flowroute": us.URL + "/v2"}, Timeout: 500 * time.Millisecond, MaxBody: 1024, TLS: tlsCfg, Recorder: rec,
			}, knownProvider)
			require.NoError(t, err)
			s := newSim(t, stubScenario, app.Config{Proxy: px})

			// Not emulated, not stubbed: forwarded with the client's headers.
			hdr := map[string]string{"Authorization": basicAuth["Authorization"], "Content-Type": "application/vnd.api+json", "X-Client": "sdk", "Connection": "keep-alive, X-Hop", "X-Hop": "1"}
			resp, body := s.do("POST", "/t/p/flowroute/v2/numbers/12065550100?x=1", `{"password":"hunter2"}`, hdr)
			require.Equal(t, http.StatusAccepted, resp.StatusCode, string(body))
			assert.Equal(t, "yes", resp.Header.Get("X-Upstream"))
			assert.Contains(t, string(body), "secret-from-upstream", "the client gets the real answer, unredacted")
			got, gotBody := up.last()
			require.NotNil(t, got)
			assert.Equal(t, "/v2/numbers/12065550100", got.URL.Path)
			assert.Equal(t, "x=1", got.URL.RawQuery)
			assert.Equal(t, basicAuth["Authorization"], got.Header.Get("Authorization"))
			assert.Equal(t, "sdk", got.Header.Get("X-Client"))
			assert.Empty(t, got.Header.Get("X-Hop"), "hop-by-hop headers stay here")
			assert.Empty(t, got.Header.Get("X-Sim-Tenant"))
			assert.Equal(t, `{"password":"hunter2"}`, gotBody)

			// A stub answers before the proxy; an emulated route too.
			n := up.count()
			resp, _ = s.do("PATCH", "/t/p/flowroute/v2/numbers/12065550100", `{"data":{"attributes":{"alias":"Main"}}}`, hdr)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			resp, _ = s.do("GET", "/t/p/flowroute/v2/numbers", "", hdr)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, n, up.count(), "nothing emulated or stubbed went upstream")

			// Upstream failures come back as 502 in Flowroute's shape.
			for _, path := range []string{"/v2/slow", "/v2/big"} {
				resp, body = s.do("GET", "/t/p/flowroute"+path, "", hdr)
				assert.Equal(t, http.StatusBadGateway, resp.StatusCode, path)
				assert.Contains(t, string(body), `"errors"`)
			}

			_, body = s.do("GET", "/t/p/__sim/journal?limit=20", "", nil)
			assert.Contains(t, string(body), `"source": "proxy `+us.URL+`/v2/numbers/12065550100?x=1"`)
			assert.Contains(t, string(body), `"source": "proxy error"`)
			assert.Contains(t, string(body), `"status": 502`)

			b, err := os.ReadFile(harPath)
			require.NoError(t, err)
			hartest.Validate(t, b)
			f, err := har.Parse(b)
			require.NoError(t, err)
			require.Len(t, f.Log.Entries, 3, "the proxied exchanges, failures included")
			e := f.Log.Entries[0]
			assert.Equal(t, "flowroute", e.Provider)
			assert.Equal(t, us.URL+"/v2/numbers/12065550100?x=1", e.Request.URL)
			assert.Equal(t, "Basic REDACTED-1", e.Request.Header().Get("Authorization"))
			assert.Regexp(t, `^\{"password":"REDACTED-\d+"\}$`, e.Request.Body())
			assert.Regexp(t, `"token":"REDACTED-\d+"`, e.Response.Content.Text)
			assert.NotContains(t, string(b), "hunter2")
			assert.NotContains(t, string(b), "secret-from-upstream")
			assert.Equal(t, 202, e.Response.Status)
			assert.Equal(t, 0, f.Log.Entries[1].Response.Status)
			assert.Contains(t, f.Log.Entries[1].Error, "in time")
		})
	}
}

func TestProxyModeAll(t *testing.T) {
	t.Parallel()
	up := &upstreamServer{}
	us := httptest.NewServer(up)
	defer us.Close()
	px, err := upstream.New(upstream.Config{Targets: map[string]string{"flowroute": us.URL}, Mode: upstream.All}, knownProvider)
	require.NoError(t, err)
	s := newSim(t, stubScenario, app.Config{Proxy: px})
	resp, _ := s.do("GET", "/flowroute/v2/numbers", "", basicAuth)
	assert.Equal(t, http.StatusAccepted, resp.StatusCode, "the emulated route is forwarded too")
	assert.Equal(t, 1, up.count())
	resp, _ = s.do("GET", "/call48/api/v4/nothing", "", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "a provider without --proxy is never forwarded")
	assert.Equal(t, 1, up.count())

	_, body := s.do("GET", "/__sim/proxy", "", nil)
	assert.JSONEq(t, `{"mode":"all","upstreams":[{"provider":"flowroute","url":"`+us.URL+`"}]}`, string(body))
}

func TestProxyConfigProblems(t *testing.T) {
	for _, tc := range []struct {
		targets map[string]string
		want    string
	}{
		{map[string]string{"nope": "https://x"}, "no such provider"},
		{map[string]string{"flowroute": "ftp://x"}, "not an http(s) URL"},
		{map[string]string{"flowroute": "https://x/v2?a=1"}, "without query"},
	} {
		_, err := upstream.New(upstream.Config{Targets: tc.targets}, knownProvider)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.want)
	}
	_, err := upstream.ParseMode("some")
	assert.Error(t, err)
}

func knownProvider(name string) (string, bool) {
	for _, p := range app.Providers() {
		if p.Info().Name == name {
			return p.Info().BasePath, true
		}
	}
	return "", false
}

// TestFlowrouteSDKStubFile drives the shipped stub file the way the
// Flowroute SDKs call those endpoints.
func TestFlowrouteSDKStubFile(t *testing.T) {
	t.Parallel()
	file := filepath.Join("..", "..", "scenarios", "flowroute-sdk-stubs.yaml")
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	sc, err := scenario.Parse(file, data, app.ProviderNames(app.Providers()), nil)
	require.NoError(t, err)
	a, err := app.New(app.Config{Scenario: sc})
	require.NoError(t, err)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() { srv.Close(); a.Close() })
	s := &sim{t: t, a: a, srv: srv}
	auth := map[string]string{"Authorization": basicAuth["Authorization"], "Accept": "application/json"}

	resp, body := s.do("GET", "/t/sdk/flowroute/v2/numbers/available?starts_with=1646&limit=3", "", auth)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	var avail struct {
		Data []struct {
			ID    string
			Links struct{ Related string }
		}
		Links struct{ Self string }
	}
	require.NoError(t, json.Unmarshal(body, &avail))
	require.Len(t, avail.Data, 3)
	assert.Equal(t, s.srv.URL+"/t/sdk/flowroute/v2/numbers/"+avail.Data[0].ID, avail.Data[0].Links.Related)
	assert.Contains(t, avail.Links.Self, "starts_with=1646&limit=3")

	resp, body = s.do("POST", "/t/sdk/flowroute/v2/numbers/"+avail.Data[0].ID, "", auth)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Contains(t, string(body), `"id":"`+avail.Data[0].ID+`"`)
	assert.Contains(t, string(body), `"primary_route"`)

	// set_did_alias sends a flat JSON body without a Content-Type.
	resp, body = s.do("PATCH", "/t/sdk/flowroute/v2/numbers/12065550100", `{"type": "number", "alias": "Front desk"}`, auth)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Contains(t, string(body), `"alias":"Front desk"`)

	resp, _ = s.do("DELETE", "/t/sdk/flowroute/v2/numbers/16463439507", "", auth)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)

	// Like the real API, they need the account's credentials; a refused
	// request gets Flowroute's own 401.
	resp, body = s.do("POST", "/t/sdk/flowroute/v2/numbers/16463439507", "", map[string]string{"Authorization": "Basic bm9wZTpub3Bl"})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, string(body), "Authentication failed.")

	// The default world is still there (the file includes it).
	resp, body = s.do("GET", "/t/sdk/flowroute/v2/cnams", "", auth)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "TEST, MARIA")
}

// TestProxyErrorsInEachProviderShape points every provider at an upstream
// where nothing listens: each answers 502 in its own error shape.
func TestProxyErrorsInEachProviderShape(t *testing.T) {
	t.Parallel()
	gone := httptest.NewServer(http.NotFoundHandler())
	url := gone.URL
	gone.Close()
	targets := map[string]string{}
	for _, p := range app.Providers() {
		targets[p.Info().Name] = url
	}
	px, err := upstream.New(upstream.Config{Targets: targets}, knownProvider)
	require.NoError(t, err)
	s := newSim(t, "version: 1\nname: empty\n", app.Config{Proxy: px})
	for _, p := range app.Providers() {
		info := p.Info()
		t.Run(info.Name, func(t *testing.T) {
			want := httptest.NewRecorder()
			p.WriteError(want, httptest.NewRequest("GET", "/x", nil), &provider.HTTPError{Status: http.StatusBadGateway, Message: "upstream"})
			resp, body := s.do("GET", "/t/gone"+info.Mount+info.BasePath+"/not-emulated/1", "", nil)
			assert.Equal(t, http.StatusBadGateway, resp.StatusCode, string(body))
			assert.Equal(t, want.Header().Get("Content-Type"), resp.Header.Get("Content-Type"))
			assert.Equal(t, topKeys(t, want.Body.Bytes()), topKeys(t, body))
		})
	}
	_, body := s.do("GET", "/t/gone/__sim/journal?limit=20", "", nil)
	assert.Equal(t, len(app.Providers()), strings.Count(string(body), `"source": "proxy error"`), "every failure is journaled")
}

// Stubs added through the control API, their sequences and state machines
// survive a state export and import; a document from before stubs were
// exported keeps the scenario's; a bad stub in a document is a 422 at its
// path.
func TestStubsInStateExports(t *testing.T) {
	t.Parallel()
	s := newSim(t, stubScenario, app.Config{})
	resp, body := s.do("POST", "/t/a/__sim/stubs", `{"id":"added","provider":"flowroute","method":"GET","path":"/v2/numbers/available",
	  "state":{"name":"stock","set":"asked"},"sequence":[{"body":{"n":"first"}},{"body":{"n":"second"}}]}`, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	_, body = s.do("GET", "/t/a/flowroute/v2/numbers/available", "", nil)
	require.Contains(t, string(body), "first")
	_, body = s.do("GET", "/t/a/flowroute/v2/cnams/7", "", basicAuth) // the scenario's sequence moves too
	require.Contains(t, string(body), `"is_approved":false`)

	resp, doc := s.do("GET", "/t/a/__sim/state", "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(doc))
	resp, body = s.do("PUT", "/t/b/__sim/state", string(doc), nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))

	_, body = s.do("GET", "/t/b/flowroute/v2/numbers/available", "", nil)
	assert.Contains(t, string(body), "second", "the sequence goes on where it was")
	_, body = s.do("GET", "/t/b/flowroute/v2/cnams/7", "", basicAuth)
	assert.Contains(t, string(body), `"is_approved":true`)
	_, body = s.do("GET", "/t/b/__sim/stubs", "", nil)
	assert.Contains(t, string(body), `"stock": "asked"`)
	resp, _ = s.do("POST", "/t/b/__sim/stubs", `{"id":"added","provider":"flowroute","method":"GET","path":"/x","response":{}}`, nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "ids stay taken")

	var parsed map[string]any
	require.NoError(t, json.Unmarshal(doc, &parsed))
	delete(parsed["engine"].(map[string]any), "stubs")
	old, err := json.Marshal(parsed)
	require.NoError(t, err)
	resp, body = s.do("PUT", "/t/c/__sim/state", string(old), nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	_, body = s.do("GET", "/t/c/__sim/stubs", "", nil)
	assert.Contains(t, string(body), `"alias"`, "the scenario's stubs")
	assert.NotContains(t, string(body), `"added"`)

	bad := strings.Replace(string(doc), `"path": "/v2/numbers/available"`, `"path": "no-slash"`, 1)
	require.NotEqual(t, string(doc), bad)
	resp, body = s.do("PUT", "/t/d/__sim/state", bad, nil)
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, string(body))
	assert.Contains(t, string(body), "engine.stubs.stubs.0.path")
}
