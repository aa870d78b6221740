package lp

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParsePrecision(t *testing.T) {
	for _, tc := range []struct {
		in   string
		def  Precision
		want Precision
		err  bool
	}{
		{"", Nanosecond, Nanosecond, false},
		{"", Auto, Auto, false},
		{"auto", Nanosecond, Auto, false},
		{"nanosecond", Auto, Nanosecond, false},
		{"ns", Auto, Nanosecond, false},
		{"n", Auto, Nanosecond, false},
		{"microsecond", Auto, Microsecond, false},
		{"us", Auto, Microsecond, false},
		{"u", Auto, Microsecond, false},
		{"millisecond", Auto, Millisecond, false},
		{"ms", Auto, Millisecond, false},
		{"second", Auto, Second, false},
		{"s", Auto, Second, false},
		{"S", Auto, 0, true},
		{"h", Auto, 0, true},
		{"nanoseconds", Auto, 0, true},
		{" ns", Auto, 0, true},
	} {
		got, err := ParsePrecision(tc.in, tc.def)
		if tc.err {
			require.Error(t, err, tc.in)
			require.Contains(t, err.Error(), tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
		if tc.in != "" && len(tc.in) > 2 {
			require.Equal(t, tc.in, got.String())
		}
	}
}

func TestPrecisionScale(t *testing.T) {
	for _, tc := range []struct {
		p    Precision
		ts   int64
		want int64
		ok   bool
	}{
		{Nanosecond, 1451606400000000000, 1451606400000000000, true},
		{Nanosecond, math.MinInt64, math.MinInt64, true},
		{Microsecond, 1451606400000000, 1451606400000000000, true},
		{Millisecond, 1451606400000, 1451606400000000000, true},
		{Second, 1451606400, 1451606400000000000, true},
		{Second, -1, -1e9, true},
		{Second, 9223372036, 9223372036000000000, true},
		{Second, 9223372037, 0, false},
		{Second, -9223372037, 0, false},
		{Millisecond, math.MaxInt64, 0, false},
		{Microsecond, math.MinInt64 / 1000, math.MinInt64 / 1000 * 1000, true},
		// Auto: < 5e9 seconds, < 5e12 ms, < 5e15 µs, else ns; by magnitude.
		{Auto, 0, 0, true},
		{Auto, 1451606400, 1451606400000000000, true},
		{Auto, 4999999999, 4999999999000000000, true},
		{Auto, 5000000000, 5000000000000000, true},
		{Auto, 1451606400000, 1451606400000000000, true},
		{Auto, 4999999999999, 4999999999999000000, true},
		{Auto, 5000000000000, 5000000000000000, true},
		{Auto, 1451606400000000, 1451606400000000000, true},
		{Auto, 5000000000000000, 5000000000000000, true},
		{Auto, 1451606400000000000, 1451606400000000000, true},
		{Auto, -1451606400, -1451606400000000000, true},
		{Auto, -1451606400000, -1451606400000000000, true},
		{Auto, math.MinInt64, math.MinInt64, true},
		{Auto, math.MaxInt64, math.MaxInt64, true},
	} {
		got, ok := tc.p.Scale(tc.ts)
		require.Equal(t, tc.ok, ok, "%v %d", tc.p, tc.ts)
		require.Equal(t, tc.want, got, "%v %d", tc.p, tc.ts)
	}
}
