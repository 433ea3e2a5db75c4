// Package deploy_test proves the shipped deployment files: NGINX in front of
// three simulator replicas keeps every tenant on one replica, spreads
// tenants over all of them, and moves only a lost replica's tenants.
package deploy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/app"
)

const tenants = 300

// nginxBinary finds nginx on PATH or where Debian puts it (sbin is not on
// every user's PATH).
func nginxBinary(t *testing.T) string {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	t.Skip("nginx is not installed (apt-get install nginx); .ci/run installs it, so CI runs this test")
	return ""
}

// replica is one simulator process stand-in: a whole app on its own socket.
type replica struct {
	name string
	srv  *httptest.Server
}

func startReplicas(t *testing.T, n int) []*replica {
	t.Helper()
	sc, err := app.DefaultScenario()
	require.NoError(t, err)
	var out []*replica
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("sim-%d", i)
		a, err := app.New(app.Config{Scenario: sc, Replica: name})
		require.NoError(t, err)
		r := &replica{name: name, srv: httptest.NewServer(a.Handler())}
		t.Cleanup(r.srv.Close)
		out = append(out, r)
	}
	return out
}

var (
	upstreamServer = regexp.MustCompile(`(?m)^(\s*)server sim-\d+:8080( [^;]*)?;\n`)
	listenLine     = regexp.MustCompile(`(?m)^(\s*)listen 8080;`)
)

// startNginx runs the shipped nginx.conf with its upstream servers pointed
// at the replicas and its listen port at a free loopback port.
func startNginx(t *testing.T, replicas []*replica) string {
	t.Helper()
	bin := nginxBinary(t)
	conf, err := os.ReadFile("nginx/nginx.conf")
	require.NoError(t, err)
	servers := upstreamServer.FindAllSubmatch(conf, -1)
	require.Len(t, servers, 3, "the shipped upstream has one server line per replica")
	var lines strings.Builder
	for _, r := range replicas {
		fmt.Fprintf(&lines, "%sserver %s%s;\n", servers[0][1], strings.TrimPrefix(r.srv.URL, "http://"), servers[0][2])
	}
	first := true
	conf = upstreamServer.ReplaceAllFunc(conf, func([]byte) []byte {
		if first {
			first = false
			return []byte(lines.String())
		}
		return nil
	})
	port := freePort(t)
	require.True(t, listenLine.Match(conf), "the shipped config listens on 8080")
	conf = listenLine.ReplaceAll(conf, []byte("${1}listen 127.0.0.1:"+port+";"))

	dir := t.TempDir()
	// Workers run as an unprivileged user when nginx starts as root; let
	// them use the temporary directory.
	require.NoError(t, os.Chmod(dir, 0o777))
	path := filepath.Join(dir, "nginx.conf")
	require.NoError(t, os.WriteFile(path, conf, 0o644))
	global := fmt.Sprintf("daemon off; pid %s; error_log %s warn;", filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "error.log"))
	cmd := exec.Command(bin, "-p", dir, "-c", path, "-g", global)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		// SIGTERM is NGINX's fast shutdown: workers exit at once instead
		// of waiting for keep-alive connections to go idle.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx output:\n%s\nerror.log:\n%s", out, log)
		}
	})
	base := "http://127.0.0.1:" + port
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/nginx-health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		select {
		case <-exited:
			t.Fatalf("nginx exited: %s", out)
		default:
		}
		require.True(t, time.Now().Before(deadline), "nginx did not answer: %v %s", err, out)
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// client talks to NGINX as a CI job would: with the tenant in the path
// prefix (even tenants) or in the X-Sim-Tenant header (odd ones), so both
// routing keys are exercised.
type client struct {
	base string
	http *http.Client
}

type answer struct {
	status  int
	replica string
	body    []byte
}

func (c *client) do(t *testing.T, i int, method, path, body string) answer {
	id := fmt.Sprintf("ci-job-%03d", i)
	url := c.base + path
	if i%2 == 0 {
		url = c.base + "/t/" + id + path
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, rd)
	if !assert.NoError(t, err) {
		return answer{}
	}
	if i%2 == 1 {
		req.Header.Set("X-Sim-Tenant", id)
	}
	if strings.HasPrefix(path, "/flowroute/") {
		req.SetBasicAuth("demo-access-key", "demo-secret-key")
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if !assert.NoError(t, err, "%s %s", method, url) {
		return answer{}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	assert.NoError(t, err)
	return answer{status: resp.StatusCode, replica: resp.Header.Get(app.ReplicaHeader), body: b}
}

type cnam struct {
	Data struct {
		ID         string `json:"id"`
		Attributes struct {
			Value      string `json:"value"`
			IsApproved bool   `json:"is_approved"`
		} `json:"attributes"`
	} `json:"data"`
}

// tenantRun is what one tenant did and where.
type tenantRun struct {
	replica string
	cnamID  string
}

func TestNginxKeepsEachTenantOnOneReplica(t *testing.T) {
	if testing.Short() {
		t.Skip("starts NGINX and three replicas")
	}
	replicas := startReplicas(t, 3)
	base := startNginx(t, replicas)
	c := &client{base: base, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}}
	t.Cleanup(c.http.CloseIdleConnections)

	// Create a record in every tenant, read it back, advance the tenant's
	// clock past the approval delay and see the approval: each step must be
	// answered by the same replica.
	start := time.Now()
	runs := make([]tenantRun, tenants)
	parallel(tenants, 16, func(i int) {
		created := c.do(t, i, http.MethodPost, "/flowroute/v2/cnams", fmt.Sprintf(`{"value":"TENANT %03d"}`, i))
		var rec cnam
		if !assert.Equal(t, http.StatusCreated, created.status, string(created.body)) ||
			!assert.NoError(t, json.Unmarshal(created.body, &rec)) {
			return
		}
		runs[i] = tenantRun{replica: created.replica, cnamID: rec.Data.ID}

		read := c.do(t, i, http.MethodGet, "/flowroute/v2/cnams/"+rec.Data.ID, "")
		assert.Equal(t, http.StatusOK, read.status, string(read.body))
		assert.Equal(t, created.replica, read.replica, "tenant %d read on another replica", i)

		adv := c.do(t, i, http.MethodPost, "/__sim/clock/advance", `{"by":"5h"}`)
		assert.Equal(t, http.StatusOK, adv.status, string(adv.body))
		assert.Equal(t, created.replica, adv.replica, "tenant %d advanced on another replica", i)

		after := c.do(t, i, http.MethodGet, "/flowroute/v2/cnams/"+rec.Data.ID, "")
		var approved cnam
		if !assert.Equal(t, http.StatusOK, after.status, string(after.body)) ||
			!assert.NoError(t, json.Unmarshal(after.body, &approved)) {
			return
		}
		assert.True(t, approved.Data.Attributes.IsApproved, "tenant %d: the clock advance reached the replica holding the record", i)
		assert.Equal(t, fmt.Sprintf("TENANT %03d", i), approved.Data.Attributes.Value)
	})
	if t.Failed() {
		return
	}

	t.Logf("%s: tenants created, read, advanced", time.Since(start))
	perReplica := map[string]int{}
	for _, r := range runs {
		perReplica[r.replica]++
	}
	t.Logf("tenants per replica: %v", perReplica)
	for _, r := range replicas {
		assert.GreaterOrEqual(t, perReplica[r.name], tenants/5, "replica %s holds under 20%% of the tenants", r.name)
	}

	// Lose one replica. Its tenants move to the others and start again from
	// the scenario; every other tenant stays where it was, with its data.
	lost := replicas[1]
	lost.srv.CloseClientConnections()
	lost.srv.Close()
	t.Logf("%s: replica %s stopped", time.Since(start), lost.name)
	moved := 0
	parallel(tenants, 16, func(i int) {
		got := c.do(t, i, http.MethodGet, "/flowroute/v2/cnams/"+runs[i].cnamID, "")
		if runs[i].replica != lost.name {
			assert.Equal(t, runs[i].replica, got.replica, "tenant %d moved though its replica is up", i)
			assert.Equal(t, http.StatusOK, got.status, "tenant %d lost its record: %s", i, got.body)
			return
		}
		assert.NotEqual(t, lost.name, got.replica)
		assert.NotEmpty(t, got.replica)
		assert.Equal(t, http.StatusNotFound, got.status, "tenant %d starts again from the scenario on %s", i, got.replica)
		again := c.do(t, i, http.MethodPost, "/flowroute/v2/cnams", `{"value":"MOVED"}`)
		assert.Equal(t, http.StatusCreated, again.status, string(again.body))
		assert.Equal(t, got.replica, again.replica, "a moved tenant stays on its new replica")
	})
	t.Logf("%s: tenants checked after the loss", time.Since(start))
	for _, r := range runs {
		if r.replica == lost.name {
			moved++
		}
	}
	assert.Equal(t, perReplica[lost.name], moved)
}

// The default tenant needs no routing key and always lands on one replica.
func TestNginxDefaultTenantNeedsNoKey(t *testing.T) {
	if testing.Short() {
		t.Skip("starts NGINX and three replicas")
	}
	replicas := startReplicas(t, 3)
	base := startNginx(t, replicas)
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		resp, err := http.Get(base + "/__sim/clock")
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "default", resp.Header.Get("X-Sim-Routed-Tenant"))
		seen[resp.Header.Get(app.ReplicaHeader)] = true
	}
	assert.Len(t, seen, 1, "every keyless request goes to the default tenant's replica")
}

// parallel runs f(0..n-1) on workers goroutines and waits. f reports
// with assert, never require: t.FailNow must not run off the test's own
// goroutine.
func parallel(n, workers int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
