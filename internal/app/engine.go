package app

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/telecomsim/simulator/internal/control"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

func (a *App) newControl() http.Handler {
	var extra []provider.Route
	for _, p := range a.cfg.Providers {
		extra = append(extra, p.ControlRoutes()...)
	}
	extra = append(extra, a.engineRoutes()...)
	return control.New(a, extra)
}

func (a *App) serveControl(w http.ResponseWriter, r *http.Request, id, path string) {
	if a.cfg.AdminToken != "" && !a.adminOK(r) && path != "/__sim/health" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="simulator control API"`)
		provider.WriteControlError(w, http.StatusUnauthorized, "the control API needs the admin token: Authorization: Bearer <token>")
		return
	}
	r2 := withPath(r.WithContext(control.WithTenant(r.Context(), id)), path)
	a.control.ServeHTTP(w, r2)
}

func (a *App) adminOK(r *http.Request) bool {
	got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	return subtle.ConstantTimeCompare([]byte(got), []byte(a.cfg.AdminToken)) == 1
}

// SpecRaw returns a provider's OpenAPI document as shipped.
func (a *App) SpecRaw(name string) ([]byte, bool) {
	m, ok := a.byName[name]
	if !ok {
		return nil, false
	}
	return m.spec.Raw, true
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
	w, err := a.build(id, l)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.perTenant[id] = l
	a.mu.Unlock()
	a.tenants.Put(w)
	return sc, nil
}

type includeErr struct{}

func (includeErr) Error() string {
	return "includes are not available for scenarios sent over the control API"
}

var errIncludeInRequest = includeErr{}

// engineRoutes are control routes owned by the engine rather than a provider.
func (a *App) engineRoutes() []provider.Route { return nil }

// wrapRoute runs engine concerns around each provider route (faults).
func (a *App) wrapRoute(p provider.Provider, rt *provider.Route, next http.Handler) http.Handler {
	return next
}

type faultMarkKey struct{}

func withFaultMark(ctx context.Context) context.Context {
	return context.WithValue(ctx, faultMarkKey{}, new(string))
}

func faultMarkFrom(ctx context.Context) string {
	if p, ok := ctx.Value(faultMarkKey{}).(*string); ok {
		return *p
	}
	return ""
}

func (a *App) configureEngine(sc *scenario.Scenario) scenario.Problems { return nil }

func (a *App) attachEngine(w *tenant.World, l *loaded) {}

func (a *App) scheduleEvents(w *tenant.World, l *loaded) {}

type engineDoc struct{}

func (a *App) exportEngine(w *tenant.World) engineDoc { return engineDoc{} }

func (a *App) importEngine(w *tenant.World, raw []byte) error { return nil }
