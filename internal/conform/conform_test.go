package conform

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/har"
)

func TestCompareFindsEachKindOfDrift(t *testing.T) {
	const base = `{"data":{"id":"1","type":"cnam","attributes":{"value":"ACME","is_approved":false,"approval_datetime":null}},"links":{"self":"x"}}`
	cases := []struct {
		name string
		rec  Answer
		sim  Answer
		want []string // Drift.String() of each
	}{
		{"identical shape, other values", Answer{200, "application/vnd.api+json", []byte(base)},
			Answer{200, "application/vnd.api+json; charset=utf-8", []byte(`{"data":{"id":"99","type":"cnam","attributes":{"value":"OTHER","is_approved":true,"approval_datetime":"2026-01-05"}},"links":{"self":"y"}}`)}, nil},
		{"status", Answer{201, "application/json", []byte(`{}`)}, Answer{200, "application/json", []byte(`{}`)}, []string{"status: recorded 201, simulated 200"}},
		{"content type", Answer{200, "application/vnd.api+json", []byte(`{}`)}, Answer{200, "application/json", []byte(`{}`)}, []string{"content-type: recorded application/vnd.api+json, simulated application/json"}},
		{"missing key", Answer{200, "", []byte(`{"a":1,"b":{"c":"x","d":true}}`)}, Answer{200, "", []byte(`{"a":2,"b":{"c":"y"}}`)}, []string{"$.b.d: missing in the simulator (recorded boolean)"}},
		{"extra key", Answer{200, "", []byte(`{"a":1}`)}, Answer{200, "", []byte(`{"a":1,"z":[]}`)}, []string{"$.z: only in the simulator (array)"}},
		{"type change", Answer{200, "", []byte(`{"id":17608}`)}, Answer{200, "", []byte(`{"id":"17608"}`)}, []string{"$.id: recorded number, simulated string"}},
		{"array vs object", Answer{200, "", []byte(`{"data":[{"id":"1"}]}`)}, Answer{200, "", []byte(`{"data":{"id":"1"}}`)}, []string{"$.data: recorded array, simulated object"}},
		{"inside array elements", Answer{200, "", []byte(`[{"id":"1","name":"a"},{"id":"2","extra":1}]`)}, Answer{200, "", []byte(`[{"id":"1","name":"b","extra":2}]`)}, nil},
		{"element key missing", Answer{200, "", []byte(`[{"id":"1","name":"a"}]`)}, Answer{200, "", []byte(`[{"id":"1"}]`)}, []string{"$[].name: missing in the simulator (recorded string)"}},
		{"empty array says nothing", Answer{200, "", []byte(`{"data":[]}`)}, Answer{200, "", []byte(`{"data":[{"id":"1"}]}`)}, nil},
		{"JSON vs text", Answer{200, "", []byte(`{"a":1}`)}, Answer{200, "", []byte(`oops`)}, []string{"body: recorded JSON, simulated non-JSON text"}},
		{"no body recorded", Answer{204, "", nil}, Answer{204, "application/json", nil}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, d := range Compare(tc.rec, tc.sim) {
				got = append(got, d.String())
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// fakeAPI stands in for the simulator: it issues its own ids and tokens and
// checks the replay sends them back.
type fakeAPI struct {
	t    *testing.T
	seen []string
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.seen = append(f.seen, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+" "+r.Header.Get("Authorization")+" "+string(b))
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/t/conform/prov/login":
		w.Write([]byte(`{"token":"sim-token","user":{"id":500}}`))
	case r.Method == "POST" && r.URL.Path == "/t/conform/prov/v1/things":
		w.WriteHeader(201)
		w.Write([]byte(`{"data":{"id":"sim-7","type":"thing"}}`))
	case r.URL.Path == "/t/conform/prov/v1/things/sim-7":
		if r.Header.Get("Authorization") != "Bearer sim-token" {
			w.WriteHeader(401)
			w.Write([]byte(`{"error":"bad token"}`))
			return
		}
		w.Write([]byte(`{"data":{"id":"sim-7","type":"thing","name":"x"}}`))
	default:
		w.WriteHeader(404)
		w.Write([]byte(`{"error":"not found"}`))
	}
}

func entry(method, url, reqBody string, hdr map[string]string, status int, respBody string) har.Entry {
	e := har.Entry{Request: har.Request{Method: method, URL: url}, Response: har.Response{Status: status, Content: har.Content{MimeType: "application/json", Text: respBody}}}
	for k, v := range hdr {
		e.Request.Headers = append(e.Request.Headers, har.NV{Name: k, Value: v})
	}
	if reqBody != "" {
		e.Request.PostData = &har.PostData{MimeType: "application/json", Text: reqBody}
	}
	return e
}

func TestReplayMapsCredentialsIdsAndTokens(t *testing.T) {
	api := &fakeAPI{t: t}
	target := Target{Handler: api, Tenant: "conform", Providers: []Provider{
		{Name: "prov", Mount: "/prov", RealBase: "https://api.example.com/v1", Credentials: []map[string]string{{"user_name": "mark", "password": "password"}}},
	}}
	entries := []har.Entry{
		entry("POST", "https://api.example.com/login", `{"user_name":"real-user","password":"REDACTED"}`, nil, 200, `{"token":"REDACTED","user":{"id":42}}`),
		entry("POST", "https://api.example.com/v1/things", `{"owner_id":42}`, map[string]string{"Authorization": "Bearer REDACTED"}, 201, `{"data":{"id":"th_abc","type":"thing"}}`),
		entry("GET", "https://api.example.com/v1/things/th_abc?owner=42", "", map[string]string{"Authorization": "Bearer REDACTED"}, 200, `{"data":{"id":"th_abc","type":"thing","name":"n"}}`),
		entry("GET", "https://elsewhere.example.com/x", "", nil, 200, `{}`),
		{Request: har.Request{Method: "GET", URL: "https://api.example.com/v1/down"}, Provider: "prov", Error: "connection refused"},
	}
	rep := Replay(entries, target)
	assert.Equal(t, []string{
		`POST /t/conform/prov/login?  {"password":"password","user_name":"mark"}`,
		`POST /t/conform/prov/v1/things? Bearer sim-token {"owner_id":500}`,
		`GET /t/conform/prov/v1/things/sim-7?owner=500 Bearer sim-token `,
	}, api.seen)
	assert.True(t, rep.OK(), strings.Join(rep.Lines(), "\n"))
	assert.Equal(t, 5, rep.Exchanges)
	assert.Equal(t, 2, rep.Skipped)
	lines := rep.Lines()
	assert.Equal(t, "ok    #2 prov POST /v1/things -> 201", lines[1])
	assert.Contains(t, lines[3], "skip  #4")
	assert.Equal(t, "5 exchanges: 3 matched, 0 drifted, 2 skipped", lines[5])

	b, err := json.Marshal(rep)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"drift":[]`)
}

func TestReplayReportsDrift(t *testing.T) {
	api := &fakeAPI{t: t}
	target := Target{Handler: api, Tenant: "conform", Providers: []Provider{{Name: "prov", Mount: "/prov", RealBase: "https://api.example.com"}}}
	rep := Replay([]har.Entry{
		entry("POST", "https://api.example.com/v1/things", `{}`, nil, 200, `{"data":[{"id":"a"}],"meta":{}}`),
	}, target)
	require.False(t, rep.OK())
	assert.Equal(t, 1, rep.Drifted)
	assert.Contains(t, rep.Lines()[0], "DRIFT #1 prov POST /v1/things -> 201: status: recorded 200, simulated 201; $.data: recorded array, simulated object; $.meta: missing in the simulator (recorded object)")
}

func TestMapAuthBasic(t *testing.T) {
	got := mapAuth("Basic "+base64.StdEncoding.EncodeToString([]byte("real:REDACTED")), map[string]string{"accessKey": "a", "secretKey": "s"}, newValueMap())
	assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte("a:s")), got)
	assert.Equal(t, "Basic x", mapAuth("Basic x", nil, newValueMap()))
}

func TestLocateThroughTheSimulator(t *testing.T) {
	target := Target{Providers: []Provider{{Name: "flowroute", Mount: "/flowroute", RealBase: "https://api.flowroute.com/v2"}}}
	p, path, q, err := target.locate(har.Entry{Request: har.Request{URL: "http://localhost:8080/t/job/flowroute/v2/cnams?limit=1"}})
	require.NoError(t, err)
	assert.Equal(t, "flowroute", p.Name)
	assert.Equal(t, "/v2/cnams", path)
	assert.Equal(t, "limit=1", q)
}
