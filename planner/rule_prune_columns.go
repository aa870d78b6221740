package planner

import (
	"slices"

	"github.com/stratadb/strata/exec"
)

// pruneColumns drops the columns nothing reads: from scans (binding reads
// every column of a base table in a join, since the right input's column
// offsets must not move once bound, so a join of two 21-column tables
// carried 42 columns into its hash table and output for a query that
// reads three; a time range's column is not read either, storage applies
// the range) and from projections (a derived table's or WITH query's
// column no one reads is not computed, as in PostgreSQL: SELECT count(*)
// FROM (SELECT 1/0 FROM t) s counts t's rows). Walking down from the root,
// each node says which of its input's columns it needs; scans and
// projections keep those, and the expressions above are renumbered. Nodes
// it does not know (shared CTEs, gap filling, ...) and expressions it
// cannot renumber (a correlated subquery's) stop it: below them every
// column stays.
func pruneColumns(n Node) Node {
	out, _ := prune(n, allColumns(n))
	return out
}

func allColumns(n Node) []bool {
	need := make([]bool, len(n.Columns()))
	for i := range need {
		need[i] = true
	}
	return need
}

// prune rebuilds n keeping at least the output columns need marks; m maps
// each old output column to its new index (-1: dropped).
func prune(n Node, need []bool) (out Node, m []int) {
	switch n := n.(type) {
	case *Scan:
		return pruneScan(n, need)
	case *Filter:
		if !renumberable(n.Pred) {
			break
		}
		child, cm := prune(n.Child, reads(need, n.Pred))
		if child == n.Child {
			return n, cm // nothing below changed: no copy
		}
		return &Filter{Child: child, Pred: renumber(n.Pred, cm)}, cm
	case *Sort:
		exprs := sortExprs(n.Keys)
		if !renumberable(exprs...) {
			break
		}
		child, cm := prune(n.Child, reads(need, exprs...))
		if child == n.Child {
			return n, cm
		}
		c := *n
		c.Child, c.Keys = child, renumberKeys(n.Keys, cm)
		return &c, cm
	case *Limit:
		exprs := sortExprs(n.Ties)
		if !renumberable(exprs...) {
			break
		}
		child, cm := prune(n.Child, reads(need, exprs...))
		if child == n.Child {
			return n, cm
		}
		c := *n
		c.Child = child
		if n.Ties != nil {
			c.Ties = renumberKeys(n.Ties, cm)
		}
		return &c, cm
	case *Project:
		if !renumberable(n.Exprs...) {
			break
		}
		if !slices.Contains(need, false) {
			// Every output: only what is below may change.
			child, cm := prune(n.Child, reads(make([]bool, len(n.Child.Columns())), n.Exprs...))
			if child == n.Child {
				return n, identity(len(n.Exprs))
			}
			return &Project{Child: child, Exprs: renumberAll(n.Exprs, cm), Cols: n.Cols}, identity(len(n.Exprs))
		}
		// Keep the outputs needed (if none is, a NULL for the row count:
		// what no one reads is not computed, as in PostgreSQL, where
		// SELECT count(*) FROM (SELECT 1/0 FROM t) s counts t's rows).
		m := make([]int, len(n.Exprs))
		var exprs []exec.Expr
		var cols []Column
		for i, e := range n.Exprs {
			m[i] = -1
			if need[i] {
				m[i] = len(exprs)
				exprs, cols = append(exprs, e), append(cols, n.Cols[i])
			}
		}
		if len(exprs) == 0 && len(n.Exprs) > 0 {
			child, _ := prune(n.Child, make([]bool, len(n.Child.Columns())))
			if rowCount(child) {
				return child, m // one NULL per row below already
			}
			return rowCountOf(child), m
		}
		child, cm := prune(n.Child, reads(make([]bool, len(n.Child.Columns())), exprs...))
		return &Project{Child: child, Exprs: renumberAll(exprs, cm), Cols: cols}, m
	case *Aggregate:
		kept, m := n, identity(len(n.Cols))
		if fewer, fm := pruneAggs(n, need); fewer != nil {
			kept, m = fewer, fm
		}
		exprs := aggExprs(kept)
		if !renumberable(exprs...) {
			break
		}
		child, cm := prune(kept.Child, reads(make([]bool, len(kept.Child.Columns())), exprs...))
		if child == n.Child && kept == n {
			return n, m
		}
		c := *kept
		c.Child, c.Keys = child, renumberAll(kept.Keys, cm)
		c.Aggs = make([]exec.Agg, len(kept.Aggs))
		for i, a := range kept.Aggs {
			c.Aggs[i] = renumberAgg(a, cm)
		}
		return &c, m
	case *Join:
		return pruneJoin(n, need)
	case *Window:
		if out, m, ok := pruneWindow(n, need); ok {
			return out, m
		}
	case *Union:
		if slices.Contains(need, false) {
			return pruneUnion(n, need)
		}
	}
	// Unknown here: its own expressions stay as they are, so its input
	// keeps every column (inside, a projection may still prune).
	switch n.(type) {
	case *Shared, *Recent:
		return n, identity(len(n.Columns())) // pointers into them must stay
	}
	changed := false
	out = mapChildren(n, func(c Node) Node {
		kid, _ := prune(c, allColumns(c))
		changed = changed || kid != c
		return kid
	})
	if !changed {
		out = n
	}
	return out, identity(len(n.Columns()))
}

// pruneScan keeps the scan's needed columns (one at least, for the row
// count: the first, usually time).
func pruneScan(n *Scan, need []bool) (Node, []int) {
	if !slices.Contains(need, false) {
		return n, identity(len(n.Cols))
	}
	m := make([]int, len(n.Cols))
	var cols []Column
	for i, c := range n.Cols {
		m[i] = -1
		if need[i] {
			m[i] = len(cols)
			cols = append(cols, c)
		}
	}
	if len(cols) == len(n.Cols) {
		return n, m
	}
	if len(cols) == 0 && len(n.Cols) > 0 {
		m[0], cols = 0, n.Cols[:1]
	}
	c := *n
	c.Cols = cols
	return &c, m
}

// pruneJoin keeps each input's columns the output, the keys and the
// residual need. The residual reads left then right columns.
func pruneJoin(n *Join, need []bool) (Node, []int) {
	nl := len(n.Left.Columns())
	exprs := append(append([]exec.Expr(nil), n.LeftKeys...), n.RightKeys...)
	if n.Residual != nil {
		exprs = append(exprs, n.Residual)
	}
	if n.Asof != nil {
		exprs = append(exprs, n.Asof.Left, n.Asof.Right)
	}
	if !renumberable(exprs...) {
		return mapChildren(n, func(c Node) Node { out, _ := prune(c, allColumns(c)); return out }), identity(len(n.Columns()))
	}
	needL := make([]bool, nl)
	needR := make([]bool, len(n.Right.Columns()))
	for i, x := range need {
		if i < nl {
			needL[i] = x
		} else {
			needR[i-nl] = x
		}
	}
	needL, needR = reads(needL, n.LeftKeys...), reads(needR, n.RightKeys...)
	if n.Asof != nil {
		needL, needR = reads(needL, n.Asof.Left), reads(needR, n.Asof.Right)
	}
	if n.Residual != nil {
		walkColumns(n.Residual, func(c *exec.Column) {
			if c.Index < nl {
				needL[c.Index] = true
			} else {
				needR[c.Index-nl] = true
			}
		})
	}
	left, ml := prune(n.Left, needL)
	right, mr := prune(n.Right, needR)
	nl2 := len(left.Columns())
	both := append([]int(nil), ml...)
	for _, r := range mr {
		if r >= 0 {
			r += nl2
		}
		both = append(both, r)
	}
	c := *n
	c.Left, c.Right = left, right
	c.LeftKeys, c.RightKeys = renumberAll(n.LeftKeys, ml), renumberAll(n.RightKeys, mr)
	if n.Asof != nil {
		c.Asof = &AsofMatch{Left: renumber(n.Asof.Left, ml), Right: renumber(n.Asof.Right, mr), Op: n.Asof.Op}
	}
	if n.Residual != nil {
		c.Residual = renumber(n.Residual, both)
	}
	if n.Kind == exec.JoinSemi || n.Kind == exec.JoinAnti {
		return &c, ml
	}
	return &c, both
}

// reads returns need (copied) with the columns exprs read marked too.
func reads(need []bool, exprs ...exec.Expr) []bool {
	need = append([]bool(nil), need...)
	for _, e := range exprs {
		if e == nil {
			continue
		}
		walkColumns(e, func(c *exec.Column) {
			if c.Index >= 0 && c.Index < len(need) {
				need[c.Index] = true
			}
		})
	}
	return need
}

// renumberable reports whether every leaf of exprs is a column of the
// input or a constant: anything else (a correlated subquery, a window
// placeholder) may point at columns by position in ways renumber would
// not see.
func renumberable(exprs ...exec.Expr) bool {
	ok := true
	for _, e := range exprs {
		if e == nil {
			continue
		}
		walkExpr(e, func(x exec.Expr) {
			switch x := x.(type) {
			case *exec.Literal, *foldError:
			case *exec.Column:
				if x.Index < 0 {
					ok = false
				}
			default:
				ok = false
			}
		})
	}
	return ok
}

func renumber(e exec.Expr, m []int) exec.Expr {
	if e == nil {
		return nil
	}
	return mapColumns(e, func(c *exec.Column) exec.Expr {
		return &exec.Column{Index: m[c.Index], Name: c.Name, DT: c.DT}
	})
}

func renumberAll(exprs []exec.Expr, m []int) []exec.Expr {
	out := make([]exec.Expr, len(exprs))
	for i, e := range exprs {
		out[i] = renumber(e, m)
	}
	return out
}

func sortExprs(keys []exec.SortKey) []exec.Expr {
	out := make([]exec.Expr, len(keys))
	for i, k := range keys {
		out[i] = k.Expr
	}
	return out
}

func renumberKeys(keys []exec.SortKey, m []int) []exec.SortKey {
	out := make([]exec.SortKey, len(keys))
	for i, k := range keys {
		out[i] = k
		out[i].Expr = renumber(k.Expr, m)
	}
	return out
}

// aggExprs are the expressions an aggregate reads.
// pruneAggs is n without the aggregates nothing reads (a view's or
// subquery's columns the query leaves), and the map of n's columns to its
// (-1: dropped); nil when it reads them all or n is one it keeps whole:
// grouping sets, and an aggregate that would be left with neither keys
// nor aggregates (it keeps its first, which gives the one row).
func pruneAggs(n *Aggregate, need []bool) (*Aggregate, []int) {
	nk := len(n.Keys)
	if len(n.EmptySets) > 0 || len(n.Cols) != nk+len(n.Aggs) || !slices.Contains(need[nk:], false) {
		return nil, nil
	}
	if _, grouping := n.Child.(*Expand); grouping {
		return nil, nil
	}
	if nk == 0 && !slices.Contains(need, true) {
		need = slices.Clone(need)
		need[0] = true
	}
	c := *n
	c.Aggs, c.Cols = nil, slices.Clone(n.Cols[:nk])
	m := identity(len(n.Cols))
	for i, a := range n.Aggs {
		m[nk+i] = -1
		if need[nk+i] {
			m[nk+i] = len(c.Cols)
			c.Aggs, c.Cols = append(c.Aggs, a), append(c.Cols, n.Cols[nk+i])
		}
	}
	return &c, m
}

func aggExprs(n *Aggregate) []exec.Expr {
	exprs := append([]exec.Expr(nil), n.Keys...)
	for _, a := range n.Aggs {
		exprs = append(exprs, a.Arg, a.Time, a.Filter)
		exprs = append(exprs, sortExprs(a.Order)...)
	}
	return exprs
}

func renumberAgg(a exec.Agg, m []int) exec.Agg {
	a.Arg, a.Time, a.Filter = renumber(a.Arg, m), renumber(a.Time, m), renumber(a.Filter, m)
	a.Order = renumberKeys(a.Order, m)
	return a
}

func identity(n int) []int {
	m := make([]int, n)
	for i := range m {
		m[i] = i
	}
	return m
}

// pruneWindow keeps the input columns needed above and those the window
// functions read; every function stays (their columns follow the input's).
func pruneWindow(n *Window, need []bool) (Node, []int, bool) {
	var exprs []exec.Expr
	for _, f := range n.Funcs {
		exprs = append(append(append(exprs, f.Args...), f.Partition...), sortExprs(f.Order)...)
	}
	if !renumberable(exprs...) {
		return nil, nil, false
	}
	width := len(n.Child.Columns())
	child, cm := prune(n.Child, reads(need[:width], exprs...))
	if child == n.Child {
		return n, identity(len(n.Cols)), true
	}
	c := &Window{Child: child, Cols: slices.Clone(child.Columns())}
	m := append(slices.Clip(cm), make([]int, len(n.Funcs))...)
	for k, f := range n.Funcs {
		g := *f
		g.Args, g.Partition, g.Order = renumberAll(f.Args, cm), renumberAll(f.Partition, cm), renumberKeys(f.Order, cm)
		c.Funcs = append(c.Funcs, &g)
		c.Cols = append(c.Cols, n.Cols[width+k])
		m[width+k] = len(child.Columns()) + k
	}
	return c, m, true
}

// pruneUnion keeps the needed columns of UNION ALL's inputs (each input
// gives them in the output's order; a NULL when none is needed, for the
// row count).
func pruneUnion(n *Union, need []bool) (Node, []int) {
	m := make([]int, len(n.Cols))
	var keep []int
	var cols []Column
	for i, c := range n.Cols {
		m[i] = -1
		if need[i] {
			m[i] = len(keep)
			keep, cols = append(keep, i), append(cols, c)
		}
	}
	if len(keep) == 0 {
		cols = rowCountOf(nil).Cols
	}
	out := &Union{Cols: cols}
	for _, kid := range n.Kids {
		k, km := prune(kid, need)
		exact := len(k.Columns()) == len(keep)
		for j, i := range keep {
			exact = exact && km[i] == j
		}
		switch {
		case len(keep) == 0:
			if !rowCount(k) {
				k = rowCountOf(k)
			}
		case !exact:
			kc := k.Columns()
			p := &Project{Child: k}
			for _, i := range keep {
				p.Exprs = append(p.Exprs, &exec.Column{Index: km[i], Name: kc[km[i]].Name, DT: kc[km[i]].Type})
				p.Cols = append(p.Cols, kc[km[i]])
			}
			k = p
		}
		out.Kids = append(out.Kids, k)
	}
	return out, m
}

// rowCountOf is a projection of one NULL per row of n: what is left of a
// projection none of whose columns is read, for the row count.
func rowCountOf(n Node) *Project {
	return &Project{Child: n, Exprs: []exec.Expr{&exec.Literal{DT: exec.TypeBool}}, Cols: []Column{{Name: "?column?", Type: exec.TypeBool}}}
}

// rowCount reports whether n is a rowCountOf projection.
func rowCount(n Node) bool {
	p, ok := n.(*Project)
	if !ok || len(p.Exprs) != 1 {
		return false
	}
	l, ok := p.Exprs[0].(*exec.Literal)
	return ok && l.V == nil && l.DT == exec.TypeBool && p.Cols[0].Name == "?column?"
}
