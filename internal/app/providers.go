package app

import (
	"github.com/telecomsim/simulator/internal/provider"
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
