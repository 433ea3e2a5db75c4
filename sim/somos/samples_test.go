package somos

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The document's request samples are accepted as it writes them, once the
// tokens and ids are real.
func TestDocumentSamplesAreAccepted(t *testing.T) {
	e := newEnv(t, testSection)
	id, _ := e.login("demo-refresh-admin")
	cases := []struct {
		name, path string
		body       map[string]any
	}{
		// tfn is a filter: "1234567890" is no toll-free number, so nothing
		// matches (it was a 400).
		{"audit search", "/audit/search", map[string]any{"entityID": "ZA", "Limit": "10", "user": "user@example.com", "eventType": "Create-CNAM", "tfn": "1234567890"}},
		// The document's sample itself: a string holding a CNAM list's key.
		{"files list as the document writes it", "/bulkfiles/list", map[string]any{"LastEvaluatedKey": `{"cnam":"1-800-GET-CNAM","tfn":"8009900001","entityID":"ZA"}`, "fileTypes": []string{"CSV"}, "entityID": "ZA"}},
		// LastEvaluatedKey as a string holding the key's JSON.
		{"files list with a string key", "/bulkfiles/list", map[string]any{"LastEvaluatedKey": `{"fileId":"f-1","createdDate":1553641620931,"entityID":"ZA"}`, "fileTypes": []string{"CSV"}, "entityID": "ZA"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, body := e.call(http.MethodPost, c.path, id, c.body)
			require.Equal(t, http.StatusOK, st, string(body))
			page := decodeJSON[struct {
				Items []map[string]any `json:"Items"`
				Count int              `json:"Count"`
			}](t, body)
			assert.Equal(t, len(page.Items), page.Count)
		})
	}
}
