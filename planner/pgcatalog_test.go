package planner_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/storage"
)

// TestPgCatalog: pg_catalog describes Strata's tables with OIDs that stay
// the same across queries and restarts, and the catalog functions and reg*
// casts clients use resolve against it.
func TestPgCatalog(t *testing.T) {
	dir := t.TempDir()
	open := func() (*storage.Engine, *strataExec) {
		e, err := storage.Open(storage.Options{DataDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		require.NoError(t, err)
		return e, &strataExec{p: &planner.Planner{Engine: e}, sess: &planner.Session{Database: "db", Location: time.UTC, Now: time.Now()}}
	}
	e, x := open()
	ctx := context.Background()
	var p lp.Parser
	res := p.Parse([]byte("cpu,host=a usage=1,n=2i 1451606400000000000\nmem,host=a used=3 1451606400000000000\n"), lp.Options{Precision: lp.Nanosecond})
	require.NoError(t, e.Write(ctx, "db", res.Tables, storage.WriteOptions{}))
	q := func(sql string) [][]any {
		t.Helper()
		r, err := x.Query(ctx, sql)
		require.NoError(t, err, sql)
		return r.Rows
	}
	oid := planner.TableOID("db", "cpu")
	require.Equal(t, [][]any{{"cpu", int64(2200), "r", oid}, {"mem", int64(2200), "r", planner.TableOID("db", "mem")}},
		q("SELECT relname, relnamespace, relkind, oid FROM pg_catalog.pg_class WHERE relnamespace <> 11 ORDER BY relname"))
	require.Equal(t, [][]any{{"pg_class", "r", int64(1259)}, {"pg_roles", "v", int64(12000)}},
		q("SELECT relname, relkind, oid FROM pg_class WHERE relname IN ('pg_class', 'pg_roles') ORDER BY relname"), "the catalogs are relations too")
	require.Equal(t, [][]any{{oid}}, q("SELECT 'cpu'::regclass::oid"))
	require.Equal(t, [][]any{{"pg_class"}}, q("SELECT 'pg_class'::regclass"), "a regclass prints as its name")
	require.Equal(t, [][]any{{int64(1259)}}, q("SELECT 'pg_catalog.pg_class'::regclass::oid"))
	require.Equal(t, [][]any{{int64(1009)}}, q("SELECT '_text'::regtype::oid"), "pgx LoadType's lookup")
	require.Equal(t, [][]any{{"time", "timestamp with time zone", int64(1)}, {"host", "text", int64(2)}, {"usage", "double precision", int64(3)}, {"n", "bigint", int64(4)}},
		q("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnum FROM pg_attribute a WHERE a.attrelid = '"+strconv.FormatInt(oid, 10)+"' AND a.attnum > 0 ORDER BY a.attnum"))
	require.Equal(t, [][]any{{"public", "cpu", "strata"}, {"public", "mem", "strata"}},
		q(`SELECT n.nspname, c.relname, pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c
		   LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		   WHERE c.relkind IN ('r','p','') AND n.nspname <> 'pg_catalog' AND n.nspname !~ '^pg_toast' AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1, 2`))
	require.Equal(t, [][]any{{"int8", int64(20), int64(8)}}, q("SELECT typname, oid, typlen FROM pg_type WHERE oid = 20"), "pg_type rows come from PostgreSQL 15")

	// A correlated scalar subquery without an aggregate: the one row's
	// value, NULL without a row, SQLSTATE 21000 with several.
	require.Equal(t, [][]any{{"cpu", "time"}, {"mem", "time"}},
		q(`SELECT c.relname, (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.atttypid = 1184) FROM pg_class c WHERE c.relnamespace = 2200 ORDER BY 1`))
	require.Equal(t, [][]any{{"cpu", nil}, {"mem", nil}},
		q(`SELECT c.relname, (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.atttypid = 16) FROM pg_class c WHERE c.relnamespace = 2200 ORDER BY 1`))
	_, err := x.Query(ctx, `SELECT c.relname, (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid) FROM pg_class c WHERE c.relnamespace = 2200`)
	require.Error(t, err)
	require.Equal(t, "21000", planner.AsError(err).Code)

	// OIDs survive a restart.
	require.NoError(t, e.Close())
	e, x = open()
	defer e.Close()
	require.Equal(t, [][]any{{oid}}, q("SELECT oid FROM pg_class WHERE relname = 'cpu'"))
}
