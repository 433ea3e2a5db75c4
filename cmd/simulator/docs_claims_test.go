package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/app"
)

// TestReadmeProviderTable: every path the README's provider table gives "on
// the main port" is a mount that serves routes, or a control path; a
// provider with no inbound API (TFNRegistry) is not offered a mount.
func TestReadmeProviderTable(t *testing.T) {
	readme := repoFile(t, "README.md")
	a, err := app.New(app.Config{Scenario: mustDefault()})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	rows := regexp.MustCompile(`(?m)^\| ([^|]+) \| [^|]+ \| ([^|]+) \| \[docs/(\w+)\.md\]`).FindAllStringSubmatch(readme, -1)
	require.Len(t, rows, len(a.Infos()), "one row per provider")
	for _, row := range rows {
		name, where := row[3], row[2]
		var info *struct{ mount, base string }
		for _, i := range a.Infos() {
			if i.Name == name {
				info = &struct{ mount, base string }{i.Mount, i.BasePath}
			}
		}
		require.NotNil(t, info, "row %q names docs/%s.md, not a provider", row[1], name)
		routes := len(a.Routes(name))
		for _, m := range regexp.MustCompile("`(/[^`]*)`").FindAllStringSubmatch(where, -1) {
			p := m[1]
			if strings.HasPrefix(p, "/__sim/") {
				assert.Equal(t, "/__sim/"+name, p, "%s: its levers are under /__sim/%s", name, name)
				continue
			}
			assert.Positive(t, routes, "%s has no inbound routes: the README must not offer %s", name, p)
			assert.Equal(t, info.mount+info.base, p, "%s is served at its mount and base path", name)
		}
		if routes == 0 {
			assert.Contains(t, where, "no inbound API", "%s: say how to drive it", name)
		}
	}
}

// TestDocsClaims pins sentences the docs make about behaviour.
func TestDocsClaims(t *testing.T) {
	a, err := app.New(app.Config{Scenario: mustDefault(), AdminToken: "s3cret"})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	withToken := func(method, path, body string) (int, string) {
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer s3cret")
		return send(t, req)
	}

	t.Run("journal fault field", func(t *testing.T) {
		// docs/testing.md and docs/control-api.md: the rule and its action.
		code, body := withToken("POST", "/t/docs-fault/__sim/faults", `{"provider":"flowroute","route":"GET /cnams","status":503,"times":1}`)
		require.Equal(t, http.StatusCreated, code, body)
		req, _ := http.NewRequest("GET", srv.URL+"/t/docs-fault/flowroute/v2/cnams", nil)
		req.SetBasicAuth("demo-access-key", "demo-secret-key")
		code, body = send(t, req)
		require.Equal(t, http.StatusServiceUnavailable, code, body)
		_, body = withToken("GET", "/t/docs-fault/__sim/journal?limit=1", "")
		var j struct{ Entries []struct{ Fault string } }
		require.NoError(t, json.Unmarshal([]byte(body), &j), body)
		require.Len(t, j.Entries, 1)
		assert.Equal(t, "fault-1 (status)", j.Entries[0].Fault)
		for _, doc := range []string{"docs/testing.md", "docs/control-api.md", "docs/dashboard.md"} {
			assert.True(t, strings.Contains(repoFile(t, doc), "fault-1 (status)"), "%s shows the field's form", doc)
		}
	})

	t.Run("dashboard with an admin token", func(t *testing.T) {
		// docs/dashboard.md: the page loads without the token and asks for it.
		code, _ := send(t, mustReq(t, "GET", srv.URL+"/__sim/ui/"))
		assert.Equal(t, http.StatusOK, code, "the page's files need no token")
		code, _ = send(t, mustReq(t, "GET", srv.URL+"/__sim/clock"))
		assert.Equal(t, http.StatusUnauthorized, code, "control calls do")
		doc := repoFile(t, "docs/dashboard.md")
		assert.True(t, strings.Contains(doc, "The page's own files load\nwithout the token"), "docs/dashboard.md says so")
		assert.False(t, strings.Contains(doc, "the page's own files need the token too"), "and no longer the opposite")
	})

	t.Run("Call48 is registered", func(t *testing.T) {
		// docs/reliability.md: every provider, Call48 included, is in the app.
		var names []string
		for _, i := range a.Infos() {
			names = append(names, i.Name)
		}
		assert.Contains(t, names, "call48")
		doc := repoFile(t, "docs/reliability.md")
		assert.False(t, strings.Contains(doc, "not yet registered"), "docs/reliability.md must not say Call48 is unregistered")
	})
}
