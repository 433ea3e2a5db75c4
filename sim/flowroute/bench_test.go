package flowroute

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/telecomsim/simulator/internal/fake"
	"github.com/telecomsim/simulator/internal/oas"
	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/scenarios"
)

// benchWorld builds one tenant world holding only Flowroute, seeded from the
// embedded default scenario, plus the provider's router.
func benchWorld(b *testing.B) (*tenant.World, *State, http.Handler) {
	b.Helper()
	data, err := scenarios.Files.ReadFile(scenarios.DefaultName)
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"flowroute", "tnregistry", "somos", "call48", "tmobile"}
	sc, err := scenario.Parse("scenarios/"+scenarios.DefaultName, data, names, func(name string) ([]byte, error) {
		return scenarios.Files.ReadFile(strings.TrimPrefix(name, "scenarios/"))
	})
	if err != nil {
		b.Fatal(err)
	}
	p := New(nil)
	cfg, err := p.Configure(sc.Sections[Name], sc)
	if err != nil {
		b.Fatal(err)
	}
	w := tenant.NewWorld("bench", sc)
	b.Cleanup(w.Close)
	st, err := p.NewState(provider.Env{World: w, Clock: w.Clock, Faker: fake.New(sc.Seed, Name), Seed: sc.Seed, Start: sc.Clock.Start}, cfg)
	if err != nil {
		b.Fatal(err)
	}
	w.AddState(Name, st)
	return w, st.(*State), provider.Handler(p, oas.MustLoad(spec), nil)
}

func benchRequest(w *tenant.World, method, target string) *http.Request {
	req := httptest.NewRequest(method, target, nil)
	req.SetBasicAuth("demo-access-key", "demo-secret-key")
	return req.WithContext(tenant.With(req.Context(), w))
}

// BenchmarkListHandler is GET /v2/cnams through the provider's router: Basic
// auth, OpenAPI validation, the store and JSON encoding (no engine).
func BenchmarkListHandler(b *testing.B) {
	w, _, h := benchWorld(b)
	req := benchRequest(w, http.MethodGet, "/v2/cnams")
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkAuthenticate is Basic auth alone.
func BenchmarkAuthenticate(b *testing.B) {
	w, _, _ := benchWorld(b)
	p := New(nil)
	req := benchRequest(w, http.MethodGet, "/v2/cnams")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Authenticate(req, basic); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListPage reads the first page of 10 records from an account
// holding n records: the cost of a page as the account grows.
func BenchmarkListPage(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			_, st, _ := benchWorld(b)
			for i := 0; i < n; i++ {
				if _, err := st.CreateCNAM("demo-access-key", fmt.Sprintf("BENCH %d", i)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				st.ListCNAMs("demo-access-key", CNAMFilter{Limit: 10})
			}
		})
	}
}

// BenchmarkCreate adds records to an account (the duplicate check scans it).
func BenchmarkCreate(b *testing.B) {
	_, st, _ := benchWorld(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := st.CreateCNAM("demo-access-key", fmt.Sprintf("BENCH %d", i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// TestListPagesFollowDeletes checks the per-account order the page slicing
// relies on: ids ascending, deletes gone, other accounts' records absent.
func TestListPagesFollowDeletes(t *testing.T) {
	data, _ := scenarios.Files.ReadFile(scenarios.DefaultName)
	sc, err := scenario.Parse("scenarios/"+scenarios.DefaultName, data, []string{"flowroute", "tnregistry", "somos", "call48", "tmobile"}, func(name string) ([]byte, error) {
		return scenarios.Files.ReadFile(strings.TrimPrefix(name, "scenarios/"))
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := configure(sc.Sections[Name])
	if err != nil {
		t.Fatal(err)
	}
	w := tenant.NewWorld("order", sc)
	defer w.Close()
	st := newState(w.Clock, cfg, 1)
	st.seed(cfg, fake.New(sc.Seed, Name), sc.Clock.Start)
	const acct = "demo-access-key"
	seeded, _ := st.ListCNAMs(acct, CNAMFilter{})
	var ids []int64
	for i := 0; i < 6; i++ {
		c, err := st.CreateCNAM(acct, fmt.Sprintf("ORDER %d", i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if err := st.DeleteCNAM(acct, ids[2]); err != nil {
		t.Fatal(err)
	}
	all, more := st.ListCNAMs(acct, CNAMFilter{})
	if more || len(all) != len(seeded)+5 {
		t.Fatalf("got %d records (more %v), want %d", len(all), more, len(seeded)+5)
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].ID >= all[i].ID || all[i].ID == ids[2] {
			t.Fatalf("order broken at %d: %d then %d", i, all[i-1].ID, all[i].ID)
		}
	}
	page, more := st.ListCNAMs(acct, CNAMFilter{Limit: 2, Offset: len(seeded) + 1})
	if !more || len(page) != 2 || page[0].ID != ids[1] || page[1].ID != ids[3] {
		t.Fatalf("page after delete: %+v more=%v", page, more)
	}
	filtered, more := st.ListCNAMs(acct, CNAMFilter{Value: "order", Limit: 3, Offset: 1})
	if !more || len(filtered) != 3 || filtered[0].ID != ids[1] || filtered[2].ID != ids[4] {
		t.Fatalf("filtered page: %+v more=%v", filtered, more)
	}
	if other, _ := st.ListCNAMs("someone-else", CNAMFilter{}); len(other) != 0 {
		t.Fatalf("another account sees %d records", len(other))
	}
}
