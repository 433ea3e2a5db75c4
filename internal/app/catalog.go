package app

import (
	"fmt"

	"github.com/telecomsim/simulator/internal/oas"
	"github.com/telecomsim/simulator/internal/provider"
)

// Routes returns a provider's route table.
func (a *App) Routes(name string) []provider.Route {
	if m, ok := a.byName[name]; ok {
		return m.routes
	}
	return nil
}

// Info describes one served provider.
func (a *App) Info(name string) (provider.Info, bool) {
	m, ok := a.byName[name]
	if !ok {
		return provider.Info{}, false
	}
	return m.info, true
}

// Infos describes every served provider, in registration order.
func (a *App) Infos() []provider.Info {
	out := make([]provider.Info, len(a.cfg.Providers))
	for i, p := range a.cfg.Providers {
		out[i] = p.Info()
	}
	return out
}

// Spec returns a provider's compiled OpenAPI document.
func (a *App) Spec(name string) (*oas.Spec, error) {
	m, ok := a.byName[name]
	if !ok {
		return nil, fmt.Errorf("no provider %q", name)
	}
	s, err := m.spec.Get()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// Credentials lists a provider's demo credentials from a tenant's scenario.
func (a *App) Credentials(id, name string) []provider.Credential {
	m, ok := a.byName[name]
	if !ok {
		return nil
	}
	c, ok := m.p.(provider.Credentialed)
	if !ok {
		return nil
	}
	return c.Credentials(a.loadedFor(id).cfgs[name])
}

// ControlRoutes lists every provider's control levers (paths below /__sim).
func (a *App) ControlRoutes() []provider.Route {
	var out []provider.Route
	for _, p := range a.cfg.Providers {
		out = append(out, p.ControlRoutes()...)
	}
	return out
}
