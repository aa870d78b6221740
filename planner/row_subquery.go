package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
)

// Row values against subqueries, and the row predicates PostgreSQL
// defines beside comparisons: (a, b) = (SELECT x, y ...), (a, b) > ANY
// (SELECT ...), ROW(a, b) IS [NOT] NULL, (a, b) IS [NOT] DISTINCT FROM
// (c, d). The subqueries run once, while binding, as IN's do (a
// correlated one is refused); their rows become constants compared field
// by field (rowCompare).

// subqueryRows runs sub for a row of n values: its rows, each a row
// expression of stand-in nodes, and the hook that binds those nodes to
// the values (then defers to h).
func (b *binder) subqueryRows(s *scope, sub *ast.SubqueryExpr, n int, h hook) ([]*ast.RowExpr, hook, error) {
	rows, cols, err := b.runSubquery(s, sub.Query)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case len(cols) > n:
		return nil, nil, errorf(CodeSyntax, "subquery has too many columns")
	case len(cols) < n:
		return nil, nil, errorf(CodeSyntax, "subquery has too few columns")
	}
	values := map[ast.ExprNode]exec.Expr{}
	out := make([]*ast.RowExpr, len(rows))
	for r, row := range rows {
		out[r] = &ast.RowExpr{Values: make([]ast.ExprNode, n)}
		for i, v := range row {
			node := &driver.ValueExpr{} // stands for the value
			out[r].Values[i] = node
			values[node] = &exec.Literal{V: v, DT: literalType(cols[i])}
		}
	}
	bound := func(e ast.ExprNode) (exec.Expr, bool, error) {
		if x, ok := values[e]; ok {
			return x, true, nil
		}
		if h != nil {
			return h(e)
		}
		return nil, false, nil
	}
	return out, bound, nil
}

// rowVsSubquery binds (a, b) op (SELECT x, y ...): the subquery's one
// row (all NULL when it has none; more than one is an error), compared as
// a row.
func (b *binder) rowVsSubquery(s *scope, row *ast.RowExpr, sub *ast.SubqueryExpr, op opcode.Op, h hook) (exec.Expr, error) {
	rows, bound, err := b.subqueryRows(s, sub, len(row.Values), h)
	if err != nil {
		return nil, err
	}
	if len(rows) > 1 {
		return nil, errorf("21000", "more than one row returned by a subquery used as an expression")
	}
	other := &ast.RowExpr{Values: make([]ast.ExprNode, len(row.Values))}
	if len(rows) == 1 {
		other = rows[0]
	} else {
		for i := range other.Values {
			other.Values[i] = ast.NewValueExpr(nil, "", "")
		}
	}
	x, _, err := b.rowCompare(s, &ast.BinaryOperationExpr{Op: op, L: row, R: other}, bound)
	return x, err
}

// rowQuantified binds (a, b) op ANY|ALL (SELECT x, y ...): = ANY is IN
// and <> ALL is NOT IN (looked up by value); other operators compare the
// row with each of the subquery's, ANY true when one comparison is, ALL
// when every one is (NULLs as three-valued logic has them).
func (b *binder) rowQuantified(s *scope, row *ast.RowExpr, e *ast.CompareSubqueryExpr, h hook) (exec.Expr, error) {
	sub, ok := e.R.(*ast.SubqueryExpr)
	if !ok {
		return nil, notSupported("ANY/ALL over this expression")
	}
	switch {
	case e.Op == opcode.EQ && !e.All:
		return b.rowIn(s, row, &ast.PatternInExpr{Expr: row, Sel: sub}, h)
	case e.Op == opcode.NE && e.All:
		return b.rowIn(s, row, &ast.PatternInExpr{Expr: row, Sel: sub, Not: true}, h)
	}
	rows, bound, err := b.subqueryRows(s, sub, len(row.Values), h)
	if err != nil {
		return nil, err
	}
	var out exec.Expr = &exec.Literal{V: e.All, DT: exec.TypeBool} // no rows: ALL true, ANY false
	for i, r := range rows {
		c, _, err := b.rowCompare(s, &ast.BinaryOperationExpr{Op: e.Op, L: row, R: r}, bound)
		if err != nil {
			return nil, err
		}
		switch {
		case i == 0:
			out = c
		case e.All:
			out = &exec.Logic{Op: exec.And, L: out, R: c}
		default:
			out = &exec.Logic{Op: exec.Or, L: out, R: c}
		}
	}
	return b.fold(out)
}

// rowIsNull binds ROW(a, b) IS [NOT] NULL: IS NULL when every field is
// NULL, IS NOT NULL when none is (so a row of some NULLs is neither).
func (b *binder) rowIsNull(s *scope, row *ast.RowExpr, not bool, h hook) (exec.Expr, error) {
	var out exec.Expr
	for _, v := range row.Values {
		x, err := b.bindNode(s, v, h)
		if err != nil {
			return nil, err
		}
		var c exec.Expr = &exec.IsNull{X: settle(x), Negate: not}
		if out != nil {
			c = &exec.Logic{Op: exec.And, L: out, R: c}
		}
		out = c
	}
	return b.fold(out)
}
