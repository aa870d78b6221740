package planner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner"
)

// TestWindowPartitionLimitMatchesAll: windows under a LIMIT give the same
// rows, in the same order, computing only the partitions the rule keeps as
// computing every partition (the rule taken out of the optimizer), over
// the corpus's cpu table and over partitions with NULL keys, several
// window functions and frames, sort directions, NULLS FIRST/LAST, offsets
// and queries without ORDER BY (sorted in the window's order); and EXPLAIN shows which ones it applied to.
func TestWindowPartitionLimitMatchesAll(t *testing.T) {
	x := openSLT(t)
	nullKeys := `(SELECT CASE WHEN g % 7 = 0 THEN NULL ELSE 'p' || (g % 5) END AS k, g % 3 = 0 AS b, g, (g * 37) % 101 AS v FROM generate_series(1, 300) g) s`
	queries := []struct {
		q       string
		applies bool
	}{
		{"SELECT hostname, time, usage_user - lag(usage_user) OVER (PARTITION BY hostname ORDER BY time) FROM cpu ORDER BY hostname, time LIMIT 3", true},
		{"SELECT hostname, time, row_number() OVER (PARTITION BY hostname ORDER BY usage_user DESC, time) FROM cpu ORDER BY hostname DESC, time LIMIT 7 OFFSET 5", true},
		{"SELECT hostname, time, sum(usage_user) OVER (PARTITION BY hostname ORDER BY time ROWS 2 PRECEDING), first_value(usage_user) OVER (PARTITION BY hostname ORDER BY time DESC) FROM cpu ORDER BY hostname, time DESC LIMIT 40", true},
		{"SELECT hostname, count(*) OVER (PARTITION BY hostname), rank() OVER (PARTITION BY hostname ORDER BY usage_idle) FROM cpu ORDER BY 1, 2, 3 LIMIT 100", true},
		{"SELECT hostname, time, lead(usage_user, 2) OVER (PARTITION BY hostname ORDER BY time) FROM cpu LIMIT 12", true},
		{"SELECT k, g, lag(v) OVER (PARTITION BY k ORDER BY g), ntile(3) OVER (PARTITION BY k ORDER BY g) FROM " + nullKeys + " ORDER BY k NULLS FIRST, g LIMIT 50", true},
		{"SELECT k, g, lag(v) OVER (PARTITION BY k ORDER BY g) FROM " + nullKeys + " ORDER BY k DESC NULLS LAST, g LIMIT 70", true},
		{"SELECT k, g, percent_rank() OVER (PARTITION BY k ORDER BY v) FROM " + nullKeys + " ORDER BY k, g LIMIT 200", true},
		{"SELECT k, g, sum(v) OVER (PARTITION BY k) FROM " + nullKeys + " LIMIT 9", true},
		{"SELECT b, k, g, count(*) OVER (PARTITION BY b, k ORDER BY g) FROM " + nullKeys + " ORDER BY b DESC, k, g LIMIT 30", true},
		// Not applied: the sort's first keys are not the partition, the
		// functions' partitions differ, a filter sits between.
		{"SELECT hostname, time, lag(usage_user) OVER (PARTITION BY hostname ORDER BY time) FROM cpu ORDER BY time, hostname LIMIT 3", false},
		{"SELECT k, b, g, lag(v) OVER (PARTITION BY k ORDER BY g), lag(v) OVER (PARTITION BY b ORDER BY g) FROM " + nullKeys + " ORDER BY k, g LIMIT 5", false},
		{"SELECT * FROM (SELECT k, g, lag(v) OVER (PARTITION BY k ORDER BY g) AS d FROM " + nullKeys + ") w WHERE d > 50 ORDER BY k, g LIMIT 5", false},
		{"SELECT b, k, g, count(*) OVER (PARTITION BY b, k ORDER BY g) FROM " + nullKeys + " ORDER BY k, b, g LIMIT 30", false},
	}
	run := func(q string) [][]any {
		res, err := x.Query(context.Background(), q)
		require.NoError(t, err, q)
		return res.Rows
	}
	with := make([][][]any, len(queries))
	for i, c := range queries {
		with[i] = run(c.q)
		res, err := x.Query(context.Background(), "EXPLAIN "+c.q)
		require.NoError(t, err)
		var plan strings.Builder
		for _, r := range res.Rows {
			fmt.Fprintln(&plan, r[0])
		}
		require.Equal(t, c.applies, strings.Contains(plan.String(), "partitions"), "%s\n%s", c.q, plan.String())
	}
	defer planner.WithoutRule("window_partition_limit")()
	for i, c := range queries {
		without := run(c.q)
		require.NotEmpty(t, without, c.q)
		require.Equal(t, without, with[i], c.q)
	}
}
