package tnregistry

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// InboxMessage is one message the built-in inbox received.
type InboxMessage struct {
	ID         int       `json:"id"`
	Type       string    `json:"type"`
	ReceivedAt time.Time `json:"receivedAt"`
	// DeliverySeq orders messages delivered at the same clock time as they
	// were queued (0 for a message posted from outside).
	DeliverySeq uint64            `json:"deliverySeq,omitempty"`
	Headers     map[string]string `json:"headers"`
	Body        json.RawMessage   `json:"body"`
}

const inboxCap = 1000

var inboxNameOK = func(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// Receive stores a message in an inbox.
func (s *State) Receive(name, typ string, h http.Header, body []byte) (InboxMessage, error) {
	return s.receive(name, typ, h, body, time.Time{}, 0)
}

// receive stores a message delivered at clock time at (zero: now), keeping
// the inbox in delivery order: by delivery time, then by queue order.
func (s *State) receive(name, typ string, h http.Header, body []byte, at time.Time, seq uint64) (InboxMessage, error) {
	if !inboxNameOK(name) {
		return InboxMessage{}, badRequest("inbox name: 1-64 letters, digits, '-', '_' or '.'")
	}
	if !json.Valid(body) {
		return InboxMessage{}, badRequest("body is not JSON")
	}
	hdrs := map[string]string{}
	for _, k := range []string{"Content-Type", "User-Agent", "X-Sim-Delivery-Id", "X-Sim-Attempt"} {
		if v := h.Get(k); v != "" {
			hdrs[k] = v
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inboxSeq++
	if at.IsZero() {
		at = s.clock.Now()
	}
	m := InboxMessage{ID: s.inboxSeq, Type: "uns-" + strings.ToLower(typ), ReceivedAt: at, DeliverySeq: seq, Headers: hdrs, Body: append(json.RawMessage{}, body...)}
	box := s.inbox[name]
	i := sort.Search(len(box), func(i int) bool { return inboxAfter(box[i], m) })
	box = append(box, InboxMessage{})
	copy(box[i+1:], box[i:])
	box[i] = m
	if len(box) > inboxCap {
		box = box[len(box)-inboxCap:]
	}
	s.inbox[name] = box
	return m, nil
}

// Inbox lists an inbox's messages, oldest first.
func (s *State) Inbox(name string) []InboxMessage {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]InboxMessage{}, s.inbox[name]...)
}

// ClearInbox empties an inbox.
func (s *State) ClearInbox(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inbox, name)
}

// inboxHandler serves in-process deliveries to inbox://{name}/v3/ext/uns/{type}.
func (s *State) inboxHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		typ := strings.TrimPrefix(r.URL.Path, "/v3/ext/uns/")
		if typ == r.URL.Path || typ == "" || strings.Contains(typ, "/") {
			http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, `{"error":"read"}`, http.StatusBadRequest)
			return
		}
		var at time.Time
		var seq uint64
		if d, ok := s.queue.Get(r.Header.Get("X-Sim-Delivery-Id")); ok && d.NextAttemptAt != nil {
			at, seq = *d.NextAttemptAt, d.Seq
		}
		if _, err := s.receive(r.URL.Host, typ, r.Header, body, at, seq); err != nil {
			http.Error(w, fmt.Sprintf(`{"error":%q}`, err.Error()), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"received"}`))
	})
}

// inboxAfter reports whether a was delivered after b: later clock time, or
// the same time and queued later. Messages posted from outside (no queue
// order) keep their arrival order.
func inboxAfter(a, b InboxMessage) bool {
	if !a.ReceivedAt.Equal(b.ReceivedAt) {
		return a.ReceivedAt.After(b.ReceivedAt)
	}
	return a.DeliverySeq != 0 && b.DeliverySeq != 0 && a.DeliverySeq > b.DeliverySeq
}
