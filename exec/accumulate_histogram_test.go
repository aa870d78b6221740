package exec

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestHistogramMerge: partial histograms merged per group equal one
// histogram over all values; a group without values stays NULL.
func TestHistogramMerge(t *testing.T) {
	h := Histogram{Min: 0, Max: 10, Buckets: 2}
	mk := func() *histAcc { a := &histAcc{h: h}; a.grow(2); return a }
	vals := func(v ...float64) *array.Float64 {
		b := array.NewFloat64Builder(memory.DefaultAllocator)
		defer b.Release()
		b.AppendValues(v, nil)
		return b.NewFloat64Array()
	}
	a, b := mk(), mk()
	x, y := vals(-1, 0, 4.99, 5), vals(9.99, 10, 100, 3)
	defer x.Release()
	defer y.Release()
	require.NoError(t, a.update([]uint32{0, 0, 0, 0}, x, nil))
	require.NoError(t, b.update([]uint32{0, 0, 0, 0}, y, nil))
	require.NoError(t, a.merge(b, []uint32{0, 1}))
	res := a.result(TypeText, 2)
	defer res.Release()
	require.Equal(t, `["{1,3,2,2}" (null)]`, res.String())
	nan := vals(math.NaN())
	defer nan.Release()
	require.ErrorContains(t, mk().update([]uint32{0}, nan, nil), "NaN")
}

// TestWidthBucketHugeRange: bounds whose difference overflows float8
// (TimescaleDB's histogram test uses ±1.79769e+308) put values in their
// bucket, halving first as PostgreSQL 16 does; they panicked (a NaN bucket
// index).
func TestWidthBucketHugeRange(t *testing.T) {
	for _, c := range []struct {
		x, low, high float64
		want         int64
	}{
		{10, -1.79769e+308, 1.79769e+308, 6},
		{-1e308, -1.79769e+308, 1.79769e+308, 3},
		{1.79e308, -1.79769e+308, 1.79769e+308, 10},
		{10, 1.79769e+308, -1.79769e+308, 6},
		{-1.79769e+308, -1.79769e+308, 1.79769e+308, 1},
	} {
		got, err := widthBucket(c.x, c.low, c.high, 10)
		require.NoError(t, err)
		require.Equal(t, c.want, got, "%v in [%v, %v)", c.x, c.low, c.high)
	}
	a := &histAcc{h: Histogram{Min: -1.79769e+308, Max: 1.79769e+308, Buckets: 10}}
	a.grow(1)
	require.NoError(t, a.add(0, 10))
	require.Equal(t, int32(1), a.counts[6])
}
