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
		{"m", Auto, Minute, false}, // InfluxDB 1.x's /write
		{"h", Auto, Hour, false},
		{"S", Auto, 0, true},
		{"H", Auto, 0, true},
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

// TestTruncate: a line without a timestamp is stamped with now in whole
// units of the precision, as InfluxDB stamps it.
func TestTruncate(t *testing.T) {
	const now = int64(1700000012345678901)
	require.Equal(t, now, Auto.Truncate(now))
	require.Equal(t, now, Nanosecond.Truncate(now))
	require.Equal(t, int64(1700000012345678000), Microsecond.Truncate(now))
	require.Equal(t, int64(1700000012345000000), Millisecond.Truncate(now))
	require.Equal(t, int64(1700000012000000000), Second.Truncate(now))
	require.Equal(t, int64(1699999980000000000), Minute.Truncate(now))
	require.Equal(t, int64(-2000000000), Second.Truncate(-1500000000))
	p := &Parser{}
	res := p.Parse([]byte("m v=1\nm v=2 1700000012\n"), Options{Precision: Second, Now: now})
	require.Empty(t, res.Errors)
	require.Equal(t, []int64{1700000012000000000, 1700000012000000000}, res.Tables[0].Time, "one second: the same point")
	res = p.Parse([]byte("m v=1 2\n"), Options{Precision: Hour, Now: now})
	require.Empty(t, res.Errors)
	require.Equal(t, []int64{7200e9}, res.Tables[0].Time)
}
