package influxql

import (
	"math"
	"strconv"
	"strings"
)

// parser is a recursive-descent parser over the lexer with one token of
// lookahead.
type parser struct {
	lx     lexer
	peeked *token
}

// Parse parses the ';'-separated statements of q.
func Parse(q string) ([]Statement, error) {
	p := &parser{lx: lexer{src: q}}
	var out []Statement
	for {
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		switch {
		case t.kind == tEOF:
			return out, nil
		case t.op(";"):
			p.take()
			continue
		}
		st, err := p.statement()
		if err != nil {
			return nil, err
		}
		out = append(out, st)
		t, err = p.peek()
		if err != nil {
			return nil, err
		}
		if t.kind != tEOF && !t.op(";") {
			return nil, p.unexpected(t, "; or the end of the query")
		}
	}
}

func (p *parser) peek() (token, error) {
	if p.peeked == nil {
		t, err := p.lx.next()
		if err != nil {
			return t, err
		}
		p.peeked = &t
	}
	return *p.peeked, nil
}

// take consumes the peeked token.
func (p *parser) take() token {
	t := *p.peeked
	p.peeked = nil
	return t
}

// nextTok consumes and returns the next token.
func (p *parser) nextTok() (token, error) {
	if _, err := p.peek(); err != nil {
		return token{}, err
	}
	return p.take(), nil
}

func (p *parser) unexpected(t token, want string) error {
	return p.lx.errorAt(t.pos, "found %s, expected %s", t.describe(), want)
}

// acceptKeyword consumes the keyword kw if it comes next.
func (p *parser) acceptKeyword(kw string) (bool, error) {
	t, err := p.peek()
	if err != nil || !t.keyword(kw) {
		return false, err
	}
	p.take()
	return true, nil
}

func (p *parser) expectKeyword(kws ...string) error {
	for _, kw := range kws {
		t, err := p.nextTok()
		if err != nil {
			return err
		}
		if !t.keyword(kw) {
			return p.unexpected(t, strings.ToUpper(kw))
		}
	}
	return nil
}

func (p *parser) acceptOp(op string) (bool, error) {
	t, err := p.peek()
	if err != nil || !t.op(op) {
		return false, err
	}
	p.take()
	return true, nil
}

func (p *parser) expectOp(op string) error {
	t, err := p.nextTok()
	if err != nil {
		return err
	}
	if !t.op(op) {
		return p.unexpected(t, op)
	}
	return nil
}

// ident reads an identifier (what names a measurement, field, tag or
// database).
func (p *parser) ident(what string) (string, error) {
	t, err := p.nextTok()
	if err != nil {
		return "", err
	}
	if t.kind != tIdent {
		return "", p.unexpected(t, what)
	}
	return t.text, nil
}

// regex reads a /regex/ at the next token's place.
func (p *parser) regex() (*RegexLit, error) {
	pos := p.lx.pos
	if p.peeked != nil {
		pos = p.peeked.pos
		p.peeked = nil
	}
	t, err := p.lx.regex(pos)
	if err != nil {
		return nil, err
	}
	return &RegexLit{Pattern: t.text}, nil
}

// nextIsRegex reports whether a / comes next (a regex where one may be).
func (p *parser) nextIsRegex() (bool, error) {
	t, err := p.peek()
	return t.op("/"), err
}

func (p *parser) statement() (Statement, error) {
	t, err := p.nextTok()
	if err != nil {
		return nil, err
	}
	switch {
	case t.keyword("select"):
		return p.selectStatement()
	case t.keyword("show"):
		return p.showStatement()
	case t.keyword("delete"):
		return p.deleteStatement()
	case t.keyword("create"), t.keyword("drop"):
		verb := strings.ToLower(t.text)
		if err := p.expectKeyword("database"); err != nil {
			return nil, err
		}
		name, err := p.ident("a database name")
		if err != nil {
			return nil, err
		}
		st := &DatabaseStatement{Verb: verb + " database", Name: name}
		// CREATE DATABASE's WITH options are read by their consumer.
		for {
			t, err := p.peek()
			if err != nil {
				return nil, err
			}
			if t.kind == tEOF || t.op(";") {
				return st, nil
			}
			p.take()
			st.Words = append(st.Words, t.text)
		}
	}
	return nil, p.unexpected(t, "SELECT, SHOW, DELETE, CREATE DATABASE or DROP DATABASE")
}

func (p *parser) selectStatement() (*SelectStatement, error) {
	st := &SelectStatement{}
	for {
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		st.Fields = append(st.Fields, f)
		if ok, err := p.acceptOp(","); err != nil {
			return nil, err
		} else if !ok {
			break
		}
	}
	if t, err := p.peek(); err != nil {
		return nil, err
	} else if t.keyword("into") {
		return nil, p.lx.errorAt(t.pos, "SELECT ... INTO is not supported: Strata writes with line protocol or INSERT INTO ... SELECT in SQL")
	}
	if err := p.expectKeyword("from"); err != nil {
		return nil, err
	}
	sources, err := p.sources()
	if err != nil {
		return nil, err
	}
	st.Sources = sources
	err = p.clauses(
		clause{"where", nil, func() (err error) { st.Where, err = p.expr(0); return err }},
		clause{"group", []string{"by"}, func() error { return p.groupBy(st) }},
		clause{"fill", nil, func() error { return p.fill(st) }},
		clause{"order", []string{"by"}, func() error { return p.orderBy(st) }},
		p.countClause("limit", &st.Limit), p.countClause("offset", &st.Offset),
		p.countClause("slimit", &st.SLimit), p.countClause("soffset", &st.SOffset),
	)
	if err != nil {
		return nil, err
	}
	if ok, err := p.acceptKeyword("tz"); err != nil {
		return nil, err
	} else if ok {
		if err := p.expectOp("("); err != nil {
			return nil, err
		}
		t, err := p.nextTok()
		if err != nil {
			return nil, err
		}
		if t.kind != tString {
			return nil, p.unexpected(t, "a time zone name in quotes, like tz('Europe/Paris')")
		}
		st.Location = t.text
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// clause is an optional clause: its keyword (and the words that must
// follow it) and what reads the rest.
type clause struct {
	kw   string
	then []string
	read func() error
}

// clauses reads the optional clauses that come next, in their order.
func (p *parser) clauses(cs ...clause) error {
	for _, c := range cs {
		ok, err := p.acceptKeyword(c.kw)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := p.expectKeyword(c.then...); err != nil {
			return err
		}
		if err := c.read(); err != nil {
			return err
		}
	}
	return nil
}

// countClause is LIMIT n (and OFFSET, SLIMIT, SOFFSET), read into dst.
func (p *parser) countClause(kw string, dst *int64) clause {
	return clause{kw, nil, func() (err error) { *dst, err = p.count(kw); return err }}
}

// count reads LIMIT's (and the others') non-negative integer.
func (p *parser) count(kw string) (int64, error) {
	t, err := p.nextTok()
	if err != nil {
		return 0, err
	}
	n, perr := strconv.ParseInt(t.text, 10, 64)
	if t.kind != tNumber || perr != nil || n < 0 {
		return 0, p.unexpected(t, "a non-negative integer after "+strings.ToUpper(kw))
	}
	return n, nil
}

func (p *parser) field() (Field, error) {
	if ok, err := p.acceptOp("*"); err != nil {
		return Field{}, err
	} else if ok {
		w := &Wildcard{}
		if ok, err := p.acceptOp("::"); err != nil {
			return Field{}, err
		} else if ok {
			t, err := p.nextTok()
			if err != nil {
				return Field{}, err
			}
			if !t.keyword("field") && !t.keyword("tag") {
				return Field{}, p.unexpected(t, "field or tag after *::")
			}
			w.Type = strings.ToLower(t.text)
		}
		return Field{Expr: w}, nil
	}
	x, err := p.expr(0)
	if err != nil {
		return Field{}, err
	}
	f := Field{Expr: x}
	if ok, err := p.acceptKeyword("as"); err != nil {
		return f, err
	} else if ok {
		if f.Alias, err = p.ident("an alias after AS"); err != nil {
			return f, err
		}
	}
	return f, nil
}

// sources reads FROM's measurements: names (db.rp.m, rp.m, m) and
// /regexes/, separated by commas.
func (p *parser) sources() ([]Source, error) {
	var out []Source
	for {
		isRe, err := p.nextIsRegex()
		if err != nil {
			return nil, err
		}
		var s Source
		if isRe {
			if s.Regex, err = p.regex(); err != nil {
				return nil, err
			}
		} else {
			t, err := p.peek()
			if err != nil {
				return nil, err
			}
			if t.op("(") {
				// FROM (SELECT ...), the only source.
				if len(out) > 0 {
					return nil, p.lx.errorAt(t.pos, "a subquery must be the only source of FROM")
				}
				p.take()
				if err := p.expectKeyword("select"); err != nil {
					return nil, err
				}
				sub, err := p.selectStatement()
				if err != nil {
					return nil, err
				}
				if err := p.expectOp(")"); err != nil {
					return nil, err
				}
				if t, err := p.peek(); err != nil {
					return nil, err
				} else if t.op(",") {
					return nil, p.lx.errorAt(t.pos, "a subquery must be the only source of FROM")
				}
				return []Source{{Subquery: sub}}, nil
			}
			parts := []string{}
			for {
				if t, err := p.peek(); err != nil {
					return nil, err
				} else if t.op(".") && len(parts) == 1 {
					parts = append(parts, "") // db..m: the default retention policy
					p.take()
					continue
				}
				name, err := p.ident("a measurement name")
				if err != nil {
					return nil, err
				}
				parts = append(parts, name)
				if ok, err := p.acceptOp("."); err != nil {
					return nil, err
				} else if !ok {
					break
				}
				if len(parts) == 2 {
					// db.rp./re/ is allowed after two qualifiers.
					if re, err := p.nextIsRegex(); err != nil {
						return nil, err
					} else if re {
						if s.Regex, err = p.regex(); err != nil {
							return nil, err
						}
						break
					}
				}
				if len(parts) == 3 {
					t, _ := p.peek()
					return nil, p.unexpected(t, "a measurement after db.rp")
				}
			}
			switch {
			case s.Regex != nil:
				s.Database, s.RetentionPolicy = parts[0], parts[1]
			case len(parts) == 3:
				s.Database, s.RetentionPolicy, s.Name = parts[0], parts[1], parts[2]
			case len(parts) == 2:
				s.RetentionPolicy, s.Name = parts[0], parts[1]
			default:
				s.Name = parts[0]
			}
		}
		out = append(out, s)
		if ok, err := p.acceptOp(","); err != nil {
			return nil, err
		} else if !ok {
			return out, nil
		}
	}
}

func (p *parser) groupBy(st *SelectStatement) error {
	for {
		t, err := p.nextTok()
		if err != nil {
			return err
		}
		switch {
		case t.op("*"):
			st.AllTags = true
		case t.keyword("time"):
			if st.Interval != 0 {
				return p.lx.errorAt(t.pos, "GROUP BY time() is given twice")
			}
			if err := p.expectOp("("); err != nil {
				return err
			}
			if st.Interval, err = p.duration("an interval like time(5m)"); err != nil {
				return err
			}
			if st.Interval <= 0 {
				return p.lx.errorAt(t.pos, "GROUP BY time() needs a positive interval")
			}
			if ok, err := p.acceptOp(","); err != nil {
				return err
			} else if ok {
				neg, err := p.acceptOp("-")
				if err != nil {
					return err
				}
				if st.TimeOffset, err = p.duration("an offset like time(1h, 15m)"); err != nil {
					return err
				}
				if neg {
					st.TimeOffset = -st.TimeOffset
				}
			}
			if err := p.expectOp(")"); err != nil {
				return err
			}
		case t.op("/"):
			return p.lx.errorAt(t.pos, "GROUP BY a regular expression is not supported: name the tags, or GROUP BY *")
		case t.kind == tIdent:
			name := t.text
			if ok, err := p.acceptOp("::"); err != nil {
				return err
			} else if ok {
				if _, err := p.ident("tag"); err != nil {
					return err
				}
			}
			st.Dimensions = append(st.Dimensions, name)
		default:
			return p.unexpected(t, "time(interval), a tag name or *")
		}
		if ok, err := p.acceptOp(","); err != nil || !ok {
			return err
		}
	}
}

// duration reads a duration literal in nanoseconds.
func (p *parser) duration(want string) (int64, error) {
	t, err := p.nextTok()
	if err != nil {
		return 0, err
	}
	if t.kind != tDuration {
		return 0, p.unexpected(t, want)
	}
	return p.durationValue(t)
}

func (p *parser) durationValue(t token) (int64, error) {
	var total int64
	s := t.text
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		u := unitAt(s[i:])
		if i == 0 || u == "" {
			return 0, p.lx.errorAt(t.pos, "invalid duration %q", t.text)
		}
		n, err := strconv.ParseInt(s[:i], 10, 64)
		mul := durationUnits[u]
		if err != nil || n > (math.MaxInt64-total)/mul {
			return 0, p.lx.errorAt(t.pos, "duration %q is out of range", t.text)
		}
		total += n * mul
		s = s[i+len(u):]
	}
	return total, nil
}

func (p *parser) fill(st *SelectStatement) error {
	if err := p.expectOp("("); err != nil {
		return err
	}
	t, err := p.nextTok()
	if err != nil {
		return err
	}
	neg := false
	if t.op("-") {
		neg = true
		if t, err = p.nextTok(); err != nil {
			return err
		}
	}
	switch {
	case t.kind == tNumber:
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return p.unexpected(t, "a number")
		}
		if neg {
			v = -v
		}
		st.Fill = Fill{Mode: "value", Value: v}
	case !neg && (t.keyword("null") || t.keyword("none") || t.keyword("previous") || t.keyword("linear")):
		st.Fill = Fill{Mode: strings.ToLower(t.text)}
	default:
		return p.unexpected(t, "null, none, previous, linear or a number in fill()")
	}
	return p.expectOp(")")
}

func (p *parser) orderBy(st *SelectStatement) error {
	t, err := p.nextTok()
	if err != nil {
		return err
	}
	if !t.keyword("time") {
		// InfluxQL orders by time only.
		return p.lx.errorAt(t.pos, "only ORDER BY time [ASC|DESC] is supported")
	}
	if ok, err := p.acceptKeyword("desc"); err != nil {
		return err
	} else if ok {
		st.Descending = true
	} else if _, err := p.acceptKeyword("asc"); err != nil {
		return err
	}
	return nil
}

// Operator precedence, loosest first.
var precedence = map[string]int{
	"OR": 1, "AND": 2,
	"=": 3, "!=": 3, "<>": 3, "<": 3, "<=": 3, ">": 3, ">=": 3, "=~": 3, "!~": 3,
	"+": 4, "-": 4, "|": 4, "^": 4,
	"*": 5, "/": 5, "%": 5, "&": 5,
}

// binaryOp is the operator t is, upper case for AND/OR, or "".
func binaryOp(t token) string {
	switch {
	case t.keyword("and"):
		return "AND"
	case t.keyword("or"):
		return "OR"
	case t.kind == tOp:
		if _, ok := precedence[t.text]; ok {
			return t.text
		}
	}
	return ""
}

// expr reads an expression whose operators bind tighter than minPrec.
func (p *parser) expr(minPrec int) (Expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		op := binaryOp(t)
		prec := precedence[op]
		if op == "" || prec <= minPrec {
			return l, nil
		}
		p.take()
		var r Expr
		if op == "=~" || op == "!~" {
			r, err = p.regex()
		} else {
			r, err = p.expr(prec)
		}
		if err != nil {
			return nil, err
		}
		l = &BinaryExpr{Op: op, L: l, R: r}
	}
}

func (p *parser) unary() (Expr, error) {
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if t.op("-") || t.op("+") {
		p.take()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		if t.op("+") {
			return x, nil
		}
		switch v := x.(type) {
		case *NumberLit:
			v.Val, v.Int = -v.Val, -v.Int
			return v, nil
		case *DurationLit:
			v.Nanos = -v.Nanos
			return v, nil
		}
		return &BinaryExpr{Op: "*", L: &NumberLit{Val: -1, IsInt: true, Int: -1}, R: x}, nil
	}
	return p.primary()
}

func (p *parser) primary() (Expr, error) {
	t, err := p.nextTok()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tNumber:
		if n, err := strconv.ParseInt(t.text, 10, 64); err == nil {
			return &NumberLit{Val: float64(n), IsInt: true, Int: n}, nil
		}
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, p.lx.errorAt(t.pos, "invalid number %q", t.text)
		}
		return &NumberLit{Val: v}, nil
	case tDuration:
		n, err := p.durationValue(t)
		return &DurationLit{Nanos: n}, err
	case tString:
		return &StringLit{Val: t.text}, nil
	case tParam:
		return &ParamRef{Name: t.text}, nil
	case tOp:
		switch t.text {
		case "(":
			x, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			if err := p.expectOp(")"); err != nil {
				return nil, err
			}
			return &ParenExpr{X: x}, nil
		case "/":
			p.peeked = nil
			return p.regex0(t.pos)
		}
	case tIdent:
		if !t.quoted {
			switch strings.ToLower(t.text) {
			case "true", "false":
				return &BoolLit{Val: strings.EqualFold(t.text, "true")}, nil
			}
		}
		if ok, err := p.acceptOp("("); err != nil {
			return nil, err
		} else if ok && !t.quoted {
			return p.call(t)
		} else if ok {
			return nil, p.lx.errorAt(t.pos, "a quoted name cannot be called")
		}
		v := &VarRef{Name: t.text}
		if ok, err := p.acceptOp("::"); err != nil {
			return nil, err
		} else if ok {
			typ, err := p.ident("a type after :: (field, tag, float, integer, string, boolean)")
			if err != nil {
				return nil, err
			}
			v.Type = strings.ToLower(typ)
			switch v.Type {
			case "field", "tag", "float", "integer", "string", "boolean", "unsigned":
			default:
				return nil, p.lx.errorAt(t.pos, "unknown type %q after :: (field, tag, float, integer, string, boolean)", typ)
			}
		}
		return v, nil
	}
	return nil, p.unexpected(t, "an expression")
}

// regex0 reads a regex whose opening slash starts at pos.
func (p *parser) regex0(pos int) (Expr, error) {
	t, err := p.lx.regex(pos)
	if err != nil {
		return nil, err
	}
	return &RegexLit{Pattern: t.text}, nil
}

// call reads a call's arguments after its '('.
func (p *parser) call(name token) (Expr, error) {
	c := &Call{Name: strings.ToLower(name.text)}
	if c.Name == "now" {
		if err := p.expectOp(")"); err != nil {
			return nil, err
		}
		return &NowCall{}, nil
	}
	if ok, err := p.acceptOp(")"); err != nil || ok {
		return c, err
	}
	for {
		if ok, err := p.acceptOp("*"); err != nil {
			return nil, err
		} else if ok {
			c.Args = append(c.Args, &Wildcard{})
		} else {
			if re, err := p.nextIsRegex(); err != nil {
				return nil, err
			} else if re {
				// mean(/^usage/): the fields the regular expression matches.
				r, err := p.regex()
				if err != nil {
					return nil, err
				}
				c.Args = append(c.Args, r)
				if ok, err := p.acceptOp(","); err != nil {
					return nil, err
				} else if !ok {
					break
				}
				continue
			}
			x, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			c.Args = append(c.Args, x)
		}
		if ok, err := p.acceptOp(","); err != nil {
			return nil, err
		} else if !ok {
			break
		}
	}
	if err := p.expectOp(")"); err != nil {
		return nil, err
	}
	return c, nil
}

// showStatement reads what follows SHOW.
func (p *parser) showStatement() (Statement, error) {
	t, err := p.nextTok()
	if err != nil {
		return nil, err
	}
	word := strings.ToLower(t.text)
	if t.kind == tIdent && (word == "tag" || word == "field" || word == "retention") {
		t2, err := p.nextTok()
		if err != nil {
			return nil, err
		}
		word += " " + strings.ToLower(t2.text)
	}
	switch word {
	case "databases":
		return &DatabaseStatement{Verb: "show databases"}, nil
	case "retention policies":
		st := &DatabaseStatement{Verb: "show retention policies"}
		if ok, err := p.acceptKeyword("on"); err != nil {
			return nil, err
		} else if ok {
			if st.Name, err = p.ident("a database name after ON"); err != nil {
				return nil, err
			}
		}
		return st, nil
	case "measurements", "tag keys", "tag values", "field keys", "series", "measurement", "tag key", "field key":
	default:
		return nil, p.unexpected(t, "DATABASES, MEASUREMENTS, TAG KEYS, TAG VALUES, FIELD KEYS, SERIES or RETENTION POLICIES after SHOW")
	}
	// SHOW {MEASUREMENT | SERIES | TAG KEY | TAG VALUES | FIELD KEY}
	// [EXACT] CARDINALITY.
	exact, err := p.acceptKeyword("exact")
	if err != nil {
		return nil, err
	}
	cardinality, err := p.acceptKeyword("cardinality")
	if err != nil {
		return nil, err
	}
	switch {
	case cardinality && (word == "measurements" || word == "tag keys" || word == "field keys"):
		return nil, p.unexpected(t, "MEASUREMENT, SERIES, TAG KEY, TAG VALUES or FIELD KEY before CARDINALITY")
	case !cardinality && (exact || word == "measurement" || word == "tag key" || word == "field key"):
		next, err := p.peek()
		if err != nil {
			return nil, err
		}
		return nil, p.unexpected(next, "CARDINALITY")
	}
	st := &ShowStatement{What: word, Cardinality: cardinality, Exact: exact}
	if ok, err := p.acceptKeyword("on"); err != nil {
		return nil, err
	} else if ok {
		if st.Database, err = p.ident("a database name after ON"); err != nil {
			return nil, err
		}
	}
	if word == "measurements" {
		if ok, err := p.acceptKeyword("with"); err != nil {
			return nil, err
		} else if ok {
			if err := p.expectKeyword("measurement"); err != nil {
				return nil, err
			}
			op, err := p.nextTok()
			if err != nil {
				return nil, err
			}
			switch {
			case op.op("=~"):
				re, err := p.regex()
				if err != nil {
					return nil, err
				}
				st.Measurement = &Source{Regex: re}
			case op.op("="):
				name, err := p.ident("a measurement name")
				if err != nil {
					return nil, err
				}
				st.Measurement = &Source{Name: name}
			default:
				return nil, p.unexpected(op, "= or =~ after WITH MEASUREMENT")
			}
		}
	} else if ok, err := p.acceptKeyword("from"); err != nil {
		return nil, err
	} else if ok {
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		if t.op("(") {
			return nil, p.lx.errorAt(t.pos, "SHOW ... FROM a subquery is not supported: name measurements")
		}
		if st.Sources, err = p.sources(); err != nil {
			return nil, err
		}
	}
	if word == "tag values" {
		if err := p.expectKeyword("with", "key"); err != nil {
			return nil, err
		}
		if err := p.tagKeys(st); err != nil {
			return nil, err
		}
	}
	err = p.clauses(
		clause{"where", nil, func() (err error) { st.Where, err = p.expr(0); return err }},
		p.countClause("limit", &st.Limit), p.countClause("offset", &st.Offset),
	)
	if err != nil {
		return nil, err
	}
	return st, nil
}

// tagKeys reads SHOW TAG VALUES' WITH KEY condition.
func (p *parser) tagKeys(st *ShowStatement) error {
	t, err := p.nextTok()
	if err != nil {
		return err
	}
	switch {
	case t.op("=~"), t.op("!~"):
		st.KeyOp = t.text
		re, err := p.regex()
		if err != nil {
			return err
		}
		st.KeyRegex = re.Pattern
	case t.op("="), t.op("!="), t.op("<>"):
		st.KeyOp = t.text
		if st.KeyOp == "<>" {
			st.KeyOp = "!="
		}
		k, err := p.ident("a tag key")
		if err != nil {
			return err
		}
		st.Keys = []string{k}
	case t.keyword("in"):
		st.KeyOp = "IN"
		if err := p.expectOp("("); err != nil {
			return err
		}
		for {
			k, err := p.ident("a tag key")
			if err != nil {
				return err
			}
			st.Keys = append(st.Keys, k)
			if ok, err := p.acceptOp(","); err != nil {
				return err
			} else if !ok {
				break
			}
		}
		return p.expectOp(")")
	default:
		return p.unexpected(t, "=, !=, =~, !~ or IN after WITH KEY")
	}
	return nil
}

// deleteStatement reads DELETE [FROM sources] [WHERE condition] (DELETE
// read).
func (p *parser) deleteStatement() (Statement, error) {
	st := &DeleteStatement{}
	if ok, err := p.acceptKeyword("from"); err != nil {
		return nil, err
	} else if ok {
		if st.Sources, err = p.sources(); err != nil {
			return nil, err
		}
	}
	if ok, err := p.acceptKeyword("where"); err != nil {
		return nil, err
	} else if ok {
		if st.Where, err = p.expr(0); err != nil {
			return nil, err
		}
	}
	if st.Sources == nil && st.Where == nil {
		t, _ := p.peek()
		return nil, p.unexpected(t, "FROM or WHERE")
	}
	return st, nil
}
