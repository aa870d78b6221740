package exec

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// to_char(number, template): PostgreSQL's number formatting for the
// template patterns 9 0 . D , G FM S MI PL SG PR L (the C locale's
// currency symbol, a blank) TH th V (shift by ten to the power of the
// digits after it) B (no effect) and literal text ("quoted" or any other
// character), and RN (Roman numerals) and EEEE (scientific notation),
// which make the whole output. Digit positions before the point
// print blanks for leading zeros until the first 0 position; a number
// with more integer digits than positions prints # in every one; the
// value is rounded half away from zero to the positions after the point.
// Without S, MI, SG or PR a sign slot precedes the number: blank, or a
// minus right before the first printed character. FM drops the padding
// blanks and the trailing zeros of 9 positions after the point. TH adds
// the integer's ordinal suffix, but not to a negative number, one that
// overflows or a template with a point.

func init() {
	register("__to_char_numeric", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeText, want(args, "numeric", "text") },
		eval:    func(c *Ctx, args []arg, n int) (arrow.Array, error) { return evalNumToChar(c, args, n, true) },
	})
}

// evalNumToChar is to_char(number, template): of a numeric (decimal
// rounding) or of a float8 (binary rounding, as printf).
func evalNumToChar(c *Ctx, args []arg, n int, numeric bool) (arrow.Array, error) {
	var last string
	var nt *numTemplate
	return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
		t := v[1].(string)
		if nt == nil || t != last {
			var err error
			if nt, err = compileNumTemplate(t); err != nil {
				return nil, err
			}
			last = t
		}
		return nt.format(v[0], numeric), nil
	})
}

// numItem is one element of a number template.
type numItem struct {
	kind byte   // '9', '0', '.', ',', 'S', 'M' (MI), 'P' (PL), 'G' (SG), 'R' (PR), 'L' (literal), 'T' (TH, th)
	text string // literal text
}

// numTemplate is a compiled number template.
type numTemplate struct {
	items     []numItem
	fm        bool
	pre, post int  // digit positions before and after the point
	point     bool // the template has a decimal point
	zeroFrom  int  // first integer position printed even when a leading zero (pre: none)
	sign      byte // 'S', 'M', 'G', 'R' or 0 (the default sign slot); PL keeps the slot
	sBefore   bool // S comes before the digits: the sign is anchored to the number
	multi     int  // digit positions after V: the value is shifted by 10^multi
	v         bool // the template has V
	eeee      bool // scientific notation (EEEE)
	roman     byte // 'R' or 'r' for RN or rn, else 0
	other     bool // a pattern EEEE does not go with (all but digits and the point)
}

func compileNumTemplate(t string) (*numTemplate, error) {
	nt := &numTemplate{}
	nt.zeroFrom = -1
	lit := func(s string) { nt.items = append(nt.items, numItem{kind: 'L', text: s}) }
	for i := 0; i < len(t); {
		rest := strings.ToUpper(t[i:])
		if nt.eeee && numPattern(rest) {
			return nil, fmt.Errorf("\"EEEE\" must be the last pattern used")
		}
		if strings.HasPrefix(rest, "FM") || strings.HasPrefix(rest, "PR") || strings.HasPrefix(rest, "MI") || strings.HasPrefix(rest, "PL") ||
			strings.HasPrefix(rest, "RN") || rest[0] == 'S' || rest[0] == 'V' || rest[0] == 'B' {
			nt.other = true // what PostgreSQL refuses beside EEEE
		}
		switch {
		case strings.HasPrefix(rest, "FM"):
			nt.fm = true
			i += 2
		case strings.HasPrefix(rest, "EEEE"):
			if nt.other || nt.roman != 0 || nt.v {
				return nil, fmt.Errorf("\"EEEE\" is incompatible with other formats")
			}
			nt.eeee = true
			i += 4
		case strings.HasPrefix(rest, "RN"):
			nt.roman = t[i]
			i += 2
		case strings.HasPrefix(rest, "TH"):
			nt.items = append(nt.items, numItem{kind: 'T', text: t[i : i+2]})
			i += 2
		case rest[0] == 'V':
			if nt.point {
				return nil, fmt.Errorf("cannot use \"V\" and decimal point together")
			}
			nt.v = true
			i++
		case rest[0] == 'L':
			lit(" ") // the C locale's currency symbol
			i++
		case rest[0] == 'B':
			i++
		case t[i] == '9' || t[i] == '0':
			if nt.v && t[i] == '9' {
				nt.multi++ // a 0 after V is a position, not a shift (999V00 of 123 is 123)
			}
			if !nt.point {
				if t[i] == '0' && nt.zeroFrom < 0 {
					nt.zeroFrom = nt.pre
				}
				nt.pre++
			} else {
				nt.post++
			}
			nt.items = append(nt.items, numItem{kind: t[i]})
			i++
		case t[i] == '.' || rest[0] == 'D':
			if nt.point {
				return nil, fmt.Errorf("multiple decimal points")
			}
			if nt.v {
				return nil, fmt.Errorf("cannot use \"V\" and decimal point together")
			}
			nt.point = true
			nt.items = append(nt.items, numItem{kind: '.'})
			i++
		case t[i] == ',' || rest[0] == 'G':
			nt.items = append(nt.items, numItem{kind: ','})
			i++
		case strings.HasPrefix(rest, "MI"), strings.HasPrefix(rest, "PL"), strings.HasPrefix(rest, "SG"), strings.HasPrefix(rest, "PR"):
			k := map[string]byte{"MI": 'M', "PL": 'P', "SG": 'G', "PR": 'R'}[rest[:2]]
			if k != 'P' {
				if nt.sign != 0 {
					return nil, fmt.Errorf("cannot use %q and another sign pattern together", rest[:2])
				}
				nt.sign = k
			}
			nt.items = append(nt.items, numItem{kind: k})
			i += 2
		case rest[0] == 'S':
			if nt.sign != 0 {
				return nil, fmt.Errorf("cannot use \"S\" twice or with another sign pattern")
			}
			nt.sign, nt.sBefore = 'S', nt.pre+nt.post == 0 && !nt.point
			nt.items = append(nt.items, numItem{kind: 'S'})
			i++
		case t[i] == '"':
			j := strings.IndexByte(t[i+1:], '"')
			if j < 0 {
				lit(t[i+1:])
				i = len(t)
				break
			}
			lit(t[i+1 : i+1+j])
			i += j + 2
		case t[i] == '\\' && i+1 < len(t):
			lit(t[i+1 : i+2])
			i += 2
		default:
			lit(t[i : i+1])
			i++
		}
	}
	if nt.zeroFrom < 0 {
		nt.zeroFrom = nt.pre
	}
	return nt, nil
}

// format writes v (int64 or float64) by the template: an integer exactly;
// a numeric rounded half away from zero on its decimal value (shortest
// digits, then zeros: no binary noise; a negative one rounding to zero
// loses its sign); a float8 rounded as printf rounds the binary value, to
// 15 significant digits as PostgreSQL (DBL_DIG: further positions after
// the point print nothing), keeping its sign (-0.0001 is -.00 under 9.99).
func (nt *numTemplate) format(v any, numeric bool) string {
	switch {
	case nt.roman != 0:
		return nt.romanText(v, numeric)
	case nt.eeee:
		return nt.scientific(v, numeric)
	case nt.multi > 0:
		v = shiftDecimal(v, nt.multi, numeric)
	}
	var neg bool
	var intStr, frac string
	printable := nt.post // positions after the point that print a digit
	switch x := v.(type) {
	case int64:
		neg = x < 0
		intStr, frac = strconv.FormatUint(absU64(x), 10), strings.Repeat("0", nt.post)
	default:
		f := toFloat(v)
		switch {
		case math.IsNaN(f):
			if nt.pre+nt.post < 3 {
				return nt.format(math.Inf(1), false) // no room: #s
			}
			if nt.fm {
				return "NaN"
			}
			return " NaN"
		case numeric:
			neg = f < 0
			digits := strconv.FormatFloat(RoundDecimal(math.Abs(f), int64(nt.post)), 'f', -1, 64)
			intStr, frac, _ = strings.Cut(digits, ".")
			frac = (frac + strings.Repeat("0", nt.post))[:nt.post]
			if neg && strings.Trim(intStr+frac, "0") == "" {
				neg = false
			}
		default:
			neg = f < 0 || math.Signbit(f)
			whole := len(strconv.FormatFloat(math.Abs(f), 'f', 0, 64))
			printable = min(nt.post, max(0, 15-whole))
			digits := strconv.FormatFloat(math.Abs(f), 'f', printable, 64)
			intStr, frac, _ = strings.Cut(digits, ".")
			frac += strings.Repeat("0", nt.post-len(frac))
		}
	}
	if intStr == "0" && (nt.point || nt.post > 0) {
		intStr = "" // 0.5 is .50 under 9.99
	}
	overflow := len(intStr) > nt.pre || nt.pre == 0 && nt.post > 0 || intStr == "+Inf"
	// FM drops the trailing zeros of the 9 positions after the point.
	keep := nt.post
	if nt.fm && !overflow {
		k := nt.post
		for j := len(nt.items) - 1; j >= 0 && k > 0; j-- {
			it := nt.items[j]
			if it.kind != '9' && it.kind != '0' {
				continue
			}
			if it.kind == '0' || frac[k-1] != '0' {
				break
			}
			k--
		}
		keep = k
	}
	var b strings.Builder
	started := false // a digit (or the point) of the number has been written
	pos, fpos := 0, 0
	pending := 0 // padding blanks not yet written
	// The floating sign: the default slot, PR's <, or an S before the
	// digits, written right before the number's first character.
	floating, floatSign := false, ""
	switch {
	case nt.pre+nt.post == 0: // only text: no number, no sign
	case nt.sign == 0 || nt.sign == 'R':
		floating = true
		switch {
		case neg && nt.sign == 'R':
			floatSign = "<"
		case neg:
			floatSign = "-"
		case !nt.fm:
			floatSign = " "
		}
	case nt.sign == 'S' && nt.sBefore:
		floating, floatSign = true, "+-"[b2i(neg):b2i(neg)+1]
	}
	flush := func() {
		b.WriteString(strings.Repeat(" ", pending))
		pending = 0
	}
	start := func() {
		if started {
			return
		}
		started = true
		flush()
		if floating {
			b.WriteString(floatSign)
		}
	}
	blank := func() {
		if !nt.fm {
			pending++
		}
	}
	anyDigit := !overflow && (strings.Trim(intStr, "0") != "" || nt.zeroFrom < nt.pre || keep > 0)
	for _, it := range nt.items {
		switch it.kind {
		case '9', '0':
			if fpos < nt.post && pos >= nt.pre { // after the point
				if fpos < keep && (fpos < printable || overflow) {
					start()
					if overflow {
						b.WriteByte('#')
					} else {
						b.WriteByte(frac[fpos])
					}
				}
				fpos++
				continue
			}
			d := pos - (nt.pre - len(intStr))
			pos++
			switch {
			case overflow:
				start()
				b.WriteByte('#')
			case d >= 0:
				start()
				b.WriteByte(intStr[d])
			case pos-1 >= nt.zeroFrom:
				start()
				b.WriteByte('0')
			default:
				blank()
			}
		case '.':
			if nt.post == 0 {
				continue // 9. prints no point
			}
			if !started {
				start()
				if nt.fm && !anyDigit && !overflow {
					b.WriteByte('0') // FM never leaves a number without digits
				}
			}
			b.WriteByte('.')
		case ',':
			if started {
				b.WriteByte(',')
			} else {
				blank()
			}
		case 'S':
			if !nt.sBefore {
				flush()
				b.WriteByte("+-"[b2i(neg)])
			}
		case 'M':
			flush()
			if neg {
				b.WriteByte('-')
			} else if !nt.fm {
				b.WriteByte(' ')
			}
		case 'P':
			flush()
			if !neg {
				b.WriteByte('+')
			} else if !nt.fm {
				b.WriteByte(' ')
			}
		case 'G':
			flush()
			b.WriteByte("+-"[b2i(neg)])
		case 'R':
			flush()
			if neg {
				b.WriteByte('>')
			} else if !nt.fm {
				b.WriteByte(' ')
			}
		case 'L':
			flush()
			b.WriteString(it.text)
		case 'T':
			if !neg && !nt.point && !overflow {
				n, _ := strconv.Atoi(intStr[max(0, len(intStr)-2):])
				b.WriteString(ordinal(n, it.text == "TH"))
			}
		}
	}
	start()
	flush()
	return b.String()
}

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}

// numPattern reports whether rest (upper case) starts with a template
// pattern rather than literal text.
func numPattern(rest string) bool {
	for _, p := range []string{"FM", "EEEE", "RN", "TH", "MI", "PL", "SG", "PR"} {
		if strings.HasPrefix(rest, p) {
			return true
		}
	}
	return strings.IndexByte("90.,DGSLVB", rest[0]) >= 0
}

// shiftDecimal is v times 10^k (V's shift): a numeric by moving its
// decimal digits (12.45 is 124.5, not float8's 124.49999999999999), an
// integer exactly when it stays one.
func shiftDecimal(v any, k int, numeric bool) any {
	if x, ok := v.(int64); ok {
		p := int64(1)
		for range k {
			p *= 10
		}
		if r := x * p; r/p == x {
			return r
		}
		return float64(x) * math.Pow10(k)
	}
	f := toFloat(v)
	if !numeric || math.IsNaN(f) || math.IsInf(f, 0) {
		return f * math.Pow10(k)
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
	e, err := strconv.Atoi(exp)
	if err != nil {
		return f * math.Pow10(k)
	}
	r, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(e+k), 64)
	if err != nil {
		return f * math.Pow10(k)
	}
	return r
}

// romanText is RN (rn: lower case): the value rounded to an integer (a
// numeric half away from zero, a float8 half to even) in Roman numerals,
// right-aligned in 15 characters (FM: not padded); 15 #s outside 1-3999.
func (nt *numTemplate) romanText(v any, numeric bool) string {
	var n float64
	switch x := v.(type) {
	case int64:
		n = float64(x)
	default:
		n = toFloat(v)
		if numeric {
			n = RoundDecimal(n, 0)
		} else {
			n = math.RoundToEven(n)
		}
	}
	if !(n >= 1 && n <= 3999) {
		return strings.Repeat("#", 15)
	}
	r := roman(int(n))
	if nt.roman == 'r' {
		r = strings.ToLower(r)
	}
	if nt.fm {
		return r
	}
	return fmt.Sprintf("%15s", r)
}

func roman(n int) string {
	var b strings.Builder
	for _, d := range []struct {
		v int
		s string
	}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for n >= d.v {
			b.WriteString(d.s)
			n -= d.v
		}
	}
	return b.String()
}

// scientific is EEEE: one digit, the template's digits after the point
// and the exponent of at least two digits, after a sign slot (blank or
// -). A float8 rounds as printf's %e; a numeric half away from zero on
// its decimal digits, keeping the exponent of the unrounded value as
// PostgreSQL does (9.999 under 9.99EEEE is 10.00e+00). NaN and infinity
// are #s.
func (nt *numTemplate) scientific(v any, numeric bool) string {
	f := toFloat(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return " #." + strings.Repeat("#", nt.post+4)
	}
	sign := " "
	if f < 0 || f == 0 && math.Signbit(f) && !numeric {
		sign = "-"
	}
	f = math.Abs(f)
	_, isInt := v.(int64)
	if !numeric && !isInt || f == 0 {
		// float8's %e. Integers take the numeric path, as PostgreSQL
		// formats bigint (Strata's integers) through numeric; it formats
		// int4 through float8 (25 under 9EEEE: 2e+01 there, 3e+01 here).
		return sign + strconv.FormatFloat(f, 'e', nt.post, 64)
	}
	// The shortest decimal digits, d.ddd...e±x; the mantissa rounded.
	mant, x, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
	exp, _ := strconv.Atoi(x)
	m, _ := strconv.ParseFloat(mant, 64)
	m = RoundDecimal(m, int64(nt.post))
	es := "+"
	if exp < 0 {
		es, exp = "-", -exp
	}
	return fmt.Sprintf("%s%.*fe%s%02d", sign, nt.post, m, es, exp)
}
