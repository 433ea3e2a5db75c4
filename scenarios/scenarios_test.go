package scenarios_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/sim/simtest"
)

var start = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func files(t *testing.T) []string {
	t.Helper()
	fs, err := filepath.Glob("*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, fs)
	return fs
}

func newApp(t *testing.T, sc *scenario.Scenario) *app.App {
	t.Helper()
	if sc == nil {
		data, err := os.ReadFile("default.yaml")
		require.NoError(t, err)
		sc, err = scenario.Parse("default.yaml", data, app.ProviderNames(app.Providers()), nil)
		require.NoError(t, err)
	}
	a, err := app.New(app.Config{Scenario: sc})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	return a
}

// TestEveryScenarioLoads parses every file through the real app (as
// simulator validate does), builds a tenant from it, and checks that it
// starts with a header comment naming it.
func TestEveryScenarioLoads(t *testing.T) {
	t.Parallel()
	checker := newApp(t, nil)
	for _, f := range files(t) {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			sc, err := checker.ParseScenario(f, data, nil)
			require.NoError(t, err)
			a := newApp(t, sc)
			require.NoError(t, a.Check(), "a tenant can be built")

			name := strings.TrimSuffix(f, ".yaml")
			assert.True(t, strings.HasPrefix(string(data), "# "+name+":") || strings.HasPrefix(string(data), "# The "+name+" scenario"),
				"%s starts with a header comment saying what it is for", f)
			assert.Equal(t, name, sc.Name, "the name: matches the file name")

			// Files without include: are self-contained, so they can be sent
			// to PUT /__sim/scenario.
			if !strings.Contains(string(data), "\ninclude:") {
				_, err := a.LoadTenantScenario("put-check", f, data)
				assert.NoError(t, err)
			}
		})
	}
}

func load(t *testing.T, file string, opts ...simtest.Option) *simtest.Server {
	t.Helper()
	return simtest.New(t, append([]simtest.Option{simtest.ScenarioFile(file)}, opts...)...)
}

func send(t *testing.T, srv *simtest.Server, method, url string, header map[string]string, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, data
}

func basic(user, pass string) map[string]string {
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(user, pass)
	return map[string]string{"Authorization": req.Header.Get("Authorization")}
}

func clockMode(t *testing.T, srv *simtest.Server) string {
	var c struct {
		Mode string `json:"mode"`
	}
	srv.Control("GET", "/clock", nil, http.StatusOK, &c)
	return c.Mode
}

func somosLogin(t *testing.T, srv *simtest.Server, refresh string) (int, string, int) {
	t.Helper()
	status, body := send(t, srv, "POST", srv.URL("somos")+"/public/apitoken", nil, `{"refreshToken":"`+refresh+`"}`)
	var out struct {
		Data struct {
			AuthenticationResult struct {
				IdToken   string
				ExpiresIn int
			}
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &out)
	return status, out.Data.AuthenticationResult.IdToken, out.Data.AuthenticationResult.ExpiresIn
}

func call48Login(t *testing.T, srv *simtest.Server, user, pass string) string {
	t.Helper()
	status, body := send(t, srv, "POST", srv.URL("call48")+"/login", nil, `{"user_name":"`+user+`","password":"`+pass+`"}`)
	require.Equal(t, http.StatusOK, status, string(body))
	var out struct {
		Code int `json:"code"`
		Data struct {
			Token string `json:"token"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(body, &out), string(body))
	require.Equal(t, 200, out.Code, string(body))
	return out.Data.Token
}

// call48 sends an authenticated Call48 request and returns the body's code
// and data.
func call48(t *testing.T, srv *simtest.Server, token, method, path, body string) (int, json.RawMessage) {
	t.Helper()
	_, data := send(t, srv, method, srv.URL("call48")+path, map[string]string{"Authorization": token}, body)
	var out struct {
		Code int             `json:"code"`
		Data json.RawMessage `json:"data"`
	}
	require.NoError(t, json.Unmarshal(data, &out), string(data))
	return out.Code, out.Data
}

func TestDefaultPopulatesEveryProvider(t *testing.T) {
	t.Parallel()
	srv := load(t, "default.yaml", simtest.Frozen(time.Time{}))
	status, body := send(t, srv, "GET", srv.URL("flowroute")+"/numbers?limit=200", basic("demo-access-key", "demo-secret-key"), "")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), "12065550100")

	var nums struct{ Total int }
	srv.Control("GET", "/tnregistry/numbers", nil, http.StatusOK, &nums)
	assert.Equal(t, 74, nums.Total, "14 listed and 60 generated numbers")

	status, _, _ = somosLogin(t, srv, "demo-refresh-br-user")
	assert.Equal(t, http.StatusOK, status)
	call48Login(t, srv, "mark", "password")
	var accounts struct {
		Users []struct{ Login string } `json:"users"`
	}
	srv.Control("GET", "/tmobile/accounts", nil, http.StatusOK, &accounts)
	assert.Len(t, accounts.Users, 2)

	// the scheduled UNS-SNA reaches the built-in inbox five minutes in
	var inbox struct {
		Messages []json.RawMessage `json:"messages"`
	}
	srv.Control("GET", "/inbox/demo", nil, http.StatusOK, &inbox)
	require.Empty(t, inbox.Messages)
	srv.Advance(5 * time.Minute)
	srv.Control("GET", "/inbox/demo", nil, http.StatusOK, &inbox)
	assert.Len(t, inbox.Messages, 1)

	// the timeline: six events, run as the clock reaches them
	var evs struct {
		Events []struct{ Status string } `json:"events"`
	}
	srv.Control("GET", "/events?status=pending", nil, http.StatusOK, &evs)
	assert.Len(t, evs.Events, 6)
	srv.Advance(3 * time.Hour)
	srv.Control("GET", "/events?status=done", nil, http.StatusOK, &evs)
	assert.Len(t, evs.Events, 6)
	srv.Control("GET", "/inbox/demo", nil, http.StatusOK, &inbox)
	found := false
	for _, m := range inbox.Messages {
		found = found || strings.Contains(string(m), `"uns-sna"`) && strings.Contains(string(m), `"tfNum": "800-990-0001"`)
	}
	assert.True(t, found, "the +1h change reached the inbox")
	_, body = send(t, srv, "GET", srv.URL("flowroute")+"/cnams/17607", basic("demo-access-key", "demo-secret-key"), "")
	assert.Contains(t, string(body), `"is_approved":true`, "ACME WIDGETS approved at +3h")

}

func TestCIMinimalIsSmallAndFrozen(t *testing.T) {
	t.Parallel()
	srv := load(t, "ci-minimal.yaml")
	assert.Equal(t, "frozen", clockMode(t, srv))
	assert.Equal(t, start, srv.Now())

	status, body := send(t, srv, "GET", srv.URL("flowroute")+"/numbers", basic("ci-access-key", "ci-secret-key"), "")
	require.Equal(t, http.StatusOK, status, string(body))
	var fr struct {
		Data []json.RawMessage `json:"data"`
	}
	require.NoError(t, json.Unmarshal(body, &fr))
	assert.Len(t, fr.Data, 2)
	status, _ = send(t, srv, "GET", srv.URL("flowroute")+"/numbers", basic("demo-access-key", "demo-secret-key"), "")
	assert.Equal(t, http.StatusUnauthorized, status, "only the scenario's credentials exist")

	var nums struct{ Total int }
	srv.Control("GET", "/tnregistry/numbers", nil, http.StatusOK, &nums)
	assert.Equal(t, 2, nums.Total)

	// a CNAM record created now is decided after one 10-minute advance
	status, body = send(t, srv, "POST", srv.URL("flowroute")+"/cnams", basic("ci-access-key", "ci-secret-key"), `{"value":"CI NEW CO"}`)
	require.Equal(t, http.StatusCreated, status, string(body))
	var created struct {
		Data struct{ ID string } `json:"data"`
	}
	require.NoError(t, json.Unmarshal(body, &created))
	srv.Advance(10 * time.Minute)
	_, body = send(t, srv, "GET", srv.URL("flowroute")+"/cnams/"+created.Data.ID, basic("ci-access-key", "ci-secret-key"), "")
	assert.Contains(t, string(body), `"is_approved":true`)

	tok := call48Login(t, srv, "ci", "ci-password")
	code, data := call48(t, srv, tok, "GET", "/dids?type=local&page=1&max=50", "")
	require.Equal(t, 200, code)
	var dids []json.RawMessage
	require.NoError(t, json.Unmarshal(data, &dids))
	assert.Len(t, dids, 2)
}

func TestTokenExpiryTokensDieQuickly(t *testing.T) {
	t.Parallel()
	srv := load(t, "token-expiry.yaml", simtest.Frozen(time.Time{}))

	// Somos: the IdToken lives 2 minutes, the refresh token 15.
	status, id, expiresIn := somosLogin(t, srv, "expiry-refresh")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, 120, expiresIn)
	get := func() int {
		status, _ := send(t, srv, "GET", srv.URL("somos")+"/cnam/8005550100", map[string]string{"Authorization": "Bearer " + id}, "")
		return status
	}
	assert.NotEqual(t, http.StatusUnauthorized, get())
	srv.Advance(2 * time.Minute)
	assert.Equal(t, http.StatusUnauthorized, get(), "the IdToken expired after 2 minutes")
	status, id, _ = somosLogin(t, srv, "expiry-refresh")
	require.Equal(t, http.StatusOK, status, "the refresh token still works")
	assert.NotEqual(t, http.StatusUnauthorized, get())
	srv.Advance(13 * time.Minute)
	status, _, _ = somosLogin(t, srv, "expiry-refresh")
	assert.Equal(t, http.StatusInternalServerError, status, "the refresh token expired after 15 minutes")

	// Call48: the login token lives 5 minutes.
	tok := call48Login(t, srv, "expiry", "expiry-password")
	code, _ := call48(t, srv, tok, "GET", "/dids?type=local&page=1&max=10", "")
	assert.Equal(t, 200, code)
	srv.Advance(5 * time.Minute)
	code, _ = call48(t, srv, tok, "GET", "/dids?type=local&page=1&max=10", "")
	assert.Equal(t, 401, code, "the Call48 token expired after 5 minutes")
}

func TestChaosSameSeedSameFaults(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("chaos.yaml")
	require.NoError(t, err)
	srv := load(t, "chaos.yaml")
	run := func() []int {
		srv.Control("PUT", "/scenario", data, http.StatusOK, nil)
		var out []int
		for i := 0; i < 40; i++ {
			status, _ := send(t, srv, "GET", srv.URL("flowroute")+"/cnams", basic("chaos-access-key", "chaos-secret-key"), "")
			out = append(out, status)
		}
		return out
	}
	first := run()
	assert.Contains(t, first, http.StatusServiceUnavailable, "some requests fail")
	assert.Contains(t, first, http.StatusOK, "some requests succeed")
	failed := 0
	for _, s := range first {
		if s == http.StatusServiceUnavailable {
			failed++
		}
	}
	assert.Len(t, srv.Journal(simtest.Filter{Provider: "flowroute", Status: 503}), failed, "every fired fault is in the journal")
	assert.Equal(t, first, run(), "the same seed and the same requests give the same faults")

	var faults struct {
		Faults []struct {
			ID    string `json:"id"`
			Stats struct {
				Matches, Fired int
			} `json:"stats"`
		} `json:"faults"`
	}
	srv.Control("GET", "/faults", nil, http.StatusOK, &faults)
	providers := map[string]bool{}
	for _, f := range faults.Faults {
		providers[strings.SplitN(f.ID, "-", 2)[0]] = true
		if f.ID == "flowroute-list-503" {
			assert.Equal(t, 40, f.Stats.Matches)
			assert.Equal(t, failed, f.Stats.Fired)
		}
	}
	assert.Equal(t, map[string]bool{"flowroute": true, "somos": true, "call48": true, "tmobile": true}, providers)

	// a 429 with Retry-After, from Somos
	status, id, _ := somosLogin(t, srv, "chaos-refresh")
	require.Equal(t, http.StatusOK, status, "the first login never fails (after: 1)")
	throttled := false
	for i := 0; i < 30 && !throttled; i++ {
		req, _ := http.NewRequest("POST", srv.URL("somos")+"/cnam", strings.NewReader(`{"tfn":"8005550100","cnam":"CHAOS"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+id)
		resp, err := srv.Client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			throttled = true
			assert.Equal(t, "30", resp.Header.Get("Retry-After"))
		}
	}
	assert.True(t, throttled, "one create in five is throttled")
}

func TestPortInRejectionsEndRejected(t *testing.T) {
	t.Parallel()
	srv := load(t, "port-in-rejections.yaml")
	tok := call48Login(t, srv, "porter", "porter-password")
	rejections := func() (int, string) {
		code, data := call48(t, srv, tok, "POST", "/port-in/view-rejection-list", `{"page":"1","limit":"10"}`)
		require.Equal(t, 200, code, string(data))
		var out struct {
			Result struct {
				TotalRecords int               `json:"totalRecords"`
				Result       []json.RawMessage `json:"result"`
			} `json:"result"`
		}
		require.NoError(t, json.Unmarshal(data, &out), string(data))
		all := ""
		for _, r := range out.Result.Result {
			all += string(r)
		}
		return out.Result.TotalRecords, all
	}
	n, _ := rejections()
	assert.Equal(t, 0, n, "nothing is rejected before review")

	srv.Advance(30 * time.Minute)
	n, rows := rejections()
	assert.Equal(t, 2, n)
	assert.Contains(t, rows, "ACCN : Incorrect Account Number")
	assert.Contains(t, rows, "ADDR : Service address does not match")

	code, data := call48(t, srv, tok, "POST", "/port-in/view-list", `{"page":"1","limit":"10"}`)
	require.Equal(t, 200, code)
	var list struct {
		Result []struct {
			ID        int `json:"port_req_id"`
			Proposals []struct {
				Status string `json:"port_req_status"`
				Reason string `json:"failure_reason"`
			} `json:"port_proposals"`
		} `json:"result"`
	}
	require.NoError(t, json.Unmarshal(data, &list), string(data))
	statuses := map[int]string{}
	for _, r := range list.Result {
		require.Len(t, r.Proposals, 1)
		statuses[r.ID] = r.Proposals[0].Status
	}
	assert.Equal(t, map[int]string{256: "retry", 257: "retry", 258: "reviewed"}, statuses,
		"the two ports holding a listed number are rejected, the third is reviewed")
	srv.Advance(4 * time.Hour)
	n, _ = rejections()
	assert.Equal(t, 2, n, "rejected ports stay rejected until resubmitted")
	code, data = call48(t, srv, tok, "POST", "/port-in/view-foc-list", `{"page":"1","limit":"10"}`)
	require.Equal(t, 200, code)
	assert.Contains(t, string(data), "7015550180", "the port without a rejection got its FOC")
	assert.NotContains(t, string(data), "3125550143")
}

type callback struct {
	ID       string            `json:"id"`
	Status   string            `json:"status"`
	Replays  int               `json:"replays"`
	Labels   map[string]string `json:"labels"`
	Attempts []struct {
		N int `json:"n"`
	} `json:"attempts"`
	Target struct {
		URL string `json:"url"`
	} `json:"target"`
}

func callbacks(t *testing.T, srv *simtest.Server, status string) []callback {
	t.Helper()
	var out struct {
		Callbacks []callback `json:"callbacks"`
	}
	srv.Control("GET", "/callbacks?status="+status, nil, http.StatusOK, &out)
	return out.Callbacks
}

// settle moves the clock a minute at a time (each step lets the failed
// attempts of the step finish) until no callback is pending.
func settle(t *testing.T, srv *simtest.Server) {
	t.Helper()
	for i := 0; i < 120 && len(callbacks(t, srv, "pending")) > 0; i++ {
		srv.Advance(time.Minute)
	}
	require.Empty(t, callbacks(t, srv, "pending"), "deliveries settle within two hours")
}

func TestCallbackReceiverDownDeliveriesEndDead(t *testing.T) {
	t.Parallel()
	srv := load(t, "callback-receiver-down.yaml")
	srv.Advance(5 * time.Minute)
	pending := callbacks(t, srv, "pending")
	require.Len(t, pending, 1, "the +5m change queued one UNS-SNA")
	assert.Len(t, pending[0].Attempts, 1, "the first attempt failed, a retry is scheduled")

	srv.Advance(16 * time.Minute) // past the +20m change
	settle(t, srv)
	dead := callbacks(t, srv, "dead")
	require.Len(t, dead, 3)
	for _, d := range dead {
		assert.Len(t, d.Attempts, 4, d.ID)
		assert.True(t, strings.HasPrefix(d.Target.URL, "http://127.0.0.1:9/v3/ext/uns/"), d.Target.URL)
	}

	var replayed callback
	srv.Control("POST", "/callbacks/"+dead[0].ID+"/replay", nil, http.StatusAccepted, &replayed)
	assert.Equal(t, "pending", replayed.Status)
	assert.Equal(t, 1, replayed.Replays)
	srv.Control("POST", "/callbacks/"+dead[0].ID+"/replay", nil, http.StatusConflict, nil)
	settle(t, srv)
	dead = callbacks(t, srv, "dead")
	require.Len(t, dead, 3, "the receiver is still down: the replay ends dead too")
	var again callback
	srv.Control("GET", "/callbacks/"+replayed.ID, nil, http.StatusOK, &again)
	assert.Equal(t, "dead", again.Status)
	assert.Len(t, again.Attempts, 8, "a replay makes a new round of attempts")
}

// TestIncludeExampleOverridesBase loads include-example.yaml from disk (its
// include is resolved next to it) and checks each override and each kept
// base value.
func TestIncludeExampleOverridesBase(t *testing.T) {
	t.Parallel()
	checker := newApp(t, nil)
	data, err := os.ReadFile("include-example.yaml")
	require.NoError(t, err)
	sc, err := checker.ParseScenario("include-example.yaml", data, nil)
	require.NoError(t, err)
	assert.Equal(t, "include-example", sc.Name)
	assert.Equal(t, int64(101), sc.Seed)
	assert.Equal(t, "frozen", sc.Clock.Mode, "overridden")
	assert.Equal(t, start, sc.Clock.Start, "kept from base.yaml")
	assert.Equal(t, "Shared base world for team scenarios.", sc.Description, "kept from base.yaml")

	var somos struct {
		Tokens map[string]string `yaml:"tokens"`
	}
	require.NoError(t, sc.Sections["somos"].Node.Decode(&somos))
	assert.Equal(t, map[string]string{"ttl": "5m", "refreshTtl": "720h"}, somos.Tokens, "mappings merge key by key")

	a := newApp(t, sc)
	hs := httptest.NewServer(a.Handler())
	t.Cleanup(hs.Close)
	get := func(path string, header map[string]string, out any) int {
		req, _ := http.NewRequest("GET", hs.URL+path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		if out != nil {
			require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
		}
		return resp.StatusCode
	}
	var nums struct {
		Numbers []struct{ TFN string } `json:"numbers"`
	}
	require.Equal(t, http.StatusOK, get("/__sim/tnregistry/numbers", nil, &nums))
	var tfns []string
	for _, n := range nums.Numbers {
		tfns = append(tfns, n.TFN)
	}
	assert.Equal(t, []string{"8005550100", "8005550199"}, tfns, "lists are replaced whole")
	assert.Equal(t, http.StatusOK, get("/flowroute/v2/numbers", basic("team-access-key", "team-secret-key"), nil), "the base's account is kept")

	req, _ := http.NewRequest("POST", hs.URL+"/somos/public/apitoken", bytes.NewReader([]byte(`{"refreshToken":"team-refresh"}`)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var tok struct {
		Data struct {
			AuthenticationResult struct{ ExpiresIn int }
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	resp.Body.Close()
	assert.Equal(t, 300, tok.Data.AuthenticationResult.ExpiresIn, "somos.tokens.ttl overridden to 5m")

	var evs struct {
		Events []struct {
			Event struct{ Action string } `json:"event"`
		} `json:"events"`
	}
	require.Equal(t, http.StatusOK, get("/__sim/events", nil, &evs))
	require.Len(t, evs.Events, 1)
	assert.Equal(t, "revoke-tokens", evs.Events[0].Event.Action)
}

// TestHeaderCommentsDescribeUse keeps the library's files documented: each
// header mentions how to load it.
func TestHeaderCommentsDescribeUse(t *testing.T) {
	t.Parallel()
	for _, f := range files(t) {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		lines := 0
		for _, l := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(l, "#") {
				break
			}
			lines++
		}
		assert.GreaterOrEqual(t, lines, 2, "%s: a header comment of a few lines", f)
	}
}
