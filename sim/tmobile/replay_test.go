package tmobile

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/clock"
)

// Regression: a flood of fresh PoP tokens pushed the first one out of
// the replay cache and it replayed successfully. A full cache now refuses
// newcomers; every remembered PoP stays until its own exp.
func TestReplayCacheNeverForgetsUnexpiredPoPs(t *testing.T) {
	key, _ := keys(t)
	s, _ := newStoreT(t, customScenario(t, "  pop: {replayCache: 3}\n"))
	c := s.Client(demoClient)
	req := popRequest{Method: "GET", URI: "/x", Header: http.Header{}}
	pop := func(jti string) string {
		return buildPoP(t, key, []kv{{"uri", "/x"}, {"http-method", "GET"}}, clock.Wall(), time.Minute, jti)
	}
	first := pop("first")
	require.Nil(t, s.CheckPoP(c, first, req))
	for i := range 2 {
		require.Nil(t, s.CheckPoP(c, pop(fmt.Sprintf("fresh-%d", i)), req))
	}
	tests := []struct {
		name, token, reason string
		status              int
	}{
		{"full: a new PoP is refused", pop("one-too-many"), ReasonTooManyRequests, http.StatusTooManyRequests},
		{"the first PoP still cannot replay", first, ReasonPoPReplayed, 0},
		{"still refused on a second try", pop("another"), ReasonTooManyRequests, http.StatusTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := s.CheckPoP(c, tt.token, req)
			require.NotNil(t, e)
			assert.Equal(t, tt.reason, e.ReasonCode)
			if tt.status != 0 {
				assert.Equal(t, tt.status, e.Status)
				assert.Contains(t, e.SystemMessage, "pop.replayCache")
			}
		})
	}

	// Entries whose tokens expired make room again.
	s.mu.Lock()
	for k := range s.jtis {
		s.jtis[k] = clock.Wall().Add(-time.Hour).Unix()
	}
	s.prunedTo = 0
	s.mu.Unlock()
	assert.Nil(t, s.CheckPoP(c, pop("after-expiry"), req))
}
