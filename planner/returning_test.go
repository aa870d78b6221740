package planner_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestChangeReturning: INSERT ... RETURNING answers the rows written as
// stored (defaults filled, ON CONFLICT DO UPDATE's new values, not the
// rows DO NOTHING skipped), UPDATE's the rows changed with their new
// values, DELETE's the rows deleted, each list computed over the table
// or its alias; a list that cannot be computed is refused before
// anything changes. The values are PostgreSQL 15's for the same
// statements (row order aside: PostgreSQL's is its heap's).
func TestChangeReturning(t *testing.T) {
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
		"UPDATE rt SET v = 0 RETURNING nosuch":                                          "42703",
		"DELETE FROM rt RETURNING sum(v)":                                               "42803",
		"INSERT INTO rt (time, host) VALUES ('2024-01-03', 'z') RETURNING count(*)":     "42803",
	})
	require.Equal(t, [][]any{{int64(5), int64(0)}}, rows("SELECT count(*), count(*) FILTER (WHERE host = 'z' OR v = 0) FROM rt"),
		"the refused statements wrote nothing, changed nothing")

	require.Equal(t, [][]any{{"a", 12.5, int64(10)}, {"b", 3.5, int64(10)}, {"b", 3.5, int64(12)}},
		sorted(rows("UPDATE rt r SET v = r.v + 1 WHERE host IN ('a', 'b') RETURNING r.host, v, n * 2 AS n2")))
	require.Equal(t, [][]any{{"c", 3.5}, {"c", 3.5}}, rows("DELETE FROM rt WHERE host = 'c' RETURNING host, v"))
	require.Empty(t, rows("UPDATE rt SET v = 0 WHERE false RETURNING *"))
	require.Empty(t, rows("DELETE FROM rt WHERE host = 'zz' RETURNING *"))
	require.Equal(t, [][]any{{"a", 12.5}, {"b", 3.5}, {"b", 3.5}}, rows("SELECT host, v FROM rt ORDER BY host, time"))
}

// sorted orders rows by their printed values (a RETURNING list's rows
// come in storage's order, PostgreSQL's in its heap's).
func sorted(rows [][]any) [][]any {
	slices.SortFunc(rows, func(a, b []any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	return rows
}
