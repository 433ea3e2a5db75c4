package reliability

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/journal"
	"github.com/telecomsim/simulator/internal/scenario"
)

type journalEntry struct {
	ID              uint64            `json:"id"`
	Path            string            `json:"path"`
	RequestHeaders  map[string]string `json:"requestHeaders"`
	HeadersCut      bool              `json:"requestHeadersTruncated"`
	RequestBody     string            `json:"requestBody"`
	ResponseBody    string            `json:"responseBody"`
	RequestBodyCut  bool              `json:"requestBodyTruncated"`
	ResponseBodyCut bool              `json:"responseBodyTruncated"`
}

type journalPage struct {
	Entries []journalEntry `json:"entries"`
	Next    uint64         `json:"next"`
}

func (l *live) journal(t *testing.T, tn, query string) journalPage {
	t.Helper()
	st, _, body := l.call(t, "GET", "/t/"+tn+"/__sim/journal?"+query, nil, "")
	require.Equal(t, 200, st, body)
	var p journalPage
	require.NoError(t, json.Unmarshal([]byte(body), &p), body[:min(len(body), 300)])
	return p
}

// Regression: 300 requests with a 1 MB header grew RSS by 450 MB and
// reading the journal took it to 2.4 GB. Entries are now cut (headers and
// bodies, with a marker), the tenant's journal is bounded in bytes, and
// reading it is paged.
func TestJournalIsBoundedInBytes(t *testing.T) {
	l := newLive(t, app.Config{})
	const tn = "ci-job"
	st, _, body := l.call(t, "GET", "/t/"+tn+"/flowroute/v2/numbers", flowrouteAuth, "")
	require.Equal(t, 200, st, body)
	// About 25 KiB is kept of each request: 200 of them are over the 4 MiB
	// a tenant's journal holds by default.
	junk := strings.Repeat("j", 64<<10)
	bigBody := `{"value":"` + strings.Repeat("v", 64<<10) + `"}`
	const n = 200
	for i := range n {
		h := http.Header{"X-Junk": {junk}, "Content-Type": {"application/json"}}
		if i == 0 {
			h.Set("X-Junk", strings.Repeat("J", 900<<10)) // near the server's 1 MiB header limit
		}
		st, _, body := l.call(t, "POST", "/t/"+tn+"/flowroute/v2/cnams", h, bigBody)
		require.Equal(t, 401, st, "request %d: %s", i, body[:min(len(body), 200)])
	}
	w, ok := l.app.Tenants().Lookup(tn)
	require.True(t, ok)
	assert.LessOrEqual(t, w.Journal.Bytes(), scenario.DefaultJournalBytes, "per-tenant bound")

	first := l.journal(t, tn, "limit=10")
	require.Len(t, first.Entries, 10, "a page")
	require.NotZero(t, first.Next, "more pages")
	for _, e := range first.Entries {
		assert.True(t, e.HeadersCut)
		assert.True(t, strings.HasSuffix(e.RequestHeaders["X-Junk"], journal.TruncMark), "a cut header says so")
		assert.LessOrEqual(t, len(e.RequestHeaders["X-Junk"]), scenario.DefaultJournalHeaderLimit+len(journal.TruncMark))
		assert.True(t, e.RequestBodyCut)
		assert.LessOrEqual(t, len(e.RequestBody), scenario.DefaultJournalBodyLimit)
	}
	second := l.journal(t, tn, fmt.Sprintf("limit=10&before=%d", first.Next))
	require.NotEmpty(t, second.Entries)
	assert.Less(t, second.Entries[0].ID, first.Entries[len(first.Entries)-1].ID, "the next page goes on where the last stopped")
	all := l.journal(t, tn, "")
	assert.Less(t, len(all.Entries), n+1, "older entries gave way to the byte bound")
	assert.Equal(t, first.Entries[0].ID, all.Entries[0].ID, "the newest are kept")
}

// Credentials never reach the journal unless --journal-secrets.
func TestJournalRedactsSecrets(t *testing.T) {
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("journal-secrets=%v", keep), func(t *testing.T) {
			l := newLive(t, app.Config{JournalSecrets: keep})
			const tn = "ci-job"
			hdr := http.Header{"Content-Type": {"application/json"}}
			st, _, body := l.call(t, "POST", "/t/"+tn+"/call48/api/v4/login", hdr, `{"user_name":"`+call48User+`","password":"`+call48Pass+`"}`)
			require.Equal(t, 200, st, body)
			var c48 struct {
				Data struct{ Token string } `json:"data"`
			}
			require.NoError(t, json.Unmarshal([]byte(body), &c48))
			require.NotEmpty(t, c48.Data.Token, body)
			st, _, body = l.call(t, "POST", "/t/"+tn+"/somos/public/apitoken", hdr, `{"refreshToken":"`+somosRefresh+`"}`)
			require.Equal(t, 200, st, body)
			var sm struct {
				Data struct {
					AuthenticationResult struct{ IdToken, AccessToken string }
				}
			}
			require.NoError(t, json.Unmarshal([]byte(body), &sm))
			require.NotEmpty(t, sm.Data.AuthenticationResult.IdToken, body)
			st, _, body = l.call(t, "GET", "/t/"+tn+"/flowroute/v2/numbers", flowrouteAuth, "")
			require.Equal(t, 200, st, body)

			p := l.journal(t, tn, "")
			require.Len(t, p.Entries, 3)
			var text strings.Builder
			for _, e := range p.Entries {
				fmt.Fprintf(&text, "%s %v %s %s\n", e.Path, e.RequestHeaders, e.RequestBody, e.ResponseBody)
			}
			secrets := []string{`"password":"` + call48Pass + `"`, somosRefresh, basicAuth(flowrouteKey, flowrouteSecret),
				c48.Data.Token, sm.Data.AuthenticationResult.IdToken, sm.Data.AuthenticationResult.AccessToken}
			for _, s := range secrets {
				if keep {
					assert.Contains(t, text.String(), s)
				} else {
					assert.NotContains(t, text.String(), s)
				}
			}
			if !keep {
				assert.Contains(t, text.String(), "Basic [redacted:", "the scheme stays visible")
				assert.Contains(t, text.String(), `"user_name":"mark"`, "what is not secret stays")
			}
		})
	}
}
