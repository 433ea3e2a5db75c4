package oas

import (
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Prepared validates requests for one operation. It is built once per route,
// so a request pays for no route lookup, and a request that carries nothing
// the operation could reject (no query string, no body, none of its header
// parameters, no path parameters) is not handed to kin-openapi at all.
type Prepared struct {
	route *routers.Route // nil: the document does not describe the route
	// quiet is true when a request without query string, body or the
	// headers below passes the operation's checks whatever else it holds.
	quiet bool
	// headers are the operation's (optional) header parameters, canonical;
	// a request carrying one of them is validated.
	headers []string
	// memo holds requests that passed (nil when the operation reads
	// cookies, which the memo's key leaves out).
	memo *passMemo
}

// Prepare finds the operation for a route template and method once.
func (s *Spec) Prepare(method, path string) *Prepared {
	route, ok := s.Operation(path, method)
	if !ok {
		return &Prepared{}
	}
	// The providers check credentials themselves; with a no-op
	// authenticator kin-openapi's security pass could only cost (it reads
	// and restores the body, and allocates per requirement). An empty,
	// non-nil requirement list on a copy of the operation skips it.
	op := *route.Operation
	op.Security = &openapi3.SecurityRequirements{}
	route.Operation = &op
	p := &Prepared{route: route, quiet: true, memo: &passMemo{}}
	params := append(openapi3.Parameters{}, route.PathItem.Parameters...)
	params = append(params, route.Operation.Parameters...)
	for _, ref := range params {
		prm := ref.Value
		if prm == nil {
			p.quiet = false
			continue
		}
		if prm.In == openapi3.ParameterInCookie {
			p.memo = nil
		}
		switch {
		case prm.Required, prm.In == openapi3.ParameterInPath, prm.In == openapi3.ParameterInCookie:
			p.quiet = false
		case prm.In == openapi3.ParameterInHeader:
			// kin-openapi reads headers with Header.Get: canonical keys.
			p.headers = append(p.headers, http.CanonicalHeaderKey(prm.Name))
		}
	}
	if rb := route.Operation.RequestBody; rb != nil && (rb.Value == nil || rb.Value.Required) {
		p.quiet = false
	}
	return p
}

// Validate checks r against the prepared operation; vars are the path
// parameters.
func (p *Prepared) Validate(r *http.Request, vars map[string]string) error {
	if p.route == nil || p.skips(r) {
		return nil
	}
	// A request the route passed before, byte for byte, passes again.
	var key *[]byte
	if p.memo != nil {
		key = keyBufs.Get().(*[]byte)
		defer keyBufs.Put(key)
		if !p.key(r, key) {
			key = nil
		} else if p.memo.has(*key) {
			return nil
		}
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: vars, Route: p.route, Options: opts}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		return convert(err)
	}
	if key != nil {
		p.memo.add(*key)
	}
	return nil
}

// skips reports whether r has nothing the operation could reject.
func (p *Prepared) skips(r *http.Request) bool {
	if !p.quiet || r.URL.RawQuery != "" || (r.Body != nil && r.Body != http.NoBody) {
		return false
	}
	for _, h := range p.headers {
		if _, ok := r.Header[h]; ok {
			return false
		}
	}
	return true
}

// ForRoute returns the validator of one route, prepared on its first use
// (which compiles the document if needed).
func (l *Lazy) ForRoute(method, path string) func(r *http.Request, vars map[string]string) error {
	var (
		once sync.Once
		prep *Prepared
	)
	return func(r *http.Request, vars map[string]string) error {
		s, err := l.Get()
		if err != nil {
			return err
		}
		once.Do(func() { prep = s.Prepare(method, path) })
		return prep.Validate(r, vars)
	}
}
