package tenant

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Problem is one thing wrong in an imported state document, at a JSON path
// such as "providers.call48.proposals.7.portReqId".
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Problems is an error listing what is wrong in a state document; nothing
// of such a document is imported.
type Problems []Problem

func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Path + ": " + p.Message
	}
	return "invalid state document: " + strings.Join(parts, "; ")
}

// Add records a problem at path.
func (ps *Problems) Add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Under prefixes each problem's path (a provider's section within the
// document).
func (ps Problems) Under(prefix string) Problems {
	out := make(Problems, len(ps))
	for i, p := range ps {
		out[i] = Problem{Path: strings.TrimSuffix(prefix+"."+p.Path, "."), Message: p.Message}
	}
	return out
}

// AsProblems turns an error into problems: the problems it holds, or one
// problem at the top of the document.
func AsProblems(err error) Problems {
	var ps Problems
	if errors.As(err, &ps) {
		return ps
	}
	return Problems{{Path: "", Message: err.Error()}}
}

// DecodeState decodes a provider's section of a state document strictly:
// an unknown field or a value of the wrong type is a problem at its path,
// never silently dropped.
func DecodeState(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return Problems{{Message: "unexpected data after the section"}}
		}
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return Problems{{Path: te.Field, Message: fmt.Sprintf("want %s, got a JSON %s", te.Type, te.Value)}}
	}
	msg := err.Error()
	if field, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return Problems{{Message: "unknown field " + field}}
	}
	return Problems{{Message: strings.TrimPrefix(msg, "json: ")}}
}
