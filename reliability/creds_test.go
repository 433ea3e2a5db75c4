package reliability

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
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/clock"
)

// Demo credentials of scenarios/default.yaml.
const (
	flowrouteKey    = "demo-access-key"
	flowrouteSecret = "demo-secret-key"
	somosRefresh    = "demo-refresh-admin"
	somosUserRef    = "demo-refresh-br-user"
	call48User      = "mark"
	call48Pass      = "password"
	tmClient        = "demo-client"
	tmSecret        = "demo-secret"
	tmRedirect      = "http://127.0.0.1:3000/callback"
	tmUser          = "demo-user"
	tmPass          = "demo-pass"
	tmLine          = "4251234567"
)

// signer adds a provider's credentials to a finished request.
type signer func(r *http.Request, body []byte)

// creds logs in to a provider in a tenant with the default scenario's demo
// credentials and returns a signer for its secure routes, per scheme.
func (s *sim) creds(t testing.TB, tenantID, name string) map[string]signer {
	t.Helper()
	switch name {
	case "flowroute":
		return map[string]signer{"basic": setHeader("Authorization", basicAuth(flowrouteKey, flowrouteSecret))}
	case "somos":
		id := s.somosToken(t, tenantID, somosRefresh)
		return map[string]signer{"idToken": setHeader("Authorization", id)}
	case "call48":
		tok := s.call48Token(t, tenantID)
		return map[string]signer{"token": setHeader("Authorization", tok)}
	case "tmobile":
		access := s.tmobileAccess(t, tenantID)
		return map[string]signer{
			"client+pop": popSigner(t, basicAuth(tmClient, tmSecret)),
			"bearer+pop": popSigner(t, "Bearer "+access),
		}
	}
	return nil
}

// somosToken exchanges a refresh token for an IdToken.
func (s *sim) somosToken(t testing.TB, tenantID, refresh string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"refreshToken": refresh})
	out := s.do(req{Tenant: tenantID, Provider: "somos", Method: "POST", Path: "/public/apitoken", Body: b, Header: jsonHeader()})
	require.Equal(t, http.StatusOK, out.Status, out.String())
	var r struct {
		Data struct {
			AuthenticationResult struct {
				IdToken     string
				AccessToken string
			}
		}
	}
	require.NoError(t, json.Unmarshal(out.Body, &r))
	require.NotEmpty(t, r.Data.AuthenticationResult.IdToken, out.String())
	return r.Data.AuthenticationResult.IdToken
}

// call48Token logs in; Call48 takes the token raw in Authorization.
func (s *sim) call48Token(t testing.TB, tenantID string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"user_name": call48User, "password": call48Pass})
	out := s.do(req{Tenant: tenantID, Provider: "call48", Method: "POST", Path: "/api/v4/login", Body: b, Header: jsonHeader()})
	require.Equal(t, http.StatusOK, out.Status, out.String())
	var r struct {
		Token string `json:"token"`
		Data  struct {
			Token string `json:"token"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(out.Body, &r), out.String())
	tok := r.Token
	if tok == "" {
		tok = r.Data.Token
	}
	require.NotEmpty(t, tok, out.String())
	return tok
}

var (
	keyOnce sync.Once
	demoKey *rsa.PrivateKey
	keyErr  error
	jtiN    atomic.Int64
)

// tmobileKey is the demo client's PoP signing key (a fixture).
func tmobileKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() {
		raw, err := os.ReadFile("../fixtures/tmobile/demo-client-key.pem")
		if err != nil {
			keyErr = err
			return
		}
		block, _ := pem.Decode(raw)
		if block == nil {
			keyErr = fmt.Errorf("no PEM block in the demo key")
			return
		}
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			keyErr = err
			return
		}
		demoKey, _ = k.(*rsa.PrivateKey)
	})
	require.NoError(t, keyErr)
	require.NotNil(t, demoKey)
	return demoKey
}

// popToken signs the named values with the demo key the way T-Mobile's
// partner builders do (docs/tmobile.md "PoP tokens").
func popToken(t testing.TB, names, values []string) string {
	t.Helper()
	return popTokenAt(t, names, values, clock.Wall())
}

// popTokenAt is popToken issued at a given (wall) time.
func popTokenAt(t testing.TB, names, values []string, now time.Time) string {
	t.Helper()
	sum := sha256Sum(strings.Join(values, ""))
	claims := map[string]any{
		"v":    "1",
		"ehts": strings.Join(names, ";"),
		"edts": sum,
		"iat":  now.Unix(),
		"exp":  now.Add(2 * time.Minute).Unix(),
		"jti":  fmt.Sprintf("rel-%d-%d", now.UnixNano(), jtiN.Add(1)),
	}
	hb, err := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	require.NoError(t, err)
	cb, err := json.Marshal(claims)
	require.NoError(t, err)
	tok := signRaw(t, hb, cb)
	return tok
}

// popSigner sets Authorization and a PoP token over it, the URI as sent,
// the method and the body.
func popSigner(t testing.TB, authorization string) signer {
	return popSignerAt(t, authorization, time.Time{})
}

// popSignerAt is popSigner with PoP tokens issued at iat (zero: now).
func popSignerAt(t testing.TB, authorization string, iat time.Time) signer {
	return func(r *http.Request, body []byte) {
		names := []string{"uri", "http-method"}
		values := []string{r.RequestURI, r.Method}
		if authorization != "" {
			r.Header.Set("Authorization", authorization)
			names = append([]string{"Authorization"}, names...)
			values = append([]string{authorization}, values...)
		}
		if len(body) > 0 {
			names = append(names, "body")
			values = append(values, string(body))
		}
		at := iat
		if at.IsZero() {
			at = clock.Wall()
		}
		r.Header.Set("X-Authorization", popTokenAt(t, names, values, at))
	}
}

var sessionRE = regexp.MustCompile(`name="session" value="([^"]+)"`)

// tmobileAccess walks the link page in a tenant, exchanges the code and
// returns an access token.
func (s *sim) tmobileAccess(t testing.TB, tenantID string) string {
	t.Helper()
	access, _ := s.tmobileTokens(t, tenantID)
	return access
}

func (s *sim) tmobileTokens(t testing.TB, tenantID string) (access, refresh string) {
	t.Helper()
	q := url.Values{"client_id": {tmClient}, "redirect_uri": {tmRedirect}, "state": {"rel"}}.Encode()
	page := "/account-mgmt/linkAccount?" + q
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	out := s.do(req{Tenant: tenantID, Provider: "tmobile", Method: "POST", Path: page, Header: form,
		Body: []byte(url.Values{"step": {"login"}, "username": {tmUser}, "password": {tmPass}}.Encode())})
	require.Equal(t, http.StatusOK, out.Status, out.String())
	m := sessionRE.FindSubmatch(out.Body)
	require.NotNil(t, m, out.String())
	out = s.do(req{Tenant: tenantID, Provider: "tmobile", Method: "POST", Path: page, Header: form,
		Body: []byte(url.Values{"step": {"select"}, "session": {string(m[1])}, "msisdn": {tmLine}}.Encode())})
	require.Equal(t, http.StatusFound, out.Status, out.String())
	loc, err := url.Parse(out.Header.Get("Location"))
	require.NoError(t, err)
	code := loc.Query().Get("code")
	require.NotEmpty(t, code, out.Header.Get("Location"))
	tq := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {tmRedirect}, "code": {code}}.Encode()
	out = s.do(req{Tenant: tenantID, Provider: "tmobile", Method: "POST", Path: "/oauth/token?" + tq,
		Sign: popSigner(t, basicAuth(tmClient, tmSecret))})
	require.Equal(t, http.StatusOK, out.Status, out.String())
	var tr struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	require.NoError(t, json.Unmarshal(out.Body, &tr))
	require.NotEmpty(t, tr.AccessToken)
	return tr.AccessToken, tr.RefreshToken
}

// sha256Sum is base64url (no padding) of SHA-256, the PoP edts encoding.
func sha256Sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// signRaw signs a JWS with the demo client's key over the given header and
// payload bytes, whatever they hold.
func signRaw(t testing.TB, header, payload []byte) string {
	t.Helper()
	input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, tmobileKey(t), crypto.SHA256, digest[:])
	require.NoError(t, err)
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}
