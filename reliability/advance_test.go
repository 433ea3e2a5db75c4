package reliability

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/telecomsim/simulator/sim/simtest"
)

const hangScenario = `
version: 1
name: hanging-receiver
clock: {start: "2026-01-05T09:00:00Z", mode: frozen}
tnregistry:
  numbers:
    list:
      - {tfn: "8005550100", status: WORKING, respOrg: BRSMS}
      - {tfn: "8005550101", status: WORKING, respOrg: BRSMS}
  records:
    - {tfn: "8005550100", respOrg: BRSMS, interLATACarrier: ["0288"], intraLATACarrier: ["0288"]}
    - {tfn: "8005550101", respOrg: BRSMS, interLATACarrier: ["0288"], intraLATACarrier: ["0288"]}
  delivery: {attempts: 10, backoff: 1m, maxBackoff: 1m, jitter: -1, timeout: 1s}
`

// A clock advance returns within one attempt's timeout plus a margin,
// whatever the receivers do: with a receiver that never answers, an advance
// once took attempts x timeout (130 s with 10 attempts of 13 s). A
// receiver of another subscription still gets its messages at once.
func TestAdvanceNeverHangsOnAReceiver(t *testing.T) {
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(release)
	var mu sync.Mutex
	var got []string
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Path)
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer ok.Close()

	srv := simtest.New(t, simtest.Scenario(hangScenario))
	srv.Subscribe("0222", hang.URL) // a carrier whose receiver hangs
	srv.Subscribe("0333", ok.URL)   // another carrier, whose receiver answers
	srv.Change("8005550100", map[string]any{"change": "cic-addition", "cic": "0222"})
	srv.Change("8005550101", map[string]any{"change": "cic-addition", "cic": "0333"})

	start := time.Now()
	srv.Advance(time.Hour) // ten retries of the hanging delivery fall due
	took := time.Since(start)
	bound := time.Second + 2*time.Second // timeout + webhook.SettleMargin
	assert.Less(t, took, bound+2*time.Second, "the advance waited %s", took)

	mu.Lock()
	defer mu.Unlock()
	assert.NotEmpty(t, got, "the answering carrier got its message during the advance")
}
