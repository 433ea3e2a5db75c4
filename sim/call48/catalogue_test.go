package call48

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every rate center of the catalogue has numbers of its own, and a number
// tells its rate center.
func TestCatalogueNumbersEveryRateCenter(t *testing.T) {
	st := &stock{seed: 42, perRC: 3}
	empty := 0
	for _, s := range fx.States {
		rcs := fx.footprints(s.StateCode)
		for i := range rcs {
			rc := &rcs[i]
			nums := st.localNumbers(rc)
			if len(nums) == 0 {
				empty++
				continue
			}
			require.Len(t, nums, 3, rc.Name())
			for _, n := range nums {
				require.Len(t, n.Number, 10)
				require.Same(t, rc, fx.rateCenterOf(n.Number), n.Number)
				got, ok := st.local(n.Number)
				require.True(t, ok)
				require.Equal(t, n, got)
			}
		}
	}
	assert.Len(t, rateCenters, 18458)
	assert.Zero(t, empty, "rate centers without numbers (exchange overflow)")
}

func TestCatalogueLookups(t *testing.T) {
	cases := []struct {
		state, key, want string
		ok               bool
	}{
		{"NY", "NWYRCYZN01", "NWYRCYZN01", true},
		{"ny", "nwyrcyzn01", "NWYRCYZN01", true},
		{"NY", "10055", "NWYRCYZN01", true},
		{"NY", "14171", "ADAMS", true},
		{"GA", "10055", "", false},
		{"NY", "NEW YORK CITY", "", false},
		{"FL", "NEEDS UPDATE", "", false},
	}
	for _, tc := range cases {
		rc, ok := fx.rateCenter(tc.state, tc.key)
		require.Equal(t, tc.ok, ok, "%s %s", tc.state, tc.key)
		if ok {
			assert.Equal(t, tc.want, rc.Name())
		}
	}
	rc, _ := fx.rateCenter("NY", "NWYRCYZN01")
	assert.Equal(t, "646", rc.NPA(), "pinned by areacodes.json")
	assert.Nil(t, fx.rateCenterOf("8005551234"))
	assert.Nil(t, fx.rateCenterOf("12345"))
}

// A tenant's inventory costs what it sold, not the catalogue: buying and
// releasing moves one entry of the sold set.
func TestSoldNumbersAndReleases(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	_, rows := searchLocal(t, e, tok, "state=NY&ratecenter=NWYRCYZN01&limit=100")
	require.NotEmpty(t, rows)
	num := rows[0]["number"].(string)
	e.store.mu.RLock()
	sold := len(e.store.d.Sold)
	extra := len(e.store.d.Inventory)
	e.store.mu.RUnlock()

	buy := map[string]any{"type": "local", "numbers": []map[string]any{{"npa": num[:3], "nxx": num[3:6], "xxxx": num[6:], "loc": nil, "locData": nil}}}
	assert.EqualValues(t, 200, e.do("POST", "/api/v4/purchase", tok, buy).json(t)["code"], "null loc and locData are absent")
	e.store.mu.RLock()
	assert.Len(t, e.store.d.Sold, sold+1)
	assert.Len(t, e.store.d.Inventory, extra)
	e.store.mu.RUnlock()
	_, after := searchLocal(t, e, tok, "state=NY&ratecenter=NWYRCYZN01&limit=100")
	assert.Len(t, after, len(rows)-1)

	assert.EqualValues(t, 200, e.do("DELETE", "/api/v4/dids", tok, map[string]any{"numbers": []string{num}}).json(t)["code"])
	e.store.mu.RLock()
	assert.Len(t, e.store.d.Sold, sold, "released: back in stock")
	assert.Len(t, e.store.d.Inventory, extra)
	e.store.mu.RUnlock()
	_, back := searchLocal(t, e, tok, "state=NY&ratecenter=NWYRCYZN01&limit=100")
	assert.Len(t, back, len(rows))
}

func TestPurchaseWithoutSearchTokens(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	loc, rows := searchLocal(t, e, tok, "state=NY&ratecenter=NWYRCYZN01&limit=100")
	require.GreaterOrEqual(t, len(rows), 2)
	n := rows[0]["number"].(string)
	item := func(extra map[string]any) map[string]any {
		m := map[string]any{"npa": n[:3], "nxx": n[3:6], "xxxx": n[6:]}
		for k, v := range extra {
			m[k] = v
		}
		return map[string]any{"type": "local", "numbers": []map[string]any{m}}
	}
	cases := []struct {
		name string
		body map[string]any
		code float64
		err  string
	}{
		{"wrong state", item(map[string]any{"state": "NJ", "ratecenter": "NWYRCYZN01"}), 400, "not in state NJ"},
		{"wrong rate center", item(map[string]any{"state": "NY", "ratecenter": "ADAMS"}), 400, "not in rate center ADAMS"},
		{"forged loc", item(map[string]any{"loc": "00" + loc[2:]}), 400, "Invalid loc"},
		{"locData without loc", item(map[string]any{"locData": "abc"}), 400, "Invalid locData"},
		{"unknown number", map[string]any{"type": "local", "numbers": []map[string]any{{"npa": "212", "nxx": "555", "xxxx": "0100"}}}, 400, "not available"},
		{"as observed", item(map[string]any{"state": "NY", "ratecenter": "NWYRCYZN01"}), 200, ""},
		{"sold", item(map[string]any{"state": "NY", "ratecenter": "NWYRCYZN01"}), 400, "not available"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := e.do("POST", "/api/v4/purchase", tok, tc.body).json(t)
			assert.Equal(t, tc.code, m["code"])
			if tc.err != "" {
				assert.Contains(t, m["error"], tc.err)
			} else {
				assert.Equal(t, "Purchase was successful", m["message"])
			}
		})
	}
}

// BenchmarkSearch measures a local search by rate center and by state
// only, on the default scenario's stock (8 numbers per rate center).
func BenchmarkSearch(b *testing.B) {
	p := New()
	sc, cfg := configured(b, p, "version: 1\nseed: 42\nclock: {start: \"2026-01-05T09:00:00Z\", mode: frozen}\ncall48:\n  accounts: [{id: 129, username: mark, password: password}]\n  inventory: {local: 150000}\n")
	s := buildStore(b, p, sc, cfg, "bench")
	c := Caller{AccountID: 129}
	for _, q := range []SearchQuery{
		{Type: "local", State: "NY", RateCenter: "NWYRCYZN01", Limit: "100"},
		{Type: "local", State: "TX", Limit: "50"},
		{Type: "local", State: "CA", NPA: "415", Limit: "50"},
	} {
		b.Run(q.State+"/"+q.RateCenter+q.NPA, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Search(c, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestParseRateCenters(t *testing.T) {
	cases := []struct {
		name, csv string
		want      map[string][]string // state -> names, in file order
		panics    string
	}{
		{"states in blocks", "state,footprint_id,rate_center\nAL,1,ABBEVILLE\nAL,2,ALABASTER\r\nAK,3,ANCHORAGE\n",
			map[string][]string{"AL": {"ABBEVILLE", "ALABASTER"}, "AK": {"ANCHORAGE"}}, ""},
		{"header only", "state,footprint_id,rate_center\n", map[string][]string{}, ""},
		{"a state's rows apart", "state,footprint_id,rate_center\nAL,1,A\nAK,2,B\nAL,3,C\n", nil, "the rows of AL are not together"},
		{"footprint not a number", "state,footprint_id,rate_center\nAL,x,A\n", nil, "data/ratecenters.csv:2"},
		{"footprint past 32 bits", "state,footprint_id,rate_center\nAL,4294967296,A\n", nil, "data/ratecenters.csv:2"},
		{"no name", "state,footprint_id,rate_center\nAL,1,\n", nil, "data/ratecenters.csv:2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			codes := newTexts()
			if c.panics != "" {
				defer func() {
					r := recover()
					require.NotNil(t, r)
					assert.Contains(t, fmt.Sprint(r), c.panics)
				}()
			}
			got := parseRateCenters(c.csv, codes)
			names := map[string][]string{}
			for st, rcs := range got {
				for _, rc := range rcs {
					assert.Equal(t, st, codes.list[rc.state])
					names[st] = append(names[st], rc.RateCenter)
				}
				assert.Equal(t, len(rcs), cap(rcs), "a state's slice cannot grow into the next state's")
			}
			assert.Equal(t, c.want, names)
		})
	}
}

// TestRateCenterSize keeps the catalogue small (18,458 entries at 20 bytes)
// and out of the garbage collector's way: a RateCenter holds no pointer, so
// the array is in the binary's data the collector does not scan.
func TestRateCenterSize(t *testing.T) {
	assert.Equal(t, uintptr(20), unsafe.Sizeof(RateCenter{}))
	assert.Less(t, len(catalogueTexts), 1<<16)
}
