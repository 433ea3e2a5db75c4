package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/sim/simtest"
)

// A scenario loaded into one tenant lives as long as the tenant: a reset
// keeps it, and deleting the tenant frees it (40 deleted tenants once kept
// 540 MB of scenarios), so the tenant comes back on the served scenario.
func TestTenantScenarioGoesWithTheTenant(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t)
	name := func() string {
		var sc struct{ Name string }
		srv.Control(http.MethodGet, "/scenario", nil, http.StatusOK, &sc)
		return sc.Name
	}
	req, err := http.NewRequest(http.MethodPut, srv.ControlURL()+"/scenario", strings.NewReader("version: 1\nname: mine\n"))
	require.NoError(t, err)
	resp, body := srv.Do(t, "", req)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, "mine", name())

	srv.Control(http.MethodPost, "/reset", nil, http.StatusOK, nil)
	assert.Equal(t, "mine", name(), "a reset keeps the tenant's own scenario")

	del, err := http.NewRequest(http.MethodDelete, srv.HTTP.URL+"/__sim/tenants/"+srv.Tenant, nil)
	require.NoError(t, err)
	resp, body = srv.Do(t, "", del)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(body))
	assert.Equal(t, "default", name(), "a deleted tenant comes back on the served scenario")
}
