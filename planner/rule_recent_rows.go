package planner

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// recentRows finds Limit / Project* / Sort(time, ...) / [Project|Filter]* /
// Scan, the sort's first key the scan's time column itself, and wraps it
// in Recent: ORDER BY time DESC LIMIT n reads the newest rows' window
// instead of the whole table (ASC, the oldest). Filters may test tags
// only: a tag condition keeps a share of the series, which a few widenings
// find, while a condition on fields or on time (one the scan's range does
// not hold) may pass few rows anywhere, and then the narrowed runs, each
// with its fixed cost, only add to a scan that page statistics may make
// cheap.
func recentRows(n Node) Node {
	n = mapChildren(n, recentRows)
	l, ok := n.(*Limit)
	if !ok || l.Count <= 0 {
		return n
	}
	child := l.Child
	for {
		p, ok := child.(*Project)
		if !ok {
			break
		}
		child = p.Child
	}
	s, ok := child.(*Sort)
	if !ok || len(s.Keys) == 0 {
		return n
	}
	col, ok := s.Keys[0].Expr.(*exec.Column)
	if !ok {
		return n
	}
	idx := col.Index
	for child = s.Child; ; {
		switch c := child.(type) {
		case *Project:
			ref, ok := c.Exprs[idx].(*exec.Column)
			if !ok {
				return n
			}
			idx, child = ref.Index, c.Child
			continue
		case *Filter:
			if !tagsOnly(c.Pred) {
				return n
			}
			child = c.Child
			continue
		case *Scan:
			if idx >= len(c.Cols) || c.Cols[idx].Name != storage.TimeColumn {
				return n
			}
			return &Recent{Child: n, Scan: c, Asc: !s.Keys[0].Desc, Count: l.Count, Want: l.Want()}
		}
		return n
	}
}

// tagsOnly reports whether every column pred reads is a tag.
func tagsOnly(pred exec.Expr) bool {
	ok := true
	mapColumns(pred, func(c *exec.Column) exec.Expr {
		ok = ok && c.DT.ID() == arrow.DICTIONARY
		return c
	})
	return ok
}
