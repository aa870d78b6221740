package planner

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// outerRef is a column of the enclosing query named inside a correlated
// subquery. It only exists while the subquery is being decorrelated: the
// rewrite replaces it by a column of the join it builds.
type outerRef struct {
	col *exec.Column // the column in the outer query's FROM output
	// frame and slot are set when the subquery runs per outer row
	// (applyExpr): the value is then the current outer row's.
	frame *applyFrame
	slot  int
	// far: a column of a query two or more levels out, read from the run
	// of the subquery around this one (its frame): a constant for this
	// query's execution, not a correlation with the query directly out.
	far bool
}

// Type is the outer column's, except that a value run per outer row
// (applyExpr) is a plain array: a tag reads as text.
func (o *outerRef) Type() arrow.DataType {
	if o.frame != nil {
		return literalType(Column{Type: o.col.Type()})
	}
	return o.col.Type()
}
func (o *outerRef) String() string { return "outer." + o.col.Name }
func (o *outerRef) Eval(c *exec.Ctx, rec arrow.Record) (arrow.Array, error) {
	if o.frame != nil {
		return o.frame.value(c, o.slot, o.Type(), rec)
	}
	return nil, errNestedOuter
}

// errNestedOuter refuses an outer reference the plan cannot give a value:
// a subquery naming a column two or more queries out while the query
// between them is being decorrelated (it then runs per row instead, where
// the value is known: fartherFrames).
var errNestedOuter = notSupported("a subquery naming a column of a query two or more levels out (only of the query directly around it)")

// materialize makes every column of a scope part of its node's output, so
// the node's width no longer changes (a join's right side is numbered
// after it).
func materialize(s *scope) {
	for _, c := range s.cols {
		s.ref(c)
	}
}

// hasOuter reports whether an expression reads the outer query.
func hasOuter(e exec.Expr) bool {
	found := false
	walkExpr(e, func(x exec.Expr) {
		if o, ok := x.(*outerRef); ok && !o.far {
			found = true
		}
	})
	return found
}

// readsInner reports whether an expression reads the subquery's own columns.
func readsInner(e exec.Expr) bool {
	found := false
	walkColumns(e, func(*exec.Column) { found = true })
	return found
}

// correlation is a subquery's WHERE split for decorrelation.
type correlation struct {
	local      []exec.Expr // only the subquery's columns
	outerKeys  []exec.Expr // outer side of "inner = outer" conditions (outer columns)
	innerKeys  []exec.Expr // inner side (inner columns)
	residual   []exec.Expr // other conditions naming both (still with outerRefs)
	correlated bool
}

// bindCorrelated binds a subquery's FROM and WHERE with the outer scope
// visible and splits the WHERE conditions.
func (b *binder) bindCorrelated(outer *scope, sub *ast.SelectStmt) (*scope, *correlation, error) {
	if sub.With != nil || sub.GroupBy != nil || sub.Having != nil || len(sub.WindowSpecs) > 0 {
		return nil, nil, notSupported("correlated subqueries with WITH, GROUP BY, HAVING or WINDOW")
	}
	inner, err := b.bindFrom(sub.From)
	if err != nil {
		return nil, nil, err
	}
	corr := &correlation{}
	if sub.Where == nil {
		return inner, corr, nil
	}
	defer b.withOuter(outer, nil)() // its references become join columns: no frame
	for _, c := range astConjuncts(sub.Where) {
		x, err := b.bindBool(inner, c, "WHERE")
		if err != nil {
			return nil, nil, err
		}
		if !hasOuter(x) {
			corr.local = append(corr.local, x)
			continue
		}
		corr.correlated = true
		if cmp, ok := x.(*exec.Compare); ok && cmp.Op == exec.Eq {
			l, r := cmp.L, cmp.R
			if onlyOuter(l) && !hasOuter(r) {
				l, r = r, l
			}
			if onlyOuter(r) && !hasOuter(l) && readsInner(l) {
				corr.innerKeys = append(corr.innerKeys, l)
				corr.outerKeys = append(corr.outerKeys, unOuter(r, 0))
				continue
			}
		}
		corr.residual = append(corr.residual, x)
	}
	return inner, corr, nil
}

// onlyOuter reports whether e reads the outer query and no inner column.
func onlyOuter(e exec.Expr) bool { return hasOuter(e) && !readsInner(e) }

// unOuter replaces outer references by columns of the outer node and moves
// inner columns by shift (their place in the joined row).
func unOuter(e exec.Expr, shift int) exec.Expr {
	return mapExpr(e, func(x exec.Expr) exec.Expr {
		switch x := x.(type) {
		case *outerRef:
			if x.far {
				return x // a value of the run around: stays
			}
			return x.col
		case *exec.Column:
			return &exec.Column{Index: x.Index + shift, Name: x.Name, DT: x.DT}
		}
		return x
	})
}

// astConjuncts splits an AST condition on AND.
func astConjuncts(e ast.ExprNode) []ast.ExprNode {
	if b, ok := e.(*ast.BinaryOperationExpr); ok && b.Op == opcode.LogicAnd {
		return append(astConjuncts(b.L), astConjuncts(b.R)...)
	}
	if p, ok := e.(*ast.ParenthesesExpr); ok {
		if b, ok := p.Expr.(*ast.BinaryOperationExpr); ok && b.Op == opcode.LogicAnd {
			return astConjuncts(b)
		}
	}
	return []ast.ExprNode{e}
}

// existsConjunct recognises [NOT] EXISTS (SELECT ...).
func existsConjunct(e ast.ExprNode) (*ast.SelectStmt, bool, bool) {
	not := false
	for {
		if u, ok := e.(*ast.UnaryOperationExpr); ok && (u.Op == opcode.Not || u.Op == opcode.Not2) {
			not, e = !not, u.V
			continue
		}
		if p, ok := e.(*ast.ParenthesesExpr); ok {
			e = p.Expr
			continue
		}
		break
	}
	ex, ok := e.(*ast.ExistsSubqueryExpr)
	if !ok {
		return nil, false, false
	}
	sq, ok := ex.Sel.(*ast.SubqueryExpr)
	if !ok {
		return nil, false, false
	}
	sel, ok := sq.Query.(*ast.SelectStmt)
	if !ok {
		return nil, false, false
	}
	return sel, not != ex.Not, true
}

// decorrelateExists turns a correlated [NOT] EXISTS conjunct of the outer
// WHERE into a semi (anti) join of the outer rows with the subquery's rows.
// It reports false when the subquery is not correlated (it is then
// evaluated once instead).
func (b *binder) decorrelateExists(outer *scope, sub *ast.SelectStmt, anti bool) (bool, error) {
	if !b.existsSimplifies(sub) {
		// Its select list decides whether there are rows (a set-returning
		// function) or it is not a plain SELECT: run per row.
		return false, nil
	}
	if l := sub.Limit; l != nil {
		// LIMIT n > 0 leaves a row if there is one (EXISTS (... LIMIT 1));
		// LIMIT 0 and OFFSET change which rows exist: run per row.
		if l.Offset != nil || l.Count == nil {
			return false, nil
		}
		if n, err := b.constInt(l.Count, "LIMIT"); err != nil || n <= 0 {
			return false, nil
		}
	}
	inner, corr, err := b.bindCorrelated(outer, sub)
	if isNotSupported(err) || err != nil && AsError(err).Code == CodeUndefinedColumn {
		// Per row: GROUP BY, HAVING, ..., or a FROM naming the outer
		// query (EXISTS (SELECT 1 FROM generate_series(1, t.n) g ...)),
		// which the per-row run binds (or reports a column that is
		// nowhere).
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !corr.correlated {
		return false, nil
	}
	q := &selectBinder{b: b, sel: sub, in: inner}
	var orderBy []*ast.ByItem
	if sub.OrderBy != nil {
		orderBy = sub.OrderBy.Items
	}
	if q.anyAggregate(sub.Fields.Fields, nil, orderBy) {
		// An aggregate without GROUP BY (in the select list or ORDER BY)
		// has one row whatever matches: EXISTS is true, NOT EXISTS false.
		if anti {
			outer.node = &Filter{Child: outer.node, Pred: &exec.Literal{V: false, DT: exec.TypeBool}}
		}
		return true, nil
	}
	if err := q.checkUnread(outer, orderBy); err != nil {
		return false, err
	}
	// Outer columns already named keep their places; the rest are added
	// now so the outer width is final before the join numbers its right
	// side after it.
	materialize(outer)
	innerNode := inner.node
	if pred := andAll(corr.local); pred != nil {
		innerNode = &Filter{Child: innerNode, Pred: pred}
	}
	nOuter := len(outer.node.Columns())
	var residual []exec.Expr
	for _, r := range corr.residual {
		residual = append(residual, unOuter(r, nOuter))
	}
	kind := exec.JoinSemi
	if anti {
		kind = exec.JoinAnti
	}
	outer.node = &Join{Left: outer.node, Right: innerNode, Kind: kind, LeftKeys: corr.outerKeys, RightKeys: corr.innerKeys, Residual: andAll(residual)}
	return true, nil
}

// checkUnread binds a select list and ORDER BY whose values no one reads
// (an EXISTS subquery's, which the semi join does not compute) for their
// names and types only: EXISTS (SELECT nosuch FROM t WHERE ...) is an
// error, as in PostgreSQL; a constant that fails (1/0) is not, as the
// values are never computed.
func (q *selectBinder) checkUnread(outer *scope, orderBy []*ast.ByItem) error {
	b := q.b
	defer b.withOuter(outer, nil)()
	b.deferFold++
	defer func() { b.deferFold-- }()
	outs, err := q.bindOutputs()
	if err != nil {
		return err
	}
	exprs := make([]exec.Expr, len(outs))
	cols := make([]Column, len(outs))
	for i, o := range outs {
		exprs[i], cols[i] = o.expr, Column{Name: o.name, Type: o.expr.Type()}
	}
	for _, item := range orderBy {
		if f, ok := item.Expr.(*ast.FuncCallExpr); ok && f.FnName.L == sql.MarkerWithTies {
			continue
		}
		if _, err := q.outputColumn(item.Expr, outs, &exprs, &cols); err != nil {
			return err
		}
	}
	return nil
}

// decorrelateScalar turns (SELECT agg(x) FROM t WHERE t.k = outer.k ...)
// into a grouping of t by k, left-joined to the outer rows; the value is the
// joined aggregate (count's NULL on no match becomes 0, as the subquery would
// count no rows).
func (b *binder) decorrelateScalar(outer *scope, sub *ast.SelectStmt) (exec.Expr, error) {
	if len(sub.Fields.Fields) != 1 || sub.Fields.Fields[0].Expr == nil {
		return nil, notSupported("correlated subqueries returning other than one aggregate")
	}
	call, ok := parseAggCall(sub.Fields.Fields[0].Expr)
	if !ok {
		// (SELECT x FROM t WHERE t.k = outer.k): x of the one matching row.
		if sub.GroupBy != nil || sub.Having != nil || sub.Limit != nil || sub.Distinct || containsAggregate(sub.Fields.Fields[0].Expr) {
			return nil, notSupported("this form of correlated scalar subquery")
		}
		call = &aggCall{name: "__single", args: []ast.ExprNode{sub.Fields.Fields[0].Expr}}
	}
	if sub.Limit != nil {
		return nil, notSupported("correlated scalar subqueries with LIMIT or OFFSET") // run per row
	}
	inner, corr, err := b.bindCorrelated(outer, sub)
	if err != nil {
		return nil, err
	}
	materialize(outer)
	if len(corr.residual) > 0 || len(corr.innerKeys) == 0 {
		return nil, notSupported("correlated subqueries whose correlation is not equality")
	}
	if pred := andAll(corr.local); pred != nil {
		inner.node = &Filter{Child: inner.node, Pred: pred}
	}
	if call.name == "__single" {
		// Only the groups some outer row reads may hold several rows
		// (21000): keep the inner rows whose keys an outer row has.
		inner.node = &Join{Left: inner.node, Right: outer.node, Kind: exec.JoinSemi, LeftKeys: corr.innerKeys, RightKeys: corr.outerKeys}
	}
	q := &selectBinder{b: b, sel: sub, in: inner, grouped: true, keys: corr.innerKeys}
	for _, k := range corr.innerKeys {
		q.keyStr = append(q.keyStr, k.String())
		q.keyID = append(q.keyID, exprID(k))
	}
	val, err := q.aggregate(call)
	if err != nil {
		return nil, err
	}
	agg := &Aggregate{Child: inner.node, Keys: q.keys, Aggs: q.aggs}
	for i, k := range q.keys {
		agg.Cols = append(agg.Cols, Column{Name: "key" + string(rune('0'+i)), Type: k.Type()})
	}
	for i, a := range q.aggs {
		dt, err := a.ResultType()
		if err != nil {
			return nil, err
		}
		agg.Cols = append(agg.Cols, Column{Name: q.aggStr[i], Type: dt})
	}
	right := make([]exec.Expr, len(q.keys))
	for i, k := range q.keys {
		right[i] = &exec.Column{Index: i, Name: "key", DT: k.Type()}
	}
	nOuter := len(outer.node.Columns())
	outer.node = &Join{Left: outer.node, Right: agg, Kind: exec.JoinLeft, LeftKeys: corr.outerKeys, RightKeys: right}
	col := val.(*exec.Column)
	var out exec.Expr = &exec.Column{Index: nOuter + col.Index, Name: col.Name, DT: col.DT}
	if q.aggs[0].Func == exec.AggCount || q.aggs[0].Func == exec.AggCountStar {
		out = &exec.Cond{Kind: exec.Coalesce, Args: []exec.Expr{out, &exec.Literal{V: int64(0), DT: exec.TypeInt}}, DT: exec.TypeInt}
	}
	return out, nil
}
