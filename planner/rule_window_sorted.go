package planner

import "github.com/stratadb/strata/exec"

// windowSorted drops a Sort over a Window (directly or through a projection
// of columns) whose keys begin one window function's PARTITION BY (ascending,
// NULLs last) and ORDER BY keys, and has the window pass its rows in that
// function's order instead: the window sorted the rows so already, and
// gathering them once in that order replaces sorting them again. The order
// is the one PostgreSQL leaves when its last window sort satisfies the ORDER
// BY (it does not sort again either): a query ordered by a prefix of those
// keys gets the rest in the window's order, not in input order. A top-k
// Sort (with a limit) stays: it keeps a few rows rather than all.
func windowSorted(n Node) Node {
	n = mapChildren(n, windowSorted)
	s, ok := n.(*Sort)
	if !ok || s.Limit >= 0 {
		return n
	}
	w, rebuild := underProject(s.Child)
	if w == nil {
		return n
	}
	// The window input column each sort key reads, or -1.
	keyCol := func(k exec.SortKey) int {
		col, ok := k.Expr.(*exec.Column)
		if !ok {
			return -1
		}
		return windowInputCol(s.Child, w, col)
	}
	for fi, f := range w.Funcs {
		if !sortsAs(f, s.Keys, keyCol) {
			continue
		}
		wc := *w
		wc.Emit = fi + 1
		return rebuild(&wc)
	}
	return n
}

// sortsAs reports whether keys (read through keyCol as window input
// columns) are a prefix of f's PARTITION BY then ORDER BY sort.
func sortsAs(f *exec.WindowFunc, keys []exec.SortKey, keyCol func(exec.SortKey) int) bool {
	if len(keys) == 0 || len(keys) > len(f.Partition)+len(f.Order) {
		return false
	}
	for i, k := range keys {
		var want exec.SortKey
		if i < len(f.Partition) {
			want = exec.SortKey{Expr: f.Partition[i]}
		} else {
			want = f.Order[i-len(f.Partition)]
		}
		col, ok := want.Expr.(*exec.Column)
		if !ok || keyCol(k) != col.Index || k.Desc != want.Desc || k.NullsFirst != want.NullsFirst {
			return false
		}
	}
	return true
}
