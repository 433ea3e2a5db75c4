package webhook

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
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

// CheckTarget reports whether a target URL can be delivered to.
func (q *Queue) CheckTarget(t Target) error {
	u, err := url.Parse(t.URL)
	if err != nil {
		return fmt.Errorf("invalid URL %q: %v", t.URL, err)
	}
	scheme := strings.ToLower(u.Scheme)
	q.mu.Lock()
	_, local := q.local[scheme]
	q.mu.Unlock()
	switch {
	case local:
		return nil
	case scheme != "http" && scheme != "https":
		return fmt.Errorf("invalid URL %q: want http:// or https://", t.URL)
	case u.Host == "":
		return fmt.Errorf("invalid URL %q: no host", t.URL)
	}
	if t.CAFile != "" {
		if _, err := loadCAFile(t.CAFile); err != nil {
			return err
		}
	}
	return nil
}

// loadCAFile reads a PEM file of CA certificates into a pool.
func loadCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("caFile: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("caFile %s holds no PEM certificate", path)
	}
	return pool, nil
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

type sendResult struct {
	status    int
	body      string
	truncated bool
	err       string
	dur       time.Duration
}

// attempt records the result as attempt n, made at clock time at, of a
// request to the URL target with these headers and body.
func (r sendResult) attempt(n int, at time.Time, target string, hdrs map[string]string, body string) Attempt {
	return Attempt{N: n, Time: at, URL: target, RequestHeaders: hdrs, RequestBody: body, Status: r.status,
		ResponseBody: r.body, ResponseTruncated: r.truncated, Error: r.err, DurationMS: float64(r.dur.Microseconds()) / 1000,
		OK: r.err == "" && r.status >= 200 && r.status < 300}
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

func requestHeaders(base map[string]string, id string, n int) map[string]string {
	h := map[string]string{"Content-Type": "application/json", "User-Agent": "TFNRegistry-UNS/3.0"}
	for k, v := range base {
		h[k] = v
	}
	h["X-Sim-Delivery-Id"] = id
	h["X-Sim-Attempt"] = strconv.Itoa(n)
	return h
}

func (q *Queue) send(t Target, method string, hdrs map[string]string, body string) sendResult {
	res := sendResult{}
	u, err := url.Parse(t.URL)
	if err != nil {
		res.err = "invalid URL: " + err.Error()
		return res
	}
	ctx, cancel := context.WithTimeout(q.ctx, q.opt.Timeout.D())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, t.URL, strings.NewReader(body))
	if err != nil {
		res.err = err.Error()
		return res
	}
	for k, v := range hdrs {
		req.Header.Set(k, v)
	}
	start := clock.Wall()
	q.mu.Lock()
	local := q.local[strings.ToLower(u.Scheme)]
	q.mu.Unlock()
	var resp *http.Response
	if local != nil {
		resp = serveLocal(local, req)
	} else {
		client, cerr := q.client(t)
		if cerr != nil {
			res.err = cerr.Error()
			return res
		}
		resp, err = client.Do(req)
	}
	if err != nil {
		res.dur = clock.Wall().Sub(start)
		res.err = cleanErr(err)
		return res
	}
	defer resp.Body.Close()
	limit := q.opt.BodyLimit
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	res.dur = clock.Wall().Sub(start)
	res.status = resp.StatusCode
	if len(data) > limit {
		data, res.truncated = data[:limit], true
	}
	res.body = string(data)
	if rerr != nil {
		res.err = "reading response: " + cleanErr(rerr)
	}
	return res
}

func cleanErr(err error) string {
	if ue, ok := err.(*url.Error); ok {
		if ue.Timeout() {
			return "timeout: " + ue.Err.Error()
		}
		return ue.Err.Error()
	}
	return err.Error()
}

// client returns the HTTP client for a target's TLS settings.
func (q *Queue) client(t Target) (*http.Client, error) {
	key := t.CAFile + "|" + strconv.FormatBool(t.InsecureSkipVerify)
	q.mu.Lock()
	c := q.clients[key]
	q.mu.Unlock()
	if c != nil {
		return c, nil
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: t.InsecureSkipVerify} //nolint:gosec // opt-in for local receivers
	if t.CAFile != "" {
		pool, err := loadCAFile(t.CAFile)
		if err != nil {
			return nil, err
		}
		tlsCfg.RootCAs = pool
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsCfg
	tr.Proxy = nil
	c = &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if existing := q.clients[key]; existing != nil {
		tr.CloseIdleConnections()
		return existing, nil
	}
	q.clients[key] = c
	return c, nil
}

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

// Errors of Replay.
var (
	ErrNotFound = fmt.Errorf("no such delivery")
	ErrPending  = fmt.Errorf("delivery is still pending")
)

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
