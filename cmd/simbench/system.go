package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// machine describes where the numbers came from.
func machine() string {
	model := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	return fmt.Sprintf("%s, %d CPUs (runtime.NumCPU), %s %s/%s", model, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// rssOf reads VmRSS (bytes) of a process from /proc; pid 0 is this process.
func rssOf(pid int) (int64, error) {
	path := "/proc/self/status"
	if pid != 0 {
		path = "/proc/" + strconv.Itoa(pid) + "/status"
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024, err
			}
		}
	}
	return 0, fmt.Errorf("no VmRSS in %s", path)
}

// pinSelf puts every thread of this process on cpu with taskset(1) and limits
// the Go scheduler to one P. Threads started later inherit the mask.
func pinSelf(cpu int) error {
	tp, err := exec.LookPath("taskset")
	if err != nil {
		return fmt.Errorf("taskset not found: %w", err)
	}
	out, err := exec.Command(tp, "-a", "-p", "-c", strconv.Itoa(cpu), strconv.Itoa(os.Getpid())).CombinedOutput()
	if err != nil {
		return fmt.Errorf("taskset: %v: %s", err, strings.TrimSpace(string(out)))
	}
	runtime.GOMAXPROCS(1)
	return nil
}

// mappedLibc names the C library a process maps ("" when it maps none, as a
// static CGO_ENABLED=0 build does, or when /proc cannot say). A cgo build
// carries 1-1.5 MiB of the library's pages in its RSS that the release
// binary does not.
func mappedLibc(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/maps")
	if err != nil {
		return ""
	}
	return libcIn(string(b))
}

// libcIn finds the C library among the file mappings of a /proc/PID/maps text.
func libcIn(maps string) string {
	for _, line := range strings.Split(maps, "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		base := f[len(f)-1][strings.LastIndexByte(f[len(f)-1], '/')+1:]
		if base == "libc.so.6" || strings.HasPrefix(base, "libc-") || strings.HasPrefix(base, "libc.musl") || strings.HasPrefix(base, "ld-musl") {
			return base
		}
	}
	return ""
}

// selfCommand runs this binary again with args, under taskset on cpu when
// cpu >= 0, with GOMAXPROCS=procs when procs > 0.
func selfCommand(cpu, procs int, args ...string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var cmd *exec.Cmd
	if cpu >= 0 {
		tp, err := exec.LookPath("taskset")
		if err != nil {
			return nil, err
		}
		cmd = exec.Command(tp, append([]string{"-c", strconv.Itoa(cpu), exe}, args...)...)
	} else {
		cmd = exec.Command(exe, args...)
	}
	cmd.Env = childEnv(os.Environ(), procs)
	cmd.Stderr = os.Stderr
	return cmd, nil
}

// childEnv is env for a child: memory profiling off from its first
// allocation (unless GODEBUG sets a rate), with GOMAXPROCS=procs when
// procs > 0. simbench links runtime/pprof for -cpuprofile, which leaves the
// runtime sampling allocations; the simulator does not link it, so the linker
// turns sampling off there, and a child measured for the simulator's memory
// must match (60-330 kB of idle RSS in four paired runs).
func childEnv(env []string, procs int) []string {
	out := make([]string, 0, len(env)+2)
	godebug := false
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GODEBUG="); ok {
			godebug = true
			switch {
			case v == "":
				kv = "GODEBUG=memprofilerate=0"
			case !setsMemProfileRate(v):
				kv += ",memprofilerate=0"
			}
		}
		out = append(out, kv)
	}
	if !godebug {
		out = append(out, "GODEBUG=memprofilerate=0")
	}
	if procs > 0 {
		out = append(out, "GOMAXPROCS="+strconv.Itoa(procs))
	}
	return out
}

// setsMemProfileRate says whether a GODEBUG value sets memprofilerate.
func setsMemProfileRate(godebug string) bool {
	for _, s := range strings.Split(godebug, ",") {
		if strings.HasPrefix(s, "memprofilerate=") {
			return true
		}
	}
	return false
}
