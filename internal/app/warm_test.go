package app_test

import (
	"context"
	"runtime/debug"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
)

// TestWarmLeavesTheGCTargetAsItWas: Warm collects with a low GC target while
// it compiles, then puts the user's back; a lower one, or GC off, is kept.
func TestWarmLeavesTheGCTargetAsItWas(t *testing.T) {
	was := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(was) })
	sc, err := app.DefaultScenario()
	require.NoError(t, err)
	for _, userGOGC := range []int{100, 300, 10, -1} {
		debug.SetGCPercent(userGOGC)
		a, err := app.New(app.Config{Scenario: sc})
		require.NoError(t, err)
		select {
		case <-a.Warm(context.Background(), 0):
		case <-time.After(30 * time.Second):
			t.Fatal("warm-up did not finish")
		}
		got := debug.SetGCPercent(userGOGC)
		assert.Equal(t, userGOGC, got, "GOGC after the warm-up, with %d set", userGOGC)
		a.Close()
	}
}
