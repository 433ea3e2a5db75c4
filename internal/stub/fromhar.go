package stub

import (
	"encoding/json"
	"math"
	"net/url"
	"sort"
	"strings"

	"github.com/telecomsim/simulator/internal/har"
)

// Located is where a recorded request belongs.
type Located struct {
	Provider string
	Path     string // the real API's path
	Query    string // raw query
	// Emulated says the provider has a route for it.
	Emulated bool
}

// FromHAR turns recorded exchanges into stubs that play them back: one
// stub per method, path and query, its answers in recorded order (a
// sequence when the same request was answered more than once). locate
// places each entry (ok false: skipped); exchanges on emulated routes
// become override stubs only when override is set, and are skipped
// otherwise. Failed exchanges (no answer) are skipped. It returns the stubs
// and one note per skipped exchange.
func FromHAR(entries []har.Entry, locate func(har.Entry) (Located, bool), override bool) ([]Stub, []string) {
	type key struct{ provider, method, path, query string }
	var order []key
	byKey := map[key]*Stub{}
	var notes []string
	for i, e := range entries {
		loc, ok := locate(e)
		if !ok {
			notes = append(notes, "entry "+itoa(i+1)+": "+e.Request.Method+" "+e.Request.URL+": no provider serves it")
			continue
		}
		if e.Response.Status == 0 {
			notes = append(notes, "entry "+itoa(i+1)+": "+e.Request.Method+" "+loc.Path+": the recording has no answer")
			continue
		}
		if loc.Emulated && !override {
			notes = append(notes, "entry "+itoa(i+1)+": "+e.Request.Method+" "+loc.Path+": emulated by the simulator (use --override to stub it anyway)")
			continue
		}
		k := key{loc.Provider, e.Request.Method, loc.Path, loc.Query}
		st, ok := byKey[k]
		if !ok {
			st = &Stub{Provider: loc.Provider, Method: e.Request.Method, Path: escapeTemplate(loc.Path), Override: loc.Emulated}
			if q, err := url.ParseQuery(loc.Query); err == nil && len(q) > 0 {
				st.Query = map[string]string{}
				for name, vs := range q {
					st.Query[name] = vs[0]
				}
			}
			byKey[k] = st
			order = append(order, k)
		}
		st.Sequence = append(st.Sequence, responseOf(e.Response))
	}
	out := make([]Stub, 0, len(order))
	for _, k := range order {
		st := byKey[k]
		if len(st.Sequence) == 1 {
			r := st.Sequence[0]
			st.Response, st.Sequence = &r, nil
		}
		out = append(out, *st)
	}
	return out, notes
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// escapeTemplate keeps a literal path from being read as a template: a
// segment holding braces becomes a variable whose pattern is the segment.
func escapeTemplate(p string) string {
	if !strings.ContainsAny(p, "{}") {
		return p
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		if strings.ContainsAny(seg, "{}") {
			segs[i] = "{v" + itoa(i) + ":" + regexpQuote(seg) + "}"
		}
	}
	return strings.Join(segs, "/")
}

func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteRune('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// skipHeaders are answer headers a stub does not replay: the transport's
// own, and ones that would be wrong once the body is re-encoded.
var skipHeaders = map[string]bool{"content-length": true, "content-encoding": true, "transfer-encoding": true, "connection": true, "date": true, "set-cookie": true, "keep-alive": true}

func responseOf(r har.Response) Response {
	out := Response{Status: r.Status}
	hs := map[string]string{}
	names := []string{}
	for _, nv := range r.Headers {
		if skipHeaders[strings.ToLower(nv.Name)] {
			continue
		}
		if _, ok := hs[nv.Name]; !ok {
			names = append(names, nv.Name)
		}
		hs[nv.Name] = nv.Value
	}
	sort.Strings(names)
	if _, ok := hs["Content-Type"]; !ok && r.Content.MimeType != "" {
		hs["Content-Type"] = r.Content.MimeType
	}
	if len(hs) > 0 {
		out.Headers = hs
	}
	text := r.Content.Text
	if r.Content.Encoding == "base64" {
		out.Body = text // kept as recorded; stubs answer text bodies
		return out
	}
	var v any
	if t := strings.TrimSpace(text); t != "" && json.Unmarshal([]byte(t), &v) == nil {
		if _, isObj := v.(map[string]any); isObj {
			out.Body = integers(v)
			return out
		}
		if _, isArr := v.([]any); isArr {
			out.Body = integers(v)
			return out
		}
	}
	if text != "" {
		out.Body = text
	}
	return out
}

// integers turns whole float64 values into int64, so a stub file written
// from a recording says 1682136 rather than 1.682136e+06.
func integers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = integers(x)
		}
	case []any:
		for i, x := range t {
			t[i] = integers(x)
		}
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<53 {
			return int64(t)
		}
	}
	return v
}
