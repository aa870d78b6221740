package slt

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Numeric is an exact decimal in PostgreSQL's text form ("1234", "50.5000",
// "NaN"), as PostgreSQL returns sum(bigint) and avg(bigint). Digits after the
// point make it a non-integer for the I type letter, even when they are zeros.
type Numeric string

// Timestamp is a timestamp without time zone (a wall-clock reading).
// time.Time values are timestamptz and print in UTC with "+00".
type Timestamp time.Time

// Date is a calendar date; only its UTC year, month and day are used.
type Date time.Time

// Interval is a PostgreSQL interval: months, days and microseconds are kept
// apart, as PostgreSQL keeps them ('1 mon' is not '30 days').
type Interval struct {
	Months int32
	Days   int32
	Micros int64
}

// FloatDigits is the number of significant digits floats are rounded to.
const FloatDigits = 12

// FormatValue renders one value as the column type letter typ requires
// (see the package documentation for the rules). It fails when the value's
// kind does not belong under typ.
func FormatValue(typ byte, v any) (string, error) {
	if v == nil {
		return "NULL", nil
	}
	switch typ {
	case 'I':
		switch x := v.(type) {
		case int64:
			return strconv.FormatInt(x, 10), nil
		case uint64:
			return strconv.FormatUint(x, 10), nil
		case Numeric:
			if strings.ContainsAny(string(x), ".eEN") {
				return "", fmt.Errorf("numeric %s is not an integer", x)
			}
			return string(x), nil
		}
	case 'R':
		switch x := v.(type) {
		case float64:
			return FormatFloat(x), nil
		case Numeric:
			f, err := strconv.ParseFloat(string(x), 64)
			if err != nil {
				return "", fmt.Errorf("numeric %q: %w", x, err)
			}
			return FormatFloat(f), nil
		}
	case 'T':
		if s, ok := v.(string); ok {
			return FormatText(s), nil
		}
	case 'B':
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b), nil
		}
	case 'P':
		switch x := v.(type) {
		case time.Time:
			return FormatTimestamp(x, true), nil
		case Timestamp:
			return FormatTimestamp(time.Time(x), false), nil
		case Date:
			return time.Time(x).UTC().Format("2006-01-02"), nil
		}
	case 'V':
		if iv, ok := v.(Interval); ok {
			return FormatInterval(iv), nil
		}
	default:
		return "", fmt.Errorf("unknown column type %q", typ)
	}
	return "", fmt.Errorf("a %s value does not belong in a %c column", KindName(v), typ)
}

// TypeLetter is the column type letter a non-null value belongs under.
func TypeLetter(v any) byte {
	switch x := v.(type) {
	case int64, uint64:
		return 'I'
	case Numeric:
		if strings.ContainsAny(string(x), ".eEN") {
			return 'R'
		}
		return 'I'
	case float64:
		return 'R'
	case bool:
		return 'B'
	case time.Time, Timestamp, Date:
		return 'P'
	case Interval:
		return 'V'
	}
	return 'T'
}

// KindName names the Go kind of a result value for error messages.
func KindName(v any) string {
	switch v.(type) {
	case int64:
		return "int64"
	case uint64:
		return "uint64"
	case float64:
		return "float64"
	case Numeric:
		return "numeric"
	case string:
		return "text"
	case bool:
		return "bool"
	case time.Time:
		return "timestamptz"
	case Timestamp:
		return "timestamp"
	case Date:
		return "date"
	case Interval:
		return "interval"
	}
	return fmt.Sprintf("%T", v)
}

// FormatFloat rounds f to FloatDigits significant digits and prints the
// shortest form of the rounded value: plain decimal when 1e-4 <= |f| < 1e15,
// else exponent form (1e+20, 3.33333333333e-11), "-0" as "0", and NaN, Infinity, -Infinity as PostgreSQL
// spells them.
func FormatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'e', FloatDigits-1, 64), 64)
	if a := math.Abs(r); a < 1e-4 || a >= 1e15 {
		return strconv.FormatFloat(r, 'e', -1, 64)
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// FormatText escapes a string so that one value stays on one line: the empty
// string is "(empty)", and backslash, newline, carriage return and tab become
// \\, \n, \r and \t.
func FormatText(s string) string {
	if s == "" {
		return "(empty)"
	}
	if !strings.ContainsAny(s, "\\\n\r\t") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FormatTimestamp prints t in UTC as PostgreSQL does with DateStyle ISO and
// TimeZone UTC: "2016-01-01 02:17:08.646325+00", fraction trimmed of trailing
// zeros (and dropped when zero), "+00" only for timestamptz. Nanoseconds
// beyond microseconds are printed too (PostgreSQL never has them).
func FormatTimestamp(t time.Time, tz bool) string {
	t = t.UTC()
	s := t.Format("2006-01-02 15:04:05.999999999")
	if tz {
		s += "+00"
	}
	return s
}

// FormatInterval prints an interval in PostgreSQL's IntervalStyle postgres:
// "1 year 2 mons -3 days +04:05:06.5", "00:00:00" for zero, hours beyond 24
// kept in the time part.
func FormatInterval(iv Interval) string {
	var b strings.Builder
	zero, before := true, false
	part := func(v int64, unit string) {
		if v == 0 {
			return
		}
		if !zero {
			b.WriteByte(' ')
		}
		if before && v > 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.FormatInt(v, 10))
		b.WriteByte(' ')
		b.WriteString(unit)
		if v != 1 {
			b.WriteByte('s')
		}
		before, zero = v < 0, false
	}
	part(int64(iv.Months/12), "year")
	part(int64(iv.Months%12), "mon")
	part(int64(iv.Days), "day")
	us := iv.Micros
	if zero || us != 0 {
		if !zero {
			b.WriteByte(' ')
		}
		switch {
		case us < 0:
			b.WriteByte('-')
		case before:
			b.WriteByte('+')
		}
		a := us
		if a < 0 {
			a = -a
		}
		h, m, s, frac := a/3600e6, a/60e6%60, a/1e6%60, a%1e6
		fmt.Fprintf(&b, "%02d:%02d:%02d", h, m, s)
		if frac != 0 {
			b.WriteString(strings.TrimRight(fmt.Sprintf(".%06d", frac), "0"))
		}
	}
	return b.String()
}
