package planner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/storage"
)

// TestDeclaredTypes: a column declared integer, smallint, real,
// varchar(n) or char(n) keeps its type: reads report it, the catalogs
// show it, every write path keeps values within it with PostgreSQL's
// codes and messages (checked against PostgreSQL 15), and it outlives a
// restart.
func TestDeclaredTypes(t *testing.T) {
	dir, e, p, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	rows("CREATE TABLE item (time timestamptz NOT NULL, code varchar(4), n integer, s int2, r real, c char(3), v varchar, b bigint, f float(10), PRIMARY KEY (time, code))")
	sch, err := e.TableSchema("db", "item")
	require.NoError(t, err)
	declared := map[string]string{}
	for _, c := range sch {
		declared[c.Name] = c.SQLType
	}
	require.Equal(t, map[string]string{"time": "", "code": "character varying(4)", "n": "integer", "s": "smallint", "r": "real",
		"c": "character(3)", "v": "character varying", "b": "", "f": "real"}, declared)

	rows("INSERT INTO item VALUES ('2024-01-01', 'ab', 1, 2, 0.1, 'x', 'free', 5, 1.5)")
	rows("INSERT INTO item VALUES ('2024-01-02', 'abcd   ', 2147483647, -32768, 2.5, 'xy  ', 'w', 6, NULL)") // spaces past the length are cut
	x.requireCodes(t, map[string]string{
		"INSERT INTO item VALUES ('2024-01-03', 'abcde', 1, 2, 0.1, 'x', 'v', 5, 1)":                                            "22001",
		"INSERT INTO item VALUES ('2024-01-03', 'ab', 2147483648, 2, 0.1, 'x', 'v', 5, 1)":                                      "22003",
		"INSERT INTO item VALUES ('2024-01-03', 'ab', 1, 32768, 0.1, 'x', 'v', 5, 1)":                                           "22003",
		"INSERT INTO item VALUES ('2024-01-03', 'ab', 1, 2, 1e39, 'x', 'v', 5, 1)":                                              "22003",
		"INSERT INTO item VALUES ('2024-01-03', 'ab', 1, 2, 1e-50, 'x', 'v', 5, 1)":                                             "22003",
		"INSERT INTO item VALUES ('2024-01-03', 'ab', 1, 2, 1, 'xyzw', 'v', 5, 1)":                                              "22001",
		"INSERT INTO item (time, code, n) SELECT time + interval '9 days', code, n * 2 FROM item":                               "22003",
		"INSERT INTO item (time, code, n) VALUES ('2024-01-01', 'ab', 1) ON CONFLICT (time, code) DO UPDATE SET n = 5000000000": "22003",
		"UPDATE item SET n = n + 1 WHERE code = 'abcd'":                                                                         "22003", // one day: Engine.Update commits day by day
		"UPDATE item SET v = 'x', c = 'long'":                                                                                   "22001",
		"UPDATE item SET r = 1e300 WHERE n = 1":                                                                                 "22003",
		"ALTER TABLE item ADD COLUMN z smallint DEFAULT 70000":                                                                  "22003",
		"CREATE TABLE bad (time timestamptz, v varchar(0))":                                                                     "22023",
	})
	all := "SELECT code, n, s, r, c, v, f, pg_typeof(n)::text, pg_typeof(s)::text, pg_typeof(r)::text, pg_typeof(c)::text, pg_typeof(code)::text FROM item ORDER BY time"
	want := [][]any{
		{"ab", int64(1), int64(2), float64(float32(0.1)), "x  ", "free", 1.5, "integer", "smallint", "real", "character", "character varying"},
		{"abcd", int64(2147483647), int64(-32768), 2.5, "xy ", "w", nil, "integer", "smallint", "real", "character", "character varying"},
	}
	require.Equal(t, want, rows(all), "nothing refused was written") // char(3) shown blank-padded, as PostgreSQL
	// A real compared with a numeric is compared as float8, as in
	// PostgreSQL: 0.1 stored in a real is not 0.1.
	require.Equal(t, [][]any{{int64(0), int64(1)}}, rows("SELECT count(*) FILTER (WHERE r = 0.1), count(*) FILTER (WHERE r = 0.1::real) FROM item"))

	rows("UPDATE item SET r = 0.3, c = 'q  ', n = -2147483648 WHERE code = 'ab'")
	require.Equal(t, [][]any{{float64(float32(0.3)), "q  ", int64(-2147483648)}}, rows("SELECT r, c, n FROM item WHERE code = 'ab'"))
	rows("INSERT INTO item (time, code, n) VALUES ('2024-01-01', 'ab', 1) ON CONFLICT (time, code) DO UPDATE SET n = 7")

	// A float or numeric written into an integer column that cannot hold
	// it fails in PostgreSQL's words for the column's type (a numeric's
	// NaN and infinities with 0A000), not the engine's bigint's.
	for q, want := range map[string]string{
		"INSERT INTO item (time, code, n) VALUES ('2024-01-05', 'ab', 'NaN'::float8)":                                      "22003 integer out of range",
		"INSERT INTO item (time, code, s) VALUES ('2024-01-05', 'ab', 1e20::float8)":                                       "22003 smallint out of range",
		"INSERT INTO item (time, code, b) VALUES ('2024-01-05', 'ab', '-Infinity'::float8)":                                "22003 bigint out of range",
		"INSERT INTO item (time, code, n) VALUES ('2024-01-05', 'ab', 'NaN'::numeric)":                                     "0A000 cannot convert NaN to integer",
		"INSERT INTO item (time, code, b) SELECT time + interval '9 days', code, 'Infinity'::numeric FROM item":            "0A000 cannot convert infinity to bigint",
		"UPDATE item SET s = 'NaN'::float8 WHERE code = 'ab'":                                                              "22003 smallint out of range",
		"UPDATE item SET n = 'Infinity'::numeric WHERE code = 'ab'":                                                        "0A000 cannot convert infinity to integer",
		"INSERT INTO item (time, code, n) VALUES ('2024-01-01', 'ab', 1) ON CONFLICT (time, code) DO UPDATE SET n = 1e300": "22003 integer out of range",
	} {
		_, err := x.Query(context.Background(), q)
		require.Error(t, err, q)
		e := planner.AsError(err)
		require.Equal(t, want, e.Code+" "+e.Msg, q)
	}

	// The catalogs.
	require.Equal(t, [][]any{
		{"code", "character varying", "varchar", int64(4), int64(16), nil},
		{"n", "integer", "int4", nil, nil, int64(32)},
		{"s", "smallint", "int2", nil, nil, int64(16)},
		{"r", "real", "float4", nil, nil, int64(24)},
		{"c", "character", "bpchar", int64(3), int64(12), nil},
		{"v", "character varying", "varchar", nil, int64(1073741824), nil},
		{"b", "bigint", "int8", nil, nil, int64(64)},
	}, rows("SELECT column_name::text, data_type::text, udt_name::text, character_maximum_length::int8, character_octet_length::int8, numeric_precision::int8 FROM information_schema.columns WHERE table_name = 'item' AND column_name NOT IN ('time', 'f') ORDER BY ordinal_position"))
	require.Equal(t, [][]any{
		{"code", "character varying(4)", int64(8), int64(-1)},
		{"n", "integer", int64(-1), int64(4)},
		{"s", "smallint", int64(-1), int64(2)},
		{"r", "real", int64(-1), int64(4)},
		{"c", "character(3)", int64(7), int64(-1)},
		{"v", "character varying", int64(-1), int64(-1)},
	}, rows("SELECT attname::text, format_type(atttypid, atttypmod), atttypmod::int8, attlen::int8 FROM pg_attribute WHERE attrelid = 'item'::regclass AND attname IN ('code', 'n', 's', 'r', 'c', 'v') ORDER BY attnum"))

	// ALTER COLUMN ... TYPE: the declared type changes when the values
	// stored fit it, as PostgreSQL's rewrite checks them.
	x.requireCodes(t, map[string]string{
		"ALTER TABLE item ALTER COLUMN code TYPE varchar(3)": "22001",
	})
	rows("INSERT INTO item (time, code, b, f) VALUES ('2024-01-04', 'big', 40000, 0.1)")
	x.requireCodes(t, map[string]string{
		"ALTER TABLE item ALTER COLUMN b TYPE smallint":                                "22003",
		"ALTER TABLE item ALTER COLUMN b TYPE integer, ALTER COLUMN v TYPE varchar(1)": "22001",
	})
	// A double a real would round is not rewritten: refused with the
	// UPDATE that rounds it.
	rows("ALTER TABLE item ADD COLUMN d double precision")
	rows("UPDATE item SET d = 0.1 WHERE code = 'big'")
	x.requireCodes(t, map[string]string{"ALTER TABLE item ALTER COLUMN d TYPE real": "0A000"})
	rows("UPDATE item SET d = d::real WHERE code = 'big'")
	rows("ALTER TABLE item ALTER COLUMN d TYPE real")
	require.Equal(t, [][]any{{"real", float64(float32(0.1))}}, rows("SELECT pg_typeof(d)::text, d FROM item WHERE code = 'big'"))
	rows("ALTER TABLE item ALTER COLUMN b TYPE integer, ALTER COLUMN n TYPE bigint, ALTER COLUMN code TYPE text")
	require.Equal(t, [][]any{{"integer", "bigint", "text"}}, rows("SELECT pg_typeof(b)::text, pg_typeof(n)::text, pg_typeof(code)::text FROM item LIMIT 1"))
	rows("INSERT INTO item (time, code, n) VALUES ('2024-01-05', 'longer code', 5000000000)")

	// CREATE TABLE AS keeps the query's types.
	rows("CREATE TABLE item2 AS SELECT time, code, s, r, length(v) AS len FROM item")
	require.Equal(t, [][]any{{"smallint", "real", "integer"}}, rows("SELECT pg_typeof(s)::text, pg_typeof(r)::text, pg_typeof(len)::text FROM item2 LIMIT 1"))

	// Kept in the catalog.
	e, x = restartRewriteTest(t, e, dir, sess)
	_, _ = p, e
	rows = x.rowsOf(t)
	require.Equal(t, [][]any{{"integer", "smallint", "real", "character"}}, rows("SELECT pg_typeof(b)::text, pg_typeof(s)::text, pg_typeof(r)::text, pg_typeof(c)::text FROM item LIMIT 1"))
	x.requireCodes(t, map[string]string{"UPDATE item SET s = 40000": "22003"})
	sch, err = e.TableSchema("db", "item2")
	require.NoError(t, err)
	require.Equal(t, storage.ColumnMeta{Name: "len", Type: storage.TypeInt, SQLType: "integer", Num: 5}, sch[len(sch)-1])
}

// sessionZone sets the session's time zone by name, as SET TIME ZONE.
func sessionZone(t *testing.T, sess *planner.Session) func(name string) {
	return func(name string) {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		sess.Location = loc
	}
}

// TestDeclaredTimestamp: a column declared timestamp (without time zone),
// the time column too, holds wall-clock readings: a quoted literal's
// offset is ignored, an instant is written as the session zone's clocks
// read it, and the values read the same in every zone (the expectations
// are PostgreSQL 15's for the same statements). Compared with an instant
// in UTC the time column prunes the scan exactly; in another zone by a
// range widened by a day, the comparison kept.
func TestDeclaredTimestamp(t *testing.T) {
	dir, e, _, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	zone := sessionZone(t, sess)
	rows("CREATE TABLE ev (ts timestamp NOT NULL, host text, at timestamp(3), z timestamptz, PRIMARY KEY (ts, host))")
	sch, err := e.TableSchema("db", "ev")
	require.NoError(t, err)
	require.Equal(t, []string{"timestamp without time zone", "", "timestamp(3) without time zone", ""},
		[]string{sch[0].SQLType, sch[1].SQLType, sch[2].SQLType, sch[3].SQLType})

	rows("INSERT INTO ev VALUES ('2024-03-10 02:30', 'a', '2024-01-01 10:00+05', '2024-01-01 10:00+05')")
	zone("America/New_York")
	rows("INSERT INTO ev VALUES ('2024-03-11 02:30', 'b', '2024-06-01 12:00:00+00'::timestamptz, '2024-06-01 12:00'::timestamp)")
	zone("Asia/Tokyo")
	rows("INSERT INTO ev (ts, host, at) VALUES ('2024-03-12', 'c', '2024-06-01'::date)")
	all := "SELECT host, ts::text, at::text, z::text FROM ev ORDER BY host"
	want := [][]any{
		{"a", "2024-03-10 02:30:00", "2024-01-01 10:00:00", "2024-01-01 14:00:00+09"},
		{"b", "2024-03-11 02:30:00", "2024-06-01 08:00:00", "2024-06-02 01:00:00+09"},
		{"c", "2024-03-12 00:00:00", "2024-06-01 00:00:00", nil},
	}
	require.Equal(t, want, rows(all), "readings read the same in every zone")
	require.Equal(t, [][]any{{"timestamp without time zone", "timestamp without time zone", "timestamp with time zone"}},
		rows("SELECT pg_typeof(ts)::text, pg_typeof(at)::text, pg_typeof(z)::text FROM ev LIMIT 1"))

	// The catalogs.
	sess.Location = time.UTC
	require.Equal(t, [][]any{
		{"ts", "timestamp without time zone", "timestamp", int64(6)},
		{"host", "text", "text", nil},
		{"at", "timestamp without time zone", "timestamp", int64(3)},
		{"z", "timestamp with time zone", "timestamptz", int64(6)},
	}, rows("SELECT column_name::text, data_type::text, udt_name::text, datetime_precision::int8 FROM information_schema.columns WHERE table_name = 'ev' ORDER BY ordinal_position"))
	require.Equal(t, [][]any{{"ts", "timestamp without time zone", int64(8)}, {"at", "timestamp(3) without time zone", int64(8)}},
		rows("SELECT attname::text, format_type(atttypid, atttypmod), attlen::int8 FROM pg_attribute WHERE attrelid = 'ev'::regclass AND attname IN ('ts', 'at') ORDER BY attnum"))

	// UPDATE and ON CONFLICT DO UPDATE convert as INSERT does.
	zone("America/New_York")
	rows("UPDATE ev SET at = '2024-02-02 05:00:00+00'::timestamptz WHERE host = 'a'")
	rows("UPDATE ev SET at = '2024-02-03 07:00+09' WHERE host = 'b'")
	rows("UPDATE ev SET at = at + interval '1 day' WHERE host = 'c'")
	rows("INSERT INTO ev (ts, host, at) VALUES ('2024-03-12', 'c', '2020-01-01') ON CONFLICT (ts, host) DO UPDATE SET at = '2021-05-05 12:00:00+00'::timestamptz")
	require.Equal(t, [][]any{{"a", "2024-02-02 00:00:00"}, {"b", "2024-02-03 07:00:00"}, {"c", "2021-05-05 08:00:00"}},
		rows("SELECT host, at::text FROM ev ORDER BY host"))
	x.requireCodes(t, map[string]string{
		"INSERT INTO ev (ts, host) VALUES ('x', 'q')":                                        "22007",
		"INSERT INTO ev (ts, host, at) VALUES (now(), 'q', 'x')":                             "22007",
		"INSERT INTO ev (ts, host, at) VALUES (now(), 'q', 5)":                               "42804",
		"ALTER TABLE ev ALTER COLUMN z TYPE timestamp":                                       "0A000", // New York: PostgreSQL would move the values
		"ALTER TABLE ev ALTER COLUMN ts TYPE timestamptz":                                    "0A000",
		"INSERT INTO ev (ts, host, at) VALUES (now(), 'q', 'x'), (now(), 'r', '2024-01-01')": "22007",
	})
	_, err = x.Query(context.Background(), "INSERT INTO ev (ts, host) VALUES ('x', 'q')")
	require.ErrorContains(t, err, `invalid input syntax for type timestamp: "x"`)

	// Pruning: exact in UTC, widened (and the condition kept) elsewhere.
	explain := func(q string) string {
		var lines []string
		for _, r := range rows("EXPLAIN " + q) {
			lines = append(lines, r[0].(string))
		}
		return strings.Join(lines, "\n")
	}
	q := "SELECT host FROM ev WHERE ts >= '2024-03-11 00:00:00+00'::timestamptz AND ts < now()"
	sess.Location = time.UTC
	plan := explain(q)
	require.NotContains(t, plan, "Filter", plan)
	require.Contains(t, plan, "time=[2024-03-11 00:00:00+00, ", plan)
	require.Equal(t, [][]any{{"b"}, {"c"}}, rows(q+" ORDER BY host"))
	zone("Europe/Berlin")
	plan = explain(q)
	require.Contains(t, plan, "Filter: (__to_instant(time) >= '2024-03-11 00:00:00+00'::timestamptz", plan)
	require.Contains(t, plan, "time=[2024-03-10 00:00:00+00, ", plan)
	require.Equal(t, [][]any{{"b"}, {"c"}}, rows(q+" ORDER BY host"), "b is 01:30 UTC in Berlin")
	require.Equal(t, [][]any{{"a"}}, rows("SELECT host FROM ev WHERE ts < '2024-03-10 02:00:00+00'::timestamptz"), "a is 01:30 UTC in Berlin")

	// In UTC the values read the same either way: the type changes.
	sess.Location = time.UTC
	rows("ALTER TABLE ev ALTER COLUMN z TYPE timestamp")
	require.Equal(t, [][]any{{"a", "2024-01-01 05:00:00"}}, rows("SELECT host, z::text FROM ev WHERE host = 'a'"))

	e, x = restartRewriteTest(t, e, dir, sess)
	rows = x.rowsOf(t)
	require.Equal(t, [][]any{{"timestamp without time zone", "timestamp without time zone", "timestamp without time zone"}},
		rows("SELECT pg_typeof(ts)::text, pg_typeof(at)::text, pg_typeof(z)::text FROM ev LIMIT 1"))
	_ = e
}

// TestDeclaredDate: a column declared date holds its days as the readings
// of their midnights, so a day is the same day in every session's zone;
// read, it is the engine's date (the midnight in the session's zone), in
// comparisons, joins, grouping, correlated subqueries and RETURNING too.
// Every expectation is PostgreSQL 15's output for the same statements in
// the same zones.
func TestDeclaredDate(t *testing.T) {
	dir, e, _, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	zone := sessionZone(t, sess)
	rows("CREATE TABLE td (time timestamptz NOT NULL, sym text, d date, d2 date DEFAULT '2020-02-02', PRIMARY KEY (time, sym))")
	rows("INSERT INTO td (time, sym, d) VALUES ('2024-01-01', 'a', '2024-03-10'), ('2024-01-02', 'b', '2024-03-10 23:59:59+05'), ('2024-01-03', 'c', '2024-01-05 10:00'::timestamp), ('2024-01-04', 'e', NULL)")
	zone("Asia/Tokyo")
	rows("INSERT INTO td (time, sym, d) VALUES ('2024-01-05', 'f', '2024-06-01 01:00:00+09'::timestamptz), ('2024-01-06', 'g', '2024-06-01 23:00:00+00'::timestamptz)")

	zone("America/New_York")
	require.Equal(t, [][]any{
		{"a", "2024-03-10", "2020-02-02", "2024-03-10 00:00:00-05", "2024-03-11", int64(1710028800)},
		{"b", "2024-03-10", "2020-02-02", "2024-03-10 00:00:00-05", "2024-03-11", int64(1710028800)},
		{"c", "2024-01-05", "2020-02-02", "2024-01-05 00:00:00-05", "2024-01-06", int64(1704412800)},
		{"e", nil, "2020-02-02", nil, nil, nil},
		{"f", "2024-06-01", "2020-02-02", "2024-06-01 00:00:00-04", "2024-06-02", int64(1717200000)},
		{"g", "2024-06-02", "2020-02-02", "2024-06-02 00:00:00-04", "2024-06-03", int64(1717286400)},
	}, rows("SELECT sym, d::text, d2::text, d::timestamptz::text, (d + 1)::text, extract(epoch from d)::int8 FROM td ORDER BY sym"))
	zone("America/Los_Angeles")
	require.Equal(t, [][]any{{"a"}, {"b"}}, rows("SELECT sym FROM td WHERE d = '2024-03-10' ORDER BY sym"))
	require.Equal(t, [][]any{{"2024-01-05", int64(1)}, {"2024-03-10", int64(2)}, {"2024-06-01", int64(1)}, {"2024-06-02", int64(1)}, {nil, int64(1)}},
		rows("SELECT d::text, count(*) FROM td GROUP BY d ORDER BY d"))
	zone("Pacific/Auckland")
	require.Equal(t, [][]any{{"a", "b"}}, rows("SELECT a.sym, b.sym FROM td a JOIN td b USING (d) WHERE a.sym < b.sym ORDER BY 1, 2"))
	require.Equal(t, [][]any{{"2024-03-10", "a"}, {"2024-03-10", "b"}, {nil, "c"}, {nil, "e"}, {nil, "f"}, {nil, "g"}},
		rows("SELECT x.d::text, t.sym FROM (VALUES ('2024-03-10'::date)) x(d) FULL JOIN td t USING (d) ORDER BY 2"))
	require.Equal(t, [][]any{{"a", "2024-01-05"}, {"b", "2024-01-05"}, {"c", nil}, {"e", nil}, {"f", "2024-03-10"}, {"g", "2024-06-01"}},
		rows("SELECT sym, (SELECT max(d) FROM td t2 WHERE t2.d < t1.d)::text FROM td t1 ORDER BY sym"))

	zone("America/New_York")
	rows("UPDATE td SET d = d + 7 WHERE sym = 'a'")
	rows("UPDATE td SET d = '2024-07-04 12:00:00+00'::timestamptz WHERE sym = 'b'")
	zone("Asia/Tokyo")
	require.Equal(t, [][]any{{"c", "2024-07-04"}}, rows("UPDATE td SET d = '2024-07-04 23:30'::timestamp WHERE sym = 'c' RETURNING sym, d::text"))
	zone("America/New_York") // west of UTC: a midnight's reading unconverted is the day before
	require.Equal(t, [][]any{{"b", "2024-07-04"}}, rows("DELETE FROM td WHERE d = '2024-07-04' AND sym = 'b' RETURNING sym, d::text"))
	zone("Asia/Tokyo") // where f's time was written
	require.Equal(t, [][]any{{"f", "2024-12-26", "2020-02-02"}},
		rows("INSERT INTO td (time, sym, d) VALUES ('2024-01-05', 'f', '2024-12-26') ON CONFLICT (time, sym) DO UPDATE SET d = EXCLUDED.d RETURNING sym, d::text, d2::text"))
	want := [][]any{{"a", "2024-03-17"}, {"c", "2024-07-04"}, {"e", nil}, {"f", "2024-12-26"}, {"g", "2024-06-02"}}
	require.Equal(t, want, rows("SELECT sym, d::text FROM td ORDER BY sym"))

	sess.Location = time.UTC
	require.Equal(t, [][]any{{"d", "date", "date", int64(0)}}, rows("SELECT column_name::text, data_type::text, udt_name::text, datetime_precision::int8 FROM information_schema.columns WHERE table_name = 'td' AND column_name = 'd'"))
	require.Equal(t, [][]any{{"date", int64(4)}}, rows("SELECT format_type(atttypid, atttypmod), attlen::int8 FROM pg_attribute WHERE attrelid = 'td'::regclass AND attname = 'd'"))
	x.requireCodes(t, map[string]string{
		"INSERT INTO td (time, sym, d) VALUES (now(), 'y', 'x')":         "22007",
		"INSERT INTO td (time, sym, d) VALUES (now(), 'y', 5)":           "42804",
		"CREATE TABLE dd (time date NOT NULL, v int)":                    "42P16",
		"CREATE TABLE dd2 AS SELECT d AS time, sym FROM td":              "0A000",
		"ALTER TABLE td ALTER COLUMN time TYPE date":                     "42P16",
		"CREATE TABLE dd3 (day date NOT NULL, v int, PRIMARY KEY (day))": "42P16",
	})
	// ALTER COLUMN ... TYPE date: the values must be whole days (Strata
	// does not rewrite them, PostgreSQL would truncate them); between a
	// date and a timestamptz, UTC only (PostgreSQL would move them).
	rows("ALTER TABLE td ADD COLUMN at timestamp")
	rows("UPDATE td SET at = d + time '10:00' WHERE sym = 'a'")
	x.requireCodes(t, map[string]string{"ALTER TABLE td ALTER COLUMN at TYPE date": "0A000"})
	rows("UPDATE td SET at = date_trunc('day', at)")
	rows("ALTER TABLE td ALTER COLUMN at TYPE date")
	zone("Europe/Paris")
	x.requireCodes(t, map[string]string{"ALTER TABLE td ALTER COLUMN d TYPE timestamptz": "0A000"})
	sess.Location = time.UTC
	rows("CREATE TABLE td2 AS SELECT time, sym, d FROM td")

	e, x = restartRewriteTest(t, e, dir, sess)
	rows = x.rowsOf(t)
	zone("Asia/Tokyo")
	require.Equal(t, [][]any{{"date", "2024-03-17", "2024-03-17", "date"}}, rows("SELECT pg_typeof(d)::text, d::text, at::text, pg_typeof(at)::text FROM td WHERE sym = 'a'"))
	require.Equal(t, want, rows("SELECT sym, d::text FROM td2 ORDER BY sym"))
	_ = e
}

// TestDeclaredNumeric: a column declared numeric(p,s) holds its values
// rounded to s places on their decimal digits and within p digits, on
// every write path, as PostgreSQL's assignment does (the expectations are
// PostgreSQL 15's answers to the same statements), reads back with s
// places, and is shown as numeric(p,s) by the catalogs; plain numeric
// keeps values as they are.
func TestDeclaredNumeric(t *testing.T) {
	dir, e, p, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	// More digits than a double keeps exactly: said when declared.
	res, err := ddlRunner(t, p, sess)("CREATE TABLE big (time timestamptz NOT NULL, amt numeric(20,8), px numeric(10,2))")
	require.NoError(t, err)
	require.Equal(t, []string{`column "amt": numeric(20,8) values are held as double precision: 15 significant digits are exact, more are rounded`},
		noticeTexts(res.Notices, "00000"))
	rows("CREATE TABLE q (time timestamptz NOT NULL, sym text, px numeric(8,3), qty numeric(12), fee numeric, PRIMARY KEY (time, sym))")
	rows("INSERT INTO q VALUES ('2024-01-01 00:00', 'a', 10.0005, 100.5, 0.1), ('2024-01-01 00:01', 'a', 10.25, 200, 0.25), ('2024-01-01 00:00', 'b', 99999.9994, 7, 1)")
	all := "SELECT sym, px::text, qty::text, fee::text FROM q ORDER BY time, sym"
	require.Equal(t, [][]any{{"a", "10.001", "101", "0.1"}, {"b", "99999.999", "7", "1"}, {"a", "10.250", "200", "0.25"}}, rows(all))
	require.Equal(t, [][]any{{"a", "20.251", "3060.101", "301"}, {"b", "99999.999", "699999.993", "7"}},
		rows("SELECT sym, sum(px)::text, sum(px * qty)::text, sum(qty)::text FROM q GROUP BY sym ORDER BY sym"))
	// EXCLUDED holds the proposed row as the column does: 12.3456 is
	// 12.346 before it is doubled.
	rows("INSERT INTO q VALUES ('2024-01-01 00:00', 'a', 12.3456, 1, 1) ON CONFLICT (time, sym) DO UPDATE SET px = excluded.px * 2, qty = q.qty + 0.4")
	rows("UPDATE q SET px = px / 3 WHERE sym = 'b'")
	rows("INSERT INTO q VALUES ('2024-01-02', 'c', '1.00049', '12.5', '0.00001')")
	rows("INSERT INTO q SELECT '2024-01-03', 'd', 2.6745 * 1, 0.5, 1.005")
	require.Equal(t, [][]any{{"a", "24.692", "101", "0.1"}, {"b", "33333.333", "7", "1"}, {"a", "10.250", "200", "0.25"},
		{"c", "1.000", "13", "0.00001"}, {"d", "2.675", "1", "1.005"}}, rows(all))
	rows("ALTER TABLE q ADD COLUMN lim numeric(6,2) DEFAULT 1.005")
	require.Equal(t, [][]any{{"1.01", "numeric"}}, rows("SELECT DISTINCT lim::text, pg_typeof(lim)::text FROM q"))
	x.requireCodes(t, map[string]string{
		"INSERT INTO q VALUES ('2024-01-04', 'e', 100000, 1, 1)":         "22003",
		"INSERT INTO q VALUES ('2024-01-04', 'e', 99999.9996, 1, 1)":     "22003",
		"UPDATE q SET px = 123456 WHERE sym = 'b'":                       "22003",
		"ALTER TABLE q ADD COLUMN lim2 numeric(3,2) DEFAULT 12.3":        "22003",
		"CREATE TABLE q2 (time timestamptz NOT NULL, v numeric(0,2))":    "22023",
		"CREATE TABLE q2 (time timestamptz NOT NULL, v numeric(3,1001))": "22023",
		"SELECT 12345.67::numeric(5,1)":                                  "22003",
		"ALTER TABLE q ALTER COLUMN fee TYPE numeric(3,2)":               "0A000", // 0.00001 would round
		"ALTER TABLE q ALTER COLUMN qty TYPE numeric(2,0)":               "22003", // 200 has three digits
	})
	_, err = x.Query(context.Background(), "INSERT INTO q VALUES ('2024-01-04', 'e', 100000, 1, 1)")
	require.Equal(t, `A field with precision 8, scale 3 must round to an absolute value less than 10^5 (column "px", row 1).`, planner.AsError(err).Detail)
	rows("ALTER TABLE q ALTER COLUMN qty TYPE numeric(5,0)")
	require.Equal(t, [][]any{
		{"px", "numeric", "numeric", int64(8), int64(10), int64(3)},
		{"qty", "numeric", "numeric", int64(5), int64(10), int64(0)},
		{"fee", "numeric", "numeric", nil, int64(10), nil},
	}, rows("SELECT column_name::text, data_type::text, udt_name::text, numeric_precision::int8, numeric_precision_radix::int8, numeric_scale::int8 FROM information_schema.columns WHERE table_name = 'q' AND column_name IN ('px', 'qty', 'fee') ORDER BY ordinal_position"))
	require.Equal(t, [][]any{{"numeric(8,3)", int64(524295)}, {"numeric(5,0)", int64(327684)}, {"numeric", int64(-1)}},
		rows("SELECT format_type(atttypid, atttypmod), atttypmod::int8 FROM pg_attribute WHERE attrelid = 'q'::regclass AND attname IN ('px', 'qty', 'fee') ORDER BY attnum"))
	rows("CREATE TABLE q3 AS SELECT time, sym, px, px * 2 AS dbl FROM q")

	e, x = restartRewriteTest(t, e, dir, sess)
	rows = x.rowsOf(t)
	require.Equal(t, [][]any{{"numeric(8,3)", "numeric"}},
		rows("SELECT format_type(a.atttypid, a.atttypmod), format_type(b.atttypid, b.atttypmod) FROM pg_attribute a, pg_attribute b WHERE a.attrelid = 'q3'::regclass AND a.attname = 'px' AND b.attrelid = 'q3'::regclass AND b.attname = 'dbl'"))
	// dbl is plain numeric: PostgreSQL keeps each value's scale (2.000),
	// Strata, holding a double, the digits it needs.
	require.Equal(t, [][]any{{"c", "1.000", 2.0}}, rows("SELECT sym, px::text, dbl FROM q3 WHERE sym = 'c'"))
	_ = e
}

// TestDeclaredDateConflict: in ON CONFLICT DO UPDATE, EXCLUDED.d and the
// stored d of a date column are dates, as PostgreSQL types them, in any
// session zone: d + 1, comparisons with dates and a date assigned to a
// timestamp column work (they were typed timestamp, and EXCLUDED.d + 1 was
// refused). The expectations are PostgreSQL 15's.
func TestDeclaredDateConflict(t *testing.T) {
	_, _, _, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	zone := sessionZone(t, sess)
	rows("CREATE TABLE oc (time timestamptz NOT NULL, sym text, d date, at timestamp, PRIMARY KEY (time, sym))")
	rows("INSERT INTO oc VALUES ('2024-01-01 00:00+00', 'a', '2024-03-10', '2024-03-10 10:00')")
	upsert := "INSERT INTO oc VALUES ('2024-01-01 00:00+00', 'a', %s) ON CONFLICT (time, sym) DO UPDATE SET %s RETURNING d::text, at::text"
	zone("America/New_York")
	require.Equal(t, [][]any{{"2024-05-02", "2024-05-01 12:00:00"}},
		rows(fmt.Sprintf(upsert, "'2024-05-01', '2024-05-01 11:00'", "d = excluded.d + 1, at = excluded.at + interval '1 hour'")))
	zone("Asia/Tokyo")
	require.Equal(t, [][]any{{"2024-06-01", "2024-05-01 12:00:00"}},
		rows(fmt.Sprintf(upsert, "'2024-06-01', NULL", "d = greatest(excluded.d, oc.d + 7) WHERE oc.d < excluded.d")))
	require.Empty(t, rows(fmt.Sprintf(upsert, "'2024-01-01', NULL", "d = excluded.d WHERE oc.d < excluded.d")))
	zone("America/Los_Angeles")
	require.Equal(t, [][]any{{"2024-07-01", "2024-06-01 00:00:00"}},
		rows(fmt.Sprintf(upsert, "'2024-07-01', NULL", "d = excluded.d, at = oc.d")))
	zone("Pacific/Auckland")
	require.Equal(t, [][]any{{"2024-08-02", "2024-06-01 00:00:00"}},
		rows(fmt.Sprintf(upsert, "'2024-08-01', NULL", "d = excluded.d::timestamptz + interval '1 day'")))
}

// TestTimestampPrecisionAlter: ALTER COLUMN ... TYPE timestamptz(p) of
// stored values it would round is refused with the UPDATE that rounds them
// (PostgreSQL rewrites them; Strata does not rewrite files for it), then
// taken; a wider precision is taken at once. More than 6 digits are 6, as
// PostgreSQL reduces them; a negative precision is an error.
func TestTimestampPrecisionAlter(t *testing.T) {
	_, e, p, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	run := ddlRunner(t, p, sess)
	rows("CREATE TABLE tz (time timestamptz NOT NULL, host text, z timestamptz(2), w timestamp(7))")
	rows("INSERT INTO tz VALUES ('2024-01-01 00:00+00', 'a', '2024-01-01 00:00:00.126+00', '2024-01-01 00:00:00.1234564')")
	require.Equal(t, [][]any{{"2024-01-01 00:00:00.13+00", "2024-01-01 00:00:00.123456"}}, rows("SELECT z::text, w::text FROM tz"))
	_, err := run("ALTER TABLE tz ALTER COLUMN z TYPE timestamptz(1)")
	require.Equal(t, "0A000", planner.AsError(err).Code)
	require.Equal(t, "round them first: UPDATE tz SET z = z::timestamptz(1)", planner.AsError(err).Hint)
	rows("UPDATE tz SET z = z::timestamptz(1)")
	_, err = run("ALTER TABLE tz ALTER COLUMN z TYPE timestamptz(1)")
	require.NoError(t, err)
	_, err = run("ALTER TABLE tz ALTER COLUMN z TYPE timestamptz(4)")
	require.NoError(t, err)
	sch, err := e.TableSchema("db", "tz")
	require.NoError(t, err)
	require.Equal(t, []string{"timestamp(4) with time zone", "timestamp(6) without time zone"}, []string{sch[2].SQLType, sch[3].SQLType})
	rows("UPDATE tz SET z = z + interval '0.00005 seconds'")
	require.Equal(t, [][]any{{"2024-01-01 00:00:00.1001+00"}}, rows("SELECT z::text FROM tz"), "UPDATE rounds to the type")
	_, err = run("CREATE TABLE bad (time timestamptz NOT NULL, v timestamp(-1))")
	require.Error(t, err)
}
