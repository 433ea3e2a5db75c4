package scenario

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a scenario file, located by file, line,
// column and the dotted path of the field.
type Problem struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
	Path string `json:"path"`
	Msg  string `json:"message"`
}

func (p Problem) String() string {
	loc := p.File
	if loc == "" {
		loc = "scenario"
	}
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", loc, p.Line, p.Col)
	}
	if p.Path != "" {
		return fmt.Sprintf("%s: %s: %s", loc, p.Path, p.Msg)
	}
	return fmt.Sprintf("%s: %s", loc, p.Msg)
}

// Problems is a list of problems; as an error it prints one per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Err returns ps as an error, or nil when it is empty. Problems are sorted by
// file and position.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		return ps[i].Col < ps[j].Col
	})
	return ps
}

// AsProblems extracts the problems from an error returned by this package; any
// other error becomes one problem without a position.
func AsProblems(err error) Problems {
	if err == nil {
		return nil
	}
	if ps, ok := err.(Problems); ok {
		return ps
	}
	return Problems{{Msg: err.Error()}}
}
