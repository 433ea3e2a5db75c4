package oas

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// shareSchemas makes every schema of doc that is equal to one met before
// the same *openapi3.Schema, and returns how many references it changed.
//
// A compiled document lives as long as the process, and kin-openapi gives
// every inline schema an object of its own (752 bytes before its fields'
// own allocations): Call48's document has 793 schema objects but 285
// distinct schemas. Two schemas are equal when their own fields marshal to
// the same JSON (kin-openapi marshals every field it validates with) and
// their sub-schemas are, field by field, the same shared objects; a $ref
// names the same component everywhere in a document, so it is shared like
// any other child. Validation only reads schemas; it does compare schema
// objects to cut recursion (a schema meeting the same value again passes),
// so a schema that reaches a cycle is never shared: it cannot get a key
// while it is being walked, and neither can anything that contains it.
// An acyclic schema cannot equal a schema it contains, so sharing never
// makes a schema meet itself. Discriminator mappings keep their own copies.
func shareSchemas(doc *openapi3.T) int {
	s := sharer{canon: map[*openapi3.Schema]*openapi3.Schema{}, ids: map[*openapi3.Schema]int{}, byKey: map[string]*openapi3.Schema{}}
	eachDocumentSchema(doc, s.ref)
	return s.shared
}

type sharer struct {
	canon  map[*openapi3.Schema]*openapi3.Schema // every schema met -> the one it is replaced by
	ids    map[*openapi3.Schema]int              // a canonical schema's number, for its parents' keys
	byKey  map[string]*openapi3.Schema
	shared int
	buf    []byte
}

// ref shares r's schema, its sub-schemas first so that its key can name
// them by number instead of spelling them out again.
func (s *sharer) ref(r *openapi3.SchemaRef) {
	if r == nil || r.Value == nil {
		return
	}
	v := r.Value
	c, met := s.canon[v]
	if !met {
		s.canon[v] = v // a schema that contains itself meets itself below
		eachSubSchema(v, func(_ int, _ string, sub *openapi3.SchemaRef) { s.ref(sub) })
		c = v
		if key, ok := s.key(v); ok {
			if k, found := s.byKey[key]; found {
				c = k
			} else {
				s.byKey[key] = v
				s.ids[v] = len(s.ids) + 1
			}
		}
		s.canon[v] = c
	}
	if c != v {
		r.Value = c
		s.shared++
	}
}

// key is v's own fields as JSON, then the numbers of its sub-schemas field
// by field; false when a sub-schema has no number (it contains v, or has no
// key itself), which leaves v unshared.
func (s *sharer) key(v *openapi3.Schema) (string, bool) {
	own := *v
	lists, named, single := subSchemaFields(&own)
	for _, l := range lists {
		*l = nil
	}
	for _, m := range named {
		*m = nil
	}
	for _, r := range single {
		*r = nil
	}
	b, err := json.Marshal(own)
	if err != nil {
		return "", false
	}
	s.buf = append(s.buf[:0], b...)
	ok := true
	eachSubSchema(v, func(field int, name string, r *openapi3.SchemaRef) {
		n := 0
		if r != nil && r.Value != nil {
			if n = s.ids[s.canon[r.Value]]; n == 0 {
				ok = false
			}
		}
		s.buf = strconv.AppendInt(append(s.buf, '|'), int64(field), 10)
		s.buf = strconv.AppendInt(append(strconv.AppendQuote(s.buf, name), '='), int64(n), 10)
	})
	return string(s.buf), ok
}

// subSchemaFields points at every field of v that holds sub-schemas, in a
// fixed order: the one list both the walk and the key (which leaves these
// fields out of a schema's own JSON) read, so they cannot disagree.
func subSchemaFields(v *openapi3.Schema) (lists []*openapi3.SchemaRefs, named []*openapi3.Schemas, single []**openapi3.SchemaRef) {
	return []*openapi3.SchemaRefs{&v.AllOf, &v.AnyOf, &v.OneOf, &v.PrefixItems},
		[]*openapi3.Schemas{&v.Properties, &v.PatternProperties, &v.DependentSchemas, &v.Defs},
		[]**openapi3.SchemaRef{&v.Items, &v.AdditionalProperties.Schema, &v.Not, &v.Contains, &v.PropertyNames, &v.If, &v.Then, &v.Else, &v.ContentSchema}
}

// eachSubSchema calls fn for every sub-schema reference of v, in a fixed
// order: fields by number, a list's entries in order, a map's by name.
func eachSubSchema(v *openapi3.Schema, fn func(field int, name string, r *openapi3.SchemaRef)) {
	lists, named, single := subSchemaFields(v)
	field := 0
	for _, list := range lists {
		for _, r := range *list {
			fn(field, "", r)
		}
		field++
	}
	for _, m := range named {
		for _, name := range slices.Sorted(maps.Keys(*m)) {
			fn(field, name, (*m)[name])
		}
		field++
	}
	for _, r := range single {
		if *r != nil {
			fn(field, "", *r)
		}
		field++
	}
}

// eachDocumentSchema calls fn for every schema reference of doc outside
// schemas: components, and every path's parameters, bodies and responses.
func eachDocumentSchema(doc *openapi3.T, fn func(*openapi3.SchemaRef)) {
	content := func(c openapi3.Content) {
		for _, m := range c {
			if m != nil {
				fn(m.Schema)
			}
		}
	}
	parameter := func(p *openapi3.ParameterRef) {
		if p != nil && p.Value != nil {
			fn(p.Value.Schema)
			content(p.Value.Content)
		}
	}
	header := func(h *openapi3.HeaderRef) {
		if h != nil && h.Value != nil {
			fn(h.Value.Schema)
			content(h.Value.Content)
		}
	}
	response := func(r *openapi3.ResponseRef) {
		if r != nil && r.Value != nil {
			content(r.Value.Content)
			for _, h := range r.Value.Headers {
				header(h)
			}
		}
	}
	if c := doc.Components; c != nil {
		for _, r := range c.Schemas {
			fn(r)
		}
		for _, p := range c.Parameters {
			parameter(p)
		}
		for _, h := range c.Headers {
			header(h)
		}
		for _, b := range c.RequestBodies {
			if b != nil && b.Value != nil {
				content(b.Value.Content)
			}
		}
		for _, r := range c.Responses {
			response(r)
		}
	}
	if doc.Paths == nil {
		return
	}
	for _, item := range doc.Paths.Map() {
		for _, p := range item.Parameters {
			parameter(p)
		}
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				parameter(p)
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				content(op.RequestBody.Value.Content)
			}
			if op.Responses != nil {
				for _, r := range op.Responses.Map() {
					response(r)
				}
			}
		}
	}
}
