package exec

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// unistr and timeofday, two of PostgreSQL's text functions.
func init() {
	// unistr(text) decodes Unicode escapes: \XXXX, \+XXXXXX, \uXXXX and
	// \UXXXXXXXX (hexadecimal code points; a UTF-16 surrogate pair makes
	// one character) and \\ (a backslash).
	registerRowFn("unistr", TypeText, [][]string{{"text"}}, func(_ *Ctx, v []any) (any, error) {
		return unistr(v[0].(string))
	})
	// timeofday(): the wall clock when it runs, as text in the session's
	// zone (PostgreSQL's "Mon Nov 23 10:04:05.123456 2026 UTC").
	registerRowFn("timeofday", TypeText, [][]string{{}}, func(c *Ctx, _ []any) (any, error) {
		loc := c.Location
		if loc == nil {
			loc = time.UTC
		}
		return time.Now().In(loc).Format("Mon Jan 02 15:04:05.000000 2006 MST"), nil
	})
}

// CodedError is an error with its PostgreSQL SQLSTATE (package planner's
// AsError keeps it).
type CodedError struct{ Code, Msg, Hint string }

func (e *CodedError) Error() string { return e.Msg }

// errUnistrEscape is unistr's message for a malformed escape.
func errUnistrEscape() error {
	return &CodedError{Code: "42601", Msg: "invalid Unicode escape", Hint: `Unicode escapes must be \XXXX, \+XXXXXX, \uXXXX, or \UXXXXXXXX.`}
}

// errSurrogate is unistr's message for a lone or misplaced UTF-16 half.
func errSurrogate() error {
	return &CodedError{Code: "42601", Msg: "invalid Unicode surrogate pair"}
}

func unistr(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var out strings.Builder
	out.Grow(len(s))
	var high rune // a UTF-16 high surrogate waiting for its low half
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			if high != 0 {
				return "", errSurrogate()
			}
			out.WriteByte(s[i])
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '\\' {
			if high != 0 {
				return "", errSurrogate()
			}
			out.WriteByte('\\')
			i += 2
			continue
		}
		skip, digits := 1, 4 // \XXXX
		if i+1 < len(s) {
			switch s[i+1] {
			case '+':
				skip, digits = 2, 6
			case 'u':
				skip, digits = 2, 4
			case 'U':
				skip, digits = 2, 8
			}
		}
		hex := s[min(i+skip, len(s)):min(i+skip+digits, len(s))]
		cp, err := strconv.ParseUint(hex, 16, 32)
		if len(hex) != digits || err != nil || strings.ContainsAny(hex, "+-") {
			return "", errUnistrEscape()
		}
		i += skip + digits
		r := rune(cp)
		switch {
		case r > utf8.MaxRune:
			return "", &CodedError{Code: "22023", Msg: fmt.Sprintf("invalid Unicode code point: %04X", cp)}
		case utf16.IsSurrogate(r) && r < 0xDC00: // high half
			if high != 0 {
				return "", errSurrogate()
			}
			high = r
			continue
		case utf16.IsSurrogate(r): // low half
			if high == 0 {
				return "", errSurrogate()
			}
			r, high = utf16.DecodeRune(high, r), 0
		case high != 0:
			return "", errSurrogate()
		case r == 0:
			return "", &CodedError{Code: "22023", Msg: "invalid Unicode code point: 0000"}
		}
		out.WriteRune(r)
	}
	if high != 0 {
		return "", errSurrogate()
	}
	return out.String(), nil
}
