package webhook

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestObserveSeesEveryAttemptWithItsBeginToken(t *testing.T) {
	r := newReceiver(t, false, 500)
	q, clk := newQueue(t, Options{Jitter: -1})
	var mu sync.Mutex
	n := 0
	var seen []string
	q.Observe(func() any {
		n++ // under the queue's lock
		return n
	}, func(d Delivery, a Attempt, tok any) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, d.ID+" "+a.Time.Format("15:04:05")+" "+map[bool]string{true: "ok", false: "failed"}[a.OK]+" "+string(rune('0'+tok.(int))))
	})
	q.Enqueue(msg("8005550001", r.srv.URL, `{}`))
	q.Wait()
	_, err := clk.Advance(30 * time.Second)
	require.NoError(t, err)
	q.Wait()
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"d-000001 09:00:00 failed 1", "d-000001 09:00:30 ok 2"}, seen)
	q.mu.Lock()
	defer q.mu.Unlock()
	assert.Empty(t, q.begun, "no token is left behind")
}
