package journal

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestByteBound(t *testing.T) {
	big := strings.Repeat("x", 10_000)
	tests := []struct {
		name     string
		maxBytes int
		bodies   []string
		wantIDs  []uint64 // newest first
	}{
		{"no bound", 0, []string{big, big, big}, []uint64{3, 2, 1}},
		{"oldest dropped to fit", 25_000, []string{big, big, big}, []uint64{3, 2}},
		{"a huge entry stays alone", 5_000, []string{"a", big}, []uint64{2}},
		{"small entries all fit", 25_000, []string{"a", "b", "c"}, []uint64{3, 2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := New(100, 0)
			j.MaxBytes = tt.maxBytes
			for _, b := range tt.bodies {
				j.Add(Entry{ReqBody: b})
				if tt.maxBytes > 0 && j.Len() > 1 {
					assert.LessOrEqual(t, j.Bytes(), tt.maxBytes)
				}
			}
			assert.Equal(t, tt.wantIDs, ids(j.List(Filter{})))
			sum := 0
			for _, e := range j.List(Filter{}) {
				sum += e.Size()
			}
			assert.Equal(t, sum, j.Bytes(), "the running total matches the entries")
		})
	}
	j := New(10, 0)
	j.Add(Entry{ReqBody: big})
	j.Clear()
	assert.Equal(t, 0, j.Bytes())
}

func TestPage(t *testing.T) {
	j := New(100, 0)
	for i := 1; i <= 7; i++ {
		p := "/a"
		if i%2 == 0 {
			p = "/b"
		}
		j.Add(Entry{Path: p})
	}
	tests := []struct {
		name     string
		f        Filter
		before   uint64
		wantIDs  []uint64
		wantNext uint64
	}{
		{"first page", Filter{Limit: 3}, 0, []uint64{7, 6, 5}, 5},
		{"second page", Filter{Limit: 3}, 5, []uint64{4, 3, 2}, 2},
		{"last page", Filter{Limit: 3}, 2, []uint64{1}, 0},
		{"exactly the rest: no next", Filter{Limit: 2}, 3, []uint64{2, 1}, 0},
		{"filtered pages", Filter{Path: "/b", Limit: 2}, 0, []uint64{6, 4}, 4},
		{"filtered, next page", Filter{Path: "/b", Limit: 2}, 4, []uint64{2}, 0},
		{"no limit", Filter{}, 0, []uint64{7, 6, 5, 4, 3, 2, 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, next := j.Page(tt.f, tt.before)
			assert.Equal(t, tt.wantIDs, ids(es))
			assert.Equal(t, tt.wantNext, next)
		})
	}
}

func TestHeaders(t *testing.T) {
	h := http.Header{
		"Authorization":   {"Basic ZGVtby1hY2Nlc3Mta2V5OmRlbW8tc2VjcmV0LWtleQ=="},
		"X-Authorization": {"eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiJ4In0.sig"},
		"Cookie":          {"session=abc"},
		"Content-Type":    {"application/json"},
		"X-Junk":          {strings.Repeat("j", 100_000)},
	}
	got, cut := Headers(h, 0, false)
	assert.False(t, cut)
	assert.Equal(t, "Basic "+Mask("ZGVtby1hY2Nlc3Mta2V5OmRlbW8tc2VjcmV0LWtleQ=="), got.Get("Authorization"))
	assert.Equal(t, Mask("eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiJ4In0.sig"), got.Get("X-Authorization"))
	assert.Equal(t, Mask("session=abc"), got.Get("Cookie"))
	assert.Equal(t, "application/json", got.Get("Content-Type"))

	got, cut = Headers(h, 0, true)
	assert.False(t, cut)
	assert.Equal(t, h.Get("Authorization"), got.Get("Authorization"), "--journal-secrets keeps them")

	got, cut = Headers(h, 1024, false)
	assert.True(t, cut)
	total := 0
	for k, v := range got.All() {
		total += len(k) + len(v)
	}
	assert.LessOrEqual(t, total, 1024+len(TruncMark))
	assert.True(t, strings.HasSuffix(got.Get("X-Junk"), TruncMark), "a cut value says so")
	assert.Equal(t, "application/json", got.Get("Content-Type"))
}

func TestRedactBody(t *testing.T) {
	m := Mask
	tests := []struct {
		name, in, want string
	}{
		{"call48 login", `{"user_name":"mark","password":"password"}`, `{"user_name":"mark","password":"` + m("password") + `"}`},
		{"somos tokens, spaced", `{"data": {"AuthenticationResult": {"IdToken" : "eyJ.x.y", "RefreshToken":"r1", "ExpiresIn":3600}}}`,
			`{"data": {"AuthenticationResult": {"IdToken" : "` + m("eyJ.x.y") + `", "RefreshToken":"` + m("r1") + `", "ExpiresIn":3600}}}`},
		{"escaped quote inside", `{"secret":"a\"b","x":1}`, `{"secret":"` + m(`a"b`) + `","x":1}`},
		{"cut short by truncation", `{"refreshToken":"abcdef`, `{"refreshToken":"` + m("abcdef") + `"`},
		{"flowroute secret key", `[{"secretKey":"s","accessKey":"a"}]`, `[{"secretKey":"` + m("s") + `","accessKey":"a"}]`},
		{"oauth form", `grant_type=refresh_token&refresh_token=abc&client_secret=s&code=1`, `grant_type=refresh_token&refresh_token=` + m("abc") + `&client_secret=` + m("s") + `&code=1`},
		{"nothing secret", `{"value":"ACME","tfn":"8005551234"}`, `{"value":"ACME","tfn":"8005551234"}`},
		{"csv left alone", "tfn,cnam\n8005551234,TOKEN=1\n", "tfn,cnam\n8005551234,TOKEN=1\n"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, RedactBody(tt.in))
		})
	}
	assert.Equal(t, "X-Amz-Credential="+m("AK/2026")+"&X-Amz-Expires=60&X-Amz-Signature="+m("abc"),
		RedactQuery("X-Amz-Credential=AK%2F2026&X-Amz-Expires=60&X-Amz-Signature=abc"))
	require.Equal(t, "a=1", RedactQuery("a=1"))
}

func TestAddRequestFinishesOnRead(t *testing.T) {
	basic := "Basic ZGVtby1hY2Nlc3Mta2V5OmRlbW8tc2VjcmV0LWtleQ=="
	tests := []struct {
		name        string
		keepSecrets bool
		headerLimit int
		header      http.Header
		wantAuth    string
		wantCut     bool
	}{
		{"redacted on read", false, 0, http.Header{"Authorization": {basic}, "Accept": {"*/*"}}, "Basic " + Mask("ZGVtby1hY2Nlc3Mta2V5OmRlbW8tc2VjcmV0LWtleQ=="), false},
		{"kept with --journal-secrets", true, 0, http.Header{"Authorization": {basic}}, basic, false},
		{"over the header limit: cut at once", false, 64, http.Header{"Authorization": {basic}, "X-Junk": {strings.Repeat("j", 10_000)}}, "Basic " + Mask("ZGVtby1hY2Nlc3Mta2V5OmRlbW8tc2VjcmV0LWtleQ=="), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := New(10, 0)
			j.KeepSecrets, j.HeaderLimit = tt.keepSecrets, tt.headerLimit
			j.AddRequest(Entry{Query: "token=abc&a=1", ReqBody: `{"password":"pw"}`, RespBody: `{"IdToken":"t"}`}, tt.header)
			if tt.headerLimit > 0 {
				assert.LessOrEqual(t, j.Bytes(), entryOverhead+tt.headerLimit+len(TruncMark)+200, "an entry never holds more than the header limit")
			}
			es := j.List(Filter{})
			require.Len(t, es, 1)
			e := es[0]
			assert.Equal(t, tt.wantAuth, e.ReqHeaders.Get("Authorization"))
			assert.Equal(t, tt.wantCut, e.ReqHeadTrunc)
			assert.Nil(t, e.rawHeaders, "a read entry holds its own copy")
			if tt.keepSecrets {
				assert.Equal(t, `{"password":"pw"}`, e.ReqBody)
				assert.Equal(t, "token=abc&a=1", e.Query)
			} else {
				assert.Equal(t, `{"password":"`+Mask("pw")+`"}`, e.ReqBody)
				assert.Equal(t, `{"IdToken":"`+Mask("t")+`"}`, e.RespBody)
				assert.Equal(t, "token="+Mask("abc")+"&a=1", e.Query)
			}
			assert.Equal(t, e.Size(), j.Bytes(), "the running total follows the finished entry")
			assert.Equal(t, es, j.List(Filter{}), "finished once; a second read is the same")
		})
	}
}

func TestAddRequestCopiesNothingOnTheRequestPath(t *testing.T) {
	j := New(1000, 0)
	h := http.Header{"Authorization": {"Basic YTpi"}, "Accept": {"*/*"}, "User-Agent": {"x"}}
	e := Entry{Provider: "p", Method: "GET", Path: "/x", RespBody: `{"value":"ACME"}`}
	allocs := testing.AllocsPerRun(100, func() { j.AddRequest(e, h) })
	assert.LessOrEqual(t, allocs, 1.0, "only the ring's growth may allocate")
}

// TestPackedHeaders: what an entry holds until it is read gives the same
// headers as the request's own.
func TestPackedHeaders(t *testing.T) {
	for name, h := range map[string]http.Header{
		"none":             {},
		"one":              {"User-Agent": {"Go-http-client/1.1"}},
		"several values":   {"Accept": {"text/plain", "application/json"}, "X-A": {"1", "", "3"}},
		"empty and absent": {"X-Empty": {""}, "X-None": {}},
		"any bytes":        {"X-Bin": {"a\x00b\r\n:\xff"}, "odd:name": {"ü, ß"}},
		"long":             {"X-Long": {strings.Repeat("v", 70_000)}, "Authorization": {"Bearer abc"}},
	} {
		t.Run(name, func(t *testing.T) {
			n, _ := headerBytes(h)
			packed := packHeaders(h, n)
			for _, keep := range []bool{true, false} {
				want, wantCut := Headers(h, 0, keep)
				got, gotCut := Headers(unpackHeaders(packed), 0, keep)
				assert.Equal(t, want, got)
				assert.Equal(t, wantCut, gotCut)
			}
		})
	}
}
