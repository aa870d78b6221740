package planner

// limitBelowProject moves a LIMIT under the projections it sits on, so the
// select list is computed for the rows returned only: a projection makes one
// row of each row, and PostgreSQL evaluates it row by row as the limit pulls,
// so SELECT 1/(g-3) FROM generate_series(1, 5) g LIMIT 1 is 0 there, not a
// division by zero found in a row the limit drops. With an OFFSET the
// select list is computed for the rows it skips too, as PostgreSQL does
// (SELECT 1/(g-3) ... LIMIT 1 OFFSET 2 is a division by zero there): the
// limit stays and a copy of offset+count rows goes under the projection.
// A WITH TIES limit stays: its keys read the columns under the projection.
func limitBelowProject(n Node) Node {
	n = mapChildren(n, limitBelowProject)
	l, ok := n.(*Limit)
	if !ok || l.Ties != nil || l.Count < 0 {
		return n
	}
	p, ok := l.Child.(*Project)
	if !ok {
		return n
	}
	below := &Limit{Child: p.Child, Count: l.Offset + l.Count}
	pc := *p
	pc.Child = limitBelowProject(below)
	if l.Offset == 0 {
		return &pc
	}
	lc := *l
	lc.Child = &pc
	return &lc
}
