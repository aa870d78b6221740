package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"text/tabwriter"
	"time"
)

// ingestReport is the outcome of one `strata bench ingest` run.
type ingestReport struct {
	Server   string // "strata 0.1.0", "influxdb 1.6.7~rc0"
	URL      string
	Child    bool // the benchmark started the server
	PID      int
	DataDir  string
	KeptDir  string
	DataFile string

	Scale     int
	Seed      uint64
	Workers   int
	BatchSize int
	Gzip      bool

	Rows, Values, Bytes int64
	Requests, Retries   int64
	Wall                time.Duration
	ServerCPU           time.Duration // during the load
	LoaderCPU           time.Duration // this process, during the load
	MachineCPU          time.Duration // every process, during the load
	PeakRSS             int64         // VmHWM right after the load
	PeakRSSAll          int64         // VmHWM after persist and compaction

	Persist       time.Duration
	PersistResult *persistResult
	Settled       time.Duration
	Disk          diskUsage
	BytesPerValue float64
	CPUProfile    string
}

func (r *ingestReport) perSec(n int64) float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(n) / r.Wall.Seconds()
}

func (r *ingestReport) writeTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	gz := "off"
	if r.Gzip {
		gz = "on"
	}
	where := r.URL
	if r.Child {
		where += " (started by the benchmark)"
	}
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("server", r.Server+" at "+where)
	row("data", fmt.Sprintf("TSBS cpu-only, scale %d, seed %d: %s", r.Scale, r.Seed, r.DataFile))
	row("loader", fmt.Sprintf("%d workers, %s-line batches, gzip %s, POST /write (v1, ns)", r.Workers, commas(int64(r.BatchSize)), gz))
	row("rows", commas(r.Rows))
	row("wall time", fmt.Sprintf("%.2f s", r.Wall.Seconds()))
	row("rows/s", commas(int64(r.perSec(r.Rows))))
	row("values/s", commas(int64(r.perSec(r.Values))))
	row("line protocol", fmt.Sprintf("%.1f MB at %.1f MB/s", float64(r.Bytes)/1e6, r.perSec(r.Bytes)/1e6))
	if r.Retries > 0 {
		row("backpressure retries", commas(r.Retries))
	}
	if r.PID != 0 {
		row("server CPU (load)", fmt.Sprintf("%.1f s (%.2f cores)", r.ServerCPU.Seconds(), r.ServerCPU.Seconds()/r.Wall.Seconds()))
	}
	row("loader CPU (load)", fmt.Sprintf("%.1f s (%.2f cores)", r.LoaderCPU.Seconds(), r.LoaderCPU.Seconds()/r.Wall.Seconds()))
	if r.PID != 0 && r.ServerCPU > 0 {
		row("rows per server CPU-second", commas(int64(float64(r.Rows)/r.ServerCPU.Seconds())))
	}
	if r.MachineCPU > 0 {
		other := r.MachineCPU - r.LoaderCPU - r.ServerCPU
		if r.PID == 0 {
			other = r.MachineCPU - r.LoaderCPU // the server is among the others
		}
		row("other processes' CPU (load)", fmt.Sprintf("%.1f s (%.2f cores of %d; a busy machine skews the figures)", other.Seconds(), other.Seconds()/r.Wall.Seconds(), runtime.NumCPU()))
	}
	if r.PID != 0 {
		row("server peak RSS (load)", humanBytes(float64(r.PeakRSS)))
	} else {
		row("server peak RSS (load)", "unknown (give --server-pid)")
	}
	if r.PersistResult != nil {
		row("persist + compact", fmt.Sprintf("%.2f s (%d partitions, %d files compacted)", r.Persist.Seconds(), r.PersistResult.CompactedPartitions, r.PersistResult.CompactedFiles))
		if r.PeakRSSAll != 0 {
			row("server peak RSS (all)", humanBytes(float64(r.PeakRSSAll)))
		}
	}
	if r.Settled > 0 {
		row("settled", fmt.Sprintf("%.0f s (waited for the data directory to stop changing)", r.Settled.Seconds()))
	}
	if r.DataDir != "" {
		row("bytes on disk", fmt.Sprintf("%s (%s B allocated) in %s", humanBytes(float64(r.Disk.Allocated)), commas(r.Disk.Allocated), r.DataDir))
		row("sum of file sizes", fmt.Sprintf("%s (%s B; more than on disk when files are sparse)", humanBytes(float64(r.Disk.Apparent)), commas(r.Disk.Apparent)))
		row("bytes/value (on disk)", fmt.Sprintf("%.3f", r.BytesPerValue))
	} else {
		row("bytes on disk", "unknown (give --server-data-dir)")
	}
	if r.CPUProfile != "" {
		row("server CPU profile", r.CPUProfile)
	}
	tw.Flush()
}

// ingestJSON is the --json form of a report: plain numbers, SI units named.
type ingestJSON struct {
	Server            string         `json:"server"`
	URL               string         `json:"url"`
	StartedByBench    bool           `json:"started_by_bench"`
	ServerPID         int            `json:"server_pid,omitempty"`
	ServerDataDir     string         `json:"server_data_dir,omitempty"`
	KeptDir           string         `json:"kept_dir,omitempty"`
	DataFile          string         `json:"data_file"`
	Scale             int            `json:"scale"`
	Seed              uint64         `json:"seed"`
	Workers           int            `json:"workers"`
	BatchSize         int            `json:"batch_size"`
	Gzip              bool           `json:"gzip"`
	Rows              int64          `json:"rows"`
	Values            int64          `json:"values"`
	LPBytes           int64          `json:"lp_bytes"`
	Requests          int64          `json:"requests"`
	Retries           int64          `json:"retries"`
	WallSeconds       float64        `json:"wall_seconds"`
	RowsPerSec        float64        `json:"rows_per_sec"`
	ValuesPerSec      float64        `json:"values_per_sec"`
	MBPerSec          float64        `json:"mb_per_sec"`
	ServerCPUSeconds  float64        `json:"server_cpu_seconds,omitempty"`
	LoaderCPUSeconds  float64        `json:"loader_cpu_seconds"`
	MachineCPUSeconds float64        `json:"machine_cpu_seconds,omitempty"`
	CPUs              int            `json:"cpus"`
	PeakRSSBytes      int64          `json:"peak_rss_bytes,omitempty"`
	PeakRSSAllBytes   int64          `json:"peak_rss_incl_persist_bytes,omitempty"`
	PersistSeconds    float64        `json:"persist_compact_seconds,omitempty"`
	Persist           *persistResult `json:"persist,omitempty"`
	SettledSeconds    float64        `json:"settled_seconds,omitempty"`
	DiskBytes         int64          `json:"disk_bytes,omitempty"`
	FileBytes         int64          `json:"file_bytes,omitempty"`
	BytesPerValue     float64        `json:"bytes_per_value,omitempty"`
	ServerCPUProfile  string         `json:"server_cpu_profile,omitempty"`
}

func (r *ingestReport) writeJSON(w io.Writer) error {
	out := ingestJSON{
		Server: r.Server, URL: r.URL, StartedByBench: r.Child, ServerPID: r.PID, ServerDataDir: r.DataDir,
		KeptDir: r.KeptDir, DataFile: r.DataFile, Scale: r.Scale, Seed: r.Seed, Workers: r.Workers,
		BatchSize: r.BatchSize, Gzip: r.Gzip, Rows: r.Rows, Values: r.Values, LPBytes: r.Bytes,
		Requests: r.Requests, Retries: r.Retries, WallSeconds: r.Wall.Seconds(),
		RowsPerSec: r.perSec(r.Rows), ValuesPerSec: r.perSec(r.Values), MBPerSec: r.perSec(r.Bytes) / 1e6,
		ServerCPUSeconds: r.ServerCPU.Seconds(), LoaderCPUSeconds: r.LoaderCPU.Seconds(),
		MachineCPUSeconds: r.MachineCPU.Seconds(), CPUs: runtime.NumCPU(),
		PeakRSSBytes: r.PeakRSS, PeakRSSAllBytes: r.PeakRSSAll, PersistSeconds: r.Persist.Seconds(),
		Persist: r.PersistResult, SettledSeconds: r.Settled.Seconds(), DiskBytes: r.Disk.Allocated, FileBytes: r.Disk.Apparent,
		BytesPerValue: r.BytesPerValue, ServerCPUProfile: r.CPUProfile,
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// commas formats n with thousands separators: 10,000,000.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
