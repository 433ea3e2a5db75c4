package upstream

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func known(name string) (string, bool) {
	return map[string]string{"flowroute": "/v2", "somos": ""}[name], name == "flowroute" || name == "somos"
}

func TestForwardBuildsTheUpstreamRequest(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(r.Context())
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		w.Header().Set("Location", "/elsewhere")
		w.Header().Set("Keep-Alive", "timeout=5")
		w.WriteHeader(http.StatusFound)
	}))
	defer srv.Close()
	for _, base := range []string{srv.URL, srv.URL + "/v2", srv.URL + "/v2/"} {
		p, err := New(Config{Targets: map[string]string{"flowroute": base}}, known)
		require.NoError(t, err)
		resp, err := p.Forward(context.Background(), Request{
			Provider: "flowroute", Method: "PUT", Path: "/v2/numbers/1", RawQuery: "a=b",
			Header: http.Header{"Authorization": {"Basic x"}, "X-Sim-Tenant": {"t"}, "Accept-Encoding": {"br"}, "Te": {"trailers"}},
			Body:   []byte("hello"),
		})
		require.NoError(t, err, base)
		require.NotNil(t, got)
		assert.Equal(t, "/v2/numbers/1", got.URL.Path, base)
		assert.Equal(t, "a=b", got.URL.RawQuery)
		assert.Equal(t, "Basic x", got.Header.Get("Authorization"))
		assert.Empty(t, got.Header.Get("X-Sim-Tenant"))
		assert.NotEqual(t, "br", got.Header.Get("Accept-Encoding"), "the transport negotiates compression itself")
		assert.Equal(t, "hello", body)
		assert.Equal(t, http.StatusFound, resp.Status, "redirects are passed on, not followed")
		assert.Equal(t, "/elsewhere", resp.Header.Get("Location"))
		assert.Empty(t, resp.Header.Get("Keep-Alive"))
	}
}

func TestHandles(t *testing.T) {
	var none *Proxy
	assert.False(t, none.Handles("flowroute", false))
	assert.Empty(t, none.Targets())
	p, err := New(Config{Targets: map[string]string{"flowroute": "https://api.flowroute.com"}}, known)
	require.NoError(t, err)
	assert.True(t, p.Handles("flowroute", false))
	assert.False(t, p.Handles("flowroute", true))
	assert.False(t, p.Handles("somos", false))
	all, err := New(Config{Targets: map[string]string{"flowroute": "https://api.flowroute.com"}, Mode: All}, known)
	require.NoError(t, err)
	assert.True(t, all.Handles("flowroute", true))
	assert.Equal(t, All, all.Mode())
}

func TestUnreachableUpstream(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	p, err := New(Config{Targets: map[string]string{"somos": url}}, known)
	require.NoError(t, err)
	_, err = p.Forward(context.Background(), Request{Provider: "somos", Method: "GET", Path: "/x"})
	var ue *Error
	require.ErrorAs(t, err, &ue)
	assert.False(t, ue.Timeout)
	assert.Contains(t, err.Error(), url)
}
