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
			var tmpl []numInItem
			var pre int
			return rowwise(TypeFloat, n, args, true, func(v []any) (any, error) {
				t := v[1].(string)
				if tmpl == nil || t != last {
					var err error
					if tmpl, pre, err = compileNumInput(t); err != nil {
						return nil, err
					}
					last = t
				}
				if len(tmpl) == 0 {
					return nil, nil // an empty template: NULL, as PostgreSQL
				}
				return readNumber(v[0].(string), tmpl, pre)
			})
		},
	})
}

// numInItem is one item of a template read by to_number.
type numInItem struct {
	kind byte // '9' (a digit position), '.', ',', 'S' (MI, PL, SG), 'R' (PR), 'L', 'x' (text), 'F' (flags, first)
	n    int  // text: characters to pass over
	post int  // '9' and '.': the template's places after the point
	mark bool // the template has a point; on 'F': FM
	sign byte // on 'F': 'S' when the template has S, 'M' when MI, PL or SG
}

// compileNumInput compiles a template for to_number; pre is the number of
// digit positions before the point (V's included); the first item (kind
// 'F') carries the template-wide flags.
func compileNumInput(t string) (items []numInItem, pre int, err error) {
	if t == "" {
		return nil, 0, nil
	}
	items = append(items, numInItem{kind: 'F'})
	post, point, multi, v := 0, false, 0, false
	for i := 0; i < len(t); {
		rest := strings.ToUpper(t[i:])
		switch {
		case strings.HasPrefix(rest, "FM"):
			items[0].mark = true
			i += 2
		case strings.HasPrefix(rest, "EEEE"):
			return nil, 0, fmt.Errorf("\"EEEE\" not supported for input")
		case strings.HasPrefix(rest, "RN"):
			return nil, 0, fmt.Errorf("\"RN\" not supported for input")
		case strings.HasPrefix(rest, "TH"):
			i += 2
		case strings.HasPrefix(rest, "MI"), strings.HasPrefix(rest, "PL"), strings.HasPrefix(rest, "SG"):
			items = append(items, numInItem{kind: 'S'})
			if items[0].sign == 0 {
				items[0].sign = 'M'
			}
			i += 2
		case strings.HasPrefix(rest, "PR"):
			items = append(items, numInItem{kind: 'R'})
			items[0].n = 1 // brackets read as a sign
			i += 2
		case t[i] == '9' || t[i] == '0':
			items = append(items, numInItem{kind: '9'})
			switch {
			case v:
				multi++
				pre++
			case point:
				post++
			default:
				pre++
			}
			i++
		case t[i] == '.' || rest[0] == 'D':
			if point {
				return nil, 0, fmt.Errorf("multiple decimal points")
			}
			point = true
			items = append(items, numInItem{kind: '.'})
			i++
		case t[i] == ',' || rest[0] == 'G':
			items = append(items, numInItem{kind: ','})
			i++
		case rest[0] == 'S':
			items[0].sign = 'S' // read beside the digits, not at its place
			i++
		case rest[0] == 'L':
			items = append(items, numInItem{kind: 'L'})
			i++
		case rest[0] == 'V':
			if point {
				return nil, 0, fmt.Errorf("cannot use \"V\" and decimal point together")
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
			items = append(items, numInItem{kind: 'x', n: utf8.RuneCountInString(t[i+1 : i+1+j])})
			i += j + 2
		case t[i] == '\\' && i+1 < len(t):
			items = append(items, numInItem{kind: 'x', n: 1})
			i += 2
		default:
			_, size := utf8.DecodeRuneInString(t[i:])
			items = append(items, numInItem{kind: 'x', n: 1})
			i += size
		}
	}
	for k := range items {
		items[k].post = post
		if items[k].kind == '9' || items[k].kind == '.' {
			items[k].mark = point
		}
	}
	items[0].post = multi
	return items, pre, nil
}

// readNumber reads s by a compiled template (see to_number).
func readNumber(s string, items []numInItem, pre int) (any, error) {
	fm, brackets, multi, signs := items[0].mark, items[0].n == 1, items[0].post, items[0].sign
	sign := byte(0)
	var intDigits, fracDigits []byte
	readDec := false
	p := 0
	for _, it := range items[1:] {
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
				case s[p] == '-' || brackets && s[p] == '<':
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
				} else if len(fracDigits) < it.post {
					fracDigits, read = append(fracDigits, c), true
				}
			case c == '.' && it.mark && !readDec:
				readDec, read = true, true
			case (c == '-' || c == '+') && signs == 'M' && sign == 0 && len(intDigits)+len(fracDigits) > 0:
				sign = c // MI or PL's sign, where the text's digits end early
			}
			if read && signs == 'S' && sign == 0 && len(intDigits)+len(fracDigits) > 0 && p+1 < len(s) && (s[p+1] == '-' || s[p+1] == '+') {
				p++
				sign = s[p] // S's sign right after a digit
			}
			p++
		case ',':
			if !fm && s[p] == ',' {
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
	if len(whole) > pre {
		return nil, fmt.Errorf("numeric field overflow: %s does not fit the template's %d digits before the point", string(intDigits), pre)
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
	if multi > 0 {
		f, _ = strconv.ParseFloat(text+"e-"+strconv.Itoa(multi), 64)
	}
	if sign == '-' {
		f = -f
	}
	if math.IsInf(f, 0) {
		return nil, fmt.Errorf("value overflows numeric format")
	}
	return f, nil
}
