package journal

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeader(t *testing.T) {
	cases := map[string]map[string]string{
		"none":         {},
		"one":          {"User-Agent": "Go-http-client/1.1"},
		"sorted":       {"X-B": "2", "Accept": "*/*", "Content-Type": "application/json"},
		"escapes":      {"X-Html": `<a href="x">&</a>`, "X-Ctl": "a\x00b\n", "X-Bad-Utf8": "\xff\xfe", "ü": "ß"},
		"empty values": {"X-Empty": "", "X-Also": ""},
		"long":         {"X-Long": strings.Repeat("v", 70_000)},
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			h := MakeHeader(m)
			assert.Equal(t, m, h.Map())
			assert.Equal(t, len(m) == 0, h.IsZero())
			var prev string
			for k, v := range h.All() {
				assert.Less(t, prev, k+"\x00", "names in order")
				prev = k + "\x00"
				assert.Equal(t, m[k], v)
				assert.Equal(t, v, h.Get(k))
				got, ok := h.Lookup(strings.ToLower(k))
				assert.True(t, ok)
				assert.Equal(t, v, got)
			}
			want := 0
			for k, v := range m {
				want += len(k) + len(v) + 16
			}
			assert.Equal(t, want, h.size(), "counts as the map did")

			// JSON: the same bytes as the map, and back.
			wantJSON, err := json.Marshal(m)
			require.NoError(t, err)
			gotJSON, err := json.Marshal(h)
			require.NoError(t, err)
			assert.Equal(t, string(wantJSON), string(gotJSON))
			var back Header
			require.NoError(t, json.Unmarshal(gotJSON, &back))
			var viaMap map[string]string // invalid UTF-8 does not survive JSON either way
			require.NoError(t, json.Unmarshal(wantJSON, &viaMap))
			assert.Equal(t, viaMap, back.Map())
		})
	}
	_, ok := MakeHeader(map[string]string{"A": "1"}).Lookup("B")
	assert.False(t, ok)
	assert.Equal(t, "", MakeHeader(map[string]string{"A": "1"}).Get("a"), "Get is exact")
	assert.Error(t, new(Header).UnmarshalJSON([]byte(`["not", "an object"]`)))
}

// TestEntryJSONHeaders: an entry without headers leaves requestHeaders out,
// as the map did; one with headers writes them as an object.
func TestEntryJSONHeaders(t *testing.T) {
	b, err := json.Marshal(Entry{ID: 1})
	require.NoError(t, err)
	assert.NotContains(t, string(b), "requestHeaders")
	b, err = json.Marshal(Entry{ID: 1, ReqHeaders: MakeHeader(map[string]string{"Accept": "*/*"})})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"requestHeaders":{"Accept":"*/*"}`)
	var e Entry
	require.NoError(t, json.Unmarshal(b, &e))
	assert.Equal(t, "*/*", e.ReqHeaders.Get("Accept"))
}
