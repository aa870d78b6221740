package exec

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// ParseTimestamp reads a timestamptz literal as PostgreSQL does in its common
// forms: "2016-01-01", "2016-01-01 02:17:08.646325 +0000" (TSBS),
// "2016-01-01T00:00:00Z", "2016-01-01 00:00:00+00", "... -05:30", "epoch",
// "now". Without an offset the session's time zone applies.
func ParseTimestamp(s string, loc *time.Location, now time.Time) (int64, error) {
	return parseTimestamp(s, loc, now, false)
}

// ParseWallClock reads a timestamp without time zone as PostgreSQL does: an
// offset or zone written after the time is checked and ignored, the
// reading taken in the session's zone ('2016-01-01 12:00+05'::timestamp is
// noon).
func ParseWallClock(s string, loc *time.Location, now time.Time) (int64, error) {
	return parseTimestamp(s, loc, now, true)
}

func parseTimestamp(s string, loc *time.Location, now time.Time, wallClock bool) (int64, error) {
	str := TrimSpaceASCII(s)
	switch strings.ToLower(str) {
	case "epoch":
		return 0, nil
	case "now":
		return now.UnixNano(), nil
	case "today", "tomorrow", "yesterday":
		y, m, d := now.In(loc).Date()
		switch strings.ToLower(str) {
		case "tomorrow":
			d++
		case "yesterday":
			d--
		}
		return WallTime(y, m, d, 0, 0, 0, 0, loc).UnixNano(), nil
	case "infinity":
		return TimeInfinity, nil
	case "-infinity":
		return TimeNegInfinity, nil
	}
	ns, err := parseISO(s, str, loc, wallClock)
	if err != nil && strings.HasPrefix(err.Error(), "invalid input syntax") {
		// Other spellings PostgreSQL reads: 01/02/2016, Jan 2 2016,
		// 20160102T120000, 1:02 PM, ...
		if fields, ok := parseLoose(str); ok {
			return fields.instant(s, loc, wallClock)
		}
	}
	return ns, err
}

// parseISO reads YYYY-MM-DD[( |T)HH:MM[:SS[.frac]]][ ][zone].
func parseISO(s, str string, loc *time.Location, wallClock bool) (int64, error) {
	if len(str) < 10 || str[4] != '-' || str[7] != '-' {
		return 0, fmt.Errorf("invalid input syntax for type timestamp with time zone: %q", s)
	}
	year, err1 := strconv.Atoi(str[0:4])
	month, err2 := strconv.Atoi(str[5:7])
	day, err3 := strconv.Atoi(str[8:10])
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, fmt.Errorf("invalid input syntax for type timestamp with time zone: %q", s)
	}
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return 0, fmt.Errorf("date/time field value out of range: %q", s)
	}
	rest := str[10:]
	if strings.HasPrefix(rest, "-") {
		// 2024-01-01-05: PostgreSQL reads no offset straight after a
		// date's last field (2024-01-01+05 and 2024-01-01 -05 it reads).
		return 0, fmt.Errorf("invalid input syntax for type timestamp with time zone: %q", s)
	}
	var hh, mm, ss, nanos int
	if len(rest) > 0 && (rest[0] == ' ' || rest[0] == 'T' || rest[0] == 't') {
		rest = strings.TrimLeft(rest[1:], " ")
		if len(rest) >= 4 && rest[1] == ':' && rest[0] >= '0' && rest[0] <= '9' {
			rest = "0" + rest // a one-digit hour (T0:00)
		}
		if len(rest) >= 5 && rest[2] == ':' {
			hh, err1 = strconv.Atoi(rest[0:2])
			mm, err2 = strconv.Atoi(rest[3:5])
			if err1 != nil || err2 != nil {
				return 0, fmt.Errorf("invalid input syntax for type timestamp with time zone: %q", s)
			}
			rest = rest[5:]
			if len(rest) >= 3 && rest[0] == ':' {
				if ss, err1 = strconv.Atoi(rest[1:3]); err1 != nil {
					return 0, fmt.Errorf("invalid input syntax for type timestamp with time zone: %q", s)
				}
				rest = rest[3:]
				if len(rest) > 0 && rest[0] == '.' {
					j := 1
					for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
						j++
					}
					frac := rest[1:j]
					if len(frac) > 9 {
						frac = frac[:9]
					}
					nanos, _ = strconv.Atoi(frac + strings.Repeat("0", 9-len(frac)))
					rest = rest[j:]
				}
			}
		}
	}
	var zone *time.Location
	if rest = TrimSpaceASCII(rest); rest != "" {
		var err error
		if zone, err = readZone(rest, s); err != nil {
			return 0, err
		}
	}
	return tsParts{year, month, day, hh, mm, ss, nanos, zone}.instant(s, loc, wallClock)
}

// readZone reads the zone written after a time: an offset (+05:30, Z; ISO
// 8601's sign, east of UTC), or an abbreviation or zone name (zoneByName).
// s is the whole text, for errors.
func readZone(z, s string) (*time.Location, error) {
	if off, ok := parseOffset(z); ok {
		if off <= -16*3600 || off >= 16*3600 {
			return nil, fmt.Errorf("time zone displacement out of range: %q", s)
		}
		return time.FixedZone("", off), nil
	}
	if l, ok := zoneByName(z); ok {
		return l, nil
	}
	return nil, fmt.Errorf("invalid input syntax for type timestamp with time zone: %q", s)
}

// tsParts are a timestamp's parts as read; zone nil: the session's.
type tsParts struct {
	year, month, day, hh, mm, ss, nanos int
	zone                                *time.Location
}

// instant is the time the fields name, checked as PostgreSQL checks them.
func (f tsParts) instant(s string, loc *time.Location, wallClock bool) (int64, error) {
	year, month, day, hh, mm, ss, nanos, zone := f.year, f.month, f.day, f.hh, f.mm, f.ss, f.nanos, f.zone
	if zone == nil || wallClock {
		zone = loc
	}
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return 0, fmt.Errorf("date/time field value out of range: %q", s)
	}
	// 24:00:00 is the next midnight and a 60th second the next minute,
	// as PostgreSQL reads them.
	rollover := hh == 24 || ss == 60
	if hh > 24 || mm > 59 || ss > 60 || hh == 24 && (mm != 0 || ss != 0 || nanos != 0) {
		return 0, fmt.Errorf("date/time field value out of range: %q", s)
	}
	t := WallTime(year, time.Month(month), day, hh, mm, ss, nanos, zone)
	if !rollover && t.Day() != day || rollover && time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Day() != day {
		return 0, fmt.Errorf("date/time field value out of range: %q", s)
	}
	ns, ok := InstantNanos(t)
	if !ok {
		return 0, &BeyondTimesError{Below: t.Before(minInstant), msg: fmt.Sprintf("timestamp out of range: %q (%s)", s, TimeRangeNote)}
	}
	return ns, nil
}

// BeyondTimesError is a finite time text names that Strata cannot hold:
// before the first time it holds (Below, '0001-01-01') or after the last.
// A comparison with such a constant is still decided for every time held
// (the planner reads time > '0001-01-01' as true).
type BeyondTimesError struct {
	Below bool
	msg   string
}

func (e *BeyondTimesError) Error() string { return e.msg }

// TimeRangeNote says which times Strata holds (nanoseconds in an int64).
const TimeRangeNote = "Strata holds times from 1677-09-21 00:12:43.145225 to 2262-04-11 23:47:16.854775 UTC"

// The first and last whole microseconds an int64 of nanoseconds holds (a
// time rounded to the microsecond for PostgreSQL stays inside).
var minInstant, maxInstant = time.Unix(0, heldMin), time.Unix(0, heldMax)

// InstantNanos is t in nanoseconds since the epoch; ok is false when t is
// outside what an int64 of nanoseconds holds (UnixNano would wrap).
func InstantNanos(t time.Time) (int64, bool) {
	if t.Before(minInstant) || t.After(maxInstant) {
		return 0, false
	}
	return t.UnixNano(), true
}

// addNanos adds b to a, ok false on int64 overflow.
func addNanos(a, b int64) (int64, bool) {
	s := a + b
	if a > 0 && b > 0 && s < 0 || a < 0 && b < 0 && s >= 0 {
		return 0, false
	}
	return s, true
}

// parseOffset reads "Z", "UTC", "+00", "-8", "+530", "+0000", "+05:30", "+5:30", "-0800".
func parseOffset(s string) (int, bool) {
	switch strings.ToUpper(s) {
	case "Z", "UTC", "GMT":
		return 0, true
	}
	if s == "" || s[0] != '+' && s[0] != '-' {
		return 0, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	// h, hh, hhmm, hhmmss, or h[h]:mm[:ss].
	var parts []string
	if body := s[1:]; strings.IndexByte(body, ':') >= 0 {
		parts = strings.Split(body, ":")
		if len(parts) > 3 || len(parts[0]) < 1 || len(parts[0]) > 2 {
			return 0, false
		}
		for _, p := range parts[1:] {
			if len(p) != 2 {
				return 0, false
			}
		}
	} else {
		switch len(body) {
		case 1, 2:
			parts = []string{body}
		case 3:
			parts = []string{body[:1], body[1:]} // +530
		case 4:
			parts = []string{body[:2], body[2:]}
		case 6:
			parts = []string{body[:2], body[2:4], body[4:]}
		default:
			return 0, false
		}
	}
	var nums [3]int
	for i, p := range parts {
		for _, c := range p {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
		nums[i], _ = strconv.Atoi(p)
	}
	h, m, sec := nums[0], nums[1], nums[2]
	if m > 59 || sec > 59 {
		return sign * 24 * 3600, true // out of range, as the caller reports
	}
	return sign * (h*3600 + m*60 + sec), true
}

// ParseInterval reads an interval as PostgreSQL does: "5 minutes",
// "60 seconds", "1 hour 30 mins", "1 day", "2 weeks", "1 mon", "1 year",
// "1h", "00:05:00", "1 day 02:00:00", "-3 days", "2 hours ago".
func ParseInterval(s string) (arrow.MonthDayNanoInterval, error) {
	var iv arrow.MonthDayNanoInterval
	fields := strings.Fields(strings.ToLower(strings.TrimSpace(s)))
	if len(fields) == 0 {
		return iv, fmt.Errorf("invalid input syntax for type interval: %q", s)
	}
	if fields[0] == "@" && len(fields) > 1 {
		fields = fields[1:] // '@ 1 hour ago', the postgres_verbose style
	}
	// A sign set apart belongs to what follows, as PostgreSQL soaks up
	// the blanks after one: '1 month - 1 day' is 1 mon -1 days.
	for i := 0; i+1 < len(fields); i++ {
		if fields[i] == "-" || fields[i] == "+" {
			fields[i] += fields[i+1]
			fields = slices.Delete(fields, i+1, i+2)
		}
	}
	ago := false
	if fields[len(fields)-1] == "ago" {
		ago, fields = true, fields[:len(fields)-1]
	}
	bad := func() (arrow.MonthDayNanoInterval, error) {
		return arrow.MonthDayNanoInterval{}, fmt.Errorf("invalid input syntax for type interval: %q", s)
	}
	var acc ivAcc
	if len(fields) == 1 && len(fields[0]) > 1 && fields[0][0] == 'p' {
		if err := acc.iso8601(fields[0][1:]); err != nil {
			return bad()
		}
		fields = nil
	}
	// Each field may be given once, as in PostgreSQL: '1 day 2 days' and
	// '1 day 01:00 1 hour' are refused, '1 week 1 day' is not.
	var seen uint16
	once := func(fields uint16) bool {
		dup := seen&fields != 0
		seen |= fields
		return !dup
	}
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if strings.Contains(f, ":") {
			ns, overflow, ok := parseClock(f)
			if !ok || !once(ivHour|ivMinute|ivSecond) {
				return bad()
			}
			acc.exactNanos(ns, overflow)
			continue
		}
		if y, m, ok := yearMonth(f); ok {
			// SQL's year-month form: '1-2' is 1 year 2 mons.
			if !once(ivMonth) { // PostgreSQL marks it a month field: '1-2 1 year' is taken
				return bad()
			}
			acc.int32s(&acc.iv.Months, y*12+m)
			continue
		}
		// A number, with its unit attached ("5m") or in the next field.
		j := 0
		for j < len(f) && (f[j] >= '0' && f[j] <= '9' || f[j] == '.' || f[j] == '-' || f[j] == '+') {
			j++
		}
		if j == 0 {
			return bad()
		}
		num, err := strconv.ParseFloat(f[:j], 64)
		if err != nil {
			return bad()
		}
		unit := f[j:]
		if unit == "" && i+1 < len(fields) && strings.Contains(fields[i+1], ":") {
			unit = "day" // SQL's day-time form: '1 2:03:04' is 1 day 02:03:04
		}
		if unit == "" {
			if i+1 >= len(fields) {
				// A bare number is seconds.
				if !once(ivSecond) {
					return bad()
				}
				acc.nanos(num * 1e9)
				continue
			}
			i++
			unit = fields[i]
		}
		unit = strings.TrimSuffix(unit, ",")
		if !once(ivUnitField(unit)) {
			return bad()
		}
		if err := acc.add(num, unit); err != nil {
			return arrow.MonthDayNanoInterval{}, fmt.Errorf("invalid input syntax for type interval: %q: %w", s, err)
		}
	}
	iv, ok := acc.interval()
	if !ok {
		return iv, fmt.Errorf("interval out of range: %q (an interval holds ±2147483647 months and days and ±2562047 hours besides)", s)
	}
	if ago {
		iv = NegInterval(iv)
	}
	return iv, nil
}

// yearMonth reads SQL's year-month interval field [+-]years-months.
func yearMonth(f string) (years, months float64, ok bool) {
	neg := strings.HasPrefix(f, "-")
	y, m, found := strings.Cut(strings.TrimLeft(f, "+-"), "-")
	if !found || y == "" || m == "" || strings.Trim(y+m, "0123456789") != "" {
		return 0, 0, false
	}
	yn, err1 := strconv.ParseFloat(y, 64)
	mn, err2 := strconv.ParseFloat(m, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	if neg {
		yn, mn = -yn, -mn
	}
	return yn, mn, true
}

// NegInterval negates an interval.
func NegInterval(iv arrow.MonthDayNanoInterval) arrow.MonthDayNanoInterval {
	return arrow.MonthDayNanoInterval{Months: -iv.Months, Days: -iv.Days, Nanoseconds: -iv.Nanoseconds}
}

func parseClock(f string) (ns int64, overflow, ok bool) {
	neg := strings.HasPrefix(f, "-")
	f = strings.TrimLeft(f, "+-")
	parts := strings.Split(f, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false, false
	}
	h, err1 := strconv.ParseInt(parts[0], 10, 64)
	m, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false, false
	}
	var sec float64
	if len(parts) == 3 {
		var err error
		if sec, err = strconv.ParseFloat(parts[2], 64); err != nil {
			return 0, false, false
		}
	}
	// Exactly, in integers: past int64 nanoseconds is out of range.
	const maxHours = math.MaxInt64 / int64(time.Hour)
	if h > maxHours || m > maxHours*60 || math.Abs(sec) > 1e9 {
		return 0, true, true
	}
	ns, ok1 := addNanos(h*int64(time.Hour), m*int64(time.Minute))
	ns, ok2 := addNanos(ns, int64(math.Round(sec*1e9)))
	if !ok1 || !ok2 {
		return 0, true, true
	}
	if neg {
		ns = -ns
	}
	return ns, false, true
}

// iso8601 adds an ISO 8601 duration after its P: 1Y2M3W4DT5H6M7.5S, any
// part left out, the time parts after T.
func (a *ivAcc) iso8601(d string) error {
	inTime := false
	for d != "" {
		if d[0] == 't' {
			if inTime || len(d) == 1 {
				return fmt.Errorf("a second T")
			}
			inTime, d = true, d[1:]
			continue
		}
		j := 0
		for j < len(d) && (d[j] >= '0' && d[j] <= '9' || d[j] == '.' || d[j] == '-' || d[j] == '+') {
			j++
		}
		if j == 0 || j == len(d) {
			return fmt.Errorf("a number without its unit")
		}
		num, err := strconv.ParseFloat(d[:j], 64)
		if err != nil {
			return err
		}
		units := map[byte]string{'y': "year", 'm': "month", 'w': "week", 'd': "day"}
		if inTime {
			units = map[byte]string{'h': "hour", 'm': "minute", 's': "second"}
		}
		unit, ok := units[d[j]]
		if !ok {
			return fmt.Errorf("unit %q", d[j])
		}
		if err := a.add(num, unit); err != nil {
			return err
		}
		d = d[j+1:]
	}
	return nil
}

// ivAcc sums the parts of an interval being read, noting when one passes
// what the interval's fields hold.
// The fields of an interval's text, each of which may be given once.
const (
	ivYear uint16 = 1 << iota
	ivMonth
	ivDay
	ivHour
	ivMinute
	ivSecond
	ivMillisecond
	ivMicrosecond
	ivWeek
	ivDecade
	ivCentury
	ivMillennium
)

// ivUnitField is the field unit gives (ivAcc.add's spellings); 0 for one
// add refuses.
func ivUnitField(unit string) uint16 {
	switch unit {
	case "microsecond", "microseconds", "us", "usec", "usecs", "µs":
		return ivMicrosecond
	case "millisecond", "milliseconds", "ms", "msec", "msecs":
		return ivMillisecond
	case "second", "seconds", "s", "sec", "secs":
		return ivSecond
	case "minute", "minutes", "m", "min", "mins":
		return ivMinute
	case "hour", "hours", "h", "hr", "hrs":
		return ivHour
	case "day", "days", "d":
		return ivDay
	case "week", "weeks", "w":
		return ivWeek
	case "month", "months", "mon", "mons":
		return ivMonth
	case "year", "years", "y", "yr", "yrs":
		return ivYear
	case "decade", "decades":
		return ivDecade
	case "century", "centuries", "cent", "c":
		return ivCentury
	case "millennium", "millennia", "millenniums", "mil", "mils":
		return ivMillennium
	}
	return 0
}

type ivAcc struct {
	iv       arrow.MonthDayNanoInterval
	overflow bool
}

// nanos adds v nanoseconds, rounded.
func (a *ivAcc) nanos(v float64) {
	v = math.Round(v)
	if math.IsNaN(v) || math.Abs(v) >= 1<<63 {
		a.overflow = true
		return
	}
	var ok bool
	if a.iv.Nanoseconds, ok = addNanos(a.iv.Nanoseconds, int64(v)); !ok {
		a.overflow = true
	}
}

// exactNanos adds ns nanoseconds (or notes an overflow already found).
func (a *ivAcc) exactNanos(ns int64, overflow bool) {
	var ok bool
	if a.iv.Nanoseconds, ok = addNanos(a.iv.Nanoseconds, ns); !ok || overflow {
		a.overflow = true
	}
}

// int32s adds v, rounded, to a month or day count.
func (a *ivAcc) int32s(f *int32, v float64) {
	v = math.Round(v)
	if sum := float64(*f) + v; math.IsNaN(sum) || sum > math.MaxInt32 || sum < math.MinInt32 {
		a.overflow = true
		return
	}
	*f += int32(v)
}

func (a *ivAcc) interval() (arrow.MonthDayNanoInterval, bool) { return a.iv, !a.overflow }

func (a *ivAcc) add(n float64, unit string) error {
	switch unit {
	case "microsecond", "microseconds", "us", "usec", "usecs", "µs":
		a.nanos(n * 1e3)
	case "millisecond", "milliseconds", "ms", "msec", "msecs":
		a.nanos(n * 1e6)
	case "second", "seconds", "s", "sec", "secs":
		a.nanos(n * 1e9)
	case "minute", "minutes", "m", "min", "mins":
		a.nanos(n * 60e9)
	case "hour", "hours", "h", "hr", "hrs":
		a.nanos(n * 3600e9)
	case "day", "days", "d":
		whole := math.Trunc(n)
		a.int32s(&a.iv.Days, whole)
		a.nanos((n - whole) * 86400e9)
	case "week", "weeks", "w":
		days := n * 7
		whole := math.Trunc(days)
		a.int32s(&a.iv.Days, whole)
		a.nanos((days - whole) * 86400e9)
	case "month", "months", "mon", "mons":
		// A fraction of a month is 30 days' worth, and a fraction of those
		// days time, as PostgreSQL carries it ('0.15 months' is 4 days
		// 12:00:00).
		whole := math.Trunc(n)
		a.int32s(&a.iv.Months, whole)
		days := (n - whole) * 30
		wholeDays := math.Trunc(days)
		a.int32s(&a.iv.Days, wholeDays)
		a.nanos((days - wholeDays) * 86400e9)
	case "year", "years", "y", "yr", "yrs":
		a.int32s(&a.iv.Months, n*12)
	case "decade", "decades":
		a.int32s(&a.iv.Months, n*120)
	case "century", "centuries", "cent", "c":
		a.int32s(&a.iv.Months, n*1200)
	case "millennium", "millennia", "millenniums", "mil", "mils":
		a.int32s(&a.iv.Months, n*12000)
	default:
		return fmt.Errorf("unknown unit %q", unit)
	}
	return nil
}
