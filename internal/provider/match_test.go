package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

// tableRoutes is a route set with literal and variable segments, shared
// prefixes and the same path under several methods.
var tableRoutes = []Route{
	{Method: "GET", Path: "/v2/cnams"},
	{Method: "POST", Path: "/v2/cnams"},
	{Method: "GET", Path: "/v2/cnams/{id}"},
	{Method: "DELETE", Path: "/v2/cnams/{id}"},
	{Method: "GET", Path: "/v2/cnams/special"},
	{Method: "PATCH", Path: "/v2/numbers/{number}/relationships/cnam/{cnam}"},
	{Method: "GET", Path: "/"},
	{Method: "GET", Path: "/api/v4/file.csv"},
}

// serveBoth answers one request through the route table and through
// gorilla/mux, each describing what happened: which route, its variables,
// or the status and Location of the error.
func serveBoth(t *testing.T, method, target string) (viaTable, viaMux string) {
	t.Helper()
	handlers := make([]http.Handler, len(tableRoutes))
	for i, rt := range tableRoutes {
		label := rt.Method + " " + rt.Path
		handlers[i] = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			vars := Vars(r)
			keys := make([]string, 0, len(vars))
			for k := range vars {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			out := label
			for _, k := range keys {
				out += fmt.Sprintf(" %s=%s", k, vars[k])
			}
			_, _ = w.Write([]byte(out))
		})
	}
	status := func(code int) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) })
	}
	table := &routeTable{notFound: status(404), notAllow: status(405)}
	for i, rt := range tableRoutes {
		tr, ok := compileTemplate(rt.Method, rt.Path, handlers[i])
		require.True(t, ok, rt.Path)
		table.routes = append(table.routes, tr)
	}
	m := muxHandler(tableRoutes, handlers, status(404), status(405))
	run := func(h http.Handler, withMatch bool) string {
		req := httptest.NewRequest(method, target, nil)
		if withMatch {
			ctx, _ := WithMatch(req.Context())
			req = req.WithContext(ctx)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return fmt.Sprintf("%d %s %s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	viaTable = run(table, true)
	assert.Equal(t, viaTable, run(table, false), "the table answers alike without a Match in the context")
	return viaTable, run(m, false)
}

func TestRouteTableMatchesGorillaMux(t *testing.T) {
	for _, tc := range []struct{ method, target string }{
		{"GET", "/v2/cnams"},
		{"POST", "/v2/cnams"},
		{"PUT", "/v2/cnams"},
		{"GET", "/v2/cnams/"},
		{"GET", "/v2/cnams/17608"},
		{"DELETE", "/v2/cnams/17608"},
		{"POST", "/v2/cnams/17608"},
		{"GET", "/v2/cnams/special"},
		{"DELETE", "/v2/cnams/special"},
		{"GET", "/v2/cnams/a%20b"},
		{"GET", "/v2/cnams/a%2Fb"},
		{"GET", "/v2/cnams/1/extra"},
		{"PATCH", "/v2/numbers/12065551234/relationships/cnam/9"},
		{"PATCH", "/v2/numbers//relationships/cnam/9"},
		{"GET", "/v2//cnams"},
		{"GET", "/v2/./cnams?limit=1"},
		{"GET", "/v2/x/../cnams/"},
		{"GET", "/"},
		{"GET", "/nowhere"},
		{"GET", "/api/v4/file.csv"},
		{"GET", "/api/v4/fileXcsv"},
		{"HEAD", "/v2/cnams"},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			table, viaMux := serveBoth(t, tc.method, tc.target)
			assert.Equal(t, viaMux, table)
		})
	}
}

func TestCompileTemplateLeavesPatternsToMux(t *testing.T) {
	for _, tmpl := range []string{"/ui/{file:.+}", "/v2/{id}.json", "/v2/x{id}", "v2/cnams", "/v2/{}"} {
		_, ok := compileTemplate("GET", tmpl, nil)
		assert.False(t, ok, tmpl)
	}
	rt, ok := compileTemplate("GET", "/v2/cnams/{id}", nil)
	require.True(t, ok)
	assert.Equal(t, 1, rt.nvars)
}

func TestRoutedCopiesWithoutTouchingTheOriginal(t *testing.T) {
	r := httptest.NewRequest("GET", "/t/ci/flowroute/v2/cnams%2Fx?limit=1", nil)
	w := tenant.NewWorld("ci", &scenario.Scenario{})
	defer w.Close()
	r2, m := Routed(r, w, "/v2/cnams")
	require.NotNil(t, m)
	assert.Same(t, m, MatchFrom(r2.Context()))
	assert.Same(t, w, tenant.From(r2.Context()))
	assert.Nil(t, MatchFrom(r.Context()))
	assert.Nil(t, tenant.From(r.Context()))
	other := tenant.NewWorld("other", &scenario.Scenario{})
	defer other.Close()
	r3, _ := Routed(r.WithContext(tenant.With(r.Context(), other)), w, "/")
	assert.Same(t, w, tenant.From(r3.Context()), "the routed world wins over one further up")
	assert.Equal(t, "/v2/cnams", r2.URL.Path)
	assert.Equal(t, "", r2.URL.RawPath)
	assert.Equal(t, "limit=1", r2.URL.RawQuery)
	assert.Equal(t, "/t/ci/flowroute/v2/cnams/x", r.URL.Path, "the original request keeps its URL")
	assert.Equal(t, "/t/ci/flowroute/v2/cnams%2Fx?limit=1", r2.RequestURI)
}

func TestMatcherMatchesGorillaMux(t *testing.T) {
	fast := Matcher(tableRoutes)
	viaMux := muxMatcher(tableRoutes)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/v2/cnams"}, {"PUT", "/v2/cnams"}, {"GET", "/v2/cnams/"}, {"GET", "/v2/cnams/17608"},
		{"DELETE", "/v2/cnams/special"}, {"GET", "/v2/cnams/a b"}, {"GET", "/v2/cnams/1/extra"},
		{"PATCH", "/v2/numbers/1/relationships/cnam/9"}, {"PATCH", "/v2/numbers//relationships/cnam/9"},
		{"GET", "/v2//cnams"}, {"GET", "/"}, {"GET", ""}, {"GET", "v2/cnams"}, {"GET", "/api/v4/fileXcsv"},
		{"GET", "/api/v4/file.csv"}, {"HEAD", "/v2/cnams"},
	} {
		assert.Equal(t, viaMux(tc.method, tc.path), fast(tc.method, tc.path), "%s %q", tc.method, tc.path)
	}
	withPattern := append([]Route{{Method: "GET", Path: "/ui/{file:.+}"}}, tableRoutes...)
	assert.True(t, Matcher(withPattern)("GET", "/ui/a/b.js"), "a template with a pattern falls back to gorilla/mux")
	assert.False(t, Matcher(withPattern)("POST", "/ui/a/b.js"))
}
