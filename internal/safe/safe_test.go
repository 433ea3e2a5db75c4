package safe

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGoRecoversAndReports(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	before := Panics()
	var wg sync.WaitGroup
	wg.Add(1)
	var got any
	var stack []byte
	Go(log, "test worker", func(v any, st []byte) { got, stack = v, st; wg.Done() }, func() {
		var m map[string]int
		m["boom"]++ // a nil map write panics
	})
	wg.Wait()
	require.NotNil(t, got)
	assert.Contains(t, string(stack), "safe_test.go")
	assert.Equal(t, before+1, Panics())
	assert.True(t, strings.Contains(logs.String(), "where=\"test worker\""), logs.String())
}

func TestRecoverWithoutPanicDoesNothing(t *testing.T) {
	before := Panics()
	func() {
		defer Recover(nil, "quiet", func(any, []byte) { t.Fatal("no panic happened") })
	}()
	assert.Equal(t, before, Panics())
}
