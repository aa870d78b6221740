package planner_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
)

// TestRetentionPolicy: add_retention_policy gives a table a retention
// period of its own, which hides its older rows at once and shows as a job
// of timescaledb_information.jobs; a second policy is 42710, or with
// if_not_exists a NOTICE (same drop_after) or a WARNING (another), both
// answering -1; remove_retention_policy takes it away (42704 without one,
// a NOTICE with if_exists). Neither acts when only described or planned.
func TestRetentionPolicy(t *testing.T) {
	_, e, p, sess, x := openRewriteTest(t)
	ctx := context.Background()
	var notices []planner.Notice
	sess.Notify = func(n planner.Notice) { notices = append(notices, n) }
	rows := x.rowsOf(t)
	rows("CREATE TABLE conditions (time timestamptz NOT NULL, location text, temperature double precision)")
	rows("INSERT INTO conditions VALUES (now(), 'office', 70), (now() - interval '1 hour', 'garage', 60), (now() - interval '40 days', 'garage', 50)")
	rows("INSERT INTO other (time, v) VALUES (now() - interval '40 days', 1)")
	count := func(table string) int64 { return rows("SELECT count(*) FROM " + table)[0][0].(int64) }
	require.Equal(t, int64(3), count("conditions"))
	id := planner.TableOID("db", "conditions")

	// Described and planned, but not run: nothing changes.
	stmts, err := sql.Parse("SELECT add_retention_policy('conditions', INTERVAL '30 days')")
	require.NoError(t, err)
	cols, _, err := p.Describe(ctx, sess, stmts[0])
	require.NoError(t, err)
	require.Equal(t, "add_retention_policy", cols[0].Name)
	require.Equal(t, uint32(23), cols[0].PGType, "integer, as TimescaleDB's")
	_, err = p.PlanQuery(ctx, sess, stmts[0], nil)
	require.NoError(t, err)
	own, _, err := e.TableRetention("db", "conditions")
	require.NoError(t, err)
	require.Zero(t, own)

	require.Equal(t, [][]any{{id}}, rows("SELECT add_retention_policy('conditions', INTERVAL '30 days')"), "the job id is the table's OID")
	own, _, err = e.TableRetention("db", "conditions")
	require.NoError(t, err)
	require.Equal(t, 30*24*time.Hour, own)
	require.Equal(t, int64(2), count("conditions"), "the row 40 days old is hidden at once")
	require.Equal(t, int64(1), count("other"), "another table keeps its rows")
	require.Equal(t, [][]any{{id, "policy_retention", fmt.Sprintf(`{"drop_after": "30 days", "hypertable_id": %d}`, id), "public", "conditions"}},
		rows("SELECT job_id, proc_name, config, hypertable_schema, hypertable_name FROM timescaledb_information.jobs"))

	x.requireCodes(t, map[string]string{
		"SELECT add_retention_policy('conditions', INTERVAL '30 days')":                "42710",
		"SELECT add_retention_policy('nosuch', INTERVAL '1 day')":                      "42P01",
		"SELECT add_retention_policy('pg_class', INTERVAL '1 day')":                    "TS001",
		"SELECT add_retention_policy('conditions')":                                    "22023",
		"SELECT add_retention_policy('conditions', 5)":                                 "22023",
		"SELECT add_retention_policy('conditions', INTERVAL '10 minutes')":             "22023",
		"SELECT add_retention_policy('conditions', drop_created_before => '1 day')":    "0A000",
		"SELECT add_retention_policy('conditions', INTERVAL '1 day', nonsense => 1)":   "42883",
		"SELECT 1 WHERE 1 IN (SELECT add_retention_policy('other', INTERVAL '1 day'))": "0A000",
	})
	require.Empty(t, notices)
	require.Equal(t, [][]any{{int64(-1)}}, rows("SELECT add_retention_policy('conditions', INTERVAL '720 hours', if_not_exists => true)"))
	require.Equal(t, []planner.Notice{{Severity: "NOTICE", Msg: `retention policy already exists for hypertable "conditions", skipping`}}, notices)
	notices = nil
	require.Equal(t, [][]any{{int64(-1)}}, rows("SELECT * FROM add_retention_policy('conditions', '7 days', true)"))
	require.Len(t, notices, 1)
	require.Equal(t, "WARNING", notices[0].Severity)
	require.Contains(t, notices[0].Detail, "drop_after 30 days")
	own, _, err = e.TableRetention("db", "conditions")
	require.NoError(t, err)
	require.Equal(t, 30*24*time.Hour, own, "a different policy is not taken")
	_, own2, _ := e.TableRetention("db", "other")
	require.Zero(t, own2)

	notices = nil
	require.Equal(t, [][]any{{""}}, rows("SELECT remove_retention_policy('conditions')"))
	require.Equal(t, int64(3), count("conditions"), "the rows not yet deleted come back")
	require.Empty(t, rows("SELECT * FROM timescaledb_information.jobs"))
	x.requireCodes(t, map[string]string{"SELECT remove_retention_policy('conditions')": "42704"})
	require.Equal(t, [][]any{{""}}, rows("SELECT remove_retention_policy('conditions', if_exists => true)"))
	require.Equal(t, []planner.Notice{{Severity: "NOTICE", Msg: `retention policy not found for hypertable "conditions", skipping`}}, notices)

	// A month counts 30 days; the policy of every table is its own.
	rows("SELECT add_retention_policy('conditions', drop_after => INTERVAL '1 month 12 hours')")
	rows("SELECT add_retention_policy(relation => 'other', drop_after => INTERVAL '2 days')")
	require.Equal(t, [][]any{{"conditions", `{"drop_after": "30 days 12:00:00", "hypertable_id": ` + fmt.Sprint(id) + `}`}, {"other", fmt.Sprintf(`{"drop_after": "2 days", "hypertable_id": %d}`, planner.TableOID("db", "other"))}},
		rows("SELECT hypertable_name, config FROM timescaledb_information.jobs ORDER BY 1"))
	require.Equal(t, int64(0), count("other"))
}
