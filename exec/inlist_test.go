package exec

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestInListSets: IN over integers, floats (NaN equal to NaN, -0 to 0, as
// PostgreSQL compares), text, times and other values gives the same answers
// through its typed sets as a row-by-row comparison, with SQL's NULLs (a
// NULL in the list makes a miss NULL), and its set is kept across
// batches.
func TestInListSets(t *testing.T) {
	c := NewCtx()
	eval := func(arr arrow.Array, values []any, negate bool) []string {
		t.Helper()
		schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arr.DataType(), Nullable: true}}, nil)
		rec := array.NewRecord(schema, []arrow.Array{arr}, int64(arr.Len()))
		defer rec.Release()
		in := &InList{X: &Column{Index: 0, Name: "x", DT: arr.DataType()}, Values: values, Negate: negate}
		var out []string
		for range 2 { // the second batch reads the kept set
			got, err := in.Eval(c, rec)
			require.NoError(t, err)
			out = nil
			for i := range got.Len() {
				out = append(out, got.ValueStr(i))
			}
			got.Release()
		}
		return out
	}
	ib := array.NewInt64Builder(memory.DefaultAllocator)
	ib.AppendValues([]int64{1, 2, 3}, nil)
	ib.AppendNull()
	ints := ib.NewArray()
	defer ints.Release()
	require.Equal(t, []string{"true", "false", "true", "(null)"}, eval(ints, []any{int64(1), int64(3)}, false))
	require.Equal(t, []string{"true", "(null)", "true", "(null)"}, eval(ints, []any{int64(1), nil, int64(3)}, false))
	require.Equal(t, []string{"false", "(null)", "false", "(null)"}, eval(ints, []any{int64(1), nil, int64(3)}, true))
	require.Equal(t, []string{"(null)", "(null)", "(null)", "(null)"}, eval(ints, []any{nil}, false))

	fb := array.NewFloat64Builder(memory.DefaultAllocator)
	fb.AppendValues([]float64{math.NaN(), math.Copysign(0, -1), 0.5, 2}, nil)
	floats := fb.NewArray()
	defer floats.Release()
	require.Equal(t, []string{"true", "true", "false", "false"}, eval(floats, []any{math.NaN(), 0.0}, false))
	require.Equal(t, []string{"false", "false", "true", "true"}, eval(floats, []any{0.5, 2.0}, false))

	sb := array.NewStringBuilder(memory.DefaultAllocator)
	sb.AppendValues([]string{"a", "b", ""}, nil)
	strs := sb.NewArray()
	defer strs.Release()
	require.Equal(t, []string{"false", "true", "true"}, eval(strs, []any{"b", ""}, false))

	tb := array.NewTimestampBuilder(memory.DefaultAllocator, TypeTimestamptz)
	tb.AppendValues([]arrow.Timestamp{10, 20, 30}, nil)
	tb.AppendNull()
	times := tb.NewArray()
	defer times.Release()
	require.Equal(t, []string{"false", "true", "false", "(null)"}, eval(times, []any{Timestamp(20)}, false))
	require.Equal(t, []string{"true", "(null)", "(null)", "(null)"}, eval(times, []any{Timestamp(10), nil}, false))
	require.Equal(t, []string{"true", "false", "true", "(null)"}, eval(times, []any{Timestamp(20)}, true))
	// Times beside other kinds of values: the boxed set.
	require.Equal(t, []string{"false", "false", "true", "(null)"}, eval(times, []any{Timestamp(30), "x"}, false))
}
