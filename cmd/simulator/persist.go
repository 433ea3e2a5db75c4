package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/telecomsim/simulator/internal/app"
	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/scenario"
)

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
