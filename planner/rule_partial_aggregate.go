package planner

import "github.com/stratadb/strata/exec"

// partialAggregate marks an aggregate over a table scan (filtered or not)
// for partial aggregation per split: each scan worker groups and
// aggregates the rows of the splits it reads, on every core, and the
// workers' groups and states are merged at the end (EXPLAIN: "partial per
// split"). It applies when every aggregate's state merges (count, sum,
// avg, min/max, first/last, variances, bool_and/or without DISTINCT;
// exec.Mergeable) and no expression runs a subquery per row, whose state
// is not shared between goroutines.
func partialAggregate(n Node) Node {
	n = mapChildren(n, partialAggregate)
	a, ok := n.(*Aggregate)
	if !ok || a.PerSplit || !overScan(a.Child) {
		return n
	}
	var exprs []exec.Expr
	exprs = append(exprs, a.Keys...)
	if e, ok := a.Child.(*Expand); ok {
		exprs = append(exprs, e.Keys...) // evaluated by the workers too
	}
	for _, g := range a.Aggs {
		if !exec.Mergeable(g) {
			return n
		}
		exprs = append(exprs, g.Arg, g.Time, g.Filter)
	}
	for _, e := range exprs {
		if e != nil && runsSubquery(e) {
			return n
		}
	}
	c := *a
	c.PerSplit = true
	return &c
}

// overScan reports whether n is a table scan, or a filter right above one
// (which runs in the scan's workers), or an Expand over either.
func overScan(n Node) bool {
	switch n := n.(type) {
	case *Expand:
		return overScan(n.Child) // grouping sets: it expands in the workers
	case *Scan:
		return true
	case *Filter:
		_, ok := n.Child.(*Scan)
		return ok && !runsSubquery(n.Pred)
	}
	return false
}

// runsSubquery reports whether e evaluates a subquery per row.
func runsSubquery(e exec.Expr) bool {
	found := false
	walkExpr(e, func(x exec.Expr) {
		switch x.(type) {
		case *applyExpr, *outerRef:
			found = true
		}
	})
	return found
}
