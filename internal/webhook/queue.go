package webhook

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/safe"
)

// Queue is one tenant's outbound delivery queue.
type Queue struct {
	clk    clock.Clock
	opt    Options
	prefix string
	log    *slog.Logger

	mu         sync.Mutex
	idle       *sync.Cond // signalled when inflight drops
	pcg        *rand.PCG
	rnd        *rand.Rand
	seq        uint64
	faultSeq   uint64
	deliveries map[string]*Delivery
	fifo       map[string][]string // lane -> pending ids in order; the head is active
	timers     map[string]func() bool
	faults     []*Fault
	inflight   int
	closed     bool
	local      map[string]http.Handler
	clients    map[string]*http.Client
	ctx        context.Context
	cancel     context.CancelFunc
	begin      func() any
	observe    func(Delivery, Attempt, any)
	begun      map[string]any
}

// Observe calls begin when an attempt starts (under the queue's lock, on
// the clock's side: keep it short) and done after the attempt is recorded,
// with a copy of the delivery, the attempt and what begin returned (outside
// the lock). Set it before the first Enqueue.
func (q *Queue) Observe(begin func() any, done func(Delivery, Attempt, any)) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.begin, q.observe, q.begun = begin, done, map[string]any{}
}

// New returns a queue on clk whose jitter is drawn from seed. prefix starts
// every delivery id ("uns-" gives "uns-000001").
func New(clk clock.Clock, opt Options, seed int64, prefix string) *Queue {
	pcg := rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)
	ctx, cancel := context.WithCancel(context.Background())
	q := &Queue{
		clk: clk, opt: opt.WithDefaults(), prefix: prefix, log: slog.Default(),
		pcg: pcg, rnd: rand.New(pcg),
		deliveries: map[string]*Delivery{}, fifo: map[string][]string{}, timers: map[string]func() bool{},
		local: map[string]http.Handler{}, clients: map[string]*http.Client{},
		ctx: ctx, cancel: cancel,
	}
	q.idle = sync.NewCond(&q.mu)
	return q
}

// Options returns the queue's effective options.
func (q *Queue) Options() Options { return q.opt }

// SetLogger sets where lifecycle events are logged.
func (q *Queue) SetLogger(l *slog.Logger) {
	if l != nil {
		q.log = l
	}
}

// HandleLocal serves deliveries to URLs with the given scheme ("inbox")
// in-process with h: no network, same attempt log and retries.
func (q *Queue) HandleLocal(scheme string, h http.Handler) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.local[strings.ToLower(scheme)] = h
}

// Enqueue queues a message and returns its delivery (a copy).
func (q *Queue) Enqueue(m Message) Delivery {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.clk.Now()
	q.seq++
	method := m.Method
	if method == "" {
		method = http.MethodPost
	}
	d := &Delivery{
		ID: fmt.Sprintf("%s%06d", q.prefix, q.seq), Key: m.Key, Target: m.Target, Method: method,
		Headers: copyMap(m.Headers), Body: string(m.Body), Labels: copyMap(m.Labels),
		Status: StatusPending, CreatedAt: now, AttemptsLeft: q.opt.Attempts,
		Seq: q.seq, Queued: q.seq, Attempts: []Attempt{},
	}
	d.Fault = q.faultForLocked(d)
	q.deliveries[d.ID] = d
	due := now
	if d.Fault != nil && d.Fault.Delay > 0 {
		due = now.Add(d.Fault.Delay.D())
	}
	d.NextAttemptAt = &due
	q.queueLocked(d, due)
	return d.clone()
}

// queueLocked puts a pending delivery at the end of its lane and, when it
// is the lane's head, arms its attempt for due.
func (q *Queue) queueLocked(d *Delivery, due time.Time) {
	lane := d.lane()
	q.fifo[lane] = append(q.fifo[lane], d.ID)
	if len(q.fifo[lane]) == 1 {
		q.armLocked(d, due)
	}
}

func (q *Queue) faultForLocked(d *Delivery) *FaultEffect {
	for _, f := range q.faults {
		if f.Times > 0 && f.Used >= f.Times {
			continue
		}
		if f.Match != "" && !strings.Contains(d.Target.URL, f.Match) {
			continue
		}
		if f.Key != "" && f.Key != d.Key {
			continue
		}
		f.Used++
		return &FaultEffect{FaultID: f.ID, Delay: f.Delay, Duplicate: f.Duplicate, DropFirst: f.DropFirst}
	}
	return nil
}

// armLocked makes d's next attempt happen at due: right away (on its own
// goroutine) when due is not in the future, else on a clock timer.
func (q *Queue) armLocked(d *Delivery, due time.Time) {
	if q.closed {
		return
	}
	if c := q.timers[d.ID]; c != nil {
		c()
		delete(q.timers, d.ID)
	}
	t := due
	d.NextAttemptAt = &t
	if !due.After(q.clk.Now()) {
		q.startLocked(d.ID, due)
		return
	}
	id := d.ID
	q.timers[id] = q.clk.At(due, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		delete(q.timers, id)
		if dd := q.deliveries[id]; dd != nil && dd.Status == StatusPending && q.headLocked(dd.lane()) == id {
			q.startLocked(id, due)
		}
	})
}

func (q *Queue) headLocked(lane string) string {
	if ids := q.fifo[lane]; len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// startLocked launches one attempt of id, made at clock time at.
func (q *Queue) startLocked(id string, at time.Time) {
	if q.closed {
		return
	}
	q.inflight++
	if q.begin != nil {
		q.begun[id] = q.begin()
	}
	go func() {
		// Whatever happens in the attempt, it is no longer in flight
		// afterwards, so an advance waiting for deliveries cannot hang on it.
		defer func() {
			q.mu.Lock()
			q.doneLocked()
			q.mu.Unlock()
		}()
		defer safe.Recover(q.log, "callback delivery "+id, nil)
		q.attempt(id, at)
	}()
}

func (q *Queue) attempt(id string, at time.Time) {
	q.mu.Lock()
	d := q.deliveries[id]
	if d == nil || d.Status != StatusPending || q.closed {
		delete(q.begun, id)
		q.mu.Unlock()
		return
	}
	n := len(d.Attempts) + 1
	drop := d.Fault != nil && d.Dropped < d.Fault.DropFirst
	if drop {
		d.Dropped++
	}
	dup := d.Fault != nil && d.Fault.Duplicate
	// d.Headers is copied at Enqueue and never written again, and
	// requestHeaders builds each attempt's own map from it.
	target, method, body, headers := d.Target, d.Method, d.Body, d.Headers
	q.mu.Unlock()

	hdrs := requestHeaders(headers, id, n)
	var results []Attempt
	if drop {
		results = append(results, Attempt{N: n, Time: at, URL: target.URL, RequestHeaders: hdrs, RequestBody: body,
			Error: "not sent: dropped by delivery fault (dropFirst)", Fault: "drop"})
	} else {
		a := q.send(target, method, hdrs, body).attempt(n, at, target.URL, hdrs, body)
		results = append(results, a)
		if a.OK && dup {
			h2 := requestHeaders(headers, id, n)
			a2 := q.send(target, method, h2, body).attempt(n, at, target.URL, h2, body)
			a2.Fault = "duplicate"
			results = append(results, a2)
		}
	}

	q.mu.Lock()
	if q.closed || q.deliveries[id] != d || d.Status != StatusPending {
		// Shut down (the delivery stays pending in the exported state) or
		// dropped meanwhile.
		delete(q.begun, id)
		q.mu.Unlock()
		return
	}
	d.Attempts = append(d.Attempts, results...)
	d.AttemptsLeft--
	switch {
	case results[0].OK:
		d.Status, d.NextAttemptAt, d.DeliveredAt = StatusDelivered, nil, &at
		q.log.Info("webhook delivered", "id", id, "url", target.URL, "attempt", n)
		q.popLocked(d)
	case d.AttemptsLeft <= 0:
		d.Status, d.NextAttemptAt, d.DeadAt = StatusDead, nil, &at
		q.log.Info("webhook dead", "id", id, "url", target.URL, "attempts", n)
		q.popLocked(d)
	default:
		round := q.opt.Attempts - d.AttemptsLeft // attempts made in this round
		q.armLocked(d, at.Add(q.backoffLocked(round)))
	}
	obs, seen, tok := q.observe, d.clone(), q.begun[id]
	delete(q.begun, id)
	q.mu.Unlock()
	if obs != nil {
		obs(seen, results[0], tok)
	}
	q.kick()
}

// kick runs clock timers of deliveries that are already due. A retry
// scheduled while the clock was being advanced past its due time would
// otherwise wait for the next advance of a frozen clock. It reports whether
// it found any.
func (q *Queue) kick() bool {
	q.mu.Lock()
	now := q.clk.Now()
	due := false
	for id := range q.timers {
		if d := q.deliveries[id]; d != nil && d.NextAttemptAt != nil && !d.NextAttemptAt.After(now) {
			due = true
			break
		}
	}
	q.mu.Unlock()
	if !due {
		return false
	}
	if f, ok := q.clk.(interface{ Fire() }); ok {
		f.Fire()
		return true
	}
	return false
}

func (q *Queue) doneLocked() {
	q.inflight--
	q.idle.Broadcast()
}

// popLocked removes a finished head from its key and starts the next one.
func (q *Queue) popLocked(d *Delivery) {
	lane := d.lane()
	ids := q.fifo[lane]
	for i, id := range ids {
		if id == d.ID {
			ids = append(ids[:i:i], ids[i+1:]...)
			break
		}
	}
	if len(ids) == 0 {
		delete(q.fifo, lane)
		q.pruneLocked()
		return
	}
	q.fifo[lane] = ids
	nd := q.deliveries[ids[0]]
	due := q.clk.Now()
	if nd.NextAttemptAt != nil && nd.NextAttemptAt.After(due) {
		due = *nd.NextAttemptAt
	}
	q.armLocked(nd, due)
	q.pruneLocked()
}

// backoffLocked is the wait after the n-th failed attempt of a round.
func (q *Queue) backoffLocked(n int) time.Duration {
	b := float64(q.opt.Backoff.D()) * math.Pow(2, float64(n-1))
	if m := float64(q.opt.MaxBackoff.D()); b > m {
		b = m
	}
	if q.opt.Jitter > 0 {
		b *= 1 + q.opt.Jitter*(2*q.rnd.Float64()-1)
	}
	return time.Duration(b).Round(time.Millisecond)
}
