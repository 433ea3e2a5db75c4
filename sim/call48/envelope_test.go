package call48

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The live service's clients read "code" and "error" on every answer; a
// missing key is an exception for them. Every JSON answer has both.
func TestEveryAnswerCarriesCodeAndError(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	num := dataOf(t, e.do("GET", "/api/v4/dids?type=local&page=1&max=1", tok, nil)).([]any)[0].(map[string]any)["did"].(string)
	q911 := url.Values{"number": {num}, "enabled": {"yes"}, "country": {"US"}, "state": {"FL"}, "name": {"test user"}, "streetnumber": {"123"},
		"streetname": {"Test St"}, "city": {"Miami"}, "zipcode": {"33155"}}
	q411 := url.Values{"number": {num}, "enabled": {"yes"}, "type": {"RES"}, "country": {"US"}, "state": {"FL"}, "lstgn": {"test"}, "lstnm": {"user"},
		"strt": {"123"}, "locnm": {"Miami"}, "zip": {"33155"}}
	qAddr := url.Values{"country": {"US"}, "state": {"MA"}, "name": {"E911TEST"}, "streetnumber": {"777"}, "streetname": {"Brockton Avenue"},
		"city": {"Abington"}, "zipcode": {"02351"}}
	cases := []struct {
		name, method, path, token string
		body                      any
		code                      float64
	}{
		{"states", "GET", "/api/v4/states", tok, nil, 200},
		{"rate centers", "GET", "/api/v4/ratecenter?state=NY", tok, nil, 200},
		{"countries", "GET", "/api/v4/countries", tok, nil, 200},
		{"customers", "GET", "/api/v4/customers", tok, nil, 200},
		{"payment", "GET", "/api/v4/payment?amount=40.00", tok, nil, 200},
		{"fax", "POST", "/api/v4/update_fax", tok, map[string]any{"number": num, "service": 1, "email": "fax@example.com"}, 200},
		{"411", "GET", "/api/v4/update411?" + q411.Encode(), tok, nil, 200},
		{"911", "GET", "/api/v4/update911?" + q911.Encode(), tok, nil, 200},
		{"verify address", "GET", "/api/v4/verifyaddress?" + qAddr.Encode(), tok, nil, 200},
		{"subscriptions", "GET", "/api/v4/subscriptions?id=129", tok, nil, 200},
		{"discount plans", "GET", "/api/v4/discountplan", tok, nil, 200},
		{"xdr", "GET", "/api/v4/xdr?from=2026-01-04%2000:00&to=2026-01-05%2000:00&page=1&max=10", tok, nil, 200},
		{"trunk groups", "GET", "/api/v4/trunkgrp/list", tok, nil, 200},
		{"bulk orders", "GET", "/api/v4/lcl-did-bulk-purchase/list?page=1&limit=10", tok, nil, 200},
		{"toll search", "GET", "/api/v4/search?type=toll&limit=2", tok, nil, 200},
		{"intl search", "GET", "/api/v4/search?type=intl&country=GB", tok, nil, 200},
		{"port list", "POST", "/api/v4/port-in/view-list", tok, map[string]any{"page": "1", "limit": "10"}, 200},
		{"port check", "POST", "/api/v4/port-in/check-ports", tok, map[string]any{"did_type": "LCL", "numbers": []string{"7012001293"}}, 200},
		{"foc list", "POST", "/api/v4/port-in/view-foc-list", tok, map[string]any{"page": "1", "limit": "10"}, 200},
		{"rejection list", "POST", "/api/v4/port-in/view-rejection-list", tok, map[string]any{"page": "1", "limit": "10"}, 200},
		{"signup", "POST", "/api/v4/signup", "", map[string]any{"firstname": "test", "lastname": "user", "company": "s", "address": "Brooklyn street",
			"city": "Brooklyn", "country": "US", "state": "NY", "username": "envuser", "password": "pw", "confirmpassword": "pw", "email": "u@example.com",
			"phone": "5555555555", "terms": 1}, 200},
		{"missing parameter", "GET", "/api/v4/ratecenter", tok, nil, 400},
		{"unknown DID", "GET", "/api/v4/update411?" + url.Values{"number": {"2125550000"}, "enabled": {"no"}, "type": {"RES"}, "country": {"US"},
			"state": {"FL"}, "lstgn": {"a"}, "lstnm": {"b"}, "strt": {"1"}, "locnm": {"c"}, "zip": {"33155"}}.Encode(), tok, nil, 404},
		{"no token", "GET", "/api/v4/states", "", nil, 401},
		{"bad login", "POST", "/api/v4/admin_login", "", url.Values{"user_name": {"spadmin"}, "password": {"x"}}, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, tc.token, tc.body)
			assert.Equal(t, 200, r.Status)
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(r.Body, &m), string(r.Body))
			require.Contains(t, m, "code", string(r.Body))
			require.Contains(t, m, "error", string(r.Body))
			var code float64
			require.NoError(t, json.Unmarshal(m["code"], &code))
			assert.Equal(t, tc.code, code, string(r.Body))
			if tc.code == 200 {
				assert.Equal(t, "null", string(m["error"]))
			} else {
				assert.NotEqual(t, "null", string(m["error"]))
			}
		})
	}
}

// null in an optional JSON field is the field left out.
func TestNullIsAbsent(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	num := dataOf(t, e.do("GET", "/api/v4/dids?type=local&page=1&max=1", tok, nil)).([]any)[0].(map[string]any)["did"].(string)
	cases := []struct {
		name, path, body string
		code             float64
		err              string
	}{
		{"numbers null", "/api/v4/purchase", `{"type":"local","numbers":null}`, 400, "numbers is required"},
		{"type null", "/api/v4/purchase", `{"type":null,"numbers":[]}`, 400, "type is required"},
		{"fax email null when disabling", "/api/v4/update_fax", `{"number":"` + num + `","service":0,"email":null,"serial":null}`, 200, ""},
		{"fax email null when enabling", "/api/v4/update_fax", `{"number":"` + num + `","service":1,"email":null}`, 400, "email is required"},
		{"cnam status null defaults on", "/api/v4/did/create-cnam", `{"did_id":141,"display_name":"MARK","cnam_status":null,"cnam_type":null,"display_number":null}`, 200, ""},
		{"forwarding trunk null", "/api/v4/update_forwarding", `{"number":"` + num + `","answeringmode":"1","fwd_trunk_grpid":null,"method1":null}`, 200, ""},
		{"port detail null", "/api/v4/port-in/submit-port-details", `{"did_type":"LCL","numbers":["7012001293"],"port_req_detail":null}`, 400, "required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := e.do("POST", tc.path, tok, tc.body).json(t)
			assert.Equal(t, tc.code, m["code"], m["error"])
			if tc.err != "" {
				assert.Contains(t, m["error"], tc.err)
			}
		})
	}
}
