package main

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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/conform"
	"github.com/telecomsim/simulator/internal/har"
	"github.com/telecomsim/simulator/internal/har/hartest"
)

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(t.Context(), args, func(string) string { return "" }, &out, &errOut)
	return out.String(), errOut.String(), err
}

// TestConformCorpusHasNoDrift replays exchanges written in the shapes the
// providers' documents and observed live answers show: the simulator must
// answer each in the same shape.
func TestConformCorpusHasNoDrift(t *testing.T) {
	files, err := filepath.Glob("testdata/conform/*.har")
	require.NoError(t, err)
	for _, f := range files {
		if filepath.Base(f) == "drift.har" {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			hartest.Validate(t, b)
			out, _, err := runCmd(t, "conform", f)
			assert.NoError(t, err, out)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			parsed, err := har.Parse(b)
			require.NoError(t, err)
			require.Len(t, lines, len(parsed.Log.Entries)+1, "one line per exchange and a summary")
			for _, l := range lines[:len(lines)-1] {
				assert.True(t, strings.HasPrefix(l, "ok "), l)
			}
		})
	}
}

func TestConformReportsEachKindOfDrift(t *testing.T) {
	jsonPath := filepath.Join(t.TempDir(), "report.json")
	out, _, err := runCmd(t, "conform", "testdata/conform/drift.har", "--json", jsonPath)
	require.Error(t, err)
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, out, "4 exchanges: 1 matched, 3 drifted, 0 skipped")

	b, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	var rep conform.Report
	require.NoError(t, json.Unmarshal(b, &rep))
	kinds := map[conform.Kind]bool{}
	for _, r := range rep.Results {
		for _, d := range r.Drift {
			kinds[d.Kind] = true
		}
	}
	for _, k := range []conform.Kind{conform.KindStatus, conform.KindContentType, conform.KindMissing, conform.KindExtra, conform.KindType} {
		assert.True(t, kinds[k], "drift of kind %s reported", k)
	}
	assert.Contains(t, out, "$.included: recorded object, simulated array")

	// --json - writes only the JSON report to standard output.
	out, _, err = runCmd(t, "conform", "--json", "-", "testdata/conform/drift.har")
	require.Error(t, err)
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 3, rep.Drifted)

	_, _, err = runCmd(t, "conform")
	assert.Error(t, err)
	_, _, err = runCmd(t, "conform", "testdata/nope.har")
	assert.Error(t, err)
}

// TestStubsFromRecording records real exchanges through the proxy from a
// local upstream, turns the HAR into stubs, and serves them without the
// upstream.
func TestStubsFromRecording(t *testing.T) {
	calls := 0
	upstream := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Content-Type", "application/vnd.api+json")
		switch r.URL.Path {
		case "/v2/numbers/available":
			w.Write([]byte(`{"data":[{"id":"16463439507","type":"number","attributes":{"monthly_cost":1.25}}],"links":{"self":"x"}}`))
		case "/v2/numbers/16463439507":
			if calls == 2 {
				w.WriteHeader(http.StatusCreated)
				w.Write([]byte(`{"data":{"id":"16463439507","type":"number"}}`))
				return
			}
			w.WriteHeader(http.StatusUnprocessableEntity)
			w.Write([]byte(`{"errors":[{"detail":"Number not available","status":422}]}`))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer upstream.Close()

	dir := t.TempDir()
	harPath := filepath.Join(dir, "rec.har")
	o := proxyOptions{targets: listenFlag{"flowroute=" + upstream.URL}, mode: "missing", record: harPath,
		tls: upstream.Client().Transport.(*http.Transport).TLSClientConfig}
	px, err := o.build(nil)
	require.NoError(t, err)
	a, err := app.New(app.Config{Scenario: mustDefault(), Proxy: px})
	require.NoError(t, err)
	defer a.Close()
	sim := httptest.NewServer(a.Handler())
	defer sim.Close()
	for _, c := range []struct{ method, path string }{
		{"GET", "/flowroute/v2/numbers/available?starts_with=1646"},
		{"POST", "/flowroute/v2/numbers/16463439507"},
		{"POST", "/flowroute/v2/numbers/16463439507"},
		{"GET", "/flowroute/v2/cnams"}, // emulated: never recorded
	} {
		req, _ := http.NewRequest(c.method, sim.URL+c.path, nil)
		req.SetBasicAuth("demo-access-key", "demo-secret-key")
		resp, err := sim.Client().Do(req)
		require.NoError(t, err)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	require.Equal(t, 3, calls)

	out, stderr, err := runCmd(t, "stubs", harPath)
	require.NoError(t, err, stderr)
	assert.Contains(t, out, "sequence:")
	stubFile := filepath.Join(dir, "stubs.yaml")
	require.NoError(t, os.WriteFile(stubFile, []byte(out), 0o600))
	vout, verr, err := runCmd(t, "validate", stubFile)
	require.NoError(t, err, verr)
	assert.Contains(t, vout, "ok")

	// Serve the stubs alone: the recording plays back in order.
	sc, err := app.New(app.Config{Scenario: mustDefault()})
	require.NoError(t, err)
	defer sc.Close()
	parsed, err := sc.ParseScenario(stubFile, []byte(out), nil)
	require.NoError(t, err)
	b, err := app.New(app.Config{Scenario: parsed})
	require.NoError(t, err)
	defer b.Close()
	replay := httptest.NewServer(b.Handler())
	defer replay.Close()
	var statuses []int
	for range 3 {
		resp, err := http.Post(replay.URL+"/flowroute/v2/numbers/16463439507", "", nil)
		require.NoError(t, err)
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
	}
	assert.Equal(t, []int{201, 422, 422}, statuses)
	resp, err := http.Get(replay.URL + "/flowroute/v2/numbers/available?starts_with=1646")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"data":[{"id":"16463439507","type":"number","attributes":{"monthly_cost":1.25}}],"links":{"self":"x"}}`, string(body))
	assert.Equal(t, 3, calls, "playback never reaches the upstream")

	// A clean replay of the recording itself against the stubbed simulator.
	cout, _, err := runCmd(t, "conform", "--scenario", stubFile, harPath)
	assert.NoError(t, err, cout)
}

func TestServeProxyFlags(t *testing.T) {
	o, err := parseServe([]string{"--proxy", "flowroute=https://api.flowroute.com", "--proxy-mode", "all", "--record", "x.har"}, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, listenFlag{"flowroute=https://api.flowroute.com"}, o.proxy.targets)
	assert.Equal(t, "all", o.proxy.mode)

	o, err = parseServe(nil, func(k string) string {
		return map[string]string{"SIM_PROXY": "flowroute=https://a.example, call48=https://b.example", "SIM_RECORD_SECRETS": "1"}[k]
	}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, listenFlag{"flowroute=https://a.example", "call48=https://b.example"}, o.proxy.targets)
	assert.True(t, o.proxy.secrets)

	for _, bad := range []proxyOptions{
		{record: "x.har"},
		{targets: listenFlag{"flowroute"}},
		{targets: listenFlag{"nope=https://x"}},
		{targets: listenFlag{"flowroute=https://x"}, mode: "sometimes"},
	} {
		_, err := bad.build(nil)
		assert.Error(t, err, "%+v", bad)
	}
}
