package exec

import (
	"context"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// TestGapFillZoneBuckets: buckets on a zone's wall clock step across
// daylight-saving changes: a 23-hour day, an hour that repeats (a bucket
// for each pass), and months.
func TestGapFillZoneBuckets(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	utc := func(s string) int64 {
		v, err := time.Parse("2006-01-02 15:04", s)
		require.NoError(t, err)
		return v.UnixNano()
	}
	for _, tc := range []struct {
		width      arrow.MonthDayNanoInterval
		start, end string
		want       []string
	}{
		{arrow.MonthDayNanoInterval{Days: 1}, "2016-03-12 05:00", "2016-03-15 04:00",
			[]string{"2016-03-12 05:00", "2016-03-13 05:00", "2016-03-14 04:00"}},
		{arrow.MonthDayNanoInterval{Nanoseconds: int64(time.Hour)}, "2016-11-06 04:00", "2016-11-06 08:00",
			// 01:00 comes twice (05:00 and 06:00 UTC): two buckets, as
			// TimescaleDB has them.
			[]string{"2016-11-06 04:00", "2016-11-06 05:00", "2016-11-06 06:00", "2016-11-06 07:00"}},
		{arrow.MonthDayNanoInterval{Months: 1}, "2016-01-15 00:00", "2016-04-01 00:00",
			[]string{"2016-01-01 05:00", "2016-02-01 05:00", "2016-03-01 05:00"}}, // April begins after the end
	} {
		floor, err := Bucketer(tc.width, ny, nil, arrow.MonthDayNanoInterval{}, ny)
		require.NoError(t, err)
		first, err := floor(utc(tc.start))
		require.NoError(t, err)
		in := recordOf(t, col{"b", TypeTimestamptz, []any{int(first)}}, col{"v", TypeInt, []any{1}})
		g := NewGapFill(nil, NewValues(in.Schema(), in), GapFillSpec{Bucket: 0, Start: utc(tc.start), End: utc(tc.end),
			Floor: floor, MaxWidth: MaxBucketWidth(tc.width)}, nil)
		got := rows(t, g)
		want := make([]string, len(tc.want))
		for i, w := range tc.want {
			want[i] = formatTimestampIn(utc(w), time.UTC) + "|" + map[bool]string{true: "1", false: "NULL"}[i == 0]
		}
		require.Equal(t, want, got, "width %v", tc.width)
		in.Release()
	}
}

// TestFillColumn: locf and interpolate as TimescaleDB fills (only the rows
// added for missing buckets; a NULL neighbour gives NULL) and as InfluxDB
// 3's date_bin_gapfill fills (NULL values too, from the nearest values),
// checked against the expected rows of IOx's gapfill.sql.expected; integer
// interpolation is exact and float interpolation uses TimescaleDB's
// formula (gapfill-16.out's -1.8, -0.6, 0.6, 1.8).
func TestFillColumn(t *testing.T) {
	m := int64(time.Minute)
	// 12:20 70, 12:31 NULL (a row of another field), 12:39 60; the
	// others are added buckets.
	rows := [][]any{{70.0}, {nil}, {nil}, {60.0}, {nil}}
	times := []int64{20 * m, 31 * m, 35 * m, 39 * m, 40 * m}
	filled := []bool{false, false, true, false, true}
	locf := GapFillColumn{Source: 0, DT: TypeFloat}
	require.Equal(t, []any{70.0, nil, nil, 60.0, 60.0}, fillColumn(rows, times, filled, locf, false))
	require.Equal(t, []any{70.0, 70.0, 70.0, 60.0, 60.0}, fillColumn(rows, times, filled, locf, true))
	interp := GapFillColumn{Interpolate: true, Source: 0, DT: TypeFloat}
	require.Equal(t, []any{70.0, nil, nil, 60.0, nil}, fillColumn(rows, times, filled, interp, false))
	require.Equal(t, []any{70.0, 70.0 - 10*11/19.0, 70.0 - 10*15/19.0, 60.0, nil}, fillColumn(rows, times, filled, interp, true))

	line := [][]any{{-3.0}, {nil}, {nil}, {nil}, {nil}, {3.0}}
	tens := []int64{0, 10, 20, 30, 40, 50}
	gaps := []bool{false, true, true, true, true, false}
	require.Equal(t, []any{-3.0, -1.8, -0.6, 0.6, 1.8, 3.0}, fillColumn(line, tens, gaps, interp, false))

	ints := GapFillColumn{Interpolate: true, Source: 0, DT: TypeInt}
	const max = int64(9223372036854775807)
	require.Equal(t, []any{max, max, max, max}, fillColumn([][]any{{max}, {nil}, {nil}, {max}}, []int64{0, 10, 20, 30}, []bool{false, true, true, false}, ints, false))
	require.Equal(t, []any{int64(9007199254740993), int64(9007199254740995), int64(9007199254740997), int64(9007199254740999)},
		fillColumn([][]any{{int64(9007199254740993)}, {nil}, {nil}, {int64(9007199254740999)}}, []int64{0, 10, 20, 30}, []bool{false, true, true, false}, ints, false))
	// Halves round away from zero, as PostgreSQL's numeric to bigint.
	require.Equal(t, []any{int64(0), int64(1), int64(1)}, fillColumn([][]any{{int64(0)}, {nil}, {int64(1)}}, []int64{0, 1, 2}, []bool{false, true, false}, ints, false))
	require.Equal(t, []any{int64(0), int64(-1), int64(-1)}, fillColumn([][]any{{int64(0)}, {nil}, {int64(-1)}}, []int64{0, 1, 2}, []bool{false, true, false}, ints, false))
}

// TestGapFillEmpty: a query without series keys over no rows still has
// every bucket of its range (TimescaleDB's gapfill-16.out, "gap fill
// without rows in resultset").
func TestGapFillEmpty(t *testing.T) {
	in := recordOf(t, col{"b", TypeTimestamptz, []any{}}, col{"v", TypeInt, []any{}})
	defer in.Release()
	g := NewGapFill(nil, NewValues(in.Schema(), in), GapFillSpec{Bucket: 0, Width: 10, Start: 0, End: 50}, nil)
	require.Equal(t, []string{"1970-01-01 00:00:00+00|NULL", "1970-01-01 00:00:00.00000001+00|NULL", "1970-01-01 00:00:00.00000002+00|NULL",
		"1970-01-01 00:00:00.00000003+00|NULL", "1970-01-01 00:00:00.00000004+00|NULL"}, rows(t, g))
	// With a series key, no rows means no series.
	g = NewGapFill(nil, NewValues(in.Schema(), in), GapFillSpec{Bucket: 0, Width: 10, Start: 0, End: 50, SeriesKeys: []int{1}}, nil)
	require.Empty(t, rows(t, g))
}

// TestGapFillMemoryLimit: the rows a fill builds count against the query's
// memory limit (a fill over years of minutes failed only after taking
// gigabytes), and Close gives them back.
func TestGapFillMemoryLimit(t *testing.T) {
	in := recordOf(t, col{"b", TypeTimestamptz, []any{0}}, col{"v", TypeInt, []any{1}})
	defer in.Release()
	c := NewCtx()
	c.MemLimit = 1 << 20
	g := NewGapFill(c, NewValues(in.Schema(), in), GapFillSpec{Bucket: 0, Width: 1, Start: 0, End: 1 << 20}, nil)
	_, err := g.Next(context.Background())
	require.ErrorIs(t, err, ErrMemoryLimit)
	g.Close()
	require.Zero(t, c.Used())
	g = NewGapFill(c, NewValues(in.Schema(), in), GapFillSpec{Bucket: 0, Width: 1, Start: 0, End: 1000}, nil)
	require.Len(t, rows(t, g), 1000)
}
