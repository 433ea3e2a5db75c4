package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
)

// ctlServer is an in-process simulator for the ctl tests.
func ctlServer(t *testing.T, token string) *httptest.Server {
	t.Helper()
	a, err := app.New(app.Config{Scenario: mustDefault(), AdminToken: token})
	require.NoError(t, err)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return srv
}

type ctlRun struct {
	code           int
	stdout, stderr string
}

func runCtlArgs(t *testing.T, env map[string]string, args ...string) ctlRun {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"ctl"}, args...), func(k string) string { return env[k] }, &out, &errb)
	r := ctlRun{stdout: out.String(), stderr: errb.String()}
	if err != nil {
		r.code = exitCode(err)
		r.stderr += err.Error()
	}
	return r
}

// postCNAM is the client under test, calling Flowroute in tenant.
func postCNAM(t *testing.T, base, tenant, value string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/t/"+tenant+"/flowroute/v2/cnams", strings.NewReader(`{"value":"`+value+`"}`))
	require.NoError(t, err)
	req.SetBasicAuth("demo-access-key", "demo-secret-key")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
}

func TestCtlVerbs(t *testing.T) {
	srv := ctlServer(t, "")
	env := map[string]string{"SIM_URL": srv.URL, "SIM_TENANT": "ctl-verbs"}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("version: 1\nflowroute:\n  acounts: []\n"), 0o644))
	good := filepath.Join(dir, "good.yaml")
	require.NoError(t, os.WriteFile(good, []byte("version: 1\nname: tiny\nflowroute:\n  accounts: [{name: ci, accessKey: k, secretKey: s}]\n"), 0o644))
	rules := filepath.Join(dir, "rules.yaml")
	require.NoError(t, os.WriteFile(rules, []byte("faults:\n  - {provider: flowroute, route: GET /cnams, status: 503}\n  - {provider: call48, route: POST /login, latency: 1s}\n"), 0o644))
	state := filepath.Join(dir, "state.json")

	require.Zero(t, runCtlArgs(t, env, "reset", "--frozen").code)
	postCNAM(t, srv.URL, "ctl-verbs", "Acme Labs")

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring
		stderr string // substring
		empty  bool   // nothing on stdout
	}{
		{name: "health", args: []string{"health"}, stdout: "ok"},
		{name: "clock", args: []string{"clock"}, stdout: "2026-01-05T09:00:00Z frozen"},
		{name: "clock advance", args: []string{"clock", "advance", "5m"}, stdout: "2026-01-05T09:05:00Z frozen"},
		{name: "clock real", args: []string{"clock", "real"}, stdout: " real ("},
		{name: "clock freeze", args: []string{"clock", "freeze"}, stdout: " frozen ("},
		{name: "clock freeze takes no argument", args: []string{"clock", "freeze", "now"}, code: exitUsage, stderr: "takes no arguments"},
		{name: "clock json after the verb", args: []string{"clock", "show", "--json"}, stdout: `"mode": "frozen"`},
		{name: "clock set backwards", args: []string{"clock", "set", "2020-01-01T00:00:00Z"}, code: exitRefused, stderr: "409"},
		{name: "clock without a duration", args: []string{"clock", "advance"}, code: exitUsage, stderr: "want a duration"},
		{name: "journal", args: []string{"journal", "--provider", "flowroute"}, stdout: "flowroute  POST   /v2/cnams -> 201"},
		{name: "journal json", args: []string{"journal", "--json"}, stdout: `"entries": [`},
		{name: "journal filter", args: []string{"journal", "--method", "GET"}, empty: true},
		{name: "journal bad status", args: []string{"journal", "--status", "x"}, code: exitRefused, stderr: "status: want a non-negative integer"},
		{name: "verify ok", args: []string{"verify", "--method", "POST", "--path", "/v2/cnams", "--body", `{"value":"Acme Labs"}`, "--exactly", "1"}, stdout: "ok: 1 matching request(s), expected exactly 1"},
		{name: "verify near miss", args: []string{"verify", "--method", "POST", "--path", "/v2/cnams", "--body", `{"value":"ACME"}`}, code: exitRefused, stderr: `body.value: expected "ACME", got "Acme Labs"`},
		{name: "verify query and header", args: []string{"verify", "--path", "/v2/cnams", "--header", "Content-Type: application/json", "--query", "x=1"}, code: exitRefused, stderr: "query.x"},
		{name: "verify needs a path", args: []string{"verify"}, code: exitUsage, stderr: "want --path"},
		{name: "faults add", args: []string{"faults", "add", "--provider", "flowroute", "--route", "GET /cnams/{id}", "--status", "500", "--times", "2"}, stdout: "added fault-1: flowroute GET /cnams/{id}"},
		{name: "faults add from a file", args: []string{"faults", "add", "--file", rules}, stdout: "added fault-3: call48 POST /login"},
		{name: "faults add latency for one header", args: []string{"faults", "add", "--provider", "call48", "--route", "POST /login", "--latency", "5ms", "--match-header", "X-Test: slow", "--probability", "0.5", "--after", "1"}, stdout: "added fault-4: call48 POST /login"},
		{name: "faults list json", args: []string{"faults", "list", "--json"}, stdout: `"header": "X-Test: slow"`},
		{name: "faults list", args: []string{"faults"}, stdout: "fault-2  flowroute  GET /cnams       status=503"},
		{name: "faults add refused", args: []string{"faults", "add", "--provider", "flowroute", "--route", "GET /nope", "--status", "500"}, code: exitRefused, stderr: "400"},
		{name: "faults add needs a route", args: []string{"faults", "add", "--provider", "flowroute"}, code: exitUsage, stderr: "--provider and --route are required"},
		{name: "faults delete one", args: []string{"faults", "delete", "fault-1"}, stdout: "deleted fault-1"},
		{name: "faults delete unknown", args: []string{"faults", "delete", "fault-9"}, code: exitRefused, stderr: "404"},
		{name: "faults delete all", args: []string{"faults", "delete"}, stdout: "deleted every fault rule"},
		{name: "callbacks", args: []string{"callbacks", "--status", "delivered"}, stdout: "uns-000001  delivered"},
		{name: "callbacks replay", args: []string{"callbacks", "replay", "uns-000001"}, stdout: "replaying uns-000001"},
		{name: "callbacks replay unknown", args: []string{"callbacks", "replay", "uns-999"}, code: exitRefused, stderr: "404"},
		{name: "inbox", args: []string{"inbox", "demo"}, stdout: `uns-sna  {"RespOrgId":"BRSMS"`},
		{name: "inbox clear", args: []string{"inbox", "clear", "demo"}, stdout: "inbox demo emptied"},
		{name: "inbox empty", args: []string{"inbox", "show", "demo"}, stdout: "inbox demo is empty"},
		{name: "scenario", args: []string{"scenario"}, stdout: "default (version 1"},
		{name: "scenario validate bad", args: []string{"scenario", "validate", bad}, code: exitRefused, stderr: bad + `:3:3: flowroute.acounts: unknown field (did you mean "accounts"?)`},
		{name: "scenario validate good", args: []string{"scenario", "validate", good}, stdout: good + ": ok"},
		{name: "state export", args: []string{"state", "export", state}, stdout: "exported to " + state},
		{name: "state export to stdout", args: []string{"state", "export"}, stdout: `"flowroute"`},
		{name: "tenants", args: []string{"tenants"}, stdout: "ctl-verbs"},
		{name: "unknown verb", args: []string{"frobnicate"}, code: exitUsage, stderr: `unknown verb "frobnicate"`},
		{name: "unknown flag", args: []string{"clock", "--bogus"}, code: exitUsage, stderr: "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCtlArgs(t, env, tt.args...)
			assert.Equal(t, tt.code, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
			assert.Contains(t, r.stdout, tt.stdout)
			assert.Contains(t, r.stderr, tt.stderr)
			if tt.empty {
				assert.Empty(t, r.stdout)
			}
		})
	}

	// The validated scenario went to a throwaway tenant that is gone again.
	r := runCtlArgs(t, env, "--json", "tenants")
	require.Zero(t, r.code)
	assert.NotContains(t, r.stdout, "ctl-validate-")

	// Loading a scenario, then importing the exported state, brings the
	// default world back.
	require.Zero(t, runCtlArgs(t, env, "scenario", "load", good).code)
	assert.Contains(t, runCtlArgs(t, env, "scenario").stdout, "tiny")
	r = runCtlArgs(t, env, "state", "import", state)
	require.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stdout, "tenant ctl-verbs imported")
	assert.Equal(t, 1, len(strings.Split(strings.TrimSpace(runCtlArgs(t, env, "journal", "--limit", "1").stdout), "\n")))

	require.Zero(t, runCtlArgs(t, env, "tenants", "delete", "ctl-verbs").code)
	assert.Equal(t, exitRefused, runCtlArgs(t, env, "tenants", "delete", "ctl-verbs").code)
}

func TestCtlReachAndAuth(t *testing.T) {
	srv := ctlServer(t, "s3cret")
	r := runCtlArgs(t, map[string]string{"SIM_URL": srv.URL}, "clock")
	assert.Equal(t, exitRefused, r.code, "no token: %s", r.stderr)
	assert.Contains(t, r.stderr, "401")
	r = runCtlArgs(t, map[string]string{"SIM_URL": srv.URL, "SIM_ADMIN_TOKEN": "s3cret"}, "clock")
	assert.Zero(t, r.code, r.stderr)
	r = runCtlArgs(t, nil, "--url", srv.URL, "--token", "s3cret", "--json", "health")
	assert.Zero(t, r.code, r.stderr)
	var health map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &health), r.stdout)
	assert.Equal(t, "ok", health["status"])
	assert.NotEmpty(t, health["version"])

	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	r = runCtlArgs(t, nil, "--url", down.URL, "health")
	assert.Equal(t, exitUnreachable, r.code)
	assert.Contains(t, r.stderr, "no simulator at "+down.URL)
}

func TestCtlJournalFollow(t *testing.T) {
	srv := ctlServer(t, "")
	postCNAM(t, srv.URL, "follow", "First Co")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"ctl", "--url", srv.URL, "--tenant", "follow", "journal", "--follow", "--json", "--interval", "10ms"},
			func(string) string { return "" }, &out, &out)
	}()
	lines := func() []string { return strings.Split(strings.TrimSpace(out.String()), "\n") }
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "First Co") }, 10*time.Second, 10*time.Millisecond)
	postCNAM(t, srv.URL, "follow", "Second Co")
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "Second Co") }, 10*time.Second, 10*time.Millisecond)
	cancel()
	require.NoError(t, <-done, "an interrupted --follow ends cleanly")
	got := lines()
	require.Len(t, got, 2, "each entry is printed once: %s", out.String())
	var first, second struct{ ID int }
	require.NoError(t, json.Unmarshal([]byte(got[0]), &first))
	require.NoError(t, json.Unmarshal([]byte(got[1]), &second))
	assert.Less(t, first.ID, second.ID, "oldest first")
}
