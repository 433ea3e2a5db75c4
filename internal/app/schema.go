package app

import (
	"encoding/json"
	"net/http"
	"reflect"

	"github.com/telecomsim/simulator/internal/fault"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/stub"
)

// Schema returns the JSON Schema of scenario files for the served providers,
// generated from the Go types that decode them (so it cannot drift).
func (a *App) Schema() ([]byte, error) {
	sections := map[string]reflect.Type{}
	for _, p := range a.cfg.Providers {
		sections[p.Info().Name] = reflect.TypeOf(p.SectionType())
	}
	b, err := json.MarshalIndent(scenario.FileSchema(sections, reflect.TypeOf(fault.Rule{}), reflect.TypeOf(stub.Stub{})), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func (a *App) serveSchema(w http.ResponseWriter, r *http.Request) {
	b, err := a.Schema()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/schema+json")
	_, _ = w.Write(b)
}
