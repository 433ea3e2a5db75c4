package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/telecomsim/simulator/internal/app"
)

func sortStrings(s []string) { sort.Strings(s) }

func ms(d time.Duration) string { return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond)) }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func printPair(p pair, pinned bool) {
	fmt.Printf("\n== %s ==\n", p.Workload)
	for _, s := range p.Skipped {
		fmt.Printf("  left out: %s\n", s)
	}
	fmt.Printf("  %-10s %10s %10s %10s %10s %10s %12s %8s\n", "target", "req/s", "p50", "p99", "p99.9", "max", "allocs/req", "errors")
	for _, r := range []*loadResult{p.Sim, p.Plain} {
		fmt.Printf("  %-10s %10.0f %10s %10s %10s %10s %12.1f %8d\n", r.Target, r.RPS, ms(r.P50), ms(r.P99), ms(r.P999), ms(r.Max), r.AllocsReq, r.Errors)
	}
	fmt.Printf("  statuses: simulator %v, plain %v\n", p.Sim.Statuses, p.Plain.Statuses)
	who := "server and client together (same process)"
	if pinned {
		who = "server only (load in a child process)"
	}
	fmt.Printf("  ratio simulator/plain: throughput %.2fx, p99 %.2fx; allocs/req count %s\n",
		p.Sim.RPS/p.Plain.RPS, float64(p.Sim.P99)/float64(p.Plain.P99), who)
}

var startup struct {
	health, headline time.Duration
	idleRSS          int64
	libc             string // the C library the serve child maps, "" for a static build
}

func printTargets(results []pair) {
	fmt.Printf("\n== targets (issue 20: on a 2-core machine, server pinned) ==\n")
	check := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	if s, p := wrkRun.sim, wrkRun.plain; s != nil && p != nil {
		ratio := median(s.Ratios)
		p99 := float64(s.P99) / float64(p.P99)
		fmt.Printf("  headline with wrk >= 0.75x plain:  %.2fx (median of rounds; CPU per request %.2fx)  %s\n", ratio, cpuRatio(s, p), check(ratio >= 0.75))
		fmt.Printf("  headline p99 <= 1.5x plain's:      %s vs %s = %.2fx  %s\n", ms(s.P99), ms(p.P99), p99, check(p99 <= 1.5))
		fmt.Printf("  headline allocs/req <= 40 (wrk):   %.1f  %s\n", s.AllocsReq, check(s.AllocsReq <= 40))
	}
	for _, p := range results {
		ratio := p.Sim.RPS / p.Plain.RPS
		fmt.Printf("  %-9s >= 0.6x plain (Go client): %.2fx  %s\n", p.Workload, ratio, check(ratio >= 0.6))
		limit := 80.0
		if p.Workload == "headline" {
			limit = 40
		}
		fmt.Printf("  %-9s allocs/req <= %.0f:         %.1f  %s\n", p.Workload, limit, p.Sim.AllocsReq, check(p.Sim.AllocsReq <= limit))
	}
	if startup.headline > 0 {
		fmt.Printf("  startup to first 200 <= 30ms:      %s (health %s)  %s\n", ms(startup.headline), ms(startup.health), check(startup.headline <= 30*time.Millisecond))
		build := "static build, as released"
		if startup.libc != "" {
			build = "cgo build: the C library is mapped; CGO_ENABLED=0 measures the released build"
		}
		fmt.Printf("  idle RSS <= 25 MB:                 %s (%s)  %s\n", mib(startup.idleRSS), build, check(startup.idleRSS <= 25*1000*1000))
	}
}

// memReport is what a serve child says about its own memory.
type memReport struct {
	HeapInuse  int64   `json:"heapInuse"`
	HeapAlloc  int64   `json:"heapAlloc"`
	Sys        int64   `json:"sys"`
	RSS        int64   `json:"rss"`
	Tenants    int     `json:"tenants"`
	Goroutines int     `json:"goroutines"`
	BuildMS    float64 `json:"buildMs"` // scenario parse + app.New + default tenant
	ListenMS   float64 `json:"listenMs"`
}

// serveRole is a bare simulator process: build, listen on loopback, print the
// address, serve until interrupted. /__bench/mem reports its memory.
func serveRole(ctx context.Context) error {
	t0 := time.Now()
	a, err := newSimulator()
	if err != nil {
		return err
	}
	built := time.Since(t0)
	h := a.Handler()
	mux := http.NewServeMux()
	mux.HandleFunc("/__bench/mem", func(w http.ResponseWriter, r *http.Request) {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		rss, _ := rssOf(0)
		_ = json.NewEncoder(w).Encode(memReport{HeapInuse: int64(m.HeapInuse), HeapAlloc: int64(m.HeapAlloc), Sys: int64(m.Sys), RSS: rss,
			Tenants: a.Tenants().Len(), Goroutines: runtime.NumGoroutine(), BuildMS: float64(built.Microseconds()) / 1000})
	})
	mux.Handle("/", h)
	srv, base, err := listen(mux)
	if err != nil {
		return err
	}
	a.Warm(ctx, app.WarmDelay) // as simulator serve does once it listens
	fmt.Printf("listening %s %.3f\n", base, float64(time.Since(t0).Microseconds())/1000)
	<-ctx.Done()
	return srv.Close()
}

// startupAndMemory starts a fresh simulator process and times it to its
// first 200s, reads its idle RSS, then creates tenants through requests and
// reads what they cost.
func startupAndMemory(ctx context.Context, o options) error {
	cmd, err := selfCommand(-1, 0, "-role", "serve")
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return fmt.Errorf("serve child: %w", err)
	}
	var base string
	var inProc float64
	if _, err := fmt.Sscanf(line, "listening %s %f", &base, &inProc); err != nil {
		return fmt.Errorf("serve child said %q", line)
	}
	c := newClient(8)
	defer c.CloseIdleConnections()
	var buf bytes.Buffer
	firstOK := func(o op) (time.Duration, error) {
		for i := 0; i < 10000; i++ {
			st, err := do(ctx, c, base, o, &buf)
			if err == nil && st == http.StatusOK {
				return time.Since(t0), nil
			}
			time.Sleep(100 * time.Microsecond)
		}
		return 0, fmt.Errorf("no 200 from %s", o.Path)
	}
	if startup.health, err = firstOK(op{Method: http.MethodGet, Path: "/__sim/health"}); err != nil {
		return err
	}
	auth := http.Header{"Authorization": {basicAuth(flowrouteUser, flowroutePass)}}
	if startup.headline, err = firstOK(op{Method: http.MethodGet, Path: headlinePath, Header: auth}); err != nil {
		return err
	}
	fmt.Printf("startup (fresh process, default scenario): exec to listening %.3fms in-process; first 200 on /__sim/health after %s, on GET %s after %s (from exec)\n",
		inProc, ms(startup.health), headlinePath, ms(startup.headline))

	mem := func() (memReport, error) {
		var m memReport
		st, err := do(ctx, c, base, op{Method: http.MethodGet, Path: "/__bench/mem"}, &buf)
		if err != nil || st != http.StatusOK {
			return m, fmt.Errorf("mem: %d %v", st, err)
		}
		return m, json.Unmarshal(buf.Bytes(), &m)
	}
	time.Sleep(time.Second)
	startup.idleRSS, err = rssOf(cmd.Process.Pid)
	if err != nil {
		return err
	}
	idle, err := mem()
	if err != nil {
		return err
	}
	startup.libc = mappedLibc(cmd.Process.Pid)
	libc := "static, no C library"
	if startup.libc != "" {
		libc = "maps " + startup.libc
	}
	fmt.Printf("idle after startup: RSS %s (from /proc/%d/status; %s), heap in use %s, build %.3fms, %d goroutines\n",
		mib(startup.idleRSS), cmd.Process.Pid, libc, mib(idle.HeapInuse), idle.BuildMS, idle.Goroutines)

	if o.tenantsMem <= 0 {
		return nil
	}
	t1 := time.Now()
	var wg sync.WaitGroup
	ids := make(chan int)
	var failed error
	var mu sync.Mutex
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b bytes.Buffer
			for i := range ids {
				st, err := do(ctx, c, base, op{Method: http.MethodGet, Path: fmt.Sprintf("/t/mem-%05d%s", i, headlinePath), Header: auth}, &b)
				if err != nil || st != http.StatusOK {
					mu.Lock()
					failed = fmt.Errorf("tenant %d: %d %v", i, st, err)
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < o.tenantsMem; i++ {
		ids <- i
	}
	close(ids)
	wg.Wait()
	if failed != nil {
		return failed
	}
	took := time.Since(t1)
	full, err := mem()
	if err != nil {
		return err
	}
	n := int64(o.tenantsMem)
	fmt.Printf("%d tenants (each created by its first GET %s, %s total, %s per tenant): %d live; heap in use %s (+%s, %.1f KiB/tenant), RSS %s (+%s, %.1f KiB/tenant)\n",
		o.tenantsMem, headlinePath, took.Round(time.Millisecond), (took / time.Duration(n)).Round(time.Microsecond), full.Tenants,
		mib(full.HeapInuse), mib(full.HeapInuse-idle.HeapInuse), float64(full.HeapInuse-idle.HeapInuse)/float64(n)/1024,
		mib(full.RSS), mib(full.RSS-idle.RSS), float64(full.RSS-idle.RSS)/float64(n)/1024)
	fmt.Printf("  target 1,000 tenants <= 150 MiB: RSS %s  %s\n\n", mib(full.RSS), map[bool]string{true: "met", false: "NOT met"}[full.RSS <= 150<<20 || n < 1000])
	return nil
}
