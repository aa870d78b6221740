package sql

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pingcap/tidb/pkg/parser/ast"
)

// word rewrites a construct starting with an unquoted word.
func (r *rewriter) word(t token) {
	w := t.val
	afterDot := len(r.out) > 0 && r.out[len(r.out)-1].kind == okDot
	next := r.tok(1)
	if afterDot {
		r.i++
		if next.punct("(") {
			r.funcName(t, w)
			return
		}
		r.emit(t, okIdent, quoteIdent(w))
		return
	}
	if next.punct(".") {
		// pg_catalog.f( calls the built-in f (not after INTO: INSERT INTO
		// pg_catalog.t (cols) names a table).
		if w == "pg_catalog" && (r.tok(2).kind == tIdent || r.tok(2).kind == tQIdent) && r.tok(3).punct("(") && !r.afterInto() {
			r.i += 2
			r.step()
			return
		}
		if r.tableFunction(t) {
			return
		}
		r.i++
		r.emit(t, okIdent, quoteIdent(w))
		return
	}
	if r.afterAs(w) && w != "true" && w != "false" {
		// A column label: not the ISNULL operator, ANY, ARRAY, ...
		r.i++
		r.emit(t, okIdent, quoteIdent(w))
		return
	}
	if w == "rows" && next.word("from") && r.tok(2).punct("(") && r.rowsFrom(t) {
		return
	}
	if r.special(t, w, next) {
		return
	}
	if (w == "true" || w == "false") && !r.afterIs() {
		// PostgreSQL's own representation: 't'::bool
		r.i++
		r.emit(t, okFunc, MarkerCast)
		r.emit(t, okOpen, "(")
		r.emit(t, okLit, quoteString(w))
		r.emit(t, okComma, ",")
		r.emit(t, okLit, "'bool'")
		r.emit(t, okClose, ")")
		return
	}
	if r.kind == Update && len(r.frames) == 1 {
		switch {
		case w == "set" && !r.updSet:
			r.updSet = true
			r.i++
			r.keyword(t, w)
			return
		case w == "from":
			r.unsupported(t, "UPDATE ... FROM", "name the rows with a subquery: UPDATE t SET v = 0 WHERE hostname IN (SELECT ...)")
			return
		}
	}
	if keywords[w] && !r.unreservedName(w, next) || r.i == 0 && (r.kind == Delete && w == "delete" || r.kind == Update && w == "update") {
		r.i++
		r.keyword(t, w)
		return
	}
	if next.punct("(") && !r.namesRelation() {
		if r.tableFunction(t) {
			return
		}
		r.i++
		r.funcName(t, w)
		return
	}
	if r.typedLiteral(t) {
		return
	}
	r.i++
	r.emit(t, okIdent, quoteIdent(w))
}

// afterAs reports whether keyword w follows AS as a name: PostgreSQL takes
// any word as a column label after AS (SELECT x AS share, v AS preceding),
// but for the words that start a query or a CTE's MATERIALIZED option.
func (r *rewriter) afterAs(w string) bool {
	n := len(r.out)
	if n == 0 || r.out[n-1].kind != okKeyword || r.out[n-1].text != "AS" {
		return false
	}
	switch w {
	case "select", "values", "with":
		// A label where a label may end (SELECT 1 AS select FROM t), not
		// a query (... AS SELECT x).
		next := r.tok(1)
		return next == eofTok || next.punct(",") || next.punct(")") || next.kind == tIdent && labelEnders[next.val]
	case "not": // WITH c AS NOT MATERIALIZED (...)
		return !r.tok(1).word("materialized")
	case "table": // CREATE VIEW v AS TABLE t
		next := r.tok(1)
		return next.kind != tIdent && next.kind != tQIdent
	}
	return !r.tok(1).punct("(")
}

// labelEnders are the words that may follow a column label.
var labelEnders = map[string]bool{"from": true, "where": true, "group": true, "having": true, "window": true, "order": true,
	"limit": true, "offset": true, "fetch": true, "for": true, "union": true, "intersect": true, "except": true, "into": true}

// unreservedName reports whether w, a keyword only in some clauses
// (PostgreSQL's unreserved keywords), is a name where it stands: a column
// called preceding, share or update (ORDER BY preceding).
func (r *rewriter) unreservedName(w string, next token) bool {
	prev := ""
	if n := len(r.out); n > 0 && r.out[n-1].kind == okKeyword {
		prev = r.out[n-1].text
	}
	switch w {
	case "unbounded":
		return !next.word("preceding") && !next.word("following")
	case "preceding", "following":
		if prev == "UNBOUNDED" {
			return false
		}
		// In a window frame: ROWS, RANGE or GROUPS earlier in the same
		// parentheses.
		for _, o := range r.out[r.top().openIdx:] {
			if o.kind == okKeyword && (o.text == "ROWS" || o.text == "RANGE" || o.text == "GROUPS") {
				return false
			}
		}
		return true
	case "share", "update":
		return prev != "FOR"
	}
	return false
}

// afterIs reports whether the last output is IS or IS NOT (so TRUE/FALSE
// form an IS TRUE test).
// afterInto reports whether the last word written is INTO.
func (r *rewriter) afterInto() bool {
	n := len(r.out)
	return n > 0 && r.out[n-1].kind == okKeyword && r.out[n-1].text == "INTO"
}

func (r *rewriter) afterIs() bool {
	n := len(r.out)
	last := func(k int) string {
		if n-k >= 0 && r.out[n-k].kind == okKeyword {
			return r.out[n-k].text
		}
		return ""
	}
	return last(1) == "IS" || (last(1) == "NOT" && last(2) == "IS")
}

// keyword emits keyword w and tracks the clause state of the query level.
func (r *rewriter) keyword(t token, w string) {
	if f := r.queryFrame(); f != nil {
		switch w {
		case "from":
			if f == r.top() {
				f.inFrom = true
			}
		case "where", "group", "having", "order", "union", "intersect", "except", "select", "window":
			f.inFrom = false
		}
		switch w {
		case "values":
			// INSERT's own VALUES list keeps TiDB's syntax; a VALUES query
			// writes its rows as ROW(...).
			f.values = f == r.top() && !(r.kind == Insert && len(r.frames) == 1)
		case "order", "union", "intersect", "except", "select", "from", "where", "group":
			f.values = false
		}
		switch w {
		case "order":
			f.ordered = f.ordered || f == r.top()
		case "select", "union", "intersect", "except":
			f.ordered = false
		}
		if f == r.top() {
			switch w {
			case "select":
				f.noFrom = true
			case "from", "union", "intersect", "except":
				f.noFrom = false
			case "where", "group":
				if f.noFrom && r.havingAhead() {
					r.fromlessHaving(t)
				}
				f.noFrom = false
			}
		}
	}
	switch f := r.top(); {
	case (f.kind == fConcat || f.kind == fJoinOn) && w == "case":
		f.cases++
	case (f.kind == fConcat || f.kind == fJoinOn) && w == "end" && f.cases > 0:
		f.cases--
	}
	if w == "escape" && r.tok(0).kind == tString && utf8.RuneCountInString(r.tok(0).val) > 1 {
		// LIKE ... ESCAPE 'xy' (TiDB's parser answers 'Incorrect arguments').
		r.fail(r.tok(0), "22025", "invalid escape string", "Escape string must be empty or one character.")
		return
	}
	if w == "into" && r.kind != Insert {
		r.unsupported(t, "SELECT INTO", "use INSERT INTO ... SELECT")
		return
	}
	r.emit(t, okKeyword, strings.ToUpper(w))
	if n := len(r.out); w == "by" && n >= 2 && r.out[n-2].kind == okKeyword && r.out[n-2].text == "GROUP" {
		// GROUP BY ALL is GROUP BY; GROUP BY DISTINCT removes duplicate
		// grouping sets (the planner, told by a marker first item).
		switch {
		case r.tok(0).word("all"):
			r.i++
		case r.tok(0).word("distinct"):
			r.i++
			r.emit(t, okFunc, MarkerGroupDistinct)
			r.emit(t, okOpen, "(")
			r.emit(t, okClose, ")")
			r.emit(t, okComma, ",")
		}
	}
}

// funcName emits a function name; r.i is at the '('.
func (r *rewriter) funcName(t token, name string) {
	if t.n == synthetic {
		r.emit(t, okFunc, name) // a marker windowArgs wrote
		return
	}
	if t.kind != tQIdent && windowArgKinds[name] != 0 && r.callNeedsGrammar() {
		r.windowArgs(name)
	}
	if t.kind != tQIdent && windowOnlyAggs[name] && r.callNeedsGrammar() {
		if end, _ := r.callExtent(r.i); end >= 0 && r.overFollows(end+1-r.i) {
			// PostgreSQL's words for what its windows do not take.
			if r.tok(1).word("distinct") {
				r.fail(t, CodeFeatureNotSupported, "DISTINCT is not implemented for window functions", "")
				return
			}
			if r.callHasOrderBy(end) {
				r.fail(t, CodeFeatureNotSupported, "aggregate ORDER BY is not implemented for window functions", "")
				return
			}
		}
		if !r.tok(1).word("distinct") && !r.tok(1).word("all") {
			r.windowAgg(t, name)
			return
		}
	}
	if strings.HasPrefix(strings.ToLower(name), markerPrefix) {
		r.fail(t, CodeSyntaxError, "function names starting with "+markerPrefix+" are reserved", "rename the function")
		return
	}
	text := name
	if t.kind != tQIdent && (name == "stddev" || name == "variance") {
		// PostgreSQL's stddev and variance are the sample statistics; TiDB's
		// grammar reads them as MySQL's population ones. A plain call stays
		// a call of that name (the planner knows both, and the result
		// column is named after it, as in PostgreSQL); with OVER it is
		// spelled as the other aggregates TiDB takes no OVER after
		// (windowAgg); only TiDB's grammar takes DISTINCT, so those calls
		// are spelled as the sample functions.
		switch {
		case !r.callNeedsGrammar():
			r.emit(t, okFunc, quoteIdent(name))
			return
		case !r.tok(1).word("distinct") && !r.tok(1).word("all"):
			r.windowAgg(t, name) // OVER: keeps the name for the column
			return
		case name == "stddev":
			text = "stddev_samp"
		default:
			text = "var_samp"
		}
	}
	if t.kind == tQIdent || !tidbGrammarFuncs[name] {
		text = quoteIdent(name)
	}
	r.emit(t, okFunc, text)
}

// callNeedsGrammar reports whether the call whose '(' is at r.i has
// DISTINCT or ALL or is followed by OVER.
func (r *rewriter) callNeedsGrammar() bool {
	if r.tok(1).word("distinct") || r.tok(1).word("all") {
		return true
	}
	if end := r.closing(0); end >= 0 {
		return r.overFollows(end + 1)
	}
	return false
}

// overFollows reports whether token k (relative to r.i), which follows a
// call, starts its OVER, or a FILTER (WHERE ...) that OVER follows.
func (r *rewriter) overFollows(k int) bool {
	if r.tok(k).word("filter") && r.tok(k+1).punct("(") {
		end := r.closing(k + 1)
		return end >= 0 && r.tok(end+1).word("over")
	}
	return r.tok(k).word("over")
}

// closing is the position (relative to r.i) of the ')' that closes the
// first '(' at or after token k, -1 if none does.
func (r *rewriter) closing(k int) int {
	depth := 0
	for ; r.i+k < len(r.toks); k++ {
		switch t := r.tok(k); {
		case t.punct("("):
			depth++
		case t.punct(")"):
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

// tidbGrammarFuncs are the function names emitted unquoted so that TiDB's
// own grammar parses them: aggregates and window functions (which TiDB
// builds as AggregateFuncExpr and WindowFuncExpr and which may take OVER)
// and position(a IN b). Every other function name is emitted
// quoted, so TiDB parses it as an ordinary call even when it is a TiDB
// keyword (first, last, mode, replace, ...).
var tidbGrammarFuncs = map[string]bool{
	"count": true, "sum": true, "avg": true, "min": true, "max": true, "bit_and": true,
	"bit_or": true, "bit_xor": true, "stddev": true, "stddev_pop": true, "stddev_samp": true,
	"variance": true, "var_pop": true, "var_samp": true, "row_number": true, "rank": true,
	"dense_rank": true, "percent_rank": true, "cume_dist": true, "ntile": true, "lead": true,
	"lag": true, "first_value": true, "last_value": true, "nth_value": true,
	"position": true,
}

// special handles words that start PostgreSQL constructs; it reports
// whether it consumed anything.
func (r *rewriter) special(t token, w string, next token) bool {
	if f := r.top(); f.kind == fSQLFunc && r.sqlFuncKeyword(t, f, w) {
		return true
	}
	switch w {
	case "trim", "substring", "overlay":
		if next.punct("(") {
			r.sqlFunc(t, w)
			return true
		}
	case "rank", "dense_rank", "percent_rank", "cume_dist":
		if next.punct("(") && !r.tok(2).punct(")") {
			if end := r.matchingClose(r.i + 1); end >= 0 && r.tok(end+1-r.i).word("within") {
				r.i++
				r.emit(t, okFunc, MarkerHypothetical+w)
				return true
			}
		}
	case "order":
		if f := r.top(); f.kind == fParen && f.call && next.word("by") {
			// agg(args ORDER BY ...) => __pg_agg_order(agg(args), key, 'dir', 'nulls', ...)
			r.i += 2
			r.closeArg(f, t)
			r.emit(t, okClose, ")")
			r.insertAt(f.funcIdx, r.mk(t, okFunc, MarkerAggOrder), r.mk(t, okOpen, "("))
			r.emit(t, okComma, ",")
			f.kind = fAggOrder
			return true
		}
	case "full":
		k := 1
		if next.word("outer") {
			k = 2
		}
		if r.tok(k).word("join") {
			r.i += k + 1
			r.emit(t, okKeyword, "LEFT")
			r.keyword(r.tok(-1), "join")
			r.top().join = sentinelFullJoin
			return true
		}
	case "asof":
		// a ASOF [LEFT [OUTER]] JOIN b ON ...: an inner or left join whose
		// ON condition is marked; the planner matches each left row with
		// the nearest right row by the condition's inequality.
		k := 1
		if next.word("left") {
			k++
			if r.tok(k).word("outer") {
				k++
			}
		}
		if r.tok(k).word("join") {
			// Both arrive as LEFT joins, so the parser insists on ON; the
			// sentinel says which.
			r.i += k + 1
			r.emit(t, okKeyword, "LEFT")
			r.keyword(r.tok(-1), "join")
			r.top().join = sentinelAsofJoin
			if next.word("left") {
				r.top().join = sentinelAsofLeftJoin
			}
			return true
		}
	case "between":
		// x BETWEEN SYMMETRIC a AND b: TiDB has no SYMMETRIC. The lower bound
		// becomes __pg_symmetric() + a, which binds tighter than BETWEEN's
		// AND, so postprocessing finds the sentinel at the lower bound's
		// leftmost operand, removes it and lists the BetweenExpr in
		// Statement.SymmetricBetween. ASYMMETRIC is the default: dropped.
		if next.word("symmetric") || next.word("asymmetric") {
			r.i += 2
			r.keyword(t, w)
			if next.word("symmetric") {
				r.emit(next, okFunc, sentinelSymmetric)
				r.emit(next, okOpen, "(")
				r.emit(next, okClose, ")")
				r.emit(next, okOp, "+")
			}
			return true
		}
	case "grouping":
		if next.word("sets") && r.tok(2).punct("(") {
			r.i += 2
			r.emit(t, okFunc, MarkerGroupingSets)
			return true
		}
	case "natural":
		// a NATURAL FULL [OUTER] JOIN b: TiDB has neither; it becomes a
		// LEFT JOIN b USING (sentinels), which postprocessing reads as a
		// natural full join.
		k := 2
		if r.tok(2).word("outer") {
			k = 3
		}
		if next.word("full") && r.tok(k).word("join") {
			r.i += k + 1
			r.emit(t, okKeyword, "LEFT")
			r.keyword(r.tok(-1), "join")
			r.top().naturalFull = &t
			return true
		}
	case "on", "using":
		if w == "using" && next.kind == tOp {
			// ORDER BY x USING < or >: ascending or descending (the sort
			// operators of every ordered type); read as ASC or DESC.
			dir := map[string]string{"<": "asc", ">": "desc", "~<~": "asc", "~>~": "desc"}[next.val]
			if dir == "" {
				r.fail(next, "42809", fmt.Sprintf("operator %s is not a valid ordering operator", next.val),
					"Ordering operators must be \"<\" or \">\" members of btree operator families.")
				return true
			}
			r.i++
			r.toks[r.i] = token{kind: tIdent, val: dir, start: next.start, end: next.end}
			return true
		}
		if w == "on" && next.word("conflict") {
			if r.kind != Insert || len(r.frames) != 1 {
				r.syntaxErr(next)
				return true
			}
			r.readOnConflict()
			return true
		}
		if f := r.top(); f.join != "" {
			sentinel := f.join
			f.join = ""
			if sentinel != sentinelFullJoin && w == "using" {
				r.unsupported(t, "ASOF JOIN ... USING", "write ON a.key = b.key AND a.time >= b.time")
				return true
			}
			r.i++
			r.keyword(t, w)
			if w == "on" {
				r.emit(t, okFunc, sentinel)
				r.emit(t, okOpen, "(")
				r.frames = append(r.frames, &frame{kind: fJoinOn, open: t})
				return true
			}
			if !r.tok(0).punct("(") {
				r.syntaxErr(r.tok(0))
				return true
			}
			r.step()
			r.emit(t, okIdent, quoteIdent(sentinelFullJoin))
			r.emit(t, okComma, ",")
			return true
		}
	case "operator":
		return next.punct("(") && r.operatorCall(t)
	case "array":
		if next.punct("[") {
			r.i += 2
			r.emit(t, okFunc, MarkerArray)
			r.emit(t, okOpen, "(")
			r.frames = append(r.frames, &frame{kind: fArray, open: next})
			return true
		}
		if next.punct("(") {
			r.i += 2
			r.emit(t, okFunc, MarkerArraySubquery)
			r.emit(t, okOpen, "(")
			r.emit(next, okOpen, "(")
			r.frames = append(r.frames, &frame{kind: fParen, query: true, open: next, suffix: []outTok{r.mk(t, okClose, ")")}})
			return true
		}
	case "cast":
		if next.punct("(") {
			r.i += 2
			r.emit(t, okFunc, MarkerCast)
			r.emit(next, okOpen, "(")
			r.frames = append(r.frames, &frame{kind: fCast, open: next})
			return true
		}
	case "as":
		if f := r.top(); f.kind == fCast {
			r.i++
			typ, ok := r.parseType()
			if !ok || !r.tok(0).punct(")") {
				r.syntaxErr(r.tok(0))
				return true
			}
			r.emit(t, okComma, ",")
			r.emit(t, okLit, quoteString(typ))
			return true
		}
		// WITH x AS [NOT] MATERIALIZED (
		if next.word("materialized") || (next.word("not") && r.tok(2).word("materialized")) {
			if next.word("materialized") {
				if name, ok := r.cteName(); ok {
					r.materialized = append(r.materialized, name)
				}
			}
			r.emit(t, okKeyword, "AS")
			for !r.tok(0).word("materialized") {
				r.i++
			}
			r.i++
			return true
		}
	case "extract":
		return next.punct("(") && r.extract(t)
	case "distinct":
		// string_agg(DISTINCT x, ','), array_agg(DISTINCT x), json_agg: TiDB takes
		// DISTINCT only in its own aggregates, so the first argument is
		// wrapped in __pg_distinct_arg(...) instead.
		if f := r.top(); f.kind == fParen && f.call && len(r.out)-1 == f.openIdx {
			switch strings.ToLower(strings.Trim(r.out[f.funcIdx].text, `"`)) {
			case "string_agg", "array_agg", "bit_and", "bit_or", "bit_xor", "json_agg", "jsonb_agg":
				r.i++
				r.emit(t, okFunc, MarkerDistinctArg)
				r.emit(t, okOpen, "(")
				f.distinctArg = true
				return true
			}
		}
		if next.word("on") && r.tok(2).punct("(") {
			r.i += 3
			r.emit(t, okFunc, sentinelDistinctOn)
			r.emit(r.tok(-1), okOpen, "(")
			r.frames = append(r.frames, &frame{kind: fParen, open: r.tok(-1), suffix: []outTok{r.mk(t, okComma, ",")}})
			return true
		}
	case "nulls":
		if f := r.top(); f.kind == fAggOrder && (next.word("first") || next.word("last")) {
			r.i += 2
			f.nulls = 1
			if next.val == "last" {
				f.nulls = 2
			}
			return true
		}
		if next.word("first") || next.word("last") {
			r.i += 2
			r.emit(t, okComma, ",")
			name := sentinelNullsFirst
			if next.val == "last" {
				name = sentinelNullsLast
			}
			r.emit(t, okFunc, name)
			r.emit(t, okOpen, "(")
			r.emit(t, okClose, ")")
			return true
		}
	case "limit", "offset", "fetch":
		if f := r.queryFrame(); f != nil && (w != "fetch" || next.word("first") || next.word("next")) {
			f.inFrom = false
			r.limitClause()
			return true
		}
	case "filter":
		if len(r.out) > 0 && r.out[len(r.out)-1].kind == okClose && next.punct("(") && r.tok(2).word("where") {
			start := r.primaryStart()
			if !r.wrapPrimary(t, MarkerFilter) {
				return true
			}
			r.emit(t, okComma, ",")
			r.i += 3
			r.frames = append(r.frames, &frame{kind: fParen, open: next, filterIdx: start})
			return true
		}
	case "within":
		if next.word("group") && r.tok(2).punct("(") && r.tok(3).word("order") && r.tok(4).word("by") {
			if !r.wrapPrimary(t, MarkerWithinGroup) {
				return true
			}
			r.emit(t, okComma, ",")
			r.i += 5
			r.frames = append(r.frames, &frame{kind: fWithin, open: r.tok(-3)})
			return true
		}
	case "asc", "desc":
		if f := r.top(); f.kind == fWithin || f.kind == fAggOrder {
			f.desc = w == "desc"
			r.i++
			return true
		}
	case "at":
		if next.word("time") && r.tok(2).word("zone") {
			if !r.wrapPrimary(t, MarkerAtTimeZone) {
				return true
			}
			r.emit(t, okComma, ",")
			r.i += 3
			if end := r.primaryExtent(r.i); end > r.i+1 && !(r.tok(0).punct("(") && r.matchingClose(r.i) == end-1) {
				// The zone is a primary of several tokens (lower('UTC'),
				// CASE ... END, z::text): read as if in parentheses.
				r.wrapInput(r.i, end)
			}
			if r.tok(0).punct("(") {
				r.i++
				r.emit(r.tok(-1), okOpen, "(")
				r.frames = append(r.frames, &frame{kind: fParen, open: r.tok(-1), suffix: []outTok{r.mk(t, okClose, ")")}})
				return true
			}
			r.step()
			r.emit(t, okClose, ")")
			return true
		}
	case "is":
		return r.isPredicate(t, next)
	case "isnull", "notnull":
		r.i++
		r.emit(t, okKeyword, "IS")
		if w == "notnull" {
			r.emit(t, okKeyword, "NOT")
		}
		r.emit(t, okKeyword, "NULL")
		return true
	case "collate":
		return r.collate(t)
	case "any", "some", "all":
		return r.quantified(t, w, next)
	case "rows", "range", "groups":
		if next.word("between") || next.word("unbounded") || next.word("current") || r.frameOffsetFollows() {
			r.i++
			r.frameAt = len(r.out)
			r.emit(t, okKeyword, strings.ToUpper(w))
			r.markFrameOffsets()
			return true
		}
	case "exclude":
		if r.frameAt >= 0 {
			return r.frameExclude(t)
		}
	case "current":
		if next.word("row") {
			r.i += 2
			r.emit(t, okKeyword, "CURRENT")
			r.emit(next, okKeyword, "ROW")
			return true
		}
	case "row":
		if next.punct("(") {
			r.i++
			r.emit(t, okKeyword, "ROW")
			return true
		}
	case "partition":
		if next.word("by") {
			r.i++
			r.emit(t, okKeyword, "PARTITION")
			return true
		}
	case "over":
		if next.punct("(") || next.kind == tIdent || next.kind == tQIdent {
			r.i++
			r.emit(t, okKeyword, "OVER")
			return true
		}
	case "window":
		if (next.kind == tIdent || next.kind == tQIdent) && r.tok(2).word("as") {
			r.i++
			r.emit(t, okKeyword, "WINDOW")
			if f := r.queryFrame(); f != nil {
				f.inFrom = false
			}
			return true
		}
	case "similar":
		if next.word("to") {
			r.similarTo(t)
			return true
		}
	case "tablesample":
		return r.tableSample(t, next)
	case "repeatable":
		if r.sampling && next.punct("(") && r.tok(-1).punct(")") {
			r.i++
			r.sampling = false
			r.emit(t, okKeyword, "REPEATABLE")
			return true
		}
	case "returning":
		r.unsupported(t, "RETURNING", "")
		return true
	}
	if name, ok := niladic[w]; ok && !next.punct("(") {
		r.i++
		r.emit(t, okFunc, name)
		r.emit(t, okOpen, "(")
		r.emit(t, okClose, ")")
		return true
	}
	if datetimeNiladic[w] {
		r.i++
		r.emit(t, okKeyword, strings.ToUpper(w))
		return true
	}
	return false
}

// insertAs leaves out INSERT INTO t AS alias's AS alias, noting the alias
// (TiDB's grammar has none); false elsewhere.
func (r *rewriter) insertAs(t token) bool {
	if r.kind != Insert || len(r.frames) != 1 || !t.word("as") || r.insertAlias != "" {
		return false
	}
	alias := r.tok(1)
	if alias.kind != tIdent && alias.kind != tQIdent {
		return false
	}
	for k := len(r.out) - 1; k >= 0; k-- {
		switch o := r.out[k]; {
		case o.kind == okKeyword && o.text == "INTO":
			if k == len(r.out)-1 {
				return false // INTO AS
			}
			r.insertAlias = alias.val
			r.i += 2
			return true
		case o.kind != okIdent && o.kind != okDot:
			return false
		}
	}
	return false
}

// readOnConflict reads an INSERT's ON CONFLICT [(column, ...) | ON
// CONSTRAINT name] DO NOTHING
// or DO UPDATE SET column = value, ... [WHERE cond] (r.i at ON) into
// r.onConflict. The target and DO NOTHING are left out of the SQL TiDB
// parses; DO UPDATE's assignments go on as ON DUPLICATE KEY UPDATE and its
// WHERE as one more assignment (see step), for conflictUpdate to read
// back. ON CONSTRAINT name is kept in Constraint.
func (r *rewriter) readOnConflict() {
	oc := &OnConflict{}
	r.i += 2
	name := func(t token) (string, bool) {
		if t.kind == tIdent || t.kind == tQIdent {
			return t.val, true
		}
		return "", false
	}
	if r.tok(0).punct("(") {
		r.i++
		for {
			n, ok := name(r.tok(0))
			if !ok {
				r.syntaxErr(r.tok(0))
				return
			}
			oc.Target = append(oc.Target, n)
			r.i++
			if r.tok(0).punct(")") {
				r.i++
				break
			}
			if !r.tok(0).punct(",") {
				r.syntaxErr(r.tok(0))
				return
			}
			r.i++
		}
	} else if r.tok(0).word("on") && r.tok(1).word("constraint") {
		n, ok := name(r.tok(2))
		if !ok || r.tok(2).word("do") {
			r.syntaxErr(r.tok(2))
			return
		}
		oc.Constraint = n
		r.i += 3
	}
	if !r.tok(0).word("do") {
		r.syntaxErr(r.tok(0))
		return
	}
	switch act := r.tok(1); {
	case act.word("nothing"):
		oc.Nothing = true
		r.i += 2
	case act.word("update") && r.tok(2).word("set"):
		for _, w := range []string{"ON", "DUPLICATE", "KEY", "UPDATE"} {
			r.emit(act, okKeyword, w)
		}
		r.i += 3
		depth := 0
	where:
		for j := r.i; j < len(r.toks); j++ {
			switch t := r.toks[j]; {
			case t.punct("(") || t.punct("["):
				depth++
			case t.punct(")") || t.punct("]"):
				depth--
			case depth == 0 && t.word("where"):
				r.conflictWhere = j
				break where
			}
		}
	default:
		r.syntaxErr(act)
		return
	}
	r.onConflict = oc
}

// conflictUpdate moves DO UPDATE's assignments, which TiDB parsed as ON
// DUPLICATE KEY UPDATE, into oc: the columns set, their values (nil for
// EXCLUDED.column of the same column) and the WHERE.
func conflictUpdate(ins *ast.InsertStmt, oc *OnConflict) *postErr {
	for _, a := range ins.OnDuplicate {
		col := a.Column.Name.L
		if col == MarkerConflictWhere {
			oc.Where = a.Expr
			continue
		}
		if a.Column.Table.L != "" {
			return &postErr{CodeSyntaxError, fmt.Sprintf("column %q of DO UPDATE SET is named with its table: name the column alone", col), ""}
		}
		if slices.Contains(oc.Set, col) {
			return &postErr{CodeSyntaxError, fmt.Sprintf("multiple assignments to same column %q", col), ""}
		}
		var v ast.ExprNode = a.Expr
		if c, ok := a.Expr.(*ast.ColumnNameExpr); ok && c.Name.Table.L == "excluded" && c.Name.Name.L == col && c.Name.Schema.L == "" {
			v = nil
		}
		oc.Set, oc.Values = append(oc.Set, col), append(oc.Values, v)
	}
	ins.OnDuplicate = nil
	return nil
}

// tableSample reads TABLESAMPLE method (percent) (r.i at TABLESAMPLE),
// which goes to TiDB's grammar as written, after PostgreSQL's checks TiDB
// would answer with a syntax error: the method is BERNOULLI or SYSTEM, with
// one argument. The argument and a REPEATABLE (seed) after it are read as
// any expression.
func (r *rewriter) tableSample(t, method token) bool {
	if method.kind != tIdent && method.kind != tQIdent {
		r.syntaxErr(method)
		return true
	}
	if m := method.val; m != "bernoulli" && m != "system" {
		r.fail(method, "42704", "tablesample method "+m+" does not exist", "TABLESAMPLE takes BERNOULLI (percent) or SYSTEM (percent)")
		return true
	}
	if !r.tok(2).punct("(") {
		r.syntaxErr(r.tok(2))
		return true
	}
	end, commas := r.callExtent(r.i + 2)
	switch {
	case end == r.i+3:
		r.syntaxErr(r.toks[end])
		return true
	case len(commas) > 0:
		r.fail(r.tok(2), "2202H", fmt.Sprintf("tablesample method %s requires 1 argument, not %d", method.val, len(commas)+1), "")
		return true
	}
	r.i += 2
	r.emit(t, okKeyword, "TABLESAMPLE")
	r.emit(method, okKeyword, strings.ToUpper(method.val))
	r.sampling = true
	return true
}

// operatorCall rewrites OPERATOR([schema.]op) to op.
// similarTo rewrites x [NOT] SIMILAR TO pattern [ESCAPE e] as x [NOT]
// REGEXP similar_to_escape(pattern [, e]): a regular expression match
// against PostgreSQL's translation of the pattern. The pattern and the
// escape are a string constant or a $n parameter.
func (r *rewriter) similarTo(t token) {
	refuse := func(v token) {
		r.unsupported(v, "a SIMILAR TO pattern or escape that is not a string constant or a $n parameter", "match with ~ similar_to_escape(pattern)")
	}
	value := func(v token) bool {
		switch {
		case v.kind == tString:
			r.emit(v, okLit, quoteString(v.val))
		case v.kind == tParam:
			r.out = append(r.out, outTok{text: "?", kind: okParam, orig: v.start, origEnd: v.end, param: v.n})
		case v.kind == tIdent && v.word("null"):
			r.emit(v, okLit, "NULL")
		default:
			refuse(v)
			return false
		}
		return true
	}
	pat := r.tok(2)
	r.i += 3 // SIMILAR TO pattern
	r.emit(t, okKeyword, "REGEXP")
	r.emit(t, okFunc, "similar_to_escape")
	r.emit(t, okOpen, "(")
	if !value(pat) {
		return
	}
	if r.continuesOperand() || r.tok(0).kind == tString || r.tok(0).kind == tOp && r.tok(0).val == "||" {
		refuse(pat) // 'a' || '%': the pattern is an expression, not the one token
		return
	}
	if r.tok(0).word("escape") {
		esc := r.tok(1)
		r.i += 2
		r.emit(t, okComma, ",")
		if !value(esc) {
			return
		}
	}
	r.emit(t, okClose, ")")
}

func (r *rewriter) operatorCall(t token) bool {
	k := 2
	if (r.tok(k).kind == tIdent || r.tok(k).kind == tQIdent) && r.tok(k+1).punct(".") {
		k += 2
	}
	op := r.tok(k)
	if op.kind != tOp || !r.tok(k+1).punct(")") {
		r.syntaxErr(t)
		return true
	}
	r.i += k + 2
	r.operator(t, op.val)
	return true
}

// extract rewrites extract(field FROM expr) to __pg_extract('field', expr).
func (r *rewriter) extract(t token) bool {
	f := r.tok(2)
	if (f.kind != tIdent && f.kind != tString && f.kind != tQIdent) || !r.tok(3).word("from") {
		return false
	}
	open := r.tok(1)
	r.i += 4
	r.emit(t, okFunc, MarkerExtract)
	r.emit(open, okOpen, "(")
	r.emit(f, okLit, quoteString(strings.ToLower(f.val)))
	r.emit(f, okComma, ",")
	r.frames = append(r.frames, &frame{kind: fParen, open: open})
	return true
}

// isPredicate handles IS [NOT] DISTINCT FROM and IS [NOT] UNKNOWN.
func (r *rewriter) isPredicate(t token, next token) bool {
	not := next.word("not")
	k := 1
	if not {
		k = 2
	}
	switch {
	case r.tok(k).word("distinct") && r.tok(k+1).word("from"):
		// a IS NOT DISTINCT FROM b  =>  a <=> b
		// a IS DISTINCT FROM b      =>  NOT a <=> b
		s := r.scanOperand(true)
		if s >= len(r.out) {
			r.syntaxErr(t)
			return true
		}
		if r.operandStart() != s {
			// x = y IS DISTINCT FROM z: the comparison is the operand
			r.insertAt(s, r.mk(t, okOpen, "("))
			r.emit(t, okClose, ")")
		}
		if !not {
			r.insertAt(s, r.mk(t, okKeyword, "NOT"))
		}
		r.i += k + 2
		r.emit(t, okOp, "<=>")
		return true
	case r.tok(k).word("unknown"):
		r.i += k + 1
		r.emit(t, okKeyword, "IS")
		if not {
			r.emit(next, okKeyword, "NOT")
		}
		r.emit(r.tok(-1), okKeyword, "NULL")
		return true
	}
	return false
}

// collate drops COLLATE clauses naming the default, C or POSIX collation
// (the engine compares strings bytewise) and rejects others.
func (r *rewriter) collate(t token) bool {
	k := 1
	if (r.tok(k).kind == tIdent || r.tok(k).kind == tQIdent) && r.tok(k+1).punct(".") {
		k += 2
	}
	c := r.tok(k)
	if c.kind != tIdent && c.kind != tQIdent {
		r.syntaxErr(c)
		return true
	}
	switch strings.ToLower(c.val) {
	case "default", "c", "posix", "ucs_basic":
		if r.primaryStart() < 0 {
			r.syntaxErr(t)
			return true
		}
		r.i += k + 1
		return true
	}
	r.unsupported(c, "collation \""+c.val+"\"", "only the default, \"C\" and \"POSIX\" collations are available")
	return true
}

// quantified rewrites op ANY/SOME/ALL (array) to op __pg_any/__pg_all(array);
// with a subquery inside, TiDB's own quantified comparison is kept.
func (r *rewriter) quantified(t token, w string, next token) bool {
	if !next.punct("(") || len(r.out) == 0 {
		return false
	}
	prev := r.out[len(r.out)-1]
	like := prev.kind == okKeyword && (prev.text == "LIKE" || prev.text == "ILIKE" || prev.text == "REGEXP")
	if (prev.kind != okOp || !comparisonOps[prev.text]) && !like {
		return false
	}
	if like && (r.tok(2).word("select") || r.tok(2).word("with") || r.tok(2).word("values")) {
		op := "LIKE"
		if prev.text == "REGEXP" {
			op = "~"
		}
		r.unsupported(t, op+" "+strings.ToUpper(w)+" (subquery)", "use "+op+" ANY (ARRAY[...]) or an EXISTS subquery")
		return true
	}
	if in := r.tok(2); in.word("select") || in.word("with") || in.word("values") {
		r.i++
		kw := "ANY"
		if w == "all" {
			kw = "ALL"
		}
		r.emit(t, okKeyword, kw)
		return true
	}
	r.i++
	name := MarkerAny
	if w == "all" {
		name = MarkerAll
	}
	r.emit(t, okFunc, name)
	return true
}

// frameOffsetFollows reports whether the ROWS, RANGE or GROUPS at r.i
// starts a frame of one offset (ROWS 2 PRECEDING, RANGE interval '1 hour'
// PRECEDING, RANGE '1 hour' PRECEDING): PRECEDING or FOLLOWING ends the
// words after it, before any comma, closing parenthesis or other frame
// word (ORDER BY rows, range ... reads columns of those names).
func (r *rewriter) frameOffsetFollows() bool {
	depth := 0
	for k := 1; r.i+k < len(r.toks); k++ {
		switch t := r.tok(k); {
		case t.punct("("):
			depth++
		case t.punct(")"):
			if depth--; depth < 0 {
				return false
			}
		case depth > 0:
		case t.punct(",") || t.punct(";"):
			return false
		case t.word("preceding") || t.word("following"):
			return k > 1
		case t.word("rows") || t.word("range") || t.word("groups") || t.word("order") || t.word("partition"):
			return false
		}
	}
	return false
}

// markFrameOffsets finds the offsets of the window frame whose ROWS,
// RANGE or GROUPS was just read (r.i is past it) that are expressions,
// (1), 1 + 1, $1::int, and has step wrap each in INTERVAL (...) SECOND:
// TiDB's grammar takes a number, a parameter or INTERVAL expr unit before
// PRECEDING or FOLLOWING. A lone token and a typed interval literal
// (which typedLiteral and step write so themselves) are left as they are.
func (r *rewriter) markFrameOffsets() {
	start, depth := r.i, 0
	for k := r.i; k < len(r.toks); k++ {
		t := r.toks[k]
		switch {
		case t.punct("("):
			depth++
			continue
		case t.punct(")"):
			if depth--; depth < 0 {
				return // the window's end
			}
			continue
		case depth > 0:
			continue
		case t.punct(",") || t.punct(";"):
			return
		case t.word("between") || t.word("and"):
			start = k + 1
		case (t.word("preceding") || t.word("following")) && start >= 0:
			if r.frameExpr(start, k) {
				if r.frameWrap == nil {
					r.frameWrap = map[int]bool{}
				}
				r.frameWrap[start], r.frameWrap[k] = true, true
			}
			start = -1
		}
	}
}

// frameExpr reports whether tokens [from, to) are an offset to wrap: not
// a lone number, parameter, string or UNBOUNDED, nor a typed interval
// literal.
func (r *rewriter) frameExpr(from, to int) bool {
	if to <= from {
		return false // no offset (BETWEEN PRECEDING): TiDB's syntax error
	}
	first := r.toks[from]
	if to-from == 1 {
		return first.kind != tNumber && first.kind != tParam && first.kind != tString && !first.word("unbounded")
	}
	second := r.toks[from+1]
	switch {
	case first.word("interval") && second.kind == tString:
		for k := from + 2; k < to; k++ {
			if r.toks[k].kind != tIdent {
				return true // interval '1 hour' * 2
			}
		}
		return false // interval '1 hour', interval '2' hour
	case first.kind == tString && to-from == 3 && second.punct("::") && r.toks[from+2].word("interval"):
		return false // '1 hour'::interval
	}
	return true
}

// typedLiteral rewrites type 'string' (TIMESTAMP '..', INTERVAL '1' DAY,
// DOUBLE PRECISION '1.5', ...) to __pg_cast('string', 'type').
func (r *rewriter) typedLiteral(t token) bool {
	save := r.i
	typ, ok := r.parseType()
	if !ok || r.tok(0).kind != tString {
		r.i = save
		return false
	}
	s := r.tok(0)
	r.i++
	if typ == "interval" {
		typ += r.intervalQualifier()
	}
	// A RANGE frame offset: TiDB takes INTERVAL expr unit PRECEDING.
	frame := strings.HasPrefix(typ, "interval") && (r.tok(0).word("preceding") || r.tok(0).word("following"))
	if frame {
		r.emit(t, okKeyword, "INTERVAL")
	}
	r.emit(t, okFunc, MarkerCast)
	r.emit(t, okOpen, "(")
	r.emit(s, okLit, quoteString(s.val))
	r.emit(t, okComma, ",")
	r.emit(t, okLit, quoteString(typ))
	r.emit(t, okClose, ")")
	if frame {
		r.emit(t, okKeyword, "SECOND")
	}
	return true
}

// namesRelation reports whether the word at r.i, followed by '(', names a
// relation rather than a function: the table of INSERT INTO t (cols) or a
// CTE with a column list, WITH t (cols) AS (...).
func (r *rewriter) namesRelation() bool {
	if n := len(r.out); n > 0 && r.out[n-1].kind == okKeyword && r.out[n-1].text == "INTO" {
		return true
	}
	if r.atFromItem() {
		return false // f(..) AS (a int, ..): a function's column definitions
	}
	depth := 0
	for k := r.i + 1; k < len(r.toks); k++ {
		switch {
		case r.toks[k].punct("("):
			depth++
		case r.toks[k].punct(")"):
			depth--
			if depth == 0 {
				return k+1 < len(r.toks) && r.toks[k+1].word("as") && k+2 < len(r.toks) && r.toks[k+2].punct("(")
			}
		}
	}
	return false
}

// sqlFunc starts trim, substring or overlay, whose arguments may be
// separated by keywords: trim([BOTH|LEADING|TRAILING] [chars] FROM s)
// becomes btrim|ltrim|rtrim(s[, chars]), substring(s FROM a FOR b)
// substring(s, a, b) (FOR b alone: substring(s, 1, b)) and overlay(s
// PLACING r FROM a FOR b) overlay(s, r, a, b).
func (r *rewriter) sqlFunc(t token, w string) {
	open := r.tok(1)
	r.i += 2
	name := w
	if w == "trim" {
		name = "btrim"
		switch d := r.tok(0); {
		case d.word("leading"):
			name = "ltrim"
			r.i++
		case d.word("trailing"):
			name = "rtrim"
			r.i++
		case d.word("both"):
			r.i++
		}
	}
	r.emit(t, okFunc, quoteIdent(name))
	f := &frame{kind: fSQLFunc, open: open, name: w, openIdx: len(r.out)}
	r.emit(open, okOpen, "(")
	f.argIdx = len(r.out)
	r.frames = append(r.frames, f)
}

// sqlFuncKeyword rewrites FROM, FOR and PLACING at the top level of
// trim/substring/overlay; it reports whether it consumed w.
func (r *rewriter) sqlFuncKeyword(t token, f *frame, w string) bool {
	switch {
	case f.name == "trim" && w == "from" && f.fromIdx == 0:
		r.i++
		if len(r.out) > f.argIdx {
			f.fromIdx = len(r.out)
			r.emit(t, okComma, ",")
		}
		return true
	case f.name == "substring" && (w == "similar" && !f.seen && f.similar == 0 || w == "escape" && f.similar == 1):
		// substring(s SIMILAR pattern ESCAPE e) is substring(s, pattern, e),
		// the SQL regular expression form (as substring(s FROM pattern FOR
		// e) of text arguments).
		r.i++
		f.similar++
		r.emit(t, okComma, ",")
		return true
	case f.name == "substring" && (w == "from" || w == "for") && f.similar == 0:
		r.i++
		if w == "for" && !f.seen {
			r.emit(t, okComma, ",")
			r.emit(t, okLit, "1")
		}
		f.seen = true
		r.emit(t, okComma, ",")
		return true
	case f.name == "overlay" && (w == "placing" || w == "from" || w == "for"):
		r.i++
		r.emit(t, okComma, ",")
		return true
	}
	return false
}

// synthetic marks a token windowArgs wrote (in token.n): a marker name
// user SQL may not write.
const synthetic = -1

// windowArgKinds are the window functions whose integer argument TiDB's
// grammar restricts: lag/lead take a number or $n as the offset (argument
// 2), ntile and nth_value a simple expression (arguments 1 and 2).
var windowArgKinds = map[string]int{"lag": 2, "lead": 2, "ntile": 1, "nth_value": 2}

// windowArgs rewrites, in the input, the restricted argument of a window
// call whose '(' is at r.i when PostgreSQL's grammar takes it and TiDB's
// does not: ntile(n + 1) becomes ntile((n + 1)); lag(x, expr [, d])
// becomes lag(__pg_lag_offset(x, expr), 1 [, d]), which the planner reads
// back as lag(x, expr [, d]).
func (r *rewriter) windowArgs(name string) {
	open := r.i
	end, commas := r.callExtent(open)
	want := windowArgKinds[name]
	if end < 0 || len(commas) < want-1 {
		return // malformed or without the argument: the parser says so
	}
	bounds := append(append([]int{open}, commas...), end)
	from, to := bounds[want-1]+1, bounds[want] // the argument's tokens
	arg := r.toks[from:to]
	if len(arg) == 0 || len(arg) == 1 && (arg[0].kind == tNumber && !strings.ContainsAny(arg[0].val, ".eE") || arg[0].kind == tParam) {
		return
	}
	at := func(t token, kind tokKind, val string) token {
		return token{kind: kind, val: val, start: t.start, end: t.start, n: synthetic}
	}
	var out []token
	if name == "ntile" || name == "nth_value" {
		out = append(out, r.toks[:from]...)
		out = append(out, at(arg[0], tPunct, "("))
		out = append(out, arg...)
		out = append(out, at(arg[0], tPunct, ")"))
		out = append(out, r.toks[to:]...)
		r.toks = out
		return
	}
	value := r.toks[open+1 : commas[0]]
	if len(value) == 0 {
		return
	}
	out = append(out, r.toks[:open+1]...)
	out = append(out, at(value[0], tQIdent, MarkerLagOffset), at(value[0], tPunct, "("))
	out = append(out, value...)
	out = append(out, at(arg[0], tPunct, ","))
	out = append(out, arg...)
	out = append(out, at(arg[0], tPunct, ")"), at(arg[0], tPunct, ","), at(arg[0], tNumber, "1"))
	out = append(out, r.toks[to:]...)
	r.toks = out
}

// callExtent finds, in the input, the ')' closing the '(' at open (-1 if
// none) and the commas between its arguments.
func (r *rewriter) callExtent(open int) (end int, commas []int) {
	depth := 0
	for k := open; k < len(r.toks); k++ {
		switch t := r.toks[k]; {
		case t.punct("(") || t.punct("["):
			depth++
		case t.punct(")") || t.punct("]"):
			depth--
			if depth == 0 {
				return k, commas
			}
		case t.punct(",") && depth == 1:
			commas = append(commas, k)
		}
	}
	return -1, commas
}

// frameExclude reads a window frame's EXCLUDE clause (r.i at EXCLUDE),
// which TiDB's grammar has not: EXCLUDE NO OTHERS is dropped, the others
// become MarkerFrameExclude('current row'|'group'|'ties'), the window's
// last ORDER BY item, written before the frame's ROWS/RANGE/GROUPS.
func (r *rewriter) frameExclude(t token) bool {
	var mode string
	var n int
	switch next := r.tok(1); {
	case next.word("current") && r.tok(2).word("row"):
		mode, n = "current row", 3
	case next.word("group"):
		mode, n = "group", 2
	case next.word("ties"):
		mode, n = "ties", 2
	case next.word("no") && r.tok(2).word("others"):
		mode, n = "", 3
	default:
		return false
	}
	at := r.frameAt
	r.frameAt = -1
	r.i += n
	if mode == "" {
		return true
	}
	// Has the window an ORDER BY? Read back from the frame to the
	// window's '('.
	ordered, depth := false, 0
	for k := at - 1; k >= 0; k-- {
		o := r.out[k]
		if o.kind == okClose {
			depth++
		} else if o.kind == okOpen {
			if depth == 0 {
				break
			}
			depth--
		} else if depth == 0 && o.kind == okKeyword && o.text == "ORDER" {
			ordered = true
			break
		}
	}
	lead := r.mk(t, okComma, ",")
	if !ordered {
		r.insertAt(at, r.mk(t, okKeyword, "ORDER"), r.mk(t, okKeyword, "BY"))
		at += 2
		lead = outTok{}
	}
	toks := []outTok{r.mk(t, okFunc, MarkerFrameExclude), r.mk(t, okOpen, "("), r.mk(t, okLit, quoteString(mode)), r.mk(t, okClose, ")")}
	if lead.kind != 0 {
		toks = append([]outTok{lead}, toks...)
	}
	r.insertAt(at, toks...)
	return true
}

// primaryExtent is the end (exclusive) of the primary expression starting
// at input token k, as PostgreSQL's grammar reads the operand of AT TIME
// ZONE: a constant, a typed literal (interval '1h'), a name, a call, a
// parenthesised expression or CASE ... END, with a sign before it and
// casts, subscripts and COLLATE after it; -1 if k starts none of those.
func (r *rewriter) primaryExtent(k int) int {
	at := func(j int) token {
		if j < len(r.toks) {
			return r.toks[j]
		}
		return eofTok
	}
	t := at(k)
	end := -1
	switch {
	case t.punct("-") || t.punct("+"):
		return r.primaryExtent(k + 1)
	case t.punct("("):
		if c := r.matchingClose(k); c >= 0 {
			end = c + 1
		}
	case t.word("case"):
		depth := 0
		for j := k; j < len(r.toks); j++ {
			if r.toks[j].word("case") {
				depth++
			} else if r.toks[j].word("end") {
				if depth--; depth == 0 {
					end = j + 1
					break
				}
			}
		}
	case t.kind == tString || t.kind == tNumber || t.kind == tParam:
		end = k + 1
	case t.kind == tIdent || t.kind == tQIdent:
		end = k + 1
		for at(end).punct(".") && (at(end+1).kind == tIdent || at(end+1).kind == tQIdent) {
			end += 2
		}
		switch {
		case at(end).punct("("):
			if c := r.matchingClose(end); c >= 0 {
				end = c + 1
			} else {
				return -1
			}
		case at(end).kind == tString && end == k+1:
			end++ // interval '1 hour', text 'x'
		}
	}
	if end < 0 {
		return -1
	}
	for {
		switch {
		case at(end).punct("::") && (at(end+1).kind == tIdent || at(end+1).kind == tQIdent):
			end += 2
			if at(end).punct("(") {
				if c := r.matchingClose(end); c >= 0 {
					end = c + 1
				}
			}
			for at(end).punct("[") && at(end+1).punct("]") {
				end += 2
			}
		case at(end).punct("["):
			depth := 0
			j := end
			for ; j < len(r.toks); j++ {
				if r.toks[j].punct("[") {
					depth++
				} else if r.toks[j].punct("]") {
					if depth--; depth == 0 {
						break
					}
				}
			}
			if j >= len(r.toks) {
				return end
			}
			end = j + 1
		case at(end).word("collate") && at(end+1).kind != 0:
			end += 2
		default:
			return end
		}
	}
}

// matchingClose is the input index of the ')' closing the '(' at k, -1 if
// none.
func (r *rewriter) matchingClose(k int) int {
	end, _ := r.callExtent(k)
	return end
}

// wrapInput puts input tokens [from, to) in parentheses.
func (r *rewriter) wrapInput(from, to int) {
	t := r.toks[from]
	open := token{kind: tPunct, val: "(", start: t.start, end: t.start, n: synthetic}
	last := r.toks[to-1]
	closing := token{kind: tPunct, val: ")", start: last.end, end: last.end, n: synthetic}
	out := make([]token, 0, len(r.toks)+2)
	out = append(out, r.toks[:from]...)
	out = append(out, open)
	out = append(out, r.toks[from:to]...)
	out = append(out, closing)
	out = append(out, r.toks[to:]...)
	r.toks = out
}

// callHasOrderBy reports whether the call whose '(' is at r.i and whose
// extent ends before input token end has an ORDER BY of its own.
func (r *rewriter) callHasOrderBy(end int) bool {
	depth := 0
	for k := r.i; k < end; k++ {
		switch t := r.toks[k]; {
		case t.punct("(") || t.punct("["):
			depth++
		case t.punct(")") || t.punct("]"):
			depth--
		case depth == 1 && t.word("order") && k+1 < end && r.toks[k+1].word("by"):
			return true
		}
	}
	return false
}

// windowOnlyAggs are aggregates TiDB's grammar does not take OVER after.
var windowOnlyAggs = map[string]bool{"string_agg": true, "array_agg": true, "json_agg": true, "jsonb_agg": true, "bool_and": true, "bool_or": true, "every": true}

// windowAgg rewrites, in the input, name(args) OVER ... whose '(' is at
// r.i as max(__pg_window_agg('name', args)) OVER ...: an aggregate TiDB
// parses with OVER, which the planner reads back.
func (r *rewriter) windowAgg(t token, name string) {
	open := r.i
	end, _ := r.callExtent(open)
	if end < 0 {
		r.emit(t, okFunc, quoteIdent(name)) // unbalanced: the parser says so
		return
	}
	at := func(kind tokKind, val string) token {
		return token{kind: kind, val: val, start: t.start, end: t.end, n: synthetic}
	}
	var out []token
	out = append(out, r.toks[:open+1]...)
	out = append(out, at(tQIdent, MarkerWindowAgg), at(tPunct, "("), at(tString, name))
	if end > open+1 {
		out = append(out, at(tPunct, ","))
	}
	out = append(out, r.toks[open+1:end]...)
	out = append(out, at(tPunct, ")"))
	out = append(out, r.toks[end:]...)
	r.toks = out
	r.emit(t, okFunc, "max")
}

// cteName is the name of the WITH query whose AS is the current token:
// the word before it, or before its parenthesized column list.
func (r *rewriter) cteName() (string, bool) {
	i := r.i - 1
	if i >= 0 && r.toks[i].punct(")") {
		for depth := 0; i >= 0; i-- {
			if r.toks[i].punct(")") {
				depth++
			} else if r.toks[i].punct("(") {
				if depth--; depth == 0 {
					break
				}
			}
		}
		i--
	}
	if i < 0 || r.toks[i].kind != tIdent && r.toks[i].kind != tQIdent {
		return "", false
	}
	return r.toks[i].val, true
}

// havingAhead reports whether a HAVING follows at this level before the
// query level ends (r.i is past a WHERE or GROUP).
func (r *rewriter) havingAhead() bool {
	depth := 0
	for k := r.i; k < len(r.toks); k++ {
		t := r.toks[k]
		switch {
		case t.punct("(") || t.punct("["):
			depth++
		case t.punct(")") || t.punct("]"):
			if depth == 0 {
				return false
			}
			depth--
		case depth > 0:
		case t.word("having"):
			return true
		case t.punct(";") || t.word("union") || t.word("intersect") || t.word("except") || t.word("order") ||
			t.word("limit") || t.word("offset") || t.word("fetch") || t.word("window"):
			return false
		}
	}
	return false
}

// fromlessHaving gives a SELECT without FROM whose HAVING follows its
// WHERE or GROUP BY (SELECT 1 WHERE false HAVING true, valid in
// PostgreSQL) a FROM of one row and no columns it could name, where TiDB's
// grammar has a HAVING only right after the select list when there is no
// FROM; the query's one row is the same.
func (r *rewriter) fromlessHaving(t token) {
	r.emit(t, okKeyword, "FROM")
	r.emit(t, okOpen, "(")
	r.emit(t, okKeyword, "SELECT")
	r.emit(t, okLit, "1")
	r.emit(t, okClose, ")")
	r.emit(t, okKeyword, "AS")
	r.emit(t, okIdent, quoteIdent(fromlessAlias))
}

// fromlessAlias names fromlessHaving's FROM item.
const fromlessAlias = "__strata_fromless"
