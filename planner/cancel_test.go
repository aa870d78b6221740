package planner

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// TestPlanningStops: the subqueries planning runs (uncorrelated EXISTS,
// IN, scalar and ARRAY subqueries, recursive CTEs) stop when the
// statement's context is cancelled, with PostgreSQL's 57014; each here
// would run for minutes (10^11 rows). LATERAL runs stop with the context
// of the Next that runs them. The deadlines are liveness bounds.
func TestPlanningStops(t *testing.T) {
	p, sess := emptyPlanner(t)
	const long = "SELECT g FROM generate_series(1, 100000000000) g WHERE g < 0"
	for _, q := range []string{
		"SELECT 1 WHERE EXISTS (" + long + ")",
		"SELECT 1 WHERE 5 IN (" + long + ")",
		"SELECT (SELECT max(g) FROM (" + long + ") s)",
		"SELECT ARRAY(" + long + ")",
		"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100000000000) SELECT count(*) FROM r",
	} {
		stmts, err := sql.Parse(q)
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		done := make(chan error, 1)
		go func() {
			_, err := p.PlanQuery(ctx, sess, stmts[0], nil)
			done <- err
		}()
		select {
		case err := <-done:
			require.Error(t, err, q)
			require.Equal(t, "57014", AsError(err).Code, "%s: %v", q, err)
		case <-time.After(time.Minute):
			t.Fatalf("%s: planning went on for a minute after its context was cancelled", q)
		}
		cancel()
	}

	// A LATERAL subquery run per left row stops with the Next's context,
	// a correlated subquery an expression runs per row with the
	// statement's (Run's).
	for _, q := range []string{
		"SELECT x, s.c FROM (VALUES (1), (2)) v(x), LATERAL (SELECT count(*) c FROM generate_series(1, 100000000000) g WHERE g > x) s",
		"SELECT (SELECT count(*) FROM generate_series(1, 100000000000) g WHERE g > x) FROM (VALUES (1), (2)) v(x)",
	} {
		ctx, cancel := context.WithCancel(context.Background())
		_, op, err := p.QueryText(ctx, sess, q, nil)
		require.NoError(t, err)
		time.AfterFunc(50*time.Millisecond, cancel)
		done := make(chan error, 1)
		go func() {
			_, err := exec.Collect(ctx, op)
			done <- err
		}()
		select {
		case err := <-done:
			require.Error(t, err)
			require.Equal(t, "57014", AsError(err).Code, "%s: %v", q, err)
		case <-time.After(time.Minute):
			t.Fatalf("%s went on for a minute after its context was cancelled", q)
		}
		op.Close()
		cancel()
	}
}

// TestSubqueryRowsMemoryLimit: the rows a subquery run while planning
// returns count against the query's memory limit (53200 past it), as the
// rows its operators hold do; a billion would take the machine's memory.
func TestSubqueryRowsMemoryLimit(t *testing.T) {
	p, sess := emptyPlanner(t)
	sess.MemLimit = 8 << 20
	for _, q := range []string{
		"SELECT 5 IN (SELECT a FROM generate_series(1, 1000000000) a)",
		"SELECT ARRAY(SELECT a FROM generate_series(1, 1000000000) a)",
		"SELECT x FROM (VALUES (1)) v(x) WHERE x IN (SELECT a FROM generate_series(1, 1000000000) a)",
	} {
		stmts, err := sql.Parse(q)
		require.NoError(t, err)
		_, err = p.PlanQuery(context.Background(), sess, stmts[0], nil)
		require.Error(t, err, q)
		require.Equal(t, "53200", AsError(err).Code, "%s: %v", q, err)
	}
	// Under the limit, the same form answers.
	_, op, err := p.QueryText(context.Background(), sess, "SELECT 5 IN (SELECT a FROM generate_series(1, 1000) a)", nil)
	require.NoError(t, err)
	recs, err := exec.Collect(context.Background(), op)
	require.NoError(t, err)
	require.Equal(t, "true", recs[0].Column(0).ValueStr(0))
	recs[0].Release()
}
