package scenario

import (
	"fmt"
	"math"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a Go duration ("90s", "2h30m") that also accepts a whole
// number of days ("2d") in scenario files.
type Duration time.Duration

// D returns the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// maxDays is the longest duration in days a time.Duration holds (about
// 292 years); more would overflow into a small or negative duration.
const maxDays = int(math.MaxInt64 / int64(24*time.Hour))

// ParseDuration reads Go duration syntax plus "Nd" for days; a duration too
// long for time.Duration is an error, never a silent overflow.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "d") {
		var n int
		if _, err := fmt.Sscanf(s, "%dd", &n); err == nil && fmt.Sprintf("%dd", n) == s {
			if n > maxDays || n < -maxDays {
				return 0, fmt.Errorf("duration %q is too long (at most %dd)", s, maxDays)
			}
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (examples: 90s, 10m, 2h, 3d)", s)
	}
	return d, nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected a duration such as 90s or 2h")
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler (JSON bodies).
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// At is an event or deadline time: either relative to the clock start
// ("+5m", "+2d") or absolute (RFC 3339).
type At struct {
	Rel   time.Duration
	Abs   time.Time
	IsRel bool
}

// Resolve turns the value into a time, given the scenario's clock start.
func (a At) Resolve(start time.Time) time.Time {
	if a.IsRel {
		return start.Add(a.Rel)
	}
	return a.Abs
}

// ParseAt reads "+5m" or an RFC 3339 time.
func ParseAt(s string) (At, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "+") {
		d, err := ParseDuration(s[1:])
		if err != nil {
			return At{}, err
		}
		return At{Rel: d, IsRel: true}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return At{}, fmt.Errorf("invalid time %q (write +5m for 5 minutes after the clock start, or an RFC 3339 time)", s)
	}
	return At{Abs: t.UTC()}, nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (a *At) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected a time such as +5m or 2026-01-05T10:00:00Z")
	}
	v, err := ParseAt(n.Value)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (a At) MarshalText() ([]byte, error) {
	if a.IsRel {
		return []byte("+" + a.Rel.String()), nil
	}
	return []byte(a.Abs.Format(time.RFC3339)), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (a *At) UnmarshalText(b []byte) error {
	v, err := ParseAt(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
