package webhook

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/scenario"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// receiver is a real local HTTP receiver that answers with the statuses in
// plan, in order (then 200), and records what it got.
type receiver struct {
	mu    sync.Mutex
	plan  []int
	got   []string
	heads []http.Header
	srv   *httptest.Server
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	status := http.StatusOK
	if len(r.plan) > 0 {
		status, r.plan = r.plan[0], r.plan[1:]
	}
	r.got = append(r.got, string(b))
	r.heads = append(r.heads, req.Header.Clone())
	r.mu.Unlock()
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"status":%d}`, status)
}

func (r *receiver) bodies() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

func newReceiver(t *testing.T, tlsOn bool, plan ...int) *receiver {
	r := &receiver{plan: plan}
	if tlsOn {
		r.srv = httptest.NewTLSServer(r)
	} else {
		r.srv = httptest.NewServer(r)
	}
	t.Cleanup(r.srv.Close)
	return r
}

func newQueue(t *testing.T, opt Options) (*Queue, *clock.Virtual) {
	clk := clock.NewVirtual(t0, clock.Frozen)
	q := New(clk, opt, 42, "d-")
	t.Cleanup(func() { q.Close(); clk.Close() })
	return q, clk
}

func msg(key, url, body string) Message {
	return Message{Key: key, Target: Target{URL: url}, Body: []byte(body), Labels: map[string]string{"tfn": key}}
}

func TestDeliverFirstAttempt(t *testing.T) {
	r := newReceiver(t, false)
	q, _ := newQueue(t, Options{})
	d := q.Enqueue(Message{Key: "8005550001", Target: Target{URL: r.srv.URL + "/v3/ext/uns/sna"}, Body: []byte(`{"a":1}`), Headers: map[string]string{"X-Extra": "1"}})
	assert.Equal(t, "d-000001", d.ID)
	q.Wait()
	got, ok := q.Get(d.ID)
	require.True(t, ok)
	assert.Equal(t, StatusDelivered, got.Status)
	require.Len(t, got.Attempts, 1)
	a := got.Attempts[0]
	assert.Equal(t, 200, a.Status)
	assert.True(t, a.OK)
	assert.Equal(t, t0, a.Time)
	assert.Equal(t, `{"a":1}`, a.RequestBody)
	assert.Equal(t, `{"status":200}`, a.ResponseBody)
	assert.Equal(t, "application/json", a.RequestHeaders["Content-Type"])
	assert.Equal(t, "1", a.RequestHeaders["X-Extra"])
	assert.Equal(t, []string{`{"a":1}`}, r.bodies())
	assert.Equal(t, d.ID, r.heads[0].Get("X-Sim-Delivery-Id"))
}

func TestFailTwiceThenSucceed(t *testing.T) {
	r := newReceiver(t, false, 500, 503)
	q, clk := newQueue(t, Options{Jitter: -1})
	d := q.Enqueue(msg("8005550001", r.srv.URL, `{}`))
	q.Wait()
	got, _ := q.Get(d.ID)
	assert.Equal(t, StatusPending, got.Status)
	require.Len(t, got.Attempts, 1)
	require.NotNil(t, got.NextAttemptAt)
	assert.Equal(t, t0.Add(30*time.Second), *got.NextAttemptAt)

	_, err := clk.Advance(29 * time.Second)
	require.NoError(t, err)
	q.Wait()
	got, _ = q.Get(d.ID)
	assert.Len(t, got.Attempts, 1, "not due yet")

	_, err = clk.Advance(time.Second)
	require.NoError(t, err)
	q.Wait()
	got, _ = q.Get(d.ID)
	require.Len(t, got.Attempts, 2)
	assert.Equal(t, 503, got.Attempts[1].Status)
	assert.Equal(t, t0.Add(30*time.Second), got.Attempts[1].Time)

	_, err = clk.Advance(time.Minute)
	require.NoError(t, err)
	q.Wait()
	got, _ = q.Get(d.ID)
	assert.Equal(t, StatusDelivered, got.Status)
	require.Len(t, got.Attempts, 3)
	assert.Equal(t, t0.Add(90*time.Second), got.Attempts[2].Time)
	assert.Equal(t, []int{500, 503, 200}, []int{got.Attempts[0].Status, got.Attempts[1].Status, got.Attempts[2].Status})
	assert.Len(t, r.bodies(), 3)
}

func TestDeadLetterAndReplay(t *testing.T) {
	plan := make([]int, 8)
	for i := range plan {
		plan[i] = 500
	}
	r := newReceiver(t, false, plan...)
	q, clk := newQueue(t, Options{})
	d := q.Enqueue(msg("8005550001", r.srv.URL, `{"n":1}`))
	q.Wait()
	_, err := clk.Advance(2 * time.Hour)
	require.NoError(t, err)
	q.Wait()
	got, _ := q.Get(d.ID)
	assert.Equal(t, StatusDead, got.Status)
	require.Len(t, got.Attempts, 8)
	span := got.Attempts[7].Time.Sub(got.Attempts[0].Time)
	assert.InDelta(t, time.Hour.Seconds(), span.Seconds(), 15*60, "8 attempts span about an hour, got %s", span)
	for i := 1; i < 8; i++ {
		assert.True(t, got.Attempts[i].Time.After(got.Attempts[i-1].Time))
	}
	dead := q.List(Filter{Status: StatusDead})
	require.Len(t, dead, 1)

	_, err = q.Replay("nope")
	assert.ErrorIs(t, err, ErrNotFound)
	rp, err := q.Replay(d.ID)
	require.NoError(t, err)
	assert.Equal(t, StatusPending, rp.Status)
	q.Wait()
	got, _ = q.Get(d.ID)
	assert.Equal(t, StatusDelivered, got.Status)
	assert.Len(t, got.Attempts, 9)
	assert.Equal(t, 1, got.Replays)
	_, err = q.Replay(d.ID)
	require.NoError(t, err, "a delivered message can be sent again")
	q.Wait()
}

func TestOrderPerKey(t *testing.T) {
	r := newReceiver(t, false, 500)
	other := newReceiver(t, false)
	q, clk := newQueue(t, Options{})
	for i := 1; i <= 3; i++ {
		q.Enqueue(msg("A", r.srv.URL, fmt.Sprintf(`{"a":%d}`, i)))
	}
	q.Enqueue(msg("B", other.srv.URL, `{"b":1}`))
	q.Wait()
	assert.Equal(t, []string{`{"a":1}`}, r.bodies(), "later messages for A wait for the first")
	assert.Equal(t, []string{`{"b":1}`}, other.bodies(), "another key is not blocked")
	_, err := clk.Advance(time.Minute)
	require.NoError(t, err)
	q.Wait()
	assert.Equal(t, []string{`{"a":1}`, `{"a":1}`, `{"a":2}`, `{"a":3}`}, r.bodies())
	assert.Len(t, q.List(Filter{Status: StatusDelivered}), 4)
	assert.Len(t, q.List(Filter{Labels: map[string]string{"tfn": "A"}}), 3)
}

// Order is kept per key and receiver: a receiver that is down holds back its
// own later messages for the key, not another receiver's.
func TestOrderIsPerReceiver(t *testing.T) {
	down := newReceiver(t, false, 500, 500)
	up := newReceiver(t, false)
	q, clk := newQueue(t, Options{Jitter: -1})
	q.Enqueue(msg("A", down.srv.URL+"/v3/ext/uns/sna", `{"n":1}`))
	q.Enqueue(msg("A", up.srv.URL+"/v3/ext/uns/sna", `{"n":2}`))
	q.Enqueue(msg("A", down.srv.URL+"/v3/ext/uns/rch", `{"n":3}`))
	q.Wait()
	assert.Equal(t, []string{`{"n":2}`}, up.bodies(), "the healthy receiver is not held up by the failing one")
	assert.Equal(t, []string{`{"n":1}`}, down.bodies(), "the failing receiver's later message (another path, same host) waits")
	_, err := clk.Advance(30 * time.Second)
	require.NoError(t, err)
	q.Wait()
	assert.Equal(t, []string{`{"n":1}`, `{"n":1}`}, down.bodies())
	_, err = clk.Advance(time.Minute)
	require.NoError(t, err)
	q.Wait()
	assert.Equal(t, []string{`{"n":1}`, `{"n":1}`, `{"n":1}`, `{"n":3}`}, down.bodies())
}

func TestConcurrentEnqueueKeepsOrder(t *testing.T) {
	r := newReceiver(t, false)
	q, _ := newQueue(t, Options{})
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				q.Enqueue(msg(fmt.Sprintf("K%d", g), r.srv.URL, fmt.Sprintf(`{"g":%d,"i":%d}`, g, i)))
			}
		}(g)
	}
	wg.Wait()
	q.Wait()
	last := map[int]int{0: -1, 1: -1, 2: -1, 3: -1}
	for _, b := range r.bodies() {
		var v struct{ G, I int }
		require.NoError(t, json.Unmarshal([]byte(b), &v))
		assert.Equal(t, last[v.G]+1, v.I, "key K%d out of order", v.G)
		last[v.G] = v.I
	}
	assert.Len(t, r.bodies(), 100)
}

func TestTimeoutDoesNotBlock(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		<-release
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	fast := newReceiver(t, false)
	q, _ := newQueue(t, Options{Timeout: scenario.Duration(200 * time.Millisecond)})
	d := q.Enqueue(msg("slow", slow.URL, `{}`))
	q.Enqueue(msg("fast", fast.srv.URL, `{}`))
	assert.Eventually(t, func() bool { return len(fast.bodies()) == 1 }, 5*time.Second, 5*time.Millisecond)
	q.Wait()
	got, _ := q.Get(d.ID)
	require.Len(t, got.Attempts, 1)
	assert.Contains(t, got.Attempts[0].Error, "timeout")
	assert.Equal(t, StatusPending, got.Status)
}

func TestConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	q, _ := newQueue(t, Options{})
	d := q.Enqueue(msg("k", url, `{}`))
	q.Wait()
	got, _ := q.Get(d.ID)
	require.Len(t, got.Attempts, 1)
	assert.NotEmpty(t, got.Attempts[0].Error)
	assert.Zero(t, got.Attempts[0].Status)
}

func TestTLS(t *testing.T) {
	r := newReceiver(t, true)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.srv.Certificate().Raw}), 0o600))
	cases := []struct {
		name   string
		target Target
		ok     bool
	}{
		{"unknown CA is refused", Target{URL: r.srv.URL}, false},
		{"custom CA", Target{URL: r.srv.URL, CAFile: caFile}, true},
		{"skip verify", Target{URL: r.srv.URL, InsecureSkipVerify: true}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, _ := newQueue(t, Options{})
			require.NoError(t, q.CheckTarget(c.target))
			d := q.Enqueue(Message{Key: "k", Target: c.target, Body: []byte(`{}`)})
			q.Wait()
			got, _ := q.Get(d.ID)
			require.Len(t, got.Attempts, 1)
			assert.Equal(t, c.ok, got.Attempts[0].OK, got.Attempts[0].Error)
			if !c.ok {
				assert.Contains(t, got.Attempts[0].Error, "certificate")
			}
		})
	}
	q, _ := newQueue(t, Options{})
	assert.Error(t, q.CheckTarget(Target{URL: "ftp://x"}))
	assert.Error(t, q.CheckTarget(Target{URL: "https://x", CAFile: "/nonexistent.pem"}))
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("not a certificate"), 0o600))
	assert.ErrorContains(t, q.CheckTarget(Target{URL: "https://x", CAFile: notPEM}), "no PEM certificate",
		"a CA file that holds no certificate is refused when subscribing, not at every attempt")
}

func TestFaults(t *testing.T) {
	t.Run("drop first", func(t *testing.T) {
		r := newReceiver(t, false)
		q, clk := newQueue(t, Options{Jitter: -1})
		_, err := q.AddFault(Fault{DropFirst: 2, Times: 1})
		require.NoError(t, err)
		d := q.Enqueue(msg("k", r.srv.URL, `{"x":1}`))
		q.Wait()
		assert.Empty(t, r.bodies())
		_, _ = clk.Advance(time.Minute)
		q.Wait()
		assert.Empty(t, r.bodies())
		_, _ = clk.Advance(2 * time.Minute)
		q.Wait()
		got, _ := q.Get(d.ID)
		assert.Equal(t, StatusDelivered, got.Status)
		require.Len(t, got.Attempts, 3)
		assert.Equal(t, "drop", got.Attempts[0].Fault)
		assert.Len(t, r.bodies(), 1)
		d2 := q.Enqueue(msg("k", r.srv.URL, `{"x":2}`))
		q.Wait()
		got, _ = q.Get(d2.ID)
		assert.Equal(t, StatusDelivered, got.Status, "times: 1 applies to one delivery only")
	})
	t.Run("drop every attempt, then replay", func(t *testing.T) {
		r := newReceiver(t, false)
		q, clk := newQueue(t, Options{Attempts: 2, Jitter: -1})
		_, err := q.AddFault(Fault{DropFirst: 2})
		require.NoError(t, err)
		d := q.Enqueue(msg("k", r.srv.URL, `{"x":1}`))
		q.Wait()
		_, _ = clk.Advance(time.Minute)
		q.Wait()
		got, _ := q.Get(d.ID)
		require.Equal(t, StatusDead, got.Status)
		assert.Empty(t, r.bodies())
		_, err = q.Replay(d.ID)
		require.NoError(t, err)
		q.Wait()
		got, _ = q.Get(d.ID)
		assert.Equal(t, StatusDelivered, got.Status, "the fault's drops are spent: the replay is sent")
		assert.Len(t, r.bodies(), 1)
	})
	t.Run("duplicate", func(t *testing.T) {
		r := newReceiver(t, false)
		q, _ := newQueue(t, Options{})
		_, err := q.AddFault(Fault{Duplicate: true, Match: r.srv.URL})
		require.NoError(t, err)
		d := q.Enqueue(msg("k", r.srv.URL, `{"x":1}`))
		q.Wait()
		assert.Equal(t, []string{`{"x":1}`, `{"x":1}`}, r.bodies())
		got, _ := q.Get(d.ID)
		require.Len(t, got.Attempts, 2)
		assert.Equal(t, "duplicate", got.Attempts[1].Fault)
	})
	t.Run("delay", func(t *testing.T) {
		r := newReceiver(t, false)
		q, clk := newQueue(t, Options{})
		f, err := q.AddFault(Fault{Delay: scenario.Duration(5 * time.Minute)})
		require.NoError(t, err)
		q.Enqueue(msg("k", r.srv.URL, `{}`))
		q.Wait()
		assert.Empty(t, r.bodies())
		_, _ = clk.Advance(5 * time.Minute)
		q.Wait()
		assert.Len(t, r.bodies(), 1)
		assert.True(t, q.RemoveFault(f.ID))
		assert.Empty(t, q.Faults())
	})
	q, _ := newQueue(t, Options{})
	_, err := q.AddFault(Fault{})
	assert.Error(t, err)
}

func TestLocalHandler(t *testing.T) {
	q, _ := newQueue(t, Options{})
	var got []string
	var mu sync.Mutex
	q.HandleLocal("inbox", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.URL.Host+r.URL.Path+" "+string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	require.NoError(t, q.CheckTarget(Target{URL: "inbox://demo"}))
	d := q.Enqueue(msg("k", "inbox://demo/v3/ext/uns/sna", `{"y":2}`))
	q.Wait()
	mu.Lock()
	assert.Equal(t, []string{`demo/v3/ext/uns/sna {"y":2}`}, got)
	mu.Unlock()
	g, _ := q.Get(d.ID)
	assert.Equal(t, http.StatusAccepted, g.Attempts[0].Status)
}

func TestExportImport(t *testing.T) {
	r := newReceiver(t, false, 500)
	q, clk := newQueue(t, Options{})
	_, err := q.AddFault(Fault{Duplicate: true, Match: "nothing-matches"})
	require.NoError(t, err)
	q.Enqueue(msg("A", r.srv.URL, `{"a":1}`))
	q.Enqueue(msg("A", r.srv.URL, `{"a":2}`))
	q.Wait()
	snap := q.Export()
	b1, err := json.Marshal(snap)
	require.NoError(t, err)
	q.Close()

	clk2 := clock.NewVirtual(clk.Now(), clock.Frozen)
	t.Cleanup(clk2.Close)
	q2 := New(clk2, Options{}, 1, "d-")
	t.Cleanup(q2.Close)
	var back Snapshot
	require.NoError(t, json.Unmarshal(b1, &back))
	require.NoError(t, q2.Import(back))
	b2, err := json.Marshal(q2.Export())
	require.NoError(t, err)
	assert.Equal(t, string(b1), string(b2))

	_, err = clk2.Advance(time.Minute)
	require.NoError(t, err)
	q2.Wait()
	assert.Len(t, q2.List(Filter{Status: StatusDelivered}), 2)
	assert.Equal(t, []string{`{"a":1}`, `{"a":1}`, `{"a":2}`}, r.bodies())
	assert.True(t, strings.HasPrefix(q2.Enqueue(msg("B", r.srv.URL, `{}`)).ID, "d-000003"))
	q2.Wait()
}

// Only the newest Keep finished deliveries stay, also after importing a
// snapshot that held more.
func TestKeepBoundsFinishedDeliveries(t *testing.T) {
	r := newReceiver(t, false)
	q, _ := newQueue(t, Options{Keep: 2})
	for i := range 5 {
		q.Enqueue(msg(fmt.Sprint("800555000", i), r.srv.URL, `{}`))
		q.Wait()
	}
	ids := func(q *Queue) []string {
		var out []string
		for _, d := range q.List(Filter{}) {
			out = append(out, d.ID)
		}
		slices.Sort(out)
		return out
	}
	assert.Equal(t, []string{"d-000004", "d-000005"}, ids(q))

	big, _ := newQueue(t, Options{Keep: 10})
	for i := range 4 {
		big.Enqueue(msg(fmt.Sprint("800555001", i), r.srv.URL, `{}`))
		big.Wait()
	}
	require.Len(t, ids(big), 4)
	small, _ := newQueue(t, Options{Keep: 2})
	require.NoError(t, small.Import(big.Export()))
	assert.Equal(t, []string{"d-000003", "d-000004"}, ids(small), "an import keeps only the newest Keep")
}
