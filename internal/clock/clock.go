// Package clock holds the simulator's notion of time.
//
// Every tenant has its own Virtual clock. It runs in one of two modes:
// "real" (it moves with the wall clock, from a chosen start) or "frozen" (it
// only moves when advanced). Timers scheduled with At fire in time order; when
// the clock is advanced, every timer that falls due runs before Advance
// returns, each seeing the clock at its own due time.
//
// This package is the only place in the simulator that reads the wall clock
// or sleeps.
package clock

import (
	"container/heap"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/telecomsim/simulator/internal/safe"
)

// Clock is what stores and handlers read time from.
type Clock interface {
	// Now returns the current clock time.
	Now() time.Time
	// At schedules f to run once the clock reaches t (immediately on the next
	// firing if t is not after Now). The returned function cancels the timer
	// and reports whether it was still pending.
	At(t time.Time, f func()) (cancel func() bool)
}

// Mode is how a virtual clock moves.
type Mode string

const (
	// Real moves with the wall clock.
	Real Mode = "real"
	// Frozen moves only when advanced or set.
	Frozen Mode = "frozen"
)

// ParseMode validates a mode name.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case Real, Frozen:
		return Mode(s), nil
	case "":
		return Real, nil
	}
	return "", fmt.Errorf("unknown clock mode %q (want real or frozen)", s)
}

// Wall returns the real wall-clock time. Only latency simulation and PoP
// token lifetimes (which clients sign with their own real clock) use it.
func Wall() time.Time { return time.Now() }

// Until is the wall-clock time left until t.
func Until(t time.Time) time.Duration { return time.Until(t) }

// Sleep waits d of wall-clock time or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type timer struct {
	at    time.Time
	seq   uint64
	f     func()
	index int
}

type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].at.Equal(h[j].at) {
		return h[i].seq < h[j].seq
	}
	return h[i].at.Before(h[j].at)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*h = old[:n-1]
	return t
}

// Virtual is a tenant clock. The zero value is not usable; use NewVirtual.
type Virtual struct {
	mu       sync.Mutex
	mode     Mode
	base     time.Time // clock time at wallBase
	wallBase time.Time
	wall     func() time.Time
	timers   timerHeap
	seq      uint64
	closed   bool
	armed    *time.Timer // real mode: wakes the clock for the next timer
	armedAt  time.Time   // the timer time armed is set for

	fire sync.Mutex // serialises runs of due timers

	// onPanic receives a timer's panic (SetPanicHandler); the clock goes on
	// with the next timer either way.
	onPanic func(v any, stack []byte)
}

// SetPanicHandler sets who hears of a timer that panicked. Timers run on the
// clock's own goroutine in real mode, where nobody else could recover.
func (c *Virtual) SetPanicHandler(f func(v any, stack []byte)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onPanic = f
}

// runTimer runs one timer, recovering a panic so that neither the process
// nor the clock's later timers are lost to it.
func (c *Virtual) runTimer(f func()) {
	c.mu.Lock()
	report := c.onPanic
	c.mu.Unlock()
	defer safe.Recover(nil, "clock timer", report)
	f()
}

// NewVirtual returns a clock showing start, in the given mode.
func NewVirtual(start time.Time, mode Mode) *Virtual {
	return newVirtual(start, mode, time.Now)
}

func newVirtual(start time.Time, mode Mode, wall func() time.Time) *Virtual {
	return &Virtual{mode: mode, base: start.UTC(), wallBase: wall(), wall: wall}
}

func (c *Virtual) nowLocked() time.Time {
	if c.mode == Frozen {
		return c.base
	}
	return c.base.Add(c.wall().Sub(c.wallBase))
}

// Now returns the current clock time, in UTC.
func (c *Virtual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

// Mode reports how the clock moves.
func (c *Virtual) Mode() Mode {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mode
}

// Pending reports how many timers are waiting.
func (c *Virtual) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// At schedules f at t. See Clock.
func (c *Virtual) At(t time.Time, f func()) func() bool {
	c.mu.Lock()
	c.seq++
	tm := &timer{at: t, seq: c.seq, f: f}
	heap.Push(&c.timers, tm)
	c.rearmLocked()
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if tm.index < 0 {
			return false
		}
		heap.Remove(&c.timers, tm.index)
		return true
	}
}

// armLocked makes sure that, in real mode, a wall-clock timer wakes the clock
// when its earliest timer falls due.
func (c *Virtual) armLocked() {
	if c.armed != nil {
		c.armed.Stop()
		c.armed = nil
	}
	if c.closed || c.mode != Real || len(c.timers) == 0 {
		return
	}
	d := c.timers[0].at.Sub(c.nowLocked())
	if d < 0 {
		d = 0
	}
	c.armedAt = c.timers[0].at
	c.armed = time.AfterFunc(d, c.wake)
}

// rearmLocked is armLocked when the earliest timer has changed since the
// wake-up was set; otherwise that wake-up still holds. (Changes of mode or
// time call armLocked itself, since they move the wall-clock deadline.)
func (c *Virtual) rearmLocked() {
	if c.armed != nil && len(c.timers) > 0 && c.timers[0].at.Equal(c.armedAt) {
		return
	}
	c.armLocked()
}

// wake is the wall-clock wake-up: it runs what is due and arms the next.
func (c *Virtual) wake() {
	c.mu.Lock()
	c.armed = nil // spent: the next rearmLocked must set a new one
	c.mu.Unlock()
	c.runDue(time.Time{})
}

// runDue runs, in order, every timer due at or before target (or at or before
// Now when target is zero). While a timer runs, a frozen clock shows the
// timer's due time.
func (c *Virtual) runDue(target time.Time) {
	c.fire.Lock()
	defer c.fire.Unlock()
	c.runDueLocked(target)
}

// runDueLocked is runDue with c.fire held.
func (c *Virtual) runDueLocked(target time.Time) {
	for {
		c.mu.Lock()
		limit := target
		if limit.IsZero() && !c.closed && len(c.timers) > 0 { // no reading of the wall clock for nothing
			limit = c.nowLocked()
		}
		if c.closed || len(c.timers) == 0 || c.timers[0].at.After(limit) {
			c.rearmLocked()
			c.mu.Unlock()
			return
		}
		tm := heap.Pop(&c.timers).(*timer)
		if !target.IsZero() && tm.at.After(c.nowLocked()) {
			c.setLocked(tm.at)
		}
		c.mu.Unlock()
		c.runTimer(tm.f)
	}
}

func (c *Virtual) setLocked(t time.Time) {
	c.base = t
	c.wallBase = c.wall()
}

// MaxYear is the last year the clock reaches: the formats its times are
// written in (RFC 3339, JSON) hold four-digit years.
const MaxYear = 9999

// ErrOutOfRange refuses a move that would take the clock past MaxYear.
var ErrOutOfRange = fmt.Errorf("the clock cannot go past the year %d", MaxYear)

// Advance moves the clock forward by d, running every timer that falls due in
// time order, and returns the new time. A negative d is an error.
func (c *Virtual) Advance(d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("cannot advance by a negative duration %s", d)
	}
	return c.advanceTo(func(now time.Time) (time.Time, error) { return now.Add(d), nil })
}

// Set moves the clock forward to t; moving it back is an error.
func (c *Virtual) Set(t time.Time) (time.Time, error) {
	return c.advanceTo(func(now time.Time) (time.Time, error) {
		if t.Before(now) {
			return time.Time{}, fmt.Errorf("clock can only move forward: %s is before %s", t.UTC().Format(time.RFC3339), now.Format(time.RFC3339))
		}
		return t.UTC(), nil
	})
}

// advanceTo computes the target from the current time and moves the clock
// there. Both happen under c.fire, so concurrent advances add up instead of
// racing to the same target.
func (c *Virtual) advanceTo(targetOf func(now time.Time) (time.Time, error)) (time.Time, error) {
	c.fire.Lock()
	defer c.fire.Unlock()
	now := c.Now()
	target, err := targetOf(now)
	if err != nil {
		return time.Time{}, err
	}
	if target.Year() > MaxYear || target.Before(now) {
		return time.Time{}, ErrOutOfRange // past the formats, or a sum that overflowed
	}
	c.runDueLocked(target)
	c.mu.Lock()
	defer c.mu.Unlock()
	if target.After(c.nowLocked()) {
		c.setLocked(target)
	}
	c.armLocked()
	return c.nowLocked(), nil
}

// SetMode freezes or unfreezes the clock at its current time.
func (c *Virtual) SetMode(m Mode) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.nowLocked()
	c.mode = m
	c.setLocked(now)
	c.armLocked()
}

// Restore puts the clock at t in mode m without running timers; used when a
// tenant's state is imported.
func (c *Virtual) Restore(t time.Time, m Mode) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mode = m
	c.setLocked(t.UTC())
	c.armLocked()
}

// Fire runs every timer already due. In real mode timers also fire by
// themselves; Fire lets a caller make sure before reading state.
func (c *Virtual) Fire() { c.runDue(time.Time{}) }

// Clear drops every pending timer but keeps the clock running; used before a
// tenant's state is imported, since imported state re-arms its own timers.
func (c *Virtual) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.timers {
		t.index = -1
	}
	c.timers = nil
	c.armLocked()
}

// Close drops every pending timer and stops the wall-clock wake-up.
func (c *Virtual) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for _, t := range c.timers {
		t.index = -1
	}
	c.timers = nil
	if c.armed != nil {
		c.armed.Stop()
		c.armed = nil
	}
}
