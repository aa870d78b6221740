package exec

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/array"
	"testing"

	"github.com/stretchr/testify/require"
)

// avgRowByRow is the plain loop avgRuns must equal bit for bit.
func avgRowByRow(gids []uint32, vals []float64, valid func(int) bool, sum []float64, n []int64) {
	for i, g := range gids {
		if valid != nil && !valid(i) {
			continue
		}
		sum[g] += vals[i]
		n[g]++
	}
}

// avgInput is 432,000 rows in 1,300 groups: sorted runs of ~330 rows (a
// file's order) or shuffled.
func avgInput(sorted bool) ([]uint32, []float64) {
	r := rand.New(rand.NewPCG(1, 2))
	const rows, groups = 432000, 1300
	gids := make([]uint32, rows)
	vals := make([]float64, rows)
	for i := range gids {
		gids[i] = uint32(i * groups / rows)
		vals[i] = r.Float64()*100 + 1e-9*float64(i)
	}
	if !sorted {
		r.Shuffle(rows, func(i, j int) { gids[i], gids[j] = gids[j], gids[i] })
	}
	return gids, vals
}

func TestAvgRunsMatchesRowByRow(t *testing.T) {
	for _, sorted := range []bool{true, false} {
		gids, vals := avgInput(sorted)
		for _, valid := range []func(int) bool{nil, func(i int) bool { return i%7 != 3 }} {
			s1, n1 := make([]float64, 1300), make([]int64, 1300)
			s2, n2 := make([]float64, 1300), make([]int64, 1300)
			avgRowByRow(gids, vals, valid, s1, n1)
			avgRuns(gids, vals, valid, s2, n2)
			require.Equal(t, s1, s2, "sums bit for bit")
			require.Equal(t, n1, n2)
		}
	}
}

// BenchmarkAvgUpdate compares avgRuns with the row-by-row loop it
// replaced, on sorted and shuffled group ids.
func BenchmarkAvgUpdate(b *testing.B) {
	for _, sorted := range []bool{true, false} {
		gids, vals := avgInput(sorted)
		name := map[bool]string{true: "sorted", false: "shuffled"}[sorted]
		sum, n := make([]float64, 1300), make([]int64, 1300)
		b.Run(name+"/row-by-row", func(b *testing.B) {
			for range b.N {
				avgRowByRow(gids, vals, nil, sum, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(gids)), "ns/row")
		})
		b.Run(name+"/runs", func(b *testing.B) {
			for range b.N {
				avgRuns(gids, vals, nil, sum, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(gids)), "ns/row")
		})
		comp := make([]float64, 1300)
		b.Run(name+"/compensated", func(b *testing.B) {
			for range b.N {
				avgFloats(gids, vals, nil, sum, comp, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(gids)), "ns/row")
		})
	}
}

// BenchmarkSumNumericPlaces: sum's update over 8,192 readings of two
// decimals in 100 groups, as float8, as numerics of known places, and as
// numerics of no known scale (valuePlaces per row).
func BenchmarkSumNumericPlaces(b *testing.B) {
	r := rand.New(rand.NewPCG(31, 2))
	gids, vals := make([]uint32, 8192), make([]float64, 8192)
	for i := range vals {
		gids[i], vals[i] = uint32(r.IntN(100)), float64(r.IntN(100000))/100
	}
	arr := fixedArray(TypeFloat, vals, nil)
	defer arr.Release()
	for _, c := range []struct {
		name string
		agg  Agg
	}{
		{"float8", Agg{Func: AggSum}},
		{"known-places", Agg{Func: AggSum, Decimal: true, Places: 2}},
		{"value-places", Agg{Func: AggSum, Decimal: true, Places: -1}},
	} {
		b.Run(c.name, func(b *testing.B) {
			acc, err := newAccumulator(c.agg)
			require.NoError(b, err)
			acc.grow(100)
			for range b.N {
				if err := acc.update(gids, arr, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(gids)), "ns/row")
		})
	}
}

// TestFloatSumsIgnoreOrder: float sum and avg come out the same however
// their values are split between partial aggregates and in whatever order
// the partials merge (a parallel scan's workers finish in any order).
func TestFloatSumsIgnoreOrder(t *testing.T) {
	// Readings as sensors send them: a decimal or two, of mixed sign and
	// magnitude. (Values that cancel at 1e16 can still differ in the last
	// digit: compensation holds twice float64's precision, not all of it.)
	rnd := rand.New(rand.NewPCG(1, 2))
	vals := make([]float64, 500)
	for i := range vals {
		vals[i] = float64(rnd.IntN(200001)-100000) / 100 * math.Pow(10, float64(rnd.IntN(5)-2))
	}
	run := func(order []int, split int) (float64, float64) {
		parts := [2][]float64{}
		for k, i := range order {
			parts[min(k/split, 1)] = append(parts[min(k/split, 1)], vals[i])
		}
		sums, avgs := [2]*sumAcc{}, [2]*avgAcc{}
		for p := range parts {
			sums[p], avgs[p] = &sumAcc{}, &avgAcc{}
			sums[p].grow(1)
			avgs[p].grow(1)
			arr := fixedArray(TypeFloat, parts[p], nil)
			gids := make([]uint32, len(parts[p]))
			require.NoError(t, sums[p].update(gids, arr, nil))
			require.NoError(t, avgs[p].update(gids, arr, nil))
		}
		require.NoError(t, sums[1].merge(sums[0], []uint32{0}))
		require.NoError(t, avgs[1].merge(avgs[0], []uint32{0}))
		return sums[1].result(TypeFloat, 1).(*array.Float64).Value(0), avgs[1].result(TypeFloat, 1).(*array.Float64).Value(0)
	}
	wantSum, wantAvg := run(rnd.Perm(len(vals)), len(vals)/2)
	plain := 0.0
	for _, v := range vals {
		plain += v
	}
	require.InDelta(t, plain, wantSum, 1e-6)
	for range 200 {
		order := rnd.Perm(len(vals))
		s, a := run(order, 1+rnd.IntN(len(vals)))
		require.Equal(t, wantSum, s, "order %v", order)
		require.Equal(t, wantAvg, a, "order %v", order)
	}
}

// TestDecimalSumAvg: sum and avg of numerics of known places (Agg.Decimal)
// are the decimals' sum and quotient, in one accumulator, as merged
// partials and with DISTINCT; without Decimal the floats' results stand.
func TestDecimalSumAvg(t *testing.T) {
	// Group 0: 0.1, 0.2, 0.3, 0.3; group 1: 1.15 and 2.2 (places 2), NULL.
	valid := newBitmap(7)
	for _, i := range []int{0, 1, 2, 3, 4, 6} {
		setBit(valid, i)
	}
	arr := fixedArray(TypeFloat, []float64{0.1, 1.15, 0.2, 2.2, 0.3, 0, 0.3}, valid)
	defer arr.Release()
	gids := []uint32{0, 1, 0, 1, 0, 1, 0}
	for _, tc := range []struct {
		agg  Agg
		want [2]float64
	}{
		{Agg{Func: AggAvg, Decimal: true, Places: 2}, [2]float64{0.225, 1.675}},
		{Agg{Func: AggSum, Decimal: true, Places: 2}, [2]float64{0.9, 3.35}},
		{Agg{Func: AggAvg, Decimal: true, Places: 2, Distinct: true}, [2]float64{0.2, 1.675}},
		{Agg{Func: AggSum, Decimal: true, Places: 2, Distinct: true}, [2]float64{0.6, 3.35}},
	} {
		check := func(acc accumulator, how string) {
			res := acc.result(TypeFloat, 2).(*array.Float64)
			defer res.Release()
			require.Equal(t, tc.want[:], res.Float64Values(), "%s %s", tc.agg, how)
		}
		if tc.agg.Distinct {
			acc, err := newAccumulator(tc.agg)
			require.NoError(t, err)
			acc.grow(2)
			require.NoError(t, acc.update(gids, arr, nil))
			check(acc, "one")
			continue
		}
		checkOneAndMerged(t, tc.agg, 2, gids, arr, check)
	}
	// The floats alone: 0.6 / 3 is 0.19999999999999998.
	three := fixedArray(TypeFloat, []float64{0.1, 0.2, 0.3}, nil)
	defer three.Release()
	for _, dec := range []bool{false, true} {
		acc, err := newAccumulator(Agg{Func: AggAvg, Decimal: dec, Places: 1})
		require.NoError(t, err)
		acc.grow(1)
		require.NoError(t, acc.update([]uint32{0, 0, 0}, three, nil))
		res := acc.result(TypeFloat, 1).(*array.Float64)
		require.Equal(t, map[bool]float64{false: 0.19999999999999998, true: 0.2}[dec], res.Value(0))
		res.Release()
	}
}

// TestPerValueDecimalSumAvg: for numerics of no known scale (Places -1)
// each group's sum is the double nearest the exact sum of its decimals,
// and avg the one nearest that over the count, with the places found from
// the values (one accumulator, merged partials, DISTINCT); a group with a
// value of no short decimal form keeps the floats' sum.
func TestPerValueDecimalSumAvg(t *testing.T) {
	rnd := rand.New(rand.NewPCG(31, 1))
	const groups, rows = 40, 6000
	gids := make([]uint32, rows)
	vals := make([]float64, rows)
	exact := make([]*big.Rat, groups)
	counts := make([]int64, groups)
	distinct := make([]map[float64]bool, groups)
	for g := range exact {
		exact[g], distinct[g] = new(big.Rat), map[float64]bool{}
	}
	for i := range vals {
		g := rnd.IntN(groups - 1) // the last group: 1/3 (below)
		places := rnd.IntN(g%7 + 1)
		n := rnd.Int64N(2_000_000) - 1_000_000
		d, _ := new(big.Rat).SetString(fmt.Sprintf("%de-%d", n, places))
		vals[i], _ = d.Float64()
		if rnd.IntN(5) == 0 { // repeats, for DISTINCT
			vals[i] = float64(rnd.IntN(20)) / 4
			d.SetString(strconv.FormatFloat(vals[i], 'f', -1, 64))
		}
		gids[i] = uint32(g)
		exact[g].Add(exact[g], d)
		counts[g]++
		distinct[g][vals[i]] = true
	}
	gids = append(gids, groups-1, groups-1)
	vals = append(vals, 1.0/3, 0.1)
	arr := fixedArray(TypeFloat, vals, nil)
	defer arr.Release()
	nearest := func(r *big.Rat) float64 { f, _ := r.Float64(); return f }
	third := 1.0/3 + 0.1 // the floats' sum of the last group
	for _, fn := range []AggFunc{AggSum, AggAvg} {
		check := func(acc accumulator, how string) {
			res := acc.result(TypeFloat, groups).(*array.Float64)
			defer res.Release()
			for g := 0; g < groups-1; g++ {
				want := nearest(exact[g])
				if fn == AggAvg {
					want = nearest(new(big.Rat).Quo(exact[g], new(big.Rat).SetInt64(counts[g])))
				}
				require.Equal(t, want, res.Value(g), "%s %s group %d", fn, how, g)
			}
			require.Equal(t, map[AggFunc]float64{AggSum: third, AggAvg: third / 2}[fn], res.Value(groups-1), "%s %s", fn, how)
		}
		checkOneAndMerged(t, Agg{Func: fn, Decimal: true, Places: -1}, groups, gids, arr, check)

		acc, err := newAccumulator(Agg{Func: fn, Decimal: true, Places: -1, Distinct: true})
		require.NoError(t, err)
		acc.grow(groups)
		require.NoError(t, acc.update(gids, arr, nil))
		res := acc.result(TypeFloat, groups).(*array.Float64)
		for g := 0; g < groups-1; g++ {
			sum := new(big.Rat)
			for v := range distinct[g] {
				d, _ := new(big.Rat).SetString(strconv.FormatFloat(v, 'f', -1, 64))
				sum.Add(sum, d)
			}
			if fn == AggAvg {
				sum.Quo(sum, new(big.Rat).SetInt64(int64(len(distinct[g]))))
			}
			require.Equal(t, nearest(sum), res.Value(g), "%s DISTINCT group %d", fn, g)
		}
		res.Release()
	}
}

// TestDistinctFloatSum: sum and avg of DISTINCT floats add the distinct
// values in ascending order, as PostgreSQL adds its sorted ones, whatever
// order they arrive in (the set's own order changes from run to run, and
// the sum's last digit did with it).
func TestDistinctFloatSum(t *testing.T) {
	rnd := rand.New(rand.NewPCG(30, 3))
	vals := make([]float64, 300)
	for i := range vals {
		vals[i] = float64(rnd.IntN(100000)) / 1000 // some repeat
	}
	distinct := slices.Compact(slices.Sorted(slices.Values(vals)))
	want := 0.0
	for _, v := range distinct {
		want += v
	}
	for range 20 {
		rnd.Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
		arr := fixedArray(TypeFloat, vals, nil)
		for _, fn := range []AggFunc{AggSum, AggAvg} {
			acc, err := newAccumulator(Agg{Func: fn, Distinct: true})
			require.NoError(t, err)
			acc.grow(1)
			require.NoError(t, acc.update(make([]uint32, len(vals)), arr, nil))
			res := acc.result(TypeFloat, 1).(*array.Float64)
			require.Equal(t, map[AggFunc]float64{AggSum: want, AggAvg: want / float64(len(distinct))}[fn], res.Value(0), "%s", fn)
			res.Release()
		}
		arr.Release()
	}
}

// TestDistinctSumOverflow: sum(DISTINCT bigint) past the bigint range is
// the error sum() gives, not a wrapped-around sum.
func TestDistinctSumOverflow(t *testing.T) {
	rec := recordOf(t, col{"x", TypeInt, []any{math.MaxInt64, 1, 1}})
	defer rec.Release()
	for _, distinct := range []bool{false, true} {
		a := Agg{Func: AggSum, Arg: colRef(rec, "x"), Distinct: distinct}
		h, err := NewHashAggregate(NewCtx(), NewValues(rec.Schema(), rec), nil, []Agg{a}, []string{"s"})
		require.NoError(t, err)
		_, err = Collect(context.Background(), h)
		require.ErrorContains(t, err, "bigint out of range in sum()", a.String())
		h.Close()
	}
}
