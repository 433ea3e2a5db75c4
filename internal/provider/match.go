package provider

import (
	"context"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/gorilla/mux"
	"github.com/telecomsim/simulator/internal/tenant"
)

// routeTable matches a provider's routes the way the gorilla/mux router it
// replaces did (same templates, same cleaning redirect, same 404/405
// choice), without mux's per-request regular expressions and its two
// request copies: route variables go into the request's Match.
type routeTable struct {
	routes   []tableRoute
	notFound http.Handler
	notAllow http.Handler
}

type tableRoute struct {
	method  string
	segs    []string // literal segments; "" where a variable goes
	vars    []string // variable names, by segment ("" for literals)
	nvars   int
	handler http.Handler
}

// compileTemplate splits a template such as "/v2/cnams/{id}" into segments.
// It reports false for templates the table does not handle (a variable
// that is not a whole segment, or that has its own pattern); the provider
// is then served by gorilla/mux.
func compileTemplate(method, tmpl string, h http.Handler) (tableRoute, bool) {
	if !strings.HasPrefix(tmpl, "/") {
		return tableRoute{}, false
	}
	parts := strings.Split(tmpl[1:], "/")
	rt := tableRoute{method: method, segs: make([]string, len(parts)), vars: make([]string, len(parts)), handler: h}
	for i, p := range parts {
		if !strings.ContainsAny(p, "{}") {
			rt.segs[i] = p
			continue
		}
		name, ok := strings.CutPrefix(p, "{")
		if !ok {
			return tableRoute{}, false
		}
		name, ok = strings.CutSuffix(name, "}")
		if !ok || name == "" || strings.ContainsAny(name, "{}:") {
			return tableRoute{}, false
		}
		rt.vars[i] = name
		rt.nvars++
	}
	return rt, true
}

// match reports whether p (without its leading slash) fits the route's
// segments, and fills vals (when not nil) with the variables' values by
// segment.
func (rt *tableRoute) match(p string, vals []string) bool {
	for i := range rt.segs {
		seg, rest, more := strings.Cut(p, "/")
		if more != (i < len(rt.segs)-1) {
			return false
		}
		if rt.vars[i] != "" {
			if seg == "" {
				return false
			}
			if vals != nil {
				vals[i] = seg
			}
		} else if seg != rt.segs[i] {
			return false
		}
		p = rest
	}
	return true
}

func (t *routeTable) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	p := req.URL.Path
	if c := cleanPath(p); c != p {
		u := *req.URL
		u.Path = c
		w.Header().Set("Location", u.String())
		w.WriteHeader(http.StatusMovedPermanently)
		return
	}
	var valBuf [8]string
	pathMatched := false
	for i := range t.routes {
		rt := &t.routes[i]
		vals := valBuf[:0]
		if len(rt.segs) <= len(valBuf) {
			vals = valBuf[:len(rt.segs)]
		} else {
			vals = make([]string, len(rt.segs))
		}
		if !rt.match(p[1:], vals) {
			continue
		}
		if rt.method != req.Method {
			pathMatched = true
			continue
		}
		var vars map[string]string
		if rt.nvars > 0 {
			vars = make(map[string]string, rt.nvars)
			for j, name := range rt.vars {
				if name != "" {
					vars[name] = vals[j]
				}
			}
		}
		if m := MatchFrom(req.Context()); m != nil {
			m.vars, m.routed = vars, true
		} else {
			if vars == nil {
				vars = map[string]string{}
			}
			req = mux.SetURLVars(req, vars)
		}
		rt.handler.ServeHTTP(w, req)
		return
	}
	if pathMatched {
		t.notAllow.ServeHTTP(w, req)
		return
	}
	t.notFound.ServeHTTP(w, req)
}

// Matcher returns a function that reports whether one of routes answers a
// method and path, as gorilla/mux's Router.Match did (no path cleaning; a
// path that matches only with another method does not count).
func Matcher(routes []Route) func(method, path string) bool {
	table := make([]tableRoute, 0, len(routes))
	for _, rt := range routes {
		tr, ok := compileTemplate(rt.Method, rt.Path, nil)
		if !ok {
			return muxMatcher(routes)
		}
		table = append(table, tr)
	}
	return func(method, path string) bool {
		if !strings.HasPrefix(path, "/") {
			return false
		}
		for i := range table {
			if table[i].method == method && table[i].match(path[1:], nil) {
				return true
			}
		}
		return false
	}
}

// muxMatcher is Matcher for templates the route table does not handle.
func muxMatcher(routes []Route) func(method, path string) bool {
	r := mux.NewRouter()
	for _, rt := range routes {
		r.Handle(rt.Path, http.NotFoundHandler()).Methods(rt.Method)
	}
	return func(method, path string) bool {
		var m mux.RouteMatch
		req := &http.Request{Method: method, URL: &url.URL{Path: path}, Header: http.Header{}}
		return r.Match(req, &m) && m.MatchErr == nil
	}
}

// cleanPath is gorilla/mux's: the path.Clean form, keeping a trailing slash.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// matchCtx is a context carrying a Match, in one allocation with it, and
// optionally the tenant's world (answering tenant.From).
type matchCtx struct {
	context.Context
	m     Match
	world *tenant.World
}

func (c *matchCtx) Value(key any) any {
	if key == (matchKey{}) {
		return &c.m
	}
	if c.world != nil && tenant.IsContextKey(key) {
		return c.world
	}
	return c.Context.Value(key)
}

// routedParts are a routed request's URL and Match context, allocated
// together.
type routedParts struct {
	url url.URL
	ctx matchCtx
}

// Routed returns a shallow copy of r whose context carries world (for
// tenant.From) and an empty Match (returned too) and whose URL path is path
// (RequestURI untouched): what the engine hands a provider's router, in two
// allocations.
func Routed(r *http.Request, world *tenant.World, path string) (*http.Request, *Match) {
	rp := &routedParts{url: *r.URL}
	rp.ctx.Context = r.Context()
	rp.ctx.world = world
	rp.url.Path = path
	rp.url.RawPath = ""
	r2 := r.WithContext(&rp.ctx)
	r2.URL = &rp.url
	return r2, &rp.ctx.m
}
