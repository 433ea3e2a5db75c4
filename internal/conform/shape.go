// Package conform compares the simulator's answers with recorded answers of
// the real APIs: it replays a HAR recording against a simulator and reports
// where the answers drift (status, content type, the JSON body's shape).
// Values are not compared, since ids, times and tokens always differ.
package conform

import (
	"encoding/json"
	"fmt"
	"mime"
	"sort"
	"strings"
)

// Kind names a kind of drift.
type Kind string

const (
	KindStatus      Kind = "status"       // a different HTTP status
	KindContentType Kind = "content-type" // a different media type
	KindMissing     Kind = "missing"      // a key the recording has and the simulator lacks
	KindExtra       Kind = "extra"        // a key the simulator adds
	KindType        Kind = "type"         // a different JSON type (array vs object included)
	KindBody        Kind = "body"         // JSON on one side, something else on the other
)

// Drift is one difference.
type Drift struct {
	Kind      Kind   `json:"kind"`
	Path      string `json:"path,omitempty"` // JSON path ("$.data[].id")
	Recorded  string `json:"recorded"`
	Simulated string `json:"simulated"`
}

func (d Drift) String() string {
	switch d.Kind {
	case KindMissing:
		return fmt.Sprintf("%s: missing in the simulator (recorded %s)", d.Path, d.Recorded)
	case KindExtra:
		return fmt.Sprintf("%s: only in the simulator (%s)", d.Path, d.Simulated)
	case KindType:
		return fmt.Sprintf("%s: recorded %s, simulated %s", d.Path, d.Recorded, d.Simulated)
	}
	if d.Path != "" {
		return fmt.Sprintf("%s %s: recorded %s, simulated %s", d.Kind, d.Path, d.Recorded, d.Simulated)
	}
	return fmt.Sprintf("%s: recorded %s, simulated %s", d.Kind, d.Recorded, d.Simulated)
}

// Answer is one side of a comparison.
type Answer struct {
	Status      int
	ContentType string
	Body        []byte
}

// Compare lists the drift between a recorded and a simulated answer.
func Compare(rec, sim Answer) []Drift {
	var out []Drift
	if rec.Status != sim.Status {
		out = append(out, Drift{Kind: KindStatus, Recorded: fmt.Sprint(rec.Status), Simulated: fmt.Sprint(sim.Status)})
	}
	rm, sm := mediaType(rec.ContentType), mediaType(sim.ContentType)
	if rm != sm && len(rec.Body) > 0 {
		out = append(out, Drift{Kind: KindContentType, Recorded: orNone(rm), Simulated: orNone(sm)})
	}
	rv, rok := parseJSON(rec.Body)
	sv, sok := parseJSON(sim.Body)
	switch {
	case rok && sok:
		out = append(out, compareShape("$", shapeOf(rv), shapeOf(sv))...)
	case rok != sok && len(rec.Body) > 0:
		out = append(out, Drift{Kind: KindBody, Recorded: bodyKind(rok, rec.Body), Simulated: bodyKind(sok, sim.Body)})
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func bodyKind(isJSON bool, b []byte) string {
	switch {
	case isJSON:
		return "JSON"
	case len(b) == 0:
		return "no body"
	}
	return "non-JSON text"
}

func mediaType(ct string) string {
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(ct))
	}
	return mt
}

func parseJSON(b []byte) (any, bool) {
	t := strings.TrimSpace(string(b))
	if t == "" {
		return nil, false
	}
	var v any
	if err := json.Unmarshal([]byte(t), &v); err != nil {
		return nil, false
	}
	return v, true
}

// shape is a JSON value's structure: its type and, for objects, its keys'
// shapes; for arrays, the merged shape of the elements.
type shape struct {
	typ  string // object, array, string, number, boolean, null
	keys map[string]*shape
	elem *shape // nil for an empty array
}

func typeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}

func shapeOf(v any) *shape {
	s := &shape{typ: typeName(v)}
	switch t := v.(type) {
	case map[string]any:
		s.keys = make(map[string]*shape, len(t))
		for k, x := range t {
			s.keys[k] = shapeOf(x)
		}
	case []any:
		for _, x := range t {
			s.elem = merge(s.elem, shapeOf(x))
		}
	}
	return s
}

// merge unites two element shapes: keys of both, the first non-null type.
func merge(a, b *shape) *shape {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.typ == "null":
		return b
	case b.typ == "null" || a.typ != b.typ:
		return a
	}
	out := &shape{typ: a.typ}
	if a.typ == "object" {
		out.keys = map[string]*shape{}
		for k, v := range a.keys {
			out.keys[k] = v
		}
		for k, v := range b.keys {
			out.keys[k] = merge(out.keys[k], v)
		}
	}
	if a.typ == "array" {
		out.elem = merge(a.elem, b.elem)
	}
	return out
}

// compareShape walks both shapes. null on either side is a value that
// varies (a record not yet approved has a null approval time), not drift.
func compareShape(path string, rec, sim *shape) []Drift {
	if rec == nil || sim == nil || rec.typ == "null" || sim.typ == "null" {
		return nil
	}
	if rec.typ != sim.typ {
		return []Drift{{Kind: KindType, Path: path, Recorded: rec.typ, Simulated: sim.typ}}
	}
	var out []Drift
	switch rec.typ {
	case "object":
		keys := map[string]bool{}
		for k := range rec.keys {
			keys[k] = true
		}
		for k := range sim.keys {
			keys[k] = true
		}
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			p := path + "." + k
			r, rok := rec.keys[k]
			s, sok := sim.keys[k]
			switch {
			case !sok:
				out = append(out, Drift{Kind: KindMissing, Path: p, Recorded: r.typ})
			case !rok:
				out = append(out, Drift{Kind: KindExtra, Path: p, Simulated: s.typ})
			default:
				out = append(out, compareShape(p, r, s)...)
			}
		}
	case "array":
		out = append(out, compareShape(path+"[]", rec.elem, sim.elem)...)
	}
	return out
}
