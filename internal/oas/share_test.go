package oas

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// schemasOf lists every schema object reachable in doc, once each.
func schemasOf(doc *openapi3.T) []*openapi3.Schema {
	seen := map[*openapi3.Schema]bool{}
	var out []*openapi3.Schema
	var ref func(r *openapi3.SchemaRef)
	ref = func(r *openapi3.SchemaRef) {
		if r == nil || r.Value == nil || seen[r.Value] {
			return
		}
		v := r.Value
		seen[v] = true
		out = append(out, v)
		eachSubSchema(v, func(_ int, _ string, sub *openapi3.SchemaRef) { ref(sub) })
	}
	eachDocumentSchema(doc, ref)
	return out
}

// Every provider's document: once loaded, no two schema objects are equal,
// and there are fewer of them than places that use one.
func TestShareSchemasProviderDocuments(t *testing.T) {
	for _, p := range []string{"flowroute", "tnregistry", "somos", "tmobile", "call48"} {
		t.Run(p, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("..", "..", "sim", p, "openapi.yaml"))
			require.NoError(t, err)
			s, err := Load(raw)
			require.NoError(t, err)
			schemas := schemasOf(s.Doc)
			byJSON := map[string]bool{}
			for _, v := range schemas {
				b, err := json.Marshal(v)
				require.NoError(t, err)
				assert.False(t, byJSON[string(b)], "two equal schemas left apart: %s", b)
				byJSON[string(b)] = true
			}
			again := shareSchemas(s.Doc)
			assert.Zero(t, again, "a second pass finds nothing left to share")

			doc, err := openapi3.NewLoader().LoadFromData(raw)
			require.NoError(t, err)
			before := len(schemasOf(doc))
			assert.Positive(t, shareSchemas(doc))
			assert.Less(t, len(schemas), before)
			t.Logf("%s: %d schema objects -> %d", p, before, len(schemas))
		})
	}
}

const shareSpec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /items:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                a: {type: string, maxLength: 3}
                b: {type: string, maxLength: 3}
                c: {type: string, maxLength: 4}
                d: {type: array, items: {type: string, maxLength: 3}}
                e: {type: array, items: {type: string, maxLength: 4}}
                tree: {$ref: "#/components/schemas/Tree"}
                f: {type: array, items: {$ref: "#/components/schemas/Tree"}}
                g: {type: array, items: {$ref: "#/components/schemas/Tree"}}
                h: {type: array, items: {$ref: "#/components/schemas/Flat"}}
                i: {type: array, items: {$ref: "#/components/schemas/Flat"}}
      responses:
        "201": {description: created}
components:
  schemas:
    Tree:
      type: object
      properties:
        name: {type: string, maxLength: 3}
        kids: {type: array, items: {$ref: "#/components/schemas/Tree"}}
    Flat:
      type: object
      properties:
        x: {type: integer}
`

// Equal schemas become one object, different ones stay apart, a schema
// that contains itself loads, and requests are judged as before.
func TestShareSchemas(t *testing.T) {
	s, err := Load([]byte(shareSpec))
	require.NoError(t, err)
	props := s.Doc.Paths.Find("/items").Post.RequestBody.Value.Content["application/json"].Schema.Value.Properties
	assert.Same(t, props["a"].Value, props["b"].Value)
	assert.NotSame(t, props["a"].Value, props["c"].Value)
	assert.Same(t, props["a"].Value, props["d"].Value.Items.Value, "inside an array too")
	assert.NotSame(t, props["d"].Value, props["e"].Value, "arrays of different items")
	tree := s.Doc.Components.Schemas["Tree"].Value
	assert.Same(t, props["a"].Value, tree.Properties["name"].Value)
	assert.Same(t, tree, tree.Properties["kids"].Value.Items.Value, "the recursive reference still points at itself")
	// kin-openapi cuts recursion when a schema object meets the same value
	// again; a schema that reaches a cycle is never shared, so sharing adds
	// no such meeting (an acyclic schema cannot equal one it contains).
	assert.NotSame(t, props["f"].Value, props["g"].Value, "equal, but they reach a recursive component")
	assert.NotSame(t, tree, tree.Properties["kids"].Value)
	assert.Same(t, props["h"].Value, props["i"].Value, "equal and acyclic")

	cases := []struct{ body, field string }{
		{`{"a":"abcd"}`, "a"},
		{`{"b":"abcd"}`, "b"},
		{`{"c":"abcde"}`, "c"},
		{`{"d":["abcd"]}`, "d.0"},
		{`{"tree":{"kids":[{"name":"abcd"}]}}`, "tree.kids.0.name"},
	}
	for _, c := range cases {
		t.Run(c.body, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/items", strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/json")
			err := s.ValidateRequest(req, "/items", nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "maximum string length")
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, c.field, ve.Field)
		})
	}
	valid := `{"a":"abc","b":"abc","c":"abcd","d":["abc"],"e":["abcd"],"tree":{"name":"abc","kids":[{"name":"abc"}]}}`
	req := httptest.NewRequest("POST", "/items", strings.NewReader(valid))
	req.Header.Set("Content-Type", "application/json")
	require.NoError(t, s.ValidateRequest(req, "/items", nil))
}
