package control

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/journal"
	"github.com/telecomsim/simulator/internal/provider"
)

var testInfos = []provider.Info{
	{Name: "flowroute", Mount: "/flowroute", BasePath: "/v2"},
	{Name: "call48", Mount: "/call48", BasePath: "/api/v4"},
}

// testJournal is newest first, as journal.List returns it.
var testJournal = []journal.Entry{
	{ID: 5, Provider: "call48", Method: "POST", Path: "/api/v4/login", Route: "POST /api/v4/login", Status: 200,
		ReqHeaders: journal.MakeHeader(map[string]string{"Content-Type": "application/x-www-form-urlencoded"}), ReqBody: journal.RedactBody("username=mark&password=password")},
	{ID: 4, Provider: "flowroute", Method: "PATCH", Path: "/v2/relationships/cnams/17", Route: "PATCH /v2/relationships/cnams/{id}", Status: 204,
		ReqBody: `{"data":{"type":"cnam","id":"17"}}`},
	{ID: 3, Provider: "flowroute", Method: "GET", Path: "/v2/cnams", Query: "value=acme&limit=10", Route: "GET /v2/cnams", Status: 200,
		ReqHeaders: journal.MakeHeader(map[string]string{"Authorization": journal.MaskCredential("Basic ZGVtby1hY2Nlc3M="), "Accept": "application/json"})},
	{ID: 2, Provider: "flowroute", Method: "POST", Path: "/v2/cnams", Route: "POST /v2/cnams", Status: 201,
		ReqHeaders: journal.MakeHeader(map[string]string{"Content-Type": "application/json"}), ReqBody: `{"value":"Acme Labs","tags":["a","b"],"n":3}`},
	{ID: 1, Provider: "flowroute", Method: "POST", Path: "/v2/cnams", Route: "POST /v2/cnams", Status: 400,
		ReqHeaders: journal.MakeHeader(map[string]string{"Content-Type": "application/json"}), ReqBody: `{"value":"acme labs"}`},
}

func runVerify(t *testing.T, body string) verifyResult {
	t.Helper()
	var req verifyRequest
	require.NoError(t, json.Unmarshal([]byte(body), &req))
	x, err := newExpectation(req, testInfos)
	require.NoError(t, err)
	return x.run(testJournal)
}

func matchIDs(es []journal.Entry) []uint64 {
	out := []uint64{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestVerifyMatches(t *testing.T) {
	tests := []struct {
		name string
		body string
		ids  []uint64
		ok   bool
	}{
		{"method and path", `{"method":"POST","path":"/v2/cnams"}`, []uint64{2, 1}, true},
		{"path without the base path", `{"method":"post","path":"/cnams"}`, []uint64{2, 1}, true},
		{"path as on the main port", `{"method":"POST","path":"/flowroute/v2/cnams"}`, []uint64{2, 1}, true},
		{"method inside the path", `{"path":"POST /v2/cnams"}`, []uint64{2, 1}, true},
		{"any method", `{"path":"/v2/cnams"}`, []uint64{3, 2, 1}, true},
		{"route template", `{"path":"/v2/relationships/cnams/{id}"}`, []uint64{4}, true},
		{"glob", `{"path":"/v2/**"}`, []uint64{4, 3, 2, 1}, true},
		{"segment glob", `{"path":"/v2/relationships/cnams/1*"}`, []uint64{4}, true},
		{"provider", `{"provider":"call48","path":"/**"}`, []uint64{5}, true},
		{"query", `{"path":"/v2/cnams","query":{"value":"acme"}}`, []uint64{3}, true},
		{"query in the path", `{"path":"/v2/cnams?limit=10"}`, []uint64{3}, true},
		{"query in the path and fields", `{"path":"/v2/cnams?limit=10","query":{"value":"acme"}}`, []uint64{3}, true},
		{"query in the path differs", `{"path":"/v2/cnams?limit=11"}`, []uint64{}, false},
		{"header", `{"path":"/v2/cnams","headers":{"accept":"application/json"}}`, []uint64{3}, true},
		{"masked credential by its fingerprint", `{"path":"/v2/cnams","headers":{"Authorization":"Basic ZGVtby1hY2Nlc3M="}}`, []uint64{3}, true},
		{"body subset", `{"path":"/v2/cnams","body":{"value":"Acme Labs"}}`, []uint64{2}, true},
		{"body array", `{"path":"/v2/cnams","body":{"tags":["a","b"],"n":3}}`, []uint64{2}, true},
		{"nested body", `{"path":"/v2/relationships/cnams/17","body":{"data":{"id":"17"}}}`, []uint64{4}, true},
		{"body text", `{"path":"/v2/cnams","body":"acme labs"}`, []uint64{1}, true},
		{"form body", `{"path":"/api/v4/login","body":{"username":"mark"}}`, []uint64{5}, true},
		{"redacted body value by its fingerprint", `{"path":"/api/v4/login","body":{"username":"mark","password":"password"}}`, []uint64{5}, true},
		{"redacted body value, wrong", `{"path":"/api/v4/login","body":{"password":"passw0rd"}}`, []uint64{}, false},
		{"null fields are absent", `{"path":"/v2/cnams","method":"POST","body":null,"query":null,"count":null}`, []uint64{2, 1}, true},
		{"exactly", `{"method":"POST","path":"/v2/cnams","count":{"exactly":2}}`, []uint64{2, 1}, true},
		{"exactly as a number", `{"method":"POST","path":"/v2/cnams","count":1}`, []uint64{2, 1}, false},
		{"at most", `{"method":"POST","path":"/v2/cnams","count":{"atMost":1}}`, []uint64{2, 1}, false},
		{"at least", `{"method":"POST","path":"/v2/cnams","count":{"atLeast":3}}`, []uint64{2, 1}, false},
		{"none expected", `{"method":"DELETE","path":"/v2/cnams","count":{"exactly":0}}`, []uint64{}, true},
		{"nothing matches", `{"method":"DELETE","path":"/v2/cnams"}`, []uint64{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runVerify(t, tt.body)
			assert.Equal(t, tt.ids, matchIDs(res.Matches))
			assert.Equal(t, len(tt.ids), res.Count)
			assert.Equal(t, tt.ok, res.OK)
			assert.Equal(t, tt.ok, res.Message == "", res.Message)
		})
	}
}

func TestVerifyNearMisses(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		firstID   uint64
		firstDiff []difference
	}{
		{"a body field", `{"method":"POST","path":"/v2/cnams","body":{"value":"ACME LABS"}}`, 2,
			[]difference{{"body.value", `"ACME LABS"`, `"Acme Labs"`}}},
		{"a missing body field", `{"method":"POST","path":"/v2/cnams","body":{"value":"Acme Labs","kind":"x"}}`, 2,
			[]difference{{"body.kind", `"x"`, absent}}},
		{"the method", `{"method":"PUT","path":"/v2/cnams","query":{"value":"acme"}}`, 3,
			[]difference{{"method", "PUT", "GET"}}},
		{"a header", `{"method":"GET","path":"/v2/cnams","headers":{"Accept":"text/csv"}}`, 3,
			[]difference{{"header.Accept", `"text/csv"`, `"application/json"`}}},
		{"a query parameter", `{"method":"GET","path":"/v2/cnams","query":{"limit":"5"}}`, 3,
			[]difference{{"query.limit", `"5"`, `"10"`}}},
		{"the path", `{"method":"PATCH","path":"/v2/relationships/cnams/18"}`, 4,
			[]difference{{"path", "/v2/relationships/cnams/18", "/v2/relationships/cnams/17"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runVerify(t, tt.body)
			require.False(t, res.OK)
			require.NotEmpty(t, res.NearMisses)
			assert.LessOrEqual(t, len(res.NearMisses), maxNearMisses)
			assert.Equal(t, tt.firstID, res.NearMisses[0].Request.ID)
			assert.Equal(t, tt.firstDiff, res.NearMisses[0].Differences)
			assert.Contains(t, res.Message, "closest requests:")
			assert.Contains(t, res.Message, tt.firstDiff[0].Field+": expected "+tt.firstDiff[0].Expected)
		})
	}
}

func TestVerifyTooManyListsMatchesNotMisses(t *testing.T) {
	res := runVerify(t, `{"method":"POST","path":"/v2/cnams","count":{"exactly":1}}`)
	assert.False(t, res.OK)
	assert.Empty(t, res.NearMisses)
	assert.Contains(t, res.Message, "expected exactly 1 request(s) matching POST /v2/cnams, got 2")
	assert.Contains(t, res.Message, "POST /v2/cnams -> 400")
}

func TestVerifyEmptyJournal(t *testing.T) {
	x, err := newExpectation(verifyRequest{Path: "/v2/cnams"}, testInfos)
	require.NoError(t, err)
	res := x.run(nil)
	assert.False(t, res.OK)
	assert.Equal(t, "at least 1", res.Expected)
	assert.Contains(t, res.Message, "the journal holds no other request")
}

func TestVerifyRefusesBadInput(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"no path", `{"method":"GET"}`, "path: required"},
		{"bad path", `{"path":"v2/cnams"}`, "path:"},
		{"bad glob", `{"path":"/v2/[a"}`, "path:"},
		{"bad query", `{"path":"/v2/cnams?a=%zz"}`, "path: bad query string"},
		{"too many double stars", `{"path":"/**/a/**/b/**/c/**"}`, `3 "**" segments`},
		{"two methods", `{"method":"GET","path":"POST /v2/cnams"}`, "path names method POST but method is GET"},
		{"unknown provider", `{"provider":"acme","path":"/x"}`, `no provider "acme"`},
		{"negative count", `{"path":"/x","count":{"atLeast":-1}}`, "count.atLeast: must not be negative"},
		{"exactly with a bound", `{"path":"/x","count":{"exactly":1,"atMost":2}}`, "exactly cannot be combined"},
		{"inverted bounds", `{"path":"/x","count":{"atLeast":3,"atMost":2}}`, "atLeast 3 is more than atMost 2"},
		{"unknown count field", `{"path":"/x","count":{"min":1}}`, "count: want"},
		{"count not a number", `{"path":"/x","count":"once"}`, "count: want"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req verifyRequest
			require.NoError(t, json.Unmarshal([]byte(tt.body), &req))
			_, err := newExpectation(req, testInfos)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
