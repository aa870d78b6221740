package sql

import (
	"strconv"
	"strings"
)

// okind classifies an output token of the rewriter.
type okind uint8

const (
	okKeyword okind = iota + 1 // SQL keyword, upper case
	okIdent                    // "quoted identifier"
	okFunc                     // function name directly followed by '('
	okLit                      // string or numeric literal
	okParam                    // '?'
	okOp                       // operator
	okOpen                     // '('
	okClose                    // ')'
	okComma                    // ','
	okDot                      // '.'
)

// outTok is one token of the rewritten SQL; orig and origEnd are the byte
// offsets (in the text given to Parse) of the user token it came from, so
// errors from TiDB map back to the user's text.
type outTok struct {
	text          string
	kind          okind
	orig, origEnd int
	param         int // $n for okParam
}

type fkind uint8

const (
	fParen     fkind = iota // ordinary parentheses (expression or subquery)
	fCast                   // CAST( ... AS type )
	fTableFunc              // table function call in FROM
	fWithin                 // WITHIN GROUP (ORDER BY ...)
	fSub                    // x[ ... ] subscript or slice
	fArray                  // ARRAY[ ... ]
	fConcat                 // right operand of ||, inside __pg_concat( left,
	fJoinOn                 // ON condition of a FULL or ASOF JOIN, inside its sentinel's call
	fAggOrder               // ORDER BY inside an aggregate's argument list
	fSQLFunc                // trim/substring/overlay( ... ) with keyword arguments
)

// frame is one open parenthesis or bracket.
type frame struct {
	kind   fkind
	query  bool // a query level: the statement itself or a parenthesised subquery
	inFrom bool // inside this query level's FROM clause
	// joinParen: a parenthesised join in FROM, (a JOIN b ...): the FROM
	// items inside it are its query's.
	joinParen bool
	suffix    []outTok // emitted after the closing token
	funcIdx   int      // fSub, fTableFunc: index in out of the marker name
	slice     bool     // fSub: a ':' was seen
	desc      bool     // fWithin: DESC was given
	name      string   // fTableFunc: the function name (default alias); fSQLFunc: trim, substring, overlay
	open      token    // the opening token
	openIdx   int      // index in out of the opening token
	call      bool     // fParen: the argument list of a function call (funcIdx: its name)
	// distinctArg: fParen call whose first argument is wrapped in
	// MarkerDistinctArg, still open (closed at the first ',' or ')').
	distinctArg bool
	// namedArg: fParen call with an argument name => value open as
	// __pg_named_arg('name', (closed at the next ',' or ')').
	namedArg bool
	item     bool   // fParen: a parenthesised FROM item
	values   bool   // query level: inside a VALUES list (rows get ROW)
	ordered  bool   // query level: its own ORDER BY was seen (FETCH ... WITH TIES needs one)
	join     string // the sentinel of a FULL or ASOF JOIN at this level awaiting its ON or USING
	cases    int    // fConcat, fJoinOn: open CASE ... END inside the operand
	// naturalFull is the NATURAL token of a NATURAL FULL JOIN whose right
	// side is being read at this level; its USING sentinels follow it.
	naturalFull *token
	nulls       int  // fAggOrder: 0 default, 1 NULLS FIRST, 2 NULLS LAST
	argIdx      int  // fSQLFunc: index in out of the first argument
	fromIdx     int  // fSQLFunc trim: index in out of the ',' that replaced FROM (0: none)
	seen        bool // fSQLFunc substring: FROM was seen
	similar     int  // fSQLFunc substring: 1 after SIMILAR, 2 after its ESCAPE
	// noFrom: query level: a SELECT was read and no FROM yet (a HAVING
	// after its WHERE or GROUP BY needs one, fromlessHaving).
	noFrom bool
	// filterIdx: fParen of an aggregate's FILTER (WHERE ...) condition: the
	// index in out of the MarkerFilter name (0: not one).
	filterIdx int
}

// rewriter turns the tokens of one statement into SQL for the TiDB parser.
type rewriter struct {
	src    string
	toks   []token
	i      int
	out    []outTok
	frames []*frame
	kind   Kind // the statement's: Select, Insert, Delete or Update
	// updSet: the UPDATE's SET was read (a later set is a name).
	updSet bool
	// onConflict is an INSERT's ON CONFLICT clause: its target read and
	// left out of the SQL TiDB parses, DO UPDATE's assignments passed on as
	// ON DUPLICATE KEY UPDATE (conflictUpdate reads them back).
	onConflict *OnConflict
	// conflictWhere is the index of DO UPDATE's WHERE (0: none), which
	// goes on as the assignment of MarkerConflictWhere, in parentheses
	// closed at the end (conflictOpen).
	conflictWhere int
	conflictOpen  bool
	// insertAlias is INSERT INTO t AS alias's alias.
	insertAlias string
	err         *Error
	// catalogs are the databases three-part table names named
	// (db.schema.table), left out of the names (Statement.Catalogs).
	catalogs []string
	// materialized are the WITH queries written AS MATERIALIZED.
	materialized []string
	// limitBare: the LIMIT, OFFSET or FETCH value just read was an
	// expression without parentheses, which FETCH and OFFSET ... ROWS
	// refuse.
	limitBare   bool
	limitBareAt token        // where the plain value ends
	limitErr    *deferredErr // the value's error, taken by limitCheck
	// pending are errors of LIMIT, OFFSET and FETCH values, raised once the
	// statement parsed.
	pending []*deferredErr
	// frameAt is where in out the last window frame's ROWS, RANGE or
	// GROUPS was written (-1: none since), for its EXCLUDE clause.
	frameAt int
	// frameWrap holds the token indexes where a frame offset written as
	// an expression starts and where its PRECEDING or FOLLOWING is
	// (markFrameOffsets): step writes INTERVAL ( before the first and
	// ) SECOND before the second.
	frameWrap map[int]bool
	// sampling: a TABLESAMPLE clause was read and its REPEATABLE may follow.
	sampling bool
}

var eofTok = token{}

// tok returns the token k positions ahead of r.i (the zero token past the end).
func (r *rewriter) tok(k int) token {
	if r.i+k < len(r.toks) && r.i+k >= 0 {
		return r.toks[r.i+k]
	}
	return eofTok
}

func (r *rewriter) fail(t token, code, msg, hint string) {
	if r.err == nil {
		r.err = errAt(r.src, t.start, code, msg, hint)
	}
}

func (r *rewriter) unsupported(t token, what, hint string) {
	r.fail(t, CodeFeatureNotSupported, what+" is not supported", hint)
}

func (r *rewriter) syntaxErr(t token) {
	r.fail(t, CodeSyntaxError, "syntax error at or near \""+r.src[t.start:t.end]+"\"", "")
}

// emit appends an output token attributed to user token t.
func (r *rewriter) emit(t token, kind okind, text string) {
	r.out = append(r.out, outTok{text: text, kind: kind, orig: t.start, origEnd: t.end})
}

// insertAt inserts output tokens at index at.
func (r *rewriter) insertAt(at int, toks ...outTok) {
	r.out = append(r.out, toks...)
	copy(r.out[at+len(toks):], r.out[at:len(r.out)-len(toks)])
	copy(r.out[at:], toks)
}

func (r *rewriter) mk(t token, kind okind, text string) outTok {
	return outTok{text: text, kind: kind, orig: t.start, origEnd: t.end}
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteString(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

func (r *rewriter) top() *frame { return r.frames[len(r.frames)-1] }

// queryFrame returns the innermost enclosing query level.
func (r *rewriter) queryFrame() *frame {
	for k := len(r.frames) - 1; k >= 0; k-- {
		if r.frames[k].query {
			return r.frames[k]
		}
		if r.frames[k].kind != fParen {
			return nil
		}
	}
	return nil
}

// rewrite runs the rewriter over all tokens of the statement.
func (r *rewriter) rewrite() *Error {
	r.frames = []*frame{{kind: fParen, query: true}}
	r.overlaps()
	for r.i < len(r.toks) && r.err == nil {
		r.closeOperands()
		r.step()
	}
	if r.err == nil {
		r.closeOperands()
	}
	if r.err == nil && r.conflictOpen {
		r.emit(r.toks[len(r.toks)-1], okClose, ")") // DO UPDATE's WHERE
	}
	if r.onConflict != nil {
		r.onConflict.Alias = r.insertAlias
	}
	if r.err == nil && len(r.frames) > 1 {
		f := r.top()
		r.fail(f.open, CodeSyntaxError, "syntax error at end of input", "unbalanced \""+r.src[f.open.start:f.open.end]+"\"")
		r.err.Position = len([]rune(r.src[:r.toks[len(r.toks)-1].end])) + 1
	}
	return r.err
}

// opening is the index of the '(' or '[' that the ')' or ']' at toks[j]
// closes, -1 if none does.
func opening(toks []token, j int) int {
	depth := 0
	for ; j >= 0; j-- {
		switch t := toks[j]; {
		case t.punct(")") || t.punct("]"):
			depth++
		case t.punct("(") || t.punct("["):
			if depth--; depth == 0 {
				return j
			}
		}
	}
	return -1
}

// overlaps rewrites, in the input, each [ROW](a, b) OVERLAPS [ROW](c, d)
// as MarkerOverlaps([ROW](a, b), [ROW](c, d)): TiDB's grammar has no
// OVERLAPS, and both rows are row constructors to it.
func (r *rewriter) overlaps() {
	for k := 1; k+1 < len(r.toks); k++ {
		if !r.toks[k].word("overlaps") || !r.toks[k-1].punct(")") {
			continue
		}
		open := opening(r.toks, k-1)
		right := k + 1
		if r.toks[right].word("row") {
			right++
		}
		end := -1
		if right < len(r.toks) && r.toks[right].punct("(") {
			end, _ = r.callExtent(right)
		}
		if open < 0 || end < 0 {
			continue // the parser says what is wrong
		}
		if open > 0 && r.toks[open-1].word("row") {
			open--
		}
		t := r.toks[k]
		at := func(kind tokKind, val string) token {
			return token{kind: kind, val: val, start: t.start, end: t.end, n: synthetic}
		}
		out := make([]token, 0, len(r.toks)+3)
		out = append(out, r.toks[:open]...)
		out = append(out, at(tQIdent, MarkerOverlaps), at(tPunct, "("))
		out = append(out, r.toks[open:k]...)
		out = append(out, at(tPunct, ","))
		out = append(out, r.toks[k+1:end+1]...)
		out = append(out, at(tPunct, ")"))
		out = append(out, r.toks[end+1:]...)
		r.toks = out
		k = end + 3
	}
}

// closeOperands closes the operand frames (right operand of ||, FULL or
// ASOF JOIN ON condition) that the token at r.i ends.
func (r *rewriter) closeOperands() {
	for {
		f := r.top()
		if f.naturalFull != nil {
			// The right side of a NATURAL FULL JOIN: it ends like a join
			// condition, and its sentinels follow it.
			if !r.endsJoinCondition() {
				return
			}
			at := *f.naturalFull
			f.naturalFull = nil
			r.emit(at, okKeyword, "USING")
			r.emit(at, okOpen, "(")
			r.emit(at, okIdent, quoteIdent(sentinelFullJoin))
			r.emit(at, okComma, ",")
			r.emit(at, okIdent, quoteIdent(sentinelNatural))
			r.emit(at, okClose, ")")
		}
		if len(r.frames) == 1 {
			return
		}
		switch f.kind {
		case fConcat:
			if f.cases > 0 || !r.endsOperand() || r.continuesOperand() {
				return
			}
		case fJoinOn:
			if f.cases > 0 || !r.endsJoinCondition() {
				return
			}
		default:
			return
		}
		r.frames = r.frames[:len(r.frames)-1]
		r.emit(f.open, okClose, ")")
	}
}

// continuesOperand reports whether the token at r.i continues an operand of
// || that has ended a primary: operators that bind tighter than || in
// PostgreSQL (+ - * / % ^) and postfix constructs.
func (r *rewriter) continuesOperand() bool {
	t := r.tok(0)
	switch t.kind {
	case tOp:
		switch t.val {
		case "+", "-", "*", "/", "%", "^":
			return true
		}
	case tPunct:
		return t.val == "::" || t.val == "[" || t.val == "."
	case tIdent:
		switch t.val {
		case "collate", "filter", "over", "within":
			return true
		case "at":
			return r.tok(1).word("time")
		}
	}
	return false
}

// joinEnd lists the words that end a join condition.
var joinEnd = map[string]bool{
	"join": true, "inner": true, "left": true, "right": true, "full": true, "cross": true,
	"natural": true, "where": true, "group": true, "having": true, "order": true, "limit": true,
	"offset": true, "fetch": true, "union": true, "intersect": true, "except": true,
	"window": true, "on": true, "using": true, "for": true, "returning": true,
}

// endsJoinCondition reports whether the token at r.i ends a join condition.
func (r *rewriter) endsJoinCondition() bool {
	t := r.tok(0)
	switch {
	case r.i >= len(r.toks):
		return true
	case t.kind == tPunct:
		return t.val == ")" || t.val == "," || t.val == ";"
	case t.kind == tIdent:
		// left( and right( are the string functions; any other of the
		// words ends the condition even before "(" (WHERE (x), UNION (q)).
		if t.val == "asof" {
			return r.tok(1).word("join") || r.tok(1).word("left")
		}
		return joinEnd[t.val] && !((t.val == "left" || t.val == "right") && r.tok(1).punct("("))
	}
	return false
}

// step rewrites the construct starting at r.i.
func (r *rewriter) step() {
	t := r.tok(0)
	if r.frameWrap[r.i] {
		delete(r.frameWrap, r.i)
		if t.word("preceding") || t.word("following") {
			r.emit(t, okClose, ")")
			r.emit(t, okKeyword, "SECOND")
		} else {
			r.emit(t, okKeyword, "INTERVAL")
			r.emit(t, okOpen, "(")
		}
	}
	if r.catalogName() {
		return
	}
	if r.conflictWhere > 0 && r.i == r.conflictWhere {
		// DO UPDATE ... WHERE cond: , MarkerConflictWhere = (cond).
		r.conflictWhere, r.conflictOpen = 0, true
		r.emit(t, okComma, ",")
		r.emit(t, okIdent, quoteIdent(MarkerConflictWhere))
		r.emit(t, okOp, "=")
		r.emit(t, okOpen, "(")
		r.i++
		return
	}
	if r.insertAs(t) {
		return
	}
	if next := r.tok(1); next.kind == tOp && (next.val == "=>" || next.val == ":=") && (t.kind == tIdent || t.kind == tQIdent) {
		r.namedArg(t)
		return
	}
	switch t.kind {
	case tIdent:
		r.word(t)
	case tQIdent:
		r.i++
		if r.tok(0).punct("(") {
			r.funcName(t, t.val)
			return
		}
		r.emit(t, okIdent, quoteIdent(t.val))
	case tString:
		r.i++
		// A frame offset written '1 hour' or '1 hour'::interval: TiDB
		// takes INTERVAL expr unit PRECEDING (as typedLiteral writes
		// interval '1 hour').
		skip := 0
		if r.tok(0).punct("::") && r.tok(1).word("interval") {
			skip = 2
		}
		if next := r.tok(skip); (next.word("preceding") || next.word("following")) && skip == 0 {
			// ROWS '2' PRECEDING, RANGE '1 hour' PRECEDING: the planner
			// reads the string as the frame's offset type.
			r.emit(t, okKeyword, "INTERVAL")
			r.emit(t, okLit, quoteString(t.val))
			r.emit(t, okKeyword, "SECOND")
			return
		}
		if next := r.tok(skip); next.word("preceding") || next.word("following") {
			r.i += skip
			r.emit(t, okKeyword, "INTERVAL")
			r.emit(t, okFunc, MarkerCast)
			r.emit(t, okOpen, "(")
			r.emit(t, okLit, quoteString(t.val))
			r.emit(t, okComma, ",")
			r.emit(t, okLit, quoteString("interval"))
			r.emit(t, okClose, ")")
			r.emit(t, okKeyword, "SECOND")
			return
		}
		r.emit(t, okLit, quoteString(t.val))
	case tBitStr:
		r.unsupported(t, "bit string constant "+clip(t.val), "use a string or an integer")
	case tNumber:
		r.i++
		v := plainNumber(t.val)
		if strings.HasSuffix(v, ".") {
			// 1. or 1e2: a numeric of no places, parenthesized: TiDB's
			// lexer reads a trailing point before a word as a qualified
			// name (1. FROM t).
			r.emit(t, okOpen, "(")
			r.emit(t, okLit, v)
			r.emit(t, okClose, ")")
			return
		}
		r.emit(t, okLit, v)
	case tParam:
		r.i++
		r.out = append(r.out, outTok{text: "?", kind: okParam, orig: t.start, origEnd: t.end, param: t.n})
	case tOp:
		r.i++
		r.operator(t, t.val)
	case tPunct:
		r.i++
		r.punct(t)
	}
}

// catalogName drops the database of a three-part table name in FROM
// (or INSERT INTO): db.schema.table, which JDBC tools write (they list
// databases as catalogs), is schema.table; the planner checks that db is
// the session's (Statement.Catalogs), as PostgreSQL does.
func (r *rewriter) catalogName() bool {
	isName := func(k int) bool { return r.tok(k).kind == tIdent || r.tok(k).kind == tQIdent }
	if !isName(0) || !r.tok(1).punct(".") || !isName(2) || !r.tok(3).punct(".") || !isName(4) || r.tok(5).punct(".") {
		return false
	}
	if n := len(r.out); n > 0 && r.out[n-1].text == "." {
		return false // part of a longer name
	}
	f := r.queryFrame()
	inFrom := f != nil && f.inFrom && (f == r.top() || r.top().joinParen) && !r.tok(5).punct("(") // not a function call
	if !inFrom && !(r.kind == Insert && r.afterInto()) {
		return false
	}
	r.catalogs = append(r.catalogs, r.tok(0).val)
	r.i += 2
	return true
}

// namedArg starts a function argument in named notation, name => value:
// __pg_named_arg('name', value), which package sql's AST pass puts in its
// parameter's place.
func (r *rewriter) namedArg(t token) {
	f := r.top()
	last := len(r.out) - 1
	call := f.kind == fParen && f.call || f.kind == fTableFunc // a function in FROM opens no fParen
	if !call || f.namedArg || !(last == f.openIdx && f.kind == fParen || r.out[last].kind == okComma) {
		r.syntaxErr(r.tok(1))
		return
	}
	r.i += 2
	r.emit(t, okFunc, sentinelNamedArg)
	r.emit(t, okOpen, "(")
	r.emit(t, okLit, quoteString(t.val))
	r.emit(t, okComma, ",")
	f.namedArg = true
}

// closeArg closes the wrappers open around a call's current argument
// (DISTINCT, a named argument) at its ',' or ')'.
func (r *rewriter) closeArg(f *frame, t token) {
	if f.distinctArg {
		f.distinctArg = false
		r.emit(t, okClose, ")")
	}
	if f.namedArg {
		f.namedArg = false
		r.emit(t, okClose, ")")
	}
}

// endsOperand reports whether the last output token ends an operand, so a
// following '[' is a subscript and a following '~' is binary.
func (r *rewriter) endsOperand() bool {
	if len(r.out) == 0 {
		return false
	}
	o := r.out[len(r.out)-1]
	switch o.kind {
	case okIdent, okLit, okParam, okClose:
		return true
	case okKeyword:
		switch o.text {
		case "NULL", "TRUE", "FALSE", "END":
			return true
		}
		return datetimeNiladic[strings.ToLower(o.text)]
	}
	return false
}

// matchOpen returns the index of the '(' matching the ')' at out[j].
func (r *rewriter) matchOpen(j int) int {
	depth := 0
	for ; j >= 0; j-- {
		switch r.out[j].kind {
		case okClose:
			depth++
		case okOpen:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// matchCase returns the index of the CASE matching the END at out[j].
func (r *rewriter) matchCase(j int) int {
	depth := 0
	for ; j >= 0; j-- {
		if r.out[j].kind != okKeyword {
			continue
		}
		switch r.out[j].text {
		case "END":
			depth++
		case "CASE":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// primaryStart returns the index in out where the last primary expression
// (literal, parameter, column reference, function call, parenthesised
// expression, CASE ... END, marker call) starts, or -1 when out does not end
// with one. Postfix operators (::, [ ], .field, COLLATE, AT TIME ZONE, FILTER)
// apply to this primary.
func (r *rewriter) primaryStart() int { return r.primaryEndingAt(len(r.out) - 1) }

// keywordCalls are the calls whose name TiDB's grammar has as a keyword:
// left(s, n), right(s, n), EXISTS (subquery), ROW(a, b); each with its
// parenthesis is one primary (right(h, 1)::int).
var keywordCalls = map[string]bool{"LEFT": true, "RIGHT": true, "EXISTS": true, "ROW": true}

// primaryEndingAt is primaryStart for the primary ending at out[j]; a
// window call f(...) OVER (...) or OVER name is one primary.
func (r *rewriter) primaryEndingAt(j int) int {
	if j < 0 {
		return -1
	}
	if j >= 2 && r.out[j].kind == okIdent && r.out[j-1].kind == okKeyword && r.out[j-1].text == "OVER" {
		return r.primaryEndingAt(j - 2)
	}
	switch o := r.out[j]; o.kind {
	case okClose:
		j = r.matchOpen(j)
		if j >= 2 && r.out[j-1].kind == okKeyword && r.out[j-1].text == "OVER" {
			return r.primaryEndingAt(j - 2)
		}
		if j > 0 && (r.out[j-1].kind == okFunc || (r.out[j-1].kind == okKeyword && (datetimeNiladic[strings.ToLower(r.out[j-1].text)] || keywordCalls[r.out[j-1].text]))) {
			j--
			if j >= 2 && r.out[j-1].kind == okDot && r.out[j-2].kind == okIdent {
				j -= 2
			}
		}
		return j
	case okIdent:
		for j >= 2 && r.out[j-1].kind == okDot && r.out[j-2].kind == okIdent {
			j -= 2
		}
		return j
	case okLit, okParam:
		return j
	case okKeyword:
		switch o.text {
		case "NULL", "TRUE", "FALSE":
			return j
		case "END":
			return r.matchCase(j)
		}
		if datetimeNiladic[strings.ToLower(o.text)] {
			return j
		}
	}
	return -1
}

// operandBoundary lists the keywords that end a comparison operand when
// scanning backwards.
var operandBoundary = map[string]bool{
	"SELECT": true, "WHERE": true, "AND": true, "OR": true, "NOT": true, "WHEN": true,
	"THEN": true, "ELSE": true, "ON": true, "HAVING": true, "BY": true, "DISTINCT": true,
	"ALL": true, "AS": true, "VALUES": true, "CASE": true, "BETWEEN": true, "IN": true,
	"IS": true, "LIKE": true, "ILIKE": true, "REGEXP": true, "ESCAPE": true, "USING": true,
	"FROM": true, "JOIN": true, "LIMIT": true, "OFFSET": true, "INTO": true, "EXISTS": true,
	"UNION": true, "INTERSECT": true, "EXCEPT": true,
}

// isBoundary lists the keywords that end the left operand of IS [NOT]
// DISTINCT FROM when scanning backwards (IS binds looser than comparisons,
// LIKE, IN and BETWEEN).
var isBoundary = map[string]bool{
	"SELECT": true, "WHERE": true, "AND": true, "OR": true, "NOT": true, "WHEN": true,
	"THEN": true, "ELSE": true, "ON": true, "HAVING": true, "BY": true, "DISTINCT": true,
	"ALL": true, "AS": true, "VALUES": true, "CASE": true, "USING": true, "FROM": true,
	"JOIN": true, "LIMIT": true, "OFFSET": true, "INTO": true, "UNION": true, "INTERSECT": true,
	"EXCEPT": true,
}

var comparisonOps = map[string]bool{"=": true, "<>": true, "!=": true, "<": true, ">": true, "<=": true, ">=": true, "<=>": true}

// operandStart returns the index in out where the left operand of a
// comparison-level operator starts: the tokens back to the nearest
// boundary (an enclosing '(' or ',', a boolean or clause keyword, or a
// comparison operator) at the same nesting depth.
func (r *rewriter) operandStart() int { return r.scanOperand(false) }

// scanOperand implements operandStart; with isLevel it scans for the left
// operand of IS [NOT] DISTINCT FROM instead, over comparisons and LIKE.
func (r *rewriter) scanOperand(isLevel bool) int {
	j := len(r.out) - 1
	for j >= 0 {
		o := r.out[j]
		switch o.kind {
		case okClose:
			k := r.matchOpen(j)
			if k < 0 {
				return j + 1
			}
			j = k - 1
			continue
		case okOpen, okComma:
			return j + 1
		case okKeyword:
			if o.text == "END" {
				if k := r.matchCase(j); k >= 0 {
					j = k - 1
					continue
				}
			}
			if (!isLevel && operandBoundary[o.text]) || (isLevel && isBoundary[o.text]) {
				return j + 1
			}
		case okOp:
			if !isLevel && comparisonOps[o.text] {
				return j + 1
			}
		}
		j--
	}
	return 0
}

// wrapPrimary wraps the last primary in out as name(primary, extra...).
func (r *rewriter) wrapPrimary(t token, name string, extra ...outTok) bool {
	s := r.primaryStart()
	if s < 0 {
		r.syntaxErr(t)
		return false
	}
	r.insertAt(s, r.mk(t, okFunc, name), r.mk(t, okOpen, "("))
	if len(extra) > 0 {
		r.out = append(r.out, r.mk(t, okComma, ","))
		r.out = append(r.out, extra...)
	}
	return true
}

// render joins the output tokens into SQL text on one line and returns the
// start offset of each output token in it.
func (r *rewriter) render() (string, []int) {
	var b strings.Builder
	starts := make([]int, len(r.out))
	for k, o := range r.out {
		if k > 0 {
			prev := r.out[k-1]
			space := true
			switch {
			case o.kind == okOpen || o.kind == okClose || o.kind == okComma || o.kind == okDot:
				space = false
			case prev.kind == okOpen || prev.kind == okDot || prev.kind == okFunc:
				space = false
			}
			if space {
				b.WriteByte(' ')
			}
		}
		starts[k] = b.Len()
		b.WriteString(o.text)
	}
	return b.String(), starts
}

// plainNumber writes a constant with an exponent (1.50e1, 1e-3) as the
// decimal it stands for (15.0, 0.001), which the TiDB parser reads as a
// decimal with its digits: PostgreSQL's numeric of it keeps the digits
// after the point less the exponent (1.0e0 is 1.0, 1.50e1 15.0), where a
// float literal keeps only its value's. A whole result keeps a trailing
// point (1e2 is "100.", a numeric, not an integer). Constants that
// would take more than 40 digits stay as they are (1e308).
func plainNumber(text string) string {
	i := strings.IndexAny(text, "eE")
	if i < 0 {
		return text
	}
	exp, err := strconv.Atoi(text[i+1:])
	if err != nil || exp > 40 || exp < -40 {
		return text
	}
	whole, frac, _ := strings.Cut(text[:i], ".")
	digits := whole + frac
	point := len(whole) + exp // digits before the point
	if len(digits)+max(point-len(digits), 0)+max(-point, 0) > 40 {
		return text
	}
	switch {
	case point <= 0:
		digits = strings.Repeat("0", 1-point) + digits
		point = 1
	case point > len(digits):
		digits += strings.Repeat("0", point-len(digits))
	}
	out := strings.TrimLeft(digits[:point], "0")
	if out == "" {
		out = "0"
	}
	return out + "." + digits[point:]
}
