package app

import "github.com/prometheus/client_golang/prometheus"

// tenantCollector reads the tenant registry's running totals at scrape time.
type tenantCollector struct{ a *App }

var (
	tenantsRefusedDesc  = prometheus.NewDesc("simulator_tenants_refused_total", "New tenants refused (503) because every tenant had been used within --tenant-idle.", nil, nil)
	tenantsReleasedDesc = prometheus.NewDesc("simulator_tenants_released_total", "New tenants dropped again because their first request proved no credentials and failed.", nil, nil)
	tenantsEvictedDesc  = prometheus.NewDesc("simulator_tenants_evicted_total", "Idle tenants evicted to make room for new ones.", nil, nil)
)

func (c *tenantCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- tenantsRefusedDesc
	ch <- tenantsReleasedDesc
	ch <- tenantsEvictedDesc
}

func (c *tenantCollector) Collect(ch chan<- prometheus.Metric) {
	n := c.a.tenants.Counts()
	ch <- prometheus.MustNewConstMetric(tenantsRefusedDesc, prometheus.CounterValue, float64(n.Refused))
	ch <- prometheus.MustNewConstMetric(tenantsReleasedDesc, prometheus.CounterValue, float64(n.Released))
	ch <- prometheus.MustNewConstMetric(tenantsEvictedDesc, prometheus.CounterValue, float64(n.Evicted))
}
