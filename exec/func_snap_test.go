package exec

import (
	"math"
	"testing"

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
