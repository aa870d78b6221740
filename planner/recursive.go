package planner

import (
	"fmt"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
)

// Limits of a recursive CTE, which is evaluated at planning time: past
// them the query fails (54000) instead of running away.
var (
	maxRecursiveRows       = 1_000_000
	maxRecursiveIterations = 100_000
)

// recursiveCTE evaluates WITH RECURSIVE name AS (base UNION [ALL] step) as
// PostgreSQL does: the base rows form the working table; the step, in which
// name reads the working table, runs again and again over the rows the last
// run produced (with UNION, only rows not seen before), until it produces
// none, or until it holds the rows a query taking only the first ones
// reads (recursiveNeed: SELECT * FROM t LIMIT 5 over an endless series).
// It runs once, at planning time, and becomes a Values node (the
// recursive queries users write walk small hierarchies or series). ok is
// false when the CTE does not have that shape, and it is bound as a plain
// CTE.
func (b *binder) recursiveCTE(cte *ast.CommonTableExpression, defs map[string]Node) (Node, bool, error) {
	set, isSet := cte.Query.Query.(*ast.SetOprStmt)
	if isSet && set.SelectList != nil && len(set.SelectList.Selects) == 2 && (set.OrderBy != nil || set.Limit != nil) {
		if step, ok := set.SelectList.Selects[1].(*ast.SelectStmt); ok && selfRefs(step, cte.Name.L).top > 0 {
			clause := "ORDER BY"
			if set.OrderBy == nil {
				clause = "LIMIT"
			}
			return nil, false, errorf(CodeNotSupported, "%s in a recursive query is not implemented", clause)
		}
	}
	if !isSet || set.SelectList == nil || len(set.SelectList.Selects) != 2 || set.OrderBy != nil || set.Limit != nil {
		return nil, false, nil
	}
	base, ok1 := set.SelectList.Selects[0].(*ast.SelectStmt)
	step, ok2 := set.SelectList.Selects[1].(*ast.SelectStmt)
	if !ok1 || !ok2 || step.AfterSetOperator == nil {
		return nil, false, nil
	}
	if recursive, err := checkRecursiveTerm(step, cte.Name.L); err != nil || !recursive {
		return nil, false, err // not naming itself: a plain CTE (WITH RECURSIVE t AS (SELECT 1 UNION ALL SELECT 2))
	}
	op := *step.AfterSetOperator
	if op != ast.UnionAll && op != ast.Union {
		return nil, false, errorf(CodeSyntax, "recursive query %q must have the form non-recursive term UNION [ALL] recursive term", cte.Name.O)
	}
	name := cte.Name.O
	rows, cols, err := b.runNode(base)
	if err != nil {
		return nil, false, err
	}
	if len(cte.ColNameList) > 0 {
		if len(cte.ColNameList) != len(cols) {
			return nil, false, errorf("42P10", "WITH query %q has %d columns available but %d columns specified", name, len(cols), len(cte.ColNameList))
		}
		for i, c := range cte.ColNameList {
			cols[i].Name = c.O
		}
	}
	for i := range cols {
		cols[i].Table = ""
	}
	seen := map[string]bool{}
	keep := func(rs [][]any) [][]any {
		if op == ast.UnionAll {
			return rs
		}
		var out [][]any
		for _, r := range rs {
			k := fmt.Sprint(r...)
			if !seen[k] {
				seen[k] = true
				out = append(out, r)
			}
		}
		return out
	}
	all := keep(rows)
	work := all
	need, limited := b.recursiveNeed[cte]
	for iter := 0; len(work) > 0 && !(limited && len(all) >= need); iter++ {
		if iter >= maxRecursiveIterations || len(all) > maxRecursiveRows {
			return nil, false, &Error{Code: "54000", Msg: fmt.Sprintf("recursive query %q ran past %d iterations or %d rows", name, maxRecursiveIterations, maxRecursiveRows),
				Hint: "check that the recursive term stops producing rows (a WHERE condition on the counter, or UNION instead of UNION ALL for cycles)"}
		}
		defs[name] = valuesOf(cols, work)
		next, stepCols, err := b.runNode(step)
		if err != nil {
			return nil, false, err
		}
		if len(stepCols) != len(cols) {
			return nil, false, errorf(CodeSyntax, "each UNION query must have the same number of columns")
		}
		for _, r := range next {
			for c, v := range r {
				if r[c], err = castTo(b.ctx, v, cols[c]); err != nil {
					return nil, false, AsError(err)
				}
			}
		}
		work = keep(next)
		all = append(all, work...)
	}
	return valuesOf(cols, all), true, nil
}

// runNode binds and runs one query block at planning time.
func (b *binder) runNode(sel *ast.SelectStmt) ([][]any, []Column, error) {
	if err := noDropWhilePlanning(sel, nil); err != nil {
		return nil, nil, err
	}
	node, err := b.bindQuery(sel)
	if err != nil {
		return nil, nil, err
	}
	if err := noDropWhilePlanning(sel, node); err != nil {
		return nil, nil, err
	}
	node = Optimize(node)
	b.volatile = true
	rows, err := runPlan(b.ctx, b.p.Engine, node)
	if err != nil {
		return nil, nil, err
	}
	cols := append([]Column(nil), node.Columns()...)
	for i := range cols {
		cols[i].Type = literalType(cols[i])
	}
	return rows, cols, nil
}

// castTo converts a step's value to the working table's column type.
func castTo(c *exec.Ctx, v any, col Column) (any, error) {
	if v == nil {
		return nil, nil
	}
	return exec.CastValue(c, v, col.Type)
}

// valuesOf is rows of Go values as a Values node.
func valuesOf(cols []Column, rows [][]any) *Values {
	v := &Values{Cols: cols}
	for _, r := range rows {
		lits := make([]exec.Expr, len(r))
		for c, x := range r {
			lits[c] = &exec.Literal{V: x, DT: cols[c].Type}
		}
		v.Rows = append(v.Rows, lits)
	}
	return v
}

// refCount counts a query's references to a table name: in its own FROM
// clauses and inside subqueries.
type refCount struct {
	name     string
	depth    int // subqueries entered
	top, sub int
}

func (v *refCount) Enter(n ast.Node) (ast.Node, bool) {
	switch n := n.(type) {
	case *ast.SubqueryExpr:
		v.depth++
	case *ast.TableName:
		if n.Schema.L == "" && n.Name.L == v.name {
			if v.depth > 0 {
				v.sub++
			} else {
				v.top++
			}
		}
	}
	return n, false
}

func (v *refCount) Leave(n ast.Node) (ast.Node, bool) {
	if _, ok := n.(*ast.SubqueryExpr); ok {
		v.depth--
	}
	return n, true
}

// selfRefs counts step's references to the recursive query name.
func selfRefs(step *ast.SelectStmt, name string) *refCount {
	v := &refCount{name: name}
	step.Accept(v)
	return v
}

// checkRecursiveTerm reports whether step names the query (recursive is
// false when it does not: the CTE is then a plain union), and refuses
// what PostgreSQL refuses in a recursive term (42P19), which would
// otherwise run to the iteration limit or answer differently: the query
// named more than once or inside a subquery, aggregates and window
// functions.
func checkRecursiveTerm(step *ast.SelectStmt, name string) (recursive bool, err error) {
	refs := selfRefs(step, name)
	switch {
	case refs.top > 1:
		return false, errorf("42P19", "recursive reference to query %q must not appear more than once", name)
	case refs.sub > 0:
		return false, errorf("42P19", "recursive reference to query %q must not appear within a subquery", name)
	case refs.top == 0:
		return false, nil
	}
	var items []ast.ExprNode
	for _, f := range step.Fields.Fields {
		if f.Expr != nil {
			items = append(items, f.Expr)
		}
	}
	if step.Having != nil {
		items = append(items, step.Having.Expr)
	}
	for _, e := range items {
		if containsAggregate(e) {
			return false, errorf("42P19", "aggregate functions are not allowed in a recursive query's recursive term")
		}
		if containsWindow(e) {
			return false, errorf("42P19", "window functions are not allowed in a recursive query's recursive term")
		}
	}
	return true, nil
}
