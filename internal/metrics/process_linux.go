package metrics

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// userHZ is the unit of the CPU times in /proc/PID/stat (USER_HZ, 100 on
// every Linux architecture Go supports).
const userHZ = 100

// WriteProcess writes the process's own metrics under the names Prometheus's
// process collector uses, read from /proc; what cannot be read is left out.
func WriteProcess(t *Text) {
	gauge := func(name, typ, help string, v float64) {
		t.Family(name, typ, help)
		t.Sample(name, v)
	}
	if f, ok := procStat(); ok {
		gauge("process_cpu_seconds_total", CounterType, "Total user and system CPU time spent in seconds.", float64(f.utime+f.stime)/userHZ)
		gauge("process_resident_memory_bytes", GaugeType, "Resident memory size in bytes.", float64(f.rssPages*uint64(os.Getpagesize())))
		if boot, ok := bootTime(); ok {
			gauge("process_start_time_seconds", GaugeType, "Start time of the process since unix epoch in seconds.", float64(boot)+float64(f.start)/userHZ)
		}
		gauge("process_virtual_memory_bytes", GaugeType, "Virtual memory size in bytes.", float64(f.vsize))
	}
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		gauge("process_open_fds", GaugeType, "Number of open file descriptors.", float64(len(fds)))
	}
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil {
		gauge("process_max_fds", GaugeType, "Maximum number of open file descriptors.", float64(lim.Cur))
	}
}

type stat struct {
	utime, stime, start, vsize, rssPages uint64
}

// procStat reads /proc/self/stat: the fields after the command's closing
// parenthesis (which may itself hold spaces and parentheses) are numbered
// from 3 (state).
func procStat() (stat, bool) {
	raw, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return stat{}, false
	}
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return stat{}, false
	}
	f := strings.Fields(string(raw[i+1:]))
	field := func(n int) uint64 { // n as proc(5) numbers it
		if n-3 >= len(f) {
			return 0
		}
		v, _ := strconv.ParseUint(f[n-3], 10, 64)
		return v
	}
	if len(f) < 22 {
		return stat{}, false
	}
	return stat{utime: field(14), stime: field(15), start: field(22), vsize: field(23), rssPages: field(24)}, true
}

// bootTime is the system's boot time in seconds since the epoch, from the
// btime line of /proc/stat.
func bootTime() (uint64, bool) {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, "btime "); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}
