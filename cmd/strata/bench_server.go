package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// childServer is a `strata serve` started by the benchmark.
type childServer struct {
	cmd     *exec.Cmd
	url     string
	dataDir string
	logPath string
	exited  chan struct{}
	waitErr error
}

// startChild runs this binary's `serve` on a free loopback port with a fresh
// data directory under runDir, and waits until GET /health answers 200.
// With prof.cpu set, the child profiles itself until it gets SIGUSR1.
func startChild(runDir string, prof profiles, extra []string) (*childServer, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this binary to start the server: %w", err)
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	c := &childServer{
		url:     "http://" + addr,
		dataDir: filepath.Join(runDir, "data"),
		logPath: filepath.Join(runDir, "server.log"),
		exited:  make(chan struct{}),
	}
	logFile, err := os.Create(c.logPath)
	if err != nil {
		return nil, fmt.Errorf("create server log: %w", err)
	}
	defer logFile.Close() // the child holds its own descriptor
	args := []string{"serve"}
	if prof.cpu != "" {
		args = prof.args()
	}
	args = append(args, "--data-dir", c.dataDir, "--http-addr", addr)
	args = append(args, extra...)
	c.cmd = exec.Command(exe, args...)
	c.cmd.Stdout = logFile
	c.cmd.Stderr = logFile
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s %s: %w", exe, strings.Join(args, " "), err)
	}
	go func() {
		c.waitErr = c.cmd.Wait()
		close(c.exited)
	}()
	if err := c.waitHealthy(30 * time.Second); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free loopback port: %w", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, nil
}

func (c *childServer) pid() int { return c.cmd.Process.Pid }

// waitHealthy polls GET /health until it answers 200, the child exits or
// the timeout passes.
func (c *childServer) waitHealthy(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(c.url + "/health")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-c.exited:
			return fmt.Errorf("the server exited before it was ready (%v); its log: %s\n%s", c.waitErr, c.logPath, tail(c.logPath))
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server at %s was not healthy after %s; its log: %s\n%s", c.url, timeout, c.logPath, tail(c.logPath))
		}
	}
}

// signal sends sig to the child.
func (c *childServer) signal(sig os.Signal) error {
	if err := c.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signal server pid %d: %w", c.pid(), err)
	}
	return nil
}

// stop asks the child to shut down (SIGTERM: it persists its buffer) and
// kills it if it has not exited within two minutes.
func (c *childServer) stop() error {
	select {
	case <-c.exited:
		return nil
	default:
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(2 * time.Minute):
		c.cmd.Process.Kill()
		<-c.exited
		return fmt.Errorf("the server (pid %d) did not stop within 2 minutes of SIGTERM and was killed; its log: %s", c.pid(), c.logPath)
	}
	var ee *exec.ExitError
	if c.waitErr != nil && !errors.As(c.waitErr, &ee) {
		return fmt.Errorf("wait for the server: %w", c.waitErr)
	}
	if c.waitErr != nil {
		return fmt.Errorf("the server exited with %v; its log: %s", c.waitErr, c.logPath)
	}
	return nil
}

// tail returns the last lines of a log, for error messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-10):], "\n")
}

// profiledServeCmd is the hidden `strata bench _serve-profiled` that runs
// `serve` under a CPU profile and, optionally, a profile of where goroutines
// block. The profiles stop and are written on SIGUSR1 (the benchmark sends it
// when the load ends, so persist and shutdown are left out) or at exit.
const profiledServeCmd = "_serve-profiled"

// profiles names the profile files of a profiled server.
type profiles struct {
	cpu, block string
}

func (p profiles) args() []string {
	args := []string{"bench", profiledServeCmd, "--cpuprofile", p.cpu}
	if p.block != "" {
		args = append(args, "--blockprofile", p.block)
	}
	return append(args, "--")
}

func profiledServe(args []string) error {
	fs := flag.NewFlagSet(profiledServeCmd, flag.ContinueOnError)
	var p profiles
	fs.StringVar(&p.cpu, "cpuprofile", "", "CPU profile file")
	fs.StringVar(&p.block, "blockprofile", "", "blocking profile file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if p.cpu == "" {
		return errors.New("bench " + profiledServeCmd + ": usage: --cpuprofile FILE [--blockprofile FILE] -- [serve flags]")
	}
	f, err := os.Create(p.cpu)
	if err != nil {
		return fmt.Errorf("create cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("start cpu profile: %w", err)
	}
	if p.block != "" {
		runtime.SetBlockProfileRate(int(100 * time.Microsecond))
	}
	var once sync.Once
	var stopErr error
	stopProfiles := func() {
		once.Do(func() {
			pprof.StopCPUProfile()
			stopErr = f.Close()
			if p.block != "" && stopErr == nil {
				stopErr = writeProfile("block", p.block)
			}
		})
	}
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	defer signal.Stop(usr1)
	done := make(chan struct{})
	go func() {
		select {
		case <-usr1:
			stopProfiles()
		case <-done:
		}
	}()
	err = serve(fs.Args())
	close(done)
	stopProfiles()
	if err == nil && stopErr != nil {
		err = fmt.Errorf("write profiles: %w", stopErr)
	}
	return err
}

func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("write %s profile %s: %w", name, path, err)
	}
	return f.Close()
}

// procStats are a process's memory peak and CPU time, from /proc.
type procStats struct {
	PeakRSS int64         // VmHWM
	RSS     int64         // VmRSS
	CPU     time.Duration // user + system
}

// userHZ is the unit of /proc/<pid>/stat's times: 100 on every Linux ABI.
const userHZ = 100

func readProcStats(pid int) (procStats, error) {
	var st procStats
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return st, fmt.Errorf("read memory of server pid %d: %w", pid, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), ":")
		f := strings.Fields(val)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		kb, _ := strconv.ParseInt(f[0], 10, 64)
		switch key {
		case "VmHWM":
			st.PeakRSS = kb << 10
		case "VmRSS":
			st.RSS = kb << 10
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return st, fmt.Errorf("read cpu time of server pid %d: %w", pid, err)
	}
	// The command name (field 2) is in parentheses and may hold spaces;
	// utime and stime are fields 14 and 15.
	rest := stat[bytes.LastIndexByte(stat, ')')+1:]
	f := strings.Fields(string(rest))
	if len(f) < 13 {
		return st, fmt.Errorf("parse /proc/%d/stat: %d fields after the name", pid, len(f))
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	st.CPU = time.Duration(utime+stime) * time.Second / userHZ
	return st, nil
}

// diskUsage is the size of a directory tree two ways: the sum of the file
// sizes, and the blocks allocated to them. They differ for sparse files
// (InfluxDB preallocates its series files sparsely: 32 MiB of size, a few
// KiB of blocks).
type diskUsage struct {
	Apparent  int64
	Allocated int64
}

// dirUsage adds up the regular files under dir.
func dirUsage(dir string) (diskUsage, error) {
	var u diskUsage
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path != dir {
				return nil // removed while we walked (compaction)
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		u.Apparent += info.Size()
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			u.Allocated += st.Blocks * 512 // st_blocks counts 512-byte units
		}
		return nil
	})
	if err != nil {
		return diskUsage{}, fmt.Errorf("size of %s: %w", dir, err)
	}
	return u, nil
}

// settle waits until the usage of dir has not changed for quiet (polling
// once a second), or timeout passes; it returns the final usage and the time
// waited. It gives a server's background flushes and compactions time to
// finish before its bytes on disk are counted.
func settle(ctx context.Context, dir string, quiet, timeout time.Duration) (diskUsage, time.Duration, error) {
	start := time.Now()
	u, err := dirUsage(dir)
	if err != nil {
		return u, 0, err
	}
	since := time.Now()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for time.Since(since) < quiet {
		if time.Since(start) > timeout {
			return u, time.Since(start), fmt.Errorf("the size of %s was still changing after %s (--settle-timeout)", dir, timeout)
		}
		select {
		case <-ctx.Done():
			return u, time.Since(start), ctx.Err()
		case <-tick.C:
		}
		now, err := dirUsage(dir)
		if err != nil {
			return u, time.Since(start), err
		}
		if now != u {
			u, since = now, time.Now()
		}
	}
	return u, time.Since(start), nil
}

// serverInfo is what /ping says about a server.
type serverInfo struct {
	Product string // "strata" or "influxdb"
	Version string
}

func (s serverInfo) String() string { return s.Product + " " + s.Version }

func pingServer(ctx context.Context, base string) (serverInfo, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/ping", nil)
	if err != nil {
		return serverInfo{}, fmt.Errorf("ping %s: %w", base, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return serverInfo{}, fmt.Errorf("ping %s: %w", base, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusOK {
		return serverInfo{}, fmt.Errorf("ping %s: answered %s", base, resp.Status)
	}
	info := serverInfo{Product: "influxdb", Version: resp.Header.Get("X-Influxdb-Version")}
	if resp.Header.Get("X-Influxdb-Build") == "strata" {
		info.Product = "strata"
	}
	return info, nil
}

// influxQLResult is the part of InfluxDB 1.x's /query answer we read.
type influxQLResult struct {
	Results []struct {
		Series []struct {
			Values [][]any `json:"values"`
		} `json:"series"`
		Error string `json:"error"`
	} `json:"results"`
	Error string `json:"error"`
}

func influxQL(ctx context.Context, base, method, q string) (influxQLResult, error) {
	var res influxQLResult
	req, err := http.NewRequestWithContext(ctx, method, base+"/query?q="+url.QueryEscape(q), nil)
	if err != nil {
		return res, fmt.Errorf("query %q: %w", q, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return res, fmt.Errorf("query %q: %w", q, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return res, fmt.Errorf("query %q: server answered %s: %s", q, resp.Status, bytes.TrimSpace(body))
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return res, fmt.Errorf("query %q: answer is not InfluxDB JSON: %w: %s", q, err, body)
	}
	if res.Error != "" {
		return res, fmt.Errorf("query %q: %s", q, res.Error)
	}
	for _, r := range res.Results {
		if r.Error != "" {
			return res, fmt.Errorf("query %q: %s", q, r.Error)
		}
	}
	return res, nil
}

// prepareDatabase does what tsbs_load_influx does before loading: list the
// databases, drop db if it exists, create it.
func prepareDatabase(ctx context.Context, base, db string) error {
	res, err := influxQL(ctx, base, http.MethodGet, "show databases")
	if err != nil {
		return err
	}
	if len(res.Results) == 0 || len(res.Results[0].Series) == 0 {
		return fmt.Errorf("query \"show databases\": the answer has no series; tsbs_load_influx would panic on it")
	}
	for _, v := range res.Results[0].Series[0].Values {
		if len(v) > 0 && v[0] == db {
			if _, err := influxQL(ctx, base, http.MethodPost, "drop database "+quoteIdent(db)); err != nil {
				return err
			}
		}
	}
	_, err = influxQL(ctx, base, http.MethodPost, "CREATE DATABASE "+quoteIdent(db)+" WITH REPLICATION 1")
	return err
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// persistResult is the answer of POST /api/v3/strata/persist?compact=true.
type persistResult struct {
	Persisted           bool  `json:"persisted"`
	CompactedPartitions int   `json:"compacted_partitions"`
	CompactedFiles      int   `json:"compacted_files"`
	BytesBefore         int64 `json:"bytes_before"`
	BytesAfter          int64 `json:"bytes_after"`
}

func persistAndCompact(ctx context.Context, base string) (persistResult, error) {
	var res persistResult
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v3/strata/persist?compact=true", nil)
	if err != nil {
		return res, fmt.Errorf("persist: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return res, fmt.Errorf("persist: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return res, fmt.Errorf("persist: server answered %s: %s", resp.Status, bytes.TrimSpace(body))
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return res, fmt.Errorf("persist: answer is not JSON: %w: %s", err, body)
	}
	return res, nil
}
