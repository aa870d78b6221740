package exec

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"
)

// TestSnapDecimal: float8 results of exact decimal arithmetic land on the
// float8 nearest the decimal; what cannot be improved is kept.
func TestSnapDecimal(t *testing.T) {
	for _, tc := range []struct {
		v     float64
		scale int
		want  float64
	}{
		{0.1 + 0.2, 1, 0.3},
		{4.35 * 100, 2, 435},
		{0.29 * 100, 2, 29},
		{1.005 * 100, 3, 100.5},
		{math.Mod(10, 0.3), 1, 0.1},
		{math.Mod(7.5, 0.3), 1, 0},
		{math.Copysign(0, -1), 1, 0},
		{-2.675, 3, -2.675},
		{49.65 + 76.39, 2, 126.04},
		{1e300, 2, 1e300},                             // too large to scale: kept
		{math.Inf(1), 2, math.Inf(1)},                 // kept
		{123456789012.345678, 6, 123456789012.345678}, // 1.2e17 scaled: kept
	} {
		got := snapDecimal(tc.v, math.Pow10(tc.scale))
		require.Equal(t, tc.want, got, "%v at scale %d", tc.v, tc.scale)
		require.False(t, math.Signbit(got) && got == 0, "-0 for %v", tc.v)
	}
	require.True(t, math.IsNaN(snapDecimal(math.NaN(), 100)))
}

// TestShortestDecimals: the places of a float8's shortest decimal form,
// -1 past 15 significant digits.
func TestShortestDecimals(t *testing.T) {
	for v, want := range map[float64]int{
		21.6: 1, 0: 0, -4.8: 1, 100: 0, 1e20: 0, 1e-20: 20, 0.125: 3, 64.80000000000001: -1,
		1.0 / 3: -1, 123456789012345: 0, 12345678901234.5: 1, math.Inf(1): -1,
	} {
		require.Equal(t, want, shortestDecimals(v), "%v", v)
	}
	require.Equal(t, -1, shortestDecimals(math.NaN()))
}

// TestShortestDecimalsFast: the arithmetic path of shortestDecimals agrees
// with the places of strconv's shortest form, for short decimals, their
// neighbours one ulp away and random doubles of every magnitude it takes.
func TestShortestDecimalsFast(t *testing.T) {
	rng := rand.New(rand.NewPCG(30, 1))
	check := func(v float64) {
		require.Equal(t, shortestDecimalsText(v), shortestDecimals(v), "%v", v)
	}
	for range 200000 {
		checkDoubles(rng, 15, check)
	}
	for _, v := range []float64{1e-7, 1e15, 999999999999999.9, 999999999999999, 0.1 + 0.2, 1e15 - 1, 9.999999999999999e-8} {
		check(v)
		check(-v)
	}
}

// checkDoubles calls check on a random decimal of up to maxDigits
// digits and either sign, its neighbours one ulp away, a random bit
// pattern and a random double between 2^-60 and 2^50.
func checkDoubles(rng *rand.Rand, maxDigits int, check func(float64)) {
	digits := 1 + rng.IntN(maxDigits)
	v := float64(rng.Int64N(int64(math.Pow10(digits)))) / math.Pow10(rng.IntN(30))
	if rng.IntN(2) == 0 {
		v = -v
	}
	check(v)
	check(math.Nextafter(v, math.Inf(1)))
	check(math.Nextafter(v, math.Inf(-1)))
	check(math.Float64frombits(rng.Uint64()))
	check(math.Ldexp(rng.Float64(), rng.IntN(110)-60))
}

// BenchmarkDecimalDivide: numeric division over a batch of float8 values
// divided by a constant, as floats and as decimals (DecimalDivision) of
// known places or each value's own (shortestDecimals).
func BenchmarkDecimalDivide(b *testing.B) {
	const n = 8192
	vals := make([]any, n)
	for i := range vals {
		vals[i] = float64(i%5000) * 0.37
	}
	rec := recordOf(b, col{"x", TypeFloat, vals})
	defer rec.Release()
	div, err := NewArith(Div, &Column{Index: 0, Name: "x", DT: TypeFloat}, lit(7.0))
	require.NoError(b, err)
	for _, tc := range []struct {
		name string
		e    Expr
	}{
		{"float8", div},
		{"decimal-known", div.DecimalDivision(2, 0)},
		{"decimal-dynamic", div.DecimalDivision(-1, 0)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c := NewCtx()
			for b.Loop() {
				a, err := tc.e.Eval(c, rec)
				if err != nil {
					b.Fatal(err)
				}
				a.Release()
			}
			b.SetBytes(n * 8)
		})
	}
}

// TestDecimalQuotient: quotients of decimals are the double nearest the
// exact quotient (big.Rat), where dividing the doubles is not; what does
// not fit 53 bits is refused.
func TestDecimalQuotient(t *testing.T) {
	for _, tc := range []struct {
		a, b   float64
		da, db int
		want   float64
		ok     bool
	}{
		{99.99, 100, 2, 0, 0.9999, true},
		{3.3, 1.1, 1, 1, 3, true},
		{20001, 2.0001, 0, 4, 10000, true},
		{-7.5, 0.3, 1, 1, -25, true},
		{0.6, 3, 1, 0, 0.2, true},
		{1, 3, 0, 0, 1.0 / 3, true},
		{0, 3.3, 0, 1, 0, true},
		{1, 0, 0, 0, 0, false},                  // division by zero is Arith's error
		{1e20, 3, 0, 0, 0, false},               // 1e20 is past 2^53
		{123456789012345, 1e-8, 0, 8, 0, false}, // 123456789012345·5^8 is past 2^53
	} {
		got, ok := decimalQuotient(tc.a, tc.b, tc.da, tc.db)
		require.Equal(t, tc.ok, ok, "%v / %v", tc.a, tc.b)
		if ok {
			require.Equal(t, tc.want, got, "%v / %v", tc.a, tc.b)
		}
	}
	x, y, z := 99.99, 3.3, 1.1 // what the floats give (not Go's exact constants)
	require.Equal(t, 0.9998999999999999, x/100)
	require.Equal(t, 2.9999999999999996, y/z)

	rng := rand.New(rand.NewPCG(30, 2))
	for range 100000 {
		da, db := rng.IntN(8), rng.IntN(8)
		na, nb := rng.Int64N(1e9)-5e8, rng.Int64N(1e9)+1
		a, b := float64(na)/math.Pow10(da), float64(nb)/math.Pow10(db)
		got, ok := decimalQuotient(a, b, da, db)
		num := new(big.Int).Mul(big.NewInt(na), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(db)), nil))
		den := new(big.Int).Mul(big.NewInt(nb), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(da)), nil))
		want, _ := new(big.Rat).SetFrac(num, den).Float64()
		if db-da <= 6 || ok { // small enough to fit: must be found
			require.True(t, ok, "%v / %v", a, b)
			require.Equal(t, want, got, "%v / %v", a, b)
		}
	}
}

// TestDecimalDivision: Arith's decimal division over a batch with NULLs
// and constants, of known and per-value places; division by zero stays
// PostgreSQL's error; a rebuilt expression keeps the decimal division.
func TestDecimalDivision(t *testing.T) {
	rec := recordOf(t,
		col{"a", TypeFloat, []any{3.3, 99.99, nil, 0.6, 1.0 / 3}},
		col{"b", TypeFloat, []any{1.1, 100.0, 2.0, 3.0, 1.0}})
	defer rec.Release()
	a := &Column{Index: 0, Name: "a", DT: TypeFloat}
	b := &Column{Index: 1, Name: "b", DT: TypeFloat}
	div, err := NewArith(Div, a, b)
	require.NoError(t, err)
	for _, places := range [][2]int{{-1, -1}, {2, 2}} {
		e := div.DecimalDivision(places[0], places[1])
		got, err := e.Eval(NewCtx(), rec)
		require.NoError(t, err)
		f := got.(*array.Float64)
		require.Equal(t, 3.0, f.Value(0))
		require.Equal(t, 0.9999, f.Value(1))
		require.True(t, f.IsNull(2))
		require.Equal(t, 0.2, f.Value(3))
		if places[0] < 0 {
			require.Equal(t, 1.0/3, f.Value(4)) // no short decimal: the floats' quotient
		}
		got.Release()
		rebuilt, err := e.WithOperands(a, b)
		require.NoError(t, err)
		require.Equal(t, e, rebuilt)
	}
	byConst, err := NewArith(Div, a, lit(1.1))
	require.NoError(t, err)
	got, err := byConst.DecimalDivision(-1, -1).Eval(NewCtx(), rec)
	require.NoError(t, err)
	require.Equal(t, 3.0, got.(*array.Float64).Value(0))
	got.Release()
	zero, err := NewArith(Div, a, lit(0.0))
	require.NoError(t, err)
	_, err = zero.DecimalDivision(-1, 0).Eval(NewCtx(), rec)
	require.ErrorIs(t, err, errDivZero)
}

// TestRoundSignificant: the casts of float4 and float8 to numeric round to
// 6 and 15 significant digits exactly as the text round trip does, on
// random doubles and floats, decimals, their neighbours, exact ties and
// powers of ten.
func TestRoundSignificant(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 3))
	check := func(v float64) {
		for _, c := range [][2]int{{15, 64}, {6, 32}} {
			x := v
			if c[1] == 32 {
				x = float64(float32(v))
			}
			want, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', c[0], c[1]), 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				want = x // past float8 once rounded up (math.MaxFloat64): kept
			}
			require.Equal(t, math.Float64bits(want), math.Float64bits(roundSignificant(x, c[0], c[1])), "%v to %d digits", x, c[0])
		}
	}
	for range 100000 {
		checkDoubles(rng, 17, check)
		check(float64(1e14+rng.Int64N(9e14)) + 0.5) // exact ties at 15 digits
		check(float64(1e5+rng.Int64N(9e5)) + 0.5)   // and at 6
	}
	for k := -30; k <= 30; k++ {
		p := math.Pow10(k)
		check(p)
		check(math.Nextafter(p, 0))
		check(math.Nextafter(p, math.Inf(1)))
	}
	for _, v := range []float64{0, math.Copysign(0, -1), 123456789012345.5, 123456789012344.5, 999999999999999.5, 9999995, 0.1, 1.0 / 3, 2.5, math.MaxFloat64, math.SmallestNonzeroFloat64, math.Inf(1), math.NaN()} {
		check(v)
		check(-v)
	}
}

// BenchmarkFloat8ToNumeric: the cast of 8,192 float8 readings to numeric
// (15 significant digits), by the arithmetic and by the text round trip.
func BenchmarkFloat8ToNumeric(b *testing.B) {
	r := rand.New(rand.NewPCG(31, 4))
	vals := make([]float64, 8192)
	for i := range vals {
		vals[i] = r.Float64() * 100
		if i%2 == 0 {
			vals[i] = float64(r.IntN(100000)) / 100
		}
	}
	out := make([]float64, len(vals))
	b.Run("arithmetic", func(b *testing.B) {
		for range b.N {
			for i, x := range vals {
				out[i] = roundSignificant(x, 15, 64)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(vals)), "ns/row")
	})
	b.Run("text", func(b *testing.B) {
		for range b.N {
			for i, x := range vals {
				out[i], _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', 15, 64), 64)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(vals)), "ns/row")
	})
}
