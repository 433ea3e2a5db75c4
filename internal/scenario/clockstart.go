package scenario

import (
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ClockStart is where a tenant's clock starts: a fixed instant (RFC 3339),
// or "now" with an optional offset ("now-2h", "now+30m"), meaning the wall
// clock at the moment the tenant is created or reset.
type ClockStart struct {
	Abs     time.Time
	Offset  time.Duration
	FromNow bool
}

// ParseClockStart reads "now", "now-2h", "now+1d" or an RFC 3339 time.
func ParseClockStart(s string) (ClockStart, error) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "now"); ok {
		if rest == "" {
			return ClockStart{FromNow: true}, nil
		}
		sign := rest[0]
		if sign != '+' && sign != '-' {
			return ClockStart{}, fmt.Errorf("%q: want now, now+DURATION or now-DURATION", s)
		}
		d, err := ParseDuration(rest[1:])
		if err != nil {
			return ClockStart{}, fmt.Errorf("%q: %v", s, err)
		}
		if sign == '-' {
			d = -d
		}
		return ClockStart{FromNow: true, Offset: d}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return ClockStart{}, fmt.Errorf("%q: want an RFC 3339 time such as 2026-01-05T09:00:00Z, or now, now-2h", s)
	}
	return ClockStart{Abs: t}, nil
}

// At is the start for a tenant created when the wall clock reads wall.
func (c ClockStart) At(wall time.Time) time.Time {
	if c.FromNow {
		return wall.Add(c.Offset).UTC().Truncate(time.Second)
	}
	return c.Abs
}

// IsZero reports whether no start was given.
func (c ClockStart) IsZero() bool { return !c.FromNow && c.Abs.IsZero() }

// UnmarshalYAML implements yaml.Unmarshaler.
func (c *ClockStart) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected a time such as 2026-01-05T09:00:00Z, now or now-2h")
	}
	v, err := ParseClockStart(n.Value)
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// String is the form ParseClockStart reads.
func (c ClockStart) String() string {
	switch {
	case !c.FromNow:
		return c.Abs.Format(time.RFC3339Nano)
	case c.Offset == 0:
		return "now"
	case c.Offset < 0:
		return "now-" + (-c.Offset).String()
	default:
		return "now+" + c.Offset.String()
	}
}

// MarshalText implements encoding.TextMarshaler.
func (c ClockStart) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *ClockStart) UnmarshalText(b []byte) error {
	v, err := ParseClockStart(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// JSONSchema implements Schemer.
func (ClockStart) JSONSchema() map[string]any {
	return map[string]any{
		"type":        "string",
		"pattern":     `^\s*(now([+-]([0-9]+d|([0-9.]+(ns|us|µs|ms|s|m|h))+))?|[0-9]{4}-[0-9]{2}-[0-9]{2}T.+)\s*$`,
		"description": `where the clock starts: RFC 3339, or "now" with an optional offset ("now-2h") for the wall clock when the tenant is created`,
	}
}

// ResolveStart returns the scenario as a tenant created when the wall clock
// reads wall sees it: s itself when its start is fixed, otherwise a copy
// whose Clock.Start is wall plus the offset.
func (s *Scenario) ResolveStart(wall time.Time) *Scenario {
	if !s.Clock.From.FromNow {
		return s
	}
	c := *s
	c.Clock.Start = s.Clock.From.At(wall)
	return &c
}

// WithStart returns a copy of s whose clock starts at cs; wall places a
// "now" start until each tenant resolves its own.
func (s *Scenario) WithStart(cs ClockStart, wall time.Time) *Scenario {
	c := *s
	c.Clock.From = cs
	c.Clock.Start = cs.At(wall)
	return &c
}
