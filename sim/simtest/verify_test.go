package simtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

func postCNAM(t *testing.T, srv *simtest.Server, value string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL("flowroute")+"/cnams", strings.NewReader(`{"value":"`+value+`"}`))
	require.NoError(t, err)
	req.SetBasicAuth("demo-access-key", "demo-secret-key")
	req.Header.Set("Content-Type", "application/json")
	resp, body := srv.Do(t, "flowroute", req)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
}

func TestVerify(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	postCNAM(t, srv, "Acme Labs")

	v := srv.RequireVerified(t, simtest.Expect{Provider: "flowroute", Method: "POST", Path: "/cnams",
		Body: map[string]any{"value": "Acme Labs"}, Count: simtest.Exactly(1)})
	require.Len(t, v.Matches, 1)
	assert.Equal(t, 201, v.Matches[0].Status)

	miss := srv.Verify(simtest.Expect{Method: "POST", Path: "/v2/cnams", Body: map[string]any{"value": "ACME LABS"}})
	assert.False(t, miss.OK)
	require.Len(t, miss.NearMisses, 1)
	require.Len(t, miss.NearMisses[0].Differences, 1)
	assert.Equal(t, "body.value", miss.NearMisses[0].Differences[0].Field)
	assert.Equal(t, `"Acme Labs"`, miss.NearMisses[0].Differences[0].Actual)

	msg := fails(t, func(ft *fakeT) {
		srv.RequireVerified(ft, simtest.Expect{Method: "PUT", Path: "/v2/cnams"})
	})
	assert.Contains(t, msg, "expected at least 1 request(s) matching PUT /v2/cnams, got 0")
	assert.Contains(t, msg, "method: expected PUT, got POST")
}

func TestRequireCalledPrintsNearMisses(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	postCNAM(t, srv, "Acme Labs")
	srv.RequireCalled(t, "POST", "/v2/cnams", 1)
	srv.RequireCalled(t, "POST", "cnams", 1)
	srv.RequireCalled(t, "GET", "/v2/cnams", 0)
	msg := fails(t, func(ft *fakeT) { srv.RequireCalled(ft, "GET", "/v2/cnams", 1) })
	assert.Contains(t, msg, "got 0")
	assert.Contains(t, msg, "POST /v2/cnams -> 201")
	assert.Contains(t, msg, "method: expected GET, got POST")
}
