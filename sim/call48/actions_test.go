package call48_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

func TestScheduledActions(t *testing.T) {
	t.Parallel()
	const base = `
version: 1
clock: {start: "2030-01-01T00:00:00Z", mode: frozen}
call48:
  accounts:
    - {id: 7, username: ci, password: pw, balance: "10.00"}
  inventory: {local: 20, toll: 5, intl: 2}
  portIn: {reviewed: 10h, focReceived: 10h, activated: 10h}
  ports:
    - {account: ci, didType: LCL, numbers: ["7012001293"], name: Scheduled Port, state: ND}
`
	// Learn the seeded port's id (ids are drawn from the scenario seed).
	probe := simtest.New(t, simtest.Scenario(base))
	var st struct {
		Providers struct {
			Call48 struct {
				Ports map[string]json.RawMessage `json:"ports"`
			} `json:"call48"`
		} `json:"providers"`
	}
	probe.Control("GET", "/state", nil, http.StatusOK, &st)
	require.Len(t, st.Providers.Call48.Ports, 1)
	var portID string
	for id := range st.Providers.Call48.Ports {
		portID = id
	}

	srv := simtest.New(t, simtest.Scenario(base+`
events:
  - {at: "+5m", provider: call48, action: advance-port, port_req_id: `+portID+`, status: activated}
  - {at: "+6m", provider: call48, action: set-balance, username: ci, balance: "99.50"}
  - {at: "+7m", provider: call48, action: advance-port, port_req_id: 999999}
`))
	srv.Advance(10 * time.Minute)
	ev := srv.Events()
	require.Len(t, ev, 3)
	assert.Equal(t, "done", ev[0].Status, ev[0].Error)
	assert.Equal(t, "done", ev[1].Status, ev[1].Error)
	assert.Equal(t, "failed", ev[2].Status)
	assert.Contains(t, ev[2].Error, "not found")

	var after struct {
		Providers struct {
			Call48 struct {
				Proposals map[string]struct {
					Status string `json:"status"`
				} `json:"proposals"`
			} `json:"call48"`
		} `json:"providers"`
	}
	srv.Control("GET", "/state", nil, http.StatusOK, &after)
	require.NotEmpty(t, after.Providers.Call48.Proposals)
	for _, p := range after.Providers.Call48.Proposals {
		assert.Equal(t, "activated", p.Status)
	}

	problems := srv.ScenarioProblems(base + `
events:
  - {at: "+1m", provider: call48, action: advance-port, port_req_id: ` + portID + `, status: teleported}
`)
	require.NotEmpty(t, problems)
	assert.Equal(t, "events[0].status", problems[0].Path)
}
