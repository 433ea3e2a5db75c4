package app

import (
	"fmt"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/scenario"
)

// Version is the build's version, as given in Config.Version.
func (a *App) Version() string {
	if a.cfg.Version == "" {
		return "devel"
	}
	return a.cfg.Version
}

// overrideStart applies Config.ClockStart to the served scenario.
func (a *App) overrideStart(sc *scenario.Scenario) *scenario.Scenario {
	if a.cfg.ClockStart == nil || sc == nil {
		return sc
	}
	return sc.WithStart(*a.cfg.ClockStart, clock.Wall())
}

// Scenario returns the scenario a tenant runs; for a "now" start, a live
// tenant's copy with the start it got.
func (a *App) Scenario(id string) *scenario.Scenario {
	sc := a.loadedFor(id).sc
	if sc.Clock.From.FromNow {
		if w, ok := a.tenants.Lookup(id); ok && w.Scenario != nil && w.Scenario.Clock.From.FromNow {
			return w.Scenario
		}
	}
	return sc
}

// resolveStart gives a tenant with a "start: now" scenario its own start:
// the wall clock of its creation (or reset), with seeds, events and faults
// placed from there. A fixed start needs nothing.
func (a *App) resolveStart(id string, l *loaded) (*loaded, error) {
	if !l.sc.Clock.From.FromNow {
		return l, nil
	}
	rl, err := a.configure(l.sc.ResolveStart(clock.Wall()))
	if err != nil {
		return nil, fmt.Errorf("tenant %s: %w", id, err)
	}
	return rl, nil
}
