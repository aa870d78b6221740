package planner_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
	require.Equal(t, storage.TypeString, cols[1].Type, "INSERT creates fields, never tags")

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

	// A missing time is the statement's time; errors name row and column.
	q("INSERT INTO m3 (n) VALUES (7)")
	require.Equal(t, [][]any{{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), int64(7)}}, q("SELECT time, n FROM m3").Rows)
	_, err = x.Query(ctx, "INSERT INTO m3 (n) VALUES ('seven')")
	require.ErrorContains(t, err, `row 1, column n: invalid input syntax for type bigint: "seven"`)
	_, err = x.Query(ctx, "INSERT INTO m3 (time, n) VALUES (NULL, 1)")
	require.ErrorContains(t, err, "violates not-null constraint")
	_, err = x.Query(ctx, "INSERT INTO nope VALUES (1)")
	require.ErrorContains(t, err, "name the columns to create it")

	// The rows went through the WAL: they survive a restart.
	require.NoError(t, e.Close())
	e, x = open()
	defer e.Close()
	require.Equal(t, [][]any{{int64(2)}}, q("SELECT count(*) FROM m").Rows)
}
