package tnregistry

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormTFN(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"8339900238", "8339900238", ""},
		{"18339900238", "8339900238", ""},
		{"+1 (833) 990-0238", "8339900238", ""},
		{"833.990.0238", "8339900238", ""},
		{"", "", "want 10 digits"},
		{"2065550100", "", "not a toll-free code"},
		{"8330900238", "", "NXX cannot start"},
		{"833990023", "", "want 10 digits"},
		{"833-99O-0238", "", "only digits"},
	} {
		got, err := normTFN(c.in)
		if c.err != "" {
			assert.ErrorContains(t, err, c.err, c.in)
			continue
		}
		assert.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = normTFN("8339900238") }), "bare digits are not copied")
}
