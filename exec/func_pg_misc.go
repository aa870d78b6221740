package exec

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// More of PostgreSQL's functions users reach for: width_bucket (the bars
// of a histogram), age (a symbolic difference of two times),
// justify_hours/days/interval and md5.
func init() {
	registerRowFn("width_bucket", TypeInt, [][]string{{"numeric", "numeric", "numeric", "int"}}, func(_ *Ctx, v []any) (any, error) {
		return widthBucket(toFloat(v[0]), toFloat(v[1]), toFloat(v[2]), v[3].(int64))
	})
	// width_bucket of numerics (no float8 argument): the bucket of the
	// exact decimals, as PostgreSQL's numeric arithmetic finds it
	// (width_bucket(0.3, 0.1, 0.5, 2) is 2, where float8's 0.3 - 0.1 is
	// below 0.2).
	// The fifth argument marks (bits 0-2) the arguments that are numeric
	// quotients, whose float8 holds their digits only when short.
	registerRowFn("__width_bucket_numeric", TypeInt, [][]string{{"numeric", "numeric", "numeric", "int", "int"}}, func(_ *Ctx, v []any) (any, error) {
		return widthBucketDecimal(toFloat(v[0]), toFloat(v[1]), toFloat(v[2]), v[3].(int64), v[4].(int64))
	})
	registerRowFn("age", TypeInterval, [][]string{{"timestamptz", "timestamptz"}, {"timestamptz"}}, func(c *Ctx, v []any) (any, error) {
		loc := c.Location
		if loc == nil {
			loc = time.UTC
		}
		for _, x := range v {
			if !IsFiniteTime(int64(x.(Timestamp))) {
				// PostgreSQL 15 returns an interval computed from its
				// infinities' internal values; there is no right answer
				// before infinite intervals (PostgreSQL 17).
				return nil, fmt.Errorf("interval out of range: age() of an infinite timestamp")
			}
		}
		t2 := time.Unix(0, int64(v[len(v)-1].(Timestamp))).In(loc)
		var t1 time.Time
		if len(v) == 2 {
			t1 = time.Unix(0, int64(v[0].(Timestamp))).In(loc)
		} else {
			// age(x) counts from the midnight that started today.
			now := c.Now.In(loc)
			t1 = WallTime(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
		}
		return age(t1, t2), nil
	})
	// sum and avg of intervals, which the typed accumulators do not hold,
	// run as three bigint sums of the fields (planner.intervalAggregate):
	// __interval_field(x, k) is field k of x (0 months, 1 days, 2
	// nanoseconds); __interval_sum(months, days, nanos [, count]) puts the
	// sums back together, range-checked, and for avg divides by count as
	// interval / float8 does (PostgreSQL's interval_avg).
	registerRowFn("__interval_field", TypeInt, [][]string{{"interval", "int"}}, func(_ *Ctx, v []any) (any, error) {
		iv := v[0].(arrow.MonthDayNanoInterval)
		switch v[1].(int64) {
		case 0:
			return int64(iv.Months), nil
		case 1:
			return int64(iv.Days), nil
		}
		return iv.Nanoseconds, nil
	})
	registerRowFn("__interval_sum", TypeInterval, [][]string{{"int", "int", "int"}, {"int", "int", "int", "int"}}, func(_ *Ctx, v []any) (any, error) {
		m, d := v[0].(int64), v[1].(int64)
		if m < math.MinInt32 || m > math.MaxInt32 || d < math.MinInt32 || d > math.MaxInt32 {
			return nil, errIntervalRange
		}
		iv := arrow.MonthDayNanoInterval{Months: int32(m), Days: int32(d), Nanoseconds: v[2].(int64)}
		if len(v) == 4 {
			return ScaleInterval(iv, float64(v[3].(int64)), true)
		}
		return iv, nil
	})
	justify := func(name string, f func(arrow.MonthDayNanoInterval) arrow.MonthDayNanoInterval) {
		registerRowFn(name, TypeInterval, [][]string{{"interval"}}, func(_ *Ctx, v []any) (any, error) {
			return f(v[0].(arrow.MonthDayNanoInterval)), nil
		})
	}
	justify("justify_hours", justifyHours)
	justify("justify_days", func(iv arrow.MonthDayNanoInterval) arrow.MonthDayNanoInterval { return justifyDays(iv, false) })
	justify("justify_interval", func(iv arrow.MonthDayNanoInterval) arrow.MonthDayNanoInterval {
		return justifyHours(justifyDays(justifyWholeDays(iv), true))
	})
	registerRowFn("md5", TypeText, [][]string{{"text"}}, func(_ *Ctx, v []any) (any, error) {
		sum := md5.Sum([]byte(v[0].(string)))
		return hex.EncodeToString(sum[:]), nil
	})
	registerRowFn("translate", TypeText, [][]string{{"text", "text", "text"}}, func(_ *Ctx, v []any) (any, error) {
		return translate(v[0].(string), v[1].(string), v[2].(string)), nil
	})
	registerRowFn("bit_length", TypeInt, [][]string{{"text"}}, func(_ *Ctx, v []any) (any, error) {
		return int64(8 * len(v[0].(string))), nil
	})
	// make_interval(years, months, weeks, days, hours, mins, secs), every
	// part 0 when left out; seconds to the microsecond, as PostgreSQL.
	var makeIntervalSigs [][]string
	for n := range 8 {
		makeIntervalSigs = append(makeIntervalSigs, slices.Repeat([]string{"int"}, min(n, 6)))
		if n == 7 {
			makeIntervalSigs[n] = append(makeIntervalSigs[n], "numeric")
		}
	}
	registerRowFn("make_interval", TypeInterval, makeIntervalSigs, func(_ *Ctx, v []any) (any, error) {
		var p [6]int64
		for i := range min(len(v), 6) {
			p[i] = v[i].(int64)
		}
		secs := 0.0
		if len(v) == 7 {
			secs = toFloat(v[6])
		}
		return makeInterval(p[0], p[1], p[2], p[3], p[4], p[5], secs)
	})
	// The text of dates and timestamps without time zone (casts to text).
	// A date is the instant its day starts in the session's zone; a
	// timestamp without time zone its reading held as a UTC instant.
	registerRowFn("__date_text", TypeText, [][]string{{"timestamptz"}}, func(c *Ctx, v []any) (any, error) {
		return WallClockText(v[0].(Timestamp), true, c.Location), nil
	})
	registerRowFn("__timestamp_text", TypeText, [][]string{{"timestamptz"}}, func(c *Ctx, v []any) (any, error) {
		return WallClockText(v[0].(Timestamp), false, time.UTC), nil
	})
	// make_date gives the session zone's midnight and make_timestamp the
	// reading (how Strata holds dates and timestamps without time zone);
	// make_timestamptz reads the fields in the zone given, else the
	// session's.
	registerRowFn("make_date", TypeTimestamptz, [][]string{{"int", "int", "int"}}, func(c *Ctx, v []any) (any, error) {
		return makeTime(c, v[0].(int64), v[1].(int64), v[2].(int64), 0, 0, 0, nil)
	})
	registerRowFn("make_timestamp", TypeTimestamptz, [][]string{{"int", "int", "int", "int", "int", "numeric"}}, func(c *Ctx, v []any) (any, error) {
		return makeTime(c.InUTC(), v[0].(int64), v[1].(int64), v[2].(int64), v[3].(int64), v[4].(int64), toFloat(v[5]), nil)
	})
	registerRowFn("make_timestamptz", TypeTimestamptz, [][]string{{"int", "int", "int", "int", "int", "numeric"}, {"int", "int", "int", "int", "int", "numeric", "text"}},
		func(c *Ctx, v []any) (any, error) {
			var zone any
			if len(v) == 7 {
				zone = v[6]
			}
			return makeTime(c, v[0].(int64), v[1].(int64), v[2].(int64), v[3].(int64), v[4].(int64), toFloat(v[5]), zone)
		})
}

// makeInterval is make_interval's interval; a part past its range (months
// and days are 32-bit, as PostgreSQL's) is an error.
func makeInterval(years, months, weeks, days, hours, mins int64, secs float64) (arrow.MonthDayNanoInterval, error) {
	var iv arrow.MonthDayNanoInterval
	if math.IsInf(secs, 0) || math.IsNaN(secs) {
		return iv, fmt.Errorf("interval out of range")
	}
	m := years*12 + months
	d := weeks*7 + days
	us := math.RoundToEven(secs * 1e6)
	t := float64(hours)*3600e6 + float64(mins)*60e6 + us
	if absInt64(years) > math.MaxInt32 || absInt64(weeks) > math.MaxInt32 || m < math.MinInt32 || m > math.MaxInt32 || d < math.MinInt32 || d > math.MaxInt32 || math.Abs(t) >= math.MaxInt64/1000 {
		return iv, fmt.Errorf("interval out of range")
	}
	return arrow.MonthDayNanoInterval{Months: int32(m), Days: int32(d), Nanoseconds: (hours*3600e6 + mins*60e6 + int64(us)) * 1000}, nil
}

func absInt64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// WallClockText is a date (date true) or a timestamp without time zone,
// held as the instant of its reading in loc (nil: UTC), as PostgreSQL
// writes it: 2016-02-03, 2016-02-03 04:05:06.5 (to the microsecond).
func WallClockText(ts Timestamp, date bool, loc *time.Location) string {
	if s := infiniteTimeText(int64(ts)); s != "" {
		return s
	}
	if loc == nil {
		loc = time.UTC
	}
	layout := "2006-01-02 15:04:05.999999"
	if date {
		layout = "2006-01-02"
	}
	return time.Unix(0, int64(ts)).In(loc).Format(layout)
}

// translate replaces each character of s found in from by the character at
// the same place in to, dropping it when to is shorter.
func translate(s, from, to string) string {
	f, t := []rune(from), []rune(to)
	out := make([]rune, 0, len(s))
	for _, r := range s {
		i := slices.Index(f, r)
		switch {
		case i < 0:
			out = append(out, r)
		case i < len(t):
			out = append(out, t[i])
		}
	}
	return string(out)
}

// makeTime is the instant of a date and time of day read in zone (nil:
// the session's), with PostgreSQL's range checks.

// isoZone reads make_timestamptz's zone: a numeric offset counts hours
// east of UTC there ('+05' is five hours ahead), names as elsewhere.
func isoZone(v any) (*time.Location, error) {
	if s, ok := v.(string); ok {
		t := strings.TrimSpace(s)
		if t != "" && (t[0] == '+' || t[0] == '-') {
			if off, ok := posixOffset(t); ok {
				return time.FixedZone(t, -off), nil
			}
		}
	}
	return zoneOf(v)
}
func makeTime(c *Ctx, y, mo, d, h, mi int64, sec float64, zone any) (any, error) {
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	if zone != nil {
		z, err := isoZone(zone)
		if err != nil {
			return nil, err
		}
		loc = z
	}
	gy := y
	if y < 0 {
		gy = y + 1 // year -1 is 1 BC, Go's year 0
	}
	if y == 0 || mo < 1 || mo > 12 || d < 1 || d > int64(daysIn(int(gy), time.Month(mo))) {
		return nil, fmt.Errorf("date field value out of range: %d-%02d-%02d", y, mo, d)
	}
	if h < 0 || h > 24 || h == 24 && (mi != 0 || sec != 0) || mi < 0 || mi > 59 || sec < 0 || sec > 60 || math.IsNaN(sec) {
		return nil, fmt.Errorf("time field value out of range: %d:%02d:%02v", h, mi, sec)
	}
	// Microseconds, as PostgreSQL keeps them.
	micros := int64(math.Round(sec * 1e6))
	t := WallTime(int(gy), time.Month(mo), int(d), int(h), int(mi), 0, 0, loc).Add(time.Duration(micros) * time.Microsecond)
	if gy < 1678 || gy > 2261 {
		return nil, fmt.Errorf("date out of range: %d-%02d-%02d (Strata holds times from 1678 to 2261)", y, mo, d)
	}
	return Timestamp(t.UnixNano()), nil
}

// widthBucket is the 1-based bucket of x among count equal-width buckets
// from low to high (or high to low when low > high): 0 below the range,
// count+1 at or above its end, as PostgreSQL's width_bucket.
func widthBucket(x, low, high float64, count int64) (int64, error) {
	switch {
	case count <= 0:
		return 0, fmt.Errorf("count must be greater than zero")
	case low == high:
		return 0, fmt.Errorf("lower bound cannot equal upper bound")
	case math.IsNaN(x) || math.IsNaN(low) || math.IsNaN(high):
		return 0, fmt.Errorf("operand, lower bound, and upper bound cannot be NaN")
	case math.IsInf(low, 0) || math.IsInf(high, 0):
		return 0, fmt.Errorf("lower and upper bounds must be finite")
	}
	if low < high {
		switch {
		case x < low:
			return 0, nil
		case x >= high:
			return count + 1, nil
		}
		if math.IsInf(high-low, 0) {
			return halvedBucket(x, low, high, count), nil
		}
		// PostgreSQL 15's order, the 1 added before truncating: a
		// quotient just below 1 (0.9999999999999999) rounds up to 2 then.
		return int64((x-low)*float64(count)/(high-low) + 1), nil
	}
	switch {
	case x > low:
		return 0, nil
	case x <= high:
		return count + 1, nil
	}
	if math.IsInf(low-high, 0) {
		return halvedBucket(-x, -low, -high, count), nil
	}
	return int64((low-x)*float64(count)/(low-high) + 1), nil
}

// widthBucketDecimal is widthBucket over the decimals numerics x, low
// and high stand for (each float8's shortest decimal): float8's bucket
// where its quotient is clear of a bucket's edge by more than its
// rounding error, else the quotient of the exact decimals.
func widthBucketDecimal(x, low, high float64, count, quotients int64) (int64, error) {
	b, err := widthBucket(x, low, high, count)
	if err != nil || b == 0 || b == count+1 || math.IsInf(high-low, 0) {
		return b, err // outside the range (the comparisons are exact), or an error
	}
	q := (x - low) * float64(count) / (high - low)
	bound := math.Max(math.Max(math.Abs(x), math.Abs(low)), math.Abs(high))
	slack := 8e-16*float64(count)*bound/math.Abs(high-low) + 8e-16*math.Abs(q)
	if q-math.Floor(q) > slack && math.Ceil(q)-q > slack {
		return b, nil
	}
	// The exact decimal a numeric stands for is its float8's shortest text
	// (a literal's, a sum's); a quotient's only when that is short (0.5 /
	// 10), not when float8 rounded it (2.0 / 3): float8's bucket is the
	// better guess then.
	for i, f := range []float64{x, low, high} {
		if quotients&(1<<i) != 0 && shortestDecimals(f) < 0 {
			return b, nil // more than 15 significant digits
		}
	}
	rat := func(f float64) *big.Rat {
		r, _ := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
		return r
	}
	rx, rl, rh := rat(x), rat(low), rat(high)
	num := new(big.Rat).Sub(rx, rl)
	den := new(big.Rat).Sub(rh, rl)
	num.Mul(num, new(big.Rat).SetInt64(count))
	num.Quo(num, den) // positive: x is within the range, either way round
	return new(big.Int).Quo(num.Num(), num.Denom()).Int64() + 1, nil
}

// halvedBucket is the bucket of x within [low, high) when high - low
// overflows float8 (bounds near ±1.8e308): the inputs are halved first,
// and the quotient kept below 1, as PostgreSQL 16 does (15 read a NaN).
func halvedBucket(x, low, high float64, count int64) int64 {
	b := int64(float64(count) * ((x/2 - low/2) / (high/2 - low/2)))
	return min(max(b, 0), count-1) + 1
}

const (
	nanosPerDay = int64(24 * time.Hour)
	daysPerMon  = 30
)

// age is PostgreSQL's symbolic difference t1 - t2: years, months and days
// by the calendar (each field of the two readings subtracted, borrows
// taken from the next field up, a month's days from the month that ends
// the borrowing), then the time of day.
func age(t1, t2 time.Time) arrow.MonthDayNanoInterval {
	neg := t1.Before(t2)
	y1, mo1, d1 := t1.Date()
	y2, mo2, d2 := t2.Date()
	ns := int64(t1.Hour()-t2.Hour())*int64(time.Hour) + int64(t1.Minute()-t2.Minute())*int64(time.Minute) +
		int64(t1.Second()-t2.Second())*int64(time.Second) + int64(t1.Nanosecond()-t2.Nanosecond())
	days := d1 - d2
	months := int(mo1 - mo2)
	years := y1 - y2
	if neg {
		ns, days, months, years = -ns, -days, -months, -years
	}
	for ns < 0 {
		ns += nanosPerDay
		days--
	}
	for days < 0 {
		// Borrow the days of the earlier time's month.
		y, m := y2, mo2
		if neg {
			y, m = y1, mo1
		}
		days += daysIn(y, m)
		months--
	}
	for months < 0 {
		months += 12
		years--
	}
	if neg {
		ns, days, months, years = -ns, -days, -months, -years
	}
	return arrow.MonthDayNanoInterval{Months: int32(years*12 + months), Days: int32(days), Nanoseconds: ns}
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// justifyHours moves whole 24-hour days of the time into the days, and
// makes days and time agree in sign.
func justifyHours(iv arrow.MonthDayNanoInterval) arrow.MonthDayNanoInterval {
	iv = justifyWholeDays(iv)
	switch {
	case iv.Days > 0 && iv.Nanoseconds < 0:
		iv.Nanoseconds += nanosPerDay
		iv.Days--
	case iv.Days < 0 && iv.Nanoseconds > 0:
		iv.Nanoseconds -= nanosPerDay
		iv.Days++
	}
	return iv
}

func justifyWholeDays(iv arrow.MonthDayNanoInterval) arrow.MonthDayNanoInterval {
	whole := iv.Nanoseconds / nanosPerDay
	iv.Days += int32(whole)
	iv.Nanoseconds -= whole * nanosPerDay
	return iv
}

// justifyDays moves whole 30-day months of the days into the months, and
// makes months and days agree in sign (with the time too when withTime:
// justify_interval's rule).
func justifyDays(iv arrow.MonthDayNanoInterval, withTime bool) arrow.MonthDayNanoInterval {
	whole := iv.Days / daysPerMon
	iv.Months += whole
	iv.Days -= whole * daysPerMon
	switch {
	case iv.Months > 0 && (iv.Days < 0 || withTime && iv.Days == 0 && iv.Nanoseconds < 0):
		iv.Days += daysPerMon
		iv.Months--
	case iv.Months < 0 && (iv.Days > 0 || withTime && iv.Days == 0 && iv.Nanoseconds > 0):
		iv.Days -= daysPerMon
		iv.Months++
	}
	return iv
}

// registerRowFn registers a function of result type dt computed row by
// row, taking any of the signatures sigs.
func registerRowFn(name string, dt arrow.DataType, sigs [][]string, f func(c *Ctx, v []any) (any, error)) {
	register(name, funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			var err error
			for _, sig := range sigs {
				if err = want(args, sig...); err == nil {
					return dt, nil
				}
			}
			return nil, err
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(dt, n, args, true, func(v []any) (any, error) { return f(c, v) })
		},
	})
}
