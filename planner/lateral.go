package planner

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// LATERAL subqueries in FROM: [LEFT] JOIN LATERAL (SELECT ... WHERE
// x.k = t.k ORDER BY ... LIMIT n) AS x ON true runs the subquery once per
// row of the left side, with the left row's columns as its outer values
// (the per-row machinery of apply.go), and emits the left row with each of
// the subquery's rows; with LEFT JOIN, a left row whose subquery has no
// rows comes out once with NULLs. It is a nested loop, meant for the "last
// row per host" and "previous/next bucket" queries users write, whose
// left sides are small; runs are bounded like other per-row subqueries.

// LateralJoin is a left side joined to a subquery run once per left row.
type LateralJoin struct {
	Left  Node
	Sub   Node
	Frame *applyFrame
	Args  []exec.Expr // the left columns the subquery reads, by frame slot
	Outer bool        // LEFT JOIN: left rows without subquery rows are kept
	Cols  []Column
}

func (n *LateralJoin) Columns() []Column { return n.Cols }
func (n *LateralJoin) Children() []Node  { return []Node{n.Left, n.Sub} }
func (n *LateralJoin) Describe() string {
	if n.Outer {
		return "LateralJoin: left"
	}
	return "LateralJoin: inner"
}

// lateralSource reports a derived table in FROM that may be LATERAL.
func lateralSource(n ast.ResultSetNode) (*ast.TableSource, bool) {
	ts, ok := n.(*ast.TableSource)
	if !ok || !ts.Lateral {
		return nil, false
	}
	switch ts.Source.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt:
		return ts, true
	}
	return nil, false
}

// bindLateral binds left [LEFT] JOIN LATERAL (subquery) AS alias ON true.
func (b *binder) bindLateral(j *ast.Join, left *scope, ts *ast.TableSource) (*scope, error) {
	if b.stmt.AsofJoins[j] {
		return nil, notSupported("ASOF JOIN LATERAL")
	}
	outer := false
	switch j.Tp {
	case ast.LeftJoin:
		outer = true
		if b.stmt.FullJoins[j] {
			return nil, notSupported("FULL JOIN LATERAL")
		}
	case ast.RightJoin:
		return nil, errorf("42P10", "the LATERAL subquery of a RIGHT JOIN cannot refer to the left side")
	}
	if len(j.Using) > 0 {
		return nil, notSupported("JOIN LATERAL ... USING")
	}
	materialize(left)
	frame := &applyFrame{}
	restore := b.withOuter(left, frame)
	src := ts.Source.(ast.StmtNode)
	if _, ok := isTableFunction(ts.Source); ok {
		// LATERAL f(args): the function as the FROM item of a subquery
		// run per left row, where its arguments see the left side.
		src = &ast.SelectStmt{
			Kind:   ast.SelectStmtKindSelect,
			From:   &ast.TableRefsClause{TableRefs: &ast.Join{Left: &ast.TableSource{Source: ts.Source, AsName: ts.AsName, ColumnNames: ts.ColumnNames}}},
			Fields: &ast.FieldList{Fields: []*ast.SelectField{{WildCard: &ast.WildCardField{}}}},
		}
	}
	sub, err := b.bindQuery(src)
	restore()
	if err != nil {
		return nil, err
	}
	sub = Optimize(sub)
	if len(ts.ColumnNames) > 0 {
		sub = renameColumns(sub, ts.ColumnNames)
	}
	leftCols := left.node.Columns()
	n := &LateralJoin{Left: left.node, Sub: sub, Frame: frame, Outer: outer}
	for _, c := range frame.cols {
		n.Args = append(n.Args, c)
	}
	for _, c := range append(append([]Column(nil), leftCols...), sub.Columns()...) {
		c.Type = literalType(c)
		n.Cols = append(n.Cols, c)
	}
	s := &scope{node: n}
	for _, c := range left.cols {
		cc := *c
		cc.scan = nil
		if cc.typ != nil && cc.index >= 0 {
			cc.typ = n.Cols[cc.index].Type
		}
		s.cols = append(s.cols, &cc)
	}
	alias := ts.AsName.O
	for i, c := range sub.Columns() {
		s.cols = append(s.cols, &scopeCol{table: alias, name: c.Name, typ: n.Cols[len(leftCols)+i].Type, index: len(leftCols) + i, pg: c.PGType, scale: c.Scale, typmod1: c.TypmodPlus1, pad: c.Pad})
	}
	if _, fn := isTableFunction(ts.Source); fn && alias != "" && len(sub.Columns()) == 1 && sub.Columns()[0].Name != alias {
		// f(...) AS e of a one-column function: e names its value too
		// (jsonb_array_elements_text(tags) AS tag; * lists it as value).
		c := sub.Columns()[0]
		s.cols = append(s.cols, &scopeCol{table: alias, name: alias, typ: n.Cols[len(leftCols)].Type, index: len(leftCols), pg: c.PGType, system: true, rowAlias: true})
	}
	if j.On != nil {
		on, err := b.bindBool(s, j.On.Expr, "JOIN/ON")
		if err != nil {
			return nil, err
		}
		if lit, ok := on.(*exec.Literal); !ok || lit.V != true {
			if outer {
				// LEFT JOIN LATERAL (q) a ON cond keeps a left row whose
				// subquery rows all fail cond: the condition filters the
				// subquery's rows, per left row, as
				// LEFT JOIN LATERAL (SELECT * FROM (q) a WHERE cond) a ON true.
				return b.bindLateral(lateralOnTrue(j), left, lateralFiltered(ts, j.On.Expr))
			}
			s.node = &Filter{Child: n, Pred: on}
		}
	}
	return s, nil
}

// lateralOnTrue is join j with no ON condition (lateralFiltered has taken
// it into the subquery).
func lateralOnTrue(j *ast.Join) *ast.Join {
	c := *j
	c.On = nil
	return &c
}

// lateralFiltered is FROM item ts filtered by cond: SELECT * FROM ts WHERE
// cond, under ts's alias.
func lateralFiltered(ts *ast.TableSource, cond ast.ExprNode) *ast.TableSource {
	inner := &ast.TableSource{Source: ts.Source, AsName: ts.AsName, ColumnNames: ts.ColumnNames}
	return &ast.TableSource{AsName: ts.AsName, Source: &ast.SelectStmt{
		Kind:   ast.SelectStmtKindSelect,
		From:   &ast.TableRefsClause{TableRefs: &ast.Join{Left: inner}},
		Fields: &ast.FieldList{Fields: []*ast.SelectField{{WildCard: &ast.WildCardField{}}}},
		Where:  cond,
	}}
}

// lateralOp runs a LateralJoin: for each left row, the subquery's rows.
type lateralOp struct {
	c      *exec.Ctx
	engine *storage.Engine
	n      *LateralJoin
	left   exec.Operator
	schema *arrow.Schema
	cur    arrow.Record
}

func newLateralOp(c *exec.Ctx, engine *storage.Engine, n *LateralJoin, left exec.Operator) *lateralOp {
	fields := make([]arrow.Field, len(n.Cols))
	for i, col := range n.Cols {
		fields[i] = arrow.Field{Name: col.Name, Type: col.Type, Nullable: true}
	}
	return &lateralOp{c: c, engine: engine, n: n, left: left, schema: arrow.NewSchema(fields, nil)}
}

func (o *lateralOp) Schema() *arrow.Schema { return o.schema }

func (o *lateralOp) Close() {
	if o.cur != nil {
		o.cur.Release()
		o.cur = nil
	}
	o.left.Close()
}

func (o *lateralOp) Next(ctx context.Context) (arrow.Record, error) {
	if o.cur != nil {
		o.cur.Release()
		o.cur = nil
	}
	nl := len(o.n.Cols) - len(o.n.Sub.Columns())
	for {
		rec, err := o.left.Next(ctx)
		if err != nil || rec == nil {
			return nil, err
		}
		if !o.n.Frame.count(o.c, int(rec.NumRows())) {
			return nil, &Error{Code: "54000", Msg: fmt.Sprintf("a LATERAL subquery ran for more than %d rows of its left side", maxApplyRuns),
				Hint: "LATERAL subqueries run once per left row; filter the left side or write the query as a join"}
		}
		args := make([]arrow.Array, len(o.n.Args))
		for k, x := range o.n.Args {
			if args[k], err = x.Eval(o.c, rec); err != nil {
				releaseArrays(args)
				return nil, err
			}
		}
		cols := make([][]any, len(o.n.Cols))
		for i := 0; i < int(rec.NumRows()); i++ {
			if err := ctx.Err(); err != nil {
				releaseArrays(args)
				return nil, err
			}
			vals := make([]any, len(args))
			for k, a := range args {
				vals[k] = valueAtRow(a, i)
			}
			rows, err := o.run(ctx, vals)
			if err != nil {
				releaseArrays(args)
				return nil, err
			}
			if len(rows) == 0 && o.n.Outer {
				rows = [][]any{make([]any, len(o.n.Cols)-nl)}
			}
			for _, r := range rows {
				for c := 0; c < nl; c++ {
					cols[c] = append(cols[c], valueAtRow(rec.Column(c), i))
				}
				for c, v := range r {
					cols[nl+c] = append(cols[nl+c], v)
				}
			}
		}
		releaseArrays(args)
		if len(cols) == 0 || len(cols[0]) == 0 {
			continue
		}
		arrs := make([]arrow.Array, len(cols))
		for c, vals := range cols {
			if arrs[c], err = buildArray(o.c, o.n.Cols[c].Type, vals); err != nil {
				releaseArrays(arrs)
				return nil, err
			}
		}
		o.cur = array.NewRecordBatch(o.schema, arrs, int64(len(cols[0])))
		releaseArrays(arrs)
		return o.cur, nil
	}
}

// run executes the subquery for one left row, stopped with ctx.
func (o *lateralOp) run(ctx context.Context, vals []any) ([][]any, error) {
	sub := &exec.Ctx{Mem: o.c.Mem, Location: o.c.Location, Now: o.c.Now, MemLimit: o.c.MemLimit, Context: ctx}
	o.n.Frame.runs.Store(sub, vals)
	defer o.n.Frame.runs.Delete(sub)
	return runPlan(sub, o.engine, o.n.Sub)
}

func releaseArrays(arrs []arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
}
