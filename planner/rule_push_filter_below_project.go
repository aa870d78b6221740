package planner

import "github.com/stratadb/strata/exec"

// pushFilterBelowProject moves the conditions of a filter over a
// projection below it, restated over the projection's input, where the
// columns they read are the input's columns as they are or cast (or
// constants): filtering first gives the same rows, and the conditions
// reach what the other rules push further down. A subquery, a WITH query
// or a view that renames the time column or casts a tag (SELECT time AS
// t, host::text ...) WHERE t > X AND host = 'a' then scans that time range
// and tag. Conditions over computed columns stay above (they would be
// computed twice), as do those that call anything volatile or cannot be
// restated (subqueries).
func pushFilterBelowProject(n Node) Node {
	n = mapChildren(n, pushFilterBelowProject)
	f, ok := n.(*Filter)
	if !ok {
		return n
	}
	p, ok := f.Child.(*Project)
	if !ok {
		return n
	}
	var pushed, rest []exec.Expr
	for _, c := range conjuncts(f.Pred) {
		if x, ok := restateBelowProject(c, p); ok {
			pushed = append(pushed, x)
		} else {
			rest = append(rest, c)
		}
	}
	if len(pushed) == 0 {
		return n
	}
	below := *p
	below.Child = pushFilterBelowProject(&Filter{Child: p.Child, Pred: andAll(pushed)})
	if r := andAll(rest); r != nil {
		return &Filter{Child: &below, Pred: r}
	}
	return &below
}

// restateBelowProject restates condition c over p's output as one over
// p's input, when every column it reads is a column of the input, a cast
// of one or a constant.
func restateBelowProject(c exec.Expr, p *Project) (exec.Expr, bool) {
	if !restatable(c) || hasVolatile(c) {
		return nil, false
	}
	bad := false
	c = mapColumns(c, func(col *exec.Column) exec.Expr {
		if col.Index < 0 || col.Index >= len(p.Exprs) || !plainColumn(p.Exprs[col.Index]) {
			bad = true
			return col
		}
		return p.Exprs[col.Index]
	})
	return c, !bad
}

// plainColumn reports whether e is a column of its input, a cast of one,
// or a constant: what a condition may read twice at no cost.
func plainColumn(e exec.Expr) bool {
	switch e := e.(type) {
	case *exec.Column:
		return e.Index >= 0
	case *exec.Cast:
		return plainColumn(e.X) && !anyExpr(e.X, func(x exec.Expr) bool { _, lit := x.(*exec.Literal); return lit })
	case *exec.Literal:
		return true
	}
	return false
}
