package exec

import (
	"math"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestCastNumericMatchesCastValue: the vectorized numeric casts give what
// the row-at-a-time CastValue gives, nulls and slice offsets included.
func TestCastNumericMatchesCastValue(t *testing.T) {
	mem := memory.DefaultAllocator
	ib := array.NewInt64Builder(mem)
	ib.AppendValues([]int64{1, -2, 0, math.MaxInt64, 7}, []bool{true, true, false, true, true})
	ints := ib.NewArray()
	ub := array.NewUint64Builder(mem)
	ub.AppendValues([]uint64{1, 2, 0, 1 << 40, 9}, []bool{true, false, true, true, true})
	uints := ub.NewArray()
	fb := array.NewFloat64Builder(mem)
	fb.AppendValues([]float64{1.5, 2.5, -0.5, 0, 1e18}, []bool{true, true, true, false, true})
	floats := fb.NewArray()
	c := NewCtx()
	for _, tc := range []struct {
		in arrow.Array
		to arrow.DataType
	}{
		{ints, TypeFloat}, {uints, TypeFloat}, {floats, TypeInt}, {uints, TypeInt},
	} {
		for _, off := range []int64{0, 1, 3} {
			in := array.NewSlice(tc.in, off, int64(tc.in.Len()))
			out, ok, err := castNumeric(in, tc.to)
			require.True(t, ok)
			require.NoError(t, err)
			get, err := valueGetter(in)
			require.NoError(t, err)
			outGet, err := valueGetter(out)
			require.NoError(t, err)
			require.Equal(t, in.Len(), out.Len())
			for i := 0; i < in.Len(); i++ {
				require.Equal(t, in.IsNull(i), out.IsNull(i), "%s→%s row %d", in.DataType(), tc.to, i)
				if in.IsNull(i) {
					continue
				}
				want, err := CastValue(c, get(i), tc.to)
				require.NoError(t, err)
				require.Equal(t, want, outGet(i))
			}
			out.Release()
			in.Release()
		}
	}
	// Out of range is an error, as in PostgreSQL; a NULL's value is not checked.
	fb.AppendValues([]float64{1e19, math.NaN()}, []bool{true, false})
	big := fb.NewArray()
	_, ok, err := castNumeric(big, TypeInt)
	require.True(t, ok)
	require.ErrorIs(t, err, errIntRange)
	nb := array.NewFloat64Builder(mem)
	nb.AppendValues([]float64{math.NaN(), 2}, []bool{false, true})
	nulls := nb.NewArray()
	out, _, err := castNumeric(nulls, TypeInt)
	require.NoError(t, err)
	require.Equal(t, int64(2), out.(*array.Int64).Value(1))
}

// TestCastToTextFastMatchesCastValue: the one-buffer casts to text give
// what castToText gives value by value, nulls and slice offsets included,
// times in the session's zone.
func TestCastToTextFastMatchesCastValue(t *testing.T) {
	mem := memory.DefaultAllocator
	ib := array.NewInt64Builder(mem)
	ib.AppendValues([]int64{1, -2, 0, math.MaxInt64, math.MinInt64, 42}, []bool{true, true, false, true, true, true})
	fb := array.NewFloat64Builder(mem)
	fb.AppendValues([]float64{1.5, math.NaN(), math.Inf(-1), 0, 1e18, -0.000012, 1e-300}, []bool{true, true, true, false, true, true, true})
	bb := array.NewBooleanBuilder(mem)
	bb.AppendValues([]bool{true, false, true}, []bool{true, true, false})
	tb := array.NewTimestampBuilder(mem, TypeTimestamptz)
	tb.AppendValues([]arrow.Timestamp{0, 1451606400123456789, -1, 1710052200e9, 0}, []bool{true, true, true, true, false})
	inputs := []arrow.Array{ib.NewArray(), fb.NewArray(), bb.NewArray(), tb.NewArray()}
	for _, zone := range []string{"UTC", "America/New_York", "Asia/Kolkata"} {
		c := NewCtx()
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		c.Location = loc
		for _, whole := range inputs {
			for _, off := range []int64{0, 1, 2} {
				in := array.NewSlice(whole, off, int64(whole.Len()))
				out, ok := castToTextFast(c, in)
				require.True(t, ok)
				get, err := valueGetter(in)
				require.NoError(t, err)
				require.Equal(t, in.Len(), out.Len())
				for i := 0; i < in.Len(); i++ {
					require.Equal(t, in.IsNull(i), out.IsNull(i), "%s row %d", in.DataType(), i)
					if !in.IsNull(i) {
						require.Equal(t, castToText(c, get(i)), out.(*array.String).Value(i), "%s row %d in %s", in.DataType(), i, zone)
					}
				}
				out.Release()
				in.Release()
			}
		}
	}
}
