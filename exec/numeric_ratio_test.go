package exec

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAppendNumericDigits: a float-held numeric is written with its
// display scale as PostgreSQL writes the exact value: padded, rounded half
// away from zero, or, for a quotient of small integers, with the
// quotient's own digits past the float's precision.
func TestAppendNumericDigits(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		prec int
		want string
	}{
		{1.5, 2, "1.50"},
		{7, 2, "7.00"},
		{-3, 0, "-3"},
		{1e-7, -1, "0.0000001"},
		{1.2345678901234567e19, 2, "12345678901234567000.00"},
		{-0.001, 2, "0.00"},
		{math.Copysign(0, -1), 1, "0.0"},
		{2.675, 2, "2.68"}, // the decimal 2.675, not the binary 2.67499...
		{0.125, 2, "0.13"}, // half away from zero, not to even
		{-0.125, 2, "-0.13"},
		{9.995, 2, "10.00"}, // the carry grows a digit
		{99.5, 0, "100"},
		{0.4, 0, "0"},
		{3401.0 / 120, 16, "28.3416666666666667"}, // avg of integers: PostgreSQL's digits
		{751.0 / 12, 16, "62.5833333333333333"},
		{-751.0 / 12, 16, "-62.5833333333333333"},
		{37.0 / 12, 16, "3.0833333333333333"},   // the float's 16th digit is off (…335)
		{700.0 / 3, 14, "233.33333333333333"},   // rounded down where the float rounds up
		{2.0 / 3, 20, "0.66666666666666666667"}, // rounded up
		{8798.0 / 3401, 16, "2.5868862099382535"},
		{1.0 / 3, 2, "0.33"},
		{math.Sqrt2, 16, "1.4142135623730951"}, // no small ratio: the float's digits
		{12345.678901234, 20, "12345.67890123400000000000"},
	} {
		require.Equal(t, tc.want, string(AppendNumericDigits(nil, tc.f, tc.prec)), "%v with %d places", tc.f, tc.prec)
		require.Equal(t, "x"+tc.want, string(AppendNumericDigits([]byte("x"), tc.f, tc.prec)), "after other bytes")
	}
	allocs := testing.AllocsPerRun(100, func() {
		var buf [64]byte
		_ = AppendNumericDigits(buf[:0], 751.0/12, 16)
	})
	require.Zero(t, allocs)
}

// TestRatioDigitsExact: for quotients p/q of random integers with q below
// the bound ratioOf promises, the float p/q is written with exactly the
// digits of the rational p/q rounded half away from zero (math/big as the
// reference), at every scale up to 24 places.
func TestRatioDigitsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 24))
	checked := 0
	for i := 0; i < 20000; i++ {
		q := 2 + rng.Int64N(int64(1)<<(2+rng.IntN(19))) // up to 2^20
		p := rng.Int64N(int64(1) << (1 + rng.IntN(40)))
		if rng.IntN(4) == 0 {
			p = -p
		}
		f := float64(p) / float64(q)
		if f == math.Trunc(f) {
			continue
		}
		ulp := math.Nextafter(math.Abs(f), math.Inf(1)) - math.Abs(f)
		if float64(q)*float64(q)*ulp >= 1.0/1024 {
			continue // beyond ratioOf's bound
		}
		if n := significantDigits(strconv.AppendFloat(nil, f, 'f', -1, 64)); n < 13 {
			continue // a float this short is taken as the decimal it shows
		}
		prec := rng.IntN(25)
		want := roundHalfAway(big.NewRat(p, q), prec)
		require.Equal(t, want, string(AppendNumericDigits(nil, f, prec)), "%d/%d with %d places", p, q, prec)
		checked++
	}
	require.Greater(t, checked, 5000, "quotients checked")
}

// roundHalfAway is r's decimal text with prec places, rounded half away
// from zero (big.Rat.FloatString rounds half away from zero too; zero
// drops its sign).
func roundHalfAway(r *big.Rat, prec int) string {
	s := r.FloatString(prec)
	return string(trimNegativeZero([]byte(s), 0))
}

// BenchmarkAppendNumericDigits: writing a quotient (ratio recovered) next
// to a short decimal (padded), per value.
func BenchmarkAppendNumericDigits(b *testing.B) {
	var buf [64]byte
	b.Run("quotient", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = AppendNumericDigits(buf[:0], 751.0/12, 16)
		}
	})
	b.Run("short", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = AppendNumericDigits(buf[:0], 53.5, 16)
		}
	})
}

// TestDivisionScale: PostgreSQL's select_div_scale for a quotient q (16
// significant digits from q's first base-10000 group, at least least
// places), a zero variance or standard deviation written as 0, and a
// standard deviation with its variance's scale.
func TestDivisionScale(t *testing.T) {
	for _, tc := range []struct {
		q     float64
		least int
		want  int
	}{
		{3.5, 0, 16},
		{0.25, 0, 20},
		{0, 0, 20}, // 0 / 5
		{1, 0, 20}, // 12 / 12: a power of 10000
		{12345.5, 0, 12},
		{1.5, 18, 18},
		{0, VarianceScale, 0}, // all values equal
		{0, StddevScale | 4, 0},
		{8.25, VarianceScale, 16},
		{0.25, VarianceScale | 2, 20},
		{0.5, StddevScale, 20},               // the variance is 0.25
		{100000.50000041666, StddevScale, 8}, // the variance is 1.00001e10
		{3.0276503540974917, StddevScale, 16},
		{math.NaN(), VarianceScale | 3, 3},
	} {
		require.Equal(t, tc.want, DivisionScale(tc.q, tc.least), "%v with least %#x", tc.q, tc.least)
	}
}
