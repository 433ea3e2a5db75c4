package scenario

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseClockStart(t *testing.T) {
	wall := time.Date(2026, 12, 4, 23, 30, 15, 500, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		text string
		err  string
	}{
		{in: "now", want: wall.Truncate(time.Second), text: "now"},
		{in: " now-2h ", want: wall.Add(-2 * time.Hour).Truncate(time.Second), text: "now-2h0m0s"},
		{in: "now+30m", want: wall.Add(30 * time.Minute).Truncate(time.Second), text: "now+30m0s"},
		{in: "now-1d", want: wall.Add(-24 * time.Hour).Truncate(time.Second), text: "now-24h0m0s"},
		{in: "2026-01-05T09:00:00Z", want: DefaultStart, text: "2026-01-05T09:00:00Z"},
		{in: "2026-01-05T10:00:00+01:00", want: DefaultStart, text: "2026-01-05T10:00:00+01:00"},
		{in: "now2h", err: "want now, now+DURATION or now-DURATION"},
		{in: "now-soon", err: `"now-soon"`},
		{in: "yesterday", err: "want an RFC 3339 time"},
		{in: "", err: "want an RFC 3339 time"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			cs, err := ParseClockStart(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(cs.At(wall)), "got %s", cs.At(wall))
			assert.Equal(t, tt.text, cs.String())
			back, err := ParseClockStart(cs.String())
			require.NoError(t, err)
			assert.True(t, cs.At(wall).Equal(back.At(wall)), "String reads back")
		})
	}
}

func TestParseClockStartNow(t *testing.T) {
	s, err := Parse("s.yaml", []byte("version: 1\nclock: {start: now-2h, mode: real}\n"), nil, nil)
	require.NoError(t, err)
	assert.True(t, s.Clock.From.FromNow)
	assert.Equal(t, -2*time.Hour, s.Clock.From.Offset)
	assert.False(t, s.Clock.Start.IsZero(), "a load-time start is set for checks of events and faults")

	wall := time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC)
	r := s.ResolveStart(wall)
	assert.Equal(t, wall.Add(-2*time.Hour), r.Clock.Start)
	assert.NotSame(t, s, r, "the shared scenario is not modified")
	assert.NotEqual(t, r.Clock.Start, s.Clock.Start)

	fixed, err := Parse("s.yaml", []byte("version: 1\nclock: {start: \"2026-03-01T12:00:00Z\"}\n"), nil, nil)
	require.NoError(t, err)
	assert.Same(t, fixed, fixed.ResolveStart(wall), "a fixed start needs no copy")

	w := fixed.WithStart(ClockStart{FromNow: true}, wall)
	assert.Equal(t, wall, w.Clock.Start)
	assert.True(t, w.Clock.From.FromNow)
	assert.Equal(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), fixed.Clock.Start, "WithStart copies")

	_, err = Parse("s.yaml", []byte("version: 1\nclock:\n  start: later\n"), nil, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "s.yaml:3:10: clock.start")
}
