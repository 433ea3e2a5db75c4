package oas

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const routeSpec = `
openapi: 3.0.3
info: {title: t, version: "1"}
security: [{basic: []}]
components:
  securitySchemes:
    basic: {type: http, scheme: basic}
paths:
  /items:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1}}
        - {name: X-Trace, in: header, schema: {type: integer}}
      responses:
        "200": {description: ok}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [name], properties: {name: {type: string}}}
      responses:
        "201": {description: created}
    patch:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {name: {type: string}}}
      responses:
        "200": {description: ok}
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    get:
      responses:
        "200": {description: ok}
  /needs:
    get:
      parameters:
        - {name: q, in: query, required: true, schema: {type: string}}
      responses:
        "200": {description: ok}
`

// TestPreparedMatchesValidateRequest checks that the prepared validator
// (with its shortcut for requests that carry nothing to check) answers
// exactly what a full kin-openapi pass answers.
func TestPreparedMatchesValidateRequest(t *testing.T) {
	s, err := Load([]byte(routeSpec))
	require.NoError(t, err)
	tests := []struct {
		name, method, path, target string
		vars                       map[string]string
		header                     http.Header
		body                       string
		quiet                      bool // the shortcut applies
		fails                      bool
	}{
		{name: "no query", method: "GET", path: "/items", target: "/items", quiet: true},
		{name: "credentials are not the document's business", method: "GET", path: "/items", target: "/items", header: http.Header{"Authorization": {"Bearer x"}}, quiet: true},
		{name: "good query", method: "GET", path: "/items", target: "/items?limit=5"},
		{name: "bad query", method: "GET", path: "/items", target: "/items?limit=0", fails: true},
		{name: "bad header", method: "GET", path: "/items", target: "/items", header: http.Header{"X-Trace": {"abc"}}, fails: true},
		{name: "header under a key kin-openapi does not read", method: "GET", path: "/items", target: "/items", header: http.Header{"x-trace": {"abc"}}, quiet: true},
		{name: "good header", method: "GET", path: "/items", target: "/items", header: http.Header{"X-Trace": {"7"}}},
		{name: "required body missing", method: "POST", path: "/items", target: "/items", fails: true},
		{name: "bad body", method: "POST", path: "/items", target: "/items", header: http.Header{"Content-Type": {"application/json"}}, body: `{}`, fails: true},
		{name: "good body", method: "POST", path: "/items", target: "/items", header: http.Header{"Content-Type": {"application/json"}}, body: `{"name":"a"}`},
		{name: "optional body absent", method: "PATCH", path: "/items", target: "/items", quiet: true},
		{name: "optional body bad", method: "PATCH", path: "/items", target: "/items", header: http.Header{"Content-Type": {"application/json"}}, body: `{"name":1}`, fails: true},
		{name: "path parameter", method: "GET", path: "/items/{id}", target: "/items/7", vars: map[string]string{"id": "7"}},
		{name: "bad path parameter", method: "GET", path: "/items/{id}", target: "/items/x", vars: map[string]string{"id": "x"}, fails: true},
		{name: "required query missing", method: "GET", path: "/needs", target: "/needs", fails: true},
		{name: "route not in the document", method: "GET", path: "/elsewhere", target: "/elsewhere", quiet: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			newReq := func() *http.Request {
				var body io.Reader
				if tc.body != "" {
					body = strings.NewReader(tc.body)
				}
				r := httptest.NewRequest(tc.method, tc.target, body)
				for k, v := range tc.header {
					r.Header[k] = v
				}
				return r
			}
			p := s.Prepare(tc.method, tc.path)
			want := s.ValidateRequest(newReq(), tc.path, tc.vars)
			got := p.Validate(newReq(), tc.vars)
			assert.Equal(t, want, got)
			assert.Equal(t, tc.fails, got != nil, "error: %v", got)
			assert.Equal(t, tc.quiet, p.route == nil || p.skips(newReq()))
		})
	}
}

func TestForRouteCompilesOnFirstUse(t *testing.T) {
	l := NewLazy([]byte(routeSpec))
	v := l.ForRoute("GET", "/needs")
	require.Error(t, v(httptest.NewRequest("GET", "/needs", nil), nil))
	assert.NoError(t, v(httptest.NewRequest("GET", "/needs?q=a", nil), nil))

	bad := NewLazy([]byte("openapi: [")).ForRoute("GET", "/x")
	assert.Error(t, bad(httptest.NewRequest("GET", "/x", nil), nil), "a document that does not load fails the request")
}

// TestPassedRequestsAreRemembered: a request that passed passes again
// without kin-openapi, and any byte that could change the verdict (path,
// query, Content-Type, header parameters, body) makes it another request.
func TestPassedRequestsAreRemembered(t *testing.T) {
	s, err := Load([]byte(routeSpec))
	require.NoError(t, err)
	type req struct {
		method, path, target, ctype, trace, body string
		fails                                    bool
	}
	post := func(body string, fails bool) req {
		return req{method: "POST", path: "/items", target: "/items", ctype: "application/json", body: body, fails: fails}
	}
	steps := []struct {
		name       string
		r          req
		remembered bool // answered from the memo
	}{
		{"first good body", post(`{"name":"a"}`, false), false},
		{"the same body again", post(`{"name":"a"}`, false), true},
		{"another body", post(`{"name":"b"}`, false), false},
		{"a bad body is never remembered", post(`{"name":1}`, true), false},
		{"nor passes the second time", post(`{"name":1}`, true), false},
		{"the good body under another content type", req{method: "POST", path: "/items", target: "/items", ctype: "text/plain", body: `{"name":"a"}`, fails: true}, false},
		{"a good query", req{method: "GET", path: "/items", target: "/items?limit=5"}, false},
		{"the same query", req{method: "GET", path: "/items", target: "/items?limit=5"}, true},
		{"with a bad header parameter", req{method: "GET", path: "/items", target: "/items?limit=5", trace: "abc", fails: true}, false},
		{"with a good one", req{method: "GET", path: "/items", target: "/items?limit=5", trace: "7"}, false},
		{"a path parameter", req{method: "GET", path: "/items/{id}", target: "/items/7"}, false},
		{"another, bad", req{method: "GET", path: "/items/{id}", target: "/items/x", fails: true}, false},
		{"a body over the memo's bound", post(`{"name":"`+strings.Repeat("x", maxMemoBody)+`"}`, false), false},
		{"is validated every time", post(`{"name":"`+strings.Repeat("x", maxMemoBody)+`"}`, false), false},
	}
	preps := map[string]*Prepared{}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			r := st.r
			p := preps[r.method+r.path]
			if p == nil {
				p = s.Prepare(r.method, r.path)
				preps[r.method+r.path] = p
			}
			var body io.Reader
			if r.body != "" {
				body = strings.NewReader(r.body)
			}
			hr := httptest.NewRequest(r.method, r.target, body)
			if r.ctype != "" {
				hr.Header.Set("Content-Type", r.ctype)
			}
			if r.trace != "" {
				hr.Header.Set("X-Trace", r.trace)
			}
			vars := map[string]string{}
			if strings.HasPrefix(r.target, "/items/") {
				vars["id"] = strings.TrimPrefix(r.target, "/items/")
			}
			before := p.memo.bytes
			err := p.Validate(hr, vars)
			assert.Equal(t, r.fails, err != nil, "error: %v", err)
			if st.remembered {
				assert.Equal(t, before, p.memo.bytes, "answered from the memo")
			}
			if !r.fails && !st.remembered && len(r.body) <= maxMemoBody {
				assert.Greater(t, p.memo.bytes, before, "remembered")
			}
			if r.fails || len(r.body) > maxMemoBody {
				assert.Equal(t, before, p.memo.bytes, "not remembered")
			}
			if r.body != "" {
				got, err := io.ReadAll(hr.Body)
				require.NoError(t, err)
				assert.Equal(t, r.body, string(got), "the handler still reads the whole body")
			}
		})
	}
}

func TestPassMemoIsBounded(t *testing.T) {
	var m passMemo
	for i := 0; i < 1000; i++ {
		m.add([]byte(strings.Repeat("k", 100) + string(rune('a'+i%26)) + strings.Repeat("z", i%7)))
		require.LessOrEqual(t, m.bytes, maxMemoBytes)
	}
}

// A body shorter than its Content-Length is not remembered, and the
// handler still gets every byte there was.
func TestMemoKeepsAShortBody(t *testing.T) {
	s, err := Load([]byte(routeSpec))
	require.NoError(t, err)
	p := s.Prepare("PATCH", "/items")
	r := httptest.NewRequest("PATCH", "/items", strings.NewReader(`{"name":"a"}`))
	r.Header.Set("Content-Type", "application/json")
	r.ContentLength = 100
	var buf []byte
	assert.False(t, p.key(r, &buf))
	got, _ := io.ReadAll(r.Body)
	assert.Equal(t, `{"name":"a"}`, string(got))
}
