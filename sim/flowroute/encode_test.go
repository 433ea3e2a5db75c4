package flowroute

import (
	"bytes"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodedPage is the CNAM list page as encoding/json writes it from the wire
// structs: what appendCNAMPage must reproduce byte for byte.
func encodedPage(t testing.TB, base string, items []CNAM, q url.Values, limit, offset int, more bool) []byte {
	data := make([]cnamResource, len(items))
	for i, c := range items {
		data[i] = cnamWire(base, c)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(listDoc{Data: data, Links: pageLinks(base, "/v2/cnams", q, limit, offset, more)}))
	return buf.Bytes()
}

func pointers(items []CNAM) []*CNAM {
	out := make([]*CNAM, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}

func TestAppendCNAMPageMatchesEncodingJSON(t *testing.T) {
	created := time.Date(2026, 1, 5, 9, 0, 0, 123456000, time.UTC)
	approved := time.Date(2026, 1, 5, 13, 0, 0, 0, time.FixedZone("EST", -5*3600))
	reason := "profanity"
	odd := "tab\tquote\" back\\ nl\n bell\a bs\b ff\f \u2028\u2029 <&> é \xff end"
	base := "http://127.0.0.1:8080/t/ci-1/flowroute"
	tests := []struct {
		name   string
		base   string
		items  []CNAM
		q      url.Values
		limit  int
		offset int
		more   bool
	}{
		{name: "empty page", base: base, items: []CNAM{}, q: url.Values{}, limit: 100},
		{name: "nil query", base: base, items: []CNAM{}, limit: 100},
		{name: "pending, approved, rejected", base: base, limit: 10, offset: 20, more: true, q: url.Values{},
			items: []CNAM{
				{ID: 17608, Value: "ACME LABS", Created: created},
				{ID: 17609, Value: "ACME WIDGETS", Created: created, Approved: &approved},
				{ID: 17610, Value: "BAD WORD", Created: created, Rejection: &reason},
			}},
		{name: "values that need escaping", base: "http://h\"ost\\<x>", limit: 1, more: true,
			items: []CNAM{{ID: 1, Value: odd, Created: created, Rejection: &odd}}, q: url.Values{}},
		{name: "query echoed sorted and escaped", base: base, limit: 5, offset: 5, more: true,
			items: []CNAM{{ID: 9, Value: "X", Created: created}},
			q:     url.Values{"value": {"acme labs&co/é", "second"}, "is_approved": {"True"}, "limit": {"5"}, "zz": {""}, "": {"x"}, "a b": {"~-_."}}},
		{name: "zero creation time", base: "", limit: 100, items: []CNAM{{ID: 3, Value: "Z"}}, q: url.Values{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := encodedPage(t, tc.base, tc.items, tc.q, tc.limit, tc.offset, tc.more)
			got := appendCNAMPage(nil, tc.base, pointers(tc.items), tc.q, tc.limit, tc.offset, tc.more)
			assert.Equal(t, string(want), string(got))
		})
	}
}

func FuzzAppendCNAMPage(f *testing.F) {
	f.Add("ACME", "http://127.0.0.1:8080/flowroute", "acme", "", int64(1))
	f.Add("a\x00\"\\\u2028\xfe", "http://x/\x7f", "a b&c=d", "reason\n", int64(99999))
	f.Fuzz(func(t *testing.T, value, base, filter, rejection string, id int64) {
		c := CNAM{ID: id, Value: value, Created: time.Unix(id%4e11, id%1e9).UTC()}
		if rejection != "" {
			c.Rejection = &rejection
		}
		q := url.Values{"value": {filter}}
		want := encodedPage(t, base, []CNAM{c}, q, 7, 3, true)
		got := appendCNAMPage(nil, base, []*CNAM{&c}, q, 7, 3, true)
		if !bytes.Equal(want, got) {
			t.Fatalf("\nwant %s\ngot  %s", want, got)
		}
	})
}

func TestAppendPyTimeMatchesFormat(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC),
		time.Date(2018, 4, 16, 16, 20, 32, 939166999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("X", 5*3600+1800)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-5, 6, 7, 8, 9, 10, 0, time.UTC),
	} {
		assert.Equal(t, `"`+*fmtTime(&tm)+`"`, string(appendPyTime(nil, &tm)), tm.String())
	}
	// every leap-day boundary and a spread of instants from year 0 to 10000
	for y := 0; y <= 10000; y += 4 {
		for _, tm := range []time.Time{
			time.Date(y, 2, 28, 23, 59, 59, 999999000, time.UTC),
			time.Date(y, 2, 29, 12, 0, 0, 0, time.UTC),
			time.Date(y, 3, 1, 0, 0, 0, 1000, time.UTC),
			time.Date(y+1, 12, 31, 23, 59, 59, 0, time.UTC),
		} {
			if got, want := string(appendPyTime(nil, &tm)), `"`+*fmtTime(&tm)+`"`; got != want {
				t.Fatalf("%v: got %s, want %s", tm, got, want)
			}
		}
	}
	for s := int64(-62_200_000_000); s < 253_500_000_000; s += 1_234_567_891 {
		tm := time.Unix(s, s%1_000_000_000&0x7fffffff)
		if got, want := string(appendPyTime(nil, &tm)), `"`+*fmtTime(&tm)+`"`; got != want {
			t.Fatalf("%v: got %s, want %s", tm, got, want)
		}
	}
	assert.Equal(t, "null", string(appendPyTime(nil, nil)))
	assert.Equal(t, "null", string(appendPyTime(nil, &time.Time{})))
}
