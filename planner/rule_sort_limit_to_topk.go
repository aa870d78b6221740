package planner

// sortLimitToTopK folds a LIMIT over a sort into the sort (a top-k that
// keeps only offset+count rows) and leaves the Limit to skip the offset.
func sortLimitToTopK(n Node) Node {
	n = mapChildren(n, sortLimitToTopK)
	l, ok := n.(*Limit)
	if !ok || l.Count < 0 {
		return n
	}
	s, ok := l.Child.(*Sort)
	if !ok {
		return n
	}
	sc := *s
	k := l.Offset + l.Count
	if sc.Limit < 0 || k < sc.Limit {
		sc.Limit = k
	}
	return &Limit{Child: &sc, Offset: l.Offset, Count: l.Count}
}
