package scenario

import (
	"reflect"
)

// Schemer is implemented by types that describe their own JSON Schema (types
// with custom YAML decoding).
type Schemer interface {
	JSONSchema() map[string]any
}

// JSONSchema implements Schemer.
func (Duration) JSONSchema() map[string]any {
	return map[string]any{
		"type":        "string",
		"pattern":     `^\s*([0-9]+d|([0-9.]+(ns|us|µs|ms|s|m|h))+)\s*$`,
		"description": "a duration: Go syntax (90s, 1h30m) or whole days (3d)",
	}
}

// JSONSchema implements Schemer.
func (At) JSONSchema() map[string]any {
	return map[string]any{
		"type":        "string",
		"pattern":     `^\s*(\+.+|[0-9]{4}-[0-9]{2}-[0-9]{2}T.+)\s*$`,
		"description": `a time: "+5m" after the clock start, or RFC 3339`,
	}
}

var schemerType = reflect.TypeOf((*Schemer)(nil)).Elem()

// TypeSchema returns the JSON Schema of a Go type as this package decodes it
// from YAML: struct fields by their yaml tags, unknown keys refused.
func TypeSchema(t reflect.Type) map[string]any {
	return typeSchema(t, map[reflect.Type]bool{})
}

func typeSchema(t reflect.Type, seen map[reflect.Type]bool) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(schemerType) {
		return reflect.Zero(t).Interface().(Schemer).JSONSchema()
	}
	if reflect.PointerTo(t).Implements(schemerType) {
		return reflect.New(t).Interface().(Schemer).JSONSchema()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == durationType:
		return Duration(0).JSONSchema()
	case t == nodeType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Struct:
		if seen[t] {
			return map[string]any{"type": "object"}
		}
		seen[t] = true
		defer delete(seen, t)
		props := map[string]any{}
		for name, f := range yamlFields(t) {
			s := typeSchema(f.Type, seen)
			if d := f.Tag.Get("doc"); d != "" {
				s["description"] = d
			}
			props[name] = s
		}
		return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string"}
		}
		return map[string]any{"type": "array", "items": typeSchema(t.Elem(), seen)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": typeSchema(t.Elem(), seen)}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	}
	return map[string]any{}
}

// FileSchema assembles the schema of a whole scenario file from the header,
// each provider's section type, the fault rule type and the event shape.
func FileSchema(sections map[string]reflect.Type, faultRule, stub reflect.Type) map[string]any {
	root := TypeSchema(reflect.TypeOf(Header{}))
	props := root["properties"].(map[string]any)
	props["version"] = map[string]any{"const": CurrentVersion, "description": "scenario format version"}
	for name, t := range sections {
		props[name] = TypeSchema(t)
	}
	if faultRule != nil {
		rule := TypeSchema(faultRule)
		if p, ok := rule["properties"].(map[string]any); ok {
			delete(p, "stats")
		}
		props["faults"] = map[string]any{"type": "array", "items": rule}
	}
	props["events"] = map[string]any{
		"type": "array",
		"items": map[string]any{
			"type":                 "object",
			"required":             []string{"at", "provider", "action"},
			"properties":           map[string]any{"at": At{}.JSONSchema(), "provider": map[string]any{"type": "string"}, "action": map[string]any{"type": "string"}},
			"additionalProperties": true,
			"description":          "a provider action run when the tenant clock reaches at; other keys are the action's arguments",
		},
	}
	if stub != nil {
		props["stubs"] = map[string]any{"type": "array", "items": TypeSchema(stub),
			"description": "answers for routes the providers do not emulate (docs/stubs-and-recording.md)"}
	}
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["title"] = "telecom provider simulator scenario"
	root["required"] = []string{"version"}
	return root
}
