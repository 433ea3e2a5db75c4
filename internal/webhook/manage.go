package webhook

import (
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
)

// SettleMargin is what a clock advance waits beyond one attempt's timeout
// for the deliveries it made due (Settle).
const SettleMargin = 2 * time.Second

// Wait blocks until no delivery attempt is running or due. Deliveries that
// fall due while it waits (retries made due by an earlier advance of the
// clock) are run and waited for too. Never call it from a clock timer
// callback. It has no time bound: tests use it; a clock advance uses
// Settle.
func (q *Queue) Wait() { q.waitUntil(time.Time{}) }

// Settle is Wait with a bound: it returns when no attempt is running or
// due, or after one attempt's timeout plus SettleMargin of wall time,
// whichever comes first, and reports whether everything had settled. A
// receiver that hangs, or retries that keep falling due, cannot hold a
// clock advance longer; what is still running goes on in the background.
func (q *Queue) Settle() bool {
	return q.waitUntil(clock.Wall().Add(q.opt.Timeout.D() + SettleMargin))
}

// waitUntil waits for the queue to settle, until deadline (zero: no
// deadline).
func (q *Queue) waitUntil(deadline time.Time) bool {
	if !deadline.IsZero() {
		// Wake the waiter at the deadline: sync.Cond has no timed wait.
		t := time.AfterFunc(clock.Until(deadline), func() {
			q.mu.Lock()
			q.idle.Broadcast()
			q.mu.Unlock()
		})
		defer t.Stop()
	}
	expired := func() bool { return !deadline.IsZero() && !clock.Wall().Before(deadline) }
	for i := 0; i < 10000; i++ {
		q.mu.Lock()
		for q.inflight > 0 && !expired() {
			q.idle.Wait()
		}
		busy := q.inflight > 0
		q.mu.Unlock()
		if busy {
			return false
		}
		if !q.kick() {
			return true
		}
	}
	return false
}

// Close stops the queue: timers are cancelled and running attempts are
// abandoned; pending deliveries stay pending (and exported).
func (q *Queue) Close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.closed = true
	for id, c := range q.timers {
		c()
		delete(q.timers, id)
	}
	clients := q.clients
	q.clients = map[string]*http.Client{}
	q.mu.Unlock()
	q.cancel()
	for _, c := range clients {
		c.CloseIdleConnections()
	}
}

// Get returns one delivery.
func (q *Queue) Get(id string) (Delivery, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	d, ok := q.deliveries[id]
	if !ok {
		return Delivery{}, false
	}
	return d.clone(), true
}

// List returns matching deliveries, newest first.
func (q *Queue) List(f Filter) []Delivery {
	q.mu.Lock()
	defer q.mu.Unlock()
	all := make([]*Delivery, 0, len(q.deliveries))
	for _, d := range q.deliveries {
		if f.match(d) {
			all = append(all, d)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Seq > all[j].Seq })
	if f.Limit > 0 && len(all) > f.Limit {
		all = all[:f.Limit]
	}
	out := make([]Delivery, len(all))
	for i, d := range all {
		out[i] = d.clone()
	}
	return out
}

// Errors of Replay.
var (
	ErrNotFound = fmt.Errorf("no such delivery")
	ErrPending  = fmt.Errorf("delivery is still pending")
)

// Replay queues a dead (or delivered) delivery again with a fresh round of
// attempts, behind the deliveries already pending for its key.
func (q *Queue) Replay(id string) (Delivery, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	d, ok := q.deliveries[id]
	if !ok {
		return Delivery{}, ErrNotFound
	}
	if d.Status == StatusPending {
		return Delivery{}, ErrPending
	}
	q.seq++
	now := q.clk.Now()
	d.Status, d.DeliveredAt, d.DeadAt = StatusPending, nil, nil
	// Dropped is kept: a dropFirst fault drops the first attempts of a
	// delivery, not of every replay, so a replay can reach the receiver.
	d.AttemptsLeft, d.Queued = q.opt.Attempts, q.seq
	d.Replays++
	d.NextAttemptAt = &now
	q.queueLocked(d, now)
	return d.clone(), nil
}

// AddFault installs a delivery fault and returns it with its id.
func (q *Queue) AddFault(f Fault) (Fault, error) {
	if f.DropFirst < 0 || f.Times < 0 || f.Delay < 0 {
		return Fault{}, fmt.Errorf("delay, dropFirst and times must not be negative")
	}
	if f.Delay == 0 && !f.Duplicate && f.DropFirst == 0 {
		return Fault{}, fmt.Errorf("a fault needs at least one of delay, duplicate or dropFirst")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.faultSeq++
	f.ID = fmt.Sprintf("dfault-%d", q.faultSeq)
	f.Used = 0
	q.faults = append(q.faults, &f)
	return f, nil
}

// Faults lists the installed delivery faults.
func (q *Queue) Faults() []Fault {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]Fault, len(q.faults))
	for i, f := range q.faults {
		out[i] = *f
	}
	return out
}

// RemoveFault removes one fault ("" removes all) and reports whether any was.
func (q *Queue) RemoveFault(id string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if id == "" {
		had := len(q.faults) > 0
		q.faults = nil
		return had
	}
	for i, f := range q.faults {
		if f.ID == id {
			q.faults = append(q.faults[:i], q.faults[i+1:]...)
			return true
		}
	}
	return false
}

// pruneLocked drops the oldest finished deliveries beyond Keep. Deliveries
// finish only in popLocked, so it runs there (and after Import), not on
// every Enqueue.
func (q *Queue) pruneLocked() {
	finished := 0
	for _, d := range q.deliveries {
		if d.Status != StatusPending {
			finished++
		}
	}
	if finished <= q.opt.Keep {
		return
	}
	var old []*Delivery
	for _, d := range q.deliveries {
		if d.Status != StatusPending {
			old = append(old, d)
		}
	}
	sort.Slice(old, func(i, j int) bool { return old[i].Seq < old[j].Seq })
	for _, d := range old[:finished-q.opt.Keep] {
		delete(q.deliveries, d.ID)
	}
}

// Export returns the queue's state. Attempts running right now are not in
// it; their deliveries are pending and are attempted again after Import.
func (q *Queue) Export() Snapshot {
	q.mu.Lock()
	defer q.mu.Unlock()
	st, _ := q.pcg.MarshalBinary()
	s := Snapshot{Seq: q.seq, FaultSeq: q.faultSeq, Rand: st, Faults: []Fault{}, Deliveries: make([]Delivery, 0, len(q.deliveries))}
	for _, f := range q.faults {
		s.Faults = append(s.Faults, *f)
	}
	for _, d := range q.deliveries {
		s.Deliveries = append(s.Deliveries, d.clone())
	}
	sort.Slice(s.Deliveries, func(i, j int) bool { return s.Deliveries[i].Seq < s.Deliveries[j].Seq })
	return s
}

// Import replaces the queue's state with a snapshot and re-arms pending
// deliveries: each key's first pending delivery is attempted at its due time
// (at once when that time has passed).
func (q *Queue) Import(s Snapshot) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(s.Rand) > 0 {
		if err := q.pcg.UnmarshalBinary(s.Rand); err != nil {
			return fmt.Errorf("webhook: random state: %w", err)
		}
	}
	for id, c := range q.timers {
		c()
		delete(q.timers, id)
	}
	q.seq, q.faultSeq = s.Seq, s.FaultSeq
	q.faults = nil
	for i := range s.Faults {
		f := s.Faults[i]
		q.faults = append(q.faults, &f)
	}
	q.deliveries = map[string]*Delivery{}
	q.fifo = map[string][]string{}
	var pending []*Delivery
	for i := range s.Deliveries {
		d := s.Deliveries[i].clone()
		if d.Attempts == nil {
			d.Attempts = []Attempt{}
		}
		if d.ID == "" {
			return fmt.Errorf("webhook: delivery %d has no id", i)
		}
		q.deliveries[d.ID] = &d
		if d.Status == StatusPending {
			pending = append(pending, &d)
		}
	}
	sort.Slice(pending, func(i, j int) bool { return pending[i].Queued < pending[j].Queued })
	for _, d := range pending {
		q.fifo[d.lane()] = append(q.fifo[d.lane()], d.ID)
	}
	for _, ids := range q.fifo {
		d := q.deliveries[ids[0]]
		due := q.clk.Now()
		if d.NextAttemptAt != nil {
			due = *d.NextAttemptAt
		}
		q.armLocked(d, due)
	}
	q.pruneLocked() // a snapshot may hold more finished deliveries than Keep
	return nil
}

// Counts returns how many deliveries are in each status.
func (q *Queue) Counts() map[string]int {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := map[string]int{}
	for _, d := range q.deliveries {
		out[string(d.Status)]++
	}
	return out
}
