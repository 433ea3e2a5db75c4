package tmobile

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/fake"
	"github.com/telecomsim/simulator/internal/scenario"
)

// newStoreT builds a store on a frozen clock, without HTTP.
func newStoreT(t *testing.T, data []byte) (*Store, *clock.Virtual) {
	t.Helper()
	sc, cfg, err := parseScenario(t, "test.yaml", data)
	require.NoError(t, err)
	clk := clock.NewVirtual(sc.Clock.Start, clock.Frozen)
	t.Cleanup(clk.Close)
	return newStore(cfg.(*settings), clk, fake.New(sc.Seed, Name)), clk
}

// linkT links a line through the store's methods and returns the tokens.
func linkT(t *testing.T, s *Store, msisdn string) tokenResponse {
	t.Helper()
	sess, lines, ok := s.Login(demoClient, demoRedirect, demoUser, demoPass)
	require.True(t, ok)
	require.Len(t, lines, 2)
	code, msg := s.IssueCode(sess.ID, demoClient, demoRedirect, msisdn)
	require.Empty(t, msg)
	tr, e := s.ExchangeCode(s.Client(demoClient), code, demoRedirect)
	require.Nil(t, e)
	return tr
}

func TestRegistrationLifecycle(t *testing.T) {
	tests := []struct {
		name       string
		extra      string
		advance    time.Duration
		processing bool
	}{
		{"processing right after linking", "", 0, true},
		{"still processing 59s later", "", 59 * time.Second, true},
		{"registered after the default minute", "", time.Minute, false},
		{"scenario sets the processing time", "  registration: {processing: 10m}\n", 5 * time.Minute, true},
		{"zero processing registers at once", "  registration: {processing: 0s}\n", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, clk := newStoreT(t, customScenario(t, tc.extra))
			tr := linkT(t, s, line1)
			_, err := clk.Advance(tc.advance)
			require.NoError(t, err)
			res, e := s.Status(tr.AccessToken)
			require.Nil(t, e)
			assert.Equal(t, tc.processing, res.Processing)
			require.Len(t, res.Lines, 1)
			assert.Equal(t, registrationInfo{MSISDN: line1, RegStatus: !tc.processing}, res.Lines[0])
			line, _ := s.Line(line1)
			assert.Equal(t, !tc.processing, line.RegStatus, "the timer updates the state itself")
		})
	}
}

func TestStoreLevers(t *testing.T) {
	s, _ := newStoreT(t, customScenario(t, ""))
	tr := linkT(t, s, line1)

	require.NoError(t, s.CompleteRegistration(line1))
	res, e := s.Status(tr.AccessToken)
	require.Nil(t, e)
	assert.False(t, res.Processing)
	assert.Error(t, s.CompleteRegistration("2065550000"))

	require.NoError(t, s.SetConflict(demoUser, true))
	_, e = s.Status(tr.AccessToken)
	require.NotNil(t, e)
	assert.Equal(t, http.StatusConflict, e.Status)
	require.NoError(t, s.SetConflict(demoUser, false))
	_, e = s.Status(tr.AccessToken)
	assert.Nil(t, e)
	assert.Error(t, s.SetConflict("nobody", true))
}

func TestCodesAndTokens(t *testing.T) {
	s, clk := newStoreT(t, customScenario(t, ""))
	c := s.Client(demoClient)
	issue := func() string {
		sess, _, ok := s.Login(demoClient, demoRedirect, demoUser, demoPass)
		require.True(t, ok)
		code, msg := s.IssueCode(sess.ID, demoClient, demoRedirect, line2)
		require.Empty(t, msg)
		return code
	}

	t.Run("wrong password", func(t *testing.T) {
		_, _, ok := s.Login(demoClient, demoRedirect, demoUser, "nope")
		assert.False(t, ok)
	})
	t.Run("a line of someone else", func(t *testing.T) {
		sess, _, _ := s.Login(demoClient, demoRedirect, demoUser, demoPass)
		code, msg := s.IssueCode(sess.ID, demoClient, demoRedirect, "9999999999")
		assert.Empty(t, code)
		assert.NotEmpty(t, msg)
	})
	t.Run("redirect mismatch", func(t *testing.T) {
		_, e := s.ExchangeCode(c, issue(), "myapp://linked")
		require.NotNil(t, e)
		assert.Equal(t, ReasonInvalidGrant, e.ReasonCode)
	})
	t.Run("reuse revokes the first exchange", func(t *testing.T) {
		code := issue()
		tr, e := s.ExchangeCode(c, code, demoRedirect)
		require.Nil(t, e)
		_, e = s.ExchangeCode(c, code, demoRedirect)
		require.NotNil(t, e)
		assert.Equal(t, ReasonInvalidGrant, e.ReasonCode)
		e = s.CheckAccess(tr.AccessToken)
		require.NotNil(t, e)
		assert.Equal(t, ReasonTokenRevoked, e.ReasonCode)
	})
	t.Run("expired code", func(t *testing.T) {
		code := issue()
		_, err := clk.Advance(5 * time.Minute)
		require.NoError(t, err)
		_, e := s.ExchangeCode(c, code, demoRedirect)
		require.NotNil(t, e)
		assert.Contains(t, e.SystemMessage, "expired")
	})
	t.Run("refresh rotates; access expires on the clock", func(t *testing.T) {
		tr, e := s.ExchangeCode(c, issue(), demoRedirect)
		require.Nil(t, e)
		assert.Equal(t, int64(86400), tr.ExpiresIn)
		tr2, e := s.Refresh(c, tr.RefreshToken)
		require.Nil(t, e)
		assert.NotEqual(t, tr.AccessToken, tr2.AccessToken)
		_, e = s.Refresh(c, tr.RefreshToken)
		require.NotNil(t, e)
		assert.Equal(t, ReasonInvalidGrant, e.ReasonCode)
		_, err := clk.Advance(24 * time.Hour)
		require.NoError(t, err)
		e = s.CheckAccess(tr2.AccessToken)
		require.NotNil(t, e)
		assert.Equal(t, ReasonTokenExpired, e.ReasonCode)
	})
	t.Run("unlink revokes and deregisters", func(t *testing.T) {
		tr, e := s.ExchangeCode(c, issue(), demoRedirect)
		require.Nil(t, e)
		require.NoError(t, s.CompleteRegistration(line2))
		require.Nil(t, s.Unlink(tr.AccessToken))
		assert.Equal(t, ReasonTokenRevoked, s.CheckAccess(tr.AccessToken).ReasonCode)
		_, e = s.Refresh(c, tr.RefreshToken)
		assert.NotNil(t, e)
		line, _ := s.Line(line2)
		assert.False(t, line.RegStatus)
	})
}

func TestExportImport(t *testing.T) {
	s, _ := newStoreT(t, customScenario(t, ""))
	tr := linkT(t, s, line1)
	require.Nil(t, s.CheckPoP(s.Client(demoClient), buildPoP(t, demoKey, []kv{{"uri", "/x"}, {"http-method", "GET"}}, clock.Wall(), time.Minute, "jti-1"),
		popRequest{Method: "GET", URI: "/x", Header: http.Header{}}))
	a, err := json.Marshal(s.Export())
	require.NoError(t, err)

	s2, clk2 := newStoreT(t, customScenario(t, ""))
	require.NoError(t, s2.Import(a))
	b, err := json.Marshal(s2.Export())
	require.NoError(t, err)
	assert.JSONEq(t, string(a), string(b))
	assert.Equal(t, string(a), string(b), "export -> import -> export is byte-identical")

	// The registration in progress was re-armed on the new clock.
	_, err = clk2.Advance(time.Minute)
	require.NoError(t, err)
	line, _ := s2.Line(line1)
	assert.True(t, line.RegStatus)
	res, e := s2.Status(tr.AccessToken)
	require.Nil(t, e)
	assert.False(t, res.Processing)
	assert.Error(t, s2.Import(json.RawMessage(`{"bogus":1}`)))
}

func TestConfigureProblems(t *testing.T) {
	tests := []struct {
		name, extra, want string
	}{
		{"auth status", "  authFailureStatus: 418\n", "tmobile.authFailureStatus: must be 403 or 401"},
		{"duration", "  tokens: {accessTtl: soon}\n", "tmobile.tokens.accessTtl"},
		{"unknown key", "  tokenz: {}\n", "unknown field"},
		{"negative processing", "  registration: {processing: -1m}\n", "tmobile.registration.processing: must not be negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := parseScenario(t, "test.yaml", customScenario(t, tc.extra))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "test.yaml:")
		})
	}
	bad := []byte(`version: 1
tmobile:
  clients:
    - {clientId: a, clientSecret: s, redirectUris: ["/relative"], popPublicKey: "nope"}
    - {clientId: a, clientSecret: s, redirectUris: ["https://x/cb"], popPublicKey: "nope"}
  users:
    - login: u
      password: p
      lines: [{msisdn: "12"}, {msisdn: "4251234567", e911: {addressLine1: x, city: y, state: ZZ, zip: "1"}}]
`)
	_, _, err := parseScenario(t, "bad.yaml", bad)
	require.Error(t, err)
	for _, want := range []string{
		"bad.yaml:4:", "tmobile.clients[0].redirectUris[0]: must be an absolute URI",
		"tmobile.clients[0].popPublicKey: not an RSA public key in PEM", "tmobile.clients[1].clientId: duplicate clientId",
		"tmobile.users[0].lines[0].msisdn: must be a 10-digit number", "tmobile.users[0].lines[1].e911: the state",
	} {
		assert.Contains(t, err.Error(), want)
	}
	ps := scenario.AsProblems(err)
	assert.GreaterOrEqual(t, len(ps), 5)
}

func TestDefaultScenarioWorld(t *testing.T) {
	s, _ := newStoreT(t, defaultScenario(t))
	o := s.Overview()
	require.Len(t, o.Clients, 1)
	assert.Equal(t, demoClient, o.Clients[0].ClientID)
	require.Len(t, o.Users, 2)
	for _, u := range o.Users {
		assert.Empty(t, u.Password)
	}
	l, ok := s.Line(line2)
	require.True(t, ok)
	assert.Equal(t, "Suite 200", l.E911.Line2)
	l, ok = s.Line("4255550199")
	require.True(t, ok)
	assert.Empty(t, l.E911.Validate(), "generated addresses are valid")
}

// The issued tokens look like the document's samples: header kid, alg, typ
// and claims iss, aud, scope, client_id, usn, iat, exp, sub in that order,
// exp - iat the access lifetime.
func TestIssuedTokensFollowTheDocumentSample(t *testing.T) {
	s, _ := newStoreT(t, customScenario(t, ""))
	tr := linkT(t, s, line1)
	parts := strings.Split(tr.AccessToken, ".")
	require.Len(t, parts, 3)
	head, err := b64.DecodeString(parts[0])
	require.NoError(t, err)
	assert.Regexp(t, `^\{"kid":"[0-9a-f]{32}","alg":"RS256","typ":"JWT"\}$`, string(head))
	body, err := b64.DecodeString(parts[1])
	require.NoError(t, err)
	assert.Regexp(t, `^\{"iss":"https://api\.t-mobile\.com","aud":"demo-client","scope":"openid","client_id":"demo-client","usn":"[0-9a-f]{16}","iat":\d+,"exp":\d+,"sub":"U-[0-9a-f-]{36}","jti":"[^"]+"\}$`, string(body))
	var c tokenClaims
	require.NoError(t, json.Unmarshal(body, &c))
	assert.Equal(t, int64(86400), c.Exp-c.Iat)

	key, _ := issuer()
	_, err = verifyRS256(tr.AccessToken, &key.PublicKey)
	assert.NoError(t, err, "the signature verifies with the issuer key")
	rparts := strings.Split(tr.RefreshToken, ".")
	require.Len(t, rparts, 3)
	rbody, err := b64.DecodeString(rparts[1])
	require.NoError(t, err)
	assert.Contains(t, string(rbody), `"token_use":"refresh"`)
}
