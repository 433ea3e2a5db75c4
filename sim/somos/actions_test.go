package somos_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

const actionsWorld = `
version: 1
clock: {start: "2026-03-02T08:00:00Z", mode: frozen}
tnregistry:
  numbers:
    list:
      - {tfn: "8335550100", status: WORKING, respOrg: BRSMS}
      - {tfn: "8335550101", status: WORKING, respOrg: BRSMS}
somos:
  tokens: {ttl: 1h}
  partnerPropagation: 2m
  users:
    - {email: admin@br.example, role: RespOrgAdmin, respOrg: BRSMS, refreshTokens: [rt-admin]}
    - {email: user@br.example, role: RespOrgUser, respOrg: BRSMS, refreshTokens: [rt-user, rt-user-2]}
events:
  - {at: "+1m", provider: somos, action: partner-fail, tfn: "8335550100", times: 1}
  - {at: "+10m", provider: somos, action: disable-user, email: user@br.example}
  - {at: "+11m", provider: somos, action: enable-user, email: USER@br.example}
  - {at: "+20m", provider: somos, action: revoke-tokens, email: user@br.example}
  - {at: "+30m", provider: somos, action: revoke-tokens, email: nobody@br.example}
`

func call(t *testing.T, srv *simtest.Server, method, path, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL("somos")+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, data := srv.Do(t, "somos", req)
	return resp.StatusCode, data
}

func login(t *testing.T, srv *simtest.Server, refresh string) (int, string) {
	t.Helper()
	status, body := call(t, srv, "POST", "/public/apitoken", "", `{"refreshToken":"`+refresh+`"}`)
	var out struct {
		Data struct {
			AuthenticationResult struct{ IdToken string }
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &out)
	return status, out.Data.AuthenticationResult.IdToken
}

func partnerStatus(t *testing.T, srv *simtest.Server, token, tfn string) string {
	t.Helper()
	status, body := call(t, srv, "GET", "/cnam/"+tfn, token, "")
	require.Equal(t, http.StatusOK, status, string(body))
	var e struct {
		PartnerUpdateStatus string `json:"partnerUpdateStatus"`
	}
	require.NoError(t, json.Unmarshal(body, &e), string(body))
	return e.PartnerUpdateStatus
}

func TestScheduledSomosActions(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Scenario(actionsWorld))
	status, id := login(t, srv, "rt-user")
	require.Equal(t, http.StatusOK, status)

	// partner-fail at +1m: the propagation pending at that moment fails,
	// the next one succeeds (times: 1).
	for _, tfn := range []string{"8335550100", "8335550101"} {
		status, body := call(t, srv, "POST", "/cnam", id, `{"tfn":"`+tfn+`","cnam":"ACTION TEST"}`)
		require.Equal(t, http.StatusOK, status, string(body))
	}
	srv.Advance(3 * time.Minute)
	assert.Equal(t, "failed", partnerStatus(t, srv, id, "8335550100"))
	assert.Equal(t, "success", partnerStatus(t, srv, id, "8335550101"), "only the named TFN fails")
	status, body := call(t, srv, "PUT", "/cnam/8335550100", id, `{"cnam":"ACTION TEST 2"}`)
	require.Equal(t, http.StatusOK, status, string(body))
	srv.Advance(3 * time.Minute)
	assert.Equal(t, "success", partnerStatus(t, srv, id, "8335550100"), "times: 1 fails one propagation")

	// disable-user at +10m: the user's tokens stop working and refresh is
	// refused; enable-user at +11m brings both back.
	srv.Advance(4 * time.Minute)
	status, _ = call(t, srv, "GET", "/cnam/8335550100", id, "")
	assert.Equal(t, http.StatusUnauthorized, status)
	status, _ = login(t, srv, "rt-user")
	assert.Equal(t, http.StatusInternalServerError, status, "Cognito refuses a disabled user's refresh")
	srv.Advance(time.Minute)
	assert.Equal(t, "success", partnerStatus(t, srv, id, "8335550100"))
	status, id = login(t, srv, "rt-user")
	require.Equal(t, http.StatusOK, status)

	// revoke-tokens at +20m: every refresh token of the user is revoked,
	// the id token already issued still works until it expires.
	srv.Advance(9 * time.Minute)
	for _, rt := range []string{"rt-user", "rt-user-2"} {
		status, _ = login(t, srv, rt)
		assert.Equal(t, http.StatusInternalServerError, status, rt)
	}
	status, _ = login(t, srv, "rt-admin")
	assert.Equal(t, http.StatusOK, status, "other users keep their tokens")
	assert.Equal(t, "success", partnerStatus(t, srv, id, "8335550100"))

	srv.Advance(10 * time.Minute)
	evs := srv.Events()
	require.Len(t, evs, 5)
	for _, ev := range evs[:4] {
		assert.Equal(t, "done", ev.Status)
	}
	assert.Equal(t, "failed", evs[4].Status, "an unknown user is only known when the event runs")
	assert.Contains(t, evs[4].Error, "nobody@br.example")
}

func TestSomosActionArgumentsAreCheckedAtLoad(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	cases := []struct{ event, want string }{
		{`{at: "+1m", provider: somos, action: partner-fail, tfn: "2065550100"}`, `request:3:61: events[0].tfn: Invalid TFN "2065550100": not a toll-free number (NPA must be 800, 833, 844, 855, 866, 877 or 888)`},
		{`{at: "+1m", provider: somos, action: partner-fail}`, `request:3:5: events[0].tfn: required: the 10-digit toll-free number`},
		{`{at: "+1m", provider: somos, action: partner-fail, tfn: "8335550100", times: -1}`, `request:3:82: events[0].times: must not be negative`},
		{`{at: "+1m", provider: somos, action: partner-fail, tfn: "8335550100", times: many}`, `request:3:82: events[0].times: expected an integer, got "many"`},
		{`{at: "+1m", provider: somos, action: partner-succeed, tfn: "8335550100", times: 1}`, `request:3:85: events[0].times: partner-succeed takes no times`},
		{`{at: "+1m", provider: somos, action: revoke-tokens, email: someone}`, `request:3:64: events[0].email: must be an email address`},
		{`{at: "+1m", provider: somos, action: disable-user, mail: a@b.example}`, `request:3:56: events[0].mail: unknown field (did you mean "email"?)`},
		{`{at: "+1m", provider: somos, action: delete-user, email: a@b.example}`, `request:3:42: events[0].action: unknown somos action "delete-user" (known: disable-user, enable-user, partner-fail, partner-succeed, revoke-tokens)`},
	}
	for _, c := range cases {
		var got []string
		for _, p := range srv.ScenarioProblems("version: 1\nevents:\n  - " + c.event + "\n") {
			got = append(got, p.String())
		}
		assert.Equal(t, []string{c.want}, got, c.event)
	}
}
