package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/journal"
)

// benchApp builds the simulator from the embedded default scenario, as the
// binary does without --scenario.
func benchApp(b *testing.B) *app.App {
	b.Helper()
	sc, err := app.DefaultScenario()
	if err != nil {
		b.Fatal(err)
	}
	a, err := app.New(app.Config{Scenario: sc})
	if err != nil {
		b.Fatal(err)
	}
	if err := a.Check(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(a.Close)
	return a
}

func serveOnce(b *testing.B, h http.Handler, method, target, user, pass string, want int) {
	req := httptest.NewRequest(method, target, nil)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: %d, want %d: %s", method, target, rec.Code, want, rec.Body.String())
	}
}

// BenchmarkHeadlineGET is the whole handler for an authenticated Flowroute
// GET /v2/cnams on the default tenant: tenant lookup, routing, Basic auth,
// OpenAPI validation, the store, JSON encoding and the journal.
func BenchmarkHeadlineGET(b *testing.B) {
	h := benchApp(b).Handler()
	b.ReportAllocs()
	for b.Loop() {
		serveOnce(b, h, http.MethodGet, "/flowroute/v2/cnams", "demo-access-key", "demo-secret-key", http.StatusOK)
	}
}

// BenchmarkHeadlineGETParallel is the same request from GOMAXPROCS
// goroutines, which shows lock contention on one tenant.
func BenchmarkHeadlineGETParallel(b *testing.B) {
	h := benchApp(b).Handler()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serveOnce(b, h, http.MethodGet, "/flowroute/v2/cnams", "demo-access-key", "demo-secret-key", http.StatusOK)
		}
	})
}

// BenchmarkAuthRejected is a request that fails Basic auth: the cost of
// routing and authentication alone.
func BenchmarkAuthRejected(b *testing.B) {
	h := benchApp(b).Handler()
	b.ReportAllocs()
	for b.Loop() {
		serveOnce(b, h, http.MethodGet, "/flowroute/v2/cnams", "demo-access-key", "wrong", http.StatusUnauthorized)
	}
}

// BenchmarkTenantLookup finds one of 100 existing tenants' worlds.
func BenchmarkTenantLookup(b *testing.B) {
	a := benchApp(b)
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = fmt.Sprintf("bench-%03d", i)
		if _, err := a.World(ids[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := a.World(ids[i%len(ids)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkTenantCreate builds a fresh tenant world from the default
// scenario (what the first request of a CI test costs).
func BenchmarkTenantCreate(b *testing.B) {
	a := benchApp(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		id := fmt.Sprintf("new-%d", i)
		if _, err := a.World(id); err != nil {
			b.Fatal(err)
		}
		a.Tenants().Delete(id)
		i++
	}
}

// BenchmarkJournalAdd appends a headline-sized entry to a full ring.
func BenchmarkJournalAdd(b *testing.B) {
	j := journal.New(1000, 8192)
	body := strings.Repeat("x", 1500)
	e := journal.Entry{Time: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), Tenant: "default", Provider: "flowroute", Method: "GET",
		Path: "/v2/cnams", Route: "GET /v2/cnams", Status: 200, RespBody: body,
		ReqHeaders: journal.MakeHeader(map[string]string{"Authorization": "Basic ZGVtby…", "User-Agent": "Go-http-client/1.1"})}
	for range 1000 {
		j.Add(e)
	}
	b.ReportAllocs()
	for b.Loop() {
		j.Add(e)
	}
}

// BenchmarkStartup is what the binary does before it can answer: parse the
// embedded default scenario, build every provider (OpenAPI documents
// included) and the default tenant.
func BenchmarkStartup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		a := benchApp(b)
		a.Close()
	}
}

// token logs in through a provider's own auth endpoint and returns the body.
func token(b *testing.B, h http.Handler, target, contentType, body string) string {
	b.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", target, rec.Code, rec.Body.String())
	}
	return rec.Body.String()
}

func jsonField(b *testing.B, doc, path string) string {
	b.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		b.Fatal(err)
	}
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			b.Fatalf("no %s in %s", path, doc)
		}
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

// BenchmarkSomosCNAMList is an authenticated Somos POST /cnam/list page on
// the default tenant (IdToken check on every request).
func BenchmarkSomosCNAMList(b *testing.B) {
	h := benchApp(b).Handler()
	tok := jsonField(b, token(b, h, "/somos/public/apitoken", "application/json", `{"refreshToken":"demo-refresh-admin"}`), "data.AuthenticationResult.IdToken")
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/somos/cnam/list", strings.NewReader(`{"Limit":10}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkCall48DIDs is an authenticated Call48 GET /dids on the default
// tenant (JWT check on every request).
func BenchmarkCall48DIDs(b *testing.B) {
	h := benchApp(b).Handler()
	tok := jsonField(b, token(b, h, "/call48/api/v4/login", "application/json", `{"user_name":"mark","password":"password"}`), "data.token")
	if tok == "" {
		b.Fatal("no token from login")
	}
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/call48/api/v4/dids?type=local", nil)
		req.Header.Set("Authorization", tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		// Call48 reports errors in the body's code, often with HTTP 200; the
		// list needs its type (without it this measured the error path).
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"code": 4`) {
			b.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkFlowrouteCreateGet is the Flowroute part of simbench's mixed
// workload: POST /v2/cnams (body validated against the OpenAPI document)
// and GET of the record created, in a tenant.
func BenchmarkFlowrouteCreateGet(b *testing.B) {
	h := benchApp(b).Handler()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		req := httptest.NewRequest(http.MethodPost, "/t/bench-create/flowroute/v2/cnams", strings.NewReader(fmt.Sprintf(`{"value":"BENCH %X"}`, i)))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth("demo-access-key", "demo-secret-key")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
		id := jsonField(b, rec.Body.String(), "data.id")
		serveOnce(b, h, http.MethodGet, "/t/bench-create/flowroute/v2/cnams/"+id, "demo-access-key", "demo-secret-key", http.StatusOK)
	}
}

// BenchmarkCall48SearchPurchase is simbench's call48 workload through the
// whole engine: a search of local numbers in WA, then the purchase of the
// first one offered, in a tenant (a fresh tenant, and login, when the
// account's balance runs out).
func BenchmarkCall48SearchPurchase(b *testing.B) {
	h := benchApp(b).Handler()
	gen, tok := 0, ""
	do := func(method, target, body string) string {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if tok != "" {
			req.Header.Set("Authorization", tok)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body.String())
		}
		return rec.Body.String()
	}
	b.ReportAllocs()
	for b.Loop() {
		prefix := fmt.Sprintf("/t/bench-c48-%d/call48/api/v4", gen)
		if tok == "" {
			tok = jsonField(b, do(http.MethodPost, prefix+"/login", `{"user_name":"mark","password":"password"}`), "data.token")
		}
		var res struct {
			Data struct {
				Loc    string `json:"loc"`
				Result []struct {
					NPA, NXX, XXXX string
					LocData        string `json:"locData"`
				} `json:"result"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(do(http.MethodGet, prefix+"/search?type=local&state=WA&limit=5", "")), &res); err != nil || len(res.Data.Result) == 0 {
			b.Fatalf("search: %v %+v", err, res)
		}
		n := res.Data.Result[0]
		buy := fmt.Sprintf(`{"type":"local","numbers":[{"npa":%q,"nxx":%q,"xxxx":%q,"loc":%q,"locData":%q}]}`, n.NPA, n.NXX, n.XXXX, res.Data.Loc, n.LocData)
		if out := do(http.MethodPost, prefix+"/purchase", buy); !strings.Contains(out, `"code":200`) && !strings.Contains(out, `"code": 200`) {
			gen, tok = gen+1, ""
		}
	}
}

// BenchmarkSomosCNAMWalk is simbench's somos workload: pages of 25 of an
// entity's 120 seeded records, each request with the LastEvaluatedKey the
// previous page gave, starting over after the last page.
func BenchmarkSomosCNAMWalk(b *testing.B) {
	h := benchApp(b).Handler()
	tok := jsonField(b, token(b, h, "/somos/public/apitoken", "application/json", `{"refreshToken":"demo-refresh-br-admin"}`), "data.AuthenticationResult.IdToken")
	do := func(target, body string, header map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code/100 != 2 {
			b.Fatalf("%s: %d %s", target, rec.Code, rec.Body.String())
		}
		return rec
	}
	for i := range 120 {
		tfn := fmt.Sprintf("8339%06d", 700000+i)
		do("/__sim/tnregistry/numbers", `{"tfn":"`+tfn+`","status":"WORKING","respOrg":"BRSMS"}`, nil)
		do("/somos/cnam", fmt.Sprintf(`{"tfn":%q,"cnam":"BENCH CO %03d"}`, tfn, i), map[string]string{"Authorization": tok})
	}
	auth := map[string]string{"Authorization": tok}
	var key json.RawMessage
	keys := map[string]bool{}
	b.ReportAllocs()
	for b.Loop() {
		body := `{"Limit":25,"entityID":"BR"}`
		if key != nil {
			body = `{"Limit":25,"entityID":"BR","LastEvaluatedKey":` + string(key) + `}`
		}
		var page struct {
			LastEvaluatedKey json.RawMessage
		}
		if err := json.Unmarshal(do("/somos/cnam/list", body, auth).Body.Bytes(), &page); err != nil {
			b.Fatal(err)
		}
		key = page.LastEvaluatedKey
		if string(key) == "null" {
			key = nil
		}
		keys[string(key)] = true
	}
	if b.N > 10 && len(keys) < 5 {
		b.Fatalf("the walk saw %d pages, want 5 or more", len(keys))
	}
}
