package exec

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

func init() {
	sort.SliceStable(charPatterns, func(i, j int) bool { return len(charPatterns[i]) > len(charPatterns[j]) })
	register("to_char", funcDef{resolve: func(args []arrow.DataType) (arrow.DataType, error) {
		if len(args) == 2 && (args[0].ID() == arrow.INT64 || args[0].ID() == arrow.FLOAT64) {
			return TypeText, want(args, "numeric", "text")
		}
		if len(args) == 2 && args[0].ID() == arrow.INTERVAL_MONTH_DAY_NANO {
			return TypeText, want(args, "interval", "text")
		}
		return TypeText, want(args, "timestamptz", "text")
	}, eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
		switch args[0].dt.ID() {
		case arrow.INT64, arrow.FLOAT64:
			return evalNumToChar(c, args, n, false)
		case arrow.INTERVAL_MONTH_DAY_NANO:
			return evalIntervalToChar(args, n)
		}
		return evalToChar(c, args, n, false)
	}})
	// __to_char_wall is to_char of a timestamp without time zone
	// (held as the instant of its reading in the session's zone): the same
	// wall clock, with no zone (TZ is empty, OF +00), as PostgreSQL.
	register("__to_char_wall", funcDef{resolve: func(args []arrow.DataType) (arrow.DataType, error) {
		return TypeText, want(args, "timestamptz", "text")
	}, eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
		return evalToChar(c, args, n, true)
	}})
}

// noZone is the zone of a wall-clock reading: no name, no offset.
var noZone = time.FixedZone("", 0)

// evalToChar formats timestamps in the session's time zone with a
// PostgreSQL template; the template is compiled once per batch when it is
// constant.
func evalToChar(c *Ctx, args []arg, n int, wall bool) (arrow.Array, error) {
	ts, valid, err := timestampArg(args[0], n)
	if err != nil {
		return nil, err
	}
	var fixed []charItem
	if args[1].isConst && args[1].cnst != nil {
		fixed = compileCharTemplate(args[1].cnst.(string))
	}
	b := array.NewStringBuilder(c.Mem)
	defer b.Release()
	var buf []byte
	for i, v := range ts {
		tmpl := fixed
		if tmpl == nil {
			t, ok := rowArg(args[1], i)
			if !ok || t.(string) == "" { // an empty template gives NULL, as in PostgreSQL
				b.AppendNull()
				continue
			}
			tmpl = compileCharTemplate(t.(string))
		}
		if valid != nil && !bitSet(valid, i) || !IsFiniteTime(v) {
			b.AppendNull() // to_char of 'infinity' is NULL, as in PostgreSQL
			continue
		}
		t := time.Unix(0, v).In(c.Location)
		if wall {
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), noZone)
		}
		buf = appendToChar(buf[:0], t, tmpl)
		b.Append(string(buf))
	}
	return b.NewArray(), nil
}

func bitSet(bits []byte, i int) bool { return bits[i/8]&(1<<(i%8)) != 0 }

// charItem is one piece of a compiled template: a field pattern (with the
// FM fill-mode prefix and TH ordinal suffix) or literal text.
type charItem struct {
	pat     string
	literal string
	fm, th  bool
	upperTH bool
}

// charPatterns are the template patterns, sorted longest first at init so
// that a pattern is never cut short by its prefix (IW before I, SSSS before
// SS); the case of name patterns selects the case of the output (MONTH,
// Month, month).
var charPatterns = []string{
	"HH24", "HH12", "HH", "MI", "SSSSS", "SSSS", "SS", "MS", "US",
	"FF1", "FF2", "FF3", "FF4", "FF5", "FF6",
	"A.M.", "P.M.", "a.m.", "p.m.", "AM", "PM", "am", "pm",
	"A.D.", "B.C.", "a.d.", "b.c.", "AD", "BC", "ad", "bc",
	"Y,YYY", "YYYY", "YYY", "YY", "Y", "IYYY", "IYY", "IY",
	"MONTH", "Month", "month", "MON", "Mon", "mon", "MM",
	"DAY", "Day", "day", "DY", "Dy", "dy", "DDD", "DD", "D",
	"IDDD", "ID", "I", "WW", "W", "IW", "CC", "J", "Q", "RM", "rm",
	"TZH", "TZM", "TZ", "tz", "OF",
}

// compileCharTemplate splits a to_char template into items, as
// PostgreSQL's parser does: "quoted text" and backslash escapes are
// literal, FM and TH modify the pattern they touch, anything else that is
// not a pattern is copied.
func compileCharTemplate(t string) []charItem {
	var items []charItem
	lit := func(s string) {
		if n := len(items); n > 0 && items[n-1].pat == "" {
			items[n-1].literal += s
			return
		}
		items = append(items, charItem{literal: s})
	}
	for i := 0; i < len(t); {
		switch {
		case t[i] == '"':
			j := i + 1
			var sb strings.Builder
			for j < len(t) && t[j] != '"' {
				if t[j] == '\\' && j+1 < len(t) {
					j++
				}
				sb.WriteByte(t[j])
				j++
			}
			lit(sb.String())
			i = j + 1
			continue
		case t[i] == '\\' && i+1 < len(t) && t[i+1] == '"':
			lit(`"`) // \" is a quote; any other backslash is itself
			i += 2
			continue
		}
		// Prefixes: FM (fill mode), TM (translation: names are English
		// here) and FX (exact format, for parsing only).
		// One prefix at most, as PostgreSQL reads them.
		fm, tm := false, false
		if i+2 <= len(t) {
			switch strings.ToUpper(t[i : i+2]) {
			case "FM":
				fm = true
				i += 2
			case "TM":
				tm = true
				i += 2
			case "FX":
				i += 2
			}
			if i == len(t) {
				break // a trailing prefix modifies nothing
			}
		}
		pat := ""
		for _, p := range charPatterns {
			// PostgreSQL's keywords are case-sensitive strings, each in
			// upper and lower case ('Dd' is D then d, not DD).
			if strings.HasPrefix(t[i:], p) || (strings.ToUpper(p) == p && !caseSensitive(p) && strings.HasPrefix(t[i:], strings.ToLower(p))) {
				pat = p
				break
			}
		}
		if pat == "" {
			lit(t[i : i+1])
			i++
			continue
		}
		it := charItem{pat: strings.ToUpper(pat), fm: fm}
		switch it.pat {
		case "MONTH", "MON", "DAY", "DY":
			it.fm = it.fm || tm // translated names are not padded
		}
		if caseSensitive(pat) {
			it.pat = pat // the pattern's case is the output's
		}
		i += len(pat)
		if strings.HasPrefix(t[i:], "TH") || strings.HasPrefix(t[i:], "th") {
			it.th, it.upperTH = true, t[i] == 'T'
			i += 2
		}
		if strings.HasPrefix(strings.ToUpper(t[i:]), "SP") {
			i += 2 // spell mode: not implemented by PostgreSQL either
		}
		items = append(items, it)
	}
	return items
}

// caseSensitive patterns print in their own case (names, AM/PM, RM, TZ);
// the others match in any case (yyyy, hh24).
func caseSensitive(p string) bool {
	switch strings.ToUpper(p) {
	case "MONTH", "MON", "DAY", "DY", "AM", "PM", "A.M.", "P.M.", "AD", "BC", "A.D.", "B.C.", "RM", "TZ":
		return true
	}
	return false
}

// padded is it without FM: fractions of a second (MS, US, FF1-FF6) keep
// their leading zeros under FM, as in PostgreSQL (FMMS of 12 ms is 012).
func padded(it charItem) charItem {
	it.fm = false
	return it
}

// appendToChar formats t with a compiled template.
func appendToChar(dst []byte, t time.Time, items []charItem) []byte {
	num := func(it charItem, v, width int) {
		s := strconv.Itoa(v)
		if !it.fm {
			neg := v < 0
			if neg {
				s = s[1:]
			}
			for len(s) < width {
				s = "0" + s
			}
			if neg {
				s = "-" + s
			}
		}
		dst = append(dst, s...)
		if it.th {
			dst = append(dst, ordinal(v, it.upperTH)...)
		}
	}
	name := func(it charItem, full string, width int) {
		var s string
		switch {
		case it.pat == strings.ToUpper(it.pat):
			s = strings.ToUpper(full)
		case it.pat == strings.ToLower(it.pat):
			s = strings.ToLower(full)
		default:
			s = full
		}
		dst = append(dst, s...)
		if !it.fm {
			for k := len(s); k < width; k++ {
				dst = append(dst, ' ')
			}
		}
	}
	hour12 := func() int {
		h := t.Hour() % 12
		if h == 0 {
			h = 12
		}
		return h
	}
	isoYear, isoWeek := t.ISOWeek()
	for _, it := range items {
		if it.pat == "" {
			dst = append(dst, it.literal...)
			continue
		}
		switch it.pat {
		case "HH24":
			num(it, t.Hour(), 2)
		case "HH12", "HH":
			num(it, hour12(), 2)
		case "MI":
			num(it, t.Minute(), 2)
		case "SS":
			num(it, t.Second(), 2)
		case "SSSS", "SSSSS":
			num(it, t.Hour()*3600+t.Minute()*60+t.Second(), 0)
		case "MS":
			num(padded(it), t.Nanosecond()/1e6, 3)
		case "US":
			num(padded(it), t.Nanosecond()/1e3, 6)
		case "FF1", "FF2", "FF3", "FF4", "FF5", "FF6":
			// Tenths of a second to microseconds: the first n digits.
			n := int(it.pat[2] - '0')
			div := 1
			for range 9 - n {
				div *= 10
			}
			num(padded(it), t.Nanosecond()/div, n)
		case "AD", "BC", "ad", "bc", "A.D.", "B.C.", "a.d.", "b.c.":
			// The era: Strata's times are all of the common era.
			s := "AD"
			if t.Year() <= 0 {
				s = "BC"
			}
			if strings.Contains(it.pat, ".") {
				s = s[:1] + "." + s[1:] + "."
			}
			if strings.ToLower(it.pat) == it.pat {
				s = strings.ToLower(s)
			}
			dst = append(dst, s...)
		case "AM", "PM", "am", "pm", "A.M.", "P.M.", "a.m.", "p.m.":
			dst = append(dst, meridiem(it.pat, t.Hour() >= 12)...)
		case "Y,YYY":
			y := t.Year()
			dst = append(dst, fmt.Sprintf("%d,%03d", y/1000, y%1000)...)
		case "YYYY":
			num(it, t.Year(), 4)
		case "YYY":
			num(it, t.Year()%1000, 3)
		case "YY":
			num(it, t.Year()%100, 2)
		case "Y":
			num(it, t.Year()%10, 1)
		case "IYYY":
			num(it, isoYear, 4)
		case "IYY":
			num(it, isoYear%1000, 3)
		case "IY":
			num(it, isoYear%100, 2)
		case "I":
			num(it, isoYear%10, 1)
		case "MONTH", "Month", "month":
			name(it, t.Month().String(), 9)
		case "MON", "Mon", "mon":
			name(it, t.Month().String()[:3], 0)
		case "MM":
			num(it, int(t.Month()), 2)
		case "DAY", "Day", "day":
			name(it, t.Weekday().String(), 9)
		case "DY", "Dy", "dy":
			name(it, t.Weekday().String()[:3], 0)
		case "DDD":
			num(it, t.YearDay(), 3)
		case "DD":
			num(it, t.Day(), 2)
		case "D":
			num(it, int(t.Weekday())+1, 1)
		case "IDDD":
			num(it, (isoWeek-1)*7+(int(t.Weekday())+6)%7+1, 3)
		case "ID":
			num(it, (int(t.Weekday())+6)%7+1, 1)
		case "W":
			num(it, (t.Day()-1)/7+1, 1)
		case "WW":
			num(it, (t.YearDay()-1)/7+1, 2)
		case "IW":
			num(it, isoWeek, 2)
		case "CC":
			cc := (t.Year()-1)/100 + 1
			num(it, cc, 2)
		case "J":
			num(it, julianDay(t), 0)
		case "Q":
			num(it, (int(t.Month())-1)/3+1, 1)
		case "RM", "rm":
			dst = append(dst, romanMonth(it, int(t.Month()))...)
		case "TZ", "tz":
			z, _ := t.Zone()
			if strings.HasPrefix(z, "<") {
				if end := strings.IndexByte(z, '>'); end > 0 {
					z = z[1:end] // <+05:30>-05:30 (SET TIME ZONE 5.5): its abbreviation
				}
			}
			if it.pat == "tz" {
				z = strings.ToLower(z)
			}
			dst = append(dst, z...)
		case "TZH", "TZM", "OF":
			_, off := t.Zone()
			sign := byte('+')
			if off < 0 {
				sign, off = '-', -off
			}
			h, m := off/3600, off%3600/60
			switch it.pat {
			case "TZH":
				dst = append(dst, sign)
				dst = append(dst, fmt.Sprintf("%02d", h)...)
			case "TZM":
				dst = append(dst, fmt.Sprintf("%02d", m)...)
			default:
				dst = append(dst, sign)
				dst = append(dst, fmt.Sprintf("%02d", h)...)
				if m != 0 {
					dst = append(dst, fmt.Sprintf(":%02d", m)...)
				}
			}
		}
	}
	return dst
}

var romanMonths = []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}

// romanMonth is month m (1-12) in Roman numerals for pattern RM or rm,
// padded to four unless in fill mode.
func romanMonth(it charItem, m int) string {
	r := romanMonths[m-1]
	if it.pat == "rm" {
		r = strings.ToLower(r)
	}
	if !it.fm {
		r = fmt.Sprintf("%-4s", r)
	}
	return r
}

// meridiem is AM or PM in the spelling of pattern pat (AM, am, A.M., a.m.).
func meridiem(pat string, pm bool) string {
	s := map[bool]string{false: "AM", true: "PM"}[pm]
	if strings.Contains(pat, ".") {
		s = map[bool]string{false: "A.M.", true: "P.M."}[pm]
	}
	if strings.ToLower(pat) == pat {
		s = strings.ToLower(s)
	}
	return s
}

// ordinal is the English suffix of n (1st, 2nd, 3rd, 4th, 11th ...).
func ordinal(n int, upper bool) string {
	s := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			s = "st"
		case 2:
			s = "nd"
		case 3:
			s = "rd"
		}
	}
	if upper {
		return strings.ToUpper(s)
	}
	return s
}

// julianDay is the Julian day number of t's date.
func julianDay(t time.Time) int {
	y, m, d := t.Date()
	a := (14 - int(m)) / 12
	yy := y + 4800 - a
	mm := int(m) + 12*a - 3
	return d + (153*mm+2)/5 + 365*yy + yy/4 - yy/100 + yy/400 - 32045
}

// evalIntervalToChar is to_char(interval, template), as PostgreSQL formats
// an interval: its fields as they are held (years and months from the
// months, days, then hours, minutes, seconds and microseconds of the time,
// each with the sign of its part; hours are not folded into days), the day
// of year standing for the span in days (30-day months). Patterns tied to
// calendar dates (names of months and days, weekdays, eras, time zones)
// are errors.
func evalIntervalToChar(args []arg, n int) (arrow.Array, error) {
	return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
		if v[1].(string) == "" {
			return nil, nil
		}
		return intervalToChar(v[0].(arrow.MonthDayNanoInterval), compileCharTemplate(v[1].(string)))
	})
}

// errIntervalPattern is PostgreSQL's error for a calendar pattern applied
// to an interval.
var errIntervalPattern = errors.New("invalid format specification for an interval value")

func intervalToChar(iv arrow.MonthDayNanoInterval, items []charItem) (string, error) {
	year, mon, mday := int64(iv.Months/12), int64(iv.Months%12), int64(iv.Days)
	t := iv.Nanoseconds / 1e3 // microseconds, as PostgreSQL holds them
	hour := t / 3600e6
	t -= hour * 3600e6
	min := t / 60e6
	t -= min * 60e6
	sec := t / 1e6
	usec := t - sec*1e6
	yday := (year*12+mon)*30 + mday
	var dst []byte
	// cnumW writes v as C's %0*d: zero-padded to width including the sign
	// (no padding in fill mode).
	cnumW := func(it charItem, v, width int64) {
		if it.fm {
			width = 0
		}
		s := strconv.FormatInt(v, 10)
		neg := v < 0
		if neg {
			s = s[1:]
		}
		pad := int(width) - len(s)
		if neg {
			pad--
			dst = append(dst, '-')
		}
		for ; pad > 0; pad-- {
			dst = append(dst, '0')
		}
		dst = append(dst, s...)
		if it.th {
			dst = append(dst, ordinal(int(max(v, -v)), it.upperTH)...)
		}
	}
	// cnum pads to width, or negWidth for a negative value.
	cnum := func(it charItem, v, width, negWidth int64) {
		if v < 0 {
			width = negWidth
		}
		cnumW(it, v, width)
	}
	// byYear is width, or negWidth when the interval's years are negative
	// (PostgreSQL sizes the ISO year fields by the years).
	byYear := func(width, negWidth int64) int64 {
		if year < 0 {
			return negWidth
		}
		return width
	}
	for _, it := range items {
		if it.pat == "" {
			dst = append(dst, it.literal...)
			continue
		}
		switch it.pat {
		case "HH24":
			cnum(it, hour, 2, 3)
		case "HH12", "HH":
			h := hour % 12
			if h == 0 {
				h = 12
			}
			w := int64(2)
			if hour < 0 {
				w = 3 // sized by the hours, as PostgreSQL does
			}
			cnumW(it, h, w)
		case "MI":
			cnum(it, min, 2, 3)
		case "SS":
			cnum(it, sec, 2, 3)
		case "SSSS", "SSSSS":
			cnum(it, hour*3600+min*60+sec, 0, 0)
		case "MS":
			cnum(padded(it), usec/1000, 3, 3)
		case "US":
			cnum(padded(it), usec, 6, 6)
		case "FF1", "FF2", "FF3", "FF4", "FF5", "FF6":
			digits := int64(it.pat[2] - '0')
			div := int64(1)
			for range 6 - digits {
				div *= 10
			}
			cnum(padded(it), usec/div, digits, digits)
		case "AM", "PM", "am", "pm", "A.M.", "P.M.", "a.m.", "p.m.":
			dst = append(dst, meridiem(it.pat, hour%24 >= 12)...)
		case "Y,YYY":
			dst = append(dst, fmt.Sprintf("%d,%03d", year/1000, year-year/1000*1000)...)
		case "YYYY":
			cnum(it, year, 4, 5)
		case "YYY":
			cnum(it, year%1000, 3, 4)
		case "YY":
			cnum(it, year%100, 2, 3)
		case "Y":
			cnum(it, year%10, 1, 2)
		case "MM":
			cnum(it, mon, 2, 3)
		case "DDD":
			cnum(it, yday, 3, 3)
		case "DD":
			cnum(it, mday, 2, 2)
		case "W":
			cnum(it, (mday-1)/7+1, 0, 0)
		case "WW":
			cnum(it, (yday-1)/7+1, 2, 2)
		case "CC":
			cnum(it, year/100, 2, 3)
		case "Q":
			if mon != 0 {
				cnum(it, (mon-1)/3+1, 0, 0)
			}
		// The ISO and Julian patterns read the fields as a date, as
		// PostgreSQL's do (meaningless for a span, but what it prints).
		case "IW":
			cnum(it, isoWeekOf(year, mon, mday), 2, 2)
		case "IDDD":
			cnum(it, julianOf(year, mon, mday)-isoWeekStart(isoYearOf(year, mon, mday), 1)+1, 3, 3)
		case "IYYY":
			cnumW(it, isoYearOf(year, mon, mday), byYear(4, 5))
		case "IYY":
			cnumW(it, isoYearOf(year, mon, mday)%1000, byYear(3, 4))
		case "IY":
			cnumW(it, isoYearOf(year, mon, mday)%100, byYear(2, 3))
		case "I":
			cnumW(it, isoYearOf(year, mon, mday)%10, byYear(1, 2))
		case "J":
			cnum(it, julianOf(year, mon, mday), 0, 0)
		case "RM", "rm":
			if mon == 0 && year == 0 {
				break
			}
			// PostgreSQL's Roman months of a span: whole years are XII
			// (or I), negative months count back from December.
			var k int64
			switch {
			case mon == 0 && year >= 0:
				k = 12
			case mon == 0:
				k = 1
			case mon < 0:
				k = 13 + mon
			default:
				k = mon
			}
			dst = append(dst, romanMonth(it, int(k))...)
		default:
			// Month and day names, weekdays, eras, time zones.
			return "", errIntervalPattern
		}
	}
	return string(dst), nil
}

// julianOf is PostgreSQL's date2j: the Julian day of year-month-day, for
// any values (C's truncating division).
func julianOf(year, month, day int64) int64 {
	if month > 2 {
		month++
		year += 4800
	} else {
		month += 13
		year += 4799
	}
	century := year / 100
	j := year*365 - 32167
	j += year/4 - century + century/4
	return j + 7834*month/256 + day
}

// weekdayOf is PostgreSQL's j2day: 0 for Sunday.
func weekdayOf(j int64) int64 {
	d := (j + 1) % 7
	if d < 0 {
		d += 7
	}
	return d
}

// isoWeekStart is PostgreSQL's isoweek2j: the Julian day of the Monday
// starting ISO week week of year.
func isoWeekStart(year, week int64) int64 {
	day4 := julianOf(year, 1, 4)
	return (week-1)*7 + day4 - weekdayOf(day4-1)
}

// isoWeekOf and isoYearOf are PostgreSQL's date2isoweek and date2isoyear.
func isoWeekOf(year, mon, mday int64) int64 {
	w, _ := isoWeekYear(year, mon, mday)
	return w
}

func isoYearOf(year, mon, mday int64) int64 {
	_, y := isoWeekYear(year, mon, mday)
	return y
}

func isoWeekYear(year, mon, mday int64) (week, isoYear int64) {
	dayn := julianOf(year, mon, mday)
	day4 := julianOf(year, 1, 4)
	day0 := weekdayOf(day4 - 1)
	isoYear = year
	if dayn < day4-day0 {
		day4 = julianOf(year-1, 1, 4)
		day0 = weekdayOf(day4 - 1)
		isoYear--
	}
	week = (dayn-(day4-day0))/7 + 1
	if week >= 52 {
		day4 = julianOf(isoYear+1, 1, 4)
		day0 = weekdayOf(day4 - 1)
		if dayn >= day4-day0 {
			week = (dayn-(day4-day0))/7 + 1
			isoYear++
		}
	}
	return week, isoYear
}
