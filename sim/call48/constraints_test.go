package call48

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifyAddressChecksZIPAgainstState(t *testing.T) {
	ok := Address{Country: "US", State: "MA", Name: "E911TEST", StreetNumber: "777", StreetName: "Brockton Avenue", City: "Abington", Zipcode: "02351"}
	cases := []struct {
		name string
		edit func(*Address)
		err  string
	}{
		{"the document's sample", func(*Address) {}, ""},
		{"ZIP+4", func(a *Address) { a.Zipcode = "02351-1234" }, ""},
		{"Miami", func(a *Address) { a.State, a.City, a.Zipcode = "FL", "Miami", "33155" }, ""},
		{"DC", func(a *Address) { a.State, a.Zipcode = "DC", "20500" }, ""},
		{"Austin's 733 is Texas", func(a *Address) { a.State, a.Zipcode = "TX", "73301" }, ""},
		{"ZIP of another state", func(a *Address) { a.Zipcode = "10001" }, "is in NY, not MA"},
		{"state of another ZIP", func(a *Address) { a.State = "FL" }, "is in MA, not FL"},
		{"Puerto Rico ZIP", func(a *Address) { a.Zipcode = "00901" }, "not a US state's"},
		{"military ZIP", func(a *Address) { a.Zipcode = "09001" }, "not a US state's"},
		{"short ZIP", func(a *Address) { a.Zipcode = "0235" }, "invalid zip code"},
		{"missing city", func(a *Address) { a.City = "" }, "city is required"},
		{"missing street number", func(a *Address) { a.StreetNumber = "" }, "streetnumber is required"},
		{"unknown state", func(a *Address) { a.State = "PR" }, "unknown state"},
		{"not US", func(a *Address) { a.Country = "CA" }, "only US"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := ok
			tc.edit(&a)
			err := VerifyAddress(a)
			if tc.err == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}

func TestDocumentConstraints(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	// an OD and a PortaOne number of the catalogue
	_, rows := searchLocal(t, e, tok, "state=NY&limit=50")
	var od, porta string
	for _, r := range rows {
		switch r["vendor_id"].(float64) {
		case 2:
			porta = or(porta, r["number"].(string))
		default:
			od = or(od, r["number"].(string))
		}
	}
	require.NotEmpty(t, od)
	require.NotEmpty(t, porta)
	buy := func(n string, trunk any) map[string]any {
		return map[string]any{"type": "local", "numbers": []map[string]any{{"npa": n[:3], "nxx": n[3:6], "xxxx": n[6:], "fwd_trunk_grpid": trunk}}}
	}
	num := dataOf(t, e.do("GET", "/api/v4/dids?type=local&page=1&max=1", tok, nil)).([]any)[0].(map[string]any)["did"].(string)
	q411 := func(state string) string {
		return "/api/v4/update411?" + url.Values{"number": {num}, "enabled": {"yes"}, "type": {"RES"}, "country": {"US"}, "state": {state},
			"lstgn": {"a"}, "lstnm": {"b"}, "strt": {"1"}, "locnm": {"c"}, "zip": {"33155"}}.Encode()
	}
	q911 := func(drop string) string {
		v := url.Values{"number": {num}, "enabled": {"yes"}, "country": {"US"}, "state": {"FL"}, "name": {"n"}, "streetnumber": {"1"},
			"streetname": {"Main St"}, "city": {"Miami"}, "zipcode": {"33155"}}
		v.Del(drop)
		return "/api/v4/update911?" + v.Encode()
	}
	cases := []struct {
		name, method, path string
		body               any
		code               float64
		err                string
	}{
		{"trunk group on a PortaOne number", "POST", "/api/v4/purchase", buy(porta, 52610), 400, "only applicable to OD numbers"},
		{"trunk group on an OD number", "POST", "/api/v4/purchase", buy(od, 52610), 200, ""},
		{"null trunk group is absent", "POST", "/api/v4/purchase", buy(porta, nil), 200, ""},
		{"PortaOne DID pointed at a trunk group", "POST", "/api/v4/update_forwarding", map[string]any{"number": porta, "fwd_trunk_grpid": 52610}, 400, "only applicable to OD numbers"},
		{"OD DID pointed at a trunk group", "POST", "/api/v4/update_forwarding", map[string]any{"number": od, "fwd_trunk_grpid": 52610}, 200, ""},
		{"411 with a state code", "GET", q411("FL"), nil, 200, ""},
		{"411 with a state name", "GET", q411("Florida"), nil, 400, "unknown state code"},
		{"411 with Puerto Rico", "GET", q411("PR"), nil, 400, "unknown state code"},
		{"911 complete", "GET", q911(""), nil, 200, ""},
		{"911 without city", "GET", q911("city"), nil, 400, "city is required"},
		{"911 without name", "GET", q911("name"), nil, 400, "name is required"},
		{"911 without zipcode", "GET", q911("zipcode"), nil, 400, "zipcode is required"},
		{"CNAM display name too long", "POST", "/api/v4/did/create-cnam", map[string]any{"did_id": 141, "display_name": "A NAME LONGER THAN THIRTY-TWO CHARACTERS"}, 400, "display_name"},
		{"CNAM display name of the sample", "POST", "/api/v4/did/create-cnam", map[string]any{"did_id": 141, "display_name": "testcnam 12362320049"}, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := e.do(tc.method, tc.path, tok, tc.body).json(t)
			assert.Equal(t, tc.code, m["code"], m["error"])
			if tc.err != "" {
				assert.Contains(t, m["error"], tc.err)
			}
		})
	}
}
