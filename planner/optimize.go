package planner

import "github.com/stratadb/strata/exec"

// rule is one optimizer rewrite of a plan.
type rule struct {
	name  string
	apply func(Node) Node
}

// rules run in this order.
var rules = []rule{
	{"push_filter_below_project", pushFilterBelowProject},
	{"push_filter_into_union", pushFilterIntoUnion},
	{"push_filter_into_join", pushFilterIntoJoin},
	{"push_filter_below_aggregate", pushFilterBelowAggregate},
	{"merge_filters", mergeFilters},
	{"push_time_range", pushTimeRange},
	{"push_tag_filter", pushTagFilter},
	{"sort_limit_to_topk", sortLimitToTopK},
	{"recent_buckets", recentBuckets},
	{"recent_rows", recentRows},
	{"partial_aggregate", partialAggregate},
	{"prune_columns", pruneColumns},
	{"limit_below_project", limitBelowProject},
	{"window_sorted", windowSorted},
	{"window_partition_limit", windowPartitionLimit},
}

// Optimize applies every rule.
func Optimize(n Node) Node {
	for _, r := range rules {
		n = r.apply(n)
	}
	return n
}

// mapChildren rebuilds n with f applied to its children.
func mapChildren(n Node, f func(Node) Node) Node {
	switch n := n.(type) {
	case *Filter:
		c := *n
		c.Child = f(n.Child)
		return &c
	case *Project:
		c := *n
		c.Child = f(n.Child)
		return &c
	case *Aggregate:
		c := *n
		c.Child = f(n.Child)
		return &c
	case *Sort:
		c := *n
		c.Child = f(n.Child)
		return &c
	case *Limit:
		c := *n
		c.Child = f(n.Child)
		return &c
	case *LTTB:
		c := *n
		c.Child = f(n.Child)
		return &c
	case *DistinctOn:
		c := *n
		c.Child = f(n.Child)
		return &c
	case *GapFill:
		c := *n
		c.Child = f(n.Child)
		return &c
	case *Expand:
		c := *n
		c.Child = f(n.Child)
		return &c
	case *Ordinality:
		c := *n
		c.Child = f(n.Child)
		return &c
	case *Repeat:
		c := *n
		c.Child = f(n.Child)
		return &c
	case *Shared:
		c := *n
		c.Child = f(n.Child)
		return &c
	case *Window:
		c := *n
		c.Child = f(n.Child)
		return &c
	case *Join:
		c := *n
		c.Left, c.Right = f(n.Left), f(n.Right)
		return &c
	case *LateralJoin:
		c := *n
		c.Left = f(n.Left)
		return &c
	case *Recent:
		// Scan names a node inside Child: rebuilding Child would lose it.
		return n
	case *RowsFrom:
		c := *n
		c.Kids = mapNodes(n.Kids, f)
		return &c
	case *Union:
		c := *n
		c.Kids = mapNodes(n.Kids, f)
		return &c
	}
	return n
}

// mapNodes is f of each node, in a new slice.
func mapNodes(nodes []Node, f func(Node) Node) []Node {
	out := make([]Node, len(nodes))
	for i, k := range nodes {
		out[i] = f(k)
	}
	return out
}

// conjuncts splits a predicate on AND.
func conjuncts(e exec.Expr) []exec.Expr {
	if l, ok := e.(*exec.Logic); ok && l.Op == exec.And {
		return append(conjuncts(l.L), conjuncts(l.R)...)
	}
	return []exec.Expr{e}
}

// andAll joins predicates with AND; nil for none.
func andAll(preds []exec.Expr) exec.Expr {
	if len(preds) == 0 {
		return nil
	}
	out := preds[0]
	for _, p := range preds[1:] {
		out = &exec.Logic{Op: exec.And, L: out, R: p}
	}
	return out
}
