package somos_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/sim/simtest"
	"github.com/telecomsim/simulator/sim/somos"
)

// The default scenario's users, by the short names the tests use.
var defaultRefresh = map[string]string{
	"admin":   "demo-refresh-admin",
	"bradmin": "demo-refresh-br-admin",
	"bruser":  "demo-refresh-br-user",
	"zauser":  "demo-refresh-za-user",
}

var roles = []string{"admin", "bradmin", "bruser", "zauser"}

type tokens struct{ id, access string }

func loginAll(t *testing.T, srv *simtest.Server, who string) tokens {
	t.Helper()
	status, body := call(t, srv, "POST", "/public/apitoken", "", `{"refreshToken":"`+defaultRefresh[who]+`"}`)
	require.Equal(t, http.StatusOK, status, string(body))
	var out struct {
		Result string `json:"result"`
		Data   struct {
			AuthenticationResult struct {
				AccessToken, IdToken, RefreshToken, TokenType string
				ExpiresIn                                     int
			}
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(body, &out))
	a := out.Data.AuthenticationResult
	require.Equal(t, "success", out.Result)
	require.Equal(t, 3600, a.ExpiresIn)
	require.Equal(t, "Bearer", a.TokenType)
	require.Empty(t, a.RefreshToken, "Cognito's refresh flow gives no new refresh token")
	return tokens{id: a.IdToken, access: a.AccessToken}
}

// TestDefaultScenarioEveryRouteEveryRole calls every secure route of the
// default scenario as each of its four users, each call on a fresh tenant so
// one role's change never decides another's answer.
func TestDefaultScenarioEveryRouteEveryRole(t *testing.T) {
	type row struct {
		method, path string
		// body builds the request body; setup (optional) runs first as the
		// ZA user and returns a value body can use.
		body  func(tok tokens, setup string) string
		setup func(t *testing.T, srv *simtest.Server) string
		want  map[string]int // by role
	}
	fixed := func(s string) func(tokens, string) string { return func(tokens, string) string { return s } }
	all := func(code int) map[string]int {
		return map[string]int{"admin": code, "bradmin": code, "bruser": code, "zauser": code}
	}
	brOnly := map[string]int{"admin": 200, "bradmin": 200, "bruser": 200, "zauser": 401}
	zaOnly := map[string]int{"admin": 200, "bradmin": 401, "bruser": 401, "zauser": 200}
	adminOnly := map[string]int{"admin": 200, "bradmin": 401, "bruser": 401, "zauser": 401}
	brAdmins := map[string]int{"admin": 200, "bradmin": 200, "bruser": 401, "zauser": 401}
	zaExport := func(t *testing.T, srv *simtest.Server) string {
		tok := loginAll(t, srv, "zauser")
		status, body := call(t, srv, "POST", "/bulkfiles/export", tok.id, `{"exportType":"cnamExport"}`)
		require.Equal(t, 200, status, string(body))
		var out struct{ FileID string }
		require.NoError(t, json.Unmarshal(body, &out))
		return out.FileID
	}
	rows := []row{
		{method: "POST", path: "/users/resettokens", body: func(tok tokens, _ string) string { return `{"accessToken":"` + tok.access + `"}` }, want: all(200)},
		{method: "POST", path: "/cnam", body: fixed(`{"tfn":"8339900238","cnam":"1-800-GET-CNAMR"}`), want: brOnly},
		{method: "GET", path: "/cnam/8339900239", want: brOnly},
		{method: "PUT", path: "/cnam/8339900239", body: fixed(`{"cnam":"BRIGHT HOME"}`), want: brOnly},
		{method: "DELETE", path: "/cnam/8339900239", want: brOnly},
		{method: "GET", path: "/cnam/8009900001", want: zaOnly},
		{method: "POST", path: "/cnam/list", body: fixed(`{"Limit":2,"entityID":"ZA"}`), want: zaOnly},
		{method: "POST", path: "/cnam/list", body: fixed(`{}`), want: all(200)},
		{method: "POST", path: "/cnam/uploads", body: fixed(`{"fileName":"batch.csv"}`), want: all(200)},
		{method: "POST", path: "/bulkfiles/list", body: fixed(`{"entityID":"ZA","fileTypes":["ExportCSV"]}`), setup: zaExport, want: zaOnly},
		{method: "POST", path: "/bulkfiles/export", body: fixed(`{"exportType":"cnamExport"}`), want: all(200)},
		{method: "POST", path: "/bulkfiles/export", body: func(_ tokens, id string) string { return `{"exportType":"rejected","fileId":"` + id + `"}` }, setup: zaExport,
			want: map[string]int{"admin": 400, "bradmin": 404, "bruser": 404, "zauser": 400}}, // an export has no rejected rows
		{method: "POST", path: "/bulkfiles/download", body: func(_ tokens, id string) string { return `{"fileId":"` + id + `"}` }, setup: zaExport,
			want: map[string]int{"admin": 200, "bradmin": 404, "bruser": 404, "zauser": 200}},
		{method: "POST", path: "/metrics/list", body: fixed(`{"entityID":"BR"}`), want: brOnly},
		{method: "POST", path: "/metrics/list/", body: fixed(`{"Limit":2,"entityID":"ZA"}`), want: zaOnly},
		{method: "POST", path: "/audit/search", body: fixed(`{"entityID":"ZA"}`), want: zaOnly},
		{method: "POST", path: "/audit/search/", body: fixed(`{"entityID":"BR","Limit":"10","eventType":"Create-CNAM"}`), want: brOnly},
		{method: "POST", path: "/admin/user/list", body: fixed(`{"enabled":"Y"}`), want: adminOnly},
		{method: "POST", path: "/admin/user/promote", body: fixed(`{"email":"user@br.example"}`), want: adminOnly},
		{method: "POST", path: "/admin/user/demote", body: fixed(`{"email":"admin@br.example"}`), want: adminOnly},
		{method: "POST", path: "/admin/user/enable", body: fixed(`{"email":"user@za.example"}`), want: adminOnly},
		{method: "POST", path: "/admin/user/disable", body: fixed(`{"email":"user@za.example"}`), want: adminOnly},
		{method: "POST", path: "/admin/user/update", body: fixed(`{"email":"user@za.example","firstName":"Joe","lastName":"Doe"}`), want: adminOnly},
		{method: "POST", path: "/admin/user/BR/list", body: fixed(`{"enabled":"Y"}`), want: brAdmins},
		{method: "POST", path: "/admin/user/ZA/list", body: fixed(`{}`), want: adminOnly},
		{method: "POST", path: "/admin/user/BR/promote", body: fixed(`{"email":"user@br.example"}`), want: brAdmins},
		{method: "POST", path: "/admin/user/BR/demote", body: fixed(`{"email":"admin@br.example"}`), want: brAdmins},
		{method: "POST", path: "/admin/user/entity/demote", body: fixed(`{"email":"admin@br.example"}`), want: brAdmins},
		{method: "POST", path: "/admin/user/BR/enable", body: fixed(`{"email":"user@br.example"}`), want: brAdmins},
		{method: "POST", path: "/admin/user/BR/disable", body: fixed(`{"email":"user@br.example"}`), want: brAdmins},
		{method: "POST", path: "/admin/user/BR/update", body: fixed(`{"email":"user@br.example","firstName":"Joe"}`), want: brAdmins},
	}
	covered := map[string]bool{}
	for _, r := range rows {
		covered[r.method+" "+r.path] = true
	}
	for _, rt := range somos.New(somos.Options{}).Routes() {
		if rt.Auth == provider.AuthNone {
			continue
		}
		path := strings.NewReplacer("{tfn}", "8339900239", "{entity}", "BR").Replace(rt.Path)
		alt := strings.NewReplacer("{tfn}", "8009900001", "{entity}", "ZA").Replace(rt.Path)
		assert.True(t, covered[rt.Method+" "+path] || covered[rt.Method+" "+alt], "route %s %s has no row", rt.Method, rt.Path)
	}
	for _, r := range rows {
		for _, who := range roles {
			t.Run(fmt.Sprintf("%s %s as %s", r.method, r.path, who), func(t *testing.T) {
				srv := simtest.New(t, simtest.Frozen(time.Time{}))
				setup := ""
				if r.setup != nil {
					setup = r.setup(t, srv)
				}
				tok := loginAll(t, srv, who)
				body := ""
				if r.body != nil {
					body = r.body(tok, setup)
				}
				status, out := call(t, srv, r.method, r.path, tok.id, body)
				assert.Equal(t, r.want[who], status, "%s", out)
				if status == 401 {
					assert.Contains(t, string(out), `"result": "error"`, "a role refusal is the service's error, not the authorizer's")
				}
				// Without a token every secure route is the authorizer's 401.
				status, out = call(t, srv, r.method, r.path, "", body)
				assert.Equal(t, 401, status)
				assert.JSONEq(t, `{"message":"Unauthorized"}`, string(out))
			})
		}
	}
}

// TestDefaultScenarioWalkthrough follows docs/somos.md against the default
// scenario on a tenant: tokens, CNAM life cycle with partner propagation, a
// CSV upload through the presigned URL (which keeps the tenant prefix), the
// rejected-rows export and its download, metrics and audit.
func TestDefaultScenarioWalkthrough(t *testing.T) {
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	br := loginAll(t, srv, "bruser")

	status, body := call(t, srv, "POST", "/cnam", br.id, `{"tfn":"8339900238","cnam":"1-800-GET-CNAMR","extCnam":"TEST CNAM EXT CNAM",
		"authorizedCallers":{"list":["1001234567","10012345689"],"range":[{"begin":"4001231000","end":"4001232000"}],"wildcard":["100123456X"]},
		"streetAddress":"123 Main Street","streetAddress2":"Ste 200","city":"Dallas","state":"TX","zip":"75075",
		"country":"usa","url":"https://www.test.org","logo":"https://www.test.org/logo"}`)
	require.Equal(t, 200, status, string(body))
	var rec map[string]any
	require.NoError(t, json.Unmarshal(body, &rec))
	for _, f := range []string{"tfn", "cnam", "extCnam", "authorizedCallers", "streetAddress", "streetAddress2", "city", "state",
		"zip", "country", "url", "logo", "keywords", "status", "version", "createdDate", "createdBy", "lastModifiedDate",
		"lastModifiedBy", "entityID", "respOrgID", "tfnrStatus", "partnerUpdateStatus", "partnerUpdateDate"} {
		assert.Contains(t, rec, f)
	}
	assert.Equal(t, "pending", rec["partnerUpdateStatus"])
	assert.Equal(t, "BRSMS", rec["respOrgID"])
	assert.Equal(t, "BR", rec["entityID"])
	assert.Equal(t, float64(srv.Now().UnixMilli()), rec["createdDate"], "dates are epoch milliseconds")

	srv.Advance(2 * time.Minute)
	status, body = call(t, srv, "GET", "/cnam/8339900238", br.id, "")
	require.Equal(t, 200, status)
	assert.Contains(t, string(body), `"partnerUpdateStatus": "success"`)

	// The document's list sample: ZA, two per page, keyed on cnam/tfn/entityID.
	za := loginAll(t, srv, "zauser")
	status, body = call(t, srv, "POST", "/cnam/list", za.id, `{"Limit":1,"entityID":"ZA"}`)
	require.Equal(t, 200, status)
	var page struct {
		Items            []struct{ TFN, CNAM, EntityID string }
		Count            int
		ScannedCount     int
		LastEvaluatedKey map[string]string
	}
	require.NoError(t, json.Unmarshal(body, &page))
	require.Len(t, page.Items, 1)
	assert.Equal(t, map[string]string{"cnam": "1-800-GET-CNAM", "tfn": "8009900001", "entityID": "ZA"}, page.LastEvaluatedKey)
	lek, _ := json.Marshal(page.LastEvaluatedKey)
	status, body = call(t, srv, "POST", "/cnam/list", za.id, `{"Limit":1,"entityID":"ZA","LastEvaluatedKey":`+string(lek)+`}`)
	require.Equal(t, 200, status)
	page.LastEvaluatedKey = nil
	require.NoError(t, json.Unmarshal(body, &page))
	require.Len(t, page.Items, 1)
	assert.Equal(t, "8009900002", page.Items[0].TFN)
	assert.Nil(t, page.LastEvaluatedKey, "absent on the last page")

	// Bulk upload through the presigned URL.
	status, body = call(t, srv, "POST", "/cnam/uploads", br.id, `{"fileName":"walk.csv"}`)
	require.Equal(t, 200, status)
	var up struct{ Result, PreSignedURL string }
	require.NoError(t, json.Unmarshal(body, &up))
	assert.Equal(t, "Success", up.Result)
	require.True(t, strings.HasPrefix(up.PreSignedURL, srv.URL("somos")+"/uploads/"), up.PreSignedURL)
	csvBody := "action,tfn,cnam,city\nU,8339900238,NEW NAME,Austin\nC,8339900240,ASSIGNED ONE,Chicago\nC,8339900242,SPARE ONE,\n"
	req, err := http.NewRequest("PUT", up.PreSignedURL, strings.NewReader(csvBody))
	require.NoError(t, err)
	resp, err := srv.Client.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	srv.Advance(30 * time.Second)

	status, body = call(t, srv, "POST", "/bulkfiles/list", br.id, `{"fileTypes":["CSV"]}`)
	require.Equal(t, 200, status)
	var files struct {
		Items []map[string]any
	}
	require.NoError(t, json.Unmarshal(body, &files))
	require.Len(t, files.Items, 1)
	f := files.Items[0]
	assert.Equal(t, "Completed", f["status"])
	for k, v := range map[string]float64{"entriesReadInFile": 3, "processed": 3, "created": 1, "updated": 1, "deleted": 0,
		"totalAccepted": 2, "totalRejected": 1, "error": 1, "validation": 0, "rejected": 0} {
		assert.Equal(t, v, f[k], k)
	}
	status, body = call(t, srv, "POST", "/bulkfiles/export", br.id, fmt.Sprintf(`{"exportType":"rejected","fileId":%q}`, f["fileId"]))
	require.Equal(t, 200, status, string(body))
	var ex struct{ FileID string }
	require.NoError(t, json.Unmarshal(body, &ex))
	status, body = call(t, srv, "POST", "/bulkfiles/download", br.id, `{"fileId":"`+ex.FileID+`"}`)
	require.Equal(t, 200, status)
	var dl struct{ URL string }
	require.NoError(t, json.Unmarshal(body, &dl))
	resp, err = srv.Client.Get(dl.URL)
	require.NoError(t, err)
	content, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(content), "8339900242")
	assert.Contains(t, string(content), "SPARE")

	// Audit: newest first, the upload's rows then the create.
	status, body = call(t, srv, "POST", "/audit/search", br.id, `{"tfn":"8339900238"}`)
	require.Equal(t, 200, status)
	var audit struct {
		Items []struct {
			EventType string
			CnamEntry struct{ CNAM string } `json:"cnamEntry"`
		}
	}
	require.NoError(t, json.Unmarshal(body, &audit))
	require.Len(t, audit.Items, 2)
	assert.Equal(t, "File-upload", audit.Items[0].EventType)
	assert.Equal(t, "NEW NAME", audit.Items[0].CnamEntry.CNAM)
	assert.Equal(t, "Create-CNAM", audit.Items[1].EventType)

	// Metrics: one summary for the BR user.
	status, body = call(t, srv, "POST", "/metrics/list", br.id, `{}`)
	require.Equal(t, 200, status)
	var m struct {
		Items []struct {
			EntityID  string
			TotalCnam int
		}
	}
	require.NoError(t, json.Unmarshal(body, &m))
	require.Len(t, m.Items, 1)
	assert.Equal(t, "BR", m.Items[0].EntityID)
	assert.Equal(t, 3, m.Items[0].TotalCnam)

	// IdTokens expire an hour after issue on the tenant clock; refresh works.
	srv.Advance(time.Hour)
	status, body = call(t, srv, "GET", "/cnam/8339900238", br.id, "")
	assert.Equal(t, 401, status)
	assert.JSONEq(t, `{"message":"The incoming token has expired"}`, string(body))
	br = loginAll(t, srv, "bruser")
	status, _ = call(t, srv, "GET", "/cnam/8339900238", br.id, "")
	assert.Equal(t, 200, status)
}
