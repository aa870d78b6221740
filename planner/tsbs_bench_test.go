package planner_test

import (
	"context"
	"testing"
)

// BenchmarkTSBSQuery plans and runs TSBS devops query shapes over the
// corpus's cpu table (small: what it measures is mostly planning and
// operator set-up, the part of a one-host query's latency Strata owns).
func BenchmarkTSBSQuery(b *testing.B) {
	x := openSLT(b)
	ctx := context.Background()
	for _, bc := range []struct{ name, sql string }{
		{"single-groupby-1-1-1", `SELECT time_bucket('60 seconds', time) AS minute, max(usage_user) AS max_usage_user FROM cpu
			WHERE hostname IN ('host_1') AND time >= '2016-01-01 02:17:08.646325 +0000' AND time < '2016-01-01 03:17:08.646325 +0000'
			GROUP BY minute ORDER BY minute ASC`},
		{"high-cpu-1", `SELECT * FROM cpu WHERE usage_user > 90.0 AND hostname IN ('host_3')
			AND time >= '2016-01-01 10:00:00Z' AND time < '2016-01-01 22:00:00Z'`},
		{"lastpoint", `SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, time DESC`},
	} {
		b.Run(bc.name, func(b *testing.B) { benchQuery(b, ctx, x, bc.sql) })
	}
}
