package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/sim/simtest"
)

type storyItem struct {
	Seq         uint64            `json:"seq"`
	Time        time.Time         `json:"time"`
	Kind        string            `json:"kind"`
	Provider    string            `json:"provider"`
	Summary     string            `json:"summary"`
	Numbers     []string          `json:"numbers"`
	Detail      map[string]string `json:"detail"`
	JournalID   uint64            `json:"journalId"`
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	Status      int               `json:"status"`
	Flow        uint64            `json:"flow"`
	FollowsFrom uint64            `json:"followsFrom"`
	Via         string            `json:"via"`
}

type storyDoc struct {
	Items []storyItem `json:"items"`
	Flows []struct {
		ID    uint64   `json:"id"`
		Title string   `json:"title"`
		Calls []uint64 `json:"calls"`
	} `json:"flows"`
}

func sendJSON(t *testing.T, srv *simtest.Server, name, method, url, body string, auth func(*http.Request)) []byte {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	auth(req)
	resp, b := srv.Do(t, name, req)
	require.Less(t, resp.StatusCode, 300, string(b))
	return b
}

// The timeline tells what happened in clock order, API calls and the rest
// together, and ties calls into flows where one used what another gave.
func TestTimelineOrdersCallsAndLinksFlows(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	basic := func(r *http.Request) { r.SetBasicAuth("demo-access-key", "demo-secret-key") }

	// Flowroute: create a record, then read it by the id the answer gave.
	id := createCNAM(t, srv, "STORY LABS")
	sendJSON(t, srv, "flowroute", http.MethodGet, srv.URL("flowroute")+"/cnams/"+id, "", basic)
	// An unrelated call starts a flow of its own.
	sendJSON(t, srv, "flowroute", http.MethodGet, srv.URL("flowroute")+"/numbers", "", basic)

	// Somos: a token, then a call made with it.
	tok := srv.SomosIDToken(t, "demo-refresh-admin")
	sendJSON(t, srv, "somos", http.MethodGet, srv.URL("somos")+"/cnam/8009900001", "", func(r *http.Request) { r.Header.Set("Authorization", tok) })

	srv.Advance(5 * time.Hour)

	var doc storyDoc
	srv.Control(http.MethodGet, "/timeline", nil, http.StatusOK, &doc)
	var kinds []string
	for _, it := range doc.Items {
		kinds = append(kinds, it.Kind+" "+it.Method+" "+it.Path)
	}
	// In the order it happened, though the frozen clock gives the calls one time.
	want := []string{
		"tenant  ", // simtest resets the tenant into a frozen clock
		"api POST /v2/cnams", "api GET /v2/cnams/" + id, "api GET /v2/numbers",
		"api POST /public/apitoken", "api GET /cnam/8009900001", "clock  ",
	}
	require.GreaterOrEqual(t, len(kinds), len(want), kinds)
	assert.Equal(t, want, kinds[:len(want)])
	for i := 1; i < len(doc.Items); i++ {
		assert.Less(t, doc.Items[i-1].Seq, doc.Items[i].Seq)
		assert.False(t, doc.Items[i].Time.Before(doc.Items[i-1].Time), "clock order")
	}

	create, get, numbers, token, cnam, clk := doc.Items[1], doc.Items[2], doc.Items[3], doc.Items[4], doc.Items[5], doc.Items[6]
	assert.Equal(t, create.JournalID, get.FollowsFrom, "the GET used the id the POST gave")
	assert.Equal(t, id, get.Via)
	assert.Equal(t, create.JournalID, get.Flow)
	assert.Zero(t, numbers.Flow, "a call alone is no flow")
	assert.Equal(t, token.JournalID, cnam.FollowsFrom, "the call used the token")
	assert.Equal(t, []string{"8009900001"}, cnam.Numbers)
	assert.Contains(t, clk.Summary, "advanced by 5h")
	assert.Equal(t, "2026-01-05T14:00:00Z", clk.Detail["to"])

	// What the advance caused comes after it: the scenario's event approving
	// ACME WIDGETS at +3h, then the new record's approval at +4h.
	var after []string
	for _, it := range doc.Items[7:] {
		if it.Provider == "flowroute" { // the scenario has events for other providers too
			after = append(after, it.Kind+" "+it.Provider+" "+it.Summary)
		}
	}
	assert.Equal(t, []string{
		"event flowroute scenario event: approve id=17607",
		`lifecycle flowroute CNAM record 17607 "ACME WIDGETS" approved at once`,
		`lifecycle flowroute CNAM record ` + id + ` "STORY LABS" approved after the approval delay`,
	}, after)

	require.Len(t, doc.Flows, 2, "%+v", doc.Flows)
	assert.Equal(t, []uint64{create.JournalID, get.JournalID}, doc.Flows[0].Calls)
	assert.Equal(t, "flowroute: POST /v2/cnams → GET /cnams/"+id, doc.Flows[0].Title)
	assert.Equal(t, []uint64{token.JournalID, cnam.JournalID}, doc.Flows[1].Calls)

	// ?number= keeps what concerns one number, in any spelling.
	var only storyDoc
	srv.Control(http.MethodGet, "/timeline?number=%2B1-800-990-0001", nil, http.StatusOK, &only)
	require.NotEmpty(t, only.Items)
	for _, it := range only.Items {
		assert.Contains(t, it.Path+it.Summary, "8009900001")
	}
}

// A number's life joins every provider that holds it.
func TestNumberLifeAcrossProviders(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	var life struct {
		Number    string `json:"number"`
		Providers []struct {
			Provider string `json:"provider"`
			Records  []struct {
				Path   string         `json:"path"`
				Field  string         `json:"field"`
				Status string         `json:"status"`
				Record map[string]any `json:"record"`
			} `json:"records"`
		} `json:"providers"`
		Timeline []storyItem `json:"timeline"`
	}
	srv.Control(http.MethodGet, "/numbers/1-800-990-0001", nil, http.StatusOK, &life)
	assert.Equal(t, "8009900001", life.Number)
	got := map[string]bool{}
	for _, p := range life.Providers {
		got[p.Provider] = true
		require.NotEmpty(t, p.Records)
		for _, r := range p.Records {
			assert.NotEmpty(t, r.Field)
			assert.NotNil(t, r.Record)
		}
	}
	assert.True(t, got["tnregistry"], "the registry holds the number: %v", got)
	assert.True(t, got["somos"], "TFN Identity holds its CNAM: %v", got)
	assert.True(t, got["flowroute"], "the Flowroute account holds the number: %v", got)

	// A text query finds a CNAM value.
	var byText struct {
		Providers []struct {
			Provider string `json:"provider"`
		} `json:"providers"`
	}
	srv.Control(http.MethodGet, "/numbers/test,%20maria", nil, http.StatusOK, &byText)
	require.NotEmpty(t, byText.Providers)
	assert.Equal(t, "flowroute", byText.Providers[0].Provider)

	srv.Control(http.MethodGet, "/numbers/ab", nil, http.StatusBadRequest, nil)
}

// A token's expiry shows on the timeline at the time it happened, once the
// clock has passed it.
func TestTimelineTokenExpiry(t *testing.T) {
	t.Parallel()
	srv := simtest.New(t, simtest.Frozen(time.Time{}))
	srv.Call48Token(t, "mark", "password")
	srv.Advance(2 * time.Hour)

	var doc storyDoc
	srv.Control(http.MethodGet, "/timeline", nil, http.StatusOK, &doc)
	var login *storyItem
	for i, it := range doc.Items {
		if it.Kind == "lifecycle" && it.Provider == "call48" && strings.HasPrefix(it.Summary, "mark logged in") {
			login = &doc.Items[i]
		}
		assert.False(t, strings.HasPrefix(it.Summary, "expired:"), "nothing has expired yet: %s", it.Summary)
	}
	require.NotNil(t, login, "the login is on the timeline")
	exp := login.Detail["expires"]
	assert.Equal(t, "2026-01-06T09:00:00Z", exp, "a Call48 token lives 24 hours")

	srv.Advance(23 * time.Hour)
	srv.Control(http.MethodGet, "/timeline", nil, http.StatusOK, &doc)
	var kinds []string
	for i, it := range doc.Items {
		kinds = append(kinds, it.Kind+" "+it.Summary)
		if i > 0 {
			assert.LessOrEqual(t, doc.Items[i-1].Seq, it.Seq)
			assert.False(t, it.Time.Before(doc.Items[i-1].Time), "clock order at %d: %v", i, kinds)
		}
	}
	var expired []storyItem
	for _, it := range doc.Items {
		if strings.HasPrefix(it.Summary, "expired: mark logged in") {
			expired = append(expired, it)
		}
	}
	require.Len(t, expired, 1, "%v", kinds)
	assert.Equal(t, exp, expired[0].Time.UTC().Format(time.RFC3339))
}
