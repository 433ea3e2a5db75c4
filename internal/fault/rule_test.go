package fault

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/scenario"
	"go.yaml.in/yaml/v3"
)

func ptr[T any](v T) *T { return &v }

func dur(s string) *scenario.Duration {
	d, err := scenario.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return ptr(scenario.Duration(d))
}

func TestRuleCheck(t *testing.T) {
	ok := Rule{Provider: "flowroute", Route: "GET /cnams"}
	with := func(f func(r *Rule)) Rule {
		r := ok
		f(&r)
		return r
	}
	tests := []struct {
		name  string
		rule  Rule
		field string // "" with want "" means valid
		want  string
	}{
		{"status", with(func(r *Rule) { r.Status = 503 }), "", ""},
		{"status with body", with(func(r *Rule) { r.Status = 500; r.Body = ptr("oops") }), "", ""},
		{"fixed latency", with(func(r *Rule) { r.Latency = &Latency{Fixed: scenario.Duration(time.Second)} }), "", ""},
		{"reset", with(func(r *Rule) { r.Reset = true }), "", ""},
		{"malformed with status", with(func(r *Rule) { r.Malformed = true; r.Status = 500 }), "", ""},
		{"retryAfter with 429", with(func(r *Rule) { r.RetryAfter = dur("30s"); r.Status = 429 }), "", ""},
		{"hang", with(func(r *Rule) { r.Hang = true }), "", ""},
		{"no action", ok, "", "no action"},
		{"two actions", with(func(r *Rule) { r.Reset = true; r.Hang = true }), "hang", "exactly one action"},
		{"status and latency", with(func(r *Rule) { r.Status = 500; r.Latency = &Latency{Fixed: 1} }), "status", "exactly one action"},
		{"status too low", with(func(r *Rule) { r.Status = 99 }), "status", "between 100 and 599"},
		{"status too high", with(func(r *Rule) { r.Status = 600 }), "status", "between 100 and 599"},
		{"retryAfter other status", with(func(r *Rule) { r.RetryAfter = dur("1s"); r.Status = 503 }), "status", "always answers 429"},
		{"body without status", with(func(r *Rule) { r.Reset = true; r.Body = ptr("x") }), "body", "only goes with"},
		{"probability above 1", with(func(r *Rule) { r.Hang = true; r.Probability = ptr(1.5) }), "probability", "between 0 and 1"},
		{"probability negative", with(func(r *Rule) { r.Hang = true; r.Probability = ptr(-0.1) }), "probability", "between 0 and 1"},
		{"times negative", with(func(r *Rule) { r.Hang = true; r.Times = -1 }), "times", "negative"},
		{"after negative", with(func(r *Rule) { r.Hang = true; r.After = -1 }), "after", "negative"},
		{"no provider", with(func(r *Rule) { r.Hang = true; r.Provider = "" }), "provider", "required"},
		{"no route", with(func(r *Rule) { r.Hang = true; r.Route = "" }), "route", "required"},
		{"bad route", with(func(r *Rule) { r.Hang = true; r.Route = "GET nope" }), "route", "METHOD /path"},
		{"bad id", with(func(r *Rule) { r.Hang = true; r.ID = "a b" }), "id", "not a valid id"},
		{"empty match", with(func(r *Rule) { r.Hang = true; r.Match = &Match{} }), "match", "header and/or body"},
		{"bad header match", with(func(r *Rule) { r.Hang = true; r.Match = &Match{Header: ": x"} }), "match.header", "Name: substring"},
		{"uniform wrong length", with(func(r *Rule) { r.Latency = &Latency{Uniform: []scenario.Duration{1}} }), "latency.uniform", "[min, max]"},
		{"uniform reversed", with(func(r *Rule) {
			r.Latency = &Latency{Uniform: []scenario.Duration{scenario.Duration(time.Second), 1}}
		}), "latency.uniform", "min <= max"},
		{"lognormal no median", with(func(r *Rule) { r.Latency = &Latency{Lognormal: &Lognormal{Sigma: 1}} }), "latency.lognormal.median", "positive"},
		{"latency too long", with(func(r *Rule) { r.Latency = &Latency{Fixed: scenario.Duration(time.Hour)} }), "latency", "at most"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			es := tc.rule.Check()
			if tc.want == "" {
				assert.Empty(t, es)
				return
			}
			require.NotEmpty(t, es)
			assert.Equal(t, tc.field, es[0].Field)
			assert.Contains(t, es[0].Msg, tc.want)
			assert.Contains(t, tc.rule.Validate().Error(), tc.want)
		})
	}
}

func TestLatencyEncoding(t *testing.T) {
	tests := []struct {
		name, json, yaml string
		want             Latency
	}{
		{"fixed", `"400ms"`, `400ms`, Latency{Fixed: scenario.Duration(400 * time.Millisecond)}},
		{"uniform", `{"uniform":["100ms","2s"]}`, `{uniform: [100ms, 2s]}`,
			Latency{Uniform: []scenario.Duration{scenario.Duration(100 * time.Millisecond), scenario.Duration(2 * time.Second)}}},
		{"lognormal", `{"lognormal":{"median":"200ms","sigma":0.5}}`, `{lognormal: {median: 200ms, sigma: 0.5}}`,
			Latency{Lognormal: &Lognormal{Median: scenario.Duration(200 * time.Millisecond), Sigma: 0.5}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var fromJSON, fromYAML Latency
			require.NoError(t, json.Unmarshal([]byte(tc.json), &fromJSON))
			require.NoError(t, yaml.Unmarshal([]byte(tc.yaml), &fromYAML))
			assert.Equal(t, tc.want, fromJSON)
			assert.Equal(t, tc.want, fromYAML)
			out, err := json.Marshal(tc.want)
			require.NoError(t, err)
			assert.JSONEq(t, tc.json, string(out))
		})
	}
	for _, bad := range []string{`{"normal":{}}`, `"fast"`, `12`} {
		var l Latency
		assert.Error(t, json.Unmarshal([]byte(bad), &l), bad)
	}
	for _, bad := range []string{`{gauss: 1}`, `fast`, `{lognormal: {median: 1s, mu: 2}}`, `[1s]`} {
		var l Latency
		assert.Error(t, yaml.Unmarshal([]byte(bad), &l), bad)
	}
}

func TestRuleJSONRoundTrip(t *testing.T) {
	in := `{"id":"slow","tenant":"ci-1","provider":"flowroute","route":"GET /cnams","match":{"header":"X-Test: a"},` +
		`"latency":{"uniform":["100ms","2s"]},"probability":0.5,"times":3,"after":1,"until":"2026-01-05T09:10:00Z"}`
	var r Rule
	require.NoError(t, json.Unmarshal([]byte(in), &r))
	require.NoError(t, r.Validate())
	out, err := json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, in, string(out))
	assert.Equal(t, "latency", r.Action())
}
