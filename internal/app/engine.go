package app

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/telecomsim/simulator/docs"
	"github.com/telecomsim/simulator/internal/control"
	"github.com/telecomsim/simulator/internal/fault"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/stub"
	"github.com/telecomsim/simulator/internal/tenant"
)

func (a *App) newControl() http.Handler {
	return control.New(a, append(append(a.ControlRoutes(), a.engineRoutes()...), a.stubRoutes()...))
}

func (a *App) serveControl(w http.ResponseWriter, r *http.Request, id, path string) {
	// Health and the dashboard's static files stay open (a browser cannot
	// send the token when loading a page; the page asks for it and sends it
	// on its API calls).
	open := path == "/__sim/health" || path == "/__sim/ui" || strings.HasPrefix(path, "/__sim/ui/")
	if a.cfg.AdminToken != "" && !open && !a.adminOK(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="simulator control API"`)
		provider.WriteControlError(w, http.StatusUnauthorized, "the control API needs the admin token: Authorization: Bearer <token>")
		return
	}
	ctx := control.WithTenant(r.Context(), id)
	if strings.HasPrefix(r.URL.Path, "/t/") {
		ctx = control.WithScoped(ctx)
	}
	r2 := withPath(r.WithContext(ctx), path)
	a.control.ServeHTTP(w, r2)
}

func (a *App) adminOK(r *http.Request) bool {
	// Only "Bearer TOKEN" (the scheme is case-insensitive, RFC 7235); the
	// bare token is refused, so a token pasted into the wrong header or
	// scheme does not open the control API by accident.
	scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(a.cfg.AdminToken)) == 1
}

// SpecRaw returns a provider's OpenAPI document as shipped.
func (a *App) SpecRaw(name string) ([]byte, bool) {
	m, ok := a.byName[name]
	if !ok {
		return nil, false
	}
	return m.spec.Raw(), true
}

// LoadTenantScenario makes a scenario one tenant's world (PUT /__sim/scenario).
func (a *App) LoadTenantScenario(id, file string, data []byte) (*scenario.Scenario, error) {
	if !tenant.ValidID(id) {
		return nil, scenario.Problems{{Msg: "invalid tenant id"}}
	}
	sc, err := scenario.Parse(file, data, a.Names(), func(string) ([]byte, error) {
		return nil, errIncludeInRequest
	})
	if err != nil {
		return nil, err
	}
	l, err := a.configure(sc)
	if err != nil {
		return nil, err
	}
	w, err := a.build(id, l, "")
	if err != nil {
		return nil, err
	}
	w.SetExtra(tenantScenarioKey, l)
	if err := a.tenants.Put(w); err != nil {
		w.Close()
		return nil, scenario.Problems{{Msg: err.Error()}}
	}
	return sc, nil
}

type includeErr struct{}

func (includeErr) Error() string {
	return "files (includes, stub body files) are not available for scenarios sent over the control API; put the content inline"
}

var errIncludeInRequest = includeErr{}

// engineRoutes are control routes owned by the engine rather than a provider.
func (a *App) engineRoutes() []provider.Route {
	return append(a.uiRoutes(), []provider.Route{
		{Method: http.MethodGet, Path: "/faults", Name: "list the tenant's fault rules", Handler: a.listFaults},
		{Method: http.MethodPost, Path: "/faults", Name: "add a fault rule", Handler: a.addFault},
		{Method: http.MethodDelete, Path: "/faults", Name: "remove every fault rule", Handler: a.clearFaults},
		{Method: http.MethodDelete, Path: "/faults/{id}", Name: "remove one fault rule", Handler: a.removeFault},
		{Method: http.MethodGet, Path: "/metrics", Name: "Prometheus metrics", Handler: a.serveMetrics},
		{Method: http.MethodGet, Path: "/docs/{page}", Name: "a documentation page (Markdown as text)", Handler: a.serveDoc},
		{Method: http.MethodGet, Path: "/scenario/schema", Name: "the JSON Schema of scenario files", Handler: a.serveSchema},
		{Method: http.MethodGet, Path: "/events", Name: "the scenario's scheduled events, pending and done", Handler: a.listEvents},
	}...)
}

const faultsKey = "faults"

func faultsOf(w *tenant.World) *fault.Set {
	s, _ := w.Extra(faultsKey).(*fault.Set)
	return s
}

// wrapRoute runs engine concerns around each provider route: fault rules.
func (a *App) wrapRoute(p provider.Provider, rt *provider.Route, next http.Handler) http.Handler {
	info := p.Info()
	render := func(w http.ResponseWriter, r *http.Request, status int, body []byte) {
		p.WriteError(w, r, &provider.HTTPError{Status: status, Message: http.StatusText(status), Body: body})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		world := tenant.From(r.Context())
		set := faultsOf(world)
		if set == nil || set.Len() == 0 {
			next.ServeHTTP(w, r)
			return
		}
		// The engine has read the body already (serveProvider); a rule
		// matches on those bytes and the handler reads them afresh.
		m := provider.MatchFrom(r.Context())
		var body []byte
		if m != nil {
			body = m.Body
		}
		req := fault.Request{
			Tenant: world.ID, Provider: info.Name, Method: r.Method, Path: r.URL.Path,
			RouteTemplate: rt.Path, BasePath: info.BasePath, Header: r.Header, Body: body, Next: next,
		}
		fired, handled := set.Apply(w, r, req, world.Clock.Now(), render)
		if fired != nil && m != nil {
			m.Fault = fired.ID + " (" + fired.Action() + ")"
		}
		if !handled {
			next.ServeHTTP(w, r) // no action that passes the request on reads its body
		}
	})
}

// checkFault reports a rule naming a provider or route that does not exist:
// the field at fault and the message, or "" when the rule is fine.
func (a *App) checkFault(r fault.Rule) (field, msg string) {
	if r.Provider == "*" {
		return "", ""
	}
	m, ok := a.byName[r.Provider]
	if !ok {
		return "provider", fmt.Sprintf("unknown provider %q (known: %s)", r.Provider, strings.Join(a.served(), ", "))
	}
	pat, err := fault.ParsePattern(r.Route)
	if err != nil {
		return "route", err.Error()
	}
	for _, rt := range m.routes {
		if pat.MatchesRoute(rt.Method, rt.Path, m.info.BasePath) {
			return "", ""
		}
	}
	return "route", fmt.Sprintf("route %q matches none of %s's routes (see simulator routes)", r.Route, r.Provider)
}

// configureFaults parses and checks the scenario's fault rules.
func (a *App) configureFaults(sc *scenario.Scenario) ([]fault.Rule, scenario.Problems) {
	rules, err := fault.Parse(sc.Faults, sc.Clock.Start)
	if err != nil {
		return nil, scenario.AsProblems(err)
	}
	var ps scenario.Problems
	for i, r := range rules {
		if field, msg := a.checkFault(r); msg != "" {
			ps = append(ps, sc.Faults.At(fmt.Sprintf("[%d].%s", i, field), msg))
		}
	}
	return rules, ps
}

// attachEngine gives a new world its engine-level parts. Fault decisions
// draw from the scenario seed alone, so a CI job gets the same fault
// sequence whatever its tenant is called.
func (a *App) attachEngine(w *tenant.World, l *loaded) {
	set := fault.NewSet(l.sc.Seed)
	if err := set.Replace(l.faults, l.sc.Clock.Start); err != nil {
		a.log.Error("fault rules", "tenant", w.ID, "err", err)
	}
	w.SetExtra(faultsKey, set)
	a.attachStubs(w, l)
}

type engineDoc struct {
	Faults any            `json:"faults"`
	Events []eventItem    `json:"events"`
	Stubs  *stub.Snapshot `json:"stubs,omitempty"`
}

func (a *App) exportEngine(w *tenant.World) engineDoc {
	doc := engineDoc{Faults: faultsOf(w).Export(), Events: []eventItem{}}
	if l := eventsOf(w); l != nil {
		doc.Events = l.export()
	}
	if set := stubsOf(w); set != nil {
		snap := set.Export()
		doc.Stubs = &snap
	}
	return doc
}

func (a *App) importEngine(w *tenant.World, raw []byte) error {
	if len(raw) == 0 {
		return nil
	}
	var doc struct {
		Faults json.RawMessage `json:"faults"`
		Events json.RawMessage `json:"events"`
		Stubs  json.RawMessage `json:"stubs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	if err := a.importEvents(w, doc.Events); err != nil {
		return fmt.Errorf("events: %w", err)
	}
	// A document from before stubs were exported keeps the scenario's.
	if set := stubsOf(w); set != nil && len(doc.Stubs) > 0 && string(doc.Stubs) != "null" {
		var snap stub.Snapshot
		if err := tenant.DecodeState(doc.Stubs, &snap); err != nil {
			return tenant.AsProblems(err).Under("stubs")
		}
		if err := set.Import(snap); err != nil {
			path, msg, _ := strings.Cut(err.Error(), ": ")
			return tenant.Problems{{Path: "stubs." + path, Message: msg}}
		}
	}
	if len(doc.Faults) == 0 || string(doc.Faults) == "null" {
		return nil
	}
	return faultsOf(w).Import(doc.Faults)
}

func (a *App) listFaults(w http.ResponseWriter, r *http.Request) {
	provider.WriteJSON(w, http.StatusOK, map[string]any{"faults": faultsOf(tenant.From(r.Context())).List()})
}

func (a *App) addFault(w http.ResponseWriter, r *http.Request) {
	world := tenant.From(r.Context())
	var rule fault.Rule
	if !provider.DecodeControl(w, r, &rule) {
		return
	}
	if err := rule.Validate(); err != nil {
		provider.WriteControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	if field, msg := a.checkFault(rule); msg != "" {
		provider.WriteControlError(w, http.StatusBadRequest, field+": "+msg)
		return
	}
	added, err := faultsOf(world).Add(rule, world.Clock.Now())
	if err != nil {
		provider.WriteControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	provider.WriteJSON(w, http.StatusCreated, added)
}

func (a *App) clearFaults(w http.ResponseWriter, r *http.Request) {
	faultsOf(tenant.From(r.Context())).Clear()
	w.WriteHeader(http.StatusNoContent)
}

func (a *App) removeFault(w http.ResponseWriter, r *http.Request) {
	id := provider.Vars(r)["id"]
	if !faultsOf(tenant.From(r.Context())).Remove(id) {
		provider.WriteControlError(w, http.StatusNotFound, "no fault rule "+id)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// serveDoc serves one embedded documentation page as plain text, so links
// from the dashboard work without the repository at hand.
func (a *App) serveDoc(w http.ResponseWriter, r *http.Request) {
	page := provider.Vars(r)["page"]
	data, err := docs.Files.ReadFile(page)
	if err != nil || strings.Contains(page, "/") {
		provider.WriteControlError(w, http.StatusNotFound, "no documentation page "+page)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(data)
}
