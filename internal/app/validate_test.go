package app_test

import (
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
	"github.com/telecomsim/simulator/internal/scenario"
)

// checker is an app as simulator validate builds it: the embedded default
// scenario, every provider.
func checker(t *testing.T) *app.App {
	t.Helper()
	sc, err := app.DefaultScenario()
	require.NoError(t, err)
	a, err := app.New(app.Config{Scenario: sc})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	return a
}

// validateLines is what simulator validate prints for a file.
func validateLines(t *testing.T, a *app.App, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	_, err = a.ParseScenario(file, data, nil)
	if err == nil {
		return nil
	}
	var out []string
	for _, p := range scenario.AsProblems(err) {
		out = append(out, p.String())
	}
	return out
}

// badFiles maps each file of testdata/bad to exactly the lines validate
// prints for it. Problems are found in stages (header, then provider
// sections, fault rules and events; within faults, the rules' shape before
// their routes), so each file holds problems of one stage.
var badFiles = map[string][]string{
	"cross_refs.yaml": {
		`testdata/bad/cross_refs.yaml:9:60: somos.users[1].respOrg: unknown Resp Org XXNOP: it controls no number or record in the tnregistry section`,
		`testdata/bad/cross_refs.yaml:12:13: somos.cnam[1].tfn: 8005550199 is not in the tnregistry section, so no Resp Org owns it`,
	},
	"unknown_key.yaml": {
		`testdata/bad/unknown_key.yaml:3:3: flowroute.acounts: unknown field (did you mean "accounts"?)`,
		`testdata/bad/unknown_key.yaml:6:12: somos.tokens.tll: unknown field (did you mean "ttl"?)`,
	},
	"wrong_type.yaml": {
		`testdata/bad/wrong_type.yaml:3:22: call48.inventory.local: expected an integer, got "many"`,
		`testdata/bad/wrong_type.yaml:5:30: tmobile.registration.processing: expected a duration such as 90s or 2h`,
		`testdata/bad/wrong_type.yaml:7:13: flowroute.accounts: expected a list, got a mapping`,
	},
	"wrong_type_header.yaml": {
		`testdata/bad/wrong_type_header.yaml:2:7: seed: expected an integer, got "forty-two"`,
		`testdata/bad/wrong_type_header.yaml:3:16: clock.start: "tomorrow": want an RFC 3339 time such as 2026-01-05T09:00:00Z, or now, now-2h`,
	},
	"registry_numbers.yaml": {
		`testdata/bad/registry_numbers.yaml:5:55: tnregistry.numbers.list[0].respOrg: invalid Resp Org id "BR": want 5 alphanumeric characters`,
		`testdata/bad/registry_numbers.yaml:6:9: tnregistry.numbers.list[1].respOrg: a WORKING number needs a controlling Resp Org`,
		`testdata/bad/registry_numbers.yaml:7:15: tnregistry.numbers.list[2].tfn: invalid toll-free number "2065550100": NPA 206 is not a toll-free code (800, 833, 844, 855, 866, 877, 888)`,
		`testdata/bad/registry_numbers.yaml:8:37: tnregistry.numbers.list[3].status: unknown status "LIVE" (want one of SPARE, RESERVED, ASSIGNED, WORKING, DISCONNECT, TRANSITIONAL, UNAVAILABLE)`,
	},
	"registry_owner.yaml": {
		`testdata/bad/registry_owner.yaml:9:7: tnregistry.records[0].respOrg: required (the number has no Resp Org in the registry)`,
		`testdata/bad/registry_owner.yaml:10:53: tnregistry.records[1].tmplName: no template *BRSMS-MISSING1 in templates`,
		`testdata/bad/registry_owner.yaml:12:7: tnregistry.subscriptions[0]: give either cic (UNS-SNA) or respOrg (UNS-RCH), not both`,
	},
	"faults.yaml": {
		`testdata/bad/faults.yaml:5:31: faults[2].route: unknown method "FETCH" (want GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or *)`,
		`testdata/bad/faults.yaml:6:52: faults[3].status: a rule has exactly one action, but this one has reset and status (write one rule per action; latency rules combine with a later rule matching the same request)`,
		`testdata/bad/faults.yaml:7:80: faults[4].status: retryAfter always answers 429; drop status or make it 429, got 503`,
		`testdata/bad/faults.yaml:8:74: faults[5].probability: must be between 0 and 1, got 1.5`,
		`testdata/bad/faults.yaml:9:5: faults[6]: no action: give exactly one of status, latency, reset, malformed, retryAfter or hang`,
	},
	"faults_decode.yaml": {
		`testdata/bad/faults_decode.yaml:3:57: faults[0].latency: unknown field "normal" (want uniform or lognormal, or a plain duration such as 400ms)`,
		`testdata/bad/faults_decode.yaml:4:56: faults[1].status: expected an integer, got "five hundred"`,
		`testdata/bad/faults_decode.yaml:5:61: faults[2].chance: unknown field`,
	},
	"faults_routes.yaml": {
		`testdata/bad/faults_routes.yaml:3:34: faults[0].route: route "GET /v2/nothing" matches none of flowroute's routes (see simulator routes)`,
		`testdata/bad/faults_routes.yaml:4:16: faults[1].provider: unknown provider "flowrute" (known: flowroute, tnregistry, somos, tmobile, call48)`,
		`testdata/bad/faults_routes.yaml:5:31: faults[2].route: route "DELETE /purchase" matches none of call48's routes (see simulator routes)`,
		`testdata/bad/faults_routes.yaml:8:35: faults[5].route: route "* /**" matches none of tnregistry's routes (see simulator routes)`,
	},
	"events.yaml": {
		`testdata/bad/events.yaml:4:10: events[0].at: 2026-01-04T09:00:00Z is before the clock start 2026-01-05T09:00:00Z`,
		`testdata/bad/events.yaml:5:46: events[1].action: unknown flowroute action "approve-all" (known: approve, reject)`,
		`testdata/bad/events.yaml:6:27: events[2].provider: unknown provider "sinch" (known: flowroute, tnregistry, somos, tmobile, call48)`,
		`testdata/bad/events.yaml:7:10: events[3].at: invalid time "soon" (write +5m for 5 minutes after the clock start, or an RFC 3339 time)`,
		`testdata/bad/events.yaml:8:5: events[4].at: required: "+5m" (after the clock start) or an RFC 3339 time`,
		`testdata/bad/events.yaml:9:5: events[5].id: required: the CNAM record id`,
		`testdata/bad/events.yaml:10:101: events[6].cic: invalid CIC "TOO-LONG-CIC": want 1 to 8 letters or digits`,
		`testdata/bad/events.yaml:11:64: events[7].email: must be an email address`,
		`testdata/bad/events.yaml:12:89: events[8].when: unknown field`,
	},
	"missing_include.yaml": {
		`testdata/bad/missing_include.yaml:2:11: include[0]: cannot read: open testdata/bad/shared/base.yaml: no such file or directory`,
	},
}

func TestValidateBrokenFiles(t *testing.T) {
	t.Parallel()
	a := checker(t)
	files, err := filepath.Glob("testdata/bad/*.yaml")
	require.NoError(t, err)
	require.Len(t, files, len(badFiles), "every file in testdata/bad has its expected lines")
	for _, f := range files {
		want, ok := badFiles[filepath.Base(f)]
		require.True(t, ok, "%s has no expected lines", f)
		t.Run(filepath.Base(f), func(t *testing.T) {
			assert.Equal(t, want, validateLines(t, a, f))
		})
	}
}

// TestValidateShippedScenarios keeps every scenario in scenarios/ valid.
func TestValidateShippedScenarios(t *testing.T) {
	t.Parallel()
	a := checker(t)
	files, err := filepath.Glob("../../scenarios/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		assert.Empty(t, validateLines(t, a, f), f)
	}
}

// TestIncludeOverrideEndToEnd loads a scenario that includes a base and
// overrides parts of it, and checks the world a tenant gets.
func TestIncludeOverrideEndToEnd(t *testing.T) {
	t.Parallel()
	a := checker(t)
	require.Empty(t, validateLines(t, a, "testdata/include/override.yaml"))
	data, err := os.ReadFile("testdata/include/override.yaml")
	require.NoError(t, err)
	sc, err := a.ParseScenario("testdata/include/override.yaml", data, nil)
	require.NoError(t, err)
	assert.Equal(t, "team-ci", sc.Name, "overridden")
	assert.Equal(t, int64(9), sc.Seed, "kept from the base")
	base := time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)
	assert.Equal(t, base, sc.Clock.Start, "clock.start kept from the base")
	assert.Equal(t, "frozen", sc.Clock.Mode, "clock.mode overridden")

	world, err := app.New(app.Config{Scenario: sc})
	require.NoError(t, err)
	t.Cleanup(world.Close)
	srv := httptest.NewServer(world.Handler())
	t.Cleanup(srv.Close)
	do := func(method, path, body string, out any) int {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if strings.HasPrefix(path, "/flowroute/") {
			req.SetBasicAuth("team-access-key", "team-secret-key")
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		if out != nil {
			require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
		}
		return resp.StatusCode
	}
	var clk struct {
		Now  time.Time `json:"now"`
		Mode string    `json:"mode"`
	}
	require.Equal(t, http.StatusOK, do("GET", "/__sim/clock", "", &clk))
	assert.Equal(t, base, clk.Now)
	assert.Equal(t, "frozen", clk.Mode)

	// the base's account and pending record are there; the override's event
	// rejects the record at +1m, and the overridden approval delay (10m)
	// decides a new record.
	var created struct {
		Data struct{ ID string } `json:"data"`
	}
	require.Equal(t, http.StatusCreated, do("POST", "/flowroute/v2/cnams", `{"value":"NEW TEAM CO"}`, &created))
	require.Equal(t, http.StatusOK, do("POST", "/__sim/clock/advance", `{"by":"10m"}`, nil))
	var rec struct {
		Data struct {
			Attributes struct {
				IsApproved      bool    `json:"is_approved"`
				RejectionReason *string `json:"rejection_reason"`
			} `json:"attributes"`
		} `json:"data"`
	}
	require.Equal(t, http.StatusOK, do("GET", "/flowroute/v2/cnams/17604", "", &rec))
	require.NotNil(t, rec.Data.Attributes.RejectionReason)
	assert.Equal(t, "scheduled rejection", *rec.Data.Attributes.RejectionReason)
	require.Equal(t, http.StatusOK, do("GET", "/flowroute/v2/cnams/"+created.Data.ID, "", &rec))
	assert.True(t, rec.Data.Attributes.IsApproved, "approval.after overridden to 10m")

	// somos.tokens.ttl overridden, tokens.refreshTtl and the users kept
	var tok struct {
		Data struct {
			AuthenticationResult struct{ ExpiresIn int }
		} `json:"data"`
	}
	require.Equal(t, http.StatusOK, do("POST", "/somos/public/apitoken", `{"refreshToken":"team-refresh"}`, &tok))
	assert.Equal(t, 300, tok.Data.AuthenticationResult.ExpiresIn)
	var users struct {
		Users []struct {
			Email         string `json:"email"`
			RefreshTokens []struct {
				Token     string `json:"token"`
				ExpiresAt int64  `json:"expiresAt"`
			} `json:"refreshTokens"`
		} `json:"users"`
	}
	require.Equal(t, http.StatusOK, do("GET", "/__sim/somos/users", "", &users))
	require.Len(t, users.Users, 1)
	require.Len(t, users.Users[0].RefreshTokens, 1)
	assert.Equal(t, base.Add(720*time.Hour).UnixMilli(), users.Users[0].RefreshTokens[0].ExpiresAt, "refreshTtl kept from the base")
}
