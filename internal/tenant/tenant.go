// Package tenant holds tenants' worlds. A world is everything one tenant owns:
// each provider's state, its clock and its journal. Worlds are created lazily
// from the scenario the first time a tenant is seen.
package tenant

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/journal"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/timeline"
)

// Default is the tenant of requests that name none.
const Default = "default"

// State is one provider's state inside one world.
type State interface {
	// Export returns a JSON-encodable snapshot of the state. Encoding it must be
	// deterministic (sorted slices, maps) so export -> import -> export is
	// byte-identical.
	Export() any
	// Import replaces the state with a snapshot from Export, re-arming any
	// clock timers the snapshot implies (pending approvals, retries...).
	Import(data json.RawMessage) error
}

// World is one tenant's whole world.
type World struct {
	ID       string
	Scenario *scenario.Scenario
	Clock    *clock.Virtual
	Journal  *journal.Journal
	// Timeline is what happened besides API calls (clock jumps, scenario
	// events, lifecycle steps, callbacks), ordered with the journal.
	Timeline *timeline.Log

	mu       sync.RWMutex
	names    []string
	states   map[string]State
	extras   map[string]any
	lastUsed atomic.Int64
	// uses counts the requests that acquired the world (see Release).
	uses atomic.Int64

	panics    atomic.Int64
	lastPanic atomic.Pointer[string]
}

// RecordPanic notes a panic recovered in work of this tenant (a clock timer,
// a delivery), so the tenant list shows it; the tenant keeps working.
func (w *World) RecordPanic(where string, v any) {
	w.panics.Add(1)
	msg := where + ": " + fmt.Sprint(v)
	w.lastPanic.Store(&msg)
}

// Panics reports how many panics were recovered in this tenant's work and
// the last one ("" when none).
func (w *World) Panics() (int64, string) {
	last := ""
	if p := w.lastPanic.Load(); p != nil {
		last = *p
	}
	return w.panics.Load(), last
}

// NewWorld returns an empty world for id with the scenario's clock and journal.
func NewWorld(id string, sc *scenario.Scenario) *World {
	mode, _ := clock.ParseMode(sc.Clock.Mode)
	w := &World{
		ID:       id,
		Scenario: sc,
		Clock:    clock.NewVirtual(sc.Clock.Start, mode),
		Journal:  journal.New(sc.Journal.Size, sc.Journal.BodyLimit),
		Timeline: timeline.New(),
		states:   map[string]State{},
		extras:   map[string]any{},
	}
	w.Journal.HeaderLimit = sc.Journal.HeaderLimit
	w.Journal.MaxBytes = sc.Journal.Bytes
	w.Touch()
	return w
}

// AddState registers a provider's state; states are exported in the order
// they were added.
func (w *World) AddState(name string, s State) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.states[name]; !ok {
		w.names = append(w.names, name)
	}
	w.states[name] = s
}

// State returns a provider's state, or nil.
func (w *World) State(name string) State {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.states[name]
}

// Names lists the world's states in order.
func (w *World) Names() []string {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return append([]string(nil), w.names...)
}

// SetExtra attaches an engine-level part of the world (fault rules, say)
// under a key.
func (w *World) SetExtra(key string, v any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.extras[key] = v
}

// Extra returns what SetExtra attached, or nil.
func (w *World) Extra(key string) any {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.extras[key]
}

// Touch records that the world was just used (for idle eviction).
func (w *World) Touch() { w.touchAt(clock.Wall()) }

func (w *World) touchAt(t time.Time) { w.lastUsed.Store(t.UnixNano()) }

// LastUsed is the wall time the world was last used.
func (w *World) LastUsed() time.Time { return time.Unix(0, w.lastUsed.Load()).UTC() }

// Close stops the world's clock and its timers.
func (w *World) Close() { w.Clock.Close() }

type ctxKey struct{}

// With returns ctx carrying w.
func With(ctx context.Context, w *World) context.Context {
	return context.WithValue(ctx, ctxKey{}, w)
}

// From returns the world carried by ctx, or nil.
func From(ctx context.Context) *World {
	w, _ := ctx.Value(ctxKey{}).(*World)
	return w
}

// ValidID reports whether s can name a tenant (or another simulator object,
// such as a fault rule): 1-64 letters, digits, '.', '_' or '-', starting with
// a letter or digit. It runs on every request, so it is a loop, not a regexp.
func ValidID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if i > 0 && (c == '.' || c == '_' || c == '-') {
			ok = true
		}
		if !ok {
			return false
		}
	}
	return true
}

// Factory builds a fresh world for a tenant id. A mode other than "" starts
// the world's clock in that mode at the scenario's start, before any state is
// built (a reset into a frozen clock must not have seeded state at a later
// time than the clock then shows).
type Factory func(id string, mode clock.Mode) (*World, error)

// DefaultIdle is how long a tenant must go unused before it may be evicted
// to make room for a new one.
const DefaultIdle = 30 * time.Minute

// FullError says a new tenant cannot be made: the registry holds its maximum
// and none of its tenants has been idle long enough to be evicted.
type FullError struct {
	Max  int
	Idle time.Duration
}

func (e *FullError) Error() string {
	return fmt.Sprintf("the simulator holds its maximum of %d tenants and none has been idle for %s, so no new tenant can start; retry later, or delete a finished tenant (DELETE /__sim/tenants/{id})", e.Max, e.Idle)
}

// Registry holds the worlds of all tenants. Worlds are built outside its
// lock, so building a large one never stalls requests to other tenants.
type Registry struct {
	mu      sync.Mutex
	worlds  map[string]*World
	pending map[string]*build // worlds being built, so each id is built once
	factory Factory
	// Max caps how many tenants exist at once (worlds being built count);
	// when a new one would exceed it, the least recently used tenant idle
	// for longer than Idle (never "default") is evicted, and when there is
	// none the new tenant is refused with a *FullError. 0 means no cap.
	Max int
	// Idle is how long a tenant must go unused before it may be evicted
	// (DefaultIdle when 0).
	Idle time.Duration
	// Wall reads the wall clock for idle times (clock.Wall when nil).
	Wall func() time.Time

	refused, released, evicted atomic.Int64
}

// Counts are what the registry turned away or dropped since it started.
type Counts struct {
	Refused  int64 // new tenants refused because every tenant was in use
	Released int64 // new tenants dropped after a request that proved nothing
	Evicted  int64 // idle tenants evicted to make room
}

// Counts returns the registry's running totals.
func (r *Registry) Counts() Counts {
	return Counts{Refused: r.refused.Load(), Released: r.released.Load(), Evicted: r.evicted.Load()}
}

type build struct {
	done chan struct{}
	err  error // set before done is closed
}

// NewRegistry returns a registry building worlds with f.
func NewRegistry(f Factory) *Registry {
	return &Registry{worlds: map[string]*World{}, pending: map[string]*build{}, factory: f}
}

func (r *Registry) now() time.Time {
	if r.Wall != nil {
		return r.Wall()
	}
	return clock.Wall()
}

func (r *Registry) idle() time.Duration {
	if r.Idle > 0 {
		return r.Idle
	}
	return DefaultIdle
}

// Get returns the tenant's world, creating it on first use.
func (r *Registry) Get(id string) (*World, error) {
	w, _, err := r.Acquire(id)
	return w, err
}

// Acquire is Get that also says whether this call created the world, so a
// caller whose request turns out to be unauthenticated can Release it.
func (r *Registry) Acquire(id string) (w *World, created bool, err error) {
	r.mu.Lock()
	if w, ok := r.worlds[id]; ok { // only valid ids are ever stored
		w.touchAt(r.now())
		w.uses.Add(1)
		r.mu.Unlock()
		return w, false, nil
	}
	if b, ok := r.pending[id]; ok { // another request is building it
		r.mu.Unlock()
		<-b.done
		if b.err != nil {
			return nil, false, b.err
		}
		return r.Acquire(id)
	}
	if !ValidID(id) {
		r.mu.Unlock()
		return nil, false, fmt.Errorf("invalid tenant id %q", id)
	}
	if err := r.makeRoomLocked(); err != nil {
		r.mu.Unlock()
		return nil, false, err
	}
	b := &build{done: make(chan struct{})}
	r.pending[id] = b
	r.mu.Unlock()

	w, err = r.buildSafe(id)
	r.mu.Lock()
	delete(r.pending, id)
	if err == nil {
		if put, ok := r.worlds[id]; ok {
			// Put installed a world for id (an import, a scenario) while
			// this one was being built: that one wins.
			w.Close()
			w, err = put, nil
			w.uses.Add(1)
			created = false
		} else {
			w.uses.Store(1)
			r.worlds[id] = w
			created = true
		}
		w.touchAt(r.now())
	}
	b.err = err
	r.mu.Unlock()
	close(b.done)
	return w, created, err
}

// buildSafe runs the factory; a panic in it is an error, so the pending
// entry is always cleared and waiters are always released.
func (r *Registry) buildSafe(id string) (w *World, err error) {
	defer func() {
		if v := recover(); v != nil {
			w, err = nil, fmt.Errorf("tenant %s: building its world panicked: %v", id, v)
		}
	}()
	return r.factory(id, "")
}

// Release drops a world that Acquire created if nothing else has used it
// since: a request whose credentials failed leaves no tenant behind. It
// reports whether the world was dropped.
func (r *Registry) Release(w *World) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.worlds[w.ID] != w || w.uses.Load() != 1 {
		return false
	}
	delete(r.worlds, w.ID)
	w.Close()
	r.released.Add(1)
	return true
}

// Lookup returns an existing world without creating one.
func (r *Registry) Lookup(id string) (*World, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w, ok := r.worlds[id]
	return w, ok
}

// makeRoomLocked evicts idle tenants until one more fits, or says why none
// can: tenants in use are never evicted for a newcomer.
func (r *Registry) makeRoomLocked() error {
	if r.Max <= 0 {
		return nil
	}
	cutoff := r.now().Add(-r.idle())
	for len(r.worlds)+len(r.pending) >= r.Max {
		var oldest *World
		for _, w := range r.worlds {
			if w.ID == Default || w.LastUsed().After(cutoff) {
				continue
			}
			if oldest == nil || w.LastUsed().Before(oldest.LastUsed()) {
				oldest = w
			}
		}
		if oldest == nil {
			r.refused.Add(1)
			return &FullError{Max: r.Max, Idle: r.idle()}
		}
		oldest.Close()
		delete(r.worlds, oldest.ID)
		r.evicted.Add(1)
	}
	return nil
}

// Put installs a world built elsewhere (a per-tenant scenario, an import),
// replacing and closing the tenant's previous one. A new tenant needs room
// like one made by Get (a *FullError otherwise).
func (r *Registry) Put(w *World) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	w.touchAt(r.now())
	w.uses.Store(2) // installed on purpose: never released as unused
	if old, ok := r.worlds[w.ID]; ok {
		// A replacement takes the old world's place: it must not count
		// towards Max, or another tenant would be evicted for it.
		if old != w {
			old.Close()
		}
		r.worlds[w.ID] = w
		return nil
	}
	if err := r.makeRoomLocked(); err != nil {
		return err
	}
	r.worlds[w.ID] = w
	return nil
}

// Reset rebuilds the tenant's world from the current factory, its clock in
// mode ("" keeps the scenario's).
func (r *Registry) Reset(id string, mode clock.Mode) (*World, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("invalid tenant id %q", id)
	}
	w, err := r.factory(id, mode)
	if err != nil {
		return nil, err
	}
	if err := r.Put(w); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// Delete drops a tenant's world; it is rebuilt from the scenario if used again.
func (r *Registry) Delete(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	w, ok := r.worlds[id]
	if ok {
		w.Close()
		delete(r.worlds, id)
	}
	return ok
}

// DeleteAll drops every world.
func (r *Registry) DeleteAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, w := range r.worlds {
		w.Close()
		delete(r.worlds, id)
	}
}

// All returns every world, sorted by id.
func (r *Registry) All() []*World {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*World, 0, len(r.worlds))
	for _, w := range r.worlds {
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Len is the number of live worlds.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.worlds)
}

// Settler is implemented by states whose clock timers start background work
// (outbound deliveries): Settle returns once that work is done, so a clock
// advance can return with its consequences visible.
type Settler interface {
	Settle()
}

// Settle waits for every state's background work started by the clock.
func (w *World) Settle() {
	for _, name := range w.Names() {
		if s, ok := w.State(name).(Settler); ok {
			s.Settle()
		}
	}
}
