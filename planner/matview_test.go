package planner_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// TestMaterializedView: CREATE MATERIALIZED VIEW keeps its query's rows
// under the view's column names and order (time under its own name),
// which queries read; writes to the source change them only when a
// refresh (REFRESH MATERIALIZED VIEW: all; refresh_continuous_aggregate: a
// window) computes them again; a view over a view; the view outlives its
// source; PostgreSQL's and TimescaleDB's errors; nothing is left by a
// failed create.
func TestMaterializedView(t *testing.T) {
	_, e, p, sess, x := openRewriteTest(t)
	ctx := context.Background()
	run := ddlRunner(t, p, sess)
	rows := x.rowsOf(t)
	rows("CREATE TABLE cond (time timestamptz NOT NULL, location text, temperature double precision, n bigint)")
	rows("INSERT INTO cond VALUES ('2024-01-01 00:10+00', 'office', 70, 1), ('2024-01-01 00:40+00', 'office', 72, 2), " +
		"('2024-01-01 01:10+00', 'office', 74, 3), ('2024-01-01 00:20+00', 'garage', 60, 4)")

	res, err := run("CREATE MATERIALIZED VIEW cond_h WITH (timescaledb.continuous) AS SELECT time_bucket('1 hour', time) AS bucket, " +
		"location, avg(temperature) AS avg_t, count(*) AS n FROM cond GROUP BY bucket, location")
	require.NoError(t, err)
	require.Equal(t, planner.DDLResult{Tables: 1, Selected: true, Rows: 3}, res)
	ts := func(s string) any {
		v, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return v.UnixNano()
	}
	view := func(q string) [][]any {
		out := rows(q)
		for _, r := range out {
			if tm, ok := r[0].(time.Time); ok {
				r[0] = tm.UnixNano()
			}
		}
		return out
	}
	all := "SELECT * FROM cond_h ORDER BY bucket, location"
	h0, h1, h2 := ts("2024-01-01T00:00:00Z"), ts("2024-01-01T01:00:00Z"), ts("2024-01-01T02:00:00Z")
	require.Equal(t, [][]any{{h0, "garage", 60.0, int64(1)}, {h0, "office", 71.0, int64(2)}, {h1, "office", 74.0, int64(1)}}, view(all))
	require.Equal(t, [][]any{{74.0}}, rows("SELECT avg_t FROM cond_h WHERE location = 'office' AND bucket >= '2024-01-01 01:00+00'"))
	def, ok := e.ViewOf("db", "cond_h")
	require.True(t, ok)
	require.Equal(t, []string{"bucket", "location", "avg_t", "n"}, def.Columns)
	require.True(t, def.Continuous)

	// Writes to the source show after a refresh; a window refreshes the
	// buckets that start in it.
	rows("INSERT INTO cond VALUES ('2024-01-01 01:30+00', 'office', 80, 5), ('2024-01-01 02:05+00', 'garage', 61, 6), ('2024-01-01 00:50+00', 'garage', 62, 7)")
	require.Len(t, rows(all), 3, "nothing changes before a refresh")
	call, err := sql.Parse("CALL refresh_continuous_aggregate('cond_h', '2024-01-01 01:00+00', '2024-01-01 02:00+00')")
	require.NoError(t, err)
	require.Equal(t, sql.Call, call[0].Kind)
	_, op, err := p.Run(ctx, sess, call[0], nil)
	require.NoError(t, err)
	op.Close()
	require.Equal(t, [][]any{{h0, "garage", 60.0, int64(1)}, {h0, "office", 71.0, int64(2)}, {h1, "office", 77.0, int64(2)}}, view(all),
		"the 01:00 bucket only: 00:00 and 02:00 are outside the window")
	rows("SELECT refresh_continuous_aggregate('cond_h', NULL, '2024-01-01 01:00+00')")
	require.Equal(t, [][]any{{h0, "garage", 61.0, int64(2)}, {h0, "office", 71.0, int64(2)}, {h1, "office", 77.0, int64(2)}}, view(all))
	res, err = run("REFRESH MATERIALIZED VIEW cond_h")
	require.NoError(t, err)
	require.Equal(t, int64(4), res.Rows)
	require.Equal(t, [][]any{{h0, "garage", 61.0, int64(2)}, {h0, "office", 71.0, int64(2)}, {h1, "office", 77.0, int64(2)}, {h2, "garage", 61.0, int64(1)}}, view(all))

	// A group gone from the source goes from the window refreshed.
	rows("DELETE FROM cond WHERE location = 'garage' AND time < '2024-01-01 01:00+00'")
	rows("SELECT refresh_continuous_aggregate('cond_h', '2024-01-01 00:00+00', '2024-01-01 01:00+00')")
	require.Equal(t, [][]any{{h0, "office", 71.0, int64(2)}, {h1, "office", 77.0, int64(2)}, {h2, "garage", 61.0, int64(1)}}, view(all))
	// A value gone NULL in the source is NULL in the view (the row is
	// deleted and written again: a write cannot put NULL over a value).
	rows("UPDATE cond SET temperature = NULL WHERE location = 'office' AND time >= '2024-01-01 01:00+00'")
	rows("SELECT refresh_continuous_aggregate('cond_h', '2024-01-01 01:00+00', '2024-01-01 02:00+00')")
	require.Equal(t, [][]any{{h0, "office", 71.0, int64(2)}, {h1, "office", nil, int64(2)}, {h2, "garage", 61.0, int64(1)}}, view(all))
	rows("UPDATE cond SET temperature = 74 WHERE location = 'office' AND time = '2024-01-01 01:10+00'")
	rows("UPDATE cond SET temperature = 80 WHERE location = 'office' AND time = '2024-01-01 01:30+00'")
	rows("INSERT INTO cond VALUES ('2024-01-01 00:20+00', 'garage', 60, 4), ('2024-01-01 00:50+00', 'garage', 62, 7)")
	_, err = run("REFRESH MATERIALIZED VIEW cond_h")
	require.NoError(t, err)

	// A view over a view, made empty, then filled.
	_, err = run("CREATE MATERIALIZED VIEW cond_d (day, loc, mean) AS SELECT time_bucket('1 day', bucket), location, avg(avg_t) FROM cond_h GROUP BY 1, 2 WITH NO DATA")
	require.NoError(t, err)
	require.Empty(t, rows("SELECT * FROM cond_d"))
	_, err = run("REFRESH MATERIALIZED VIEW cond_d")
	require.NoError(t, err)
	require.Equal(t, [][]any{{"garage", 61.0}, {"office", 74.0}}, rows("SELECT loc, mean FROM cond_d ORDER BY loc"))
	_, err = run("REFRESH MATERIALIZED VIEW cond_d WITH NO DATA")
	require.NoError(t, err)
	require.Empty(t, rows("SELECT * FROM cond_d"))

	// A timestamp that is an aggregate's result is a value (a timestamptz
	// field); the bucket names the rows, wherever it stands.
	_, err = run("CREATE MATERIALIZED VIEW cond_seen WITH (timescaledb.continuous) AS SELECT location, max(time) AS last_seen, " +
		"time_bucket('1 day', time) AS day, min(time) AS first_seen FROM cond GROUP BY location, day")
	require.NoError(t, err)
	seen := "SELECT location, last_seen::text, day::text, first_seen::text FROM cond_seen ORDER BY location, day"
	direct := "SELECT location, max(time)::text, time_bucket('1 day', time)::text AS day, min(time)::text FROM cond GROUP BY location, day ORDER BY location, day"
	require.Len(t, rows(seen), 2)
	require.Equal(t, rows(direct), rows(seen))
	def, ok = e.ViewOf("db", "cond_seen")
	require.True(t, ok)
	require.Equal(t, "day", def.Time)
	typ, _ := e.ColumnType("db", "cond_seen", "last_seen")
	require.Equal(t, storage.TypeTimestamp, typ)
	rows("INSERT INTO cond VALUES ('2024-01-01 03:00+00', 'garage', 61, 9)")
	_, err = run("REFRESH MATERIALIZED VIEW cond_seen")
	require.NoError(t, err)
	require.Equal(t, "2024-01-01 03:00:00+00", rows(seen)[0][1])
	require.Equal(t, rows(direct), rows(seen))
	_, err = run("DROP MATERIALIZED VIEW cond_seen")
	require.NoError(t, err)
	rows("DELETE FROM cond WHERE n = 9")

	x.requireCodes(t, map[string]string{
		"CREATE MATERIALIZED VIEW bad AS SELECT time_bucket('1 hour', time) AS b, date_trunc('day', time) AS d, count(*) FROM cond GROUP BY 1, 2": "0A000",
		"INSERT INTO cond_h VALUES (now(), 'x', 1, 1)":         "42809",
		"UPDATE cond_h SET avg_t = 1":                          "42809",
		"DELETE FROM cond_h":                                   "42809",
		"DROP TABLE cond_h":                                    "42809",
		"TRUNCATE cond_h":                                      "42809",
		"DROP MATERIALIZED VIEW cond":                          "42809",
		"DROP MATERIALIZED VIEW nosuch":                        "42P01",
		"REFRESH MATERIALIZED VIEW cond":                       "0A000",
		"CREATE MATERIALIZED VIEW cond_h AS SELECT now() AS t": "42P07",
		"CREATE MATERIALIZED VIEW bad AS SELECT location, count(*) FROM cond GROUP BY 1":                     "0A000",
		"CREATE MATERIALIZED VIEW bad AS SELECT time, time - time AS later FROM cond":                        "0A000",
		"CREATE MATERIALIZED VIEW bad WITH (fillfactor = 50) AS SELECT time FROM cond":                       "0A000",
		"CREATE MATERIALIZED VIEW bad WITH (timescaledb.materialized_only = false) AS SELECT time FROM cond": "22023",
		"CREATE MATERIALIZED VIEW bad AS SELECT time_bucket('1 day', time) AS b, n FROM cond":                "23505",
		"CREATE MATERIALIZED VIEW bad AS SELECT time, 1 AS time FROM cond":                                   "42P16",
		"SELECT refresh_continuous_aggregate('cond', NULL, NULL)":                                            "42809",
		"SELECT refresh_continuous_aggregate('cond_h', '2024-01-02', '2024-01-01')":                          "22023",
	})
	_, err = e.TableSchema("db", "bad")
	require.Error(t, err, "no failed create left a view, not even the one whose rows collided once it was made")

	// Line protocol cannot write into a view; the view outlives its
	// source's rows; what a view reads cannot be dropped without CASCADE
	// (PostgreSQL's 2BP01), which drops the views over it, views over
	// views too.
	err = e.Write(ctx, "db", []*storage.TableBatch{{Table: "cond_h", Rows: 1, Time: []int64{1}}}, storage.WriteOptions{})
	require.ErrorContains(t, err, "materialized view")
	rows("SELECT count(*) FROM drop_chunks('cond', older_than => now())")
	require.Equal(t, [][]any{{int64(0)}}, rows("SELECT count(*) FROM cond"))
	require.Len(t, rows(all), 4, "the view keeps its rows")
	_, err = run("DROP TABLE cond")
	e2 := planner.AsError(err)
	require.Equal(t, [3]string{"2BP01", "cannot drop table cond because other objects depend on it", "materialized view cond_h depends on table cond"}, [3]string{e2.Code, e2.Msg, e2.Detail})
	_, err = run("DROP MATERIALIZED VIEW cond_h")
	require.Equal(t, "2BP01", planner.AsError(err).Code, "cond_d reads cond_h")
	_, err = run("DROP MATERIALIZED VIEW cond_d, cond_h RESTRICT")
	require.NoError(t, err, "both dropped together")
	_, err = run("CREATE MATERIALIZED VIEW cond_h AS SELECT time_bucket('1 hour', time) AS bucket, location FROM cond GROUP BY 1, 2")
	require.NoError(t, err)
	_, err = run("CREATE MATERIALIZED VIEW cond_d AS SELECT time_bucket('1 day', bucket) AS day, location FROM cond_h GROUP BY 1, 2")
	require.NoError(t, err)
	res, err = run("DROP TABLE cond CASCADE")
	require.NoError(t, err)
	require.Equal(t, []planner.Notice{{Severity: "NOTICE", Code: "00000", Msg: "drop cascades to 2 other objects",
		Detail: "drop cascades to materialized view cond_d\ndrop cascades to materialized view cond_h"}}, res.Notices)
	require.Equal(t, 3, res.Tables)
	for _, gone := range []string{"cond", "cond_h", "cond_d"} {
		_, err = e.TableSchema("db", gone)
		require.Error(t, err, gone)
	}
	res, err = run("DROP MATERIALIZED VIEW IF EXISTS cond_h, nosuch")
	require.NoError(t, err)
	require.Equal(t, []string{`materialized view "cond_h" does not exist, skipping`, `materialized view "nosuch" does not exist, skipping`}, noticeTexts(res.Notices, "00000"))
}

// TestContinuousAggregatePolicy: a refresh policy refreshes its window
// (now - start_offset to now - end_offset) when due, and not before its
// schedule comes round again; it shows in timescaledb_information.jobs
// and is removed; TimescaleDB's errors.
func TestContinuousAggregatePolicy(t *testing.T) {
	_, e, p, _, x := openRewriteTest(t)
	ctx := context.Background()
	rows := x.rowsOf(t)
	rows("CREATE TABLE m (time timestamptz NOT NULL, host text, v double precision)")
	rows("CREATE TABLE other (time timestamptz NOT NULL, v double precision)")
	rows("INSERT INTO m VALUES ('2024-01-01 00:10+00', 'a', 1), ('2024-01-01 12:10+00', 'a', 2), ('2024-01-01 23:30+00', 'a', 4), ('2023-12-31 10:00+00', 'a', 8)")
	rows("CREATE MATERIALIZED VIEW m_h WITH (timescaledb.continuous) AS SELECT time_bucket('1 hour', time) AS bucket, host, sum(v) AS s FROM m GROUP BY 1, 2 WITH NO DATA")
	id := planner.TableOID("db", "m_h")
	require.Equal(t, [][]any{{id}}, rows("SELECT add_continuous_aggregate_policy('m_h', start_offset => INTERVAL '1 day', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '1 hour')"))
	sum := func() any { return rows("SELECT sum(s) FROM m_h")[0][0] }

	now := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	require.Equal(t, 1, p.RunDuePolicies(ctx, now, nil))
	require.Equal(t, 3.0, sum(), "[2024-01-01 00:00, 23:00): not the 23:30 row, not the day before")
	rows("INSERT INTO m VALUES ('2024-01-01 13:10+00', 'a', 16)")
	require.Equal(t, 0, p.RunDuePolicies(ctx, now.Add(30*time.Minute), nil), "not due before its schedule")
	require.Equal(t, 3.0, sum())
	require.Equal(t, 1, p.RunDuePolicies(ctx, now.Add(61*time.Minute), nil))
	require.Equal(t, 23.0, sum(), "[2024-01-01 01:01, 2024-01-02 00:01): the 23:30 row and the new one; the 00:10 bucket kept")
	require.Equal(t, [][]any{{"policy_refresh_continuous_aggregate", `{"end_offset": "01:00:00", "start_offset": "1 day", "mat_hypertable_id": ` + fmt.Sprint(id) + `}`}},
		rows("SELECT proc_name, config FROM timescaledb_information.jobs"))
	require.Equal(t, [][]any{{id, "Success", int64(2), int64(2), int64(0), true}},
		rows("SELECT job_id, last_run_status, total_runs, total_successes, total_failures, last_successful_finish IS NOT NULL FROM timescaledb_information.job_stats"))
	// The source gone (as InfluxDB 3's DELETE /api/v3/configure/table,
	// which knows no views, takes it): the next run fails, the view keeps
	// its rows.
	require.NoError(t, e.DropTable(ctx, "db", "m"))
	require.Equal(t, 0, p.RunDuePolicies(ctx, now.Add(3*time.Hour), nil))
	require.Equal(t, 23.0, sum())
	require.Equal(t, [][]any{{"Failed", int64(3), int64(1)}}, rows("SELECT last_run_status, total_runs, total_failures FROM timescaledb_information.job_stats"))

	x.requireCodes(t, map[string]string{
		"SELECT add_continuous_aggregate_policy('m_h', INTERVAL '1 day', NULL, INTERVAL '1 hour')":              "42710",
		"SELECT add_continuous_aggregate_policy('other', INTERVAL '1 day', NULL, INTERVAL '1 hour')":            "0A000",
		"SELECT add_continuous_aggregate_policy('m_h', INTERVAL '1 hour', INTERVAL '1 day', INTERVAL '1 hour')": "22023",
		"SELECT add_continuous_aggregate_policy('m_h', INTERVAL '1 day', NULL, NULL)":                           "22023",
		"SELECT add_continuous_aggregate_policy('m_h', 1, NULL, INTERVAL '1 hour')":                             "22023",
	})
	require.Equal(t, [][]any{{""}}, rows("SELECT remove_continuous_aggregate_policy('m_h')"))
	x.requireCodes(t, map[string]string{"SELECT remove_continuous_aggregate_policy('m_h')": "42704"})
	require.Equal(t, 0, p.RunDuePolicies(ctx, now.Add(48*time.Hour), nil), "no policy left")
	def, _ := e.ViewOf("db", "m_h")
	require.Empty(t, def.Options["policy_schedule_interval_ns"])
}

// TestViewOutlivesRetention: a refresh leaves the view's rows from before
// its source's retention cutoff, which the source no longer holds: the
// rollup outlives the raw data (a refresh there would have found no rows
// and deleted them).
func TestViewOutlivesRetention(t *testing.T) {
	_, _, _, _, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	rows("CREATE TABLE raw (time timestamptz NOT NULL, host text, v double precision)")
	rows("INSERT INTO raw VALUES (now() - INTERVAL '40 days', 'a', 1), (now() - INTERVAL '1 hour', 'a', 2)")
	rows("CREATE MATERIALIZED VIEW raw_d WITH (timescaledb.continuous) AS SELECT time_bucket('1 day', time) AS day, host, sum(v) AS s FROM raw GROUP BY 1, 2")
	all := "SELECT s FROM raw_d ORDER BY day"
	require.Equal(t, [][]any{{1.0}, {2.0}}, rows(all))
	rows("SELECT add_retention_policy('raw', INTERVAL '30 days')")
	require.Equal(t, [][]any{{int64(1)}}, rows("SELECT count(*) FROM raw"), "the raw row 40 days old is gone")
	rows("REFRESH MATERIALIZED VIEW raw_d")
	rows("SELECT refresh_continuous_aggregate('raw_d', NULL, NULL)")
	require.Equal(t, [][]any{{1.0}, {2.0}}, rows(all), "the view keeps the day the source no longer holds")
	rows("INSERT INTO raw VALUES (now() - INTERVAL '1 minute', 'a', 5)")
	rows("REFRESH MATERIALIZED VIEW raw_d")
	require.Equal(t, [][]any{{8.0}}, rows("SELECT sum(s) FROM raw_d"), "the old day kept, the recent one(s) refreshed")
	require.Equal(t, 1.0, rows(all)[0][0])
}

// TestRealTimeAggregate: a continuous aggregate with
// timescaledb.materialized_only = false gives the rows materialized up to
// its watermark (its latest bucket) and computes the rest from the source
// as it is read, each bucket once; conditions reach both sides' scans;
// ALTER MATERIALIZED VIEW turns it on and off; TimescaleDB's and
// PostgreSQL's errors.
func TestRealTimeAggregate(t *testing.T) {
	_, e, p, sess, x := openRewriteTest(t)
	run := ddlRunner(t, p, sess)
	rows := x.rowsOf(t)
	rows("CREATE TABLE m (time timestamptz NOT NULL, host text, v double precision)")
	rows("INSERT INTO m VALUES ('2024-01-01 00:10+00', 'a', 1), ('2024-01-01 01:10+00', 'a', 2), ('2024-01-01 01:20+00', 'b', 4), ('2024-01-01 02:10+00', 'a', 8)")
	rows("CREATE MATERIALIZED VIEW m_h WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS " +
		"SELECT host, time_bucket('1 hour', time) AS bucket, sum(v) AS s, count(*) AS n FROM m GROUP BY 1, 2 WITH NO DATA")
	all := "SELECT host, extract(hour FROM bucket)::int AS h, s, n FROM m_h ORDER BY bucket, host"
	require.Equal(t, [][]any{{"a", int64(0), 1.0, int64(1)}, {"a", int64(1), 2.0, int64(1)}, {"b", int64(1), 4.0, int64(1)}, {"a", int64(2), 8.0, int64(1)}}, rows(all),
		"never refreshed: all computed from the source")
	require.Equal(t, [][]any{{false}}, rows("SELECT materialized_only FROM timescaledb_information.continuous_aggregates"))

	// Materialized up to 01:00's bucket; then a late row lands in each of
	// the 00:00 and 01:00 buckets and a new one at 03:00.
	rows("SELECT refresh_continuous_aggregate('m_h', '2024-01-01 00:00+00', '2024-01-01 02:00+00')")
	require.Equal(t, [][]any{{int64(3)}}, rows("SELECT count(*) FROM m_h WHERE bucket < '2024-01-01 02:00+00'"))
	rows("INSERT INTO m VALUES ('2024-01-01 00:20+00', 'a', 16), ('2024-01-01 01:30+00', 'a', 32), ('2024-01-01 03:00+00', 'b', 64)")
	require.Equal(t, [][]any{{"a", int64(0), 1.0, int64(1)}, {"a", int64(1), 34.0, int64(2)}, {"b", int64(1), 4.0, int64(1)},
		{"a", int64(2), 8.0, int64(1)}, {"b", int64(3), 64.0, int64(1)}}, rows(all),
		"00:00 as materialized (the late row waits for a refresh); from the watermark's bucket (01:00) on, computed from the source")
	require.Equal(t, [][]any{{34.0}, {8.0}}, rows("SELECT s FROM m_h WHERE host = 'a' AND bucket >= '2024-01-01 01:00+00' ORDER BY bucket"))
	require.Equal(t, [][]any{{1.0}}, rows("SELECT s FROM m_h WHERE host = 'a' AND bucket < '2024-01-01 01:00+00'"))
	require.Equal(t, [][]any{{int64(5)}}, rows("WITH m AS (SELECT 1 AS x) SELECT count(*) FROM m_h"), "the view's query reads the table m, not the reader's WITH m")
	require.Equal(t, [][]any{{int64(1)}}, rows("SELECT count(*) FROM m_h a JOIN m_h b ON a.bucket = b.bucket AND a.host = 'a' AND b.host = 'b'"))

	// Materialized only: the rows refreshed, as they were refreshed.
	res, err := run("ALTER MATERIALIZED VIEW m_h SET (timescaledb.materialized_only = true)")
	require.NoError(t, err)
	require.Equal(t, 1, res.Tables)
	require.Equal(t, [][]any{{"a", int64(0), 1.0, int64(1)}, {"a", int64(1), 2.0, int64(1)}, {"b", int64(1), 4.0, int64(1)}}, rows(all))
	require.Equal(t, [][]any{{true}}, rows("SELECT materialized_only FROM timescaledb_information.continuous_aggregates"))
	def, _ := e.ViewOf("db", "m_h")
	require.NotContains(t, def.Options, "materialized_only")
	res, err = run("ALTER MATERIALIZED VIEW m_h SET (timescaledb.materialized_only)")
	require.NoError(t, err)
	require.Equal(t, 0, res.Tables, "already so: nothing changes")
	_, err = run("ALTER MATERIALIZED VIEW m_h SET (timescaledb.materialized_only = off)")
	require.NoError(t, err)
	require.Len(t, rows(all), 5)
	rows("REFRESH MATERIALIZED VIEW m_h")
	require.Equal(t, [][]any{{"a", int64(0), 17.0, int64(2)}, {"a", int64(1), 34.0, int64(2)}, {"b", int64(1), 4.0, int64(1)},
		{"a", int64(2), 8.0, int64(1)}, {"b", int64(3), 64.0, int64(1)}}, rows(all), "all materialized, nothing counted twice")

	res, err = run("ALTER MATERIALIZED VIEW IF EXISTS nosuch SET (timescaledb.materialized_only = false)")
	require.NoError(t, err)
	require.Equal(t, []string{`relation "nosuch" does not exist, skipping`}, noticeTexts(res.Notices, "00000"))
	rows("CREATE MATERIALIZED VIEW plain AS SELECT time_bucket('1 day', time) AS day, count(*) FROM m GROUP BY 1")
	x.requireCodes(t, map[string]string{
		"ALTER MATERIALIZED VIEW nosuch SET (timescaledb.materialized_only = false)":                                              "42P01",
		"ALTER MATERIALIZED VIEW m SET (timescaledb.materialized_only = false)":                                                   "42809",
		"ALTER MATERIALIZED VIEW plain SET (timescaledb.materialized_only = false)":                                               "22023",
		"ALTER MATERIALIZED VIEW m_h SET (timescaledb.materialized_only = maybe)":                                                 "22023",
		"ALTER MATERIALIZED VIEW m_h SET (timescaledb.continuous = false)":                                                        "22023",
		"ALTER MATERIALIZED VIEW m_h SET (timescaledb.finalized = true)":                                                          "22023",
		"ALTER MATERIALIZED VIEW m_h SET (timescaledb.nosuch = 1)":                                                                "22023",
		"ALTER MATERIALIZED VIEW m_h SET (timescaledb.compress)":                                                                  "0A000",
		"ALTER MATERIALIZED VIEW m_h SET (fillfactor = 50)":                                                                       "0A000",
		"ALTER MATERIALIZED VIEW m_h RENAME TO other":                                                                             "0A000",
		"CREATE MATERIALIZED VIEW bad WITH (timescaledb.continuous, timescaledb.materialized_only = maybe) AS SELECT time FROM m": "22023",
	})
}

// TestConcurrentRefreshes: refreshes of one view run one at a time, so
// that one computed before a write cannot store its rows over those of a
// refresh that began after the write and finished first (a window's, while
// the first refreshes the whole view): after each round the view holds the
// last value written.
func TestConcurrentRefreshes(t *testing.T) {
	_, _, _, _, x := openRewriteTest(t)
	ctx := context.Background()
	rows := x.rowsOf(t)
	rows("CREATE TABLE m (time timestamptz NOT NULL, host text, v double precision)")
	rows("INSERT INTO m VALUES ('2024-01-01 00:00:00+00', 'h0', 0)")
	rows("INSERT INTO m SELECT t, 'x' || (extract(epoch FROM t)::bigint % 100), 1 " +
		"FROM generate_series(TIMESTAMPTZ '2024-01-02', TIMESTAMPTZ '2024-01-04', INTERVAL '1 second') AS t")
	rows("CREATE MATERIALIZED VIEW mv WITH (timescaledb.continuous) AS SELECT time_bucket('1 hour', time) AS bucket, host, max(v) AS v FROM m GROUP BY 1, 2")
	refresh := func(window string) error { // from two goroutines: no require
		_, err := x.Query(ctx, "SELECT refresh_continuous_aggregate('mv', "+window+")")
		return err
	}
	for i := 1; i <= 20; i++ {
		done := make(chan error, 1)
		go func() { done <- refresh("NULL, NULL") }()
		rows(fmt.Sprintf("INSERT INTO m VALUES ('2024-01-01 00:00:00+00', 'h0', %d)", i))
		require.NoError(t, refresh("'2024-01-01 00:00+00', '2024-01-01 01:00+00'"))
		require.NoError(t, <-done)
		require.Equal(t, [][]any{{float64(i)}}, rows("SELECT v FROM mv WHERE host = 'h0'"), "round %d", i)
	}
}
