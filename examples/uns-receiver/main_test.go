package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

func TestReceivesChanges(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	rc := NewReceiver()
	ts := httptest.NewServer(rc)
	defer ts.Close()

	srv.Subscribe("0777", ts.URL) // the carrier's GNA registration
	srv.Change("8339900238", simtest.RecordChange{Change: "cic-addition", CIC: "0777", ApprReq: true})
	srv.Change("8339900238", simtest.RecordChange{Change: "cic-deletion", CIC: "0777"})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msgs, err := rc.Wait(ctx, 2)
	require.NoError(t, err)
	require.Len(t, msgs, 2, "messages for one number arrive in order")
	assert.Equal(t, "833-990-0238", msgs[0].TfNum)
	assert.Equal(t, "01", msgs[0].ChgParam)
	assert.Equal(t, "0777", msgs[0].CicCode)
	assert.Equal(t, "PENDING", msgs[0].ApprStat)
	assert.Contains(t, msgs[0].InterLATACarrier, "0777")
	assert.Equal(t, "03", msgs[1].ChgParam)
	assert.NotContains(t, msgs[1].InterLATACarrier, "0777")
}

func TestRetriedAfterFailure(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	rc := NewReceiver()
	var calls atomic.Int32
	var down atomic.Bool
	down.Store(true)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if down.Load() {
			http.Error(w, "deploying", http.StatusServiceUnavailable)
			return
		}
		rc.ServeHTTP(w, r)
	}))
	defer ts.Close()

	srv.Subscribe("0777", ts.URL)
	res := srv.Change("8339900238", simtest.RecordChange{Change: "cic-addition", CIC: "0777"})
	require.Len(t, res.Deliveries, 1)

	// Wait for the failed first attempt, then come back up and let the
	// registry's retry (30 s later on its clock) happen.
	var cb struct {
		Status   string `json:"status"`
		Attempts []any  `json:"attempts"`
	}
	require.Eventually(t, func() bool {
		srv.Control(http.MethodGet, "/callbacks/"+res.Deliveries[0].ID, nil, http.StatusOK, &cb)
		return len(cb.Attempts) == 1
	}, 10*time.Second, 5*time.Millisecond)
	down.Store(false)
	srv.Advance(time.Minute)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msgs, err := rc.Wait(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, "0777", msgs[0].CicCode)
	assert.Equal(t, int32(2), calls.Load())
	srv.Control(http.MethodGet, "/callbacks/"+res.Deliveries[0].ID, nil, http.StatusOK, &cb)
	assert.Equal(t, "delivered", cb.Status)
}

func TestDuplicatesAreIgnored(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	rc := NewReceiver()
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		rc.ServeHTTP(w, r)
	}))
	defer ts.Close()

	// The registry delivers the next message twice.
	srv.Control(http.MethodPost, "/tnregistry/delivery/faults", map[string]any{"match": ts.URL, "duplicate": true, "times": 1}, 0, nil)
	srv.Subscribe("0777", ts.URL)
	srv.Change("8339900238", simtest.RecordChange{Change: "cic-addition", CIC: "0777"})
	require.Eventually(t, func() bool { return calls.Load() == 2 }, 10*time.Second, 5*time.Millisecond)
	assert.Len(t, rc.Messages(), 1)
}

func TestRejectsWhatIsNotUNS(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(NewReceiver())
	defer ts.Close()
	for _, c := range []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/v3/ext/uns/sna", `{"tfNum":"833-990-0238"}`, 200},
		{"POST", "/v3/ext/uns/sna", `not json`, 400},
		{"POST", "/v3/ext/uns/sna", `{}`, 400},
		{"GET", "/v3/ext/uns/sna", ``, 405},
		{"POST", "/elsewhere", `{}`, 404},
	} {
		req, _ := http.NewRequest(c.method, ts.URL+c.path, strings.NewReader(c.body))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, c.want, resp.StatusCode, "%s %s %s", c.method, c.path, c.body)
	}
}
