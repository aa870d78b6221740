package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// queryEngine runs SQL on one database system. run returns the latency of
// one execution, and with collect the result (then the latency includes
// decoding it and is not used).
type queryEngine interface {
	name() string
	run(ctx context.Context, sql string, collect bool) (time.Duration, *resultSet, error)
	close() error
}

// strataEngine queries a Strata child server over HTTP
// (GET /api/v3/query_sql?format=csv), timing from the request until the
// body is drained.
type strataEngine struct {
	child   *childServer
	base    string
	db      string
	dataDir string
	client  *http.Client
	pg      *pgx.Conn // set: queries go to the PostgreSQL endpoint
}

// startStrataEngine starts the child server, loads the data file into it
// and persists and compacts it, so its Parquet files hold every row.
func startStrataEngine(ctx context.Context, runDir string, o queryOptions, path string, rep *queryReport) (*strataEngine, error) {
	flags := o.serveFlags
	var pgAddr string
	if o.strataVia == "pg" {
		addr, err := freeLoopbackAddr()
		if err != nil {
			return nil, err
		}
		pgAddr = addr
		flags = append(slices.Clone(flags), "--pg-addr", pgAddr)
	}
	child, err := startChild(runDir, profiles{}, flags)
	if err != nil {
		return nil, err
	}
	e := newStrataEngine(child, o.db)
	ok := false
	defer func() {
		if !ok {
			e.close()
		}
	}()
	info, err := pingServer(ctx, e.base)
	if err != nil {
		return nil, err
	}
	rep.Strata = info.String()
	if err := prepareDatabase(ctx, e.base, o.db); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open data: %w", err)
	}
	defer f.Close()
	began := time.Now()
	if err := newBenchLoader(e.base, o.db, 4, 10_000, false, time.Second).load(ctx, f); err != nil {
		return nil, fmt.Errorf("load strata: %w", err)
	}
	if _, err := persistAndCompact(ctx, e.base); err != nil {
		return nil, err
	}
	rep.Loads = append(rep.Loads, engineLoad{Engine: "strata", Took: time.Since(began), How: "line protocol over HTTP (4 workers), then persist+compact"})
	rep.StrataVia = "HTTP /api/v3/query_sql, format=csv, body drained"
	if pgAddr != "" {
		if e.pg, err = pgx.Connect(ctx, "postgres://strata@"+pgAddr+"/"+o.db+"?sslmode=disable"); err != nil {
			return nil, fmt.Errorf("strata: connect to the PostgreSQL endpoint: %w", err)
		}
		rep.StrataVia = "PostgreSQL endpoint, pgx extended protocol like the PostgreSQL engine, rows drained"
	}
	ok = true
	return e, nil
}

func newStrataEngine(child *childServer, db string) *strataEngine {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 2,
		DisableCompression:  true,
	}
	return &strataEngine{child: child, base: child.url, db: db, dataDir: child.dataDir, client: &http.Client{Transport: tr}}
}

func (e *strataEngine) name() string { return "strata" }

func (e *strataEngine) run(ctx context.Context, sql string, collect bool) (time.Duration, *resultSet, error) {
	if e.pg != nil {
		return runPgx(ctx, e.pg, "strata", sql, collect)
	}
	u := e.base + "/api/v3/query_sql?db=" + url.QueryEscape(e.db) + "&format=csv&q=" + url.QueryEscape(sql)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("strata query: %w", err)
	}
	began := time.Now()
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("strata query: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return 0, nil, fmt.Errorf("strata answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	if !collect {
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return 0, nil, fmt.Errorf("strata query: read answer: %w", err)
		}
		return time.Since(began), nil, nil
	}
	rs, err := readCSVResult(resp.Body)
	return time.Since(began), rs, err
}

// readCSVResult reads Strata's CSV answer: a header, then rows; an empty
// field is NULL (the benchmark's data has no empty strings).
func readCSVResult(r io.Reader) (*resultSet, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("strata query: read csv header: %w", err)
	}
	rs := &resultSet{cols: head}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("strata query: read csv row %d: %w", len(rs.rows)+1, err)
		}
		row := make([]string, len(rec))
		for i, v := range rec {
			if v == "" {
				row[i] = nullCell
			} else {
				row[i] = normText(v)
			}
		}
		rs.rows = append(rs.rows, row)
	}
}

func (e *strataEngine) close() error {
	if e.pg != nil {
		e.pg.Close(context.Background())
		e.pg = nil
	}
	return e.child.stop()
}

// duckScript is the Node program that runs DuckDB, in testdata/bench/.
const duckScript = "duckdb_query.mjs"

// duckEngine is a Node process running DuckDB (@duckdb/node-api) in
// memory over Strata's Parquet files; latencies are measured inside it.
type duckEngine struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr strings.Builder
}

func startDuckEngine(ctx context.Context, o queryOptions, strataDir string, rep *queryReport) (*duckEngine, error) {
	glob := filepath.Join(strataDir, "dbs", o.db, "cpu", "*", "*.parquet")
	files, _ := filepath.Glob(glob)
	if len(files) == 0 {
		return nil, fmt.Errorf("duckdb: no Parquet files match %s", glob)
	}
	script := filepath.Join(o.duckDir, "bench", duckScript)
	modules := filepath.Join(o.duckDir, "duckdb", "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "@duckdb", "node-api")); err != nil {
		return nil, fmt.Errorf("duckdb: @duckdb/node-api is not installed in %s (run npm ci in %s): %w", modules, filepath.Dir(modules), err)
	}
	e := &duckEngine{}
	e.cmd = exec.Command("node", script, modules, glob, o.duckMode, "2")
	e.cmd.Stderr = &e.stderr
	var err error
	if e.in, err = e.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("duckdb: %w", err)
	}
	stdout, err := e.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("duckdb: %w", err)
	}
	e.out = bufio.NewReaderSize(stdout, 1<<20)
	if err := e.cmd.Start(); err != nil {
		return nil, fmt.Errorf("duckdb: start node %s: %w", script, err)
	}
	var hello struct {
		Ready   bool    `json:"ready"`
		Rows    int64   `json:"rows"`
		LoadMS  float64 `json:"load_ms"`
		Version string  `json:"version"`
	}
	if err := e.read(&hello); err != nil || !hello.Ready {
		e.close()
		return nil, fmt.Errorf("duckdb: the runner did not start: %v: %s", err, e.stderr.String())
	}
	rep.DuckDB = "DuckDB " + hello.Version + " (@duckdb/node-api, " + o.duckMode + " over " + strconv.Itoa(len(files)) + " Parquet files, 2 threads)"
	rep.Loads = append(rep.Loads, engineLoad{Engine: "duckdb", Took: time.Duration(hello.LoadMS * float64(time.Millisecond)), Rows: hello.Rows,
		How: "CREATE " + strings.ToUpper(o.duckMode) + " cpu AS SELECT * FROM read_parquet(Strata's files)"})
	return e, nil
}

func (e *duckEngine) name() string { return "duckdb" }

func (e *duckEngine) read(v any) error {
	line, err := e.out.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("read from the duckdb runner: %w", err)
	}
	return json.Unmarshal(line, v)
}

// duckSQL rewrites TSBS's '... +0000' literal offsets, which DuckDB cannot
// parse, to '+00:00'.
func duckSQL(sql string) string { return strings.ReplaceAll(sql, " +0000'", "+00:00'") }

func (e *duckEngine) run(ctx context.Context, sql string, collect bool) (time.Duration, *resultSet, error) {
	req, _ := json.Marshal(map[string]any{"sql": duckSQL(sql), "runs": 1, "rows": collect}) // plain values
	if _, err := e.in.Write(append(req, '\n')); err != nil {
		return 0, nil, fmt.Errorf("duckdb: send query: %w: %s", err, e.stderr.String())
	}
	var ans struct {
		MS      []float64 `json:"ms"`
		Columns []string  `json:"columns"`
		Rows    [][]any   `json:"rows"`
		Error   string    `json:"error"`
	}
	if err := e.read(&ans); err != nil {
		return 0, nil, fmt.Errorf("duckdb: %w: %s", err, e.stderr.String())
	}
	if ans.Error != "" {
		return 0, nil, fmt.Errorf("duckdb: %s", ans.Error)
	}
	if len(ans.MS) == 0 {
		return 0, nil, errors.New("duckdb: the runner answered no timing")
	}
	d := time.Duration(ans.MS[0] * float64(time.Millisecond))
	if !collect {
		return d, nil, nil
	}
	rs := &resultSet{cols: ans.Columns, rows: make([][]string, len(ans.Rows))}
	for i, r := range ans.Rows {
		row := make([]string, len(r))
		for j, v := range r {
			row[j] = normAny(v)
		}
		rs.rows[i] = row
	}
	return d, rs, nil
}

func (e *duckEngine) close() error {
	if e.cmd == nil || e.cmd.Process == nil {
		return nil
	}
	e.in.Close() // the runner exits at the end of its input
	done := make(chan error, 1)
	go func() { done <- e.cmd.Wait() }()
	select {
	case err := <-done:
		e.cmd = nil
		if err != nil {
			return fmt.Errorf("duckdb runner: %w: %s", err, e.stderr.String())
		}
		return nil
	case <-time.After(30 * time.Second):
		e.cmd.Process.Kill()
		<-done
		e.cmd = nil
		return errors.New("duckdb runner did not exit within 30s of the end of its input and was killed")
	}
}
