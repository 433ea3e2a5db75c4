// Package stub holds declared answers for provider routes the simulator does
// not emulate (or, with Override, for routes it does): their definition,
// matching, response templating and the state they keep between calls.
//
// A Set belongs to one tenant. It never sees an *http.Request: the engine
// hands it a Request made of the parts it matches on.
package stub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Stub declares one answer. It is decoded from a scenario's stubs: section
// and from POST /__sim/stubs bodies.
type Stub struct {
	ID       string `yaml:"id,omitempty" json:"id,omitempty"`
	Provider string `yaml:"provider" json:"provider"`
	Method   string `yaml:"method" json:"method"`
	// Path is a route template in the real API's paths, with the routes'
	// syntax: "/v2/numbers/{id}" or "/v2/numbers/{id:[0-9]+}".
	Path string `yaml:"path" json:"path"`
	// Query parameters that must be present with these values ("*": any value).
	Query map[string]string `yaml:"query,omitempty" json:"query,omitempty"`
	// Headers that must be present with these values (names case-insensitive,
	// values compared exactly; "*": any value).
	Headers map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Body, when set, must be contained in the request's JSON body: every key
	// given must be there with an equal value (objects compared the same way,
	// recursively; arrays and scalars exactly).
	Body any `yaml:"body,omitempty" json:"body,omitempty"`
	// Auth names one of the provider's credential schemes (the scheme its
	// routes use, "basic" for Flowroute): the request must carry valid
	// credentials, or it gets the provider's own 401 and the stub's
	// sequence and state do not move.
	Auth string `yaml:"auth,omitempty" json:"auth,omitempty"`
	// Override lets the stub answer a route the provider emulates.
	Override bool `yaml:"override,omitempty" json:"override,omitempty"`
	// State makes the stub part of a named state machine (WireMock's
	// scenario states): it answers only while the machine is in Is, and
	// moves it to Set when it answers. Every machine starts in "Started".
	State *StateRule `yaml:"state,omitempty" json:"state,omitempty"`
	// Response is the answer; Sequence is a list of answers given in turn,
	// the last one repeating. Exactly one of them is set.
	Response *Response  `yaml:"response,omitempty" json:"response,omitempty"`
	Sequence []Response `yaml:"sequence,omitempty" json:"sequence,omitempty"`
}

// StateRule ties a stub to a named state machine.
type StateRule struct {
	Name string `yaml:"name" json:"name"`
	Is   string `yaml:"is,omitempty" json:"is,omitempty"`
	Set  string `yaml:"set,omitempty" json:"set,omitempty"`
}

// Response is one answer.
type Response struct {
	Status  int               `yaml:"status,omitempty" json:"status,omitempty"`
	Headers map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Body is written as JSON when it is a mapping or a list, as is when it
	// is a string.
	Body any `yaml:"body,omitempty" json:"body,omitempty"`
	// BodyFile names a file next to the scenario whose content is the body.
	// The engine reads it when the scenario loads (see Resolve).
	BodyFile string `yaml:"bodyFile,omitempty" json:"bodyFile,omitempty"`
}

// StartState is the state every state machine starts in.
const StartState = "Started"

// compiled is a checked stub ready to match.
type compiled struct {
	Stub
	re    *regexp.Regexp
	names []string
	size  int // bytes counted against MaxSetBytes (stubs added through Add)
	// bodies holds each response's body ready to template: a decoded JSON
	// value, or a string written as is.
	responses []prepared
}

type prepared struct {
	status  int
	headers map[string]string
	json    any    // non-nil: written as JSON
	raw     string // otherwise written as is
	isJSON  bool
	bodyNil bool
}

var methodRE = regexp.MustCompile(`^[A-Z]+$`)

// Resolve reads every BodyFile through read (a file next to the scenario)
// and replaces it with the file's content, so a compiled stub never touches
// the file system.
func (s *Stub) Resolve(read func(name string) ([]byte, error)) error {
	fix := func(r *Response, field string) error {
		if r == nil || r.BodyFile == "" {
			return nil
		}
		if r.Body != nil {
			return fmt.Errorf("%s: give body or bodyFile, not both", field)
		}
		if read == nil {
			return fmt.Errorf("%s.bodyFile: files can only be read for a scenario loaded from disk; put the body inline", field)
		}
		b, err := read(r.BodyFile)
		if err != nil {
			return fmt.Errorf("%s.bodyFile: %v", field, err)
		}
		if len(b) > MaxBody {
			return fmt.Errorf("%s.bodyFile: %s is larger than %d bytes", field, r.BodyFile, MaxBody)
		}
		r.Body, r.BodyFile = string(b), ""
		return nil
	}
	if err := fix(s.Response, "response"); err != nil {
		return err
	}
	for i := range s.Sequence {
		if err := fix(&s.Sequence[i], fmt.Sprintf("sequence[%d]", i)); err != nil {
			return err
		}
	}
	return nil
}

// MaxBody bounds a stub's response body (inline or from a file).
const MaxBody = 4 << 20

// compile checks a stub and prepares it. The error names the field.
func compile(s Stub) (*compiled, error) {
	s.Method = strings.ToUpper(strings.TrimSpace(s.Method))
	if s.Provider == "" {
		return nil, fmt.Errorf("provider: missing")
	}
	if !methodRE.MatchString(s.Method) {
		return nil, fmt.Errorf("method: %q is not an HTTP method", s.Method)
	}
	re, names, err := compilePath(s.Path)
	if err != nil {
		return nil, fmt.Errorf("path: %v", err)
	}
	c := &compiled{Stub: s, re: re, names: names}
	switch {
	case s.Response != nil && len(s.Sequence) > 0:
		return nil, fmt.Errorf("response: give response or sequence, not both")
	case s.Response != nil:
		p, err := prepare(*s.Response)
		if err != nil {
			return nil, fmt.Errorf("response.%v", err)
		}
		c.responses = []prepared{p}
	case len(s.Sequence) > 0:
		for i, r := range s.Sequence {
			p, err := prepare(r)
			if err != nil {
				return nil, fmt.Errorf("sequence[%d].%v", i, err)
			}
			c.responses = append(c.responses, p)
		}
	default:
		return nil, fmt.Errorf("response: missing (give response or sequence)")
	}
	if s.State != nil {
		if s.State.Name == "" {
			return nil, fmt.Errorf("state.name: missing")
		}
		if s.State.Is == "" && s.State.Set == "" {
			return nil, fmt.Errorf("state: give is, set or both")
		}
	}
	if s.Body != nil {
		nb, err := normalise(s.Body)
		if err != nil {
			return nil, fmt.Errorf("body: %v", err)
		}
		c.Body = nb
	}
	return c, nil
}

func prepare(r Response) (prepared, error) {
	p := prepared{status: r.Status, headers: r.Headers}
	if p.status == 0 {
		p.status = http.StatusOK
	}
	if p.status < 100 || p.status > 599 {
		return p, fmt.Errorf("status: %d is not an HTTP status", r.Status)
	}
	if r.BodyFile != "" {
		return p, fmt.Errorf("bodyFile: not resolved (load the stub through a scenario file)")
	}
	for k := range r.Headers {
		if k == "" || strings.ContainsAny(k, " :\r\n") {
			return p, fmt.Errorf("headers: %q is not a header name", k)
		}
	}
	switch b := r.Body.(type) {
	case nil:
		p.bodyNil = true
	case string:
		if len(b) > MaxBody {
			return p, fmt.Errorf("body: larger than %d bytes", MaxBody)
		}
		// A string that holds JSON (a body file, a recorded body) is
		// templated as JSON so whole-value placeholders keep their type.
		var v any
		if t := strings.TrimSpace(b); (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Unmarshal([]byte(t), &v) == nil {
			p.json, p.isJSON = v, true
		} else {
			p.raw = b
		}
	default:
		v, err := normalise(b)
		if err != nil {
			return p, fmt.Errorf("body: %v", err)
		}
		p.json, p.isJSON = v, true
	}
	for k, v := range r.Headers {
		if err := checkPlaceholders(v); err != nil {
			return p, fmt.Errorf("headers.%s: %v", k, err)
		}
	}
	if err := checkValue(p.json); err != nil {
		return p, fmt.Errorf("body: %v", err)
	}
	if err := checkPlaceholders(p.raw); err != nil {
		return p, fmt.Errorf("body: %v", err)
	}
	return p, nil
}

// normalise turns a YAML- or JSON-decoded value into plain JSON values
// (map[string]any, []any, float64, string, bool, nil).
func normalise(v any) (any, error) {
	b, err := json.Marshal(jsonable(v))
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}

// jsonable converts YAML's map[any]any (older decoders) into map[string]any.
func jsonable(v any) any {
	switch t := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[fmt.Sprint(k)] = jsonable(x)
		}
		return m
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = jsonable(x)
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = jsonable(x)
		}
		return out
	}
	return v
}

// compilePath turns a route template into an anchored regular expression
// and the names of its variables, like the router does: {name} matches one
// path segment, {name:pattern} matches pattern.
func compilePath(tpl string) (*regexp.Regexp, []string, error) {
	if !strings.HasPrefix(tpl, "/") {
		return nil, nil, fmt.Errorf("%q must start with /", tpl)
	}
	var b strings.Builder
	var names []string
	b.WriteString("^")
	rest := tpl
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			if strings.ContainsRune(rest, '}') {
				return nil, nil, fmt.Errorf("%q has an unmatched }", tpl)
			}
			b.WriteString(regexp.QuoteMeta(rest))
			break
		}
		b.WriteString(regexp.QuoteMeta(rest[:i]))
		j, depth := i, 0
		for ; j < len(rest); j++ {
			if rest[j] == '{' {
				depth++
			} else if rest[j] == '}' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if j == len(rest) {
			return nil, nil, fmt.Errorf("%q has an unmatched {", tpl)
		}
		name, pat, hasPat := strings.Cut(rest[i+1:j], ":")
		if name == "" {
			return nil, nil, fmt.Errorf("%q has a variable without a name", tpl)
		}
		if !hasPat {
			pat = "[^/]+"
		}
		if _, err := regexp.Compile(pat); err != nil {
			return nil, nil, fmt.Errorf("variable %s: %v", name, err)
		}
		names = append(names, name)
		fmt.Fprintf(&b, "(?P<v%d>%s)", len(names)-1, pat)
		rest = rest[j+1:]
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return re, names, err
}
