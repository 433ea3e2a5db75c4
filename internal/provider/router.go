package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/gorilla/mux"
	"github.com/telecomsim/simulator/internal/jsonindent"
	"github.com/telecomsim/simulator/internal/tenant"
)

// Match is filled in while a request is served, so the engine (journal,
// faults, metrics) can see which route it matched and what befell it.
type Match struct {
	Provider string
	// Route is the matched route as "METHOD /path" (the journal's and the
	// metrics' label), "" when no route matched.
	Route string
	// Fault names the fault rule that fired on the request, if any.
	Fault string
	// Source says what answered when it was not an emulated route: "stub
	// ID", "proxy URL" or "proxy error".
	Source string
	// Authenticated is set once the route's auth scheme accepted the
	// request's credentials.
	Authenticated bool
	// Refused is set when the provider refused the request in a body whose
	// HTTP status does not say so (Call48 answers errors with 200).
	Refused bool
	// Body is the request body as the engine read it (bounded), for the
	// engine's own middleware; handlers read the request's Body.
	Body []byte
	// Caller is what the provider's Authenticate recorded about the
	// caller (SetCaller), so it needs no request copy of its own.
	Caller any

	// vars are the route variables; routed says the route table set them.
	vars   map[string]string
	routed bool
}

type matchKey struct{}

// WithMatch returns ctx carrying an empty Match for the router to fill.
func WithMatch(ctx context.Context) (context.Context, *Match) {
	c := &matchCtx{Context: ctx}
	return c, &c.m
}

// SetCaller records the authenticated caller in the request's Match and
// reports whether there was one to record it in (a request served through
// the engine); without one, keep the caller in the request's context.
func SetCaller(r *http.Request, caller any) bool {
	m := MatchFrom(r.Context())
	if m == nil {
		return false
	}
	m.Caller = caller
	return true
}

// MatchFrom returns the Match in ctx, or nil.
func MatchFrom(ctx context.Context) *Match {
	m, _ := ctx.Value(matchKey{}).(*Match)
	return m
}

// MarkRefused records that the provider refused r, for a provider whose
// error answers can carry HTTP 200.
func MarkRefused(r *http.Request) {
	if m := MatchFrom(r.Context()); m != nil {
		m.Refused = true
	}
}

// Wrapper wraps a route's handler before auth and validation run; the engine
// uses it to inject faults.
type Wrapper func(p Provider, rt *Route, next http.Handler) http.Handler

// Validator checks a request against the provider's OpenAPI document.
type Validator interface {
	ValidateRequest(r *http.Request, path string, vars map[string]string) error
}

// Handler serves p's routes at their real paths: the router matches, then
// for each route: auth (when the route has a scheme), OpenAPI request
// validation, the handler. Unknown paths and methods go to p.WriteError.
func Handler(p Provider, spec Validator, wrap Wrapper) http.Handler {
	notFound := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		p.WriteError(w, req, &HTTPError{Status: http.StatusNotFound, Message: "The requested URL was not found on the server."})
	})
	notAllowed := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		p.WriteError(w, req, &HTTPError{Status: http.StatusMethodNotAllowed, Message: "The method is not allowed for the requested URL."})
	})
	name := p.Info().Name
	routes := p.Routes()
	handlers := make([]http.Handler, len(routes))
	for i := range routes {
		rt := &routes[i]
		var h http.Handler = routeHandler(p, validatorFor(spec, rt), rt)
		if wrap != nil {
			h = wrap(p, rt, h)
		}
		handlers[i] = mark(name, rt, h)
	}
	table := &routeTable{notFound: notFound, notAllow: notAllowed}
	for i := range routes {
		tr, ok := compileTemplate(routes[i].Method, routes[i].Path, handlers[i])
		if !ok {
			return muxHandler(routes, handlers, notFound, notAllowed)
		}
		table.routes = append(table.routes, tr)
	}
	return table
}

// muxHandler serves routes whose templates the route table does not handle.
func muxHandler(routes []Route, handlers []http.Handler, notFound, notAllowed http.Handler) http.Handler {
	r := mux.NewRouter()
	r.NotFoundHandler = notFound
	r.MethodNotAllowedHandler = notAllowed
	for i := range routes {
		r.Handle(routes[i].Path, handlers[i]).Methods(routes[i].Method)
	}
	return r
}

// RouteValidators is implemented by validators that prepare each route's
// checks once (oas.Lazy).
type RouteValidators interface {
	ForRoute(method, path string) func(r *http.Request, vars map[string]string) error
}

func validatorFor(spec Validator, rt *Route) func(*http.Request, map[string]string) error {
	if spec == nil || rt.NoValidate {
		return nil
	}
	if rv, ok := spec.(RouteValidators); ok {
		return rv.ForRoute(rt.Method, rt.Path)
	}
	return func(r *http.Request, vars map[string]string) error { return spec.ValidateRequest(r, rt.Path, vars) }
}

func mark(name string, rt *Route, next http.Handler) http.Handler {
	label := rt.Method + " " + rt.Path // once per route, not per request
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if m := MatchFrom(req.Context()); m != nil {
			m.Provider, m.Route = name, label
		}
		next.ServeHTTP(w, req)
	})
}

func routeHandler(p Provider, validate func(*http.Request, map[string]string) error, rt *Route) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		if rt.Auth != AuthNone {
			r2, err := p.Authenticate(req, rt.Auth)
			if err != nil {
				p.WriteError(w, req, err)
				return
			}
			req = r2
			if m := MatchFrom(req.Context()); m != nil {
				m.Authenticated = true
			}
		}
		if validate != nil {
			if err := validate(req, Vars(req)); err != nil {
				p.WriteError(w, req, err)
				return
			}
		}
		rt.Handler(w, req)
	}
}

type varsKey struct{}

// WithVars returns r carrying vars as its route variables, for a router
// other than the route table (the control API's).
func WithVars(r *http.Request, vars map[string]string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), varsKey{}, vars))
}

// Vars returns the route variables of a request.
func Vars(r *http.Request) map[string]string {
	if m := MatchFrom(r.Context()); m != nil && m.routed {
		return m.vars
	}
	if v, ok := r.Context().Value(varsKey{}).(map[string]string); ok {
		return v
	}
	return mux.Vars(r)
}

// WriteJSON writes v as JSON with the given status: indented by two spaces,
// <, > and & as they are, a newline after.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b := jsonBufs.Get().(*jsonBuf)
	b.compact.Reset()
	enc := json.NewEncoder(&b.compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
	} else {
		b.out = writeCompact(w, status, bytes.TrimSuffix(b.compact.Bytes(), []byte("\n")), b.out)
	}
	if b.compact.Cap() <= 64<<10 && cap(b.out) <= 128<<10 {
		jsonBufs.Put(b)
	}
}

// WriteCompactJSON writes a document already encoded as compact JSON the
// way WriteJSON writes a value.
func WriteCompactJSON(w http.ResponseWriter, status int, compact []byte) {
	b := jsonBufs.Get().(*jsonBuf)
	b.out = writeCompact(w, status, compact, b.out)
	if b.compact.Cap() <= 64<<10 && cap(b.out) <= 128<<10 {
		jsonBufs.Put(b)
	}
}

// writeCompact indents compact into buf (as an Encoder with SetIndent("",
// "  ") writes it, at a third of the cost), writes it and returns buf.
func writeCompact(w http.ResponseWriter, status int, compact, buf []byte) []byte {
	buf = append(jsonindent.Append(buf[:0], compact), '\n')
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf)
	return buf
}

// jsonBuf holds an answer being written by WriteJSON or WriteCompactJSON.
type jsonBuf struct {
	compact bytes.Buffer
	out     []byte
}

var jsonBufs = sync.Pool{New: func() any { return new(jsonBuf) }}

// WriteControlError is the control API's error writer: {"error": msg}.
func WriteControlError(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, map[string]string{"error": msg})
}

// DecodeControl decodes a control API JSON body strictly (unknown fields are
// errors) and writes a 400 itself when it fails; it reports success.
func DecodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		WriteControlError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// BaseURL returns the URL prefix the client used to reach the provider's
// routes: scheme, host and whatever tenant or mount prefix came before the
// routed path. Links in responses are built on it, so they point back at the
// simulator the way the real API's links point at the real host. Behind a
// proxy, X-Forwarded-Proto and X-Forwarded-Host name what the client used.
func BaseURL(r *http.Request) string {
	scheme, host, prefix := baseOf(r)
	return scheme + "://" + host + prefix
}

// PinnedBaseURL is BaseURL with the tenant in the path (/t/{tenant}) even
// when the client named it with the tenant header: for URLs that are
// followed without the client's headers, such as presigned upload links.
func PinnedBaseURL(r *http.Request) string {
	scheme, host, prefix := baseOf(r)
	if w := tenant.From(r.Context()); w != nil && w.ID != tenant.Default && !strings.Contains(prefix+"/", "/t/"+w.ID+"/") {
		prefix = "/t/" + w.ID + prefix
	}
	return scheme + "://" + host + prefix
}

// baseOf splits BaseURL into scheme, host and the path prefix.
func baseOf(r *http.Request) (scheme, host, prefix string) {
	scheme = "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	host = r.Host
	if h := r.Header.Get("X-Forwarded-Host"); h != "" && !strings.ContainsAny(h, "/?#@ ") {
		host = h
	}
	orig := r.RequestURI
	if i := strings.IndexAny(orig, "?#"); i >= 0 {
		orig = orig[:i]
	}
	// An absolute-form request target ("http://host/path", or "//host/path")
	// names a host; a plain path needs no parsing.
	if !strings.HasPrefix(orig, "/") || strings.HasPrefix(orig, "//") {
		if u, err := url.Parse(orig); err == nil && u.Host != "" {
			orig = u.Path
		}
	}
	if strings.HasSuffix(orig, r.URL.Path) {
		prefix = strings.TrimSuffix(orig, r.URL.Path)
	} else if dec, err := url.PathUnescape(orig); err == nil && strings.HasSuffix(dec, r.URL.Path) {
		prefix = strings.TrimSuffix(dec, r.URL.Path)
	}
	return scheme, host, strings.TrimSuffix(prefix, "/")
}
