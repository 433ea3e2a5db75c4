package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/app"
)

func newStateApp(t *testing.T) *app.App {
	t.Helper()
	a, err := app.New(app.Config{Scenario: mustDefault()})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	return a
}

// The state file is saved while the simulator runs, not only at shutdown,
// so a process killed between saves loses at most one interval.
func TestStateFileIsSavedPeriodically(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	base, stop, _ := startServe(t, "--state-file", path, "--state-interval", "100ms")
	postCNAM(t, base, "periodic", "SAVED ALONG")
	require.Eventually(t, func() bool {
		data, err := os.ReadFile(path)
		return err == nil && bytes.Contains(data, []byte("SAVED ALONG"))
	}, 5*time.Second, 50*time.Millisecond, "the running simulator saved the new record")
	require.NoError(t, stop())
}

func TestStateFileSaveIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	a := newStateApp(t)
	_, err := a.World("kept")
	require.NoError(t, err)
	saved, skipped, err := saveState(a, path)
	require.NoError(t, err)
	assert.Empty(t, skipped)
	assert.GreaterOrEqual(t, saved, 1)
	before, err := os.ReadFile(path)
	require.NoError(t, err)
	var sf stateFile
	require.NoError(t, json.Unmarshal(before, &sf), "the file is one JSON document")
	assert.Equal(t, stateFileVersion, sf.Version)

	// A save that cannot write (the directory is read-only) fails and
	// leaves the previous file as it was.
	if os.Geteuid() != 0 { // root writes anywhere
		require.NoError(t, os.Chmod(dir, 0o555))
		defer os.Chmod(dir, 0o755)
		_, _, err = saveState(a, path)
		require.Error(t, err)
		after, rerr := os.ReadFile(path)
		require.NoError(t, rerr)
		assert.Equal(t, before, after)
	}
	// Nor does a failed save leave temporary files behind.
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1)
}

func TestStateFileRestore(t *testing.T) {
	dir := t.TempDir()
	good := newStateApp(t)
	_, err := good.World("alpha")
	require.NoError(t, err)
	_, err = good.World("beta")
	require.NoError(t, err)
	path := filepath.Join(dir, "state.json")
	_, _, err = saveState(good, path)
	require.NoError(t, err)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)

	// One tenant that no longer imports is reported and skipped; the others
	// are restored.
	var sf stateFile
	require.NoError(t, json.Unmarshal(raw, &sf))
	for i, tn := range sf.Tenants {
		if bytes.Contains(tn, []byte(`"tenant": "beta"`)) {
			sf.Tenants[i] = json.RawMessage(strings.Replace(string(tn), `"version": 1`, `"version": 7`, 1))
		}
	}
	broken, err := json.Marshal(sf)
	require.NoError(t, err)
	onePath := filepath.Join(dir, "one-bad.json")
	require.NoError(t, os.WriteFile(onePath, broken, 0o644))
	fresh := newStateApp(t)
	n, skipped, err := loadState(fresh, onePath)
	require.NoError(t, err)
	require.Len(t, skipped, 1)
	assert.Contains(t, skipped[0], "beta")
	assert.GreaterOrEqual(t, n, 1)
	_, ok := fresh.Tenants().Lookup("alpha")
	assert.True(t, ok, "the good tenant is restored")

	cases := []struct {
		name, content, want string
	}{
		{"corrupt", `{"version":1,"tenants":[{"tenant":`, "is not a state file"},
		{"too new", `{"version":2,"tenants":[]}`, "written by a newer build"},
		{"no version", `{"tenants":[]}`, "has no version"},
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "state.json")
			require.NoError(t, os.WriteFile(p, []byte(c.content), 0o644))
			err := restoreState(newStateApp(t), p, false, log)
			require.Error(t, err)
			assert.Contains(t, err.Error(), p, "the error names the file")
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "--state-reset")

			// --state-reset moves it aside and starts fresh.
			require.NoError(t, restoreState(newStateApp(t), p, true, log))
			_, statErr := os.Stat(p)
			assert.True(t, os.IsNotExist(statErr), "the bad file is moved away")
			moved, _ := filepath.Glob(p + ".bad-*")
			require.Len(t, moved, 1)
			kept, err := os.ReadFile(moved[0])
			require.NoError(t, err)
			assert.Equal(t, c.content, string(kept))
			assert.Contains(t, logs.String(), moved[0])
		})
	}
}

func TestServeRefusesAnUnreadableStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, os.WriteFile(path, []byte("not json"), 0o644))
	var out, errb syncBuffer
	err := run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--state-file", path}, func(string) string { return "" }, &out, &errb)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)

	base, stop, _ := startServe(t, "--state-file", path, "--state-reset")
	resp, err := http.Get(base + "/__sim/health")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, stop())
}
