package tnregistry

import (
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
)

// Routes: the simulator serves no public TFNRegistry REST endpoints yet; the
// registry is driven through control routes and talks to users through its
// outbound UNS callbacks.
func (p *Provider) Routes() []provider.Route { return nil }

// ControlRoutes are mounted under /__sim.
func (p *Provider) ControlRoutes() []provider.Route {
	return []provider.Route{
		{Method: http.MethodPost, Path: "/tnregistry/numbers", Name: "create or update a registry number", Handler: handlePutNumber},
		{Method: http.MethodGet, Path: "/tnregistry/numbers", Name: "list registry numbers", Handler: handleListNumbers},
		{Method: http.MethodGet, Path: "/tnregistry/numbers/{tfn}", Name: "show a registry number", Handler: handleGetNumber},
	}
}
