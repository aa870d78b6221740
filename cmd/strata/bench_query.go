package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/stratadb/strata/cmd/strata/internal/tsbs"
	"github.com/stratadb/strata/cmd/strata/internal/tsbsq"
)

const benchQueryUsage = `Usage: strata bench query [flags]

Runs the TSBS devops query benchmark (TimescaleDB SQL, --timescale-use-tags=false)
on Strata, DuckDB and PostgreSQL 15 with the same rows: generates TSBS cpu-only
data, loads it into a 'strata serve' child (line protocol, then persist and
compact), gives DuckDB Strata's Parquet files and PostgreSQL the same rows
(COPY), runs every query instance once untimed on every engine (comparing
their results) and then once timed, and reports median and p95 latency per
query type, the ratios and their geometric means.
`

// queryOptions are the settings of one `strata bench query` run.
type queryOptions struct {
	data       tsbs.Config
	dataFile   string
	db         string
	querySeed  uint64
	perType    int
	types      []string
	engines    []string
	duckMode   string // table or view
	duckDir    string // the directory holding the runner script and node_modules
	pgFloat    bool   // fields as double precision (TSBS's TimescaleDB schema) or bigint
	pgJIT      bool
	keep       bool
	serveFlags []string
	prof       queryProfile
	strataVia  string // http: /api/v3/query_sql as CSV; pg: the PostgreSQL endpoint through pgx, as TSBS's runner
	// timedOrder: instance (engines take turns per query instance) or
	// engine (each engine runs a type's instances back to back, as TSBS's
	// runner does; engines take turns per type).
	timedOrder string
}

// queryProfile asks for a CPU profile of Strata running some query types.
type queryProfile struct {
	cpu   string
	types []string
	dur   time.Duration
}

func benchQueryCmd(args []string) error {
	fs := newFlags("bench query", "strata bench query [flags]")
	var o queryOptions
	fs.IntVar(&o.data.Scale, "scale", 100, "hosts (series) in the generated data")
	duration := fs.Duration("duration", 24*time.Hour, "time span of the generated data (rows = scale × duration / 10s); 72h or --scale 4000 make the larger runs")
	fs.Uint64Var(&o.data.Seed, "seed", 123, "random seed of the generated data")
	fs.Uint64Var(&o.querySeed, "query-seed", 123, "random seed of the query windows and hosts")
	fs.StringVar(&o.dataFile, "data-file", "", "line-protocol file to load; generated if missing (default: a cache file in "+os.TempDir()+")")
	fs.StringVar(&o.db, "db", "benchmark", "Strata database to load into")
	fs.IntVar(&o.perType, "queries", 10, "instances per query type")
	types := fs.String("types", strings.Join(tsbsq.Types, ","), "query types, comma separated (also cpu-max-all-32-24)")
	engines := fs.String("engines", "strata,duckdb,postgres", "engines, comma separated: strata, duckdb, postgres (strata is always run)")
	fs.StringVar(&o.duckMode, "duckdb-mode", "table", "table: DuckDB copies the Parquet files into an in-memory table; view: it reads them at every query")
	fs.StringVar(&o.duckDir, "duckdb-dir", "", "directory holding duckdb_query.mjs and node_modules/@duckdb/node-api (default: testdata/ of the source tree, found from the working directory)")
	fs.BoolVar(&o.pgFloat, "pg-double", true, "PostgreSQL fields as double precision (TSBS's TimescaleDB schema); false: bigint")
	fs.BoolVar(&o.pgJIT, "pg-jit", false, "leave PostgreSQL's JIT on (its default); off gives it its best latencies on these queries")
	fs.BoolVar(&o.keep, "keep", false, "keep the Strata data directory and log")
	fs.StringVar(&o.strataVia, "strata-protocol", "http", "how Strata is queried: http (/api/v3/query_sql, CSV) or pg (its PostgreSQL endpoint through pgx, as TSBS's TimescaleDB runner and the PostgreSQL engine here)")
	fs.StringVar(&o.timedOrder, "timed-order", "instance", "instance: engines take turns at every query instance of the timed pass; engine: each engine runs a type's instances back to back, as TSBS's runner does (no other engine's turn, and the idle pause it brings, between them)")
	serveFlags := fs.String("serve-flags", "", "extra flags for the started Strata server, space separated")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	fs.StringVar(&o.prof.cpu, "cpuprofile", "", "after the measurements, restart Strata under a CPU profile, run --profile-types and write the profile here")
	profTypes := fs.String("profile-types", "", "with --cpuprofile: query types to profile, comma separated (default: the three slowest on Strata)")
	fs.DurationVar(&o.prof.dur, "profile-time", 20*time.Second, "with --cpuprofile: how long to run the profiled queries")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench query: unexpected argument %q", fs.Arg(0))
	}
	o.data.Rows = tsbs.RowsFor(o.data.Scale, *duration, 0)
	o.serveFlags = strings.Fields(*serveFlags)
	var err error
	if o.types, err = parseTypes(*types); err != nil {
		return err
	}
	if *profTypes != "" {
		if o.prof.types, err = parseTypes(*profTypes); err != nil {
			return err
		}
	}
	if o.engines, err = parseEngines(*engines); err != nil {
		return err
	}
	if o.perType < 1 {
		return fmt.Errorf("bench query: --queries %d: need at least one instance per type", o.perType)
	}
	if o.strataVia != "http" && o.strataVia != "pg" {
		return fmt.Errorf("bench query: --strata-protocol %q: want http or pg", o.strataVia)
	}
	if o.timedOrder != "instance" && o.timedOrder != "engine" {
		return fmt.Errorf("bench query: --timed-order %q: want instance or engine", o.timedOrder)
	}
	if o.duckMode != "table" && o.duckMode != "view" {
		return fmt.Errorf("bench query: --duckdb-mode %q: want table or view", o.duckMode)
	}
	if slices.Contains(o.engines, "duckdb") && o.duckDir == "" {
		if o.duckDir, err = findDuckDir(); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := runQueryBench(ctx, o)
	if err != nil {
		return fmt.Errorf("bench query: %w", err)
	}
	if *asJSON {
		return rep.writeJSON(os.Stdout)
	}
	rep.writeTable(os.Stdout)
	return nil
}

func parseTypes(s string) ([]string, error) {
	var out []string
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if !tsbsq.Known(t) {
			return nil, fmt.Errorf("bench query: unknown query type %q (known: %s, cpu-max-all-32-24)", t, strings.Join(tsbsq.Types, ", "))
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, errors.New("bench query: no query types given")
	}
	return out, nil
}

func parseEngines(s string) ([]string, error) {
	out := []string{"strata"}
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		switch e {
		case "", "strata":
		case "duckdb", "postgres":
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		default:
			return nil, fmt.Errorf("bench query: unknown engine %q (there are strata, duckdb, postgres)", e)
		}
	}
	return out, nil
}

// findDuckDir looks for testdata/bench/duckdb_query.mjs and
// testdata/duckdb/node_modules from the working directory upwards.
func findDuckDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("bench query: working directory: %w", err)
	}
	for {
		td := filepath.Join(dir, "testdata")
		if _, err := os.Stat(filepath.Join(td, "bench", duckScript)); err == nil {
			return td, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("bench query: testdata/bench/" + duckScript + " not found above the working directory: run from the source tree or give --duckdb-dir")
		}
		dir = parent
	}
}

// runQueryBench runs the whole benchmark: data, loads, queries, report.
func runQueryBench(ctx context.Context, o queryOptions) (*queryReport, error) {
	path, err := ensureDataFile(o.dataFile, o.data)
	if err != nil {
		return nil, err
	}
	start := o.data.Start
	if start.IsZero() {
		start = tsbs.DefaultStart
	}
	rounds := (o.data.Rows + int64(o.data.Scale) - 1) / int64(o.data.Scale)
	qcfg := tsbsq.Config{Scale: o.data.Scale, Start: start, End: start.Add(time.Duration(rounds) * tsbs.DefaultInterval), Seed: o.querySeed}
	queries := make(map[string][]tsbsq.Query, len(o.types))
	for _, t := range o.types {
		if queries[t], err = tsbsq.Generate(qcfg, t, o.perType); err != nil {
			return nil, err
		}
	}
	rep := &queryReport{DataFile: path, Scale: o.data.Scale, Rows: o.data.Rows, Seed: o.data.Seed, QuerySeed: o.querySeed,
		PerType: o.perType, Types: o.types, Engines: o.engines}

	runDir, err := os.MkdirTemp("", "strata-bench-query-")
	if err != nil {
		return nil, fmt.Errorf("create a directory for the server: %w", err)
	}
	if o.keep {
		rep.KeptDir = runDir
	} else {
		defer os.RemoveAll(runDir)
	}
	st, err := startStrataEngine(ctx, runDir, o, path, rep)
	if err != nil {
		return nil, err
	}
	engines := []queryEngine{st}
	defer func() {
		for _, e := range engines {
			e.close()
		}
	}()
	for _, name := range o.engines[1:] {
		var e queryEngine
		switch name {
		case "duckdb":
			e, err = startDuckEngine(ctx, o, st.dataDir, rep)
		case "postgres":
			e, err = startPostgresEngine(ctx, o, path, rep)
		}
		if err != nil {
			return nil, err
		}
		engines = append(engines, e)
	}
	rep.TimedOrder = o.timedOrder
	if err := measureQueries(ctx, engines, o.types, queries, o.timedOrder == "engine", rep); err != nil {
		return nil, err
	}
	for _, e := range engines {
		if err := e.close(); err != nil {
			return nil, err
		}
	}
	engines = nil
	if o.prof.cpu != "" {
		types := o.prof.types
		if len(types) == 0 {
			types = rep.slowest("strata", 3)
		}
		if err := profileStrata(ctx, runDir, o, types, queries); err != nil {
			return nil, err
		}
		rep.Profile, rep.ProfileTypes = o.prof.cpu, types
	}
	return rep, nil
}

// measureQueries runs every instance on every engine twice: an untimed
// pass whose results are compared with Strata's, then a timed pass. Engines
// take turns per instance, so a noisy moment hits them alike; with
// byEngine each engine runs the type's timed instances back to back, as
// TSBS's runner does, the engines' order turning with the type.
func measureQueries(ctx context.Context, engines []queryEngine, types []string, queries map[string][]tsbsq.Query, byEngine bool, rep *queryReport) error {
	for ti, t := range types {
		began := time.Now()
		tr := typeResult{Type: t, Latency: map[string][]time.Duration{}}
		for i, q := range queries[t] {
			var want *resultSet
			for _, e := range engines {
				_, got, err := e.run(ctx, q.SQL, true)
				if err != nil {
					tr.Errors = append(tr.Errors, queryError{Engine: e.name(), Instance: i, SQL: q.SQL, Err: err.Error()})
					continue
				}
				if want == nil && e.name() == "strata" {
					want = got
					tr.Rows += len(got.rows)
					continue
				}
				if want != nil {
					if diff := compareResults(want, got, q.Ordered); diff != "" {
						tr.Mismatches = append(tr.Mismatches, mismatch{Engine: e.name(), Instance: i, SQL: q.SQL, Diff: diff})
					}
				}
			}
			if byEngine {
				if err := ctx.Err(); err != nil {
					return err
				}
				continue
			}
			for _, e := range engines {
				timeQuery(ctx, e, q, &tr)
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if byEngine {
			for k := range engines {
				e := engines[(ti+k)%len(engines)]
				for _, q := range queries[t] {
					timeQuery(ctx, e, q, &tr)
				}
				if err := ctx.Err(); err != nil {
					return err
				}
			}
		}
		fmt.Fprintf(os.Stderr, "%-22s %d instances on %d engines in %.1fs\n", t, len(queries[t]), len(engines), time.Since(began).Seconds())
		rep.Results = append(rep.Results, tr)
	}
	return nil
}

// timeQuery runs one timed instance on e and records its latency; a
// failure is left out (the untimed pass reported it).
func timeQuery(ctx context.Context, e queryEngine, q tsbsq.Query, tr *typeResult) {
	if d, _, err := e.run(ctx, q.SQL, false); err == nil {
		tr.Latency[e.name()] = append(tr.Latency[e.name()], d)
	}
}
