package reliability

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
)

// process is one simulator process on the default scenario, optionally
// pinned.
func process(t *testing.T, pin string) *sim {
	t.Helper()
	sc := *defaultScenario(t)
	sc.Secrets.Pin = pin
	logs := &syncBuffer{}
	a, err := app.New(app.Config{Scenario: &sc, Providers: providers(), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	return &sim{t: t, app: a, h: a.Handler(), logs: logs}
}

// accepted reports whether each provider takes the credential in tenant tn.
func accepted(s *sim, tn, somosID, call48Tok string) (somos, call48 bool) {
	out := s.do(req{Tenant: tn, Provider: "somos", Method: "GET", Path: "/cnam/8339900238", Header: http.Header{"Authorization": {somosID}}})
	somos = out.Status != http.StatusUnauthorized && out.Status != http.StatusForbidden
	out = s.do(req{Tenant: tn, Provider: "call48", Method: "GET", Path: "/api/v4/dids", Header: http.Header{"Authorization": {call48Tok}}})
	var env struct {
		Code int `json:"code"`
	}
	_ = json.Unmarshal(out.Body, &env)
	call48 = out.Status == http.StatusOK && env.Code != 401
	return somos, call48
}

// Regression: signing keys derived from the public scenario, so a token
// from any simulator on the default scenario (or one minted from it) worked
// in every other. Now they are random per process unless pinned, and move
// between processes only with the exported state.
func TestSecretsAreRandomUnlessPinned(t *testing.T) {
	const tn = "ci-job"
	a, b := process(t, ""), process(t, "")
	somosID, call48Tok := a.somosToken(t, tn, somosRefresh), a.call48Token(t, tn)
	okS, okC := accepted(a, tn, somosID, call48Tok)
	require.True(t, okS && okC, "the tokens work where they were issued")

	okS, okC = accepted(b, tn, somosID, call48Tok)
	assert.False(t, okS, "a Somos IdToken from another process is refused")
	assert.False(t, okC, "a Call48 token from another process is refused")

	// The state carries the keys: a restart through --state-file keeps tokens.
	state := a.control(t, tn, "GET", "/state", nil, http.StatusOK)
	out := b.do(req{Tenant: tn, Method: "PUT", Path: "/__sim/state", Body: state.Body, Header: jsonHeader()})
	require.Equal(t, http.StatusOK, out.Status, out.String())
	okS, okC = accepted(b, tn, somosID, call48Tok)
	assert.True(t, okS, "Somos IdToken valid after the state moved")
	assert.True(t, okC, "Call48 token valid after the state moved")

	// Pinned: byte-identical tokens in two processes, still per tenant.
	p1, p2 := process(t, "ci-fixed-pin"), process(t, "ci-fixed-pin")
	assert.Equal(t, p1.call48Token(t, tn), p2.call48Token(t, tn), "pinned: the same token on every run")
	pinnedID := p1.somosToken(t, tn, somosRefresh)
	okS, _ = accepted(p2, tn, pinnedID, "")
	assert.True(t, okS, "pinned: a token from one run works in the next")
	okS, _ = accepted(p2, "other-job", pinnedID, "")
	assert.False(t, okS, "pinned keys are still per tenant")
	other := process(t, "another-pin")
	okS, _ = accepted(other, tn, pinnedID, "")
	assert.False(t, okS, "another pin, other keys")
}
