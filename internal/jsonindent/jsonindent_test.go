package jsonindent

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func reference(t testing.TB, src []byte) string {
	var b bytes.Buffer
	require.NoError(t, json.Indent(&b, src, "", "  "))
	return b.String()
}

func TestAppendMatchesEncodingJSON(t *testing.T) {
	deep := strings.Repeat("[", 40) + "1" + strings.Repeat("]", 40)
	for _, src := range []string{
		`{}`, `[]`, `{"a":{}}`, `{"a":[]}`, `[{},[],{"b":[]}]`, `null`, `1`, `"x"`, `true`,
		`{"code":200,"error":null,"data":{"result":[{"npa":"206","n":-1.5e3},{"x":true}],"loc":null}}`,
		`{"q":"a \"quoted\" \\ back\\\\","u":"\u2028 <&> café","e":"ends with \\\\"}`,
		`{"k:,{}[]":"v:,{}[]"}`,
		`{ "spaced" : [ 1 , 2 ] , "e" : { } }`,
		deep,
	} {
		assert.Equal(t, reference(t, []byte(src)), string(Append(nil, []byte(src))), src)
	}
	assert.Equal(t, "x"+reference(t, []byte(`[1]`)), string(Append([]byte("x"), []byte(`[1]`))), "appends to dst")
}

func FuzzAppend(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":"c\"d"}],"e":{}}`, `[[],{},"\\"]`, `"\u0000"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !json.Valid(src) {
			return
		}
		if got, want := string(Append(nil, src)), reference(t, src); got != want {
			t.Fatalf("%q:\n got %q\nwant %q", src, got, want)
		}
	})
}

func BenchmarkAppend(b *testing.B) {
	var items []map[string]any
	for i := 0; i < 25; i++ {
		items = append(items, map[string]any{"tfn": "8005550100", "cnam": "ACME WIDGETS", "entityID": "XQ", "status": "ACTIVE", "lastUpdated": 1767603600000})
	}
	src, _ := json.Marshal(map[string]any{"data": map[string]any{"items": items}})
	b.Run("jsonindent", func(b *testing.B) {
		var dst []byte
		for b.Loop() {
			dst = Append(dst[:0], src)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		var dst bytes.Buffer
		for b.Loop() {
			dst.Reset()
			_ = json.Indent(&dst, src, "", "  ")
		}
	})
}
