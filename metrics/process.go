package metrics

import (
	"bytes"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"syscall"
	"time"
)

// processStart is when this package was initialised: within milliseconds of
// the process's start, and readable without /proc.
var processStart = time.Now()

// runtimeSamples are the Go runtime metrics read at each scrape (cheaper
// than runtime.ReadMemStats, which stops the world).
var runtimeSamples = []string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/total:bytes",
	"/gc/cycles/total:gc-cycles",
	"/sched/goroutines:goroutines",
}

// RegisterProcess adds the Go runtime's and the process's metrics under
// the names Prometheus' Go client uses (go_*, process_*), so that existing
// dashboards read them. The /proc ones are left out where /proc is not
// readable.
func RegisterProcess(r *Registry) {
	r.Collect(collectProcess)
}

func collectProcess(e *Emitter) {
	samples := make([]metrics.Sample, len(runtimeSamples))
	for i, name := range runtimeSamples {
		samples[i].Name = name
	}
	metrics.Read(samples)
	value := func(i int) float64 {
		switch samples[i].Value.Kind() {
		case metrics.KindUint64:
			return float64(samples[i].Value.Uint64())
		case metrics.KindFloat64:
			return samples[i].Value.Float64()
		}
		return 0
	}
	e.Gauge("go_goroutines", "Number of goroutines that currently exist.", value(3))
	e.Gauge("go_memstats_heap_alloc_bytes", "Bytes of allocated heap objects (live and not yet swept).", value(0))
	e.Gauge("go_memstats_sys_bytes", "Bytes of memory obtained from the OS by the Go runtime.", value(1))
	e.Counter("go_gc_cycles_total", "Completed garbage collection cycles.", value(2))
	e.Gauge("go_info", "Information about the Go environment.", 1, L("version", runtime.Version()))

	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		e.Counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", cpu.Seconds())
	}
	if statm, err := os.ReadFile("/proc/self/statm"); err == nil {
		// statm: size resident shared text lib data dt, in pages.
		if f := bytes.Fields(statm); len(f) >= 2 {
			page := float64(os.Getpagesize())
			if v, err := strconv.ParseUint(string(f[0]), 10, 64); err == nil {
				e.Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", float64(v)*page)
			}
			if v, err := strconv.ParseUint(string(f[1]), 10, 64); err == nil {
				e.Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", float64(v)*page)
			}
		}
	}
	if fds, err := countDir("/proc/self/fd"); err == nil {
		e.Gauge("process_open_fds", "Number of open file descriptors.", float64(fds))
	}
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil {
		e.Gauge("process_max_fds", "Maximum number of open file descriptors.", float64(lim.Cur))
	}
	e.Gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", float64(processStart.UnixNano())/1e9)
}

// countDir counts the entries of dir without sorting or stat-ing them.
func countDir(dir string) (int, error) {
	f, err := os.Open(dir)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	// The count includes the descriptor reading the directory.
	return len(names) - 1, err
}
