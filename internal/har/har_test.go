package har

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/har/hartest"
)

func exchange() Exchange {
	u, _ := url.Parse("https://api.flowroute.com/v2/numbers/available?starts_with=1206&limit=2&token=abc")
	return Exchange{
		Provider: "flowroute",
		Started:  time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC),
		Duration: 120 * time.Millisecond,
		Method:   "POST",
		URL:      u,
		ReqHeader: http.Header{
			"Authorization":   {"Basic ZGVtbzpzZWNyZXQ="},
			"X-Authorization": {"Bearer eyJabc"},
			"Content-Type":    {"application/json"},
			"Accept":          {"application/json"},
		},
		ReqBody:  []byte(`{"user_name":"mark","password":"hunter2","nested":{"refresh_token":"r1","keep":"yes"},"list":[{"client_secret":"s"}]}`),
		Status:   200,
		RespHead: http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"session=1"}},
		RespBody: []byte(`{"token":"eyJ.payload.sig","expires_in":3600,"user":{"name":"mark"}}`),
	}
}

func TestWriterProducesValidHAR(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rec.har")
	w, err := NewWriter(path, "test", false)
	require.NoError(t, err)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	hartest.Validate(t, b) // an empty recording is a valid file from the start

	require.NoError(t, w.Add(NewEntry(exchange())))
	failed := exchange()
	failed.Err = errors.New("dial tcp: connection refused")
	failed.Status, failed.RespHead, failed.RespBody = 0, http.Header{}, nil
	require.NoError(t, w.Add(NewEntry(failed)))
	assert.Equal(t, 2, w.Len())

	b, err = os.ReadFile(path)
	require.NoError(t, err)
	hartest.Validate(t, b)
	f, err := Parse(b)
	require.NoError(t, err)
	require.Len(t, f.Log.Entries, 2)
	e := f.Log.Entries[0]
	assert.Equal(t, "1.2", f.Log.Version)
	assert.Equal(t, "flowroute", e.Provider)
	assert.Equal(t, "2026-01-05T09:00:00.000Z", e.StartedDateTime)
	assert.InDelta(t, 120, e.Time, 0.001)
	assert.Equal(t, "application/json", e.Response.Content.MimeType)
	assert.Equal(t, 0, f.Log.Entries[1].Response.Status)
	assert.Contains(t, f.Log.Entries[1].Error, "connection refused")
	entries, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".rec.har.*"))
	assert.Empty(t, entries, "no temporary files left behind")
}

func TestSchemaRejectsBrokenHAR(t *testing.T) {
	good, err := json.Marshal(File{Log: Log{Version: "1.2", Creator: Creator{Name: "x", Version: "1"}, Entries: []Entry{NewEntry(exchange())}}})
	require.NoError(t, err)
	require.NoError(t, hartest.Check(good))
	for name, mutate := range map[string]func(m map[string]any){
		"no version":     func(m map[string]any) { delete(m["log"].(map[string]any), "version") },
		"wrong version":  func(m map[string]any) { m["log"].(map[string]any)["version"] = "1.1" },
		"no timings":     func(m map[string]any) { entry(m)["timings"] = nil },
		"headers as map": func(m map[string]any) { entry(m)["request"].(map[string]any)["headers"] = map[string]any{"a": "b"} },
		"unknown field":  func(m map[string]any) { entry(m)["surprise"] = 1 },
	} {
		t.Run(name, func(t *testing.T) {
			var m map[string]any
			require.NoError(t, json.Unmarshal(good, &m))
			mutate(m)
			b, _ := json.Marshal(m)
			assert.Error(t, hartest.Check(b))
		})
	}
}

func entry(m map[string]any) map[string]any {
	return m["log"].(map[string]any)["entries"].([]any)[0].(map[string]any)
}

func TestRedaction(t *testing.T) {
	x := exchange()
	x.ReqHeader.Set("X-Authorization", "Bearer eyJ.payload.sig") // the token the answer below issues
	r := NewRedactor()
	e := r.Entry(NewEntry(x))
	h := e.Request.Header()
	// Numbered in the order met: headers (sorted), query, request body, answer.
	assert.Equal(t, "Basic REDACTED-1", h.Get("Authorization"), "the scheme stays, so a replay knows what to put back")
	assert.Equal(t, "Bearer REDACTED-2", h.Get("X-Authorization"))
	assert.Equal(t, "application/json", h.Get("Accept"))
	assert.Regexp(t, `^REDACTED-\d+$`, e.Response.Header().Get("Set-Cookie"))
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(e.Request.Body()), &body))
	assert.Equal(t, "mark", body["user_name"])
	assert.Regexp(t, `^REDACTED-\d+$`, body["password"])
	assert.Regexp(t, `^REDACTED-\d+$`, body["nested"].(map[string]any)["refresh_token"])
	assert.Equal(t, "yes", body["nested"].(map[string]any)["keep"])
	assert.JSONEq(t, `{"token":"REDACTED-2","expires_in":3600,"user":{"name":"mark"}}`, e.Response.Content.Text,
		"the token issued here is the one sent above: the same placeholder")
	assert.NotContains(t, e.Request.URL, "abc")
	assert.Contains(t, e.Request.URL, "starts_with=1206")
	for _, nv := range e.Request.QueryString {
		if nv.Name == "token" {
			assert.Regexp(t, `^REDACTED-\d+$`, nv.Value)
		}
	}
	// A numeric secret stays a number (the shape conform compares).
	num := NewEntry(exchange())
	num.Request.PostData = &PostData{MimeType: "application/json", Text: `{"pin_token":1234,"count":3,"secret_ok":true}`}
	assert.JSONEq(t, `{"pin_token":0,"count":3,"secret_ok":true}`, Redact(num).Request.Body())

	// Across entries, one redactor keeps its numbering.
	again := r.Entry(NewEntry(x))
	assert.Equal(t, "Basic REDACTED-1", again.Request.Header().Get("Authorization"))

	form := NewEntry(exchange())
	form.Request.PostData = &PostData{MimeType: "application/x-www-form-urlencoded", Text: "grant_type=authorization_code&code=x&client_secret=s3"}
	assert.Regexp(t, `^client_secret=REDACTED-\d+&code=x&grant_type=authorization_code$`, Redact(form).Request.Body())

	// The original is untouched: the writer redacts a copy.
	orig := NewEntry(exchange())
	_ = Redact(orig)
	assert.Contains(t, orig.Request.Body(), "hunter2")
}

func TestWriterKeepsSecretsWhenAsked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rec.har")
	w, err := NewWriter(path, "test", true)
	require.NoError(t, err)
	require.NoError(t, w.Add(NewEntry(exchange())))
	f, err := Read(path)
	require.NoError(t, err)
	assert.Contains(t, f.Log.Entries[0].Request.Body(), "hunter2")
}

func TestWriterBound(t *testing.T) {
	w, err := NewWriter(filepath.Join(t.TempDir(), "rec.har"), "test", false)
	require.NoError(t, err)
	w.MaxBytes = 300
	require.NoError(t, w.Add(NewEntry(exchange())))
	assert.ErrorIs(t, w.Add(NewEntry(exchange())), ErrFull)
	assert.NoError(t, w.Add(NewEntry(exchange())), "reported once")
	assert.Equal(t, 1, w.Len())
}

func TestParseRejects(t *testing.T) {
	for _, doc := range []string{`nope`, `{"log":{}}`, `{"log":{"version":"1.2","entries":[{"request":{"url":"x"}}]}}`} {
		_, err := Parse([]byte(doc))
		assert.Error(t, err, doc)
	}
	_, err := NewWriter(filepath.Join(t.TempDir(), "missing", "rec.har"), "t", false)
	assert.Error(t, err)
}

// The file is what json.MarshalIndent writes for the whole recording,
// whatever the number of entries, though each entry is encoded once.
func TestWriterFileIsTheIndentedDocument(t *testing.T) {
	for _, keep := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "rec.har")
		w, err := NewWriter(path, "test", keep)
		require.NoError(t, err)
		for i := 0; i < 3; i++ {
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			f, err := Parse(b)
			require.NoError(t, err)
			require.Len(t, f.Log.Entries, i)
			want, err := json.MarshalIndent(f, "", "  ")
			require.NoError(t, err)
			assert.Equal(t, string(want)+"\n", string(b), "after %d entries", i)
			require.NoError(t, w.Add(NewEntry(exchange())))
		}
	}
}
