package tenant

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/journal"
	"github.com/telecomsim/simulator/internal/scenario"
)

var start = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func testScenario() *scenario.Scenario {
	return &scenario.Scenario{Header: scenario.Header{
		Version: 1,
		Name:    "test",
		Clock:   scenario.ClockSpec{Start: start, Mode: "frozen"},
		Journal: scenario.JournalSpec{Size: 5, BodyLimit: 64},
	}}
}

// countingFactory builds worlds from the test scenario and counts the calls.
type countingFactory struct {
	mu    sync.Mutex
	calls map[string]int
	fail  error
}

func newFactory() *countingFactory { return &countingFactory{calls: map[string]int{}} }

func (f *countingFactory) build(id string, mode clock.Mode) (*World, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[id]++
	if f.fail != nil {
		return nil, f.fail
	}
	w := NewWorld(id, testScenario())
	if mode != "" {
		w.Clock.Restore(start, mode)
	}
	return w, nil
}

func (f *countingFactory) count(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[id]
}

// laterThan waits until the wall clock has moved past w's last use, so the
// next Touch is strictly later (the clock's resolution can be coarse).
type fakeWall struct{ t time.Time }

func (f *fakeWall) now() time.Time { return f.t }

func laterThan(w *World) {
	last := w.LastUsed()
	for !clock.Wall().After(last) {
	}
}

type fakeState struct{ v string }

func (s *fakeState) Export() any                       { return s.v }
func (s *fakeState) Import(data json.RawMessage) error { return json.Unmarshal(data, &s.v) }

func ids(ws []*World) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.ID
	}
	return out
}

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"default", true},
		{"a", true},
		{"7", true},
		{"ci-run-42", true},
		{"Team_A.b-c", true},
		{strings.Repeat("x", 64), true},
		{strings.Repeat("x", 65), false},
		{"", false},
		{"-lead", false},
		{".hidden", false},
		{"_under", false},
		{"a/b", false},
		{"../etc", false},
		{"a b", false},
		{"a\n", false},
		{"naïve", false},
		{"a:b", false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			assert.Equal(t, tt.want, ValidID(tt.id))
		})
	}
}

func TestGetCreatesLazilyAndReuses(t *testing.T) {
	f := newFactory()
	r := NewRegistry(f.build)
	assert.Equal(t, 0, r.Len())
	_, ok := r.Lookup("ci-1")
	assert.False(t, ok, "Lookup does not create")
	assert.Equal(t, 0, f.count("ci-1"))

	w1, err := r.Get("ci-1")
	require.NoError(t, err)
	require.NotNil(t, w1)
	assert.Equal(t, "ci-1", w1.ID)
	assert.Equal(t, 1, f.count("ci-1"))

	w2, err := r.Get("ci-1")
	require.NoError(t, err)
	assert.Same(t, w1, w2)
	assert.Equal(t, 1, f.count("ci-1"), "the second Get builds nothing")

	got, ok := r.Lookup("ci-1")
	assert.True(t, ok)
	assert.Same(t, w1, got)
	assert.Equal(t, 1, r.Len())
}

func TestGetRejectsInvalidIDs(t *testing.T) {
	tests := []struct {
		name string
		id   string
	}{
		{"empty", ""},
		{"too long", strings.Repeat("a", 65)},
		{"slash", "a/b"},
		{"leading dash", "-x"},
		{"space", "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFactory()
			r := NewRegistry(f.build)
			w, err := r.Get(tt.id)
			require.Error(t, err)
			assert.Nil(t, w)
			assert.Equal(t, `invalid tenant id "`+tt.id+`"`, err.Error())
			assert.Equal(t, 0, f.count(tt.id), "the factory is not called")
			assert.Equal(t, 0, r.Len())
		})
	}
}

func TestGetFactoryError(t *testing.T) {
	f := newFactory()
	f.fail = errors.New("scenario broken")
	r := NewRegistry(f.build)
	w, err := r.Get("x")
	require.EqualError(t, err, "scenario broken")
	assert.Nil(t, w)
	assert.Equal(t, 0, r.Len())
}

func TestReset(t *testing.T) {
	f := newFactory()
	r := NewRegistry(f.build)
	old, err := r.Get("t1")
	require.NoError(t, err)
	ran := false
	old.Clock.At(start.Add(time.Hour), func() { ran = true })
	_, err = old.Clock.Advance(30 * time.Minute)
	require.NoError(t, err)

	w, err := r.Reset("t1", "")
	require.NoError(t, err)
	assert.NotSame(t, old, w)
	assert.Equal(t, 2, f.count("t1"))
	got, err := r.Get("t1")
	require.NoError(t, err)
	assert.Same(t, w, got, "the new world replaces the old one")
	assert.Equal(t, start, w.Clock.Now(), "the new world starts from the scenario")

	assert.Equal(t, 0, old.Clock.Pending(), "the old clock is closed")
	_, err = old.Clock.Advance(2 * time.Hour)
	require.NoError(t, err)
	assert.False(t, ran, "the old world's timers never run")
}

func TestResetInMode(t *testing.T) {
	r := NewRegistry(newFactory().build)
	w, err := r.Reset("t1", clock.Real)
	require.NoError(t, err)
	assert.Equal(t, clock.Real, w.Clock.Mode(), "the mode given overrides the scenario's")
	w, err = r.Reset("t1", "")
	require.NoError(t, err)
	assert.Equal(t, clock.Frozen, w.Clock.Mode(), "no mode keeps the scenario's")
	assert.Equal(t, start, w.Clock.Now())
}

func TestResetCreatesMissingTenant(t *testing.T) {
	f := newFactory()
	r := NewRegistry(f.build)
	w, err := r.Reset("fresh", "")
	require.NoError(t, err)
	got, ok := r.Lookup("fresh")
	require.True(t, ok)
	assert.Same(t, w, got)

	_, err = r.Reset("../x", "")
	assert.ErrorContains(t, err, "invalid tenant id")
	assert.Equal(t, 1, f.count("fresh")+f.count("../x"), "an invalid id builds nothing")
}

func TestResetFactoryError(t *testing.T) {
	f := newFactory()
	r := NewRegistry(f.build)
	old, err := r.Get("t1")
	require.NoError(t, err)
	f.fail = errors.New("boom")
	_, err = r.Reset("t1", "")
	require.EqualError(t, err, "boom")
	got, ok := r.Lookup("t1")
	require.True(t, ok)
	assert.Same(t, old, got, "a failed reset keeps the old world")
}

func TestDelete(t *testing.T) {
	f := newFactory()
	r := NewRegistry(f.build)
	w, err := r.Get("gone")
	require.NoError(t, err)
	ran := false
	w.Clock.At(start.Add(time.Minute), func() { ran = true })

	assert.True(t, r.Delete("gone"))
	assert.False(t, r.Delete("gone"), "deleting twice reports nothing deleted")
	assert.False(t, r.Delete("never"))
	_, ok := r.Lookup("gone")
	assert.False(t, ok)
	assert.Equal(t, 0, w.Clock.Pending(), "the deleted world's clock is closed")
	_, err = w.Clock.Advance(time.Hour)
	require.NoError(t, err)
	assert.False(t, ran)

	again, err := r.Get("gone")
	require.NoError(t, err)
	assert.NotSame(t, w, again, "used again, it is rebuilt")
	assert.Equal(t, 2, f.count("gone"))
}

func TestDeleteAllAndAll(t *testing.T) {
	r := NewRegistry(newFactory().build)
	for _, id := range []string{"zeta", "alpha", Default, "mid"} {
		_, err := r.Get(id)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"alpha", Default, "mid", "zeta"}, ids(r.All()))
	r.DeleteAll()
	assert.Equal(t, 0, r.Len())
	assert.Empty(t, r.All())
}

func TestMaxEvictsLeastRecentlyUsed(t *testing.T) {
	tests := []struct {
		name    string
		max     int
		create  []string // in order
		touch   []string // used again afterwards, in order
		add     string
		want    []string // sorted
		evicted []string
		idle    time.Duration // default 90s: each Get is a minute after the last
		full    bool          // the newcomer is refused
	}{
		{
			name:    "oldest goes",
			max:     3,
			create:  []string{"a", "b", "c"},
			add:     "d",
			want:    []string{"b", "c", "d"},
			evicted: []string{"a"},
		},
		{
			name:    "a recent Get protects",
			max:     3,
			create:  []string{"a", "b", "c"},
			touch:   []string{"a"},
			add:     "d",
			want:    []string{"a", "c", "d"},
			evicted: []string{"b"},
		},
		{
			name:    "default is never evicted",
			max:     3,
			create:  []string{Default, "a", "b"},
			add:     "c",
			want:    []string{"b", "c", Default},
			evicted: []string{"a"},
		},
		{
			name:   "only default left: a newcomer is refused",
			max:    1,
			create: []string{Default},
			add:    "a",
			want:   []string{Default},
			full:   true,
		},
		{
			name:   "everyone busy: refused, nobody evicted",
			max:    3,
			idle:   time.Hour,
			create: []string{"a", "b", "c"},
			add:    "d",
			want:   []string{"a", "b", "c"},
			full:   true,
		},
		{
			name:   "no cap",
			max:    0,
			create: []string{"a", "b", "c"},
			add:    "d",
			want:   []string{"a", "b", "c", "d"},
		},
		{
			name:   "under the cap",
			max:    5,
			create: []string{"a", "b"},
			add:    "c",
			want:   []string{"a", "b", "c"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRegistry(newFactory().build)
			r.Max = tt.max
			r.Idle = 90 * time.Second
			if tt.idle != 0 {
				r.Idle = tt.idle
			}
			wall := &fakeWall{t: start}
			r.Wall = wall.now
			worlds := map[string]*World{}
			get := func(id string) error {
				wall.t = wall.t.Add(time.Minute)
				w, err := r.Get(id)
				if err == nil {
					worlds[id] = w
				}
				return err
			}
			for _, id := range tt.create {
				require.NoError(t, get(id))
			}
			for _, id := range tt.touch {
				require.NoError(t, get(id))
			}
			err := get(tt.add)
			if tt.full {
				var full *FullError
				require.ErrorAs(t, err, &full)
				assert.Contains(t, err.Error(), "maximum of")
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.want, ids(r.All()))
			for _, id := range tt.evicted {
				assert.Equal(t, 0, worlds[id].Clock.Pending())
				_, ok := r.Lookup(id)
				assert.False(t, ok, "%s evicted", id)
			}
		})
	}
}

func TestEvictionClosesTheClock(t *testing.T) {
	r := NewRegistry(newFactory().build)
	r.Max = 1
	wall := &fakeWall{t: start}
	r.Wall = wall.now
	a, err := r.Get("a")
	require.NoError(t, err)
	ran := false
	a.Clock.At(start.Add(time.Minute), func() { ran = true })
	wall.t = wall.t.Add(DefaultIdle + time.Second)
	_, err = r.Get("b")
	require.NoError(t, err)
	_, err = a.Clock.Advance(time.Hour)
	require.NoError(t, err)
	assert.False(t, ran)
}

func TestPut(t *testing.T) {
	f := newFactory()
	r := NewRegistry(f.build)
	old, err := r.Get("x")
	require.NoError(t, err)
	ran := false
	old.Clock.At(start.Add(time.Minute), func() { ran = true })

	repl := NewWorld("x", testScenario())
	r.Put(repl)
	got, err := r.Get("x")
	require.NoError(t, err)
	assert.Same(t, repl, got)
	assert.Equal(t, 1, f.count("x"))
	_, err = old.Clock.Advance(time.Hour)
	require.NoError(t, err)
	assert.False(t, ran, "the replaced world is closed")

	// Putting the same world again does not close it.
	repl.Clock.At(start.Add(time.Minute), func() { ran = true })
	r.Put(repl)
	_, err = repl.Clock.Advance(time.Hour)
	require.NoError(t, err)
	assert.True(t, ran)

	r.Put(NewWorld("new", testScenario()))
	_, ok := r.Lookup("new")
	assert.True(t, ok)
}

func TestReplacingAtCapacityEvictsNobody(t *testing.T) {
	tests := []struct {
		name    string
		replace func(r *Registry) error
	}{
		{"put", func(r *Registry) error { return r.Put(NewWorld("b", testScenario())) }},
		{"reset", func(r *Registry) error { _, err := r.Reset("b", ""); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRegistry(newFactory().build)
			r.Max = 3
			var last *World
			for _, id := range []string{Default, "a", "b"} {
				if last != nil {
					laterThan(last)
				}
				w, err := r.Get(id)
				require.NoError(t, err)
				last = w
			}
			require.NoError(t, tt.replace(r))
			assert.Equal(t, []string{"a", "b", Default}, ids(r.All()), "replacing b must not evict a")
		})
	}
}

func TestContext(t *testing.T) {
	assert.Nil(t, From(context.Background()))
	w := NewWorld("ctx", testScenario())
	defer w.Close()
	ctx := With(context.Background(), w)
	assert.Same(t, w, From(ctx))
	inner, cancel := context.WithCancel(ctx)
	defer cancel()
	assert.Same(t, w, From(inner), "derived contexts carry the world")
	assert.Nil(t, From(context.WithValue(context.Background(), struct{}{}, w)), "another key is not the world")
}

func TestNewWorld(t *testing.T) {
	tests := []struct {
		name     string
		mode     string
		wantMode clock.Mode
	}{
		{"frozen", "frozen", clock.Frozen},
		{"real", "real", clock.Real},
		{"empty means real", "", clock.Real},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := testScenario()
			sc.Clock.Mode = tt.mode
			w := NewWorld("w", sc)
			defer w.Close()
			assert.Equal(t, "w", w.ID)
			assert.Same(t, sc, w.Scenario)
			assert.Equal(t, tt.wantMode, w.Clock.Mode())
			assert.False(t, w.Clock.Now().Before(start))
			assert.Empty(t, w.Names())
			assert.False(t, w.LastUsed().IsZero())

			for i := range 7 {
				w.Journal.Add(journal.Entry{Status: 200 + i})
			}
			assert.Equal(t, 5, w.Journal.Len(), "journal size comes from the scenario")
			assert.Equal(t, 64, w.Journal.BodyLimit)
		})
	}
}

func TestWorldStates(t *testing.T) {
	w := NewWorld("s", testScenario())
	defer w.Close()
	assert.Nil(t, w.State("flowroute"))

	fr := &fakeState{v: "fr"}
	c48 := &fakeState{v: "c48"}
	w.AddState("flowroute", fr)
	w.AddState("call48", c48)
	w.AddState("somos", &fakeState{v: "s"})
	assert.Equal(t, []string{"flowroute", "call48", "somos"}, w.Names(), "names in the order added")
	assert.Same(t, fr, w.State("flowroute"))
	assert.Same(t, c48, w.State("call48"))

	repl := &fakeState{v: "fr2"}
	w.AddState("flowroute", repl)
	assert.Same(t, repl, w.State("flowroute"), "adding again replaces")
	assert.Equal(t, []string{"flowroute", "call48", "somos"}, w.Names(), "replacing keeps the order")

	names := w.Names()
	names[0] = "changed"
	assert.Equal(t, "flowroute", w.Names()[0], "Names returns a copy")
}

func TestWorldExtras(t *testing.T) {
	w := NewWorld("e", testScenario())
	defer w.Close()
	assert.Nil(t, w.Extra("faults"))
	w.SetExtra("faults", 42)
	assert.Equal(t, 42, w.Extra("faults"))
	w.SetExtra("faults", "x")
	assert.Equal(t, "x", w.Extra("faults"))
}

func TestTouch(t *testing.T) {
	w := NewWorld("touch", testScenario())
	defer w.Close()
	before := w.LastUsed()
	laterThan(w)
	w.Touch()
	assert.True(t, w.LastUsed().After(before))
	assert.Equal(t, time.UTC, w.LastUsed().Location())
}

func TestConcurrentRegistry(t *testing.T) {
	f := newFactory()
	r := NewRegistry(f.build)
	r.Max = 4
	r.Idle = time.Nanosecond // anyone not in this very instant may go
	tenants := []string{Default, "a", "b", "c", "d", "e"}
	okOrFull := func(err error) {
		var full *FullError
		if err != nil && !errors.As(err, &full) {
			assert.NoError(t, err)
		}
	}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				id := tenants[(i+j)%len(tenants)]
				switch j % 5 {
				case 0:
					_, err := r.Reset(id, "")
					okOrFull(err)
				case 1:
					r.Delete(id)
				default:
					w, err := r.Get(id)
					okOrFull(err)
					if err == nil {
						w.AddState("p", &fakeState{})
						_ = w.Names()
					}
				}
				_ = r.All()
			}
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, r.Len(), 4, "the cap holds")
}
