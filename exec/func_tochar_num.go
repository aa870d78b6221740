package exec

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// to_char(number, template): PostgreSQL's number formatting for the
// template patterns 9 0 . D , G FM S MI PL SG PR and literal text
// ("quoted" or any other character). Digit positions before the point
// print blanks for leading zeros until the first 0 position; a number
// with more integer digits than positions prints # in every one; the
// value is rounded half away from zero to the positions after the point.
// Without S, MI, SG or PR a sign slot precedes the number: blank, or a
// minus right before the first printed character. FM drops the padding
// blanks and the trailing zeros of 9 positions after the point. EEEE, RN,
// TH, V, L and B are refused.

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
	kind byte   // '9', '0', '.', ',', 'S', 'M' (MI), 'P' (PL), 'G' (SG), 'R' (PR), 'L' (literal)
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
}

func compileNumTemplate(t string) (*numTemplate, error) {
	nt := &numTemplate{}
	nt.zeroFrom = -1
	lit := func(s string) { nt.items = append(nt.items, numItem{kind: 'L', text: s}) }
	for i := 0; i < len(t); {
		rest := strings.ToUpper(t[i:])
		switch {
		case strings.HasPrefix(rest, "FM"):
			nt.fm = true
			i += 2
		case t[i] == '9' || t[i] == '0':
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
		case strings.HasPrefix(rest, "EEEE"), strings.HasPrefix(rest, "RN"), strings.HasPrefix(rest, "TH"),
			rest[0] == 'V', rest[0] == 'L', rest[0] == 'B':
			return nil, fmt.Errorf("number format pattern %q is not supported in to_char", t[i:i+1])
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
