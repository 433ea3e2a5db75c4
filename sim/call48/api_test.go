package call48

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuth(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	c, err := parseJWT([]byte(e.store.d.Secret), tok)
	require.NoError(t, err)
	assert.Equal(t, 129, c.UserID)
	assert.Equal(t, "accounts", c.UserType)
	assert.Equal(t, "account", c.AccountType)
	assert.EqualValues(t, 86400, c.Exp-c.Iat)

	cases := []struct {
		name, path string
		body       any
		code       float64
	}{
		{"bad password", "/api/v4/login", map[string]string{"user_name": "mark", "password": "nope"}, 400},
		{"admin on login", "/api/v4/login", map[string]string{"user_name": "spadmin", "password": "password"}, 400},
		{"account on admin_login", "/api/v4/admin_login", map[string]string{"user_name": "mark", "password": "password"}, 400},
		{"admin form", "/api/v4/admin_login", url.Values{"user_name": {"spadmin"}, "password": {"password"}}, 200},
		{"empty", "/api/v4/login", map[string]string{}, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", tc.path, "", tc.body)
			assert.Equal(t, 200, r.Status)
			m := r.json(t)
			assert.Equal(t, tc.code, m["code"])
			if tc.code == 400 {
				assert.Equal(t, "Invalid credentials", m["error"])
				assert.Equal(t, false, m["data"])
			}
		})
	}

	ok := e.do("GET", "/api/v4/states", tok, nil)
	assert.EqualValues(t, 51, ok.json(t)["total"])
	assert.EqualValues(t, 51, e.do("GET", "/api/v4/states", "Bearer "+tok, nil).json(t)["total"])

	for _, bad := range []string{"", "garbage", tok[:len(tok)-4] + "AAAA"} {
		r := e.do("GET", "/api/v4/states", bad, nil)
		assert.Equal(t, 200, r.Status)
		assert.Equal(t, map[string]any{"code": 401.0, "error": "Unauthorized Access", "message": "Unauthorized Access"}, r.json(t))
	}
	e.advance(24*time.Hour - time.Second)
	assert.EqualValues(t, 51, e.do("GET", "/api/v4/states", tok, nil).json(t)["total"])
	e.advance(time.Second)
	assert.EqualValues(t, 401, e.do("GET", "/api/v4/states", tok, nil).json(t)["code"], "expired after 24 h of clock time")
}

func TestHTTPStatusMode(t *testing.T) {
	e := newEnv(t, strings.Replace(testScenario, "call48:\n", "call48:\n  errorStatus: http\n", 1))
	r := e.do("GET", "/api/v4/states", "", nil)
	assert.Equal(t, 401, r.Status)
	r = e.do("POST", "/api/v4/login", "", map[string]string{"user_name": "mark", "password": "x"})
	assert.Equal(t, 400, r.Status)
}

func TestUnknownRouteAndValidation(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	r := e.do("GET", "/api/v4/nope", tok, nil)
	assert.Equal(t, 404, r.Status)
	assert.EqualValues(t, 404, r.json(t)["code"])
	r = e.do("GET", "/api/v4/search?state=GA", tok, nil)
	m := r.json(t)
	assert.EqualValues(t, 400, m["code"])
	assert.Contains(t, m["error"], "type")
	r = e.do("POST", "/api/v4/purchase", tok, `{"type":`)
	assert.EqualValues(t, 400, r.json(t)["code"])
}

func searchLocal(t *testing.T, e *env, tok, q string) (string, []map[string]any) {
	t.Helper()
	d := dataOf(t, e.do("GET", "/api/v4/search?type=local&"+q, tok, nil)).(map[string]any)
	var rows []map[string]any
	for _, r := range d["result"].([]any) {
		rows = append(rows, r.(map[string]any))
	}
	return d["loc"].(string), rows
}

func buyBody(loc string, row map[string]any) map[string]any {
	return map[string]any{"type": "local", "numbers": []map[string]any{{"npa": row["npa"], "nxx": row["nxx"], "xxxx": row["xxxx"],
		"state": row["state"], "ratecenter": row["ratecenter"], "loc": loc, "locData": row["locData"]}}}
}

func TestSearchPurchaseConfigureDelete(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	loc, rows := searchLocal(t, e, tok, "state=GA&limit=100")
	require.NotEmpty(t, rows)
	assert.LessOrEqual(t, len(rows), 50)
	for _, r := range rows {
		assert.Equal(t, "GA", r["state"])
	}
	_, athens := searchLocal(t, e, tok, "state=GA&ratecenter=ATHENS&npa=706&limit=5")
	require.NotEmpty(t, athens)
	row := rows[0]
	num := row["did_number"].(string)
	before, _ := e.store.Balance("mark")

	r := e.do("POST", "/api/v4/purchase", tok, buyBody(loc, row))
	assert.Equal(t, true, dataOf(t, r))
	after, _ := e.store.Balance("mark")
	assert.Equal(t, before-2*100000, after, "setup charged")
	again := e.do("POST", "/api/v4/purchase", tok, buyBody(loc, row)).json(t)
	assert.EqualValues(t, 400, again["code"])
	assert.Contains(t, again["error"], "not available")

	// configure it
	q := url.Values{"number": {num}, "enabled": {"yes"}, "country": {"US"}, "state": {"FL"}, "name": {"test user"}, "streetnumber": {"123"},
		"streetname": {"Test St"}, "city": {"Miami"}, "addresstypenumber": {"Apartment 2"}, "zipcode": {"33155"}}
	id := dataOf(t, e.do("GET", "/api/v4/update911?"+q.Encode(), tok, nil))
	assert.NotEmpty(t, id)
	q.Set("zipcode", "123")
	assert.EqualValues(t, 400, e.do("GET", "/api/v4/update911?"+q.Encode(), tok, nil).json(t)["code"])
	q411 := url.Values{"number": {num}, "enabled": {"yes"}, "type": {"RES"}, "country": {"US"}, "state": {"FL"}, "lstgn": {"test"}, "lstnm": {"user"}, "strt": {"123"}, "locnm": {"Miami"}, "zip": {"33155"}}
	assert.Equal(t, true, dataOf(t, e.do("GET", "/api/v4/update411?"+q411.Encode(), tok, nil)))
	fax := e.do("POST", "/api/v4/update_fax", tok, map[string]any{"number": num, "service": 1, "email": "fax@example.com"})
	assert.Regexp(t, `^\{\s*"error": null,\s*"data": "\d+",\s*"code": 200\s*\}\s*$`, string(fax.Body), "the document's fax answer, with the code the live service always sends")
	fw := e.do("POST", "/api/v4/update_forwarding", tok, map[string]any{"number": num, "sequence": "Simultaneous", "answeringmode": "2",
		"method1": "simple", "number1": "2522378144", "timeout1": "99", "sipdigits": "11", "method2": "ip", "sip2": "127.0.0.1", "timeout2": "20", "fwd_trunk_grpid": 52610})
	assert.NotNil(t, dataOf(t, fw))
	bad := e.do("POST", "/api/v4/update_forwarding", tok, map[string]any{"number": num, "answeringmode": "9", "method1": "simple"}).json(t)
	assert.EqualValues(t, 400, bad["code"])
	bad = e.do("POST", "/api/v4/update_forwarding", tok, map[string]any{"number": num, "answeringmode": "2", "method1": "ip", "sip1": "nope", "timeout1": "5"}).json(t)
	assert.Contains(t, bad["error"], "sip1")

	list := dataOf(t, e.do("GET", "/api/v4/dids?type=local&page=1&max=50", tok, nil)).([]any)
	var rec map[string]any
	for _, d := range list {
		if d.(map[string]any)["did"] == num {
			rec = d.(map[string]any)
		}
	}
	require.NotNil(t, rec)
	assert.Equal(t, "yes", rec["e911Data"].(map[string]any)["enabled"])
	assert.Equal(t, "33155", rec["e911Data"].(map[string]any)["zipcode"])
	assert.Equal(t, "yes", rec["listing411Data"].(map[string]any)["enabled"])
	assert.Equal(t, "true", rec["fax"])
	assert.Equal(t, "fax@example.com", rec["faxData"].(map[string]any)["email"])
	assert.Equal(t, "simple", rec["forwardingData"].(map[string]any)["method1"])
	assert.EqualValues(t, 52610, rec["forwardingData"].(map[string]any)["fwd_trunk_grpid"])

	cn := e.do("POST", "/api/v4/did/create-cnam", tok, map[string]any{"cnam_status": true, "cnam_type": "RES", "display_name": "ACME", "display_number": 12362320049, "did_id": rec["_id"]})
	assert.Equal(t, "ACME", dataOf(t, cn).(map[string]any)["display_name"])

	del := e.do("DELETE", "/api/v4/dids", tok, map[string]any{"numbers": []string{num}})
	assert.Equal(t, map[string]any{"success": true}, dataOf(t, del))
	assert.EqualValues(t, 404, e.do("DELETE", "/api/v4/dids", tok, map[string]any{"numbers": []string{num}}).json(t)["code"])
	_, rows2 := searchLocal(t, e, tok, "state=GA&npa="+num[:3]+"&nxx="+num[3:6]+"&limit=50")
	found := false
	for _, r := range rows2 {
		found = found || r["did_number"] == num
	}
	assert.True(t, found, "released number is back in the inventory")
}

func TestTollAndIntlPurchase(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	d := dataOf(t, e.do("GET", "/api/v4/search?type=toll&limit=2", tok, nil)).(map[string]any)
	row := d["result"].([]any)[0].(map[string]any)
	r := e.do("POST", "/api/v4/purchase", tok, map[string]any{"type": "toll", "numbers": []map[string]any{{"npa": row["npa"], "nxx": row["nxx"], "xxxx": row["xxxx"], "loc": d["loc"]}}})
	assert.Equal(t, true, dataOf(t, r))
	assert.Len(t, dataOf(t, e.do("GET", "/api/v4/dids?type=toll&page=1&max=10", tok, nil)), 1)

	var offers []any
	for _, c := range fx.Countries {
		offers = dataOf(t, e.do("GET", "/api/v4/search?type=intl&country="+c.Code, tok, nil)).([]any)
		if len(offers) > 0 {
			break
		}
	}
	require.NotEmpty(t, offers)
	o := offers[0].(map[string]any)
	r = e.do("POST", "/api/v4/purchase", tok, map[string]any{"type": "intl", "numbers": []map[string]any{{"id": o["id"], "name": o["name"], "prefix": o["prefix"], "quantity": 2, "loc": o["intl_data"], "country": o["country"]}}})
	assert.Equal(t, true, dataOf(t, r))
	assert.Len(t, dataOf(t, e.do("GET", "/api/v4/dids?type=intl&page=1&max=10", tok, nil)), 2)
}

func TestLocExpiresAndIsBound(t *testing.T) {
	e := newEnv(t, "")
	mark := e.login("mark", "password")
	acme := e.login("acme", "acme-pass")
	loc, rows := searchLocal(t, e, mark, "state=TX&limit=2")
	m := e.do("POST", "/api/v4/purchase", acme, buyBody(loc, rows[0])).json(t)
	assert.EqualValues(t, 400, m["code"], "another account's loc is refused")
	tampered := buyBody(loc, rows[0])
	tampered["numbers"].([]map[string]any)[0]["locData"] = "0000000000000000000000"
	assert.EqualValues(t, 400, e.do("POST", "/api/v4/purchase", mark, tampered).json(t)["code"])
	e.advance(16 * time.Minute)
	m = e.do("POST", "/api/v4/purchase", mark, buyBody(loc, rows[0])).json(t)
	assert.EqualValues(t, 400, m["code"])
	assert.Contains(t, m["error"], "expired")
}

func TestInsufficientBalanceAndPayment(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("acme", "acme-pass") // 10.00
	loc, rows := searchLocal(t, e, tok, "state=CA&limit=6")
	require.Len(t, rows, 6)
	body := map[string]any{"type": "local", "numbers": []map[string]any{}}
	for _, r := range rows {
		body["numbers"] = append(body["numbers"].([]map[string]any), buyBody(loc, r)["numbers"].([]map[string]any)[0])
	}
	m := e.do("POST", "/api/v4/purchase", tok, body).json(t)
	assert.EqualValues(t, 402, m["code"])
	assert.Empty(t, dataOf(t, e.do("GET", "/api/v4/dids?type=local&page=1&max=10", tok, nil)), "nothing bought")
	assert.EqualValues(t, 400, e.do("GET", "/api/v4/payment?amount=20.00", tok, nil).json(t)["code"])
	assert.Equal(t, "true", e.do("GET", "/api/v4/payment?amount=40.00", tok, nil).json(t)["data"])
	assert.Equal(t, true, dataOf(t, e.do("POST", "/api/v4/purchase", tok, body)))
}

func TestConcurrentPurchaseOneWinner(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	loc, rows := searchLocal(t, e, tok, "state=NY&limit=1")
	body := buyBody(loc, rows[0])
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := e.store.Verify(tok)
			if err != nil {
				return
			}
			_, err = e.store.Purchase(c, "local", []PurchaseItem{{NPA: rows[0]["npa"].(string), NXX: rows[0]["nxx"].(string), XXXX: rows[0]["xxxx"].(string), Loc: loc, LocData: rows[0]["locData"].(string)}})
			if err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, wins)
	assert.EqualValues(t, 400, e.do("POST", "/api/v4/purchase", tok, body).json(t)["code"])
}

func TestBulkOrderToCompletion(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	csv := "state,quantity\nGA,3\nAK,2\n"
	mp := multipartBody(t, map[string]string{"order_type": "state", "fwd_trunk_grpid": "52610", "did_tag": "bulk1", "notes": "abc", "allow_offnet": "1"}, "file", "anything.csv", []byte(csv))
	assert.Equal(t, true, dataOf(t, e.do("POST", "/api/v4/lcl-did-bulk-purchase/new", tok, mp)))
	bad := multipartBody(t, map[string]string{"order_type": "state", "fwd_trunk_grpid": "1"}, "file", "a.csv", []byte(csv))
	assert.EqualValues(t, 400, e.do("POST", "/api/v4/lcl-did-bulk-purchase/new", tok, bad).json(t)["code"])

	list := func(q string) map[string]any {
		return dataOf(t, e.do("GET", "/api/v4/lcl-did-bulk-purchase/list?page=1"+q, tok, nil)).(map[string]any)
	}
	l := list("&status=Q")
	require.EqualValues(t, 1, l["count"])
	row := l["rows"].([]any)[0].(map[string]any)
	id := int(row["bulk_order_id"].(float64))
	assert.Equal(t, "Bulk State Purchase", row["did_event"])
	e.advance(time.Minute)
	assert.EqualValues(t, 1, list("&status=P")["count"])
	e.advance(2 * time.Minute)
	l = list("&status=C")
	require.EqualValues(t, 1, l["count"], l)
	row = l["rows"].([]any)[0].(map[string]any)
	assert.Equal(t, "5", row["quantity"])
	fulfilled := row["fulfilled_quantity"].(string)

	sum := e.do("GET", "/api/v4/lcl-did-bulk-purchase/summary_report/"+itoa(id), tok, nil)
	assert.Equal(t, "text/csv", sum.Header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(string(sum.Body), "bulk_order_no,requested_quantity,fulfilled_quantity,search_lata,search_npa,search_state,search_rate_center,status\n"))
	assert.Contains(t, string(sum.Body), ",3,")
	dr := e.do("GET", "/api/v4/lcl-did-bulk-purchase/did_report/"+itoa(id), tok, nil)
	lines := strings.Split(strings.TrimSpace(string(dr.Body)), "\n")
	assert.Equal(t, "number,npa,lata,state,ratecenter", lines[0])
	assert.Equal(t, fulfilled, itoa(len(lines)-1))
	assert.True(t, strings.HasPrefix(lines[1], "1"))
	acme := e.login("acme", "acme-pass")
	assert.EqualValues(t, 404, e.do("GET", "/api/v4/lcl-did-bulk-purchase/did_report/"+itoa(id), acme, nil).json(t)["code"])
}

func portBody(numbers ...string) map[string]any {
	return map[string]any{"did_type": "LCL", "numbers": numbers, "port_req_detail": map[string]any{
		"cust_acc_name": "Test 1324", "cust_authorized_name": "Test user", "cust_acc_type": "RES", "cust_acc_number": "1234566",
		"address_street_name": "Test", "address_number": "54322", "address_loc_designator": "Test", "city": "Test", "btn": "43020",
		"state": "AL", "activation_type": "Auto", "desired_foc_date": "2022-06-03T00:00:00Z", "postal_code": "532132",
		"activation_date": "2022-06-03T12:00:00-04:00"}}
}

func portList(t *testing.T, e *env, tok string, body map[string]any) map[string]any {
	t.Helper()
	r := e.do("POST", "/api/v4/port-in/view-list", tok, body)
	m := r.json(t)
	require.EqualValues(t, 200, m["code"], string(r.Body))
	return m["data"].(map[string]any)
}

func subOrders(t *testing.T, e *env, tok string, id int) []map[string]any {
	t.Helper()
	for _, r := range portList(t, e, tok, map[string]any{"page": "1", "limit": "50"})["result"].([]any) {
		row := r.(map[string]any)
		if int(row["port_req_id"].(float64)) == id {
			var out []map[string]any
			for _, p := range row["port_proposals"].([]any) {
				out = append(out, p.(map[string]any))
			}
			return out
		}
	}
	t.Fatalf("port %d not listed", id)
	return nil
}

func TestPortInLifecycle(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	chk := e.do("POST", "/api/v4/port-in/check-ports", tok, map[string]any{"did_type": "LCL", "numbers": []string{"17012001293", "7012009901"}}).json(t)
	assert.Equal(t, map[string]any{"7012001293": true, "7012009901": false}, chk["data"])

	miss := portBody("7012001293")
	delete(miss["port_req_detail"].(map[string]any), "city")
	assert.Contains(t, e.do("POST", "/api/v4/port-in/submit-port-details", tok, miss).json(t)["error"], "city")
	assert.EqualValues(t, 400, e.do("POST", "/api/v4/port-in/submit-port-details", tok, portBody("7012009901")).json(t)["code"])

	d := dataOf(t, e.do("POST", "/api/v4/port-in/submit-port-details", tok, portBody("7012001293", "7012008902", "2125550100")))
	id := int(d.(map[string]any)["port_req_id"].(float64))
	subs := subOrders(t, e, tok, id)
	require.NotEmpty(t, subs)
	for _, s := range subs {
		assert.Equal(t, "submitted", s["port_req_status"])
		assert.Equal(t, true, s["allow_suborder_edit"])
		assert.Equal(t, true, s["allow_suborder_cancel"])
		assert.Equal(t, false, s["allow_suborder_activate"])
	}
	pid := int(subs[0]["port_proposal_id"].(float64))
	assert.EqualValues(t, 400, e.do("POST", "/api/v4/port-in/activate-order", tok, map[string]any{"port_proposal_id": pid}).json(t)["code"], "no FOC yet")
	detail := dataOf(t, e.do("GET", "/api/v4/port-in/view-port-detail?port_req_id="+itoa(id), tok, nil)).(map[string]any)
	assert.Equal(t, "Alabama", detail["state_name"])

	mp := multipartBody(t, map[string]string{"port_req_id": itoa(id), "type": "loa"}, "file", "loa.pdf", []byte("%PDF-1.4"))
	assert.EqualValues(t, 200, e.do("POST", "/api/v4/port-in/upload-docs", tok, mp).json(t)["code"])
	detail = dataOf(t, e.do("GET", "/api/v4/port-in/view-port-detail?port_req_id="+itoa(id), tok, nil)).(map[string]any)
	assert.Contains(t, detail["loa_file"], ".pdf")

	e.advance(time.Hour)
	for _, s := range subOrders(t, e, tok, id) {
		assert.Equal(t, "reviewed", s["port_req_status"])
		assert.Equal(t, false, s["allow_suborder_cancel"])
	}
	assert.EqualValues(t, 400, e.do("POST", "/api/v4/port-in/cancel-order", tok, map[string]any{"port_req_id": id}).json(t)["code"])
	e.advance(48 * time.Hour)
	tok = e.login("mark", "password") // tokens last 24 h of clock time
	for _, s := range subOrders(t, e, tok, id) {
		assert.Equal(t, "foc_received", s["port_req_status"])
		assert.NotNil(t, s["foc_date"])
		assert.Equal(t, true, s["allow_suborder_activate"])
	}
	foc := dataOf(t, e.do("POST", "/api/v4/port-in/view-foc-list", tok, map[string]any{"page": "1", "limit": "10"})).(map[string]any)
	assert.EqualValues(t, 3, foc["count"])
	dl := dataOf(t, e.do("GET", "/api/v4/port-in/view-did-list?port_proposal_id="+itoa(pid), tok, nil)).(map[string]any)
	first := dl["result"].([]any)[0].(map[string]any)
	assert.Equal(t, true, first["allow_did_activate"])
	e.advance(24 * time.Hour) // 2026-01-08 05:00 Eastern: the FOC date, before the requested 12:00
	tok = e.login("mark", "password")
	for _, s := range subOrders(t, e, tok, id) {
		assert.Equal(t, "foc_received", s["port_req_status"], "an Auto port activates at the requested time of day")
		assert.Equal(t, "2026-01-08T05:00:00.000Z", s["foc_date"], "the FOC date is a date (midnight Eastern)")
	}
	e.advance(7 * time.Hour) // 12:00 Eastern
	for _, s := range subOrders(t, e, tok, id) {
		assert.Equal(t, "activated", s["port_req_status"])
	}
	assert.Equal(t, "Completed", portList(t, e, tok, map[string]any{"page": "1", "limit": "10", "numbers": []string{"7012001293"}})["result"].([]any)[0].(map[string]any)["request_phase"])
	nums := map[string]bool{}
	for _, d := range dataOf(t, e.do("GET", "/api/v4/dids?type=local&page=1&max=100", tok, nil)).([]any) {
		nums[d.(map[string]any)["did"].(string)] = true
	}
	assert.True(t, nums["7012001293"] && nums["7012008902"] && nums["2125550100"], "ported numbers became DIDs")
	csv := e.do("POST", "/api/v4/port-in/export-list", tok, map[string]any{"port_req_id": id})
	assert.True(t, strings.HasPrefix(string(csv.Body), "sub_order_id,status,resubmitted_at,tn,active_foc_date\n"))
}

func TestPortInRejectedThenResubmitted(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	id := int(dataOf(t, e.do("POST", "/api/v4/port-in/submit-port-details", tok, portBody("3125550143"))).(map[string]any)["port_req_id"].(float64))
	e.advance(time.Hour)
	s := subOrders(t, e, tok, id)[0]
	assert.Equal(t, "retry", s["port_req_status"])
	assert.Equal(t, "LSR rejected || Rejection reason ACCN : Incorrect Account Number", s["failure_reason"])
	assert.Equal(t, true, s["allow_suborder_edit"])
	rej := dataOf(t, e.do("POST", "/api/v4/port-in/view-rejection-list", tok, map[string]any{"page": "1", "limit": "10"})).(map[string]any)["result"].(map[string]any)
	assert.EqualValues(t, 1, rej["totalRecords"])
	assert.Equal(t, "Rejected", rej["result"].([]any)[0].(map[string]any)["order_status"])

	upd := map[string]any{"port_req_id": id, "port_req_detail": portBody()["port_req_detail"]}
	assert.EqualValues(t, 200, e.do("POST", "/api/v4/port-in/update-request", tok, upd).json(t)["code"])
	s = subOrders(t, e, tok, id)[0]
	assert.Equal(t, "submitted", s["port_req_status"])
	assert.NotNil(t, s["resubmitted_at"])
	e.advance(time.Hour)
	assert.Equal(t, "reviewed", subOrders(t, e, tok, id)[0]["port_req_status"], "a rule rejects only the first submission")

	// cancel and delete a second request
	id2 := int(dataOf(t, e.do("POST", "/api/v4/port-in/submit-port-details", tok, portBody("3125550177"))).(map[string]any)["port_req_id"].(float64))
	assert.EqualValues(t, 400, e.do("POST", "/api/v4/port-in/delete-request", tok, map[string]any{"port_request_id": id2}).json(t)["code"])
	assert.EqualValues(t, 200, e.do("POST", "/api/v4/port-in/cancel-order", tok, map[string]any{"port_req_id": id2}).json(t)["code"])
	s = subOrders(t, e, tok, id2)[0]
	assert.Equal(t, true, s["allow_suborder_delete"])
	assert.EqualValues(t, 200, e.do("POST", "/api/v4/port-in/delete-request", tok, map[string]any{"port_request_id": id2}).json(t)["code"])
	assert.EqualValues(t, 404, e.do("GET", "/api/v4/port-in/view-port-detail?port_req_id="+itoa(id2), tok, nil).json(t)["code"])
}

func TestPortAdvanceLever(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	id := int(dataOf(t, e.do("POST", "/api/v4/port-in/submit-port-details", tok, portBody("7012001293"))).(map[string]any)["port_req_id"].(float64))
	r := e.do("POST", "/__sim/call48/ports/"+itoa(id)+"/advance", "", nil)
	require.Equal(t, 200, r.Status, string(r.Body))
	assert.Equal(t, "reviewed", subOrders(t, e, tok, id)[0]["port_req_status"])
	r = e.do("POST", "/__sim/call48/ports/"+itoa(id)+"/advance", "", map[string]string{"status": "activated"})
	require.Equal(t, 200, r.Status, string(r.Body))
	assert.Equal(t, "activated", subOrders(t, e, tok, id)[0]["port_req_status"])
	assert.Equal(t, 409, e.do("POST", "/__sim/call48/ports/"+itoa(id)+"/advance", "", nil).Status)
	assert.Equal(t, 404, e.do("POST", "/__sim/call48/ports/999/advance", "", nil).Status)
}

func TestPagingWithoutLoss(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	for i := 0; i < 7; i++ {
		n := "701200" + itoa(1100+i)
		dataOf(t, e.do("POST", "/api/v4/port-in/submit-port-details", tok, portBody(n)))
	}
	seen := map[float64]bool{}
	total := 0
	for page := 1; ; page++ {
		d := portList(t, e, tok, map[string]any{"page": itoa(page), "limit": "3"})
		total = int(d["totalRecords"].(float64))
		for _, r := range d["result"].([]any) {
			id := r.(map[string]any)["port_req_id"].(float64)
			assert.False(t, seen[id], "no duplicates across pages")
			seen[id] = true
		}
		if d["enableNext"] != true {
			break
		}
	}
	assert.Equal(t, total, len(seen))
	assert.Equal(t, 7, total)

	var all []string
	for page := 1; page <= 3; page++ {
		for _, d := range dataOf(t, e.do("GET", "/api/v4/dids?type=local&page="+itoa(page)+"&max=1", tok, nil)).([]any) {
			all = append(all, d.(map[string]any)["did"].(string))
		}
	}
	assert.Len(t, all, 3)
	from, to := "2026-01-05 09:00", "2026-01-08 09:00"
	e.advance(72 * time.Hour)
	tok = e.login("mark", "password")
	x := e.do("GET", "/api/v4/xdr?from="+url.QueryEscape(from)+"&to="+url.QueryEscape(to)+"&page=1&max=5", tok, nil).json(t)["data"].(map[string]any)
	xt := int(x["total"].(float64))
	require.Greater(t, xt, 5)
	ids := map[float64]bool{}
	for p := 1; (p-1)*5 < xt; p++ {
		x = e.do("GET", "/api/v4/xdr?from="+url.QueryEscape(from)+"&to="+url.QueryEscape(to)+"&page="+itoa(p)+"&max=5", tok, nil).json(t)["data"].(map[string]any)
		assert.EqualValues(t, xt, x["total"], "total stable across pages")
		for _, r := range x["xdr_list"].([]any) {
			ids[r.(map[string]any)["unix_connect_time"].(float64)*1e3+float64(len(ids))] = true
		}
	}
	assert.Len(t, ids, xt)
}

func TestAccountIsolation(t *testing.T) {
	e := newEnv(t, "")
	mark := e.login("mark", "password")
	acme := e.login("acme", "acme-pass")
	id := int(dataOf(t, e.do("POST", "/api/v4/port-in/submit-port-details", mark, portBody("7012001293"))).(map[string]any)["port_req_id"].(float64))
	assert.Empty(t, dataOf(t, e.do("GET", "/api/v4/dids?type=local&page=1&max=10", acme, nil)))
	assert.Len(t, dataOf(t, e.do("GET", "/api/v4/dids?type=local&page=1&max=10", mark, nil)), 3)
	assert.EqualValues(t, 0, portList(t, e, acme, map[string]any{"page": "1", "limit": "10"})["totalRecords"])
	assert.EqualValues(t, 404, e.do("GET", "/api/v4/port-in/view-port-detail?port_req_id="+itoa(id), acme, nil).json(t)["code"])
	assert.EqualValues(t, 404, e.do("POST", "/api/v4/port-in/cancel-order", acme, map[string]any{"port_req_id": id}).json(t)["code"])
	markDID := dataOf(t, e.do("GET", "/api/v4/dids?type=local&page=1&max=1", mark, nil)).([]any)[0].(map[string]any)["did"].(string)
	assert.EqualValues(t, 404, e.do("DELETE", "/api/v4/dids", acme, map[string]any{"numbers": []string{markDID}}).json(t)["code"])
	tg := dataOf(t, e.do("GET", "/api/v4/trunkgrp/list", acme, nil)).(map[string]any)
	assert.Equal(t, "0", tg["totalRecords"])
	assert.Len(t, e.do("GET", "/api/v4/customers", mark, nil).json(t)["data"], 1, "mark sees its sub-customer")
	assert.Empty(t, e.do("GET", "/api/v4/customers", acme, nil).json(t)["data"])
	admin := e.do("POST", "/api/v4/admin_login", "", map[string]string{"user_name": "spadmin", "password": "password"}).json(t)["data"].(map[string]any)["token"].(string)
	assert.EqualValues(t, 1, portList(t, e, admin, map[string]any{"page": "1", "limit": "10"})["totalRecords"], "the SP admin sees every account")
}

func TestTrunksCustomersAndSettings(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	r := e.do("POST", "/api/v4/trunkgrp/create", tok, map[string]any{"trunk_name": "TG NAME", "route_type": "RR", "num_format": "e164", "cli_type": "paid", "prefix": "2377#",
		"trunk_ips": []map[string]string{{"ip_address": "10.50.250.11"}, {"ip_address": "10.50.250.15:5080"}}})
	d := dataOf(t, r).(map[string]any)
	assert.Equal(t, "queued", d["ext_tgstatus"])
	ext := d["ext_tgid"].(float64)
	tgid := d["trunk_grpid"].(float64)
	assert.EqualValues(t, 400, e.do("POST", "/api/v4/trunkgrp/create", tok, map[string]any{"trunk_name": "x", "trunk_ips": []map[string]string{{"ip_address": "999.1.1.1"}}}).json(t)["code"])
	e.advance(2 * time.Minute)
	var row map[string]any
	for _, x := range dataOf(t, e.do("GET", "/api/v4/trunkgrp/list", tok, nil)).(map[string]any)["result"].([]any) {
		if x.(map[string]any)["ext_tgid"] == ext {
			row = x.(map[string]any)
		}
	}
	require.NotNil(t, row)
	assert.Equal(t, "active", row["ext_tgstatus"])
	up := e.do("PUT", "/api/v4/trunkgrp/update", tok, map[string]any{"trunk_grpid": tgid, "trunk_ips": []map[string]string{{"ip_address": "10.50.250.77"}}, "deleted_ips": []string{"10.50.250.11"}})
	assert.EqualValues(t, 200, up.json(t)["code"])
	assert.EqualValues(t, 400, e.do("PUT", "/api/v4/trunkgrp/update", tok, map[string]any{"trunk_grpid": tgid, "deleted_ips": []string{"1.2.3.4"}}).json(t)["code"])

	cust := map[string]any{"portaClass": 2348, "username": "devsub1247", "creditLimit": 50, "creditLimitWarning": 20, "email": "test@gmail.com", "password": "123456",
		"salutation": "Mr.", "firstname": "test", "lastname": "Sub1247", "address": "1767 Hermitage Blvd", "zip": "02501", "city": "brb", "state": "NY", "country": "US",
		"portaCurrency": "USD", "portaBcc": "a@b.com"}
	assert.Equal(t, true, dataOf(t, e.do("PUT", "/api/v4/customers", tok, cust)))
	assert.EqualValues(t, 409, e.do("PUT", "/api/v4/customers", tok, cust).json(t)["code"])
	custs := e.do("GET", "/api/v4/customers", tok, nil).json(t)["data"].([]any)
	require.Len(t, custs, 2)
	cid := custs[1].(map[string]any)["account_id"]
	for _, c := range []struct {
		method, path string
		body         map[string]any
	}{
		{"PUT", "/api/v4/limitsimulcalls", map[string]any{"id": cid, "limitsimulcalls": "yes", "simulmaxcallsin": 3, "simulmaxcallsout": 2, "simulmaxcalls": 4}},
		{"POST", "/api/v4/callparking", map[string]any{"id": cid, "callparking": "yes"}},
		{"POST", "/api/v4/discountplan", map[string]any{"id": cid, "i_vd_plan": 18}},
		{"POST", "/api/v4/rtp", map[string]any{"id": cid, "rtp": "1"}},
		{"POST", "/api/v4/paging", map[string]any{"id": cid, "paging": "yes"}},
	} {
		m := e.do(c.method, c.path, tok, c.body).json(t)
		assert.Nil(t, m["error"], c.path)
		assert.NotNil(t, m["data"].(map[string]any)["i_customer"])
	}
	assert.EqualValues(t, 400, e.do("POST", "/api/v4/rtp", tok, map[string]any{"id": cid, "rtp": "7"}).json(t)["code"])
	subs := e.do("GET", "/api/v4/subscriptions?id="+itoa(int(cid.(float64))), tok, nil).json(t)["data"].([]any)
	assert.Len(t, subs, 2, "base plan and the discount plan")
	plans := e.do("GET", "/api/v4/discountplan", tok, nil).json(t)["data"].([]any)
	assert.NotEmpty(t, plans)

	signup := map[string]any{"firstname": "a", "lastname": "b", "company": "c", "address": "d", "city": "e", "country": "US", "state": "FL", "username": "newbie",
		"password": "pw", "confirmpassword": "pw", "email": "n@example.com", "phone": "5555555555", "terms": 1}
	assert.Equal(t, "true", e.do("POST", "/api/v4/signup", "", signup).json(t)["data"])
	e.login("newbie", "pw")
	assert.EqualValues(t, 400, e.do("GET", "/api/v4/verifyaddress?country=US&state=MA&name=E911TEST&streetnumber=777&streetname=Invalid+Rd&city=Abington&zipcode=02351", tok, nil).json(t)["code"])
	assert.Equal(t, true, e.do("GET", "/api/v4/verifyaddress?country=US&state=MA&name=E911TEST&streetnumber=777&streetname=Brockton+Avenue&city=Abington&zipcode=02351", tok, nil).json(t)["data"])
	rc := dataOf(t, e.do("GET", "/api/v4/ratecenter?state=FL", tok, nil)).([]any)
	assert.NotEmpty(t, rc)
	co := e.do("GET", "/api/v4/countries", tok, nil).json(t)
	assert.EqualValues(t, 227, co["totalRecords"], "the document's count")
	assert.Len(t, co["data"], 227)
	first := co["data"].([]any)[:2]
	assert.Equal(t, []any{"US", "AF"}, []any{first[0].(map[string]any)["code"], first[1].(map[string]any)["code"]}, "the document's first two rows")
	assert.EqualValues(t, 6, first[1].(map[string]any)["country_id"])
}

func TestExportImportRoundTrip(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	dataOf(t, e.do("POST", "/api/v4/port-in/submit-port-details", tok, portBody("7012001293")))
	raw1, err := json.Marshal(e.store.Export())
	require.NoError(t, err)
	e2 := newEnv(t, "")
	require.NoError(t, e2.store.Import(raw1))
	raw2, err := json.Marshal(e2.store.Export())
	require.NoError(t, err)
	assert.True(t, bytes.Equal(raw1, raw2))
	e2.advance(time.Hour)
	tok2 := e2.login("mark", "password")
	assert.Equal(t, "reviewed", subOrders(t, e2, tok2, 256)[0]["port_req_status"], "timers re-armed on import")
	assert.Equal(t, "reviewed", subOrders(t, e2, tok, 256)[0]["port_req_status"], "tokens survive import")
}

func TestConfigureProblems(t *testing.T) {
	cases := map[string]string{
		"unknown key":  "call48:\n  acounts: []\n",
		"bad status":   "call48:\n  errorStatus: maybe\n",
		"bad parent":   "call48:\n  accounts: [{username: a, password: b, parent: zz}]\n",
		"bad number":   "call48:\n  accounts: [{username: a, password: b}]\n  ports: [{account: a, numbers: ['7012009901']}]\n",
		"bad trunk ip": "call48:\n  accounts: [{username: a, password: b}]\n  trunkGroups: [{account: a, ips: ['x']}]\n",
		"dup username": "call48:\n  accounts: [{username: a, password: b}, {username: A, password: c}]\n",
		"bad duration": "call48:\n  portIn: {reviewed: soon}\n",
	}
	for name, y := range cases {
		t.Run(name, func(t *testing.T) {
			sc, err := parseScenario("version: 1\n" + y)
			if err == nil {
				_, err = New().Configure(sc.Sections[Name], sc)
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "test.yaml:")
		})
	}
}

func TestFixturesMatchReferenceCopy(t *testing.T) {
	for _, f := range []string{"states.json", "ratecenters.csv", "areacodes.json", "countries.json"} {
		ref, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "call48", f))
		require.NoError(t, err)
		var emb []byte
		if f == "states.json" || f == "countries.json" {
			emb, err = fixtureFS.ReadFile("data/" + f)
		} else {
			emb, err = os.ReadFile("data/" + f) // the catalogue's files are read by catalogue_build_test.go
		}
		require.NoError(t, err)
		assert.Equal(t, string(ref), string(emb), "fixtures/call48/%s and sim/call48/data/%s differ", f, f)
	}
}
