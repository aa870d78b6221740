package planner

import (
	"fmt"
	"sync/atomic"

	"github.com/stratadb/strata/exec"
)

// Shared is a WITH query that the statement names more than once: computed
// once per execution and read by each reference (exec.SharedResult), as
// PostgreSQL materializes such a CTE. Every reference sees the same rows,
// even of volatile functions (random()) or of float sums whose last digit
// depends on the order their parts were added. A CTE named once is inlined
// instead (unshare), so that filters and projections reach its scans.
type Shared struct {
	ID    int
	Name  string
	Child Node
	refs  int // references bound so far (while binding)
	// materialized: written AS MATERIALIZED, never inlined.
	materialized bool
}

func (n *Shared) Columns() []Column { return n.Child.Columns() }
func (n *Shared) Children() []Node  { return []Node{n.Child} }
func (n *Shared) Describe() string {
	return fmt.Sprintf("Shared: %s (computed once, read by each reference)", n.Name)
}

var sharedIDs atomic.Int64

// newShared wraps the plan of the WITH query name.
func newShared(name string, child Node) *Shared {
	return &Shared{ID: int(sharedIDs.Add(1)), Name: name, Child: child}
}

// unshare inlines the CTEs of one WITH clause (defs) that were named at
// most once, as PostgreSQL does, but not those written AS MATERIALIZED or
// computing a volatile function (random()): PostgreSQL computes them in
// full, every column (an unread one that fails fails the query).
func unshare(n Node, defs map[string]Node) Node {
	once := map[int]bool{}
	for _, d := range defs {
		if s, ok := d.(*Shared); ok && s.refs < 2 && !s.materialized && !computesVolatile(s.Child) {
			once[s.ID] = true
		}
	}
	if len(once) == 0 {
		return n
	}
	var walk func(Node) Node
	walk = func(n Node) Node {
		if s, ok := n.(*Shared); ok && once[s.ID] {
			return walk(s.Child)
		}
		return mapChildren(n, walk)
	}
	return walk(n)
}

// computesVolatile reports whether a projection or filter of plan n calls
// a volatile function.
func computesVolatile(n Node) bool {
	var exprs []exec.Expr
	switch n := n.(type) {
	case *Project:
		exprs = n.Exprs
	case *Filter:
		exprs = []exec.Expr{n.Pred}
	}
	found := false
	for _, e := range exprs {
		walkCalls(e, func(c *exec.Call) { found = found || volatileFuncs[c.Name] })
	}
	if found {
		return true
	}
	for _, c := range n.Children() {
		if computesVolatile(c) {
			return true
		}
	}
	return false
}
