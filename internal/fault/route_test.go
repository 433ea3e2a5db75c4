package fault

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPatternMatches(t *testing.T) {
	const base = "/v2"
	tests := []struct {
		name     string
		route    string
		method   string
		path     string
		template string
		base     string
		want     bool
	}{
		{"relative to base", "GET /cnams", "GET", "/v2/cnams", "/v2/cnams", base, true},
		{"full real path", "GET /v2/cnams", "GET", "/v2/cnams", "/v2/cnams", base, true},
		{"template relative", "GET /cnams/{id}", "GET", "/v2/cnams/17", "/v2/cnams/{id}", base, true},
		{"template full", "GET /v2/cnams/{id}", "GET", "/v2/cnams/17", "/v2/cnams/{id}", base, true},
		{"template other var name", "GET /cnams/{cnam_id}", "GET", "/v2/cnams/17", "/v2/cnams/{id}", base, true},
		{"concrete path", "GET /cnams/17", "GET", "/v2/cnams/17", "/v2/cnams/{id}", base, true},
		{"concrete path other id", "GET /cnams/18", "GET", "/v2/cnams/17", "/v2/cnams/{id}", base, false},
		{"glob full", "GET /v2/cnams/*", "GET", "/v2/cnams/17", "/v2/cnams/{id}", base, true},
		{"glob relative", "GET /cnams/*", "GET", "/v2/cnams/17", "/v2/cnams/{id}", base, true},
		{"glob stays in segment", "GET /cnams/*", "GET", "/v2/cnams/17/x", "", base, false},
		{"double star", "GET /v2/**", "GET", "/v2/cnams/17/x", "", base, true},
		{"double star zero segments", "GET /cnams/**", "GET", "/v2/cnams", "/v2/cnams", base, true},
		{"partial glob", "GET /cn*", "GET", "/v2/cnams", "/v2/cnams", base, true},
		{"no method", "/cnams", "DELETE", "/v2/cnams", "/v2/cnams", base, true},
		{"star method", "* /cnams", "POST", "/v2/cnams", "/v2/cnams", base, true},
		{"method lower case", "post /cnams", "POST", "/v2/cnams", "/v2/cnams", base, true},
		{"wrong method", "POST /cnams", "GET", "/v2/cnams", "/v2/cnams", base, false},
		{"GET rule covers HEAD", "GET /cnams", "HEAD", "/v2/cnams", "/v2/cnams", base, true},
		{"trailing slash", "GET /cnams/", "GET", "/v2/cnams", "/v2/cnams", base, true},
		{"other route", "GET /numbers", "GET", "/v2/cnams", "/v2/cnams", base, false},
		{"prefix only is not a match", "GET /cnams", "GET", "/v2/cnams/17", "/v2/cnams/{id}", base, false},
		{"base path itself", "GET /", "GET", "/v2", "", base, true},
		{"path given without base", "POST /v4/purchase", "POST", "/purchase", "/purchase", "/v4", true},
		{"call48 style base", "POST /api/v4/purchase", "POST", "/api/v4/purchase", "/api/v4/purchase", "/api/v4", true},
		{"call48 relative", "POST /purchase", "POST", "/api/v4/purchase", "/api/v4/purchase", "/api/v4", true},
		{"no base path", "GET /cnams", "GET", "/cnams", "/cnams", "", true},
		{"unmatched request uses path", "GET /nothing/*", "GET", "/v2/nothing/here", "", base, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePattern(tc.route)
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.Matches(tc.method, tc.path, tc.template, tc.base))
		})
	}
}

func TestPatternMatchesRoute(t *testing.T) {
	tests := []struct {
		route, method, template, base string
		want                          bool
	}{
		{"GET /cnams", "GET", "/v2/cnams", "/v2", true},
		{"GET /cnams/17", "GET", "/v2/cnams/{id}", "/v2", true},
		{"* /v2/cnams/*", "DELETE", "/v2/cnams/{id}", "/v2", true},
		{"GET /cnams/17/extra", "GET", "/v2/cnams/{id}", "/v2", false},
		{"POST /cnams", "GET", "/v2/cnams", "/v2", false},
		{"GET /cnam", "GET", "/v2/cnams", "/v2", false},
	}
	for _, tc := range tests {
		t.Run(tc.route, func(t *testing.T) {
			p, err := ParsePattern(tc.route)
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.MatchesRoute(tc.method, tc.template, tc.base))
		})
	}
}

func TestParsePatternErrors(t *testing.T) {
	tests := []struct{ route, want string }{
		{"GET cnams", `expected "METHOD /path"`},
		{"FETCH /cnams", `unknown method "FETCH"`},
		{"GET /cnams/[", "bad glob segment"},
		{"GET /a**/b", "** must be a whole segment"},
		{"GET /a b", "must not contain spaces"},
		{"cnams", `expected "METHOD /path"`},
	}
	for _, tc := range tests {
		t.Run(tc.route, func(t *testing.T) {
			_, err := ParsePattern(tc.route)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
