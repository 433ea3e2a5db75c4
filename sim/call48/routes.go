package call48

import (
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
)

const v4 = "/api/v4"

// Routes is the API, at the real paths.
func (p *Provider) Routes() []provider.Route {
	a := authToken
	n := provider.AuthNone
	return []provider.Route{
		{Method: "POST", Path: v4 + "/login", Name: "customer login", Auth: n, Handler: login(false)},
		{Method: "POST", Path: v4 + "/admin_login", Name: "SP admin login", Auth: n, Handler: login(true)},
		{Method: "POST", Path: v4 + "/signup", Name: "create account", Auth: n, Handler: handleSignup},

		{Method: "GET", Path: v4 + "/search", Name: "search numbers (local, toll, intl)", Auth: a, Handler: handleSearch},
		{Method: "POST", Path: v4 + "/purchase", Name: "purchase numbers", Auth: a, Handler: handlePurchase},
		{Method: "POST", Path: v4 + "/lcl-did-bulk-purchase/new", Name: "bulk purchase local numbers", Auth: a, Handler: handleBulkNew, NoValidate: true},
		{Method: "GET", Path: v4 + "/lcl-did-bulk-purchase/list", Name: "list bulk orders", Auth: a, Handler: handleBulkList},
		{Method: "GET", Path: v4 + "/lcl-did-bulk-purchase/summary_report/{bulk_order_id}", Name: "bulk order summary report (CSV)", Auth: a, Handler: bulkReport("summary")},
		{Method: "GET", Path: v4 + "/lcl-did-bulk-purchase/did_report/{bulk_order_id}", Name: "bulk order DID report (CSV)", Auth: a, Handler: bulkReport("did")},

		{Method: "GET", Path: v4 + "/dids", Name: "list DIDs", Auth: a, Handler: handleListDIDs},
		{Method: "DELETE", Path: v4 + "/dids", Name: "remove DIDs", Auth: a, Handler: handleDeleteDIDs},
		{Method: "GET", Path: v4 + "/update411", Name: "update 411 listing", Auth: a, Handler: handleUpdate411},
		{Method: "GET", Path: v4 + "/update911", Name: "update 911 address", Auth: a, Handler: handleUpdate911},
		{Method: "POST", Path: v4 + "/update_fax", Name: "update fax", Auth: a, Handler: handleUpdateFax},
		{Method: "POST", Path: v4 + "/update_forwarding", Name: "update forwarding", Auth: a, Handler: handleUpdateForwarding},
		{Method: "POST", Path: v4 + "/did/create-cnam", Name: "create DID CNAM", Auth: a, Handler: handleCreateCnam},
		{Method: "GET", Path: v4 + "/verifyaddress", Name: "verify address", Auth: a, Handler: handleVerifyAddress},

		{Method: "POST", Path: v4 + "/trunkgrp/create", Name: "create trunk group", Auth: a, Handler: handleTrunkCreate},
		{Method: "PUT", Path: v4 + "/trunkgrp/update", Name: "update trunk group", Auth: a, Handler: handleTrunkUpdate},
		{Method: "GET", Path: v4 + "/trunkgrp/list", Name: "list trunk groups", Auth: a, Handler: handleTrunkList},

		{Method: "GET", Path: v4 + "/countries", Name: "list countries", Auth: a, Handler: handleCountries},
		{Method: "GET", Path: v4 + "/states", Name: "list states", Auth: a, Handler: handleStates},
		{Method: "GET", Path: v4 + "/ratecenter", Name: "list rate centers of a state", Auth: a, Handler: handleRateCenters},

		{Method: "GET", Path: v4 + "/payment", Name: "make payment", Auth: a, Handler: handlePayment},
		{Method: "GET", Path: v4 + "/customers", Name: "list customers", Auth: a, Handler: handleCustomers},
		{Method: "PUT", Path: v4 + "/customers", Name: "create customer", Auth: a, Handler: handleCreateCustomer},
		{Method: "PUT", Path: v4 + "/limitsimulcalls", Name: "set simultaneous calls", Auth: a, Handler: customerSetting("limitsimulcalls")},
		{Method: "POST", Path: v4 + "/callparking", Name: "set call parking", Auth: a, Handler: customerSetting("callparking")},
		{Method: "GET", Path: v4 + "/discountplan", Name: "list discount plans", Auth: a, Handler: handleDiscountPlans},
		{Method: "POST", Path: v4 + "/discountplan", Name: "add discount plan", Auth: a, Handler: customerSetting("discountplan")},
		{Method: "POST", Path: v4 + "/rtp", Name: "set RTP mode", Auth: a, Handler: customerSetting("rtp")},
		{Method: "POST", Path: v4 + "/paging", Name: "set paging", Auth: a, Handler: customerSetting("paging")},
		{Method: "GET", Path: v4 + "/subscriptions", Name: "list subscriptions", Auth: a, Handler: handleSubscriptions},
		{Method: "GET", Path: v4 + "/xdr", Name: "list call records", Auth: a, Handler: handleXDR},

		{Method: "POST", Path: v4 + "/port-in/check-ports", Name: "check portability", Auth: a, Handler: handleCheckPorts},
		{Method: "POST", Path: v4 + "/port-in/submit-port-details", Name: "submit port request", Auth: a, Handler: handleSubmitPort},
		{Method: "GET", Path: v4 + "/port-in/view-port-detail", Name: "port detail", Auth: a, Handler: handleViewPortDetail},
		{Method: "POST", Path: v4 + "/port-in/view-list", Name: "list port requests", Auth: a, Handler: handleViewList},
		{Method: "GET", Path: v4 + "/port-in/view-did-list", Name: "list numbers of a sub order", Auth: a, Handler: handleViewDIDList},
		{Method: "POST", Path: v4 + "/port-in/update-request", Name: "update port details", Auth: a, Handler: handleUpdateRequest},
		{Method: "POST", Path: v4 + "/port-in/cancel-order", Name: "cancel port or sub order", Auth: a, Handler: handleCancelOrder},
		{Method: "POST", Path: v4 + "/port-in/cancel-did-order", Name: "cancel a number of a sub order", Auth: a, Handler: handleCancelDID},
		{Method: "GET", Path: v4 + "/port-in/forwarding-details", Name: "port forwarding details", Auth: a, Handler: handleForwardingDetails},
		{Method: "POST", Path: v4 + "/port-in/update-forwarding", Name: "update port forwarding", Auth: a, Handler: handleUpdatePortForwarding},
		{Method: "POST", Path: v4 + "/port-in/delete-request", Name: "delete port, sub order or number", Auth: a, Handler: handleDeleteRequest},
		{Method: "POST", Path: v4 + "/port-in/activate-order", Name: "activate port or sub order", Auth: a, Handler: handleActivateOrder},
		{Method: "POST", Path: v4 + "/port-in/activate-did", Name: "activate a number of a sub order", Auth: a, Handler: handleActivateDID},
		{Method: "POST", Path: v4 + "/port-in/upload-docs", Name: "upload port documents", Auth: a, Handler: handleUploadDocs, NoValidate: true},
		{Method: "POST", Path: v4 + "/port-in/remove-upload-docs", Name: "remove port documents", Auth: a, Handler: handleRemoveDocs, NoValidate: true},
		{Method: "POST", Path: v4 + "/port-in/export-list", Name: "export port list (CSV)", Auth: a, Handler: handleExportList},
		{Method: "POST", Path: v4 + "/port-in/view-foc-list", Name: "list FOC-ready numbers", Auth: a, Handler: handleFOCList},
		{Method: "GET", Path: v4 + "/port-in/view-did-activation", Name: "activation details of a number", Auth: a, Handler: handleDIDActivation},
		{Method: "POST", Path: v4 + "/port-in/update-activation", Name: "update activation of a number", Auth: a, Handler: handleUpdateActivation},
		{Method: "POST", Path: v4 + "/port-in/view-rejection-list", Name: "list rejected (problematic) ports", Auth: a, Handler: handleRejectionList},
	}
}

// ControlRoutes are the levers under /__sim.
func (p *Provider) ControlRoutes() []provider.Route {
	n := provider.AuthNone
	return []provider.Route{
		{Method: "POST", Path: "/call48/ports/{port_req_id}/advance", Name: "move a port-in one step or to a named status", Auth: n, Handler: ctlAdvancePort},
		{Method: "POST", Path: "/call48/bulk-orders/{bulk_order_id}/advance", Name: "move a bulk order one step", Auth: n, Handler: ctlAdvanceBulk},
		{Method: "PUT", Path: "/call48/accounts/{username}/balance", Name: "set an account's balance", Auth: n, Handler: ctlSetBalance},
		{Method: "POST", Path: "/call48/dids/{number}/documents", Name: "documents received: put an international number in service", Auth: n, Handler: ctlReceiveDocuments},
	}
}

func ctlStore(w http.ResponseWriter, r *http.Request) *Store {
	s := storeOf(r)
	if s == nil {
		provider.WriteControlError(w, http.StatusInternalServerError, "call48 state missing for this tenant")
	}
	return s
}

func ctlAdvancePort(w http.ResponseWriter, r *http.Request) {
	s := ctlStore(w, r)
	if s == nil {
		return
	}
	id := atoiOr(provider.Vars(r)["port_req_id"], 0)
	var body struct {
		Status string `json:"status"`
		Reason string `json:"reason"`
	}
	if r.ContentLength != 0 && !provider.DecodeControl(w, r, &body) {
		return
	}
	v, err := s.AdvancePort(id, body.Status, body.Reason)
	if err != nil {
		status := http.StatusConflict
		if v.Req.ID == 0 {
			status = http.StatusNotFound
			if body.Status != "" && id != 0 && s.portExists(id) {
				status = http.StatusBadRequest
			}
		}
		provider.WriteControlError(w, status, err.Error())
		return
	}
	subs := []map[string]any{}
	for _, p := range v.Props {
		subs = append(subs, map[string]any{"port_proposal_id": p.ID, "status": p.Status, "foc_date": jsTimePtr(p.FOCDate), "failure_reason": p.FailureReason, "next_at": jsTimePtr(&p.NextAt)})
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"port_req_id": v.Req.ID, "request_phase": v.Phase, "sub_orders": subs})
}

func ctlAdvanceBulk(w http.ResponseWriter, r *http.Request) {
	s := ctlStore(w, r)
	if s == nil {
		return
	}
	b, err := s.AdvanceBulk(atoiOr(provider.Vars(r)["bulk_order_id"], 0))
	if err != nil {
		status, msg := http.StatusConflict, err.Error()
		if e, isE := err.(*Error); isE {
			msg = e.Msg
			if e.Code == 404 {
				status = http.StatusNotFound
			}
		}
		provider.WriteControlError(w, status, msg)
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"bulk_order_id": b.ID, "order_no": b.OrderNo, "status": b.Status, "reason": b.Reason})
}

func ctlSetBalance(w http.ResponseWriter, r *http.Request) {
	s := ctlStore(w, r)
	if s == nil {
		return
	}
	var body struct {
		Balance string `json:"balance"`
	}
	if !provider.DecodeControl(w, r, &body) {
		return
	}
	m, err := ParseMoney(body.Balance)
	if err != nil {
		provider.WriteControlError(w, http.StatusBadRequest, "balance: want a decimal amount such as 100.00")
		return
	}
	if err := s.SetBalance(provider.Vars(r)["username"], m); err != nil {
		provider.WriteControlError(w, http.StatusNotFound, "account not found")
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"username": provider.Vars(r)["username"], "balance": m.String()})
}

func ctlReceiveDocuments(w http.ResponseWriter, r *http.Request) {
	s := ctlStore(w, r)
	if s == nil {
		return
	}
	d, err := s.ReceiveDocuments(provider.Vars(r)["number"])
	if err != nil {
		status := http.StatusConflict
		if e, isE := err.(*Error); isE && e.Code == 404 {
			status = http.StatusNotFound
		}
		provider.WriteControlError(w, status, err.Error())
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"number": d.Number, "status": d.Status, "activated_at": jsTime(d.ActivatedAt)})
}

var _ provider.Provider = (*Provider)(nil)
