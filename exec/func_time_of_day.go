package exec

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// PostgreSQL's time (without time zone), a time of day, is held as an
// interval of its nanoseconds since midnight (months and days 0), from
// 00:00:00 to 24:00:00 inclusive, microsecond precise as PostgreSQL's.
// Intervals compare, sort, group and print ("10:30:00") as times do over
// that range; the planner reports such values as type time (OID 1083) and
// binds the operations that differ (wrapping arithmetic, casts) to the
// functions here.

// TimeOfDay is the time value of nanoseconds since midnight.
func TimeOfDay(nanos int64) arrow.MonthDayNanoInterval {
	return arrow.MonthDayNanoInterval{Nanoseconds: nanos}
}

// wrapDay puts nanoseconds into [0, 24h), as PostgreSQL's time ± interval
// does.
func wrapDay(ns int64) int64 {
	ns %= nanosPerDay
	if ns < 0 {
		ns += nanosPerDay
	}
	return ns
}

// roundMicros rounds nanoseconds to the microsecond, half away from zero
// (PostgreSQL keeps microseconds and rounds input to them).
func roundNanosToMicros(ns int64) int64 {
	if ns >= 0 {
		return (ns + 500) / 1000 * 1000
	}
	return -((-ns + 500) / 1000 * 1000)
}

// ParseTimeOfDay reads text as PostgreSQL's time input does: h[h]:mm[:ss[.frac]]
// (mm:ss.frac with one colon), compact hhmm[ss][.frac], an AM/PM and a
// zone after the time in either order, a leading T, a date before the
// time (checked, ignored), 'allballs' (midnight) and 'now' (the
// statement's time of day in loc). 24:00:00 is a time; a 60th second is
// the next minute. The zone is checked and ignored; one named by region
// (Europe/Paris) needs the date to have an offset, as PostgreSQL refuses
// it without one. It returns nanoseconds since midnight, rounded to the
// microsecond.
func ParseTimeOfDay(s string, loc *time.Location, now time.Time) (int64, error) {
	if loc == nil {
		loc = time.UTC
	}
	str := TrimSpaceASCII(s)
	switch strings.ToLower(str) {
	case "allballs":
		return 0, nil
	case "now":
		_, off := now.In(loc).Zone()
		return roundNanosToMicros(wrapDay(now.UnixNano() + int64(off)*int64(time.Second))), nil
	}
	bad := fmt.Errorf("invalid input syntax for type time: %q", s)
	outOfRange := fmt.Errorf("date/time field value out of range: %q", s)
	words := strings.Fields(str)
	dated := false
	if len(words) > 1 && isDateWithSeparators(words[0]) && strings.IndexByte(words[0], ':') < 0 {
		// 2024-01-01 10:30: the date must be one, and adds nothing.
		y, m, d, ok := splitDate(words[0])
		if !ok {
			return 0, bad
		}
		if m < 1 || m > 12 || d < 1 || d > time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
			return 0, outOfRange
		}
		words, dated = words[1:], true
	}
	if len(words) == 0 {
		return 0, bad
	}
	var p tsParts
	w := words[0]
	if len(w) > 1 && (w[0] == 'T' || w[0] == 't') {
		w = w[1:]
	}
	if strings.Count(w, ":") > 0 && strings.HasSuffix(w, ":") {
		w = w[:len(w)-1] // 10:30: is 10:30
	}
	var rest string
	switch digits := strings.TrimLeft(w, "0123456789"); {
	case len(digits) < len(w) && strings.IndexByte(w, ':') < 0:
		// Compact: hhmm or hhmmss, a fraction of the second, a zone.
		num := w[:len(w)-len(digits)]
		if !p.compactClock(num) {
			return 0, bad
		}
		rest = digits
		if strings.HasPrefix(rest, ".") {
			j := 1
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				j++
			}
			if j == 1 {
				return 0, bad
			}
			p.nanos = fracNanos(rest[1:j])
			rest = rest[j:]
		}
	case len(w) > 0 && w[0] >= '0' && w[0] <= '9' && strings.IndexByte(w, ':') > 0:
		var ok bool
		if rest, ok = p.clock(w); !ok {
			return 0, bad
		}
		if strings.HasPrefix(rest, ".") && strings.Count(w[:len(w)-len(rest)], ":") == 1 {
			// mm:ss.frac
			j := 1
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				j++
			}
			p.hh, p.mm, p.ss, p.nanos = 0, p.hh, p.mm, fracNanos(rest[1:j])
			rest = rest[j:]
		}
	default:
		return 0, bad
	}
	ampm, zone := "", rest
	for _, word := range words[1:] {
		switch lw := strings.ToLower(word); {
		case (lw == "am" || lw == "pm") && ampm == "":
			ampm = lw[:1]
		case zone == "":
			zone = word
		default:
			return 0, bad
		}
	}
	if zone != "" {
		if strings.IndexByte(zone, '/') >= 0 && !dated {
			return 0, bad
		}
		if _, err := readZone(zone, s); err != nil {
			if strings.HasPrefix(err.Error(), "time zone displacement") {
				return 0, err
			}
			return 0, bad
		}
	}
	if ampm != "" {
		if p.hh > 12 {
			return 0, outOfRange
		}
		if ampm == "a" && p.hh == 12 {
			p.hh = 0
		} else if ampm == "p" && p.hh != 12 {
			p.hh += 12
		}
	}
	if p.hh > 24 || p.mm > 59 || p.ss > 60 {
		return 0, outOfRange
	}
	ns := roundNanosToMicros(int64(p.hh)*int64(time.Hour) + int64(p.mm)*int64(time.Minute) +
		int64(p.ss)*int64(time.Second) + int64(p.nanos))
	if ns > nanosPerDay {
		return 0, outOfRange
	}
	return ns, nil
}

// fracNanos reads the digits after a decimal point as nanoseconds (the
// first nine).
func fracNanos(digits string) int {
	if len(digits) > 9 {
		digits = digits[:9]
	}
	n, _ := strconv.Atoi(digits + strings.Repeat("0", 9-len(digits)))
	return n
}

// roundTimePrecision rounds a time to p fractional digits (time(p)).
func roundTimePrecision(ns int64, p int) int64 {
	if p >= 6 {
		return ns
	}
	unit := int64(math.Pow10(9 - p))
	return (ns + unit/2) / unit * unit
}

func init() {
	timeOf := func(v any) int64 { return v.(arrow.MonthDayNanoInterval).Nanoseconds }
	// __parse_time(text) is text::time.
	register("__parse_time", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeInterval, want(args, "text") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			loc := c.Location
			if loc == nil {
				loc = time.UTC
			}
			return rowwise(TypeInterval, n, args, true, func(v []any) (any, error) {
				ns, err := ParseTimeOfDay(v[0].(string), loc, c.Now)
				if err != nil {
					return nil, err
				}
				return TimeOfDay(ns), nil
			})
		},
	})
	// __time_of_day(timestamptz) is its time of day on the session's wall
	// clock: timestamptz::time (and timestamp::time, held as the instant
	// of its reading there).
	register("__time_of_day", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeInterval, want(args, "timestamptz") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			ts, valid, err := timestampArg(args[0], n)
			if err != nil {
				return nil, err
			}
			loc := c.Location
			if loc == nil {
				loc = time.UTC
			}
			out := make([]arrow.MonthDayNanoInterval, n)
			// The offset holds over a zone period (ZoneBounds): looked up
			// again only when a time falls outside the last one's.
			lo, hi, shift := int64(1), int64(0), int64(0)
			for i, v := range ts {
				if !IsFiniteTime(v) {
					valid = withNull(valid, n, i) // 'infinity'::time is NULL
					continue
				}
				if v < lo || v >= hi {
					t := time.Unix(0, v).In(loc)
					_, off := t.Zone()
					shift = int64(off) * int64(time.Second)
					start, end := t.ZoneBounds()
					lo, hi = int64(math.MinInt64), int64(math.MaxInt64)
					if ns, ok := InstantNanos(start); ok && !start.IsZero() {
						lo = ns
					}
					if ns, ok := InstantNanos(end); ok && !end.IsZero() {
						hi = ns
					}
				}
				// Microseconds, as the timestamp's text shows it.
				ns := wrapDay(v + shift)
				out[i].Nanoseconds = ns - ns%1000
			}
			return fixedArray(TypeInterval, out, valid), nil
		},
	})
	// __interval_time(interval) is interval::time: its time part (months
	// and days dropped) wrapped into a day, as PostgreSQL's interval_time.
	registerRowFn("__interval_time", TypeInterval, [][]string{{"interval"}}, func(_ *Ctx, v []any) (any, error) {
		return TimeOfDay(wrapDay(roundNanosToMicros(timeOf(v[0])))), nil
	})
	// __time_add(time, interval, sign) is time + interval (sign 1) or
	// time - interval (-1): the interval's time part added, wrapped into a
	// day; months and days do not move a time of day.
	register("__time_add", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			return TypeInterval, want(args, "interval", "interval", "int")
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			sign := int64(1)
			if args[2].isConst && args[2].cnst != nil && args[2].cnst.(int64) < 0 {
				sign = -1
			}
			l, lv := intervalArg(args[0], n)
			r, rv := intervalArg(args[1], n)
			out := make([]arrow.MonthDayNanoInterval, n)
			for i := range out {
				out[i].Nanoseconds = wrapDay(l[i].Nanoseconds + sign*roundNanosToMicros(r[i].Nanoseconds%nanosPerDay))
			}
			return fixedArray(TypeInterval, out, andValidity(lv, rv)), nil
		},
	})
	// __time_round(time, p) is time(p): rounded to p fractional digits.
	registerRowFn("__time_round", TypeInterval, [][]string{{"interval", "int"}}, func(_ *Ctx, v []any) (any, error) {
		return TimeOfDay(roundTimePrecision(timeOf(v[0]), int(v[1].(int64)))), nil
	})
	// make_time(hour, min, sec), as PostgreSQL's.
	registerRowFn("make_time", TypeInterval, [][]string{{"int", "int", "numeric"}}, func(_ *Ctx, v []any) (any, error) {
		h, m, sec := v[0].(int64), v[1].(int64), toFloat(v[2])
		if h < 0 || m < 0 || m > 59 || !(sec >= 0 && sec <= 60) || h > 24 {
			return nil, fmt.Errorf("time field value out of range: %d:%02d:%02g", h, m, sec)
		}
		total := h*int64(time.Hour) + m*int64(time.Minute) + int64(math.RoundToEven(sec*1e6))*1000
		if total > nanosPerDay {
			return nil, fmt.Errorf("time field value out of range: %d:%02d:%02g", h, m, sec)
		}
		return TimeOfDay(total), nil
	})
}

// intervalArg is an interval argument's n values and validity (nil: all
// valid).
func intervalArg(a arg, n int) ([]arrow.MonthDayNanoInterval, []byte) {
	if a.isConst {
		out := make([]arrow.MonthDayNanoInterval, n)
		if a.cnst == nil {
			return out, newBitmap(n)
		}
		v := a.cnst.(arrow.MonthDayNanoInterval)
		for i := range out {
			out[i] = v
		}
		return out, nil
	}
	iv := a.arr.(*array.MonthDayNanoInterval)
	return iv.MonthDayNanoIntervalValues(), validity(iv)
}
