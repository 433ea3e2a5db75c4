package tmobile_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/sim/simtest"
)

// actionsWorld is the demo client with one subscriber whose line takes an
// hour to register, plus scheduled actions.
func actionsWorld(t *testing.T) string {
	pub, err := os.ReadFile("../../fixtures/tmobile/demo-client-pub.pem")
	require.NoError(t, err)
	indented := strings.ReplaceAll(strings.TrimSpace(string(pub)), "\n", "\n        ")
	return `
version: 1
clock: {start: "2026-03-02T08:00:00Z", mode: frozen}
tmobile:
  clients:
    - clientId: demo-client
      clientSecret: demo-secret
      redirectUris: ["http://127.0.0.1:3000/callback"]
      popPublicKey: |
        ` + indented + `
  users:
    - login: demo-user
      password: demo-pass
      lines: [{msisdn: "4251234567"}]
    - login: other-user
      password: other-pass
      lines: [{msisdn: "4255550123"}]
  registration: {processing: 1h}
events:
  - {at: "+5m", provider: tmobile, action: complete-registration, msisdn: "4251234567"}
  - {at: "+10m", provider: tmobile, action: conflict, login: demo-user}
  - {at: "+15m", provider: tmobile, action: clear-conflict, login: DEMO-USER}
  - {at: "+20m", provider: tmobile, action: revoke-tokens, login: demo-user, clientId: demo-client}
  - {at: "+25m", provider: tmobile, action: complete-registration, msisdn: "4259999999"}
`
}

// partner plays the demo client: it links the subscriber through the pages
// and calls the API with PoP tokens signed by the fixture key.
type partner struct {
	t    *testing.T
	srv  *simtest.Server
	key  *rsa.PrivateKey
	http *http.Client
}

var jtis atomic.Int64

func newPartner(t *testing.T, srv *simtest.Server) *partner {
	b, err := os.ReadFile("../../fixtures/tmobile/demo-client-key.pem")
	require.NoError(t, err)
	block, _ := pem.Decode(b)
	require.NotNil(t, block)
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	return &partner{t: t, srv: srv, key: k.(*rsa.PrivateKey),
		http: &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// pop signs the request's Authorization, method, uri and body, as the
// public PoP builders do.
func (p *partner) pop(req *http.Request, body string) string {
	names := []string{"Authorization", "http-method", "uri"}
	concat := req.Header.Get("Authorization") + req.Method + req.URL.RequestURI()
	if body != "" {
		names = append(names, "body")
		concat += body
	}
	sum := sha256.Sum256([]byte(concat))
	now := clock.Wall()
	claims, _ := json.Marshal(map[string]any{
		"v": "1", "edts": base64.RawURLEncoding.EncodeToString(sum[:]), "ehts": strings.Join(names, ";"),
		"iat": now.Unix(), "exp": now.Add(time.Minute).Unix(), "jti": fmt.Sprintf("act-%d", jtis.Add(1)),
	})
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	input := head + "." + base64.RawURLEncoding.EncodeToString(claims)
	h := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, p.key, crypto.SHA256, h[:])
	require.NoError(p.t, err)
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func (p *partner) do(method, path, authz, body string) (int, []byte) {
	p.t.Helper()
	req, err := http.NewRequest(method, p.srv.URL("tmobile")+path, strings.NewReader(body))
	require.NoError(p.t, err)
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Authorization", p.pop(req, body))
	resp, data := p.srv.Do(p.t, "tmobile", req)
	return resp.StatusCode, data
}

var sessionRE = regexp.MustCompile(`name="session" value="([^"]+)"`)

// tokens links the subscriber's line and exchanges the code.
func (p *partner) tokens(login, password, msisdn string) (access, refresh string) {
	t := p.t
	t.Helper()
	page := p.srv.URL("tmobile") + "/account-mgmt/linkAccount?" + url.Values{
		"client_id": {"demo-client"}, "redirect_uri": {"http://127.0.0.1:3000/callback"}, "state": {"s1"}}.Encode()
	resp, err := p.http.PostForm(page, url.Values{"step": {"login"}, "username": {login}, "password": {password}})
	require.NoError(t, err)
	page1 := readAll(t, resp)
	m := sessionRE.FindStringSubmatch(page1)
	require.NotNil(t, m, page1)
	resp, err = p.http.PostForm(page, url.Values{"step": {"select"}, "session": {m[1]}, "msisdn": {msisdn}})
	require.NoError(t, err)
	readAll(t, resp)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	q := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {"http://127.0.0.1:3000/callback"}, "code": {loc.Query().Get("code")}}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("demo-client:demo-secret"))
	status, body := p.do("POST", "/oauth/token?"+q.Encode(), basic, "")
	require.Equal(t, http.StatusOK, status, string(body))
	var tr struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	require.NoError(t, json.Unmarshal(body, &tr))
	return tr.AccessToken, tr.RefreshToken
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

func reason(t *testing.T, body []byte) string {
	var e struct {
		Errors []struct {
			ReasonCode string `json:"reasonCode"`
		} `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(body, &e), string(body))
	require.NotEmpty(t, e.Errors, string(body))
	return e.Errors[0].ReasonCode
}

func TestScheduledTMobileActions(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Scenario(actionsWorld(t)))
	p := newPartner(t, srv)
	access, refresh := p.tokens("demo-user", "demo-pass", "4251234567")
	bearer := "Bearer " + access

	status, body := p.do("GET", "/account/status", bearer, "")
	require.Equal(t, http.StatusAccepted, status, "registration takes an hour: %s", body)

	// complete-registration at +5m ends the processing early.
	srv.Advance(5 * time.Minute)
	status, body = p.do("GET", "/account/status", bearer, "")
	require.Equal(t, http.StatusOK, status, string(body))
	assert.Contains(t, string(body), "4251234567")

	// conflict at +10m, cleared at +15m.
	srv.Advance(5 * time.Minute)
	status, body = p.do("GET", "/account/status", bearer, "")
	assert.Equal(t, http.StatusConflict, status, string(body))
	srv.Advance(5 * time.Minute)
	status, _ = p.do("GET", "/account/status", bearer, "")
	assert.Equal(t, http.StatusOK, status)

	// revoke-tokens at +20m: the access token and the refresh token die.
	srv.Advance(5 * time.Minute)
	status, body = p.do("GET", "/account/status", bearer, "")
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, "TOKEN_REVOKED", reason(t, body))
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("demo-client:demo-secret"))
	status, body = p.do("POST", "/oauth/token?"+url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}.Encode(), basic, "")
	assert.Equal(t, http.StatusBadRequest, status, string(body))
	assert.Contains(t, string(body), "revoked")

	// a line that does not exist fails only when the event runs
	srv.Advance(5 * time.Minute)
	evs := srv.Events()
	require.Len(t, evs, 5)
	for _, ev := range evs[:4] {
		assert.Equal(t, "done", ev.Status)
	}
	assert.Equal(t, "failed", evs[4].Status)
	assert.Equal(t, "no line 4259999999", evs[4].Error)
}

func TestTMobileActionArgumentsAreCheckedAtLoad(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	cases := []struct{ event, want string }{
		{`{at: "+1m", provider: tmobile, action: complete-registration, msisdn: "+1 425 123 4567"}`, `request:3:75: events[0].msisdn: must be a 10-digit number such as 4251234567`},
		{`{at: "+1m", provider: tmobile, action: complete-registration}`, `request:3:5: events[0].msisdn: required: the line's 10-digit number`},
		{`{at: "+1m", provider: tmobile, action: conflict, user: demo-user}`, `request:3:54: events[0].user: unknown field`},
		{`{at: "+1m", provider: tmobile, action: clear-conflict, login: demo-user, clientId: demo-client}`, `request:3:88: events[0].clientId: clear-conflict takes no clientId`},
		{`{at: "+1m", provider: tmobile, action: revoke-tokens, login: [a, b]}`, `request:3:66: events[0].login: expected a string, got a list`},
	}
	for _, c := range cases {
		var got []string
		for _, p := range srv.ScenarioProblems("version: 1\nevents:\n  - " + c.event + "\n") {
			got = append(got, p.String())
		}
		assert.Equal(t, []string{c.want}, got, c.event)
	}
}
