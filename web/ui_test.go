package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/sim/simtest"
	"github.com/telecomsim/simulator/web"
)

func get(t *testing.T, url string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// The dashboard is served below /__sim/ui for any tenant, with the right
// media types and caching.
func TestServeDashboard(t *testing.T) {
	srv := simtest.New(t)
	base := srv.ControlURL()
	js := web.Lookup("app.js")
	require.NotNil(t, js)
	tests := []struct {
		name        string
		path        string
		hdr         map[string]string
		status      int
		contentType string
		cache       string
		location    string
		contains    string
	}{
		{name: "bare path redirects below itself", path: "/ui", status: http.StatusFound, location: "ui/"},
		{name: "redirect keeps the query", path: "/ui?x=1", status: http.StatusFound, location: "ui/?x=1"},
		{name: "page", path: "/ui/", status: 200, contentType: "text/html; charset=utf-8", cache: "no-cache", contains: "<title>Simulator dashboard</title>"},
		{name: "page by name", path: "/ui/index.html", status: 200, contentType: "text/html; charset=utf-8", cache: "no-cache", contains: "app.js?v=" + web.Version()},
		{name: "versioned script is immutable", path: "/ui/app.js?v=" + web.Version(), status: 200, contentType: "text/javascript; charset=utf-8", cache: "public, max-age=31536000, immutable", contains: "'use strict'"},
		{name: "unversioned script is revalidated", path: "/ui/app.js", status: 200, contentType: "text/javascript; charset=utf-8", cache: "no-cache"},
		{name: "stale version is revalidated", path: "/ui/app.js?v=0000", status: 200, cache: "no-cache"},
		{name: "stylesheet", path: "/ui/app.css?v=" + web.Version(), status: 200, contentType: "text/css; charset=utf-8"},
		{name: "icon", path: "/ui/favicon.svg?v=" + web.Version(), status: 200, contentType: "image/svg+xml"},
		{name: "conditional request", path: "/ui/app.js", hdr: map[string]string{"If-None-Match": js.ETag}, status: http.StatusNotModified},
		{name: "conditional request, weak and listed", path: "/ui/app.js", hdr: map[string]string{"If-None-Match": `"x", W/` + js.ETag}, status: http.StatusNotModified},
		{name: "changed asset", path: "/ui/app.js", hdr: map[string]string{"If-None-Match": `"old"`}, status: 200},
		{name: "unknown file", path: "/ui/nope.js", status: 404, contentType: "application/json", contains: "no dashboard file"},
		// A path that climbs out of /ui matches no route; one that only
		// needs cleaning is redirected to its clean form.
		{name: "no escape from the assets", path: "/ui/..%2Fweb.go", status: http.StatusNotFound, contains: "unknown control path"},
		{name: "directory listing is not served", path: "/ui/.", status: http.StatusTemporaryRedirect, location: "/__sim/ui"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, base+tt.path, tt.hdr)
			require.Equal(t, tt.status, resp.StatusCode, body)
			if tt.contentType != "" {
				assert.Equal(t, tt.contentType, resp.Header.Get("Content-Type"))
			}
			if tt.cache != "" {
				assert.Equal(t, tt.cache, resp.Header.Get("Cache-Control"))
			}
			if tt.location != "" {
				assert.Equal(t, tt.location, resp.Header.Get("Location"))
			}
			if tt.contains != "" {
				assert.Contains(t, body, tt.contains)
			}
			if resp.StatusCode == 200 {
				assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
				assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'self'")
				assert.NotEmpty(t, resp.Header.Get("ETag"))
			}
		})
	}
}

// A redirect from /ui resolves, relative to the requested URL, below the
// same tenant prefix.
func TestDashboardRedirectKeepsTenant(t *testing.T) {
	srv := simtest.New(t)
	resp, err := srv.Client.Get(srv.ControlURL() + "/ui")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.True(t, strings.HasSuffix(resp.Request.URL.Path, "/t/"+srv.Tenant+"/__sim/ui/"), resp.Request.URL.Path)
}

// GET / sends a browser to the dashboard and answers API clients in JSON.
func TestRootRedirectsBrowsers(t *testing.T) {
	srv := simtest.New(t)
	tests := []struct {
		name, path, accept string
		status             int
		location           string
	}{
		{"browser", "/", "text/html,application/xhtml+xml,*/*;q=0.8", http.StatusFound, "/__sim/ui/"},
		{"browser on a tenant", "/t/" + srv.Tenant + "/", "text/html", http.StatusFound, "/t/" + srv.Tenant + "/__sim/ui/"},
		{"browser on a tenant without the slash", "/t/" + srv.Tenant, "text/html", http.StatusFound, "/t/" + srv.Tenant + "/__sim/ui/"},
		{"API client", "/", "application/json", http.StatusOK, ""},
		{"no Accept", "/", "", http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, srv.HTTP.URL+tt.path, map[string]string{"Accept": tt.accept})
			require.Equal(t, tt.status, resp.StatusCode, body)
			assert.Equal(t, tt.location, resp.Header.Get("Location"))
			if tt.status == http.StatusOK {
				assert.Contains(t, body, `"dashboard": "/__sim/ui"`)
			}
		})
	}
}
