package app

import (
	"strings"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/scenarios"
	"github.com/telecomsim/simulator/sim/call48"
	"github.com/telecomsim/simulator/sim/flowroute"
	"github.com/telecomsim/simulator/sim/somos"
	"github.com/telecomsim/simulator/sim/tmobile"
	"github.com/telecomsim/simulator/sim/tnregistry"
)

// Providers returns every emulated provider, in the order their states are
// built (a provider may read the state of one listed before it).
func Providers() []provider.Provider {
	return []provider.Provider{
		flowroute.New(nil),
		tnregistry.New(),
		somos.New(somos.Options{Registry: somos.StateRegistry("tnregistry"), RegistrySection: "tnregistry"}),
		tmobile.New(),
		call48.New(),
	}
}

// DefaultScenario parses the embedded default scenario (what serve runs
// without --scenario) for every registered provider; its includes are read
// from the embedded files too.
func DefaultScenario() (*scenario.Scenario, error) {
	data, err := scenarios.Files.ReadFile(scenarios.DefaultName)
	if err != nil {
		return nil, err
	}
	return scenario.Parse("scenarios/"+scenarios.DefaultName, data, ProviderNames(Providers()), func(name string) ([]byte, error) {
		return scenarios.Files.ReadFile(strings.TrimPrefix(name, "scenarios/"))
	})
}
