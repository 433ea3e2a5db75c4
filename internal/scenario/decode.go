package scenario

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Section is one part of a scenario file (a provider's section, say) that is
// decoded by the code that owns it.
type Section struct {
	File string
	Path string // dotted path of the section in the file, e.g. "flowroute"
	Node *yaml.Node

	// origin names the file of nodes that came from an included file; other
	// nodes belong to File.
	origin map[*yaml.Node]string
}

// fileOf returns the file a node was read from.
func (s Section) fileOf(n *yaml.Node) string {
	if f, ok := s.origin[n]; ok {
		return f
	}
	return s.File
}

// Present reports whether the section was written in the file.
func (s Section) Present() bool { return s.Node != nil && s.Node.Kind != 0 }

// Decode decodes the section strictly into v (a pointer to a struct): an
// unknown key or a value of the wrong type is a Problem naming file, line,
// column and field. An absent section leaves v untouched.
func (s Section) Decode(v any) error {
	if !s.Present() {
		return nil
	}
	return decodeStrict(s.fileOf, s.Path, s.Node, v)
}

// At returns the problem located at the field with the given path below the
// section ("credentials[0].accessKey"); when the path cannot be found the
// nearest enclosing node is used.
func (s Section) At(path, msg string) Problem {
	full := joinPath(s.Path, path)
	n := s.Node
	if n != nil {
		n = findNode(n, path)
	}
	p := Problem{File: s.File, Path: full, Msg: msg}
	if n != nil {
		p.File, p.Line, p.Col = s.fileOf(n), n.Line, n.Column
	}
	return p
}

func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case strings.HasPrefix(b, "["):
		return a + b
	}
	return a + "." + b
}

// findNode walks a dotted path ("a.b[2].c") and returns the deepest node found.
func findNode(n *yaml.Node, path string) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, part := range splitPath(path) {
		next := (*yaml.Node)(nil)
		if idx, err := strconv.Atoi(part); err == nil && n.Kind == yaml.SequenceNode {
			if idx >= 0 && idx < len(n.Content) {
				next = n.Content[idx]
			}
		} else if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == part {
					next = n.Content[i+1]
					break
				}
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

func splitPath(path string) []string {
	path = strings.ReplaceAll(path, "[", ".")
	path = strings.ReplaceAll(path, "]", "")
	var out []string
	for _, p := range strings.Split(path, ".") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

var (
	yamlUnmarshaler = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()
	textUnmarshaler = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
	durationType    = reflect.TypeOf(time.Duration(0))
	timeType        = reflect.TypeOf(time.Time{})
	nodeType        = reflect.TypeOf(yaml.Node{})
)

// decodeStrict checks n against v's type field by field (so every problem has
// a path and a position), then decodes it.
func decodeStrict(fileOf func(*yaml.Node) string, path string, n *yaml.Node, v any) error {
	var ps Problems
	check(fileOf, path, n, reflect.TypeOf(v).Elem(), &ps)
	if len(ps) > 0 {
		return ps.Err()
	}
	if err := n.Decode(v); err != nil {
		return Problems{{File: fileOf(n), Line: n.Line, Col: n.Column, Path: path, Msg: cleanYAMLError(err)}}
	}
	return nil
}

func cleanYAMLError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n")
	msg = strings.TrimSpace(msg)
	return msg
}

// yamlFields maps a struct's YAML keys to its fields, following inline
// embedded structs.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range yamlFields(ft) {
					out[k] = v
				}
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f
	}
	return out
}

func check(fileOf func(*yaml.Node) string, path string, n *yaml.Node, t reflect.Type, ps *Problems) {
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Tag == "!!null" {
		return
	}
	add := func(msg string) {
		*ps = append(*ps, Problem{File: fileOf(n), Line: n.Line, Col: n.Column, Path: path, Msg: msg})
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nodeType {
		return
	}
	// Types that decode themselves are checked by decoding them alone.
	if reflect.PointerTo(t).Implements(yamlUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) || t == durationType || t == timeType {
		if n.Kind != yaml.ScalarNode && (t == durationType || t == timeType || !reflect.PointerTo(t).Implements(yamlUnmarshaler)) {
			add(fmt.Sprintf("expected %s, got %s", kindName(t), nodeKindName(n)))
			return
		}
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			add(cleanYAMLError(err))
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			add(fmt.Sprintf("expected a mapping, got %s", nodeKindName(n)))
			return
		}
		fields := yamlFields(t)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Value == "<<" {
				continue
			}
			kp := joinPath(path, k.Value)
			if seen[k.Value] {
				*ps = append(*ps, Problem{File: fileOf(k), Line: k.Line, Col: k.Column, Path: kp, Msg: "duplicate key"})
				continue
			}
			seen[k.Value] = true
			f, ok := fields[k.Value]
			if !ok {
				*ps = append(*ps, Problem{File: fileOf(k), Line: k.Line, Col: k.Column, Path: kp, Msg: "unknown field" + suggest(k.Value, fields)})
				continue
			}
			check(fileOf, kp, val, f.Type, ps)
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			add(fmt.Sprintf("expected a list, got %s", nodeKindName(n)))
			return
		}
		for i, c := range n.Content {
			check(fileOf, fmt.Sprintf("%s[%d]", path, i), c, t.Elem(), ps)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			add(fmt.Sprintf("expected a mapping, got %s", nodeKindName(n)))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if err := k.Decode(reflect.New(t.Key()).Interface()); err != nil {
				*ps = append(*ps, Problem{File: fileOf(k), Line: k.Line, Col: k.Column, Path: joinPath(path, k.Value), Msg: "bad key: " + cleanYAMLError(err)})
				continue
			}
			check(fileOf, joinPath(path, k.Value), val, t.Elem(), ps)
		}
	case reflect.Interface:
		return
	default:
		if n.Kind != yaml.ScalarNode {
			add(fmt.Sprintf("expected %s, got %s", kindName(t), nodeKindName(n)))
			return
		}
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			add(fmt.Sprintf("expected %s, got %q", kindName(t), n.Value))
		}
	}
}

func suggest(key string, fields map[string]reflect.StructField) string {
	best, bestD := "", 3
	for k := range fields {
		if d := editDistance(strings.ToLower(key), strings.ToLower(k)); d < bestD || (d == bestD && best != "" && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func kindName(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a duration such as 90s or 2h"
	case t == timeType:
		return "an RFC 3339 time"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return "a " + t.Kind().String()
}

func nodeKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// Child returns the section of a node inside s, keeping the file each node
// came from (for nodes read from included files).
func (s Section) Child(path string, n *yaml.Node) Section {
	return Section{File: s.File, Path: path, Node: n, origin: s.origin}
}
