package control

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLinkable(t *testing.T) {
	cases := []struct {
		v    string
		want bool
	}{
		{"17609", true},      // an id
		{"8009900001", true}, // a number
		{"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", true}, // a token
		{"[redacted:abcdefab]", true},                       // a masked token, whatever digits its fingerprint has
		{"[redacted:12345678]", true},
		{"[redacted]", false}, // no fingerprint
		{"pending", false},
		{"NY", false},
		{"0.15000", false},              // a price
		{"2026-01-05T09:00:00Z", false}, // a time many answers share
		{"2026-01-05", false},
		{"100", false}, // a small count
	}
	for _, c := range cases {
		assert.Equal(t, c.want, linkable(c.v), c.v)
	}
}

func TestContainsNumber(t *testing.T) {
	cases := []struct {
		s    string
		want bool
	}{
		{"GET /cnam/8009900001", true},
		{`{"tfNum":"800-990-0001"}`, true},
		{"+1 (800) 990-0001", true},
		{"18009900001", true},
		{"98009900001", false}, // a longer number that merely ends the same
		{"8009900002", false},
		{"", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, containsNumber(c.s, "8009900001"), c.s)
	}
}
