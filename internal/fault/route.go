package fault

import (
	"fmt"
	"path"
	"strings"
)

// Pattern is a parsed rule route: a method ("" for any) and path segments.
type Pattern struct {
	Method string
	Path   string
	segs   []string
}

var methods = map[string]bool{
	"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true,
	"DELETE": true, "OPTIONS": true, "CONNECT": true, "TRACE": true,
}

// ParsePattern reads "METHOD /path", "* /path" or "/path". In the path, a
// segment may be a route variable ("{id}"), contain shell-style wildcards
// ("*", "?", "[a-z]") that stay within the segment, or be "**", which
// matches any number of segments.
func ParsePattern(s string) (Pattern, error) {
	s = strings.TrimSpace(s)
	var p Pattern
	method, rest, ok := strings.Cut(s, " ")
	if ok {
		p.Method = strings.ToUpper(method)
		s = strings.TrimSpace(rest)
		if p.Method == "*" || p.Method == "ANY" {
			p.Method = ""
		} else if !methods[p.Method] {
			return Pattern{}, fmt.Errorf("unknown method %q (want GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or *)", method)
		}
	}
	if !strings.HasPrefix(s, "/") {
		return Pattern{}, fmt.Errorf(`expected "METHOD /path" such as "GET /cnams", got %q`, strings.TrimSpace(method+" "+s))
	}
	if strings.ContainsAny(s, " \t#") {
		return Pattern{}, fmt.Errorf("the path %q must not contain spaces or '#'", s)
	}
	p.Path = cleanPath(s)
	p.segs = split(p.Path)
	for _, seg := range p.segs {
		if isVar(seg) || seg == "**" {
			continue
		}
		if strings.Contains(seg, "**") {
			return Pattern{}, fmt.Errorf("in %q, ** must be a whole segment", s)
		}
		if _, err := path.Match(seg, ""); err != nil {
			return Pattern{}, fmt.Errorf("bad glob segment %q in %q", seg, s)
		}
	}
	return p, nil
}

// String writes the pattern back as "METHOD /path" ("* /path" for any).
func (p Pattern) String() string {
	m := p.Method
	if m == "" {
		m = "*"
	}
	return m + " " + p.Path
}

func cleanPath(s string) string {
	if s == "" {
		return "/"
	}
	for strings.Contains(s, "//") {
		s = strings.ReplaceAll(s, "//", "/")
	}
	if len(s) > 1 {
		s = strings.TrimSuffix(s, "/")
	}
	return s
}

func split(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func isVar(seg string) bool {
	return len(seg) >= 2 && seg[0] == '{' && seg[len(seg)-1] == '}'
}

// candidates lists the forms of a path a rule may have been written against:
// as given, without the base path, and with it.
func candidates(p, base string) []string {
	p = cleanPath(p)
	base = cleanPath(base)
	out := []string{p}
	if base == "/" {
		return out
	}
	if p == base {
		out = append(out, "/")
	} else if strings.HasPrefix(p, base+"/") {
		out = append(out, p[len(base):])
	} else {
		out = append(out, cleanPath(base+"/"+p))
	}
	return out
}

func (p Pattern) methodOK(method string) bool {
	if p.Method == "" {
		return true
	}
	m := strings.ToUpper(method)
	return p.Method == m || (p.Method == "GET" && m == "HEAD")
}

// Matches reports whether a request matches: method, and the route template
// or the concrete path, each with or without the base path.
func (p Pattern) Matches(method, concrete, template, base string) bool {
	if !p.methodOK(method) {
		return false
	}
	for _, raw := range []string{template, concrete} {
		if raw == "" {
			continue
		}
		for _, c := range candidates(raw, base) {
			if matchSegs(p.segs, split(c), false) {
				return true
			}
		}
	}
	return false
}

// MatchesRoute reports whether a provider route (method and template, e.g.
// "GET" "/v2/cnams/{id}") could match the pattern: callers use it to reject a
// rule naming a route that does not exist. A template variable accepts any
// concrete segment in the pattern.
func (p Pattern) MatchesRoute(method, template, base string) bool {
	if p.Method != "" && !strings.EqualFold(p.Method, method) {
		return false
	}
	for _, c := range candidates(template, base) {
		if matchSegs(p.segs, split(c), true) {
			return true
		}
	}
	return false
}

// matchSegs matches pattern segments against path segments. When
// loose, a "{var}" path segment (a template variable) accepts any pattern
// segment.
func matchSegs(pat, segs []string, loose bool) bool {
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if matchSegs(pat[1:], segs[i:], loose) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	if !matchSeg(pat[0], segs[0], loose) {
		return false
	}
	return matchSegs(pat[1:], segs[1:], loose)
}

func matchSeg(pat, seg string, loose bool) bool {
	if pat == seg {
		return true
	}
	if loose && isVar(seg) {
		return true
	}
	if isVar(pat) {
		// A variable in the rule matches a variable in the template of any
		// name, or any concrete segment.
		return seg != ""
	}
	ok, _ := path.Match(pat, seg)
	return ok
}
