package somos

import (
	"encoding/json"
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

// benchWorld builds one tenant world holding only TFN Identity, seeded from
// the embedded default scenario (every record's TFN WORKING in a registry
// stand-in), plus the provider's router and an IdToken of the scenario's
// Admin.
func benchWorld(b *testing.B) (*tenant.World, *Store, http.Handler, string) {
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
	reg := &fakeRegistry{m: map[string][2]string{}}
	p := New(Options{Registry: func(*tenant.World) Registry { return reg }})
	cfg, err := p.Configure(sc.Sections[Name], sc)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cfg.(*Config).CNAM {
		reg.Set(c.TFN, TFNWorking, strings.ToUpper(c.RespOrg))
	}
	w := tenant.NewWorld("bench", sc)
	b.Cleanup(w.Close)
	st, err := p.NewState(provider.Env{World: w, Clock: w.Clock, Faker: fake.New(sc.Seed, Name), Seed: sc.Seed, Start: sc.Clock.Start}, cfg)
	if err != nil {
		b.Fatal(err)
	}
	w.AddState(Name, st)
	s := st.(*Store)
	res, err := s.IssueTokens("demo-refresh-admin")
	if err != nil {
		b.Fatal(err)
	}
	return w, s, provider.Handler(p, oas.MustLoad(openapiYAML), nil), res.IdToken
}

// BenchmarkListHandler is simbench's somos workload through the provider's
// router as the engine hands requests to it (IdToken check, OpenAPI validation, the store, the answer's
// encoding; no engine): POST /cnam/list with Limit 25, following
// LastEvaluatedKey to the end and starting over. "default" is the default
// scenario's records (one page); "records=300" walks 12 pages.
//
//	go test ./sim/somos -run '^$' -bench ListHandler -benchmem
func BenchmarkListHandler(b *testing.B) {
	for _, extra := range []int{0, 300} {
		name := "default"
		if extra > 0 {
			name = fmt.Sprintf("records=%d", extra)
		}
		b.Run(name, func(b *testing.B) {
			w, s, h, tok := benchWorld(b)
			for i := 0; i < extra; i++ {
				r := &Record{CNAMEntry: CNAMEntry{TFN: fmt.Sprintf("8449%06d", i), CNAM: fmt.Sprintf("BENCH %04d", i),
					ExtCnam: "Bench Line & Co", City: "Dallas", Keywords: []string{"Bench", "Dallas"},
					AuthorizedCallers: Callers{List: []string{"2145550100"}}, Status: StatusActive, Version: 1,
					CreatedDate: 1767603600000, CreatedBy: "admin@br.example", LastModifiedDate: 1767603600000,
					LastModifiedBy: "admin@br.example", EntityID: "BR", RespOrgID: "BRSMS", TfnrStatus: TFNWorking,
					PartnerUpdateStatus: PartnerSuccess}}
				s.records[r.TFN] = r
				s.indexInsert(keyOf(r))
			}
			var key json.RawMessage
			b.ReportAllocs()
			for b.Loop() {
				body := `{"Limit":25}`
				if key != nil {
					body = `{"Limit":25,"LastEvaluatedKey":` + string(key) + `}`
				}
				req := httptest.NewRequest(http.MethodPost, "/cnam/list", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", tok)
				rec := httptest.NewRecorder()
				routed, _ := provider.Routed(req, w, req.URL.Path) // as the engine hands it over
				h.ServeHTTP(rec, routed)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code, rec.Body.String())
				}
				var page struct {
					LastEvaluatedKey json.RawMessage
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
					b.Fatal(err)
				}
				key = nil
				if len(page.LastEvaluatedKey) > 0 && string(page.LastEvaluatedKey) != "null" {
					key = page.LastEvaluatedKey
				}
			}
		})
	}
}
