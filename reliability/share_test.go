package reliability

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
)

// live is a simulator behind a real socket, as a CI job or an attacker
// meets it.
type live struct {
	app  *app.App
	url  string
	logs *syncBuffer
	wall *movableWall
}

// movableWall is the registry's wall clock, moved by the test (idle times).
type movableWall struct {
	mu sync.Mutex
	t  time.Time
}

func (m *movableWall) now() time.Time { m.mu.Lock(); defer m.mu.Unlock(); return m.t }
func (m *movableWall) add(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = m.t.Add(d)
}

func newLive(t *testing.T, cfg app.Config) *live {
	t.Helper()
	logs := &syncBuffer{}
	cfg.Scenario = defaultScenario(t)
	cfg.Providers = providers()
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	a, err := app.New(cfg)
	require.NoError(t, err)
	wall := &movableWall{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	a.Tenants().Wall = wall.now
	require.NoError(t, a.Check()) // as serve does: default exists from the start
	srv := httptest.NewServer(a.Handler())
	l := &live{app: a, url: srv.URL, logs: logs, wall: wall}
	t.Cleanup(func() {
		srv.Close()
		a.Close()
		s := &sim{logs: logs}
		s.requireNoPanic(t)
	})
	return l
}

func (l *live) call(t *testing.T, method, path string, header http.Header, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, l.url+path, strings.NewReader(body))
	require.NoError(t, err)
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(b)
}

func (l *live) tenantIDs(t *testing.T, header http.Header) []string {
	t.Helper()
	st, _, body := l.call(t, "GET", "/__sim/tenants", header, "")
	require.Equal(t, 200, st, body)
	var out struct {
		Tenants []struct {
			ID string `json:"id"`
		} `json:"tenants"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &out))
	ids := []string{}
	for _, tn := range out.Tenants {
		ids = append(ids, tn.ID)
	}
	return ids
}

func (l *live) metrics(t *testing.T) string {
	t.Helper()
	st, _, body := l.call(t, "GET", "/__sim/metrics", nil, "")
	require.Equal(t, 200, st)
	return body
}

var flowrouteAuth = http.Header{"Authorization": {basicAuth(flowrouteKey, flowrouteSecret)}, "Content-Type": {"application/json"}}

// Regression: 60 anonymous requests under --max-tenants 50 each made a
// tenant and evicted a CI job's tenant with its data.
func TestAnonymousRequestsLeaveNoTenant(t *testing.T) {
	l := newLive(t, app.Config{MaxTenants: 50})
	st, _, body := l.call(t, "GET", "/t/ci-job/flowroute/v2/numbers", flowrouteAuth, "")
	require.Equal(t, 200, st, body)
	st, _, body = l.call(t, "POST", "/t/ci-job/__sim/clock/advance", nil, `{"by":"1h"}`)
	require.Equal(t, 200, st, body)

	anon := []http.Header{
		nil,
		{"Authorization": {"Basic Z2FyYmFnZTpnYXJiYWdl"}},
		{"Authorization": {"Bearer " + strings.Repeat("x", 64)}},
	}
	for i := range 60 {
		st, _, body := l.call(t, "GET", fmt.Sprintf("/t/junk%d/flowroute/v2/cnams", i), anon[i%len(anon)], "")
		require.Equal(t, 401, st, body)
	}
	for _, p := range []string{"/t/junk-s/somos/v1/cnam/8339900238", "/t/junk-c/call48/api/v4/search", "/t/junk-t/tmobile/account/status"} {
		st, _, body := l.call(t, "GET", p, nil, "")
		require.Less(t, st, 500, "%s: %s", p, body)
	}
	assert.Equal(t, []string{"ci-job", "default"}, l.tenantIDs(t, nil), "only the tenant that authenticated exists")
	assert.Contains(t, l.metrics(t), "\nsimulator_tenants_released_total 63\n")
	st, _, body = l.call(t, "GET", "/t/ci-job/__sim/clock", nil, "")
	require.Equal(t, 200, st)
	assert.Contains(t, body, "T10:00:00", "ci-job kept its advanced clock: %s", body)
}

// When every tenant is in use a newcomer gets a 503 in the provider's shape
// saying why, and nobody is evicted; once one has been idle long enough it
// makes room.
func TestFullRegistryRefusesNewcomers(t *testing.T) {
	l := newLive(t, app.Config{MaxTenants: 4, TenantIdle: 10 * time.Minute}) // default and three jobs
	for _, tn := range []string{"job-a", "job-b", "job-c"} {
		st, _, body := l.call(t, "GET", "/t/"+tn+"/flowroute/v2/numbers", flowrouteAuth, "")
		require.Equal(t, 200, st, body)
		l.wall.add(time.Minute)
	}
	st, h, body := l.call(t, "GET", "/t/job-d/flowroute/v2/numbers", flowrouteAuth, "")
	assert.Equal(t, http.StatusServiceUnavailable, st, body)
	assert.NotEmpty(t, h.Get("Retry-After"))
	var fr struct {
		Errors []struct {
			Detail string `json:"detail"`
		} `json:"errors"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &fr), body)
	require.NotEmpty(t, fr.Errors, "Flowroute's error shape: %s", body)
	assert.Contains(t, fr.Errors[0].Detail, "maximum of 4 tenants")
	st, _, body = l.call(t, "GET", "/t/job-d/__sim/clock", nil, "")
	assert.Equal(t, http.StatusServiceUnavailable, st, "the control API refuses too: %s", body)
	assert.Equal(t, []string{"default", "job-a", "job-b", "job-c"}, l.tenantIDs(t, nil), "nobody evicted")

	// job-b and job-c stay busy; job-a goes idle for longer than 10m.
	l.wall.add(8 * time.Minute)
	for _, tn := range []string{"job-b", "job-c"} {
		st, _, _ := l.call(t, "GET", "/t/"+tn+"/flowroute/v2/numbers", flowrouteAuth, "")
		require.Equal(t, 200, st)
	}
	l.wall.add(3 * time.Minute)
	st, _, body = l.call(t, "GET", "/t/job-d/flowroute/v2/numbers", flowrouteAuth, "")
	require.Equal(t, 200, st, body)
	assert.Equal(t, []string{"default", "job-b", "job-c", "job-d"}, l.tenantIDs(t, nil), "the idle tenant made room (never default)")
	m := l.metrics(t)
	assert.Contains(t, m, "\nsimulator_tenants_refused_total 2\n")
	assert.Contains(t, m, "\nsimulator_tenants_evicted_total 1\n")
}

// A tenant's own control path manages only that tenant; the admin token is
// only accepted as a Bearer token.
func TestControlScopeAndAdminToken(t *testing.T) {
	l := newLive(t, app.Config{AdminToken: "s3cret"})
	admin := http.Header{"Authorization": {"Bearer s3cret"}}
	for _, tn := range []string{"tenant-a", "tenant-b"} {
		st, _, body := l.call(t, "GET", "/t/"+tn+"/__sim/clock", admin, "")
		require.Equal(t, 200, st, body)
	}
	tests := []struct {
		name, method, path, auth string
		want                     int
	}{
		{"bare token refused", "GET", "/__sim/tenants", "s3cret", 401},
		{"other scheme refused", "GET", "/__sim/tenants", "Basic s3cret", 401},
		{"token with a suffix refused", "GET", "/__sim/tenants", "Bearer s3cretX", 401},
		{"bearer, any case", "GET", "/__sim/tenants", "bearer s3cret", 200},
		{"a tenant cannot delete another", "DELETE", "/t/tenant-a/__sim/tenants/tenant-b", "Bearer s3cret", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, body := l.call(t, tt.method, tt.path, http.Header{"Authorization": {tt.auth}}, "")
			assert.Equal(t, tt.want, st, body)
		})
	}
	assert.Equal(t, []string{"default", "tenant-a", "tenant-b"}, l.tenantIDs(t, admin), "tenant-b survived")
	assert.Equal(t, []string{"tenant-a"}, func() []string {
		st, _, body := l.call(t, "GET", "/t/tenant-a/__sim/tenants", admin, "")
		require.Equal(t, 200, st, body)
		var out struct {
			Tenants []struct {
				ID string `json:"id"`
			} `json:"tenants"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &out))
		var ids []string
		for _, tn := range out.Tenants {
			ids = append(ids, tn.ID)
		}
		return ids
	}(), "a tenant's own path lists only itself")
	st, _, body := l.call(t, "DELETE", "/t/tenant-a/__sim/tenants/tenant-a", admin, "")
	assert.Equal(t, 204, st, "a tenant may delete itself: %s", body)
	st, _, body = l.call(t, "DELETE", "/__sim/tenants/tenant-b", admin, "")
	assert.Equal(t, 204, st, "the root deletes anyone: %s", body)
}
