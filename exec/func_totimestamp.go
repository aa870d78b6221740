package exec

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/apache/arrow-go/v18/arrow"
)

// to_timestamp(text, template) and to_date(text, template) read a time with
// a to_char template, as PostgreSQL does outside FX mode: spaces are
// skipped around fields, a separator in the template matches any single
// separator in the text (or none), numbers may have fewer digits than the
// pattern's width, MS and US are fractions (12:3 with SS:MS is 12.3
// seconds), YY is the year nearest 2020, text after the template is
// ignored. Fields are read in the session's time zone unless TZH/TZM/OF
// give an offset.

// timeFields are the values a template sets.
type timeFields struct {
	year, month, day          int
	hour, min, sec, nsec      int
	yday                      int
	pm, hour12                bool
	offset                    int
	hasOffset, offsetNeg      bool
	secsOfDay, julian         int
	hasSecsOfDay, hasJulian   bool
	hasYear, hasMonth, hasDay bool
	// ISO 8601 week dates (IYYY, IW, ID, IDDD) and the week of the year
	// (WW); iso and gregorian say which convention the fields used.
	isoWeek, isoDay, isoYday, week int
	iso, gregorian                 bool
}

// parseTemplate reads s with a compiled template.
func parseTemplate(s string, items []charItem) (timeFields, error) {
	f := timeFields{month: 1, day: 1}
	pos := 0
	skipSpaces := func() {
		for pos < len(s) && s[pos] == ' ' {
			pos++
		}
	}
	// number reads up to width digits (with an optional sign for signed
	// fields); exact when the next item is another field (YYYYMMDD).
	number := func(it charItem, width int, exact bool, signed bool) (int, int, error) {
		skipSpaces()
		start := pos
		neg := false
		if signed && pos < len(s) && (s[pos] == '-' || s[pos] == '+') {
			neg = s[pos] == '-'
			pos++
		}
		digits := pos
		for pos < len(s) && s[pos] >= '0' && s[pos] <= '9' && (pos-digits < width || width == 0 || !exact && it.pat == "YYYY") {
			pos++
		}
		if pos == digits {
			end := min(len(s), start+2)
			return 0, 0, fmt.Errorf("invalid value %q for %q: value must be an integer", s[start:end], it.pat)
		}
		n := 0
		for _, c := range s[digits:pos] {
			n = n*10 + int(c-'0')
			if n > 1e9 {
				return 0, 0, fmt.Errorf("value for %q in source string is out of range", it.pat)
			}
		}
		if neg {
			n = -n
		}
		return n, pos - digits, nil
	}
	// word reads one of names (their first prefix letters when prefix > 0)
	// in any case, for pattern it.
	word := func(it charItem, names []string, prefix int) (int, error) {
		skipSpaces()
		rest := strings.ToLower(s[pos:])
		for i, name := range names {
			n := strings.ToLower(name)
			if prefix > 0 {
				n = n[:prefix]
			}
			if strings.HasPrefix(rest, n) {
				pos += len(n)
				return i, nil
			}
		}
		return 0, fmt.Errorf("invalid value %q for %q", prefixOf(s[pos:]), it.pat)
	}
	months := []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	days := []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	for k, it := range items {
		if pos >= len(s) {
			break // a shorter text leaves the rest at their defaults
		}
		if it.pat == "" {
			for _, r := range it.literal {
				skipSpaces()
				// Any separator, a space too, matches a separator:
				// 'YYYY MM DD' reads 2024-03-15.
				if pos < len(s) && (rune(s[pos]) == r || !isAlnum(rune(s[pos]))) {
					pos++
				}
			}
			continue
		}
		exact := k+1 < len(items) && items[k+1].pat != ""
		var err error
		var v, nd int
		switch it.pat {
		case "IYYY", "IYY", "IY", "I", "IW", "ID", "IDDD":
			f.iso = true
		case "YYYY", "Y,YYY", "YYY", "YY", "Y", "MM", "MONTH", "Month", "month", "MON", "Mon", "mon", "DD", "DDD", "WW":
			f.gregorian = true
		}
		switch it.pat {
		case "YYYY", "IYYY":
			v, _, err = number(it, 4, exact, true)
			f.year, f.hasYear = v, true
		case "IW":
			v, _, err = number(it, 2, exact, false)
			f.isoWeek = v
		case "ID":
			v, _, err = number(it, 1, exact, false)
			f.isoDay = v
		case "IDDD":
			v, _, err = number(it, 3, exact, false)
			f.isoYday = v
		case "WW":
			v, _, err = number(it, 2, exact, false)
			f.week = v
		case "Q":
			_, _, err = number(it, 1, exact, false) // read, and ignored as PostgreSQL does
		case "FF1", "FF2", "FF3", "FF4", "FF5", "FF6":
			// Up to n digits of the fraction, as US reads six.
			v, nd, err = number(it, int(it.pat[2]-'0'), exact, false)
			f.nsec += v * int(math.Pow10(6-nd)) * 1e3
		case "Y,YYY":
			var hi, lo int
			if hi, _, err = number(it, 3, false, false); err == nil {
				if pos < len(s) && s[pos] == ',' {
					pos++
				}
				lo, _, err = number(it, 3, true, false)
				f.year, f.hasYear = hi*1000+lo, true
			}
		case "YYY", "YY", "Y", "IYY", "IY", "I":
			v, _, err = number(it, len(it.pat), exact, false) // IY: two digits, as YY
			f.year, f.hasYear = nearest2020(v), true
		case "MM":
			v, _, err = number(it, 2, exact, false)
			f.month, f.hasMonth = v, true
		case "MONTH", "Month", "month":
			v, err = word(it, months, 0)
			f.month, f.hasMonth = v+1, true
		case "MON", "Mon", "mon":
			v, err = word(it, months, 3)
			f.month, f.hasMonth = v+1, true
		case "DAY", "Day", "day":
			_, err = word(it, days, 0)
		case "DY", "Dy", "dy":
			_, err = word(it, days, 3)
		case "DD":
			v, _, err = number(it, 2, exact, false)
			f.day, f.hasDay = v, true
		case "DDD":
			v, _, err = number(it, 3, exact, false)
			f.yday = v
		case "HH24":
			v, _, err = number(it, 2, exact, false)
			f.hour = v
		case "HH", "HH12":
			v, _, err = number(it, 2, exact, false)
			f.hour, f.hour12 = v, true
		case "MI":
			v, _, err = number(it, 2, exact, false)
			f.min = v
		case "SS":
			v, _, err = number(it, 2, exact, false)
			f.sec = v
		case "MS":
			v, nd, err = number(it, 3, exact, false)
			f.nsec += v * int(math.Pow10(3-nd)) * 1e6
		case "US":
			v, nd, err = number(it, 6, exact, false)
			f.nsec += v * int(math.Pow10(6-nd)) * 1e3
		case "SSSS", "SSSSS":
			v, _, err = number(it, 5, exact, false)
			f.secsOfDay, f.hasSecsOfDay = v, true
		case "J":
			v, _, err = number(it, 0, exact, false)
			f.julian, f.hasJulian = v, true
		case "AM", "PM", "am", "pm", "A.M.", "P.M.", "a.m.", "p.m.":
			v, err = word(it, []string{"A.M.", "P.M.", "AM", "PM"}, 0)
			f.hour12, f.pm = true, v%2 == 1
		case "TZH":
			skipSpaces()
			start := pos
			f.offsetNeg = pos < len(s) && s[pos] == '-' // -00 has a sign too
			v, _, err = number(it, 2, exact, true)
			if before := strings.TrimRight(s[:start], " "); !f.offsetNeg && k > 0 && items[k-1].pat == "" && strings.HasSuffix(items[k-1].literal, " ") && strings.HasSuffix(before, "-") {
				// The minus a blank of the template passed over (' TZH' over
				// ' -05') is the offset's sign, as PostgreSQL reads it; a -
				// in the template ('-TZH') is a separator.
				f.offsetNeg, v = true, -v
			}
			f.offset, f.hasOffset = f.offset+v*3600, true
		case "TZM":
			v, _, err = number(it, 2, exact, false)
			if f.offsetNeg {
				v = -v
			}
			f.offset, f.hasOffset = f.offset+v*60, true
		case "OF", "TZ", "tz":
			return f, fmt.Errorf("formatting field %q is only supported in to_char", it.pat)
		default:
			return f, fmt.Errorf("template pattern %q is not supported in to_timestamp", it.pat)
		}
		if err != nil {
			return f, err
		}
	}
	return f, nil
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func prefixOf(s string) string { return s[:min(len(s), 8)] }

// nearest2020 completes a year read by a pattern of fewer than four digits
// as PostgreSQL does, to about the nearest year to 2020: 0-69 are 2000-2069,
// 70-99 1970-1999, 100-519 2100-2519, 520-999 1520-1999.
func nearest2020(y int) int {
	switch {
	case y < 70:
		return y + 2000
	case y < 100:
		return y + 1900
	case y < 520:
		return y + 2000
	case y < 1000:
		return y + 1000
	}
	return y
}

// instant turns the fields into a time in loc (or the parsed offset),
// checking their ranges as PostgreSQL does.
func (f timeFields) instant(loc *time.Location, text string) (time.Time, error) {
	outOfRange := fmt.Errorf("date/time field value out of range: %q", text)
	if f.hasJulian {
		t := time.Date(-4713, time.November, 24, 12, 0, 0, 0, time.UTC).AddDate(0, 0, f.julian)
		f.year, f.month, f.day = t.Year(), int(t.Month()), t.Day()
	}
	if f.iso && f.gregorian {
		return time.Time{}, errors.New("invalid combination of date conventions")
	}
	if f.iso && (f.isoWeek > 0 || f.isoYday > 0) { // a day of the week alone is ignored, as in PostgreSQL
		// The Monday of ISO week 1 is that of the week holding 4 January.
		jan4 := time.Date(f.year, 1, 4, 0, 0, 0, 0, time.UTC)
		monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
		var t time.Time
		if f.isoYday > 0 {
			t = monday.AddDate(0, 0, f.isoYday-1)
		} else {
			t = monday.AddDate(0, 0, (max(f.isoWeek, 1)-1)*7+max(f.isoDay, 1)-1)
		}
		f.year, f.month, f.day = t.Year(), int(t.Month()), t.Day()
		f.hasMonth, f.hasDay = true, true
	}
	if f.week > 0 && f.yday == 0 {
		f.yday = (f.week-1)*7 + 1 // WW: the week's first day, counted from 1 January
	}
	if f.yday > 0 && (f.month <= 1 || f.day <= 1) {
		// The day of the year fills in the month and the day that no
		// other field set, each on its own, as PostgreSQL does.
		t := time.Date(f.year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, f.yday-1)
		if t.Year() != f.year {
			return time.Time{}, outOfRange
		}
		if f.month <= 1 {
			f.month = int(t.Month())
		}
		if f.day <= 1 {
			f.day = t.Day()
		}
	}
	if f.hasSecsOfDay {
		f.hour, f.min, f.sec = f.secsOfDay/3600, f.secsOfDay/60%60, f.secsOfDay%60
	}
	if f.hour12 {
		if f.hour < 1 || f.hour > 12 {
			return time.Time{}, fmt.Errorf("hour %q is invalid for the 12-hour clock", fmt.Sprint(f.hour))
		}
		f.hour %= 12
		if f.pm {
			f.hour += 12
		}
	}
	if !f.hasYear && !f.hasJulian {
		return time.Time{}, fmt.Errorf("timestamp out of range: %q has no year", text)
	}
	if f.month < 1 || f.month > 12 || f.day < 1 || f.day > daysIn(f.year, time.Month(f.month)) ||
		f.hour < 0 || f.hour > 24 || f.hour == 24 && (f.min != 0 || f.sec != 0 || f.nsec != 0) || f.min < 0 || f.min > 59 || f.sec < 0 || f.sec > 60 {
		return time.Time{}, outOfRange
	}
	if f.hasOffset {
		loc = time.FixedZone("", f.offset)
	}
	t := WallTime(f.year, time.Month(f.month), f.day, f.hour, f.min, f.sec, f.nsec, loc)
	if t.Year() < 1678 || t.Year() > 2261 {
		return time.Time{}, fmt.Errorf("timestamp out of range: %q", text)
	}
	return t, nil
}

// evalParseTime is to_timestamp(text, template), or to_date when date:
// the day's midnight in the session's zone (how Strata holds dates).
func evalParseTime(date bool) func(c *Ctx, args []arg, n int) (arrow.Array, error) {
	return func(c *Ctx, args []arg, n int) (arrow.Array, error) {
		loc := c.Location
		if loc == nil {
			loc = time.UTC
		}
		var tmpl string
		var items []charItem
		return rowwise(TypeTimestamptz, n, args, true, func(v []any) (any, error) {
			text, t := v[0].(string), v[1].(string)
			if items == nil || t != tmpl {
				tmpl, items = t, compileCharTemplate(t)
			}
			f, err := parseTemplate(text, items)
			if err != nil {
				return nil, err
			}
			if date {
				f.hour, f.min, f.sec, f.nsec, f.hour12, f.hasSecsOfDay, f.hasOffset = 0, 0, 0, 0, false, false, false
			}
			at, err := f.instant(loc, text)
			if err != nil {
				return nil, err
			}
			return Timestamp(at.UnixNano()), nil
		})
	}
}
