package sql

import (
	"fmt"
	"testing"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"
	"github.com/stretchr/testify/require"
)

// parseSelect parses one SELECT and returns its AST.
func parseSelect(t *testing.T, q string) (*Statement, *ast.SelectStmt) {
	t.Helper()
	stmts, err := Parse(q)
	require.NoError(t, err)
	require.Len(t, stmts, 1)
	sel, ok := stmts[0].AST.(*ast.SelectStmt)
	require.True(t, ok, "%T", stmts[0].AST)
	return stmts[0], sel
}

func field(sel *ast.SelectStmt, i int) ast.ExprNode { return sel.Fields.Fields[i].Expr }

// call asserts e is a call of name with n arguments.
func call(t *testing.T, e ast.ExprNode, name string, n int) *ast.FuncCallExpr {
	t.Helper()
	f, ok := e.(*ast.FuncCallExpr)
	require.True(t, ok, "%T", e)
	require.Equal(t, name, f.FnName.L)
	require.Len(t, f.Args, n)
	return f
}

func strArg(t *testing.T, e ast.ExprNode) string {
	t.Helper()
	v, ok := e.(*driver.ValueExpr)
	require.True(t, ok, "%T", e)
	return v.GetString()
}

func TestASTCastWrapsWholeOperand(t *testing.T) {
	_, sel := parseSelect(t, "SELECT (a+b)::text, -x::int8, f(x)::pg_catalog.regclass")
	c := call(t, field(sel, 0), MarkerCast, 2)
	par, ok := c.Args[0].(*ast.ParenthesesExpr)
	require.True(t, ok)
	bin, ok := par.Expr.(*ast.BinaryOperationExpr)
	require.True(t, ok)
	require.Equal(t, opcode.Plus, bin.Op)
	require.Equal(t, "text", strArg(t, c.Args[1]))
	neg, ok := field(sel, 1).(*ast.UnaryOperationExpr)
	require.True(t, ok, "unary minus applies to the cast, as in PostgreSQL")
	require.Equal(t, "int8", strArg(t, call(t, neg.V, MarkerCast, 2).Args[1]))
	c = call(t, field(sel, 2), MarkerCast, 2)
	call(t, c.Args[0], "f", 1)
	require.Equal(t, "regclass", strArg(t, c.Args[1]))
}

func TestASTParamsMapBack(t *testing.T) {
	st, sel := parseSelect(t, "SELECT $2 + $1, $2 FROM t WHERE a = $3")
	require.Equal(t, []int{2, 1, 2, 3}, st.Params)
	require.Equal(t, 3, st.NumParams)
	var orders []int
	var params []int
	v := &collectParams{fn: func(p *driver.ParamMarkerExpr) {
		orders = append(orders, p.Order)
		params = append(params, st.Params[p.Order])
	}}
	sel.Accept(v)
	require.ElementsMatch(t, []int{0, 1, 2, 3}, orders)
	bin := field(sel, 0).(*ast.BinaryOperationExpr)
	require.Equal(t, 2, st.Params[bin.L.(*driver.ParamMarkerExpr).Order])
	require.Equal(t, 1, st.Params[bin.R.(*driver.ParamMarkerExpr).Order])
	require.Equal(t, 3, st.Params[sel.Where.(*ast.BinaryOperationExpr).R.(*driver.ParamMarkerExpr).Order])
}

type collectParams struct{ fn func(*driver.ParamMarkerExpr) }

func (c *collectParams) Enter(n ast.Node) (ast.Node, bool) {
	if p, ok := n.(*driver.ParamMarkerExpr); ok {
		c.fn(p)
	}
	return n, false
}
func (c *collectParams) Leave(n ast.Node) (ast.Node, bool) { return n, true }

func TestASTRegex(t *testing.T) {
	_, sel := parseSelect(t, "SELECT a ~ 'x', a !~* 'y', a || b ~* c")
	f := call(t, field(sel, 0), MarkerRegex, 3)
	require.Equal(t, "", strArg(t, f.Args[2]))
	not, ok := field(sel, 1).(*ast.UnaryOperationExpr)
	require.True(t, ok)
	require.Equal(t, opcode.Not, not.Op)
	f = call(t, not.V, MarkerRegex, 3)
	require.Equal(t, "i", strArg(t, f.Args[2]))
	require.Equal(t, "y", strArg(t, f.Args[1]))
	f = call(t, field(sel, 2), MarkerRegex, 3)
	require.Equal(t, "i", strArg(t, f.Args[2]))
	_, isColumn := f.Args[0].(*ast.ColumnNameExpr)
	require.False(t, isColumn, "the whole a || b is the subject, not b: %T", f.Args[0])
}

func TestASTDistinctOnAndNulls(t *testing.T) {
	st, sel := parseSelect(t, "SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname NULLS FIRST, time DESC, a, b DESC NULLS LAST")
	require.Len(t, sel.Fields.Fields, 1)
	require.NotNil(t, sel.Fields.Fields[0].WildCard)
	on := st.DistinctOn[sel]
	require.Len(t, on, 1)
	require.Equal(t, "hostname", on[0].(*ast.ColumnNameExpr).Name.Name.O)
	items := sel.OrderBy.Items
	require.Len(t, items, 4)
	require.True(t, items[0].NullOrder)
	require.True(t, items[1].NullOrder, "DESC sorts NULLs first by default")
	require.False(t, items[2].NullOrder, "ASC sorts NULLs last by default")
	require.False(t, items[3].NullOrder)
}

func TestASTTableFunction(t *testing.T) {
	_, sel := parseSelect(t, "SELECT i FROM generate_series(1, $1) AS s(i)")
	ts, ok := sel.From.TableRefs.Left.(*ast.TableSource)
	require.True(t, ok)
	require.True(t, ts.Lateral)
	require.Equal(t, "s", ts.AsName.O)
	require.Equal(t, "i", ts.ColumnNames[0].O)
	inner := ts.Source.(*ast.SelectStmt)
	f := call(t, field(inner, 0), MarkerTableFunction, 3)
	require.Equal(t, "generate_series", strArg(t, f.Args[0]))
}

func TestASTLimitOffsetAndDistinctFrom(t *testing.T) {
	_, sel := parseSelect(t, "SELECT a FROM t WHERE a IS DISTINCT FROM b OFFSET 5 ROWS FETCH FIRST 10 ROWS ONLY")
	require.Equal(t, uint64(10), sel.Limit.Count.(*driver.ValueExpr).GetUint64())
	require.Equal(t, uint64(5), sel.Limit.Offset.(*driver.ValueExpr).GetUint64())
	not, ok := sel.Where.(*ast.UnaryOperationExpr)
	require.True(t, ok)
	require.Equal(t, opcode.NullEQ, not.V.(*ast.BinaryOperationExpr).Op)
}

func TestASTPowerAndAny(t *testing.T) {
	_, sel := parseSelect(t, "SELECT 2 ^ 3, a = ANY(b)")
	call(t, field(sel, 0), MarkerPower, 2)
	bin := field(sel, 1).(*ast.BinaryOperationExpr)
	require.Equal(t, opcode.EQ, bin.Op)
	call(t, bin.R, MarkerAny, 1)
}

func TestASTConcatMarker(t *testing.T) {
	_, sel := parseSelect(t, "SELECT a || b || 'c', 1 + 2 || 'x', a || b = 'x', concat(a, b)")
	outer := call(t, field(sel, 0), MarkerConcat, 2)
	inner := call(t, outer.Args[0], MarkerConcat, 2)
	require.Equal(t, "a", inner.Args[0].(*ast.ColumnNameExpr).Name.Name.O)
	require.Equal(t, "c", strArg(t, outer.Args[1]))
	c := call(t, field(sel, 1), MarkerConcat, 2)
	require.Equal(t, opcode.Plus, c.Args[0].(*ast.BinaryOperationExpr).Op, "+ binds tighter than ||")
	eq, ok := field(sel, 2).(*ast.BinaryOperationExpr)
	require.True(t, ok)
	require.Equal(t, opcode.EQ, eq.Op, "|| binds tighter than =")
	call(t, eq.L, MarkerConcat, 2)
	call(t, field(sel, 3), "concat", 2)
}

func TestASTBooleans(t *testing.T) {
	_, sel := parseSelect(t, "SELECT true, false::text, x IS TRUE")
	c := call(t, field(sel, 0), MarkerCast, 2)
	require.Equal(t, "true", strArg(t, c.Args[0]))
	require.Equal(t, "bool", strArg(t, c.Args[1]))
	outer := call(t, field(sel, 1), MarkerCast, 2)
	require.Equal(t, "text", strArg(t, outer.Args[1]))
	require.Equal(t, "false", strArg(t, call(t, outer.Args[0], MarkerCast, 2).Args[0]))
	_, ok := field(sel, 2).(*ast.IsTruthExpr)
	require.True(t, ok, "IS TRUE stays a truth test")
}

func TestASTKeywordFunctionNames(t *testing.T) {
	_, sel := parseSelect(t, "SELECT first(a, t), last(a, t), mode() WITHIN GROUP (ORDER BY a), count(*), trim(LEADING '0' FROM s), substring(s FOR 3)")
	call(t, field(sel, 0), "first", 2)
	call(t, field(sel, 1), "last", 2)
	wg := call(t, field(sel, 2), MarkerWithinGroup, 3)
	call(t, wg.Args[0], "mode", 0)
	_, ok := field(sel, 3).(*ast.AggregateFuncExpr)
	require.True(t, ok, "aggregates keep TiDB's grammar")
	tr := call(t, field(sel, 4), "ltrim", 2)
	require.Equal(t, "s", tr.Args[0].(*ast.ColumnNameExpr).Name.Name.O)
	require.Equal(t, "0", strArg(t, tr.Args[1]))
	sub := call(t, field(sel, 5), "substring", 3)
	require.Equal(t, int64(1), sub.Args[1].(*driver.ValueExpr).GetInt64())
}

func TestASTAggOrder(t *testing.T) {
	_, sel := parseSelect(t, "SELECT string_agg(x, ',' ORDER BY y DESC, z NULLS FIRST) FROM t")
	m := call(t, field(sel, 0), MarkerAggOrder, 7)
	call(t, m.Args[0], "string_agg", 2)
	require.Equal(t, "y", m.Args[1].(*ast.ColumnNameExpr).Name.Name.O)
	require.Equal(t, []string{"desc", "nulls first", "asc", "nulls first"},
		[]string{strArg(t, m.Args[2]), strArg(t, m.Args[3]), strArg(t, m.Args[5]), strArg(t, m.Args[6])})
}

func TestASTFullJoin(t *testing.T) {
	st, sel := parseSelect(t, "SELECT * FROM a FULL JOIN b ON a.x = b.x LEFT JOIN c ON true FULL OUTER JOIN d USING (x)")
	top := sel.From.TableRefs
	require.True(t, st.FullJoins[top], "the last join is full")
	require.Len(t, top.Using, 1)
	require.Equal(t, "x", top.Using[0].Name.O)
	mid := top.Left.(*ast.Join)
	require.False(t, st.FullJoins[mid])
	first := mid.Left.(*ast.Join)
	require.True(t, st.FullJoins[first])
	require.Equal(t, ast.LeftJoin, first.Tp)
	_, ok := first.On.Expr.(*ast.BinaryOperationExpr)
	require.True(t, ok, "the sentinel is removed: %T", first.On.Expr)
	require.Len(t, st.FullJoins, 2)

	// The condition ends at WHERE, UNION, ... even before "(", but not at
	// the string functions left( and right(.
	for _, q := range []string{
		"SELECT * FROM a FULL JOIN b ON a.x = b.x WHERE (a.y > 1)",
		"SELECT * FROM a FULL JOIN b ON left(a.s, 1) = right(b.s, 1) WHERE (true)",
	} {
		st, sel := parseSelect(t, q)
		require.Len(t, st.FullJoins, 1, q)
		if sel.Where != nil {
			_, isFull := sel.Where.(*ast.FuncCallExpr)
			require.False(t, isFull, q)
		}
	}
}

func TestASTAsofJoin(t *testing.T) {
	st, sel := parseSelect(t, "SELECT * FROM a ASOF JOIN b ON a.k = b.k AND a.t >= b.t ASOF LEFT OUTER JOIN c ON a.t < c.t JOIN d ON true")
	top := sel.From.TableRefs
	require.False(t, st.AsofJoins[top], "the last join is a plain one")
	mid := top.Left.(*ast.Join)
	require.True(t, st.AsofJoins[mid])
	require.Equal(t, ast.LeftJoin, mid.Tp)
	first := mid.Left.(*ast.Join)
	require.True(t, st.AsofJoins[first])
	require.Equal(t, ast.CrossJoin, first.Tp)
	_, ok := first.On.Expr.(*ast.BinaryOperationExpr)
	require.True(t, ok, "the sentinel is removed: %T", first.On.Expr)
	require.Len(t, st.AsofJoins, 2)
	require.Empty(t, st.FullJoins)

	// asof stays a name where no JOIN follows it.
	st, sel = parseSelect(t, "SELECT asof FROM asof")
	require.Empty(t, st.AsofJoins)
	require.Equal(t, "asof", field(sel, 0).(*ast.ColumnNameExpr).Name.Name.O)

	_, err := Parse("SELECT * FROM a ASOF JOIN b USING (k, t)")
	require.ErrorContains(t, err, "ASOF JOIN ... USING is not supported")
}

func TestASTValues(t *testing.T) {
	_, sel := parseSelect(t, "VALUES (1, 'a'), (2, 'b')")
	require.Equal(t, ast.SelectStmtKindValues, sel.Kind)
	require.Len(t, sel.Lists, 2)
	require.Len(t, sel.Lists[1].Values, 2)
	_, sel = parseSelect(t, "SELECT a FROM (VALUES (1), (2)) AS v(a)")
	ts := sel.From.TableRefs.Left.(*ast.TableSource)
	require.Equal(t, "v", ts.AsName.O)
	require.Equal(t, "a", ts.ColumnNames[0].O)
	require.Equal(t, ast.SelectStmtKindValues, ts.Source.(*ast.SelectStmt).Kind)
}

func TestASTIsDistinctFromComparison(t *testing.T) {
	_, sel := parseSelect(t, "SELECT x = y IS DISTINCT FROM z")
	not, ok := field(sel, 0).(*ast.UnaryOperationExpr)
	require.True(t, ok)
	nulleq := not.V.(*ast.BinaryOperationExpr)
	require.Equal(t, opcode.NullEQ, nulleq.Op)
	par, ok := nulleq.L.(*ast.ParenthesesExpr)
	require.True(t, ok, "%T", nulleq.L)
	require.Equal(t, opcode.EQ, par.Expr.(*ast.BinaryOperationExpr).Op)
}

func TestASTIntervalFrameAndWindowCast(t *testing.T) {
	_, sel := parseSelect(t, "SELECT count(*) OVER (ORDER BY time RANGE BETWEEN INTERVAL '10 minutes' PRECEDING AND CURRENT ROW), rank() OVER ()::text FROM cpu")
	w, ok := field(sel, 0).(*ast.WindowFuncExpr)
	require.True(t, ok, "%T", field(sel, 0))
	b := w.Spec.Frame.Extent.Start
	require.True(t, b.Type == ast.Preceding)
	c := call(t, b.Expr, MarkerCast, 2)
	require.Equal(t, "10 minutes", strArg(t, c.Args[0]))
	require.Equal(t, "interval", strArg(t, c.Args[1]))
	c = call(t, field(sel, 1), MarkerCast, 2)
	_, ok = c.Args[0].(*ast.WindowFuncExpr)
	require.True(t, ok, "the cast applies to the whole window call: %T", c.Args[0])
}

func TestNamedParams(t *testing.T) {
	st, _ := parseSelect(t, "SELECT * FROM home WHERE room = $room AND temp > $minTemp AND room <> $room AND s = $$x$$")
	require.Equal(t, []string{"room", "minTemp"}, st.ParamNames)
	require.Equal(t, []int{1, 2, 1}, st.Params)
	require.Equal(t, 2, st.NumParams)

	st, _ = parseSelect(t, "SELECT $1, $2")
	require.Nil(t, st.ParamNames)

	for _, text := range []string{"SELECT $a, $1", "SELECT $1, $a"} {
		_, err := Parse(text)
		require.ErrorContains(t, err, "mixed with", text)
	}
}

func TestParamValues(t *testing.T) {
	st, _ := parseSelect(t, "SELECT * FROM home WHERE room = $room AND temp > $min")
	vals, err := st.ParamValues(map[string]any{"min": 21.5, "room": "Kitchen"})
	require.NoError(t, err)
	require.Equal(t, []any{"Kitchen", 21.5}, vals)
	_, err = st.ParamValues(map[string]any{"room": "Kitchen"})
	require.EqualError(t, err, "no value for parameter $min (its parameters are $room, $min)")
	// Keys the query does not use are ignored, as InfluxDB 3 does, and
	// named when a parameter has no value.
	vals, err = st.ParamValues(map[string]any{"room": "Kitchen", "min": 1, "max": 2})
	require.NoError(t, err)
	require.Equal(t, []any{"Kitchen", 1}, vals)
	_, err = st.ParamValues(map[string]any{"room": "Kitchen", "mni": 1})
	require.EqualError(t, err, `no value for parameter $min (its parameters are $room, $min; given but not used: "mni")`)

	st, _ = parseSelect(t, "SELECT $2, $1")
	vals, err = st.ParamValues(map[string]any{"1": int64(1), "$2": "b"})
	require.NoError(t, err)
	require.Equal(t, []any{int64(1), "b"}, vals)
}

func TestBetweenSymmetric(t *testing.T) {
	st, sel := parseSelect(t, "SELECT * FROM t WHERE a BETWEEN SYMMETRIC x - 1 * 2 AND 5 AND b NOT BETWEEN ASYMMETRIC 1 AND 2 AND c BETWEEN SYMMETRIC 7 AND 'z'")
	require.Len(t, st.SymmetricBetween, 2)
	var kinds []string
	sel.Accept(&collectBetween{fn: func(b *ast.BetweenExpr) {
		k := fmt.Sprintf("%T", b.Left)
		if st.SymmetricBetween[b] {
			k += " symmetric"
		}
		kinds = append(kinds, k)
	}})
	// The sentinel is gone: x - 1 * 2 is a subtraction again, 1 and 7 are
	// plain constants.
	require.Equal(t, []string{"*ast.BinaryOperationExpr symmetric", "*test_driver.ValueExpr", "*test_driver.ValueExpr symmetric"}, kinds)
	left := (func() *ast.BinaryOperationExpr {
		var out *ast.BinaryOperationExpr
		sel.Accept(&collectBetween{fn: func(b *ast.BetweenExpr) {
			if out == nil {
				out = b.Left.(*ast.BinaryOperationExpr)
			}
		}})
		return out
	})()
	require.Equal(t, "minus", left.Op.String())
}

type collectBetween struct{ fn func(*ast.BetweenExpr) }

func (c *collectBetween) Enter(n ast.Node) (ast.Node, bool) {
	if b, ok := n.(*ast.BetweenExpr); ok {
		c.fn(b)
	}
	return n, false
}
func (c *collectBetween) Leave(n ast.Node) (ast.Node, bool) { return n, true }
