package exec

import (
	"strconv"
	"strings"
	"time"
)

// monthNames are the months PostgreSQL reads in dates, by their first
// three letters.
var monthNames = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

var weekdayNames = map[string]bool{"mon": true, "tue": true, "wed": true, "thu": true, "fri": true, "sat": true, "sun": true}

// parseLoose reads the timestamp spellings PostgreSQL accepts beside ISO
// 8601, with DateStyle MDY: 01/02/2016 and 01-02-2016 (month first),
// 2016/01/02 and 2016.01.02, 20160102[T120000], Jan 2 2016, 2 Jan 2016,
// 16-Feb-2016, January 2, 2016, a leading weekday, 1:02:03 PM, one-digit
// fields (2016-1-2 3:4:5), and a zone after the time. ok is false when s
// is none of these.
func parseLoose(s string) (tsParts, bool) {
	var p tsParts
	year, month, day := -1, -1, -1
	haveTime, ampm := false, ""
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	for i := 0; i < len(words); i++ {
		w := words[i]
		lw := strings.ToLower(w)
		switch {
		case lw == "am" || lw == "pm" || lw == "a.m." || lw == "p.m.":
			if !haveTime || ampm != "" {
				return p, false
			}
			ampm = lw[:1]
		case isAlpha(w) && len(w) >= 3 && monthNames[lw[:3]] != 0 && month < 0 && strings.HasPrefix(longMonth(lw[:3]), lw):
			month = monthNames[lw[:3]]
		case isAlpha(w) && len(w) >= 3 && weekdayNames[lw[:3]]:
			// The day of the week adds nothing.
		case strings.ContainsRune(w, ':') && !haveTime && (w[0] >= '0' && w[0] <= '9'):
			rest, ok := p.clock(w)
			if !ok {
				return p, false
			}
			haveTime = true
			if lr := strings.ToLower(rest); lr == "am" || lr == "pm" || lr == "a.m." || lr == "p.m." {
				ampm, rest = lr[:1], "" // 12:14:15am
			}
			if rest != "" {
				z, err := readZone(rest, s)
				if err != nil {
					return p, false
				}
				p.zone = z
			}
		case year < 0 && month < 0 && day < 0 && isDateWithSeparators(w):
			y, m, d, ok := splitDate(w)
			if !ok {
				return p, false
			}
			year, month, day = y, m, d
		case isDigits(w) && len(w) == 8 && year < 0:
			year, _ = strconv.Atoi(w[:4])
			month, _ = strconv.Atoi(w[4:6])
			day, _ = strconv.Atoi(w[6:])
		case len(w) > 9 && isDigits(w[:8]) && (w[8] == 'T' || w[8] == 't') && year < 0:
			year, _ = strconv.Atoi(w[:4])
			month, _ = strconv.Atoi(w[4:6])
			day, _ = strconv.Atoi(w[6:8])
			if !p.compactClock(w[9:]) {
				return p, false
			}
			haveTime = true
		case isDigits(w) && len(w) == 6 && year >= 0 && !haveTime:
			if !p.compactClock(w) {
				return p, false
			}
			haveTime = true
		case isDigits(w) && len(w) == 4 && year < 0:
			year, _ = strconv.Atoi(w)
		case isDigits(w) && len(w) <= 2 && day < 0:
			day, _ = strconv.Atoi(w)
		case isDigits(w) && len(w) == 2 && day >= 0 && month >= 0 && year < 0:
			// A two-digit year after the day and month (5 Mar 16), as
			// PostgreSQL reads it: 70-99 are 1970-1999, 00-69 2000-2069.
			year, _ = strconv.Atoi(w)
			year = twoDigitYear(year)
		case (w[0] == '+' || w[0] == '-') && haveTime && p.zone == nil, isAlpha(strings.ReplaceAll(w, "/", "")) && haveTime && p.zone == nil:
			z, err := readZone(w, s)
			if err != nil {
				return p, false
			}
			p.zone = z
		default:
			return p, false
		}
	}
	if year < 0 || month < 0 || day < 0 {
		return p, false
	}
	if ampm != "" {
		if p.hh > 12 { // 0 is taken too: 0:14am, 0:14pm (12:14), as PostgreSQL
			return p, false
		}
		if ampm == "a" && p.hh == 12 {
			p.hh = 0
		} else if ampm == "p" && p.hh != 12 {
			p.hh += 12
		}
	}
	p.year, p.month, p.day = year, month, day
	return p, true
}

// twoDigitYear completes a year written with two digits as PostgreSQL's
// date input does: 70-99 are 1970-1999, 00-69 2000-2069.
func twoDigitYear(y int) int {
	if y < 70 {
		return y + 2000
	}
	return y + 1900
}

// monthByName reads a month's name, whole or from its first three letters
// on (Jul, July, Sept).
func monthByName(w string) (int, bool) {
	lw := strings.ToLower(w)
	if len(lw) < 3 || !isAlpha(lw) || monthNames[lw[:3]] == 0 || !strings.HasPrefix(longMonth(lw[:3]), lw) {
		return 0, false
	}
	return monthNames[lw[:3]], true
}

func longMonth(abbr string) string {
	return strings.ToLower(time.Month(monthNames[abbr]).String())
}

// clock reads h[h]:m[m][:s[s][.frac]] at the start of w and returns what
// follows (a zone such as +05:30 or Z).
func (p *tsParts) clock(w string) (rest string, ok bool) {
	nums := [3]int{}
	i, k := 0, 0
	for k < 3 {
		j := i
		for j < len(w) && w[j] >= '0' && w[j] <= '9' {
			j++
		}
		if j == i || j-i > 2 {
			return "", false
		}
		nums[k], _ = strconv.Atoi(w[i:j])
		k++
		i = j
		if i < len(w) && w[i] == ':' && k < 3 {
			i++
			continue
		}
		break
	}
	if k < 2 {
		return "", false
	}
	p.hh, p.mm, p.ss = nums[0], nums[1], nums[2]
	if i < len(w) && w[i] == '.' && k == 3 {
		j := i + 1
		for j < len(w) && w[j] >= '0' && w[j] <= '9' {
			j++
		}
		frac := w[i+1 : j]
		if len(frac) > 9 {
			frac = frac[:9]
		}
		p.nanos, _ = strconv.Atoi(frac + strings.Repeat("0", 9-len(frac)))
		i = j
	}
	return w[i:], true
}

// compactClock reads HHMM[SS] (20160102T120000's time).
func (p *tsParts) compactClock(w string) bool {
	if !isDigits(w) || len(w) != 4 && len(w) != 6 {
		return false
	}
	p.hh, _ = strconv.Atoi(w[:2])
	p.mm, _ = strconv.Atoi(w[2:4])
	if len(w) == 6 {
		p.ss, _ = strconv.Atoi(w[4:])
	}
	return true
}

// isDateWithSeparators reports a[-/.]b[-/.]c with one separator kind.
func isDateWithSeparators(w string) bool {
	for _, sep := range "-/." {
		if strings.Count(w, string(sep)) == 2 {
			return true
		}
	}
	return false
}

// splitDate reads 2016-1-2, 2016/01/02, 2016.01.02 (year first), 01/02/2016
// and 01-02-2016 (month first: DateStyle MDY), 16-Feb-2016, Feb-16-2016 and
// 2016-Feb-16.
func splitDate(w string) (y, m, d int, ok bool) {
	var parts []string
	for _, sep := range "-/." {
		if strings.Count(w, string(sep)) == 2 {
			parts = strings.Split(w, string(sep))
			break
		}
	}
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return 0, 0, 0, false
	}
	if mo, isName := monthByName(parts[1]); isName && isDigits(parts[0]) && isDigits(parts[2]) {
		if len(parts[0]) == 4 { // 2016-Jul-01
			y, _ = strconv.Atoi(parts[0])
			d, _ = strconv.Atoi(parts[2])
			return y, mo, d, len(parts[2]) <= 2
		}
		d, _ = strconv.Atoi(parts[0]) // 01-Jul-2016
		y, _ = strconv.Atoi(parts[2])
		return y, mo, d, len(parts[2]) == 4
	}
	if mo, isName := monthByName(parts[0]); isName && isDigits(parts[1]) && isDigits(parts[2]) {
		d, _ = strconv.Atoi(parts[1]) // Jul-01-2016, Jul-01-16
		y, _ = strconv.Atoi(parts[2])
		if len(parts[2]) == 2 {
			y = twoDigitYear(y)
		}
		return y, mo, d, len(parts[1]) <= 2 && (len(parts[2]) == 4 || len(parts[2]) == 2)
	}
	for _, p := range parts {
		if !isDigits(p) {
			return 0, 0, 0, false
		}
	}
	a, _ := strconv.Atoi(parts[0])
	b, _ := strconv.Atoi(parts[1])
	c, _ := strconv.Atoi(parts[2])
	switch {
	case len(parts[0]) == 4:
		return a, b, c, len(parts[1]) <= 2 && len(parts[2]) <= 2
	case len(parts[2]) == 4:
		return c, a, b, len(parts[0]) <= 2 && len(parts[1]) <= 2
	}
	return 0, 0, 0, false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isAlpha(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
