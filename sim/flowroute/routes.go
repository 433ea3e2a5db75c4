package flowroute

import (
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
)

const basic = "basic"

// Routes implements provider.Provider: the route table is the documentation.
func (p *Provider) Routes() []provider.Route {
	return []provider.Route{
		{Method: http.MethodGet, Path: "/v2/cnams", Name: "list CNAM records", Auth: basic, Handler: p.listCNAMs},
		{Method: http.MethodPost, Path: "/v2/cnams", Name: "create a CNAM record", Auth: basic, Handler: p.createCNAM},
		{Method: http.MethodGet, Path: "/v2/cnams/{id}", Name: "get a CNAM record", Auth: basic, Handler: p.getCNAM},
		{Method: http.MethodPatch, Path: "/v2/cnams/{id}", Name: "update a pending CNAM record", Auth: basic, Handler: p.updateCNAM},
		{Method: http.MethodDelete, Path: "/v2/cnams/{id}", Name: "delete a CNAM record", Auth: basic, Handler: p.deleteCNAM},
		{Method: http.MethodGet, Path: "/v2/numbers", Name: "list the account's numbers", Auth: basic, Handler: p.listNumbers},
		{Method: http.MethodGet, Path: "/v2/numbers/{number}", Name: "get a number", Auth: basic, Handler: p.getNumber},
		{Method: http.MethodPatch, Path: "/v2/numbers/{number}/relationships/cnams/{cnam_id}", Name: "associate a CNAM record", Auth: basic, Handler: p.associate},
		{Method: http.MethodPatch, Path: "/v2/numbers/{number}/relationships/cnam/{cnam_id}", Name: "associate a CNAM record (SDK spelling)", Auth: basic, Handler: p.associate},
		{Method: http.MethodDelete, Path: "/v2/numbers/{number}/relationships/cnams", Name: "remove the number's CNAM record", Auth: basic, Handler: p.disassociate},
		{Method: http.MethodDelete, Path: "/v2/numbers/{number}/relationships/cnam", Name: "remove the number's CNAM record (SDK spelling)", Auth: basic, Handler: p.disassociate},
	}
}

// ControlRoutes implements provider.Provider.
func (p *Provider) ControlRoutes() []provider.Route {
	return []provider.Route{
		{Method: http.MethodPost, Path: "/flowroute/cnams/{id}/approve", Name: "approve a pending CNAM record now", Handler: p.controlApprove},
		{Method: http.MethodPost, Path: "/flowroute/cnams/{id}/reject", Name: "reject a pending CNAM record now", Handler: p.controlReject},
	}
}
