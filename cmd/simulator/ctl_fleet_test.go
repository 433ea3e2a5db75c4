package main

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
)

func TestCtlFleetAsksEveryReplica(t *testing.T) {
	var urls []string
	for _, name := range []string{"sim-0", "sim-1"} {
		a, err := app.New(app.Config{Scenario: mustDefault(), Replica: name, AdminToken: "tok"})
		require.NoError(t, err)
		srv := httptest.NewServer(a.Handler())
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
		postCNAM(t, srv.URL, "job-on-"+name, "FLEET TEST")
	}

	r := runCtlArgs(t, map[string]string{"SIM_ADMIN_TOKEN": "tok"}, append([]string{"fleet"}, urls...)...)
	require.Zero(t, r.code, r.stderr)
	assert.Regexp(t, `sim-0\s+job-on-sim-0\s+default`, r.stdout)
	assert.Regexp(t, `sim-1\s+job-on-sim-1\s+default`, r.stdout)
	assert.NotRegexp(t, `sim-0\s+job-on-sim-1`, r.stdout, "each tenant is listed on the replica that holds it")
	assert.Contains(t, r.stdout, "tenants on 2 replicas")

	// JSON for scripts, and the list from the environment.
	r = runCtlArgs(t, map[string]string{"SIM_ADMIN_TOKEN": "tok", "SIM_FLEET": strings.Join(urls, ",")}, "fleet", "--json")
	require.Zero(t, r.code, r.stderr)
	var doc struct {
		Replicas []fleetReplica `json:"replicas"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	require.Len(t, doc.Replicas, 2)
	for i, name := range []string{"sim-0", "sim-1"} {
		assert.Equal(t, name, doc.Replicas[i].Replica)
		var ids []string
		for _, tn := range doc.Replicas[i].Tenants {
			ids = append(ids, tn.ID)
		}
		assert.Contains(t, ids, "job-on-"+name)
	}

	// A replica that does not answer is reported, the others still listed,
	// and the exit code says something is wrong.
	dead := httptest.NewServer(nil)
	dead.Close()
	r = runCtlArgs(t, map[string]string{"SIM_ADMIN_TOKEN": "tok"}, "fleet", urls[0], dead.URL)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "job-on-sim-0")
	assert.Contains(t, r.stdout, "no answer")

	// The admin token is needed, as on every replica's /__sim.
	r = runCtlArgs(t, nil, "fleet", urls[0])
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "401")

	r = runCtlArgs(t, nil, "fleet")
	assert.Equal(t, 2, r.code)
}
