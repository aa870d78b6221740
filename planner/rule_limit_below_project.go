package planner

// limitBelowProject moves a LIMIT under the projections it sits on, so the
// select list is computed for the rows returned only: a projection makes one
// row of each row, and PostgreSQL evaluates it row by row as the limit pulls,
// so SELECT 1/(g-3) FROM generate_series(1, 5) g LIMIT 1 is 0 there, not a
// division by zero found in a row the limit drops. A WITH TIES limit stays:
// its keys read the columns under the projection.
func limitBelowProject(n Node) Node {
	n = mapChildren(n, limitBelowProject)
	l, ok := n.(*Limit)
	if !ok || l.Ties != nil {
		return n
	}
	p, ok := l.Child.(*Project)
	if !ok {
		return n
	}
	lc := *l
	lc.Child = p.Child
	pc := *p
	pc.Child = limitBelowProject(&lc)
	return &pc
}
