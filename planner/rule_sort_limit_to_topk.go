package planner

// sortLimitToTopK folds a LIMIT over a sort into the sort (a top-k that
// keeps only offset+count rows) and leaves the Limit to skip the offset.
// Projections between them (ORDER BY a column the select list drops) make
// one row of each row, so the LIMIT reaches through them.
func sortLimitToTopK(n Node) Node {
	n = mapChildren(n, sortLimitToTopK)
	l, ok := n.(*Limit)
	if !ok || l.Count < 0 || l.Ties != nil { // a top-k would cut the ties
		return n
	}
	k := l.Want()
	child, ok := withSortLimit(l.Child, k)
	if !ok {
		return n
	}
	return &Limit{Child: child, Offset: l.Offset, Count: l.Count}
}

// withSortLimit returns n, a sort under projections, with the sort keeping
// only its first k rows.
func withSortLimit(n Node, k int64) (Node, bool) {
	switch n := n.(type) {
	case *Sort:
		sc := *n
		if sc.Limit < 0 || k < sc.Limit {
			sc.Limit = k
		}
		return &sc, true
	case *Project:
		child, ok := withSortLimit(n.Child, k)
		if !ok {
			return n, false
		}
		pc := *n
		pc.Child = child
		return &pc, true
	}
	return n, false
}
