package storage

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoundDecimal(t *testing.T) {
	for _, c := range []struct {
		x      float64
		places int64
		round  float64
		trunc  float64
	}{
		{1.005, 2, 1.01, 1},
		{-1.005, 2, -1.01, -1},
		{2.5, 0, 3, 2},
		{-2.5, 0, -3, -2},
		{0.125, 2, 0.13, 0.12},
		{1.25, 1, 1.3, 1.2},
		{0.29, 2, 0.29, 0.29}, // 0.29·100 is 28.999999999999996
		{-0.001, 2, 0, 0},     // no negative zero
		{12345678.999, 2, 12345679, 12345678.99},
		{1234.5678, -2, 1200, 1200},
		{-7, -1, -10, 0},
		{0.1 + 0.2, 1, 0.3, 0.3},
		{1e300, 2, 1e300, 1e300},
		{5e-324, 2, 0, 0},
		{123456789.123456789, 8, 123456789.12345679, 123456789.12345679},
	} {
		require.Equal(t, c.round, RoundDecimal(c.x, c.places), "round(%v, %d)", c.x, c.places)
		require.Equal(t, c.trunc, TruncDecimal(c.x, c.places), "trunc(%v, %d)", c.x, c.places)
		require.False(t, math.Signbit(RoundDecimal(c.x, c.places)) && RoundDecimal(c.x, c.places) == 0)
	}
	require.True(t, math.IsNaN(RoundDecimal(math.NaN(), 2)))
	require.Equal(t, math.Inf(-1), RoundDecimal(math.Inf(-1), 2))
}

// TestCutScaledMatchesDigits checks the arithmetic path against rounding
// the decimal text, on decimals with few digits (where ties are common),
// values just beside them and random doubles.
func TestCutScaledMatchesDigits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 47))
	values := []float64{}
	for range 200000 {
		digits := rng.IntN(8)
		mant := rng.Int64N(2_000_000_000) - 1_000_000_000
		v, _ := strconv.ParseFloat(strconv.FormatInt(mant, 10)+"e-"+strconv.Itoa(digits), 64)
		values = append(values, v, math.Nextafter(v, math.Inf(1)), math.Nextafter(v, math.Inf(-1)),
			math.Float64frombits(rng.Uint64()), rng.NormFloat64()*math.Pow10(rng.IntN(16)))
	}
	settled := 0
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		places := int64(i % 11)
		for _, round := range []bool{true, false} {
			got, ok := cutScaled(v, places, round)
			if !ok {
				continue
			}
			settled++
			if want := cutDigits(v, places, round); got != want {
				t.Fatalf("cut(%v, %d, round %v): %v by arithmetic, %v by its digits", v, places, round, got, want)
			}
		}
	}
	require.Greater(t, settled, len(values)) // most values take the arithmetic path
}

func BenchmarkRoundDecimal(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	values := make([]float64, 4096)
	for i := range values {
		values[i] = math.Round(rng.Float64()*1e7) / 1000 // prices of three places, rounded to two
	}
	b.Run("scaled", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			_ = RoundDecimal(values[i%len(values)], 2)
		}
	})
	b.Run("digits", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			_ = cutDigits(values[i%len(values)], 2, true)
		}
	})
}
