package planner

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// pushFilterIntoJoin moves the conjuncts of a filter above an inner (or
// cross) join to where they belong: those reading one input only into a
// filter over that input (where push_time_range and push_tag_filter then
// reach its scan), equalities between the two inputs into hash keys, the
// rest into the join's residual. FROM a, b WHERE a.k = b.k is then a hash join, not a
// cross product filtered; it matters for catalog queries written that way,
// and for the subqueries that run once per outer row (apply.go), whose
// conditions on the outer row read as constants here.
func pushFilterIntoJoin(n Node) Node {
	n = mapChildren(n, pushFilterIntoJoin)
	if j, ok := n.(*Join); ok && j.Residual != nil {
		return pushResidual(j)
	}
	f, ok := n.(*Filter)
	if !ok {
		return n
	}
	if lj, ok := f.Child.(*LateralJoin); ok {
		return pushBelowLateral(f, lj)
	}
	j, ok := f.Child.(*Join)
	if !ok {
		return n
	}
	if j.Kind != exec.JoinInner || j.Asof != nil {
		return pushPreserved(f, j)
	}
	nl := len(j.Left.Columns())
	left, right, both := splitBySide(conjuncts(f.Pred), nl, true, true)
	var keep []exec.Expr
	lk := append([]exec.Expr(nil), j.LeftKeys...)
	rk := append([]exec.Expr(nil), j.RightKeys...)
	for _, c := range both {
		if l, r, ok := equiKey(c, nl); ok {
			lk, rk = append(lk, l), append(rk, r)
			continue
		}
		keep = append(keep, c)
	}
	if len(left) == 0 && len(right) == 0 && len(lk) == len(j.LeftKeys) {
		return n
	}
	// A condition on a join key holds for the other input's key too (the
	// keys are equal in every row the join returns): a.time < x with
	// a.time = b.time also limits b's scan to the range.
	toRight, toLeft := transferKeyConditions(left, lk, rk), transferKeyConditions(right, rk, lk)
	left, right = append(left, toLeft...), append(right, toRight...)
	residual := keep
	if j.Residual != nil {
		residual = append([]exec.Expr{j.Residual}, keep...)
	}
	return &Join{Left: filterOver(j.Left, left), Right: filterOver(j.Right, right), Kind: j.Kind,
		LeftKeys: lk, RightKeys: rk, Residual: andAll(residual)}
}

// pushPreserved moves the conditions of a filter over an outer, semi, anti
// or ASOF join that read only the input whose rows the join keeps (the
// left of a left, semi, anti or ASOF join, the right of a right join)
// into a filter over that input: a row they drop would have been dropped
// with all it joined to. Those that read only a join key also hold for the
// other input's key wherever the two join (c LEFT JOIN p ON p.host =
// c.host WHERE c.host = 'x' reads only p's host x): a row of the other
// input they drop could join only rows already dropped. An ASOF join's
// right rows stay: which of them is nearest to a left row depends on all
// of them.
func pushPreserved(f *Filter, j *Join) Node {
	toLeft := j.Asof != nil || j.Kind == exec.JoinLeft || j.Kind == exec.JoinSemi || j.Kind == exec.JoinAnti
	toRight := j.Asof == nil && j.Kind == exec.JoinRight
	left, right, keep := splitBySide(conjuncts(f.Pred), len(j.Left.Columns()), toLeft, toRight)
	if len(left) == 0 && len(right) == 0 {
		return f
	}
	c := *j
	if j.Asof == nil {
		if toLeft {
			right = transferKeyConditions(left, j.LeftKeys, j.RightKeys)
		} else {
			left = transferKeyConditions(right, j.RightKeys, j.LeftKeys)
		}
	}
	c.Left, c.Right = filterOver(j.Left, left), filterOver(j.Right, right)
	if len(keep) == 0 {
		return &c
	}
	return &Filter{Child: &c, Pred: andAll(keep)}
}

// pushBelowLateral moves the conditions of a filter over a LATERAL join
// that read only its left input below it: the subquery (or function) then
// runs only for the rows they keep, as PostgreSQL runs it, which matters
// when it would fail for the others (jsonb_each over a payload that is an
// array, WHERE device <> 'd3'). A left lateral join keeps its left rows,
// so dropping them before is the same as after.
func pushBelowLateral(f *Filter, j *LateralJoin) Node {
	left, _, keep := splitBySide(conjuncts(f.Pred), len(j.Left.Columns()), true, false)
	if len(left) == 0 {
		return f
	}
	c := *j
	c.Left = filterOver(j.Left, left)
	if len(keep) == 0 {
		return &c
	}
	return &Filter{Child: &c, Pred: andAll(keep)}
}

// splitBySide sorts conditions over a join's columns (nl of them from the
// left input) into those reading the left input only (when toLeft), the
// right input only (when toRight; renumbered over it), and the rest.
func splitBySide(conds []exec.Expr, nl int, toLeft, toRight bool) (left, right, keep []exec.Expr) {
	for _, c := range conds {
		switch side := sideOf(c, nl); {
		case side == 1 && toLeft:
			left = append(left, c)
		case side == 2 && toRight:
			right = append(right, shift(c, -nl))
		default:
			keep = append(keep, c)
		}
	}
	return left, right, keep
}

// pushResidual moves the conditions of a join's ON clause that read one
// input only into a filter over that input, where the join's kind allows:
// either input's of an inner join (with the join keys' conditions restated
// for the other input), the inner input's of an outer, semi or anti join
// (a row of it that fails them matches nothing); an outer join's preserved
// input keeps its rows, so its conditions stay in the ON clause.
// a LEFT JOIN b ON a.t = b.t AND b.host = 'x' then reads only b's host x.
func pushResidual(j *Join) Node {
	toLeft := j.Kind == exec.JoinInner || j.Kind == exec.JoinRight
	toRight := j.Kind == exec.JoinInner || j.Kind == exec.JoinLeft || j.Kind == exec.JoinSemi || j.Kind == exec.JoinAnti
	left, right, keep := splitBySide(conjuncts(j.Residual), len(j.Left.Columns()), toLeft, toRight)
	if len(left) == 0 && len(right) == 0 {
		return j
	}
	if j.Kind == exec.JoinInner {
		toRight, toLeft := transferKeyConditions(left, j.LeftKeys, j.RightKeys), transferKeyConditions(right, j.RightKeys, j.LeftKeys)
		left, right = append(left, toLeft...), append(right, toRight...)
	}
	c := *j
	c.Left, c.Right, c.Residual = filterOver(j.Left, left), filterOver(j.Right, right), andAll(keep)
	return &c
}

// filterOver puts preds over n, pushed further down where they can go.
func filterOver(n Node, preds []exec.Expr) Node {
	pred := andAll(preds)
	if pred == nil {
		return n
	}
	if f, ok := n.(*Filter); ok {
		pred = &exec.Logic{Op: exec.And, L: f.Pred, R: pred}
		n = f.Child
	}
	return pushFilterIntoJoin(&Filter{Child: n, Pred: pred})
}

// transferKeyConditions returns the conditions of preds that read only a
// join key of their input (from[i], a column) restated over the other
// input's key (to[i], a column of the same type). Only conditions built of
// comparisons, logic, IS NULL and IN lists over constants move (no
// functions: a volatile one must run once), and only over keys whose equal
// values are the same value (not floats: -0 = 0).
func transferKeyConditions(preds, from, to []exec.Expr) []exec.Expr {
	var out []exec.Expr
	for _, c := range preds {
		col := soleColumn(c)
		if col == nil || !plainCondition(c) {
			continue
		}
		for i, k := range from {
			kc, ok := k.(*exec.Column)
			if !ok || kc.Index != col.Index {
				continue
			}
			tc, ok := to[i].(*exec.Column)
			switch {
			case !ok, !arrow.TypeEqual(kc.DT, tc.DT), kc.DT.ID() == arrow.FLOAT64:
				continue
			}
			out = append(out, mapColumns(c, func(*exec.Column) exec.Expr { return tc }))
		}
	}
	return out
}

// soleColumn is the one column e reads, nil when it reads none or several.
func soleColumn(e exec.Expr) *exec.Column {
	var col *exec.Column
	several := false
	walkColumns(e, func(c *exec.Column) {
		if col != nil && col.Index != c.Index {
			several = true
		}
		col = c
	})
	if several {
		return nil
	}
	return col
}

// plainCondition reports whether e is made of comparisons, AND/OR/NOT,
// IS NULL and IN lists over columns and constants only.
func plainCondition(e exec.Expr) bool {
	switch e := e.(type) {
	case *exec.Column, *exec.Literal:
		return true
	case *exec.Compare:
		return plainCondition(e.L) && plainCondition(e.R)
	case *exec.Logic:
		return plainCondition(e.L) && plainCondition(e.R)
	case *exec.Not:
		return plainCondition(e.X)
	case *exec.IsNull:
		return plainCondition(e.X)
	case *exec.InList:
		return plainCondition(e.X)
	}
	return false
}
