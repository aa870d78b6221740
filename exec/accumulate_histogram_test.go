package exec

import (
	"fmt"
	"math"
	"strconv"
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

// TestWidthBucketDecimal: numerics' buckets are those of their decimals
// where float8's arithmetic lands just below an edge (0.3 - 0.1 is
// 0.19999999999999998), and agree with a row-by-row exact computation
// over a grid of decimals.
func TestWidthBucketDecimal(t *testing.T) {
	for _, c := range []struct {
		x, low, high float64
		count        int64
		want         int64
	}{
		{0.3, 0.1, 0.5, 2, 2},
		{0.3, 0.5, 0.1, 2, 2},
		{0.7, 0.1, 1.3, 3, 2},
		{1.1, 0.1, 1.3, 6, 6},
		{0.000003, 0.000001, 0.000005, 2, 2},
		{0.05, 0.1, 0.5, 4, 0},
		{0.5, 0.1, 0.5, 4, 5},
	} {
		got, err := widthBucketDecimal(c.x, c.low, c.high, c.count, 0)
		require.NoError(t, err)
		require.Equal(t, c.want, got, "width_bucket(%v, %v, %v, %d)", c.x, c.low, c.high, c.count)
	}
	// Every x = i/100 in [0, 1) against low 0.1, high 0.9, 8 buckets: the
	// bucket of the exact decimal is floor((i - 10) / 10) + 1.
	for i := 10; i < 90; i++ {
		x, _ := strconv.ParseFloat(fmt.Sprintf("0.%02d", i), 64)
		got, err := widthBucketDecimal(x, 0.1, 0.9, 8, 0)
		require.NoError(t, err)
		require.Equal(t, int64((i-10)/10+1), got, "x = %v", x)
	}
}
