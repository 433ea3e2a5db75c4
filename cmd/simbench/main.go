// Command simbench measures the simulator against a plain net/http server
// that returns the same bytes, under the same closed-loop load over
// loopback, and reports throughput, latency quantiles, allocations per
// request and the simulator/plain ratio; plus startup time, idle RSS and the
// memory cost of tenants.
//
//	go run ./cmd/simbench -duration 5s -concurrency 32 -workload all -cpu-pin
//
// See docs/performance.md for what it measures and the numbers it gave.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/app"
)

type options struct {
	role        string
	duration    time.Duration
	rounds      int
	warmup      time.Duration
	concurrency int
	requests    int64
	workload    string
	cpuPin      bool
	tenantsMem  int
	skipStartup bool
	wrk         string
	cpuProfile  string

	// load role
	target string
	plan   string
}

func main() {
	var o options
	flag.StringVar(&o.role, "role", "bench", "bench (default), or the internal roles load and serve")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured time per target and workload")
	flag.IntVar(&o.rounds, "rounds", 3, "alternating rounds per workload; each target gets duration/rounds per round")
	flag.DurationVar(&o.warmup, "warmup", 500*time.Millisecond, "unmeasured warm-up before each measurement")
	flag.IntVar(&o.concurrency, "concurrency", 32, "closed-loop clients")
	flag.Int64Var(&o.requests, "requests", 0, "stop a measurement after this many requests (0: duration only)")
	flag.StringVar(&o.workload, "workload", "all", "comma-separated: headline, tenants, mixed, somos, call48; or all")
	flag.BoolVar(&o.cpuPin, "cpu-pin", false, "pin the servers to CPU 0 and run the load generator in a child process on CPU 1")
	flag.IntVar(&o.tenantsMem, "tenants-mem", 1000, "tenants created for the memory measurement (0 skips it)")
	flag.BoolVar(&o.skipStartup, "skip-startup", false, "skip the startup, idle RSS and tenant memory measurements")
	flag.StringVar(&o.wrk, "wrk", "auto", "measure the headline with wrk as well: auto (when wrk is installed), on, off")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the bench process (both servers; the load generator too unless -cpu-pin) to `file`")
	flag.StringVar(&o.target, "target", "", "load role: base URL to drive")
	flag.StringVar(&o.plan, "plan", "", "load role: the workload plan as JSON")
	flag.Parse()
	if !setsMemProfileRate(os.Getenv("GODEBUG")) {
		runtime.MemProfileRate = 0 // as in the simulator's binary; see childEnv
	}
	if o.rounds < 1 {
		o.rounds = 1
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	switch o.role {
	case "bench":
		if o.cpuProfile != "" {
			f, ferr := os.Create(o.cpuProfile)
			if ferr != nil {
				fmt.Fprintln(os.Stderr, ferr)
				os.Exit(1)
			}
			if ferr := pprof.StartCPUProfile(f); ferr != nil {
				fmt.Fprintln(os.Stderr, ferr)
				os.Exit(1)
			}
			defer func() {
				pprof.StopCPUProfile()
				f.Close()
			}()
		}
		err = bench(ctx, o)
	case "load":
		err = loadRole(ctx, o)
	case "serve":
		err = serveRole(ctx)
	default:
		err = fmt.Errorf("unknown role %q", o.role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "simbench:", err)
		os.Exit(1)
	}
}

// newSimulator builds the simulator exactly as `simulator serve` does with
// no --scenario: the embedded default scenario, every registered provider.
func newSimulator() (*app.App, error) {
	sc, err := app.DefaultScenario()
	if err != nil {
		return nil, err
	}
	a, err := app.New(app.Config{Scenario: sc, Version: "simbench"})
	if err != nil {
		return nil, err
	}
	return a, a.Check()
}

// listen serves h on a fresh loopback port.
func listen(h http.Handler) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return srv, "http://" + ln.Addr().String(), nil
}

// pair is one workload's two measurements.
type pair struct {
	Workload string
	Sim      *loadResult
	Plain    *loadResult
	Skipped  []string
}

func bench(ctx context.Context, o options) error {
	fmt.Printf("machine: %s\n", machine())
	loadCPU := -1
	if o.cpuPin {
		if runtime.NumCPU() < 2 {
			fmt.Println("cpu-pin: only one CPU; server and load share it (load in a child process)")
		} else if err := pinSelf(0); err != nil {
			fmt.Printf("cpu-pin: could not pin the servers (%v); load in a child process unpinned\n", err)
		} else {
			loadCPU = 1
			fmt.Println("cpu-pin: servers on CPU 0 with GOMAXPROCS=1; load generator in a child process on CPU 1 with GOMAXPROCS=1")
		}
	} else {
		fmt.Printf("cpu-pin: off; servers and load generator share this process and its %d Ps\n", runtime.GOMAXPROCS(0))
	}
	fmt.Printf("load: %d closed-loop clients; per workload and target %d alternating rounds of %s warm-up + %s measured\n\n",
		o.concurrency, o.rounds, o.warmup, o.duration/time.Duration(o.rounds))

	wrkBin, err := wrkPath(o.wrk)
	if err != nil {
		return err
	}
	if !o.skipStartup {
		if err := startupAndMemory(ctx, o); err != nil {
			return fmt.Errorf("startup: %w", err)
		}
	}

	a, err := newSimulator()
	if err != nil {
		return err
	}
	defer a.Close()
	simSrv, simBase, err := listen(a.Handler())
	if err != nil {
		return err
	}
	defer simSrv.Close()
	served := map[string]bool{}
	var names []string
	for _, in := range a.Infos() {
		served[in.Name] = true
		names = append(names, in.Name)
	}
	fmt.Printf("providers served: %s\n", strings.Join(names, ", "))

	var workloads []string
	if o.workload == "all" {
		workloads = []string{"headline", "tenants", "mixed"}
		for _, name := range []string{"somos", "call48"} {
			if served[name] {
				workloads = append(workloads, name)
			}
		}
	} else {
		workloads = strings.Split(o.workload, ",")
	}
	var results []pair
	for _, wl := range workloads {
		p, err := prepare(ctx, simBase, wl, served)
		if err != nil {
			return fmt.Errorf("%s: %w", wl, err)
		}
		rounds := 12
		caps, err := capture(ctx, simBase, rounds, p.newSession)
		if err != nil {
			return fmt.Errorf("%s: %w", wl, err)
		}
		plainSrv, plainBase, err := listen(plainHandler(caps))
		if err != nil {
			return err
		}
		if wl == "headline" {
			if err := sameBytes(ctx, simBase, plainBase, p); err != nil {
				plainSrv.Close()
				return err
			}
			if wrkBin != "" {
				sim, plain, err := wrkPair(ctx, o, wrkBin, loadCPU, simBase+headlinePath, plainBase+headlinePath, p.FlowrouteAuth)
				if err != nil {
					plainSrv.Close()
					return err
				}
				wrkRun.sim, wrkRun.plain = sim, plain
				printWrk(sim, plain, o.concurrency, loadCPU >= 0)
			}
		}
		// Rounds alternate which target goes first, so drift on a shared
		// machine hits both alike.
		var sim, plain *loadResult
		for round := 0; round < o.rounds; round++ {
			order := []string{"simulator", "plain"}
			if round%2 == 1 {
				order = []string{"plain", "simulator"}
			}
			for _, target := range order {
				base := simBase
				if target == "plain" {
					base = plainBase
				}
				r, err := measure(ctx, o, loadCPU, target, base, p)
				if err != nil {
					plainSrv.Close()
					return fmt.Errorf("%s: %w", wl, err)
				}
				dst := &sim
				if target == "plain" {
					dst = &plain
				}
				if *dst == nil {
					*dst = r
				} else {
					(*dst).merge(r)
				}
			}
		}
		plainSrv.Close()
		results = append(results, pair{Workload: wl, Sim: sim, Plain: plain, Skipped: p.Skipped})
		printPair(results[len(results)-1], loadCPU >= 0)
	}
	printTargets(results)
	return nil
}

// measure runs one load, in this process or in a pinned child, and charges
// the heap allocations this process made during it to the requests.
func measure(ctx context.Context, o options, loadCPU int, name, base string, p *plan) (*loadResult, error) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var (
		r     *loadResult
		total int64
		err   error
	)
	if loadCPU >= 0 {
		r, total, err = childLoad(ctx, o, loadCPU, name, base, p)
	} else {
		r, err = runLoad(ctx, name, base, o.concurrency, o.warmup, o.duration/time.Duration(o.rounds), o.requests, p.newSession)
		if r != nil {
			total = r.Total
		}
	}
	runtime.ReadMemStats(&after)
	if err != nil {
		return nil, err
	}
	r.Mallocs = after.Mallocs - before.Mallocs
	if total > 0 {
		r.AllocsReq = float64(r.Mallocs) / float64(total)
	}
	return r, nil
}

// childLoad runs the load generator as a child process on its own CPU.
func childLoad(ctx context.Context, o options, cpu int, name, base string, p *plan) (*loadResult, int64, error) {
	pj, err := json.Marshal(p)
	if err != nil {
		return nil, 0, err
	}
	cmd, err := selfCommand(cpu, 1, "-role", "load", "-target", base, "-plan", string(pj),
		"-duration", (o.duration / time.Duration(o.rounds)).String(), "-warmup", o.warmup.String(),
		"-concurrency", fmt.Sprint(o.concurrency), "-requests", fmt.Sprint(o.requests))
	if err != nil {
		return nil, 0, err
	}
	out, err := cmd.Output()
	if err != nil {
		return nil, 0, fmt.Errorf("load generator: %w", err)
	}
	var res childResult
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, 0, fmt.Errorf("load generator output: %w", err)
	}
	r := res.Result
	r.Target = name
	return &r, r.Total, nil
}

type childResult struct {
	Result loadResult `json:"result"`
}

func loadRole(ctx context.Context, o options) error {
	var p plan
	if err := json.Unmarshal([]byte(o.plan), &p); err != nil {
		return err
	}
	r, err := runLoad(ctx, o.target, o.target, o.concurrency, o.warmup, o.duration, o.requests, p.newSession)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(childResult{Result: *r})
}

// sameBytes checks that the plain server answers the headline request with
// the simulator's status, headers (but Date) and body.
func sameBytes(ctx context.Context, simBase, plainBase string, p *plan) error {
	get := func(base string) (*http.Response, []byte, error) {
		o := p.newSession(0).next()
		req, _ := http.NewRequestWithContext(ctx, o.Method, base+o.Path, nil)
		req.Header = o.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, b, err
	}
	sr, sb, err := get(simBase)
	if err != nil {
		return err
	}
	pr, pb, err := get(plainBase)
	if err != nil {
		return err
	}
	sr.Header.Del("Date")
	pr.Header.Del("Date")
	if sr.StatusCode != pr.StatusCode || string(sb) != string(pb) || fmt.Sprint(sr.Header) != fmt.Sprint(pr.Header) {
		return errors.New("the plain server's answer differs from the simulator's")
	}
	fmt.Printf("headline: plain server verified byte-identical (status %d, %d body bytes, headers %v)\n", sr.StatusCode, len(sb), headerNames(sr.Header))
	return nil
}

func headerNames(h http.Header) []string {
	var out []string
	for k := range h {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}
