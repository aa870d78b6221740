package exec

import (
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// time_bucket's forms, as TimescaleDB (2.8+) and DuckDB have them:
//
//	time_bucket(width, ts)
//	time_bucket(width, ts, origin timestamptz)
//	time_bucket(width, ts, offset interval)
//	time_bucket(width, ts, timezone text [, origin timestamptz [, offset interval]])
//
// With a time zone, buckets follow that zone's wall clock: a day bucket
// runs from local midnight to local midnight (23 or 25 hours across a
// daylight-saving change), counted from the default origin's local
// reading (2000-01-03 00:00, or 2000-01-01 for months) or the given
// origin's. An offset moves every bucket boundary by that much.
func resolveTimeBucket(args []arrow.DataType) (arrow.DataType, error) {
	if len(args) >= 2 && len(args) <= 3 && args[0].ID() == arrow.INT64 && args[1].ID() == arrow.INT64 {
		// time_bucket(width, ts [, offset]) of integers
		return TypeInt, want(args, []string{"int", "int", "int"}[:len(args)]...)
	}
	sigs := [][]string{
		{"interval", "timestamptz"},
		{"interval", "timestamptz", "timestamptz"},
		{"interval", "timestamptz", "interval"},
		{"interval", "timestamptz", "text"},
		{"interval", "timestamptz", "text", "timestamptz"},
		{"interval", "timestamptz", "text", "timestamptz", "interval"},
	}
	var first error
	for _, sig := range sigs {
		if len(sig) != len(args) {
			continue
		}
		err := want(args, sig...)
		if err == nil {
			return TypeTimestamptz, nil
		}
		if first == nil {
			first = err
		}
	}
	if first != nil && (args[0].ID() != arrow.INTERVAL_MONTH_DAY_NANO || args[1].ID() != arrow.TIMESTAMP) {
		return nil, first
	}
	return nil, fmt.Errorf("takes (interval, timestamp [, origin | offset | time zone [, origin [, offset]]]) or (integer, integer [, offset integer])")
}

func evalTimeBucket(c *Ctx, args []arg, n int) (arrow.Array, error) {
	if args[0].dt.ID() == arrow.INT64 {
		return evalIntBucket(args, n)
	}
	// The plain forms.
	if len(args) == 2 || len(args) == 3 && args[2].dt.ID() == arrow.TIMESTAMP {
		return evalBucket(timeBucketOrigin, true, false)(c, args, n)
	}
	for i, a := range args {
		if i != 1 && !a.isConst {
			return nil, fmt.Errorf("time_bucket: argument %d must be a constant", i+1)
		}
		// A NULL width or zone makes every bucket NULL; a NULL origin or
		// offset is one not given, as TimescaleDB's defaults are.
		if a.isConst && a.cnst == nil && (i == 0 || i == 2 && a.dt.ID() != arrow.INTERVAL_MONTH_DAY_NANO) {
			return nullArrayOf(TypeTimestamptz, n), nil
		}
	}
	iv := args[0].cnst.(arrow.MonthDayNanoInterval)
	var zone *time.Location
	var origin *int64
	var offset arrow.MonthDayNanoInterval
	rest := args[2:]
	if rest[0].dt.ID() == arrow.INTERVAL_MONTH_DAY_NANO {
		if rest[0].cnst != nil {
			offset = rest[0].cnst.(arrow.MonthDayNanoInterval)
		}
	} else {
		z, err := zoneOf(rest[0].cnst)
		if err != nil {
			return nil, err
		}
		zone = z
		if len(rest) > 1 && rest[1].cnst != nil {
			o := int64(rest[1].cnst.(Timestamp))
			origin = &o
		}
		if len(rest) > 2 && rest[2].cnst != nil {
			offset = rest[2].cnst.(arrow.MonthDayNanoInterval)
		}
	}
	if origin != nil && !IsFiniteTime(*origin) {
		return nil, errInfiniteOrigin
	}
	floor, err := Bucketer(iv, zone, origin, offset, c.Location)
	if err != nil {
		return nil, err
	}
	ts, valid, err := timestampArg(args[1], n)
	if err != nil {
		return nil, err
	}
	out := make([]int64, n)
	var infinite uint64
	for i, t := range ts {
		if out[i], err = floor(t); err != nil && IsFiniteTime(t) {
			return nil, err
		}
		infinite |= infiniteBit(t)
	}
	if infinite != 0 {
		keepInfinite(out, ts) // the bucket of 'infinity' is 'infinity'
	}
	return fixedArray(TypeTimestamptz, out, valid), nil
}

// Bucketer is time_bucket(iv, t, zone [, origin [, offset]]) as a function
// of t: the start of t's bucket on zone's wall clock (nil: UTC), counted
// from origin (nil: TimescaleDB's default, 2000-01-03 or, for months,
// 2000-01-01) and moved by offset. As TimescaleDB's, the offset is taken
// off t and added back to the bucket as timestamptz arithmetic does, in
// the calendar of the session's zone (cal; nil: UTC): across a
// daylight-saving change '2 days' is 47 or 49 hours. The gap fill steps
// through buckets with it.
func Bucketer(iv arrow.MonthDayNanoInterval, zone *time.Location, origin *int64, offset arrow.MonthDayNanoInterval, cal *time.Location) (func(int64) (int64, error), error) {
	if offset.Months != 0 {
		return nil, fmt.Errorf("time_bucket: the offset must not contain months or years")
	}
	if zone == nil {
		zone = time.UTC
	}
	if cal == nil {
		cal = time.UTC
	}
	back := arrow.MonthDayNanoInterval{Days: -offset.Days, Nanoseconds: -offset.Nanoseconds}
	unshift := func(t int64) (int64, error) { // t - offset
		u, ok := AddInterval(t, back, cal)
		if !ok {
			return 0, errTimeRange
		}
		return u, nil
	}
	reshift := func(b int64) (int64, error) { // bucket + offset
		u, ok := AddInterval(b, offset, cal)
		if !ok {
			return 0, errTimeRange
		}
		return u, nil
	}
	// Work on the zone's wall clock read as if it were UTC ("naive").
	naive := func(ns int64) int64 {
		t := time.Unix(0, ns).In(zone)
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC).UnixNano()
	}
	// instant is the instant at which the zone's clocks show the naive
	// reading b, the bucket start of t: where they show it twice (a
	// daylight-saving change turns them back), the one that does not start
	// the bucket after t, as TimescaleDB picks it.
	instant := func(b, t int64) int64 {
		u := time.Unix(0, b).UTC()
		i := WallTime(u.Year(), u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), u.Nanosecond(), zone).UnixNano()
		if i > t {
			_, off := time.Unix(0, t).In(zone).Zone()
			if alt := b - int64(off)*1e9; alt <= t && naive(alt) == b {
				return alt
			}
		}
		return i
	}
	if iv.Months != 0 {
		if iv.Days != 0 || iv.Nanoseconds != 0 || iv.Months < 0 {
			return nil, fmt.Errorf("time_bucket: month intervals must be positive and cannot be combined with days or time")
		}
		o := monthBucketOrigin
		if origin != nil {
			// Months count from the origin's month; its day is not used,
			// as in TimescaleDB.
			oy, om, _ := time.Unix(0, naive(*origin)).UTC().Date()
			o = time.Date(oy, om, 1, 0, 0, 0, 0, time.UTC)
		}
		return func(t int64) (int64, error) {
			// The bucket of t - offset, moved by offset (TimescaleDB 2.x).
			u, err := unshift(t)
			if err != nil {
				return 0, err
			}
			b, err := reshift(instant(monthBucket(naive(u), o, int(iv.Months)), u))
			if err != nil {
				return 0, err
			}
			if b > t || t-b > int64(iv.Months+1)*31*nanosPerDay {
				return 0, errTimeRange // wrapped: the bucket is outside the times Strata holds
			}
			return b, nil
		}, nil
	}
	if iv.Days < 0 || int64(iv.Days) > math.MaxInt64/nanosPerDay/2 {
		return nil, fmt.Errorf("time_bucket: the bucket width %s is out of range", FormatInterval(iv))
	}
	width := int64(iv.Days)*nanosPerDay + iv.Nanoseconds
	if width <= 0 {
		return nil, fmt.Errorf("time_bucket: the bucket width must be positive, got %s", FormatInterval(iv))
	}
	o := timeBucketOrigin
	if origin != nil {
		o = naive(*origin)
	}
	return func(t int64) (int64, error) {
		u, err := unshift(t)
		if err != nil {
			return 0, err
		}
		b, ok := bucketFloor(naive(u), o, width)
		if !ok {
			return 0, errTimeRange
		}
		if b, err = reshift(instant(b, u)); err != nil {
			return 0, err
		}
		if b > t+nanosPerDay || t-b > width+nanosPerDay {
			return 0, errTimeRange // wrapped (a zone's day may be 23 or 25 hours)
		}
		return b, nil
	}, nil
}

var errBigintRange = fmt.Errorf("bigint out of range")

// evalIntBucket is TimescaleDB's integer time_bucket(width, ts [, offset]):
// the largest multiple of width (moved by offset) at or below ts.
func evalIntBucket(args []arg, n int) (arrow.Array, error) {
	width, valid := intOperand(args[0], n)
	ts, tv := intOperand(args[1], n)
	valid = andValidity(valid, tv)
	var offset []int64
	if len(args) == 3 {
		var ov []byte
		offset, ov = intOperand(args[2], n)
		valid = andValidity(valid, ov)
	}
	out := make([]int64, n)
	for i := range out {
		if valid != nil && !getBit(valid, i) {
			continue
		}
		w, t := width[i], ts[i]
		if w <= 0 {
			return nil, fmt.Errorf("period must be greater than 0")
		}
		var off int64
		if offset != nil {
			off = offset[i] % w // an offset of whole periods moves nothing
			if (off > 0 && t < math.MinInt64+off) || (off < 0 && t > math.MaxInt64+off) {
				return nil, errBigintRange
			}
		}
		d := t - off
		q := d / w
		if d%w < 0 {
			q--
		}
		if q < math.MinInt64/w {
			return nil, errBigintRange
		}
		b := q * w
		if (off > 0 && b > math.MaxInt64-off) || (off < 0 && b < math.MinInt64-off) {
			return nil, errBigintRange
		}
		out[i] = b + off
	}
	return fixedArray(TypeInt, out, valid), nil
}
