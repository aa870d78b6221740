package exec

import "time"

// InstantOfReading is the instant (ns) at which zone loc's clocks read
// reading, a timestamp without time zone (its reading as a UTC instant).
func InstantOfReading(reading int64, loc *time.Location) int64 {
	if loc == nil || loc == time.UTC || !IsFiniteTime(reading) {
		return reading
	}
	t := time.Unix(0, reading).UTC()
	return WallTime(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc).UnixNano()
}

// ParseReading reads text as a timestamp without time zone: its reading
// held as a UTC instant, any offset written ignored; 'now' and 'today' are
// zone loc's readings at now.
func ParseReading(s string, loc *time.Location, now time.Time) (int64, error) {
	return ParseWallClock(s, time.UTC, Reading(now, loc))
}

// Reading is what the clocks of zone loc (nil: UTC) read at t, held as a
// UTC instant: how Strata holds a timestamp without time zone.
func Reading(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		return t.UTC()
	}
	w := t.In(loc)
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), time.UTC)
}

// WallTime is the instant at which zone loc's clocks read the given date
// and time, resolved as PostgreSQL resolves readings a daylight-saving
// change makes ambiguous (DetermineTimeZoneOffset): a reading in a gap
// (clocks jumped over it) takes the offset in force before the change, a
// reading in an overlap (clocks showed it twice) the offset after it, the
// standard time. Go's time.Date picks differently in zones west of UTC.
func WallTime(year int, month time.Month, day, hour, min, sec, nsec int, loc *time.Location) time.Time {
	naive := time.Date(year, month, day, hour, min, sec, nsec, time.UTC)
	// The offsets in force a day either side of the reading (changes are
	// months apart).
	_, before := naive.Add(-24 * time.Hour).In(loc).Zone()
	_, after := naive.Add(24 * time.Hour).In(loc).Zone()
	if before == after {
		return naive.Add(-time.Duration(before) * time.Second).In(loc)
	}
	withBefore := naive.Add(-time.Duration(before) * time.Second)
	withAfter := naive.Add(-time.Duration(after) * time.Second)
	_, offBefore := withBefore.In(loc).Zone()
	_, offAfter := withAfter.In(loc).Zone()
	switch {
	case offAfter == after: // an overlap (both valid: standard time) or after the change
		return withAfter.In(loc)
	case offBefore == before:
		return withBefore.In(loc)
	}
	return withBefore.In(loc) // a gap: the offset before the change
}
