package planner_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
	"github.com/stretchr/testify/require"
)

// openRewriteTest opens an engine in a new directory, closed when the test
// ends, with a planner and a UTC session of database db over it.
func openRewriteTest(t *testing.T) (string, *storage.Engine, *planner.Planner, *planner.Session, *strataExec) {
	dir := t.TempDir()
	e, err := storage.Open(storage.Options{DataDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	p := &planner.Planner{Engine: e}
	sess := &planner.Session{Database: "db", Location: time.UTC, Now: time.Now()}
	return dir, e, p, sess, &strataExec{p: p, sess: sess}
}

// restartRewriteTest closes e, the engine of openRewriteTest, and opens
// its data directory again, as a restart does: the new engine and an
// executor of sess over it.
func restartRewriteTest(t *testing.T, e *storage.Engine, dir string, sess *planner.Session) (*storage.Engine, *strataExec) {
	t.Helper()
	require.NoError(t, e.Close())
	e2, err := storage.Open(storage.Options{DataDir: dir})
	require.NoError(t, err)
	t.Cleanup(func() { e2.Close() })
	return e2, &strataExec{p: &planner.Planner{Engine: e2}, sess: sess}
}

// rowsOf returns a function that runs a statement that must succeed and
// gives its rows.
func (x *strataExec) rowsOf(t *testing.T) func(sql string) [][]any {
	return func(sql string) [][]any {
		t.Helper()
		r, err := x.Query(context.Background(), sql)
		require.NoError(t, err, sql)
		return r.Rows
	}
}

// requireCodes runs each statement, which must fail with its SQLSTATE.
func (x *strataExec) requireCodes(t *testing.T, codes map[string]string) {
	t.Helper()
	for q, code := range codes {
		_, err := x.Query(context.Background(), q)
		require.Error(t, err, q)
		require.Equal(t, code, planner.AsError(err).Code, "%s: %v", q, err)
	}
}

// TestDelete: DELETE over several days of buffered and persisted rows
// removes what its condition picks (NULL keeps a row), rewrites only the
// days its time condition reaches, runs an uncorrelated subquery once
// before any day is rewritten, refuses a correlated one, and describes its
// parameters.
func TestDelete(t *testing.T) {
	dir, e, p, sess, x := openRewriteTest(t)
	ctx := context.Background()
	var b strings.Builder
	for d := range 3 {
		for h := range 4 {
			for i := range 10 {
				fmt.Fprintf(&b, "m,host=h%d v=%d %d\n", h, i, (int64(1704067200)+int64(d)*86400+int64(i)*60)*1e9)
			}
		}
		if d == 1 {
			fmt.Fprintf(&b, "m,host=h9 w=1 %d\n", (int64(1704067200)+86400)*1e9) // v is NULL here
		}
	}
	var lpp lp.Parser
	res := lpp.Parse([]byte(b.String()), lp.Options{Precision: lp.Nanosecond})
	require.NoError(t, e.Write(ctx, "db", res.Tables, storage.WriteOptions{}))
	require.NoError(t, e.Persist(ctx))
	// One more row in the buffer, on the last day.
	res = lpp.Parse([]byte(fmt.Sprintf("m,host=h0 v=100 %d\n", (int64(1704067200)+2*86400+3600)*1e9)), lp.Options{Precision: lp.Nanosecond})
	require.NoError(t, e.Write(ctx, "db", res.Tables, storage.WriteOptions{}))
	count := func(q string) int64 {
		t.Helper()
		r, err := x.Query(ctx, q)
		require.NoError(t, err, q)
		return r.Rows[0][0].(int64)
	}
	files := func(day string) []string {
		t.Helper()
		names, err := filepath.Glob(filepath.Join(dir, "dbs", "db", "m", day, "*.parquet"))
		require.NoError(t, err)
		return names
	}
	require.Equal(t, int64(3*4*10+2), count("SELECT count(*) FROM m"))

	day1 := files("2024-01-01")
	require.NotEmpty(t, day1)
	r, err := x.Query(ctx, "DELETE FROM m WHERE time >= '2024-01-02' AND v > 7")
	require.NoError(t, err)
	require.Equal(t, [][]any{{int64(2*4*2 + 1)}}, r.Rows, "v 8 and 9 of four hosts on two days, and the buffered 100; h9's NULL v stays")
	require.Equal(t, day1, files("2024-01-01"), "the first day's files were not rewritten")
	require.Equal(t, int64(1), count("SELECT count(*) FROM m WHERE host = 'h9'"))
	require.Equal(t, int64(0), count("SELECT count(*) FROM m WHERE time >= '2024-01-02' AND v > 7"))
	require.Equal(t, int64(4*2), count("SELECT count(*) FROM m WHERE time < '2024-01-02' AND v > 7"))

	// An uncorrelated subquery runs once, before the first day changes:
	// every day loses the hosts it names by their first day's rows.
	r, err = x.Query(ctx, "DELETE FROM m WHERE host IN (SELECT host FROM m WHERE time < '2024-01-02' AND v = 0 AND host < 'h2')")
	require.NoError(t, err)
	require.Equal(t, [][]any{{int64(2 * (10 + 8 + 8))}}, r.Rows)
	require.Equal(t, int64(0), count("SELECT count(*) FROM m WHERE host < 'h2'"))

	x.requireCodes(t, map[string]string{
		"DELETE FROM nosuch":                    "42P01",
		"DELETE FROM pg_class":                  "42501",
		"DELETE FROM information_schema.tables": "55000",
		"DELETE FROM system.queries":            "55000",
		"DELETE FROM nosuch.m":                  "42P01",
		"DELETE FROM m WHERE v":                 "42804",
		"DELETE FROM m WHERE nosuch = 1":        "42703",
		"DELETE FROM m ORDER BY time LIMIT 1":   "42601",
		"DELETE FROM m a WHERE v > (SELECT avg(v) FROM m b WHERE b.host = a.host)":           "0A000",
		"DELETE FROM m a WHERE EXISTS (SELECT 1 FROM m b WHERE b.host = a.host AND b.v > 8)": "0A000",
	})

	stmts, err := sql.Parse("DELETE FROM m WHERE host = $1 AND v > $2 AND time < $3")
	require.NoError(t, err)
	_, ptypes, err := p.DescribeParams(ctx, sess, stmts[0])
	require.NoError(t, err)
	require.Len(t, ptypes, 3)
	require.True(t, exec.IsText(ptypes[0].Type), "%s", ptypes[0].Type)
	require.Equal(t, "float64", ptypes[1].Type.String())
	require.Equal(t, "timestamp[ns, tz=UTC]", ptypes[2].Type.String())
}

// TestUpdate: UPDATE sets fields of the rows its condition picks, from the
// row's own values, over buffered and persisted rows, in the days its time
// condition reaches; assignment converts as PostgreSQL's (numeric 2.5 into
// an integer is 3, '7' reads as the column's type); time and tags are not
// set; values the storage cannot hold are refused with nothing changed,
// and so is every day when a later day's value fails.
func TestUpdate(t *testing.T) {
	dir, e, p, sess, x := openRewriteTest(t)
	ctx := context.Background()
	var b strings.Builder
	for d := range 2 {
		for h := range 2 {
			for i := range 5 {
				fmt.Fprintf(&b, "m,host=h%d v=%d,n=%di,s=\"x\" %d\n", h, i, i, (int64(1704067200)+int64(d)*86400+int64(i)*60)*1e9)
			}
		}
	}
	var lpp lp.Parser
	res := lpp.Parse([]byte(b.String()), lp.Options{Precision: lp.Nanosecond})
	require.NoError(t, e.Write(ctx, "db", res.Tables, storage.WriteOptions{}))
	require.NoError(t, e.Persist(ctx))
	res = lpp.Parse([]byte(fmt.Sprintf("m,host=h1 v=4,n=4i %d\n", (int64(1704067200)+86400+3600)*1e9)), lp.Options{Precision: lp.Nanosecond})
	require.NoError(t, e.Write(ctx, "db", res.Tables, storage.WriteOptions{}))
	q := x.rowsOf(t)
	day1 := func() []string {
		names, err := filepath.Glob(filepath.Join(dir, "dbs", "db", "m", "2024-01-01", "*.parquet"))
		require.NoError(t, err)
		return names
	}
	before := day1()
	require.Equal(t, [][]any{{int64(6)}}, q("UPDATE m SET v = v * 10, n = 2.5, s = upper(s) || n WHERE host = 'h1' AND time >= '2024-01-02'"))
	require.Equal(t, before, day1(), "the first day's files were not rewritten")
	require.Equal(t, [][]any{{"h1", 0.0, int64(3), "X0"}, {"h1", 40.0, int64(3), "X4"}, {"h1", 40.0, int64(3), nil}}, q("SELECT host, v, n, s FROM m WHERE host = 'h1' AND time >= '2024-01-02' AND v IN (0, 40) ORDER BY v, time"),
		"values from the row as it stood; 2.5 into bigint is 3; the buffered row's NULL s stays NULL")
	require.Equal(t, [][]any{{int64(10)}}, q("SELECT count(*) FROM m WHERE time < '2024-01-02' AND s = 'x'"))

	require.Equal(t, [][]any{{int64(2)}}, q("UPDATE m SET n = '7', s = DEFAULT WHERE host = 'h0' AND v = 3"))
	require.Equal(t, [][]any{{int64(7), nil}, {int64(7), nil}}, q("SELECT n, s FROM m WHERE host = 'h0' AND v = 3"))

	x.requireCodes(t, map[string]string{
		"UPDATE m SET host = 'z'":                                           "23505", // every host at each time: one name
		"UPDATE m SET time = now()":                                         "0A000",
		"UPDATE m SET nosuch = 1":                                           "42703",
		"UPDATE m SET v = 1, v = 2":                                         "42601",
		"UPDATE m SET n = true":                                             "42804",
		"UPDATE m SET n = 'x'":                                              "22P02",
		"UPDATE m SET n = 1e19":                                             "22003",
		"UPDATE m SET v = 1 FROM m2":                                        "0A000",
		"UPDATE pg_class SET relname = 'x'":                                 "42501",
		"UPDATE information_schema.tables SET table_name = 'x'":             "55000",
		"UPDATE m a SET v = (SELECT max(v) FROM m b WHERE b.host = a.host)": "0A000",
	})
	require.Equal(t, [][]any{{int64(0)}}, q("SELECT count(*) FROM m WHERE n > 1e18 OR v = 1 AND host = 'z'"), "the refused values changed nothing")

	// An error on the second day (a division by zero there) changes
	// nothing, as PostgreSQL's statement is one transaction: the first
	// day's rows, which the statement had rewritten, and its files stay.
	before = day1()
	rows := q("SELECT time, host, v, n FROM m ORDER BY time, host")
	x.requireCodes(t, map[string]string{
		"UPDATE m SET v = v + 1, n = n / (extract(day FROM time) - 2)::bigint": "22012",
		"DELETE FROM m WHERE 1 / (extract(day FROM time) - 2) < 0":             "22012",
	})
	require.Equal(t, rows, q("SELECT time, host, v, n FROM m ORDER BY time, host"))
	require.Equal(t, before, day1())

	stmts, err := sql.Parse("UPDATE m SET v = $1 WHERE host = $2 AND n > $3")
	require.NoError(t, err)
	_, ptypes, err := p.DescribeParams(ctx, sess, stmts[0])
	require.NoError(t, err)
	require.Len(t, ptypes, 3)
	require.Equal(t, "float64", ptypes[0].Type.String())
	require.True(t, exec.IsText(ptypes[1].Type), "%s", ptypes[1].Type)
	require.Equal(t, "int64", ptypes[2].Type.String())
}

// TestUpdateTags: UPDATE sets a tag as PostgreSQL 15 sets a column of a
// primary key on time and the tags (expected values from it): a new name,
// the declared type's limits, NULL and RETURNING; a statement that would
// give two rows one name is refused (23505) and changes nothing. Unlike
// PostgreSQL, which checks the key row by row, a swap of two rows' names
// is taken: the names are checked once the statement's rows are all set.
func TestUpdateTags(t *testing.T) {
	_, _, _, _, x := openRewriteTest(t)
	q := x.rowsOf(t)
	q("CREATE TABLE tg (time timestamptz NOT NULL, host varchar(3), dc text, v double precision)")
	q("INSERT INTO tg VALUES ('2024-01-01', 'a', 'x', 1), ('2024-01-01', 'b', 'x', 2), ('2024-01-02', 'a', NULL, 3)")
	all := "SELECT time::text, host, dc, v FROM tg ORDER BY time, host"
	before := q(all)
	x.requireCodes(t, map[string]string{
		"UPDATE tg SET host = 'b' WHERE v = 1":    "23505",
		"UPDATE tg SET host = 'long' WHERE v = 3": "22001",
		"UPDATE tg SET time = now()":              "0A000",
	})
	require.Equal(t, before, q(all), "the refused statements changed nothing")
	require.Equal(t, [][]any{{"A1", "x", 1.0}, {"B2", "x", 2.0}}, q("UPDATE tg SET host = upper(host) || v WHERE time = '2024-01-01' RETURNING host, dc, v"))
	require.Equal(t, [][]any{{"2024-01-02 00:00:00+00", "12", nil, 3.0}}, q("UPDATE tg SET dc = NULL, host = 12 WHERE v = 3 RETURNING time::text, host, dc, v"))
	require.Equal(t, [][]any{{"2024-01-01 00:00:00+00", "A1", "x", 1.0}, {"2024-01-01 00:00:00+00", "B2", "x", 2.0}, {"2024-01-02 00:00:00+00", "12", nil, 3.0}}, q(all))
	require.Equal(t, [][]any{{int64(1)}}, q("SELECT count(*) FROM tg WHERE host = 'B2'"), "the new name is the tag's value")

	q("UPDATE tg SET host = CASE host WHEN 'A1' THEN 'B2' ELSE 'A1' END WHERE time = '2024-01-01'")
	require.Equal(t, [][]any{{"A1", 2.0}, {"B2", 1.0}}, q("SELECT host, v FROM tg WHERE time = '2024-01-01' ORDER BY host"), "a swap")
}

// TestInsertOnConflict: ON CONFLICT DO NOTHING leaves out the rows whose
// time and tags are stored, and the later of two rows of the INSERT with
// one name; DO UPDATE SET c = EXCLUDED.c writes only the columns it sets
// into a stored row (a column the INSERT does not give would be NULL over
// a value: refused); the counts are PostgreSQL's (checked against
// PostgreSQL 15 with a primary key on time and host).
func TestInsertOnConflict(t *testing.T) {
	_, _, _, _, x := openRewriteTest(t)
	q := x.rowsOf(t)
	q("INSERT INTO oc (time, host, v, w) VALUES ('2024-01-01', 'a', 1.0, 10.0), ('2024-01-01', 'b', 2, 20)")
	require.Equal(t, [][]any{{int64(1)}}, q("INSERT INTO oc (time, host, v, w) VALUES ('2024-01-01', 'a', 5, 50), ('2024-01-02', 'a', 6, 60) ON CONFLICT DO NOTHING"))
	require.Equal(t, [][]any{{"a", 1.0, 10.0}, {"b", 2.0, 20.0}, {"a", 6.0, 60.0}}, q("SELECT host, v, w FROM oc ORDER BY time, host"))
	require.Equal(t, [][]any{{int64(2)}}, q("INSERT INTO oc (time, host, v, w) VALUES ('2024-01-01', 'b', 7, 70), ('2024-01-03', 'b', 8, 80) ON CONFLICT (time, host) DO UPDATE SET v = EXCLUDED.v"))
	require.Equal(t, [][]any{{"a", 1.0, 10.0}, {"b", 7.0, 20.0}, {"a", 6.0, 60.0}, {"b", 8.0, 80.0}}, q("SELECT host, v, w FROM oc ORDER BY time, host"),
		"the stored row took v only; the new row all its columns")
	require.Equal(t, [][]any{{int64(2)}}, q("INSERT INTO oc (time, host, v, w) VALUES ('2024-01-01', 'a', 9, 90), ('2024-01-01', 'b', 9, 90) ON CONFLICT (host, time) DO UPDATE SET v = EXCLUDED.v, w = EXCLUDED.w"))
	require.Equal(t, [][]any{{int64(1)}}, q("INSERT INTO oc (time, host, v) VALUES ('2024-01-05', 'c', 1), ('2024-01-05', 'c', 2) ON CONFLICT DO NOTHING"))
	require.Equal(t, [][]any{{1.0}}, q("SELECT v FROM oc WHERE host = 'c'"), "the first of two rows with one name")
	require.Equal(t, [][]any{{int64(1)}}, q("INSERT INTO oc SELECT time + interval '1 day', host, v, w FROM oc WHERE host = 'a' ON CONFLICT DO NOTHING"))
	require.Equal(t, [][]any{{int64(6), 39.0, 380.0}}, q("SELECT count(*), sum(v), sum(w) FROM oc"), "PostgreSQL: 6, 39 and 380 before the two statements refused here")

	x.requireCodes(t, map[string]string{
		"INSERT INTO oc (time, host, v) VALUES ('2024-01-01', 'a', 1) ON CONFLICT (v) DO NOTHING":                                      "42P10",
		"INSERT INTO oc (time, host, v) VALUES ('2024-01-01', 'a', 1) ON CONFLICT (time, host) DO UPDATE SET host = EXCLUDED.host":     "0A000",
		"INSERT INTO oc (time, host, v) VALUES ('2024-01-01', 'a', 1) ON CONFLICT (time, host) DO UPDATE SET w = EXCLUDED.w":           "0A000",
		"INSERT INTO oc (time, host, v) VALUES ('2024-01-01', 'a', 1) ON CONFLICT (time, host) DO UPDATE SET nosuch = EXCLUDED.nosuch": "42703",
		"INSERT INTO oc (time, host, v) VALUES ('2024-01-01', 'a', 1) ON CONFLICT (time, host) DO UPDATE SET v = v + 1":                "42702",
		"INSERT INTO oc (time, host, v) VALUES ('2024-01-01', 'a', 1) ON CONFLICT ON CONSTRAINT oc_pkey DO NOTHING":                    "42704",
	})
}

// TestInsertOnConflictUpdate: DO UPDATE computes its values over the
// stored row (by the table's name or the INSERT's alias) and EXCLUDED, as
// PostgreSQL 15 does on the same statements (a primary key on time and
// host there): counters, a WHERE that leaves rows untouched (and out of
// the count), a column the INSERT does not give, an INSERT ... SELECT;
// NULL over a stored value is refused, changing nothing.
func TestInsertOnConflictUpdate(t *testing.T) {
	_, _, _, _, x := openRewriteTest(t)
	q := x.rowsOf(t)
	q("CREATE TABLE up (time timestamptz, host text, v float8, n bigint, note text, PRIMARY KEY (time, host))")
	q("INSERT INTO up (time, host, v, n, note) VALUES ('2024-01-01', 'a', 1.5, 1, 'x'), ('2024-01-01 00:01', 'a', 2.5, 2, NULL), ('2024-01-01', 'b', NULL, 3, 'y')")
	all := func() [][]any { return q("SELECT host, v, n, note FROM up ORDER BY time, host") }
	require.Equal(t, [][]any{{int64(1)}}, q("INSERT INTO up (time, host, v) VALUES ('2024-01-01', 'a', 10) ON CONFLICT (time, host) DO UPDATE SET v = up.v + excluded.v"))
	require.Equal(t, [][]any{{"a", 11.5, int64(1), "x"}, {"b", nil, int64(3), "y"}, {"a", 2.5, int64(2), nil}}, all())
	require.Equal(t, [][]any{{int64(2)}}, q("INSERT INTO up (time, host, v) VALUES ('2024-01-01', 'a', 1), ('2024-01-01 00:05', 'c', 7) "+
		"ON CONFLICT (time, host) DO UPDATE SET n = up.n + 100, note = up.note || '!' || excluded.v::text"))
	require.Equal(t, [][]any{{"a", 11.5, int64(101), "x!1"}, {"b", nil, int64(3), "y"}, {"a", 2.5, int64(2), nil}, {"c", 7.0, nil, nil}}, all(),
		"n and note, which the INSERT does not give, set in the stored row; the new row inserted")
	require.Equal(t, [][]any{{int64(1)}}, q("INSERT INTO up AS t (time, host, n) VALUES ('2024-01-01', 'a', 5), ('2024-01-01 00:01', 'a', 5) "+
		"ON CONFLICT (time, host) DO UPDATE SET n = t.n * excluded.n WHERE t.v > 5"), "the row the WHERE leaves is not counted")
	require.Equal(t, [][]any{{"a", 11.5, int64(505), "x!1"}, {"b", nil, int64(3), "y"}, {"a", 2.5, int64(2), nil}, {"c", 7.0, nil, nil}}, all())
	require.Equal(t, [][]any{{int64(3)}}, q("INSERT INTO up (time, host, v) SELECT time, host, v FROM up WHERE v IS NOT NULL "+
		"ON CONFLICT (time, host) DO UPDATE SET v = excluded.v * 2 WHERE up.host = 'a' OR up.n IS NULL"))
	require.Equal(t, [][]any{{"a", 23.0, int64(505), "x!1"}, {"b", nil, int64(3), "y"}, {"a", 5.0, int64(2), nil}, {"c", 14.0, nil, nil}}, all())

	x.requireCodes(t, map[string]string{
		"INSERT INTO up (time, host, v) VALUES ('2024-01-01', 'b', 3) ON CONFLICT (time, host) DO UPDATE SET note = NULL":         "0A000",
		"INSERT INTO up (time, host, v) VALUES ('2024-01-01', 'a', 3) ON CONFLICT (time, host) DO UPDATE SET n = excluded.n":      "0A000",
		"INSERT INTO up (time, host, v) VALUES ('2024-01-01', 'b', 3) ON CONFLICT (time, host) DO UPDATE SET n = 'abc'":           "22P02",
		"INSERT INTO up (time, host, v) VALUES ('2024-01-01', 'b', 3) ON CONFLICT (time, host) DO UPDATE SET v = 1 WHERE up.note": "42804",
		"INSERT INTO up (time, host, v) VALUES ('2024-01-01', 'b', 3) ON CONFLICT (time, host) DO UPDATE SET v = up.nosuch":       "42703",
		"INSERT INTO up (time, host, v) VALUES ('2024-01-01', 'b', 3) ON CONFLICT (time, host) DO UPDATE SET v = 1, v = 2":        "42601",
	})
	require.Equal(t, [][]any{{"a", 23.0, int64(505), "x!1"}, {"b", nil, int64(3), "y"}, {"a", 5.0, int64(2), nil}, {"c", 14.0, nil, nil}}, all(), "no refused statement changed a row")
	require.Equal(t, [][]any{{int64(1)}}, q("INSERT INTO up (time, host, v) VALUES ('2024-01-01', 'b', 3) ON CONFLICT (time, host) DO UPDATE SET n = '77', v = coalesce(up.v, 0) + 2.5"))
	require.Equal(t, [][]any{{2.5, int64(77)}}, q("SELECT v, n FROM up WHERE host = 'b'"))
}
