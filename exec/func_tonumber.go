package exec

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
)

// to_number(text, template): PostgreSQL's reading of a number with a
// to_char template. The template's items are taken in turn, each reading
// at most one character of the text:
//   - a digit position (9 or 0), or the point (. or D), first skips one
//     blank, then reads a leading sign (- or +, < with PR) if no digit has
//     been read, then a digit (up to the template's places after the
//     point) or, when the template has a point, the point; a character
//     that is none of these is passed over;
//   - a group separator (, or G) passes over a comma, and over nothing
//     when the text has none there (or with FM);
//   - MI, PL, SG read a sign after the digits, as does a digit position
//     past the text's last digit; with S, a sign right after any digit
//     is read with it; PR reads a closing >;
//   - L passes over one character that is not a digit (the currency);
//   - any other template text passes over as many characters;
//   - V divides the result by ten for each digit position after it.
//
// The integer digits read must fit the template's positions before the
// point (else 22003 numeric field overflow, as PostgreSQL's numeric
// typmod check); a text with no digit is 22P02. EEEE and RN are refused
// for input, as in PostgreSQL.

func init() {
	register("to_number", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeFloat, want(args, "text", "text") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			var last string
			var tmpl *numInTemplate
			return rowwise(TypeFloat, n, args, true, func(v []any) (any, error) {
				t := v[1].(string)
				if tmpl == nil || t != last {
					var err error
					if tmpl, err = compileNumInput(t); err != nil {
						return nil, err
					}
					last = t
				}
				if len(tmpl.items) == 0 {
					return nil, nil // an empty template: NULL, as PostgreSQL
				}
				return tmpl.read(v[0].(string))
			})
		},
	})
}

// numInItem is one item of a template read by to_number.
type numInItem struct {
	kind byte // '9' (a digit position), '.', ',', 'S' (MI, PL, SG), 'R' (PR), 'L', 'x' (text)
	n    int  // text: characters to pass over
}

// numInTemplate is a template compiled for to_number.
type numInTemplate struct {
	items    []numInItem
	fm       bool // FM: group separators read nothing
	brackets bool // PR: < is a minus
	sign     byte // 'S' when the template has S (a sign read beside the digits), 'M' when MI, PL or SG
	point    bool // the template has a point
	pre      int  // digit positions before the point (V's included)
	post     int  // digit positions after the point
	multi    int  // 9s after V: the result is divided by 10^multi
}

// compileNumInput compiles a template for to_number.
func compileNumInput(t string) (*numInTemplate, error) {
	nt := &numInTemplate{}
	v := false
	for i := 0; i < len(t); {
		rest := strings.ToUpper(t[i:])
		switch {
		case strings.HasPrefix(rest, "FM"):
			nt.fm = true
			i += 2
		case strings.HasPrefix(rest, "EEEE"):
			return nil, fmt.Errorf("\"EEEE\" not supported for input")
		case strings.HasPrefix(rest, "RN"):
			return nil, fmt.Errorf("\"RN\" not supported for input")
		case strings.HasPrefix(rest, "TH"):
			i += 2
		case strings.HasPrefix(rest, "MI"), strings.HasPrefix(rest, "PL"), strings.HasPrefix(rest, "SG"):
			nt.items = append(nt.items, numInItem{kind: 'S'})
			if nt.sign == 0 {
				nt.sign = 'M'
			}
			i += 2
		case strings.HasPrefix(rest, "PR"):
			nt.items = append(nt.items, numInItem{kind: 'R'})
			nt.brackets = true
			i += 2
		case t[i] == '9' || t[i] == '0':
			nt.items = append(nt.items, numInItem{kind: '9'})
			switch {
			case v:
				nt.pre++
				if t[i] == '9' {
					nt.multi++ // a 0 after V is a position, not a shift
				}
			case nt.point:
				nt.post++
			default:
				nt.pre++
			}
			i++
		case t[i] == '.' || rest[0] == 'D':
			if nt.point {
				return nil, fmt.Errorf("multiple decimal points")
			}
			nt.point = true
			nt.items = append(nt.items, numInItem{kind: '.'})
			i++
		case t[i] == ',' || rest[0] == 'G':
			nt.items = append(nt.items, numInItem{kind: ','})
			i++
		case rest[0] == 'S':
			nt.sign = 'S' // read beside the digits, not at its place
			i++
		case rest[0] == 'L':
			nt.items = append(nt.items, numInItem{kind: 'L'})
			i++
		case rest[0] == 'V':
			if nt.point {
				return nil, fmt.Errorf("cannot use \"V\" and decimal point together")
			}
			v = true
			i++
		case rest[0] == 'B':
			i++
		case t[i] == '"':
			j := strings.IndexByte(t[i+1:], '"')
			if j < 0 {
				j = len(t) - i - 1
			}
			nt.items = append(nt.items, numInItem{kind: 'x', n: utf8.RuneCountInString(t[i+1 : i+1+j])})
			i += j + 2
		case t[i] == '\\' && i+1 < len(t):
			_, size := utf8.DecodeRuneInString(t[i+1:])
			nt.items = append(nt.items, numInItem{kind: 'x', n: 1})
			i += 1 + size
		default:
			_, size := utf8.DecodeRuneInString(t[i:])
			nt.items = append(nt.items, numInItem{kind: 'x', n: 1})
			i += size
		}
	}
	return nt, nil
}

// read reads s by the template (see to_number).
func (nt *numInTemplate) read(s string) (any, error) {
	sign := byte(0)
	var intDigits, fracDigits []byte
	readDec := false
	p := 0
	for _, it := range nt.items {
		if p >= len(s) {
			break
		}
		switch it.kind {
		case '9', '.':
			if s[p] == ' ' {
				p++
				if p >= len(s) {
					break
				}
			}
			if sign == 0 && it.kind == '9' && len(intDigits)+len(fracDigits) == 0 {
				switch {
				case s[p] == '-' || nt.brackets && s[p] == '<':
					sign = '-'
					p++
				case s[p] == '+':
					sign = '+'
					p++
				}
				if p >= len(s) {
					break
				}
			}
			read := false
			switch c := s[p]; {
			case c >= '0' && c <= '9':
				if !readDec {
					intDigits, read = append(intDigits, c), true
				} else if len(fracDigits) < nt.post {
					fracDigits, read = append(fracDigits, c), true
				}
			case c == '.' && nt.point && !readDec:
				readDec, read = true, true
			case (c == '-' || c == '+') && nt.sign == 'M' && sign == 0 && len(intDigits)+len(fracDigits) > 0:
				sign = c // MI or PL's sign, where the text's digits end early
			}
			if read && nt.sign == 'S' && sign == 0 && len(intDigits)+len(fracDigits) > 0 && p+1 < len(s) && (s[p+1] == '-' || s[p+1] == '+') {
				p++
				sign = s[p] // S's sign right after a digit
			}
			p++
		case ',':
			if !nt.fm && s[p] == ',' {
				p++
			}
		case 'S':
			if sign == 0 && (s[p] == '-' || s[p] == '+') {
				sign = s[p]
				p++
			}
		case 'R':
			if s[p] == '>' {
				p++
			}
		case 'L':
			if s[p] < '0' || s[p] > '9' {
				p++
			}
		case 'x':
			for k := 0; k < it.n && p < len(s); k++ {
				_, size := utf8.DecodeRuneInString(s[p:])
				p += size
			}
		}
	}
	if len(intDigits)+len(fracDigits) == 0 {
		text := " "
		if sign == '-' {
			text = "-"
		}
		return nil, fmt.Errorf("invalid input syntax for type numeric: %q", text)
	}
	whole := strings.TrimLeft(string(intDigits), "0")
	if len(whole) > nt.pre {
		return nil, fmt.Errorf("numeric field overflow: %s does not fit the template's %d digits before the point", string(intDigits), nt.pre)
	}
	text := string(intDigits)
	if text == "" {
		text = "0"
	}
	if len(fracDigits) > 0 {
		text += "." + string(fracDigits)
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, fmt.Errorf("invalid input syntax for type numeric: %q", text)
	}
	if nt.multi > 0 {
		f, _ = strconv.ParseFloat(text+"e-"+strconv.Itoa(nt.multi), 64)
	}
	if sign == '-' {
		f = -f
	}
	if math.IsInf(f, 0) {
		return nil, fmt.Errorf("value overflows numeric format")
	}
	return f, nil
}
