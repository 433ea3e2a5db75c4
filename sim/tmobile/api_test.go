package tmobile

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/provider"
)

var _ provider.Provider = (*Provider)(nil)
var _ provider.Credentialed = (*Provider)(nil)

// TestFullFlow: link -> token -> status 202 then 200 after the clock moves
// -> e911 change -> unlink -> the tokens are dead.
func TestFullFlow(t *testing.T) {
	e := newEnv(t, defaultScenario(t))
	tr := e.tokens(line1)
	assert.Equal(t, "Bearer", tr.TokenType)
	assert.Equal(t, int64(86400), tr.ExpiresIn)
	assert.Len(t, strings.Split(tr.AccessToken, "."), 3, "access tokens are JWTs, as in the document")

	r := e.status(tr.AccessToken)
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	assert.Empty(t, r.Body)

	e.advance(time.Minute)
	r = e.status(tr.AccessToken)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var st registrationStatusResponse
	r.json(t, &st)
	assert.Equal(t, 200, st.ReturnCode)
	assert.Regexp(t, `^wss://wrgweb1\.ttn\.t-mobile\.com:3030/wss/channelCreateUrl/notificationchannel/v1/[0-9A-F]{64}/channels/mavch1/notifications$`, st.ChannelURL)
	assert.Equal(t, []registrationInfo{{MSISDN: line1, RegStatus: true}}, st.Lines)

	// e911: open the page with the token in the query, then submit.
	success, failure := "http://127.0.0.1:3000/e911/ok", "http://127.0.0.1:3000/e911/fail"
	q := url.Values{"success-redirect-url": {success}, "failure-redirect-url": {failure}, "Authorization": {"Bearer " + tr.AccessToken}}
	path := "/account-mgmt/changeEmergencyAddress?" + q.Encode()
	r = e.page("POST", path, nil, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	assert.Contains(t, string(r.Body), "12920 SE 38th St, Bellevue, WA 98006")
	assert.Contains(t, string(r.Body), `<label for="city">City</label>`)
	assert.Contains(t, string(r.Body), `action="/t/acme/tmobile/account-mgmt/changeEmergencyAddress"`, "the form posts back through the tenant and mount prefix")
	sess := string(sessionRE.FindSubmatch(r.Body)[1])
	r = e.page("POST", "/account-mgmt/changeEmergencyAddress", url.Values{"session": {sess}, "action": {"save"},
		"addressLine1": {"500 Pine St"}, "city": {"Seattle"}, "state": {"wa"}, "zip": {"98101"}}, nil)
	require.Equal(t, http.StatusFound, r.Status, string(r.Body))
	assert.Equal(t, success, r.Header.Get("Location"))
	line, _ := e.store.Line(line1)
	assert.Equal(t, Address{Line1: "500 Pine St", City: "Seattle", State: "WA", Zip: "98101"}, line.E911)

	// unlink (with the SDK's query) revokes everything.
	uq := url.Values{"client_id": {demoClient}, "redirect_uri": {demoRedirect}}
	r = e.do(call{Method: "DELETE", Path: "/account/unlink?" + uq.Encode(), Header: map[string]string{"Authorization": "Bearer " + tr.AccessToken}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = e.status(tr.AccessToken)
	assert.Equal(t, http.StatusForbidden, r.Status)
	assert.Equal(t, ReasonTokenRevoked, r.reason(t))
	r = e.do(call{Method: "POST", Path: "/oauth/token?" + url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}}.Encode(),
		Header: map[string]string{"Authorization": basic(demoClient, demoSecret)}})
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, ReasonInvalidGrant, r.reason(t))
	line, _ = e.store.Line(line1)
	assert.False(t, line.RegStatus)
}

func TestTokenEndpoint(t *testing.T) {
	e := newEnv(t, defaultScenario(t))
	tokenCall := func(q url.Values, auth string) resp {
		return e.do(call{Method: "POST", Path: "/oauth/token?" + q.Encode(), Header: map[string]string{"Authorization": auth}})
	}
	t.Run("code reuse", func(t *testing.T) {
		code := e.link(line1)
		require.Equal(t, http.StatusOK, e.exchange(code, demoRedirect).Status)
		r := e.exchange(code, demoRedirect)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, ReasonInvalidGrant, r.reason(t))
	})
	t.Run("redirect mismatch", func(t *testing.T) {
		r := e.exchange(e.link(line1), "http://127.0.0.1:3000/other")
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, ReasonInvalidGrant, r.reason(t))
	})
	t.Run("expired code", func(t *testing.T) {
		code := e.link(line1)
		e.advance(5 * time.Minute)
		r := e.exchange(code, demoRedirect)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, ReasonInvalidGrant, r.reason(t))
	})
	t.Run("wrong client secret", func(t *testing.T) {
		q := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {demoRedirect}, "code": {e.link(line1)}}
		r := tokenCall(q, basic(demoClient, "wrong"))
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Equal(t, ReasonInvalidClient, r.reason(t))
	})
	t.Run("no client credentials", func(t *testing.T) {
		q := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {demoRedirect}, "code": {"x"}}
		r := e.do(call{Method: "POST", Path: "/oauth/token?" + q.Encode()})
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, ReasonMissingCredentials, r.reason(t))
	})
	t.Run("unsupported grant", func(t *testing.T) {
		r := tokenCall(url.Values{"grant_type": {"password"}}, basic(demoClient, demoSecret))
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, ReasonUnsupportedGrant, r.reason(t))
	})
	t.Run("missing grant_type, in the error shape", func(t *testing.T) {
		r := tokenCall(url.Values{"code": {"x"}}, basic(demoClient, demoSecret))
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, ReasonInvalidInput, r.reason(t))
	})
	t.Run("refresh, then the old refresh token is spent", func(t *testing.T) {
		tr := e.tokens(line2)
		q := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}}
		r := tokenCall(q, basic(demoClient, demoSecret))
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var tr2 tokenResponse
		r.json(t, &tr2)
		assert.NotEqual(t, tr.AccessToken, tr2.AccessToken)
		assert.Equal(t, "no-store", r.Header.Get("Cache-Control"))
		e.advance(time.Minute)
		assert.Equal(t, http.StatusOK, e.status(tr2.AccessToken).Status)
		r = tokenCall(q, basic(demoClient, demoSecret))
		assert.Equal(t, http.StatusBadRequest, r.Status)
	})
	t.Run("refresh as a form body", func(t *testing.T) {
		tr := e.tokens(line2)
		body := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}}.Encode()
		r := e.do(call{Method: "POST", Path: "/oauth/token?grant_type=refresh_token", Body: body,
			Header: map[string]string{"Authorization": basic(demoClient, demoSecret), "Content-Type": "application/x-www-form-urlencoded"}})
		assert.Equal(t, http.StatusOK, r.Status, string(r.Body))
	})
	t.Run("every parameter in a form body", func(t *testing.T) {
		body := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {demoRedirect}, "code": {e.link(line2)}}.Encode()
		r := e.do(call{Method: "POST", Path: "/oauth/token", Body: body,
			Header: map[string]string{"Authorization": basic(demoClient, demoSecret), "Content-Type": "application/x-www-form-urlencoded"}})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var tr tokenResponse
		r.json(t, &tr)
		assert.Equal(t, int64(86400), tr.ExpiresIn)
	})
	t.Run("access token expiry on the clock", func(t *testing.T) {
		tr := e.tokens(line1)
		e.advance(24 * time.Hour)
		r := e.status(tr.AccessToken)
		assert.Equal(t, http.StatusForbidden, r.Status)
		assert.Equal(t, ReasonTokenExpired, r.reason(t))
	})
	t.Run("the CPaaS prefix", func(t *testing.T) {
		q := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {demoRedirect}, "code": {e.link(line1)}}
		r := e.do(call{Method: "POST", Path: "/cpaas/v1/oauth/token?" + q.Encode(), Header: map[string]string{"Authorization": basic(demoClient, demoSecret)}})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var tr tokenResponse
		r.json(t, &tr)
		r = e.do(call{Method: "GET", Path: "/cpaas/v1/account/status", Header: map[string]string{"Authorization": "Bearer " + tr.AccessToken}})
		assert.Contains(t, []int{200, 202}, r.Status, string(r.Body))
	})
}

func TestLinkPage(t *testing.T) {
	e := newEnv(t, defaultScenario(t))
	t.Run("unknown client: error page, no redirect", func(t *testing.T) {
		r := e.page("GET", linkPath("nobody", demoRedirect, "s"), nil, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Empty(t, r.Header.Get("Location"))
		assert.Contains(t, string(r.Body), "unknown client_id")
	})
	t.Run("unregistered redirect: error page, no redirect", func(t *testing.T) {
		r := e.page("GET", linkPath(demoClient, "https://evil.example/cb", "s"), nil, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Empty(t, r.Header.Get("Location"))
		r = e.page("POST", linkPath(demoClient, "https://evil.example/cb", "s"), url.Values{"step": {"cancel"}}, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Empty(t, r.Header.Get("Location"))
	})
	t.Run("wrong client_secret", func(t *testing.T) {
		r := e.page("GET", linkPath(demoClient, demoRedirect, "s")+"&client_secret=nope", nil, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
	})
	t.Run("the login page is an accessible form", func(t *testing.T) {
		r := e.page("GET", linkPath(demoClient, demoRedirect, "s"), nil, nil)
		require.Equal(t, http.StatusOK, r.Status)
		body := string(r.Body)
		assert.Equal(t, "text/html; charset=utf-8", r.Header.Get("Content-Type"))
		assert.Contains(t, body, `<html lang="en">`)
		assert.Contains(t, body, `<label for="username">`)
		assert.Contains(t, body, `<label for="password">`)
		assert.Contains(t, body, "Demo Partner App")
		assert.Contains(t, body, `action="/t/acme/tmobile/account-mgmt/linkAccount?`)
	})
	t.Run("wrong password shows the page again, escaped", func(t *testing.T) {
		r := e.page("POST", linkPath(demoClient, demoRedirect, "s"), url.Values{"step": {"login"}, "username": {`<script>alert(1)</script>`}, "password": {"x"}}, nil)
		require.Equal(t, http.StatusOK, r.Status)
		body := string(r.Body)
		assert.Contains(t, body, `role="alert"`)
		assert.Contains(t, body, "The username or password is incorrect.")
		assert.NotContains(t, body, "<script>alert(1)</script>")
		assert.Contains(t, body, "&lt;script&gt;")
	})
	t.Run("cancel redirects with access_denied", func(t *testing.T) {
		r := e.page("POST", linkPath(demoClient, demoRedirect, "s1"), url.Values{"step": {"cancel"}}, nil)
		require.Equal(t, http.StatusFound, r.Status)
		loc, _ := url.Parse(r.Header.Get("Location"))
		assert.Equal(t, "access_denied", loc.Query().Get("error"))
		assert.Equal(t, "s1", loc.Query().Get("state"))
	})
	t.Run("a forged session cannot pick a line", func(t *testing.T) {
		r := e.page("POST", linkPath(demoClient, demoRedirect, "s"), url.Values{"step": {"select"}, "session": {"forged"}, "msisdn": {line1}}, nil)
		assert.Equal(t, http.StatusOK, r.Status)
		assert.Empty(t, r.Header.Get("Location"))
	})
	t.Run("the lines page offers both lines", func(t *testing.T) {
		r := e.page("POST", linkPath(demoClient, demoRedirect, "s"), url.Values{"step": {"login"}, "username": {demoUser}, "password": {demoPass}}, nil)
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, string(r.Body), "(425) 123-4567")
		assert.Contains(t, string(r.Body), "(425) 123-4568")
		assert.Contains(t, string(r.Body), "<fieldset>")
	})
}

func TestE911Page(t *testing.T) {
	e := newEnv(t, defaultScenario(t))
	tr := e.tokens(line2)
	success, failure := "https://app.example/ok?x=1", "https://app.example/fail"
	open := func(q url.Values, header map[string]string) resp {
		return e.page("POST", "/account-mgmt/changeEmergencyAddress?"+q.Encode(), nil, header)
	}
	submit := func(t *testing.T, q url.Values, form url.Values) resp {
		r := open(q, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		form.Set("session", string(sessionRE.FindSubmatch(r.Body)[1]))
		return e.page("POST", "/account-mgmt/changeEmergencyAddress", form, nil)
	}
	both := url.Values{"success-redirect-url": {success}, "failure-redirect-url": {failure}, "Authorization": {"Bearer " + tr.AccessToken}}
	onlySuccess := url.Values{"success-redirect-url": {success}, "Authorization": {tr.AccessToken}}

	t.Run("token in the header", func(t *testing.T) {
		r := open(url.Values{"success-redirect-url": {success}}, map[string]string{"Authorization": "Bearer " + tr.AccessToken})
		assert.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, string(r.Body), "3625 132nd Ave SE, Suite 200, Bellevue, WA 98006")
	})
	t.Run("token in a lower-case authorization query parameter", func(t *testing.T) {
		r := open(url.Values{"success-redirect-url": {success}, "authorization": {"Bearer " + tr.AccessToken}}, nil)
		assert.Equal(t, http.StatusOK, r.Status, r.Header.Get("Location"))
		assert.Contains(t, string(r.Body), "3625 132nd Ave SE")
	})
	t.Run("bad address goes to the failure URL", func(t *testing.T) {
		r := submit(t, both, url.Values{"addressLine1": {"1 Main"}, "city": {"X"}, "state": {"ZZ"}, "zip": {"98101"}})
		require.Equal(t, http.StatusFound, r.Status)
		loc, _ := url.Parse(r.Header.Get("Location"))
		assert.Equal(t, "/fail", loc.Path)
		assert.Equal(t, E911InvalidAddress, loc.Query().Get("error"))
	})
	t.Run("without a failure URL errors go to the success URL", func(t *testing.T) {
		r := submit(t, onlySuccess, url.Values{"addressLine1": {""}, "city": {"X"}, "state": {"WA"}, "zip": {"98101"}})
		require.Equal(t, http.StatusFound, r.Status)
		loc, _ := url.Parse(r.Header.Get("Location"))
		assert.Equal(t, "/ok", loc.Path)
		assert.Equal(t, "1", loc.Query().Get("x"))
		assert.Equal(t, E911InvalidAddress, loc.Query().Get("error"))
	})
	t.Run("cancel", func(t *testing.T) {
		r := submit(t, both, url.Values{"action": {"cancel"}})
		require.Equal(t, http.StatusFound, r.Status)
		assert.Contains(t, r.Header.Get("Location"), "error=cancelled")
	})
	t.Run("bad token goes to the failure URL", func(t *testing.T) {
		r := open(url.Values{"success-redirect-url": {success}, "failure-redirect-url": {failure}, "Authorization": {"Bearer nope"}}, nil)
		require.Equal(t, http.StatusFound, r.Status)
		assert.True(t, strings.HasPrefix(r.Header.Get("Location"), failure+"?"))
		assert.Contains(t, r.Header.Get("Location"), "error=invalid_token")
	})
	t.Run("no token", func(t *testing.T) {
		r := open(url.Values{"success-redirect-url": {success}}, nil)
		require.Equal(t, http.StatusFound, r.Status)
		assert.Contains(t, r.Header.Get("Location"), "error=invalid_token")
	})
	t.Run("no success URL: an error page", func(t *testing.T) {
		r := open(url.Values{"Authorization": {tr.AccessToken}}, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Empty(t, r.Header.Get("Location"))
	})
	t.Run("a page session is single use", func(t *testing.T) {
		r := open(both, nil)
		sess := string(sessionRE.FindSubmatch(r.Body)[1])
		form := url.Values{"session": {sess}, "addressLine1": {"2 Main St"}, "city": {"Tacoma"}, "state": {"WA"}, "zip": {"98402-1234"}}
		r = e.page("POST", "/account-mgmt/changeEmergencyAddress", form, nil)
		require.Equal(t, http.StatusFound, r.Status)
		assert.Equal(t, success, r.Header.Get("Location"))
		r = e.page("POST", "/account-mgmt/changeEmergencyAddress", form, nil)
		assert.Equal(t, http.StatusBadRequest, r.Status)
		line, _ := e.store.Line(line2)
		assert.Equal(t, "98402-1234", line.E911.Zip)
	})
}

func TestErrorsAndTransactionIDs(t *testing.T) {
	e := newEnv(t, defaultScenario(t))
	tr := e.tokens(line1)
	guidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

	r := e.do(call{Method: "GET", Path: "/account/status", Header: map[string]string{"Authorization": "Bearer " + tr.AccessToken, "x-transaction-id": "my-tx-1"}})
	assert.Equal(t, "my-tx-1", r.Header.Get("x-transaction-id"))
	r = e.status(tr.AccessToken)
	assert.Regexp(t, guidRE, r.Header.Get("x-transaction-id"))
	r = e.do(call{Method: "GET", Path: "/account/status", Header: map[string]string{"Authorization": "Bearer bogus", "x-transaction-id": "tx-err"}})
	assert.Equal(t, http.StatusForbidden, r.Status)
	assert.Equal(t, ReasonInvalidToken, r.reason(t))
	assert.Equal(t, "tx-err", r.Header.Get("x-transaction-id"))

	r = e.do(call{Method: "GET", Path: "/nope", NoPoP: true})
	assert.Equal(t, http.StatusNotFound, r.Status)
	assert.Equal(t, ReasonNotFound, r.reason(t))
	assert.NotEmpty(t, r.Header.Get("x-transaction-id"))
	r = e.do(call{Method: "PUT", Path: "/account/status", NoPoP: true})
	assert.Equal(t, http.StatusMethodNotAllowed, r.Status)
	assert.Equal(t, ReasonMethodNotAllowed, r.reason(t))

	t.Run("conflict through the control lever", func(t *testing.T) {
		res, err := http.Post(e.srv.URL+"/__sim/tmobile/accounts/demo-user/conflict", "application/json", nil)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		r := e.status(tr.AccessToken)
		assert.Equal(t, http.StatusConflict, r.Status)
		assert.Equal(t, ReasonAccountConflict, r.reason(t))
		req, _ := http.NewRequest("DELETE", e.srv.URL+"/__sim/tmobile/accounts/demo-user/conflict", nil)
		res, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusAccepted, e.status(tr.AccessToken).Status)
	})
	t.Run("complete registration through the control lever", func(t *testing.T) {
		res, err := http.Post(e.srv.URL+"/__sim/tmobile/lines/"+line1+"/complete-registration", "application/json", nil)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, http.StatusOK, e.status(tr.AccessToken).Status)
		res, err = http.Post(e.srv.URL+"/__sim/tmobile/lines/2065550000/complete-registration", "application/json", nil)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusNotFound, res.StatusCode)
	})
}

func TestAuthFailureStatus401(t *testing.T) {
	e := newEnv(t, customScenario(t, "  authFailureStatus: 401\n"))
	r := e.do(call{Method: "GET", Path: "/account/status", Header: map[string]string{"Authorization": "Bearer bogus"}})
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	assert.Equal(t, ReasonInvalidToken, r.reason(t))
}

func TestTransactionIDsAreSeeded(t *testing.T) {
	first := func() string {
		e := newEnv(t, defaultScenario(t))
		return e.do(call{Method: "GET", Path: "/nope", NoPoP: true}).Header.Get("x-transaction-id")
	}
	assert.Equal(t, first(), first())
}
