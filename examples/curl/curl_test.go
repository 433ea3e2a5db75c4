// Package curl holds the HTTP-only example: flowroute.sh drives the
// simulator with curl and jq. The test runs it against an in-process
// simulator when bash, curl and jq are installed.
package curl

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
)

func TestFlowrouteScript(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("flowroute.sh needs bash, curl and jq; %s is not installed", tool)
		}
	}
	srv := simtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "flowroute.sh")
	cmd.Env = append(os.Environ(), "BASE="+srv.HTTP.URL, "TENANT="+srv.Tenant)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	t.Logf("flowroute.sh:\n%s", out)

	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	assert.Equal(t, "ok", lines[len(lines)-1])
	assert.Contains(t, string(out), "attempt 1: 503 Service Unavailable")
	assert.Contains(t, string(out), "12065550101 now uses CNAM record")
	// The script worked in the test's tenant: its calls are in the journal.
	srv.RequireCalled(t, "POST", "/v2/cnams", 1)
	assert.Len(t, srv.Journal(simtest.Filter{Provider: "flowroute", Status: 503}), 1)
}
