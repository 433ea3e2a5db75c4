package reliability

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
)

// Regression: after 10,050 fresh PoP tokens the first one replayed
// successfully. Here the cache holds 3, so the flood is four requests: the
// fourth fresh PoP is refused (429), and the first still cannot replay.
func TestPoPReplayCacheCannotBeFlushed(t *testing.T) {
	raw, err := os.ReadFile("../scenarios/default.yaml")
	require.NoError(t, err)
	yaml := strings.Replace(string(raw), "  pop:\n    skew: 10s\n", "  pop:\n    replayCache: 3\n    skew: 10s\n", 1)
	require.NotEqual(t, string(raw), yaml, "the default scenario's tmobile.pop section moved")
	a0, err := app.New(app.Config{Scenario: defaultScenario(t), Providers: providers()})
	require.NoError(t, err)
	t.Cleanup(a0.Close)
	sc, err := a0.ParseScenario("default.yaml", []byte(yaml), nil)
	require.NoError(t, err)
	logs := &syncBuffer{}
	a, err := app.New(app.Config{Scenario: sc, Providers: providers(), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	s := &sim{t: t, app: a, h: a.Handler(), logs: logs}

	sign := popSigner(t, basicAuth(tmClient, tmSecret))
	var first string
	call := func(replay string) res {
		return s.do(req{Tenant: "pop", Provider: "tmobile", Method: "POST", Path: "/oauth/token?grant_type=refresh_token&refresh_token=nope",
			Sign: func(r *http.Request, body []byte) {
				sign(r, body)
				if replay != "" {
					r.Header.Set("X-Authorization", replay)
				} else if first == "" {
					first = r.Header.Get("X-Authorization")
				}
			}})
	}
	reason := func(out res) string {
		var e struct {
			Errors []struct {
				ReasonCode string `json:"reasonCode"`
			} `json:"errors"`
		}
		_ = json.Unmarshal(out.Body, &e)
		if len(e.Errors) == 0 {
			return ""
		}
		return e.Errors[0].ReasonCode
	}
	for i := range 3 {
		out := call("")
		require.NotEqual(t, http.StatusTooManyRequests, out.Status, "PoP %d fits: %s", i, out)
		require.NotContains(t, reason(out), "POP", "PoP %d accepted: %s", i, out)
	}
	out := call("")
	assert.Equal(t, http.StatusTooManyRequests, out.Status, out.String())
	assert.Equal(t, "TOO_MANY_REQUESTS", reason(out), out.String())
	out = call(first)
	assert.Equal(t, "POP_TOKEN_REPLAYED", reason(out), "the first PoP is still remembered: %s", out)
	s.requireNoPanic(t)
}
