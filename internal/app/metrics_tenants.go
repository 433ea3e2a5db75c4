package app

import (
	"sort"

	"github.com/telecomsim/simulator/internal/metrics"
)

// writeWorldMetrics writes the tenant-level metrics, read at scrape time: the
// tenant registry's running totals, journal entries and callback deliveries.
func (a *App) writeWorldMetrics(t *metrics.Text) {
	worlds := a.tenants.All()
	journal := 0
	deliveries := map[[2]string]int{}
	for _, w := range worlds {
		journal += w.Journal.Len()
		for _, name := range w.Names() {
			if dc, ok := w.State(name).(DeliveryCounter); ok {
				for status, n := range dc.DeliveryCounts() {
					deliveries[[2]string{name, status}] += n
				}
			}
		}
	}
	gauge := func(name, help string, v int) {
		t.Family(name, metrics.GaugeType, help)
		t.Count(name, uint64(v))
	}
	gauge("simulator_tenants", "Live tenants.", len(worlds))
	gauge("simulator_journal_entries", "Journal entries held, summed over tenants.", journal)
	keys := make([][2]string, 0, len(deliveries))
	for k := range deliveries {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	t.Family("simulator_callback_deliveries", metrics.GaugeType, "Outbound callback deliveries by status (pending, delivered, dead), summed over tenants.")
	for _, k := range keys {
		t.Count("simulator_callback_deliveries", uint64(deliveries[k]), "provider", k[0], "status", k[1])
	}

	n := a.tenants.Counts()
	for _, c := range []struct {
		name, help string
		v          int64
	}{
		{"simulator_tenants_refused_total", "New tenants refused (503) because every tenant had been used within --tenant-idle.", n.Refused},
		{"simulator_tenants_released_total", "New tenants dropped again because their first request proved no credentials and failed.", n.Released},
		{"simulator_tenants_evicted_total", "Idle tenants evicted to make room for new ones.", n.Evicted},
	} {
		t.Family(c.name, metrics.CounterType, c.help)
		t.Count(c.name, uint64(c.v))
	}
}
