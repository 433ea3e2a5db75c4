package somos

import (
	"fmt"
	"testing"
	"time"

	"github.com/telecomsim/simulator/internal/clock"
)

// BenchmarkListPage measures one /cnam/list page (Limit 10, continuing from a
// LastEvaluatedKey in the middle) in tenants holding 1k, 100k and 1M
// records. The cost per page should not grow with the total:
//
//	go test ./sim/somos -run '^$' -bench ListPage -benchmem
func BenchmarkListPage(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			s := newStore(clock.NewVirtual(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), clock.Frozen), nil,
				settings{TokenTTL: time.Hour, RefreshTTL: time.Hour, PartnerDelay: time.Minute, BulkDelay: time.Minute}, []byte("bench"))
			s.index = make([]ikey, 0, n)
			for i := 0; i < n; i++ { // in key order, so the index is built sorted
				r := &Record{CNAMEntry: CNAMEntry{TFN: fmt.Sprintf("800%07d", i), CNAM: fmt.Sprintf("NAME %07d", i),
					EntityID: "BR", RespOrgID: "BRSMS", TfnrStatus: TFNWorking}}
				s.records[r.TFN] = r
				s.index = append(s.index, keyOf(r))
			}
			c := &Caller{Email: "user@br.example", Role: RoleRespOrgUser, EntityID: "BR", RespOrgID: "BRSMS"}
			mid := n / 2
			after := &ListKey{CNAM: fmt.Sprintf("NAME %07d", mid), TFN: fmt.Sprintf("800%07d", mid), EntityID: "BR"}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				page, err := s.List(c, ListQuery{Limit: 10, EntityID: "BR", After: after})
				if err != nil || len(page.Items) != 10 {
					b.Fatalf("page: %v, %d items", err, len(page.Items))
				}
			}
		})
	}
}
