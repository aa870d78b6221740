package planner

import (
	"fmt"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
)

// Timescale Toolkit's lttb(time, value, resolution) downsamples a series
// for plotting (Largest-Triangle-Three-Buckets) into a timevector, which
// queries read with unnest:
//
//	SELECT time, value FROM unnest((SELECT lttb(time, temp, 500) FROM weather WHERE ...))
//
// Strata has no timevector: unnest of a subquery whose one item is lttb()
// is bound as the subquery's (time, value) rows under an LTTB node, whose
// rows are unnest's: time (timestamptz) and value (double precision).

// LTTB is the downsampled rows of Child's (time, value) columns.
type LTTB struct {
	Child      Node
	Resolution int64
	Cols       []Column
}

func (n *LTTB) Columns() []Column { return n.Cols }
func (n *LTTB) Children() []Node  { return []Node{n.Child} }
func (n *LTTB) Describe() string  { return fmt.Sprintf("LTTB: %d points", n.Resolution) }

// lttbCall recognises unnest's argument (SELECT lttb(time, value, n) FROM
// ...) and returns the subquery and the call.
func lttbCall(arg ast.ExprNode) (*ast.SelectStmt, *ast.FuncCallExpr, bool) {
	sub, ok := unparen(arg).(*ast.SubqueryExpr)
	if !ok {
		return nil, nil, false
	}
	sel, ok := sub.Query.(*ast.SelectStmt)
	if !ok || sel.Fields == nil || len(sel.Fields.Fields) != 1 {
		return nil, nil, false
	}
	f, ok := unparen(sel.Fields.Fields[0].Expr).(*ast.FuncCallExpr)
	if !ok || f.FnName.L != "lttb" {
		return nil, nil, false
	}
	return sel, f, true
}

// unnestLTTB binds unnest((SELECT lttb(time, value, resolution) FROM ...)).
func (b *binder) unnestLTTB(sel *ast.SelectStmt, f *ast.FuncCallExpr, alias string, colNames []ast.CIStr) (*scope, error) {
	if len(f.Args) != 3 {
		return nil, errorf(CodeUndefinedFunc, "function lttb takes (time, value, resolution), got %d arguments", len(f.Args))
	}
	if sel.GroupBy != nil || sel.Having != nil || sel.Distinct || sel.OrderBy != nil || sel.Limit != nil || sel.WindowSpecs != nil {
		// In PostgreSQL these apply to the one row lttb() makes, not to
		// the points it reads.
		return nil, notSupported("lttb in a subquery with GROUP BY, HAVING, DISTINCT, ORDER BY, LIMIT or WINDOW (it downsamples the rows the WHERE selects)")
	}
	n, err := b.constInt(f.Args[2], "lttb's resolution")
	if err != nil {
		return nil, err
	}
	switch {
	case n == -1 && b.describe:
		n = 3 // a parameter without a value yet
	case n == -1:
		return nil, errorf("22004", "lttb's resolution must not be NULL")
	case n <= 2:
		return nil, errorf("22023", "lttb's resolution must be greater than 2, got %d", n)
	}
	cp := *sel
	cp.Fields = &ast.FieldList{Fields: []*ast.SelectField{{Expr: f.Args[0]}, {Expr: f.Args[1]}}}
	child, err := b.bindQuery(&cp)
	if err != nil {
		return nil, err
	}
	cols := child.Columns()
	if cols[0].Type.ID() != exec.TypeTimestamptz.ID() {
		return nil, errorf(CodeUndefinedFunc, "function lttb(%s, ...) does not exist: its first argument is a timestamp", exec.SQLTypeName(cols[0].Type))
	}
	switch cols[1].Type.ID() {
	case exec.TypeInt.ID(), exec.TypeUint.ID(), exec.TypeFloat.ID():
	default:
		return nil, errorf(CodeUndefinedFunc, "function lttb(timestamp with time zone, %s, ...) does not exist: its value is a number", exec.SQLTypeName(cols[1].Type))
	}
	var node Node = &LTTB{Child: child, Resolution: n, Cols: []Column{
		{Name: "time", Type: exec.TypeTimestamptz}, {Name: "value", Type: exec.TypeFloat}}}
	if len(colNames) > 0 {
		if len(colNames) > 2 {
			return nil, errorf(CodeSyntax, "unnest of lttb has 2 columns available but %d columns specified", len(colNames))
		}
		node = renameColumns(node, colNames) // AS u(t, v)
	}
	return derivedScope(node, alias), nil
}
