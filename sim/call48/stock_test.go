package call48

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/fake"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

// buildStore makes one tenant's store the way the app does.
func buildStore(tb testing.TB, p *Provider, sc *scenario.Scenario, cfg any, id string) *Store {
	tb.Helper()
	w := tenant.NewWorld(id, sc)
	tb.Cleanup(w.Close)
	st, err := p.buildState(provider.Env{World: w, Clock: w.Clock, Faker: fake.New(sc.Seed, Name), Secret: fake.Secret(sc.Seed, id, Name), Seed: sc.Seed, Start: sc.Clock.Start}, cfg)
	require.NoError(tb, err)
	return st
}

func configured(tb testing.TB, p *Provider, yaml string) (*scenario.Scenario, any) {
	tb.Helper()
	sc, err := scenario.Parse("test.yaml", []byte(yaml), []string{Name}, nil)
	require.NoError(tb, err)
	cfg, err := p.Configure(sc.Sections[Name], sc)
	require.NoError(tb, err)
	return sc, cfg
}

// stockJSON is a store's inventory and offers, for comparing stores.
func stockJSON(tb testing.TB, s *Store) string {
	tb.Helper()
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, err := json.Marshal(map[string]any{"inventory": s.d.Inventory, "offers": s.d.Offers, "seq": s.d.Seq["inv"]})
	require.NoError(tb, err)
	return string(b)
}

// Tenants built from one configuration start from one generated stock; what
// one tenant buys or uses up stays in that tenant.
func TestStockSharedButNotChanged(t *testing.T) {
	p := New()
	sc, cfg := configured(t, p, testScenario)
	a := buildStore(t, p, sc, cfg, "a")
	b := buildStore(t, p, sc, cfg, "b")
	fresh := buildStore(t, New(), sc, cfg, "c")
	want := stockJSON(t, fresh)
	require.Equal(t, want, stockJSON(t, a), "a copied stock is what generating gives")
	require.Equal(t, want, stockJSON(t, b))

	a.mu.Lock()
	acc := a.d.Accounts[a.byName["mark"]]
	require.NotNil(t, acc)
	num := a.sortedInventoryLocked()[0]
	a.assignLocked(acc, a.d.Inventory[num], time.Now(), "test", nil)
	for _, o := range a.d.Offers {
		o.Available = 0
		o.Features[0] = "changed"
	}
	a.mu.Unlock()

	assert.NotEqual(t, want, stockJSON(t, a))
	assert.Equal(t, want, stockJSON(t, b), "another tenant's purchases leave this one's stock alone")
	c := buildStore(t, p, sc, cfg, "d")
	assert.Equal(t, want, stockJSON(t, c), "a tenant built later starts from the untouched stock")
	c.mu.Lock()
	assert.Contains(t, c.sortedInventoryLocked(), num)
	c.mu.Unlock()
}

// The ordered inventory follows removals and additions, and never changes
// the shared stock's order it started from.
func TestSortedInventoryFollowsChanges(t *testing.T) {
	p := New()
	sc, cfg := configured(t, p, testScenario)
	s := buildStore(t, p, sc, cfg, "a")
	s.mu.Lock()
	defer s.mu.Unlock()
	shared := slices.Clone(p.stocks.get(sc.Seed, cfg.(*Config).Inventory, nil).sorted)
	acc := s.d.Accounts[s.byName["mark"]]
	steps := []struct {
		name string
		do   func()
	}{
		{"assign the first", func() { s.assignLocked(acc, s.d.Inventory[s.sortedInventoryLocked()[0]], time.Now(), "test", nil) }},
		{"assign two in a row", func() {
			inv := s.sortedInventoryLocked()
			s.assignLocked(acc, s.d.Inventory[inv[3]], time.Now(), "test", nil)
			s.assignLocked(acc, s.d.Inventory[inv[7]], time.Now(), "test", nil)
		}},
		{"return one", func() {
			s.d.Inventory["2125550199"] = &InvNumber{Number: "2125550199", Kind: KindLocal}
			s.invDirty = true
		}},
		{"assign the returned one", func() { s.assignLocked(acc, s.d.Inventory["2125550199"], time.Now(), "test", nil) }},
	}
	for _, st := range steps {
		st.do()
		assert.Equal(t, sortedKeys(s.d.Inventory), s.sortedInventoryLocked(), st.name)
	}
	assert.Equal(t, shared, p.stocks.get(sc.Seed, cfg.(*Config).Inventory, nil).sorted, "the shared order is untouched")
}

// A different seed or inventory size is a different stock.
func TestStockKeyedBySeedAndSpec(t *testing.T) {
	p := New()
	sc1, cfg1 := configured(t, p, testScenario)
	other := New()
	sc2, cfg2 := configured(t, other, strings.Replace(testScenario, "seed: 42", "seed: 99", 1))
	require.Equal(t, int64(99), sc2.Seed)
	base := stockJSON(t, buildStore(t, p, sc1, cfg1, "a"))
	assert.NotEqual(t, base, stockJSON(t, buildStore(t, p, sc2, cfg2, "b")), "another seed gives another stock")
	assert.Len(t, p.stocks.m, 2)
}

// BenchmarkNewState builds a tenant's Call48 state from the default
// inventory, generating it every time (a fresh provider: what every tenant
// cost before stocks were shared) and copying the shared stock.
func BenchmarkNewState(b *testing.B) {
	sc, cfg := configured(b, New(), "version: 1\ncall48: {}\n")
	b.Run("generated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buildStore(b, New(), sc, cfg, "t")
		}
	})
	b.Run("shared", func(b *testing.B) {
		p := New()
		b.ReportAllocs()
		for b.Loop() {
			buildStore(b, p, sc, cfg, "t")
		}
	})
}

// localNumbersReference is localNumbers written plainly, one formatted
// draw at a time: the numbers every tenant, export and test saw before
// localNumbers was made cheap.
func localNumbersReference(st *stock, rc *RateCenter) []InvNumber {
	if st == nil || st.perRC == 0 || rc == nil || rc.npa == 0 || (st.states != nil && !st.states[rc.State()]) {
		return nil
	}
	if fx.rateCenterOf(rc.NPA()+rc.exchange()+"0000") != rc {
		return nil
	}
	var out []InvNumber
	taken := map[string]bool{}
	for j := 0; len(out) < st.perRC && j < 64; j++ {
		h := uint64(hash32("line", strconv.FormatUint(uint64(st.seed), 10), strconv.Itoa(int(rc.FootprintID)), strconv.Itoa(j)))
		line := fmt.Sprintf("%04d", h%10000)
		if taken[line] {
			continue
		}
		taken[line] = true
		n := InvNumber{Number: rc.NPA() + rc.exchange() + line, Kind: KindLocal, State: rc.State(), RateCenter: rc.Name(), FootprintID: int(rc.FootprintID),
			LATA: rc.LATA(), Platform: PlatformOD, Fax: (h>>14)&1 == 1, Tier: 1 + int((h>>16)%10)/8, InvID: localBase + int(rc.seq)*64 + j, Vendor: 1}
		switch (h >> 20) % 10 {
		case 0, 1, 2:
			n.Platform, n.Vendor = PlatformPorta, 2
		case 3, 4, 5:
			n.Vendor = 4
		}
		out = append(out, n)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Number < out[b].Number })
	return out
}

func TestLocalNumbersMatchTheReference(t *testing.T) {
	for _, tc := range []struct {
		seed  uint32
		perRC int
	}{{0, 8}, {42, 8}, {7, 1}, {123456789, maxPerRC}, {4294967295, 20}} {
		st := &stock{seed: tc.seed, perRC: tc.perRC}
		checked := 0
		for _, s := range fx.States {
			rcs := fx.footprints(s.StateCode)
			for i := 0; i < len(rcs); i += 7 { // every seventh rate center of every state
				want := localNumbersReference(st, &rcs[i])
				got := st.localNumbers(&rcs[i])
				if len(want) == 0 {
					require.Empty(t, got)
					continue
				}
				require.Equal(t, want, got, "seed %d, %d per rate center, %s %s", tc.seed, tc.perRC, s.StateCode, rcs[i].Name())
				checked++
			}
		}
		require.Greater(t, checked, 1000)
	}
}

func BenchmarkLocalNumbers(b *testing.B) {
	st := &stock{seed: 42, perRC: 8}
	rcs := fx.footprints("WA")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		st.localNumbers(&rcs[i%len(rcs)])
		i++
	}
}

// A search passes over rate centers whose numbers are all sold, and finds
// them again when one comes back; the counts survive an export and import.
func TestSearchSkipsSoldOutRateCenters(t *testing.T) {
	p := New()
	sc, cfg := configured(t, p, testScenario)
	s := buildStore(t, p, sc, cfg, "a")
	search := func(s *Store) []string {
		s.mu.Lock()
		defer s.mu.Unlock()
		var out []string
		for _, n := range s.localLocked(localFilter{State: "WA"}, 3) {
			out = append(out, n.Number)
		}
		return out
	}
	first := search(s)
	require.Len(t, first, 3)
	rc := fx.rateCenterOf(first[0])
	require.NotNil(t, rc)

	// Sell every number of the first rate center.
	s.mu.Lock()
	all := s.stock.localNumbers(rc)
	require.NotEmpty(t, all)
	for _, n := range all {
		s.takeLocked(n.Number)
	}
	assert.Equal(t, len(all), s.soldIn[int(rc.seq)])
	s.mu.Unlock()
	after := search(s)
	require.Len(t, after, 3)
	for _, n := range after {
		assert.NotEqual(t, rc, fx.rateCenterOf(n), "%s is in the sold-out rate center", n)
	}

	// An export and import keeps the counts (and so the answer).
	b, err := json.Marshal(s.Export())
	require.NoError(t, err)
	imported := buildStore(t, p, sc, cfg, "b")
	require.NoError(t, imported.Import(b))
	assert.Equal(t, len(all), imported.soldIn[int(rc.seq)])
	assert.Equal(t, after, search(imported))

	// One comes back: the rate center is searched again.
	s.mu.Lock()
	s.putBackLocked(all[0])
	assert.Equal(t, len(all)-1, s.soldIn[int(rc.seq)])
	s.mu.Unlock()
	assert.Equal(t, all[0].Number, search(s)[0])
}
