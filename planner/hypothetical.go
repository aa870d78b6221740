package planner

import (
	"github.com/stratadb/strata/exec"
)

// hypothetical binds PostgreSQL's hypothetical-set aggregates, rank(a),
// dense_rank(a), percent_rank(a) and cume_dist(a) WITHIN GROUP (ORDER BY
// x): where a row whose sort key is a would fall among the group's rows.
// They are counts of the group's rows that sort before a (or with it),
// with NULLs last in ascending order and first in descending, as
// PostgreSQL sorts them:
//
//	rank         1 + rows before a
//	dense_rank   1 + distinct keys before a
//	percent_rank (rank - 1) / rows, 0 for an empty group
//	cume_dist    (rows before a or equal to it + 1) / (rows + 1)
func (q *selectBinder) hypothetical(call *aggCall, fn string) (exec.Expr, error) {
	if call.within == nil {
		return nil, errorf(CodeSyntax, "%s with arguments is a hypothetical-set aggregate: it requires WITHIN GROUP (ORDER BY ...)", fn)
	}
	if call.distinct || call.order != nil {
		return nil, errorf(CodeSyntax, "%s(...) WITHIN GROUP takes neither DISTINCT nor ORDER BY in its arguments", fn)
	}
	if len(call.args) != 1 {
		return nil, errorf(CodeUndefinedFunc, "function %s takes as many arguments as WITHIN GROUP has sort keys (one here), got %d", fn, len(call.args))
	}
	if usesColumns(call.args[0]) {
		return nil, notSupported("a hypothetical-set aggregate's argument that refers to columns (give a constant)")
	}
	x, err := q.b.bindExpr(q.in, call.within.Expr)
	if err != nil {
		return nil, err
	}
	a, err := q.b.bindNode(&scope{}, call.args[0], nil)
	if err != nil {
		return nil, err
	}
	// The argument and the sort key are compared in their common type: a
	// quoted constant is read as the key's ('2016-01-01 00:30:00+00'
	// beside a time), a number beside a real is a real.
	if a, err = q.b.heldPeer(q.in, call.within.Expr, x, a); err != nil {
		return nil, err
	}
	if _, unknown := a.(*unknownLit); unknown {
		if a, err = q.b.coerce(a, x.Type()); err != nil {
			return nil, err
		}
	} else if x.Type().ID() == exec.TypeFloat.ID() && q.pgTypeOf(call.within.Expr, x) == 700 && q.pgTypeOf(call.args[0], a) != 700 && a.Type().ID() != exec.TypeNull.ID() {
		if a, err = q.b.asFloat4(a); err != nil {
			return nil, err
		}
	}
	if a, err = q.b.fold(a); err != nil {
		return nil, err
	}
	lit, ok := a.(*exec.Literal)
	if !ok {
		return nil, notSupported("a hypothetical-set aggregate's argument that is not a constant")
	}
	var filter exec.Expr
	if call.filter != nil {
		if filter, err = q.aggFilter(call.filter); err != nil {
			return nil, err
		}
	}
	and := func(x exec.Expr) exec.Expr {
		if filter == nil {
			return x
		}
		return &exec.Logic{Op: exec.And, L: filter, R: x}
	}
	// before: the rows that sort before a; peer: those that sort with it.
	var before, peer exec.Expr
	desc := call.within.Desc
	if lit.V == nil {
		peer = &exec.IsNull{X: x}
		if !desc {
			before = &exec.IsNull{X: x, Negate: true} // every key sorts before NULL
		}
	} else {
		op := exec.Lt
		if desc {
			op = exec.Gt
		}
		if before, err = q.b.compare(op, x, a); err != nil {
			return nil, err
		}
		if desc {
			before = &exec.Logic{Op: exec.Or, L: before, R: &exec.IsNull{X: x}} // NULLs first
		}
		if peer, err = q.b.compare(exec.Eq, x, a); err != nil {
			return nil, err
		}
	}
	count := func(where exec.Expr, distinct bool) (exec.Expr, error) {
		if where == nil && !distinct {
			return q.addAgg(exec.Agg{Func: exec.AggCountStar, Filter: filter})
		}
		agg := exec.Agg{Func: exec.AggCountStar, Filter: and(where)}
		if distinct {
			agg = exec.Agg{Func: exec.AggCount, Arg: x, Distinct: true, Filter: and(where)}
		}
		return q.addAgg(agg)
	}
	plusOne := func(n exec.Expr) (exec.Expr, error) {
		return q.b.arith(exec.Add, n, &exec.Literal{V: int64(1), DT: exec.TypeInt})
	}
	if before == nil { // NULL in descending order: first, with the NULL keys
		before = &exec.Literal{V: false, DT: exec.TypeBool}
	}
	switch fn {
	case "rank", "percent_rank":
		n, err := count(before, false)
		if err != nil {
			return nil, err
		}
		if fn == "rank" {
			return plusOne(n)
		}
		rows, err := count(nil, false)
		if err != nil {
			return nil, err
		}
		return q.b.call("__hyp_percent_rank", []exec.Expr{n, rows})
	case "dense_rank":
		n, err := count(before, true)
		if err != nil {
			return nil, err
		}
		if desc && lit.V != nil {
			// The NULL keys before a are one more distinct key.
			nulls, err := count(&exec.IsNull{X: x}, false)
			if err != nil {
				return nil, err
			}
			return q.b.call("__hyp_dense_rank", []exec.Expr{n, nulls})
		}
		return plusOne(n)
	case "cume_dist":
		n, err := count(&exec.Logic{Op: exec.Or, L: before, R: peer}, false)
		if err != nil {
			return nil, err
		}
		rows, err := count(nil, false)
		if err != nil {
			return nil, err
		}
		return q.b.call("__hyp_cume_dist", []exec.Expr{n, rows})
	}
	return nil, errorf(CodeUndefinedFunc, "function %s does not exist", fn)
}
