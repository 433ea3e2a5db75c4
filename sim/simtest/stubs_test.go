package simtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/sim/simtest"
)

func TestStubs(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	id := srv.Stub(simtest.Stub{
		Provider: "flowroute", Method: "PATCH", Path: "/v2/numbers/{id}", Auth: "basic",
		Sequence: []simtest.StubResponse{
			{Status: 200, Body: map[string]any{"data": map[string]any{"id": "{{path.id}}", "attributes": map[string]any{"alias": "{{body.alias}}"}}}},
			{Status: 429, Body: map[string]any{"errors": []any{map[string]any{"detail": "slow down"}}}},
		},
	})
	call := func() (int, string) {
		req, err := http.NewRequest("PATCH", srv.URL("flowroute")+"/numbers/12065550100", strings.NewReader(`{"type":"number","alias":"Desk"}`))
		require.NoError(t, err)
		req.SetBasicAuth("demo-access-key", "demo-secret-key")
		resp, body := srv.Do(t, "", req)
		return resp.StatusCode, string(body)
	}
	status, body := call()
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"data":{"id":"12065550100","attributes":{"alias":"Desk"}}}`, body)
	status, _ = call()
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.Equal(t, 2, srv.StubHits()[id])
	entries := srv.Journal(simtest.Filter{Method: "PATCH"})
	require.NotEmpty(t, entries)
	assert.Equal(t, "stub "+id, entries[0].Source)

	srv.RemoveStub(id)
	status, _ = call()
	assert.Equal(t, http.StatusMethodNotAllowed, status, "without the stub, the emulated GET's path refuses PATCH")
}
