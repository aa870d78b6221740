package planner

import (
	"errors"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// runSubquery binds and runs an uncorrelated subquery once, at planning
// time (PostgreSQL's InitPlan), and returns its rows and column types. A
// subquery naming a column of the outer query is correlated: not supported
// yet.
func (b *binder) runSubquery(outer *scope, q ast.ResultSetNode) ([][]any, []Column, error) {
	return b.runSubqueryRows(outer, q, readAll)
}

// subqueryRead is what runSubqueryRows reads of a subquery's rows.
type subqueryRead int

const (
	readAll subqueryRead = iota
	// readDistinct reads each distinct row once: IN and ANY/ALL compare
	// with a set (hostname IN (SELECT hostname FROM cpu WHERE ...) holds the
	// hosts, not every matching row).
	readDistinct
	// readScalar reads two rows: a scalar subquery's second is an error.
	readScalar
	// readExists reads one row of the plan existsRows keeps.
	readExists
)

// runSubqueryRows is runSubquery reading what read says.
func (b *binder) runSubqueryRows(outer *scope, q ast.ResultSetNode, read subqueryRead) ([][]any, []Column, error) {
	stmt, ok := q.(ast.StmtNode)
	if !ok {
		return nil, nil, notSupported("this subquery")
	}
	if err := noDropWhilePlanning(stmt, nil); err != nil {
		return nil, nil, err
	}
	around, hits := b.outer, b.outerHits[b.outer]
	node, err := b.bindQuery(stmt)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) && pe.Code == CodeUndefinedColumn && outer != nil && len(outer.cols) > 0 {
			return nil, nil, notSupported("correlated subqueries (a subquery naming a column of the outer query)")
		}
		return nil, nil, err
	}
	if around != nil && b.outerHits[around] > hits {
		// It names a column of the query around the one it is in, whose
		// value is known only as that one runs (per row): not now.
		return nil, nil, notSupported("correlated subqueries (a subquery naming a column of a query around the outer one)")
	}
	if err := noDropWhilePlanning(stmt, node); err != nil {
		return nil, nil, err
	}
	switch read {
	case readExists:
		if b.existsSimplifies(q) {
			node = existsRows(node)
		}
		node = &Limit{Child: node, Count: 1}
	case readScalar:
		node = &Limit{Child: node, Count: 2}
	case readDistinct:
		cols := node.Columns()
		keys := make([]exec.Expr, len(cols))
		for i, c := range cols {
			keys[i] = &exec.Column{Index: i, Name: c.Name, DT: c.Type}
		}
		node = &Aggregate{Child: node, Keys: keys, Cols: cols}
	}
	node = Optimize(node)
	if err := deferredFoldError(node); err != nil {
		return nil, nil, err
	}
	b.volatile = true
	rows, err := runPlan(b.ctx, b.p.Engine, node)
	if err != nil {
		return nil, nil, err
	}
	return rows, node.Columns(), nil
}

// runPlan builds and runs a plan under c and returns its rows as Literal
// holds values (planning-time subqueries, recursive CTE terms, LATERAL runs).
// The rows count against the query's memory limit (c.Reserve), as what
// its operators hold does: IN (SELECT ...) over a billion rows fails with
// 53200 rather than take the machine's memory.
func runPlan(c *exec.Ctx, engine *storage.Engine, node Node) ([][]any, error) {
	op, err := Build(c, engine, node)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	ctx := c.Stmt()
	var rows [][]any
	for {
		rec, err := op.Next(ctx)
		if err != nil {
			return nil, AsError(err)
		}
		if rec == nil {
			return rows, nil
		}
		n, w := int(rec.NumRows()), int(rec.NumCols())
		// Each row: its slice's header and values (an interface each, and
		// what a string or interval holds besides).
		if err := c.Reserve(exec.RecordSize(rec) + int64(n)*int64(24+w*24)); err != nil {
			return nil, AsError(err)
		}
		cols := rec.Columns()
		vals := make([]any, n*w) // one allocation for the batch's rows
		for i := range n {
			row := vals[i*w : (i+1)*w : (i+1)*w]
			for k, col := range cols {
				row[k] = valueAtRow(col, i)
			}
			rows = append(rows, row)
		}
	}
}

// valueAtRow reads row i of a as Literal holds values (nil for NULL).
func valueAtRow(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Int64:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.Timestamp:
		return exec.Timestamp(a.Value(i))
	case *array.Dictionary:
		s, _ := exec.FormatValue(a, i, nil)
		return s
	default:
		v, err := valueAt(array.NewSlice(a, int64(i), int64(i+1)))
		if err != nil {
			return nil
		}
		return v
	}
}

func literalType(c Column) arrow.DataType {
	if exec.IsText(c.Type) {
		return exec.TypeText
	}
	return c.Type
}

// scalarSubquery is (SELECT x ...) used as a value: run once when
// uncorrelated, decorrelated into a grouped left join when it is an
// aggregate correlated by equality.
func (b *binder) scalarSubquery(outer *scope, e *ast.SubqueryExpr) (exec.Expr, error) {
	rows, cols, err := b.runSubqueryRows(outer, e.Query, readScalar)
	perRow := func() (exec.Expr, error) {
		x, err := b.applySubquery(outer, e.Query, applyScalar)
		if a, ok := x.(*applyExpr); ok && err == nil {
			b.noteSubquery(e, Column{PGType: a.pg, Scale: a.scale}) // (SELECT x * 2) of an outer 1.50: 3.00
		}
		return x, err
	}
	if isCorrelated(err) {
		if b.grouped {
			return perRow()
		}
		if sel, ok := e.Query.(*ast.SelectStmt); ok && outer != nil && outer.node != nil {
			x, err := b.decorrelateScalar(outer, sel)
			var pe *Error
			if isCorrelated(err) || isNotSupported(err) || errors.As(err, &pe) && pe.Code == CodeUndefinedColumn {
				return perRow()
			}
			return x, err
		}
	}
	if err != nil {
		return nil, err
	}
	if len(cols) != 1 {
		return nil, errorf(CodeSyntax, "subquery must return only one column")
	}
	if len(rows) > 1 {
		return nil, errorf("21000", "more than one row returned by a subquery used as an expression")
	}
	b.noteSubquery(e, cols[0])
	if len(rows) == 0 {
		return &exec.Literal{V: nil, DT: literalType(cols[0])}, nil
	}
	return &exec.Literal{V: rows[0][0], DT: literalType(cols[0])}, nil
}

// noteSubquery keeps the PostgreSQL type and numeric scale of scalar
// subquery e's column c (numeric sum(bigint), int4, 1.50) for pgTypeOf,
// numericScale and quotientScale.
func (b *binder) noteSubquery(e *ast.SubqueryExpr, c Column) {
	if c.PGType == 0 {
		return
	}
	if b.subqueryTypes == nil {
		b.subqueryTypes = map[*ast.SubqueryExpr]uint32{}
	}
	b.subqueryTypes[e] = c.PGType
	if b.subqueryScales == nil {
		b.subqueryScales = map[*ast.SubqueryExpr]int{}
	}
	b.subqueryScales[e] = c.Scale
}

// applyIn is x [NOT] IN (correlated subquery), run per outer row.
func (b *binder) applyIn(outer *scope, xe ast.ExprNode, x exec.Expr, q ast.ResultSetNode, not bool) (exec.Expr, error) {
	a, err := b.applyCompare(outer, xe, x, q, exec.Eq, false)
	if err != nil || !not {
		return a, err
	}
	return &exec.Not{X: a}, nil
}

// applyCompare is x op ANY|ALL (correlated subquery), run per outer row.
// Where a timestamp without time zone meets a date or a timestamptz, x or
// each value the subquery returns is converted to their common type, as
// alignRows does for an uncorrelated one.
func (b *binder) applyCompare(outer *scope, xe ast.ExprNode, x exec.Expr, q ast.ResultSetNode, op exec.CmpOp, all bool) (exec.Expr, error) {
	ax, err := b.applySubquery(outer, q, applyIn)
	if err != nil {
		return nil, err
	}
	a := ax.(*applyExpr)
	col := a.plan.Columns()[0]
	if xk, ck, common := b.timeMeeting(outer, xe, x, col); common != 0 {
		if ck == common {
			if x, err = b.convertTime(x, xk, common); err != nil {
				return nil, err
			}
		} else {
			a.convertFrom = ck
		}
	}
	if a.in, _, err = b.unify(x, typed(literalType(col))); err != nil {
		return nil, err
	}
	a.in, a.op, a.all = settle(a.in), op, all
	return a, nil
}

// inSubquery is x [NOT] IN (SELECT ...).
func (b *binder) inSubquery(outer *scope, xe ast.ExprNode, x exec.Expr, sel ast.ExprNode, not bool) (exec.Expr, error) {
	sub, ok := sel.(*ast.SubqueryExpr)
	if !ok {
		return nil, notSupported("IN over this expression")
	}
	rows, cols, err := b.runSubqueryRows(outer, sub.Query, readDistinct)
	if isCorrelated(err) {
		return b.applyIn(outer, xe, x, sub.Query, not)
	}
	if err != nil {
		return nil, err
	}
	if len(cols) != 1 {
		return nil, errorf(CodeSyntax, "subquery has too many columns")
	}
	if x, err = b.alignRows(outer, xe, x, rows, cols[0]); err != nil {
		return nil, err
	}
	return b.inRows(x, rows, cols[0], not)
}

// alignRows brings x (from xe) and the one-column rows of a subquery run
// (of column c) to one type where a timestamp without time zone meets a
// date or a timestamptz, as PostgreSQL casts them for the comparison: a
// date becomes a timestamp, a timestamp the timestamptz its reading is
// in the session's zone. The rows are changed in place.
func (b *binder) alignRows(s *scope, xe ast.ExprNode, x exec.Expr, rows [][]any, c Column) (exec.Expr, error) {
	xk, ck, common := b.timeMeeting(s, xe, x, c)
	if common == 0 {
		return x, nil
	}
	if ck == common {
		return b.convertTime(x, xk, common)
	}
	for _, r := range rows {
		r[0] = raiseTime(r[0], ck, b.ctx.Location)
	}
	return x, nil
}

// timeMeeting reports the time kinds of x (from xe) and of a subquery's
// column c, and commonTime of them (0 when nothing converts).
func (b *binder) timeMeeting(s *scope, xe ast.ExprNode, x exec.Expr, c Column) (xk, ck, common uint32) {
	if c.Type.ID() != arrow.TIMESTAMP {
		return 0, 0, 0
	}
	xk, ck = (&selectBinder{b: b, in: s}).timeKind(xe, x), timeKindOf(c.PGType)
	return xk, ck, commonTime(xk, ck)
}

// commonTime is the type a time of kind xk and one of kind ck are compared
// in when one is a timestamp without time zone and the other a date or a
// timestamptz: the larger kind (1082 < 1114 < 1184), as alignTimes; 0 when
// nothing converts.
func commonTime(xk, ck uint32) uint32 {
	if xk == 0 || ck == 0 || xk == ck || xk != 1114 && ck != 1114 {
		return 0
	}
	return max(xk, ck)
}

// raiseTime is value v of kind from (a date or a timestamp) in the next
// kind up, as a comparison beside one reads it: a date its midnight's
// reading, a timestamp the instant of its reading in loc. Other values
// (NULL) are returned as they are.
func raiseTime(v any, from uint32, loc *time.Location) any {
	t, ok := v.(exec.Timestamp)
	if !ok || !exec.IsFiniteTime(int64(t)) {
		return v
	}
	if from == 1082 {
		return exec.Timestamp(exec.Reading(time.Unix(0, int64(t)), loc).UnixNano())
	}
	return exec.Timestamp(exec.InstantOfReading(int64(t), loc))
}

// inRows is x [NOT] IN the one-column rows of a subquery run (of column
// c): an InList of their values.
func (b *binder) inRows(x exec.Expr, rows [][]any, c Column, not bool) (exec.Expr, error) {
	x, _, err := b.unify(x, typed(literalType(c)))
	if err != nil {
		return nil, err
	}
	if x.Type().ID() == arrow.NULL {
		x = &exec.Literal{V: nil, DT: exec.TypeText} // NULL IN (SELECT NULL): unknowns resolve to text
	}
	vals := make([]any, 0, len(rows))
	for _, r := range rows {
		v, err := exec.CastValue(b.ctx, r[0], x.Type())
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
	if len(vals) == 0 {
		// Nothing to be equal to: IN is false and NOT IN true, for NULL too.
		return &exec.Literal{V: not, DT: exec.TypeBool}, nil
	}
	return &exec.InList{X: settle(x), Values: vals, Negate: not}, nil
}

// existsSubquery is [NOT] EXISTS (SELECT ...).
func (b *binder) existsSubquery(outer *scope, e *ast.ExistsSubqueryExpr) (exec.Expr, error) {
	sub, ok := e.Sel.(*ast.SubqueryExpr)
	if !ok {
		return nil, notSupported("EXISTS over this expression")
	}
	body, _ := sub.Query.(*ast.SelectStmt)
	b.existsSimplifies(sub.Query) // before binding changes the query
	var rows [][]any
	err := b.withLazyList(body, true, func() (err error) {
		rows, _, err = b.runSubqueryRows(outer, sub.Query, readExists)
		return err
	})
	if isCorrelated(err) {
		var x exec.Expr
		err := b.withLazyList(body, true, func() (err error) {
			x, err = b.applySubquery(outer, sub.Query, applyExists)
			return err
		})
		if err != nil || !e.Not {
			return x, err
		}
		return &exec.Not{X: x}, nil
	}
	if err != nil {
		return nil, err
	}
	return &exec.Literal{V: (len(rows) > 0) != e.Not, DT: exec.TypeBool}, nil
}

// existsSimplifies reports whether PostgreSQL simplifies an EXISTS over
// query q (existsRows): a plain SELECT without OFFSET (0 too), FOR UPDATE
// or set-returning functions in its select list; the rest (aggregates,
// HAVING, windows, LIMIT 0) the plan shows.
func (b *binder) existsSimplifies(q ast.ResultSetNode) bool {
	if v, ok := b.existsPlain[q]; ok {
		return v
	}
	if b.existsPlain == nil {
		b.existsPlain = map[ast.ResultSetNode]bool{}
	}
	v := existsPlainQuery(q)
	b.existsPlain[q] = v
	return v
}

// existsPlainQuery is existsSimplifies without the cache.
func existsPlainQuery(q ast.ResultSetNode) bool {
	sel, ok := q.(*ast.SelectStmt)
	if !ok || sel.Kind != ast.SelectStmtKindSelect {
		return false
	}
	if sel.Limit != nil && sel.Limit.Offset != nil || sel.LockInfo != nil && sel.LockInfo.LockType != ast.SelectLockNone {
		return false
	}
	for _, f := range sel.Fields.Fields {
		if f.Expr != nil && len(srfCalls(f.Expr)) > 0 {
			return false
		}
	}
	return true
}

// existsRows is the part of an EXISTS subquery's plan that decides whether
// it has rows. As PostgreSQL simplifies such a query (its select list,
// ORDER BY, DISTINCT and a GROUP BY without aggregates say nothing about
// whether there is a row), a plain SELECT loses them: EXISTS (SELECT 1/0
// FROM t) is whether t has rows, not a division by zero. They were bound,
// so their names were checked. Aggregates, HAVING, window functions,
// grouping sets and OFFSET keep the whole plan (the select list is then
// computed, as in PostgreSQL).
func existsRows(n Node) Node {
	rows := n
	for {
		switch c := rows.(type) {
		case *Limit:
			if c.Offset != 0 || c.Count == 0 || c.Ties != nil {
				return n
			}
			rows = c.Child
			continue
		case *Project:
			rows = c.Child
			continue
		case *Sort:
			rows = c.Child
			continue
		case *DistinctOn:
			rows = c.Child
			continue
		case *Aggregate:
			if _, sets := c.Child.(*Expand); sets || len(c.Aggs) > 0 || len(c.Keys) == 0 {
				return n
			}
			rows = c.Child
			continue
		}
		break
	}
	// Rows, not an aggregate's under a HAVING or a window's.
	under := rows
	for {
		f, ok := under.(*Filter)
		if !ok {
			break
		}
		under = f.Child
	}
	switch under.(type) {
	case *Aggregate, *Window:
		return n
	}
	return rows
}

// extremeRow is the value of one-column rows an ordering comparison with
// ANY or ALL reduces to: for x > ANY and x < ALL the least, for x > ALL
// and x < ANY the greatest (greater: the operator is > or >=), NaN above
// every number as in PostgreSQL; hasNull reports a NULL row. ok is false
// for values of other types, or when every row is NULL.
func extremeRow(rows [][]any, greater, all bool) (v any, hasNull, ok bool) {
	wantMax := greater == all
	for _, r := range rows {
		switch r[0].(type) {
		case nil:
			hasNull = true
			continue
		case int64, float64, string, exec.Timestamp:
		default:
			return nil, false, false
		}
		if v == nil {
			v = r[0]
			continue
		}
		if c := exec.CompareValues(r[0], v); wantMax && c > 0 || !wantMax && c < 0 {
			v = r[0]
		}
	}
	return v, hasNull, v != nil
}

// cmpOps are the comparison operators by parser opcode.
var cmpOps = map[opcode.Op]exec.CmpOp{opcode.EQ: exec.Eq, opcode.NE: exec.Ne, opcode.LT: exec.Lt, opcode.LE: exec.Le, opcode.GT: exec.Gt, opcode.GE: exec.Ge}

// compareSubquery is x op ANY|ALL (SELECT ...): the comparisons with every
// row, ORed (ANY) or ANDed (ALL), with SQL's NULL rules.
func (b *binder) compareSubquery(outer *scope, x exec.Expr, e *ast.CompareSubqueryExpr) (exec.Expr, error) {
	sub, ok := e.R.(*ast.SubqueryExpr)
	if !ok {
		return nil, notSupported("ANY/ALL over this expression")
	}
	rows, cols, err := b.runSubqueryRows(outer, sub.Query, readDistinct)
	if isCorrelated(err) {
		if op, ok := cmpOps[e.Op]; ok {
			return b.applyCompare(outer, e.L, x, sub.Query, op, e.All) // run per outer row
		}
	}
	if err != nil {
		return nil, err
	}
	if len(cols) != 1 {
		return nil, errorf(CodeSyntax, "subquery has too many columns")
	}
	if len(rows) == 0 {
		return &exec.Literal{V: e.All, DT: exec.TypeBool}, nil
	}
	if x, err = b.alignRows(outer, e.L, x, rows, cols[0]); err != nil {
		return nil, err
	}
	switch {
	case e.Op == opcode.EQ && !e.All:
		return b.inRows(x, rows, cols[0], false) // = ANY is IN
	case e.Op == opcode.NE && e.All:
		return b.inRows(x, rows, cols[0], true) // <> ALL is NOT IN
	}
	ordering := e.Op == opcode.LT || e.Op == opcode.LE || e.Op == opcode.GT || e.Op == opcode.GE
	if v, hasNull, ok := extremeRow(rows, e.Op == opcode.GT || e.Op == opcode.GE, e.All); ordering && ok {
		// x > ANY (S) is x > min(S), x > ALL (S) is x > max(S) (and so
		// on), true or false; a NULL in S makes a false ANY (a true
		// ALL) NULL, as the comparisons with each row would.
		c, err := b.binary(e.Op, x, &exec.Literal{V: v, DT: literalType(cols[0])})
		if err != nil || !hasNull {
			return c, err
		}
		null := &exec.Literal{V: nil, DT: exec.TypeBool}
		if e.All {
			return &exec.Logic{Op: exec.And, L: c, R: null}, nil
		}
		return &exec.Logic{Op: exec.Or, L: c, R: null}, nil
	}
	var out exec.Expr
	for _, r := range rows {
		c, err := b.binary(e.Op, x, &exec.Literal{V: r[0], DT: literalType(cols[0])})
		if err != nil {
			return nil, err
		}
		switch {
		case out == nil:
			out = c
		case e.All:
			out = &exec.Logic{Op: exec.And, L: out, R: c}
		default:
			out = &exec.Logic{Op: exec.Or, L: out, R: c}
		}
	}
	return out, nil
}
