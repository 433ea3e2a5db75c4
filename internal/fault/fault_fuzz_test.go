package fault

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/telecomsim/simulator/internal/scenario"
)

var fuzzStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// exercise runs a rule the way the engine does once it is accepted: into a
// set, matched against a request, exported and imported again.
func exercise(t *testing.T, r Rule, path string) {
	_ = r.String()
	_ = r.Action()
	s := NewSet(42)
	added, err := s.Add(r, fuzzStart)
	if err != nil {
		return
	}
	if _, ok := s.Get(added.ID); !ok {
		t.Fatalf("rule %q added but not found", added.ID)
	}
	req := Request{Tenant: "t", Provider: r.Provider, Method: http.MethodPost, Path: path, RouteTemplate: "/v2/cnams/{id}",
		BasePath: "/v2", Header: http.Header{"X-Test": {"a"}}, Body: []byte(`{"value":"x"}`)}
	for i := 0; i < 3; i++ {
		s.Decide(req, fuzzStart.Add(time.Duration(i)*time.Minute))
	}
	data, err := json.Marshal(s.Export())
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	if err := NewSet(42).Import(data); err != nil {
		t.Fatalf("an exported set does not import: %v\n%s", err, data)
	}
}

// FuzzRuleJSON is a fault rule as the control API receives it.
func FuzzRuleJSON(f *testing.F) {
	f.Add([]byte(`{"provider":"flowroute","route":"GET /v2/cnams","status":500}`), "/v2/cnams")
	f.Add([]byte(`{"provider":"call48","route":"POST /purchase","malformed":true,"status":200,"probability":0.25,"times":2}`), "/api/v4/purchase")
	f.Add([]byte(`{"provider":"somos","route":"* /cnam/*","latency":{"fixed":"2s"},"after":1,"until":"+10m"}`), "/cnam/1")
	f.Add([]byte(`{"provider":"x","route":"GET /a","retryAfter":"30s","status":429,"match":{"header":"X-Test: a","body":"value"}}`), "/a")
	f.Add([]byte(`{"latency":{"uniform":["1s","2s"]},"probability":1e309}`), "")
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		var r Rule
		if err := json.Unmarshal(data, &r); err != nil {
			return
		}
		_ = r.Check()
		if err := r.Validate(); err != nil {
			return
		}
		if _, err := ParsePattern(r.Route); err != nil {
			return
		}
		exercise(t, r, path)
	})
}

// FuzzRulesYAML is a scenario's faults section.
func FuzzRulesYAML(f *testing.F) {
	f.Add([]byte("version: 1\nfaults:\n  - {provider: flowroute, route: \"GET /v2/cnams\", latency: 2s, times: 1}\n"))
	f.Add([]byte("version: 1\nfaults:\n  - {id: a, provider: call48, route: \"POST /purchase\", status: 500, probability: 0.1}\n  - {id: a, provider: call48, route: \"/x\", reset: true}\n"))
	f.Add([]byte("version: 1\nfaults:\n  - provider: somos\n    route: \"*\"\n    latency: {normal: {mean: 1s, stddev: 5s}}\n    until: \"+1h\"\n"))
	f.Add([]byte("version: 1\nfaults: {not: a list}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := scenario.Parse("fuzz.yaml", data, []string{"flowroute", "call48", "somos", "tmobile", "tnregistry"}, nil)
		if err != nil {
			return
		}
		rules, err := Parse(sc.Faults, fuzzStart)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		for _, r := range rules {
			exercise(t, r, "/v2/cnams/17")
		}
		_ = NewSet(1).Replace(rules, fuzzStart)
	})
}

// FuzzPattern is the route pattern of a rule.
func FuzzPattern(f *testing.F) {
	for _, s := range []string{"GET /v2/cnams", "* /cnam/*", "/v2/cnams/{id}", "POST", "", "GET //a/../b", "get /a/{x}/**"} {
		f.Add(s, "GET", "/v2/cnams/17")
	}
	f.Fuzz(func(t *testing.T, pattern, method, path string) {
		p, err := ParsePattern(pattern)
		if err != nil {
			return
		}
		_ = p.String()
		_ = p.Matches(method, path, "/v2/cnams/{id}", "/v2")
		_ = p.MatchesRoute(method, path, "/v2")
	})
}
