package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// wrkResult is one wrk run, read from its text output.
type wrkResult struct {
	Requests  int64
	RPS       float64
	P50, P99  time.Duration
	Errors    int64 // socket errors and non-2xx/3xx answers
	AllocsReq float64
	// CPU is the CPU time this process (the servers) spent during the run;
	// per request it is the server's cost, which other load on the machine
	// disturbs far less than requests/s.
	CPU time.Duration
	// Ratios are simulator/plain requests/s of each round (set on the
	// simulator's merged result).
	Ratios []float64
}

// CPUPerReq is the server CPU time per request.
func (r *wrkResult) CPUPerReq() time.Duration {
	if r.Requests == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.Requests)
}

// processCPU is the user plus system CPU time of this process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// wrkPath finds wrk for -wrk auto|on; "" when it is not to be used.
func wrkPath(mode string) (string, error) {
	if mode == "off" {
		return "", nil
	}
	p, err := exec.LookPath("wrk")
	if err != nil {
		if mode == "on" {
			return "", fmt.Errorf("-wrk on: %w", err)
		}
		return "", nil
	}
	return p, nil
}

// runWrk drives url with wrk for d (one thread, conc connections), on cpu
// when cpu >= 0, and charges this process's heap allocations during the run
// to wrk's requests (the servers live in this process).
func runWrk(ctx context.Context, bin string, cpu, conc int, d time.Duration, url, auth string) (*wrkResult, error) {
	args := []string{"-t1", "-c" + strconv.Itoa(conc), "-d" + wrkDuration(d), "--latency", "-H", "Authorization: " + auth, url}
	name := bin
	if cpu >= 0 {
		args = append([]string{"-c", strconv.Itoa(cpu), bin}, args...)
		name = "taskset"
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := processCPU()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	spent := processCPU() - cpu0
	runtime.ReadMemStats(&after)
	if err != nil {
		return nil, fmt.Errorf("wrk: %v: %s", err, out)
	}
	r, err := parseWrk(string(out))
	if err != nil {
		return nil, err
	}
	if r.Requests > 0 {
		r.AllocsReq = float64(after.Mallocs-before.Mallocs) / float64(r.Requests)
	}
	r.CPU = spent
	return r, nil
}

// wrkDuration renders d the way wrk accepts it (whole seconds, at least 1).
func wrkDuration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s < 1 {
		s = 1
	}
	return strconv.Itoa(s) + "s"
}

// parseWrk reads the request count, requests/s, the 50% and 99% latencies
// (--latency) and the error counts from wrk's report.
func parseWrk(out string) (*wrkResult, error) {
	r := &wrkResult{}
	var haveRPS, haveP99 bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) >= 2 && f[0] == "Requests/sec:":
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return nil, fmt.Errorf("wrk Requests/sec %q", f[1])
			}
			r.RPS, haveRPS = v, true
		case len(f) >= 3 && f[1] == "requests" && f[2] == "in":
			n, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("wrk request count %q", f[0])
			}
			r.Requests = n
		case len(f) == 2 && (f[0] == "50%" || f[0] == "99%"):
			d, err := wrkLatency(f[1])
			if err != nil {
				return nil, err
			}
			if f[0] == "50%" {
				r.P50 = d
			} else {
				r.P99, haveP99 = d, true
			}
		case len(f) >= 2 && f[0] == "Non-2xx":
			n, _ := strconv.ParseInt(f[len(f)-1], 10, 64)
			r.Errors += n
		case len(f) >= 3 && f[0] == "Socket" && f[1] == "errors:":
			for _, part := range strings.Split(strings.Join(f[2:], " "), ",") {
				if kv := strings.Fields(part); len(kv) == 2 {
					n, _ := strconv.ParseInt(kv[1], 10, 64)
					r.Errors += n
				}
			}
		}
	}
	if !haveRPS || !haveP99 {
		return nil, fmt.Errorf("wrk output without Requests/sec or the 99%% latency:\n%s", out)
	}
	return r, nil
}

// wrkLatency parses wrk's "812.00us", "1.23ms", "2.00s".
func wrkLatency(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"m", time.Minute}, {"s", time.Second}}
	for _, u := range units {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				break
			}
			return time.Duration(f * float64(u.unit)), nil
		}
	}
	return 0, fmt.Errorf("wrk latency %q", s)
}

// wrkPair measures the headline request with wrk against both servers in
// alternating rounds and merges each side's rounds (requests, CPU and
// allocations summed, requests/s over the summed time, the worst round's
// p99). Each round's own ratio is kept too: on a shared machine the median
// of those is steadier than the ratio of the sums.
func wrkPair(ctx context.Context, o options, bin string, cpu int, simURL, plainURL, auth string) (sim, plain *wrkResult, err error) {
	per := o.duration / time.Duration(o.rounds)
	var ratios []float64
	for round := 0; round < o.rounds; round++ {
		order := []string{"simulator", "plain"}
		if round%2 == 1 {
			order = []string{"plain", "simulator"}
		}
		var rps [2]float64
		for _, target := range order {
			url, dst, slot := simURL, &sim, 0
			if target == "plain" {
				url, dst, slot = plainURL, &plain, 1
			}
			if o.warmup > 0 {
				if _, err := runWrk(ctx, bin, cpu, o.concurrency, o.warmup, url, auth); err != nil {
					return nil, nil, err
				}
			}
			r, err := runWrk(ctx, bin, cpu, o.concurrency, per, url, auth)
			if err != nil {
				return nil, nil, err
			}
			rps[slot] = r.RPS
			*dst = mergeWrk(*dst, r)
		}
		if rps[1] > 0 {
			ratios = append(ratios, rps[0]/rps[1])
		}
	}
	sim.Ratios = ratios
	return sim, plain, nil
}

// median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func mergeWrk(acc, r *wrkResult) *wrkResult {
	if acc == nil {
		return r
	}
	secs := float64(acc.Requests)/acc.RPS + float64(r.Requests)/r.RPS
	allocs := acc.AllocsReq*float64(acc.Requests) + r.AllocsReq*float64(r.Requests)
	acc.Requests += r.Requests
	acc.RPS = float64(acc.Requests) / secs
	acc.AllocsReq = allocs / float64(acc.Requests)
	acc.Errors += r.Errors
	acc.CPU += r.CPU
	acc.P50 = max(acc.P50, r.P50)
	acc.P99 = max(acc.P99, r.P99)
	return acc
}

// wrkRun is the headline's wrk measurement, for the targets.
var wrkRun struct{ sim, plain *wrkResult }

func printWrk(sim, plain *wrkResult, conc int, pinned bool) {
	where := ""
	if pinned {
		where = ", wrk on CPU 1, servers on CPU 0"
	}
	fmt.Printf("\n== headline with wrk (one thread, %d connections%s) ==\n", conc, where)
	fmt.Printf("  %-10s %10s %10s %10s %12s %12s %8s\n", "target", "req/s", "p50", "p99", "cpu/req", "allocs/req", "errors")
	for _, x := range []struct {
		name string
		r    *wrkResult
	}{{"simulator", sim}, {"plain", plain}} {
		fmt.Printf("  %-10s %10.0f %10s %10s %12s %12.1f %8d\n", x.name, x.r.RPS, ms(x.r.P50), ms(x.r.P99), x.r.CPUPerReq(), x.r.AllocsReq, x.r.Errors)
	}
	fmt.Printf("  ratio simulator/plain: throughput %.2fx (median of rounds %.2fx, rounds %s), p99 %.2fx; CPU per request plain/simulator %.2fx\n",
		sim.RPS/plain.RPS, median(sim.Ratios), fmtRatios(sim.Ratios), float64(sim.P99)/float64(plain.P99), cpuRatio(sim, plain))
}

// cpuRatio is plain's CPU per request over the simulator's: the throughput
// ratio the two would have with a CPU each to themselves.
func cpuRatio(sim, plain *wrkResult) float64 {
	if sim.CPUPerReq() == 0 {
		return 0
	}
	return float64(plain.CPUPerReq()) / float64(sim.CPUPerReq())
}

func fmtRatios(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatFloat(x, 'f', 2, 64)
	}
	return strings.Join(parts, " ")
}
