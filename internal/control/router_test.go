package control

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/provider"
)

func TestServePattern(t *testing.T) {
	cases := []struct {
		path, pattern string
		names         []string
	}{
		{"/__sim", "/__sim", nil},
		{"/__sim/", "/__sim/{$}", nil},
		{"/__sim/clock/advance", "/__sim/clock/advance", nil},
		{"/__sim/numbers/{number}", "/__sim/numbers/{number}", []string{"number"}},
		{"/__sim/inbox/{name}/v3/ext/uns/{type}", "/__sim/inbox/{name}/v3/ext/uns/{type}", []string{"name", "type"}},
		{"/__sim/ui/{file:.+}", "/__sim/ui/{file...}", []string{"file"}},
		{"/__sim/audit/search/", "/__sim/audit/search/{$}", nil},
	}
	for _, c := range cases {
		pattern, names := servePattern(c.path)
		assert.Equal(t, c.pattern, pattern, c.path)
		assert.Equal(t, c.names, names, c.path)
	}
	assert.Panics(t, func() { servePattern("/__sim/x/{id:[0-9]+}") }, "other patterns are not supported")
	assert.Panics(t, func() { servePattern("/__sim/x/{rest:.+}/y") }, "the rest of the path only at the end")
}

// TestRouting: routes by method and path, variables through provider.Vars,
// and 404 and 405 in the control API's shape.
func TestRouting(t *testing.T) {
	echo := func(w http.ResponseWriter, r *http.Request) {
		provider.WriteJSON(w, http.StatusOK, provider.Vars(r))
	}
	h := &Handler{router: http.NewServeMux()}
	h.handle(http.MethodGet, "/things/{id}", echo)
	h.handle(http.MethodPost, "/things/{id}/poke", echo)
	h.handle(http.MethodGet, "/files/{file:.+}", echo)
	h.handle(http.MethodGet, "/list/", echo)
	cases := []struct {
		method, path string
		status       int
		body         string // a substring
	}{
		{"GET", "/__sim/things/42", 200, `"id": "42"`},
		{"POST", "/__sim/things/42/poke", 200, `"id": "42"`},
		{"GET", "/__sim/files/a/b.js", 200, `"file": "a/b.js"`},
		{"GET", "/__sim/list/", 200, "null"},
		{"HEAD", "/__sim/things/42", 200, ""},
		{"DELETE", "/__sim/things/42", 405, "DELETE is not allowed on /__sim/things/42"},
		{"GET", "/__sim/things/42/poke", 405, "GET is not allowed"},
		{"GET", "/__sim/list/more", 404, "unknown control path /__sim/list/more"},
		{"GET", "/__sim/nothing", 404, "unknown control path"},
		{"GET", "/__sim/things", 404, "unknown control path"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
			require.Equal(t, c.status, rec.Code, rec.Body.String())
			assert.Contains(t, rec.Body.String(), c.body)
			if c.status >= 400 {
				var e map[string]any
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e))
				assert.Contains(t, e, "error")
			}
		})
	}
	assert.Equal(t, []string{"GET /__sim/things/{id}", "POST /__sim/things/{id}/poke", "GET /__sim/files/{file:.+}", "GET /__sim/list/"}, h.endpoints)
}
