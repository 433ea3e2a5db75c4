package provider

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

func TestBaseURLs(t *testing.T) {
	tests := []struct {
		name         string
		tenant       string
		uri, path    string // what the client sent, and the routed path
		tls          bool
		headers      map[string]string
		base, pinned string
	}{
		{"tenant in the path", "ci-7", "/t/ci-7/somos/cnam/uploads", "/cnam/uploads", true, nil,
			"https://sim.example/t/ci-7/somos", "https://sim.example/t/ci-7/somos"},
		{"tenant from the header", "ci-7", "/somos/cnam/uploads", "/cnam/uploads", true, nil,
			"https://sim.example/somos", "https://sim.example/t/ci-7/somos"},
		{"default tenant", tenant.Default, "/somos/cnam/uploads", "/cnam/uploads", true, nil,
			"https://sim.example/somos", "https://sim.example/somos"},
		{"own listener, proxy says http", tenant.Default, "/cnam/uploads", "/cnam/uploads", true, map[string]string{"X-Forwarded-Proto": "http"},
			"http://sim.example", "http://sim.example"},
		{"proxy host", "ci-7", "/flowroute/v2/cnams", "/cnams", false, map[string]string{"X-Forwarded-Host": "sim.ci.internal:8443", "X-Forwarded-Proto": "https"},
			"https://sim.ci.internal:8443/flowroute/v2", "https://sim.ci.internal:8443/t/ci-7/flowroute/v2"},
		{"a forwarded host that is not a host is ignored", tenant.Default, "/flowroute/v2/cnams", "/cnams", false, map[string]string{"X-Forwarded-Host": "evil.example/x"},
			"http://sim.example/flowroute/v2", "http://sim.example/flowroute/v2"},
		{"unknown forwarded scheme is ignored", tenant.Default, "/flowroute/v2/cnams", "/cnams", false, map[string]string{"X-Forwarded-Proto": "gopher"},
			"http://sim.example/flowroute/v2", "http://sim.example/flowroute/v2"},
		{"escaped path", tenant.Default, "/flowroute/v2/cnams/a%20b", "/cnams/a b", false, nil,
			"http://sim.example/flowroute/v2", "http://sim.example/flowroute/v2"},
		{"absolute-form target", tenant.Default, "http://sim.example/flowroute/v2/cnams", "/cnams", false, nil,
			"http://sim.example/flowroute/v2", "http://sim.example/flowroute/v2"},
		{"query left out", tenant.Default, "/flowroute/v2/cnams?limit=1", "/cnams", false, nil,
			"http://sim.example/flowroute/v2", "http://sim.example/flowroute/v2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.uri, nil)
			r.Host = "sim.example"
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			r.URL.Path = tt.path
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			w := tenant.NewWorld(tt.tenant, &scenario.Scenario{})
			defer w.Close()
			r = r.WithContext(tenant.With(r.Context(), w))
			assert.Equal(t, tt.base, BaseURL(r))
			assert.Equal(t, tt.pinned, PinnedBaseURL(r))
		})
	}
}

// testState is a provider state for OnState.
type testState struct{ tenant.State }

type otherState struct{ tenant.State }

func TestOnState(t *testing.T) {
	var got *testState
	run := OnState(func(s *testState) error { got = s; return nil })
	want := &testState{}
	assert.NoError(t, run(want))
	assert.Same(t, want, got, "the action runs on the state it is given")
	got = nil
	err := run(&otherState{})
	assert.ErrorContains(t, err, "*provider.otherState", "another provider's state is an error")
	assert.Nil(t, got, "and the action does not run")
}
