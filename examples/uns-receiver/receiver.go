package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
)

// SNA is a UNS-SNA message (Somos TFNRegistry notifies a carrier that a
// customer record naming its CIC changed); the fields this receiver uses.
type SNA struct {
	TfNum            string   `json:"tfNum"`
	RespOrgID        string   `json:"RespOrgId"`
	CustRecStat      string   `json:"custRecStat"`
	ApprStat         string   `json:"apprStat"`
	ApprReason       string   `json:"apprReason"`
	ApprReq          string   `json:"apprReq"`
	EffDtTm          string   `json:"effDtTm"`
	CicCode          string   `json:"cicCode"`
	ChgParam         string   `json:"chgParam"`
	InterLATACarrier []string `json:"interLATACarrier"`
	IntraLATACarrier []string `json:"intraLATACarrier"`
}

// key identifies a message; the registry may deliver one twice.
func (m SNA) key() string {
	return m.TfNum + "|" + m.CicCode + "|" + m.ChgParam + "|" + m.EffDtTm + "|" + m.ApprStat
}

// Receiver is the carrier's UNS endpoint: the registry POSTs messages to
// {callback base URL}/v3/ext/uns/sna. It answers 200 once a message is
// recorded, 400 to a body it cannot read (the registry then retries, so a
// bug fixed quickly loses nothing) and ignores duplicates.
type Receiver struct {
	// OnMessage, when set, is called for each new message.
	OnMessage func(SNA)

	mu      sync.Mutex
	msgs    []SNA
	seen    map[string]bool
	changed chan struct{}
}

// NewReceiver returns an empty receiver.
func NewReceiver() *Receiver {
	return &Receiver{seen: map[string]bool{}, changed: make(chan struct{})}
}

func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v3/ext/uns/sna" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "could not read the body", http.StatusBadRequest)
		return
	}
	var m SNA
	if err := json.Unmarshal(body, &m); err != nil || m.TfNum == "" {
		http.Error(w, "not a UNS-SNA message", http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	dup := rc.seen[m.key()]
	if !dup {
		rc.seen[m.key()] = true
		rc.msgs = append(rc.msgs, m)
		close(rc.changed)
		rc.changed = make(chan struct{})
	}
	rc.mu.Unlock()
	if !dup && rc.OnMessage != nil {
		rc.OnMessage(m)
	}
	w.WriteHeader(http.StatusOK)
}

// Messages returns the messages received so far, in order.
func (rc *Receiver) Messages() []SNA {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]SNA(nil), rc.msgs...)
}

// Wait blocks until at least n messages were received or ctx ends.
func (rc *Receiver) Wait(ctx context.Context, n int) ([]SNA, error) {
	for {
		rc.mu.Lock()
		msgs, changed := append([]SNA(nil), rc.msgs...), rc.changed
		rc.mu.Unlock()
		if len(msgs) >= n {
			return msgs, nil
		}
		select {
		case <-ctx.Done():
			return msgs, ctx.Err()
		case <-changed:
		}
	}
}
