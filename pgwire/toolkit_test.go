package pgwire

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"
)

// TestToolkitParameters: Timescale Toolkit accessors take their method,
// unit and statistics method as bind parameters (pgx sends them through
// the extended protocol), as with the extension; the statement is
// described before the values are known.
func TestToolkitParameters(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := connect(t, s, "db")
	// host a: usage 1.5 at t0, 3.5 at t0+20s (testLP).
	var avg, integral, sd float64
	err := conn.QueryRow(ctx, `SELECT average(time_weight($1, time, usage)), integral(time_weight($1, time, usage), $2), stats_agg(usage) -> stddev($3)
		FROM cpu WHERE host = 'a'`, "LOCF", "minute", "population").Scan(&avg, &integral, &sd)
	require.NoError(t, err)
	require.Equal(t, 1.5, avg)
	require.InDelta(t, 1.5*20/60, integral, 1e-12)
	require.InDelta(t, 1.0, sd, 1e-12)
	err = conn.QueryRow(ctx, `SELECT average(time_weight($1, time, usage)) FROM cpu WHERE host = 'a'`, "linear").Scan(&avg)
	require.NoError(t, err)
	require.Equal(t, 2.5, avg)
	// lttb's resolution as a parameter: host a's two points are both kept.
	var points int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM unnest((SELECT lttb(time, usage, $1) FROM cpu WHERE host = $2))`, 3, "a").Scan(&points)
	require.NoError(t, err)
	require.Equal(t, 2, points)
	_, err = conn.Exec(ctx, `SELECT average(time_weight($1, time, usage)) FROM cpu`, "cubic")
	require.ErrorContains(t, err, `unknown time_weight method "cubic"`)
	_, err = conn.Exec(ctx, `SELECT average(time_weight(host, time, usage)) FROM cpu`)
	require.ErrorContains(t, err, "the method of time_weight must be a constant")
	require.ErrorContains(t, err, "22023")
}

// TestTimescaleSizes: approximate_row_count and hypertable_size of a
// table written once (testLP's three cpu rows, in the write buffer: no
// file yet).
func TestTimescaleSizes(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := connect(t, s, "db")
	var rows, size int64
	require.NoError(t, conn.QueryRow(ctx, `SELECT approximate_row_count('cpu'), hypertable_size('cpu')`).Scan(&rows, &size))
	require.Equal(t, int64(3), rows)
	require.Equal(t, int64(0), size)
	require.NoError(t, s.engine.Persist(ctx))
	require.NoError(t, conn.QueryRow(ctx, `SELECT approximate_row_count('cpu'), hypertable_size('cpu')`).Scan(&rows, &size))
	require.Equal(t, int64(3), rows)
	require.Greater(t, size, int64(0))
}

// TestTimescaleChunks: timescaledb_information.chunks lists a table's day
// partitions; a day with rows still in the write buffer is not compressed
// and has no creation time until its file is written.
func TestTimescaleChunks(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := connect(t, s, "db")
	const q = `SELECT chunk_name LIKE '\_hyper\_%\_19675\_chunk', range_start, is_compressed, chunk_creation_time IS NOT NULL
		FROM timescaledb_information.chunks WHERE hypertable_name = 'cpu'`
	var named, compressed, created bool
	var start time.Time
	require.NoError(t, conn.QueryRow(ctx, q).Scan(&named, &start, &compressed, &created))
	require.True(t, named)
	require.Equal(t, time.Date(2023, 11, 14, 0, 0, 0, 0, time.UTC), start.UTC()) // testLP's day, 19675 days after 1970
	require.False(t, compressed)
	require.True(t, created, "a chunk still buffered was created by its first write")
	require.NoError(t, s.engine.Persist(ctx))
	require.NoError(t, conn.QueryRow(ctx, q).Scan(&named, &start, &compressed, &created))
	require.True(t, compressed)
	require.True(t, created)
	var chunks int
	require.NoError(t, conn.QueryRow(ctx, `SELECT num_chunks FROM timescaledb_information.hypertables WHERE hypertable_name = 'cpu'`).Scan(&chunks))
	require.Equal(t, 1, chunks)
}

// TestShowAndDropChunks: show_chunks and drop_chunks through pgx, which
// prepares (Parse, Describe) before it executes: drop_chunks deletes when
// it runs, once, and returns the chunks it dropped; a statement only
// prepared deletes nothing.
func TestShowAndDropChunks(t *testing.T) {
	// Three days: 2023-11-14 (testLP), 2023-11-15 and 2023-11-17.
	s := startServer(t, "cpu,host=c,region=eu usage=9 1700049600000000000\ncpu,host=c,region=eu usage=8 1700222400000000000\n")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := connect(t, s, "db")
	require.NoError(t, s.engine.Persist(ctx))
	names := func(q string, args ...any) []string {
		t.Helper()
		rows, err := conn.Query(ctx, q, args...)
		require.NoError(t, err)
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		return out
	}
	oid := names(`SELECT show_chunks('cpu')::text`)
	require.Len(t, oid, 3)
	day := func(n string) string { // _timescaledb_internal._hyper_<table>_<day>_chunk
		parts := strings.Split(n, "_")
		return parts[len(parts)-2]
	}
	require.Equal(t, []string{"19675", "19676", "19678"}, []string{day(oid[0]), day(oid[1]), day(oid[2])})
	require.Equal(t, oid[:2], names(`SELECT show_chunks('cpu', older_than => $1::timestamptz)`, time.Date(2023, 11, 16, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, oid[1:], names(`SELECT * FROM show_chunks('cpu', newer_than => DATE '2023-11-15')`))
	require.Equal(t, oid[1:2], names(`SELECT show_chunks('cpu', '2023-11-16 00:00:01+00', '2023-11-15')`), "both: the chunks between")
	require.Equal(t, oid, names(`SELECT show_chunks('cpu', older_than => INTERVAL '1 day')`))

	_, err := conn.Prepare(ctx, "drop", `SELECT drop_chunks('cpu', older_than => $1::timestamptz)`)
	require.NoError(t, err)
	require.Len(t, names(`SELECT show_chunks('cpu')`), 3, "preparing drops nothing")
	require.Equal(t, oid[:2], names("drop", time.Date(2023, 11, 16, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, oid[2:], names(`SELECT show_chunks('cpu')`))
	var n int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM cpu`).Scan(&n))
	require.Equal(t, 1, n, "the rows of the dropped days are gone")
	require.Empty(t, names("drop", time.Date(2023, 11, 16, 0, 0, 0, 0, time.UTC)), "again: nothing left to drop")

	// Subqueries that planning runs would delete at Parse, Describe or
	// EXPLAIN: refused, prepared or not; a CTE runs with the statement.
	for _, q := range []string{
		`SELECT (SELECT count(*) FROM drop_chunks('cpu', older_than => now()))`,
		`WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r, drop_chunks('cpu', older_than => now()) WHERE n < 2) SELECT * FROM r`,
		`EXPLAIN WITH d AS (SELECT * FROM drop_chunks('cpu', older_than => now())) SELECT (SELECT count(*) FROM d)`,
		`WITH d AS (SELECT * FROM drop_chunks('cpu', older_than => now())) SELECT (SELECT count(*) FROM d) a, (SELECT count(*) FROM d) b`,
		`EXPLAIN WITH RECURSIVE d AS (SELECT * FROM drop_chunks('cpu', older_than => now())), r(n) AS (SELECT count(*) FROM d UNION ALL SELECT n + 1 FROM r WHERE n < 2) SELECT * FROM r`,
	} {
		if _, err := conn.Prepare(ctx, "sub", q); err == nil && !strings.HasPrefix(q, "EXPLAIN") {
			t.Errorf("prepared: %s", q) // an EXPLAIN is planned when it runs
		}
		_, err := conn.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol)
		require.ErrorContains(t, err, "drop_chunks in a subquery expression", q)
	}
	for _, q := range []string{ // joins, run when the statement runs: only prepared and explained here
		`EXPLAIN SELECT 1 WHERE EXISTS (SELECT drop_chunks('cpu', older_than => now()))`,
		`EXPLAIN SELECT 1 WHERE 1 IN (SELECT 1 FROM drop_chunks('cpu', older_than => now()))`,
		`EXPLAIN SELECT x FROM generate_series(1, 2) x WHERE x IN (SELECT 1 FROM drop_chunks('cpu', older_than => now()))`,
	} {
		_, _ = conn.Prepare(ctx, "sub", q)
		_, _ = conn.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol)
	}
	require.Equal(t, oid[2:], names(`SELECT show_chunks('cpu')`), "nothing dropped by them")
	require.NoError(t, conn.QueryRow(ctx, `WITH d AS (SELECT * FROM drop_chunks('cpu', newer_than => $1::date)) SELECT count(*) FROM d`, "2023-11-17").Scan(&n))
	require.Equal(t, 1, n)
	require.Empty(t, names(`SELECT show_chunks('cpu')`))

	for q, msg := range map[string]string{
		`SELECT drop_chunks('cpu')`:                                                                     "invalid time range for dropping chunks",
		`SELECT show_chunks('cpu', older_than => 5)`:                                                    `invalid time argument type "integer" for older_than`,
		`SELECT show_chunks('cpu', older_than => now(), newer_than => now())`:                           "invalid time range",
		`SELECT show_chunks('cpu', older_than => now(), created_before => now())`:                       "cannot specify older_than or newer_than together with created_before or created_after",
		`SELECT show_chunks('cpu', created_before => now() - interval '1 day', created_after => now())`: "invalid time range",
		`SELECT show_chunks('pg_class')`:                                                                "is not a hypertable",
		`SELECT show_chunks('nope')`:                                                                    `relation "nope" does not exist`,
	} {
		_, err := conn.Exec(ctx, q)
		require.ErrorContains(t, err, msg, q)
	}
}

// TestAgePlanNotKept: age(x) reads today's date, folded into the plan, so
// a prepared statement holding it plans at every Bind though its text
// names no clock word; one without it keeps its plan.
func TestAgePlanNotKept(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	run := func(stmt string) []string {
		t.Helper()
		return r.rows(&pgproto3.Bind{PreparedStatement: stmt}, &pgproto3.Execute{}, &pgproto3.Sync{})
	}
	r.prepare("age", "SELECT extract(epoch FROM age(make_date(2000, 1, 1))) > 0 AS old")
	reused := s.srv.PlansReused()
	for range 3 {
		require.Equal(t, []string{"t"}, run("age"))
	}
	require.LessOrEqual(t, s.srv.PlansReused(), reused+1, "only the Bind right after Parse may use Parse's plan")
	r.prepare("plain", "SELECT extract(year FROM make_date(2024, 5, 1)) AS y")
	reused = s.srv.PlansReused()
	for range 3 {
		require.Equal(t, []string{"2024"}, run("plain"))
	}
	require.Equal(t, reused+3, s.srv.PlansReused())
}

// TestRuntimeArrays: ARRAY[...] of columns and percentile_cont over an
// array of fractions reach pgx as their array types, binary included.
func TestRuntimeArrays(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := connect(t, s, "db")
	var pct []float64
	var ints []int32
	var texts []string
	require.NoError(t, conn.QueryRow(ctx, `SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY x), ARRAY[min(x), max(x)], ARRAY[min(x)::text, 'a b']
		FROM generate_series(1, 10) x`).Scan(&pct, &ints, &texts))
	require.Equal(t, []float64{5.5, 9.1}, pct)
	require.Equal(t, []int32{1, 10}, ints)
	require.Equal(t, []string{"1", "a b"}, texts)
	var none []float64
	require.NoError(t, conn.QueryRow(ctx, `SELECT percentile_cont(ARRAY[0.5]) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 10) x WHERE x > 10`).Scan(&none))
	require.Nil(t, none, "no values: NULL, not an array of NULLs")
}
