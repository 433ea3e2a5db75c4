package control

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strings"

	"github.com/telecomsim/simulator/internal/journal"
)

// difference is one way a journaled request differs from an expectation.
type difference struct {
	Field    string `json:"field"` // method, path, provider, query.NAME, header.NAME, body, body.a.b[0]
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
}

// nearMiss is a request that did not match, with everything that differed.
type nearMiss struct {
	Request     journal.Entry `json:"request"`
	Differences []difference  `json:"differences"`
}

// weight ranks a near miss: a request for another route is further away
// than one with a wrong header or body field.
func weight(ds []difference) int {
	n := 0
	for _, d := range ds {
		switch d.Field {
		case "provider", "path":
			n += 4
		case "method":
			n += 2
		default:
			n++
		}
	}
	return n
}

// closest returns up to n misses, the lightest first; among equals the
// newest (the order they came in) first.
func closest(misses []nearMiss, n int) []nearMiss {
	sort.SliceStable(misses, func(i, j int) bool {
		return weight(misses[i].Differences) < weight(misses[j].Differences)
	})
	if len(misses) > n {
		misses = misses[:n]
	}
	if misses == nil {
		return []nearMiss{}
	}
	return misses
}

// absent is how a difference shows something the request does not have.
const absent = "(absent)"

// diff lists how e differs from the expectation; none means it matches.
func (x *expectation) diff(e *journal.Entry) []difference {
	var ds []difference
	if x.provider != "" && e.Provider != x.provider {
		ds = append(ds, difference{"provider", x.provider, e.Provider})
	}
	if x.method != "" && !strings.EqualFold(e.Method, x.method) {
		ds = append(ds, difference{"method", x.method, e.Method})
	}
	if !x.pathMatches(e) {
		ds = append(ds, difference{"path", x.pattern.Path, e.Path})
	}
	if len(x.query) > 0 {
		q, _ := url.ParseQuery(e.Query)
		for _, k := range sortedKeys(x.query) {
			want := x.query[k]
			got, ok := q[k]
			switch {
			case !ok:
				ds = append(ds, difference{"query." + k, quote(want), absent})
			case !contains(got, want):
				ds = append(ds, difference{"query." + k, quote(want), quote(strings.Join(got, ","))})
			}
		}
	}
	for _, k := range sortedKeys(x.headers) {
		want := x.headers[k]
		got, ok := e.ReqHeaders.Lookup(k)
		switch {
		case !ok:
			ds = append(ds, difference{"header." + k, quote(want), absent})
		case !headerMatches(want, got):
			ds = append(ds, difference{"header." + k, quote(want), quote(got)})
		}
	}
	if x.hasBody {
		ds = append(ds, bodyDiff(x.body, e)...)
	}
	return ds
}

// pathMatches tries the pattern against the request's path and route
// template, each relative to the provider (with or without its base path)
// and as seen on the main port (with the provider's mount).
func (x *expectation) pathMatches(e *journal.Entry) bool {
	tpl := e.Route
	if _, rest, ok := strings.Cut(tpl, " "); ok {
		tpl = rest
	}
	info := x.infos[e.Provider]
	if x.pattern.Matches("", e.Path, tpl, info.BasePath) {
		return true
	}
	if info.Mount == "" {
		return false
	}
	if tpl != "" {
		tpl = info.Mount + tpl
	}
	return x.pattern.Matches("", info.Mount+e.Path, tpl, info.Mount+info.BasePath)
}

func contains(vs []string, v string) bool {
	for _, s := range vs {
		if s == v {
			return true
		}
	}
	return false
}

// headerMatches compares a header value exactly; the journal keeps
// credentials (Authorization, X-Authorization, Cookie) only as a
// fingerprint (journal.MaskCredential), so the expected value matches when
// its fingerprint does.
func headerMatches(want, got string) bool {
	return want == got || journal.MaskCredential(want) == got
}

// bodyDiff compares the expected body with the request's. An expected JSON
// object or array must be a subset of the request's JSON (or of its form
// fields, for a form-encoded request); an expected string must occur in the
// raw body.
func bodyDiff(want any, e *journal.Entry) []difference {
	if s, ok := want.(string); ok {
		if strings.Contains(e.ReqBody, s) {
			return nil
		}
		return []difference{{"body", "text containing " + quote(s), short(e.ReqBody)}}
	}
	var got any
	if err := json.Unmarshal([]byte(e.ReqBody), &got); err != nil {
		form, ferr := url.ParseQuery(e.ReqBody)
		ct, _ := e.ReqHeaders.Lookup("Content-Type")
		if ferr != nil || !strings.Contains(ct, "form-urlencoded") {
			if e.ReqBody == "" {
				return []difference{{"body", encode(want), absent}}
			}
			return []difference{{"body", encode(want), "not JSON: " + short(e.ReqBody)}}
		}
		m := map[string]any{}
		for k, vs := range form {
			m[k] = vs[0]
		}
		got = m
	}
	var ds []difference
	subset("body", want, got, &ds)
	return ds
}

// subset records where got fails to contain want: objects may have more
// keys than expected, arrays must have the expected length, scalars must be
// equal (a string also matches its journal fingerprint).
func subset(field string, want, got any, ds *[]difference) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*ds = append(*ds, difference{field, "an object", encode(got)})
			return
		}
		for _, k := range sortedKeys(w) {
			gv, ok := g[k]
			if !ok {
				*ds = append(*ds, difference{field + "." + k, encode(w[k]), absent})
				continue
			}
			subset(field+"."+k, w[k], gv, ds)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			*ds = append(*ds, difference{field, encode(want), encode(got)})
			return
		}
		for i := range w {
			subset(fmt.Sprintf("%s[%d]", field, i), w[i], g[i], ds)
		}
	default:
		if reflect.DeepEqual(want, got) {
			return
		}
		// The journal keeps credentials in bodies as a fingerprint
		// (journal.RedactBody): the whole credential matches its fingerprint.
		if ws, ok := want.(string); ok && got == journal.Mask(ws) {
			return
		}
		*ds = append(*ds, difference{field, encode(want), encode(got)})
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return short(string(b))
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// short keeps a difference readable: at most 80 characters of a value.
func short(s string) string {
	const limit = 80
	if len([]rune(s)) <= limit {
		return s
	}
	return string([]rune(s)[:limit]) + "…"
}
