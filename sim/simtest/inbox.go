package simtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
)

// Inbox is one of the tenant's built-in callback receivers. Subscribe its
// URL where a provider takes a callback URL (a TFNRegistry GNA subscription)
// and read what was delivered with Next.
type Inbox struct {
	s    *Server
	name string

	mu   sync.Mutex
	seen int // highest message id returned by Next
}

// Message is one callback an inbox received.
type Message struct {
	// ID increases with every message the tenant's inboxes receive.
	ID int `json:"id"`
	// Type is the message kind from the delivery path: "uns-sna", "uns-rch".
	Type       string    `json:"type"`
	ReceivedAt time.Time `json:"receivedAt"`
	// Headers holds the delivery's Content-Type, User-Agent and the
	// simulator's X-Sim-Delivery-Id and X-Sim-Attempt.
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// Decode unmarshals the message body into v.
func (m Message) Decode(v any) error { return json.Unmarshal(m.Body, v) }

// ErrTimeout is returned by Inbox.Next when no new message came in time.
var ErrTimeout = errors.New("simtest: no new message before the timeout")

// Inbox returns a fresh, empty inbox of the tenant with a name of its own.
func (s *Server) Inbox() *Inbox {
	return s.InboxNamed(fmt.Sprintf("simtest-%d", s.inboxes.Add(1)))
}

// InboxNamed returns the tenant's inbox name (1-64 letters, digits, '-', '_'
// or '.'), e.g. "demo", which the default scenario subscribes for CICs 0222
// and 0288 and Resp Orgs BRSMS and ZATST. Next returns only messages that
// arrive after this call.
func (s *Server) InboxNamed(name string) *Inbox {
	b := &Inbox{s: s, name: name}
	if msgs, err := b.list(); err == nil && len(msgs) > 0 {
		b.seen = msgs[len(msgs)-1].ID
	}
	return b
}

// Name is the inbox name.
func (b *Inbox) Name() string { return b.name }

// URL is the callback base URL to subscribe: inbox://name, delivered
// in-process by the simulator (same retries and delivery log as a network
// receiver). Messages are posted below it, e.g. to inbox://name/v3/ext/uns/sna.
func (b *Inbox) URL() string { return "inbox://" + b.name }

// HTTPURL is the same inbox as an http:// URL on the simulator, for when the
// delivery should cross the network like a real receiver's would.
func (b *Inbox) HTTPURL() string { return b.s.ControlURL() + "/inbox/" + url.PathEscape(b.name) }

func (b *Inbox) list() ([]Message, error) {
	var out struct {
		Messages []Message `json:"messages"`
	}
	err := b.s.call(http.MethodGet, "/inbox/"+url.PathEscape(b.name), nil, http.StatusOK, &out)
	return out.Messages, err
}

// Messages lists every message the inbox holds, oldest first.
func (b *Inbox) Messages() []Message {
	b.s.t.Helper()
	msgs, err := b.list()
	if err != nil {
		b.s.t.Fatalf("%v", err)
	}
	return msgs
}

// Clear empties the inbox.
func (b *Inbox) Clear() {
	b.s.t.Helper()
	b.s.do(http.MethodDelete, "/inbox/"+url.PathEscape(b.name), nil, http.StatusNoContent, nil)
}

// pollEvery is how often Next looks at the inbox.
const pollEvery = 5 * time.Millisecond

// Next waits up to timeout (wall clock) for a message that Next has not
// returned yet and returns the oldest such message. Deliveries run on their
// own goroutines, so a message shows up shortly after the change (or clock
// advance) that caused it; a receiver that answered with an error is retried
// on the tenant clock (advance it to see the retries).
func (b *Inbox) Next(timeout time.Duration) (Message, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		msgs, err := b.list()
		if err != nil {
			return Message{}, err
		}
		b.mu.Lock()
		if n := len(msgs); n > 0 && msgs[n-1].ID < b.seen {
			b.seen = 0 // the tenant was reset: ids start again
		}
		for _, m := range msgs {
			if m.ID > b.seen {
				b.seen = m.ID
				b.mu.Unlock()
				return m, nil
			}
		}
		b.mu.Unlock()
		if clock.Sleep(ctx, pollEvery) != nil {
			return Message{}, fmt.Errorf("%w (inbox %s, %s)", ErrTimeout, b.name, timeout)
		}
	}
}
