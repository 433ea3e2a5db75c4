package tenant

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/clock"
)

func TestRelease(t *testing.T) {
	tests := []struct {
		name      string
		usesAfter int // further Gets of the tenant before Release
		put       bool
		dropped   bool
	}{
		{name: "new and used by nobody else: dropped", dropped: true},
		{name: "used again meanwhile: kept", usesAfter: 1},
		{name: "replaced by Put: kept", put: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRegistry(newFactory().build)
			w, created, err := r.Acquire("x")
			require.NoError(t, err)
			require.True(t, created)
			for range tt.usesAfter {
				_, again, err := r.Acquire("x")
				require.NoError(t, err)
				assert.False(t, again)
			}
			if tt.put {
				require.NoError(t, r.Put(w))
			}
			assert.Equal(t, tt.dropped, r.Release(w))
			_, ok := r.Lookup("x")
			assert.Equal(t, !tt.dropped, ok)
		})
	}
}

// A world that takes long to build (a million numbers) must not stall
// requests to other tenants, and concurrent first requests build it once.
func TestSlowBuildBlocksNobodyElse(t *testing.T) {
	f := newFactory()
	entered, release := make(chan struct{}), make(chan struct{})
	r := NewRegistry(func(id string, mode clock.Mode) (*World, error) {
		if id == "big" {
			close(entered)
			<-release
		}
		return f.build(id, mode)
	})
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := r.Get("big")
			assert.NoError(t, err)
		}()
	}
	<-entered
	done := make(chan error, 1)
	go func() {
		_, err := r.Get(Default)
		done <- err
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("a request to default waited behind another tenant's world being built")
	}
	_, ok := r.Lookup("big")
	assert.False(t, ok, "not visible before it is built")
	close(release)
	wg.Wait()
	assert.Equal(t, 1, f.count("big"), "built once for concurrent first requests")
}

func TestBuildingCountsTowardsMax(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	f := newFactory()
	r := NewRegistry(func(id string, mode clock.Mode) (*World, error) {
		if id == "slow" {
			close(entered)
			<-release
		}
		return f.build(id, mode)
	})
	r.Max = 1
	go func() { _, _ = r.Get("slow") }()
	<-entered
	_, err := r.Get("other")
	var full *FullError
	assert.ErrorAs(t, err, &full)
	close(release)
}

func TestBuildPanicIsAnError(t *testing.T) {
	r := NewRegistry(func(id string, mode clock.Mode) (*World, error) { panic("boom") })
	_, err := r.Get("p")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "boom")
	_, err = r.Get("p")
	require.Error(t, err, "a failed build leaves nothing pending")
}

// A world Put while another was being built for the same tenant wins; the
// built one is closed, not leaked.
func TestPutDuringBuildWins(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	f := newFactory()
	var built *World
	r := NewRegistry(func(id string, mode clock.Mode) (*World, error) {
		close(entered)
		<-release
		w, err := f.build(id, mode)
		built = w
		return w, err
	})
	done := make(chan *World)
	go func() {
		w, created, err := r.Acquire("x")
		assert.NoError(t, err)
		assert.False(t, created, "the caller did not create what it got")
		done <- w
	}()
	<-entered
	put := NewWorld("x", testScenario())
	require.NoError(t, r.Put(put))
	close(release)
	got := <-done
	assert.Same(t, put, got)
	ran := false
	built.Clock.At(start.Add(time.Minute), func() { ran = true })
	_, err := built.Clock.Advance(time.Hour)
	require.NoError(t, err)
	assert.False(t, ran, "the built world was closed")
	assert.False(t, r.Release(got), "a Put world is never released as unused")
}
