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
	l, s, idx, ok := limitedSort(n)
	if !ok {
		return n
	}
	below, idx, ok := traceColumn(s.Child, idx, func(f *Filter) bool { return tagsOnly(f.Pred) })
	scan, isScan := below.(*Scan)
	if !ok || !isScan || idx >= len(scan.Cols) || scan.Cols[idx].Name != storage.TimeColumn {
		return n
	}
	return &Recent{Child: n, Scan: scan, Asc: !s.Keys[0].Desc, Count: l.Count, Want: l.Want()}
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
