package tnregistry

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// InboxMessage is one message the built-in inbox received.
type InboxMessage struct {
	ID         int               `json:"id"`
	Type       string            `json:"type"`
	ReceivedAt time.Time         `json:"receivedAt"`
	Headers    map[string]string `json:"headers"`
	Body       json.RawMessage   `json:"body"`
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
	m := InboxMessage{ID: s.inboxSeq, Type: "uns-" + strings.ToLower(typ), ReceivedAt: s.clock.Now(), Headers: hdrs, Body: append(json.RawMessage{}, body...)}
	box := append(s.inbox[name], m)
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
		if _, err := s.Receive(r.URL.Host, typ, r.Header, body); err != nil {
			http.Error(w, fmt.Sprintf(`{"error":%q}`, err.Error()), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"received"}`))
	})
}
