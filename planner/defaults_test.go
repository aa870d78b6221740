package planner_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestColumnDefaults: a column's DEFAULT fills what an INSERT leaves out
// (VALUES, no column list, INSERT ... SELECT, the DEFAULT keyword, the
// row ON CONFLICT DO UPDATE sees as EXCLUDED) and UPDATE ... SET c =
// DEFAULT; a volatile default is computed per row; ALTER COLUMN SET and
// DROP DEFAULT change what later rows take; the catalogs show it; it
// survives a restart; PostgreSQL's errors. The values are PostgreSQL
// 15's for the same statements.
func TestColumnDefaults(t *testing.T) {
	dir, e, _, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	rows("CREATE TABLE d (time timestamptz NOT NULL, host text DEFAULT 'h0', status text DEFAULT 'ok', n bigint DEFAULT 2 * 21, " +
		"f double precision DEFAULT '1.5', r double precision DEFAULT random(), PRIMARY KEY (time, host))")
	rows("INSERT INTO d (time) VALUES ('2024-01-01 00:00+00')")
	rows("INSERT INTO d (time, host, n) VALUES ('2024-01-01 00:01+00', 'h1', 7)")
	rows("INSERT INTO d VALUES ('2024-01-01 00:02+00', 'h2')")
	rows("INSERT INTO d VALUES ('2024-01-01 00:03+00', DEFAULT, DEFAULT, DEFAULT, 9.5)")
	rows("INSERT INTO d (time, host, status) SELECT time + interval '1 hour', host, 'copied' FROM d WHERE host = 'h1'")
	q := "SELECT extract(epoch FROM time)::int % 86400 / 60, host, status, n, f FROM d ORDER BY time"
	require.Equal(t, [][]any{
		{int64(0), "h0", "ok", int64(42), 1.5},
		{int64(1), "h1", "ok", int64(7), 1.5},
		{int64(2), "h2", "ok", int64(42), 1.5},
		{int64(3), "h0", "ok", int64(42), 9.5},
		{int64(61), "h1", "copied", int64(42), 1.5},
	}, rows(q))
	require.Equal(t, [][]any{{int64(5), int64(5)}}, rows("SELECT count(DISTINCT r), count(*) FROM d WHERE r >= 0 AND r < 1"), "random() per row")

	rows("INSERT INTO d (time, host, n) VALUES ('2024-01-01 00:01+00', 'h1', 8) ON CONFLICT (time, host) DO UPDATE SET status = EXCLUDED.status || '!', n = EXCLUDED.n")
	rows("UPDATE d SET n = 1, status = 'x' WHERE host = 'h2'")
	rows("UPDATE d SET n = DEFAULT, status = DEFAULT WHERE host = 'h2'")
	require.Equal(t, [][]any{{"h1", "ok!", int64(8)}, {"h2", "ok", int64(42)}}, rows("SELECT host, status, n FROM d WHERE time IN ('2024-01-01 00:01+00', '2024-01-01 00:02+00') ORDER BY time"))

	rows("ALTER TABLE d ALTER COLUMN n SET DEFAULT 100, ALTER status DROP DEFAULT")
	rows("INSERT INTO d (time, host) VALUES ('2024-01-02 00:00+00', 'h9')")
	require.Equal(t, [][]any{{nil, int64(100)}}, rows("SELECT status, n FROM d WHERE host = 'h9'"))
	require.Equal(t, [][]any{{int64(4), int64(42)}}, rows("SELECT count(*), min(n) FROM d WHERE n = 42"), "rows stored keep their values")

	require.Equal(t, [][]any{{"host", "'h0'"}, {"n", "100"}, {"f", "'1.5'"}, {"r", "random()"}},
		rows("SELECT column_name::text, column_default::text FROM information_schema.columns WHERE table_name = 'd' AND column_default IS NOT NULL ORDER BY ordinal_position"))
	require.Equal(t, [][]any{{"host", "'h0'", true}, {"n", "100", true}, {"f", "'1.5'", true}, {"r", "random()", true}},
		rows("SELECT a.attname::text, pg_get_expr(d.adbin, d.adrelid), a.atthasdef FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "+
			"WHERE d.adrelid = 'd'::regclass ORDER BY d.adnum"))

	rows("CREATE TABLE empty (time timestamptz NOT NULL, v double precision)")
	rows("ALTER TABLE empty ADD COLUMN w bigint DEFAULT 5")
	rows("INSERT INTO empty (time, v) VALUES ('2024-01-01', 1)")
	require.Equal(t, [][]any{{int64(5)}}, rows("SELECT w FROM empty"))
	x.requireCodes(t, map[string]string{
		"CREATE TABLE bad (time timestamptz, n bigint DEFAULT 'abc')":          "22P02",
		"CREATE TABLE bad (time timestamptz, n bigint DEFAULT n + 1)":          "0A000",
		"CREATE TABLE bad (time timestamptz, n bigint DEFAULT (SELECT 1))":     "0A000",
		"CREATE TABLE bad (time timestamptz, n bigint DEFAULT max(1))":         "42803",
		"CREATE TABLE bad (time timestamptz, n bigint DEFAULT rank() OVER ())": "42P20",
		"ALTER TABLE d ALTER COLUMN nosuch SET DEFAULT 1":                      "42703",
		"ALTER TABLE d ALTER COLUMN n SET DEFAULT 'zz'":                        "22P02",
		"ALTER TABLE d ADD COLUMN w double precision DEFAULT random()":         "0A000", // PostgreSQL computes it per stored row
		"ALTER TABLE d ADD COLUMN region tag DEFAULT 'eu'":                     "0A000", // a tag: the stored rows' key
		"ALTER TABLE d ALTER COLUMN n TYPE text":                               "0A000",
	})
	_, err := e.TableSchema("db", "bad")
	require.Error(t, err)

	// ADD COLUMN ... DEFAULT on a table with rows: they take the default
	// (computed once), as in PostgreSQL; DEFAULT NULL is no default.
	rows("ALTER TABLE d ADD COLUMN w double precision DEFAULT 0.5, ADD COLUMN flag boolean NOT NULL DEFAULT 1 > 2, ADD COLUMN none text DEFAULT NULL")
	filled := [][]any{{true, 0.5, 0.5, false, int64(0)}}
	require.Equal(t, filled, rows("SELECT count(*) = count(w), min(w), max(w), bool_or(flag), count(none) FROM d"))
	require.Equal(t, [][]any{{"w", "0.5"}, {"flag", "1 > 2"}}, rows("SELECT column_name::text, column_default::text FROM information_schema.columns WHERE table_name = 'd' AND column_name IN ('w', 'flag', 'none') AND column_default IS NOT NULL ORDER BY ordinal_position"))

	// The defaults are kept through a restart.
	_, x2 := restartRewriteTest(t, e, dir, sess)
	x2.rowsOf(t)("INSERT INTO d (time) VALUES ('2024-01-03 00:00+00')")
	require.Equal(t, [][]any{{"h0", int64(100), 1.5}}, x2.rowsOf(t)("SELECT host, n, f FROM d WHERE time = '2024-01-03 00:00+00'"))
	require.Equal(t, filled, x2.rowsOf(t)("SELECT count(*) = count(w), min(w), max(w), bool_or(flag), count(none) FROM d"))
}
