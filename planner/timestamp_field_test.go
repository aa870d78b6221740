package planner_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage"
)

// TestTimestampFields: a timestamptz column other than time (created_at,
// due) is stored: INSERT of text, timestamptz, a timestamp without time
// zone or a date (the instant the session zone reads them), infinity,
// NULL and DEFAULT; INSERT ... SELECT, ON CONFLICT DO UPDATE with
// EXCLUDED, UPDATE, ADD COLUMN ... DEFAULT over stored rows, CREATE TABLE
// AS and a new column of an INSERT; filters, aggregates and grouping read
// it; the catalogs type it; it survives a restart. The values are
// PostgreSQL 15's for the same statements (/tmp/ts2.sql).
func TestTimestampFields(t *testing.T) {
	dir, e, _, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	for i, q := range []string{
		"CREATE TABLE tf (time timestamptz NOT NULL, host text, created_at timestamptz DEFAULT '2024-06-01 00:00:00+00', due timestamptz, n bigint, PRIMARY KEY (time, host))",
		"INSERT INTO tf VALUES ('2024-01-01 10:00:00+00', 'a', '2023-12-31 23:59:59.123456+00', '2024-02-01 08:00:00'::timestamp, 1), ('2024-01-01 10:00:00+00', 'e', NULL, '2024-02-01 08:00:00'::timestamp, 2)",
		"INSERT INTO tf (time, host, due) VALUES ('2024-01-01 11:00:00+00', 'b', DATE '2024-03-01'), ('2024-01-01 12:00:00+00', 'c', 'infinity'), ('2024-01-02 13:00:00+00', 'd', NULL)",
		"INSERT INTO tf (time, host, created_at, n) SELECT time + interval '1 day', host || '2', created_at - interval '1 year', n FROM tf WHERE host = 'a'",
		"INSERT INTO tf (time, host, created_at) VALUES ('2024-01-01 10:00:00+00', 'a', '2020-01-01 00:00:00+00') ON CONFLICT (time, host) DO UPDATE SET due = EXCLUDED.created_at, n = 5",
		"UPDATE tf SET created_at = created_at + interval '1 hour' WHERE host = 'b'",
		"ALTER TABLE tf ADD COLUMN seen timestamptz DEFAULT '2024-05-05 05:05:05+02'",
	} {
		sess.Location = paris // SET TIME ZONE 'Europe/Paris' after CREATE TABLE, RESET before the reads
		if i == 0 || i == 6 {
			sess.Location = time.UTC
		}
		rows(q)
	}
	sess.Location = time.UTC
	all := "SELECT host, created_at::text, due::text, n, seen::text FROM tf ORDER BY time, host"
	want := [][]any{
		{"a", "2023-12-31 23:59:59.123456+00", "2020-01-01 00:00:00+00", int64(5), "2024-05-05 03:05:05+00"},
		{"e", nil, "2024-02-01 07:00:00+00", int64(2), "2024-05-05 03:05:05+00"},
		{"b", "2024-06-01 01:00:00+00", "2024-02-29 23:00:00+00", nil, "2024-05-05 03:05:05+00"},
		{"c", "2024-06-01 00:00:00+00", "infinity", nil, "2024-05-05 03:05:05+00"},
		{"a2", "2022-12-31 23:59:59.123456+00", nil, int64(1), "2024-05-05 03:05:05+00"},
		{"d", "2024-06-01 00:00:00+00", nil, nil, "2024-05-05 03:05:05+00"},
	}
	require.Equal(t, want, rows(all))
	require.Equal(t, [][]any{{int64(1), "2023-12-31 23:59:59.123456+00", "2020-01-01 00:00:00+00"}},
		rows("SELECT count(*), min(created_at)::text, max(due)::text FROM tf WHERE created_at < time AND due > '2019-01-01'"))
	require.Equal(t, [][]any{{"2022-12-01 00:00:00+00", int64(1)}, {"2023-12-01 00:00:00+00", int64(1)}, {"2024-06-01 00:00:00+00", int64(3)}, {nil, int64(1)}},
		rows("SELECT date_trunc('month', created_at)::text AS m, count(*) FROM tf GROUP BY 1 ORDER BY 1"))
	require.Equal(t, [][]any{{"a2"}, {"c"}, {"d"}}, rows("SELECT host FROM tf WHERE due = 'infinity' OR due IS NULL ORDER BY host"))
	require.Equal(t, [][]any{{"time", "timestamp with time zone"}, {"created_at", "timestamp with time zone"}, {"due", "timestamp with time zone"}, {"seen", "timestamp with time zone"}},
		rows("SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_name = 'tf' AND data_type LIKE 'timestamp%' ORDER BY ordinal_position"))
	require.Equal(t, [][]any{{"created_at", "timestamp with time zone"}},
		rows("SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'tf'::regclass AND attname = 'created_at'"))

	// CREATE TABLE AS and an INSERT that makes its column store them too.
	rows("CREATE TABLE tf2 AS SELECT time, host, due + interval '1 day' AS next FROM tf WHERE n IS NOT NULL")
	require.Equal(t, [][]any{{"a", "2020-01-02 00:00:00+00"}, {"e", "2024-02-02 07:00:00+00"}, {"a2", nil}}, rows("SELECT host, next::text FROM tf2 ORDER BY time, host"))
	rows("INSERT INTO tf3 (time, at) VALUES ('2024-01-01', '2024-01-02 03:04:05+00'::timestamptz)")
	require.Equal(t, [][]any{{"2024-01-02 03:04:05+00"}}, rows("SELECT at::text FROM tf3"))
	typ, ok := e.ColumnType("db", "tf3", "at")
	require.True(t, ok)
	require.Equal(t, storage.TypeTimestamp, typ)

	x.requireCodes(t, map[string]string{
		"INSERT INTO tf (time, host, due) VALUES ('2024-01-03', 'x', 5)":            "42804",
		"INSERT INTO tf (time, host, due) VALUES ('2024-01-03', 'x', 'garbage')":    "22007",
		"INSERT INTO tf (time, host, due) VALUES ('2024-01-03', 'x', true)":         "42804",
		"INSERT INTO tf3 (time, d) VALUES ('2024-01-03', DATE '2024-01-01')":        "42804", // a new column: no date type
		"INSERT INTO tf3 (time, d) VALUES ('2024-01-03', 1), ('2024-01-04', now())": "42804",
	})
	// A date result is a declared date column (TestDeclaredDate).
	rows("CREATE TABLE tf4 AS SELECT time, DATE '2024-05-06' AS d FROM tf3")
	require.Equal(t, [][]any{{"date", "2024-05-06"}}, rows("SELECT pg_typeof(d)::text, d::text FROM tf4 LIMIT 1"))

	// Through a restart (persisted files and the catalog).
	e2, x2 := restartRewriteTest(t, e, dir, sess)
	require.Equal(t, want, x2.rowsOf(t)(all))
	_, err = e2.Compact(context.Background(), true)
	require.NoError(t, err)
	require.Equal(t, want, x2.rowsOf(t)(all))
	require.True(t, strings.HasPrefix(x2.rowsOf(t)("SELECT min(due)::text FROM tf")[0][0].(string), "2020-01-01"))
}
