package planner_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner"
)

// TestNotNull: a column declared NOT NULL (CREATE TABLE, a key's columns,
// ADD COLUMN, SET NOT NULL) is kept by every SQL write, with PostgreSQL's
// 23502 and message, and nothing of a refused statement is stored; DROP
// NOT NULL lifts it; the catalogs show it; a restart keeps it.
func TestNotNull(t *testing.T) {
	dir, e, _, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	rows("CREATE TABLE cond (time timestamptz NOT NULL, site text, loc text NOT NULL, temp float8 NOT NULL, hum float8, PRIMARY KEY (time, site))")
	rows("INSERT INTO cond VALUES ('2024-01-01', 'a', 'x', 20, NULL), ('2024-01-02', 'a', 'y', 21, 50)")
	stored := [][]any{{"a", "x", 20.0, nil}, {"a", "y", 21.0, 50.0}}
	all := "SELECT site, loc, temp, hum FROM cond ORDER BY time"
	require.Equal(t, stored, rows(all))

	refused := func(q, column string) {
		t.Helper()
		_, err := x.Query(context.Background(), q)
		require.Error(t, err, q)
		pe := planner.AsError(err)
		require.Equal(t, "23502", pe.Code, "%s: %v", q, err)
		require.Equal(t, `null value in column "`+column+`" of relation "cond" violates not-null constraint`, pe.Msg, q)
		require.Contains(t, pe.Hint, "give every row a value for "+column, q)
		require.Regexp(t, `^Failing row contains \(.*\)\.$`, pe.Detail, q) // its values: pgwire TestNotNullMatchesPostgres
		require.Equal(t, []string{"public", "cond", column}, []string{pe.Schema, pe.Table, pe.Column}, "PostgreSQL's error fields: %s", q)
		require.Equal(t, stored, rows(all), "nothing of a refused statement is stored: %s", q)
	}
	refused("INSERT INTO cond (time, site, loc) VALUES ('2024-01-03', 'a', 'z')", "temp")
	refused("INSERT INTO cond VALUES ('2024-01-03', 'a', 'z', 1, 1), ('2024-01-04', 'a', 'z', NULL, 1)", "temp")
	refused("INSERT INTO cond VALUES ('2024-01-03', NULL, 'z', 1, 1)", "site")
	refused("INSERT INTO cond (time, site, temp) SELECT time + interval '1 week', site, temp FROM cond", "loc")
	refused("INSERT INTO cond SELECT time + interval '1 week', site, CASE WHEN hum IS NULL THEN NULL ELSE loc END, temp, hum FROM cond", "loc")
	refused("UPDATE cond SET temp = NULL WHERE hum = 50", "temp")
	refused("UPDATE cond SET loc = NULLIF(loc, 'x')", "loc")
	// ON CONFLICT: the row proposed must have every NOT NULL value,
	// conflict or not (as PostgreSQL checks it); an update that does not
	// set a NOT NULL column keeps its stored value.
	refused("INSERT INTO cond (time, site, hum) VALUES ('2024-01-01', 'a', 1) ON CONFLICT (time, site) DO UPDATE SET hum = EXCLUDED.hum", "loc")
	refused("INSERT INTO cond (time, site, hum) VALUES ('2024-01-01', 'a', 1) ON CONFLICT DO NOTHING", "loc")
	rows("INSERT INTO cond (time, site, loc, temp, hum) VALUES ('2024-01-01', 'a', 'q', 0, 1) ON CONFLICT (time, site) DO UPDATE SET hum = EXCLUDED.hum")
	stored[0][3] = 1.0
	require.Equal(t, stored, rows(all), "loc and temp kept")
	rows("UPDATE cond SET hum = NULL WHERE hum = 1")
	stored[0][3] = nil
	require.Equal(t, stored, rows(all), "a column without NOT NULL takes NULL")

	// The catalogs: pg_attribute, information_schema.columns and its
	// NOT NULL check constraints.
	require.Equal(t, [][]any{{"time", true}, {"site", true}, {"loc", true}, {"temp", true}, {"hum", false}},
		rows("SELECT attname::text, attnotnull FROM pg_attribute WHERE attrelid = 'cond'::regclass AND attnum > 0 ORDER BY attnum"))
	require.Equal(t, [][]any{{"time", "NO"}, {"site", "NO"}, {"loc", "NO"}, {"temp", "NO"}, {"hum", "YES"}},
		rows("SELECT column_name::text, is_nullable::text FROM information_schema.columns WHERE table_name = 'cond' ORDER BY ordinal_position"))
	require.Equal(t, [][]any{{"loc IS NOT NULL"}, {"site IS NOT NULL"}, {"temp IS NOT NULL"}, {"time IS NOT NULL"}},
		rows("SELECT check_clause::text FROM information_schema.check_constraints c JOIN information_schema.table_constraints t USING (constraint_name) WHERE t.table_name = 'cond' ORDER BY 1"))

	// ALTER TABLE: SET NOT NULL over stored NULLs and ADD COLUMN NOT NULL
	// without a DEFAULT over stored rows are PostgreSQL's 23502; with a
	// DEFAULT the rows take it.
	x.requireCodes(t, map[string]string{
		"ALTER TABLE cond ALTER COLUMN hum SET NOT NULL": "23502",
		"ALTER TABLE cond ADD COLUMN n int NOT NULL":     "23502",
	})
	_, err := x.Query(context.Background(), "ALTER TABLE cond ALTER COLUMN hum SET NOT NULL")
	pe := planner.AsError(err)
	require.Equal(t, []string{`column "hum" of relation "cond" contains null values`, "public", "cond", "hum"}, []string{pe.Msg, pe.Schema, pe.Table, pe.Column})
	rows("ALTER TABLE cond ADD COLUMN n int NOT NULL DEFAULT 7, ALTER COLUMN temp DROP NOT NULL")
	rows("INSERT INTO cond (time, site, loc) VALUES ('2024-01-03', 'b', 'z')")
	stored = append(stored, []any{"b", "z", nil, nil})
	require.Equal(t, stored, rows(all), "temp may be NULL now; n takes its default")
	require.Equal(t, [][]any{{int64(7)}, {int64(7)}, {int64(7)}}, rows("SELECT n FROM cond"))
	refused("INSERT INTO cond (time, site, loc, n) VALUES ('2024-01-04', 'b', 'z', NULL)", "n")
	rows("UPDATE cond SET hum = 1 WHERE hum IS NULL")
	for i := range stored {
		stored[i][3] = 1.0
	}
	stored[1][3] = 50.0
	rows("ALTER TABLE cond ALTER COLUMN hum SET NOT NULL")
	refused("INSERT INTO cond (time, site, loc) VALUES ('2024-01-05', 'b', 'z')", "hum")

	// A restart keeps every constraint.
	_, x = restartRewriteTest(t, e, dir, sess)
	rows = x.rowsOf(t)
	require.Equal(t, stored, rows(all))
	refused("INSERT INTO cond (time, site, loc, temp) VALUES ('2024-01-05', 'b', 'z', 1)", "hum")
	refused("INSERT INTO cond (time, site, temp, hum) VALUES ('2024-01-05', 'b', 1, 1)", "loc")
	rows("INSERT INTO cond (time, site, loc, hum) VALUES ('2024-01-05', 'b', 'z', 2)")
}
