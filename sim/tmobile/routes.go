package tmobile

import (
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
)

// cpaas is the prefix of the real CPaaS base path; the API calls answer both
// with and without it.
const cpaas = "/cpaas/v1"

// Routes implements provider.Provider: the route table is the documentation.
func (p *Provider) Routes() []provider.Route {
	return []provider.Route{
		{Method: http.MethodGet, Path: "/account-mgmt/linkAccount", Name: "link account: login page", Handler: handleLinkPage, NoValidate: true},
		{Method: http.MethodPost, Path: "/account-mgmt/linkAccount", Name: "link account: form submission", Handler: handleLinkSubmit, NoValidate: true},
		{Method: http.MethodPost, Path: "/account-mgmt/changeEmergencyAddress", Name: "change e911 address page", Handler: handleE911, NoValidate: true},
		{Method: http.MethodPost, Path: "/oauth/token", Name: "OAuth token (code or refresh)", Auth: schemeClientPoP, Handler: handleToken},
		{Method: http.MethodGet, Path: "/account/status", Name: "account registration status", Auth: schemeBearerPoP, Handler: handleStatus},
		{Method: http.MethodDelete, Path: "/account/unlink", Name: "unlink account", Auth: schemeBearerPoP, Handler: handleUnlink},
		{Method: http.MethodPost, Path: cpaas + "/oauth/token", Name: "OAuth token (CPaaS path)", Auth: schemeClientPoP, Handler: handleToken},
		{Method: http.MethodGet, Path: cpaas + "/account/status", Name: "account registration status (CPaaS path)", Auth: schemeBearerPoP, Handler: handleStatus},
		{Method: http.MethodDelete, Path: cpaas + "/account/unlink", Name: "unlink account (CPaaS path)", Auth: schemeBearerPoP, Handler: handleUnlink},
	}
}

// ControlRoutes implements provider.Provider: levers under /__sim.
func (p *Provider) ControlRoutes() []provider.Route {
	return []provider.Route{
		{Method: http.MethodGet, Path: "/tmobile/accounts", Name: "clients, accounts, lines and links", Handler: ctlOverview, NoValidate: true},
		{Method: http.MethodPost, Path: "/tmobile/lines/{msisdn}/complete-registration", Name: "complete a line's registration now", Handler: ctlCompleteRegistration, NoValidate: true},
		{Method: http.MethodPost, Path: "/tmobile/accounts/{login}/conflict", Name: "put an account in conflict (status answers 409)", Handler: ctlSetConflict, NoValidate: true},
		{Method: http.MethodDelete, Path: "/tmobile/accounts/{login}/conflict", Name: "clear an account's conflict", Handler: ctlClearConflict, NoValidate: true},
	}
}
