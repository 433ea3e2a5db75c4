// Package scenario reads scenario files: versioned, strictly decoded YAML that
// describes the world a tenant starts from.
//
// The generic part (name, seed, clock, journal, faults, events) is decoded
// here; each provider's section is kept as a Section and decoded by the
// provider, with the same strictness and the same error positions.
package scenario

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/telecomsim/simulator/internal/clock"
)

// CurrentVersion is the scenario format version this build reads.
const CurrentVersion = 1

// Scenario is a loaded scenario file.
type Scenario struct {
	Header
	// File is the name the scenario was loaded from.
	File string `json:"file"`
	// Source is the file's text, for display.
	Source string `json:"-"`
	// Sections holds each provider's section, by provider name.
	Sections map[string]Section `json:"-"`
	// Faults and Events are decoded by their owners.
	Faults Section `json:"-"`
	Events Section `json:"-"`
	// Stubs declares answers for routes the providers do not emulate.
	Stubs Section `json:"-"`
	// ReadFile reads a file named in the scenario (a stub's bodyFile),
	// relative to the scenario file; nil when the scenario did not come from
	// disk.
	ReadFile func(name string) ([]byte, error) `json:"-"`
}

// Header is the generic part of a scenario.
type Header struct {
	Version     int         `yaml:"version" json:"version"`
	Name        string      `yaml:"name" json:"name"`
	Description string      `yaml:"description" json:"description,omitempty"`
	Seed        int64       `yaml:"seed" json:"seed"`
	Clock       ClockSpec   `yaml:"clock" json:"clock"`
	Journal     JournalSpec `yaml:"journal" json:"journal"`
	Secrets     SecretsSpec `yaml:"secrets" json:"secrets,omitempty" doc:"where token and URL signing keys come from (random per process by default)"`
	Include     []string    `yaml:"include" json:"include,omitempty"`
}

// SecretsSpec says where the keys that sign tokens and presigned URLs come
// from. By default each process draws a random key (crypto/rand), so nobody
// who reads the scenario can forge a credential; Pin makes them derive from
// the pin and the tenant id instead, for tests that need byte-identical
// tokens across runs. A pinned scenario must never face untrusted clients.
type SecretsSpec struct {
	Pin string `yaml:"pin" json:"pin,omitempty" doc:"derive the signing keys from this string and the tenant id instead of a random per-process key, for byte-identical tokens across runs; anyone who knows it can forge credentials"`
}

// ClockSpec sets where a tenant's clock starts and how it moves.
type ClockSpec struct {
	// From is the start as written; Start is where the clock starts, the
	// same instant for a fixed From and the load-time wall clock for a
	// "now" From (each tenant resolves its own, see ResolveStart).
	From  ClockStart `yaml:"start" json:"-"`
	Start time.Time  `yaml:"-" json:"start"`
	Mode  string     `yaml:"mode" json:"mode"` // real | frozen
}

// JournalSpec bounds each tenant's request journal.
type JournalSpec struct {
	Size        int `yaml:"size" json:"size"`           // entries kept per tenant (default 1000)
	BodyLimit   int `yaml:"bodyLimit" json:"bodyLimit"` // bytes of each body kept (default 16384)
	HeaderLimit int `yaml:"headerLimit" json:"headerLimit" doc:"bytes of each entry's request headers kept (default 8192)"`
	Bytes       int `yaml:"bytes" json:"bytes" doc:"bytes of journal entries kept per tenant, oldest dropped first (default 4 MiB, at most 256 MiB)"`
}

// Journal defaults and ceilings (per tenant).
const (
	DefaultJournalSize        = 1000
	DefaultJournalBodyLimit   = 16 << 10
	DefaultJournalHeaderLimit = 8 << 10
	DefaultJournalBytes       = 4 << 20
	MaxJournalBytes           = 256 << 20
)

// DefaultStart is the clock start used when a scenario gives none.
var DefaultStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

var genericKeys = map[string]bool{
	"version": true, "name": true, "description": true, "seed": true, "clock": true,
	"journal": true, "include": true, "faults": true, "events": true, "stubs": true, "secrets": true,
}

// Parse reads a scenario from data. providers names the provider sections
// allowed at the top level. file is used in problem positions; includes are
// resolved relative to it through read (nil reads from disk).
func Parse(file string, data []byte, providers []string, read func(string) ([]byte, error)) (*Scenario, error) {
	if read == nil {
		read = os.ReadFile
	}
	root, err := parseNode(file, data)
	if err != nil {
		return nil, err
	}
	origin := map[*yaml.Node]string{}
	root, err = resolveIncludes(file, root, read, 0, origin)
	if err != nil {
		return nil, err
	}
	hs := Section{File: file, Node: root, origin: origin}
	known := map[string]bool{}
	for _, p := range providers {
		known[p] = true
	}
	s := &Scenario{File: file, Source: string(data), Sections: map[string]Section{}}
	s.ReadFile = func(name string) ([]byte, error) {
		if !filepath.IsAbs(name) {
			name = filepath.Join(filepath.Dir(file), name)
		}
		return read(name)
	}
	var ps Problems
	if root.Kind != yaml.MappingNode {
		return nil, Problems{{File: file, Line: root.Line, Col: root.Column, Msg: "a scenario must be a mapping with at least a version"}}
	}
	header := &yaml.Node{Kind: yaml.MappingNode}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seen[k.Value] {
			ps = append(ps, Problem{File: hs.fileOf(k), Line: k.Line, Col: k.Column, Path: k.Value, Msg: "duplicate key"})
			continue
		}
		seen[k.Value] = true
		switch {
		case k.Value == "faults":
			s.Faults = Section{File: file, Path: "faults", Node: v, origin: origin}
		case k.Value == "events":
			s.Events = Section{File: file, Path: "events", Node: v, origin: origin}
		case k.Value == "stubs":
			s.Stubs = Section{File: file, Path: "stubs", Node: v, origin: origin}
		case genericKeys[k.Value]:
			header.Content = append(header.Content, k, v)
		case known[k.Value]:
			s.Sections[k.Value] = Section{File: file, Path: k.Value, Node: v, origin: origin}
		default:
			names := append([]string{}, providers...)
			for g := range genericKeys {
				names = append(names, g)
			}
			sort.Strings(names)
			ps = append(ps, Problem{File: hs.fileOf(k), Line: k.Line, Col: k.Column, Path: k.Value,
				Msg: "unknown top-level key (known: " + strings.Join(names, ", ") + ")"})
		}
	}
	if err := decodeStrict(hs.fileOf, "", header, &s.Header); err != nil {
		ps = append(ps, AsProblems(err)...)
	}
	if len(ps) == 0 {
		switch {
		case s.Version == 0:
			ps = append(ps, hs.At("version", fmt.Sprintf("missing; write version: %d", CurrentVersion)))
		case s.Version != CurrentVersion:
			ps = append(ps, hs.At("version", fmt.Sprintf("unsupported version %d (this build reads version %d)", s.Version, CurrentVersion)))
		}
		switch s.Clock.Mode {
		case "", "real", "frozen":
		default:
			ps = append(ps, hs.At("clock.mode", fmt.Sprintf("unknown mode %q (want real or frozen)", s.Clock.Mode)))
		}
		if s.Journal.Size < 0 {
			ps = append(ps, hs.At("journal.size", "must not be negative"))
		}
		if s.Journal.BodyLimit < 0 {
			ps = append(ps, hs.At("journal.bodyLimit", "must not be negative"))
		}
		if s.Journal.HeaderLimit < 0 {
			ps = append(ps, hs.At("journal.headerLimit", "must not be negative"))
		}
		if s.Journal.Bytes < 0 || s.Journal.Bytes > MaxJournalBytes {
			ps = append(ps, hs.At("journal.bytes", fmt.Sprintf("must be between 0 and %d", MaxJournalBytes)))
		}
		if hasKey(header, "secrets") && s.Secrets.Pin == "" {
			ps = append(ps, hs.At("secrets.pin", "required when secrets is given: a non-empty string the signing keys derive from"))
		}
	}
	if len(ps) > 0 {
		return nil, ps.Err()
	}
	if s.Clock.From.IsZero() {
		s.Clock.From = ClockStart{Abs: DefaultStart}
	}
	s.Clock.Start = s.Clock.From.At(clock.Wall())
	if s.Clock.Mode == "" {
		s.Clock.Mode = "real"
	}
	if s.Journal.Size == 0 {
		s.Journal.Size = DefaultJournalSize
	}
	if s.Journal.BodyLimit == 0 {
		s.Journal.BodyLimit = DefaultJournalBodyLimit
	}
	if s.Journal.HeaderLimit == 0 {
		s.Journal.HeaderLimit = DefaultJournalHeaderLimit
	}
	if s.Journal.Bytes == 0 {
		s.Journal.Bytes = DefaultJournalBytes
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	return s, nil
}

// Limits on a scenario file: its size, and how many YAML nodes it may
// stand for once its aliases are expanded (a few KB of nested aliases can
// otherwise stand for billions of nodes: a "billion laughs").
const (
	MaxBytes = 8 << 20
	MaxNodes = 1_000_000
)

func parseNode(file string, data []byte) (*yaml.Node, error) {
	if len(data) > MaxBytes {
		return nil, Problems{{File: file, Line: 1, Col: 1, Msg: fmt.Sprintf("the scenario is %d bytes; at most %d are read", len(data), MaxBytes)}}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return nil, Problems{{File: file, Line: 1, Col: 1, Msg: "empty scenario; write at least version: 1"}}
		}
		return nil, Problems{yamlSyntaxProblem(file, err)}
	}
	if len(doc.Content) == 0 {
		return nil, Problems{{File: file, Line: 1, Col: 1, Msg: "empty scenario; write at least version: 1"}}
	}
	if n := expandedSize(&doc, MaxNodes); n > MaxNodes {
		return nil, Problems{{File: file, Line: 1, Col: 1, Msg: fmt.Sprintf("the scenario's aliases expand to more than %d nodes", MaxNodes)}}
	}
	return doc.Content[0], nil
}

// expandedSize counts the nodes n stands for with every alias expanded,
// stopping as soon as the count passes limit.
func expandedSize(n *yaml.Node, limit int) int {
	count := 0
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || count > limit {
			return
		}
		count++
		if n.Kind == yaml.AliasNode {
			walk(n.Alias)
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return count
}

func yamlSyntaxProblem(file string, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := Problem{File: file, Msg: "syntax: " + msg}
	var line int
	if _, e := fmt.Sscanf(msg, "line %d:", &line); e == nil {
		p.Line, p.Col = line, 1
		if _, rest, ok := strings.Cut(msg, ": "); ok {
			p.Msg = "syntax: " + rest
		}
	}
	return p
}

// resolveIncludes merges the files named by "include" under the including
// file: included files are read first, in order, and the including file's
// values override theirs (mappings merge key by key; lists and scalars are
// replaced).
//
// origin records, for every node read from an included file, that file's name.
func resolveIncludes(file string, root *yaml.Node, read func(string) ([]byte, error), depth int, origin map[*yaml.Node]string) (*yaml.Node, error) {
	if root.Kind != yaml.MappingNode {
		return root, nil
	}
	var incNode *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "include" {
			incNode = root.Content[i+1]
		}
	}
	if incNode == nil {
		return root, nil
	}
	if depth > 8 {
		return nil, Problems{{File: file, Line: incNode.Line, Col: incNode.Column, Path: "include", Msg: "includes nested too deeply (a cycle?)"}}
	}
	if incNode.Kind != yaml.SequenceNode {
		return nil, Problems{{File: file, Line: incNode.Line, Col: incNode.Column, Path: "include", Msg: "expected a list of file names"}}
	}
	var merged *yaml.Node
	for i, n := range incNode.Content {
		name := n.Value
		if !filepath.IsAbs(name) {
			name = filepath.Join(filepath.Dir(file), name)
		}
		data, err := read(name)
		if err != nil {
			return nil, Problems{{File: file, Line: n.Line, Col: n.Column, Path: fmt.Sprintf("include[%d]", i), Msg: "cannot read: " + err.Error()}}
		}
		inc, err := parseNode(name, data)
		if err != nil {
			return nil, err
		}
		markOrigin(inc, name, origin)
		inc, err = resolveIncludes(name, inc, read, depth+1, origin)
		if err != nil {
			return nil, err
		}
		merged = mergeNodes(merged, inc, origin)
	}
	return mergeNodes(merged, root, origin), nil
}

// markOrigin records file as the origin of n and every node below it that
// has none yet.
func markOrigin(n *yaml.Node, file string, origin map[*yaml.Node]string) {
	if _, ok := origin[n]; ok {
		return
	}
	origin[n] = file
	for _, c := range n.Content {
		markOrigin(c, file, origin)
	}
}

// mergeNodes overlays top on base. A merged mapping takes top's position, so
// it also takes top's origin.
func mergeNodes(base, top *yaml.Node, origin map[*yaml.Node]string) *yaml.Node {
	if base == nil {
		return top
	}
	if base.Kind != yaml.MappingNode || top.Kind != yaml.MappingNode {
		return top
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: top.Tag, Line: top.Line, Column: top.Column}
	if f, ok := origin[top]; ok {
		origin[out] = f
	}
	index := map[string]int{}
	for i := 0; i+1 < len(base.Content); i += 2 {
		if base.Content[i].Value == "include" {
			continue
		}
		index[base.Content[i].Value] = len(out.Content)
		out.Content = append(out.Content, base.Content[i], base.Content[i+1])
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Value == "include" {
			continue
		}
		if j, ok := index[k.Value]; ok {
			out.Content[j] = k
			out.Content[j+1] = mergeNodes(out.Content[j+1], v, origin)
			continue
		}
		out.Content = append(out.Content, k, v)
	}
	return out
}

// hasKey reports whether a mapping node has key k.
func hasKey(m *yaml.Node, k string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == k {
			return true
		}
	}
	return false
}
