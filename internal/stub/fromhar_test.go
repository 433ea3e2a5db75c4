package stub

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/har"
)

func recorded(method, rawURL string, status int, ct, body string) har.Entry {
	return har.Entry{
		Request:  har.Request{Method: method, URL: rawURL},
		Response: har.Response{Status: status, Headers: []har.NV{{Name: "Content-Type", Value: ct}, {Name: "Content-Length", Value: "9"}, {Name: "Date", Value: "x"}}, Content: har.Content{MimeType: ct, Text: body}},
	}
}

func TestFromHAR(t *testing.T) {
	entries := []har.Entry{
		recorded("GET", "https://api.flowroute.com/v2/numbers/available?starts_with=1206&limit=2", 200, "application/vnd.api+json", `{"data":[{"id":"12065550100","type":"number","did_id":1682136,"cost":1.25}]}`),
		recorded("POST", "https://api.flowroute.com/v2/numbers/12065550100", 201, "application/vnd.api+json", `{"data":{"id":"12065550100"}}`),
		recorded("POST", "https://api.flowroute.com/v2/numbers/12065550100", 409, "application/vnd.api+json", `{"errors":[{"detail":"already yours"}]}`),
		recorded("GET", "https://api.flowroute.com/v2/cnams", 200, "application/vnd.api+json", `{"data":[]}`),
		recorded("GET", "https://api.flowroute.com/v2/odd/{x}", 200, "text/plain", `plain`),
		{Request: har.Request{Method: "GET", URL: "https://api.flowroute.com/v2/down"}},
		recorded("GET", "https://unknown.example.com/x", 200, "", ``),
	}
	locate := func(e har.Entry) (Located, bool) {
		u, _ := url.Parse(e.Request.URL)
		if u.Host != "api.flowroute.com" {
			return Located{}, false
		}
		return Located{Provider: "flowroute", Path: u.Path, Query: u.RawQuery, Emulated: u.Path == "/v2/cnams"}, true
	}
	stubs, notes := FromHAR(entries, locate, false)
	require.Len(t, stubs, 3)
	assert.Len(t, notes, 3)
	assert.Contains(t, strings.Join(notes, "\n"), "emulated by the simulator")

	avail := stubs[0]
	assert.Equal(t, "/v2/numbers/available", avail.Path)
	assert.Equal(t, map[string]string{"starts_with": "1206", "limit": "2"}, avail.Query)
	require.NotNil(t, avail.Response)
	assert.Equal(t, map[string]string{"Content-Type": "application/vnd.api+json"}, avail.Response.Headers)

	buy := stubs[1]
	require.Len(t, buy.Sequence, 2, "the same request answered twice plays back in order")
	assert.Equal(t, 201, buy.Sequence[0].Status)
	assert.Equal(t, 409, buy.Sequence[1].Status)

	odd := stubs[2]
	assert.Equal(t, "/v2/odd/{v3:\\{x\\}}", odd.Path)
	assert.Equal(t, "plain", odd.Response.Body)

	// The stubs load, and answer as recorded.
	s := NewSet(nil)
	require.NoError(t, s.Replace(stubs))
	a, ok := s.Answer(Request{Provider: "flowroute", Method: "GET", Path: "/v2/odd/{x}"})
	require.True(t, ok)
	assert.Equal(t, "plain", string(a.Body))
	q, _ := url.ParseQuery("starts_with=1206&limit=2")
	a, ok = s.Answer(Request{Provider: "flowroute", Method: "GET", Path: "/v2/numbers/available", Query: q})
	require.True(t, ok)
	assert.JSONEq(t, `{"data":[{"id":"12065550100","type":"number","did_id":1682136,"cost":1.25}]}`, string(a.Body))
	assert.Equal(t, int64(1682136), avail.Response.Body.(map[string]any)["data"].([]any)[0].(map[string]any)["did_id"], "whole numbers stay integers in the stub file")

	all, _ := FromHAR(entries, locate, true)
	require.Len(t, all, 4)
	assert.True(t, all[2].Override)
}
