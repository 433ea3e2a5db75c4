package fault

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/scenario"
)

func loadFaults(t *testing.T, src string) scenario.Section {
	t.Helper()
	sc, err := scenario.Parse("chaos.yaml", []byte(src), []string{"flowroute", "call48"}, nil)
	require.NoError(t, err)
	return sc.Faults
}

func TestParse(t *testing.T) {
	sec := loadFaults(t, `version: 1
clock: {start: "2026-01-05T09:00:00Z"}
faults:
  - {provider: call48, route: "POST /purchase", status: 500, probability: 0.1}
  - {provider: flowroute, route: "GET /v2/cnams", latency: 2s, times: 1}
  - id: slow-tail
    provider: flowroute
    route: "GET /cnams/*"
    latency: {lognormal: {median: 200ms, sigma: 0.5}}
    until: "+10m"
  - provider: flowroute
    route: "* /cnams"
    match: {header: "X-Test-Case: rate-limit", body: ACME}
    retryAfter: 30s
    after: 2
  - {provider: flowroute, route: "GET /numbers", latency: {uniform: [100ms, 2s]}}
  - {provider: flowroute, route: "GET /numbers/*", malformed: true}
  - {provider: flowroute, route: "GET /numbers/**", reset: true, tenant: ci-7}
  - {provider: call48, route: "GET /dids", hang: true, until: "2026-01-05T12:00:00Z"}
  - {provider: call48, route: "GET /dids", status: 200, body: ""}
`)
	rules, err := Parse(sec, t0)
	require.NoError(t, err)
	require.Len(t, rules, 9)
	assert.Equal(t, 500, rules[0].Status)
	assert.Equal(t, 0.1, *rules[0].Probability)
	assert.Equal(t, 2*time.Second, rules[1].Latency.Fixed.D())
	assert.Equal(t, 1, rules[1].Times)
	assert.Equal(t, "slow-tail", rules[2].ID)
	assert.Equal(t, 0.5, rules[2].Latency.Lognormal.Sigma)
	assert.Equal(t, t0.Add(10*time.Minute), rules[2].Until.Abs)
	assert.False(t, rules[2].Until.IsRel)
	assert.Equal(t, "X-Test-Case: rate-limit", rules[3].Match.Header)
	assert.Equal(t, 30*time.Second, rules[3].RetryAfter.D())
	assert.Len(t, rules[4].Latency.Uniform, 2)
	assert.True(t, rules[5].Malformed)
	assert.Equal(t, "ci-7", rules[6].Tenant)
	assert.Equal(t, time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC), rules[7].Until.Abs)
	require.NotNil(t, rules[8].Body)
	assert.Empty(t, *rules[8].Body)

	s := NewSet(1)
	require.NoError(t, s.Replace(rules, t0))
	assert.Equal(t, 9, s.Len())

	none, err := Parse(loadFaults(t, "version: 1\n"), t0)
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"unknown key", `  - {provider: flowroute, route: "GET /cnams", status: 500, probabilty: 0.5}`,
			[]string{`chaos.yaml:3:61: faults[0].probabilty: unknown field (did you mean "probability"?)`}},
		{"two actions", `  - {provider: flowroute, route: "GET /cnams", status: 500, reset: true}`,
			[]string{`chaos.yaml:3:56: faults[0].status: a rule has exactly one action, but this one has reset and status`}},
		{"no action", `  - {provider: flowroute, route: "GET /cnams"}`,
			[]string{`chaos.yaml:3:5: faults[0]: no action`}},
		{"bad status", `  - {provider: flowroute, route: "GET /cnams", status: 700}`,
			[]string{`chaos.yaml:3:56: faults[0].status: must be between 100 and 599, got 700`}},
		{"bad probability", `  - {provider: flowroute, route: "GET /cnams", hang: true, probability: 2}`,
			[]string{`chaos.yaml:3:73: faults[0].probability: must be between 0 and 1, got 2`}},
		{"bad type", `  - {provider: flowroute, route: "GET /cnams", status: "five hundred"}`,
			[]string{`chaos.yaml:3:56: faults[0].status: expected an integer, got "five hundred"`}},
		{"bad latency", `  - {provider: flowroute, route: "GET /cnams", latency: {gauss: 1s}}`,
			[]string{`chaos.yaml:3:57: faults[0].latency: unknown field "gauss"`}},
		{"bad until", `  - {provider: flowroute, route: "GET /cnams", hang: true, until: tomorrow}`,
			[]string{`chaos.yaml:3:67: faults[0].until: invalid time "tomorrow"`}},
		{"bad route", `  - {provider: flowroute, route: "cnams", hang: true}`,
			[]string{`chaos.yaml:3:34: faults[0].route: expected "METHOD /path"`}},
		{"not a list", `  {provider: flowroute}`,
			[]string{`chaos.yaml:3:3: faults: expected a list, got a mapping`}},
		{"several rules", "  - {provider: flowroute, route: \"GET /cnams\", hang: true, id: a}\n  - {provider: flowroute, route: \"GET /cnams\", hang: true, id: a, times: -1}",
			[]string{`chaos.yaml:4:64: faults[1].id: duplicate id "a" (also used by faults[0])`, `chaos.yaml:4:74: faults[1].times: must not be negative`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sec := loadFaults(t, "version: 1\nfaults:\n"+tc.body+"\n")
			_, err := Parse(sec, t0)
			require.Error(t, err)
			ps := scenario.AsProblems(err)
			require.Len(t, ps, len(tc.want), err.Error())
			for i, w := range tc.want {
				assert.True(t, strings.HasPrefix(ps[i].String(), w), "got  %s\nwant %s...", ps[i], w)
			}
		})
	}
}
