package exec

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
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

// BenchmarkWindowRangeOffset: sum(v) OVER (PARTITION BY host ORDER BY time
// RANGE BETWEEN INTERVAL '1 minute' PRECEDING AND CURRENT ROW), a moving
// sum over time, over a TSBS day (100 hosts x 8,640 rows 10 s apart), and
// beside it the same frames as ROWS BETWEEN 6 PRECEDING AND CURRENT ROW
// (no key search), in the same run.
func BenchmarkWindowRangeOffset(b *testing.B) {
	var ts, hs, vs []any
	for i := 0; i < 8640; i++ {
		for h := 0; h < 100; h++ {
			ts, hs, vs = append(ts, i*10_000_000_000), append(hs, fmt.Sprintf("host_%d", h)), append(vs, i%101)
		}
	}
	rec := recordOf(b, col{"time", TypeTimestamptz, ts}, col{"host", TypeTag, hs}, col{"v", TypeInt, vs})
	defer rec.Release()
	for _, fr := range []struct {
		name string
		f    Frame
	}{
		{"range", Frame{Start: Bound{Kind: Preceding, Value: arrow.MonthDayNanoInterval{Nanoseconds: 60e9}}, End: Bound{Kind: CurrentRow}}},
		{"rows", Frame{Rows: true, Start: Bound{Kind: Preceding, N: 6}, End: Bound{Kind: CurrentRow}}},
	} {
		b.Run(fr.name, func(b *testing.B) {
			f := &WindowFunc{Name: "sum", Args: []Expr{colRef(rec, "v")}, Partition: []Expr{colRef(rec, "host")},
				Order: []SortKey{{Expr: colRef(rec, "time")}}, Frame: fr.f, DT: TypeInt}
			runWindowBench(b, rec, f)
		})
	}
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

// BenchmarkWindowLagMillion: lag(v) OVER (PARTITION BY host ORDER BY
// time) over 1,000,000 rows of 100 hosts in 16 records.
func BenchmarkWindowLagMillion(b *testing.B) {
	recs := millionRows(b)
	f := &WindowFunc{Name: "lag", Args: []Expr{colRef(recs[0], "v")}, Partition: []Expr{colRef(recs[0], "host")},
		Order: []SortKey{{Expr: colRef(recs[0], "time")}}, Frame: DefaultFrame, DT: TypeFloat}
	runWindowBench(b, recs[0], f, recs[1:]...)
}

// BenchmarkWindowRowNumberMillion: row_number() OVER (PARTITION BY host
// ORDER BY time) over the same rows.
func BenchmarkWindowRowNumberMillion(b *testing.B) {
	recs := millionRows(b)
	f := &WindowFunc{Name: "row_number", Partition: []Expr{colRef(recs[0], "host")},
		Order: []SortKey{{Expr: colRef(recs[0], "time")}}, Frame: DefaultFrame, DT: TypeInt}
	runWindowBench(b, recs[0], f, recs[1:]...)
}

// millionRows is 1,000,000 rows (time, host, v) in records of 62,500: a
// row per host each second, hosts in turn.
func millionRows(b *testing.B) []arrow.Record {
	const rows, perRec, hosts = 1_000_000, 62_500, 100
	schema := arrow.NewSchema([]arrow.Field{{Name: "time", Type: TypeInt}, {Name: "host", Type: TypeTag}, {Name: "v", Type: TypeFloat}}, nil)
	var recs []arrow.Record
	for start := 0; start < rows; start += perRec {
		tb, hb, vb := array.NewInt64Builder(memory.DefaultAllocator), array.NewDictionaryBuilder(memory.DefaultAllocator, TypeTag).(*array.BinaryDictionaryBuilder), array.NewFloat64Builder(memory.DefaultAllocator)
		for i := start; i < start+perRec; i++ {
			tb.Append(int64(i / hosts))
			require.NoError(b, hb.AppendString(fmt.Sprintf("host_%d", i%hosts)))
			vb.Append(float64(i%1009) / 7)
		}
		cols := []arrow.Array{tb.NewArray(), hb.NewArray(), vb.NewArray()}
		recs = append(recs, array.NewRecord(schema, cols, perRec))
		for _, c := range cols {
			c.Release()
		}
		tb.Release()
		hb.Release()
		vb.Release()
	}
	b.Cleanup(func() {
		for _, r := range recs {
			r.Release()
		}
	})
	return recs
}

// runWindowBench times the window function f over rec (and more).
func runWindowBench(b *testing.B, rec arrow.Record, f *WindowFunc, more ...arrow.Record) {
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		w := NewWindow(NewCtx(), NewValues(rec.Schema(), append([]arrow.Record{rec}, more...)...), []*WindowFunc{f}, []string{"w"})
		out, err := Collect(bg, w)
		require.NoError(b, err)
		for _, r := range out {
			r.Release()
		}
		w.Close()
	}
}
