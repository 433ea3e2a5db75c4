package call48

import (
	"net/http"
	"strings"
)

type portDetailReq struct {
	CustAccName             fstr  `json:"cust_acc_name"`
	CustAuthorizedName      fstr  `json:"cust_authorized_name"`
	CustAccType             fstr  `json:"cust_acc_type"`
	CustAccNumber           *fstr `json:"cust_acc_number"`
	CustAccPin              *fstr `json:"cust_acc_pin"`
	ActivationType          fstr  `json:"activation_type"`
	AddressDirectionPrefix  *fstr `json:"address_direction_prefix"`
	AddressDirectionSuffix  *fstr `json:"address_direction_suffix"`
	AddressStreetNameSuffix *fstr `json:"address_street_name_suffix"`
	AddressStreetName       fstr  `json:"address_street_name"`
	AddressNumber           fstr  `json:"address_number"`
	AddressLocValue         *fstr `json:"address_loc_value"`
	AddressLocDesignator    fstr  `json:"address_loc_designator"`
	City                    fstr  `json:"city"`
	PostalCode              *fstr `json:"postal_code"`
	DesiredFOC              fstr  `json:"desired_foc_date"`
	BTN                     fstr  `json:"btn"`
	State                   fstr  `json:"state"`
	ActivationDate          fstr  `json:"activation_date"`
	EmailUpdates            *fstr `json:"email_updates"`
	Notes                   *fstr `json:"notes"`
	Tags                    *fstr `json:"tags"`
	// forwarding settings, accepted here too
	FwdPreconfigured  fbool `json:"fwd_preconfigured"`
	FwdTrunkGrpID     fint  `json:"fwd_trunk_grpid"`
	FwdSipType        fstr  `json:"fwd_sip_type"`
	FwdOrder          fstr  `json:"fwd_order"`
	FwdAnsweringMode  fstr  `json:"fwd_answering_mode"`
	FwdDevicePassword *fstr `json:"fwd_device_password"`
}

func optStr(f *fstr) *string {
	if f == nil || strings.TrimSpace(string(*f)) == "" {
		return nil
	}
	s := string(*f)
	return &s
}

func (p portDetailReq) detail() (PortDetail, error) {
	d := PortDetail{CustAccName: string(p.CustAccName), CustAuthorizedName: string(p.CustAuthorizedName), CustAccType: string(p.CustAccType),
		CustAccNumber: optStr(p.CustAccNumber), CustAccPin: optStr(p.CustAccPin), ActivationType: string(p.ActivationType),
		AddressDirectionPrefix: optStr(p.AddressDirectionPrefix), AddressDirectionSuffix: optStr(p.AddressDirectionSuffix),
		AddressStreetNameSuffix: optStr(p.AddressStreetNameSuffix), AddressStreetName: string(p.AddressStreetName), AddressNumber: string(p.AddressNumber),
		AddressLocValue: optStr(p.AddressLocValue), AddressLocDesignator: string(p.AddressLocDesignator), City: string(p.City), PostalCode: optStr(p.PostalCode),
		BTN: string(p.BTN), State: string(p.State), EmailUpdates: optStr(p.EmailUpdates), Notes: optStr(p.Notes), Tags: optStr(p.Tags)}
	if p.DesiredFOC != "" {
		t, err := parseWhen(string(p.DesiredFOC))
		if err != nil {
			return d, invalid("port_req_detail.desired_foc_date", "use a UTC date such as 2022-05-02T00:00:00Z")
		}
		d.DesiredFOC = t
	}
	if p.ActivationDate != "" {
		t, err := parseWhen(string(p.ActivationDate))
		if err != nil {
			return d, invalid("port_req_detail.activation_date", "use a date such as 2022-05-02T12:00:00-04:00")
		}
		d.ActivationDate = t
	}
	return d, nil
}

type submitReq struct {
	DidType   fstr           `json:"did_type"`
	AccountID fint           `json:"account_id"`
	Numbers   fstrs          `json:"numbers"`
	Detail    *portDetailReq `json:"port_req_detail"`
}

func handleCheckPorts(w http.ResponseWriter, r *http.Request) {
	var in submitReq
	if _, err := decodeBody(r, &in); err != nil {
		fail(w, r, err)
		return
	}
	res, err := storeOf(r).CheckPorts(callerOf(r), string(in.DidType), in.Numbers)
	if err != nil {
		fail(w, r, err)
		return
	}
	msg := "Number(s) can be ported"
	for _, v := range res {
		if !v {
			msg = "Some number(s) can not be ported"
		}
	}
	ok(w, o("code", 200, "message", msg, "data", res))
}

func handleSubmitPort(w http.ResponseWriter, r *http.Request) {
	var in submitReq
	if _, err := decodeBody(r, &in); err != nil {
		fail(w, r, err)
		return
	}
	if in.Detail == nil {
		fail(w, r, missing("port_req_detail"))
		return
	}
	d, err := in.Detail.detail()
	if err != nil {
		fail(w, r, err)
		return
	}
	id, err := storeOf(r).SubmitPort(callerOf(r), PortSubmission{DidType: string(in.DidType), AccountID: in.AccountID.ptr(), Numbers: in.Numbers, Detail: d,
		FwdPreconf: in.Detail.FwdPreconfigured.V, FwdTrunkGrpID: in.Detail.FwdTrunkGrpID.ptr(), FwdSipType: string(in.Detail.FwdSipType),
		FwdOrder: string(in.Detail.FwdOrder), FwdAnswerMode: string(in.Detail.FwdAnsweringMode), FwdDevicePass: optStr(in.Detail.FwdDevicePassword)})
	if err != nil {
		fail(w, r, err)
		return
	}
	ok(w, o("code", 200, "message", "Successful Operation", "data", o("port_req_id", id)))
}

func handleViewPortDetail(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v, err := storeOf(r).ViewPortDetail(callerOf(r), q.Get("port_req_id"), q.Get("port_proposal_id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	d := v.Detail
	st, _ := fx.state(d.State)
	out := o("port_req_id", v.Req.ID, "did_type_id", didTypeIDs[v.Req.DidType], "account_id", v.Req.AccountID, "csv_file", v.Req.ImportFromFile != nil,
		"port_proposal_id", nil, "port_req_detail_id", d.ID, "cust_acc_name", d.CustAccName, "cust_acc_type", d.CustAccType,
		"cust_acc_number", d.CustAccNumber, "cust_acc_pin", d.CustAccPin, "cust_authorized_name", d.CustAuthorizedName, "btn", d.BTN,
		"desired_foc_date", jsTime(d.DesiredFOC), "address_direction_prefix", d.AddressDirectionPrefix, "address_direction_suffix", d.AddressDirectionSuffix,
		"address_street_name_suffix", d.AddressStreetNameSuffix, "address_street_name", d.AddressStreetName, "address_number", d.AddressNumber,
		"address_loc_designator", d.AddressLocDesignator, "address_loc_value", d.AddressLocValue, "postal_code", d.PostalCode, "city", d.City,
		"state_id", st.StateID, "loa_file", d.LOAFile, "bill_file", d.BillFile, "csr_file", d.CSRFile, "activation_type", d.ActivationType,
		"activation_date", jsTime(d.ActivationDate), "email_updates", d.EmailUpdates, "notes", d.Notes, "state_name", st.StateName,
		"state_code", st.StateCode, "tags", d.Tags)
	if v.Prop != nil {
		out = out.set("port_proposal_id", v.Prop.ID)
	}
	ok(w, o("code", 200, "data", out))
}

type listReq struct {
	Page           fstr  `json:"page"`
	Limit          fstr  `json:"limit"`
	Phase          fstr  `json:"request_phase"`
	DidType        fstr  `json:"did_type"`
	Numbers        fstrs `json:"numbers"`
	ActivationType fstr  `json:"activation_type"`
	PortReqID      fint  `json:"port_req_id"`
	PortProposalID fint  `json:"port_proposal_id"`
}

func (l listReq) filter() PortFilter {
	limit := atoiOr(string(l.Limit), 10)
	if limit < 1 || limit > 100 {
		limit = 10
	}
	return PortFilter{Page: atoiOr(string(l.Page), 1), Limit: limit, Phase: string(l.Phase), DidType: strings.ToUpper(string(l.DidType)), Numbers: l.Numbers}
}

func decodeList(w http.ResponseWriter, r *http.Request) (listReq, bool) {
	var in listReq
	if _, err := decodeBody(r, &in); err != nil {
		fail(w, r, err)
		return in, false
	}
	return in, true
}

func proposalJSON(p Proposal) obj {
	f := FlagsOf(p.Status)
	var detailID any
	if p.Detail != nil {
		detailID = p.Detail.ID
	}
	return o("port_proposal_id", p.ID, "port_req_status", p.Status, "resubmitted_at", jsTimePtr(p.ResubmittedAt), "did_count", len(p.DIDs),
		"foc_date", jsTimePtr(p.FOCDate), "failure_reason", p.FailureReason, "port_req_detail_id", detailID, "allow_suborder_edit", f.Edit,
		"allow_suborder_cancel", f.Cancel, "allow_suborder_delete", f.Delete, "allow_suborder_activate", f.Activate, "is_master", p.Detail == nil)
}

func handleViewList(w http.ResponseWriter, r *http.Request) {
	in, good := decodeList(w, r)
	if !good {
		return
	}
	f := in.filter()
	views, total, err := storeOf(r).ListPorts(callerOf(r), f)
	if err != nil {
		fail(w, r, err)
		return
	}
	rows := []obj{}
	for _, v := range views {
		props := []obj{}
		for _, p := range v.Props {
			props = append(props, proposalJSON(p))
		}
		rows = append(rows, o("port_req_id", v.Req.ID, "did_type_id", didTypeIDs[v.Req.DidType], "import_from_file", v.Req.ImportFromFile,
			"request_phase", v.Phase, "suborder_count", len(v.Props), "created_at", jsTime(v.Req.CreatedAt), "did_type_name", didTypeNames[v.Req.DidType],
			"account_id", v.Req.AccountID, "account_username", v.Username, "account_class_id", 1, "csv_file", v.Req.ImportFromFile != nil, "port_proposals", props))
	}
	ok(w, o("code", 200, "data", o("result", rows, "totalRecords", total, "enableNext", f.Page*f.Limit < total)))
}

func handleViewDIDList(w http.ResponseWriter, r *http.Request) {
	p, err := storeOf(r).ViewDIDList(callerOf(r), r.URL.Query().Get("port_proposal_id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	rows := []obj{}
	for _, d := range p.DIDs {
		f := DIDFlagsOf(p, d)
		rows = append(rows, o("port_proposal_id", p.ID, "did", d.Number, "lrn", d.LRN, "port_status", d.Status, "allow_did_activate", f.Activate,
			"allow_did_build", f.Build, "allow_did_cancel", f.Cancel, "allow_did_delete", f.Delete, "tags", d.Tags))
	}
	ok(w, o("code", 200, "data", o("success", true, "result", rows)))
}

type targetReq struct {
	PortReqID      fint           `json:"port_req_id"`
	PortRequestID  fint           `json:"port_request_id"`
	PortProposalID fint           `json:"port_proposal_id"`
	DIDNumber      fstr           `json:"did_number"`
	DID            fstr           `json:"did"`
	Type           fstr           `json:"type"`
	Detail         *portDetailReq `json:"port_req_detail"`
	ActivationType fstr           `json:"activation_type"`
	ActivationDate fstr           `json:"activation_date"`
	Forwarding     []struct {
		ForwardingTypeID fint `json:"forwarding_type_id"`
		Timeout          fint `json:"timeout"`
		Value            fstr `json:"value"`
		Method           fstr `json:"method"`
		Sequence         fint `json:"sequence"`
	} `json:"forwarding_data"`
	FwdPreconfigured fbool `json:"fwd_preconfigured"`
}

func (t targetReq) req() *int {
	if t.PortReqID.Set {
		return t.PortReqID.ptr()
	}
	return t.PortRequestID.ptr()
}

func decodeTarget(w http.ResponseWriter, r *http.Request) (targetReq, map[string]upload, bool) {
	var in targetReq
	files, err := decodeBody(r, &in)
	if err != nil {
		fail(w, r, err)
		return in, nil, false
	}
	return in, files, true
}

// portAction wraps the port-in calls that answer {"code":200,"message":...}.
func portAction(do func(s *Store, c Caller, in targetReq, files map[string]upload) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in, files, good := decodeTarget(w, r)
		if !good {
			return
		}
		if err := do(storeOf(r), callerOf(r), in, files); err != nil {
			fail(w, r, err)
			return
		}
		done(w)
	}
}

var (
	handleUpdateRequest = portAction(func(s *Store, c Caller, in targetReq, _ map[string]upload) error {
		if in.Detail == nil {
			return missing("port_req_detail")
		}
		d, err := in.Detail.detail()
		if err != nil {
			return err
		}
		return s.UpdateRequest(c, in.req(), in.PortProposalID.ptr(), d)
	})
	handleCancelOrder = portAction(func(s *Store, c Caller, in targetReq, _ map[string]upload) error {
		return s.CancelOrder(c, in.req(), in.PortProposalID.ptr())
	})
	handleCancelDID = portAction(func(s *Store, c Caller, in targetReq, _ map[string]upload) error {
		return s.CancelDID(c, in.PortProposalID.V, string(in.DIDNumber))
	})
	handleUpdatePortForwarding = portAction(func(s *Store, c Caller, in targetReq, _ map[string]upload) error {
		var steps []PortForwarding
		if in.Forwarding != nil {
			steps = []PortForwarding{}
		}
		for _, f := range in.Forwarding {
			steps = append(steps, PortForwarding{ForwardingTypeID: f.ForwardingTypeID.V, Timeout: f.Timeout.V, Value: string(f.Value),
				Method: strings.ToUpper(string(f.Method)), Sequence: f.Sequence.V})
		}
		return s.UpdatePortForwarding(c, in.PortReqID.V, steps, in.FwdPreconfigured.ptr())
	})
	handleDeleteRequest = portAction(func(s *Store, c Caller, in targetReq, _ map[string]upload) error {
		return s.DeleteRequest(c, in.req(), in.PortProposalID.ptr(), string(in.DIDNumber))
	})
	handleActivateOrder = portAction(func(s *Store, c Caller, in targetReq, _ map[string]upload) error {
		return s.ActivateOrder(c, in.req(), in.PortProposalID.ptr())
	})
	handleActivateDID = portAction(func(s *Store, c Caller, in targetReq, _ map[string]upload) error {
		return s.ActivateDID(c, in.PortProposalID.V, string(in.DIDNumber))
	})
	handleUploadDocs = portAction(func(s *Store, c Caller, in targetReq, files map[string]upload) error {
		f, has := files["file"]
		if !has {
			return missing("file")
		}
		_, err := s.UploadDoc(c, in.req(), in.PortProposalID.ptr(), string(in.Type), f.Name, f.Data)
		return err
	})
	handleRemoveDocs = portAction(func(s *Store, c Caller, in targetReq, _ map[string]upload) error {
		return s.RemoveDoc(c, in.req(), in.PortProposalID.ptr(), string(in.Type))
	})
	handleUpdateActivation = portAction(func(s *Store, c Caller, in targetReq, _ map[string]upload) error {
		if in.ActivationDate == "" {
			return missing("activation_date")
		}
		t, err := parseWhen(string(in.ActivationDate))
		if err != nil {
			return invalid("activation_date", "use a date such as 2022-01-21T12:00:00-05:00")
		}
		return s.UpdateActivation(c, in.PortProposalID.V, or(string(in.DID), string(in.DIDNumber)), string(in.ActivationType), t)
	})
)

func handleForwardingDetails(w http.ResponseWriter, r *http.Request) {
	pr, err := storeOf(r).ForwardingDetails(callerOf(r), r.URL.Query().Get("port_req_id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	fw := []obj{}
	for _, f := range pr.Forwardings {
		fw = append(fw, o("port_req_id", pr.ID, "forwarding_type_id", f.ForwardingTypeID, "sequence", f.Sequence, "method", f.Method,
			"value", f.Value, "timeout", f.Timeout, "created_at", jsTime(f.CreatedAt), "updated_at", jsTime(f.UpdatedAt)))
	}
	ok(w, o("code", 200, "message", "Successful Operation", "data", o("port_req_id", pr.ID, "fwd_preconfigured", pr.FwdPreconf, "fwd_trunk_grpid", pr.FwdTrunkGrpID, "fwd_sip_type", pr.FwdSipType,
		"fwd_order", pr.FwdOrder, "fwd_answering_mode", pr.FwdAnswerMode, "fwd_device_password", pr.FwdDevicePass, "port_req_forwardings", fw)))
}

func handleExportList(w http.ResponseWriter, r *http.Request) {
	in, good := decodeList(w, r)
	if !good {
		return
	}
	b, err := storeOf(r).ExportPorts(callerOf(r), in.PortReqID.ptr(), in.PortProposalID.ptr(), in.filter())
	if err != nil {
		fail(w, r, err)
		return
	}
	writeCSV(w, "port_export.csv", b)
}

func focJSON(row FOCRow) obj {
	var act any
	if !row.DID.ActivationDate.IsZero() {
		act = jsTime(row.DID.ActivationDate)
	}
	return o("port_proposal_id", row.PropID, "did", row.DID.Number, "port_status", row.DID.Status, "foc_date", jsTimePtr(row.FOCDate),
		"port_req_id", row.ReqID, "activation_type", row.DID.ActivationType, "activation_date", act)
}

func handleFOCList(w http.ResponseWriter, r *http.Request) {
	in, good := decodeList(w, r)
	if !good {
		return
	}
	f := in.filter()
	rows, count, err := storeOf(r).FOCList(callerOf(r), f.Page, f.Limit, string(in.ActivationType), in.Numbers)
	if err != nil {
		fail(w, r, err)
		return
	}
	out := []obj{}
	for _, row := range rows {
		out = append(out, focJSON(row))
	}
	ok(w, o("code", 200, "data", o("count", count, "rows", out)))
}

func handleDIDActivation(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	row, err := storeOf(r).DIDActivation(callerOf(r), q.Get("did"), q.Get("port_proposal_id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	ok(w, o("code", 200, "data", o("success", true, "data", focJSON(*row))))
}

var atlStatuses = []string{"LSR Pending", "Active", "Authorized", "LSR Rejected", "ActionRequired", "Pending", "Canceled", "CancelPending", "ActivatePending",
	"Conflict", "PreOrderPending", "DisconnectPending", "ReceivedFoc", "Rejected", "Submitted", "Supplemented", "CSRPending", "CSRRequested",
	"CSRModified", "CSRInvalid", "CSREscalated", "CSRReview", "CSRReceived", "CSRApproved"}

func handleRejectionList(w http.ResponseWriter, r *http.Request) {
	in, good := decodeList(w, r)
	if !good {
		return
	}
	f := in.filter()
	rows, total, err := storeOf(r).ListRejections(callerOf(r), f)
	if err != nil {
		fail(w, r, err)
		return
	}
	phases := []map[string]string{}
	for _, p := range []string{"Queue", "Error", "Validation_Pending", "In_Progress", "Completed", "Cancelled"} {
		phases = append(phases, map[string]string{"request_phase": p})
	}
	atl := []map[string]string{}
	for _, a := range atlStatuses {
		atl = append(atl, map[string]string{"atl_status": a})
	}
	out := []obj{}
	for _, row := range rows {
		p := row.Prop
		out = append(out, o("port_proposal_id", p.ID, "port_req_id", p.PortReqID, "port_req_status", p.Status, "losing_sp", p.LosingSP,
			"target_sp", "IPH", "resubmitted_at", jsTimePtr(p.ResubmittedAt), "did_count", len(p.DIDs), "failure_reason", p.FailureReason,
			"foc_date", jsTimePtr(p.FOCDate), "request_phase", row.Phase, "order_id", p.OrderID, "order_status", p.OrderStatus))
	}
	ok(w, o("code", 200, "data", o("success", true, "result", o(
		"request_phase_list", phases, "atl_status_list", atl, "totalRecords", total, "result", out, "enableNext", f.Page*f.Limit < total))))
}
