package exec

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stretchr/testify/require"
)

// TestExactIntegerMoments: the variances and standard deviations of
// bigints, in one accumulator and as partial ones merged, are the exact
// ratio (N*Q - S*S) / (N*N or N*(N-1)) rounded once, computed here with
// big.Rat, for small values (the 64-bit path), values near 2^62 (the
// big.Int path) and values near 2^63, whose sum of squares carries past
// 128 bits.
func TestExactIntegerMoments(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const groups, rows = 40, 4000
	// The last group gets no rows.
	gids, arr, vals := randomGroupedInts(r, groups, rows, 1, 10, func(g int) int64 {
		switch {
		case g < 20:
			return r.Int64N(201) - 100 // a metric's values
		case g < 30:
			return r.Int64N(1<<62) - 1<<61 // sums past 64 bits
		}
		v := math.MaxInt64 - r.Int64N(1000) // squares carry past 128 bits
		if r.IntN(2) == 0 {
			v = -v
		}
		return v
	})
	defer arr.Release()

	type sums struct {
		n    int64
		s, q *big.Int
	}
	want := make([]sums, groups)
	for g := range want {
		want[g] = sums{s: new(big.Int), q: new(big.Int)}
	}
	for i, g := range gids {
		if v := vals[i]; v != nil {
			x := big.NewInt(*v)
			want[g].n++
			want[g].s.Add(want[g].s, x)
			want[g].q.Add(want[g].q, new(big.Int).Mul(x, x))
		}
	}
	exact := func(g int, samp bool) (float64, bool) {
		w := want[g]
		den := w.n
		if samp {
			den--
		}
		if den <= 0 {
			return 0, false
		}
		num := new(big.Int).Mul(w.q, big.NewInt(w.n))
		num.Sub(num, new(big.Int).Mul(w.s, w.s))
		v, _ := new(big.Rat).SetFrac(num, new(big.Int).Mul(big.NewInt(w.n), big.NewInt(den))).Float64()
		return v, true
	}
	for _, fn := range []AggFunc{AggVarPop, AggVarSamp, AggStddevPop, AggStddevSamp} {
		samp := fn == AggVarSamp || fn == AggStddevSamp
		check := func(acc accumulator, how string) {
			got := acc.result(TypeFloat, groups).(*array.Float64)
			defer got.Release()
			for g := range want {
				v, ok := exact(g, samp)
				if !ok {
					require.True(t, got.IsNull(g), "%v %s group %d", fn, how, g)
					continue
				}
				if fn == AggStddevPop || fn == AggStddevSamp {
					v = math.Sqrt(v)
				}
				require.Equal(t, v, got.Value(g), "%v %s group %d", fn, how, g)
			}
		}
		checkOneAndMerged(t, Agg{Func: fn}, groups, gids, arr, check)
	}
}

// TestMomentsOfFloatsStayFloat8: a float8 argument keeps PostgreSQL's
// float8 (Youngs-Cramer) result to the bit.
func TestMomentsOfFloatsStayFloat8(t *testing.T) {
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	vals := []float64{0.1, 0.2, 0.3, 1e10, -7.5}
	b.AppendValues(vals, nil)
	arr := b.NewFloat64Array()
	defer arr.Release()
	var n, sx, sxx float64
	for _, x := range vals {
		var err error
		n, sx, sxx, err = momentStep(n, sx, sxx, x)
		require.NoError(t, err)
	}
	acc, err := newAccumulator(Agg{Func: AggVarPop})
	require.NoError(t, err)
	acc.grow(1)
	require.NoError(t, acc.update(make([]uint32, len(vals)), arr, nil))
	got := acc.result(TypeFloat, 1).(*array.Float64)
	defer got.Release()
	require.Equal(t, sxx/n, got.Value(0))
}

// TestAppendQuotientStddev: a standard deviation whose variance is a
// ratio is written with its square root's digits to the variance's
// scale, as PostgreSQL's numeric sqrt gives them; other quotients as
// AppendNumericDigits writes them.
func TestAppendQuotientStddev(t *testing.T) {
	for _, tt := range []struct {
		f     float64
		least int
		want  string
	}{
		{math.Sqrt(0.5), StddevScale, "0.70710678118654752440"},                 // stddev_pop of 1, 2
		{math.Sqrt(28.0 / 6), StddevScale, "2.1602468994692868"},                // stddev_samp of 1..7
		{math.Sqrt(6.0 / 11), StddevScale, "0.73854894587599639641"},            // variance 0.54545454545454545455
		{math.Sqrt(4), StddevScale, "2.0000000000000000"},                       // a whole root
		{math.Sqrt(10), StddevScale, "3.1622776601683793"},                      // a whole variance (float digits end ...795)
		{math.Sqrt(8), StddevScale, "2.8284271247461901"},                       // (...903)
		{0.5, VarianceScale, "0.50000000000000000000"},                          // a variance: the ratio's digits
		{1.0 / 3, 0, "0.33333333333333333333"},                                  // a quotient
		{math.Sqrt(math.Pi), StddevScale, quotientFallback(math.Sqrt(math.Pi))}, // no ratio: the float's digits
	} {
		require.Equal(t, tt.want, string(AppendQuotient(nil, tt.f, tt.least)), "%v", tt.f)
	}
}

// quotientFallback is what a standard deviation without a ratio
// variance is written as: the float's digits at the variance's scale.
func quotientFallback(f float64) string {
	return string(AppendNumericDigits(nil, f, DivisionScale(f, StddevScale)))
}

// BenchmarkVarianceInt64: var_samp over 1M bigints in 1,000 groups, with
// the exact sums (what bigint arguments get) and the float8 state alone
// (a float8 argument of the same values), in the same run.
func BenchmarkVarianceInt64(b *testing.B) {
	const rows, groups = 1 << 20, 1000
	r := rand.New(rand.NewPCG(1, 2))
	ib := array.NewInt64Builder(memory.DefaultAllocator)
	fb := array.NewFloat64Builder(memory.DefaultAllocator)
	gids := make([]uint32, rows)
	for i := range gids {
		gids[i] = uint32(r.IntN(groups))
		v := r.Int64N(101)
		ib.Append(v)
		fb.Append(float64(v))
	}
	ints, floats := ib.NewInt64Array(), fb.NewFloat64Array()
	defer ints.Release()
	defer floats.Release()
	for _, c := range []struct {
		name string
		arg  arrow.Array
	}{{"bigint", ints}, {"float8", floats}} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				acc, _ := newAccumulator(Agg{Func: AggVarSamp})
				acc.grow(groups)
				if err := acc.update(gids, c.arg, nil); err != nil {
					b.Fatal(err)
				}
				acc.result(TypeFloat, groups).Release()
			}
		})
	}
}

// TestMomentsMixedBatches: bigint batches then a float8 one (or partial
// states of both kinds merged) go on in float8 from the exact sums.
func TestMomentsMixedBatches(t *testing.T) {
	ib := array.NewInt64Builder(memory.DefaultAllocator)
	ib.AppendValues([]int64{1, 2, 3}, nil)
	ints := ib.NewInt64Array()
	defer ints.Release()
	fb := array.NewFloat64Builder(memory.DefaultAllocator)
	fb.AppendValues([]float64{4, 5}, nil)
	floats := fb.NewFloat64Array()
	defer floats.Release()
	want := 2.5 // var_samp of 1..5
	result := func(acc accumulator) float64 {
		got := acc.result(TypeFloat, 1).(*array.Float64)
		defer got.Release()
		return got.Value(0)
	}
	acc, err := newAccumulator(Agg{Func: AggVarSamp})
	require.NoError(t, err)
	acc.grow(1)
	require.NoError(t, acc.update(make([]uint32, 3), ints, nil))
	require.NoError(t, acc.update(make([]uint32, 2), floats, nil))
	require.InEpsilon(t, want, result(acc), 1e-15)

	for _, order := range [][2]arrow.Array{{ints, floats}, {floats, ints}} {
		final, err := newAccumulator(Agg{Func: AggVarSamp})
		require.NoError(t, err)
		final.grow(1)
		for _, part := range order {
			p, err := newAccumulator(Agg{Func: AggVarSamp})
			require.NoError(t, err)
			p.grow(1)
			require.NoError(t, p.update(make([]uint32, part.Len()), part, nil))
			require.NoError(t, final.(merger).merge(p, []uint32{0}))
		}
		require.InEpsilon(t, want, result(final), 1e-15)
	}
}
