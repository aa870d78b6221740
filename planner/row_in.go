package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/stratadb/strata/exec"
)

// rowIn is (a, b, ...) [NOT] IN (SELECT x, y, ... ) or IN ((1, 2), ...):
// "the latest row of each host" is WHERE (hostname, time) IN (SELECT
// hostname, max(time) FROM cpu GROUP BY hostname). The subquery runs once
// (a correlated one is refused); each outer row is looked up by its
// values, with PostgreSQL's NULL rules: true on an equal row, NULL when a
// row could be equal but for NULLs, else false.
func (b *binder) rowIn(s *scope, row *ast.RowExpr, e *ast.PatternInExpr, h hook) (exec.Expr, error) {
	xs := make([]exec.Expr, len(row.Values))
	for i, v := range row.Values {
		x, err := b.bindNode(s, v, h)
		if err != nil {
			return nil, err
		}
		xs[i] = settle(x)
	}
	var rows [][]any
	if e.Sel != nil {
		sub, ok := e.Sel.(*ast.SubqueryExpr)
		if !ok {
			return nil, notSupported("IN over this expression")
		}
		r, cols, err := b.runSubqueryRows(s, sub.Query, readDistinct)
		if err != nil {
			return nil, err
		}
		if len(cols) != len(xs) {
			return nil, errorf(CodeSyntax, "subquery has %d columns for a row of %d", len(cols), len(xs))
		}
		rows = r
	} else {
		for _, item := range e.List {
			ir, ok := unparen(item).(*ast.RowExpr)
			if !ok || len(ir.Values) != len(xs) {
				return nil, errorf(CodeSyntax, "IN list items must be rows of %d values, like the left side", len(xs))
			}
			vals := make([]any, len(xs))
			for j, v := range ir.Values {
				x, err := b.bindNode(s, v, h)
				if err != nil {
					return nil, err
				}
				// A quoted constant is read as its left value's type
				// ((x, 1) IN (('0.1', 1)) of a real x: a real).
				if x, err = b.heldPeer(s, row.Values[j], xs[j], x); err != nil {
					return nil, err
				}
				if x, err = b.fold(settle(x)); err != nil {
					return nil, err
				}
				lit, ok := x.(*exec.Literal)
				if !ok {
					return nil, notSupported("non-constant rows in IN lists")
				}
				vals[j] = lit.V
			}
			rows = append(rows, vals)
		}
	}
	// Integers meeting decimals compare as numbers.
	for j, x := range xs {
		if x.Type().ID() != arrow.INT64 {
			continue
		}
		for _, r := range rows {
			if _, isFloat := r[j].(float64); isFloat {
				var err error
				if xs[j], err = b.coerce(x, exec.TypeFloat); err != nil {
					return nil, err
				}
				break
			}
		}
	}
	keys := map[string]bool{}
	var partial [][]any // rows with NULLs: never equal, maybe unknown
	for _, r := range rows {
		for j := range r {
			if r[j] == nil || xs[j].Type().ID() == arrow.NULL {
				continue // a NULL field of the left side equals nothing
			}
			v, err := exec.CastValue(b.ctx, r[j], xs[j].Type())
			if err != nil {
				return nil, AsError(err)
			}
			r[j] = v
		}
		if hasNull(r) {
			partial = append(partial, r)
		} else {
			keys[valuesKey(r)] = true
		}
	}
	in := func(v []any) (any, error) {
		if !hasNull(v) && keys[valuesKey(v)] {
			return true, nil
		}
		candidates := partial
		if hasNull(v) {
			candidates = rows
		}
		for _, r := range candidates {
			if mayEqual(v, r) {
				return nil, nil
			}
		}
		return false, nil
	}
	var out exec.Expr = &rowFunc{name: "row_in", args: xs, dt: exec.TypeBool, fn: in}
	if len(partial) == 0 && len(rows) > 0 && !slices.ContainsFunc(xs, func(x exec.Expr) bool { return x.Type().ID() == arrow.NULL }) {
		out = newRowIn(xs, rows, in)
	}
	if e.Not {
		out = &exec.Not{X: out}
	}
	return b.fold(out)
}

// rowInExpr is (a, b, ...) IN (rows) when no row has a NULL field: each
// field is first looked up among its column's values (an exec.InList over
// the whole batch, hashed), and only a row whose every field is among them
// is looked up whole (in, boxed), as is one with a NULL field; the rest are
// false. (hostname, time) IN (SELECT hostname, max(time) ...) looks up
// whole only the rows at some host's latest time.
type rowInExpr struct {
	args []exec.Expr
	// lists[j] is field j's IN list over column j of the fields' values
	// (a record of the evaluated args), so the args are evaluated once and
	// the lists, their hashed sets too, outlive rewrites of the args.
	lists []*exec.InList
	in    func([]any) (any, error) // a row's answer
}

func newRowIn(args []exec.Expr, rows [][]any, in func([]any) (any, error)) *rowInExpr {
	lists := make([]*exec.InList, len(args))
	for j, a := range args {
		var vals []any
		seen := map[any]bool{}
		for _, r := range rows {
			if k := r[j]; !seen[k] {
				seen[k] = true
				vals = append(vals, k)
			}
		}
		lists[j] = &exec.InList{X: &exec.Column{Index: j, Name: fmt.Sprintf("f%d", j+1), DT: a.Type()}, Values: vals}
	}
	return &rowInExpr{args: args, lists: lists, in: in}
}

func (r *rowInExpr) Type() arrow.DataType  { return exec.TypeBool }
func (r *rowInExpr) children() []exec.Expr { return r.args }
func (r *rowInExpr) withChildren(args []exec.Expr) exec.Expr {
	return &rowInExpr{args: args, lists: r.lists, in: r.in}
}
func (r *rowInExpr) String() string {
	parts := make([]string, len(r.args))
	for i, a := range r.args {
		parts[i] = a.String()
	}
	return "row_in(" + strings.Join(parts, ", ") + ")"
}

func (r *rowInExpr) Eval(c *exec.Ctx, rec arrow.Record) (arrow.Array, error) {
	n := int(rec.NumRows())
	vals := make([]arrow.Array, 0, len(r.args))
	defer func() {
		for _, a := range vals {
			a.Release()
		}
	}()
	fields := make([]arrow.Field, len(r.args))
	for j, x := range r.args {
		a, err := x.Eval(c, rec)
		if err != nil {
			return nil, err
		}
		vals = append(vals, a)
		fields[j] = arrow.Field{Name: fmt.Sprintf("f%d", j+1), Type: a.DataType(), Nullable: true}
	}
	fieldsRec := array.NewRecord(arrow.NewSchema(fields, nil), vals, int64(n))
	defer fieldsRec.Release()
	// maybe[i]: no field of row i is known to be outside its column.
	maybe := make([]bool, n)
	for i := range maybe {
		maybe[i] = true
	}
	for _, l := range r.lists {
		a, err := l.Eval(c, fieldsRec)
		if err != nil {
			return nil, err
		}
		hit := a.(*array.Boolean)
		for i := range maybe {
			if hit.IsValid(i) && !hit.Value(i) {
				maybe[i] = false
			}
		}
		a.Release()
	}
	b := array.NewBooleanBuilder(c.Mem)
	defer b.Release()
	b.Reserve(n)
	row := make([]any, len(vals))
	for i, m := range maybe {
		if !m {
			b.UnsafeAppend(false)
			continue
		}
		for j, a := range vals {
			row[j] = valueAtRow(a, i)
		}
		v, err := r.in(row)
		if err != nil {
			return nil, err
		}
		if v == nil {
			b.UnsafeAppendBoolToBitmap(false)
			continue
		}
		b.UnsafeAppend(v.(bool))
	}
	return b.NewArray(), nil
}

// rowCompare binds a comparison of two row values of the same length as
// PostgreSQL defines it: = and <> field by field, < <= > >= in order
// (keyset paging: WHERE (time, hostname) > ($1, $2)). ok is false when e
// is not such a comparison.
func (b *binder) rowCompare(s *scope, e *ast.BinaryOperationExpr, h hook) (exec.Expr, bool, error) {
	l, lok := unparen(e.L).(*ast.RowExpr)
	r, rok := unparen(e.R).(*ast.RowExpr)
	if lok != rok {
		// (a, b) = (SELECT x, y ...): a subquery of one row; PostgreSQL
		// takes it on the right of a comparison only.
		if sub, ok := unparen(e.R).(*ast.SubqueryExpr); ok && lok && e.Op != opcode.NullEQ {
			x, err := b.rowVsSubquery(s, l, sub, e.Op, h)
			return x, true, err
		}
		_, lsub := unparen(e.L).(*ast.SubqueryExpr)
		_, rsub := unparen(e.R).(*ast.SubqueryExpr)
		if lsub || rsub {
			return nil, true, errorf(CodeSyntax, "subquery must return only one column")
		}
	}
	if !lok || !rok {
		return nil, false, nil
	}
	switch e.Op {
	case opcode.EQ, opcode.NE, opcode.LT, opcode.LE, opcode.GT, opcode.GE, opcode.NullEQ:
	default:
		return nil, true, notSupported("this operator on row values")
	}
	if len(l.Values) != len(r.Values) {
		return nil, true, errorf(CodeSyntax, "unequal number of entries in row expressions")
	}
	pair := func(op opcode.Op, i int) ast.ExprNode {
		return &ast.BinaryOperationExpr{Op: op, L: l.Values[i], R: r.Values[i]}
	}
	n := len(l.Values)
	var x ast.ExprNode
	switch e.Op {
	case opcode.EQ, opcode.NE, opcode.NullEQ:
		// IS NOT DISTINCT FROM (<=>): every pair not distinct.
		join := opcode.LogicAnd
		if e.Op == opcode.NE {
			join = opcode.LogicOr
		}
		x = pair(e.Op, 0)
		for i := 1; i < n; i++ {
			x = &ast.BinaryOperationExpr{Op: join, L: x, R: pair(e.Op, i)}
		}
	default:
		// (a, b) < (c, d): a < c OR (a = c AND b < d); the last pair takes
		// the operator itself (<= lets equal rows through).
		strict := map[opcode.Op]opcode.Op{opcode.LT: opcode.LT, opcode.LE: opcode.LT, opcode.GT: opcode.GT, opcode.GE: opcode.GT}[e.Op]
		x = pair(e.Op, n-1)
		for i := n - 2; i >= 0; i-- {
			x = &ast.BinaryOperationExpr{Op: opcode.LogicOr, L: pair(strict, i),
				R: &ast.BinaryOperationExpr{Op: opcode.LogicAnd, L: pair(opcode.EQ, i), R: x}}
		}
	}
	out, err := b.bindNode(s, x, h)
	return out, true, err
}

func hasNull(v []any) bool {
	for _, x := range v {
		if x == nil {
			return true
		}
	}
	return false
}

// valuesKey is one text per row of non-NULL values of fixed types.
func valuesKey(v []any) string {
	var sb strings.Builder
	for _, x := range v {
		fmt.Fprintf(&sb, "%T:%v\x00", x, x)
	}
	return sb.String()
}

// mayEqual reports whether rows a and b are equal but for NULLs: no field
// is non-NULL in both and different.
func mayEqual(a, b []any) bool {
	for j := range a {
		if a[j] != nil && b[j] != nil && a[j] != b[j] {
			return false
		}
	}
	return true
}
