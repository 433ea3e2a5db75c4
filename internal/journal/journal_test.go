package journal

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func paths(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Path
	}
	return out
}

func ids(es []Entry) []uint64 {
	out := make([]uint64, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func TestRing(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		adds    int
		wantLen int
		wantIDs []uint64 // newest first
	}{
		{"empty", 3, 0, 0, []uint64{}},
		{"partly filled", 3, 2, 2, []uint64{2, 1}},
		{"exactly full", 3, 3, 3, []uint64{3, 2, 1}},
		{"wraps once", 3, 4, 3, []uint64{4, 3, 2}},
		{"wraps to the boundary", 3, 6, 3, []uint64{6, 5, 4}},
		{"wraps many times", 3, 11, 3, []uint64{11, 10, 9}},
		{"size one", 1, 5, 1, []uint64{5}},
		{"size zero means one", 0, 2, 1, []uint64{2}},
		{"negative size means one", -4, 2, 1, []uint64{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := New(tt.size, 0)
			for i := 1; i <= tt.adds; i++ {
				id := j.Add(Entry{Path: fmt.Sprintf("/p/%d", i)})
				require.Equal(t, uint64(i), id)
			}
			assert.Equal(t, tt.wantLen, j.Len())
			got := j.List(Filter{})
			assert.Equal(t, tt.wantIDs, ids(got))
			for _, e := range got {
				assert.Equal(t, fmt.Sprintf("/p/%d", e.ID), e.Path, "entry and id stay together")
			}
		})
	}
}

func TestAddOverridesID(t *testing.T) {
	j := New(2, 0)
	assert.Equal(t, uint64(1), j.Add(Entry{ID: 99}))
	assert.Equal(t, []uint64{1}, ids(j.List(Filter{})))
}

func TestListFilters(t *testing.T) {
	j := New(10, 0)
	for _, e := range []Entry{
		{Provider: "flowroute", Method: "GET", Path: "/flowroute/v2/cnams", Status: 200},
		{Provider: "flowroute", Method: "POST", Path: "/flowroute/v2/cnams", Status: 201},
		{Provider: "call48", Method: "GET", Path: "/call48/api/v4/search", Status: 200},
		{Provider: "flowroute", Method: "DELETE", Path: "/flowroute/v2/cnams/7", Status: 404},
		{Provider: "somos", Method: "post", Path: "/somos/v1/auth", Status: 401},
		{Provider: "flowroute", Method: "GET", Path: "/flowroute/v2/numbers", Status: 200},
	} {
		j.Add(e)
	}
	tests := []struct {
		name string
		f    Filter
		want []uint64
	}{
		{"no filter", Filter{}, []uint64{6, 5, 4, 3, 2, 1}},
		{"provider", Filter{Provider: "flowroute"}, []uint64{6, 4, 2, 1}},
		{"provider is exact", Filter{Provider: "flow"}, []uint64{}},
		{"method", Filter{Method: "GET"}, []uint64{6, 3, 1}},
		{"method lower case", Filter{Method: "get"}, []uint64{6, 3, 1}},
		{"method matches a lower-case entry", Filter{Method: "POST"}, []uint64{5, 2}},
		{"path substring", Filter{Path: "cnams"}, []uint64{4, 2, 1}},
		{"path is case-sensitive", Filter{Path: "CNAMS"}, []uint64{}},
		{"status", Filter{Status: 200}, []uint64{6, 3, 1}},
		{"status no match", Filter{Status: 500}, []uint64{}},
		{"limit", Filter{Limit: 2}, []uint64{6, 5}},
		{"limit above count", Filter{Limit: 50}, []uint64{6, 5, 4, 3, 2, 1}},
		{"negative limit means none", Filter{Limit: -1}, []uint64{6, 5, 4, 3, 2, 1}},
		{"combined", Filter{Provider: "flowroute", Method: "get", Path: "/v2/", Status: 200}, []uint64{6, 1}},
		{"combined with limit", Filter{Provider: "flowroute", Path: "cnams", Limit: 2}, []uint64{4, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ids(j.List(tt.f)))
		})
	}
}

func TestListAfterWrapFiltersNewestFirst(t *testing.T) {
	j := New(4, 0)
	for i := 1; i <= 10; i++ {
		status := 200
		if i%2 == 0 {
			status = 500
		}
		j.Add(Entry{Path: fmt.Sprintf("/p/%d", i), Status: status})
	}
	assert.Equal(t, []string{"/p/10", "/p/8"}, paths(j.List(Filter{Status: 500})))
	assert.Equal(t, []string{"/p/9"}, paths(j.List(Filter{Status: 200, Limit: 1})))
}

func TestListReturnsCopies(t *testing.T) {
	j := New(2, 0)
	j.Add(Entry{Path: "/a"})
	got := j.List(Filter{})
	require.Len(t, got, 1)
	got[0].Path = "/changed"
	assert.Equal(t, "/a", j.List(Filter{})[0].Path)
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name     string
		limit    int
		body     string
		want     string
		wantTrun bool
	}{
		{"no limit", 0, strings.Repeat("x", 100), strings.Repeat("x", 100), false},
		{"negative limit is no limit", -1, "abc", "abc", false},
		{"under the limit", 5, "abc", "abc", false},
		{"at the limit", 3, "abc", "abc", false},
		{"over the limit", 3, "abcdef", "abc", true},
		{"empty", 3, "", "", false},
		{"does not split a rune", 4, "abcé", "abc", true},
		{"keeps a whole rune", 5, "abcéd", "abcé", true},
		{"does not split a 4-byte rune", 3, "a😀b", "a", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := New(1, tt.limit)
			got, trunc := j.Truncate([]byte(tt.body))
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.wantTrun, trunc)
			assert.True(t, utf8.ValidString(got))
		})
	}
}

func TestTruncateBinary(t *testing.T) {
	j := New(1, 4)
	got, trunc := j.Truncate([]byte{0xff, 0xfe, 0x00, 0x01, 0x02, 0x03})
	assert.True(t, trunc)
	assert.Equal(t, string([]byte{0xff, 0xfe, 0x00, 0x01}), got, "bytes that are not UTF-8 are cut at the limit")
}

func TestClear(t *testing.T) {
	j := New(3, 0)
	for range 5 {
		j.Add(Entry{Path: "/x"})
	}
	require.Equal(t, 3, j.Len())
	j.Clear()
	assert.Equal(t, 0, j.Len())
	assert.Empty(t, j.List(Filter{}))
	assert.NotNil(t, j.List(Filter{}), "an empty list encodes as [] not null")

	id := j.Add(Entry{Path: "/after"})
	assert.Equal(t, uint64(6), id, "ids keep increasing across a clear")
	assert.Equal(t, []string{"/after"}, paths(j.List(Filter{})))
	assert.Equal(t, 1, j.Len())
}

func TestConcurrentAddList(t *testing.T) {
	j := New(50, 8)
	const writers, each = 8, 200
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range each {
				body, _ := j.Truncate([]byte("a fairly long body"))
				j.Add(Entry{Provider: fmt.Sprintf("p%d", w), Method: "GET", Path: fmt.Sprintf("/%d", i), Status: 200, RespBody: body})
			}
		}()
		go func() {
			defer wg.Done()
			for range each {
				es := j.List(Filter{Provider: fmt.Sprintf("p%d", w), Limit: 5})
				assert.LessOrEqual(t, len(es), 5)
				_ = j.Len()
			}
		}()
	}
	wg.Wait()
	all := j.List(Filter{})
	require.Len(t, all, 50)
	assert.Equal(t, uint64(writers*each), all[0].ID)
	for i := 1; i < len(all); i++ {
		assert.Equal(t, all[i-1].ID-1, all[i].ID, "newest first without gaps")
	}
	j.Clear()
	assert.Equal(t, 0, j.Len())
}

// TestRingAgreesWithASlice adds entries of random sizes to journals of
// several sizes and byte bounds, and compares what each holds after every
// add with a plain slice that drops from the front.
func TestRingAgreesWithASlice(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, size := range []int{1, 2, 3, 7, 8, 9, 100} {
		for _, maxBytes := range []int{0, 600, 3000} {
			j := New(size, 0)
			j.MaxBytes = maxBytes
			var model []Entry
			for i := 1; i <= 300; i++ {
				e := Entry{Path: fmt.Sprintf("/p/%d", i), ReqBody: strings.Repeat("x", rng.IntN(500))}
				j.Add(e)
				e.ID = uint64(i)
				model = append(model, e)
				total := 0
				for _, m := range model {
					total += m.Size()
				}
				for len(model) > size || maxBytes > 0 && total > maxBytes && len(model) > 1 {
					total -= model[0].Size()
					model = model[1:]
				}
				want := make([]uint64, 0, len(model))
				for k := len(model) - 1; k >= 0; k-- {
					want = append(want, model[k].ID)
				}
				require.Equal(t, want, ids(j.List(Filter{})), "size %d, max bytes %d, after %d adds", size, maxBytes, i)
				require.Equal(t, total, j.Bytes())
				if i%50 == 0 {
					j.Clear()
					model = nil
				}
			}
		}
	}
}
