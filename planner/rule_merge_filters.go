package planner

import "github.com/stratadb/strata/exec"

// mergeFilters makes a filter over a filter over a scan one filter, the
// lower one's conjuncts first, so that the rules after it see every
// predicate on the scan: a WHERE clause over a table's TABLESAMPLE filter
// still narrows the scan's time range and tag statistics.
func mergeFilters(n Node) Node {
	n = mapChildren(n, mergeFilters)
	f, ok := n.(*Filter)
	if !ok {
		return n
	}
	inner, ok := f.Child.(*Filter)
	if !ok {
		return n
	}
	if _, ok := inner.Child.(*Scan); !ok {
		return n
	}
	return &Filter{Child: inner.Child, Pred: andAll([]exec.Expr{inner.Pred, f.Pred})}
}
