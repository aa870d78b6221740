package exec

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"
)

// TestNthValue: selection finds, for every position, the value a sort in
// PostgreSQL's order (NaN after every number) puts there, over duplicates
// and NaNs.
func TestNthValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	for trial := range 200 {
		n := 1 + rng.IntN(60)
		fs := make([]float64, n)
		for i := range fs {
			switch rng.IntN(8) {
			case 0:
				fs[i] = math.NaN()
			case 1:
				fs[i] = math.Inf(-1)
			default:
				fs[i] = float64(rng.IntN(10))
			}
		}
		sorted := slices.Clone(fs)
		slices.SortFunc(sorted, func(x, y float64) int {
			switch {
			case x != x && y != y:
				return 0
			case x != x:
				return 1
			case y != y:
				return -1
			}
			return cmp.Compare(x, y)
		})
		for k := range n {
			got := nthValue(slices.Clone(fs), k)
			if math.IsNaN(sorted[k]) {
				require.True(t, math.IsNaN(got), "trial %d k %d", trial, k)
				continue
			}
			require.Equal(t, sorted[k], got, "trial %d k %d of %v", trial, k, fs)
		}
		is := make([]int64, n)
		for i := range is {
			is[i] = int64(rng.IntN(5))
		}
		isorted := slices.Clone(is)
		slices.Sort(isorted)
		for k := range n {
			require.Equal(t, isorted[k], nthValue(slices.Clone(is), k))
		}
	}
}

// TestPercentileTypedMatchesCollected: the typed percentile accumulator,
// with its groups' values split over two states and merged, gives what the
// collecting accumulator (a full sort of boxed values) gives, for
// percentile_cont, percentile_disc and mode, ascending and descending,
// with infinities and NaN among the doubles.
func TestPercentileTypedMatchesCollected(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	const rows, groups = 3000, 7
	ints, floats, gids := make([]any, rows), make([]any, rows), make([]uint32, rows)
	for i := range rows {
		gids[i] = uint32(rng.IntN(groups - 1)) // the last group stays empty
		if rng.IntN(9) > 0 {
			ints[i] = rng.IntN(1000) - 500
			floats[i] = float64(rng.IntN(400)) / 16
			if k := rng.IntN(60); k < 3 { // a position next to an infinity or NaN
				floats[i] = []float64{math.Inf(1), math.Inf(-1), math.NaN()}[k]
			}
		}
	}
	rec := recordOf(t, col{"i", TypeInt, ints}, col{"f", TypeFloat, floats})
	defer rec.Release()
	for _, c := range []string{"i", "f"} {
		arg := colRef(rec, c)
		for _, fn := range []AggFunc{AggPercentileCont, AggPercentileDisc, AggMode} {
			for _, desc := range []bool{false, true} {
				for _, p := range []float64{0, 0.1, 0.5, 0.95, 0.999, 1} {
					a := Agg{Func: fn, Arg: arg, Fraction: p, Order: []SortKey{{Expr: arg, Desc: desc}}}
					dt, err := a.ResultType()
					require.NoError(t, err)
					name := fmt.Sprintf("%s(%v) %s desc=%v", fn, p, c, desc)
					want := &collectAcc{agg: a}
					want.grow(groups)
					require.NoError(t, want.update(gids, rec.Column(arg.Index), nil))
					// Two states of half the rows each, merged.
					first, second := newPercentileAcc(a), newPercentileAcc(a)
					require.NotNil(t, first, name)
					half := rows / 2
					col := rec.Column(arg.Index)
					lo, hi := array.NewSlice(col, 0, int64(half)), array.NewSlice(col, int64(half), rows)
					first.grow(groups)
					require.NoError(t, first.update(gids[:half], lo, nil))
					second.grow(groups)
					require.NoError(t, second.update(gids[half:], hi, nil))
					ids := make([]uint32, groups)
					for g := range ids {
						ids[g] = uint32(g)
					}
					require.NoError(t, first.(merger).merge(second, ids))
					lo.Release()
					hi.Release()
					w, g := want.result(dt, groups), first.result(dt, groups)
					for i := range groups {
						ws, wok := FormatValue(w, i, time.UTC)
						gs, gok := FormatValue(g, i, time.UTC)
						require.Equal(t, wok, gok, "%s group %d", name, i)
						require.Equal(t, ws, gs, "%s group %d", name, i)
					}
					require.True(t, g.IsNull(groups-1), "an empty group is NULL")
					w.Release()
					g.Release()
				}
			}
		}
	}
}

// BenchmarkPercentile: percentile_cont(0.5) of 864,000 doubles in one
// group, typed (selection) and collected (boxed values, full sort), in the
// same run.
func BenchmarkPercentile(b *testing.B) {
	rng := rand.New(rand.NewPCG(8, 8))
	vals := make([]any, 864000)
	for i := range vals {
		vals[i] = rng.Float64() * 100
	}
	rec := recordOf(b, col{"v", TypeFloat, vals})
	defer rec.Release()
	arg := colRef(rec, "v")
	a := Agg{Func: AggPercentileCont, Arg: arg, Fraction: 0.5, Order: []SortKey{{Expr: arg}}}
	benchTypedAndCollected(b, a, rec, TypeFloat)
}

// benchTypedAndCollected runs aggregate a over rec's first column, all in
// one group, through the typed accumulator ("typed") and the collecting one
// ("collected").
func benchTypedAndCollected(b *testing.B, a Agg, rec arrow.Record, dt arrow.DataType) {
	gids := make([]uint32, rec.NumRows())
	for _, tc := range []struct {
		name string
		acc  func() accumulator
	}{{"typed", func() accumulator { return newPercentileAcc(a) }}, {"collected", func() accumulator { return &collectAcc{agg: a} }}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				acc := tc.acc()
				acc.grow(1)
				if err := acc.update(gids, rec.Column(0), nil); err != nil {
					b.Fatal(err)
				}
				acc.result(dt, 1).Release()
			}
		})
	}
}

// TestModeOf: mode's most frequent value, ties going to the first in the
// order, NaN counted as one value above every number (PostgreSQL's: the
// collecting accumulator's map counted each NaN apart).
func TestModeOf(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		vals      []float64
		asc, desc float64
		ascNaN    bool
		descNaN   bool
	}{
		{vals: []float64{2, 1, 2, 1, 3}, asc: 1, desc: 2},
		{vals: []float64{5}, asc: 5, desc: 5},
		{vals: []float64{3, 3, 1}, asc: 3, desc: 3},
		{vals: []float64{nan, 1, nan, 2, 3}, ascNaN: true, descNaN: true},
		{vals: []float64{nan, 1, nan, 1, 3}, asc: 1, descNaN: true},
		{vals: []float64{nan}, ascNaN: true, descNaN: true},
		{vals: []float64{math.Inf(1), nan, math.Inf(1), 0}, asc: math.Inf(1), desc: math.Inf(1)},
	} {
		for _, desc := range []bool{false, true} {
			got := modeOf(slices.Clone(tc.vals), desc)
			want, wantNaN := tc.asc, tc.ascNaN
			if desc {
				want, wantNaN = tc.desc, tc.descNaN
			}
			if wantNaN {
				require.True(t, math.IsNaN(got), "%v desc=%v: %v", tc.vals, desc, got)
				continue
			}
			require.Equal(t, want, got, "%v desc=%v", tc.vals, desc)
		}
	}
	require.Equal(t, int64(-4), modeOf([]int64{7, -4, 7, -4}, false))
	require.Equal(t, int64(7), modeOf([]int64{7, -4, 7, -4}, true))
}

// BenchmarkMode: mode() of 864,000 bigints of 100 values (a TSBS usage
// column's) in one group, typed (sort, count runs) and collected (boxed
// values counted in a map, then a full sort), in the same run.
func BenchmarkMode(b *testing.B) {
	rng := rand.New(rand.NewPCG(8, 9))
	vals := make([]any, 864000)
	for i := range vals {
		vals[i] = rng.IntN(100)
	}
	rec := recordOf(b, col{"v", TypeInt, vals})
	defer rec.Release()
	arg := colRef(rec, "v")
	a := Agg{Func: AggMode, Arg: arg, Order: []SortKey{{Expr: arg}}}
	benchTypedAndCollected(b, a, rec, TypeInt)
}
