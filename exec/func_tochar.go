package exec

import (
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
		return TypeText, want(args, "timestamptz", "text")
	}, eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
		if id := args[0].dt.ID(); id == arrow.INT64 || id == arrow.FLOAT64 {
			return evalNumToChar(c, args, n, false)
		}
		return evalToChar(c, args, n)
	}})
}

// evalToChar formats timestamps in the session's time zone with a
// PostgreSQL template; the template is compiled once per batch when it is
// constant.
func evalToChar(c *Ctx, args []arg, n int) (arrow.Array, error) {
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
		if valid != nil && !bitSet(valid, i) {
			b.AppendNull()
			continue
		}
		buf = appendToChar(buf[:0], time.Unix(0, v).In(c.Location), tmpl)
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
			num(it, t.Nanosecond()/1e6, 3)
		case "US":
			num(it, t.Nanosecond()/1e3, 6)
		case "FF1", "FF2", "FF3", "FF4", "FF5", "FF6":
			// Tenths of a second to microseconds: the first n digits.
			n := int(it.pat[2] - '0')
			div := 1
			for range 9 - n {
				div *= 10
			}
			num(it, t.Nanosecond()/div, n)
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
			pm := t.Hour() >= 12
			s := map[bool]string{false: "AM", true: "PM"}[pm]
			if strings.Contains(it.pat, ".") {
				s = map[bool]string{false: "A.M.", true: "P.M."}[pm]
			}
			if strings.ToLower(it.pat) == it.pat {
				s = strings.ToLower(s)
			}
			dst = append(dst, s...)
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
			r := romanMonths[t.Month()-1]
			if it.pat == "rm" {
				r = strings.ToLower(r)
			}
			if !it.fm {
				r = fmt.Sprintf("%-4s", r)
			}
			dst = append(dst, r...)
		case "TZ", "tz":
			z, _ := t.Zone()
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
