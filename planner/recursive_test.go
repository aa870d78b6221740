package planner

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/exec"
)

// TestRecursiveCTELimit: a recursive query that never stops fails with
// 54000 and a hint once it passes the iteration limit.
func TestRecursiveCTELimit(t *testing.T) {
	defer func(n int) { maxRecursiveIterations = n }(maxRecursiveIterations)
	maxRecursiveIterations = 50
	p, sess := emptyPlanner(t)
	_, _, err := p.QueryText(context.Background(), sess, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r", nil)
	pe := AsError(err)
	require.Equal(t, "54000", pe.Code)
	require.Contains(t, pe.Hint, "stops producing rows")

	// Within the limit it runs, and UNION ALL keeps duplicates.
	_, op, err := p.QueryText(context.Background(), sess, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 40) SELECT count(*), sum(n) FROM r", nil)
	require.NoError(t, err)
	recs, err := exec.Collect(context.Background(), op)
	require.NoError(t, err)
	require.Equal(t, "40", recs[0].Column(0).ValueStr(0))
	require.Equal(t, "820", recs[0].Column(1).ValueStr(0))
	recs[0].Release()
}
