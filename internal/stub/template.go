package stub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Placeholders in response bodies and header values:
//
//	{{path.NAME}}    a path variable of the stub's template
//	{{query.NAME}}   a query parameter (its first value)
//	{{header.NAME}}  a request header
//	{{body.a.b.0}}   a field of the request's JSON body (dots walk objects and lists)
//	{{now}}          the tenant clock, in the provider's time format
//	{{seq}}          how many answers the tenant's stubs have given, this one included
//	{{uuid}}         a fresh UUID (deterministic per tenant)
//	{{base}}         where the client reached the provider ("http://host/t/job/flowroute"),
//	                 so links point back at the simulator: "{{base}}/v2/numbers/{{path.id}}"
//
// A JSON string that is exactly one placeholder is replaced by the value
// with its type: {{seq}} gives a number, {{body.x}} whatever x holds.
var placeholderRE = regexp.MustCompile(`\{\{\s*([a-zA-Z]+)(?:\.([^}\s]+))?\s*\}\}`)

type tplCtx struct {
	req  Request
	vars map[string]string
	body any
	seq  uint64
	uuid string
	now  any // string, or int64 milliseconds
}

// value looks a placeholder up; the second result is its JSON value (for a
// whole-string placeholder), the first its text.
func (c *tplCtx) value(kind, arg string) (string, any) {
	switch kind {
	case "path":
		return c.vars[arg], c.vars[arg]
	case "query":
		v := c.req.Query.Get(arg)
		return v, v
	case "header":
		v := c.req.Header.Get(arg)
		return v, v
	case "body":
		v := walk(c.body, arg)
		switch t := v.(type) {
		case nil:
			return "", nil
		case string:
			return t, t
		default:
			b, _ := json.Marshal(t)
			return string(b), t
		}
	case "now":
		return fmt.Sprint(c.now), c.now
	case "seq":
		return strconv.FormatUint(c.seq, 10), c.seq
	case "uuid":
		return c.uuid, c.uuid
	case "base":
		return c.req.Base, c.req.Base
	}
	return "", nil
}

func checkPlaceholders(s string) error {
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		switch m[1] {
		case "path", "query", "header", "body":
			if m[2] == "" {
				return fmt.Errorf("placeholder %s needs a name: {{%s.NAME}}", m[0], m[1])
			}
		case "now", "seq", "uuid", "base":
		default:
			return fmt.Errorf("unknown placeholder %s (known: path.NAME, query.NAME, header.NAME, body.FIELD, now, seq, uuid, base)", m[0])
		}
	}
	return nil
}

func checkValue(v any) error {
	switch t := v.(type) {
	case string:
		return checkPlaceholders(t)
	case map[string]any:
		for _, x := range t {
			if err := checkValue(x); err != nil {
				return err
			}
		}
	case []any:
		for _, x := range t {
			if err := checkValue(x); err != nil {
				return err
			}
		}
	}
	return nil
}

func walk(v any, path string) any {
	for _, part := range strings.Split(path, ".") {
		switch t := v.(type) {
		case map[string]any:
			v = t[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

func (c *tplCtx) text(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := placeholderRE.FindStringSubmatch(m)
		t, _ := c.value(sub[1], sub[2])
		return t
	})
}

func (c *tplCtx) json(v any) any {
	switch t := v.(type) {
	case string:
		if sub := placeholderRE.FindStringSubmatch(t); sub != nil && sub[0] == t {
			_, val := c.value(sub[1], sub[2])
			return val
		}
		return c.text(t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = c.json(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = c.json(x)
		}
		return out
	}
	return v
}

func render(id string, p prepared, c *tplCtx) Answer {
	a := Answer{StubID: id, Status: p.status, Header: http.Header{}}
	for k, v := range p.headers {
		a.Header.Set(k, c.text(v))
	}
	switch {
	case p.isJSON:
		b, err := json.Marshal(c.json(p.json))
		if err != nil { // cannot happen with decoded JSON values
			b = []byte("null")
		}
		a.Body = b
		if a.Header.Get("Content-Type") == "" {
			a.Header.Set("Content-Type", "application/json")
		}
	case !p.bodyNil:
		a.Body = []byte(c.text(p.raw))
	}
	return a
}
