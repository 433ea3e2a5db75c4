package reliability

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/app"
)

// liveSim is the simulator on a real socket, as an attacker without the
// source would reach it.
type liveSim struct {
	url string
	t   *testing.T
}

func newLiveSim(t *testing.T, cfg app.Config) *liveSim {
	t.Helper()
	cfg.Scenario = defaultScenario(t)
	a, err := app.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() { srv.Close(); a.Close() })
	return &liveSim{url: srv.URL, t: t}
}

func (s *liveSim) send(method, path string, body []byte) (int, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, bytes.NewReader(body))
	require.NoError(s.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err, "the simulator must still answer")
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return resp.StatusCode, out
}

// problemPaths reads a 422 answer's problem paths.
func problemPaths(t *testing.T, body []byte) []string {
	t.Helper()
	var doc struct {
		Problems []struct{ Path, Message string } `json:"problems"`
	}
	require.NoError(t, json.Unmarshal(body, &doc), string(body))
	var out []string
	for _, p := range doc.Problems {
		out = append(out, p.Path)
	}
	return out
}

// A state document is checked whole before it replaces anything: a Call48
// port proposal pointing at a port request that is not there once passed,
// and its timer then crashed the process for every tenant.
func TestStateImportIsCheckedBeforeItReplacesAnything(t *testing.T) {
	s := newLiveSim(t, app.Config{})
	const base = "/t/import-x/__sim"
	code, _ := s.send(http.MethodPost, base+"/reset", []byte(`{"mode":"frozen"}`))
	require.Equal(t, http.StatusOK, code)
	code, before := s.send(http.MethodGet, base+"/state", nil)
	require.Equal(t, http.StatusOK, code)

	mutate := func(f func(doc map[string]any)) []byte {
		var doc map[string]any
		require.NoError(t, json.Unmarshal(before, &doc))
		f(doc)
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		return b
	}
	section := func(doc map[string]any, name string) map[string]any {
		return doc["providers"].(map[string]any)[name].(map[string]any)
	}
	firstKey := func(m map[string]any) string {
		for k := range m {
			return k
		}
		t.Fatal("empty map")
		return ""
	}

	cases := []struct {
		name  string
		doc   []byte
		paths []string
	}{
		{"port proposal without its request", mutate(func(d map[string]any) {
			props := section(d, "call48")["proposals"].(map[string]any)
			k := firstKey(props)
			props[k].(map[string]any)["portReqId"] = 999999
		}), nil},
		{"an unknown field in a provider's section", mutate(func(d map[string]any) {
			section(d, "flowroute")["surprise"] = true
		}), []string{"providers.flowroute"}},
		{"a version this build does not read", mutate(func(d map[string]any) { d["version"] = 99 }), []string{"version"}},
		{"no version", mutate(func(d map[string]any) { delete(d, "version") }), []string{"version"}},
		{"an empty document", []byte(`{}`), []string{"version", "clock.now"}},
		{"an unknown provider", mutate(func(d map[string]any) { d["providers"].(map[string]any)["acme"] = map[string]any{} }), []string{"providers.acme"}},
		{"a registry record of a number the registry does not hold", mutate(func(d map[string]any) {
			recs := section(d, "tnregistry")["records"].([]any)
			recs[0].(map[string]any)["tfn"] = "8889999999"
		}), []string{"providers.tnregistry.records[0].tfn"}},
		{"a Somos refresh token of a user who is not there", mutate(func(d map[string]any) {
			toks := section(d, "somos")["refreshTokens"].([]any)
			toks[0].(map[string]any)["email"] = "ghost@example.com"
		}), []string{"providers.somos.refreshTokens[0].email"}},
		{"a T-Mobile link to a line that is not there", mutate(func(d map[string]any) {
			tm := section(d, "tmobile")
			tm["links"] = []any{map[string]any{"id": "L-1", "clientId": "demo-client", "login": "demo-user", "msisdn": "9999999999", "channelUrl": "", "created": "2026-01-05T09:00:00Z"}}
		}), []string{"providers.tmobile.links[0].msisdn"}},
		{"a DID of an account that is not there", mutate(func(d map[string]any) {
			dids := section(d, "call48")["dids"].(map[string]any)
			dids[firstKey(dids)].(map[string]any)["accountId"] = 424242
		}), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := s.send(http.MethodPut, base+"/state", c.doc)
			require.Equal(t, http.StatusUnprocessableEntity, code, string(body))
			paths := problemPaths(t, body)
			require.NotEmpty(t, paths)
			if c.paths != nil {
				assert.Equal(t, c.paths, paths)
			}
			for _, p := range paths {
				if strings.HasPrefix(p, "providers.call48.") {
					assert.Regexp(t, `^providers\.call48\.(proposals|dids)\.\d+\.(portReqId|accountId)$`, p)
				}
			}
			_, after := s.send(http.MethodGet, base+"/state", nil)
			assert.JSONEq(t, string(before), string(after), "the tenant keeps its world")
		})
	}

	// The document it exported still imports, byte for byte.
	code, body := s.send(http.MethodPut, base+"/state", before)
	require.Equal(t, http.StatusOK, code, string(body))
	_, after := s.send(http.MethodGet, base+"/state", nil)
	assert.Equal(t, string(before), string(after))
}

// A state document past the size limit is refused while it is read.
func TestStateImportSizeLimit(t *testing.T) {
	s := newLiveSim(t, app.Config{MaxStateBytes: 64 << 10})
	big := []byte(`{"version":1,"pad":"` + strings.Repeat("x", 100<<10) + `"}`)
	code, body := s.send(http.MethodPut, "/t/big/__sim/state", big)
	assert.Equal(t, http.StatusRequestEntityTooLarge, code, string(body))
	assert.Contains(t, string(body), "larger than 65536 bytes")
	code, _ = s.send(http.MethodGet, "/__sim/health", nil)
	assert.Equal(t, http.StatusOK, code)
}

// Durations and times the formats cannot hold are refused, and the tenant
// list and state export keep working for everyone.
func TestClockOutOfRangeIsRefused(t *testing.T) {
	s := newLiveSim(t, app.Config{})
	const base = "/t/clock-x/__sim"
	cases := []struct {
		path, body string
		want       int
	}{
		{"/clock/advance", `{"by":"213504d"}`, http.StatusBadRequest},  // once wrapped around to 25 minutes
		{"/clock/advance", `{"by":"2562048h"}`, http.StatusBadRequest}, // past time.Duration
		{"/clock/set", `{"now":"9999-12-31T00:00:00Z"}`, http.StatusOK},
		{"/clock/advance", `{"by":"2d"}`, http.StatusBadRequest}, // past the year 9999
	}
	for _, c := range cases {
		code, body := s.send(http.MethodPost, base+c.path, []byte(c.body))
		assert.Equal(t, c.want, code, "%s %s: %s", c.path, c.body, body)
	}
	code, body := s.send(http.MethodGet, "/__sim/tenants", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(body), `"clock-x"`, "the tenant list still answers")
	code, body = s.send(http.MethodGet, base+"/state", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(body), `"9999-12-31T`)
}
