package sql

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokKind classifies a PostgreSQL token.
type tokKind uint8

const (
	tIdent  tokKind = iota + 1 // unquoted word; val is folded to lower case
	tQIdent                    // "quoted" identifier; val is exact
	tString                    // string constant of any form; val is the decoded value
	tBitStr                    // B'..' or X'..'; val is the raw text
	tNumber                    // numeric constant; val is the text
	tParam                     // $n; n holds the number
	tOp                        // operator (+ - * / < > = ~ ! @ # % ^ & | ` ? and runs of them)
	tPunct                     // ( ) [ ] , ; . : ::
)

// token is one lexeme of the user's text; start and end are byte offsets
// into the whole text given to Parse.
type token struct {
	kind       tokKind
	val        string
	start, end int
	n          int
}

func (t token) is(kind tokKind, val string) bool { return t.kind == kind && t.val == val }

// word reports whether t is the unquoted word w (w in lower case).
func (t token) word(w string) bool { return t.kind == tIdent && t.val == w }

func (t token) punct(p string) bool { return t.kind == tPunct && t.val == p }

// lex splits src into PostgreSQL tokens, skipping whitespace and comments
// (-- line comments and nested /* */ block comments). String forms handled:
// '..' (standard conforming, ” escapes), E'..' (backslash escapes),
// U&'..' [UESCAPE 'c'], $$..$$ and $tag$..$tag$, N'..'; B'..' and X'..' are
// kept raw. Identifiers: unquoted (folded to lower case), "quoted" and
// U&"quoted".
func lex(src string) ([]token, *Error) {
	toks, _, err := lexNamed(src)
	return toks, err
}

// lexNamed also returns the named parameters, in the order their numbers
// were given.
func lexNamed(src string) ([]token, []string, *Error) {
	// About one token per five bytes of SQL: one allocation for most.
	l := &lexer{src: src, toks: make([]token, 0, len(src)/5+8)}
	for {
		if err := l.skipSpace(); err != nil {
			return nil, nil, err
		}
		if l.pos >= len(src) {
			return l.toks, l.names, nil
		}
		if err := l.next(); err != nil {
			return nil, nil, err
		}
	}
}

type lexer struct {
	src  string
	pos  int
	toks []token
	// names are the named parameters ($name, InfluxDB 3 style) in order of
	// first appearance: names[i] is read as $(i+1). numbered records a $n
	// so that the two styles are not mixed.
	names    []string
	numbered bool
}

func (l *lexer) emit(kind tokKind, val string, start int) {
	l.toks = append(l.toks, token{kind: kind, val: val, start: start, end: l.pos})
}

func (l *lexer) skipSpace() *Error {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case c == '-' && strings.HasPrefix(l.src[l.pos:], "--"):
			i := strings.IndexByte(l.src[l.pos:], '\n')
			if i < 0 {
				l.pos = len(l.src)
			} else {
				l.pos += i + 1
			}
		case c == '/' && strings.HasPrefix(l.src[l.pos:], "/*"):
			start := l.pos
			depth := 0
			for l.pos < len(l.src) {
				if strings.HasPrefix(l.src[l.pos:], "/*") {
					depth++
					l.pos += 2
				} else if strings.HasPrefix(l.src[l.pos:], "*/") {
					depth--
					l.pos += 2
					if depth == 0 {
						break
					}
				} else {
					l.pos++
				}
			}
			if depth != 0 {
				return errAt(l.src, start, CodeSyntaxError, "unterminated /* comment at or near \"/*\"", "close the comment with */")
			}
		default:
			return nil
		}
	}
	return nil
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isIdentCont(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9') || c == '$'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

const opChars = "+-*/<>=~!@#%^&|`?"

func (l *lexer) next() *Error {
	src, start := l.src, l.pos
	c := src[start]
	switch {
	case (c == 'e' || c == 'E') && l.peekQuote(1):
		l.pos++
		s, err := l.escapeString(start)
		if err != nil {
			return err
		}
		l.emit(tString, s, start)
	case (c == 'n' || c == 'N') && l.peekQuote(1):
		l.pos++
		s, err := l.quoted(start, '\'')
		if err != nil {
			return err
		}
		l.emit(tString, s, start)
	case (c == 'b' || c == 'B' || c == 'x' || c == 'X') && l.peekQuote(1):
		l.pos++
		if _, err := l.quoted(start, '\''); err != nil {
			return err
		}
		l.emit(tBitStr, src[start:l.pos], start)
	case (c == 'u' || c == 'U') && strings.HasPrefix(src[start+1:], "&'"):
		l.pos += 2
		s, err := l.quoted(start, '\'')
		if err != nil {
			return err
		}
		s, err = l.unicodeEscapes(start, s)
		if err != nil {
			return err
		}
		l.emit(tString, s, start)
	case (c == 'u' || c == 'U') && strings.HasPrefix(src[start+1:], "&\""):
		l.pos += 2
		s, err := l.quoted(start, '"')
		if err != nil {
			return err
		}
		s, err = l.unicodeEscapes(start, s)
		if err != nil {
			return err
		}
		l.emit(tQIdent, s, start)
	case isIdentStart(c):
		for l.pos < len(src) && isIdentCont(src[l.pos]) {
			l.pos++
		}
		l.emit(tIdent, strings.ToLower(src[start:l.pos]), start)
	case c == '\'':
		s, err := l.quoted(start, '\'')
		if err != nil {
			return err
		}
		l.emit(tString, s, start)
	case c == '"':
		s, err := l.quoted(start, '"')
		if err != nil {
			return err
		}
		if s == "" {
			return errAt(src, start, CodeSyntaxError, "zero-length delimited identifier at or near \"\"\"\"", "")
		}
		l.emit(tQIdent, s, start)
	case c == '$':
		return l.dollar()
	case isDigit(c) || (c == '.' && start+1 < len(src) && isDigit(src[start+1])):
		l.number()
		if l.pos < len(src) && isIdentStart(src[l.pos]) {
			// 0x1F, 12abc, 1.5e: PostgreSQL 15 refuses a number run into a
			// name (read apart they were 0 AS x1F, 12 AS abc).
			end := l.pos
			for end < len(src) && isIdentCont(src[end]) {
				end++
			}
			return errAt(src, start, CodeSyntaxError, "trailing junk after numeric literal at or near \""+src[start:end]+"\"", "")
		}
	case c == ':' && strings.HasPrefix(src[l.pos:], ":="):
		l.pos += 2 // the older spelling of a named argument's =>
		l.emit(tOp, ":=", start)
	case c == ':':
		l.pos++
		if l.pos < len(src) && src[l.pos] == ':' {
			l.pos++
		}
		l.emit(tPunct, src[start:l.pos], start)
	case strings.IndexByte("()[],;.", c) >= 0:
		l.pos++
		l.emit(tPunct, src[start:l.pos], start)
	case strings.IndexByte(opChars, c) >= 0:
		l.operator()
	default:
		return errAt(src, start, CodeSyntaxError, "syntax error at or near \""+string(c)+"\"", "")
	}
	return nil
}

func (l *lexer) peekQuote(off int) bool {
	return l.pos+off < len(l.src) && l.src[l.pos+off] == '\''
}

// quoted reads a q-delimited body starting at l.pos (which is at the opening
// quote), doubling q as the escape; it returns the body.
func (l *lexer) quoted(start int, q byte) (string, *Error) {
	src := l.src
	l.pos++ // opening quote
	var b strings.Builder
	for {
		i := strings.IndexByte(src[l.pos:], q)
		if i < 0 {
			what := "quoted string"
			if q == '"' {
				what = "quoted identifier"
			}
			return "", errAt(src, start, CodeSyntaxError, "unterminated "+what+" at or near \""+clip(src[start:])+"\"", "close it with "+string(q))
		}
		b.WriteString(src[l.pos : l.pos+i])
		l.pos += i + 1
		if l.pos < len(src) && src[l.pos] == q {
			b.WriteByte(q)
			l.pos++
			continue
		}
		return b.String(), nil
	}
}

// escapeString reads the body of E'..' with l.pos at the opening quote.
func (l *lexer) escapeString(start int) (string, *Error) {
	src := l.src
	l.pos++
	var b []byte
	for l.pos < len(src) {
		c := src[l.pos]
		switch {
		case c == '\'':
			if l.pos+1 < len(src) && src[l.pos+1] == '\'' {
				b = append(b, '\'')
				l.pos += 2
				continue
			}
			l.pos++
			return string(b), nil
		case c == '\\' && l.pos+1 < len(src):
			l.pos++
			b = l.backslash(b)
		default:
			b = append(b, c)
			l.pos++
		}
	}
	return "", errAt(src, start, CodeSyntaxError, "unterminated quoted string at or near \""+clip(src[start:])+"\"", "close it with '")
}

// backslash decodes one escape after a backslash (l.pos is past the backslash).
func (l *lexer) backslash(b []byte) []byte {
	src := l.src
	c := src[l.pos]
	l.pos++
	switch c {
	case 'b':
		return append(b, '\b')
	case 'f':
		return append(b, '\f')
	case 'n':
		return append(b, '\n')
	case 'r':
		return append(b, '\r')
	case 't':
		return append(b, '\t')
	case 'x':
		return l.numEscape(b, 16, 2, 'x')
	case 'u':
		return l.numEscape(b, 16, 4, 'u')
	case 'U':
		return l.numEscape(b, 16, 8, 'U')
	}
	if c >= '0' && c <= '7' {
		l.pos--
		return l.numEscape(b, 8, 3, 0)
	}
	return append(b, c)
}

func (l *lexer) numEscape(b []byte, base, max int, letter byte) []byte {
	src := l.src
	i := l.pos
	for i < len(src) && i-l.pos < max && isBaseDigit(src[i], base) {
		i++
	}
	if i == l.pos { // "\x" with no digits is just "x"
		return append(b, letter)
	}
	v, _ := strconv.ParseUint(src[l.pos:i], base, 32)
	l.pos = i
	if letter == 'u' || letter == 'U' {
		return utf8.AppendRune(b, rune(v))
	}
	return append(b, byte(v))
}

func isBaseDigit(c byte, base int) bool {
	if base == 8 {
		return c >= '0' && c <= '7'
	}
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// unicodeEscapes decodes the escapes of a U& string or identifier, honouring
// a following UESCAPE 'c' clause.
func (l *lexer) unicodeEscapes(start int, s string) (string, *Error) {
	esc := byte('\\')
	save := l.pos
	if err := l.skipSpace(); err != nil {
		return "", err
	}
	if l.pos+7 <= len(l.src) && strings.EqualFold(l.src[l.pos:l.pos+7], "uescape") {
		l.pos += 7
		if err := l.skipSpace(); err != nil {
			return "", err
		}
		if l.pos < len(l.src) && l.src[l.pos] == '\'' {
			qs := l.pos
			e, err := l.quoted(qs, '\'')
			if err != nil {
				return "", err
			}
			if len(e) != 1 {
				return "", errAt(l.src, qs, CodeSyntaxError, "invalid Unicode escape character at or near \""+clip(l.src[qs:])+"\"", "UESCAPE takes a single character")
			}
			esc = e[0]
		}
	} else {
		l.pos = save
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] != esc {
			b = append(b, s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == esc {
			b = append(b, esc)
			i++
			continue
		}
		n := 4
		j := i + 1
		if j < len(s) && s[j] == '+' {
			n = 6
			j++
		}
		if j+n > len(s) {
			return "", errAt(l.src, start, CodeSyntaxError, "invalid Unicode escape at or near \""+clip(l.src[start:])+"\"", "Unicode escapes must be \\XXXX or \\+XXXXXX")
		}
		v, err := strconv.ParseUint(s[j:j+n], 16, 32)
		if err != nil || !utf8.ValidRune(rune(v)) {
			return "", errAt(l.src, start, CodeSyntaxError, "invalid Unicode escape value at or near \""+clip(l.src[start:])+"\"", "")
		}
		b = utf8.AppendRune(b, rune(v))
		i = j + n - 1
	}
	return string(b), nil
}

// namedParam lexes $name (src[start:end]), numbering names by first
// appearance.
func (l *lexer) namedParam(start, end int) *Error {
	src := l.src
	if l.numbered {
		return errAt(src, start, CodeSyntaxError, "named parameter \""+src[start:end]+"\" mixed with numbered parameters", "use either $1, $2, ... or $name parameters in one query")
	}
	name := src[start+1 : end] // case kept: params maps match names exactly
	n := 0
	for k, have := range l.names {
		if have == name {
			n = k + 1
			break
		}
	}
	if n == 0 {
		if len(l.names) == 65535 {
			return errAt(src, start, CodeSyntaxError, "too many parameters", "parameters are $1 to $65535")
		}
		l.names = append(l.names, name)
		n = len(l.names)
	}
	l.pos = end
	l.toks = append(l.toks, token{kind: tParam, val: src[start:end], start: start, end: end, n: n})
	return nil
}

// dollar lexes $n parameters, $name parameters and $tag$ quoted strings.
func (l *lexer) dollar() *Error {
	src, start := l.src, l.pos
	i := start + 1
	if i < len(src) && isDigit(src[i]) {
		if len(l.names) > 0 {
			return errAt(src, start, CodeSyntaxError, "numbered parameter \""+clip(src[start:])+"\" mixed with named parameters", "use either $1, $2, ... or $name parameters in one query")
		}
		l.numbered = true
		for i < len(src) && isDigit(src[i]) {
			i++
		}
		n, err := strconv.Atoi(src[start+1 : i])
		if err != nil || n < 1 || n > 65535 {
			return errAt(src, start, CodeSyntaxError, "invalid parameter number at or near \""+src[start:i]+"\"", "parameters are $1 to $65535")
		}
		l.pos = i
		l.toks = append(l.toks, token{kind: tParam, val: src[start:i], start: start, end: i, n: n})
		return nil
	}
	for i < len(src) && src[i] != '$' && isIdentCont(src[i]) {
		i++
	}
	if i >= len(src) || src[i] != '$' {
		if i == start+1 || !isIdentStart(src[start+1]) {
			return errAt(src, start, CodeSyntaxError, "syntax error at or near \"$\"", "parameters are written $1, $2, ... or $name; dollar-quoted strings $$...$$")
		}
		return l.namedParam(start, i)
	}
	tag := src[start : i+1]
	end := strings.Index(src[i+1:], tag)
	if end < 0 {
		return errAt(src, start, CodeSyntaxError, "unterminated dollar-quoted string at or near \""+clip(src[start:])+"\"", "close it with "+tag)
	}
	l.pos = i + 1 + end + len(tag)
	l.emit(tString, src[i+1:i+1+end], start)
	return nil
}

func (l *lexer) number() {
	src, start := l.src, l.pos
	for l.pos < len(src) && (isDigit(src[l.pos]) || src[l.pos] == '_') {
		l.pos++
	}
	if l.pos < len(src) && src[l.pos] == '.' && !strings.HasPrefix(src[l.pos:], "..") {
		l.pos++
		for l.pos < len(src) && isDigit(src[l.pos]) {
			l.pos++
		}
	}
	if l.pos < len(src) && (src[l.pos] == 'e' || src[l.pos] == 'E') {
		j := l.pos + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			l.pos = j
		}
	}
	l.emit(tNumber, strings.ReplaceAll(l.src[start:l.pos], "_", ""), start)
}

// operator lexes an operator following PostgreSQL's rules: the longest run
// of operator characters, cut before a comment start, and a trailing + or -
// is dropped unless the operator contains one of ~ ! @ # % ^ & | ` ?.
func (l *lexer) operator() {
	src, start := l.src, l.pos
	i := start
	for i < len(src) && strings.IndexByte(opChars, src[i]) >= 0 {
		if i > start && (strings.HasPrefix(src[i:], "--") || strings.HasPrefix(src[i:], "/*")) {
			break
		}
		i++
	}
	op := src[start:i]
	if len(op) > 1 && !strings.ContainsAny(op, "~!@#%^&|`?") {
		for len(op) > 1 && (op[len(op)-1] == '+' || op[len(op)-1] == '-') {
			op = op[:len(op)-1]
		}
	}
	l.pos = start + len(op)
	l.emit(tOp, op, start)
}

// clip shortens s for messages.
func clip(s string) string {
	if i := strings.IndexAny(s, "\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 40 {
		s = s[:40]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "..."
	}
	return s
}
