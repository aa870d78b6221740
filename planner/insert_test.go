package planner_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/planner/slt"
	"github.com/stratadb/strata/storage"
)

func TestInsert(t *testing.T) {
	dir := t.TempDir()
	open := func() (*storage.Engine, *strataExec) {
		e, err := storage.Open(storage.Options{DataDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		require.NoError(t, err)
		return e, &strataExec{p: &planner.Planner{Engine: e}, sess: &planner.Session{Database: "db", Location: time.UTC, Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}}
	}
	e, x := open()
	ctx := context.Background()
	q := func(sql string) *slt.Result {
		t.Helper()
		res, err := x.Query(ctx, sql)
		require.NoError(t, err, sql)
		return res
	}
	res := q("INSERT INTO m (time, host, v, ok) VALUES ('2016-01-01T00:00:00Z', 'a', 1.5, true), ('2016-01-01T00:00:10Z', 'b', 2, NULL)")
	require.Equal(t, [][]any{{int64(2)}}, res.Rows)
	require.Equal(t, [][]any{{"a", 1.5, true}, {"b", 2.0, nil}}, q("SELECT host, v, ok FROM m ORDER BY time").Rows,
		"new columns are fields typed by their values; 2 goes into the float column")

	cols, err := e.TableSchema("db", "m")
	require.NoError(t, err)
	require.Equal(t, storage.TypeTag, cols[1].Type, "in a new table text columns are tags")
	require.Equal(t, storage.TypeFloat, cols[2].Type)

	// A tag made by line protocol stays a tag when INSERT writes it.
	var p lp.Parser
	lpRes := p.Parse([]byte("cpu,host=a usage=1 1451606400000000000\n"), lp.Options{Precision: lp.Nanosecond})
	require.NoError(t, e.Write(ctx, "db", lpRes.Tables, storage.WriteOptions{}))
	q("INSERT INTO cpu (time, host, usage) VALUES ('2016-01-01T00:00:10Z', 'b', 2)")
	require.Equal(t, [][]any{{"a", 1.0}, {"b", 2.0}}, q("SELECT host, usage FROM cpu WHERE host IN ('a', 'b') ORDER BY time").Rows)
	cols, err = e.TableSchema("db", "cpu")
	require.NoError(t, err)
	require.Equal(t, storage.TypeTag, cols[1].Type)

	// INSERT ... SELECT, and the later write wins per field on the same key.
	q("INSERT INTO m2 (time, v) SELECT time, v * 10 FROM m")
	require.Equal(t, [][]any{{15.0}, {20.0}}, q("SELECT v FROM m2 ORDER BY time").Rows)
	q("INSERT INTO m2 (time, v) VALUES ('2016-01-01T00:00:00Z', 99)")
	require.Equal(t, [][]any{{99.0}, {20.0}}, q("SELECT v FROM m2 ORDER BY time").Rows)

	// A date or a timestamp (without time zone) written into text is its
	// reading, as PostgreSQL's assignment writes it, from VALUES and from
	// a query; a date into a number is refused naming the date.
	q("INSERT INTO wallclock (time, host, s) VALUES ('2016-01-01', 'a', 'x')")
	q("INSERT INTO wallclock (time, host, s) VALUES ('2016-01-02', 'a', '2020-01-01'::date), ('2016-01-03', 'a', '2020-01-01 10:00'::timestamp), ('2016-01-04', 'a', timestamptz '2020-01-01 10:00+00')")
	q("INSERT INTO wallclock (time, host, s) SELECT time + interval '10 days', host, time::date FROM wallclock WHERE time = '2016-01-02'")
	require.Equal(t, [][]any{{"x"}, {"2020-01-01"}, {"2020-01-01 10:00:00"}, {"2020-01-01 10:00:00+00"}, {"2016-01-02"}}, q("SELECT s FROM wallclock ORDER BY time").Rows)
	q("INSERT INTO wallclock (time, f) VALUES ('2016-01-01', 1.5)")
	_, err = x.Query(ctx, "INSERT INTO wallclock (time, f) VALUES ('2016-01-05', '2020-01-01'::date)")
	require.ErrorContains(t, err, "expression is of type date")

	// VALUES computes what folding leaves (CASE, IN lists, random()).
	q("INSERT INTO computed (time, host, n, b) VALUES ('2016-01-01', 'a', CASE WHEN 1 < 2 THEN 1 END, 1 IN (1, 2)), ('2016-01-02', 'a', CASE WHEN random() < 2 THEN 5 ELSE 6 END, 3 IN (1, 2))")
	require.Equal(t, [][]any{{int64(1), true}, {int64(5), false}}, q("SELECT n, b FROM computed ORDER BY time").Rows)
	_, err = x.Query(ctx, "INSERT INTO computed (time, n) VALUES ('2016-01-03', CASE WHEN random() < 2 THEN 1 / 0 END)")
	require.ErrorContains(t, err, "division by zero")

	// A missing time is the statement's time; errors name row and column.
	q("INSERT INTO m3 (n) VALUES (7)")
	require.Equal(t, [][]any{{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), int64(7)}}, q("SELECT time, n FROM m3").Rows)
	_, err = x.Query(ctx, "INSERT INTO m3 (n) VALUES ('seven')")
	require.ErrorContains(t, err, `row 1, column n: invalid input syntax for type bigint: "seven"`)
	_, err = x.Query(ctx, "INSERT INTO m3 (time, n) VALUES (NULL, 1)")
	require.ErrorContains(t, err, "violates not-null constraint")
	_, err = x.Query(ctx, "INSERT INTO nope VALUES (1)")
	require.ErrorContains(t, err, "name the columns to create it")

	// Rows that tags tell apart stay apart; rows that would merge are
	// refused, and nothing is written.
	q("INSERT INTO r (time, sensor, v) VALUES ('2016-01-01T00:00:00Z', 's1', 1), ('2016-01-01T00:00:00Z', 's2', 2)")
	require.Equal(t, [][]any{{"s1", int64(1)}, {"s2", int64(2)}}, q("SELECT sensor, v FROM r ORDER BY sensor").Rows)
	_, err = x.Query(ctx, "INSERT INTO r (time, sensor, v) VALUES ('2016-01-01T00:01:00Z', 's1', 3), ('2016-01-01T00:02:00Z', 's1', 4), ('2016-01-01T00:01:00Z', 's1', 5)")
	require.ErrorContains(t, err, "rows 1 and 3 of the INSERT have the same time and tags")
	require.ErrorContains(t, err, "(sensor)")
	_, err = x.Query(ctx, "INSERT INTO m3 (time, n) VALUES ('2016-01-01T00:00:00Z', 1), ('2016-01-01T00:00:00Z', 2)")
	require.ErrorContains(t, err, "the table has no tags")
	require.Equal(t, [][]any{{int64(2)}}, q("SELECT count(*) FROM r").Rows)

	// A new column is typed by all its values; a numeric rounds half away
	// from zero into an integer column; booleans and numbers do not mix.
	q("INSERT INTO t9 (time, a) VALUES ('2016-01-01T00:00:00Z', 1), ('2016-01-01T00:00:01Z', 1.5), ('2016-01-01T00:00:02Z', '2.7')")
	require.Equal(t, [][]any{{1.0}, {1.5}, {2.7}}, q("SELECT a FROM t9 ORDER BY time").Rows)
	q("INSERT INTO m3 (time, n) VALUES ('2016-01-02T00:00:00Z', 2.5), ('2016-01-02T00:00:01Z', -2.5), ('2016-01-02T00:00:02Z', 2.4)")
	require.Equal(t, [][]any{{int64(3)}, {int64(-3)}, {int64(2)}}, q("SELECT n FROM m3 WHERE time >= '2016-01-02' AND time < '2017-01-01' ORDER BY time").Rows)
	for _, tt := range []struct{ sql, err string }{
		{"INSERT INTO m3 (time, n) VALUES ('2016-01-03T00:00:00Z', true)", `column "n" is of type bigint but expression is of type boolean (row 1)`},
		{"INSERT INTO m (time, ok) VALUES ('2016-01-03T00:00:00Z', 1)", `column "ok" is of type boolean but expression is of type bigint (row 1)`},
		{"INSERT INTO t10 (time, a) VALUES ('2016-01-03T00:00:00Z', 1), ('2016-01-03T00:00:01Z', true)", `column "a": VALUES types bigint and boolean cannot be matched`},
		{"INSERT INTO t10 (time, a) VALUES ('2016-01-03T00:00:00Z', DATE '2016-01-01')", `column "a": a new column cannot hold date values`},
		{"INSERT INTO t10 (time, a) VALUES ('2016-01-03T00:00:00Z', interval '1 day')", `column "a": a new column cannot hold interval values`},
		{"INSERT INTO t10 (time, a) VALUES (1451606400, 1)", `column "time" is of type timestamp with time zone but expression is of type bigint (row 1)`},
		{"INSERT INTO t10 (time, a) VALUES ('2016-01-03T00:00:00Z', 1, 2)", "INSERT has more expressions than target columns (row 1)"},
		{"INSERT INTO t10 (time, a, b) SELECT time, v FROM m WHERE false", "INSERT has more target columns than expressions"},
		{"INSERT INTO pg_class (relname) VALUES ('x')", "permission denied for table pg_class"},
		{"INSERT INTO information_schema.tables (table_name) VALUES ('x')", `cannot insert into view "tables"`},
		{"INSERT INTO system.queries (query) VALUES ('x')", `cannot insert into view "queries"`},
		{"INSERT INTO timescaledb_information.chunks (time, x) VALUES ('2016-01-03T00:00:00Z', 1)", `cannot insert into view "chunks"`},
		{"INSERT INTO pg_catalog.foo (time, x) VALUES ('2016-01-03T00:00:00Z', 1)", "permission denied for table foo"},
		{"INSERT INTO nosuch.foo (time, x) VALUES ('2016-01-03T00:00:00Z', 1)", `relation "nosuch.foo" does not exist`},
		{"INSERT INTO m3 (time, n) SELECT time, v::text FROM m", `column "n" is of type bigint but expression is of type text (row 1)`},
		{"INSERT INTO m3 (time, n) VALUES ('2016-01-03'::text, 1)", `column "time" is of type timestamp with time zone but expression is of type text`},
	} {
		_, err = x.Query(ctx, tt.sql)
		require.ErrorContains(t, err, tt.err, tt.sql)
	}
	_, err = e.TableSchema("db", "t10")
	require.Error(t, err, "no failed INSERT created its table")
	_, err = e.TableSchema("db", "foo")
	require.Error(t, err)
	_, err = x.Query(ctx, "INSERT INTO m3 (time, n) VALUES ('2016-01-03T00:00:00Z', 'x')")
	require.Equal(t, "22P02", planner.AsError(err).Code, "bad input keeps its own SQLSTATE: %v", err)

	// INSERT ... SELECT into a new table keeps tags tags and text fields
	// fields; a quoted literal in the select list takes the column's type.
	q("INSERT INTO cpu (time, host, usage, note) VALUES ('2016-01-01T00:00:20Z', 'c', 3, 'hi')")
	q("INSERT INTO cpu2 (time, host, note, usage, k) SELECT time, host, note, usage, '7' FROM cpu WHERE note IS NOT NULL")
	cols, err = e.TableSchema("db", "cpu2")
	require.NoError(t, err)
	kinds := map[string]storage.ColumnType{}
	for _, c := range cols {
		kinds[c.Name] = c.Type
	}
	require.Equal(t, map[string]storage.ColumnType{"time": storage.TypeTime, "host": storage.TypeTag, "note": storage.TypeString, "usage": storage.TypeFloat, "k": storage.TypeTag}, kinds)
	// Computed text is a tag too (a rollup's derived dimension): two hosts'
	// rows at one time are two series, not a duplicate.
	q("INSERT INTO cpu (time, host, usage) VALUES ('2016-01-01T00:00:20Z', 'd', 4)")
	q("INSERT INTO cpu3 (time, region, usage) SELECT time, upper(host) || '-x', usage FROM cpu WHERE time = '2016-01-01T00:00:20Z'")
	cols, err = e.TableSchema("db", "cpu3")
	require.NoError(t, err)
	for _, c := range cols {
		kinds[c.Name] = c.Type
	}
	require.Equal(t, storage.TypeTag, kinds["region"])
	require.Equal(t, [][]any{{"C-x", 3.0}, {"D-x", 4.0}}, q("SELECT region, usage FROM cpu3 ORDER BY region").Rows)

	// A new column of NULLs only is not made until a value types it.
	q("INSERT INTO m6 (time, a, b) VALUES ('2016-01-01T00:00:00Z', 1, NULL)")
	cols, err = e.TableSchema("db", "m6")
	require.NoError(t, err)
	require.Len(t, cols, 2)
	q("INSERT INTO m6 (time, a, b) VALUES ('2016-01-01T00:00:01Z', 2, 'x')")
	require.Equal(t, [][]any{{nil}, {"x"}}, q("SELECT b FROM m6 ORDER BY time").Rows)
	// Without a column list, fewer values fill the first columns (the rest
	// NULL); DEFAULT is NULL, or the statement's time for time.
	q("INSERT INTO m6 VALUES ('2016-01-01T00:00:02Z', 3)")
	q("INSERT INTO m6 (time, a, b) VALUES ('2016-01-01T00:00:03Z', DEFAULT, 'y'), (DEFAULT, 9, DEFAULT)")
	require.Equal(t, [][]any{{int64(3), nil}, {nil, "y"}}, q("SELECT a, b FROM m6 WHERE time IN ('2016-01-01T00:00:02Z', '2016-01-01T00:00:03Z') ORDER BY time").Rows)
	require.Equal(t, [][]any{{int64(1)}}, q("SELECT count(*) FROM m6 WHERE a = 9 AND time > now() - interval '1 hour'").Rows)

	// WITH ... INSERT, as PostgreSQL writes it.
	q("WITH w AS (SELECT time, v FROM m WHERE v > 1.6) INSERT INTO m4 (time, v) SELECT time, v * 2 FROM w")
	require.Equal(t, [][]any{{4.0}}, q("SELECT v FROM m4").Rows)
	q("WITH RECURSIVE w(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM w WHERE n < 3) INSERT INTO m5 (time, n) (SELECT timestamptz '2016-01-01' + n * interval '1 minute', n FROM w)")
	require.Equal(t, [][]any{{int64(3)}}, q("SELECT count(*) FROM m5").Rows)

	// The rows went through the WAL: they survive a restart.
	require.NoError(t, e.Close())
	e, x = open()
	defer e.Close()
	require.Equal(t, [][]any{{int64(2)}}, q("SELECT count(*) FROM m").Rows)
}

// TestTagAbsentFromSomeWrites: a tag that some writes (and so some
// partitions, buffered or persisted) do not have reads as NULL there, and
// filters, grouping, joins and functions over it work (a filter on it
// panicked: the missing column's dictionary was empty).
func TestTagAbsentFromSomeWrites(t *testing.T) {
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	defer e.Close()
	x := &strataExec{p: &planner.Planner{Engine: e}, sess: &planner.Session{Database: "db", Location: time.UTC, Now: time.Now()}}
	ctx := context.Background()
	var p lp.Parser
	for _, line := range []string{"m,h=a v=1 1704067200000000000\n", "m v=2 1704153600000000000\n", "m v=3 1704240000000000000\n"} {
		res := p.Parse([]byte(line), lp.Options{Precision: lp.Nanosecond})
		require.NoError(t, e.Write(ctx, "db", res.Tables, storage.WriteOptions{}))
	}
	check := func() {
		t.Helper()
		for q, want := range map[string][][]any{
			"SELECT v FROM m WHERE h = 'a'":                              {{1.0}},
			"SELECT count(*) FROM m WHERE h IS NULL":                     {{int64(2)}},
			"SELECT h, count(*) FROM m GROUP BY h ORDER BY h":            {{"a", int64(1)}, {nil, int64(2)}},
			"SELECT count(*) FROM m WHERE upper(h) = 'A' OR h <> 'a'":    {{int64(1)}},
			"SELECT v FROM m WHERE h IS NULL ORDER BY h, v DESC LIMIT 1": {{3.0}},
		} {
			res, err := x.Query(ctx, q)
			require.NoError(t, err, q)
			require.Equal(t, want, res.Rows, q)
		}
	}
	check()
	require.NoError(t, e.Persist(ctx))
	check()
	_, err = e.Compact(ctx, true)
	require.NoError(t, err)
	check()

	// A panic's message does not choose the SQLSTATE ("index out of
	// range" read as 22003 before).
	require.Equal(t, "XX000", planner.AsError(fmt.Errorf("%w in a query worker: runtime error: index out of range [0] with length 0", exec.ErrInternal)).Code)
}
