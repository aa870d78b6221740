package planner_test

import (
	"context"
	"testing"
)

// BenchmarkInSubquery: IN (SELECT ...) is planned by running the subquery
// once and comparing with its rows as a set, so those rows are read
// distinct: a million rows of 100 values hold 100 (they were all held,
// and hashed, one by one). = ANY is IN, and an ordering comparison with ANY
// or ALL compares with the least or greatest row (it was an OR or AND of a
// comparison per row). A row (a, b) IN (SELECT ...) looks each field up
// among its column's values first (row_in_latest_of_100).
func BenchmarkInSubquery(b *testing.B) {
	x := openSLT(b)
	ctx := context.Background()
	const rows = "(SELECT g % 100 AS h FROM generate_series(1, 1000000) g)"
	for _, bc := range []struct{ name, sql string }{
		{"in_1M_rows_100_values", "SELECT count(*) FROM generate_series(1, 1000) x WHERE x IN (SELECT h FROM " + rows + " s)"},
		{"any_1M_rows_100_values", "SELECT count(*) FROM generate_series(1, 1000) x WHERE x = ANY (SELECT h FROM " + rows + " s)"},
		{"gt_all_1M_values", "SELECT count(*) FROM generate_series(1, 1000) x WHERE x > ALL (SELECT g FROM generate_series(1, 1000000) g)"},
		{"in_1M_values", "SELECT count(*) FROM generate_series(1, 1000) x WHERE x IN (SELECT g FROM generate_series(1, 1000000) g)"},
		{"eq_any_1M_values", "SELECT count(*) FROM generate_series(1, 1000) x WHERE x = ANY (SELECT g FROM generate_series(1, 1000000) g)"},
		// "The latest row of each host": each field is looked up among its
		// column's values before the row is looked up whole.
		{"row_in_latest_of_100", "SELECT count(*) FROM generate_series(1, 1000000) x WHERE (x % 100, x) IN (SELECT g % 100, max(g) FROM generate_series(1, 1000000) g GROUP BY 1)"},
	} {
		b.Run(bc.name, func(b *testing.B) { benchQuery(b, ctx, x, bc.sql) })
	}
}
