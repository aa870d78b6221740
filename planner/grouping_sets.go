package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// PostgreSQL's limits on grouping sets.
const (
	maxGroupingSets = 4096
	maxCubeElements = 12
	maxGroupingArgs = 31
)

// groupingSetName names the set number column Expand adds (never matched
// by a user's expression).
const groupingSetName = "\x00grouping set"

// groupingSets reads GROUP BY's items as PostgreSQL's grouping sets when
// any of them is ROLLUP, CUBE, GROUPING SETS or (): the cross product of
// the items' sets, each a list of expressions. ok is false for a plain
// GROUP BY.
func groupingSets(items []*ast.ByItem) (sets [][]ast.ExprNode, ok bool, err error) {
	for _, item := range items {
		if groupingConstruct(item.Expr) != "" {
			ok = true
		}
	}
	if !ok {
		return nil, false, nil
	}
	sets = [][]ast.ExprNode{nil}
	for _, item := range items {
		var its [][]ast.ExprNode
		switch e := item.Expr.(type) {
		case *ast.RowExpr:
			its = [][]ast.ExprNode{e.Values} // (a, b): grouped by both
		default:
			if its, err = groupingElement(item.Expr); err != nil {
				return nil, false, err
			}
		}
		if len(sets)*len(its) > maxGroupingSets {
			return nil, false, errorf(CodeTooComplex, "too many grouping sets present (maximum %d)", maxGroupingSets)
		}
		product := make([][]ast.ExprNode, 0, len(sets)*len(its))
		for _, s := range sets {
			for _, t := range its {
				product = append(product, append(slices.Clip(s), t...))
			}
		}
		sets = product
	}
	return sets, true, nil
}

// groupingConstruct is the name of the grouping construct e is (rollup,
// cube, the GROUPING SETS or empty set marker), "" for an expression.
func groupingConstruct(e ast.ExprNode) string {
	f, ok := e.(*ast.FuncCallExpr)
	if !ok {
		return ""
	}
	switch f.FnName.L {
	case "rollup", "cube", sql.MarkerGroupingSets, sql.MarkerEmptySet:
		return f.FnName.L
	}
	return ""
}

// groupingElement is the grouping sets one element of GROUPING SETS (or
// a ROLLUP, CUBE or () in GROUP BY) stands for.
func groupingElement(e ast.ExprNode) ([][]ast.ExprNode, error) {
	f, _ := e.(*ast.FuncCallExpr)
	switch groupingConstruct(e) {
	case sql.MarkerEmptySet:
		return [][]ast.ExprNode{nil}, nil
	case sql.MarkerGroupingSets:
		if len(f.Args) == 0 {
			return nil, errorf(CodeSyntax, "GROUPING SETS needs at least one element: () is the grand total")
		}
		var sets [][]ast.ExprNode
		for _, a := range f.Args {
			s, err := groupingElement(a)
			if err != nil {
				return nil, err
			}
			sets = append(sets, s...)
			if len(sets) > maxGroupingSets {
				return nil, errorf(CodeTooComplex, "too many grouping sets present (maximum %d)", maxGroupingSets)
			}
		}
		return sets, nil
	case "rollup":
		units, err := groupingUnits(f)
		if err != nil {
			return nil, err
		}
		// ROLLUP (a, b, c): (a, b, c), (a, b), (a), ().
		sets := make([][]ast.ExprNode, 0, len(units)+1)
		for n := len(units); n >= 0; n-- {
			sets = append(sets, slices.Concat(units[:n]...))
		}
		return sets, nil
	case "cube":
		units, err := groupingUnits(f)
		if err != nil {
			return nil, err
		}
		if len(units) > maxCubeElements {
			return nil, errorf(CodeProgramLimit, "CUBE is limited to %d elements", maxCubeElements)
		}
		// Every subset, the whole one first and () last.
		full := 1<<len(units) - 1
		sets := make([][]ast.ExprNode, 0, full+1)
		for mask := full; mask >= 0; mask-- {
			var s []ast.ExprNode
			for i, u := range units {
				if mask&(1<<(len(units)-1-i)) != 0 {
					s = append(s, u...)
				}
			}
			sets = append(sets, s)
		}
		return sets, nil
	}
	// An expression, or a parenthesised list of them: one set.
	switch e := e.(type) {
	case *ast.RowExpr:
		return [][]ast.ExprNode{e.Values}, nil
	case *ast.ParenthesesExpr:
		return [][]ast.ExprNode{{e.Expr}}, nil
	}
	return [][]ast.ExprNode{{e}}, nil
}

// groupingUnits are the elements of ROLLUP or CUBE: expressions, or
// parenthesised lists of them grouped as one.
func groupingUnits(f *ast.FuncCallExpr) ([][]ast.ExprNode, error) {
	if len(f.Args) == 0 {
		return nil, errorf(CodeSyntax, "%s needs at least one element", strings.ToUpper(f.FnName.L))
	}
	units := make([][]ast.ExprNode, len(f.Args))
	for i, a := range f.Args {
		if c := groupingConstruct(a); c != "" {
			return nil, errorf(CodeSyntax, "%s cannot contain %s: only expressions and parenthesised lists of them", strings.ToUpper(f.FnName.L), constructName(c))
		}
		switch a := a.(type) {
		case *ast.RowExpr:
			units[i] = a.Values
		case *ast.ParenthesesExpr:
			units[i] = []ast.ExprNode{a.Expr}
		default:
			units[i] = []ast.ExprNode{a}
		}
	}
	return units, nil
}

func constructName(c string) string {
	switch c {
	case sql.MarkerGroupingSets:
		return "GROUPING SETS"
	case sql.MarkerEmptySet:
		return "()"
	}
	return strings.ToUpper(c)
}

// bindGroupingSets registers the keys of every grouping set and, last,
// the set number key; q.sets lists each set's keys.
func (q *selectBinder) bindGroupingSets(sets [][]ast.ExprNode, distinct bool) error {
	q.sets = make([][]int, 0, len(sets))
	var seen []string
	for _, set := range sets {
		var keys []int
		for _, e := range set {
			k, err := q.addGroupKey(e)
			if err != nil {
				return err
			}
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		if distinct {
			// GROUP BY DISTINCT: a set grouping by the same keys as an
			// earlier one (in any order) is dropped.
			id := fmt.Sprint(slices.Sorted(slices.Values(keys)))
			if slices.Contains(seen, id) {
				continue
			}
			seen = append(seen, id)
		}
		q.sets = append(q.sets, keys)
	}
	q.keys = append(q.keys, &exec.Column{Index: -1, Name: "grouping set", DT: exec.TypeInt})
	q.keyStr = append(q.keyStr, groupingSetName)
	q.keyID = append(q.keyID, groupingSetName)
	return nil
}

// grouping binds GROUPING(args): for each grouping set, a bit per argument
// (the first the most significant) set when the set does not group by it.
func (q *selectBinder) grouping(f *ast.FuncCallExpr) (exec.Expr, error) {
	if len(f.Args) == 0 || len(f.Args) > maxGroupingArgs {
		return nil, errorf(CodeSyntax, "GROUPING must have from 1 to %d arguments", maxGroupingArgs)
	}
	keys := make([]int, len(f.Args))
	names := make([]string, len(f.Args))
	for i, a := range f.Args {
		x, err := q.b.bindExpr(q.in, a)
		if err != nil {
			return nil, err
		}
		keys[i] = slices.Index(q.keyID, q.keyString(a, x))
		if keys[i] < 0 || q.keyStr[keys[i]] == groupingSetName {
			return nil, errorf(CodeGrouping, "arguments to GROUPING must be grouping expressions of the associated query level: %s is not in GROUP BY", x.String())
		}
		names[i] = x.String()
	}
	if q.sets == nil {
		// A plain GROUP BY has one set, holding every key.
		return &exec.Literal{V: int64(0), DT: exec.TypeInt}, nil
	}
	values := make([]int64, len(q.sets))
	for s, set := range q.sets {
		for i, k := range keys {
			if !slices.Contains(set, k) {
				values[s] |= 1 << (len(keys) - 1 - i)
			}
		}
	}
	set := len(q.keys) - 1
	return &exec.Grouping{Set: &exec.Column{Index: set, Name: "grouping set", DT: exec.TypeInt}, Values: values, Args: strings.Join(names, ", ")}, nil
}

// groupingAggregate builds the aggregation of grouping sets: Expand
// repeats each batch per set with the keys' values after the input's
// columns (NULL for the keys the set leaves out) and the set number after
// them, and the aggregate groups by those columns (its arguments read the
// input's columns, which pass unchanged).
func (q *selectBinder) groupingAggregate() *Aggregate {
	in := q.in.node.Columns()
	n, k := len(in), len(q.keys)-1
	exp := &Expand{Child: q.in.node, Keys: q.keys[:k], Sets: q.sets, Cols: slices.Clone(in)}
	for i, key := range exp.Keys {
		exp.Cols = append(exp.Cols, Column{Name: q.keyStr[i], Type: key.Type()})
	}
	exp.Cols = append(exp.Cols, Column{Name: "grouping set", Type: exec.TypeInt})
	agg := &Aggregate{Child: exp, Aggs: q.aggs}
	for i := range k + 1 {
		agg.Keys = append(agg.Keys, &exec.Column{Index: n + i, Name: exp.Cols[n+i].Name, DT: exp.Cols[n+i].Type})
	}
	for s, set := range q.sets {
		if len(set) == 0 {
			agg.EmptySets = append(agg.EmptySets, int64(s))
		}
	}
	return agg
}

// Expand passes its child's rows once per grouping set (exec.Expand),
// adding the values of Keys, NULL in a set that does not group by them,
// and the set's number after the child's columns.
type Expand struct {
	Child Node
	Keys  []exec.Expr
	Sets  [][]int
	Cols  []Column
}

func (n *Expand) Columns() []Column { return n.Cols }
func (n *Expand) Children() []Node  { return []Node{n.Child} }
func (n *Expand) Describe() string {
	parts := make([]string, len(n.Sets))
	for s, set := range n.Sets {
		names := make([]string, len(set))
		for i, k := range set {
			names[i] = n.Keys[k].String()
		}
		parts[s] = "(" + strings.Join(names, ", ") + ")"
	}
	return "Expand: sets=[" + strings.Join(parts, ", ") + "]"
}

// names are the exec operator's names of the key columns and the set
// number.
func (n *Expand) names() []string {
	names := make([]string, 0, len(n.Keys)+1)
	for _, c := range n.Cols[len(n.Cols)-len(n.Keys)-1:] {
		names = append(names, c.Name)
	}
	return names
}
