package clock

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// fakeWall is a wall clock a test moves by hand.
type fakeWall struct {
	mu  sync.Mutex
	now time.Time
}

func (w *fakeWall) Now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *fakeWall) Add(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

// newTestClock returns a clock whose wall time only moves when the test says.
func newTestClock(mode Mode) (*Virtual, *fakeWall) {
	w := &fakeWall{now: time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)}
	return newVirtual(t0, mode, w.Now), w
}

// recorder collects what timer callbacks saw.
type recorder struct {
	mu    sync.Mutex
	names []string
	nows  []time.Time
}

func (r *recorder) fn(c Clock, name string) func() {
	return func() {
		now := c.Now()
		r.mu.Lock()
		defer r.mu.Unlock()
		r.names = append(r.names, name)
		r.nows = append(r.nows, now)
	}
}

func (r *recorder) got() ([]string, []time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.names...), append([]time.Time(nil), r.nows...)
}

func TestParseMode(t *testing.T) {
	tests := []struct {
		in      string
		want    Mode
		wantErr string
	}{
		{"real", Real, ""},
		{"frozen", Frozen, ""},
		{"", Real, ""},
		{"Frozen", "", `unknown clock mode "Frozen" (want real or frozen)`},
		{"paused", "", `unknown clock mode "paused" (want real or frozen)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMode(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, tt.wantErr, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNowByMode(t *testing.T) {
	tests := []struct {
		name string
		mode Mode
		wall time.Duration // how far the wall moves
		want time.Time
	}{
		{"frozen stays put", Frozen, 3 * time.Hour, t0},
		{"frozen without wall movement", Frozen, 0, t0},
		{"real moves with the wall", Real, 90 * time.Second, t0.Add(90 * time.Second)},
		{"real moves days", Real, 49 * time.Hour, t0.Add(49 * time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, w := newTestClock(tt.mode)
			defer c.Close()
			require.Equal(t, t0, c.Now())
			w.Add(tt.wall)
			assert.Equal(t, tt.want, c.Now())
			assert.Equal(t, time.UTC, c.Now().Location())
			assert.Equal(t, tt.mode, c.Mode())
		})
	}
}

func TestNewVirtualConvertsStartToUTC(t *testing.T) {
	loc := time.FixedZone("X", 3*3600)
	c := NewVirtual(time.Date(2026, 1, 5, 12, 0, 0, 0, loc), Frozen)
	defer c.Close()
	assert.Equal(t, t0, c.Now())
	assert.Equal(t, time.UTC, c.Now().Location())
}

func TestAdvanceRunsTimersInOrder(t *testing.T) {
	type sched struct {
		name string
		at   time.Duration // after t0
	}
	tests := []struct {
		name      string
		timers    []sched
		advance   time.Duration
		wantNames []string
		wantNows  []time.Duration // what Now() showed inside each callback
		pending   int
	}{
		{
			name:      "time order regardless of scheduling order",
			timers:    []sched{{"c", 3 * time.Hour}, {"a", time.Hour}, {"b", 2 * time.Hour}},
			advance:   4 * time.Hour,
			wantNames: []string{"a", "b", "c"},
			wantNows:  []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour},
		},
		{
			name:      "ties run in scheduling order",
			timers:    []sched{{"x", time.Hour}, {"y", time.Hour}, {"early", time.Minute}, {"z", time.Hour}},
			advance:   time.Hour,
			wantNames: []string{"early", "x", "y", "z"},
			wantNows:  []time.Duration{time.Minute, time.Hour, time.Hour, time.Hour},
		},
		{
			name:      "timers beyond the window wait",
			timers:    []sched{{"in", 30 * time.Minute}, {"edge", time.Hour}, {"out", time.Hour + time.Nanosecond}},
			advance:   time.Hour,
			wantNames: []string{"in", "edge"},
			wantNows:  []time.Duration{30 * time.Minute, time.Hour},
			pending:   1,
		},
		{
			name:      "overdue timers run at the current time",
			timers:    []sched{{"past", -time.Hour}, {"now", 0}},
			advance:   0,
			wantNames: []string{"past", "now"},
			wantNows:  []time.Duration{0, 0},
		},
		{
			name:    "nothing due",
			timers:  []sched{{"later", 2 * time.Hour}},
			advance: time.Hour,
			pending: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClock(Frozen)
			defer c.Close()
			rec := &recorder{}
			for _, s := range tt.timers {
				c.At(t0.Add(s.at), rec.fn(c, s.name))
			}
			now, err := c.Advance(tt.advance)
			require.NoError(t, err)
			assert.Equal(t, t0.Add(tt.advance), now)
			assert.Equal(t, t0.Add(tt.advance), c.Now())
			names, nows := rec.got()
			var wantNows []time.Time
			for _, d := range tt.wantNows {
				wantNows = append(wantNows, t0.Add(d))
			}
			assert.Equal(t, tt.wantNames, names)
			assert.Equal(t, wantNows, nows)
			assert.Equal(t, tt.pending, c.Pending())
		})
	}
}

func TestAdvanceRunsTimersScheduledByCallbacks(t *testing.T) {
	c, _ := newTestClock(Frozen)
	defer c.Close()
	rec := &recorder{}
	// a (1h) schedules b at 1h30 (inside the window) and d at 5h (outside);
	// b schedules c at its own time (runs at once, after b).
	c.At(t0.Add(time.Hour), func() {
		rec.fn(c, "a")()
		c.At(c.Now().Add(30*time.Minute), func() {
			rec.fn(c, "b")()
			c.At(c.Now(), rec.fn(c, "c"))
		})
		c.At(t0.Add(5*time.Hour), rec.fn(c, "d"))
	})
	c.At(t0.Add(2*time.Hour), rec.fn(c, "e"))

	_, err := c.Advance(3 * time.Hour)
	require.NoError(t, err)
	names, nows := rec.got()
	assert.Equal(t, []string{"a", "b", "c", "e"}, names)
	assert.Equal(t, []time.Time{t0.Add(time.Hour), t0.Add(90 * time.Minute), t0.Add(90 * time.Minute), t0.Add(2 * time.Hour)}, nows)
	assert.Equal(t, 1, c.Pending(), "d lies beyond the window")

	_, err = c.Advance(2 * time.Hour)
	require.NoError(t, err)
	names, nows = rec.got()
	assert.Equal(t, []string{"a", "b", "c", "e", "d"}, names)
	assert.Equal(t, t0.Add(5*time.Hour), nows[4])
	assert.Equal(t, 0, c.Pending())
}

func TestCancel(t *testing.T) {
	tests := []struct {
		name       string
		cancelWhen string // before, after, twice
		wantFirst  bool
		wantSecond bool
		wantRan    bool
	}{
		{"cancel before firing", "before", true, false, false},
		{"cancel after firing", "after", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClock(Frozen)
			defer c.Close()
			ran := false
			other := false
			cancel := c.At(t0.Add(time.Minute), func() { ran = true })
			c.At(t0.Add(time.Minute), func() { other = true })
			if tt.cancelWhen == "after" {
				_, err := c.Advance(time.Hour)
				require.NoError(t, err)
			}
			assert.Equal(t, tt.wantFirst, cancel())
			assert.Equal(t, tt.wantSecond, cancel(), "a second cancel reports nothing pending")
			_, err := c.Advance(time.Hour)
			require.NoError(t, err)
			assert.Equal(t, tt.wantRan, ran)
			assert.True(t, other, "cancelling one timer leaves the others")
		})
	}
}

func TestCancelMiddleOfHeap(t *testing.T) {
	c, _ := newTestClock(Frozen)
	defer c.Close()
	rec := &recorder{}
	var cancels []func() bool
	for i, n := range []string{"a", "b", "c", "d", "e"} {
		cancels = append(cancels, c.At(t0.Add(time.Duration(5-i)*time.Minute), rec.fn(c, n)))
	}
	require.True(t, cancels[2]())
	require.True(t, cancels[0]())
	assert.Equal(t, 3, c.Pending())
	_, err := c.Advance(time.Hour)
	require.NoError(t, err)
	names, _ := rec.got()
	assert.Equal(t, []string{"e", "d", "b"}, names)
}

func TestSet(t *testing.T) {
	tests := []struct {
		name    string
		to      time.Time
		want    time.Time
		wantErr string
		ran     bool
	}{
		{"forward", t0.Add(48 * time.Hour), t0.Add(48 * time.Hour), "", true},
		{"same time", t0, t0, "", false},
		{"forward in another zone", time.Date(2026, 1, 5, 11, 0, 0, 0, time.FixedZone("X", 3600)), t0.Add(time.Hour), "", true},
		{"backward", t0.Add(-time.Second), t0, "clock can only move forward: 2026-01-05T08:59:59Z is before 2026-01-05T09:00:00Z", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClock(Frozen)
			defer c.Close()
			var saw time.Time
			c.At(t0.Add(time.Hour), func() { saw = c.Now() })
			got, err := c.Set(tt.to)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, tt.wantErr, err.Error())
				assert.True(t, got.IsZero())
			} else {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
			}
			assert.Equal(t, tt.want, c.Now())
			if tt.ran {
				assert.Equal(t, t0.Add(time.Hour), saw)
			} else {
				assert.True(t, saw.IsZero())
			}
		})
	}
}

func TestAdvanceNegative(t *testing.T) {
	c, _ := newTestClock(Frozen)
	defer c.Close()
	got, err := c.Advance(-time.Minute)
	require.Error(t, err)
	assert.Equal(t, "cannot advance by a negative duration -1m0s", err.Error())
	assert.True(t, got.IsZero())
	assert.Equal(t, t0, c.Now())
}

func TestAdvanceRealMode(t *testing.T) {
	c, w := newTestClock(Real)
	defer c.Close()
	w.Add(10 * time.Minute)
	got, err := c.Advance(time.Hour)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(70*time.Minute), got)
	w.Add(5 * time.Minute)
	assert.Equal(t, t0.Add(75*time.Minute), c.Now(), "a real clock keeps moving after an advance")
}

func TestSetMode(t *testing.T) {
	tests := []struct {
		name      string
		from, to  Mode
		wallAfter time.Duration
		want      time.Duration // after the time at the switch
	}{
		{"freeze", Real, Frozen, time.Hour, 0},
		{"unfreeze", Frozen, Real, time.Hour, time.Hour},
		{"stay frozen", Frozen, Frozen, time.Hour, 0},
		{"stay real", Real, Real, time.Hour, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, w := newTestClock(tt.from)
			defer c.Close()
			_, err := c.Advance(2 * time.Hour)
			require.NoError(t, err)
			w.Add(15 * time.Minute)
			at := c.Now()
			c.SetMode(tt.to)
			assert.Equal(t, at, c.Now(), "switching keeps the time")
			assert.Equal(t, tt.to, c.Mode())
			w.Add(tt.wallAfter)
			assert.Equal(t, at.Add(tt.want), c.Now())
		})
	}
}

func TestRestore(t *testing.T) {
	c, w := newTestClock(Real)
	defer c.Close()
	ran := false
	c.At(t0.Add(time.Hour), func() { ran = true })
	to := t0.Add(5 * time.Hour)
	c.Restore(to, Frozen)
	assert.Equal(t, to, c.Now())
	assert.Equal(t, Frozen, c.Mode())
	w.Add(time.Hour)
	assert.Equal(t, to, c.Now())
	assert.False(t, ran, "restore runs no timers")
	c.Fire()
	assert.True(t, ran, "Fire runs what is overdue")
}

func TestClearAndClose(t *testing.T) {
	tests := []struct {
		name string
		drop func(c *Virtual)
	}{
		{"clear", (*Virtual).Clear},
		{"close", (*Virtual).Close},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClock(Frozen)
			defer c.Close()
			ran := 0
			cancel := c.At(t0.Add(time.Minute), func() { ran++ })
			c.At(t0.Add(time.Hour), func() { ran++ })
			require.Equal(t, 2, c.Pending())
			tt.drop(c)
			assert.Equal(t, 0, c.Pending())
			assert.False(t, cancel(), "a dropped timer is no longer pending")
			_, err := c.Advance(2 * time.Hour)
			require.NoError(t, err)
			assert.Equal(t, 0, ran)
			assert.Equal(t, t0.Add(2*time.Hour), c.Now(), "the clock still moves")
		})
	}
}

func TestClearKeepsSchedulingAfterwards(t *testing.T) {
	c, _ := newTestClock(Frozen)
	defer c.Close()
	c.At(t0.Add(time.Minute), func() { t.Error("cleared timer ran") })
	c.Clear()
	ran := false
	c.At(t0.Add(time.Minute), func() { ran = true })
	_, err := c.Advance(time.Minute)
	require.NoError(t, err)
	assert.True(t, ran)
}

func TestCloseStopsRealTimers(t *testing.T) {
	c := NewVirtual(t0, Real)
	fired := make(chan struct{}, 1)
	c.At(c.Now().Add(20*time.Millisecond), func() { fired <- struct{}{} })
	c.Close()
	select {
	case <-fired:
		t.Fatal("timer fired after Close")
	case <-time.After(150 * time.Millisecond):
	}
}

func TestRealTimersFireByThemselves(t *testing.T) {
	c := NewVirtual(t0, Real)
	defer c.Close()
	type fired struct {
		name string
		now  time.Time
		due  time.Time
	}
	ch := make(chan fired, 3)
	start := c.Now()
	for _, s := range []struct {
		name string
		d    time.Duration
	}{{"late", 60 * time.Millisecond}, {"early", 10 * time.Millisecond}, {"mid", 30 * time.Millisecond}} {
		due := start.Add(s.d)
		c.At(due, func() { ch <- fired{s.name, c.Now(), due} })
	}
	var order []string
	for range 3 {
		select {
		case f := <-ch:
			order = append(order, f.name)
			assert.False(t, f.now.Before(f.due), "%s ran before its due time", f.name)
		case <-time.After(5 * time.Second):
			t.Fatalf("timers did not fire by themselves; got %v", order)
		}
	}
	assert.Equal(t, []string{"early", "mid", "late"}, order)
	assert.Equal(t, 0, c.Pending())
}

func TestUnfreezeArmsPendingTimers(t *testing.T) {
	c := NewVirtual(t0, Frozen)
	defer c.Close()
	fired := make(chan struct{}, 1)
	c.At(t0.Add(20*time.Millisecond), func() { fired <- struct{}{} })
	select {
	case <-fired:
		t.Fatal("a frozen clock fired a timer by itself")
	case <-time.After(80 * time.Millisecond):
	}
	c.SetMode(Real)
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("timer did not fire after unfreezing")
	}
}

func TestFreezeDisarms(t *testing.T) {
	c := NewVirtual(t0, Real)
	defer c.Close()
	fired := make(chan struct{}, 1)
	c.At(c.Now().Add(40*time.Millisecond), func() { fired <- struct{}{} })
	c.SetMode(Frozen)
	select {
	case <-fired:
		t.Fatal("timer fired on a frozen clock")
	case <-time.After(150 * time.Millisecond):
	}
	assert.Equal(t, 1, c.Pending())
}

func TestConcurrentAtAndAdvance(t *testing.T) {
	c, _ := newTestClock(Frozen)
	defer c.Close()
	const workers, each = 8, 50
	var mu sync.Mutex
	count := 0
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := range each {
				cancel := c.At(t0.Add(time.Duration(i*each+j)*time.Second), func() {
					_ = c.Now()
					mu.Lock()
					count++
					mu.Unlock()
				})
				if j%10 == 0 {
					cancel()
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range each {
				_, err := c.Advance(time.Second)
				assert.NoError(t, err)
				_ = c.Now()
				_ = c.Pending()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, t0.Add(workers*each*time.Second), c.Now(), "every advance counts")
	_, err := c.Advance(time.Hour)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	cancelled := workers * each / 10
	// A cancel can lose the race with its own firing; every timer either ran
	// or was cancelled, and no more than the cancelled ones are missing.
	assert.GreaterOrEqual(t, count, workers*each-cancelled)
	assert.LessOrEqual(t, count, workers*each)
	assert.Equal(t, 0, c.Pending())
}

func TestSleep(t *testing.T) {
	tests := []struct {
		name    string
		d       time.Duration
		cancel  bool
		wantErr error
	}{
		{"zero", 0, false, nil},
		{"negative", -time.Second, false, nil},
		{"short", 5 * time.Millisecond, false, nil},
		{"zero with cancelled context", 0, true, context.Canceled},
		{"long with cancelled context", time.Hour, true, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				cancel()
			}
			assert.ErrorIs(t, Sleep(ctx, tt.d), tt.wantErr)
		})
	}
}

// In real mode the wall-clock wake-up is replaced only when the earliest
// timer changes or the clock moves, not by every Fire (each request fires).
func TestWakeUpKeptUntilTheEarliestTimerChanges(t *testing.T) {
	c := NewVirtual(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), Real)
	defer c.Close()
	start := c.Now()
	c.At(start.Add(time.Hour), func() {})
	armed := func() *time.Timer {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.armed
	}
	first := armed()
	require.NotNil(t, first)
	c.Fire()
	assert.Same(t, first, armed(), "nothing due: the wake-up stays")
	c.At(start.Add(2*time.Hour), func() {})
	assert.Same(t, first, armed(), "a later timer: the wake-up stays")
	c.At(start.Add(time.Minute), func() {})
	assert.NotSame(t, first, armed(), "an earlier timer: a new wake-up")
	second := armed()
	c.SetMode(Real)
	assert.NotSame(t, second, armed(), "a mode or time change re-arms")
}

// A timer that panics is reported and skipped; the clock, its later timers
// and the process go on. In real mode the timer runs on the clock's own
// goroutine, where a panic would otherwise end the process.
func TestTimerPanicIsRecovered(t *testing.T) {
	t.Run("advance", func(t *testing.T) {
		c := NewVirtual(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), Frozen)
		var reported []any
		c.SetPanicHandler(func(v any, stack []byte) { reported = append(reported, v) })
		ran := false
		c.At(c.Now().Add(time.Minute), func() { panic("bad state") })
		c.At(c.Now().Add(2*time.Minute), func() { ran = true })
		_, err := c.Advance(time.Hour)
		require.NoError(t, err)
		assert.Equal(t, []any{"bad state"}, reported)
		assert.True(t, ran, "the next timer still ran")
		assert.Equal(t, 0, c.Pending())
	})
	t.Run("real mode wake-up", func(t *testing.T) {
		c := NewVirtual(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), Real)
		defer c.Close()
		got := make(chan any, 1)
		c.SetPanicHandler(func(v any, stack []byte) { got <- v })
		c.At(c.Now().Add(5*time.Millisecond), func() {
			var m map[int]int
			m[1] = 1
		})
		select {
		case v := <-got:
			assert.Contains(t, fmt.Sprint(v), "nil map")
		case <-time.After(5 * time.Second):
			t.Fatal("the wall-clock wake-up's panic was not reported")
		}
	})
}
