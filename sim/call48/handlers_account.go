package call48

import (
	"net/http"
	"strconv"
	"strings"
)

// --- trunk groups ------------------------------------------------------------------

type trunkIPReq struct {
	IP fstr `json:"ip_address"`
}

// trunkIPs accepts [{"ip_address": "..."}] or ["..."].
type trunkIPs []string

func (t *trunkIPs) UnmarshalJSON(b []byte) error {
	var objs []trunkIPReq
	if err := jsonUnmarshal(b, &objs); err == nil {
		*t = nil
		for _, o := range objs {
			*t = append(*t, string(o.IP))
		}
		return nil
	}
	var ss fstrs
	if err := ss.UnmarshalJSON(b); err != nil {
		return err
	}
	*t = trunkIPs(ss)
	return nil
}

type trunkReq struct {
	ID        fint     `json:"trunk_grpid"`
	Name      *fstr    `json:"trunk_name"`
	RouteType *fstr    `json:"route_type"`
	NumFormat *fstr    `json:"num_format"`
	CliType   *fstr    `json:"cli_type"`
	Prefix    *fstr    `json:"prefix"`
	IPs       trunkIPs `json:"trunk_ips"`
	Deleted   fstrs    `json:"deleted_ips"`
}

func sp(f *fstr) *string {
	if f == nil {
		return nil
	}
	s := strings.TrimSpace(string(*f))
	return &s
}

func (t trunkReq) input() TrunkInput {
	return TrunkInput{ID: t.ID.ptr(), Name: sp(t.Name), RouteType: sp(t.RouteType), NumFormat: sp(t.NumFormat), CliType: sp(t.CliType), Prefix: sp(t.Prefix), IPs: t.IPs, Deleted: t.Deleted}
}

func trunkIPObjs(t Trunk) []obj {
	out := []obj{}
	for _, ip := range t.IPs {
		out = append(out, o("port", ip.Port, "trunk_grpid", t.ID, "ip_address", ip.IP))
	}
	return out
}

func handleTrunkCreate(w http.ResponseWriter, r *http.Request) {
	var in trunkReq
	if _, err := decodeBody(r, &in); err != nil {
		fail(w, r, err)
		return
	}
	t, err := storeOf(r).CreateTrunk(callerOf(r), in.input())
	if err != nil {
		fail(w, r, err)
		return
	}
	acc, _ := storeOf(r).accountView(t.AccountID)
	ok(w, o("code", 200, "message", "Trunk Group created successfully", "data", o(
		"ss_verify", false, "trunk_grpid", t.ID, "trunk_name", t.Name, "route_type", t.RouteType, "num_format", t.NumFormat, "cli_type", t.CliType,
		"prefix", t.Prefix, "trunk_ips", trunkIPObjs(*t), "account_id", t.AccountID, "ext_tgid", t.ExtTGID, "od_custid", acc.ODCustID,
		"order_no", t.OrderNo, "ext_tgstatus", t.Status, "updated_at", jsTime(t.UpdatedAt), "created_at", jsTime(t.CreatedAt)), "error", nil))
}

func handleTrunkUpdate(w http.ResponseWriter, r *http.Request) {
	var in trunkReq
	if _, err := decodeBody(r, &in); err != nil {
		fail(w, r, err)
		return
	}
	if err := storeOf(r).UpdateTrunk(callerOf(r), in.input()); err != nil {
		fail(w, r, err)
		return
	}
	ok(w, o("code", 200, "message", "Success", "data", nil, "error", nil))
}

func handleTrunkList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, limit := atoiOr(q.Get("page"), 1), atoiOr(q.Get("limit"), 50)
	if limit < 1 {
		limit = 50
	}
	rows, owners, total := storeOf(r).ListTrunks(callerOf(r), page, limit)
	out := []obj{}
	for i, t := range rows {
		ips := []string{}
		for _, ip := range t.IPs {
			ips = append(ips, ip.IP+":"+strconv.Itoa(ip.Port))
		}
		out = append(out, o("trunk_grpid", t.ID, "ext_tgid", t.ExtTGID, "trunk_name", t.Name, "account_id", t.AccountID, "route_type", t.RouteType,
			"num_format", t.NumFormat, "cli_type", t.CliType, "prefix", t.Prefix, "ss_verify", false, "trunk_ips", ips, "account_username", owners[i],
			"ext_tgstatus", t.Status))
	}
	ok(w, o("code", 200, "message", "Success", "data", o(
		"result", out, "totalRecords", strconv.Itoa(total), "enableNext", page*limit < total), "error", nil))
}

// --- customers ----------------------------------------------------------------------

func customerJSON(a Account) obj {
	return o("account_id", a.ID, "i_customer", a.ID, "login", a.Username, "phone1", a.Phone, "email", a.Email, "firstname", a.FirstName,
		"lastname", a.LastName, "is_active", true, "salutation", or(a.Salutation, "Company"), "iso_4217", or(a.Currency, "USD"), "companyname", a.Company,
		"city", nullStr(a.City), "status", a.Status, "state", nullStr(a.State), "country", nullStr(a.Country), "jerasoft_id", 1000+a.ID,
		"porta_cid", a.PortaCID, "credit_limit", a.CreditLimit.String(), "credit_limit_warning", a.CreditLimitWarning.String(), "account_pid", a.ParentID,
		"porta_class_id", a.PortaClass, "zip", nullStr(a.Zip), "creation_date", jsTime(a.CreatedAt), "blocked", "N", "baddr1", nullStr(a.Address),
		"baddr2", nullStr(a.Address2), "i_customer_type", 1, "bcc", nullStr(a.Bcc))
}

func handleCustomers(w http.ResponseWriter, r *http.Request) {
	rows := []obj{}
	for _, a := range storeOf(r).ListCustomers(callerOf(r)) {
		rows = append(rows, customerJSON(a))
	}
	ok(w, o("error", nil, "total", len(rows), "data", rows))
}

func handleCreateCustomer(w http.ResponseWriter, r *http.Request) {
	var in customerReq
	if _, err := decodeBody(r, &in); err != nil {
		fail(w, r, err)
		return
	}
	if _, err := storeOf(r).CreateCustomer(callerOf(r), in.input()); err != nil {
		fail(w, r, err)
		return
	}
	plain(w, true)
}

type settingReq struct {
	ID               fstr `json:"id"`
	LimitSimulCalls  fstr `json:"limitsimulcalls"`
	SimulMaxCallsIn  fstr `json:"simulmaxcallsin"`
	SimulMaxCallsOut fstr `json:"simulmaxcallsout"`
	SimulMaxCalls    fstr `json:"simulmaxcalls"`
	CallParking      fstr `json:"callparking"`
	RTP              fstr `json:"rtp"`
	Paging           fstr `json:"paging"`
	Plan             fstr `json:"i_vd_plan"`
}

func customerSetting(what string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in settingReq
		if _, err := decodeBody(r, &in); err != nil {
			fail(w, r, err)
			return
		}
		ic, err := storeOf(r).UpdateCustomer(callerOf(r), what, CustomerSetting{ID: string(in.ID), LimitSimulCalls: string(in.LimitSimulCalls),
			In: string(in.SimulMaxCallsIn), Out: string(in.SimulMaxCallsOut), Max: string(in.SimulMaxCalls), CallParking: string(in.CallParking),
			RTP: string(in.RTP), Paging: string(in.Paging), DiscountPlanID: string(in.Plan)})
		if err != nil {
			fail(w, r, err)
			return
		}
		ok(w, o("error", nil, "data", map[string]int{"i_customer": ic}))
	}
}

func handleDiscountPlans(w http.ResponseWriter, r *http.Request) {
	plans, used := storeOf(r).Plans()
	rows := []obj{}
	for _, p := range plans {
		u := 0
		if used[p.ID] {
			u = 1
		}
		rows = append(rows, o("is_used", u, "reset_period", "Billing-period", "dest_group_set_name", "US-Canada", "iso_4217", "USD",
			"managed_by", nil, "name", p.Name, "description", p.Description, "destination_lookup", "N", "i_dest_group_set", 6, "shared", p.Shared,
			"i_customer", nil, "i_vd_plan", p.ID))
	}
	ok(w, o("error", nil, "data", rows))
}

func handleSubscriptions(w http.ResponseWriter, r *http.Request) {
	subs, err := storeOf(r).Subscriptions(callerOf(r), r.URL.Query().Get("id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	rows := []obj{}
	for _, s := range subs {
		status, fin, intSt := "open", "N", 1
		if !s.Open {
			status, fin, intSt = "close", "Y", 2
		}
		day := s.Start.UTC().Format("2006-01-02")
		rows = append(rows, o("subscription_id", s.ID, "i_subscription", s.ISub, "i_customer_subscription", s.ICustSub, "name", s.Name,
			"discount_rate", 0, "assigned_id", s.AssignedID, "created_by", s.CreatedBy, "iso_4217", "USD", "start_date", day, "finish_date", nil,
			"mongo_id", nil, "mongo_uid", nil, "mongo_cid", nil, "status", status, "pending_msg", nil, "created_at", jsTime(s.Start),
			"updated_at", jsTime(s.Start), "activation_date", day, "int_status", intSt, "generate_daily_charge", "N", "effective_fee", s.Fee,
			"discount_list", []any{}, "next_effective_fee", s.Fee, "billed_to", day, "has_discount", 0, "is_finished", fin,
			"invoice_description", s.Name, "rounding", 2, "i_customer", s.ICustomer))
	}
	ok(w, o("error", nil, "data", rows))
}

func handleXDR(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, err := parseWhen(q.Get("from"))
	if err != nil {
		fail(w, r, invalid("from", `use "2021-04-01 00:00"`))
		return
	}
	to, err := parseWhen(q.Get("to"))
	if err != nil {
		fail(w, r, invalid("to", `use "2021-04-01 23:59"`))
		return
	}
	max := atoiOr(q.Get("max"), 10)
	if max < 1 || max > 1000 {
		max = 10
	}
	xs, total, err := storeOf(r).XDRs(callerOf(r), from, to, q.Get("customer"), atoiOr(q.Get("page"), 1), max)
	if err != nil {
		fail(w, r, err)
		return
	}
	list := make([]obj, 0, len(xs))
	for _, x := range xs {
		list = append(list, xdrJSON(x))
	}
	ok(w, o("error", nil, "data", o("xdr_list", list, "total", total)))
}
