package exec

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// timeBucketOrigin is TimescaleDB's default origin for time_bucket:
// Monday 2000-01-03 00:00:00 UTC, so week buckets start on Mondays.
var timeBucketOrigin = time.Date(2000, 1, 3, 0, 0, 0, 0, time.UTC).UnixNano()

// monthBucketOrigin is the origin of month/year buckets: 2000-01-01.
var monthBucketOrigin = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func init() {
	register("time_bucket", funcDef{resolve: resolveTimeBucket, eval: evalTimeBucket})
	register("date_bin", funcDef{resolve: resolveBucket(true), eval: evalBucket(0, false, false)})
	// date_bin_gapfill is InfluxDB 3's: its month strides are DataFusion's
	// (dateBinMonths), which InfluxDB 3 itself does not gap-fill.
	register("date_bin_gapfill", funcDef{resolve: resolveBucket(true), eval: evalBucket(0, false, true)})
	// The gapfill variants bucket like their plain forms; the planner adds
	// the GapFill operator that creates the missing buckets.
	// time_bucket_gapfill(width, time [, start [, finish]]): TimescaleDB's
	// start and finish bound the buckets the planner's gap fill makes; the
	// value is time_bucket(width, time).
	bucketGapfill := evalBucket(timeBucketOrigin, true, false)
	// With a time zone, time_bucket_gapfill(width, time, zone [, start [,
	// finish]]) buckets on that zone's wall clock, as time_bucket does.
	register("time_bucket_gapfill", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) >= 3 && IsText(args[2]) && len(args) <= 5 {
				return TypeTimestamptz, want(args, []string{"interval", "timestamptz", "text", "timestamptz", "timestamptz"}[:len(args)]...)
			}
			if len(args) < 2 || len(args) > 4 {
				return nil, fmt.Errorf("takes 2 to 5 arguments (interval, timestamp [, time zone] [, start [, finish]])")
			}
			return TypeTimestamptz, want(args, []string{"interval", "timestamptz", "timestamptz", "timestamptz"}[:len(args)]...)
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			if len(args) >= 3 && IsText(args[2].dt) {
				return evalTimeBucket(c, args[:3], n)
			}
			return bucketGapfill(c, args[:2], n)
		},
	})
	register("date_trunc", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) == 2 && args[1].ID() == arrow.INTERVAL_MONTH_DAY_NANO {
				return TypeInterval, want(args, "text", "interval")
			}
			if len(args) == 3 {
				return TypeTimestamptz, want(args, "text", "timestamptz", "text")
			}
			return TypeTimestamptz, want(args, "text", "timestamptz")
		},
		eval: evalDateTrunc,
	})
	register("date_part", funcDef{resolve: func(args []arrow.DataType) (arrow.DataType, error) {
		if len(args) == 2 && args[1].ID() == arrow.INTERVAL_MONTH_DAY_NANO {
			return TypeFloat, want(args, "text", "interval")
		}
		return TypeFloat, want(args, "text", "timestamptz")
	}, eval: evalDatePart(false)})
	// __parse_wall_clock is text::timestamp: the text's date and time held
	// as a UTC instant, any offset or zone written after the time ignored,
	// as PostgreSQL reads a timestamp without time zone. __parse_wall_date
	// (text::date) is that reading in the session's zone, whose day a date
	// is.
	register("__parse_wall_clock", parseWallClock("timestamp"))
	register("__parse_wall_date", parseWallClock("date")) // errors name date
	// __date_part_wall is date_part of a date, held as the instant its day
	// starts in the session's zone: its epoch is the reading's, as if in
	// UTC.
	register("__date_part_wall", funcDef{resolve: functions["date_part"].resolve, eval: evalDatePart(true)})
	register("to_timestamp", funcDef{resolve: func(args []arrow.DataType) (arrow.DataType, error) {
		if len(args) == 2 {
			return TypeTimestamptz, want(args, "text", "text")
		}
		return TypeTimestamptz, want(args, "numeric")
	}, eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
		if len(args) == 2 {
			return evalParseTime(false)(c, args, n)
		}
		return evalToTimestamp(c, args, n)
	}})
	register("to_date", funcDef{resolve: func(args []arrow.DataType) (arrow.DataType, error) {
		return TypeTimestamptz, want(args, "text", "text")
	}, eval: evalParseTime(true)})
}

func parseWallClock(typ string) funcDef {
	return funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeTimestamptz, want(args, "text") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			parse := ParseWallClock // a date: the reading's instant in the session's zone
			if typ == "timestamp" {
				parse = ParseReading
			}
			return rowwise(TypeTimestamptz, n, args, true, func(v []any) (any, error) {
				ns, err := parse(v[0].(string), c.Location, c.Now)
				if err != nil {
					return nil, fmt.Errorf("%s", strings.Replace(err.Error(), "type timestamp with time zone", "type "+typ, 1))
				}
				return Timestamp(ns), nil
			})
		},
	}
}

func resolveBucket(dateBin bool) func([]arrow.DataType) (arrow.DataType, error) {
	return func(args []arrow.DataType) (arrow.DataType, error) {
		switch len(args) {
		case 2:
			return TypeTimestamptz, want(args, "interval", "timestamptz")
		case 3:
			return TypeTimestamptz, want(args, "interval", "timestamptz", "timestamptz")
		}
		return nil, fmt.Errorf("takes 2 or 3 arguments (interval, timestamp [, origin])")
	}
}

// evalBucket computes time_bucket (TimescaleDB semantics: months allowed,
// default origin 2000-01-03) and date_bin (PostgreSQL semantics: no months,
// default origin the epoch when only two arguments are given).
// dataFusion: months are binned as DataFusion bins them whatever the
// session (date_bin_gapfill); date_bin does in InfluxDB 3's sessions
// (Ctx.DataFusion).
func evalBucket(defaultOrigin int64, months, dataFusion bool) func(c *Ctx, args []arg, n int) (arrow.Array, error) {
	name := "date_bin"
	if months {
		name = "time_bucket"
	}
	return func(c *Ctx, args []arg, n int) (arrow.Array, error) {
		if !args[0].isConst {
			return nil, fmt.Errorf("%s: the bucket width must be a constant", name)
		}
		if args[0].cnst == nil {
			return nullArrayOf(TypeTimestamptz, n), nil
		}
		iv := args[0].cnst.(arrow.MonthDayNanoInterval)
		origin := defaultOrigin
		if len(args) == 3 {
			if !args[2].isConst {
				return nil, fmt.Errorf("%s: the origin must be a constant", name)
			}
			if args[2].cnst == nil {
				return nullArrayOf(TypeTimestamptz, n), nil
			}
			origin = int64(args[2].cnst.(Timestamp))
			if !IsFiniteTime(origin) {
				return nil, errInfiniteOrigin
			}
		}
		ts, valid, err := timestampArg(args[1], n)
		if err != nil {
			return nil, err
		}
		out := make([]int64, n)
		if iv.Months != 0 && !months && (dataFusion || c.DataFusion) {
			// InfluxDB 3's date_bin of months (DataFusion's).
			if iv.Days != 0 || iv.Nanoseconds != 0 {
				return nil, fmt.Errorf("date_bin: a stride of months cannot be combined with days or time (got %s)", FormatInterval(iv))
			}
			if iv.Months < 0 {
				return nil, fmt.Errorf("stride must be greater than zero (date_bin's bucket width, got %s)", FormatInterval(iv))
			}
			for i, t := range ts {
				if valid != nil && !getBit(valid, i) {
					continue
				}
				if !IsFiniteTime(t) {
					out[i] = t
					continue
				}
				b, err := DateBinMonths(t, origin, int(iv.Months))
				if err != nil {
					return nil, err
				}
				out[i] = b
			}
			return fixedArray(TypeTimestamptz, out, valid), nil
		}
		if iv.Months != 0 {
			if !months {
				return nil, fmt.Errorf("timestamps cannot be binned into intervals containing months or years")
			}
			if iv.Days != 0 || iv.Nanoseconds != 0 {
				return nil, fmt.Errorf("time_bucket: month intervals cannot be combined with days or time")
			}
			if iv.Months < 0 {
				return nil, fmt.Errorf("time_bucket: the bucket width must be positive")
			}
			o := monthBucketOrigin
			if len(args) == 3 {
				// Months count from the origin's month, not its day, as
				// TimescaleDB's do.
				oy, om, _ := time.Unix(0, origin).UTC().Date()
				o = time.Date(oy, om, 1, 0, 0, 0, 0, time.UTC)
			}
			for i, t := range ts {
				if !IsFiniteTime(t) {
					out[i] = t
					continue
				}
				out[i] = monthBucket(t, o, int(iv.Months))
				if out[i] > t {
					return nil, errTimeRange // the bucket starts before the times Strata holds
				}
			}
			return fixedArray(TypeTimestamptz, out, valid), nil
		}
		width := int64(iv.Days)*int64(24*time.Hour) + iv.Nanoseconds
		if width <= 0 && !months {
			return nil, fmt.Errorf("stride must be greater than zero (date_bin's bucket width, got %s)", FormatInterval(iv))
		}
		if width <= 0 {
			return nil, fmt.Errorf("%s: the bucket width must be positive, got %s", name, FormatInterval(iv))
		}
		var infinite uint64
		for i, t := range ts {
			b, ok := bucketFloor(t, origin, width)
			if !ok && IsFiniteTime(t) {
				return nil, errTimeRange
			}
			out[i] = b
			infinite |= infiniteBit(t)
		}
		if infinite != 0 {
			keepInfinite(out, ts) // the bucket of 'infinity' is 'infinity'
		}
		return fixedArray(TypeTimestamptz, out, valid), nil
	}
}

// keepInfinite sets out[i] to ts[i] where ts[i] is 'infinity' or
// '-infinity': what a bucket or truncation of them is. Loops call it after
// their pass when they saw one, keeping the check out of their body.
func keepInfinite(out, ts []int64) {
	for i, t := range ts {
		if !IsFiniteTime(t) {
			out[i] = t
		}
	}
}

// errInfiniteOrigin is a bucket origin of 'infinity' or '-infinity'.
var errInfiniteOrigin = fmt.Errorf("origin out of range: a bucket origin must be finite")

// bucketFloor is the start of the width-long bucket holding t, buckets
// starting at origin; ok is false when that start is outside the times an
// int64 of nanoseconds holds (t - origin, or the start, would wrap).
func bucketFloor(t, origin, width int64) (int64, bool) {
	d := t - origin
	if origin < 0 && d < t || origin > 0 && d > t {
		return 0, false
	}
	q := d / width
	if d%width < 0 {
		if d < math.MinInt64+width || t < math.MinInt64+width {
			return 0, false
		}
		q--
	}
	return origin + q*width, true
}

// DateBinMonths is DataFusion's date_bin of an n-month stride: bins start
// whole months after origin (keeping its day and time, a day past a
// month's end taken as its last), and t's bin is the last to start at or
// before it.
func DateBinMonths(t, origin int64, n int) (int64, error) {
	tt, o := time.Unix(0, t).UTC(), time.Unix(0, origin).UTC()
	diff := (tt.Year()-o.Year())*12 + int(tt.Month()-o.Month())
	delta := diff - ((diff%n)+n)%n
	bin := addMonthsClamped(o, delta)
	if bin.After(tt) {
		bin = addMonthsClamped(o, delta-n)
	}
	if bin.Before(time.Unix(0, math.MinInt64)) || bin.After(time.Unix(0, math.MaxInt64)) {
		return 0, errTimeRange
	}
	return bin.UnixNano(), nil
}

// addMonthsClamped adds months to t, keeping its day unless the month is
// shorter (Jan 31 + 1 month is the last of February), as chrono does.
func addMonthsClamped(t time.Time, months int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// monthBucket returns the start of the n-month bucket holding ts, counting
// months from origin.
func monthBucket(ts int64, origin time.Time, n int) int64 {
	t := time.Unix(0, ts).UTC()
	months := (t.Year()-origin.Year())*12 + int(t.Month()-origin.Month())
	start := origin.AddDate(0, months, 0)
	if start.After(t) {
		months--
	}
	q := months / n
	if months%n < 0 {
		q--
	}
	return origin.AddDate(0, q*n, 0).UnixNano()
}

// timestampArg returns a timestamp argument's values and validity,
// broadcasting a constant.
func timestampArg(a arg, n int) ([]int64, []byte, error) {
	if a.isConst {
		out := make([]int64, n)
		if a.cnst == nil {
			return out, newBitmap(n), nil
		}
		for i := range out {
			out[i] = int64(a.cnst.(Timestamp))
		}
		return out, nil, nil
	}
	t, ok := a.arr.(*array.Timestamp)
	if !ok {
		return nil, nil, fmt.Errorf("expected a timestamp, got %s", SQLTypeName(a.arr.DataType()))
	}
	return timestampValues(t), validity(t), nil
}

func nullArrayOf(dt arrow.DataType, n int) arrow.Array {
	if dt.ID() == arrow.INTERVAL_MONTH_DAY_NANO {
		return fixedArray(dt, make([]arrow.MonthDayNanoInterval, n), newBitmap(n)) // 16 bytes a value
	}
	return fixedArray(dt, make([]int64, n), newBitmap(n))
}

func textConst(a arg, fn string) (string, error) {
	if !a.isConst || a.cnst == nil {
		return "", fmt.Errorf("%s: the field must be a constant text", fn)
	}
	return strings.ToLower(a.cnst.(string)), nil
}

func evalDateTrunc(c *Ctx, args []arg, n int) (arrow.Array, error) {
	interval := args[1].dt.ID() == arrow.INTERVAL_MONTH_DAY_NANO
	if args[0].isConst && args[0].cnst == nil {
		if interval {
			return nullArrayOf(TypeInterval, n), nil
		}
		return nullArrayOf(TypeTimestamptz, n), nil // a NULL field: NULL
	}
	field, err := textConst(args[0], "date_trunc")
	if err != nil {
		return nil, err
	}
	field = partUnit(field)
	if interval {
		return rowwise(TypeInterval, n, args[1:], true, func(v []any) (any, error) {
			return truncInterval(v[0].(arrow.MonthDayNanoInterval), field)
		})
	}
	loc := c.Location
	if len(args) == 3 {
		if _, err := textConst(args[2], "date_trunc"); err != nil {
			return nil, err
		}
		// The names AT TIME ZONE takes: abbreviations, POSIX offsets,
		// zone names in any case.
		if loc, err = zoneOf(args[2].cnst.(string)); err != nil {
			return nil, err
		}
	}
	ts, valid, err := timestampArg(args[1], n)
	if err != nil {
		return nil, err
	}
	out := make([]int64, n)
	for i, v := range ts {
		if !IsFiniteTime(v) {
			out[i] = v // 'infinity' truncates to 'infinity'
			continue
		}
		r, err := truncTime(time.Unix(0, v).In(loc), field)
		if err != nil {
			return nil, err
		}
		var ok bool
		if out[i], ok = InstantNanos(r); !ok {
			return nil, errTimeRange
		}
	}
	return fixedArray(TypeTimestamptz, out, valid), nil
}

func truncTime(t time.Time, field string) (time.Time, error) {
	y, mo, d := t.Date()
	loc := t.Location()
	switch field {
	case "microseconds", "microsecond":
		return t.Truncate(time.Microsecond), nil
	// Units below a day keep the reading's UTC offset, as PostgreSQL
	// does: in the hour a daylight-saving change repeats, 02:30 of the
	// first pass truncates to 02:00 of that pass.
	case "milliseconds", "millisecond":
		return t.Add(-time.Duration(t.Nanosecond() % 1e6)), nil
	case "second", "seconds":
		return t.Add(-time.Duration(t.Nanosecond())), nil
	case "minute", "minutes":
		return t.Add(-time.Duration(t.Second())*time.Second - time.Duration(t.Nanosecond())), nil
	case "hour", "hours":
		return t.Add(-time.Duration(t.Minute())*time.Minute - time.Duration(t.Second())*time.Second - time.Duration(t.Nanosecond())), nil
	case "day", "days":
		return WallTime(y, mo, d, 0, 0, 0, 0, loc), nil
	case "week", "weeks":
		wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
		return WallTime(y, mo, d-wd, 0, 0, 0, 0, loc), nil
	case "month", "months":
		return WallTime(y, mo, 1, 0, 0, 0, 0, loc), nil
	case "quarter":
		return WallTime(y, (mo-1)/3*3+1, 1, 0, 0, 0, 0, loc), nil
	case "year", "years":
		return WallTime(y, 1, 1, 0, 0, 0, 0, loc), nil
	case "decade":
		return WallTime(y/10*10, 1, 1, 0, 0, 0, 0, loc), nil
	case "century":
		return WallTime((y-1)/100*100+1, 1, 1, 0, 0, 0, 0, loc), nil
	case "millennium":
		return WallTime((y-1)/1000*1000+1, 1, 1, 0, 0, 0, 0, loc), nil
	}
	return time.Time{}, fmt.Errorf("unit %q not recognized for type timestamp with time zone", field)
}

// truncInterval is date_trunc(field, interval) as PostgreSQL computes it:
// the interval's years, months, days, hours, minutes, seconds and
// microseconds (each keeping the sign of its part, months and days apart
// from the time) with those below field set to zero.
func truncInterval(iv arrow.MonthDayNanoInterval, field string) (arrow.MonthDayNanoInterval, error) {
	years, months, days := iv.Months/12, iv.Months%12, iv.Days
	ns := iv.Nanoseconds - iv.Nanoseconds%1e3 // PostgreSQL keeps microseconds
	hours, rest := ns/3600e9, ns%3600e9
	minutes, rest := rest/60e9, rest%60e9
	seconds, micros := rest/1e9, rest%1e9
	switch field {
	case "millennium", "millennia", "millenniums":
		years = years / 1000 * 1000
		fallthrough
	case "century", "centuries":
		years = years / 100 * 100
		fallthrough
	case "decade", "decades":
		years = years / 10 * 10
		fallthrough
	case "year", "years":
		months = 0
		fallthrough
	case "quarter":
		months = months / 3 * 3
		fallthrough
	case "month", "months":
		days = 0
		fallthrough
	case "day", "days":
		hours = 0
		fallthrough
	case "hour", "hours":
		minutes = 0
		fallthrough
	case "minute", "minutes":
		seconds = 0
		fallthrough
	case "second", "seconds":
		micros = 0
	case "milliseconds", "millisecond":
		micros = micros / 1e6 * 1e6
	case "microseconds", "microsecond":
	case "week", "weeks", "timezone", "timezone_hour", "timezone_minute":
		return iv, fmt.Errorf("unit %q not supported for type interval", field)
	default:
		return iv, fmt.Errorf("unit %q not recognized for type interval", field)
	}
	return arrow.MonthDayNanoInterval{Months: years*12 + months, Days: days,
		Nanoseconds: hours*3600e9 + minutes*60e9 + seconds*1e9 + micros}, nil
}

func evalDatePart(wall bool) func(c *Ctx, args []arg, n int) (arrow.Array, error) {
	return func(c *Ctx, args []arg, n int) (arrow.Array, error) {
		return datePartOf(c, args, n, wall)
	}
}

func datePartOf(c *Ctx, args []arg, n int, wall bool) (arrow.Array, error) {
	if args[0].isConst && args[0].cnst == nil {
		return nullArrayOf(TypeFloat, n), nil // a NULL field: NULL
	}
	field, err := textConst(args[0], "date_part")
	if err != nil {
		return nil, err
	}
	field = partUnit(field)
	if args[1].dt.ID() == arrow.INTERVAL_MONTH_DAY_NANO {
		return evalIntervalPart(field, args[1], n)
	}
	ts, valid, err := timestampArg(args[1], n)
	if err != nil {
		return nil, err
	}
	out := make([]float64, n)
	if field == "epoch" && (!wall || c.Location == time.UTC) {
		// The instant's seconds (Grafana's $__timeGroup groups by them):
		// no calendar needed.
		for i, v := range ts {
			out[i] = epochSeconds(v)
		}
		return fixedArray(TypeFloat, out, valid), nil
	}
	for i, v := range ts {
		if !IsFiniteTime(v) {
			if valid != nil && !getBit(valid, i) {
				continue
			}
			f, ok, err := infinitePart(v, field)
			if err != nil {
				return nil, err
			}
			if !ok {
				valid = withNull(valid, n, i)
			}
			out[i] = f
			continue
		}
		t := time.Unix(0, v).In(c.Location)
		ns := v
		if wall {
			_, off := t.Zone()
			ns += int64(off) * 1e9 // the reading's nanoseconds as if in UTC
		}
		f, err := datePart(t, ns, field)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return fixedArray(TypeFloat, out, valid), nil
}

// infinitePart is a field of 'infinity' or '-infinity' (ns) as PostgreSQL
// 15 gives it: the fields that only grow with time (year, decade, century,
// millennium, isoyear, julian, epoch) are infinite too; the others are
// NULL (ok false); an unknown unit is still an error.
func infinitePart(ns int64, field string) (float64, bool, error) {
	switch field {
	case "year", "years", "decade", "century", "millennium", "isoyear", "julian", "epoch":
		return infiniteFloat(ns), true, nil
	}
	if _, err := datePart(time.Unix(0, 0).UTC(), 0, field); err != nil {
		return 0, false, err
	}
	return 0, false, nil
}

// epochSeconds is extract(epoch) of nanoseconds: as PostgreSQL, exact
// microseconds divided once, so the result is the double nearest the
// decimal value.
func epochSeconds(ns int64) float64 {
	if ns%1000 == 0 {
		return float64(ns/1000) / 1e6
	}
	if !IsFiniteTime(ns) {
		// 'infinity' (…807 ns) and '-infinity' (…808) are never whole
		// microseconds: the check costs the common path nothing.
		return infiniteFloat(ns)
	}
	return float64(ns) / 1e9
}

func datePart(t time.Time, ns int64, field string) (float64, error) {
	switch field {
	case "epoch":
		return epochSeconds(ns), nil
	case "year", "years":
		return float64(t.Year()), nil
	case "month", "months":
		return float64(t.Month()), nil
	case "day", "days":
		return float64(t.Day()), nil
	case "hour", "hours":
		return float64(t.Hour()), nil
	case "minute", "minutes":
		return float64(t.Minute()), nil
	case "second", "seconds":
		if t.Nanosecond()%1000 == 0 {
			return float64(int64(t.Second())*1e6+int64(t.Nanosecond()/1000)) / 1e6, nil
		}
		return float64(int64(t.Second())*1e9+int64(t.Nanosecond())) / 1e9, nil
	case "milliseconds":
		return float64(t.Second())*1e3 + float64(t.Nanosecond())/1e6, nil
	case "microseconds":
		return float64(t.Second())*1e6 + float64(t.Nanosecond()/1e3), nil
	case "dow":
		return float64(t.Weekday()), nil
	case "isodow":
		return float64((int(t.Weekday())+6)%7 + 1), nil
	case "doy":
		return float64(t.YearDay()), nil
	case "week":
		_, w := t.ISOWeek()
		return float64(w), nil
	case "isoyear":
		y, _ := t.ISOWeek()
		return float64(y), nil
	case "quarter":
		return float64((int(t.Month())-1)/3 + 1), nil
	case "decade":
		return float64(t.Year() / 10), nil
	case "century":
		return float64((t.Year()-1)/100 + 1), nil
	case "millennium":
		return float64((t.Year()-1)/1000 + 1), nil
	case "timezone":
		_, off := t.Zone()
		return float64(off), nil
	case "timezone_hour":
		_, off := t.Zone()
		return float64(off / 3600), nil
	case "timezone_minute":
		_, off := t.Zone()
		return float64(off / 60 % 60), nil
	case "julian":
		// The Julian Day of the local date (1970-01-01 is 2440588) plus the
		// fraction of the day gone.
		y, m, d := t.Date()
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
		secs := t.Hour()*3600 + t.Minute()*60 + t.Second()
		return float64(day+2440588) + (float64(secs)+float64(t.Nanosecond())/1e9)/86400, nil
	}
	return 0, fmt.Errorf("unit %q not recognized for type timestamp with time zone", field)
}

// partUnit is the name extract, date_part and date_trunc know a unit by,
// for every spelling PostgreSQL reads (its units table, looked up by the
// first 10 letters as it does: msec, secs, mins, hrs, qtr, microseconds
// ...); other words (epoch, dow, ...) are returned as they are.
func partUnit(u string) string {
	key := u
	if len(key) > 10 {
		key = key[:10]
	}
	if canon, ok := timeUnits[key]; ok {
		return canon
	}
	return u
}

// TimeUnit is the name PostgreSQL's units table gives unit u (lower
// case): microseconds, milliseconds, second, minute, hour, day, week,
// month, quarter, year, decade, century, millennium; other words as they
// are.
func TimeUnit(u string) string { return partUnit(u) }

var timeUnits = func() map[string]string {
	m := map[string]string{}
	for canon, names := range map[string][]string{
		"microseconds": {"microsecon", "us", "usec", "usecond", "useconds", "usecs"},
		"milliseconds": {"millisecon", "ms", "msec", "msecond", "mseconds", "msecs"},
		"second":       {"s", "sec", "second", "seconds", "secs"},
		"minute":       {"m", "min", "mins", "minute", "minutes"},
		"hour":         {"h", "hour", "hours", "hr", "hrs"},
		"day":          {"d", "day", "days"},
		"week":         {"w", "week", "weeks"},
		"month":        {"mon", "mons", "month", "months"},
		"quarter":      {"qtr", "quarter"},
		"year":         {"y", "year", "years", "yr", "yrs"},
		"decade":       {"dec", "decade", "decades", "decs"},
		"century":      {"c", "cent", "centuries", "century"},
		"millennium":   {"mil", "millennia", "millennium", "mils"},
	} {
		for _, n := range names {
			m[n] = canon
		}
	}
	return m
}()

func evalToTimestamp(c *Ctx, args []arg, n int) (arrow.Array, error) {
	out := make([]int64, n)
	valid := newBitmap(n)
	for i := 0; i < n; i++ {
		v, ok := rowArg(args[0], i)
		if !ok {
			continue
		}
		var secs float64
		switch x := v.(type) {
		case int64:
			if x >= -9.2e9 && x <= 9.2e9 {
				out[i] = x * 1e9
				setBit(valid, i)
				continue
			}
			secs = float64(x)
		case uint64:
			secs = float64(x)
		case float64:
			secs = x
		}
		if math.IsInf(secs, 0) {
			out[i] = TimeInfinity // to_timestamp('Infinity') is 'infinity'
			if secs < 0 {
				out[i] = TimeNegInfinity
			}
			setBit(valid, i)
			continue
		}
		if math.IsNaN(secs) || math.Abs(secs) > 9.2e9 {
			return nil, fmt.Errorf("timestamp out of range: %v", secs)
		}
		out[i] = int64(math.Round(secs*1e6)) * 1e3 // PostgreSQL keeps microseconds
		setBit(valid, i)
	}
	return fixedArray(TypeTimestamptz, out, valid), nil
}

// evalIntervalPart is date_part/extract of an interval.
func evalIntervalPart(field string, a arg, n int) (arrow.Array, error) {
	out := make([]float64, n)
	valid := newBitmap(n)
	for i := 0; i < n; i++ {
		v, ok := rowArg(a, i)
		if !ok {
			continue
		}
		f, err := intervalPart(v.(arrow.MonthDayNanoInterval), field)
		if err != nil {
			return nil, err
		}
		out[i] = f
		setBit(valid, i)
	}
	return fixedArray(TypeFloat, out, valid), nil
}

// intervalPart is one field of an interval as PostgreSQL splits it: years
// and months from the month count, days as stored, hours (not wrapped at
// 24), minutes and seconds from the time; epoch counts a year as 365.25
// days and a month as 30.
func intervalPart(iv arrow.MonthDayNanoInterval, field string) (float64, error) {
	years, months := iv.Months/12, iv.Months%12
	ns := iv.Nanoseconds
	hours := ns / int64(time.Hour)
	ns -= hours * int64(time.Hour)
	minutes := ns / int64(time.Minute)
	ns -= minutes * int64(time.Minute)
	secNs := ns // seconds and fraction, in ns
	switch field {
	case "epoch":
		secs := float64(iv.Nanoseconds) / 1e9
		if iv.Nanoseconds%1000 == 0 {
			secs = float64(iv.Nanoseconds/1000) / 1e6
		}
		return secs + 365.25*86400*float64(years) + 30*86400*float64(months) + 86400*float64(iv.Days), nil
	case "microsecond", "microseconds":
		return float64(secNs) / 1e3, nil
	case "millisecond", "milliseconds":
		return float64(secNs) / 1e6, nil
	case "second", "seconds":
		return float64(secNs) / 1e9, nil
	case "minute", "minutes":
		return float64(minutes), nil
	case "hour", "hours":
		return float64(hours), nil
	case "day", "days":
		return float64(iv.Days), nil
	case "month", "months":
		return float64(months), nil
	case "quarter":
		return float64(months/3 + 1), nil
	case "year", "years":
		return float64(years), nil
	case "decade":
		return float64(years / 10), nil
	case "century":
		return float64(years / 100), nil
	case "millennium":
		return float64(years / 1000), nil
	}
	return 0, fmt.Errorf("unit %q not supported for type interval", field)
}
