package tnregistry

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/fake"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

type tenantWorld = tenant.World

const frozenHeader = "version: 1\nseed: 7\nclock: {start: \"2026-01-05T09:00:00Z\", mode: frozen}\n"

func parseScenario(t *testing.T, body string) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.Parse("test.yaml", []byte(frozenHeader+body), []string{Name}, nil)
	require.NoError(t, err)
	return sc
}

// newWorld builds a tenant world with the tnregistry state from a scenario.
func newWorld(t *testing.T, sc *scenario.Scenario) (*tenant.World, *State) {
	t.Helper()
	p := New()
	cfg, err := p.Configure(sc.Sections[Name], sc)
	require.NoError(t, err)
	w := tenant.NewWorld("t1", sc)
	t.Cleanup(w.Close)
	st, err := p.NewState(provider.Env{World: w, Clock: w.Clock, Faker: fake.New(sc.Seed, Name), Seed: sc.Seed, Start: sc.Clock.Start}, cfg)
	require.NoError(t, err)
	w.AddState(Name, st)
	s := st.(*State)
	t.Cleanup(s.Close)
	return w, s
}

// controlServer serves the provider's control routes under /__sim for world w.
func controlServer(t *testing.T, w *tenant.World) *httptest.Server {
	t.Helper()
	r := mux.NewRouter()
	for _, rt := range New().ControlRoutes() {
		r.Handle("/__sim"+rt.Path, rt.Handler).Methods(rt.Method)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
		r.ServeHTTP(rw, req.WithContext(tenant.With(req.Context(), w)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func doJSON(t *testing.T, method, url string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil {
		require.NoError(t, json.Unmarshal(data, out), string(data))
	}
	return resp.StatusCode
}

func readDefaultScenario(t *testing.T) *scenario.Scenario {
	t.Helper()
	path := filepath.Join("..", "..", "scenarios", "default.yaml")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	sc, err := scenario.Parse(path, data, []string{"flowroute", Name, "somos", "call48", "tmobile"}, nil)
	require.NoError(t, err)
	sc.Clock.Mode = "frozen"
	return sc
}
