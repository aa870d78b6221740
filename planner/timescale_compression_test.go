package planner_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
)

// TestCompressionSettings: ALTER TABLE ... SET (timescaledb.compress...)
// checks the settings as TimescaleDB does and keeps them (the settings
// views show them, a restart keeps them, a rename of a column they name
// follows, a drop of one is refused); RESET takes segmentby and orderby
// back; compress = false and options of other kinds are refused.
func TestCompressionSettings(t *testing.T) {
	dir, e, _, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	rows("CREATE TABLE metrics (ts timestamptz NOT NULL, device text, \"Loc\" text, v double precision, n bigint)")
	rows("ALTER TABLE metrics SET (timescaledb.compress, timescaledb.compress_segmentby = 'device, \"Loc\"', timescaledb.compress_orderby = 'ts DESC, v NULLS FIRST')")
	settings := func() [][]any {
		return rows("SELECT attname, segmentby_column_index, orderby_column_index, orderby_asc, orderby_nullsfirst FROM timescaledb_information.compression_settings WHERE hypertable_name = 'metrics' ORDER BY segmentby_column_index, orderby_column_index")
	}
	require.Equal(t, [][]any{{"device", int64(1), nil, nil, nil}, {"Loc", int64(2), nil, nil, nil},
		{"ts", nil, int64(1), false, true}, {"v", nil, int64(2), true, true}}, settings())
	require.Equal(t, [][]any{{"metrics", `device,Loc`, `ts DESC,v NULLS FIRST`, nil}},
		rows("SELECT * FROM timescaledb_information.hypertable_compression_settings"))

	x.requireCodes(t, map[string]string{
		"ALTER TABLE metrics SET (timescaledb.compress = false)":                           "0A000",
		"ALTER TABLE metrics SET (timescaledb.compress = maybe)":                           "22023",
		"ALTER TABLE metrics SET (timescaledb.compress_segmentby = 'nope')":                "42601",
		"ALTER TABLE metrics SET (timescaledb.compress_segmentby = 'n, n')":                "42601",
		"ALTER TABLE metrics SET (timescaledb.compress_segmentby = 'n DESC')":              "42601",
		"ALTER TABLE metrics SET (timescaledb.compress_orderby = 'ts descend')":            "42601",
		"ALTER TABLE metrics SET (timescaledb.compress_orderby = 'n,')":                    "42601",
		"ALTER TABLE metrics SET (timescaledb.compress_orderby = '')":                      "22023",
		"ALTER TABLE metrics SET (timescaledb.compress_orderby = 'device')":                "42601", // both segments and orders
		"ALTER TABLE metrics SET (timescaledb.compress_chunk_time_interval = 'soon')":      "22023",
		"ALTER TABLE metrics SET (timescaledb.chunk_interval = '1 hour')":                  "0A000",
		"ALTER TABLE metrics SET (timescaledb.compress_index = 'bloom(device)')":           "0A000",
		"ALTER TABLE metrics SET (timescaledb.nonsense = 1)":                               "22023",
		"ALTER TABLE metrics SET (fillfactor = 70)":                                        "0A000",
		"ALTER TABLE metrics RESET (timescaledb.compress)":                                 "0A000",
		"ALTER TABLE metrics DROP COLUMN v":                                                "0A000",
		"ALTER TABLE metrics SET (timescaledb.compress_segmentby = 'n'), DROP COLUMN nope": "42703",
		"ALTER TABLE nosuch SET (timescaledb.compress)":                                    "42P01",
	})
	require.Len(t, settings(), 4, "a refused statement changes nothing")

	// The names of TimescaleDB 2.18 and later, with a column added in the
	// same statement; a RESET, a rename of a column named.
	rows("ALTER TABLE metrics ADD COLUMN site text, SET (timescaledb.enable_columnstore = true, timescaledb.segmentby = 'site', timescaledb.compress_chunk_time_interval = '7 days')")
	rows("ALTER TABLE metrics RESET (timescaledb.orderby)")
	rows("ALTER TABLE metrics RENAME COLUMN site TO place")
	require.Equal(t, [][]any{{"metrics", "place", nil, "7 days"}},
		rows("SELECT * FROM timescaledb_information.hypertable_compression_settings"))
	rows("ALTER TABLE metrics DROP COLUMN v") // no longer ordered by
	rows("ALTER TABLE metrics RENAME COLUMN ts TO stamp")
	rows("ALTER TABLE metrics SET (tsdb.orderby = 'stamp')")

	_, x = restartRewriteTest(t, e, dir, sess)
	rows = x.rowsOf(t)
	require.Equal(t, [][]any{{"metrics", "place", "stamp", "7 days"}},
		rows("SELECT * FROM timescaledb_information.hypertable_compression_settings"))
	require.Equal(t, [][]any{{"stamp"}}, rows("SELECT primary_dimension FROM timescaledb_information.hypertables"))
}

// TestCompressionPolicy: add_compression_policy and the columnstore
// procedures keep a table's policy and show it as a job; a second is
// 42710, or with if_not_exists a NOTICE (the same) or a WARNING (another),
// both answering -1; remove takes it away (42704 without one). Nothing
// changes when the call is only described or planned.
func TestCompressionPolicy(t *testing.T) {
	_, _, p, sess, x := openRewriteTest(t)
	var notices []planner.Notice
	sess.Notify = func(n planner.Notice) { notices = append(notices, n) }
	rows := x.rowsOf(t)
	rows("CREATE TABLE conditions (time timestamptz NOT NULL, location text, temperature double precision)")
	jobs := func() [][]any {
		return rows("SELECT job_id, application_name, schedule_interval::text, proc_name, config, hypertable_name, check_name FROM timescaledb_information.jobs")
	}
	stmts, err := sql.Parse("SELECT add_compression_policy('conditions', INTERVAL '7 days')")
	require.NoError(t, err)
	cols, _, err := p.Describe(context.Background(), sess, stmts[0])
	require.NoError(t, err)
	require.Equal(t, uint32(23), cols[0].PGType, "integer, as TimescaleDB's")
	_, err = p.PlanQuery(context.Background(), sess, stmts[0], nil)
	require.NoError(t, err)
	require.Empty(t, jobs())

	id := rows("SELECT add_compression_policy('conditions', INTERVAL '7 days')")[0][0].(int64)
	require.Positive(t, id)
	oid := planner.TableOID("db", "conditions")
	twelveHours := "12:00:00"
	job := func(every, config string) [][]any {
		return [][]any{{id, fmt.Sprintf("Columnstore Policy [%d]", id), every, "policy_compression", config, "conditions", "policy_compression_check"}}
	}
	require.Equal(t, job(twelveHours, fmt.Sprintf(`{"hypertable_id": %d, "compress_after": "7 days"}`, oid)), jobs())

	x.requireCodes(t, map[string]string{
		"SELECT add_compression_policy('conditions', INTERVAL '7 days')":                                    "42710",
		"SELECT add_compression_policy('conditions')":                                                       "22023",
		"SELECT add_compression_policy('conditions', 7)":                                                    "22023",
		"SELECT add_compression_policy('conditions', INTERVAL '1 day', compress_created_before => '1 day')": "22023",
		"SELECT add_compression_policy('nosuch', INTERVAL '1 day')":                                         "42P01",
		"SELECT add_compression_policy('pg_class', INTERVAL '1 day')":                                       "TS001",
		"SELECT 1 WHERE 1 IN (SELECT add_compression_policy('conditions', INTERVAL '1 day'))":               "0A000",
	})
	require.Empty(t, notices)
	require.Equal(t, [][]any{{int64(-1)}}, rows("SELECT add_compression_policy('conditions', INTERVAL '168 hours', if_not_exists => true)"))
	require.Equal(t, []planner.Notice{{Severity: "NOTICE", Msg: `columnstore policy already exists for hypertable "conditions", skipping`}}, notices)
	notices = nil
	require.Equal(t, [][]any{{int64(-1)}}, rows("SELECT add_compression_policy('conditions', INTERVAL '8 days', true)"))
	require.Len(t, notices, 1)
	require.Equal(t, "WARNING", notices[0].Severity)

	notices = nil
	require.Equal(t, [][]any{{true}}, rows("SELECT remove_compression_policy('conditions')"))
	require.Empty(t, jobs())
	x.requireCodes(t, map[string]string{"SELECT remove_compression_policy('conditions')": "42704", "CALL remove_columnstore_policy('conditions')": "42704"})
	require.Equal(t, [][]any{{false}}, rows("SELECT remove_compression_policy('conditions', if_exists => true)"))
	require.Equal(t, []planner.Notice{{Severity: "NOTICE", Msg: `columnstore policy not found for hypertable "conditions", skipping`}}, notices)

	// TimescaleDB 2.18's procedures: after, created_before, schedule_interval.
	rows("CALL add_columnstore_policy('conditions', after => INTERVAL '1d', schedule_interval => INTERVAL '1 hour')")
	require.Equal(t, job("01:00:00", fmt.Sprintf(`{"hypertable_id": %d, "compress_after": "1 day"}`, oid)), jobs())
	rows("CALL remove_columnstore_policy('conditions')")
	rows("CALL add_columnstore_policy('conditions', created_before => INTERVAL '1 month')")
	require.Equal(t, job(twelveHours, fmt.Sprintf(`{"hypertable_id": %d, "compress_created_before": "1 mon"}`, oid)), jobs())
}

// TestCompressChunk: compress_chunk persists a chunk's buffered rows (the
// chunk reads Compressed after, its rows unchanged) and answers the chunk,
// once per row of show_chunks; a chunk compressed already is a NOTICE, or
// 42710 with if_not_compressed => false; decompress_chunk leaves it as it
// is with a NOTICE. The stats count the files' bytes plainly written
// before, and as stored after. Described or planned, nothing is persisted.
func TestCompressChunk(t *testing.T) {
	_, e, p, sess, x := openRewriteTest(t)
	var notices []planner.Notice
	sess.Notify = func(n planner.Notice) { notices = append(notices, n) }
	rows := x.rowsOf(t)
	rows("CREATE TABLE conditions (time timestamptz NOT NULL, location text, temperature double precision)")
	rows("INSERT INTO conditions SELECT t, 'office', 20 FROM generate_series(TIMESTAMPTZ '2024-01-01', '2024-01-02 23:59', INTERVAL '1 minute') t")
	stats := func() [][]any {
		return rows("SELECT compression_status, before_compression_table_bytes, before_compression_total_bytes, after_compression_total_bytes > 0, after_compression_total_bytes < before_compression_total_bytes FROM chunk_compression_stats('conditions')")
	}
	require.Equal(t, [][]any{{"Uncompressed", nil, nil, nil, nil}, {"Uncompressed", nil, nil, nil, nil}}, stats())
	require.Equal(t, [][]any{{int64(2), int64(0), nil, nil}},
		rows("SELECT total_chunks, number_compressed_chunks, before_compression_total_bytes, after_compression_total_bytes FROM hypertable_compression_stats('conditions')"))

	const q = "SELECT compress_chunk(c) FROM show_chunks('conditions') c"
	chunks := rows("SELECT show_chunks('conditions')")
	for _, text := range []string{q, "SELECT compress_chunk('" + chunks[0][0].(string) + "')", "SELECT compress_chunk('" + chunks[0][0].(string) + "') IS NOT NULL"} {
		stmts, err := sql.Parse(text)
		require.NoError(t, err)
		_, _, err = p.Describe(context.Background(), sess, stmts[0])
		require.NoError(t, err)
		_, err = p.PlanQuery(context.Background(), sess, stmts[0], nil)
		require.NoError(t, err)
		require.Equal(t, int64(2880), e.Stats().BufferedRows, "nothing persisted yet: %s", text)
	}
	require.Equal(t, chunks, rows(q))
	require.Zero(t, e.Stats().BufferedRows)
	require.Len(t, notices, 1, "the second chunk was persisted with the first")
	require.Equal(t, "42710", notices[0].Code)
	require.Contains(t, notices[0].Msg, "is already converted to columnstore")
	// 1440 rows a day: time and temperature 8 bytes each, 'office' 6 and 4.
	plain := int64(1440 * (8 + 8 + 6 + 4))
	require.Equal(t, [][]any{{"Compressed", plain, plain, true, true}, {"Compressed", plain, plain, true, true}}, stats())
	require.Equal(t, [][]any{{int64(2), int64(2), 2 * plain}},
		rows("SELECT total_chunks, number_compressed_chunks, before_compression_total_bytes FROM hypertable_compression_stats('conditions')"))
	require.Equal(t, [][]any{{int64(2880), 20.0}}, rows("SELECT count(*), avg(temperature) FROM conditions"))

	first := chunks[0][0].(string)
	x.requireCodes(t, map[string]string{
		"SELECT compress_chunk('" + first + "', if_not_compressed => false)":                                "42710",
		"SELECT compress_chunk('_timescaledb_internal._hyper_1_2_chunk')":                                   "42P01",
		"SELECT compress_chunk('conditions')":                                                               "42P01",
		"SELECT * FROM hypertable_compression_stats('nosuch')":                                              "42P01",
		"SELECT * FROM hypertable_compression_stats('conditions') AS s(a, b, c, d, e, f, g, h, i, j, k, l)": "42P10",
		"SELECT * FROM chunks_detailed_size('conditions') AS s(a, b, c, d, e, f, g, h)":                     "42P10",
	})
	notices = nil
	require.Equal(t, [][]any{{nil}}, rows("SELECT decompress_chunk('"+first+"')"))
	require.Len(t, notices, 1)
	require.Contains(t, notices[0].Msg, "stays in the columnstore")
	rows("CALL convert_to_rowstore('" + first + "')")
	rows("INSERT INTO conditions VALUES ('2024-01-01 00:30', 'office', 30)")
	require.Equal(t, "Uncompressed", stats()[0][0])
	rows("CALL convert_to_columnstore('" + first + "')")
	require.Equal(t, "Compressed", stats()[0][0])
	require.Zero(t, e.Stats().BufferedRows)
}
