package exec

import (
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// TestWallTime: readings around daylight-saving changes resolve as
// PostgreSQL's (checked against PostgreSQL 15's timestamptz input): a gap
// takes the offset before the change, an overlap standard time, in zones
// east and west of UTC and in the southern hemisphere.
func TestWallTime(t *testing.T) {
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		return loc
	}
	for _, tc := range []struct {
		zone    string
		reading string
		want    string
	}{
		{"America/New_York", "2024-03-10 02:30", "2024-03-10T07:30:00Z"}, // gap: EST
		{"America/New_York", "2024-11-03 01:30", "2024-11-03T06:30:00Z"}, // overlap: EST
		{"America/New_York", "2024-07-01 12:00", "2024-07-01T16:00:00Z"},
		{"Europe/Berlin", "2024-03-31 02:30", "2024-03-31T01:30:00Z"},    // gap: CET
		{"Europe/Berlin", "2024-10-27 02:30", "2024-10-27T01:30:00Z"},    // overlap: CET
		{"America/Santiago", "2024-09-08 00:00", "2024-09-08T04:00:00Z"}, // gap at midnight
		{"Australia/Sydney", "2024-04-07 02:30", "2024-04-06T16:30:00Z"}, // overlap: AEST
		{"UTC", "2024-03-10 02:30", "2024-03-10T02:30:00Z"},
	} {
		r, err := time.Parse("2006-01-02 15:04", tc.reading)
		require.NoError(t, err)
		got := WallTime(r.Year(), r.Month(), r.Day(), r.Hour(), r.Minute(), 0, 0, zone(tc.zone))
		require.Equal(t, tc.want, got.UTC().Format(time.RFC3339), "%s %s", tc.zone, tc.reading)
	}
}

// TestAddIntervalAcrossOffsetChanges: adding days (and months) keeps the
// wall clock, and a reading a change skips or repeats resolves as in
// PostgreSQL 15 (each instant taken from it): Go's AddDate chose the other
// side west of UTC (2016-03-12 02:30 EST + 1 day was 01:30 EST, not 03:30
// EDT), which moved generate_series days and RANGE frames.
func TestAddIntervalAcrossOffsetChanges(t *testing.T) {
	for _, tc := range []struct {
		zone  string
		start string // RFC 3339
		iv    arrow.MonthDayNanoInterval
		want  int64 // Unix seconds, PostgreSQL's
	}{
		{"America/New_York", "2016-03-12T02:30:00-05:00", arrow.MonthDayNanoInterval{Days: 1}, 1457854200},  // into the gap
		{"America/New_York", "2016-11-05T01:30:00-04:00", arrow.MonthDayNanoInterval{Days: 1}, 1478413800},  // into the overlap
		{"America/New_York", "2016-11-07T01:30:00-05:00", arrow.MonthDayNanoInterval{Days: -1}, 1478413800}, // back into it
		{"America/New_York", "2016-03-14T02:30:00-04:00", arrow.MonthDayNanoInterval{Days: -1}, 1457854200},
		{"America/New_York", "2016-02-13T02:30:00-05:00", arrow.MonthDayNanoInterval{Months: 1}, 1457854200},
		{"America/Sao_Paulo", "2016-10-15T00:30:00-03:00", arrow.MonthDayNanoInterval{Days: 1}, 1476588600}, // a gap at midnight
		{"America/Sao_Paulo", "2016-02-20T00:30:00-02:00", arrow.MonthDayNanoInterval{Days: 1}, 1456025400},
		{"Europe/Berlin", "2016-03-26T02:30:00+01:00", arrow.MonthDayNanoInterval{Days: 1}, 1459042200},
		{"Europe/Berlin", "2016-10-29T02:30:00+02:00", arrow.MonthDayNanoInterval{Days: 1}, 1477791000},
	} {
		loc, err := time.LoadLocation(tc.zone)
		require.NoError(t, err)
		start, err := time.Parse(time.RFC3339, tc.start)
		require.NoError(t, err)
		got, ok := AddInterval(start.UnixNano(), tc.iv, loc)
		require.True(t, ok)
		require.Equal(t, tc.want, got/1e9, "%s %s + %v", tc.zone, tc.start, tc.iv)
	}
}
