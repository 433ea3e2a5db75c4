package fault

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

// Rule is one fault: which requests it matches, what it does to them and how
// often. The same object is read from scenario YAML and from control API JSON.
type Rule struct {
	// ID names the rule; Set.Add assigns "fault-N" when it is empty.
	ID string `json:"id,omitempty" yaml:"id"`
	// Tenant, when set, limits the rule to one tenant.
	Tenant string `json:"tenant,omitempty" yaml:"tenant"`
	// Provider is the provider name (flowroute, call48, ...).
	Provider string `json:"provider" yaml:"provider"`
	// Route is "METHOD /path": the method may be omitted or "*", the path is
	// a route template, a concrete path or a glob, relative to the provider's
	// base path or including it.
	Route string `json:"route" yaml:"route"`
	// Match optionally narrows the rule to requests carrying a header or body
	// substring.
	Match *Match `json:"match,omitempty" yaml:"match"`

	// Actions: exactly one of Status, Latency, Reset, Malformed, RetryAfter,
	// Hang. Status may also accompany Malformed (the garbled response's
	// status) and RetryAfter (then it must be 429).
	Status     int                `json:"status,omitempty" yaml:"status"`
	Body       *string            `json:"body,omitempty" yaml:"body"`
	Latency    *Latency           `json:"latency,omitempty" yaml:"latency"`
	Reset      bool               `json:"reset,omitempty" yaml:"reset"`
	Malformed  bool               `json:"malformed,omitempty" yaml:"malformed"`
	RetryAfter *scenario.Duration `json:"retryAfter,omitempty" yaml:"retryAfter"`
	Hang       bool               `json:"hang,omitempty" yaml:"hang"`

	// Probability is the chance (0..1) that a counted match fires; absent
	// means always.
	Probability *float64 `json:"probability,omitempty" yaml:"probability"`
	// Times caps how many times the rule fires (0: no cap).
	Times int `json:"times,omitempty" yaml:"times"`
	// After skips the first After matches.
	After int `json:"after,omitempty" yaml:"after"`
	// Until ends the rule at a tenant clock time ("+10m" or RFC 3339). Set.Add
	// and Parse resolve a relative value to an absolute one.
	Until *scenario.At `json:"until,omitempty" yaml:"until"`

	// Stats is filled in by Set.List and Set.Export; it is ignored by Add.
	Stats *Stats `json:"stats,omitempty" yaml:"-"`
}

// Match narrows a rule to some requests.
type Match struct {
	// Header is "Name: substring" (the header must contain the substring) or
	// "Name" (the header must be present). Names are case-insensitive.
	Header string `json:"header,omitempty" yaml:"header"`
	// Body is a substring the request body must contain.
	Body string `json:"body,omitempty" yaml:"body"`
}

// Stats counts what a rule has seen.
type Stats struct {
	// Matches counts requests that matched while the rule was active.
	Matches uint64 `json:"matches"`
	// Fired counts the times the rule fired.
	Fired uint64 `json:"fired"`
	// Draws counts values taken from the rule's random source.
	Draws uint64 `json:"draws"`
}

// Action names the rule's action: status, latency, reset, malformed,
// retryAfter or hang ("" when none is set).
func (r Rule) Action() string {
	switch {
	case r.Latency != nil:
		return "latency"
	case r.Reset:
		return "reset"
	case r.Malformed:
		return "malformed"
	case r.RetryAfter != nil:
		return "retryAfter"
	case r.Hang:
		return "hang"
	case r.Status != 0:
		return "status"
	}
	return ""
}

// String is a short description for logs and the journal.
func (r Rule) String() string {
	return fmt.Sprintf("%s %s %s: %s", r.ID, r.Provider, r.Route, r.Action())
}

// FieldError is one problem with one field of a rule.
type FieldError struct {
	Field string // the rule's field, e.g. "status" or "latency.uniform"
	Msg   string
}

func (e FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// FieldErrors is the list of problems with a rule; as an error it prints
// them separated by "; ".
type FieldErrors []FieldError

func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Check returns every problem with the rule, field by field. Whether the
// provider and the route exist is for the caller to check (see
// Pattern.MatchesRoute).
func (r Rule) Check() FieldErrors {
	var es FieldErrors
	add := func(field, format string, args ...any) {
		es = append(es, FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if r.ID != "" && !tenant.ValidID(r.ID) {
		add("id", "%q is not a valid id (letters, digits, '.', '_' or '-', at most 64)", r.ID)
	}
	if strings.TrimSpace(r.Provider) == "" {
		add("provider", "required (the provider the rule applies to)")
	}
	if strings.TrimSpace(r.Route) == "" {
		add("route", `required, e.g. "GET /cnams" or "POST /v2/cnams/*"`)
	} else if _, err := ParsePattern(r.Route); err != nil {
		add("route", "%v", err)
	}
	if r.Match != nil {
		if r.Match.Header == "" && r.Match.Body == "" {
			add("match", "give header and/or body")
		}
		if r.Match.Header != "" {
			name, _, _ := strings.Cut(r.Match.Header, ":")
			if strings.TrimSpace(name) == "" || strings.ContainsAny(strings.TrimSpace(name), " \t") {
				add("match.header", `expected "Name: substring" or "Name", got %q`, r.Match.Header)
			}
		}
	}

	var actions []string
	if r.Latency != nil {
		actions = append(actions, "latency")
	}
	if r.Reset {
		actions = append(actions, "reset")
	}
	if r.Malformed {
		actions = append(actions, "malformed")
	}
	if r.RetryAfter != nil {
		actions = append(actions, "retryAfter")
	}
	if r.Hang {
		actions = append(actions, "hang")
	}
	statusAlone := r.Status != 0 && !r.Malformed && r.RetryAfter == nil
	if statusAlone {
		actions = append(actions, "status")
	}
	switch len(actions) {
	case 0:
		add("", "no action: give exactly one of status, latency, reset, malformed, retryAfter or hang")
	case 1:
	default:
		add(actions[1], "a rule has exactly one action, but this one has %s (write one rule per action; latency rules combine with a later rule matching the same request)", strings.Join(actions, " and "))
	}
	if r.Status != 0 && (r.Status < 100 || r.Status > 599) {
		add("status", "must be between 100 and 599, got %d", r.Status)
	}
	if r.RetryAfter != nil {
		if r.Status != 0 && r.Status != 429 {
			add("status", "retryAfter always answers 429; drop status or make it 429, got %d", r.Status)
		}
		if r.RetryAfter.D() < 0 {
			add("retryAfter", "must not be negative")
		}
	}
	if r.Body != nil && r.Status == 0 && r.RetryAfter == nil && !r.Malformed {
		add("body", "only goes with status, retryAfter or malformed")
	}
	if r.Latency != nil {
		for _, e := range r.Latency.check() {
			e.Field = joinField("latency", e.Field)
			es = append(es, e)
		}
	}
	if r.Probability != nil {
		p := *r.Probability
		if math.IsNaN(p) || p < 0 || p > 1 {
			add("probability", "must be between 0 and 1, got %v", p)
		}
	}
	if r.Times < 0 {
		add("times", "must not be negative")
	}
	if r.After < 0 {
		add("after", "must not be negative")
	}
	return es
}

// Validate returns Check's problems as an error, or nil.
func (r Rule) Validate() error {
	if es := r.Check(); len(es) > 0 {
		return es
	}
	return nil
}

func joinField(a, b string) string {
	if b == "" {
		return a
	}
	return a + "." + b
}

// clone returns a deep copy of r.
func (r Rule) clone() Rule {
	c := r
	if r.Match != nil {
		m := *r.Match
		c.Match = &m
	}
	if r.Body != nil {
		b := *r.Body
		c.Body = &b
	}
	if r.Latency != nil {
		l := r.Latency.clone()
		c.Latency = &l
	}
	if r.RetryAfter != nil {
		d := *r.RetryAfter
		c.RetryAfter = &d
	}
	if r.Probability != nil {
		p := *r.Probability
		c.Probability = &p
	}
	if r.Until != nil {
		u := *r.Until
		c.Until = &u
	}
	if r.Stats != nil {
		s := *r.Stats
		c.Stats = &s
	}
	return c
}

// Latency is a delay: fixed ("400ms") or drawn from a distribution
// ({uniform: [100ms, 2s]} or {lognormal: {median: 200ms, sigma: 0.5}}).
type Latency struct {
	Fixed     scenario.Duration   `json:"-"`
	Uniform   []scenario.Duration `json:"uniform,omitempty"`
	Lognormal *Lognormal          `json:"lognormal,omitempty"`
}

// Lognormal is a log-normal distribution given by its median and the
// standard deviation of the underlying normal (sigma).
type Lognormal struct {
	Median scenario.Duration `json:"median" yaml:"median"`
	Sigma  float64           `json:"sigma" yaml:"sigma"`
}

// MaxLatency bounds any drawn delay so a heavy tail cannot stall a test for
// hours.
const MaxLatency = 5 * time.Minute

func (l Latency) clone() Latency {
	c := l
	c.Uniform = append([]scenario.Duration(nil), l.Uniform...)
	if l.Lognormal != nil {
		ln := *l.Lognormal
		c.Lognormal = &ln
	}
	return c
}

func (l Latency) kinds() int {
	n := 0
	if l.Fixed != 0 {
		n++
	}
	if l.Uniform != nil {
		n++
	}
	if l.Lognormal != nil {
		n++
	}
	return n
}

func (l Latency) check() FieldErrors {
	var es FieldErrors
	add := func(field, format string, args ...any) {
		es = append(es, FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	switch {
	case l.kinds() > 1:
		add("", "give a fixed duration, uniform or lognormal, not several")
	case l.Uniform != nil:
		if len(l.Uniform) != 2 {
			add("uniform", "expected [min, max], e.g. [100ms, 2s]")
		} else if l.Uniform[0] < 0 || l.Uniform[1] < l.Uniform[0] {
			add("uniform", "expected 0 <= min <= max, got [%s, %s]", l.Uniform[0].D(), l.Uniform[1].D())
		} else if l.Uniform[1].D() > MaxLatency {
			add("uniform", "max must be at most %s", MaxLatency)
		}
	case l.Lognormal != nil:
		if l.Lognormal.Median <= 0 {
			add("lognormal.median", "must be positive, e.g. 200ms")
		}
		if l.Lognormal.Sigma < 0 || math.IsNaN(l.Lognormal.Sigma) || l.Lognormal.Sigma > 5 {
			add("lognormal.sigma", "must be between 0 and 5, got %v", l.Lognormal.Sigma)
		}
	default:
		if l.Fixed < 0 {
			add("", "must not be negative")
		} else if l.Fixed.D() > MaxLatency {
			add("", "must be at most %s", MaxLatency)
		}
	}
	return es
}

// draw returns a delay, taking values from next (uniform in [0,1)) and
// normal (standard normal) as the distribution needs.
func (l Latency) draw(next func() float64, normal func() float64) time.Duration {
	var d time.Duration
	switch {
	case len(l.Uniform) == 2:
		lo, hi := l.Uniform[0].D(), l.Uniform[1].D()
		d = lo + time.Duration(next()*float64(hi-lo))
	case l.Lognormal != nil:
		f := float64(l.Lognormal.Median.D()) * math.Exp(l.Lognormal.Sigma*normal())
		if f > float64(MaxLatency) || math.IsNaN(f) {
			f = float64(MaxLatency)
		}
		d = time.Duration(f)
	default:
		d = l.Fixed.D()
	}
	return min(max(d, 0), MaxLatency)
}

// MarshalJSON writes a fixed latency as a duration string and a
// distribution as an object.
func (l Latency) MarshalJSON() ([]byte, error) {
	if l.Uniform == nil && l.Lognormal == nil {
		return json.Marshal(l.Fixed.D().String())
	}
	type plain Latency
	return json.Marshal(plain(l))
}

// UnmarshalJSON reads "400ms", {"uniform": [...]} or {"lognormal": {...}}.
func (l *Latency) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		d, err := scenario.ParseDuration(s)
		if err != nil {
			return err
		}
		*l = Latency{Fixed: scenario.Duration(d)}
		return nil
	}
	type plain Latency
	var p plain
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf(`latency: expected "400ms", {"uniform": ["100ms", "2s"]} or {"lognormal": {"median": "200ms", "sigma": 0.5}}: %v`, err)
	}
	*l = Latency(p)
	return nil
}

// UnmarshalYAML reads 400ms, {uniform: [...]} or {lognormal: {...}},
// rejecting unknown keys.
func (l *Latency) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		d, err := scenario.ParseDuration(n.Value)
		if err != nil {
			return err
		}
		*l = Latency{Fixed: scenario.Duration(d)}
		return nil
	case yaml.MappingNode:
	default:
		return errors.New("expected a duration such as 400ms, {uniform: [100ms, 2s]} or {lognormal: {median: 200ms, sigma: 0.5}}")
	}
	var out Latency
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "uniform":
			var u []scenario.Duration
			if err := v.Decode(&u); err != nil {
				return fmt.Errorf("uniform: expected [min, max] such as [100ms, 2s]: %v", err)
			}
			if u == nil {
				u = []scenario.Duration{}
			}
			out.Uniform = u
		case "lognormal":
			if v.Kind != yaml.MappingNode {
				return errors.New("lognormal: expected {median: 200ms, sigma: 0.5}")
			}
			ln := &Lognormal{}
			for j := 0; j+1 < len(v.Content); j += 2 {
				switch v.Content[j].Value {
				case "median":
					if err := v.Content[j+1].Decode(&ln.Median); err != nil {
						return fmt.Errorf("lognormal.median: %v", err)
					}
				case "sigma":
					if err := v.Content[j+1].Decode(&ln.Sigma); err != nil {
						return fmt.Errorf("lognormal.sigma: expected a number, got %q", v.Content[j+1].Value)
					}
				default:
					return fmt.Errorf("lognormal: unknown field %q (want median, sigma)", v.Content[j].Value)
				}
			}
			out.Lognormal = ln
		default:
			return fmt.Errorf("unknown field %q (want uniform or lognormal, or a plain duration such as 400ms)", k.Value)
		}
	}
	if out.kinds() == 0 {
		return errors.New("give a duration such as 400ms, uniform or lognormal")
	}
	*l = out
	return nil
}

// MarshalYAML mirrors MarshalJSON.
func (l Latency) MarshalYAML() (any, error) {
	if l.Uniform == nil && l.Lognormal == nil {
		return l.Fixed.D().String(), nil
	}
	m := map[string]any{}
	if l.Uniform != nil {
		u := make([]string, len(l.Uniform))
		for i, d := range l.Uniform {
			u[i] = d.D().String()
		}
		m["uniform"] = u
	}
	if l.Lognormal != nil {
		m["lognormal"] = map[string]any{"median": l.Lognormal.Median.D().String(), "sigma": l.Lognormal.Sigma}
	}
	return m, nil
}

// JSONSchema describes a latency for the scenario JSON Schema: a duration,
// or a uniform or lognormal distribution.
func (Latency) JSONSchema() map[string]any {
	dur := scenario.Duration(0).JSONSchema()
	return map[string]any{"oneOf": []any{
		dur,
		map[string]any{"type": "object", "additionalProperties": false, "required": []string{"uniform"},
			"properties": map[string]any{"uniform": map[string]any{"type": "array", "items": dur, "minItems": 2, "maxItems": 2}}},
		map[string]any{"type": "object", "additionalProperties": false, "required": []string{"lognormal"},
			"properties": map[string]any{"lognormal": map[string]any{"type": "object", "additionalProperties": false,
				"properties": map[string]any{"median": dur, "sigma": map[string]any{"type": "number", "minimum": 0}}}}},
	}}
}
