package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/app"
)

// stateFileVersion is the layout of the file --state-file holds:
// {"version": 1, "tenants": [<each tenant's export>, ...]}.
const stateFileVersion = 1

// stateFile is the file's head and its tenants, as read.
type stateFile struct {
	Version int               `json:"version"`
	Tenants []json.RawMessage `json:"tenants"`
}

// saveState writes every tenant's world to path atomically: into a
// temporary file beside it, tenant by tenant (so memory holds one tenant's
// export at a time), synced, then renamed over path, and the directory
// synced. A tenant that cannot be exported is reported in skipped and left
// out; it is never the reason the others are lost. A failed save leaves the
// previous file as it was.
func saveState(a *app.App, path string) (saved int, skipped []string, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".simulator-state-*")
	if err != nil {
		return 0, nil, err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	w := bufio.NewWriterSize(tmp, 256<<10)
	fmt.Fprintf(w, `{"version":%d,"tenants":[`, stateFileVersion)
	for _, world := range a.Tenants().All() {
		b, err := a.Export(world)
		if err != nil {
			skipped = append(skipped, world.ID+": "+err.Error())
			continue
		}
		if saved > 0 {
			w.WriteByte(',')
		}
		w.WriteByte('\n')
		w.Write(b)
		saved++
	}
	w.WriteString("\n]}\n")
	if err := w.Flush(); err != nil {
		tmp.Close()
		return 0, skipped, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return 0, skipped, err
	}
	if err := tmp.Close(); err != nil {
		return 0, skipped, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, skipped, err
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		_ = dir.Sync() // the rename itself survives a crash
		dir.Close()
	}
	return saved, skipped, nil
}

// errStateFile is a state file that cannot be used at all: corrupt, or
// written by a newer build.
var errStateFile = errors.New("the state file cannot be read")

// loadState restores the tenants saved in path; a missing file is not an
// error (first start). A tenant that does not import is reported in skipped
// and the others restored. A file that cannot be read at all is an error
// wrapping errStateFile that names the file and the problem.
func loadState(a *app.App, path string) (restored int, skipped []string, err error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	var sf stateFile
	if err := json.NewDecoder(bufio.NewReader(f)).Decode(&sf); err != nil {
		return 0, nil, fmt.Errorf("%w: %s is not a state file (%v)", errStateFile, path, err)
	}
	switch {
	case sf.Version == 0:
		return 0, nil, fmt.Errorf("%w: %s has no version", errStateFile, path)
	case sf.Version > stateFileVersion:
		return 0, nil, fmt.Errorf("%w: %s is version %d, written by a newer build (this one reads %d)", errStateFile, path, sf.Version, stateFileVersion)
	}
	for i, raw := range sf.Tenants {
		var head struct {
			Tenant string `json:"tenant"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			skipped = append(skipped, fmt.Sprintf("tenant %d: %v", i, err))
			continue
		}
		if _, err := a.Import(head.Tenant, raw); err != nil {
			skipped = append(skipped, head.Tenant+": "+err.Error())
			continue
		}
		restored++
	}
	return restored, skipped, nil
}

// moveAside renames a bad state file out of the way (FILE.bad-<time>) so
// the simulator can start fresh; it returns the new name.
func moveAside(path string, now time.Time) (string, error) {
	to := path + ".bad-" + strings.ReplaceAll(now.UTC().Format("20060102T150405.000Z"), ".", "")
	return to, os.Rename(path, to)
}

// restoreState loads --state-file at start. With reset, a file that
// cannot be read is moved aside and the simulator starts fresh.
func restoreState(a *app.App, path string, reset bool, log *slog.Logger) error {
	n, skipped, err := loadState(a, path)
	if errors.Is(err, errStateFile) && reset {
		to, mvErr := moveAside(path, time.Now())
		if mvErr != nil {
			return fmt.Errorf("%v; moving it aside failed: %w", err, mvErr)
		}
		log.Warn("state file unreadable: moved aside, starting fresh", "file", path, "moved_to", to, "problem", err.Error())
		return nil
	}
	if err != nil {
		if errors.Is(err, errStateFile) {
			return fmt.Errorf("%w (start with --state-reset to move it aside and start fresh)", err)
		}
		return err
	}
	for _, s := range skipped {
		log.Error("state file: tenant not restored", "file", path, "tenant", s)
	}
	if n > 0 {
		log.Info("restored tenants", "file", path, "tenants", n, "skipped", len(skipped))
	}
	return nil
}

// persist saves the state file and reports what it skipped.
func persist(a *app.App, path string, log *slog.Logger) error {
	n, skipped, err := saveState(a, path)
	for _, s := range skipped {
		log.Error("state file: tenant not saved", "file", path, "tenant", s)
	}
	if err != nil {
		log.Error("state file not written; the previous one is kept", "file", path, "err", err)
		return err
	}
	log.Debug("saved tenants", "file", path, "tenants", n)
	return nil
}
