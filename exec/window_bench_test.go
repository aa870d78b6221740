package exec

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// BenchmarkWindowRunningSum is sum(v) OVER (PARTITION BY host ORDER BY
// time), a running total, over 10 hosts' 2,000 rows each: every frame
// starts at its partition's first row, so each row adds one value to the
// previous row's total.
func BenchmarkWindowRunningSum(b *testing.B) {
	var ts, hs, vs []any
	for i := 0; i < 2000; i++ {
		for h := 0; h < 10; h++ {
			ts, hs, vs = append(ts, i), append(hs, fmt.Sprintf("host_%d", h)), append(vs, i%101)
		}
	}
	rec := recordOf(b, col{"time", TypeInt, ts}, col{"host", TypeTag, hs}, col{"v", TypeInt, vs})
	defer rec.Release()
	f := &WindowFunc{Name: "sum", Args: []Expr{colRef(rec, "v")}, Partition: []Expr{colRef(rec, "host")},
		Order: []SortKey{{Expr: colRef(rec, "time")}}, Frame: DefaultFrame, DT: TypeInt}
	runWindowBench(b, rec, f)
}

// BenchmarkWindowSlidingMax: max(v) OVER (PARTITION BY host ORDER BY time
// ROWS BETWEEN 500 PRECEDING AND CURRENT ROW) over 10 hosts x 2,000 rows.
func BenchmarkWindowSlidingMax(b *testing.B) {
	var ts, hs, vs []any
	for i := 0; i < 2000; i++ {
		for h := 0; h < 10; h++ {
			ts, hs, vs = append(ts, i), append(hs, fmt.Sprintf("host_%d", h)), append(vs, float64((i*7919+h*31)%1009))
		}
	}
	rec := recordOf(b, col{"time", TypeInt, ts}, col{"host", TypeTag, hs}, col{"v", TypeFloat, vs})
	defer rec.Release()
	f := &WindowFunc{Name: "max", Args: []Expr{colRef(rec, "v")}, Partition: []Expr{colRef(rec, "host")},
		Order: []SortKey{{Expr: colRef(rec, "time")}}, DT: TypeFloat,
		Frame: Frame{Rows: true, Start: Bound{Kind: Preceding, N: 500}, End: Bound{Kind: CurrentRow}}}
	runWindowBench(b, rec, f)
}

// BenchmarkWindowPartitionStddev: stddev(v) OVER (PARTITION BY host) over
// 10 hosts x 2,000 rows: every row's frame is its whole partition.
func BenchmarkWindowPartitionStddev(b *testing.B) {
	var hs, vs []any
	for i := 0; i < 2000; i++ {
		for h := 0; h < 10; h++ {
			hs, vs = append(hs, fmt.Sprintf("host_%d", h)), append(vs, float64((i*7919+h*31)%1009)/7)
		}
	}
	rec := recordOf(b, col{"host", TypeTag, hs}, col{"v", TypeFloat, vs})
	defer rec.Release()
	f := &WindowFunc{Name: "stddev", Args: []Expr{colRef(rec, "v")}, Partition: []Expr{colRef(rec, "host")}, DT: TypeFloat, Frame: DefaultFrame}
	runWindowBench(b, rec, f)
}

// runWindowBench times the window function f over rec.
func runWindowBench(b *testing.B, rec arrow.Record, f *WindowFunc) {
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		w := NewWindow(NewCtx(), NewValues(rec.Schema(), rec), []*WindowFunc{f}, []string{"w"})
		out, err := Collect(bg, w)
		require.NoError(b, err)
		for _, r := range out {
			r.Release()
		}
		w.Close()
	}
}
