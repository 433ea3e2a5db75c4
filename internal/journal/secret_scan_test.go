package journal

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// scanSecretWords is mayHoldSecret without the first-byte table: the
// reference it must agree with.
func scanSecretWords(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		for _, w := range secretWords {
			if c == w[0] && len(s)-i >= len(w) && strings.EqualFold(s[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}

func TestMayHoldSecretAgreesWithScan(t *testing.T) {
	for _, s := range []string{
		"", "k", "ke", "key", "KEY", "xKeY", "monkey", "pas", "PASSWORD", "passwd", "Secret", "secre",
		"tok", "TOKEN=1", "authorizatio", "Authorization", "signature", "credential", "CREDENTIALS",
		`{"data":[{"attributes":{"value":"ACME LABS"},"links":{"self":"http://x/v2/cnams/1"}}]}`,
		"\xff\x00kEy", "ſecret", "\u212Aey", "p\u0430ss",
	} {
		assert.Equal(t, scanSecretWords(s), mayHoldSecret(s), "%q", s)
	}
}

func FuzzMayHoldSecret(f *testing.F) {
	f.Add("api_key=1")
	f.Add(`{"Token":"x"}`)
	f.Add("plain text without any")
	f.Fuzz(func(t *testing.T, s string) {
		if scanSecretWords(s) != mayHoldSecret(s) {
			t.Fatalf("%q: scan %v, table %v", s, scanSecretWords(s), mayHoldSecret(s))
		}
	})
}
