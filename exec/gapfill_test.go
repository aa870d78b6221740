package exec

import (
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// TestGapFillZoneBuckets: buckets on a zone's wall clock step across
// daylight-saving changes: a 23-hour day, an hour that repeats (its two
// readings are one bucket, and the step goes past it instead of stopping
// there), and months.
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
			// 01:00 comes twice (05:00 and 06:00 UTC); the bucket of both is the
			// later reading, as time_bucket reads an ambiguous wall-clock time.
			[]string{"2016-11-06 04:00", "2016-11-06 06:00", "2016-11-06 07:00"}},
		{arrow.MonthDayNanoInterval{Months: 1}, "2016-01-15 00:00", "2016-04-01 00:00",
			[]string{"2016-01-01 05:00", "2016-02-01 05:00", "2016-03-01 05:00"}}, // April begins after the end
	} {
		floor, err := Bucketer(tc.width, ny, nil, arrow.MonthDayNanoInterval{})
		require.NoError(t, err)
		first, err := floor(utc(tc.start))
		require.NoError(t, err)
		in := recordOf(t, col{"b", TypeTimestamptz, []any{int(first)}}, col{"v", TypeInt, []any{1}})
		g := NewGapFill(NewValues(in.Schema(), in), GapFillSpec{Bucket: 0, Start: utc(tc.start), End: utc(tc.end),
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
