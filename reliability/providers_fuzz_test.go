package reliability

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/telecomsim/simulator/internal/provider"
)

// The fuzz targets below drive each provider's parsers through the whole
// handler in-process, authenticated with the default scenario's demo
// credentials, one fresh tenant per input (so a crasher replays the same
// way). Every input must get an answer below 500 (Somos's documented 500
// for a bad refresh token aside) and the simulator must log no panic.

// fuzzSim is one simulator shared by every input of a fuzz target.
type fuzzSim struct {
	*sim
	routes []routeInfo
}

func newFuzzSim(f *testing.F) *fuzzSim {
	s := newSim(f)
	return &fuzzSim{sim: s, routes: s.routeInfos()}
}

// fresh gives one input its own tenant, removed when the input is done.
func (fs *fuzzSim) fresh(t *testing.T) string {
	tn := fs.tenant("fuzz")
	t.Cleanup(func() {
		fs.do(req{Tenant: tn, Method: http.MethodDelete, Path: "/__sim/tenants/" + tn})
	})
	return tn
}

// check fails the input on a 5xx or a logged panic.
func (fs *fuzzSim) check(t *testing.T, ri routeInfo, what string, out res) {
	t.Helper()
	if fs.logs.panicked.Load() {
		t.Fatalf("%s %s: the simulator logged a panic:\n%s", ri, what, lastLines(fs.logs.String(), 30))
	}
	if out.Status >= 500 && !documented5xx(ri, out) {
		t.Fatalf("%s %s: %s", ri, what, out)
	}
	if out.Status >= 400 {
		if msg := errorShape(ri, out); msg != "" {
			t.Fatalf("%s %s: error not in the provider's shape (%s): %s", ri, what, msg, out)
		}
	}
}

// pick chooses a route among those keep accepts.
func (fs *fuzzSim) pick(i uint16, keep func(routeInfo) bool) (routeInfo, bool) {
	var rs []routeInfo
	for _, ri := range fs.routes {
		if keep(ri) {
			rs = append(rs, ri)
		}
	}
	if len(rs) == 0 {
		return routeInfo{}, false
	}
	return rs[int(i)%len(rs)], true
}

// FuzzProviderBody sends arbitrary bodies with arbitrary content types to
// every route that takes a body.
func FuzzProviderBody(f *testing.F) {
	fs := newFuzzSim(f)
	bodies := [][]byte{
		[]byte(`{"value":"ACME"}`),
		[]byte(`{"refreshToken":"demo-refresh-admin"}`),
		[]byte(`{"tfn":"8339900238","cnam":"NEW CNAM","country":"usa"}`),
		[]byte(`{"type":"local","numbers":[{"npa":"706","nxx":"227","xxxx":"4404"}]}`),
		[]byte(`{"Limit":"5","LastEvaluatedKey":{"tfn":"8009900001"}}`),
		[]byte(`{"user_name":"mark","password":"password"}`),
		[]byte("step=login&username=demo-user&password=demo-pass"),
		[]byte("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nnpa,nxx\r\n706,227\r\n--b--\r\n"),
		[]byte(`[{"a":1},{"a":"1"}]`),
	}
	cts := []string{"application/json", "application/vnd.api+json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b", "text/csv", ""}
	for i, b := range bodies {
		f.Add(uint16(i*7), cts[i%len(cts)], b)
	}
	f.Fuzz(func(t *testing.T, idx uint16, ct string, body []byte) {
		ri, ok := fs.pick(idx, func(ri routeInfo) bool {
			m := ri.Route.Method
			return m == http.MethodPost || m == http.MethodPut || m == http.MethodPatch || ri.BodyType != ""
		})
		if !ok {
			t.Skip("no body routes")
		}
		tn := fs.fresh(t)
		sign := fs.creds(t, tn, ri.Provider)[ri.Route.Auth]
		h := http.Header{}
		if ct != "" {
			h.Set("Content-Type", ct)
		}
		out := fs.do(req{Tenant: tn, Provider: ri.Provider, Method: ri.Route.Method, Path: ri.path(nil), Body: body, Header: h, Sign: sign})
		fs.check(t, ri, "body", out)
	})
}

// FuzzProviderQuery sends arbitrary query strings and path values to every
// route.
func FuzzProviderQuery(f *testing.F) {
	fs := newFuzzSim(f)
	f.Add(uint16(0), "limit=10&offset=0", "17608")
	f.Add(uint16(5), "starts_with=1206&contains=555&ends_with=0100&limit=1", "12065550100")
	f.Add(uint16(12), "type=local&state=GA&ratecenter=ATHENS&limit=5", "1")
	f.Add(uint16(33), "grant_type=refresh_token&refresh_token=x", "8009900001")
	f.Add(uint16(44), "number=7062274404&enabled=yes&country=US", "BR")
	f.Add(uint16(3), "page=-1&max=99999999999999999999&sort=%ff", "%2e%2e")
	f.Fuzz(func(t *testing.T, idx uint16, query, value string) {
		ri, _ := fs.pick(idx, func(routeInfo) bool { return true })
		over := map[string]string{}
		for _, v := range ri.Vars {
			over[v] = url.PathEscape(value)
		}
		path := ri.path(over)
		if _, err := url.ParseRequestURI(fs.uri(req{Tenant: "x", Provider: ri.Provider, Path: path + "?" + query})); err != nil {
			return // not a request a client can send
		}
		if strings.ContainsAny(query, " \r\n\t#") {
			return
		}
		tn := fs.fresh(t)
		sign := fs.creds(t, tn, ri.Provider)[ri.Route.Auth]
		out := fs.do(req{Tenant: tn, Provider: ri.Provider, Method: ri.Route.Method, Path: path + "?" + query, Header: jsonHeader(), Sign: sign})
		fs.check(t, ri, "query", out)
	})
}

// authProbe is a secure read route per provider for the header fuzzers.
var authProbe = map[string]string{
	"flowroute": "/v2/numbers",
	"somos":     "/cnam/8009900001",
	"call48":    "/api/v4/states",
}

// FuzzAuthHeader sends arbitrary Authorization headers to Flowroute
// (Basic), Somos (IdToken) and Call48 (raw token).
func FuzzAuthHeader(f *testing.F) {
	fs := newFuzzSim(f)
	names := []string{"flowroute", "somos", "call48"}
	f.Add(uint8(0), basicAuth(flowrouteKey, flowrouteSecret))
	f.Add(uint8(0), "Basic "+strings.Repeat("=", 40))
	f.Add(uint8(1), "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IngifQ.eyJ0b2tlbl91c2UiOiJpZCJ9.c2ln")
	f.Add(uint8(1), "eyJhbGciOiJub25lIn0.e30.")
	f.Add(uint8(2), `"eyJhbGciOiJIUzUxMiJ9.eyJleHAiOjF9.AAAA"`)
	f.Add(uint8(2), "Bearer  \t ")
	f.Fuzz(func(t *testing.T, which uint8, value string) {
		name := names[int(which)%len(names)]
		if len(fs.app.Routes(name)) == 0 {
			t.Skip(name + " is not served")
		}
		if strings.ContainsAny(value, "\r\n\x00") {
			return // not a header value net/http would deliver
		}
		ri := routeInfo{Provider: name, Route: provider.Route{Method: http.MethodGet, Path: authProbe[name], Auth: "x"}}
		tn := fs.fresh(t)
		out := fs.do(req{Tenant: tn, Provider: name, Method: http.MethodGet, Path: authProbe[name], Sign: setHeader("Authorization", value)})
		fs.check(t, ri, "Authorization", out)
	})
}

// FuzzTMobilePoP sends arbitrary X-Authorization values (and bearer tokens)
// to a T-Mobile PoP route.
func FuzzTMobilePoP(f *testing.F) {
	fs := newFuzzSim(f)
	if len(fs.app.Routes("tmobile")) == 0 {
		f.Skip("tmobile is not served")
	}
	f.Add("e30.e30.e30", "Bearer x")
	f.Add("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJlaHRzIjoidXJpIiwiZWR0cyI6IiIsInYiOjF9.AAAA", "Bearer ")
	f.Add("eyJhbGciOiJub25lIn0.eyJ2IjoiMSJ9.", "Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=")
	f.Add("..", "")
	f.Fuzz(func(t *testing.T, pop, authz string) {
		if strings.ContainsAny(pop+authz, "\r\n\x00") {
			return
		}
		ri := routeInfo{Provider: "tmobile", Route: provider.Route{Method: http.MethodGet, Path: "/account/status", Auth: "bearer+pop"}}
		tn := fs.fresh(t)
		out := fs.do(req{Tenant: tn, Provider: "tmobile", Method: http.MethodGet, Path: "/account/status", Sign: func(r *http.Request, _ []byte) {
			r.Header.Set("Authorization", authz)
			r.Header.Set("X-Authorization", pop)
		}})
		fs.check(t, ri, "X-Authorization", out)
		tok := fs.do(req{Tenant: tn, Provider: "tmobile", Method: http.MethodPost, Path: "/oauth/token?grant_type=refresh_token&refresh_token=x",
			Sign: setHeader("X-Authorization", pop)})
		fs.check(t, routeInfo{Provider: "tmobile", Route: provider.Route{Method: http.MethodPost, Path: "/oauth/token", Auth: "client+pop"}}, "token", tok)
	})
}

// FuzzTMobilePoPClaims signs arbitrary claim sets with the demo client's
// key, so the parser behind the signature check sees them.
func FuzzTMobilePoPClaims(f *testing.F) {
	fs := newFuzzSim(f)
	if len(fs.app.Routes("tmobile")) == 0 {
		f.Skip("tmobile is not served")
	}
	f.Add([]byte(`{"v":"1","ehts":"uri;http-method","edts":"x","iat":1,"exp":2,"jti":"a"}`), []byte(`{"alg":"RS256","typ":"JWT"}`))
	f.Add([]byte(`{"v":1,"ehts":"","edts":null,"iat":"now","exp":1e308,"jti":7}`), []byte(`{"alg":"RS256"}`))
	f.Add([]byte(`{"ehts":";;;Authorization;;body;X-Nope","v":"2"}`), []byte(`{"alg":"none","crit":["x"]}`))
	f.Add([]byte(`[]`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, claims, header []byte) {
		tn := fs.fresh(t)
		ri := routeInfo{Provider: "tmobile", Route: provider.Route{Method: http.MethodGet, Path: "/account/status", Auth: "bearer+pop"}}
		pop := signRaw(t, header, claims)
		out := fs.do(req{Tenant: tn, Provider: "tmobile", Method: http.MethodGet, Path: "/account/status", Sign: func(r *http.Request, _ []byte) {
			r.Header.Set("Authorization", "Bearer x")
			r.Header.Set("X-Authorization", pop)
		}})
		fs.check(t, ri, "signed claims", out)
	})
}

// somosPaged are the Somos routes that take a LastEvaluatedKey.
var somosPaged = []string{"/cnam/list", "/bulkfiles/list", "/audit/search"}

// FuzzSomosLastEvaluatedKey sends arbitrary JSON as LastEvaluatedKey to the
// Somos list routes (the corpus includes a key the API itself returned).
func FuzzSomosLastEvaluatedKey(f *testing.F) {
	fs := newFuzzSim(f)
	if len(fs.app.Routes("somos")) == 0 {
		f.Skip("somos is not served")
	}
	// A real key: the first page of /cnam/list with Limit 1.
	tn := fs.tenant("fuzz-seed")
	id := fs.somosToken(f, tn, somosRefresh)
	first := fs.do(req{Tenant: tn, Provider: "somos", Method: "POST", Path: "/cnam/list", Body: []byte(`{"Limit":1}`), Header: jsonHeader(), Sign: setHeader("Authorization", id)})
	var page struct {
		LastEvaluatedKey json.RawMessage
	}
	_ = json.Unmarshal(first.Body, &page)
	if len(page.LastEvaluatedKey) > 0 {
		f.Add(uint8(0), []byte(page.LastEvaluatedKey))
	}
	f.Add(uint8(0), []byte(`{"tfn":"8009900001","respOrg":"ZATST"}`))
	f.Add(uint8(1), []byte(`"opaque"`))
	f.Add(uint8(2), []byte(`{"timestamp":-1,"id":{"nested":[1,2,3]}}`))
	f.Add(uint8(0), []byte(`null`))
	f.Fuzz(func(t *testing.T, which uint8, key []byte) {
		if !json.Valid(key) {
			return // the body would not be JSON; FuzzProviderBody covers that
		}
		path := somosPaged[int(which)%len(somosPaged)]
		tn := fs.fresh(t)
		id := fs.somosToken(t, tn, somosRefresh)
		body := append(append([]byte(`{"Limit":2,"LastEvaluatedKey":`), key...), '}')
		out := fs.do(req{Tenant: tn, Provider: "somos", Method: "POST", Path: path, Body: body, Header: jsonHeader(), Sign: setHeader("Authorization", id)})
		fs.check(t, routeInfo{Provider: "somos", Route: provider.Route{Method: "POST", Path: path, Auth: "idToken"}}, "LastEvaluatedKey", out)
	})
}

// FuzzSomosCSVUpload uploads arbitrary CSV through a presigned URL, lets
// the tenant clock process it, and exports the rejected rows.
func FuzzSomosCSVUpload(f *testing.F) {
	fs := newFuzzSim(f)
	if len(fs.app.Routes("somos")) == 0 {
		f.Skip("somos is not served")
	}
	f.Add([]byte("action,tfn,cnam,extCnam,authorizedCallersList,authorizedCallersRange,authorizedCallersWildcard,streetAddress,streetAddress2,city,state,zip,country,url,logo,status\n" +
		"C,8339900238,NEW NAME,,1001234567,4001231000-4001232000,100123456X,,,,,,usa,,,active\nD,8009900001,,,,,,,,,,,,,,\n"))
	f.Add([]byte("action,tfn\nX,1\n\"unterminated,2\n"))
	f.Add([]byte("\xef\xbb\xbftfn;cnam\r\n8339900238;A\r\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, csv []byte) {
		tn := fs.fresh(t)
		auth := setHeader("Authorization", fs.somosToken(t, tn, somosRefresh))
		up := routeInfo{Provider: "somos", Route: provider.Route{Method: "PUT", Path: "/uploads/{token}"}}
		out := fs.do(req{Tenant: tn, Provider: "somos", Method: "POST", Path: "/cnam/uploads", Body: []byte(`{"fileName":"fuzz.csv"}`), Header: jsonHeader(), Sign: auth})
		var u struct {
			PreSignedURL string `json:"preSignedUrl"`
		}
		if err := json.Unmarshal(out.Body, &u); err != nil || u.PreSignedURL == "" {
			t.Fatalf("no presigned URL: %s", out)
		}
		pu, err := url.Parse(u.PreSignedURL)
		if err != nil {
			t.Fatalf("presigned URL %q: %v", u.PreSignedURL, err)
		}
		// The URL carries the tenant and mount prefix; send it as is.
		r := httptest.NewRequest(http.MethodPut, pu.RequestURI(), strings.NewReader(string(csv)))
		r.Header.Set("Content-Type", "text/csv")
		w := httptest.NewRecorder()
		fs.h.ServeHTTP(w, r)
		fs.check(t, up, "upload", res{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()})
		fs.advance(t, tn, "2m")
		list := routeInfo{Provider: "somos", Route: provider.Route{Method: "POST", Path: "/bulkfiles/list", Auth: "idToken"}}
		out = fs.do(req{Tenant: tn, Provider: "somos", Method: "POST", Path: "/bulkfiles/list", Body: []byte(`{}`), Header: jsonHeader(), Sign: auth})
		fs.check(t, list, "list", out)
		var files struct {
			Data []struct {
				FileID string `json:"fileId"`
			} `json:"data"`
		}
		_ = json.Unmarshal(out.Body, &files)
		exp := routeInfo{Provider: "somos", Route: provider.Route{Method: "POST", Path: "/bulkfiles/export", Auth: "idToken"}}
		for _, fl := range files.Data {
			out = fs.do(req{Tenant: tn, Provider: "somos", Method: "POST", Path: "/bulkfiles/export",
				Body: []byte(fmt.Sprintf(`{"exportType":"rejected","fileId":%q}`, fl.FileID)), Header: jsonHeader(), Sign: auth})
			fs.check(t, exp, "export", out)
		}
	})
}
