package scenario

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var providers = []string{"flowroute", "call48", "somos", "acme"}

func load(t *testing.T, file string) (*Scenario, error) {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	return Parse(file, data, providers, nil)
}

// problemLines renders an error from this package one problem per element.
func problemLines(err error) []string {
	var out []string
	for _, p := range AsProblems(err) {
		out = append(out, p.String())
	}
	return out
}

func TestParseGood(t *testing.T) {
	s, err := load(t, "testdata/good.yaml")
	require.NoError(t, err)
	assert.Equal(t, Header{
		Version:     1,
		Name:        "partner-demo",
		Description: "a world for tests",
		Seed:        42,
		Clock: ClockSpec{
			From:  ClockStart{Abs: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)},
			Start: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), Mode: "frozen",
		},
		Journal: JournalSpec{Size: 50, BodyLimit: 2048, HeaderLimit: DefaultJournalHeaderLimit, Bytes: DefaultJournalBytes},
	}, s.Header)
	assert.Equal(t, "testdata/good.yaml", s.File)
	assert.True(t, strings.HasPrefix(s.Source, "version: 1\n"))
	require.Len(t, s.Sections, 2)
	assert.True(t, s.Sections["flowroute"].Present())
	assert.Equal(t, "flowroute", s.Sections["flowroute"].Path)
	assert.Equal(t, "testdata/good.yaml", s.Sections["flowroute"].File)
	assert.True(t, s.Sections["call48"].Present())
	assert.False(t, s.Sections["somos"].Present(), "a provider absent from the file has no section")
	assert.True(t, s.Faults.Present())
	assert.Equal(t, "faults", s.Faults.Path)
	assert.True(t, s.Events.Present())
	assert.Equal(t, "events", s.Events.Path)
}

func TestParseDefaults(t *testing.T) {
	s, err := load(t, "testdata/minimal.yaml")
	require.NoError(t, err)
	assert.Equal(t, Header{
		Version: 1,
		Name:    "minimal",
		Clock:   ClockSpec{From: ClockStart{Abs: DefaultStart}, Start: DefaultStart, Mode: "real"},
		Journal: JournalSpec{Size: 1000, BodyLimit: 16 << 10, HeaderLimit: DefaultJournalHeaderLimit, Bytes: DefaultJournalBytes},
	}, s.Header)
	assert.Empty(t, s.Sections)
	assert.False(t, s.Faults.Present())
	assert.False(t, s.Events.Present())
	assert.NoError(t, s.Faults.Decode(&[]int{}), "an absent section decodes to nothing")
}

func TestParseProblems(t *testing.T) {
	const known = "known: acme, call48, clock, description, events, faults, flowroute, include, journal, name, secrets, seed, somos, stubs, version"
	tests := []struct {
		file string
		want []string
	}{
		{"no_version.yaml", []string{
			"testdata/no_version.yaml:1:1: version: missing; write version: 1",
		}},
		{"bad_version.yaml", []string{
			"testdata/bad_version.yaml:2:10: version: unsupported version 2 (this build reads version 1)",
		}},
		{"unknown_top.yaml", []string{
			"testdata/unknown_top.yaml:3:1: twilio: unknown top-level key (" + known + ")",
		}},
		{"unknown_nested.yaml", []string{
			`testdata/unknown_nested.yaml:3:3: clock.strat: unknown field (did you mean "start"?)`,
			`testdata/unknown_nested.yaml:6:3: journal.sise: unknown field (did you mean "size"?)`,
		}},
		{"wrong_int.yaml", []string{
			`testdata/wrong_int.yaml:3:9: journal.size: expected an integer, got "big"`,
		}},
		{"wrong_mapping.yaml", []string{
			"testdata/wrong_mapping.yaml:3:3: clock: expected a mapping, got a list",
		}},
		{"wrong_time.yaml", []string{
			"testdata/wrong_time.yaml:2:7: seed: expected an integer, got a list",
			`testdata/wrong_time.yaml:4:10: clock.start: "yesterday": want an RFC 3339 time such as 2026-01-05T09:00:00Z, or now, now-2h`,
		}},
		{"bad_mode.yaml", []string{
			`testdata/bad_mode.yaml:2:15: clock.mode: unknown mode "paused" (want real or frozen)`,
			"testdata/bad_mode.yaml:3:17: journal.size: must not be negative",
			"testdata/bad_mode.yaml:3:32: journal.bodyLimit: must not be negative",
		}},
		{"duplicate.yaml", []string{
			"testdata/duplicate.yaml:3:1: seed: duplicate key",
		}},
		{"duplicate_provider.yaml", []string{
			"testdata/duplicate_provider.yaml:3:1: flowroute: duplicate key",
		}},
		{"syntax.yaml", []string{
			"testdata/syntax.yaml:3:1: syntax: found unexpected end of stream",
		}},
		{"syntax_indent.yaml", []string{
			"testdata/syntax_indent.yaml:3:1: syntax: did not find expected key",
		}},
		{"not_mapping.yaml", []string{
			"testdata/not_mapping.yaml:1:1: a scenario must be a mapping with at least a version",
		}},
		{"empty.yaml", []string{
			"testdata/empty.yaml:1:1: empty scenario; write at least version: 1",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s, err := load(t, filepath.Join("testdata", tt.file))
			require.Error(t, err)
			assert.Nil(t, s)
			var ps Problems
			require.True(t, errors.As(err, &ps), "the error is Problems")
			assert.Equal(t, tt.want, problemLines(err))
			assert.Equal(t, strings.Join(tt.want, "\n"), err.Error())
		})
	}
}

func TestParseInline(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // nil: parses
	}{
		{"version as a string", "version: one\n", []string{`s.yaml:1:10: version: expected an integer, got "one"`}},
		{"name as a list", "version: 1\nname: [a]\n", []string{"s.yaml:2:7: name: expected a string, got a list"}},
		{"journal as a scalar", "version: 1\njournal: 5\n", []string{`s.yaml:2:10: journal: expected a mapping, got "5"`}},
		{"include as a scalar", "version: 1\ninclude: x.yaml\n", []string{"s.yaml:2:10: include: expected a list of file names"}},
		{"null journal is fine", "version: 1\njournal:\n", nil},
		{"frozen mode", "version: 1\nclock: {mode: frozen}\n", nil},
		{"several unknown keys are all reported", "version: 1\nfoo: 1\nbar: 2\n", []string{
			"s.yaml:2:1: foo: unknown top-level key (known: acme, call48, clock, description, events, faults, flowroute, include, journal, name, secrets, seed, somos, stubs, version)",
			"s.yaml:3:1: bar: unknown top-level key (known: acme, call48, clock, description, events, faults, flowroute, include, journal, name, secrets, seed, somos, stubs, version)",
		}},
		{"no suggestion when nothing is close", "version: 1\nclock: {zzzzzz: 1}\n", []string{"s.yaml:2:9: clock.zzzzzz: unknown field"}},
		{"suggestion ignores case", "version: 1\njournal: {bodylimit: 1}\n", []string{`s.yaml:2:11: journal.bodylimit: unknown field (did you mean "bodyLimit"?)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(tt.src), providers, nil)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tt.want, problemLines(err))
		})
	}
}

func TestParseNameDefaultsToFileName(t *testing.T) {
	s, err := Parse("dir/ci-world.yml", []byte("version: 1\n"), nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "ci-world", s.Name)
}

func TestParseWithoutProviders(t *testing.T) {
	_, err := Parse("s.yaml", []byte("version: 1\nflowroute: {}\n"), nil, nil)
	require.Error(t, err)
	assert.Equal(t, []string{
		"s.yaml:2:1: flowroute: unknown top-level key (known: clock, description, events, faults, include, journal, name, secrets, seed, stubs, version)",
	}, problemLines(err))
}

type flowrouteCfg struct {
	Approval struct {
		After  Duration `yaml:"after"`
		Reject []string `yaml:"reject"`
	} `yaml:"approval"`
	Credentials []struct {
		AccessKey string `yaml:"accessKey"`
		SecretKey string `yaml:"secretKey"`
	} `yaml:"credentials"`
}

func TestInclude(t *testing.T) {
	tests := []struct {
		name         string
		file         string
		wantHeader   Header
		wantReject   []string
		wantSecNames []string
	}{
		{
			name: "one include",
			file: "testdata/include/main.yaml",
			wantHeader: Header{
				Version: 1, Name: "main", Seed: 9,
				Clock:   ClockSpec{From: ClockStart{Abs: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}, Start: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Mode: "frozen"},
				Journal: JournalSpec{Size: 20, BodyLimit: 100, HeaderLimit: DefaultJournalHeaderLimit, Bytes: DefaultJournalBytes},
			},
			wantReject:   []string{"phone-number"},
			wantSecNames: []string{"call48", "flowroute", "somos"},
		},
		{
			name: "chained includes",
			file: "testdata/include/chain.yaml",
			wantHeader: Header{
				Version: 1, Name: "main", Seed: 9,
				Clock:   ClockSpec{From: ClockStart{Abs: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}, Start: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Mode: "frozen"},
				Journal: JournalSpec{Size: 20, BodyLimit: 7, HeaderLimit: DefaultJournalHeaderLimit, Bytes: DefaultJournalBytes},
			},
			wantReject:   []string{"phone-number"},
			wantSecNames: []string{"call48", "flowroute", "somos"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := load(t, tt.file)
			require.NoError(t, err)
			assert.Equal(t, tt.wantHeader, s.Header, "scalars override, nested mappings merge key by key")
			var names []string
			for n := range s.Sections {
				names = append(names, n)
			}
			assert.ElementsMatch(t, tt.wantSecNames, names)

			var fr flowrouteCfg
			require.NoError(t, s.Sections["flowroute"].Decode(&fr))
			assert.Equal(t, 10*time.Minute, fr.Approval.After.D(), "the base's value stays when not overridden")
			assert.Equal(t, tt.wantReject, fr.Approval.Reject, "a list is replaced, not appended to")
			require.Len(t, fr.Credentials, 1)
			assert.Equal(t, "base-key", fr.Credentials[0].AccessKey)

			var c48 struct {
				Inventory map[string]int `yaml:"inventory"`
			}
			require.NoError(t, s.Sections["call48"].Decode(&c48))
			assert.Equal(t, map[string]int{"local": 5}, c48.Inventory)
		})
	}
}

func TestIncludeProblems(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"cycle_a.yaml", []string{"testdata/include/cycle_b.yaml:1:10: include: includes nested too deeply (a cycle?)"}},
		{"missing.yaml", []string{"testdata/include/missing.yaml:4:5: include[1]: cannot read: open testdata/include/nowhere.yaml: no such file or directory"}},
		{"not_list.yaml", []string{"testdata/include/not_list.yaml:2:10: include: expected a list of file names"}},
		// A problem in an included file names that file, not the includer.
		{"uses_bad_base.yaml", []string{`testdata/include/bad_base.yaml:3:9: journal.size: expected an integer, got "lots"`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := load(t, filepath.Join("testdata/include", tt.file))
			require.Error(t, err)
			assert.Equal(t, tt.want, problemLines(err))
		})
	}
}

func TestIncludeSyntaxErrorNamesIncludedFile(t *testing.T) {
	files := map[string]string{
		"dir/main.yaml":     "version: 1\ninclude: [sub/base.yaml]\n",
		"dir/sub/base.yaml": "seed: [1\n",
	}
	var asked []string
	read := func(name string) ([]byte, error) {
		asked = append(asked, name)
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}
	_, err := Parse("dir/main.yaml", []byte(files["dir/main.yaml"]), providers, read)
	require.Error(t, err)
	assert.Equal(t, []string{"dir/sub/base.yaml"}, asked, "includes resolve relative to the including file")
	lines := problemLines(err)
	require.Len(t, lines, 1)
	assert.True(t, strings.HasPrefix(lines[0], "dir/sub/base.yaml:"), lines[0])
	assert.Contains(t, lines[0], "syntax: ")
}

func TestIncludeAbsolutePathAndOrder(t *testing.T) {
	files := map[string]string{
		"/abs/one.yaml": "version: 1\nseed: 1\nname: one\n",
		"rel/two.yaml":  "seed: 2\n",
	}
	read := func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("no " + name)
	}
	s, err := Parse("rel/top.yaml", []byte("include: [/abs/one.yaml, two.yaml]\n"), providers, read)
	require.NoError(t, err)
	assert.Equal(t, int64(2), s.Seed, "a later include overrides an earlier one")
	assert.Equal(t, "one", s.Name)
	assert.Equal(t, 1, s.Version)
}

// A provider-like configuration with nested lists and mappings.
type acmeNumbers struct {
	List   []int             `yaml:"list"`
	Labels map[string]string `yaml:"labels"`
}

type acmeAccount struct {
	Name    string      `yaml:"name"`
	Numbers acmeNumbers `yaml:"numbers"`
	Enabled bool        `yaml:"enabled"`
}

type acmeConfig struct {
	Region   string        `yaml:"region"`
	Timeout  Duration      `yaml:"timeout"`
	Window   Duration      `yaml:"window"`
	Start    At            `yaml:"start"`
	Limit    *int          `yaml:"limit"`
	Accounts []acmeAccount `yaml:"accounts"`
}

func acmeSection(t *testing.T, src string) Section {
	t.Helper()
	s, err := Parse("acme.yaml", []byte("version: 1\nacme:\n"+src), providers, nil)
	require.NoError(t, err)
	return s.Sections["acme"]
}

func TestSectionDecodeFile(t *testing.T) {
	s, err := load(t, "testdata/provider.yaml")
	require.NoError(t, err)
	var cfg acmeConfig
	err = s.Sections["acme"].Decode(&cfg)
	require.Error(t, err)
	assert.Equal(t, []string{
		`testdata/provider.yaml:13:16: acme.accounts[1].numbers.list[0]: expected an integer, got "x"`,
		`testdata/provider.yaml:17:9: acme.accounts[2].numbers.lsit: unknown field (did you mean "list"?)`,
		`testdata/provider.yaml:18:16: acme.accounts[2].enabled: expected true or false, got "maybe"`,
	}, problemLines(err))
}

func TestSectionDecodeFromIncludedFile(t *testing.T) {
	s, err := load(t, "testdata/include/uses_section_base.yaml")
	require.NoError(t, err)
	var cfg acmeConfig
	err = s.Sections["acme"].Decode(&cfg)
	require.Error(t, err)
	assert.Equal(t, []string{
		`testdata/include/section_base.yaml:7:19: acme.accounts[0].numbers.list[1]: expected an integer, got "oops"`,
	}, problemLines(err))
}

func TestSectionDecodeMergedThroughTwoIncludes(t *testing.T) {
	s, err := load(t, "testdata/include/uses_middle.yaml")
	require.NoError(t, err)
	var cfg acmeConfig
	err = s.Sections["acme"].Decode(&cfg)
	require.Error(t, err)
	assert.Equal(t, []string{
		"testdata/include/middle.yaml:4:5: acme.accounts: expected a list, got a mapping",
	}, problemLines(err), "the middle file's mapping replaced the base's list")
	assert.Equal(t, "testdata/include/uses_middle.yaml:3:12: acme.timeout: x", s.Sections["acme"].At("timeout", "x").String())
	assert.Equal(t, "testdata/include/section_base.yaml:3:11: acme.region: x", s.Sections["acme"].At("region", "x").String())
}

func TestSectionDecode(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		want  []string
		check func(t *testing.T, cfg acmeConfig)
	}{
		{
			name: "good",
			src: "  region: us\n  timeout: 90s\n  window: 3d\n  start: \"+5m\"\n  limit: 7\n" +
				"  accounts:\n    - name: a\n      numbers: {list: [1, 2], labels: {x: y}}\n      enabled: true\n",
			check: func(t *testing.T, cfg acmeConfig) {
				assert.Equal(t, "us", cfg.Region)
				assert.Equal(t, 90*time.Second, cfg.Timeout.D())
				assert.Equal(t, 72*time.Hour, cfg.Window.D())
				assert.Equal(t, At{Rel: 5 * time.Minute, IsRel: true}, cfg.Start)
				require.NotNil(t, cfg.Limit)
				assert.Equal(t, 7, *cfg.Limit)
				require.Len(t, cfg.Accounts, 1)
				assert.Equal(t, acmeAccount{Name: "a", Numbers: acmeNumbers{List: []int{1, 2}, Labels: map[string]string{"x": "y"}}, Enabled: true}, cfg.Accounts[0])
			},
		},
		{
			name: "absolute start",
			src:  "  start: 2026-01-06T00:00:00+02:00\n",
			check: func(t *testing.T, cfg acmeConfig) {
				assert.Equal(t, At{Abs: time.Date(2026, 1, 5, 22, 0, 0, 0, time.UTC)}, cfg.Start)
			},
		},
		{"string for an int", "  limit: seven\n", []string{`acme.yaml:3:10: acme.limit: expected an integer, got "seven"`}, nil},
		{"list for a mapping", "  accounts:\n    - numbers: [1]\n", []string{"acme.yaml:4:16: acme.accounts[0].numbers: expected a mapping, got a list"}, nil},
		{"mapping for a list", "  accounts: {name: a}\n", []string{"acme.yaml:3:13: acme.accounts: expected a list, got a mapping"}, nil},
		{"scalar for a list", "  accounts: a\n", []string{`acme.yaml:3:13: acme.accounts: expected a list, got "a"`}, nil},
		{"list for a string", "  region: [eu]\n", []string{"acme.yaml:3:11: acme.region: expected a string, got a list"}, nil},
		{"bad duration", "  timeout: soon\n", []string{`acme.yaml:3:12: acme.timeout: invalid duration "soon" (examples: 90s, 10m, 2h, 3d)`}, nil},
		{"bad at", "  start: tomorrow\n", []string{`acme.yaml:3:10: acme.start: invalid time "tomorrow" (write +5m for 5 minutes after the clock start, or an RFC 3339 time)`}, nil},
		{"bad relative at", "  start: +5x\n", []string{`acme.yaml:3:10: acme.start: invalid duration "5x" (examples: 90s, 10m, 2h, 3d)`}, nil},
		{"mapping for a duration", "  timeout: {s: 1}\n", []string{"acme.yaml:3:12: acme.timeout: expected a duration such as 90s or 2h"}, nil},
		{"duplicate key", "  region: a\n  region: b\n", []string{"acme.yaml:4:3: acme.region: duplicate key"}, nil},
		{"unknown key with suggestion", "  regoin: eu\n", []string{`acme.yaml:3:3: acme.regoin: unknown field (did you mean "region"?)`}, nil},
		{"map value of the wrong type", "  accounts:\n    - numbers: {labels: {a: [1]}}\n", []string{"acme.yaml:4:29: acme.accounts[0].numbers.labels.a: expected a string, got a list"}, nil},
		{"several problems sorted by position", "  limit: x\n  region: [1]\n  regoin: 1\n", []string{
			`acme.yaml:3:10: acme.limit: expected an integer, got "x"`,
			"acme.yaml:4:11: acme.region: expected a string, got a list",
			`acme.yaml:5:3: acme.regoin: unknown field (did you mean "region"?)`,
		}, nil},
		{"section as a list", "  - a\n", []string{"acme.yaml:3:3: acme: expected a mapping, got a list"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg acmeConfig
			err := acmeSection(t, tt.src).Decode(&cfg)
			if tt.want != nil {
				require.Error(t, err)
				assert.Equal(t, tt.want, problemLines(err))
				return
			}
			require.NoError(t, err)
			tt.check(t, cfg)
		})
	}
}

func TestSectionDecodeNullAndAbsent(t *testing.T) {
	s, err := Parse("n.yaml", []byte("version: 1\nacme:\n"), providers, nil)
	require.NoError(t, err)
	cfg := acmeConfig{Region: "kept"}
	require.NoError(t, s.Sections["acme"].Decode(&cfg))
	assert.Equal(t, "kept", cfg.Region, "a null section leaves defaults")

	require.NoError(t, s.Sections["flowroute"].Decode(&cfg))
	assert.Equal(t, "kept", cfg.Region, "an absent section leaves defaults")
	assert.False(t, s.Sections["flowroute"].Present())
}

func TestSectionAt(t *testing.T) {
	s, err := load(t, "testdata/provider.yaml")
	require.NoError(t, err)
	sec := s.Sections["acme"]
	tests := []struct {
		path string
		want string
	}{
		{"accounts[1].numbers.list[0]", "testdata/provider.yaml:13:16: acme.accounts[1].numbers.list[0]: bad"},
		{"accounts[1].numbers.labels.a", "testdata/provider.yaml:14:21: acme.accounts[1].numbers.labels.a: bad"},
		{"accounts[2]", "testdata/provider.yaml:15:7: acme.accounts[2]: bad"},
		{"accounts[2].name", "testdata/provider.yaml:15:13: acme.accounts[2].name: bad"},
		{"timeout", "testdata/provider.yaml:4:12: acme.timeout: bad"},
		{"[0]", "testdata/provider.yaml:3:3: acme[0]: bad"},
		// Missing fields fall back to the nearest enclosing node.
		{"accounts[9].name", "testdata/provider.yaml:8:5: acme.accounts[9].name: bad"},
		{"accounts[0].numbers.nope", "testdata/provider.yaml:10:9: acme.accounts[0].numbers.nope: bad"},
		{"nope", "testdata/provider.yaml:3:3: acme.nope: bad"},
		{"", "testdata/provider.yaml:3:3: acme: bad"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			assert.Equal(t, tt.want, sec.At(tt.path, "bad").String())
		})
	}

	t.Run("absent section", func(t *testing.T) {
		p := Section{File: "f.yaml", Path: "somos"}.At("users[0]", "required")
		assert.Equal(t, "f.yaml: somos.users[0]: required", p.String())
	})
	t.Run("semantic problems through Err", func(t *testing.T) {
		err := Problems{sec.At("timeout", "too long"), sec.At("region", "unknown region")}.Err()
		require.Error(t, err)
		assert.Equal(t, "testdata/provider.yaml:3:11: acme.region: unknown region\ntestdata/provider.yaml:4:12: acme.timeout: too long", err.Error())
	})
}

func TestProblems(t *testing.T) {
	assert.NoError(t, Problems{}.Err())
	assert.NoError(t, Problems(nil).Err())
	assert.Nil(t, AsProblems(nil))
	assert.Equal(t, Problems{{Msg: "plain"}}, AsProblems(errors.New("plain")))

	ps := Problems{
		{File: "b.yaml", Line: 1, Col: 1, Msg: "b"},
		{File: "a.yaml", Line: 9, Col: 2, Msg: "a9.2"},
		{File: "a.yaml", Line: 9, Col: 1, Msg: "a9.1"},
		{File: "a.yaml", Line: 2, Col: 5, Msg: "a2"},
	}
	err := ps.Err()
	require.Error(t, err)
	var msgs []string
	for _, p := range AsProblems(err) {
		msgs = append(msgs, p.Msg)
	}
	assert.Equal(t, []string{"a2", "a9.1", "a9.2", "b"}, msgs)

	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "f.yaml", Line: 3, Col: 4, Path: "a.b", Msg: "m"}, "f.yaml:3:4: a.b: m"},
		{Problem{File: "f.yaml", Line: 3, Col: 4, Msg: "m"}, "f.yaml:3:4: m"},
		{Problem{File: "f.yaml", Path: "a", Msg: "m"}, "f.yaml: a: m"},
		{Problem{Msg: "m"}, "scenario: m"},
		{Problem{Line: 2, Col: 1, Msg: "m"}, "scenario:2:1: m"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.p.String())
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"90s", 90 * time.Second, false},
		{"2h30m", 150 * time.Minute, false},
		{"10m", 10 * time.Minute, false},
		{"3d", 72 * time.Hour, false},
		{"0d", 0, false},
		{"1d", 24 * time.Hour, false},
		{" 2d ", 48 * time.Hour, false},
		{"0", 0, false},
		{"1.5d", 0, true},
		{"d", 0, true},
		{"3days", 0, true},
		{"2d3h", 0, true},
		{"soon", 0, true},
		{"", 0, true},
		{"90", 0, true},
		{"106751d", 106751 * 24 * time.Hour, false}, // the longest that fits
		{"106752d", 0, true},                        // overflows int64 nanoseconds
		{"213504d", 0, true},                        // once wrapped to 25 minutes
		{"2562048h", 0, true},                       // time.ParseDuration refuses an overflow itself
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if tt.wantErr {
				require.Error(t, err)
				if strings.HasSuffix(tt.in, "d") && strings.Trim(tt.in, "0123456789d") == "" && len(tt.in) > 6 {
					assert.Equal(t, `duration "`+tt.in+`" is too long (at most 106751d)`, err.Error())
				} else {
					assert.Equal(t, `invalid duration "`+strings.TrimSpace(tt.in)+`" (examples: 90s, 10m, 2h, 3d)`, err.Error())
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDurationText(t *testing.T) {
	var d Duration
	require.NoError(t, d.UnmarshalText([]byte("2d")))
	assert.Equal(t, 48*time.Hour, d.D())
	b, err := d.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "48h0m0s", string(b))
	assert.Error(t, d.UnmarshalText([]byte("nope")))
	assert.Equal(t, 48*time.Hour, d.D(), "a failed unmarshal keeps the value")
}

func TestParseAt(t *testing.T) {
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    At
		resolve time.Time
		wantErr string
	}{
		{"+5m", At{Rel: 5 * time.Minute, IsRel: true}, start.Add(5 * time.Minute), ""},
		{"+2d", At{Rel: 48 * time.Hour, IsRel: true}, start.Add(48 * time.Hour), ""},
		{"+0s", At{IsRel: true}, start, ""},
		{"2026-02-01T10:00:00Z", At{Abs: time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)}, time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC), ""},
		{"2026-02-01T12:00:00+02:00", At{Abs: time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)}, time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC), ""},
		{" +1h ", At{Rel: time.Hour, IsRel: true}, start.Add(time.Hour), ""},
		{"+", At{}, time.Time{}, `invalid duration "" (examples: 90s, 10m, 2h, 3d)`},
		{"+5x", At{}, time.Time{}, `invalid duration "5x" (examples: 90s, 10m, 2h, 3d)`},
		{"5m", At{}, time.Time{}, `invalid time "5m" (write +5m for 5 minutes after the clock start, or an RFC 3339 time)`},
		{"2026-02-01", At{}, time.Time{}, `invalid time "2026-02-01" (write +5m for 5 minutes after the clock start, or an RFC 3339 time)`},
		{"tomorrow", At{}, time.Time{}, `invalid time "tomorrow" (write +5m for 5 minutes after the clock start, or an RFC 3339 time)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAt(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, tt.wantErr, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.resolve, got.Resolve(start))

			b, err := got.MarshalText()
			require.NoError(t, err)
			var back At
			require.NoError(t, back.UnmarshalText(b))
			assert.Equal(t, got, back, "text round trip")
		})
	}
}

// A few KB of nested aliases once took 72 s and 2.5 GB to load; such a file
// is now refused at once, as is one past the size limit.
func TestScenarioBombsAreRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	start := time.Now()
	_, err := Parse("bomb.yaml", []byte(b.String()), nil, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "aliases expand to more than")
	assert.Less(t, time.Since(start), 5*time.Second)

	_, err = Parse("big.yaml", []byte("version: 1\n#"+strings.Repeat("x", MaxBytes)), nil, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "at most 8388608 are read")

	// Ordinary aliases still work.
	_, err = Parse("ok.yaml", []byte("version: 1\nname: &n demo\ndescription: *n\n"), nil, nil)
	require.NoError(t, err)
}
