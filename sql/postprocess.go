package sql

import (
	"sort"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"
)

type postErr struct{ code, msg, hint string }

// postProcess finishes the TiDB AST of st: it resolves the rewriter's
// sentinels (NULLS FIRST/LAST, DISTINCT ON, case-insensitive regex), turns
// regex matches into __pg_regex markers and ^ into power(), sets every ORDER
// BY item's NullOrder to PostgreSQL's effective order, and numbers the
// parameter markers.
func postProcess(st *Statement, out []outTok) *postErr {
	p := &post{st: st, ci: map[*ast.PatternRegexpExpr]bool{}}
	st.AST.Accept(p)
	if p.err != nil {
		return p.err
	}
	var params []int
	for _, o := range out {
		if o.kind == okParam {
			params = append(params, o.param)
		}
	}
	if len(params) != len(p.params) {
		return &postErr{CodeSyntaxError, "parameter placeholders could not be matched", "use $1, $2, ... for parameters"}
	}
	sort.Slice(p.params, func(a, b int) bool { return p.params[a].Offset < p.params[b].Offset })
	for i, m := range p.params {
		m.SetOrder(i)
		if params[i] > st.NumParams {
			st.NumParams = params[i]
		}
	}
	if len(params) > 0 {
		st.Params = params
	}
	return nil
}

type post struct {
	st     *Statement
	ci     map[*ast.PatternRegexpExpr]bool
	params []*driver.ParamMarkerExpr
	err    *postErr
	// pct are the percentile_cont/disc(ARRAY[...]) rewritten (see
	// percentileArray), for a FILTER around them.
	pct map[*ast.FuncCallExpr]*pctArray
}

// pctArray is percentile_cont|disc(ARRAY[fractions]) WITHIN GROUP (ORDER
// BY sort dir).
type pctArray struct {
	fn        string
	fractions []ast.ExprNode
	sort, dir ast.ExprNode
}

// percentileArray rewrites percentile_cont(ARRAY[f1, f2, ...]) WITHIN
// GROUP (ORDER BY x), PostgreSQL's several percentiles of one sort, into
// __pg_percentiles(percentile_cont(f1) WITHIN GROUP (ORDER BY x), ...)
// (their array, NULL when they all are: no values), and a FILTER around it
// into the same FILTER on each aggregate. nil when x is neither.
func (p *post) percentileArray(x *ast.FuncCallExpr) ast.ExprNode {
	switch x.FnName.L {
	case MarkerWithinGroup:
		if len(x.Args) != 3 {
			return nil
		}
		f, name := fnName(x.Args[0])
		if name != "percentile_cont" && name != "percentile_disc" || len(f.Args) != 1 {
			return nil
		}
		arr, arrName := fnName(f.Args[0])
		if arrName != MarkerArray || len(arr.Args) == 0 {
			return nil
		}
		a := &pctArray{fn: name, fractions: arr.Args, sort: x.Args[1], dir: x.Args[2]}
		e := a.build(nil)
		if p.pct == nil {
			p.pct = map[*ast.FuncCallExpr]*pctArray{}
		}
		p.pct[e] = a
		return e
	case MarkerFilter:
		if len(x.Args) != 2 {
			return nil
		}
		if c, ok := x.Args[0].(*ast.FuncCallExpr); ok && p.pct[c] != nil {
			return p.pct[c].build(x.Args[1])
		}
	}
	return nil
}

// build writes the rewritten call, each aggregate under FILTER (WHERE
// cond) unless cond is nil.
func (a *pctArray) build(cond ast.ExprNode) *ast.FuncCallExpr {
	elems := make([]ast.ExprNode, len(a.fractions))
	for i, f := range a.fractions {
		elems[i] = newCall(MarkerWithinGroup, newCall(a.fn, f), a.sort, a.dir)
		if cond != nil {
			elems[i] = newCall(MarkerFilter, elems[i], cond)
		}
	}
	return newCall(MarkerPercentiles, elems...)
}

func fnName(e ast.ExprNode) (*ast.FuncCallExpr, string) {
	f, ok := e.(*ast.FuncCallExpr)
	if !ok {
		return nil, ""
	}
	return f, f.FnName.L
}

func newCall(name string, args ...ast.ExprNode) *ast.FuncCallExpr {
	return &ast.FuncCallExpr{Tp: ast.FuncCallExprTypeGeneric, FnName: ast.NewCIStr(name), Args: args}
}

func (p *post) Enter(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.TableSample:
		// TiDB's grammar wraps TABLESAMPLE's expressions in a ValueExpr;
		// unwrapped, they are visited (parameters numbered) as any other.
		x.Expr, x.RepeatableSeed = unwrapSampleArg(x.Expr), unwrapSampleArg(x.RepeatableSeed)
	case *ast.OrderByClause:
		p.orderBy(x)
	case *ast.SelectStmt:
		if x.Fields != nil && len(x.Fields.Fields) > 0 && x.Fields.Fields[0].Expr != nil {
			if f, name := fnName(x.Fields.Fields[0].Expr); name == sentinelDistinctOn {
				if p.st.DistinctOn == nil {
					p.st.DistinctOn = map[*ast.SelectStmt][]ast.ExprNode{}
				}
				p.st.DistinctOn[x] = f.Args
				x.Fields.Fields = x.Fields.Fields[1:]
			}
		}
	case *ast.Join:
		full := false
		if x.On != nil {
			if f, name := fnName(x.On.Expr); name == sentinelFullJoin && len(f.Args) == 1 {
				x.On.Expr = f.Args[0]
				full = true
			} else if (name == sentinelAsofJoin || name == sentinelAsofLeftJoin) && len(f.Args) == 1 {
				x.On.Expr = f.Args[0]
				if name == sentinelAsofJoin {
					x.Tp = ast.CrossJoin // TiDB's inner join
				}
				if p.st.AsofJoins == nil {
					p.st.AsofJoins = map[*ast.Join]bool{}
				}
				p.st.AsofJoins[x] = true
			}
		}
		if len(x.Using) > 0 && x.Using[0].Name.O == sentinelFullJoin {
			x.Using = x.Using[1:]
			full = true
			if len(x.Using) == 1 && x.Using[0].Name.O == sentinelNatural {
				x.Using, x.NaturalJoin = nil, true
			}
		}
		if full {
			if p.st.FullJoins == nil {
				p.st.FullJoins = map[*ast.Join]bool{}
			}
			p.st.FullJoins[x] = true
		}
	case *ast.BetweenExpr:
		if stripSymmetric(&x.Left) {
			if p.st.SymmetricBetween == nil {
				p.st.SymmetricBetween = map[*ast.BetweenExpr]bool{}
			}
			p.st.SymmetricBetween[x] = true
		}
	case *ast.PatternRegexpExpr:
		if f, name := fnName(x.Expr); name == sentinelCI && len(f.Args) == 1 {
			x.Expr = f.Args[0]
			p.ci[x] = true
		}
	}
	return n, false
}

func (p *post) Leave(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.PatternRegexpExpr:
		flags := ""
		if p.ci[x] {
			flags = "i"
		}
		if _, name := fnName(x.Pattern); x.Not && (name == MarkerAny || name == MarkerAll) {
			// x !~ ANY (arr) is some pattern x does not match: the
			// negation belongs to each match, not to the whole.
			return newCall(MarkerRegex, x.Expr, x.Pattern, ast.NewValueExpr(flags+"!", "", "")), true
		}
		var e ast.ExprNode = newCall(MarkerRegex, x.Expr, x.Pattern, ast.NewValueExpr(flags, "", ""))
		if x.Not {
			e = &ast.UnaryOperationExpr{Op: opcode.Not, V: e}
		}
		return e, true
	case *ast.BinaryOperationExpr:
		if x.Op == opcode.Xor {
			return newCall(MarkerPower, x.L, x.R), true
		}
	case *driver.ParamMarkerExpr:
		p.params = append(p.params, x)
	case *ast.FuncCallExpr:
		if err := namedArgs(x); err != nil && p.err == nil {
			p.err = err
		}
		if e := p.percentileArray(x); e != nil {
			return e, true
		}
		switch x.FnName.L {
		case sentinelNullsFirst, sentinelNullsLast:
			p.fail("NULLS FIRST/LAST is only allowed after an ORDER BY item")
		case sentinelDistinctOn:
			p.fail("DISTINCT ON is only allowed at the start of a SELECT list")
		case sentinelCI:
			p.fail("misplaced case-insensitive regular expression operator")
		case sentinelFullJoin:
			p.fail("misplaced FULL JOIN condition")
		case sentinelAsofJoin, sentinelAsofLeftJoin:
			p.fail("misplaced ASOF JOIN condition")
		}
	case *ast.AggregateFuncExpr, *ast.WindowFuncExpr:
		var args []ast.ExprNode
		if a, ok := x.(*ast.AggregateFuncExpr); ok {
			args = a.Args
		} else {
			args = x.(*ast.WindowFuncExpr).Args
		}
		for _, a := range args {
			if _, name := fnName(a); name == sentinelNamedArg {
				p.fail("aggregate and window functions take no named arguments")
			}
		}
	}
	return n, true
}

func (p *post) fail(msg string) {
	if p.err == nil {
		p.err = &postErr{CodeSyntaxError, msg, ""}
	}
}

// orderBy removes NULLS FIRST/LAST sentinels and sets NullOrder (true:
// NULLs sort first) on every item, defaulting as PostgreSQL does: NULLs are
// larger than any value, so last for ASC and first for DESC.
func (p *post) orderBy(o *ast.OrderByClause) {
	items := o.Items[:0]
	for _, it := range o.Items {
		if _, name := fnName(it.Expr); name == sentinelNullsFirst || name == sentinelNullsLast {
			if len(items) == 0 {
				p.fail("NULLS FIRST/LAST must follow an ORDER BY item")
				return
			}
			items[len(items)-1].NullOrder = name == sentinelNullsFirst
			continue
		}
		it.NullOrder = it.Desc
		items = append(items, it)
	}
	o.Items = items
}

// stripSymmetric removes the __pg_symmetric() + sentinel from the leftmost
// operand of a BETWEEN's lower bound (see the rewriter's "between").
func stripSymmetric(e *ast.ExprNode) bool {
	bin, ok := (*e).(*ast.BinaryOperationExpr)
	if !ok {
		return false
	}
	if _, name := fnName(bin.L); name == sentinelSymmetric && bin.Op == opcode.Plus {
		*e = bin.R
		return true
	}
	return stripSymmetric(&bin.L)
}

// unwrapSampleArg is the expression a TABLESAMPLE argument's ValueExpr
// holds, or e itself (a literal, or nil).
func unwrapSampleArg(e ast.ExprNode) ast.ExprNode {
	if v, ok := e.(*driver.ValueExpr); ok {
		if inner, ok := v.GetValue().(ast.ExprNode); ok {
			return inner
		}
	}
	return e
}
