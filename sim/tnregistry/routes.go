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
		{Method: http.MethodGet, Path: "/tnregistry/records", Name: "list customer and template records", Handler: handleListRecords},
		{Method: http.MethodGet, Path: "/tnregistry/records/{tfn}", Name: "show a customer record", Handler: handleGetRecord},
		{Method: http.MethodPost, Path: "/tnregistry/records/{tfn}/changes", Name: "apply a customer record change (UNS-SNA)", Handler: handleChange},
		{Method: http.MethodPost, Path: "/tnregistry/records/{tfn}/approvals", Name: "a carrier approves or denies the record (UNS-ACT)", Handler: handleApproval},
		{Method: http.MethodPost, Path: "/tnregistry/records/{tfn}/scp-resend", Name: "a Resp Org asks for an SCP resend/audit (UNS-SCP)", Handler: handleSCPResend},
		{Method: http.MethodPost, Path: "/tnregistry/reservations", Name: "reserve spare numbers for a Resp Org (UNS-RSV)", Handler: handleReserve},
		{Method: http.MethodPost, Path: "/tnregistry/automation-limits", Name: "change a Resp Org's automation limits (UNS-ASL)", Handler: handleSetLimits},
		{Method: http.MethodGet, Path: "/tnregistry/events", Name: "list scheduled scenario changes", Handler: handleEvents},
		{Method: http.MethodPost, Path: "/tnregistry/subscriptions", Name: "register a GNA subscription", Handler: handleSubscribe},
		{Method: http.MethodGet, Path: "/tnregistry/subscriptions", Name: "list subscriptions", Handler: handleListSubscriptions},
		{Method: http.MethodDelete, Path: "/tnregistry/subscriptions", Name: "remove a subscription (?cic= or ?respOrg=)", Handler: handleUnsubscribe},
		{Method: http.MethodPost, Path: "/tnregistry/delivery/faults", Name: "add a delivery fault", Handler: handleAddDeliveryFault},
		{Method: http.MethodGet, Path: "/tnregistry/delivery/faults", Name: "list delivery faults and options", Handler: handleListDeliveryFaults},
		{Method: http.MethodDelete, Path: "/tnregistry/delivery/faults", Name: "remove delivery faults (?id= or all)", Handler: handleDeleteDeliveryFaults},
		{Method: http.MethodGet, Path: "/callbacks", Name: "list outbound callbacks (?status=&tfn=)", Handler: handleListCallbacks},
		{Method: http.MethodGet, Path: "/callbacks/{id}", Name: "show one callback with its attempts", Handler: handleGetCallback},
		{Method: http.MethodPost, Path: "/callbacks/{id}/replay", Name: "replay a dead or delivered callback", Handler: handleReplayCallback},
		{Method: http.MethodPost, Path: "/inbox/{name}/v3/ext/uns/{type}", Name: "built-in inbox receiver", Handler: handleInboxReceive},
		{Method: http.MethodGet, Path: "/inbox/{name}", Name: "list a built-in inbox", Handler: handleInboxList},
		{Method: http.MethodDelete, Path: "/inbox/{name}", Name: "empty a built-in inbox", Handler: handleInboxClear},
	}
}
