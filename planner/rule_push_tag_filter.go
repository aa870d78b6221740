package planner

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// pushTagFilter gives the scan the tag equalities and IN lists of the filter
// above it, so storage skips files, row groups and pages whose tag
// statistics exclude every value. Storage only prunes by statistics, so the
// filter keeps the conditions.
func pushTagFilter(n Node) Node {
	n = mapChildren(n, pushTagFilter)
	f, ok := n.(*Filter)
	if !ok {
		return n
	}
	scan, ok := f.Child.(*Scan)
	if !ok {
		return n
	}
	s := *scan
	s.Tags = append([]storage.TagFilter(nil), scan.Tags...)
	added := false
	for _, c := range conjuncts(f.Pred) {
		if tf, ok := tagFilterOf(&s, c); ok {
			s.Tags = append(s.Tags, tf)
			added = true
		}
	}
	if !added {
		return n
	}
	return &Filter{Child: &s, Pred: f.Pred}
}

func tagFilterOf(s *Scan, e exec.Expr) (storage.TagFilter, bool) {
	var col exec.Expr
	var vals []any
	switch e := e.(type) {
	case *exec.Compare:
		if e.Op != exec.Eq {
			return storage.TagFilter{}, false
		}
		col, lit := e.L, e.R
		if _, isLit := col.(*exec.Literal); isLit {
			col, lit = e.R, e.L
		}
		l, ok := lit.(*exec.Literal)
		if !ok {
			return storage.TagFilter{}, false
		}
		return tagFilter(s, col, []any{l.V})
	case *exec.InList:
		if e.Negate {
			return storage.TagFilter{}, false
		}
		col, vals = e.X, e.Values
	default:
		return storage.TagFilter{}, false
	}
	return tagFilter(s, col, vals)
}

func tagFilter(s *Scan, col exec.Expr, vals []any) (storage.TagFilter, bool) {
	if cast, ok := col.(*exec.Cast); ok && cast.To.ID() == arrow.STRING {
		col = cast.X // host::text, as a view or a union reads a tag
	}
	c, ok := col.(*exec.Column)
	if !ok || c.Type().ID() != exec.TypeTag.ID() {
		return storage.TagFilter{}, false
	}
	tf := storage.TagFilter{Column: s.Cols[c.Index].Name}
	for _, v := range vals {
		str, ok := v.(string)
		if !ok {
			return storage.TagFilter{}, false // NULL or non-text: no pruning
		}
		tf.Values = append(tf.Values, str)
	}
	return tf, true
}
