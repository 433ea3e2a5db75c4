package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/app"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var mainURL = regexp.MustCompile(`on (http://[0-9.:]+) `)

// startServe runs the serve command in-process and returns its base URL and
// a stop function that behaves like SIGTERM and returns run's error.
func startServe(t *testing.T, args ...string) (string, func() error, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(string) string { return "" }, out, errOut)
	}()
	deadline := time.After(10 * time.Second)
	for {
		if m := mainURL.FindStringSubmatch(out.String()); m != nil {
			stop := func() error { cancel(); return <-done }
			return m[1], stop, errOut
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, errOut.String())
		case <-deadline:
			cancel()
			t.Fatalf("serve did not start: %s", errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestServeBannerAndGracefulStop(t *testing.T) {
	base, stop, _ := startServe(t)
	resp, err := http.Get(base + "/__sim/health")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, stop())
}

func TestStateFileSurvivesRestart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	base, stop, _ := startServe(t, "--state-file", file)
	req, _ := http.NewRequest("POST", base+"/t/durable/flowroute/v2/cnams", strings.NewReader(`{"value":"KEEP ME"}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("demo-access-key", "demo-secret-key")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	adv, err := http.Post(base+"/t/durable/__sim/clock/advance", "application/json", strings.NewReader(`{"by":"30m"}`))
	require.NoError(t, err)
	var before struct{ Now time.Time }
	require.NoError(t, json.NewDecoder(adv.Body).Decode(&before))
	adv.Body.Close()
	require.NoError(t, stop())

	base, stop, _ = startServe(t, "--state-file", file)
	defer func() { require.NoError(t, stop()) }()
	req, _ = http.NewRequest("GET", base+"/t/durable/flowroute/v2/cnams?value=keep", nil)
	req.SetBasicAuth("demo-access-key", "demo-secret-key")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), "KEEP ME")
	resp, err = http.Get(base + "/t/durable/__sim/clock")
	require.NoError(t, err)
	var after struct{ Now time.Time }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&after))
	resp.Body.Close()
	assert.False(t, after.Now.Before(before.Now), "the clock resumes where it stopped")
}

func TestLoadScenario(t *testing.T) {
	sc, files, err := loadScenario("")
	require.NoError(t, err)
	assert.Equal(t, "default", sc.Name)
	assert.Empty(t, files, "the embedded default is not watched")

	_, _, err = loadScenario("testdata/nope.yaml")
	require.Error(t, err)
	assert.Equal(t, "testdata/nope.yaml: open testdata/nope.yaml: no such file or directory", err.Error())
}

// watchRun is a simulator on a scenario file with a watcher polling it
// every 20 ms.
type watchRun struct {
	t     *testing.T
	app   *app.App
	files watchedFiles // what the watcher started from
	logs  syncBuffer
}

func startWatch(t *testing.T, path string) *watchRun {
	t.Helper()
	sc, files, err := loadScenario(path)
	require.NoError(t, err)
	a, err := app.New(app.Config{Scenario: sc})
	require.NoError(t, err)
	w := &watchRun{t: t, app: a, files: files}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go watchScenario(ctx, a, path, w.files, 20*time.Millisecond, slog.New(slog.NewTextHandler(&w.logs, nil)))
	return w
}

// waitFor polls cond for up to 5 s, failing with the watcher's logs.
func (w *watchRun) waitFor(what string, cond func() bool) {
	w.t.Helper()
	for i := 0; i < 250; i++ {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.t.Fatalf("timed out waiting for %s; logs:\n%s", what, w.logs.String())
}

func (w *watchRun) name() string { return w.app.Scenario("default").Name }

func TestWatchReloadsGoodFilesAndKeepsOldOnBad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "watched.yaml")
	good := "version: 1\nname: first\nflowroute:\n  accounts: [{name: a, accessKey: k1, secretKey: s1}]\n"
	require.NoError(t, os.WriteFile(path, []byte(good), 0o644))
	w := startWatch(t, path)

	require.NoError(t, os.WriteFile(path, []byte("version: 1\nname: broken\nflowroute:\n  acounts: []\n"), 0o644))
	w.waitFor("the failed reload to be logged", func() bool { return strings.Contains(w.logs.String(), "scenario reload failed") })
	assert.Equal(t, "first", w.name())
	assert.Contains(t, w.logs.String(), "acounts")

	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(good, "first", "second", 1)), 0o644))
	w.waitFor("the reload", func() bool { return w.name() == "second" })
	sc2 := bufio.NewScanner(strings.NewReader(w.logs.String()))
	found := false
	for sc2.Scan() {
		found = found || strings.Contains(sc2.Text(), "scenario reloaded")
	}
	assert.True(t, found)
}

// A change in an included file reloads the scenario too, and so does fixing
// an include that could not be read.
func TestWatchFollowsIncludedFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "main.yaml")
	base := filepath.Join(dir, "base.yaml")
	require.NoError(t, os.WriteFile(base, []byte("version: 1\nname: base-one\n"), 0o644))
	require.NoError(t, os.WriteFile(path, []byte("version: 1\ninclude: [base.yaml]\nflowroute:\n  accounts: [{name: a, accessKey: k1, secretKey: s1}]\n"), 0o644))
	w := startWatch(t, path)
	require.Equal(t, "base-one", w.name())
	assert.Len(t, w.files, 2, "the main file and its include are watched")

	require.NoError(t, os.WriteFile(base, []byte("version: 1\nname: base-two\n"), 0o644))
	w.waitFor("the reload after the included file changed", func() bool { return w.name() == "base-two" })

	require.NoError(t, os.Remove(base))
	w.waitFor("the failed reload of a missing include", func() bool { return strings.Contains(w.logs.String(), "cannot read") })
	assert.Equal(t, "base-two", w.name(), "the running scenario stays")
	require.NoError(t, os.WriteFile(base, []byte("version: 1\nname: base-three\n"), 0o644))
	w.waitFor("the reload once the include is back", func() bool { return w.name() == "base-three" })
}
