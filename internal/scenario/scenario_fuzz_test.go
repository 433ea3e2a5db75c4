package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

var fuzzProviders = []string{"flowroute", "tnregistry", "somos", "call48", "tmobile"}

// FuzzParse feeds arbitrary bytes to the scenario parser, includes and all.
// It must return a scenario or problems, never panic, and a parsed
// scenario's sections must decode without panicking.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("version: 1\ninclude: [base.yaml]\nseed: 7\n"))
	f.Add([]byte("version: 1\nclock: {start: \"+5m\", mode: frozen}\nevents: [{at: \"+1h\", provider: flowroute, action: approve}]\n"))
	f.Add([]byte("version: 1\n&a [*a, *a]\n"))
	f.Add([]byte("version: 1\njournal: {size: -1, bodyLimit: 99999999999999999999}\n"))
	read := func(name string) ([]byte, error) {
		switch name {
		case "base.yaml":
			return []byte("version: 1\nseed: 3\nflowroute: {}\ninclude: [leaf.yaml]\n"), nil
		case "leaf.yaml":
			return []byte("version: 1\nname: leaf\n"), nil
		case "loop.yaml":
			return []byte("version: 1\ninclude: [loop.yaml]\n"), nil
		}
		return nil, os.ErrNotExist
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("fuzz.yaml", data, fuzzProviders, read)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			var ps Problems
			if errors.As(err, &ps) && len(ps) == 0 {
				t.Fatal("empty problems returned as an error")
			}
			return
		}
		if sc == nil {
			t.Fatal("nil scenario without an error")
		}
		for _, sec := range sc.Sections {
			var v any
			_ = sec.Decode(&v)
			var m map[string]int
			_ = sec.Decode(&m)
		}
		var events []map[string]any
		_ = sc.Events.Decode(&events)
		var faults []map[string]any
		_ = sc.Faults.Decode(&faults)
	})
}
