package sql

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// punct rewrites punctuation; r.i is already past t.
func (r *rewriter) punct(t token) {
	switch t.val {
	case "(":
		in := r.tok(0)
		if in.punct(")") && r.emptyGroupingSet() {
			r.i++
			r.emit(t, okFunc, MarkerEmptySet)
			r.emit(t, okOpen, "(")
			r.emit(in, okClose, ")")
			return
		}
		q := in.word("select") || in.word("with") || in.word("values")
		f := &frame{kind: fParen, query: q, open: t, openIdx: len(r.out)}
		if n := len(r.out); n > 0 {
			prev := r.out[n-1]
			switch {
			case prev.kind == okFunc:
				f.call, f.funcIdx = true, n-1
				if n >= 3 && r.out[n-2].kind == okDot && r.out[n-3].kind == okIdent {
					f.funcIdx = n - 3
				}
			case (prev.kind == okKeyword && prev.text == "VALUES" && r.top().values) ||
				(prev.kind == okComma && r.top().query && r.top().values):
				r.emit(t, okKeyword, "ROW") // a row of a VALUES list
				f.openIdx++
			case prev.kind == okComma || (prev.kind == okKeyword && (prev.text == "FROM" || prev.text == "JOIN")) ||
				prev.kind == okOpen && r.top().joinParen: // ((VALUES ...) v JOIN ...)
				qf := r.queryFrame()
				inFrom := qf != nil && qf.inFrom && (qf == r.top() || r.top().joinParen)
				f.item = f.query && inFrom
				f.joinParen = !f.query && inFrom
			}
		}
		r.frames = append(r.frames, f)
		r.emit(t, okOpen, "(")
	case ")":
		r.closeParen(t)
	case "[":
		r.openBracket(t)
	case "]":
		f := r.top()
		if len(r.frames) == 1 || (f.kind != fSub && f.kind != fArray) {
			r.syntaxErr(t)
			return
		}
		if f.kind == fSub && f.slice && r.out[len(r.out)-1].kind == okComma {
			r.emit(t, okKeyword, "NULL")
		}
		r.frames = r.frames[:len(r.frames)-1]
		r.emit(t, okClose, ")")
	case ":":
		f := r.top()
		if f.kind != fSub || f.slice {
			r.syntaxErr(t)
			return
		}
		f.slice = true
		r.out[f.funcIdx].text = MarkerSlice
		if r.out[len(r.out)-1].kind == okComma {
			r.emit(t, okKeyword, "NULL")
		}
		r.emit(t, okComma, ",")
	case "::":
		typ, ok := r.parseType()
		if !ok {
			r.syntaxErr(r.tok(0))
			return
		}
		if !r.wrapPrimary(t, MarkerCast, r.mk(t, okLit, quoteString(typ))) {
			return
		}
		r.emit(t, okClose, ")")
	case ".":
		next := r.tok(0)
		if len(r.out) > 0 && r.out[len(r.out)-1].kind == okClose {
			if next.kind == tIdent || next.kind == tQIdent {
				r.i++
				if r.wrapPrimary(t, MarkerField, r.mk(next, okLit, quoteString(next.val))) {
					r.emit(t, okClose, ")")
				}
				return
			}
			r.unsupported(t, "expanding a composite value with (x).*", "select its fields one by one")
			return
		}
		r.emit(t, okDot, ".")
	case ",":
		r.closeArg(r.top(), t)
		switch f := r.top(); f.kind {
		case fWithin:
			r.unsupported(t, "WITHIN GROUP with more than one sort key", "")
			return
		case fAggOrder:
			r.sortDirection(t, f)
		case fConcat, fJoinOn:
			r.syntaxErr(t)
			return
		}
		r.emit(t, okComma, ",")
	case ";":
		r.syntaxErr(t)
	default:
		r.syntaxErr(t)
	}
}

// emptyGroupingSet reports whether "()" at r.i-1 is the empty grouping
// set: it follows GROUP BY, or a ',' or '(' inside parentheses that are not
// a function's arguments other than GROUPING SETS' (the planner refuses it
// outside GROUP BY).
func (r *rewriter) emptyGroupingSet() bool {
	n := len(r.out)
	if n == 0 {
		return false
	}
	prev := r.out[n-1]
	switch prev.kind {
	case okKeyword:
		return prev.text == "BY" && n >= 2 && r.out[n-2].kind == okKeyword && r.out[n-2].text == "GROUP"
	case okComma, okOpen:
		f := r.top()
		return f.kind == fParen && (!f.call || r.out[f.funcIdx].text == MarkerGroupingSets)
	}
	return false
}

func (r *rewriter) closeParen(t token) {
	f := r.top()
	if len(r.frames) == 1 || f.kind == fSub || f.kind == fArray || f.kind == fConcat || f.kind == fJoinOn {
		r.syntaxErr(t)
		return
	}
	r.frames = r.frames[:len(r.frames)-1]
	r.closeArg(f, t)
	switch f.kind {
	case fAggOrder:
		r.sortDirection(t, f)
	case fSQLFunc:
		if f.similar == 1 {
			r.fail(t, CodeSyntaxError, "syntax error at or near \")\"", "substring with SIMILAR is written substring(string SIMILAR pattern ESCAPE escape)")
			return
		}
		if f.fromIdx > 0 {
			// trim(chars FROM string) => xtrim(string, chars)
			// (Copies first: the appends below reuse r.out's array.)
			chars := append([]outTok(nil), r.out[f.argIdx:f.fromIdx]...)
			str := append([]outTok(nil), r.out[f.fromIdx+1:]...)
			comma := r.out[f.fromIdx]
			r.out = append(append(append(r.out[:f.argIdx], str...), comma), chars...)
		}
	case fParen:
		if f.item && r.derivedColumnAliases() {
			r.insertAt(f.openIdx, r.mk(f.open, okKeyword, "LATERAL"))
		}
	case fCast:
		if r.out[len(r.out)-2].kind != okComma || r.out[len(r.out)-3].kind == okOpen {
			r.fail(t, CodeSyntaxError, "syntax error at or near \")\"", "CAST is written CAST(expression AS type)")
			return
		}
	case fWithin:
		dir := "'asc'"
		if f.desc {
			dir = "'desc'"
		}
		r.emit(t, okComma, ",")
		r.emit(t, okLit, dir)
	}
	r.emit(t, okClose, ")")
	r.out = append(r.out, f.suffix...)
	if f.kind == fTableFunc {
		r.tableFuncAlias(t, f)
	}
	if f.filterIdx > 0 && r.tok(0).word("over") {
		r.windowFilter(t, f.filterIdx)
	}
}

// windowFilter rewrites agg(x) FILTER (WHERE c) OVER ..., which TiDB cannot
// parse, as agg(CASE WHEN c THEN x END) OVER ...: the same for aggregates
// that skip NULLs (count(*) counts CASE WHEN c THEN 1 END; string_agg's
// delimiter goes along). array_agg and json_agg keep NULLs: they become
// agg(x, __pg_window_filter(c)), whose condition the planner applies to
// each element. out[s:] is __pg_filter ( agg ( args ) , c ), where agg
// ( args ) may be max ( __pg_window_agg ( 'name' , args ) ) (windowAgg).
func (r *rewriter) windowFilter(t token, s int) {
	out := r.out
	if len(out) < s+7 || out[s+3].kind != okOpen {
		r.unsupported(t, "this aggregate with FILTER and OVER", "")
		return
	}
	// open is the '(' of the aggregate's own arguments; from the first.
	name, open, from := strings.ToLower(strings.Trim(out[s+2].text, `"`)), s+3, s+4
	if name == "max" && len(out) > s+7 && strings.Trim(out[s+4].text, `"`) == MarkerWindowAgg && out[s+5].kind == okOpen {
		name, open, from = strings.ToLower(strings.Trim(out[s+6].text, "'")), s+5, s+7
		if out[s+7].kind == okComma {
			from++
		}
	}
	keepsNulls := name == "array_agg" || name == "json_agg" || name == "jsonb_agg"
	depth, closeIdx, comma := 0, -1, -1
	for k := open; k < len(out); k++ {
		switch out[k].kind {
		case okOpen:
			depth++
		case okClose:
			depth--
		case okComma:
			if depth == 1 && comma < 0 && k >= from {
				comma = k
			}
		}
		if depth == 0 {
			closeIdx = k
			break
		}
	}
	// The condition follows the call's (outer) ')' and a comma.
	outer := closeIdx
	if open != s+3 && outer >= 0 && outer+1 < len(out) && out[outer+1].kind == okClose {
		outer++
	}
	if closeIdx < 0 || outer+1 >= len(out) || out[outer+1].kind != okComma {
		r.syntaxErr(t)
		return
	}
	if comma >= 0 && name != "string_agg" {
		r.unsupported(t, "an aggregate of several arguments with FILTER and OVER", "")
		return
	}
	argsEnd := closeIdx
	if comma >= 0 {
		argsEnd = comma // string_agg(x, delimiter): x only
	}
	args := append([]outTok(nil), out[from:argsEnd]...)
	if len(args) == 1 && args[0].text == "*" {
		args = []outTok{r.mk(t, okLit, "1")}
	}
	if len(args) == 0 || args[0].kind == okFunc && args[0].text == MarkerDistinctArg || len(args) > 0 && strings.EqualFold(args[0].text, "DISTINCT") {
		r.unsupported(t, "this aggregate with FILTER and OVER", "")
		return
	}
	cond := append([]outTok(nil), out[outer+2:len(out)-1]...)
	call := append([]outTok(nil), out[s+2:from]...)
	if keepsNulls {
		call = append(call, args...)
		call = append(call, r.mk(t, okComma, ","), r.mk(t, okFunc, MarkerWindowFilter), r.mk(t, okOpen, "("))
		call = append(call, cond...)
		call = append(call, r.mk(t, okClose, ")"))
	} else {
		call = append(call, r.mk(t, okKeyword, "CASE"), r.mk(t, okKeyword, "WHEN"))
		call = append(call, cond...)
		call = append(call, r.mk(t, okKeyword, "THEN"))
		call = append(call, args...)
		call = append(call, r.mk(t, okKeyword, "END"))
	}
	call = append(call, out[argsEnd:outer+1]...) // [, delimiter] ) [)]
	r.out = append(r.out[:s], call...)
}

func (r *rewriter) openBracket(t token) {
	if r.endsOperand() {
		s := r.primaryStart()
		if s < 0 {
			r.syntaxErr(t)
			return
		}
		r.insertAt(s, r.mk(t, okFunc, MarkerSubscript), r.mk(t, okOpen, "("))
		r.emit(t, okComma, ",")
		r.frames = append(r.frames, &frame{kind: fSub, funcIdx: s, open: t})
		return
	}
	if f := r.top(); f.kind == fArray {
		r.emit(t, okFunc, MarkerArray)
		r.emit(t, okOpen, "(")
		r.frames = append(r.frames, &frame{kind: fArray, open: t})
		return
	}
	r.syntaxErr(t)
}

// operator rewrites a PostgreSQL operator.
func (r *rewriter) operator(t token, op string) {
	switch op {
	case "||":
		s := r.operandStart()
		if s >= len(r.out) {
			r.syntaxErr(t)
			return
		}
		r.insertAt(s, r.mk(t, okFunc, MarkerConcat), r.mk(t, okOpen, "("))
		r.emit(t, okComma, ",")
		r.frames = append(r.frames, &frame{kind: fConcat, open: t})
	case "*":
		// count(t.*): the whole row of FROM item t, not NULL where an
		// outer join found no row.
		if n := len(r.out); n >= 3 && r.out[n-1].kind == okDot && r.out[n-2].kind == okIdent && r.tok(0).punct(")") {
			if f := r.top(); f.kind == fParen && f.call && f.openIdx == n-3 && strings.EqualFold(r.out[f.funcIdx].text, "count") {
				alias := strings.ReplaceAll(strings.Trim(r.out[n-2].text, `"`), `""`, `"`)
				r.out = r.out[:n-2]
				r.emit(t, okFunc, MarkerRowRef)
				r.emit(t, okOpen, "(")
				r.emit(t, okLit, quoteString(alias))
				r.emit(t, okClose, ")")
				return
			}
		}
		r.emit(t, okOp, op)
	case "+", "-", "/", "%", "=", "<", ">", "<=", ">=", "<>", "!=", "&", "|", "<<", ">>", "^":
		r.emit(t, okOp, op)
	case "~":
		if !r.endsOperand() {
			r.emit(t, okOp, "~") // bitwise not
			return
		}
		r.emit(t, okKeyword, "REGEXP")
	case "!~":
		r.emit(t, okKeyword, "NOT")
		r.emit(t, okKeyword, "REGEXP")
	case "~*", "!~*":
		s := r.operandStart()
		if s >= len(r.out) {
			r.syntaxErr(t)
			return
		}
		r.insertAt(s, r.mk(t, okFunc, sentinelCI), r.mk(t, okOpen, "("))
		r.emit(t, okClose, ")")
		if op == "!~*" {
			r.emit(t, okKeyword, "NOT")
		}
		r.emit(t, okKeyword, "REGEXP")
	case "~~", "!~~", "~~*", "!~~*":
		if op[0] == '!' {
			r.emit(t, okKeyword, "NOT")
		}
		if strings.HasSuffix(op, "*") {
			r.emit(t, okKeyword, "ILIKE")
		} else {
			r.emit(t, okKeyword, "LIKE")
		}
	case "->":
		if name := r.tok(0); (name.kind == tIdent || name.kind == tQIdent) && r.tok(1).punct("(") {
			r.pipeline(t) // summary -> accessor(...)
			return
		}
		r.otherOperator(t, op)
	case "->>", "#>", "#>>", "#-", "@>", "<@", "?", "?|", "?&", "#", "^@", "&&", "@?", "@@":
		r.otherOperator(t, op)
	case "|/", "||/", "@":
		// Prefix square root, cube root and absolute value: __pg_op('op',
		// x), x bound as ||'s right operand is.
		if r.endsOperand() {
			r.fail(t, CodeSyntaxError, "syntax error at or near \""+op+"\"", "")
			return
		}
		r.emit(t, okFunc, MarkerOp)
		r.emit(t, okOpen, "(")
		r.emit(t, okLit, quoteString(op))
		r.emit(t, okComma, ",")
		r.frames = append(r.frames, &frame{kind: fConcat, open: t})
	default:
		r.fail(t, CodeFeatureNotSupported, "operator is not supported: "+op, "")
	}
}

// otherOperator rewrites l op r, for PostgreSQL's operators TiDB does not
// have (JSON's), as the call __pg_op('op', l, r). They bind as ||
// does, one precedence level with it, left to right: looser than
// arithmetic, tighter than comparisons (x -> 'a' ->> 'b' = 'c').
func (r *rewriter) otherOperator(t token, op string) {
	s := r.operandStart()
	if s >= len(r.out) {
		r.syntaxErr(t)
		return
	}
	r.insertAt(s, r.mk(t, okFunc, MarkerOp), r.mk(t, okOpen, "("), r.mk(t, okLit, quoteString(op)), r.mk(t, okComma, ","))
	r.emit(t, okComma, ",")
	r.frames = append(r.frames, &frame{kind: fConcat, open: t})
}

// pipeline rewrites Timescale Toolkit's summary -> accessor(args) as the
// call accessor(__pg_pipe(summary), args): time_weight('Linear', ts, v) ->
// average() is average(__pg_pipe(time_weight('Linear', ts, v))). The
// summary is the primary before the arrow, so a chain x -> a() -> b() is
// b(__pg_pipe(a(__pg_pipe(x)))). The planner finds the summary among the
// accessor's arguments (the function form puts some last:
// approx_percentile(0.5, percentile_agg(v))) and refuses __pg_pipe of
// anything else. JSON's -> (a key or index after the arrow) is
// otherOperator's.
func (r *rewriter) pipeline(t token) {
	s := r.primaryStart()
	if s < 0 {
		r.syntaxErr(t)
		return
	}
	summary := append([]outTok(nil), r.out[s:]...)
	r.out = r.out[:s]
	r.step() // the accessor's name
	if r.err != nil {
		return
	}
	if !r.tok(0).punct("(") {
		r.syntaxErr(r.tok(0))
		return
	}
	r.step() // its '('
	r.out = append(r.out, r.mk(t, okFunc, MarkerPipe), r.mk(t, okOpen, "("))
	r.out = append(r.out, summary...)
	r.out = append(r.out, r.mk(t, okClose, ")"))
	if !r.tok(0).punct(")") {
		r.out = append(r.out, r.mk(t, okComma, ","))
	}
}

// limitClause rewrites any sequence of LIMIT n|ALL, OFFSET n [ROW|ROWS] and
// FETCH {FIRST|NEXT} [n] {ROW|ROWS} {ONLY|WITH TIES} to LIMIT count OFFSET
// offset. With an offset and no count, count is 18446744073709551615 (no
// limit). WITH TIES adds MarkerWithTies() as the last ORDER BY item.
func (r *rewriter) limitClause() {
	var count, offset *outTok
	var countErr, offsetErr *deferredErr
	ties, counted, offsetted := false, false, false
	first := r.tok(0)
	for r.err == nil {
		t := r.tok(0)
		switch {
		case (t.word("limit") || t.word("fetch") && (r.tok(1).word("first") || r.tok(1).word("next"))) && counted:
			r.syntaxErr(t) // PostgreSQL's grammar takes one
			return
		case t.word("offset") && offsetted:
			r.syntaxErr(t)
			return
		}
		switch {
		case t.word("limit"):
			counted = true
			r.i++
			if r.tok(0).word("all") {
				r.i++
				count = nil
				continue
			}
			count = r.limitValue("LIMIT")
			if !r.limitCheck(&countErr) {
				return
			}
			if r.tok(0).punct(",") {
				// MySQL's LIMIT offset, count: PostgreSQL refuses it.
				r.fail(r.tok(0), CodeSyntaxError, "LIMIT #,# syntax is not supported", "Use separate LIMIT and OFFSET clauses.")
				return
			}
		case t.word("offset"):
			offsetted = true
			r.i++
			offset = r.limitValue("OFFSET")
			if r.err == nil && (r.tok(0).word("row") || r.tok(0).word("rows")) {
				if r.limitBare { // OFFSET 1 + 1 ROWS: PostgreSQL wants (1 + 1)
					r.syntaxErr(r.tok(0))
					return
				}
				r.i++
			}
			if !r.limitCheck(&offsetErr) {
				return
			}
		case t.word("fetch") && (r.tok(1).word("first") || r.tok(1).word("next")):
			counted = true
			r.i += 2
			one := r.mk(t, okLit, "1")
			count = &one
			r.limitBare, r.limitErr = false, nil
			if !r.tok(0).word("row") && !r.tok(0).word("rows") {
				count = r.limitValue("LIMIT")
			}
			if r.err == nil && r.limitBare {
				r.syntaxErr(r.limitBareAt) // FETCH FIRST 1 + 1 ROWS: PostgreSQL wants (1 + 1)
				return
			}
			if !r.limitCheck(&countErr) {
				return
			}
			if !r.tok(0).word("row") && !r.tok(0).word("rows") {
				r.syntaxErr(r.tok(0))
				return
			}
			r.i++
			if r.tok(0).word("with") && r.tok(1).word("ties") {
				if f := r.queryFrame(); f == nil || !f.ordered {
					r.fail(r.tok(0), CodeSyntaxError, "WITH TIES cannot be specified without ORDER BY clause", "")
					return
				}
				ties = true
				r.i += 2
				continue
			}
			ties = false
			if !r.tok(0).word("only") {
				r.syntaxErr(r.tok(0))
				return
			}
			r.i++
		default:
			if r.err != nil {
				return
			}
			for _, e := range []*deferredErr{offsetErr, countErr} {
				if e != nil {
					r.pending = append(r.pending, e)
				}
			}
			if count == nil && offset == nil && !ties {
				return
			}
			if ties {
				r.emit(first, okComma, ",")
				r.emit(first, okFunc, MarkerWithTies)
				r.emit(first, okOpen, "(")
				r.emit(first, okClose, ")")
			}
			r.emit(first, okKeyword, "LIMIT")
			if count == nil {
				c := r.mk(first, okLit, "18446744073709551615")
				count = &c
			}
			r.out = append(r.out, *count)
			if offset != nil {
				r.emit(first, okKeyword, "OFFSET")
				r.out = append(r.out, *offset)
			}
			return
		}
	}
}

// limitValue reads the value of LIMIT, OFFSET or FETCH: an integer, a $n,
// a quoted integer ('10', as clients that substitute parameters write it)
// or NULL (nil: no limit, no offset), any of them in parentheses.
func (r *rewriter) limitValue(clause string) *outTok {
	r.limitBare, r.limitErr = false, nil
	if a, ok := r.foldLimit(); ok {
		// A constant or an expression of constants (LIMIT 2 + 3, casts
		// included): folded here, as the parser takes a value. Its errors
		// wait for the statement's syntax to be checked (limitCheck,
		// pendingErr).
		t := r.tok(0)
		r.limitBare, r.limitBareAt = a.n > a.simple, r.tok(a.simple)
		r.i += a.n
		v, null, err := a.bigint()
		switch {
		case err != nil:
			stage := 1 // PostgreSQL folds constants while planning
			if err.at >= 0 {
				stage = 0 // and reads literals while analysing, before
			}
			r.limitErr = &deferredErr{err.at, stage, err.code, err.msg}
		case null:
			return nil
		case v < 0:
			code := "2201W"
			if clause == "OFFSET" {
				code = "2201X"
			}
			r.limitErr = &deferredErr{-1, 2, code, clause + " must not be negative"} // checked when it runs
		}
		if r.limitErr != nil {
			v = 0 // the statement fails with the error once parsed
		}
		o := r.mk(t, okLit, strconv.FormatInt(v, 10))
		return &o
	}
	depth := 0
	for r.tok(0).punct("(") {
		depth++
		r.i++
	}
	t := r.tok(0)
	var out *outTok
	switch {
	case t.kind == tNumber && strings.ContainsAny(t.val, ".eE"):
		// LIMIT 1.5: a numeric rounds half away from zero to a bigint.
		f, err := strconv.ParseFloat(t.val, 64)
		if err != nil || f > math.MaxInt64 {
			r.fail(t, "22003", "bigint out of range", "")
			return nil
		}
		o := r.mk(t, okLit, strconv.FormatInt(int64(math.Round(f)), 10))
		out = &o
	case t.kind == tNumber:
		o := r.mk(t, okLit, t.val)
		out = &o
	case t.kind == tParam:
		out = &outTok{text: "?", kind: okParam, orig: t.start, origEnd: t.end, param: t.n}
	case t.kind == tString:
		n, err := strconv.ParseInt(strings.TrimSpace(t.val), 10, 64)
		if err != nil {
			r.fail(t, "22P02", fmt.Sprintf("invalid input syntax for type bigint: %q", t.val), "")
			return nil
		}
		if n < 0 {
			r.negativeLimit(t, clause)
			return nil
		}
		o := r.mk(t, okLit, strconv.FormatInt(n, 10))
		out = &o
	case t.word("null"):
	case t.kind == tOp && t.val == "-" && r.tok(1).kind == tNumber:
		r.negativeLimit(t, clause)
		return nil
	default:
		r.unsupported(t, "this "+clause+" value", "use an integer constant or a $n parameter")
		return nil
	}
	r.i++
	if !r.limitCasts(clause, depth) {
		return nil
	}
	return out
}

// limitCasts reads the casts after a LIMIT or OFFSET value and the depth
// parentheses that close around it; false after an error.
func (r *rewriter) limitCasts(clause string, depth int) bool {
	for {
		if r.tok(0).punct("::") {
			// NULL::int, $1::bigint, '2'::int8: a cast to an integer type
			// changes nothing; to another type it is PostgreSQL's error.
			typ := r.tok(1)
			switch {
			case typ.kind != tIdent:
				r.syntaxErr(typ)
				return false
			case !integerTypes[typ.val]:
				r.fail(typ, "42804", "argument of "+clause+" must be type bigint, not type "+typ.val, "")
				return false
			}
			r.i += 2
			continue
		}
		if depth > 0 && r.tok(0).punct(")") {
			depth--
			r.i++
			continue
		}
		break
	}
	if depth > 0 {
		r.syntaxErr(r.tok(0))
		return false
	}
	return true
}

// deferredErr is an error of a LIMIT, OFFSET or FETCH value, raised once
// the statement's syntax is known good (PostgreSQL raises it when the
// statement runs, after any syntax error; OFFSET's before LIMIT's).
type deferredErr struct {
	at        int // byte offset it points at; -1: none (PostgreSQL's run-time errors have no position)
	stage     int // when PostgreSQL raises it: 0 analysis, 1 planning, 2 execution
	code, msg string
}

// limitCheck takes the value's error, if any, into into (keeping the
// first); false after a syntax error.
func (r *rewriter) limitCheck(into **deferredErr) bool {
	if r.limitErr != nil && *into == nil {
		*into = r.limitErr
	}
	r.limitErr = nil
	return r.err == nil
}

// pendingErr is the error of the LIMIT, OFFSET and FETCH values that
// PostgreSQL raises first: by stage, then in the order they were queued
// (OFFSET's before LIMIT's in one clause, as PostgreSQL evaluates them);
// nil without one.
func (r *rewriter) pendingErr() *Error {
	var first *deferredErr
	for _, e := range r.pending {
		if first == nil || e.stage < first.stage {
			first = e
		}
	}
	if first == nil {
		return nil
	}
	return errAt(r.src, first.at, first.code, first.msg, "")
}

// integerTypes are the type names a LIMIT or OFFSET value may be cast to.
var integerTypes = map[string]bool{"int": true, "int2": true, "int4": true, "int8": true, "integer": true,
	"bigint": true, "smallint": true, "numeric": true, "decimal": true}

// negativeLimit is PostgreSQL's error for LIMIT -1 and OFFSET -1.
func (r *rewriter) negativeLimit(t token, clause string) {
	code := "2201W"
	if clause == "OFFSET" {
		code = "2201X"
	}
	r.fail(t, code, clause+" must not be negative", "")
}

// tableFunction rewrites a function call used as a FROM item,
// [schema.]f(args) [AS] alias[(cols)], to
// LATERAL (SELECT __pg_table_function('f', args)) AS alias[(cols)].
func (r *rewriter) tableFunction(t token) bool {
	if !r.atFromItem() {
		return false
	}
	k := 0
	name := t.val
	if r.tok(1).punct(".") {
		n := r.tok(2)
		if n.kind != tIdent && n.kind != tQIdent {
			return false
		}
		if t.val != "pg_catalog" {
			name = t.val + "." + n.val
		} else {
			name = n.val
		}
		k = 2
	}
	open := r.tok(k + 1)
	if !open.punct("(") {
		return false
	}
	r.i += k + 2
	alias := name
	if i := strings.LastIndexByte(alias, '.'); i >= 0 {
		alias = alias[i+1:]
	}
	r.openTableFunction(t, open, name, alias)
	return true
}

// rowsFrom rewrites ROWS FROM (f(args), g(args), ...) in FROM, the
// functions run side by side, as the table function RowsFromFunction
// whose arguments are the calls: LATERAL (SELECT __pg_table_function('rows
// from', f(args), g(args))) AS __rows_from. The planner zips their rows.
func (r *rewriter) rowsFrom(t token) bool {
	if !r.atFromItem() {
		return false
	}
	open := r.tok(2)
	r.i += 3
	r.openTableFunction(t, open, RowsFromFunction, RowsFromAlias)
	return true
}

// atFromItem reports whether the output stands where a FROM item starts:
// after FROM, JOIN, LATERAL or a comma in a FROM clause.
func (r *rewriter) atFromItem() bool {
	f := r.queryFrame()
	if f == nil || !f.inFrom || len(r.out) == 0 {
		return false
	}
	prev := r.out[len(r.out)-1]
	return prev.kind == okComma || (prev.kind == okKeyword && (prev.text == "FROM" || prev.text == "JOIN" || prev.text == "LATERAL"))
}

// openTableFunction emits [LATERAL] (SELECT __pg_table_function('name',
// up to the arguments, whose frame closes the call and the subquery and
// then emits the alias (tableFuncAlias; alias by default).
func (r *rewriter) openTableFunction(t, open token, name, alias string) {
	if prev := r.out[len(r.out)-1]; prev.text != "LATERAL" {
		r.emit(t, okKeyword, "LATERAL")
	}
	r.emit(t, okOpen, "(")
	r.emit(t, okKeyword, "SELECT")
	funcIdx := len(r.out)
	r.emit(t, okFunc, MarkerTableFunction)
	r.emit(open, okOpen, "(")
	r.emit(t, okLit, quoteString(name))
	if !r.tok(0).punct(")") {
		r.emit(t, okComma, ",")
	}
	r.frames = append(r.frames, &frame{kind: fTableFunc, open: open, name: alias, funcIdx: funcIdx, suffix: []outTok{r.mk(t, okClose, ")")}})
}

// tableFuncAlias emits the alias of a table function, defaulting to the
// function name.
func (r *rewriter) tableFuncAlias(t token, f *frame) {
	name := f.name
	if r.tok(0).word("with") && r.tok(1).word("ordinality") {
		// f(...) WITH ORDINALITY: the marker says so; the planner numbers
		// the rows.
		r.i += 2
		r.out[f.funcIdx].text = MarkerTableFunctionOrdinality
	}
	as := r.tok(0).word("as")
	if as {
		r.i++
	}
	at := t
	if a := r.tok(0); (a.kind == tIdent && !keywords[a.val] && !clauseWords[a.val]) || a.kind == tQIdent {
		r.i++
		name, at = a.val, a
		r.columnDefs(t)
	} else if as {
		r.columnDefs(t) // AS (a int, b text): the function names the result
	}
	r.emit(t, okKeyword, "AS")
	r.emit(at, okIdent, quoteIdent(name))
}

// columnDefs reads a column definition list, (name type, ...), at r.i
// if one is there (a list of names is left to TiDB as the alias's column
// names) and adds it to the table function's call, whose closing
// parenthesis and the subquery's end the output: , 'MarkerColumnDefs',
// 'name', __pg_cast(NULL, 'type'), ...
func (r *rewriter) columnDefs(t token) {
	if !r.tok(0).punct("(") || r.tok(1).kind != tIdent && r.tok(1).kind != tQIdent || r.tok(2).punct(",") || r.tok(2).punct(")") {
		return
	}
	tail := slices.Clone(r.out[len(r.out)-2:])
	r.out = r.out[:len(r.out)-2]
	r.emit(t, okComma, ",")
	r.emit(t, okLit, quoteString(MarkerColumnDefs))
	r.i++
	for {
		n := r.tok(0)
		if n.kind != tIdent && n.kind != tQIdent {
			r.syntaxErr(n)
			return
		}
		r.i++
		typ, ok := r.parseType()
		if !ok {
			r.syntaxErr(r.tok(0))
			return
		}
		r.emit(n, okComma, ",")
		r.emit(n, okLit, quoteString(n.val))
		r.emit(n, okComma, ",")
		r.emit(n, okFunc, MarkerCast)
		r.emit(n, okOpen, "(")
		r.emit(n, okKeyword, "NULL")
		r.emit(n, okComma, ",")
		r.emit(n, okLit, quoteString(typ))
		r.emit(n, okClose, ")")
		if end := r.tok(0); end.punct(")") {
			r.i++
			break
		} else if !end.punct(",") {
			r.syntaxErr(end)
			return
		}
		r.i++
	}
	r.out = append(r.out, tail...)
}

// clauseWords start a clause after a FROM item and are never its alias
// (the keywords map leaves them to the contexts that decide them).
var clauseWords = map[string]bool{"limit": true, "offset": true, "fetch": true, "window": true}

// sortDirection emits the direction and null order of the sort key that
// ends at t in an aggregate's ORDER BY and resets them for the next key.
func (r *rewriter) sortDirection(t token, f *frame) {
	dir, nulls := "'asc'", "'nulls last'"
	if f.desc {
		dir, nulls = "'desc'", "'nulls first'"
	}
	switch f.nulls {
	case 1:
		nulls = "'nulls first'"
	case 2:
		nulls = "'nulls last'"
	}
	r.emit(t, okComma, ",")
	r.emit(t, okLit, dir)
	r.emit(t, okComma, ",")
	r.emit(t, okLit, nulls)
	f.desc, f.nulls = false, 0
}

// derivedColumnAliases reports whether the parenthesised FROM item just
// closed is followed by [AS] alias(columns); TiDB accepts column aliases
// only on LATERAL derived tables.
func (r *rewriter) derivedColumnAliases() bool {
	k := 0
	if r.tok(0).word("as") {
		k = 1
	}
	a := r.tok(k)
	if (a.kind != tIdent || keywords[a.val]) && a.kind != tQIdent {
		return false
	}
	if !r.tok(k + 1).punct("(") {
		return false
	}
	return true
}
