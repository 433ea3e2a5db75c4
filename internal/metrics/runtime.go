package metrics

import (
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"time"
)

// WriteGo writes the Go runtime's metrics under the names Prometheus's own
// Go collector uses, so existing dashboards for Go services read them.
func WriteGo(t *Text) {
	var gc debug.GCStats
	gc.PauseQuantiles = make([]time.Duration, 5)
	debug.ReadGCStats(&gc)
	t.Family("go_gc_duration_seconds", SummaryType, "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.")
	for i, q := range []string{"0", "0.25", "0.5", "0.75", "1"} {
		t.Sample("go_gc_duration_seconds", gc.PauseQuantiles[i].Seconds(), "quantile", q)
	}
	t.Sample("go_gc_duration_seconds_sum", gc.PauseTotal.Seconds())
	t.Count("go_gc_duration_seconds_count", uint64(gc.NumGC))

	rm := []rtmetrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
	rtmetrics.Read(rm)
	gauge := func(name, help string, v float64) {
		t.Family(name, GaugeType, help)
		t.Sample(name, v)
	}
	if rm[0].Value.Kind() == rtmetrics.KindUint64 {
		gauge("go_gc_gogc_percent", "Heap size target percentage configured by the user, otherwise 100.", float64(rm[0].Value.Uint64()))
	}
	if rm[1].Value.Kind() == rtmetrics.KindUint64 {
		gauge("go_gc_gomemlimit_bytes", "Go runtime memory limit configured by the user, otherwise math.MaxInt64.", float64(rm[1].Value.Uint64()))
	}
	gauge("go_goroutines", "Number of goroutines that currently exist.", float64(runtime.NumGoroutine()))
	t.Family("go_info", GaugeType, "Information about the Go environment.")
	t.Sample("go_info", 1, "version", runtime.Version())

	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	for _, s := range []struct {
		name, typ, help string
		v               uint64
	}{
		{"go_memstats_alloc_bytes", GaugeType, "Number of bytes allocated in heap and currently in use.", m.HeapAlloc},
		{"go_memstats_alloc_bytes_total", CounterType, "Total number of bytes allocated in heap until now, even if released already.", m.TotalAlloc},
		{"go_memstats_buck_hash_sys_bytes", GaugeType, "Number of bytes used by the profiling bucket hash table.", m.BuckHashSys},
		{"go_memstats_frees_total", CounterType, "Total number of heap objects frees.", m.Frees},
		{"go_memstats_gc_sys_bytes", GaugeType, "Number of bytes used for garbage collection system metadata.", m.GCSys},
		{"go_memstats_heap_alloc_bytes", GaugeType, "Number of heap bytes allocated and currently in use.", m.HeapAlloc},
		{"go_memstats_heap_idle_bytes", GaugeType, "Number of heap bytes waiting to be used.", m.HeapIdle},
		{"go_memstats_heap_inuse_bytes", GaugeType, "Number of heap bytes that are in use.", m.HeapInuse},
		{"go_memstats_heap_objects", GaugeType, "Number of currently allocated objects.", m.HeapObjects},
		{"go_memstats_heap_released_bytes", GaugeType, "Number of heap bytes released to OS.", m.HeapReleased},
		{"go_memstats_heap_sys_bytes", GaugeType, "Number of heap bytes obtained from system.", m.HeapSys},
		{"go_memstats_mallocs_total", CounterType, "Total number of heap objects allocated.", m.Mallocs},
		{"go_memstats_mcache_inuse_bytes", GaugeType, "Number of bytes in use by mcache structures.", m.MCacheInuse},
		{"go_memstats_mcache_sys_bytes", GaugeType, "Number of bytes used for mcache structures obtained from system.", m.MCacheSys},
		{"go_memstats_mspan_inuse_bytes", GaugeType, "Number of bytes in use by mspan structures.", m.MSpanInuse},
		{"go_memstats_mspan_sys_bytes", GaugeType, "Number of bytes used for mspan structures obtained from system.", m.MSpanSys},
		{"go_memstats_next_gc_bytes", GaugeType, "Number of heap bytes when next garbage collection will take place.", m.NextGC},
		{"go_memstats_other_sys_bytes", GaugeType, "Number of bytes used for other system allocations.", m.OtherSys},
		{"go_memstats_stack_inuse_bytes", GaugeType, "Number of bytes obtained from system for stack allocator.", m.StackInuse},
		{"go_memstats_stack_sys_bytes", GaugeType, "Number of bytes obtained from system for stack allocator.", m.StackSys},
		{"go_memstats_sys_bytes", GaugeType, "Number of bytes obtained from system.", m.Sys},
	} {
		t.Family(s.name, s.typ, s.help)
		t.Count(s.name, s.v)
	}
	gauge("go_memstats_last_gc_time_seconds", "Number of seconds since 1970 of last garbage collection.", float64(m.LastGC)/1e9)
	gauge("go_sched_gomaxprocs_threads", "The current runtime.GOMAXPROCS setting, or the number of operating system threads that can execute user-level Go code simultaneously.", float64(runtime.GOMAXPROCS(0)))
	threads, _ := runtime.ThreadCreateProfile(nil)
	gauge("go_threads", "Number of OS threads created.", float64(threads))
}
