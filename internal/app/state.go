package app

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/tenant"
)

// exportDoc is a tenant's whole world as JSON.
type exportDoc struct {
	Version   int                        `json:"version"`
	Tenant    string                     `json:"tenant"`
	Scenario  string                     `json:"scenario"`
	Clock     clockDoc                   `json:"clock"`
	Engine    json.RawMessage            `json:"engine,omitempty"`
	Providers map[string]json.RawMessage `json:"providers"`
}

type clockDoc struct {
	Now  time.Time  `json:"now"`
	Mode clock.Mode `json:"mode"`
}

// Export encodes a tenant's whole world.
func (a *App) Export(w *tenant.World) ([]byte, error) {
	doc := exportDoc{
		Version:   StateVersion,
		Tenant:    w.ID,
		Scenario:  w.Scenario.Name,
		Clock:     clockDoc{Now: w.Clock.Now(), Mode: w.Clock.Mode()},
		Providers: map[string]json.RawMessage{},
	}
	eng, err := json.Marshal(a.exportEngine(w))
	if err != nil {
		return nil, err
	}
	doc.Engine = eng
	for _, name := range w.Names() {
		b, err := json.Marshal(w.State(name).Export())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		doc.Providers[name] = b
	}
	return json.MarshalIndent(doc, "", "  ")
}

// StateVersion is the version of the state documents this build writes and
// reads.
const StateVersion = 1

// Import replaces a tenant's world with an export. The document is checked
// whole first: its version, its required fields, the clock, and every
// provider's section (strictly decoded, cross-references resolved). A
// document with problems is refused with all of them (tenant.Problems) and
// the tenant keeps its world.
func (a *App) Import(id string, data []byte) (*tenant.World, error) {
	if !tenant.ValidID(id) { // a state file names its tenants
		return nil, fmt.Errorf("invalid tenant id %q", id)
	}
	var doc exportDoc
	if err := tenant.DecodeState(data, &doc); err != nil {
		return nil, err
	}
	var ps tenant.Problems
	switch {
	case doc.Version == 0:
		ps.Add("version", "required: this build reads version %d", StateVersion)
	case doc.Version != StateVersion:
		ps.Add("version", "version %d is not one this build reads (it reads %d)", doc.Version, StateVersion)
	}
	switch {
	case doc.Clock.Now.IsZero():
		ps.Add("clock.now", "required")
	case doc.Clock.Now.Year() > clock.MaxYear:
		ps.Add("clock.now", "past the year %d", clock.MaxYear)
	}
	if doc.Clock.Mode == "" {
		doc.Clock.Mode = clock.Frozen
	} else if _, err := clock.ParseMode(string(doc.Clock.Mode)); err != nil {
		ps.Add("clock.mode", "want real or frozen")
	}
	if len(ps) > 0 {
		return nil, ps
	}
	w, err := a.buildFor(id, "")
	if err != nil {
		return nil, err
	}
	w.Clock.Clear()
	w.Clock.Restore(doc.Clock.Now, doc.Clock.Mode)
	if err := a.importEngine(w, doc.Engine); err != nil {
		ps = append(ps, tenant.AsProblems(err).Under("engine")...)
	}
	for _, name := range w.Names() {
		if raw, ok := doc.Providers[name]; ok {
			if err := w.State(name).Import(raw); err != nil {
				ps = append(ps, tenant.AsProblems(err).Under("providers."+name)...)
			}
		}
	}
	for _, name := range sortedNames(doc.Providers) {
		if w.State(name) == nil {
			ps.Add("providers."+name, "no provider of that name is served")
		}
	}
	if len(ps) > 0 {
		w.Close()
		return nil, ps
	}
	if err := a.tenants.Put(w); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func sortedNames(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
