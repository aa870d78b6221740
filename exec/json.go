package exec

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// PostgreSQL's json and jsonb are held as text: json as written (checked
// to be JSON), jsonb in the canonical form PostgreSQL prints it in (keys
// sorted by length, then bytes, the last of duplicate keys kept, numbers
// as numerics, ", " and ": " between items), so equal jsonb values have
// equal text. The functions here read such text: a scanner that finds a
// key's or an element's value without decoding the rest (-> and ->>), a
// parser to a tree for what needs the whole value (jsonb's form,
// containment, concatenation).

// JSONError is invalid JSON input, with PostgreSQL's message (empty:
// "invalid input syntax for type json") and detail.
type JSONError struct{ Msg, Detail string }

// Message is the error's message without the detail.
func (e *JSONError) Message() string {
	if e.Msg == "" {
		return "invalid input syntax for type json"
	}
	return e.Msg
}

func (e *JSONError) Error() string { return e.Message() + ": " + e.Detail }

// jnode is a parsed JSON value.
type jnode struct {
	kind  byte   // 'o' object, 'a' array, 's' string, 'n' number, 't' true, 'f' false, 'z' null
	str   string // a string's value, a number's text (numeric form in jsonb)
	keys  []string
	elems []*jnode // an array's elements, an object's values (in keys' order)
}

// jparser reads JSON text as PostgreSQL's json input does.
type jparser struct {
	s     string
	i     int
	depth int
	jsonb bool // numbers to numeric form, strings checked as jsonb checks them
	check bool // only check the text: build no tree (checkedNode stands for every value)
}

// checkedNode is the value a checking parse returns for every value.
var checkedNode = &jnode{kind: 'z'}

const jsonMaxDepth = 6400 // PostgreSQL's stack limit is near this nesting

// ParseJSON parses JSON text; jsonb normalizes numbers and refuses what
// jsonb cannot hold (\u0000).
func ParseJSON(s string, jsonb bool) (*jnode, error) {
	p := &jparser{s: s, jsonb: jsonb}
	p.ws()
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i < len(p.s) {
		return nil, p.tokenErr()
	}
	return n, nil
}

func (p *jparser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jparser) endErr() error {
	return &JSONError{Detail: "The input string ended unexpectedly."}
}

// tokenErr names the token at p.i, as PostgreSQL's "Token "x" is invalid.".
func (p *jparser) tokenErr() error {
	if p.i >= len(p.s) {
		return p.endErr()
	}
	j := p.i
	for j < len(p.s) && !strings.ContainsRune(" \t\n\r,:[]{}\"", rune(p.s[j])) {
		j++
	}
	if j == p.i {
		j++
	}
	return &JSONError{Detail: fmt.Sprintf("Token %q is invalid.", p.s[p.i:j])}
}

func (p *jparser) value() (*jnode, error) {
	if p.i >= len(p.s) {
		return nil, p.endErr()
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.str()
		if err != nil || p.check {
			return checkedNode, err
		}
		return &jnode{kind: 's', str: s}, nil
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case strings.HasPrefix(p.s[p.i:], "true"):
		return p.literal("true", 't')
	case strings.HasPrefix(p.s[p.i:], "false"):
		return p.literal("false", 'f')
	case strings.HasPrefix(p.s[p.i:], "null"):
		return p.literal("null", 'z')
	case strings.IndexByte("]},:", p.s[p.i]) >= 0:
		return nil, &JSONError{Detail: fmt.Sprintf("Expected JSON value, but found %q.", p.s[p.i:p.i+1])}
	}
	return nil, p.tokenErr()
}

func (p *jparser) literal(word string, kind byte) (*jnode, error) {
	end := p.i + len(word)
	if end < len(p.s) && isJSONWordByte(p.s[end]) {
		return nil, p.tokenErr()
	}
	p.i = end
	if p.check {
		return checkedNode, nil
	}
	return &jnode{kind: kind}, nil
}

func isJSONWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

func (p *jparser) nest() error {
	p.depth++
	if p.depth > jsonMaxDepth {
		return &JSONError{Detail: "nesting too deep"}
	}
	return nil
}

func (p *jparser) object() (*jnode, error) {
	n, empty, err := p.open('o', '}')
	if err != nil || empty {
		return n, err
	}
	for {
		p.ws()
		if p.i >= len(p.s) {
			return nil, p.endErr()
		}
		if p.s[p.i] != '"' {
			return nil, &JSONError{Detail: fmt.Sprintf("Expected string, but found %q.", p.tokenText())}
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.s) {
			return nil, p.endErr()
		}
		if p.s[p.i] != ':' {
			return nil, &JSONError{Detail: fmt.Sprintf("Expected \":\", but found %q.", p.tokenText())}
		}
		p.i++
		p.ws()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if !p.check {
			n.keys = append(n.keys, k)
			n.elems = append(n.elems, v)
		}
		if done, err := p.next('}'); err != nil || !done {
			if err != nil {
				return nil, err
			}
			continue
		}
		if p.jsonb && !p.check {
			n.canonical()
		}
		return n, nil
	}
}

// open starts an object or array at p.i: its node (checkedNode when
// checking) and whether it closes at once ({}, []).
func (p *jparser) open(kind, close byte) (n *jnode, empty bool, err error) {
	if err := p.nest(); err != nil {
		return nil, false, err
	}
	p.i++ // the opening brace or bracket
	n = checkedNode
	if !p.check {
		n = &jnode{kind: kind}
	}
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == close {
		p.i++
		p.depth--
		return n, true, nil
	}
	return n, false, nil
}

// next reads what follows a member or element: a comma (done false) or
// the closing brace or bracket (done true).
func (p *jparser) next(close byte) (done bool, err error) {
	p.ws()
	if p.i >= len(p.s) {
		return false, p.endErr()
	}
	switch p.s[p.i] {
	case ',':
		p.i++
		return false, nil
	case close:
		p.i++
		p.depth--
		return true, nil
	}
	return false, &JSONError{Detail: fmt.Sprintf("Expected \",\" or \"%c\", but found %q.", close, p.tokenText())}
}

func (p *jparser) array() (*jnode, error) {
	n, empty, err := p.open('a', ']')
	if err != nil || empty {
		return n, err
	}
	for {
		p.ws()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if !p.check {
			n.elems = append(n.elems, v)
		}
		if done, err := p.next(']'); err != nil || done {
			return n, err
		}
	}
}

// tokenText is the token at p.i, for messages.
func (p *jparser) tokenText() string {
	j := p.i
	for j < len(p.s) && !strings.ContainsRune(" \t\n\r,:[]{}", rune(p.s[j])) {
		j++
	}
	if j == p.i {
		j++
	}
	return p.s[p.i:j]
}

// str reads a string at p.i (its opening quote) and returns its value.
func (p *jparser) str() (string, error) {
	start := p.i
	end, escaped, err := jsonStringEnd(p.s, p.i)
	if err != nil {
		return "", err
	}
	p.i = end
	if !escaped {
		body := p.s[start+1 : end-1]
		if !utf8.ValidString(body) {
			return "", &JSONError{Detail: "invalid UTF-8"}
		}
		return body, nil
	}
	v, err := unquoteJSON(p.s[start:end], p.jsonb)
	if err != nil {
		return "", err
	}
	return v, nil
}

// jsonStringEnd is the index after the closing quote of the string that
// opens at i.
func jsonStringEnd(s string, i int) (end int, escaped bool, err error) {
	j := i + 1
	for j < len(s) {
		switch c := s[j]; {
		case c == '"':
			return j + 1, escaped, nil
		case c == '\\':
			j += 2
			escaped = true
		case c < 0x20:
			return 0, false, &JSONError{Detail: fmt.Sprintf("Character with value 0x%02x must be escaped.", c)}
		default:
			j++
		}
	}
	return 0, false, &JSONError{Detail: "The input string ended unexpectedly."}
}

// unquoteJSON decodes a quoted JSON string (quotes included).
func unquoteJSON(q string, jsonb bool) (string, error) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return "", &JSONError{Detail: "The input string ended unexpectedly."}
	}
	body := q[1 : len(q)-1]
	if strings.IndexByte(body, '\\') < 0 {
		if !utf8.ValidString(body) {
			return "", &JSONError{Detail: "invalid UTF-8"}
		}
		return body, nil
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(body) {
			return "", &JSONError{Detail: "The input string ended unexpectedly."}
		}
		switch body[i] {
		case '"', '\\', '/':
			b.WriteByte(body[i])
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, n, err := readU4(body[i+1:])
			if err != nil {
				return "", err
			}
			i += n
			if utf16.IsSurrogate(r) {
				if r >= 0xdc00 {
					return "", &JSONError{Detail: "Unicode low surrogate must follow a high surrogate."}
				}
				if !strings.HasPrefix(body[i+1:], `\u`) {
					return "", &JSONError{Detail: "Unicode low surrogate must follow a high surrogate."}
				}
				r2, n2, err := readU4(body[i+3:])
				if err != nil {
					return "", err
				}
				if r2 >= 0xd800 && r2 < 0xdc00 {
					return "", &JSONError{Detail: "Unicode high surrogate must not follow a high surrogate."}
				}
				if r2 < 0xdc00 || r2 > 0xdfff {
					return "", &JSONError{Detail: "Unicode low surrogate must follow a high surrogate."}
				}
				i += 2 + n2
				r = utf16.DecodeRune(r, r2)
			}
			if r == 0 && jsonb {
				return "", &JSONError{Msg: "unsupported Unicode escape sequence", Detail: `\u0000 cannot be converted to text.`}
			}
			b.WriteRune(r)
		default:
			return "", &JSONError{Detail: fmt.Sprintf("Escape sequence \"\\%c\" is invalid.", body[i])}
		}
	}
	if !utf8.ValidString(b.String()) {
		return "", &JSONError{Detail: "invalid UTF-8"}
	}
	return b.String(), nil
}

// readU4 reads the four hex digits of a \u escape.
func readU4(s string) (rune, int, error) {
	if len(s) < 4 {
		return 0, 0, &JSONError{Detail: `"\u" must be followed by four hexadecimal digits.`}
	}
	v, err := strconv.ParseUint(s[:4], 16, 32)
	if err != nil {
		return 0, 0, &JSONError{Detail: `"\u" must be followed by four hexadecimal digits.`}
	}
	return rune(v), 4, nil
}

// number reads a JSON number.
func (p *jparser) number() (*jnode, error) {
	start := p.i
	j := p.i
	if j < len(p.s) && p.s[j] == '-' {
		j++
	}
	digits := func() int {
		k := j
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		return j - k
	}
	bad := func() error {
		p.i = start
		return p.tokenErr()
	}
	if j < len(p.s) && p.s[j] == '0' {
		j++
	} else if digits() == 0 {
		return nil, bad()
	}
	if j < len(p.s) && p.s[j] == '.' {
		j++
		if digits() == 0 {
			return nil, bad()
		}
	}
	if j < len(p.s) && (p.s[j] == 'e' || p.s[j] == 'E') {
		j++
		if j < len(p.s) && (p.s[j] == '+' || p.s[j] == '-') {
			j++
		}
		if digits() == 0 {
			return nil, bad()
		}
	}
	if j < len(p.s) && isJSONWordByte(p.s[j]) {
		return nil, bad()
	}
	p.i = j
	text := p.s[start:j]
	if p.check {
		if p.jsonb {
			return checkedNode, numericFits(text)
		}
		return checkedNode, nil
	}
	if p.jsonb {
		var err error
		if text, err = numericText(text); err != nil {
			return nil, err
		}
	}
	return &jnode{kind: 'n', str: text}, nil
}

// numericFits checks that a JSON number fits PostgreSQL's numeric, as
// numericText would, without writing it.
func numericFits(num string) error {
	k := 0
	for k < len(num) && num[k] != 'e' && num[k] != 'E' {
		k++
	}
	if k == len(num) && len(num) < 16384 {
		return nil // positional and short: fits
	}
	num = strings.TrimPrefix(num, "-")
	mant, exp := num, 0
	if k := strings.IndexAny(num, "eE"); k >= 0 {
		mant = num[:k]
		e, err := strconv.Atoi(strings.TrimPrefix(num[k+1:], "+"))
		if err != nil || e > 131072 || e < -16383 {
			return fmt.Errorf("value overflows numeric format")
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if len(intPart)+exp > 131072 || len(frac)-exp > 16383 {
		return fmt.Errorf("value overflows numeric format")
	}
	return nil
}

// numericText writes a JSON number as PostgreSQL's numeric prints it: in
// positional notation, with the scale its digits and exponent give
// (1.50 stays 1.50, 12.30e1 is 123.0, 1e2 is 100, -0 is 0).
func numericText(num string) (string, error) {
	if strings.IndexAny(num, "eE") < 0 && !strings.HasPrefix(num, "-0") {
		return num, nil // positional already, and not a negative zero
	}
	neg := strings.HasPrefix(num, "-")
	num = strings.TrimPrefix(num, "-")
	mant, exp := num, 0
	if k := strings.IndexAny(num, "eE"); k >= 0 {
		mant = num[:k]
		e, err := strconv.Atoi(strings.TrimPrefix(num[k+1:], "+"))
		if err != nil || e > 131072 || e < -16383 {
			return "", fmt.Errorf("value overflows numeric format")
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	point := len(intPart) + exp // the point's place among digits
	scale := max(len(frac)-exp, 0)
	if point > 131072 || scale > 16383 {
		return "", fmt.Errorf("value overflows numeric format")
	}
	var whole, fraction string
	switch {
	case point <= 0:
		whole = "0"
		fraction = strings.Repeat("0", -point) + digits
	case point >= len(digits):
		whole = digits + strings.Repeat("0", point-len(digits))
	default:
		whole, fraction = digits[:point], digits[point:]
	}
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	if len(fraction) > scale {
		fraction = fraction[:scale] // only zeros go (the exponent moved them)
	} else {
		fraction += strings.Repeat("0", scale-len(fraction))
	}
	out := whole
	if scale > 0 {
		out += "." + fraction
	}
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out, nil
}

// jsonbKeyLess orders jsonb's object keys: shorter first, then by bytes.
func jsonbKeyLess(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// canonical sorts an object's keys as jsonb does, keeping the last of
// duplicate keys.
func (n *jnode) canonical() {
	if len(n.keys) < 2 {
		return
	}
	idx := make([]int, len(n.keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return jsonbKeyLess(n.keys[a], n.keys[b]) })
	keys := make([]string, 0, len(idx))
	vals := make([]*jnode, 0, len(idx))
	for _, i := range idx {
		if k := len(keys); k > 0 && keys[k-1] == n.keys[i] {
			vals[k-1] = n.elems[i] // a later duplicate wins
			continue
		}
		keys = append(keys, n.keys[i])
		vals = append(vals, n.elems[i])
	}
	n.keys, n.elems = keys, vals
}

// appendJSONB writes n in jsonb's text form.
func appendJSONB(dst []byte, n *jnode) []byte { return appendJSONSep(dst, n, ", ", ": ") }

// appendJSONCompact writes n as json without whitespace, its numbers as
// written (json_strip_nulls).
func appendJSONCompact(dst []byte, n *jnode) []byte { return appendJSONSep(dst, n, ",", ":") }

// appendJSONSep writes n with comma between elements and members and
// colon after keys.
func appendJSONSep(dst []byte, n *jnode, comma, colon string) []byte {
	switch n.kind {
	case 'o':
		dst = append(dst, '{')
		for i, k := range n.keys {
			if i > 0 {
				dst = append(dst, comma...)
			}
			dst = appendJSONString(dst, k)
			dst = append(dst, colon...)
			dst = appendJSONSep(dst, n.elems[i], comma, colon)
		}
		return append(dst, '}')
	case 'a':
		dst = append(dst, '[')
		for i, e := range n.elems {
			if i > 0 {
				dst = append(dst, comma...)
			}
			dst = appendJSONSep(dst, e, comma, colon)
		}
		return append(dst, ']')
	case 's':
		return appendJSONString(dst, n.str)
	case 'n':
		return append(dst, n.str...)
	case 't':
		return append(dst, "true"...)
	case 'f':
		return append(dst, "false"...)
	}
	return append(dst, "null"...)
}

// JSONObjectOf is json_object(text[]) with one argument (alternating keys
// and values, one dimension or pairs) or json_object(keys, values) with
// two, from their arrays' text; jsonb writes jsonb's form (keys sorted, the
// last of equal keys kept). Values are strings, NULL elements null; a NULL
// key is an error.
func JSONObjectOf(jsonb bool, arrays ...any) (any, error) {
	var keys, vals []*string
	read := func(v any) ([]*string, error) {
		s, _ := v.(string)
		if strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "{")), "{") {
			return readPairs(s)
		}
		elems, ok := ParseArrayText(s)
		if !ok {
			return nil, fmt.Errorf("malformed array literal: %q", s)
		}
		return elems, nil
	}
	first, err := read(arrays[0])
	if err != nil {
		return nil, err
	}
	if len(arrays) == 1 {
		if len(first)%2 != 0 {
			return nil, &CodedError{Code: "2202E", Msg: "array must have even number of elements"}
		}
		for i := 0; i < len(first); i += 2 {
			keys, vals = append(keys, first[i]), append(vals, first[i+1])
		}
	} else {
		if vals, err = read(arrays[1]); err != nil {
			return nil, err
		}
		keys = first
		if len(keys) != len(vals) {
			return nil, &CodedError{Code: "2202E", Msg: "mismatched array dimensions"}
		}
	}
	n := &jnode{kind: 'o'}
	for i, k := range keys {
		if k == nil {
			return nil, &CodedError{Code: "22004", Msg: "null value not allowed for object key"}
		}
		v := &jnode{kind: 'z'}
		if vals[i] != nil {
			v = &jnode{kind: 's', str: *vals[i]}
		}
		n.keys, n.elems = append(n.keys, *k), append(n.elems, v)
	}
	if jsonb {
		n.canonical()
		return string(appendJSONB(nil, n)), nil
	}
	return string(appendJSONSep(nil, n, ", ", " : ")), nil // its values are strings and nulls
}

// readPairs reads a two-dimensional text array of [key, value] pairs,
// '{{a,1},{b,2}}', as alternating keys and values.
func readPairs(s string) ([]*string, error) {
	inner := strings.TrimSpace(s)
	inner = strings.TrimSpace(inner[1 : len(inner)-1]) // within the outer braces
	var out []*string
	for inner != "" {
		end := strings.IndexByte(inner, '}')
		if !strings.HasPrefix(inner, "{") || end < 0 {
			return nil, fmt.Errorf("malformed array literal: %q", s)
		}
		pair, ok := ParseArrayText(inner[:end+1])
		if !ok {
			return nil, fmt.Errorf("malformed array literal: %q", s)
		}
		if len(pair) != 2 {
			return nil, &CodedError{Code: "2202E", Msg: "array must have two columns"}
		}
		out = append(out, pair...)
		inner = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(inner[end+1:]), ","))
	}
	return out, nil
}

// appendJSONPretty writes n as jsonb_pretty does: four spaces a level.
func appendJSONPretty(dst []byte, n *jnode, level int) []byte {
	indent := func(l int) {
		dst = append(dst, '\n')
		for k := 0; k < l; k++ {
			dst = append(dst, "    "...)
		}
	}
	switch n.kind {
	case 'o', 'a':
		open, close := byte('{'), byte('}')
		if n.kind == 'a' {
			open, close = '[', ']'
		}
		dst = append(dst, open)
		for i, e := range n.elems {
			if i > 0 {
				dst = append(dst, ',')
			}
			indent(level + 1)
			if n.kind == 'o' {
				dst = appendJSONString(dst, n.keys[i])
				dst = append(dst, ": "...)
			}
			dst = appendJSONPretty(dst, e, level+1)
		}
		indent(level)
		return append(dst, close)
	}
	return appendJSONB(dst, n)
}

// AppendJSONString writes s as a JSON string (appendJSONString).
func AppendJSONString(dst []byte, s string) []byte { return appendJSONString(dst, s) }

// appendJSONString writes s as a JSON string, escaped as PostgreSQL
// escapes: \" \\ \b \f \n \r \t, other control characters as \u00XX.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, `\"`...)
		case '\\':
			dst = append(dst, `\\`...)
		case '\b':
			dst = append(dst, `\b`...)
		case '\f':
			dst = append(dst, `\f`...)
		case '\n':
			dst = append(dst, `\n`...)
		case '\r':
			dst = append(dst, `\r`...)
		case '\t':
			dst = append(dst, `\t`...)
		default:
			dst = append(dst, `\u00`...)
			dst = append(dst, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// JSONBText is text read as jsonb, in jsonb's form.
func JSONBText(s string) (string, error) {
	n, err := ParseJSON(s, true)
	if err != nil {
		return "", err
	}
	return string(appendJSONB(nil, n)), nil
}

// CheckJSON checks that text is JSON (json keeps it as written).
func CheckJSON(s string) error { return checkJSON(s, false) }

// checkJSON checks text as json (jsonb false) or jsonb reads it, building
// nothing.
func checkJSON(s string, jsonb bool) error {
	p := &jparser{s: s, jsonb: jsonb, check: true}
	p.ws()
	if _, err := p.value(); err != nil {
		return err
	}
	p.ws()
	if p.i < len(p.s) {
		return p.tokenErr()
	}
	return nil
}

// --- Reading values out of JSON text without parsing all of it. The text
// is valid JSON (checked when it became json or jsonb).

// jsonWS skips white space from i.
func jsonWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// jsonSkip returns the end of the value that starts at i.
func jsonSkip(s string, i int) int {
	if i >= len(s) {
		return len(s) // text that is not JSON (never made so): nothing more
	}
	switch s[i] {
	case '"':
		j := i + 1
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		return min(j+1, len(s))
	case '{', '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			case '"':
				j = jsonSkip(s, j) - 1
			}
		}
		return len(s)
	}
	j := i
	for j < len(s) && !jsonDelim[s[j]] {
		j++
	}
	return j
}

// jsonDelim marks the bytes that end a JSON number or literal.
var jsonDelim = [256]bool{' ': true, '\t': true, '\n': true, '\r': true, ',': true, ']': true, '}': true}

// eachJSONMember calls f with the raw (quoted) key and the raw value of
// each member of the object s, in the order written, until f returns
// false; it reports false when s is no object.
func eachJSONMember(s string, f func(key, val string) bool) bool {
	i := jsonWS(s, 0)
	if i >= len(s) || s[i] != '{' {
		return false
	}
	i = jsonWS(s, i+1)
	for i < len(s) && s[i] == '"' {
		kend := jsonSkip(s, i)
		if kend-i < 2 {
			break
		}
		key := s[i:kend]
		i = jsonWS(s, kend)
		i = jsonWS(s, i+1) // ':'
		if i >= len(s) {
			break
		}
		vend := jsonSkip(s, i)
		if !f(key, s[i:vend]) {
			break
		}
		if i = jsonWS(s, vend); i >= len(s) || s[i] != ',' {
			break
		}
		i = jsonWS(s, i+1)
	}
	return true
}

// jsonField returns the raw value of key in the object s (the last one of
// duplicates, as PostgreSQL's json reads them); ok is false when s is no
// object or has no such key.
func jsonField(s, key string) (raw string, ok bool) {
	eachJSONMember(s, func(k, v string) bool {
		body := k[1 : len(k)-1]
		var match bool
		if strings.IndexByte(body, '\\') < 0 {
			match = body == key
		} else if u, err := unquoteJSON(k, false); err == nil {
			match = u == key // a\"b is the key a"b
		}
		if match {
			raw, ok = v, true
		}
		return true
	})
	return raw, ok
}

// jsonElements returns the raw elements of the array s; ok is false when
// s is no array.
func jsonElements(s string) (elems []string, ok bool) {
	i := jsonWS(s, 0)
	if i >= len(s) || s[i] != '[' {
		return nil, false
	}
	i = jsonWS(s, i+1)
	if i < len(s) && s[i] == ']' {
		return nil, true
	}
	for i < len(s) {
		end := jsonSkip(s, i)
		elems = append(elems, s[i:end])
		i = jsonWS(s, end)
		if i < len(s) && s[i] == ',' {
			i = jsonWS(s, i+1)
			continue
		}
		break
	}
	return elems, true
}

// jsonIndex returns element idx of the array s (negative: from the end).
func jsonIndex(s string, idx int64) (string, bool) {
	elems, ok := jsonElements(s)
	if !ok {
		return "", false
	}
	if idx < 0 {
		idx += int64(len(elems))
	}
	if idx < 0 || idx >= int64(len(elems)) {
		return "", false
	}
	return elems[idx], true
}

// jsonScalarText is a raw value as ->> gives it: a string's value, NULL
// for null, other values' text.
func jsonScalarText(raw string) (string, bool, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "null":
		return "", false, nil
	case strings.HasPrefix(raw, `"`):
		s, err := unquoteJSON(raw, true) // text holds no \u0000
		return s, err == nil, err
	}
	return raw, true, nil
}

// JSONTypeof is json_typeof: object, array, string, number, boolean, null.
func JSONTypeof(s string) string {
	i := jsonWS(s, 0)
	if i >= len(s) {
		return "null"
	}
	switch s[i] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// jsonPath follows a path of keys and array indexes (#>): ok is false
// when a step finds nothing.
func jsonPath(s string, path []string) (string, bool) {
	for _, step := range path {
		switch JSONTypeof(s) {
		case "object":
			v, ok := jsonField(s, step)
			if !ok {
				return "", false
			}
			s = v
		case "array":
			n, err := strconv.ParseInt(strings.TrimSpace(step), 10, 64)
			if err != nil {
				return "", false
			}
			v, ok := jsonIndex(s, n)
			if !ok {
				return "", false
			}
			s = v
		default:
			return "", false
		}
	}
	return s, true
}

// --- jsonb operators over parsed values.

// jsonbContains is a @> b (jsonb_deep_contains): objects contain objects
// whose every key they have with a contained value; arrays contain arrays
// whose every element equals or is contained in one of theirs; a
// top-level array contains a scalar it holds.
func jsonbContains(a, b *jnode, top bool) bool {
	if a.kind != b.kind {
		if top && a.kind == 'a' && b.kind != 'o' && b.kind != 'a' {
			for _, e := range a.elems {
				if jsonbScalarEqual(e, b) {
					return true
				}
			}
		}
		return false
	}
	switch a.kind {
	case 'o':
		for i, k := range b.keys {
			j, found := slices.BinarySearchFunc(a.keys, k, jsonbKeyLess)
			if !found {
				return false
			}
			av, bv := a.elems[j], b.elems[i]
			if bv.kind == 'o' || bv.kind == 'a' {
				if av.kind != bv.kind || !jsonbContains(av, bv, false) {
					return false
				}
			} else if !jsonbScalarEqual(av, bv) {
				return false
			}
		}
		return true
	case 'a':
		for _, bv := range b.elems {
			found := false
			for _, av := range a.elems {
				if bv.kind == 'o' || bv.kind == 'a' {
					found = av.kind == bv.kind && jsonbContains(av, bv, false)
				} else {
					found = jsonbScalarEqual(av, bv)
				}
				if found {
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	return jsonbScalarEqual(a, b)
}

// jsonbTextEqual compares two jsonb texts by value (1.0 equals 1).
func jsonbTextEqual(a, b string) (bool, error) {
	if a == b {
		return true, nil
	}
	x, err := ParseJSON(a, true)
	if err != nil {
		return false, err
	}
	y, err := ParseJSON(b, true)
	if err != nil {
		return false, err
	}
	return jsonbEqual(x, y), nil
}

// jsonbEqual compares two jsonb values: same structure, keys and
// elements, numbers equal by value.
func jsonbEqual(a, b *jnode) bool {
	if a.kind != b.kind || len(a.elems) != len(b.elems) {
		return false
	}
	switch a.kind {
	case 'o':
		for i := range a.keys {
			if a.keys[i] != b.keys[i] || !jsonbEqual(a.elems[i], b.elems[i]) {
				return false
			}
		}
		return true
	case 'a':
		for i := range a.elems {
			if !jsonbEqual(a.elems[i], b.elems[i]) {
				return false
			}
		}
		return true
	}
	return jsonbScalarEqual(a, b)
}

// jsonbScalarEqual compares scalars as jsonb does: numbers by value.
func jsonbScalarEqual(a, b *jnode) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case 's':
		return a.str == b.str
	case 'n':
		if a.str == b.str {
			return true
		}
		x, ok1 := new(big.Rat).SetString(a.str)
		y, ok2 := new(big.Rat).SetString(b.str)
		return ok1 && ok2 && x.Cmp(y) == 0
	case 'o', 'a':
		return false
	}
	return true
}

// jsonbExists is a ? key: an object's key, an array's string element, a
// string scalar equal to it.
func jsonbExists(n *jnode, key string) bool {
	switch n.kind {
	case 'o':
		_, found := slices.BinarySearchFunc(n.keys, key, jsonbKeyLess)
		return found
	case 'a':
		for _, e := range n.elems {
			if e.kind == 's' && e.str == key {
				return true
			}
		}
		return false
	case 's':
		return n.str == key
	}
	return false
}

// jsonbConcat is a || b: objects merged (b's keys win), arrays joined, a
// non-array beside an array an element of it, two others a pair.
func jsonbConcat(a, b *jnode) *jnode {
	if a.kind == 'o' && b.kind == 'o' {
		out := &jnode{kind: 'o', keys: append(slices.Clone(a.keys), b.keys...), elems: append(slices.Clone(a.elems), b.elems...)}
		out.canonical()
		return out
	}
	items := func(n *jnode) []*jnode {
		if n.kind == 'a' {
			return n.elems
		}
		return []*jnode{n}
	}
	return &jnode{kind: 'a', elems: append(slices.Clone(items(a)), items(b)...)}
}

// jsonbDeleteKey is jsonb - text: the key of an object, the equal strings
// of an array.
func jsonbDeleteKey(n *jnode, keys ...string) (*jnode, error) {
	switch n.kind {
	case 'o':
		out := &jnode{kind: 'o'}
		for i, k := range n.keys {
			if !slices.Contains(keys, k) {
				out.keys = append(out.keys, k)
				out.elems = append(out.elems, n.elems[i])
			}
		}
		return out, nil
	case 'a':
		out := &jnode{kind: 'a'}
		for _, e := range n.elems {
			if !(e.kind == 's' && slices.Contains(keys, e.str)) {
				out.elems = append(out.elems, e)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("cannot delete from scalar")
}

// jsonbDeleteIndex is jsonb - integer: element idx of an array (negative:
// from the end).
func jsonbDeleteIndex(n *jnode, idx int64) (*jnode, error) {
	switch n.kind {
	case 'o':
		return nil, fmt.Errorf("cannot delete from object using integer index")
	case 'a':
		if idx < 0 {
			idx += int64(len(n.elems))
		}
		if idx < 0 || idx >= int64(len(n.elems)) {
			return n, nil
		}
		return &jnode{kind: 'a', elems: slices.Delete(slices.Clone(n.elems), int(idx), int(idx)+1)}, nil
	}
	return nil, fmt.Errorf("cannot delete from scalar")
}

// jsonbStripNulls drops object fields whose value is null, at every level.
func jsonbStripNulls(n *jnode) *jnode {
	switch n.kind {
	case 'o':
		out := &jnode{kind: 'o'}
		for i, k := range n.keys {
			if n.elems[i].kind == 'z' {
				continue
			}
			out.keys = append(out.keys, k)
			out.elems = append(out.elems, jsonbStripNulls(n.elems[i]))
		}
		return out
	case 'a':
		out := &jnode{kind: 'a', elems: make([]*jnode, len(n.elems))}
		for i, e := range n.elems {
			out.elems[i] = jsonbStripNulls(e)
		}
		return out
	}
	return n
}

// JSONElements are the raw elements of a JSON array (json_array_elements);
// err is PostgreSQL's for an object or a scalar.
func JSONElements(doc string) ([]string, error) {
	switch JSONTypeof(doc) {
	case "array":
		elems, _ := jsonElements(doc)
		return elems, nil
	case "object":
		return nil, fmt.Errorf("cannot extract elements from an object")
	}
	return nil, fmt.Errorf("cannot extract elements from a scalar")
}

// JSONMembers are the keys and raw values of a JSON object, in the order
// written (json_each; jsonb's text has them in its order, once each); ok
// is false when doc is no object.
func JSONMembers(doc string) (keys, vals []string, ok bool, err error) {
	ok = eachJSONMember(doc, func(k, v string) bool {
		var key string
		if key, err = unquoteJSON(k, true); err != nil {
			return false
		}
		keys, vals = append(keys, key), append(vals, v)
		return true
	})
	return keys, vals, ok, err
}

// JSONValueText is a raw JSON value as ->> and the _text functions give
// it: a string's value, NULL (ok false) for null, others as written.
func JSONValueText(raw string) (s string, ok bool, err error) { return jsonScalarText(raw) }

// JSONBSortKey is a byte string whose order is jsonb's (PostgreSQL's
// btree order): object > array > boolean > number > string > null,
// containers by their size first, then member by member (object keys in
// jsonb's order, each compared as text), numbers by value (1.0 = 1); a
// top-level scalar is an array of one that sorts before real arrays of
// one, and the empty array before everything.
func JSONBSortKey(doc string) (string, error) {
	n, err := ParseJSON(doc, true)
	if err != nil {
		return "", err
	}
	var k []byte
	switch n.kind {
	case 'o':
		k = appendSortKey(k, n)
	case 'a':
		k = append(k, 0x05)
		k = appendUint32(k, uint32(len(n.elems)))
		k = append(k, 0x01)
		for _, e := range n.elems {
			k = appendSortKey(k, e)
		}
	default:
		k = append(k, 0x05)
		k = appendUint32(k, 1)
		k = append(k, 0x00) // a raw scalar
		k = appendSortKey(k, n)
	}
	return string(k), nil
}

func appendUint32(k []byte, v uint32) []byte {
	return append(k, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// appendSortKey writes a value's key inside a container.
func appendSortKey(k []byte, n *jnode) []byte {
	switch n.kind {
	case 'z':
		return append(k, 0x01)
	case 's':
		return appendStringKey(append(k, 0x02), n.str)
	case 'n':
		return appendNumberKey(append(k, 0x03), n.str)
	case 'f':
		return append(k, 0x04, 0)
	case 't':
		return append(k, 0x04, 1)
	case 'a':
		k = append(k, 0x05)
		k = appendUint32(k, uint32(len(n.elems)))
		k = append(k, 0x01)
		for _, e := range n.elems {
			k = appendSortKey(k, e)
		}
		return k
	}
	k = append(k, 0x06)
	k = appendUint32(k, uint32(len(n.keys)))
	for i, key := range n.keys {
		k = appendStringKey(k, key)
		k = appendSortKey(k, n.elems[i])
	}
	return k
}

// appendStringKey writes s so that byte order is kept and a prefix sorts
// first: 0x00 escaped as 0x00 0xFF, ended by 0x00 0x00.
func appendStringKey(k []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			k = append(k, 0, 0xFF)
			continue
		}
		k = append(k, s[i])
	}
	return append(k, 0, 0)
}

// appendNumberKey writes a number (numeric text) so that byte order is
// numeric order: a sign class, then for magnitudes the decimal exponent
// and the significant digits (inverted for negatives).
func appendNumberKey(k []byte, num string) []byte {
	neg := strings.HasPrefix(num, "-")
	num = strings.TrimPrefix(num, "-")
	intPart, frac, _ := strings.Cut(num, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	exp := len(intPart) - (len(intPart+frac) - len(strings.TrimLeft(intPart+frac, "0")))
	digits = strings.TrimRight(digits, "0")
	if digits == "" {
		return append(k, 0x80) // zero
	}
	body := appendUint32(nil, uint32(int64(exp)+1<<31))
	body = append(body, digits...)
	body = append(body, 0)
	if !neg {
		return append(append(k, 0xC0), body...)
	}
	k = append(k, 0x40)
	for _, c := range body {
		k = append(k, ^c)
	}
	return k
}
