package exec

import "strings"

// Arrays that are not constants are held as text in PostgreSQL's array
// output form, '{a,"b c",NULL}'; only one-dimensional arrays are
// understood.

// ParseArrayText splits an array's text form into its elements (nil for
// NULL). It reports false for text that is not an array.
func ParseArrayText(s string) ([]*string, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '='); i > 0 && s[0] == '[' {
		s = s[i+1:] // explicit bounds: [0:2]={...}
	}
	if vectorText(s) {
		// int2vector and oidvector: numbers separated by spaces.
		var out []*string
		for _, f := range strings.Fields(s) {
			f := f
			out = append(out, &f)
		}
		return out, true
	}
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	var out []*string
	if strings.TrimSpace(body) == "" {
		return out, true
	}
	for i := 0; i <= len(body); {
		for i < len(body) && body[i] == ' ' {
			i++
		}
		var elem strings.Builder
		quoted := false
		if i < len(body) && body[i] == '"' {
			quoted = true
			i++
			for i < len(body) && body[i] != '"' {
				if body[i] == '\\' && i+1 < len(body) {
					i++
				}
				elem.WriteByte(body[i])
				i++
			}
			if i >= len(body) {
				return nil, false // no closing quote
			}
			i++ // closing quote
			for i < len(body) && body[i] == ' ' {
				i++
			}
			if i < len(body) && body[i] != ',' {
				return nil, false // text after the closing quote
			}
		} else {
			for i < len(body) && body[i] != ',' {
				c := body[i]
				if c == '\\' {
					// A backslash takes the next character as it is.
					if i+1 >= len(body) {
						return nil, false
					}
					quoted = true // escaped: never NULL, kept as written
					elem.WriteByte(body[i+1])
					i += 2
					continue
				}
				if c == '{' || c == '}' || c == '"' {
					return nil, false // nested arrays, stray braces or quotes
				}
				elem.WriteByte(c)
				i++
			}
		}
		v := elem.String()
		if !quoted {
			if v = strings.TrimSpace(v); v == "" {
				return nil, false // {a,,b}
			}
		}
		if !quoted && strings.EqualFold(v, "NULL") {
			out = append(out, nil)
		} else {
			out = append(out, &v)
		}
		for i < len(body) && body[i] != ',' {
			i++
		}
		i++ // the comma
	}
	return out, true
}

func vectorText(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && r != ' ' && r != '-' {
			return false
		}
	}
	return true
}
