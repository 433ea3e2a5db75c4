package tmobile

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/clock"
)

func TestVerifyPoP(t *testing.T) {
	demo, other := keys(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	req := popRequest{
		Method: "POST",
		URI:    "/t/acme/tmobile/oauth/token?grant_type=refresh_token&refresh_token=abc",
		Header: http.Header{"Authorization": {"Basic ZGVtbzpzZWNyZXQ="}, "Content-Type": {"application/json"}},
		Body:   []byte(`{"a":1}`),
	}
	all := []kv{{"Content-Type", "application/json"}, {"Authorization", "Basic ZGVtbzpzZWNyZXQ="},
		{"uri", req.URI}, {"http-method", "POST"}, {"body", `{"a":1}`}}
	pol := popPolicy{Skew: 10 * time.Second, MaxLifetime: 2 * time.Minute, Status: 403,
		Required: []string{"http-method", "uri", "Authorization", "body"}}
	tests := []struct {
		name   string
		token  string
		reason string
	}{
		{"valid", buildPoP(t, demo, all, now, 2*time.Minute, "j1"), ""},
		{"valid, issued 5s in the future (skew)", buildPoP(t, demo, all, now.Add(5*time.Second), 2*time.Minute, "j1"), ""},
		{"valid, expired 5s ago (skew)", buildPoP(t, demo, all, now.Add(-125*time.Second), 2*time.Minute, "j1"), ""},
		{"bad signature", buildPoP(t, other, all, now, 2*time.Minute, "j1"), ReasonPoPSignature},
		{"tampered body", buildPoP(t, demo, []kv{all[0], all[1], all[2], all[3], {"body", `{"a":2}`}}, now, 2*time.Minute, "j1"), ReasonPoPEdts},
		{"wrong uri", buildPoP(t, demo, []kv{all[0], all[1], {"uri", "/oauth/token?grant_type=refresh_token&refresh_token=abc"}, all[3], all[4]}, now, 2*time.Minute, "j1"), ReasonPoPEdts},
		{"wrong method", buildPoP(t, demo, []kv{all[0], all[1], all[2], {"http-method", "GET"}, all[4]}, now, 2*time.Minute, "j1"), ReasonPoPEdts},
		{"Java builder's string v", buildPoPVersion(t, "1", demo, all, now, 2*time.Minute, "j1"), ""},
		{"ehts order is followed, whatever it is", buildPoP(t, demo, []kv{all[1], all[0], all[2], all[3], all[4]}, now, 2*time.Minute, "j1"), ""},
		{"expired", buildPoP(t, demo, all, now.Add(-3*time.Minute), 2*time.Minute, "j1"), ReasonPoPExpired},
		{"issued in the future", buildPoP(t, demo, all, now.Add(time.Minute), 2*time.Minute, "j1"), ReasonPoPNotYetValid},
		{"lifetime too long", buildPoP(t, demo, all, now, 10*time.Minute, "j1"), ReasonPoPLifetime},
		{"body not signed", buildPoP(t, demo, all[:4], now, 2*time.Minute, "j1"), ReasonPoPIncomplete},
		{"authorization not signed", buildPoP(t, demo, []kv{all[0], all[2], all[3], all[4]}, now, 2*time.Minute, "j1"), ReasonPoPIncomplete},
		{"signs a header the request lacks", buildPoP(t, demo, append([]kv{{"X-Extra", "v"}}, all...), now, 2*time.Minute, "j1"), ReasonPoPEdts},
		{"no jti", buildPoP(t, demo, all, now, 2*time.Minute, ""), ReasonInvalidPoP},
		{"not a JWT", "abc.def", ReasonInvalidPoP},
		{"garbage", "a.b.c", ReasonInvalidPoP},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, e := verifyPoP(tc.token, &demo.PublicKey, req, now, pol)
			if tc.reason == "" {
				require.Nil(t, e)
				assert.Equal(t, "j1", c.Jti)
				return
			}
			require.NotNil(t, e)
			assert.Equal(t, tc.reason, e.ReasonCode, e.SystemMessage)
			assert.Equal(t, 403, e.Status)
		})
	}
}

// TestVerifyPoPVersionClaim: npm tmo-poptoken-builder sends v as the number
// 1, the Java and .NET builders as the string "1"; both are accepted.
func TestVerifyPoPVersionClaim(t *testing.T) {
	demo, _ := keys(t)
	now := clock.Wall()
	signed := []kv{{"uri", "/x"}, {"http-method", "GET"}}
	req := popRequest{Method: "GET", URI: "/x", Header: http.Header{}}
	pol := popPolicy{Skew: 10 * time.Second, MaxLifetime: 2 * time.Minute, Status: 403}
	for _, tc := range []struct {
		v  any
		ok bool
	}{{1, true}, {"1", true}, {2, false}, {"2", false}, {nil, false}} {
		t.Run(fmt.Sprint(tc.v), func(t *testing.T) {
			_, e := verifyPoP(buildPoPVersion(t, tc.v, demo, signed, now, 2*time.Minute, "v"), &demo.PublicKey, req, now, pol)
			if tc.ok {
				assert.Nil(t, e)
				return
			}
			require.NotNil(t, e)
			assert.Equal(t, ReasonInvalidPoP, e.ReasonCode)
		})
	}
}

func TestURIForms(t *testing.T) {
	tests := []struct{ uri, decoded string }{
		{"/account/status", ""},
		{"/oauth/token?grant_type=refresh_token&refresh_token=abc", ""},
		{"/t/a/tmobile/oauth/token?grant_type=authorization_code&redirect_uri=http%3A%2F%2F127.0.0.1%3A3000%2Fcallback&code=C",
			"/t/a/tmobile/oauth/token?grant_type=authorization_code&redirect_uri=http://127.0.0.1:3000/callback&code=C"},
		{"/x?a=b+c&flag&d=%2B", "/x?a=b c&flag&d=+"},
		{"/x?a=%zz", ""},
	}
	for _, tc := range tests {
		got := popRequest{URI: tc.uri}.uriForms()
		want := []string{tc.uri}
		if tc.decoded != "" {
			want = append(want, tc.decoded)
		}
		assert.Equal(t, want, got, tc.uri)
	}
}

func edtsFor(vals ...string) string {
	s, _ := edtsOf([]string{"uri", "http-method"}, popRequest{URI: vals[0], Method: vals[1]})
	return s
}

// TestPoPOverHTTP checks each PoP failure on a real request, through the
// tenant and mount prefix the engine strips.
func TestPoPOverHTTP(t *testing.T) {
	e := newEnv(t, defaultScenario(t))
	tr := e.tokens(line1)
	_, other := keys(t)
	auth := map[string]string{"Authorization": "Bearer " + tr.AccessToken}

	t.Run("valid", func(t *testing.T) {
		r := e.status(tr.AccessToken)
		assert.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	})
	t.Run("uri is signed as sent, with the tenant and mount prefix", func(t *testing.T) {
		r := e.do(call{Method: "GET", Path: "/account/status", Header: auth, BaseURI: "/account/status"})
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Equal(t, ReasonPoPEdts, r.reason(t))
	})
	t.Run("uri with the query not URL-encoded, as the builders' guides say", func(t *testing.T) {
		q := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {demoRedirect}, "code": {e.link(line2)}}
		path := "/oauth/token?" + q.Encode()
		plain := e.prefix + "/oauth/token?code=" + q.Get("code") + "&grant_type=authorization_code&redirect_uri=" + demoRedirect
		hdr := map[string]string{"Authorization": basic(demoClient, demoSecret)}
		wrong := strings.Replace(plain, "callback", "other", 1)
		r := e.do(call{Method: "POST", Path: path, Header: hdr, BaseURI: wrong})
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Equal(t, ReasonPoPEdts, r.reason(t))
		r = e.do(call{Method: "POST", Path: path, Header: hdr, BaseURI: plain})
		assert.Equal(t, http.StatusOK, r.Status, string(r.Body))
	})
	t.Run("bad signature", func(t *testing.T) {
		r := e.do(call{Method: "GET", Path: "/account/status", Header: auth, Key: other})
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Equal(t, ReasonPoPSignature, r.reason(t))
	})
	t.Run("tampered body", func(t *testing.T) {
		body := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}}.Encode()
		r := e.do(call{Method: "POST", Path: "/oauth/token?grant_type=refresh_token", Body: body,
			Header: map[string]string{"Authorization": basic(demoClient, demoSecret), "Content-Type": "application/x-www-form-urlencoded"},
			Sign: func(c *call) []kv {
				return []kv{{"Authorization", c.Header["Authorization"]}, {"http-method", "POST"},
					{"uri", e.prefix + c.Path}, {"body", strings.Replace(c.Body, "refresh_token=", "refresh_token=X", 1)}}
			}})
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Equal(t, ReasonPoPEdts, r.reason(t))
	})
	t.Run("expired (wall clock)", func(t *testing.T) {
		r := e.do(call{Method: "GET", Path: "/account/status", Header: auth, Iat: clock.Wall().Add(-5 * time.Minute)})
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Equal(t, ReasonPoPExpired, r.reason(t))
	})
	t.Run("replayed", func(t *testing.T) {
		c := call{Method: "GET", Path: "/account/status", Header: auth, JTI: "replay-me"}
		r := e.do(c)
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		r = e.do(c)
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Equal(t, ReasonPoPReplayed, r.reason(t))
	})
	t.Run("missing", func(t *testing.T) {
		r := e.do(call{Method: "GET", Path: "/account/status", Header: auth, NoPoP: true})
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, ReasonMissingPoP, r.reason(t))
	})
	t.Run("advancing the virtual clock does not touch PoP lifetimes", func(t *testing.T) {
		e.advance(2 * time.Hour)
		r := e.status(tr.AccessToken)
		assert.Equal(t, http.StatusOK, r.Status, string(r.Body))
	})
}
