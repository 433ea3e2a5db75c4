package call48

import (
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
	"strconv"
	"strings"
)

// --- search and purchase ------------------------------------------------------------

// numberRow is a local or toll row of GET /search as the live service
// answers it: integer ids, the 10-digit number, the catalogue's ids and the
// row's own prices (by vendor). Toll rows have no state or rate center.
type numberRow struct {
	DIDID        int     `json:"did_id"`
	DIDNumber    string  `json:"did_number"`
	DID          int     `json:"did"`
	Number       string  `json:"number"`
	NPA          string  `json:"npa"`
	NXX          string  `json:"nxx"`
	XXXX         string  `json:"xxxx"`
	DIDTypeID    int     `json:"did_type_id"`
	StateID      *int    `json:"state_id"`
	RateCenterID *int    `json:"rate_center_id"`
	DIDStatusID  int     `json:"did_status_id"`
	VendorID     int     `json:"vendor_id"`
	RateCenter   *string `json:"ratecenter"`
	State        *string `json:"state"`
	LocData      *string `json:"locData"`
	Monthly      string  `json:"monthly"`
	Setup        string  `json:"setup"`
}

type intlRow struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Prefix       string   `json:"prefix"`
	Features     []string `json:"features"`
	Requirements bool     `json:"requirements"`
	Quantity     int      `json:"quantity"`
	Setup        string   `json:"setup"`
	Monthly      string   `json:"monthly"`
	CountryName  string   `json:"countryName"`
	Country      string   `json:"country"`
	ISO          string   `json:"iso"`
	IntlData     string   `json:"intl_data"`
}

func handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	res, err := storeOf(r).Search(callerOf(r), SearchQuery{Type: q.Get("type"), State: q.Get("state"), RateCenter: q.Get("ratecenter"),
		NPA: q.Get("npa"), NXX: q.Get("nxx"), Limit: q.Get("limit"), Country: q.Get("country")})
	if err != nil {
		fail(w, r, err)
		return
	}
	if res.Kind == KindIntl {
		rows := []intlRow{}
		for i, o := range res.Offers {
			co, _ := fx.country(o.Country)
			rows = append(rows, intlRow{ID: o.ID, Name: o.Name, Prefix: o.Prefix, Features: o.Features, Requirements: o.Requirements, Quantity: o.Available,
				Setup: o.Setup, Monthly: o.Monthly, CountryName: co.Name, Country: o.Country, ISO: o.Country, IntlData: res.Intl[i]})
		}
		ok(w, o("code", 200, "error", nil, "data", rows))
		return
	}
	rows := make([]numberRow, 0, len(res.Numbers))
	var prices moneyTexts // rows share a few prices
	for i := range res.Numbers {
		n := &res.Numbers[i] // the row points into it: no copy per row
		setup, monthly := storeOf(r).cfg.vendorPrice(res.Kind, n.Vendor)
		row := numberRow{DIDID: n.InvID, DIDNumber: n.Number, DID: n.InvID, Number: n.Number, NPA: n.Number[:3], NXX: n.Number[3:6], XXXX: n.Number[6:],
			DIDTypeID: didTypeIDs["TF"], DIDStatusID: 1, VendorID: max(n.Vendor, 1), Monthly: prices.text(monthly), Setup: prices.text(setup)}
		if res.Kind == KindLocal {
			row.DIDTypeID, row.StateID, row.RateCenterID = didTypeIDs["LCL"], fx.stateID(n.State), &n.FootprintID
			row.State, row.RateCenter = &n.State, &n.RateCenter
		}
		if i < len(res.LocData) {
			row.LocData = &res.LocData[i]
		}
		rows = append(rows, row)
	}
	var loc any
	if res.Loc != "" {
		loc = res.Loc
	}
	ok(w, o("code", 200, "message", "Successful Operation", "data", o(
		"result", rows, "setup", res.Setup.String(), "monthly", res.Monthly.String(), "uqid", res.UQID, "ttl", jsTime(res.TTL), "loc", loc), "error", nil))
}

type purchaseItem struct {
	NPA              fstr  `json:"npa"`
	NXX              fstr  `json:"nxx"`
	XXXX             fstr  `json:"xxxx"`
	State            fstr  `json:"state"`
	RateCenter       fstr  `json:"ratecenter"`
	Loc              fstr  `json:"loc"`
	IntlData         fstr  `json:"intl_data"`
	LocData          fstr  `json:"locData"`
	ID               fstr  `json:"id"`
	Name             fstr  `json:"name"`
	Prefix           fstr  `json:"prefix"`
	Country          fstr  `json:"country"`
	Quantity         fint  `json:"quantity"`
	FwdTrunkGrpID    fint  `json:"fwd_trunk_grpid"`
	FwdPreconfigured fbool `json:"fwd_preconfigured"`
}

type purchaseReq struct {
	Type    fstr           `json:"type"`
	Numbers []purchaseItem `json:"numbers"`
}

func handlePurchase(w http.ResponseWriter, r *http.Request) {
	var in purchaseReq
	if _, err := decodeBody(r, &in); err != nil {
		fail(w, r, err)
		return
	}
	items := make([]PurchaseItem, 0, len(in.Numbers))
	for _, n := range in.Numbers {
		items = append(items, PurchaseItem{NPA: strings.TrimSpace(string(n.NPA)), NXX: strings.TrimSpace(string(n.NXX)), XXXX: strings.TrimSpace(string(n.XXXX)),
			State: string(n.State), RateCenter: string(n.RateCenter), Loc: or(string(n.Loc), string(n.IntlData)), LocData: string(n.LocData), ID: string(n.ID), Name: string(n.Name), Prefix: string(n.Prefix),
			Country: string(n.Country), Quantity: n.Quantity.V, FwdTrunkGrpID: n.FwdTrunkGrpID.ptr(), FwdPreconfigured: n.FwdPreconfigured.V})
	}
	if _, err := storeOf(r).Purchase(callerOf(r), string(in.Type), items); err != nil {
		fail(w, r, err)
		return
	}
	// the live service's words; the document says "Successful Operation"
	ok(w, o("code", 200, "message", "Purchase was successful", "data", true, "error", nil))
}

// --- DIDs -----------------------------------------------------------------------------

type didRecord struct {
	ID                int        `json:"_id"`
	DID               string     `json:"did"`
	Number            string     `json:"number"`
	NPA               string     `json:"npa"`
	NXX               string     `json:"nxx"`
	XXXX              string     `json:"xxxx"`
	Fax               string     `json:"fax"`
	Type              string     `json:"type"`
	PortaAID          any        `json:"portaAID"`
	Country           any        `json:"country"`
	StateName         any        `json:"state_name"`
	State             any        `json:"state"`
	Ratecenter        any        `json:"ratecenter"`
	RateCenter        any        `json:"rateCenter"`
	Status            string     `json:"status"`
	IsDeleted         string     `json:"isDeleted"`
	AssignedID        int        `json:"assigned_id"`
	PortaPRID         any        `json:"portaPRID"`
	Tags              any        `json:"tags"`
	RTP               string     `json:"rtp"`
	CnamLookup        string     `json:"cnamLookup"`
	CnamDisplayname   *string    `json:"cnamDisplayname"`
	CnamDisplaynumber *string    `json:"cnamDisplaynumber"`
	CnamType          string     `json:"cnamType"`
	E911Data          E911       `json:"e911Data"`
	FaxData           FaxData    `json:"faxData"`
	Listing411Data    Listing411 `json:"listing411Data"`
	ForwardingData    Forwarding `json:"forwardingData"`
}

func didJSON(d DID) didRecord {
	rec := didRecord{ID: d.ID, DID: d.Number, Number: dashed(d.Number), Fax: strconv.FormatBool(d.Fax), Type: d.Kind,
		Status: d.Status, IsDeleted: "no", AssignedID: d.AccountID, Tags: nullStr(d.Tags), RTP: d.RTP, CnamLookup: d.CnamLookup,
		CnamDisplayname: d.CnamName, CnamDisplaynumber: d.CnamNumber, CnamType: d.CnamType, E911Data: d.E911, FaxData: d.FaxData,
		Listing411Data: d.Fax411, ForwardingData: d.Fwd, Country: nullStr(d.Country)}
	if len(d.Number) == 10 {
		rec.NPA, rec.NXX, rec.XXXX = d.Number[:3], d.Number[3:6], d.Number[6:]
	}
	if d.PortaAID != 0 {
		rec.PortaAID, rec.PortaPRID = d.PortaAID, d.PortaPRID
	}
	if d.State != "" {
		st, _ := fx.state(d.State)
		rec.State, rec.StateName = d.State, st.StateName
	}
	if d.RateCenter != "" {
		rec.Ratecenter, rec.RateCenter = d.RateCenter, d.RateCenter
	}
	return rec
}

func handleListDIDs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	dids, _, err := storeOf(r).ListDIDs(callerOf(r), q.Get("type"), atoiOr(q.Get("page"), 1), min(atoiOr(q.Get("max"), 25), 1000))
	if err != nil {
		fail(w, r, err)
		return
	}
	rows := make([]didRecord, 0, len(dids))
	for _, d := range dids {
		rows = append(rows, didJSON(d))
	}
	plain(w, rows)
}

type deleteDIDsReq struct {
	ID      fints `json:"id"`
	IDs     fints `json:"ids"`
	Numbers fstrs `json:"numbers"`
}

func handleDeleteDIDs(w http.ResponseWriter, r *http.Request) {
	var in deleteDIDsReq
	if _, err := decodeBody(r, &in); err != nil {
		fail(w, r, err)
		return
	}
	q := r.URL.Query()
	for _, v := range q["id"] {
		if n, err := strconv.Atoi(v); err == nil {
			in.ID = append(in.ID, n)
		}
	}
	in.Numbers = append(in.Numbers, q["numbers"]...)
	if _, err := storeOf(r).ReleaseDIDs(callerOf(r), append(in.ID, in.IDs...), in.Numbers); err != nil {
		fail(w, r, err)
		return
	}
	success(w, map[string]bool{"success": true})
}

func queryMap(r *http.Request) map[string]string {
	m := map[string]string{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			m[k] = v[0]
		}
	}
	return m
}

func handleUpdate411(w http.ResponseWriter, r *http.Request) {
	if err := storeOf(r).Update411(callerOf(r), queryMap(r)); err != nil {
		fail(w, r, err)
		return
	}
	plain(w, true)
}

func handleUpdate911(w http.ResponseWriter, r *http.Request) {
	id, err := storeOf(r).Update911(callerOf(r), queryMap(r))
	if err != nil {
		fail(w, r, err)
		return
	}
	plain(w, id)
}

type faxReq struct {
	Number  fstr `json:"number"`
	Service fstr `json:"service"`
	Email   fstr `json:"email"`
	Serial  fstr `json:"serial"`
}

func handleUpdateFax(w http.ResponseWriter, r *http.Request) {
	var in faxReq
	if _, err := decodeBody(r, &in); err != nil {
		fail(w, r, err)
		return
	}
	id, err := storeOf(r).UpdateFax(callerOf(r), FaxUpdate{Number: string(in.Number), Service: string(in.Service), Email: string(in.Email), Serial: string(in.Serial)})
	if err != nil {
		fail(w, r, err)
		return
	}
	// The document's fax answer has no "code".
	ok(w, o("error", nil, "data", id))
}

type forwardingReq struct {
	Number        fstr `json:"number"`
	Sequence      fstr `json:"sequence"`
	Product       fstr `json:"product"`
	AnsweringMode fstr `json:"answeringmode"`
	SipDigits     fstr `json:"sipdigits"`
	Username      fstr `json:"username"`
	Password      fstr `json:"password"`
	Method1       fstr `json:"method1"`
	Method2       fstr `json:"method2"`
	Method3       fstr `json:"method3"`
	Number1       fstr `json:"number1"`
	Number2       fstr `json:"number2"`
	Number3       fstr `json:"number3"`
	Timeout1      fstr `json:"timeout1"`
	Timeout2      fstr `json:"timeout2"`
	Timeout3      fstr `json:"timeout3"`
	Sip1          fstr `json:"sip1"`
	Sip2          fstr `json:"sip2"`
	Sip3          fstr `json:"sip3"`
	FwdTrunkGrpID fint `json:"fwd_trunk_grpid"`
}

func handleUpdateForwarding(w http.ResponseWriter, r *http.Request) {
	var in forwardingReq
	if _, err := decodeBody(r, &in); err != nil {
		fail(w, r, err)
		return
	}
	u := ForwardingUpdate{Number: string(in.Number), Sequence: string(in.Sequence), Product: string(in.Product), AnsweringMode: string(in.AnsweringMode),
		SipDigits: string(in.SipDigits), Username: string(in.Username), Password: string(in.Password),
		Method: [3]string{string(in.Method1), string(in.Method2), string(in.Method3)}, Num: [3]string{string(in.Number1), string(in.Number2), string(in.Number3)},
		Timeout: [3]string{string(in.Timeout1), string(in.Timeout2), string(in.Timeout3)}, Sip: [3]string{string(in.Sip1), string(in.Sip2), string(in.Sip3)},
		FwdTrunkGrpID: in.FwdTrunkGrpID.ptr()}
	res, err := storeOf(r).UpdateForwarding(callerOf(r), u)
	if err != nil {
		fail(w, r, err)
		return
	}
	if res.Platform == PlatformPorta {
		plain(w, o("login", res.Login, "i_product", res.Product, "i_account", res.Account))
		return
	}
	plain(w, []map[string]string{{"description": "Routing request completed"}})
}

type cnamReq struct {
	Status        fbool `json:"cnam_status"`
	Type          fstr  `json:"cnam_type"`
	DisplayName   fstr  `json:"display_name"`
	DisplayNumber fstr  `json:"display_number"`
	DIDID         fint  `json:"did_id"`
}

func handleCreateCnam(w http.ResponseWriter, r *http.Request) {
	var in cnamReq
	if _, err := decodeBody(r, &in); err != nil {
		fail(w, r, err)
		return
	}
	cn, err := storeOf(r).CreateCnam(callerOf(r), CnamCreate{Status: in.Status.ptr(), Type: string(in.Type), DisplayName: string(in.DisplayName), DisplayNumber: string(in.DisplayNumber), DIDID: in.DIDID.V})
	if err != nil {
		fail(w, r, err)
		return
	}
	ok(w, o("error", nil, "data", o(
		"did_cnam_id", strconv.Itoa(cn.ID), "did_id", strconv.Itoa(cn.DIDID), "cnam_status", cn.Status, "cnam_type", cn.Type,
		"display_name", cn.DisplayName, "display_number", cn.DisplayNumber, "is_billed", true, "invoice_id", cn.InvoiceID, "is_active", cn.Status,
		"created_at", jsTime(cn.CreatedAt), "updated_at", jsTime(cn.CreatedAt)), "code", 200, "message", "Successful Operation"))
}

// --- bulk purchase ------------------------------------------------------------------------

type bulkReq struct {
	OrderType     fstr `json:"order_type"`
	FwdTrunkGrpID fstr `json:"fwd_trunk_grpid"`
	CnamDip       fstr `json:"enable_cnam_dip"`
	AllowOffnet   fstr `json:"allow_offnet"`
	Tag           fstr `json:"did_tag"`
	Notes         fstr `json:"notes"`
	File          fstr `json:"file"` // CSV text, for clients that send it as a field
}

func handleBulkNew(w http.ResponseWriter, r *http.Request) {
	var in bulkReq
	files, err := decodeBody(r, &in)
	if err != nil {
		fail(w, r, err)
		return
	}
	bi := BulkInput{OrderType: string(in.OrderType), FwdTrunkGrpID: string(in.FwdTrunkGrpID), CnamDip: string(in.CnamDip), AllowOffnet: string(in.AllowOffnet), Tag: string(in.Tag), Notes: string(in.Notes)}
	if f, has := files["file"]; has {
		bi.CSV, bi.HasFile = f.Data, true
	} else if in.File != "" {
		bi.CSV, bi.HasFile = []byte(in.File), true
	}
	if _, err := storeOf(r).CreateBulk(callerOf(r), bi); err != nil {
		fail(w, r, err)
		return
	}
	success(w, true)
}

func handleBulkList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := atoiOr(q.Get("limit"), 10)
	if limit < 1 {
		limit = 10
	}
	rows, owners, count, err := storeOf(r).ListBulk(callerOf(r), BulkFilter{Page: atoiOr(q.Get("page"), 1), Limit: min(limit, 50),
		OrderType: strings.ToLower(q.Get("order_type")), Status: strings.ToUpper(q.Get("status")), OrderNo: q.Get("order_no")})
	if err != nil {
		fail(w, r, err)
		return
	}
	out := []obj{}
	for i, b := range rows {
		qn, fq := b.quantities()
		row := o("bulk_order_id", b.ID, "order_no", b.OrderNo, "notes", b.Notes, "status", b.Status, "created_at", jsTime(b.CreatedAt),
			"order_type_id", bulkTypes[b.OrderType].id, "did_event", bulkTypes[b.OrderType].event, "assigned_to", owners[i], "partition_user", nil,
			"quantity", strconv.Itoa(qn), "fulfilled_quantity", strconv.Itoa(fq))
		if b.Reason != "" {
			row = row.set("error_reason", b.Reason)
		}
		out = append(out, row)
	}
	success(w, o("count", count, "rows", out))
}

func bulkReport(which string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := provider.Vars(r)["bulk_order_id"]
		b, err := storeOf(r).BulkReport(callerOf(r), id, which)
		if err != nil {
			fail(w, r, err)
			return
		}
		writeCSV(w, which+"_report_"+id+".csv", b)
	}
}
