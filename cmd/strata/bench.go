package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/stratadb/strata/cmd/strata/internal/tsbs"
)

const benchUsage = `Usage: strata bench ingest|query [flags]

ingest: the TSBS devops cpu-only ingest benchmark: generates the data once (a
cached line-protocol file), starts 'strata serve' on a fresh data directory
(or uses --url), loads the file the way tsbs_load_influx does, and reports
rows/s, values/s, MB/s, the server's peak RSS and its bytes on disk.

query: the TSBS devops queries on Strata, DuckDB and PostgreSQL 15 over the
same data, with every result compared and median/p95 latency per type.
`

func benchCmd(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, benchUsage)
		return errors.New("bench: name a benchmark: ingest or query")
	}
	switch args[0] {
	case "ingest":
		return benchIngestCmd(args[1:])
	case "query":
		return benchQueryCmd(args[1:])
	case profiledServeCmd:
		return profiledServe(args[1:])
	case "help", "-h", "--help":
		fmt.Print(benchUsage)
		return nil
	}
	fmt.Fprint(os.Stderr, benchUsage)
	return fmt.Errorf("bench: unknown benchmark %q (there are: ingest, query)", args[0])
}

// ingestOptions are the settings of one `strata bench ingest` run.
type ingestOptions struct {
	data       tsbs.Config
	dataFile   string
	db         string
	workers    int
	batchSize  int
	gzip       bool
	backoff    time.Duration
	url        string // external server; empty starts a child
	serverPID  int
	serverDir  string
	serveFlags []string
	settle     time.Duration
	settleMax  time.Duration
	keep       bool
	prof       profiles
}

func benchIngestCmd(args []string) error {
	fs := newFlags("bench ingest", "strata bench ingest [flags]")
	var o ingestOptions
	fs.IntVar(&o.data.Scale, "scale", 100, "hosts (series) in the generated data")
	fs.Int64Var(&o.data.Rows, "rows", 10_000_000, "rows (lines) to generate and load")
	duration := fs.Duration("duration", 0, "generate this much time instead of --rows (rows = scale × duration / 10s)")
	fs.Uint64Var(&o.data.Seed, "seed", 123, "random seed of the generated data")
	fs.StringVar(&o.dataFile, "data-file", "", "line-protocol file to load; generated if missing (default: a cache file in "+os.TempDir()+" named by scale, rows and seed)")
	fs.StringVar(&o.db, "db", "benchmark", "database to load into")
	fs.IntVar(&o.workers, "workers", 4, "concurrent write requests")
	fs.IntVar(&o.batchSize, "batch-size", 10_000, "lines per write request")
	fs.BoolVar(&o.gzip, "gzip", false, "gzip request bodies (level 6, as tsbs_load_influx)")
	fs.DurationVar(&o.backoff, "backoff", time.Second, "wait before retrying a batch the server refused with a backpressure error")
	fs.StringVar(&o.url, "url", "", "benchmark the server at this URL (e.g. InfluxDB 1.x at http://127.0.0.1:8086) instead of starting one")
	fs.IntVar(&o.serverPID, "server-pid", 0, "with --url: the server's process id, to report its peak RSS and CPU time")
	fs.StringVar(&o.serverDir, "server-data-dir", "", "with --url: the server's data directory, to report its bytes on disk")
	serveFlags := fs.String("serve-flags", "", "extra flags for the started server, space separated (e.g. \"--flush-bytes 256MiB\")")
	fs.DurationVar(&o.settle, "settle", 30*time.Second, "with --url and a server other than Strata: before counting bytes on disk, wait until the data directory's size has not changed for this long (its cache flushes and compactions)")
	fs.DurationVar(&o.settleMax, "settle-timeout", 10*time.Minute, "give up waiting for --settle after this long")
	fs.BoolVar(&o.keep, "keep", false, "keep the started server's data directory and log")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	fs.StringVar(&o.prof.cpu, "cpuprofile", "", "write a CPU profile of the started server, during the load, to this file")
	fs.StringVar(&o.prof.block, "blockprofile", "", "with --cpuprofile: also write a profile of where the server's goroutines blocked during the load")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench ingest: unexpected argument %q", fs.Arg(0))
	}
	if *duration > 0 {
		o.data.Rows = tsbs.RowsFor(o.data.Scale, *duration, 0)
	}
	o.serveFlags = strings.Fields(*serveFlags)
	if o.url == "" && (o.serverPID != 0 || o.serverDir != "") {
		return errors.New("bench ingest: --server-pid and --server-data-dir describe an external server: give its --url too")
	}
	if o.prof.block != "" && o.prof.cpu == "" {
		return errors.New("bench ingest: --blockprofile needs --cpuprofile")
	}
	if o.url != "" && o.prof.cpu != "" {
		return errors.New("bench ingest: --cpuprofile profiles the server the benchmark starts; it cannot profile --url")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := runIngest(ctx, o)
	if err != nil {
		return fmt.Errorf("bench ingest: %w", err)
	}
	if *asJSON {
		return rep.writeJSON(os.Stdout)
	}
	rep.writeTable(os.Stdout)
	return nil
}

// runIngest runs the whole benchmark: data, server, load, measurements.
func runIngest(ctx context.Context, o ingestOptions) (*ingestReport, error) {
	path, err := ensureDataFile(o.dataFile, o.data)
	if err != nil {
		return nil, err
	}
	rep := &ingestReport{
		DataFile: path, Scale: o.data.Scale, Seed: o.data.Seed,
		Workers: o.workers, BatchSize: o.batchSize, Gzip: o.gzip,
	}
	base, pid, dataDir := strings.TrimRight(o.url, "/"), o.serverPID, o.serverDir
	var child *childServer
	if o.url == "" {
		runDir, err := os.MkdirTemp("", "strata-bench-")
		if err != nil {
			return nil, fmt.Errorf("create a directory for the server: %w", err)
		}
		if !o.keep {
			defer os.RemoveAll(runDir)
		}
		child, err = startChild(runDir, o.prof, o.serveFlags)
		if err != nil {
			return nil, err
		}
		defer child.stop()
		base, pid, dataDir = child.url, child.pid(), child.dataDir
		rep.Child = true
		if o.keep {
			rep.KeptDir = runDir
		}
	}
	rep.URL, rep.PID, rep.DataDir = base, pid, dataDir
	info, err := pingServer(ctx, base)
	if err != nil {
		return nil, err
	}
	rep.Server = info.String()
	if err := prepareDatabase(ctx, base, o.db); err != nil {
		return nil, err
	}

	if err := measureLoad(ctx, o, path, rep); err != nil {
		return nil, err
	}
	if child != nil && o.prof.cpu != "" {
		if err := child.signal(syscall.SIGUSR1); err != nil {
			return nil, err
		}
		rep.CPUProfile = o.prof.cpu
	}
	if err := measureDisk(ctx, o, info, rep); err != nil {
		return nil, err
	}
	if child != nil {
		if err := child.stop(); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// measureLoad loads the file and fills the load figures of rep.
func measureLoad(ctx context.Context, o ingestOptions, path string, rep *ingestReport) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open data: %w", err)
	}
	defer f.Close()
	l := newBenchLoader(rep.URL, o.db, o.workers, o.batchSize, o.gzip, o.backoff)
	prog := newProgress(os.Stderr, "load "+filepath.Base(path))
	l.onBatch = prog.add

	var before procStats
	if rep.PID != 0 {
		if before, err = readProcStats(rep.PID); err != nil {
			return err
		}
	}
	selfBefore, machineBefore := selfCPU(), machineCPU()
	start := time.Now()
	loadErr := l.load(ctx, f)
	rep.Wall = time.Since(start)
	prog.finish()
	if loadErr != nil {
		return loadErr
	}
	rep.LoaderCPU = selfCPU() - selfBefore
	rep.MachineCPU = machineCPU() - machineBefore
	rep.Rows, rep.Bytes = l.rows.Load(), l.bytes.Load()
	rep.Values = rep.Rows * int64(tsbs.FieldsPerRow)
	rep.Requests, rep.Retries = l.batches.Load(), l.retries.Load()
	if rep.PID != 0 {
		after, err := readProcStats(rep.PID)
		if err != nil {
			return err
		}
		rep.PeakRSS, rep.ServerCPU = after.PeakRSS, after.CPU-before.CPU
	}
	return nil
}

// measureDisk makes the server put its data in its final form (Strata:
// persist and compact; other servers: wait for the directory to settle) and
// fills the disk figures of rep.
func measureDisk(ctx context.Context, o ingestOptions, info serverInfo, rep *ingestReport) error {
	if info.Product == "strata" {
		start := time.Now()
		res, err := persistAndCompact(ctx, rep.URL)
		if err != nil {
			return err
		}
		rep.Persist = time.Since(start)
		rep.PersistResult = &res
		if rep.PID != 0 {
			st, err := readProcStats(rep.PID)
			if err != nil {
				return err
			}
			rep.PeakRSSAll = st.PeakRSS
		}
	}
	if rep.DataDir == "" {
		return nil
	}
	var err error
	if info.Product != "strata" && o.settle > 0 {
		fmt.Fprintf(os.Stderr, "waiting for %s's data directory to settle (no size change for %s)\n", info.Product, o.settle)
		rep.Disk, rep.Settled, err = settle(ctx, rep.DataDir, o.settle, o.settleMax)
	} else {
		rep.Disk, err = dirUsage(rep.DataDir)
	}
	if err != nil {
		return err
	}
	if rep.Values > 0 {
		rep.BytesPerValue = float64(rep.Disk.Allocated) / float64(rep.Values)
	}
	return nil
}

// machineCPU is the busy time of all CPUs so far (/proc/stat: user, nice,
// system, irq, softirq, steal), or 0 if unknown.
func machineCPU() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	var ticks int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		n, _ := strconv.ParseInt(f[i], 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ
}

// selfCPU is this process's user plus system CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
