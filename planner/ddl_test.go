package planner_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// TestDropTableAndTruncate: TRUNCATE empties tables and keeps their
// columns; DROP TABLE deletes them; both find every table named before
// changing any (one missing changes nothing); DROP TABLE IF EXISTS skips
// missing tables and schemas with PostgreSQL's notices; the errors are
// PostgreSQL's.
func TestDropTableAndTruncate(t *testing.T) {
	_, e, p, sess, x := openRewriteTest(t)
	ctx := context.Background()
	var lpp lp.Parser
	res := lpp.Parse([]byte("a,host=h v=1 10\nb,host=h v=2 10\nc,host=h v=3 10\nd,host=h w=4i 10\n"), lp.Options{Precision: lp.Nanosecond})
	require.NoError(t, e.Write(ctx, "db", res.Tables, storage.WriteOptions{}))
	require.NoError(t, e.Persist(ctx))
	res = lpp.Parse([]byte("a,host=g v=5 20\n"), lp.Options{Precision: lp.Nanosecond})
	require.NoError(t, e.Write(ctx, "db", res.Tables, storage.WriteOptions{}))
	rows := x.rowsOf(t)
	run := func(q string) ([]string, error) {
		t.Helper()
		stmts, err := sql.Parse(q)
		require.NoError(t, err, q)
		return p.RunDDL(ctx, sess, stmts[0])
	}
	tables := func() []any {
		t.Helper()
		var names []any
		for _, r := range rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1") {
			names = append(names, r[0])
		}
		return names
	}

	// One missing table: nothing is emptied or dropped.
	_, err := run("TRUNCATE a, nosuch")
	require.Equal(t, planner.CodeUndefinedTable, planner.AsError(err).Code)
	require.Equal(t, `relation "nosuch" does not exist`, planner.AsError(err).Msg)
	require.Equal(t, [][]any{{int64(2)}}, rows("SELECT count(*) FROM a"))
	_, err = run("DROP TABLE b, nosuch")
	require.Equal(t, `table "nosuch" does not exist`, planner.AsError(err).Msg)
	require.Equal(t, []any{"a", "b", "c", "d"}, tables())

	// TRUNCATE: the buffered row and the file's go; the columns stay.
	notices, err := run("TRUNCATE TABLE ONLY a, public.a")
	require.NoError(t, err)
	require.Empty(t, notices)
	require.Equal(t, [][]any{{int64(0)}}, rows("SELECT count(*) FROM a"))
	r, err := x.Query(ctx, "SELECT host, v FROM a")
	require.NoError(t, err)
	require.Len(t, r.Columns, 2)
	require.Equal(t, "host", r.Columns[0].Name)
	require.Equal(t, "v", r.Columns[1].Name)
	require.NoError(t, e.Write(ctx, "db", lpp.Parse([]byte("a,host=k v=6 30\n"), lp.Options{Precision: lp.Nanosecond}).Tables, storage.WriteOptions{}))
	require.Equal(t, [][]any{{"k", 6.0}}, rows("SELECT host, v FROM a"), "rows written after TRUNCATE stay")

	// DROP TABLE IF EXISTS: missing tables and schemas are skipped.
	notices, err = run(`DROP TABLE IF EXISTS b, nosuch, foo.bar, "c", c`)
	require.NoError(t, err)
	require.Equal(t, []string{`table "nosuch" does not exist, skipping`, `schema "foo" does not exist, skipping`}, notices)
	require.Equal(t, []any{"a", "d"}, tables())
	_, err = x.Query(ctx, "SELECT * FROM b")
	require.Equal(t, planner.CodeUndefinedTable, planner.AsError(err).Code)

	// The name again: a new table, with the types its first write gives.
	require.NoError(t, e.Write(ctx, "db", lpp.Parse([]byte("b,site=s v=\"text now\" 40\n"), lp.Options{Precision: lp.Nanosecond}).Tables, storage.WriteOptions{}))
	require.Equal(t, [][]any{{"s", "text now"}}, rows("SELECT site, v FROM b"))

	// Through Run (the HTTP API and the CLI): a count of 0.
	r, err = x.Query(ctx, "DROP TABLE d")
	require.NoError(t, err)
	require.Equal(t, [][]any{{int64(0)}}, r.Rows)

	x.requireCodes(t, map[string]string{
		"DROP TABLE nosuch":                         "42P01",
		"DROP TABLE foo.a":                          "3F000",
		"TRUNCATE foo.a":                            "3F000",
		"TRUNCATE pg_class":                         "42501",
		"DROP TABLE pg_catalog.pg_class":            "42501",
		"DROP TABLE information_schema.tables":      "42809",
		"TRUNCATE information_schema.columns":       "42809",
		"DROP TABLE other.public.a":                 "0A000",
		"DROP TABLE IF EXISTS information_schema.x": "42809",
	})
	require.Equal(t, []any{"a", "b"}, tables(), "no failed statement dropped anything")

	// No parameters, no result columns.
	stmts, err := sql.Parse("TRUNCATE a")
	require.NoError(t, err)
	cols, params, err := p.Describe(ctx, sess, stmts[0])
	require.NoError(t, err)
	require.Empty(t, cols)
	require.Empty(t, params)
}
