package planner

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// windowPartitionLimit has a window under a top-k sort whose first keys
// are the window's PARTITION BY columns (one PARTITION BY shared by every
// function; through at most one projection) compute only the fewest
// partitions, first in that order, that hold the top-k's rows
// (exec.Window.KeepPartitions): a partition's values depend on its rows
// alone. The sort is the query's ORDER BY or, without one, the window's
// own order that the binder adds (rows leave in the last window's order,
// as PostgreSQL's do). Partition keys are columns of text, tags, bigint,
// boolean or timestamps, whose grouping is their comparison. SELECT host,
// time, x - lag(x) OVER (PARTITION BY host ORDER BY time) FROM cpu ORDER
// BY host, time LIMIT 3 computes one host's rows, not every host's.
func windowPartitionLimit(n Node) Node {
	n = mapChildren(n, windowPartitionLimit)
	t, ok := n.(*Sort)
	if !ok || t.Limit < 0 {
		return n
	}
	w, rebuild := underProject(t.Child)
	part := sharedPartition(w)
	if part == nil || len(t.Keys) < len(part) {
		return n
	}
	order := make([]exec.SortKey, len(part))
	for i, col := range part {
		k := t.Keys[i]
		if c, ok := k.Expr.(*exec.Column); !ok || windowInputCol(t.Child, w, c) != col.Index {
			return n
		}
		order[i] = exec.SortKey{Expr: col, Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	wc := *w
	wc.Keep = &windowKeep{Order: order, Rows: t.Limit}
	sc := *t
	sc.Child = rebuild(&wc)
	return &sc
}

// windowKeep is a Window's partition limit (exec.Window.KeepPartitions):
// Order's keys are the PARTITION BY columns in their order.
type windowKeep struct {
	Order []exec.SortKey
	Rows  int64
}

// underProject is the window n is or holds through one projection (nil
// when neither), and how to put a changed window back.
func underProject(n Node) (*Window, func(*Window) Node) {
	switch c := n.(type) {
	case *Window:
		return c, func(w *Window) Node { return w }
	case *Project:
		if w, ok := c.Child.(*Window); ok {
			return w, func(w *Window) Node {
				pc := *c
				pc.Child = w
				return &pc
			}
		}
	}
	return nil, nil
}

// sharedPartition is the PARTITION BY columns every function of w shares,
// nil when they differ, there are none, or one is not a column of a type
// grouped as it compares.
func sharedPartition(w *Window) []*exec.Column {
	if w == nil || len(w.Funcs) == 0 || len(w.Funcs[0].Partition) == 0 {
		return nil
	}
	var cols []*exec.Column
	for _, e := range w.Funcs[0].Partition {
		c, ok := e.(*exec.Column)
		if !ok {
			return nil
		}
		switch c.DT.ID() {
		case arrow.STRING, arrow.DICTIONARY, arrow.INT64, arrow.BOOL, arrow.TIMESTAMP:
		default:
			return nil
		}
		cols = append(cols, c)
	}
	for _, f := range w.Funcs[1:] {
		if len(f.Partition) != len(cols) {
			return nil
		}
		for i, e := range f.Partition {
			if c, ok := e.(*exec.Column); !ok || c.Index != cols[i].Index {
				return nil
			}
		}
	}
	return cols
}

// windowInputCol is the window input column that column c of n (w, or a
// projection over it) reads, -1 when it reads none.
func windowInputCol(n Node, w *Window, c *exec.Column) int {
	i := c.Index
	if p, ok := n.(*Project); ok {
		if i < 0 || i >= len(p.Exprs) {
			return -1
		}
		pc, ok := p.Exprs[i].(*exec.Column)
		if !ok {
			return -1
		}
		i = pc.Index
	}
	if i < 0 || i >= len(w.Child.Columns()) {
		return -1
	}
	return i
}
