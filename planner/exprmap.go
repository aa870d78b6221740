package planner

import (
	"slices"

	"github.com/stratadb/strata/exec"
)

// walkColumns calls f for every column reference in e.
func walkColumns(e exec.Expr, f func(*exec.Column)) {
	mapColumns(e, func(c *exec.Column) exec.Expr { f(c); return c })
}

// walkExpr calls f for every leaf of e (columns, literals, outer
// references).
func walkExpr(e exec.Expr, f func(exec.Expr)) {
	mapExpr(e, func(x exec.Expr) exec.Expr { f(x); return x })
}

// shift moves every column reference of e by delta.
func shift(e exec.Expr, delta int) exec.Expr {
	return mapColumns(e, func(c *exec.Column) exec.Expr {
		return &exec.Column{Index: c.Index + delta, Name: c.Name, DT: c.DT}
	})
}

// mapColumns rebuilds e with every column reference replaced by f's result.
func mapColumns(e exec.Expr, f func(*exec.Column) exec.Expr) exec.Expr {
	return mapExpr(e, func(x exec.Expr) exec.Expr {
		if c, ok := x.(*exec.Column); ok {
			return f(c)
		}
		return x
	})
}

// mapExpr rebuilds e with every leaf (anything but the operators below)
// replaced by f's result.
func mapExpr(e exec.Expr, f func(exec.Expr) exec.Expr) exec.Expr {
	m := func(x exec.Expr) exec.Expr { return mapExpr(x, f) }
	ms := func(xs []exec.Expr) []exec.Expr {
		out := make([]exec.Expr, len(xs))
		for i, x := range xs {
			if x != nil {
				out[i] = m(x)
			}
		}
		return out
	}
	switch e := e.(type) {
	case *exec.Compare:
		return &exec.Compare{Op: e.Op, L: m(e.L), R: m(e.R)}
	case *exec.Logic:
		return &exec.Logic{Op: e.Op, L: m(e.L), R: m(e.R)}
	case *exec.Not:
		return &exec.Not{X: m(e.X)}
	case *exec.IsNull:
		return &exec.IsNull{X: m(e.X), Negate: e.Negate}
	case *exec.InList:
		return &exec.InList{X: m(e.X), Values: e.Values, Negate: e.Negate}
	case *exec.Cast:
		return &exec.Cast{X: m(e.X), To: e.To, Input: e.Input}
	case *exec.Arith:
		a, err := e.WithOperands(m(e.L), m(e.R))
		if err != nil {
			panic("planner: rebuilding a checked expression failed: " + err.Error())
		}
		return a
	case *exec.Call:
		c, err := exec.NewCall(e.Name, ms(e.Args))
		if err != nil {
			panic("planner: rebuilding a checked call failed: " + err.Error())
		}
		return c
	case *exec.Cond:
		return &exec.Cond{Kind: e.Kind, Args: ms(e.Args), DT: e.DT}
	case *exec.Case:
		var els exec.Expr
		if e.Else != nil {
			els = m(e.Else)
		}
		return &exec.Case{Whens: ms(e.Whens), Thens: ms(e.Thens), Else: els, DT: e.DT}
	case compositeExpr:
		return e.withChildren(ms(e.children()))
	}
	return f(e)
}

// anyExpr reports whether f holds for e or for any expression within it.
func anyExpr(e exec.Expr, f func(exec.Expr) bool) bool {
	if e == nil {
		return false
	}
	return f(e) || slices.ContainsFunc(exprChildren(e), func(k exec.Expr) bool { return anyExpr(k, f) })
}

// walkCalls calls f on every function call in e.
func walkCalls(e exec.Expr, f func(*exec.Call)) {
	anyExpr(e, func(x exec.Expr) bool {
		if c, ok := x.(*exec.Call); ok {
			f(c)
		}
		return false
	})
}

// exprChildren are the operands of e's operator (nil entries included), none
// for a leaf.
func exprChildren(e exec.Expr) []exec.Expr {
	switch e := e.(type) {
	case *exec.Compare:
		return []exec.Expr{e.L, e.R}
	case *exec.Logic:
		return []exec.Expr{e.L, e.R}
	case *exec.Not:
		return []exec.Expr{e.X}
	case *exec.IsNull:
		return []exec.Expr{e.X}
	case *exec.InList:
		return []exec.Expr{e.X}
	case *exec.Cast:
		return []exec.Expr{e.X}
	case *exec.Arith:
		return []exec.Expr{e.L, e.R}
	case *exec.Call:
		return e.Args
	case *exec.Cond:
		return e.Args
	case *exec.Case:
		return append(append(append([]exec.Expr(nil), e.Whens...), e.Thens...), e.Else)
	case compositeExpr:
		return e.children()
	}
	return nil
}
