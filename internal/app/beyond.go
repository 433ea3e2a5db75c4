package app

// Answers beyond the emulated routes: stubs declared in the scenario or
// through /__sim/stubs, and the recording proxy (--proxy). The machinery
// lives in internal/stub and internal/upstream; this file only wires it into
// request routing, the tenant's world and the control API.

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/stub"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/internal/upstream"
)

const stubsKey = "stubs"

func stubsOf(w *tenant.World) *stub.Set {
	s, _ := w.Extra(stubsKey).(*stub.Set)
	return s
}

// timeFormats are the layouts each provider writes times in, for a stub's
// {{now}} (RFC 3339 for the others).
var timeFormats = map[string]string{
	"flowroute":  "2006-01-02 15:04:05.000000-07:00",
	"call48":     "2006-01-02T15:04:05.000Z",
	"somos":      stub.UnixMillis, // createdDate: 1550079950581
	"tnregistry": "2006-01-02T15:04Z",
}

func timeFormat(provider string) string { return timeFormats[provider] }

// notEmulated lists real API routes that one of the provider's route
// templates would otherwise swallow: Flowroute's GET /v2/numbers/available
// matches GET /v2/numbers/{number}, which would answer "number not found"
// where the real API lists numbers for sale. They go to stubs and the proxy.
var notEmulated = map[string]map[string]bool{
	"flowroute": {"GET /v2/numbers/available": true},
}

// emulates builds a matcher telling whether a provider has a route for a
// method and path (a path that matches with another method is not emulated
// for this method).
func emulates(name string, routes []provider.Route) func(*http.Request) bool {
	match := provider.Matcher(routes)
	skip := notEmulated[name]
	return func(req *http.Request) bool {
		if skip[req.Method+" "+req.URL.Path] {
			return false
		}
		return match(req.Method, req.URL.Path)
	}
}

// parseStubs decodes and checks the scenario's stubs: section.
func (a *App) parseStubs(sc *scenario.Scenario) ([]stub.Stub, scenario.Problems) {
	sec := sc.Stubs
	if !sec.Present() {
		return nil, nil
	}
	var list []stub.Stub
	if err := sec.Decode(&list); err != nil {
		return nil, scenario.AsProblems(err)
	}
	var ps scenario.Problems
	ids := map[string]bool{}
	for i := range list {
		st := &list[i]
		at := func(field, msg string) {
			ps = append(ps, sec.At(fmt.Sprintf("[%d]%s", i, field), msg))
		}
		if _, ok := a.byName[st.Provider]; !ok {
			at(".provider", fmt.Sprintf("unknown provider %q (known: %s)", st.Provider, strings.Join(a.served(), ", ")))
			continue
		}
		if st.ID != "" {
			if ids[st.ID] {
				at(".id", "duplicate stub id "+st.ID)
			}
			ids[st.ID] = true
		}
		if msg := a.checkStubAuth(*st); msg != "" {
			at(".auth", msg)
			continue
		}
		if err := st.Resolve(sc.ReadFile); err != nil {
			at("."+fieldOf(err), err.Error())
			continue
		}
		if err := stub.Check([]stub.Stub{*st}); err != nil {
			msg := strings.TrimPrefix(err.Error(), "[0].")
			at("."+fieldOf(errors.New(msg)), msg)
		}
	}
	return list, ps
}

// fieldOf takes the field a stub error names ("response.status: ...").
func fieldOf(err error) string {
	f, _, _ := strings.Cut(err.Error(), ":")
	return f
}

// attachStubs gives a new world the scenario's stubs. {{uuid}} values draw
// from the scenario seed and the tenant id.
func (a *App) attachStubs(w *tenant.World, l *loaded) {
	set := stub.NewSet(fmt.Appendf(nil, "%d/%s", l.sc.Seed, w.ID))
	set.TimeFormat = timeFormat
	if err := set.Replace(l.stubs); err != nil {
		a.log.Error("stubs", "tenant", w.ID, "err", err)
	}
	w.SetExtra(stubsKey, set)
}

// serveBeyond answers a request with a stub or the upstream when one
// applies, and reports whether it did. The order: a matching stub (on a
// route the provider does not emulate, or any route with override), then
// the proxy (routes not emulated, or all with --proxy-mode all); otherwise
// the provider's router answers (404 for an unknown path).
func (a *App) serveBeyond(w http.ResponseWriter, r *http.Request, m *mount, world *tenant.World, body []byte, match *provider.Match) bool {
	set := stubsOf(world)
	hasStubs := set != nil && set.Len() > 0
	shadowed := notEmulated[m.info.Name][r.Method+" "+r.URL.Path]
	if !hasStubs && !shadowed && !a.cfg.Proxy.Handles(m.info.Name, false) {
		return false
	}
	emulated := m.emulates(r)
	if hasStubs {
		ans, ok := set.Answer(stub.Request{
			Provider: m.info.Name, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
			Header: r.Header, Body: body, Now: world.Clock.Now(), Emulated: emulated, Base: provider.BaseURL(r),
			Authorize: func(scheme string) error {
				_, err := m.p.Authenticate(r, scheme)
				return err
			},
		})
		if ok && ans.Err != nil {
			match.Provider, match.Route, match.Source = m.info.Name, "stub "+ans.Route, "stub "+ans.StubID
			m.p.WriteError(w, r, ans.Err)
			return true
		}
		if ok {
			match.Provider, match.Route, match.Source = m.info.Name, "stub "+ans.Route, "stub "+ans.StubID
			for k, v := range ans.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(ans.Status)
			_, _ = w.Write(ans.Body)
			return true
		}
	}
	if !a.cfg.Proxy.Handles(m.info.Name, emulated) {
		if shadowed {
			m.p.WriteError(w, r, &provider.HTTPError{Status: http.StatusNotFound, Message: "The requested URL was not found on the server."})
			return true
		}
		return false
	}
	// The metrics label stays bounded: the method, not the raw path.
	match.Provider, match.Route, match.Source = m.info.Name, "proxy "+r.Method, "proxy"
	resp, err := a.cfg.Proxy.Forward(r.Context(), upstream.Request{
		Provider: m.info.Name, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header, Body: body,
	})
	if err != nil {
		a.log.Warn("upstream", "provider", m.info.Name, "err", err)
		match.Source = "proxy error"
		m.p.WriteError(w, r, &provider.HTTPError{Status: http.StatusBadGateway, Message: err.Error()})
		return true
	}
	match.Source = "proxy " + resp.URL
	for k, v := range resp.Header {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
	return true
}

// stubRoutes are the control routes for the tenant's stubs.
func (a *App) stubRoutes() []provider.Route {
	return []provider.Route{
		{Method: http.MethodGet, Path: "/stubs", Name: "list the tenant's stubs, their hits and state machines", Handler: a.listStubs},
		{Method: http.MethodPost, Path: "/stubs", Name: "add a stub (the newest matches first)", Handler: a.addStub},
		{Method: http.MethodDelete, Path: "/stubs", Name: "remove every stub", Handler: a.clearStubs},
		{Method: http.MethodDelete, Path: "/stubs/{id}", Name: "remove one stub", Handler: a.removeStub},
		{Method: http.MethodGet, Path: "/proxy", Name: "the providers forwarded to a real API (--proxy)", Handler: a.listProxy},
	}
}

func (a *App) listStubs(w http.ResponseWriter, r *http.Request) {
	list, states := stubsOf(tenant.From(r.Context())).List()
	provider.WriteJSON(w, http.StatusOK, map[string]any{"stubs": list, "states": states})
}

func (a *App) addStub(w http.ResponseWriter, r *http.Request) {
	var st stub.Stub
	if !provider.DecodeControl(w, r, &st) {
		return
	}
	if _, ok := a.byName[st.Provider]; !ok {
		provider.WriteControlError(w, http.StatusBadRequest, fmt.Sprintf("provider: unknown provider %q (known: %s)", st.Provider, strings.Join(a.served(), ", ")))
		return
	}
	if msg := a.checkStubAuth(st); msg != "" {
		provider.WriteControlError(w, http.StatusBadRequest, "auth: "+msg)
		return
	}
	if err := st.Resolve(nil); err != nil {
		provider.WriteControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	added, err := stubsOf(tenant.From(r.Context())).Add(st)
	if err != nil {
		provider.WriteControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	provider.WriteJSON(w, http.StatusCreated, added)
}

func (a *App) clearStubs(w http.ResponseWriter, r *http.Request) {
	stubsOf(tenant.From(r.Context())).Clear()
	w.WriteHeader(http.StatusNoContent)
}

func (a *App) removeStub(w http.ResponseWriter, r *http.Request) {
	id := provider.Vars(r)["id"]
	if !stubsOf(tenant.From(r.Context())).Delete(id) {
		provider.WriteControlError(w, http.StatusNotFound, "no stub "+id)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *App) listProxy(w http.ResponseWriter, r *http.Request) {
	targets := a.cfg.Proxy.Targets()
	names := make([]string, 0, len(targets))
	for k := range targets {
		names = append(names, k)
	}
	sort.Strings(names)
	type item struct {
		Provider string `json:"provider"`
		URL      string `json:"url"`
	}
	out := []item{}
	for _, n := range names {
		out = append(out, item{n, targets[n]})
	}
	mode := ""
	if a.cfg.Proxy != nil {
		mode = string(a.cfg.Proxy.Mode())
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"upstreams": out, "mode": mode})
}

// Emulates says whether a provider has a route for a method and path (the
// real API's path, "/v2/cnams/17").
func (a *App) Emulates(name, method, path string) bool {
	m, ok := a.byName[name]
	if !ok {
		return false
	}
	return m.emulates(&http.Request{Method: method, URL: &url.URL{Path: path}, Header: http.Header{}})
}

// checkStubAuth reports a stub's auth scheme that none of the provider's
// routes uses ("" when fine).
func (a *App) checkStubAuth(st stub.Stub) string {
	if st.Auth == "" {
		return ""
	}
	m := a.byName[st.Provider]
	var schemes []string
	seen := map[string]bool{}
	for _, rt := range m.routes {
		if rt.Auth != provider.AuthNone && !seen[rt.Auth] {
			seen[rt.Auth] = true
			schemes = append(schemes, rt.Auth)
		}
	}
	if seen[st.Auth] {
		return ""
	}
	sort.Strings(schemes)
	return fmt.Sprintf("%s has no credential scheme %q (known: %s)", st.Provider, st.Auth, strings.Join(schemes, ", "))
}
