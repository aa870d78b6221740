package planner

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// pushFilterIntoUnion moves a filter over UNION ALL into each of its
// inputs: a row of the union passes when it passed in the input it came
// from, so filtering each input first gives the same rows. There the
// other rules carry it on, down to the scans: a real-time continuous
// aggregate (a union of the view's rows and its query's over the source)
// read WHERE bucket > now() - interval '1 day' AND host = 'a' scans that
// day and host of both. A condition is pushed when it is one that can be
// restated (no subqueries), calls nothing volatile, and each input gives
// the columns it reads in the union's own types (where an input's differ,
// the union casts them above it, and the filter stays).
func pushFilterIntoUnion(n Node) Node {
	n = mapChildren(n, pushFilterIntoUnion)
	f, ok := n.(*Filter)
	if !ok {
		return n
	}
	u, ok := f.Child.(*Union)
	if !ok {
		return n
	}
	for _, k := range u.Kids {
		if len(k.Columns()) != len(u.Cols) {
			return n // a union that tags its rows by input (INTERSECT, EXCEPT)
		}
	}
	var pushed, rest []exec.Expr
	for _, c := range conjuncts(f.Pred) {
		if unionPushable(c, u) {
			pushed = append(pushed, c)
		} else {
			rest = append(rest, c)
		}
	}
	if len(pushed) == 0 {
		return n
	}
	pred := andAll(pushed)
	out := &Union{Cols: u.Cols, Kids: make([]Node, len(u.Kids))}
	for i, k := range u.Kids {
		out.Kids[i] = pushFilterIntoUnion(pushFilterBelowProject(&Filter{Child: k, Pred: pred}))
	}
	if r := andAll(rest); r != nil {
		return &Filter{Child: out, Pred: r}
	}
	return out
}

// unionPushable reports whether condition c over union u's columns may
// be evaluated over each of its inputs' rows instead.
func unionPushable(c exec.Expr, u *Union) bool {
	if !restatable(c) || hasVolatile(c) {
		return false
	}
	return !anyExpr(c, func(x exec.Expr) bool {
		col, ok := x.(*exec.Column)
		if !ok {
			return false
		}
		if col.Index < 0 || col.Index >= len(u.Cols) {
			return true
		}
		for _, k := range u.Kids {
			if !arrow.TypeEqual(k.Columns()[col.Index].Type, u.Cols[col.Index].Type) {
				return true
			}
		}
		return false
	})
}
