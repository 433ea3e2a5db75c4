package somos

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPIAuth(t *testing.T) {
	e := newEnv(t, testSection)
	id, _ := e.login("demo-refresh-br-user")
	for _, tc := range []struct {
		name, auth string
		status     int
		msg        string
	}{
		{"bearer", "Bearer " + id, 200, ""},
		{"bare", id, 200, ""},
		{"missing", "", 401, `"Unauthorized"`},
		{"garbage", "Bearer abc.def.ghi", 401, `"Unauthorized"`},
	} {
		st, body := e.call("GET", "/cnam/8009900001", tc.auth, nil)
		if tc.status == 200 {
			// a BR user reading a ZA record: authenticated, then refused
			assert.Equal(t, 401, st, tc.name)
			assert.Contains(t, string(body), `"result": "error"`, tc.name)
			continue
		}
		assert.Equal(t, tc.status, st, tc.name)
		assert.Contains(t, string(body), tc.msg, tc.name)
	}
	e.advance(time.Hour)
	st, body := e.call("POST", "/cnam/list", id, map[string]any{})
	assert.Equal(t, 401, st)
	assert.Contains(t, string(body), "The incoming token has expired")

	st, body = e.call("POST", "/public/apitoken", "", map[string]string{"refreshToken": "bogus"})
	assert.Equal(t, 500, st)
	assert.Contains(t, string(body), "Invalid Refresh Token")
	st, _ = e.call("POST", "/public/apitoken", "", map[string]string{})
	assert.Equal(t, 400, st, "refreshToken is required")

	id, acc := e.login("demo-refresh-br-user")
	st, body = e.call("POST", "/users/resettokens", id, map[string]string{"accessToken": acc})
	require.Equal(t, 200, st, string(body))
	st, _ = e.call("POST", "/public/apitoken", "", map[string]string{"refreshToken": "demo-refresh-br-user"})
	assert.Equal(t, 500, st)

	st, body = e.call("GET", "/nope", id, nil)
	assert.Equal(t, 404, st)
	assert.Contains(t, string(body), "message")
	st, _ = e.call("POST", "/cnam", id, "{not json")
	assert.Equal(t, 400, st)
}

// TestRoleMatrix checks every role against every secure endpoint family.
func TestRoleMatrix(t *testing.T) {
	e := newEnv(t, testSection)
	tok := map[string]string{}
	for who, rt := range map[string]string{"admin": "demo-refresh-admin", "bradmin": "demo-refresh-br-admin", "bruser": "demo-refresh-br-user", "zauser": "demo-refresh-za-user"} {
		tok[who], _ = e.login(rt)
	}
	type call struct {
		method, path string
		body         any
	}
	for _, tc := range []struct {
		name string
		c    call
		want map[string]int
	}{
		{"get ZA record", call{"GET", "/cnam/8009900001", nil}, map[string]int{"admin": 200, "bradmin": 401, "bruser": 401, "zauser": 200}},
		{"list ZA", call{"POST", "/cnam/list", map[string]any{"entityID": "ZA"}}, map[string]int{"admin": 200, "bradmin": 401, "bruser": 401, "zauser": 200}},
		{"list own", call{"POST", "/cnam/list", map[string]any{"Limit": "5"}}, map[string]int{"admin": 200, "bradmin": 200, "bruser": 200, "zauser": 200}},
		{"all users", call{"POST", "/admin/user/list", map[string]any{"enabled": "Y"}}, map[string]int{"admin": 200, "bradmin": 401, "bruser": 401, "zauser": 401}},
		{"BR users", call{"POST", "/admin/user/BR/list", map[string]any{}}, map[string]int{"admin": 200, "bradmin": 200, "bruser": 401, "zauser": 401}},
		{"own users literal", call{"POST", "/admin/user/entity/list", nil}, map[string]int{"admin": 200, "bradmin": 200, "bruser": 401, "zauser": 401}},
		{"global enable", call{"POST", "/admin/user/enable", map[string]any{"email": "off@br.example"}}, map[string]int{"admin": 200, "bradmin": 401, "bruser": 401, "zauser": 401}},
		{"entity demote spelling", call{"POST", "/admin/user/entity/demote", map[string]any{"email": "admin@br.example"}}, map[string]int{"admin": 200, "bradmin": 200, "bruser": 401, "zauser": 401}},
		{"metrics ZA", call{"POST", "/metrics/list/", map[string]any{"entityID": "ZA"}}, map[string]int{"admin": 200, "bradmin": 401, "bruser": 401, "zauser": 200}},
		{"audit BR", call{"POST", "/audit/search/", map[string]any{"entityID": "BR", "Limit": "10"}}, map[string]int{"admin": 200, "bradmin": 200, "bruser": 200, "zauser": 401}},
		{"files ZA", call{"POST", "/bulkfiles/list", map[string]any{"entityID": "ZA", "fileTypes": []string{"CSV"}}}, map[string]int{"admin": 200, "bradmin": 401, "bruser": 401, "zauser": 200}},
		{"upload URL", call{"POST", "/cnam/uploads", map[string]any{"fileName": "a.csv"}}, map[string]int{"admin": 200, "bradmin": 200, "bruser": 200, "zauser": 200}},
		{"export", call{"POST", "/bulkfiles/export", map[string]any{"exportType": "cnamExport"}}, map[string]int{"admin": 200, "bradmin": 200, "bruser": 200, "zauser": 200}},
	} {
		for _, who := range []string{"admin", "bradmin", "bruser", "zauser"} {
			st, body := e.call(tc.c.method, tc.c.path, tok[who], tc.c.body)
			assert.Equal(t, tc.want[who], st, "%s as %s: %s", tc.name, who, body)
			// Undo a demotion so the next role meets the same world.
			if st == 200 && strings.Contains(tc.c.path, "demote") {
				_, err := e.store.UpsertUser(UserSpec{Email: "admin@br.example", Role: "RespOrgAdmin", RespOrgID: "BRSMS"})
				require.NoError(t, err)
			}
		}
	}
}

func TestAPICNAMLifecycle(t *testing.T) {
	e := newEnv(t, testSection)
	id, _ := e.login("demo-refresh-br-user")
	sample := map[string]any{
		"tfn": "8339900238", "cnam": "1-800-GET-CNAMR", "extCnam": "TEST CNAM EXT CNAM",
		"authorizedCallers": map[string]any{"list": []string{"1001234567", "10012345689"},
			"range": []map[string]string{{"begin": "4001231000", "end": "4001232000"}}, "wildcard": []string{"100123456X"}},
		"streetAddress": "123 Main Street", "streetAddress2": "Ste 200", "city": "Dallas", "state": "TX", "zip": "75075",
		"country": "usa", "url": "https://www.test.org", "logo": "https://www.test.org/logo",
	}
	st, body := e.call("POST", "/cnam", id, sample)
	require.Equal(t, 200, st, string(body))
	got := decodeJSON[CNAMEntry](t, body)
	assert.Equal(t, "pending", got.PartnerUpdateStatus)
	assert.Equal(t, "WORKING", got.TfnrStatus)
	assert.Equal(t, testStart.UnixMilli(), got.CreatedDate)
	st, body = e.call("POST", "/cnam", id, sample)
	assert.Equal(t, 400, st)
	assert.Contains(t, string(body), "already exists")

	e.advance(2 * time.Minute)
	st, body = e.call("GET", "/cnam/8339900238", "Bearer "+id, nil)
	require.Equal(t, 200, st)
	assert.Equal(t, "success", decodeJSON[CNAMEntry](t, body).PartnerUpdateStatus)

	st, body = e.call("PUT", "/cnam/8339900238", id, map[string]any{"cnam": "NEW NAME", "status": "active"})
	require.Equal(t, 200, st, string(body))
	got = decodeJSON[CNAMEntry](t, body)
	assert.Equal(t, 1, got.Version)
	assert.Equal(t, "Dallas", got.City, "absent fields are kept")

	st, _ = e.call("DELETE", "/cnam/8339900238", id, nil)
	assert.Equal(t, 200, st)
	st, _ = e.call("GET", "/cnam/8339900238", id, nil)
	assert.Equal(t, 404, st)
}

func TestAPIListPaging(t *testing.T) {
	e := newEnv(t, testSection)
	seedMany(t, e, 1000, "BRSMS", 3000000)
	id, _ := e.login("demo-refresh-br-admin")
	seen := map[string]bool{}
	var lek any
	for pages := 0; pages < 100; pages++ {
		req := map[string]any{"Limit": 100}
		if lek != nil {
			req["LastEvaluatedKey"] = lek
		}
		st, body := e.call("POST", "/cnam/list", id, req)
		require.Equal(t, 200, st, string(body))
		p := decodeJSON[ListPage](t, body)
		for _, it := range p.Items {
			require.False(t, seen[it.TFN])
			seen[it.TFN] = true
		}
		if p.LastEvaluatedKey == nil {
			break
		}
		lek = p.LastEvaluatedKey
	}
	assert.Len(t, seen, 1000)
}

func put(t *testing.T, url, body string) (int, string) {
	req, err := http.NewRequest("PUT", url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func get(t *testing.T, url string) (int, string) {
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAPIBulkRoundTrip(t *testing.T) {
	e := newEnv(t, testSection)
	id, _ := e.login("demo-refresh-br-user")
	st, body := e.call("POST", "/cnam/uploads", id, map[string]string{"fileName": "notes.txt"})
	assert.Equal(t, 400, st, string(body))

	st, body = e.call("POST", "/cnam/uploads", id, map[string]string{"fileName": "batch.csv"})
	require.Equal(t, 200, st)
	up := decodeJSON[uploadResponse](t, body)
	assert.Equal(t, "Success", up.Result)
	require.True(t, strings.HasPrefix(up.PreSignedURL, e.srv.URL+"/uploads/"), up.PreSignedURL)

	code, _ := put(t, strings.Replace(up.PreSignedURL, "X-Amz-Signature=", "X-Amz-Signature=00", 1), "x")
	assert.Equal(t, 403, code, "bad signature")

	csvBody := "action,tfn,cnam,city,authorizedCallersList,authorizedCallersRange\n" +
		"C,8339900238,ACME ONE,Dallas,1001234567;1001234568,4001231000-4001232000\n" +
		",8339900239,ACME TWO,Austin,,\n" +
		"C,8009900002,NOT MINE,,,\n" + // other entity: error
		"C,8339900240,SPARE ONE,,,\n" + // SPARE: error
		"U,8339900238,BAD<>NAME,,,\n" + // validation
		"C,12,SHORT,,,\n" + // validation
		"X,8339900238\n" // wrong field count: rejected
	code, msg := put(t, up.PreSignedURL, csvBody)
	require.Equal(t, 200, code, msg)
	code, msg = put(t, up.PreSignedURL, csvBody)
	assert.Equal(t, 403, code, "a URL takes one upload")
	assert.Contains(t, msg, "<Code>AccessDenied</Code>")

	st, body = e.call("POST", "/bulkfiles/list", id, map[string]any{"fileTypes": []string{"CSV"}})
	require.Equal(t, 200, st)
	files := decodeJSON[FilePage](t, body)
	require.Len(t, files.Items, 1)
	assert.Equal(t, FileUploaded, files.Items[0].Status)
	fileID := files.Items[0].FileID
	assert.Equal(t, "batch_2026_01_05T09_00_00_000Z.csv", fileID)

	e.advance(30 * time.Second)
	f, ok := e.store.File(fileID)
	require.True(t, ok)
	assert.Equal(t, FileCompleted, f.Status)
	assert.Equal(t, 7, f.EntriesReadInFile)
	assert.Equal(t, 2, f.Created)
	assert.Equal(t, 2, f.TotalAccepted)
	assert.Equal(t, 5, f.TotalRejected)
	assert.Equal(t, 2, f.Error)
	assert.Equal(t, 2, f.Validation)
	assert.Equal(t, 1, f.Rejected)
	require.NotEmpty(t, f.RejectedFileID)

	st, body = e.call("GET", "/cnam/8339900238", id, nil)
	require.Equal(t, 200, st)
	rec := decodeJSON[CNAMEntry](t, body)
	assert.Equal(t, []string{"1001234567", "1001234568"}, rec.AuthorizedCallers.List)
	st, body = e.call("POST", "/audit/search", id, map[string]any{"eventType": "File-upload"})
	require.Equal(t, 200, st)
	assert.Equal(t, 2, decodeJSON[AuditPage](t, body).Count)

	// Rejected rows: export, then download within the minute.
	st, body = e.call("POST", "/bulkfiles/export", id, map[string]string{"exportType": "rejected", "fileId": fileID})
	require.Equal(t, 200, st, string(body))
	ex := decodeJSON[exportResponse](t, body)
	code, content := get(t, ex.URL)
	require.Equal(t, 200, code)
	rows, err := csv.NewReader(strings.NewReader(content)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 6)
	assert.Equal(t, "reason", rows[0][len(rows[0])-1])

	// Whole export, edited and uploaded again: a round trip.
	st, body = e.call("POST", "/bulkfiles/export", id, map[string]string{"exportType": "cnamExport"})
	require.Equal(t, 200, st)
	ex = decodeJSON[exportResponse](t, body)
	code, content = get(t, ex.URL)
	require.Equal(t, 200, code)
	rows, err = csv.NewReader(strings.NewReader(content)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 3)
	for _, r := range rows[1:] {
		r[2] = r[2] + " X"
	}
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	require.NoError(t, w.WriteAll(rows))
	st, body = e.call("POST", "/cnam/uploads", id, map[string]string{"fileName": "again.csv"})
	require.Equal(t, 200, st)
	code, msg = put(t, decodeJSON[uploadResponse](t, body).PreSignedURL, sb.String())
	require.Equal(t, 200, code, msg)
	e.advance(30 * time.Second)
	st, body = e.call("GET", "/cnam/8339900239", id, nil)
	require.Equal(t, 200, st)
	assert.Equal(t, "ACME TWO X", decodeJSON[CNAMEntry](t, body).CNAM)

	// Download URLs last one minute.
	st, body = e.call("POST", "/bulkfiles/download", id, map[string]string{"fileId": fileID})
	require.Equal(t, 200, st)
	dl := decodeJSON[downloadResponse](t, body)
	e.advance(time.Minute)
	code, content = get(t, dl.URL)
	assert.Equal(t, 403, code)
	assert.Contains(t, content, "Request has expired")

	// Upload URLs last five minutes.
	st, body = e.call("POST", "/cnam/uploads", id, map[string]string{"fileName": "late.csv"})
	require.Equal(t, 200, st)
	e.advance(5 * time.Minute)
	code, msg = put(t, decodeJSON[uploadResponse](t, body).PreSignedURL, "tfn,cnam\n")
	assert.Equal(t, 403, code)
	assert.Contains(t, msg, "<Message>Request has expired</Message>")

	// A ZA user sees none of it.
	za, _ := e.login("demo-refresh-za-user")
	st, body = e.call("POST", "/bulkfiles/list", za, nil)
	require.Equal(t, 200, st)
	assert.Equal(t, 0, decodeJSON[FilePage](t, body).Count)
	st, _ = e.call("POST", "/bulkfiles/download", za, map[string]string{"fileId": fileID})
	assert.Equal(t, 404, st)

	// Metrics count the files and records per entity.
	st, body = e.call("POST", "/metrics/list", id, map[string]any{})
	require.Equal(t, 200, st)
	m := decodeJSON[MetricsPage](t, body)
	require.Len(t, m.Items, 1)
	assert.Equal(t, "BR", m.Items[0].EntityID)
	assert.Equal(t, 2, m.Items[0].TotalCNAM)
	assert.Equal(t, 2, m.Items[0].Files[FileCSV])
	assert.Equal(t, 1, m.Items[0].Files[FileRejectedCSV])
	assert.Equal(t, 2, m.Items[0].Files[FileExportCSV])
}

// TestReviewFixes pins behaviour a Somos API user relies on: literal
// characters in JSON, isolation that does not leak which numbers have
// records, and audit counts that stay inside the caller's entity.
func TestReviewFixes(t *testing.T) {
	e := newEnv(t, testSection)
	br, _ := e.login("demo-refresh-br-user")
	za, _ := e.login("demo-refresh-za-user")
	admin, _ := e.login("demo-refresh-admin")

	t.Run("presigned URL and CNAM keep & unescaped", func(t *testing.T) {
		st, body := e.call("POST", "/cnam/uploads", br, map[string]string{"fileName": "a.csv"})
		require.Equal(t, 200, st)
		assert.NotContains(t, string(body), `\u0026`)
		assert.Contains(t, string(body), "&X-Amz-Date=")
		st, body = e.call("POST", "/cnam", br, map[string]any{"tfn": "8339900238", "cnam": "AT&T SUPPORT"})
		require.Equal(t, 200, st, string(body))
		assert.Contains(t, string(body), `"cnam": "AT&T SUPPORT"`)
	})

	t.Run("another entity's number is 401 with or without a record", func(t *testing.T) {
		for _, tc := range []struct {
			method, tfn, token string
			want               int
			msg                string
		}{
			{"GET", "8009900002", br, 401, "not authorized to read"},   // ZA, no record
			{"GET", "8009900001", br, 401, "not authorized to read"},   // ZA, record
			{"PUT", "8009900002", br, 401, "not authorized to update"}, // ZA, no record
			{"DELETE", "8009900002", br, 401, "not authorized to delete"},
			{"GET", "8009900002", za, 404, "not found"},
			{"GET", "8009900002", admin, 404, "not found"},
			{"GET", "8339900240", br, 404, "not found"}, // own entity, no record
		} {
			var body any
			if tc.method == "PUT" {
				body = map[string]string{"cnam": "X NAME"}
			}
			st, out := e.call(tc.method, "/cnam/"+tc.tfn, tc.token, body)
			assert.Equal(t, tc.want, st, "%s %s: %s", tc.method, tc.tfn, out)
			assert.Contains(t, string(out), tc.msg, "%s %s", tc.method, tc.tfn)
		}
	})

	t.Run("audit counts only the caller's entity", func(t *testing.T) {
		st, body := e.call("POST", "/audit/search", za, map[string]any{})
		require.Equal(t, 200, st)
		p := decodeJSON[AuditPage](t, body)
		assert.Equal(t, 0, p.Count)
		assert.Equal(t, 0, p.ScannedCount, "BR's events are not scanned for a ZA user")
		st, body = e.call("POST", "/audit/search", br, map[string]any{"eventType": "Update-CNAM"})
		require.Equal(t, 200, st)
		p = decodeJSON[AuditPage](t, body)
		assert.Equal(t, 0, p.Count)
		assert.Equal(t, 1, p.ScannedCount, "the Create-CNAM event was read and filtered out")
	})

	t.Run("Admin on the literal entity paths acts on any user", func(t *testing.T) {
		st, body := e.call("POST", "/admin/user/entity/list", admin, map[string]any{})
		require.Equal(t, 200, st, string(body))
		assert.Len(t, decodeJSON[usersResponse](t, body).Data, 5)
		st, body = e.call("POST", "/admin/user/entity/promote", admin, map[string]any{"email": "user@za.example"})
		require.Equal(t, 200, st, string(body))
		assert.Equal(t, "RespOrgAdmin", decodeJSON[usersResponse](t, body).Data[0].UserRole)
		st, body = e.call("POST", "/admin/user/ZA/demote", admin, map[string]any{"email": "user@za.example"})
		require.Equal(t, 200, st, string(body))
		st, _ = e.call("POST", "/admin/user/BR/demote", admin, map[string]any{"email": "user@za.example"})
		assert.Equal(t, 401, st, "a named entity still scopes an Admin")
	})
}

// TestIncompleteLastEvaluatedKey: a key missing its attributes (such as the
// cnam-shaped key the document's bulkfiles sample sends) is a 400, not a
// silently empty or restarted listing.
func TestIncompleteLastEvaluatedKey(t *testing.T) {
	e := newEnv(t, testSection)
	id, _ := e.login("demo-refresh-admin")
	docSample := `"{\"cnam\": \"1-800-GET-CNAM\", \"tfn\": \"8009900001\", \"entityID\": \"ZA\"}"`
	for _, tc := range []struct {
		path, key string
		want      int
	}{
		{"/cnam/list", docSample, 200},
		{"/cnam/list", `{"cnam":"X"}`, 400},
		{"/bulkfiles/list", docSample, 200},            // the document's own sample: another list's key reads as the first page
		{"/bulkfiles/list", `{"fileId":"a.csv"}`, 400}, // half a key of this list is still refused
		{"/bulkfiles/list", `{"fileId":"a.csv","createdDate":1767603600000,"entityID":"BR"}`, 200},
		{"/audit/search", `{"userName":"user@br.example"}`, 400},
		{"/audit/search", `{"userName":"user@br.example","createdDate":1767603600000}`, 200},
		{"/metrics/list", `{}`, 400},
		{"/metrics/list", `{"entityID":"BR"}`, 200},
	} {
		st, body := e.call("POST", tc.path, id, `{"LastEvaluatedKey":`+tc.key+`}`)
		assert.Equal(t, tc.want, st, "%s %s: %s", tc.path, tc.key, body)
		if tc.want == 400 {
			assert.Contains(t, string(body), "LastEvaluatedKey must be")
		}
	}
}
