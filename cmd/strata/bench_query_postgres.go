package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stratadb/strata/cmd/strata/internal/tsbs"
	"github.com/stratadb/strata/planner/slt"
)

// postgresEngine is a throwaway PostgreSQL 15 cluster holding the same rows
// in a plain table, queried over one pgx connection as TSBS's TimescaleDB
// runner does (extended protocol, prepared statements, rows drained).
type postgresEngine struct {
	srv  *slt.PostgresServer
	conn *pgx.Conn
}

// pgTimeBucket gives plain PostgreSQL TimescaleDB's time_bucket(interval,
// timestamptz) with its default origin, through the built-in date_bin.
// A one-statement SQL function is inlined by the planner.
const pgTimeBucket = `CREATE FUNCTION time_bucket(bucket interval, ts timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT date_bin(bucket, ts, TIMESTAMPTZ '2000-01-03 00:00:00+00') $$`

func startPostgresEngine(ctx context.Context, o queryOptions, path string, rep *queryReport) (*postgresEngine, error) {
	srv, err := slt.StartPostgres(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	e := &postgresEngine{srv: srv}
	ok := false
	defer func() {
		if !ok {
			e.close()
		}
	}()
	if e.conn, err = pgx.Connect(ctx, srv.DSN); err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	var version string
	if err := e.conn.QueryRow(ctx, "SHOW server_version").Scan(&version); err != nil {
		return nil, fmt.Errorf("postgres: version: %w", err)
	}
	fieldType := "double precision"
	if !o.pgFloat {
		fieldType = "bigint"
	}
	cols := []string{"time timestamptz NOT NULL"}
	for _, k := range tsbs.TagKeys {
		cols = append(cols, k+" text")
	}
	for _, k := range tsbs.FieldKeys {
		cols = append(cols, k+" "+fieldType)
	}
	for _, stmt := range []string{pgTimeBucket, "CREATE TABLE cpu (" + strings.Join(cols, ", ") + ")"} {
		if _, err := e.conn.Exec(ctx, stmt); err != nil {
			return nil, fmt.Errorf("postgres: %s: %w", firstLine(stmt), err)
		}
	}
	began := time.Now()
	n, err := copyLineProtocol(ctx, e.conn, path, o.pgFloat)
	if err != nil {
		return nil, err
	}
	// The indexes TSBS's TimescaleDB loader creates with the hostname in
	// the table (--in-table-partition-tag): (hostname, time DESC) and the
	// hypertable's (time DESC).
	for _, stmt := range []string{
		"CREATE INDEX cpu_hostname_time_idx ON cpu (hostname, time DESC)",
		"CREATE INDEX cpu_time_idx ON cpu (time DESC)",
		"VACUUM ANALYZE cpu",
	} {
		if _, err := e.conn.Exec(ctx, stmt); err != nil {
			return nil, fmt.Errorf("postgres: %s: %w", stmt, err)
		}
	}
	if !o.pgJIT {
		if _, err := e.conn.Exec(ctx, "SET jit = off"); err != nil {
			return nil, fmt.Errorf("postgres: set jit: %w", err)
		}
	}
	jit := "jit off"
	if o.pgJIT {
		jit = "jit as configured"
	}
	rep.Postgres = fmt.Sprintf("PostgreSQL %s (plain table, usage_* %s, indexes (hostname, time DESC) and (time DESC), %s, time_bucket via date_bin)", version, fieldType, jit)
	rep.Loads = append(rep.Loads, engineLoad{Engine: "postgres", Took: time.Since(began), Rows: n, How: "COPY (binary, pgx), CREATE INDEX ×2, VACUUM ANALYZE"})
	ok = true
	return e, nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func (e *postgresEngine) name() string { return "postgres" }

func (e *postgresEngine) run(ctx context.Context, sql string, collect bool) (time.Duration, *resultSet, error) {
	return runPgx(ctx, e.conn, "postgres", sql, collect)
}

// runPgx runs one query over a pgx connection the way TSBS's TimescaleDB
// runner does (pgx's default: prepared and cached per SQL text, binary
// results) and drains the rows; with collect it returns them normalized.
func runPgx(ctx context.Context, conn *pgx.Conn, engine, sql string, collect bool) (time.Duration, *resultSet, error) {
	began := time.Now()
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", engine, err)
	}
	var rs *resultSet
	if collect {
		rs = &resultSet{}
		for _, f := range rows.FieldDescriptions() {
			rs.cols = append(rs.cols, f.Name)
		}
	}
	for rows.Next() {
		if !collect {
			continue
		}
		vals, err := rows.Values()
		if err != nil {
			rows.Close()
			return 0, nil, fmt.Errorf("%s: decode row: %w", engine, err)
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			row[i] = normAny(v)
		}
		rs.rows = append(rs.rows, row)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("%s: %w", engine, err)
	}
	return time.Since(began), rs, nil
}

func (e *postgresEngine) close() error {
	if e.srv == nil {
		return nil
	}
	if e.conn != nil {
		e.conn.Close(context.Background())
	}
	err := e.srv.Stop()
	e.srv = nil
	return err
}

// copyLineProtocol COPYs the cpu rows of a TSBS line-protocol file into the
// table cpu and returns the row count.
func copyLineProtocol(ctx context.Context, conn *pgx.Conn, path string, float bool) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("postgres: open data: %w", err)
	}
	defer f.Close()
	cols := append([]string{"time"}, tsbs.TagKeys[:]...)
	cols = append(cols, tsbs.FieldKeys[:]...)
	src := &lpSource{sc: bufio.NewScanner(f), float: float, vals: make([]any, len(cols))}
	src.sc.Buffer(make([]byte, 64<<10), 1<<20)
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"cpu"}, cols, src)
	if err != nil {
		return n, fmt.Errorf("postgres: copy: %w", err)
	}
	return n, nil
}

// lpSource turns TSBS cpu lines into COPY rows: time, the 10 tags, the 10
// fields (as float64 or int64).
type lpSource struct {
	sc    *bufio.Scanner
	float bool
	vals  []any
	line  int
	err   error
}

func (s *lpSource) Next() bool {
	for s.sc.Scan() {
		s.line++
		if len(bytes.TrimSpace(s.sc.Bytes())) == 0 {
			continue
		}
		if err := parseCPULine(s.sc.Bytes(), s.float, s.vals); err != nil {
			s.err = fmt.Errorf("line %d: %w", s.line, err)
			return false
		}
		return true
	}
	s.err = s.sc.Err()
	return false
}

func (s *lpSource) Values() ([]any, error) { return s.vals, nil }
func (s *lpSource) Err() error             { return s.err }

// parseCPULine parses one TSBS cpu line (no escapes, tags and fields in the
// generator's order) into vals: time, TagKeys, FieldKeys.
func parseCPULine(line []byte, float bool, vals []any) error {
	head, rest, ok := bytes.Cut(line, []byte{' '})
	fields, ts, ok2 := bytes.Cut(rest, []byte{' '})
	if !ok || !ok2 {
		return fmt.Errorf("want measurement+tags, fields and a timestamp: %.60q", line)
	}
	tags := bytes.Split(head, []byte{','})
	if len(tags) != 1+len(tsbs.TagKeys) || string(tags[0]) != tsbs.Measurement {
		return fmt.Errorf("want %s and %d tags: %.60q", tsbs.Measurement, len(tsbs.TagKeys), head)
	}
	for i, kv := range tags[1:] {
		k, v, _ := bytes.Cut(kv, []byte{'='})
		if string(k) != tsbs.TagKeys[i] {
			return fmt.Errorf("tag %d is %q, want %q", i+1, k, tsbs.TagKeys[i])
		}
		vals[1+i] = string(v)
	}
	fs := bytes.Split(fields, []byte{','})
	if len(fs) != len(tsbs.FieldKeys) {
		return fmt.Errorf("%d fields, want %d", len(fs), len(tsbs.FieldKeys))
	}
	for i, kv := range fs {
		k, v, _ := bytes.Cut(kv, []byte{'='})
		if string(k) != tsbs.FieldKeys[i] {
			return fmt.Errorf("field %d is %q, want %q", i+1, k, tsbs.FieldKeys[i])
		}
		n, err := strconv.ParseInt(string(bytes.TrimSuffix(v, []byte{'i'})), 10, 64)
		if err != nil {
			return fmt.Errorf("field %s: %w", k, err)
		}
		if float {
			vals[1+len(tsbs.TagKeys)+i] = float64(n)
		} else {
			vals[1+len(tsbs.TagKeys)+i] = n
		}
	}
	ns, err := strconv.ParseInt(string(bytes.TrimSpace(ts)), 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	vals[0] = time.Unix(0, ns).UTC()
	return nil
}
