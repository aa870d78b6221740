package storage

import "math"

// TimeRange is the half-open range [Min, Max) of nanosecond timestamps.
type TimeRange struct {
	Min, Max int64
}

const minTime = math.MinInt64

// allTime holds every timestamp but math.MaxInt64.
var allTime = TimeRange{Min: math.MinInt64, Max: math.MaxInt64}

// AllTime returns the range of every timestamp.
func AllTime() TimeRange { return allTime }

// Contains reports whether ts is in the range.
func (r TimeRange) Contains(ts int64) bool { return ts >= r.Min && ts < r.Max }

// Overlaps reports whether the range meets the closed range [lo, hi].
func (r TimeRange) Overlaps(lo, hi int64) bool { return lo < r.Max && hi >= r.Min }

// Empty reports whether the range holds no timestamp.
func (r TimeRange) Empty() bool { return r.Min >= r.Max }
