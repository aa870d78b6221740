package exec

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stretchr/testify/require"
)

// extremeInput is a random walk of 4,320 integers (12 hours of a
// 10-second series) in groups of run rows (a minute: 6), the shape of
// TSBS's single-groupby queries, plus the integer extremes.
func extremeInput(run int) ([]uint32, []int64) {
	r := rand.New(rand.NewPCG(3, 4))
	const rows = 4320
	gids := make([]uint32, rows)
	vals := make([]int64, rows)
	v := int64(50)
	for i := range gids {
		gids[i] = uint32(i / run)
		v += r.Int64N(11) - 5
		vals[i] = v
	}
	vals[7], vals[100] = math.MinInt64, math.MaxInt64
	return gids, vals
}

// TestExtremeIntsMatchesBranchy: the branch-free min/max over integers
// equals the branchy loop, from identity-filled and partly filled groups.
func TestExtremeIntsMatchesBranchy(t *testing.T) {
	for _, run := range []int{1, 6, 360, 4320} {
		gids, vals := extremeInput(run)
		groups := int(gids[len(gids)-1]) + 1
		for _, max := range []bool{true, false} {
			a := &extremeAcc{max: max}
			a.grow(groups)
			a.values(arrow.INT64)
			hasB, curB := make([]bool, groups), make([]int64, groups)
			half := len(gids) / 2
			extremeInts(max, gids[:half], vals[:half], a.has, a.ints)
			extremeFast(max, gids[:half], vals[:half], nil, hasB, curB)
			extremeInts(max, gids[half:], vals[half:], a.has, a.ints)
			extremeFast(max, gids[half:], vals[half:], nil, hasB, curB)
			require.Equal(t, hasB, a.has[:groups], "run %d max %v", run, max)
			require.Equal(t, curB, a.ints[:groups], "run %d max %v", run, max)
		}
	}
}

// TestExtremeFloatsMatchesRowByRow: min/max of floats by runs of a group
// equals the row-by-row loop, -0 and 0 included (the first seen is kept).
func TestExtremeFloatsMatchesRowByRow(t *testing.T) {
	for _, run := range []int{1, 6, 360, 4320} {
		gids, ints := extremeInput(run)
		vals := make([]float64, len(ints))
		for i, v := range ints {
			vals[i] = float64(v % 7)
		}
		vals[3], vals[4] = math.Copysign(0, -1), 0
		vals[len(vals)-2] = math.Inf(1)
		groups := int(gids[len(gids)-1]) + 1
		for _, max := range []bool{true, false} {
			hasA, curA := make([]bool, groups), make([]float64, groups)
			hasB, curB := make([]bool, groups), make([]float64, groups)
			half := len(gids) / 3
			extremeFloats(max, gids[:half], vals[:half], nil, hasA, curA)
			extremeFast(max, gids[:half], vals[:half], nil, hasB, curB)
			extremeFloats(max, gids[half:], vals[half:], nil, hasA, curA)
			extremeFast(max, gids[half:], vals[half:], nil, hasB, curB)
			require.Equal(t, hasB, hasA, "run %d max %v", run, max)
			for g := range curB {
				require.Equal(t, math.Float64bits(curB[g]), math.Float64bits(curA[g]), "run %d max %v group %d", run, max, g)
			}
		}
	}
}

// BenchmarkExtreme compares the branch-free integer min/max with the
// branchy loop on groups of a minute (6 rows) and of an hour (360).
func BenchmarkExtreme(b *testing.B) {
	for _, run := range []int{6, 360} {
		gids, vals := extremeInput(run)
		groups := int(gids[len(gids)-1]) + 1
		name := map[int]string{6: "minutes", 360: "hours"}[run]
		b.Run(name+"/branchy", func(b *testing.B) {
			has, cur := make([]bool, groups), make([]int64, groups)
			for range b.N {
				clear(has)
				extremeFast(true, gids, vals, nil, has, cur)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(gids)), "ns/row")
		})
		b.Run(name+"/floats", func(b *testing.B) {
			fv := make([]float64, len(vals))
			for i, v := range vals {
				fv[i] = float64(v)
			}
			has, cur := make([]bool, groups), make([]float64, groups)
			for range b.N {
				clear(has)
				if hasNaN(fv) { // as extremeAcc.update checks
					b.Fatal("no NaN here")
				}
				extremeFloats(true, gids, fv, nil, has, cur)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(gids)), "ns/row")
		})
		b.Run(name+"/branch-free", func(b *testing.B) {
			has, cur := make([]bool, groups), make([]int64, groups)
			for range b.N {
				fill(cur, true, math.MinInt64, math.MaxInt64)
				extremeInts(true, gids, vals, has, cur)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(gids)), "ns/row")
		})
	}
}

// TestExtremeIntervals: min/max of intervals by their span (a month is 30
// days, a day 24 hours), per worker and merged, and first seen among equal
// spans kept.
func TestExtremeIntervals(t *testing.T) {
	iv := func(m, d int32, h int64) arrow.MonthDayNanoInterval {
		return arrow.MonthDayNanoInterval{Months: m, Days: d, Nanoseconds: h * 3600e9}
	}
	build := func(vals ...arrow.MonthDayNanoInterval) arrow.Array {
		b := array.NewMonthDayNanoIntervalBuilder(memory.DefaultAllocator)
		defer b.Release()
		b.AppendValues(vals, nil)
		return b.NewArray()
	}
	for _, max := range []bool{true, false} {
		w1, w2 := &extremeAcc{max: max}, &extremeAcc{max: max}
		w1.grow(2)
		w2.grow(2)
		a1 := build(iv(0, 1, 0), iv(0, 0, -2), iv(0, 0, 30))
		a2 := build(iv(1, -5, 0), iv(0, 30, 0), iv(0, 0, 24))
		require.NoError(t, w1.update([]uint32{0, 0, 1}, a1, nil))
		require.NoError(t, w2.update([]uint32{0, 1, 1}, a2, nil))
		a1.Release()
		a2.Release()
		require.NoError(t, w1.merge(w2, []uint32{0, 1}))
		out := w1.result(arrow.FixedWidthTypes.MonthDayNanoInterval, 2).(*array.MonthDayNanoInterval)
		if max {
			// group 0: 1 mon -5 days (25 days) beats 1 day; group 1: 30 days beats 30 hours.
			require.Equal(t, []arrow.MonthDayNanoInterval{iv(1, -5, 0), iv(0, 30, 0)}, out.MonthDayNanoIntervalValues())
		} else {
			require.Equal(t, []arrow.MonthDayNanoInterval{iv(0, 0, -2), iv(0, 0, 24)}, out.MonthDayNanoIntervalValues())
		}
		out.Release()
	}
	require.Equal(t, 0, cmpInterval(iv(1, 0, 0), iv(0, 30, 0)))
	require.Equal(t, 0, cmpInterval(iv(0, 1, 0), iv(0, 0, 24)))
	require.Equal(t, -1, cmpInterval(iv(0, -1, 0), iv(0, 0, -23)))
}
