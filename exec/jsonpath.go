package exec

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// SQL/JSON path language (PostgreSQL's jsonpath) for jsonb_path_query,
// jsonb_path_exists, jsonb_path_match and the @? and @@ operators: lax
// (the default) or strict mode; $, @, $name variables and literals;
// accessors .key, ."key", .*, .**, [*], [i], [i to j], last; filters
// ? (...) with == != <> < <= > >=, && || !, exists (...), like_regex,
// starts with and is unknown; + - * / % and unary signs; the methods
// type(), size(), double(), abs(), floor() and ceiling().

// jpStep is one accessor after a path's first item.
type jpStep struct {
	kind   byte     // '.' key, '*' any member, 'A' any element, '[' subscripts, 'R' any level, 'm' method, '?' filter
	key    string   // '.': the key; 'm': the method
	subs   []jpExpr // '[': index expressions, in pairs (from, to; a to of kind 0 for one index)
	filter *jpPred  // '?'
}

// jpExpr is a path expression: a primary item and its accessors, or an
// arithmetic operation.
type jpExpr struct {
	kind  byte   // '$' root, '@' current, 'v' variable, 'l' literal, 'L' last, 'b' binary op, 'u' unary op, 'p' a predicate as a value, 'g' a parenthesized expression (l)
	name  string // 'v': the variable; 'b', 'u': the operator
	lit   *jnode
	l, r  *jpExpr
	pred  *jpPred
	steps []jpStep
}

// jpPred is a predicate: a comparison, a logical operation, exists,
// like_regex, starts with or is unknown.
type jpPred struct {
	kind  byte   // 'c' comparison, '&', '|', '!', 'e' exists, 'r' like_regex, 's' starts with, 'u' is unknown
	op    string // 'c': the comparison
	l, r  *jpExpr
	a, b  *jpPred
	regex *regexp.Regexp
}

// JSONPath is a parsed jsonpath.
type JSONPath struct {
	strict bool
	expr   *jpExpr
}

// jpSyntaxError is a jsonpath's syntax error, as PostgreSQL words it.
func jpSyntaxError(near string) error {
	if near == "" {
		return &CodedError{Code: "42601", Msg: "syntax error at end of jsonpath input"}
	}
	return &CodedError{Code: "42601", Msg: fmt.Sprintf("syntax error at or near %q of jsonpath input", near)}
}

// jpParser reads a jsonpath's text.
type jpParser struct {
	s     string
	i     int
	depth int
}

// ParseJSONPath parses a jsonpath.
func ParseJSONPath(s string) (*JSONPath, error) {
	p := &jpParser{s: s}
	jp := &JSONPath{}
	switch {
	case p.keyword("strict"):
		jp.strict = true
	case p.keyword("lax"):
	}
	e, err := p.exprOrPredicate()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i < len(p.s) {
		return nil, jpSyntaxError(p.near())
	}
	jp.expr = e
	return jp, nil
}

func (p *jpParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\n\r\f\v", p.s[p.i]) >= 0 {
		p.i++
	}
}

// near is the token at the parser's position, for an error.
func (p *jpParser) near() string {
	p.space()
	if p.i >= len(p.s) {
		return ""
	}
	j := p.i + 1
	if isJPIdent(p.s[p.i]) {
		for j < len(p.s) && isJPIdent(p.s[j]) {
			j++
		}
	}
	return p.s[p.i:j]
}

func isJPIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// punct consumes tok when it is next.
func (p *jpParser) punct(tok string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

// keyword consumes word when it is next as a whole word.
func (p *jpParser) keyword(word string) bool {
	p.space()
	if len(p.s)-p.i < len(word) || !strings.EqualFold(p.s[p.i:p.i+len(word)], word) {
		return false
	}
	if j := p.i + len(word); j < len(p.s) && isJPIdent(p.s[j]) {
		return false
	}
	p.i += len(word)
	return true
}

func (p *jpParser) enter() error {
	p.depth++
	if p.depth > 200 {
		return &CodedError{Code: "54001", Msg: "jsonpath is nested too deeply"}
	}
	return nil
}

// exprOrPredicate is the top level: an expression, or a predicate whose
// value is true, false or null (unknown).
func (p *jpParser) exprOrPredicate() (*jpExpr, error) {
	pred, e, err := p.predOrExpr()
	if err != nil {
		return nil, err
	}
	if pred != nil {
		return &jpExpr{kind: 'p', pred: pred}, nil
	}
	return e, nil
}

// predOrExpr reads an || chain; it returns a predicate, or an expression
// when no predicate operator was met.
func (p *jpParser) predOrExpr() (*jpPred, *jpExpr, error) {
	if err := p.enter(); err != nil {
		return nil, nil, err
	}
	defer func() { p.depth-- }()
	a, e, err := p.andOrExpr()
	if err != nil || a == nil {
		return a, e, err
	}
	for p.punct("||") {
		b, _, err := p.andOrExpr()
		if err != nil {
			return nil, nil, err
		}
		if b == nil {
			return nil, nil, jpSyntaxError(p.near())
		}
		a = &jpPred{kind: '|', a: a, b: b}
	}
	return a, nil, nil
}

func (p *jpParser) andOrExpr() (*jpPred, *jpExpr, error) {
	a, e, err := p.notOrExpr()
	if err != nil || a == nil {
		return a, e, err
	}
	for p.punct("&&") {
		b, _, err := p.notOrExpr()
		if err != nil {
			return nil, nil, err
		}
		if b == nil {
			return nil, nil, jpSyntaxError(p.near())
		}
		a = &jpPred{kind: '&', a: a, b: b}
	}
	return a, nil, nil
}

func (p *jpParser) notOrExpr() (*jpPred, *jpExpr, error) {
	if p.punct("!") {
		if !p.punct("(") {
			return nil, nil, jpSyntaxError(p.near())
		}
		a, _, err := p.predOrExpr()
		if err != nil {
			return nil, nil, err
		}
		if a == nil || !p.punct(")") {
			return nil, nil, jpSyntaxError(p.near())
		}
		return p.isUnknown(&jpPred{kind: '!', a: a})
	}
	if p.keyword("exists") {
		if !p.punct("(") {
			return nil, nil, jpSyntaxError(p.near())
		}
		e, err := p.expr()
		if err != nil {
			return nil, nil, err
		}
		if !p.punct(")") {
			return nil, nil, jpSyntaxError(p.near())
		}
		return p.isUnknown(&jpPred{kind: 'e', l: e})
	}
	// A parenthesized predicate, or an expression that starts with one.
	save := p.i
	if p.punct("(") {
		a, e, err := p.predOrExpr()
		if err == nil && a != nil && p.punct(")") {
			return p.isUnknown(a)
		}
		if err == nil && e != nil && p.punct(")") {
			// (expr): continue it as an expression.
			e, err = p.continueExpr(e)
			if err != nil {
				return nil, nil, err
			}
			return p.comparison(e)
		}
		p.i = save
	}
	e, err := p.expr()
	if err != nil {
		return nil, nil, err
	}
	return p.comparison(e)
}

// isUnknown reads an optional "is unknown" after a predicate.
func (p *jpParser) isUnknown(a *jpPred) (*jpPred, *jpExpr, error) {
	save := p.i
	if p.keyword("is") {
		if !p.keyword("unknown") {
			p.i = save
			return nil, nil, jpSyntaxError(p.near())
		}
		return &jpPred{kind: 'u', a: a}, nil, nil
	}
	return a, nil, nil
}

var jpComparisons = []string{"==", "!=", "<>", "<=", ">=", "<", ">"}

// comparison reads what may follow an expression in a predicate.
func (p *jpParser) comparison(e *jpExpr) (*jpPred, *jpExpr, error) {
	for _, op := range jpComparisons {
		if p.punct(op) {
			r, err := p.expr()
			if err != nil {
				return nil, nil, err
			}
			if op == "<>" {
				op = "!="
			}
			return &jpPred{kind: 'c', op: op, l: e, r: r}, nil, nil
		}
	}
	if p.keyword("like_regex") {
		pat, err := p.stringLit()
		if err != nil {
			return nil, nil, err
		}
		flags := ""
		if p.keyword("flag") {
			if flags, err = p.stringLit(); err != nil {
				return nil, nil, err
			}
		}
		re, err := jpRegex(pat, flags)
		if err != nil {
			return nil, nil, err
		}
		return &jpPred{kind: 'r', l: e, regex: re}, nil, nil
	}
	if p.keyword("starts") {
		if !p.keyword("with") {
			return nil, nil, jpSyntaxError(p.near())
		}
		r, err := p.primary()
		if err != nil {
			return nil, nil, err
		}
		return &jpPred{kind: 's', l: e, r: r}, nil, nil
	}
	return nil, e, nil
}

// jpRegex compiles like_regex's pattern with its flags (i, s, m, x, q).
func jpRegex(pat, flags string) (*regexp.Regexp, error) {
	prefix := ""
	for _, f := range flags {
		switch f {
		case 'i', 's', 'm':
			if !strings.ContainsRune(prefix, f) {
				prefix += string(f)
			}
		case 'q':
			pat = regexp.QuoteMeta(pat)
		case 'x':
			return nil, &CodedError{Code: "0A000", Msg: `XQuery "x" flag (expanded regular expressions) is not implemented`}
		default:
			return nil, &CodedError{Code: "42601", Msg: "invalid input syntax for type jsonpath",
				Hint: fmt.Sprintf("Unrecognized flag character %q in LIKE_REGEX predicate.", f)}
		}
	}
	if prefix != "" {
		pat = "(?" + prefix + ")" + pat
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, &CodedError{Code: "2201B", Msg: "invalid regular expression: " + err.Error()}
	}
	return re, nil
}

// expr reads an additive expression.
func (p *jpParser) expr() (*jpExpr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	l, err := p.term()
	if err != nil {
		return nil, err
	}
	return p.moreAdditive(l)
}

func (p *jpParser) moreAdditive(l *jpExpr) (*jpExpr, error) {
	for {
		var op string
		switch {
		case p.punct("+"):
			op = "+"
		case p.punct("-"):
			op = "-"
		default:
			return l, nil
		}
		r, err := p.term()
		if err != nil {
			return nil, err
		}
		l = &jpExpr{kind: 'b', name: op, l: l, r: r}
	}
}

func (p *jpParser) term() (*jpExpr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	return p.moreMultiplicative(l)
}

func (p *jpParser) moreMultiplicative(l *jpExpr) (*jpExpr, error) {
	for {
		var op string
		switch {
		case p.punct("*"):
			op = "*"
		case p.punct("/"):
			op = "/"
		case p.punct("%"):
			op = "%"
		default:
			return l, nil
		}
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = &jpExpr{kind: 'b', name: op, l: l, r: r}
	}
}

// continueExpr continues a parenthesized expression with accessors and
// operators.
func (p *jpParser) continueExpr(e *jpExpr) (*jpExpr, error) {
	e, err := p.accessors(&jpExpr{kind: 'g', l: e})
	if err != nil {
		return nil, err
	}
	if e, err = p.moreMultiplicative(e); err != nil {
		return nil, err
	}
	return p.moreAdditive(e)
}

func (p *jpParser) unary() (*jpExpr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	switch {
	case p.punct("+"):
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &jpExpr{kind: 'u', name: "+", l: x}, nil
	case p.punct("-"):
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &jpExpr{kind: 'u', name: "-", l: x}, nil
	}
	save := p.i
	if p.punct("(") {
		e, err := p.expr()
		if err != nil || !p.punct(")") {
			p.i = save
			return nil, jpSyntaxError(p.near())
		}
		return p.accessors(&jpExpr{kind: 'g', l: e})
	}
	return p.primary()
}

// primary reads a path's first item and its accessors.
func (p *jpParser) primary() (*jpExpr, error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, jpSyntaxError("")
	}
	var e *jpExpr
	switch c := p.s[p.i]; {
	case c == '$':
		p.i++
		if p.i < len(p.s) && (isJPIdent(p.s[p.i]) || p.s[p.i] == '"') {
			name, err := p.keyName()
			if err != nil {
				return nil, err
			}
			e = &jpExpr{kind: 'v', name: name}
		} else {
			e = &jpExpr{kind: '$'}
		}
	case c == '@':
		p.i++
		e = &jpExpr{kind: '@'}
	case c == '"':
		s, err := p.stringLit()
		if err != nil {
			return nil, err
		}
		e = &jpExpr{kind: 'l', lit: &jnode{kind: 's', str: s}}
	case c >= '0' && c <= '9' || c == '.' && p.i+1 < len(p.s) && p.s[p.i+1] >= '0' && p.s[p.i+1] <= '9':
		n, err := p.number()
		if err != nil {
			return nil, err
		}
		e = &jpExpr{kind: 'l', lit: n}
	case p.keyword("true"):
		e = &jpExpr{kind: 'l', lit: &jnode{kind: 't'}}
	case p.keyword("false"):
		e = &jpExpr{kind: 'l', lit: &jnode{kind: 'f'}}
	case p.keyword("null"):
		e = &jpExpr{kind: 'l', lit: &jnode{kind: 'z'}}
	case p.keyword("last"):
		e = &jpExpr{kind: 'L'}
	default:
		return nil, jpSyntaxError(p.near())
	}
	return p.accessors(e)
}

// number reads a numeric literal as jsonb writes it.
func (p *jpParser) number() (*jnode, error) {
	j := p.i
	for j < len(p.s) && (p.s[j] >= '0' && p.s[j] <= '9' || p.s[j] == '.' || p.s[j] == 'e' || p.s[j] == 'E' ||
		(p.s[j] == '+' || p.s[j] == '-') && j > p.i && (p.s[j-1] == 'e' || p.s[j-1] == 'E')) {
		j++
	}
	text := p.s[p.i:j]
	if strings.HasSuffix(text, ".") {
		text = text[:len(text)-1] // $[1.] is not a number's point: 1 then a member accessor
		j--
	}
	if j < len(p.s) && isJPIdent(p.s[j]) {
		return nil, &CodedError{Code: "42601", Msg: fmt.Sprintf("trailing junk after numeric literal at or near %q of jsonpath input", p.s[p.i:j+1])}
	}
	n, err := ParseJSON(text, true)
	if err != nil || n.kind != 'n' {
		if r, ok := new(big.Rat).SetString(text); ok {
			p.i = j
			return &jnode{kind: 'n', str: ratText(r, decimalScale(text))}, nil
		}
		return nil, jpSyntaxError(text)
	}
	p.i = j
	return n, nil
}

// stringLit reads a double-quoted string.
func (p *jpParser) stringLit() (string, error) {
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return "", jpSyntaxError(p.near())
	}
	j, _, err := jsonStringEnd(p.s, p.i)
	if err != nil {
		return "", &CodedError{Code: "42601", Msg: "unterminated quoted string in jsonpath input"}
	}
	s, err := unquoteJSON(p.s[p.i:j], true)
	if err != nil {
		return "", &CodedError{Code: "42601", Msg: "invalid string in jsonpath input"}
	}
	p.i = j
	return s, nil
}

// keyName reads a member name: an identifier or a quoted string.
func (p *jpParser) keyName() (string, error) {
	if p.i < len(p.s) && p.s[p.i] == '"' {
		return p.stringLit()
	}
	j := p.i
	for j < len(p.s) && (isJPIdent(p.s[j]) || p.s[j] == '$') {
		j++
	}
	if j == p.i {
		return "", jpSyntaxError(p.near())
	}
	name := p.s[p.i:j]
	if !utf8.ValidString(name) {
		return "", jpSyntaxError(name)
	}
	p.i = j
	return name, nil
}

// jpMethods are the item methods Strata has.
var jpMethods = map[string]bool{"type": true, "size": true, "double": true, "abs": true, "floor": true, "ceiling": true}

// accessors reads the accessors after an item.
func (p *jpParser) accessors(e *jpExpr) (*jpExpr, error) {
	for {
		p.space()
		switch {
		case strings.HasPrefix(p.s[p.i:], ".**"):
			p.i += 3
			e.steps = append(e.steps, jpStep{kind: 'R'})
		case strings.HasPrefix(p.s[p.i:], ".*"):
			p.i += 2
			e.steps = append(e.steps, jpStep{kind: '*'})
		case strings.HasPrefix(p.s[p.i:], "."):
			p.i++
			p.space()
			quoted := p.i < len(p.s) && p.s[p.i] == '"'
			name, err := p.keyName()
			if err != nil {
				return nil, err
			}
			save := p.i
			if !quoted && p.punct("(") {
				if !p.punct(")") {
					return nil, jpSyntaxError(p.near())
				}
				m := strings.ToLower(name)
				if !jpMethods[m] {
					if m == "datetime" || m == "keyvalue" {
						return nil, &CodedError{Code: "0A000", Msg: fmt.Sprintf("jsonpath item method .%s() is not supported", m)}
					}
					p.i = save
					return nil, jpSyntaxError("(")
				}
				e.steps = append(e.steps, jpStep{kind: 'm', key: m})
				continue
			}
			e.steps = append(e.steps, jpStep{kind: '.', key: name})
		case strings.HasPrefix(p.s[p.i:], "["):
			p.i++
			if p.punct("*") {
				if !p.punct("]") {
					return nil, jpSyntaxError(p.near())
				}
				e.steps = append(e.steps, jpStep{kind: 'A'})
				continue
			}
			var subs []jpExpr
			for {
				from, err := p.expr()
				if err != nil {
					return nil, err
				}
				var to *jpExpr
				if p.keyword("to") {
					if to, err = p.expr(); err != nil {
						return nil, err
					}
				}
				subs = append(subs, *from)
				if to != nil {
					subs = append(subs, *to)
				} else {
					subs = append(subs, jpExpr{})
				}
				if p.punct("]") {
					break
				}
				if !p.punct(",") {
					return nil, jpSyntaxError(p.near())
				}
			}
			e.steps = append(e.steps, jpStep{kind: '[', subs: subs})
		case strings.HasPrefix(p.s[p.i:], "?"):
			p.i++
			if !p.punct("(") {
				return nil, jpSyntaxError(p.near())
			}
			pred, _, err := p.predOrExpr()
			if err != nil {
				return nil, err
			}
			if pred == nil || !p.punct(")") {
				return nil, jpSyntaxError(p.near())
			}
			e.steps = append(e.steps, jpStep{kind: '?', filter: pred})
		default:
			return e, nil
		}
	}
}

// jpEval evaluates a jsonpath over one document.
type jpEval struct {
	strict bool
	root   *jnode
	vars   *jnode
}

// jpError is an error of the path's evaluation, which silent mode hides
// (a missing variable is not one).
type jpError struct{ CodedError }

// Unwrap gives the error's SQLSTATE to package planner (errors.As).
func (e *jpError) Unwrap() error { return &e.CodedError }

func jpErr(code, format string, args ...any) error {
	return &jpError{CodedError{Code: code, Msg: fmt.Sprintf(format, args...)}}
}

// Query is the sequence of items path finds in doc (a jsonb object of
// vars for $name).
func (jp *JSONPath) query(doc, vars *jnode) ([]*jnode, error) {
	ev := &jpEval{strict: jp.strict, root: doc, vars: vars}
	return ev.expr(jp.expr, doc, -1)
}

// expr evaluates e with @ as cur; last is the innermost subscripted
// array's last index (-1 outside subscripts).
func (ev *jpEval) expr(e *jpExpr, cur *jnode, last int) ([]*jnode, error) {
	var items []*jnode
	switch e.kind {
	case '$':
		items = []*jnode{ev.root}
	case '@':
		items = []*jnode{cur}
	case 'v':
		v := ev.variable(e.name)
		if v == nil {
			return nil, &CodedError{Code: "42704", Msg: fmt.Sprintf("could not find jsonpath variable %q", e.name)}
		}
		items = []*jnode{v}
	case 'l':
		items = []*jnode{e.lit}
	case 'L':
		if last < 0 {
			return nil, &CodedError{Code: "42601", Msg: "LAST is allowed only in array subscripts"}
		}
		items = []*jnode{{kind: 'n', str: strconv.Itoa(last)}}
	case 'g':
		var err error
		if items, err = ev.expr(e.l, cur, last); err != nil {
			return nil, err
		}
	case 'p':
		r, err := ev.pred(e.pred, cur, last)
		if err != nil {
			return nil, err
		}
		items = []*jnode{jpBool(r)}
	case 'u':
		xs, err := ev.expr(e.l, cur, last)
		if err != nil {
			return nil, err
		}
		for _, x := range ev.unwrap(xs) {
			if x.kind != 'n' {
				return nil, jpErr("2203B", "operand of unary jsonpath operator %s is not a numeric value", e.name)
			}
			if e.name == "-" {
				r, _ := new(big.Rat).SetString(x.str)
				x = &jnode{kind: 'n', str: ratText(r.Neg(r), decimalScale(x.str))}
			}
			items = append(items, x)
		}
	case 'b':
		x, err := ev.arith(e, cur, last)
		if err != nil {
			return nil, err
		}
		items = []*jnode{x}
	}
	for _, st := range e.steps {
		var next []*jnode
		for _, it := range items {
			out, err := ev.step(st, it, last)
			if err != nil {
				return nil, err
			}
			next = append(next, out...)
		}
		items = next
	}
	return items, nil
}

func (ev *jpEval) variable(name string) *jnode {
	if ev.vars == nil || ev.vars.kind != 'o' {
		return nil
	}
	for i, k := range ev.vars.keys {
		if k == name {
			return ev.vars.elems[i]
		}
	}
	return nil
}

// unwrap is lax mode's automatic unwrapping of arrays into their elements.
func (ev *jpEval) unwrap(xs []*jnode) []*jnode {
	if ev.strict {
		return xs
	}
	var out []*jnode
	for _, x := range xs {
		if x.kind == 'a' {
			out = append(out, x.elems...)
		} else {
			out = append(out, x)
		}
	}
	return out
}

func jpBool(r int) *jnode {
	switch r {
	case jpTrue:
		return &jnode{kind: 't'}
	case jpFalse:
		return &jnode{kind: 'f'}
	}
	return &jnode{kind: 'z'}
}

// step applies one accessor to an item.
func (ev *jpEval) step(st jpStep, it *jnode, last int) ([]*jnode, error) {
	switch st.kind {
	case '.':
		if it.kind == 'a' && !ev.strict {
			return ev.unwrapped(st, it, last)
		}
		if it.kind != 'o' {
			if ev.strict {
				return nil, jpErr("2203A", "jsonpath member accessor can only be applied to an object")
			}
			return nil, nil
		}
		for i, k := range it.keys {
			if k == st.key {
				return []*jnode{it.elems[i]}, nil
			}
		}
		if ev.strict {
			return nil, jpErr("2203A", "JSON object does not contain key %q", st.key)
		}
		return nil, nil
	case '*':
		if it.kind == 'a' && !ev.strict {
			return ev.unwrapped(st, it, last)
		}
		if it.kind != 'o' {
			if ev.strict {
				return nil, jpErr("2203C", "jsonpath wildcard member accessor can only be applied to an object")
			}
			return nil, nil
		}
		return it.elems, nil
	case 'A':
		if it.kind != 'a' {
			if ev.strict {
				return nil, jpErr("22039", "jsonpath wildcard array accessor can only be applied to an array")
			}
			return []*jnode{it}, nil
		}
		return it.elems, nil
	case 'R':
		var out []*jnode
		var walk func(n *jnode)
		walk = func(n *jnode) {
			out = append(out, n)
			if n.kind == 'o' || n.kind == 'a' {
				for _, e := range n.elems {
					walk(e)
				}
			}
		}
		walk(it)
		return out, nil
	case '[':
		return ev.subscripts(st, it)
	case '?':
		var out []*jnode
		cands := []*jnode{it}
		if it.kind == 'a' && !ev.strict {
			cands = it.elems
		}
		for _, c := range cands {
			r, err := ev.pred(st.filter, c, last)
			if err != nil {
				return nil, err
			}
			if r == jpTrue {
				out = append(out, c)
			}
		}
		return out, nil
	case 'm':
		if it.kind == 'a' && !ev.strict && st.key != "type" && st.key != "size" {
			return ev.unwrapped(st, it, last)
		}
		return ev.method(st.key, it)
	}
	return nil, nil
}

// unwrapped applies st to each element of array it, as lax mode does for
// accessors and methods that take no array: one level only, the elements
// themselves not unwrapped again.
func (ev *jpEval) unwrapped(st jpStep, it *jnode, last int) ([]*jnode, error) {
	var out []*jnode
	for _, e := range it.elems {
		var r []*jnode
		var err error
		switch {
		case st.kind == 'm':
			r, err = ev.method(st.key, e)
		case e.kind == 'a':
			// An array in an array: a structural error lax mode hides.
		default:
			r, err = ev.step(st, e, last)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r...)
	}
	return out, nil
}

// subscripts applies [i, j to k, ...] to an item.
func (ev *jpEval) subscripts(st jpStep, it *jnode) ([]*jnode, error) {
	elems := it.elems
	if it.kind != 'a' {
		if ev.strict {
			return nil, jpErr("22039", "jsonpath array accessor can only be applied to an array")
		}
		elems = []*jnode{it} // lax: the item as an array of one
	}
	size := len(elems)
	index := func(e *jpExpr) (int, error) {
		xs, err := ev.expr(e, it, size-1)
		if err != nil {
			return 0, err
		}
		if len(xs) != 1 || xs[0].kind != 'n' {
			return 0, jpErr("22033", "jsonpath array subscript is not a single numeric value")
		}
		f, err := strconv.ParseFloat(xs[0].str, 64)
		if err != nil || math.Abs(f) > math.MaxInt32 {
			return 0, jpErr("22033", "jsonpath array subscript is out of integer range")
		}
		return int(f), nil // truncated toward zero, as PostgreSQL
	}
	var out []*jnode
	for k := 0; k < len(st.subs); k += 2 {
		from, err := index(&st.subs[k])
		if err != nil {
			return nil, err
		}
		to := from
		if st.subs[k+1].kind != 0 {
			if to, err = index(&st.subs[k+1]); err != nil {
				return nil, err
			}
		}
		if from < 0 || from > to || to >= size {
			if ev.strict {
				return nil, jpErr("22033", "jsonpath array subscript is out of bounds")
			}
			from, to = max(from, 0), min(to, size-1)
		}
		for i := from; i <= to; i++ {
			out = append(out, elems[i])
		}
	}
	return out, nil
}

// method applies an item method (an array reaching double() and the
// others is an error: lax mode unwrapped it before).
func (ev *jpEval) method(name string, it *jnode) ([]*jnode, error) {
	switch name {
	case "type":
		return []*jnode{{kind: 's', str: map[byte]string{'o': "object", 'a': "array", 's': "string", 'n': "number", 't': "boolean", 'f': "boolean", 'z': "null"}[it.kind]}}, nil
	case "size":
		if it.kind != 'a' {
			if ev.strict {
				return nil, jpErr("22039", "jsonpath item method .size() can only be applied to an array")
			}
			return []*jnode{{kind: 'n', str: "1"}}, nil
		}
		return []*jnode{{kind: 'n', str: strconv.Itoa(len(it.elems))}}, nil
	}
	if name == "double" {
		var f float64
		var err error
		switch it.kind {
		case 'n':
			f, err = strconv.ParseFloat(it.str, 64)
		case 's':
			f, err = strconv.ParseFloat(strings.TrimSpace(it.str), 64)
			if err != nil {
				return nil, jpErr("22036", "string argument of jsonpath item method .double() is not a valid representation of a double precision number")
			}
		default:
			return nil, jpErr("22036", "jsonpath item method .double() can only be applied to a string or numeric value")
		}
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, jpErr("22036", "numeric argument of jsonpath item method .double() is out of range for type double precision")
		}
		// float8 to numeric, as PostgreSQL 15 converts it: 15 digits.
		s := strconv.FormatFloat(f, 'g', 15, 64)
		r, _ := new(big.Rat).SetString(s)
		return []*jnode{{kind: 'n', str: ratText(r, decimalScale(strconv.FormatFloat(f, 'f', -1, 64)))}}, nil
	}
	if it.kind != 'n' {
		return nil, jpErr("22036", "jsonpath item method .%s() can only be applied to a numeric value", name)
	}
	r, _ := new(big.Rat).SetString(it.str)
	switch name {
	case "abs":
		return []*jnode{{kind: 'n', str: ratText(r.Abs(r), decimalScale(it.str))}}, nil
	case "floor", "ceiling":
		q := new(big.Int).Quo(r.Num(), r.Denom()) // toward zero
		if r.Sign() < 0 && name == "floor" && !r.IsInt() {
			q.Sub(q, big.NewInt(1))
		}
		if r.Sign() > 0 && name == "ceiling" && !r.IsInt() {
			q.Add(q, big.NewInt(1))
		}
		return []*jnode{{kind: 'n', str: q.String()}}, nil
	}
	return nil, nil
}

// arith evaluates a binary arithmetic operation on two single numbers.
func (ev *jpEval) arith(e *jpExpr, cur *jnode, last int) (*jnode, error) {
	side := func(x *jpExpr, which string) (*big.Rat, int, error) {
		xs, err := ev.expr(x, cur, last)
		if err != nil {
			return nil, 0, err
		}
		xs = ev.unwrap(xs)
		if len(xs) != 1 || xs[0].kind != 'n' {
			return nil, 0, jpErr("22038", "%s operand of jsonpath operator %s is not a single numeric value", which, e.name)
		}
		r, _ := new(big.Rat).SetString(xs[0].str)
		return r, decimalScale(xs[0].str), nil
	}
	a, as, err := side(e.l, "left")
	if err != nil {
		return nil, err
	}
	b, bs, err := side(e.r, "right")
	if err != nil {
		return nil, err
	}
	out := new(big.Rat)
	scale := max(as, bs)
	switch e.name {
	case "+":
		out.Add(a, b)
	case "-":
		out.Sub(a, b)
	case "*":
		out.Mul(a, b)
		scale = as + bs
	case "/", "%":
		if b.Sign() == 0 {
			return nil, jpErr("22012", "division by zero")
		}
		out.Quo(a, b)
		if e.name == "%" {
			// a - trunc(a / b) * b
			q := new(big.Int).Quo(out.Num(), out.Denom())
			out.Sub(a, new(big.Rat).Mul(new(big.Rat).SetInt(q), b))
		} else {
			f, _ := out.Float64()
			scale = DivisionScale(f, max(as, bs))
		}
	}
	return &jnode{kind: 'n', str: ratText(out, scale)}, nil
}

// decimalScale is the digits after the point of a numeric's text.
func decimalScale(s string) int {
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	scale := 0
	if _, frac, ok := strings.Cut(mant, "."); ok {
		scale = len(frac)
	}
	if exp != "" {
		if n, err := strconv.Atoi(exp); err == nil {
			scale = max(scale-n, 0)
		}
	}
	return scale
}

// ratText writes r with scale digits after the point, rounded half away
// from zero.
func ratText(r *big.Rat, scale int) string {
	scale = min(scale, 1000)
	s := r.FloatString(scale) // rounds half away from zero
	if strings.HasPrefix(s, "-") && strings.Trim(s[1:], "0.") == "" {
		s = s[1:]
	}
	return s
}

// Tri-state results of predicates.
const (
	jpFalse = iota
	jpTrue
	jpUnknown
)

// pred evaluates a predicate with @ as cur.
func (ev *jpEval) pred(p *jpPred, cur *jnode, last int) (int, error) {
	switch p.kind {
	case '&', '|':
		a, err := ev.pred(p.a, cur, last)
		if err != nil {
			return 0, err
		}
		if p.kind == '&' && a == jpFalse || p.kind == '|' && a == jpTrue {
			return a, nil
		}
		b, err := ev.pred(p.b, cur, last)
		if err != nil {
			return 0, err
		}
		if p.kind == '&' && b == jpFalse || p.kind == '|' && b == jpTrue {
			return b, nil
		}
		if a == jpUnknown || b == jpUnknown {
			return jpUnknown, nil
		}
		return a, nil
	case '!':
		a, err := ev.pred(p.a, cur, last)
		if err != nil {
			return 0, err
		}
		switch a {
		case jpTrue:
			return jpFalse, nil
		case jpFalse:
			return jpTrue, nil
		}
		return jpUnknown, nil
	case 'u':
		a, err := ev.pred(p.a, cur, last)
		if err != nil {
			return 0, err
		}
		if a == jpUnknown {
			return jpTrue, nil
		}
		return jpFalse, nil
	case 'e':
		xs, err := ev.expr(p.l, cur, last)
		if err != nil {
			if isJPError(err) {
				return jpUnknown, nil
			}
			return 0, err
		}
		if len(xs) > 0 {
			return jpTrue, nil
		}
		return jpFalse, nil
	}
	// Comparisons, like_regex and starts with: over every item of the
	// left side (and pair with the right), true when one is.
	ls, err := ev.expr(p.l, cur, last)
	if err != nil {
		if isJPError(err) {
			return jpUnknown, nil
		}
		return 0, err
	}
	ls = ev.unwrap(ls)
	var rs []*jnode
	if p.r != nil {
		if rs, err = ev.expr(p.r, cur, last); err != nil {
			if isJPError(err) {
				return jpUnknown, nil
			}
			return 0, err
		}
		rs = ev.unwrap(rs)
	}
	found, unknown := false, false
	for _, l := range ls {
		var results []int
		switch p.kind {
		case 'c':
			for _, r := range rs {
				results = append(results, jpCompare(p.op, l, r))
			}
		case 'r':
			if l.kind != 's' {
				results = append(results, jpUnknown)
			} else if p.regex.MatchString(l.str) {
				results = append(results, jpTrue)
			} else {
				results = append(results, jpFalse)
			}
		case 's':
			for _, r := range rs {
				switch {
				case l.kind != 's' || r.kind != 's':
					results = append(results, jpUnknown)
				case strings.HasPrefix(l.str, r.str):
					results = append(results, jpTrue)
				default:
					results = append(results, jpFalse)
				}
			}
		}
		for _, res := range results {
			switch res {
			case jpUnknown:
				if ev.strict {
					return jpUnknown, nil
				}
				unknown = true
			case jpTrue:
				if !ev.strict {
					return jpTrue, nil
				}
				found = true
			}
		}
	}
	switch {
	case found:
		return jpTrue, nil
	case unknown:
		return jpUnknown, nil
	}
	return jpFalse, nil
}

func isJPError(err error) bool {
	_, ok := err.(*jpError)
	return ok
}

// jpCompare compares two items as jsonpath does: nulls equal each other
// and differ from every other value; numbers, strings and booleans
// compare within their kind; anything else is unknown.
func jpCompare(op string, a, b *jnode) int {
	ka, kb := a.kind, b.kind
	if ka == 'f' {
		ka = 't'
	}
	if kb == 'f' {
		kb = 't'
	}
	if ka != kb {
		if ka == 'z' || kb == 'z' {
			if op == "!=" {
				return jpTrue
			}
			return jpFalse
		}
		return jpUnknown
	}
	var c int
	switch ka {
	case 'z':
		c = 0
	case 't':
		c = boolCmp(a.kind == 't', b.kind == 't')
	case 'n':
		x, _ := new(big.Rat).SetString(a.str)
		y, _ := new(big.Rat).SetString(b.str)
		c = x.Cmp(y)
	case 's':
		c = strings.Compare(a.str, b.str) // UTF-8 bytes order as code points
	default:
		return jpUnknown // arrays and objects
	}
	var r bool
	switch op {
	case "==":
		r = c == 0
	case "!=":
		r = c != 0
	case "<":
		r = c < 0
	case "<=":
		r = c <= 0
	case ">":
		r = c > 0
	case ">=":
		r = c >= 0
	}
	if r {
		return jpTrue
	}
	return jpFalse
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// JSONPathMemo evaluates jsonpaths, parsing a path and its vars object
// again only when their text changes: a column of documents under one
// constant path parses the path once, not per row. It is safe for
// concurrent use (a parsed path and vars object are only read).
type JSONPathMemo struct {
	last atomic.Pointer[jsonPathParsed]
}

// jsonPathParsed is a path and vars object as texts and parsed.
type jsonPathParsed struct {
	path, vars string
	jp         *JSONPath
	v          *jnode
}

func (m *JSONPathMemo) parsed(path, vars string) (*jsonPathParsed, error) {
	if p := m.last.Load(); p != nil && p.path == path && p.vars == vars {
		return p, nil
	}
	jp, err := ParseJSONPath(path)
	if err != nil {
		return nil, err
	}
	var v *jnode
	if vars != "" {
		if v, err = ParseJSON(vars, true); err != nil {
			return nil, err
		}
		if v.kind != 'o' {
			return nil, &JSONArgError{Msg: `"vars" argument is not an object`,
				Hint: "Jsonpath parameters should be encoded as key-value pairs of \"vars\" object."}
		}
	}
	p := &jsonPathParsed{path: path, vars: vars, jp: jp, v: v}
	m.last.Store(p)
	return p, nil
}

// Query is jsonb_path_query: the items of jsonpath path found in jsonb
// document doc, as jsonb texts; vars (a jsonb object, or "") gives $name
// variables; silent hides the path's errors (an empty result).
func (m *JSONPathMemo) Query(doc, path, vars string, silent bool) ([]string, error) {
	items, _, err := m.items(doc, path, vars, silent)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = string(appendJSONB(nil, it))
	}
	return out, nil
}

// items evaluates path over doc; failed reports an error of the path's
// evaluation that silent hid.
func (m *JSONPathMemo) items(doc, path, vars string, silent bool) (items []*jnode, failed bool, err error) {
	p, err := m.parsed(path, vars)
	if err != nil {
		return nil, false, err
	}
	d, err := ParseJSON(doc, true)
	if err != nil {
		return nil, false, err
	}
	items, err = p.jp.query(d, p.v)
	if err != nil {
		if silent && isJPError(err) {
			return nil, true, nil
		}
		return nil, false, err
	}
	return items, false, nil
}

// Match is jsonb_path_match and @@: the single boolean the path yields (ok
// false for null); not one is an error unless silent (then NULL).
func (m *JSONPathMemo) Match(doc, path, vars string, silent bool) (v bool, ok bool, err error) {
	items, _, err := m.items(doc, path, vars, silent)
	if err != nil {
		return false, false, err
	}
	if len(items) == 1 {
		switch items[0].kind {
		case 't':
			return true, true, nil
		case 'f':
			return false, true, nil
		case 'z':
			return false, false, nil
		}
	}
	if silent {
		return false, false, nil
	}
	return false, false, &CodedError{Code: "22038", Msg: "single boolean result is expected"}
}

// Exists is jsonb_path_exists and @?: whether the path finds an item; ok
// is false (NULL) where a silent path's evaluation failed.
func (m *JSONPathMemo) Exists(doc, path, vars string, silent bool) (v bool, ok bool, err error) {
	items, failed, err := m.items(doc, path, vars, silent)
	if err != nil || failed {
		return false, false, err
	}
	return len(items) > 0, true, nil
}

// CheckJSONPath validates a jsonpath's text (the ::jsonpath cast).
func CheckJSONPath(path string) error {
	_, err := ParseJSONPath(path)
	return err
}
