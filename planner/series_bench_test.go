package planner_test

import (
	"context"
	"testing"
)

// BenchmarkGenerateSeries plans and runs a count over generate_series in
// FROM, as TimescaleDB's tutorials make test data: a million integers and a
// year of minutes (525,601 timestamps). The series streams in batches
// (exec.Series); it was a VALUES list of one literal per row, planned
// whole and capped at 2^20 rows.
func BenchmarkGenerateSeries(b *testing.B) {
	x := openSLT(b)
	ctx := context.Background()
	for _, bc := range []struct{ name, sql string }{
		{"ints_1M", "SELECT count(*), sum(g) FROM generate_series(1, 1000000) AS g"},
		{"minutes_year", "SELECT count(*) FROM generate_series(TIMESTAMPTZ '2023-01-01', TIMESTAMPTZ '2024-01-01', INTERVAL '1 minute')"},
	} {
		b.Run(bc.name, func(b *testing.B) { benchQuery(b, ctx, x, bc.sql) })
	}
}
