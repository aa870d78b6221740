package exec

import (
	"fmt"
	"math"
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
// with an optional AM/PM, compact hhmm[ss], a leading T, a date before the
// time (ignored), a zone after it (checked, ignored), 'allballs' (midnight)
// and 'now' (the statement's time of day in loc). 24:00:00 is a time; a
// 60th second is the next minute. It returns nanoseconds since midnight,
// rounded to the microsecond.
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
	words := strings.Fields(str)
	if len(words) > 1 && isDateWithSeparators(words[0]) && strings.IndexByte(words[0], ':') < 0 {
		// 2024-01-01 10:30: the date must be one, and adds nothing.
		if _, _, _, ok := splitDate(words[0]); !ok {
			return 0, bad
		}
		words = words[1:]
	}
	if len(words) == 0 {
		return 0, bad
	}
	var p tsParts
	w := words[0]
	if len(w) > 1 && (w[0] == 'T' || w[0] == 't') {
		w = w[1:]
	}
	var rest string
	switch {
	case isDigits(w):
		if !p.compactClock(w) {
			return 0, bad
		}
	case len(w) > 0 && w[0] >= '0' && w[0] <= '9' && strings.IndexByte(w, ':') > 0:
		var ok bool
		if rest, ok = p.clock(w); !ok {
			return 0, bad
		}
	default:
		return 0, bad
	}
	words = words[1:]
	ampm := ""
	if len(words) > 0 {
		switch lw := strings.ToLower(words[0]); lw {
		case "am", "pm", "a.m.", "p.m.":
			ampm = lw[:1]
			words = words[1:]
		}
	}
	if rest == "" && len(words) > 0 {
		rest, words = words[0], words[1:]
	}
	if len(words) > 0 {
		return 0, bad
	}
	if rest != "" {
		// A zone: an offset or an abbreviation; a region's name needs a
		// date to have an offset, as PostgreSQL refuses it here.
		if strings.IndexByte(rest, '/') >= 0 {
			return 0, bad
		}
		if _, err := readZone(rest, s); err != nil {
			if strings.HasPrefix(err.Error(), "time zone displacement") {
				return 0, err
			}
			return 0, bad
		}
	}
	if ampm != "" {
		if p.hh < 1 || p.hh > 12 {
			return 0, fmt.Errorf("date/time field value out of range: %q", s)
		}
		if ampm == "a" && p.hh == 12 {
			p.hh = 0
		} else if ampm == "p" && p.hh != 12 {
			p.hh += 12
		}
	}
	if p.hh > 24 || p.mm > 59 || p.ss > 60 {
		return 0, fmt.Errorf("date/time field value out of range: %q", s)
	}
	ns := roundNanosToMicros(int64(p.hh)*int64(time.Hour) + int64(p.mm)*int64(time.Minute) +
		int64(p.ss)*int64(time.Second) + int64(p.nanos))
	if ns > nanosPerDay {
		return 0, fmt.Errorf("date/time field value out of range: %q", s)
	}
	return ns, nil
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
	rowTimeFn("__interval_time", [][]string{{"interval"}}, func(_ *Ctx, v []any) (any, error) {
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
	rowTimeFn("__time_round", [][]string{{"interval", "int"}}, func(_ *Ctx, v []any) (any, error) {
		return TimeOfDay(roundTimePrecision(timeOf(v[0]), int(v[1].(int64)))), nil
	})
	// make_time(hour, min, sec), as PostgreSQL's.
	rowTimeFn("make_time", [][]string{{"int", "int", "numeric"}}, func(_ *Ctx, v []any) (any, error) {
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

// rowTimeFn registers a function of time (interval) result computed row by
// row.
func rowTimeFn(name string, sigs [][]string, f func(c *Ctx, v []any) (any, error)) {
	register(name, funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			var err error
			for _, sig := range sigs {
				if err = want(args, sig...); err == nil {
					return TypeInterval, nil
				}
			}
			return nil, err
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeInterval, n, args, true, func(v []any) (any, error) { return f(c, v) })
		},
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
