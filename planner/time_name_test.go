package planner_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner"
)

// TestTimeColumnName: a table whose time column has another name (ts), as
// TimescaleDB's and QuestDB's tables name it, is created, shown and
// written under that name: create_hypertable, INSERT with and without a
// column list, ON CONFLICT (ts, device), RETURNING of INSERT, UPDATE and
// DELETE, time ranges on ts, the catalogs, RENAME COLUMN (back to time
// too), CREATE TABLE AS, a restart; InfluxDB 3's sessions read it as time.
func TestTimeColumnName(t *testing.T) {
	dir, e, p, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	ddl := ddlRunner(t, p, sess)
	_, err := ddl("CREATE TABLE conditions (device text, ts timestamptz NOT NULL, temperature double precision, seen timestamptz, PRIMARY KEY (ts, device))")
	require.NoError(t, err)
	require.Equal(t, "ts", e.TimeName("db", "conditions"))
	require.Equal(t, [][]any{{"(" + hypertableID(t, x) + ",public,conditions,t)"}}, rows("SELECT create_hypertable('conditions', 'ts')"))
	rows("INSERT INTO conditions (ts, device, temperature) VALUES ('2024-01-01 00:00+00', 'a', 20.5), ('2024-01-01 00:10+00', 'b', 21)")
	rows("INSERT INTO conditions VALUES ('a', '2024-01-01 00:20+00', 22, '2024-01-01 00:21+00')") // in the order declared
	require.Equal(t, [][]any{{"2024-01-01 00:20:00+00", 23.0}},
		rows("INSERT INTO conditions (device, ts, temperature) VALUES ('a', '2024-01-01 00:20+00', 23) ON CONFLICT (ts, device) DO UPDATE SET temperature = EXCLUDED.temperature RETURNING ts::text, temperature"))
	all := "SELECT ts::text, device, temperature FROM conditions ORDER BY ts"
	want := [][]any{{"2024-01-01 00:00:00+00", "a", 20.5}, {"2024-01-01 00:10:00+00", "b", 21.0}, {"2024-01-01 00:20:00+00", "a", 23.0}}
	require.Equal(t, want, rows(all))
	require.Equal(t, [][]any{{"2024-01-01 00:00:00+00", "a", 21.75}, {"2024-01-01 00:00:00+00", "b", 21.0}},
		rows("SELECT time_bucket('1 hour', ts)::text AS h, device, avg(temperature) FROM conditions WHERE ts >= '2024-01-01' AND ts < '2024-01-02' GROUP BY 1, 2 ORDER BY 1, 2"))
	require.Equal(t, [][]any{{"2024-01-01 00:10:00+00", "b"}}, rows("SELECT c.ts::text, c.device FROM conditions c WHERE c.ts > '2024-01-01 00:05+00' AND c.ts < '2024-01-01 00:15+00'"))
	plan := fmt.Sprint(rows("EXPLAIN SELECT device FROM conditions WHERE ts >= '2024-01-01 00:15+00'"))
	require.Contains(t, plan, "time=[2024-01-01 00:15:00+00, +inf)]]", "the condition on ts is the scan's time range:\n%s", plan)
	require.Equal(t, [][]any{{"2024-01-01 00:00:00+00", 21.5}}, rows("UPDATE conditions SET temperature = temperature + 1 WHERE ts = '2024-01-01 00:00+00' RETURNING ts::text, temperature"))
	require.Equal(t, [][]any{{"2024-01-01 00:10:00+00"}}, rows("DELETE FROM conditions WHERE ts = '2024-01-01 00:10+00' RETURNING ts::text"))
	want = [][]any{{"2024-01-01 00:00:00+00", "a", 21.5}, {"2024-01-01 00:20:00+00", "a", 23.0}}
	require.Equal(t, want, rows(all))

	require.Equal(t, [][]any{{"device", "text"}, {"ts", "timestamp with time zone"}, {"temperature", "double precision"}, {"seen", "timestamp with time zone"}},
		rows("SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_name = 'conditions' ORDER BY ordinal_position"))
	require.Equal(t, [][]any{{"ts", true}}, rows("SELECT attname::text, attnotnull FROM pg_attribute WHERE attrelid = 'conditions'::regclass AND attnum = 2"))

	x.requireCodes(t, map[string]string{
		"SELECT time FROM conditions":                                        "42703",
		"UPDATE conditions SET ts = now()":                                   "0A000",
		"ALTER TABLE conditions ADD COLUMN ts int":                           "42701",
		"ALTER TABLE conditions DROP COLUMN ts":                              "42P16",
		"ALTER TABLE conditions RENAME COLUMN temperature TO time":           "0A000",
		"ALTER TABLE conditions RENAME COLUMN temperature TO ts":             "42701",
		"SELECT create_hypertable('conditions', 'seen')":                     "0A000",
		"SELECT create_hypertable('conditions', 'time')":                     "42703",
		"CREATE TABLE nt (a timestamptz, b timestamptz, v int)":              "42P16", // which would be the time?
		"CREATE TABLE ct AS SELECT ts, seen, device FROM conditions":         "0A000", // two columns could name the rows
		"INSERT INTO conditions (ts, device) VALUES (NULL, 'z')":             "23502",
		"INSERT INTO conditions (ts, device, ts) VALUES (now(), 'z', now())": "42701",
	})

	// CREATE TABLE AS keeps the name; the only timestamp column of a table
	// is its time.
	rows("CREATE TABLE hourly AS SELECT time_bucket('1 hour', ts) AS hour, device, max(ts) AS last FROM conditions GROUP BY 1, 2")
	require.Equal(t, "hour", e.TimeName("db", "hourly"))
	require.Equal(t, [][]any{{"2024-01-01 00:00:00+00", "a", "2024-01-01 00:20:00+00"}}, rows("SELECT hour::text, device, last::text FROM hourly"))
	_, err = ddl("CREATE TABLE readings (at timestamptz, v double precision)")
	require.NoError(t, err)
	require.Equal(t, "at", e.TimeName("db", "readings"))

	// Renames change the name shown, back to time too.
	_, err = ddl("ALTER TABLE conditions RENAME COLUMN ts TO at")
	require.NoError(t, err)
	require.Equal(t, [][]any{{int64(2)}}, rows("SELECT count(*) FROM conditions WHERE at < '2024-01-02'"))
	_, err = ddl("ALTER TABLE conditions RENAME COLUMN at TO time")
	require.NoError(t, err)
	require.Equal(t, [][]any{{int64(2)}}, rows("SELECT count(*) FROM conditions WHERE time < '2024-01-02'"))
	_, err = ddl("ALTER TABLE conditions RENAME time TO ts")
	require.NoError(t, err)

	// InfluxDB 3's endpoints see time.
	influx := &strataExec{p: p, sess: &planner.Session{Database: "db", Location: time.UTC, Now: time.Now(), Influx: true}}
	require.Equal(t, [][]any{{int64(2)}}, influx.rowsOf(t)("SELECT count(*) FROM conditions WHERE time < '2024-01-02'"))

	// Through a restart.
	e2, x2 := restartRewriteTest(t, e, dir, sess)
	require.Equal(t, want, x2.rowsOf(t)(all))
	_, err = e2.Compact(context.Background(), true)
	require.NoError(t, err)
	require.Equal(t, want, x2.rowsOf(t)(all))
}

// hypertableID is create_hypertable's id of conditions: its OID.
func hypertableID(t *testing.T, x *strataExec) string {
	t.Helper()
	return x.rowsOf(t)("SELECT 'conditions'::regclass::oid::text")[0][0].(string)
}
