package exec

import "strings"

// Arrays that are not constants are held as text in PostgreSQL's array
// output form, '{a,"b c",NULL}'; only one-dimensional arrays are
// understood.

// ParseArrayText splits an array's text form into its elements (nil for
// NULL). It reports false for text that is not an array.
func ParseArrayText(s string) ([]*string, bool) {
	// One slice holds the elements, sized by the commas (or spaces of a
	// vector) so it never moves.
	n := strings.Count(s, ",") + strings.Count(s, " ") + 1
	vals := make([]string, 0, n)
	out := make([]*string, 0, n)
	if _, ok := EachArrayElem(s, func(_ int, e string, null bool) {
		if null {
			out = append(out, nil)
			return
		}
		vals = append(vals, e)
		out = append(out, &vals[len(vals)-1])
	}); !ok {
		return nil, false
	}
	return out, true
}

// EachArrayElem reads an array's text form, calling fn (when not nil)
// with each element in order (null for NULL); it returns how many there
// are, and false for text that is not an array. Elements are slices of s
// unless escapes change them: counting them allocates nothing.
func EachArrayElem(s string, fn func(i int, e string, null bool)) (int, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '='); i > 0 && s[0] == '[' {
		s = s[i+1:] // explicit bounds: [0:2]={...}
	}
	count := 0
	if vectorText(s) {
		// int2vector and oidvector: numbers separated by spaces.
		for _, f := range strings.Fields(s) {
			if fn != nil {
				fn(count, f, false)
			}
			count++
		}
		return count, true
	}
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return 0, false
	}
	body := s[1 : len(s)-1]
	if strings.TrimSpace(body) == "" {
		return 0, true
	}
	for i := 0; i <= len(body); {
		for i < len(body) && body[i] == ' ' {
			i++
		}
		var esc []byte // the element so far, once an escape changed it
		quoted := false
		var start, end int
		if i < len(body) && body[i] == '"' {
			quoted = true
			i++
			start = i
			for i < len(body) && body[i] != '"' {
				if body[i] == '\\' && i+1 < len(body) {
					if esc == nil {
						esc = append([]byte{}, body[start:i]...)
					}
					i++
				}
				if esc != nil {
					esc = append(esc, body[i])
				}
				i++
			}
			if i >= len(body) {
				return 0, false // no closing quote
			}
			end = i
			i++ // closing quote
			for i < len(body) && body[i] == ' ' {
				i++
			}
			if i < len(body) && body[i] != ',' {
				return 0, false // text after the closing quote
			}
		} else {
			start = i
			for i < len(body) && body[i] != ',' {
				c := body[i]
				if c == '\\' {
					// A backslash takes the next character as it is.
					if i+1 >= len(body) {
						return 0, false
					}
					quoted = true // escaped: never NULL, kept as written
					if esc == nil {
						esc = append([]byte{}, body[start:i]...)
					}
					esc = append(esc, body[i+1])
					i += 2
					continue
				}
				if c == '{' || c == '}' || c == '"' {
					return 0, false // nested arrays, stray braces or quotes
				}
				if esc != nil {
					esc = append(esc, c)
				}
				i++
			}
			end = i
		}
		v := body[start:end]
		if esc != nil {
			v = string(esc)
		}
		if !quoted {
			if v = strings.TrimSpace(v); v == "" {
				return 0, false // {a,,b}
			}
		}
		if fn != nil {
			fn(count, v, !quoted && strings.EqualFold(v, "NULL"))
		}
		count++
		for i < len(body) && body[i] != ',' {
			i++
		}
		i++ // the comma
	}
	return count, true
}

func vectorText(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && r != ' ' && r != '-' {
			return false
		}
	}
	return true
}
