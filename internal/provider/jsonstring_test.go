package provider

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

// encodingJSON is what encoding/json writes for s with HTML escaping off.
func encodingJSON(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "<a href=\"x\">&</a>", "tab\tnew\nline\r\b\f",
		"\x00\x01\x1f\x7f", "bad \xff utf-8 \xc3", "line\u2028para\u2029", "ü ß 日本", "https://x.example/a?b=1&c=2"} {
		assert.Equal(t, encodingJSON(s), string(AppendJSONString(nil, s)), "%q", s)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\xff", "\u2028", "<&>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendJSONString(nil, s)), encodingJSON(s); got != want {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}
