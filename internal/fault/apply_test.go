package fault

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/scenario"
)

// realResponse is what the provider would have answered.
const realResponse = `{"data":[{"id":"17","type":"cnam","attributes":{"value":"ACME CORP","approval_datetime":null}}],"links":{}}`

// renderError stands in for a provider's error writer.
func renderError(w http.ResponseWriter, _ *http.Request, status int, _ []byte) {
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"status": status, "detail": http.StatusText(status)}}})
}

type faultServer struct {
	*httptest.Server
	set     *Set
	reached chan struct{} // the provider handler ran
	done    chan *Rule    // Apply returned (nil when nothing fired)
}

func newFaultServer(t *testing.T, rules ...Rule) *faultServer {
	t.Helper()
	fs := &faultServer{set: NewSet(7), reached: make(chan struct{}, 16), done: make(chan *Rule, 16)}
	for _, r := range rules {
		if r.Provider == "" {
			r.Provider = "flowroute"
		}
		if r.Route == "" {
			r.Route = "GET /cnams"
		}
		_, err := fs.set.Add(r, t0)
		require.NoError(t, err)
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.reached <- struct{}{}
		w.Header().Set("Content-Type", "application/vnd.api+json")
		_, _ = io.WriteString(w, realResponse)
	})
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := Request{Tenant: "t1", Provider: "flowroute", Method: r.Method, Path: r.URL.Path,
			RouteTemplate: r.URL.Path, BasePath: "/v2", Header: r.Header, Body: body, Next: next}
		fired, handled := fs.set.Apply(w, r, req, t0, renderError)
		defer func() { fs.done <- fired }()
		if handled {
			return
		}
		next.ServeHTTP(w, r)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *faultServer) client(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
}

// waitDone waits for the server handler to return and gives the rule it
// reported.
func waitDone(t *testing.T, fs *faultServer) *Rule {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	select {
	case fired := <-fs.done:
		return fired
	case <-ctx.Done():
		t.Fatal("the handler did not return after the client left")
		return nil
	}
}

func TestApplyEndToEnd(t *testing.T) {
	type result struct {
		resp    *http.Response
		body    []byte
		err     error
		elapsed time.Duration
	}
	tests := []struct {
		name    string
		rule    Rule
		timeout time.Duration
		reaches bool // the provider handler runs
		check   func(t *testing.T, res result)
	}{
		{"status renders the provider's error", Rule{Status: 503}, 5 * time.Second, false, func(t *testing.T, res result) {
			require.NoError(t, res.err)
			assert.Equal(t, 503, res.resp.StatusCode)
			assert.Equal(t, "application/vnd.api+json", res.resp.Header.Get("Content-Type"))
			assert.JSONEq(t, `{"errors":[{"status":503,"detail":"Service Unavailable"}]}`, string(res.body))
		}},
		{"status with a verbatim body", Rule{Status: 500, Body: ptr(`{"message":"boom"}`)}, 5 * time.Second, false, func(t *testing.T, res result) {
			require.NoError(t, res.err)
			assert.Equal(t, 500, res.resp.StatusCode)
			assert.Equal(t, `{"message":"boom"}`, string(res.body))
			assert.Equal(t, "application/json", res.resp.Header.Get("Content-Type"))
		}},
		{"empty body", Rule{Status: 200, Body: ptr("")}, 5 * time.Second, false, func(t *testing.T, res result) {
			require.NoError(t, res.err)
			assert.Equal(t, 200, res.resp.StatusCode)
			assert.Empty(t, res.body)
		}},
		{"retryAfter answers 429 with Retry-After", Rule{RetryAfter: dur("30s")}, 5 * time.Second, false, func(t *testing.T, res result) {
			require.NoError(t, res.err)
			assert.Equal(t, 429, res.resp.StatusCode)
			assert.Equal(t, "30", res.resp.Header.Get("Retry-After"))
			assert.JSONEq(t, `{"errors":[{"status":429,"detail":"Too Many Requests"}]}`, string(res.body))
		}},
		{"retryAfter rounds up to whole seconds", Rule{RetryAfter: dur("1500ms"), Status: 429}, 5 * time.Second, false, func(t *testing.T, res result) {
			require.NoError(t, res.err)
			assert.Equal(t, "2", res.resp.Header.Get("Retry-After"))
		}},
		{"malformed garbles the real response", Rule{Malformed: true}, 5 * time.Second, true, func(t *testing.T, res result) {
			require.NoError(t, res.err)
			assert.Equal(t, 200, res.resp.StatusCode)
			assert.False(t, json.Valid(res.body), "body %q must not parse", res.body)
			assert.True(t, strings.HasPrefix(realResponse, string(res.body)), "a cut-short real response, got %q", res.body)
			assert.Equal(t, "application/vnd.api+json", res.resp.Header.Get("Content-Type"), "the real content type is kept")
			var v any
			assert.Error(t, json.Unmarshal(res.body, &v))
		}},
		{"malformed with a status and body", Rule{Malformed: true, Status: 502, Body: ptr(`{"ok":true,"items":[1,2,3]}`)}, 5 * time.Second, false, func(t *testing.T, res result) {
			require.NoError(t, res.err)
			assert.Equal(t, 502, res.resp.StatusCode)
			assert.False(t, json.Valid(res.body))
		}},
		{"reset is a connection reset", Rule{Reset: true}, 5 * time.Second, false, func(t *testing.T, res result) {
			require.Error(t, res.err)
			t.Logf("client error: %v", res.err)
			if runtime.GOOS == "linux" {
				assert.ErrorIs(t, res.err, syscall.ECONNRESET)
			} else {
				assert.True(t, errors.Is(res.err, syscall.ECONNRESET) || errors.Is(res.err, io.EOF) || errors.Is(res.err, io.ErrUnexpectedEOF),
					"want a reset or EOF, got %v", res.err)
			}
			var ne net.Error
			assert.False(t, errors.As(res.err, &ne) && ne.Timeout(), "a reset is not a timeout")
		}},
		{"hang blocks until the client gives up", Rule{Hang: true}, 400 * time.Millisecond, false, func(t *testing.T, res result) {
			require.Error(t, res.err)
			var ne net.Error
			require.ErrorAs(t, res.err, &ne)
			assert.True(t, ne.Timeout(), "want a client timeout, got %v", res.err)
			assert.GreaterOrEqual(t, res.elapsed, 400*time.Millisecond)
		}},
		{"latency delays then proceeds", Rule{Latency: &Latency{Fixed: scenario.Duration(300 * time.Millisecond)}}, 5 * time.Second, true, func(t *testing.T, res result) {
			require.NoError(t, res.err)
			assert.Equal(t, 200, res.resp.StatusCode)
			assert.Equal(t, realResponse, string(res.body))
			assert.GreaterOrEqual(t, res.elapsed, 300*time.Millisecond)
		}},
		{"latency longer than the client waits", Rule{Latency: &Latency{Fixed: scenario.Duration(3 * time.Second)}}, 200 * time.Millisecond, false, func(t *testing.T, res result) {
			require.Error(t, res.err)
			var ne net.Error
			require.ErrorAs(t, res.err, &ne)
			assert.True(t, ne.Timeout())
		}},
		{"a rule for another route leaves the request alone", Rule{Route: "GET /numbers", Reset: true}, 5 * time.Second, true, func(t *testing.T, res result) {
			require.NoError(t, res.err)
			assert.Equal(t, realResponse, string(res.body))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFaultServer(t, tc.rule)
			start := clock.Wall()
			resp, err := fs.client(tc.timeout).Get(fs.URL + "/v2/cnams")
			res := result{resp: resp, err: err}
			if err == nil {
				res.body, res.err = io.ReadAll(resp.Body)
				_ = resp.Body.Close()
			}
			res.elapsed = clock.Wall().Sub(start)
			tc.check(t, res)

			// The handler returns once the client is gone (a hang does not leak).
			fired := waitDone(t, fs)
			if tc.rule.Route == "" {
				require.NotNil(t, fired)
				assert.Equal(t, "fault-1", fired.ID)
			}
			assert.Equal(t, tc.reaches, len(fs.reached) > 0, "whether the provider handler ran")
		})
	}
}

func TestApplyPostBodyMatchAndHangOnPost(t *testing.T) {
	fs := newFaultServer(t,
		Rule{Route: "POST /cnams", Match: &Match{Body: "HANG ME"}, Hang: true},
		Rule{Route: "POST /cnams", Match: &Match{Header: "X-Chaos: 500"}, Status: 500},
	)
	c := fs.client(300 * time.Millisecond)

	_, err := c.Post(fs.URL+"/v2/cnams", "application/json", strings.NewReader(`{"value":"HANG ME"}`))
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout())
	waitDone(t, fs)

	req, err := http.NewRequest("POST", fs.URL+"/v2/cnams", strings.NewReader(`{"value":"ACME"}`))
	require.NoError(t, err)
	req.Header.Set("X-Chaos", "500")
	resp, err := c.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, 500, resp.StatusCode)

	resp, err = c.Post(fs.URL+"/v2/cnams", "application/json", strings.NewReader(`{"value":"ACME"}`))
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
}

func TestApplyTimesOverHTTP(t *testing.T) {
	fs := newFaultServer(t, Rule{Status: 500, After: 1, Times: 2})
	c := fs.client(5 * time.Second)
	var got []int
	for range 5 {
		resp, err := c.Get(fs.URL + "/v2/cnams")
		require.NoError(t, err)
		_ = resp.Body.Close()
		got = append(got, resp.StatusCode)
	}
	assert.Equal(t, []int{200, 500, 500, 200, 200}, got)
}

func TestApplyOverHTTP2(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule Rule
	}{
		{"reset resets the stream", Rule{Provider: "flowroute", Route: "GET /cnams", Reset: true}},
		{"hang holds the stream", Rule{Provider: "flowroute", Route: "GET /cnams", Hang: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := NewSet(1)
			_, err := set.Add(tc.rule, t0)
			require.NoError(t, err)
			done := make(chan struct{})
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer close(done)
				req := Request{Provider: "flowroute", Method: r.Method, Path: r.URL.Path, BasePath: "/v2", Header: r.Header}
				if _, handled := set.Apply(w, r, req, t0, renderError); !handled {
					_, _ = io.WriteString(w, realResponse)
				}
			}))
			srv.EnableHTTP2 = true
			srv.StartTLS()
			t.Cleanup(srv.Close)
			c := srv.Client()
			c.Timeout = 300 * time.Millisecond
			resp, err := c.Get(srv.URL + "/v2/cnams")
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				assert.Equal(t, 2, resp.ProtoMajor)
			}
			require.Error(t, err, "the client gets no usable response")
			t.Logf("client error: %v", err)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			select {
			case <-done:
			case <-ctx.Done():
				t.Fatal("the handler did not return")
			}
		})
	}
}
