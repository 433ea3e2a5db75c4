package tmobile_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

// TestDefaultScenarioThroughTheEngine walks the whole partner flow against
// the assembled simulator (tenant prefix, mount, journal, spec checks on every
// API answer): link, token, status 202 then 200 once the clock moves, e911
// change, unlink, and the dead token afterwards.
func TestDefaultScenarioThroughTheEngine(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	p := newPartner(t, srv)
	access, _ := p.tokens("demo-user", "demo-pass", "4251234567")
	bearer := "Bearer " + access

	status, body := p.do("GET", "/account/status", bearer, "")
	require.Equal(t, http.StatusAccepted, status, string(body))
	assert.Empty(t, body)
	srv.Advance(59 * time.Second)
	status, _ = p.do("GET", "/cpaas/v1/account/status", bearer, "")
	require.Equal(t, http.StatusAccepted, status, "registration lasts a minute")
	srv.Advance(time.Second)
	status, body = p.do("GET", "/account/status", bearer, "")
	require.Equal(t, http.StatusOK, status, string(body))
	assert.Regexp(t, `^\{"returnCode":200,"channelUrl":"wss://[^"]+","lines":\[\{"msisdn":"4251234567","regStatus":true\}\]\}$`,
		strings.Join(strings.Fields(string(body)), ""))

	// The e911 page: token in the header, the form posts back, 302 to success.
	q := url.Values{"success-redirect-url": {"https://partner.example/ok"}, "failure-redirect-url": {"https://partner.example/fail"}}
	req, err := http.NewRequest("POST", srv.URL("tmobile")+"/account-mgmt/changeEmergencyAddress?"+q.Encode(), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", bearer)
	resp, err := p.http.Do(req)
	require.NoError(t, err)
	page := readAll(t, resp)
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	assert.Contains(t, page, "12920 SE 38th St, Bellevue, WA 98006")
	m := regexp.MustCompile(`action="([^"]+)"`).FindStringSubmatch(page)
	require.NotNil(t, m)
	assert.Equal(t, "/t/"+srv.Tenant+"/tmobile/account-mgmt/changeEmergencyAddress", m[1])
	sess := sessionRE.FindStringSubmatch(page)
	require.NotNil(t, sess)
	resp, err = p.http.PostForm(srv.HTTP.URL+m[1], url.Values{"session": {sess[1]}, "action": {"save"},
		"addressLine1": {"500 Pine St"}, "city": {"Seattle"}, "state": {"WA"}, "zip": {"98101"}})
	require.NoError(t, err)
	readAll(t, resp)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, "https://partner.example/ok", resp.Header.Get("Location"))
	var st struct {
		Lines []struct {
			MSISDN string `json:"msisdn"`
			E911   struct {
				Line1 string `json:"addressLine1"`
				City  string `json:"city"`
			} `json:"e911"`
		} `json:"lines"`
	}
	srv.State("tmobile", &st)
	require.NotEmpty(t, st.Lines)
	assert.Equal(t, "4251234567", st.Lines[0].MSISDN)
	assert.Equal(t, "500 Pine St", st.Lines[0].E911.Line1)
	assert.Equal(t, "Seattle", st.Lines[0].E911.City)

	// Unlink, then the token is dead in the document's error shape.
	status, body = p.do("DELETE", "/account/unlink?client_id=demo-client&redirect_uri="+url.QueryEscape("http://127.0.0.1:3000/callback"), bearer, "")
	require.Equal(t, http.StatusOK, status, string(body))
	status, body = p.do("GET", "/account/status", bearer, "")
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, "TOKEN_REVOKED", reason(t, body))
}

// TestConflictAccountOfTheDefaultScenario: conflict-user links fine, but its
// status answers 409.
func TestConflictAccountOfTheDefaultScenario(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	p := newPartner(t, srv)
	access, _ := p.tokens("conflict-user", "conflict-pass", "4255550199")
	status, body := p.do("GET", "/account/status", "Bearer "+access, "")
	assert.Equal(t, http.StatusConflict, status)
	assert.Equal(t, "ACCOUNT_CONFLICT", reason(t, body))
}
