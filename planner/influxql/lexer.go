package influxql

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the kind of a token.
type tokKind uint8

const (
	tEOF      tokKind = iota
	tIdent            // a bare or double-quoted identifier (keywords are bare identifiers)
	tString           // 'single quoted'
	tNumber           // 12, 1.5, 1e3
	tDuration         // 5m, 1h30m, 100ms
	tRegex            // /pattern/ (only where the parser asks for one)
	tParam            // $name, $"quoted name"
	tOp               // = != <> < <= > >= =~ !~ + - * / % & | ^ :: ( ) , . ;
)

// token is one lexeme: its kind, its text (an identifier unquoted, a
// string or regex without its delimiters and escapes) and where it starts.
type token struct {
	kind   tokKind
	text   string
	pos    int  // byte offset of the token's start
	quoted bool // a double-quoted identifier (never a keyword)
}

// keyword reports whether t is the bare keyword kw (any case).
func (t token) keyword(kw string) bool {
	return t.kind == tIdent && !t.quoted && strings.EqualFold(t.text, kw)
}

func (t token) op(s string) bool { return t.kind == tOp && t.text == s }

// describe is a token as an error message names it.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tString:
		return fmt.Sprintf("string '%s'", t.text)
	case tIdent:
		if t.quoted {
			return fmt.Sprintf("identifier %q", t.text)
		}
	}
	return fmt.Sprintf("%q", t.text)
}

// lexer reads tokens from an InfluxQL query.
type lexer struct {
	src string
	pos int
}

// durationUnits are InfluxQL's duration units.
var durationUnits = map[string]int64{
	"ns": 1, "u": 1e3, "µ": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9, "d": 86400e9, "w": 7 * 86400e9,
}

// SyntaxError is a query InfluxQL cannot parse: what was expected, what
// was found and at which line and column.
type SyntaxError struct {
	Line, Col int
	Msg       string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("error parsing query: %s at line %d, char %d", e.Msg, e.Line, e.Col)
}

func (l *lexer) errorAt(pos int, format string, args ...any) *SyntaxError {
	line, col := 1, 1
	for _, r := range l.src[:min(pos, len(l.src))] {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return &SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// skip passes over white space and comments (-- to the end of the line,
// /* ... */).
func (l *lexer) skip() {
	for l.pos < len(l.src) {
		switch c := l.src[l.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.pos++
		case strings.HasPrefix(l.src[l.pos:], "--"):
			if i := strings.IndexByte(l.src[l.pos:], '\n'); i >= 0 {
				l.pos += i + 1
			} else {
				l.pos = len(l.src)
			}
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			if i := strings.Index(l.src[l.pos+2:], "*/"); i >= 0 {
				l.pos += i + 4
			} else {
				l.pos = len(l.src)
			}
		default:
			return
		}
	}
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentChar(r rune) bool  { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// next reads the next token.
func (l *lexer) next() (token, error) {
	l.skip()
	start := l.pos
	if l.pos >= len(l.src) {
		return token{kind: tEOF, pos: start}, nil
	}
	c := l.src[l.pos]
	r, size := utf8.DecodeRuneInString(l.src[l.pos:])
	switch {
	case isIdentStart(r):
		l.pos += size
		for l.pos < len(l.src) {
			r, size := utf8.DecodeRuneInString(l.src[l.pos:])
			if !isIdentChar(r) {
				break
			}
			l.pos += size
		}
		return token{kind: tIdent, text: l.src[start:l.pos], pos: start}, nil
	case c >= '0' && c <= '9' || c == '.' && l.pos+1 < len(l.src) && l.src[l.pos+1] >= '0' && l.src[l.pos+1] <= '9':
		return l.number(start)
	case c == '"':
		s, err := l.quoted('"')
		return token{kind: tIdent, text: s, pos: start, quoted: true}, err
	case c == '\'':
		s, err := l.quoted('\'')
		return token{kind: tString, text: s, pos: start}, err
	case c == '$':
		l.pos++
		if l.pos < len(l.src) && l.src[l.pos] == '"' {
			s, err := l.quoted('"')
			return token{kind: tParam, text: s, pos: start}, err
		}
		n := l.pos
		for l.pos < len(l.src) {
			r, size := utf8.DecodeRuneInString(l.src[l.pos:])
			if !isIdentChar(r) {
				break
			}
			l.pos += size
		}
		if l.pos == n {
			return token{}, l.errorAt(start, "a parameter is $ and a name, like $host")
		}
		return token{kind: tParam, text: l.src[n:l.pos], pos: start}, nil
	}
	for _, op := range []string{"::", "!=", "<>", "<=", ">=", "=~", "!~"} {
		if strings.HasPrefix(l.src[l.pos:], op) {
			l.pos += 2
			return token{kind: tOp, text: op, pos: start}, nil
		}
	}
	if strings.ContainsRune("=<>+-*/%&|^(),.;", rune(c)) {
		l.pos++
		return token{kind: tOp, text: string(c), pos: start}, nil
	}
	return token{}, l.errorAt(start, "unexpected character %q", r)
}

// number reads a number, or a duration when units follow its digits
// (5m, 1h30m; a duration has no fraction).
func (l *lexer) number(start int) (token, error) {
	digits := func() {
		for l.pos < len(l.src) && l.src[l.pos] >= '0' && l.src[l.pos] <= '9' {
			l.pos++
		}
	}
	digits()
	if l.pos < len(l.src) && l.src[l.pos] != '.' && l.pos > start {
		if unitAt(l.src[l.pos:]) != "" {
			for l.pos < len(l.src) {
				u := unitAt(l.src[l.pos:])
				if u == "" {
					return token{}, l.errorAt(l.pos, "invalid duration %q", l.src[start:l.pos])
				}
				l.pos += len(u)
				d := l.pos
				digits()
				if l.pos == d {
					break
				}
			}
			if l.pos < len(l.src) {
				if r, _ := utf8.DecodeRuneInString(l.src[l.pos:]); isIdentChar(r) {
					return token{}, l.errorAt(start, "invalid duration %q: units are ns, u, ms, s, m, h, d and w", l.src[start:l.pos+1])
				}
			}
			return token{kind: tDuration, text: l.src[start:l.pos], pos: start}, nil
		}
	}
	if l.pos < len(l.src) && l.src[l.pos] == '.' {
		l.pos++
		digits()
	}
	if l.pos < len(l.src) && (l.src[l.pos] == 'e' || l.src[l.pos] == 'E') {
		save := l.pos
		l.pos++
		if l.pos < len(l.src) && (l.src[l.pos] == '+' || l.src[l.pos] == '-') {
			l.pos++
		}
		d := l.pos
		digits()
		if l.pos == d {
			l.pos = save
		}
	}
	if l.pos < len(l.src) {
		if r, _ := utf8.DecodeRuneInString(l.src[l.pos:]); isIdentStart(r) {
			return token{}, l.errorAt(start, "invalid number %q", l.src[start:l.pos+1])
		}
	}
	return token{kind: tNumber, text: l.src[start:l.pos], pos: start}, nil
}

// unitAt is the duration unit s starts with, longest first, if the unit
// is not the start of a longer word.
func unitAt(s string) string {
	for _, u := range []string{"ns", "us", "ms", "µ", "u", "s", "m", "h", "d", "w"} {
		if !strings.HasPrefix(s, u) {
			continue
		}
		rest := s[len(u):]
		if rest != "" {
			if r, _ := utf8.DecodeRuneInString(rest); isIdentStart(r) && unitAt(rest) == "" {
				return ""
			}
		}
		return u
	}
	return ""
}

// quoted reads a string or identifier quoted with q; a backslash escapes
// the next character (\' \" \\ \n \t).
func (l *lexer) quoted(q byte) (string, error) {
	start := l.pos
	l.pos++
	var b strings.Builder
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == q:
			l.pos++
			return b.String(), nil
		case c == '\\' && l.pos+1 < len(l.src):
			switch e := l.src[l.pos+1]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(e)
			}
			l.pos += 2
		case c == '\n' && q == '\'':
			return "", l.errorAt(start, "unterminated string: a newline inside quotes")
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
	if q == '"' {
		return "", l.errorAt(start, "unterminated quoted identifier")
	}
	return "", l.errorAt(start, "unterminated string")
}

// regex reads /pattern/ from pos: \/ is a slash in the pattern, other
// escapes stay as written (they are the regular expression's).
func (l *lexer) regex(pos int) (token, error) {
	l.pos = pos
	l.skip()
	start := l.pos
	if l.pos >= len(l.src) || l.src[l.pos] != '/' {
		return token{}, l.errorAt(start, "expected a regular expression like /^a/")
	}
	l.pos++
	var b strings.Builder
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '/':
			l.pos++
			return token{kind: tRegex, text: b.String(), pos: start}, nil
		case c == '\\' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '/':
			b.WriteByte('/')
			l.pos += 2
		case c == '\\' && l.pos+1 < len(l.src):
			b.WriteString(l.src[l.pos : l.pos+2])
			l.pos += 2
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
	return token{}, l.errorAt(start, "unterminated regular expression")
}
