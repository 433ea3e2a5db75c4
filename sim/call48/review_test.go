package call48

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keysAt returns the keys, in order, of the JSON object reached by path
// (object keys, or "0" for an array's first element).
func keysAt(t *testing.T, body []byte, path ...string) []string {
	t.Helper()
	raw := json.RawMessage(body)
	for _, p := range path {
		if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
			var arr []json.RawMessage
			require.NoError(t, json.Unmarshal(raw, &arr))
			require.NotEmpty(t, arr, "empty array at %s in %s", p, body)
			raw = arr[0]
			continue
		}
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(raw, &m))
		next, found := m[p]
		require.True(t, found, "no %q in %s", p, raw)
		raw = next
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok, "not an object: %s", raw)
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, k.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

// The real API is a Node service: its JSON keys come in a fixed order, the
// document's samples show it, and the simulator keeps it.
func TestResponsesKeepTheDocumentsKeyOrder(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")

	bad := e.do("POST", "/api/v4/login", "", map[string]string{"user_name": "mark", "password": "nope"})
	assert.JSONEq(t, `{"error":"Invalid credentials","data":false,"code":400}`, string(bad.Body))
	assert.Equal(t, []string{"error", "data", "code"}, keysAt(t, bad.Body))

	tg := e.do("POST", "/api/v4/trunkgrp/create", tok, map[string]any{"trunk_name": "TG NAME", "trunk_ips": []map[string]string{{"ip_address": "10.50.250.11"}}})
	dids := e.do("GET", "/api/v4/dids?type=local&page=1&max=1", tok, nil)
	var first []map[string]any
	require.NoError(t, json.Unmarshal([]byte(mustField(t, dids.Body, "data")), &first))
	require.NotEmpty(t, first)
	cnam := e.do("POST", "/api/v4/did/create-cnam", tok, map[string]any{"cnam_status": true, "cnam_type": "RES", "display_name": "MARK", "display_number": "12362320049", "did_id": first[0]["_id"]})
	port := e.do("POST", "/api/v4/port-in/submit-port-details", tok, map[string]any{"did_type": "LCL", "numbers": []string{"4155550101"}, "port_req_detail": portDetail()})
	var sub struct {
		Data struct {
			ID int `json:"port_req_id"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(port.Body, &sub))
	fwd := e.do("GET", "/api/v4/port-in/forwarding-details?port_req_id="+itoa(sub.Data.ID), tok, nil)

	cases := []struct {
		name string
		body []byte
		path []string
		want []string
	}{
		// search, states and rate centers in the live service's order (the facts file)
		{"local search", e.do("GET", "/api/v4/search?type=local&state=GA&limit=1", tok, nil).Body, nil, []string{"code", "message", "data", "error"}},
		{"local search data", e.do("GET", "/api/v4/search?type=local&state=GA&limit=1", tok, nil).Body, []string{"data"}, []string{"result", "setup", "monthly", "uqid", "ttl", "loc"}},
		{"local search row", e.do("GET", "/api/v4/search?type=local&state=NY&ratecenter=NWYRCYZN01&limit=1", tok, nil).Body, []string{"data", "result", "0"},
			[]string{"did_id", "did_number", "did", "number", "npa", "nxx", "xxxx", "did_type_id", "state_id", "rate_center_id", "did_status_id", "vendor_id",
				"ratecenter", "state", "locData", "monthly", "setup"}},
		{"states", e.do("GET", "/api/v4/states", tok, nil).Body, nil, []string{"error", "total", "data", "code"}},
		{"rate centers", e.do("GET", "/api/v4/ratecenter?state=NY", tok, nil).Body, nil, []string{"error", "total", "data", "code"}},
		{"countries", e.do("GET", "/api/v4/countries", tok, nil).Body, nil, []string{"code", "error", "totalRecords", "data"}},
		{"country row", e.do("GET", "/api/v4/countries", tok, nil).Body, []string{"data", "0"}, []string{"country_id", "name", "code", "code2", "prefix", "req"}},
		{"trunk create", tg.Body, nil, []string{"code", "message", "data", "error"}},
		{"trunk list", e.do("GET", "/api/v4/trunkgrp/list", tok, nil).Body, nil, []string{"code", "message", "data", "error"}},
		{"trunk list data", e.do("GET", "/api/v4/trunkgrp/list", tok, nil).Body, []string{"data"}, []string{"result", "totalRecords", "enableNext"}},
		{"create cnam", cnam.Body, nil, []string{"error", "data", "code", "message"}},
		{"submit port", port.Body, nil, []string{"code", "message", "data", "error"}},
		{"port forwarding details", fwd.Body, nil, []string{"code", "message", "data", "error"}},
		{"customers row", e.do("GET", "/api/v4/customers", tok, nil).Body, []string{"data", "0"}, []string{"account_id", "i_customer", "login", "phone1", "email",
			"firstname", "lastname", "is_active", "salutation", "iso_4217", "companyname", "city", "status", "state", "country", "jerasoft_id", "porta_cid",
			"credit_limit", "credit_limit_warning", "account_pid", "porta_class_id", "zip", "creation_date", "blocked", "baddr1", "baddr2", "i_customer_type", "bcc"}},
		{"port list row", e.do("POST", "/api/v4/port-in/view-list", tok, map[string]any{"page": "1", "limit": "10"}).Body, []string{"data", "result", "0"},
			[]string{"port_req_id", "did_type_id", "import_from_file", "request_phase", "suborder_count", "created_at", "did_type_name", "account_id",
				"account_username", "account_class_id", "csv_file", "port_proposals"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, keysAt(t, tc.body, tc.path...))
		})
	}
}

func mustField(t *testing.T, body []byte, k string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &m))
	return m[k]
}

func portDetail() map[string]any {
	return map[string]any{"cust_acc_name": "Test 1324", "cust_authorized_name": "Test user", "cust_acc_type": "RES", "cust_acc_number": "1234566",
		"address_street_name": "Test", "address_number": "54322", "address_loc_designator": "Test", "city": "Test", "btn": "43020", "state": "AL",
		"activation_type": "Auto", "desired_foc_date": "2026-01-08T00:00:00Z", "postal_code": "532132", "activation_date": "2026-01-08T12:00:00-05:00"}
}

// The document's third update_forwarding body routes an OD number to a trunk
// group with nothing else.
func TestForwardingToTrunkGroupOnly(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	d := dataOf(t, e.do("GET", "/api/v4/search?type=toll&limit=1", tok, nil)).(map[string]any)
	row := d["result"].([]any)[0].(map[string]any)
	num := row["did_number"].(string)
	require.Equal(t, true, dataOf(t, e.do("POST", "/api/v4/purchase", tok, map[string]any{"type": "toll", "numbers": []map[string]any{{"npa": row["npa"], "nxx": row["nxx"], "xxxx": row["xxxx"], "loc": d["loc"]}}})))

	set := e.do("POST", "/api/v4/update_forwarding", tok, map[string]any{"number": num, "answeringmode": "2", "method1": "simple", "number1": "2522378144", "timeout1": "30"})
	require.EqualValues(t, 200, set.json(t)["code"], string(set.Body))

	tg := e.do("POST", "/api/v4/trunkgrp/create", tok, map[string]any{"trunk_name": "second", "trunk_ips": []map[string]string{{"ip_address": "10.1.1.1"}}})
	ext := dataOf(t, tg).(map[string]any)["ext_tgid"].(float64)
	r := e.do("POST", "/api/v4/update_forwarding", tok, map[string]any{"number": num, "fwd_trunk_grpid": ext})
	assert.JSONEq(t, `{"error":null,"data":[{"description":"Routing request completed"}],"code":200}`, string(r.Body))

	unknown := e.do("POST", "/api/v4/update_forwarding", tok, map[string]any{"number": num, "fwd_trunk_grpid": 1})
	assert.EqualValues(t, 400, unknown.json(t)["code"])
	assert.Contains(t, unknown.json(t)["error"], "fwd_trunk_grpid")
	assert.EqualValues(t, 400, e.do("POST", "/api/v4/update_forwarding", tok, map[string]any{"number": num}).json(t)["code"], "nothing to change")

	list := dataOf(t, e.do("GET", "/api/v4/dids?type=toll&page=1&max=10", tok, nil)).([]any)
	require.Len(t, list, 1)
	fw := list[0].(map[string]any)["forwardingData"].(map[string]any)
	assert.Equal(t, ext, fw["fwd_trunk_grpid"])
	assert.Equal(t, "simple", fw["method1"], "the rest of the routing is kept")
	assert.Equal(t, "2522378144", fw["number1"])
	assert.EqualValues(t, 2, fw["answeringmode"])
}

func TestXDRChargedAmountsAreRounded(t *testing.T) {
	e := newEnv(t, "")
	e.advance(30 * time.Hour)
	tok := e.login("mark", "password")
	m := e.do("GET", "/api/v4/xdr?from=2026-01-05%2000:00&to=2026-01-06%2012:00&page=1&max=50", tok, nil).json(t)
	require.Nil(t, m["error"])
	d := m["data"].(map[string]any)
	list := d["xdr_list"].([]any)
	require.NotEmpty(t, list)
	for _, x := range list {
		amt := x.(map[string]any)["charged_amount"].(float64)
		assert.InDelta(t, math.Round(amt*1e5), amt*1e5, 1e-6, "at most 5 decimals: %v", amt)
	}
	assert.Equal(t, []string{"value", "xdr_time", "xdr_column_id"}, keysAt(t, mustField(t, mustField(t, e.do("GET", "/api/v4/xdr?from=2026-01-05%2000:00&to=2026-01-06%2012:00&page=1&max=1", tok, nil).Body, "data"), "xdr_list"), "0", "aux_xdrs", "0"))
}

func TestMissingQueryParameterReadsPlainly(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	m := e.do("GET", "/api/v4/subscriptions", tok, nil).json(t)
	assert.EqualValues(t, 400, m["code"])
	assert.Equal(t, "id is required", m["error"])
}
