package slt

import (
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFormatValue(t *testing.T) {
	ts := time.Date(2016, 1, 1, 2, 17, 8, 646325000, time.FixedZone("x", 3600))
	for _, tc := range []struct {
		typ  byte
		v    any
		want string
	}{
		{'I', nil, "NULL"},
		{'I', int64(-42), "-42"},
		{'I', uint64(math.MaxUint64), "18446744073709551615"},
		{'I', Numeric("1234"), "1234"},
		{'R', 0.1 + 0.2, "0.3"},
		{'R', 1.0 / 3, "0.333333333333"},
		{'R', 2.0 / 3 * 1e20, "6.66666666667e+19"},
		{'R', 1e15, "1e+15"},
		{'R', 999999999999999.0, "1e+15"},
		{'R', 123456789012.5, "123456789012"},
		{'R', 0.0001, "0.0001"},
		{'R', 0.00001234, "1.234e-05"},
		{'R', -3.978125, "-3.978125"},
		{'R', math.Copysign(0, -1), "0"},
		{'R', math.NaN(), "NaN"},
		{'R', math.Inf(-1), "-Infinity"},
		{'R', Numeric("50.5000000000000000"), "50.5"},
		{'R', Numeric("3.0000"), "3"},
		{'T', "", "(empty)"},
		{'T', "a b", "a b"},
		{'T', "t\tx\ny\\z\r", `t\tx\ny\\z\r`},
		{'T', "Zürich", "Zürich"},
		{'B', true, "true"},
		{'B', false, "false"},
		{'P', ts, "2016-01-01 01:17:08.646325+00"},
		{'P', time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), "2016-01-01 00:00:00+00"},
		{'P', time.Date(2016, 1, 1, 0, 0, 0, 1, time.UTC), "2016-01-01 00:00:00.000000001+00"},
		{'P', Timestamp(time.Date(2016, 1, 1, 0, 0, 0, 500e6, time.UTC)), "2016-01-01 00:00:00.5"},
		{'P', Date(time.Date(2016, 2, 29, 0, 0, 0, 0, time.UTC)), "2016-02-29"},
		{'V', Interval{}, "00:00:00"},
		{'V', Interval{Months: 14, Days: 3, Micros: 4*3600e6 + 5*60e6 + 6789000}, "1 year 2 mons 3 days 04:05:06.789"},
		{'V', Interval{Days: -1, Micros: 2 * 3600e6}, "-1 days +02:00:00"},
		{'V', Interval{Micros: -1500000}, "-00:00:01.5"},
		{'V', Interval{Micros: 36 * 3600e6}, "36:00:00"},
		{'V', Interval{Days: 1}, "1 day"},
	} {
		got, err := FormatValue(tc.typ, tc.v)
		require.NoError(t, err, "%c %#v", tc.typ, tc.v)
		require.Equal(t, tc.want, got, "%c %#v", tc.typ, tc.v)
	}
}

func TestFormatValueRejectsWrongKind(t *testing.T) {
	for _, tc := range []struct {
		typ byte
		v   any
	}{
		{'I', 1.0}, {'I', Numeric("1.5")}, {'I', Numeric("2.0")}, {'I', "1"},
		{'R', int64(1)}, {'R', "1.5"}, {'T', int64(1)}, {'T', true},
		{'B', "true"}, {'P', "2016-01-01"}, {'V', int64(1)}, {'X', int64(1)},
	} {
		_, err := FormatValue(tc.typ, tc.v)
		require.Error(t, err, "%c %#v", tc.typ, tc.v)
	}
}

// TestFormatMatchesPostgres checks the timestamp and interval formatting
// against PostgreSQL's own text output of the same values.
func TestFormatMatchesPostgres(t *testing.T) {
	pg := connect(t)
	data, err := os.ReadFile("testdata/format/pg_values.txt")
	require.NoError(t, err)
	for _, expr := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if strings.HasPrefix(expr, "#") {
			continue
		}
		res, err := pg.Query(ctx, "SELECT "+expr+", ("+expr+")::text")
		require.NoError(t, err, expr)
		v := res.Rows[0][0]
		got, err := FormatValue(TypeLetter(v), v)
		require.NoError(t, err, expr)
		require.Equal(t, res.Rows[0][1], got, expr)
	}
}
