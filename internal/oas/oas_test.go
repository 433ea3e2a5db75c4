package oas

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const spec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /items:
    get:
      parameters:
        - {name: id, in: query, required: true, schema: {type: integer}}
      responses:
        "200": {description: ok}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string}
      responses:
        "201": {description: created}
`

func TestValidationErrors(t *testing.T) {
	s, err := Load([]byte(spec))
	require.NoError(t, err)
	cases := []struct {
		method, target, ctype, body string
		status                      int
		in, field, reason           string
	}{
		{"GET", "/items", "", "", 400, "query", "id", "value is required but missing"},
		{"GET", "/items?id=x", "", "", 400, "query", "id", "value x: an invalid integer"},
		{"POST", "/items", "text/plain", "x", 415, "body", "", ""},
		{"POST", "/items", "application/json", `{}`, 400, "body", "name", `property "name" is missing`},
		{"POST", "/items", "application/json", `{"name":3}`, 400, "body", "name", "value must be a string"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.target+" "+c.body, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.target, nil)
			if c.body != "" {
				req = httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
				req.Header.Set("Content-Type", c.ctype)
			}
			err := s.ValidateRequest(req, "/items", nil)
			require.Error(t, err)
			ve, ok := err.(*ValidationError)
			require.True(t, ok, "%T", err)
			assert.Equal(t, c.status, ve.Status)
			assert.Equal(t, c.in, ve.In)
			assert.Equal(t, c.field, ve.Field)
			if c.reason != "" {
				assert.Contains(t, ve.Reason, c.reason)
				assert.Equal(t, 1, countOf(ve.Reason, c.reason), "the reason is said once: %q", ve.Reason)
			}
		})
	}
	ok := httptest.NewRequest("GET", "/items?id=3", nil)
	assert.NoError(t, s.ValidateRequest(ok, "/items", nil))
	assert.NoError(t, s.ValidateRequest(httptest.NewRequest("GET", "/elsewhere", nil), "/elsewhere", nil), "routes the spec does not describe pass")
}

func countOf(s, sub string) int { return strings.Count(s, sub) }

func TestExchangeCheck(t *testing.T) {
	s, err := Load([]byte(spec))
	require.NoError(t, err)
	x, err := s.ForBase("http://sim.example/t/a/prov")
	require.NoError(t, err)
	tests := []struct {
		name, method, url string
		status            int
		noOperation, bad  bool
	}{
		{"documented answer", "GET", "http://sim.example/t/a/prov/items?id=1", 200, false, false},
		{"undocumented status", "GET", "http://sim.example/t/a/prov/items?id=1", 418, false, true},
		{"path not in the document", "GET", "http://sim.example/t/a/prov/nope", 404, true, true},
		{"method not in the document", "DELETE", "http://sim.example/t/a/prov/items", 405, true, true},
		{"another base", "GET", "http://sim.example/t/b/prov/items?id=1", 200, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := x.Check(httptest.NewRequest(tt.method, tt.url, nil), tt.status, nil, nil)
			assert.Equal(t, tt.bad, err != nil, "%v", err)
			assert.Equal(t, tt.noOperation, errors.Is(err, ErrNoOperation), "%v", err)
		})
	}
}
