package planner

import "github.com/stratadb/strata/exec"

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
	f, ok := n.(*Filter)
	if !ok {
		return n
	}
	j, ok := f.Child.(*Join)
	if !ok || j.Kind != exec.JoinInner {
		return n
	}
	nl := len(j.Left.Columns())
	var left, right, keep []exec.Expr
	lk := append([]exec.Expr(nil), j.LeftKeys...)
	rk := append([]exec.Expr(nil), j.RightKeys...)
	for _, c := range conjuncts(f.Pred) {
		switch sideOf(c, nl) {
		case 1:
			left = append(left, c)
			continue
		case 2:
			right = append(right, shift(c, -nl))
			continue
		}
		if l, r, ok := equiKey(c, nl); ok {
			lk, rk = append(lk, l), append(rk, r)
			continue
		}
		keep = append(keep, c)
	}
	if len(left) == 0 && len(right) == 0 && len(lk) == len(j.LeftKeys) {
		return n
	}
	residual := keep
	if j.Residual != nil {
		residual = append([]exec.Expr{j.Residual}, keep...)
	}
	return &Join{Left: filterOver(j.Left, left), Right: filterOver(j.Right, right), Kind: j.Kind,
		LeftKeys: lk, RightKeys: rk, Residual: andAll(residual)}
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
