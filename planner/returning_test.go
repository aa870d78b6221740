package planner_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestInsertReturning: INSERT ... RETURNING answers the rows written as
// stored (defaults filled, ON CONFLICT DO UPDATE's new values, not the
// rows DO NOTHING skipped), its list computed over the table or its
// alias; UPDATE and DELETE ... RETURNING are refused before they change
// anything. The values are PostgreSQL 15's for the same statements.
func TestInsertReturning(t *testing.T) {
	_, _, _, _, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	rows("CREATE TABLE rt (time timestamptz NOT NULL, host text, v double precision, n bigint DEFAULT 5, PRIMARY KEY (time, host))")
	require.Equal(t, [][]any{{"a", 1.5, int64(5)}}, rows("INSERT INTO rt (time, host, v) VALUES ('2024-01-01 00:00+00', 'a', 1.5) RETURNING host, v, n"))
	require.Equal(t, [][]any{{"b", 5.0, int64(5)}, {"c", 7.0, int64(5)}},
		rows("INSERT INTO rt (time, host, v) VALUES ('2024-01-01 00:01+00', 'b', 2.5), ('2024-01-01 00:02+00', 'c', 3.5) RETURNING host, v * 2 AS double, n"))
	require.Equal(t, [][]any{{11.5, int64(5)}},
		rows("INSERT INTO rt AS r (time, host, v) VALUES ('2024-01-01 00:00+00', 'a', 10) ON CONFLICT (time, host) DO UPDATE SET v = r.v + EXCLUDED.v RETURNING r.v, r.n"))
	require.Empty(t, rows("INSERT INTO rt (time, host, v) VALUES ('2024-01-01 00:00+00', 'a', 99) ON CONFLICT DO NOTHING RETURNING *"))
	got := rows("INSERT INTO rt SELECT time + interval '1 day', host, v, n + 1 FROM rt WHERE host <> 'a' RETURNING *")
	require.Len(t, got, 2)
	require.Equal(t, []any{"b", 2.5, int64(6)}, got[0][1:])
	x.requireCodes(t, map[string]string{
		"INSERT INTO rt (time, host) VALUES ('2024-01-03', 'z') RETURNING nosuch":       "42703",
		"INSERT INTO rt AS r (time, host) VALUES ('2024-01-03', 'z') RETURNING rt.host": "42P01",
		"INSERT INTO fresh (time, v) VALUES ('2024-01-03', 1) RETURNING *":              "42P01",
		"UPDATE rt SET v = 0 RETURNING *":                                               "0A000",
		"DELETE FROM rt RETURNING *":                                                    "0A000",
		"INSERT INTO rt (time, host) VALUES ('2024-01-03', 'z') RETURNING count(*)":     "42803",
	})
	require.Equal(t, [][]any{{int64(5), int64(0)}}, rows("SELECT count(*), count(*) FILTER (WHERE host = 'z' OR v = 0) FROM rt"),
		"the refused statements wrote nothing, changed nothing")
}
