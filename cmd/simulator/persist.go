package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/scenario"
)

// stateFile is what --state-file holds: every tenant's exported world.
type stateFile struct {
	Version int               `json:"version"`
	Tenants []json.RawMessage `json:"tenants"`
}

// saveState writes every tenant's world to path atomically.
func saveState(a *app.App, path string) (int, error) {
	sf := stateFile{Version: 1, Tenants: []json.RawMessage{}}
	for _, w := range a.Tenants().All() {
		b, err := a.Export(w)
		if err != nil {
			return 0, fmt.Errorf("tenant %s: %w", w.ID, err)
		}
		sf.Tenants = append(sf.Tenants, b)
	}
	data, err := json.Marshal(sf)
	if err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".simulator-state-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	return len(sf.Tenants), os.Rename(tmp.Name(), path)
}

// loadState restores the tenants saved in path; a missing file is not an
// error (first start).
func loadState(a *app.App, path string) (int, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var sf stateFile
	if err := json.Unmarshal(data, &sf); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	for i, raw := range sf.Tenants {
		var head struct {
			Tenant string `json:"tenant"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return i, fmt.Errorf("%s: tenant %d: %w", path, i, err)
		}
		if _, err := a.Import(head.Tenant, raw); err != nil {
			return i, fmt.Errorf("%s: tenant %s: %w", path, head.Tenant, err)
		}
	}
	return len(sf.Tenants), nil
}

// watchScenario reloads the scenario file when its content, or that of a
// file it includes, changes from what files holds (see parseWatched). A bad
// file is logged and the running scenario kept; a good one replaces it and
// every tenant restarts from it.
func watchScenario(ctx context.Context, a *app.App, path string, files watchedFiles, every time.Duration, log *slog.Logger) {
	for clock.Sleep(ctx, every) == nil {
		if !files.changed() {
			continue
		}
		sc, now, err := parseWatched(path, a.Names())
		files = now
		if err == nil {
			err = a.SetScenario(sc) // configures every section, or reports its problems
		}
		if err != nil {
			log.Error("scenario reload failed; the previous scenario keeps running", "file", path, "problems", err.Error())
			continue
		}
		log.Info("scenario reloaded; tenants restart from it", "file", path, "name", sc.Name)
	}
}

// watchedFiles are a scenario file and the files it includes, as last read
// (nil: could not be read).
type watchedFiles map[string][]byte

// changed reports whether a file reads differently now, or appeared or went.
func (w watchedFiles) changed() bool {
	for name, old := range w {
		data, err := os.ReadFile(name)
		if (err != nil) != (old == nil) || !bytes.Equal(data, old) {
			return true
		}
	}
	return false
}

// parseWatched parses the scenario at path for the providers named and notes
// every file it read, so a watcher starts from exactly what was parsed.
func parseWatched(path string, providers []string) (*scenario.Scenario, watchedFiles, error) {
	files := watchedFiles{}
	read := func(name string) ([]byte, error) {
		data, err := os.ReadFile(name)
		if err == nil && data == nil {
			data = []byte{}
		}
		files[name] = data
		return data, err
	}
	data, err := read(path)
	if err != nil {
		return nil, files, scenario.Problems{{File: path, Msg: err.Error()}}
	}
	sc, err := scenario.Parse(path, data, providers, read)
	return sc, files, err
}
