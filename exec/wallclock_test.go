package exec

import (
	"testing"
	"time"

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
