package planner

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

func asStorage(err error, target **storage.Error) bool { return errors.As(err, target) }

// selectBinder binds the clauses of one SELECT after FROM and WHERE.
type selectBinder struct {
	b   *binder
	sel *ast.SelectStmt
	in  *scope

	grouped bool
	wins    []*exec.WindowFunc
	winDefs []int // where each window is defined (addWindow)
	gaps    []exec.GapFillColumn
	// gapExprs are the expressions locf and interpolate read that are not
	// a column of the aggregation (GapFillColumn.Source -1, -2, ...).
	gapExprs []exec.Expr
	keys     []exec.Expr
	keyStr   []string // each key's text (column names in the plan)
	keyID    []string // each key's identity (keyString): columns by place
	// sets lists, for GROUPING SETS, ROLLUP and CUBE, each set's keys; the
	// last key is then the set number (groupingAggregate).
	sets   [][]int
	aggs   []exec.Agg
	aggStr []string
	aggID  []string // each aggregate's identity: columns by place
}

func (q *selectBinder) bind() (Node, error) {
	sel := q.sel
	var having ast.ExprNode
	if sel.Having != nil {
		having = sel.Having.Expr
	}
	var orderBy []*ast.ByItem
	withTies := false
	if sel.OrderBy != nil {
		orderBy = sel.OrderBy.Items
		if f, ok := orderBy[len(orderBy)-1].Expr.(*ast.FuncCallExpr); ok && f.FnName.L == sql.MarkerWithTies {
			orderBy, withTies = orderBy[:len(orderBy)-1], true // FETCH FIRST n ROWS WITH TIES
		}
	}
	aggregates := q.anyAggregate(sel.Fields.Fields, having, orderBy)
	q.grouped = sel.GroupBy != nil || having != nil || aggregates
	if sel == q.b.lazyList {
		q.b.lazyList = nil
		windows := slices.ContainsFunc(sel.Fields.Fields, func(f *ast.SelectField) bool { return f.Expr != nil && containsWindow(f.Expr) }) ||
			slices.ContainsFunc(orderBy, func(o *ast.ByItem) bool { return containsWindow(o.Expr) })
		if !q.b.lazyExists || having == nil && !aggregates && !windows && q.existsReadsRows() {
			q.b.deferFold++
			defer func() { q.b.deferFold-- }()
		}
	}
	if sel.GroupBy != nil {
		items, distinct := sel.GroupBy.Items, false
		if f, isMarker := items[0].Expr.(*ast.FuncCallExpr); isMarker && f.FnName.L == sql.MarkerGroupDistinct {
			items, distinct = items[1:], true // GROUP BY DISTINCT
		}
		sets, ok, err := groupingSets(items)
		if err != nil {
			return nil, err
		}
		if ok {
			err = q.bindGroupingSets(sets, distinct)
		}
		for _, item := range items {
			if err != nil || ok {
				break
			}
			if row, isRow := item.Expr.(*ast.RowExpr); isRow {
				for _, v := range row.Values { // GROUP BY (a, b): by a and b
					if _, err = q.addGroupKey(v); err != nil {
						break
					}
				}
				continue
			}
			_, err = q.addGroupKey(item.Expr)
		}
		if err != nil {
			return nil, err
		}
	}

	outs, err := q.bindOutputs()
	if err != nil {
		return nil, err
	}
	// Bind HAVING, ORDER BY and DISTINCT ON before building the
	// aggregation: each may add aggregates of its own.
	var havingPred exec.Expr
	if having != nil && containsWindow(having) {
		// Windows are computed after HAVING filters the groups.
		return nil, errorf("42P20", "window functions are not allowed in HAVING")
	}
	if q.grouped && having != nil {
		if havingPred, err = q.bindValue(having); err != nil {
			return nil, err
		}
		if havingPred, err = q.b.coerce(havingPred, exec.TypeBool); err != nil {
			return nil, errorf(CodeDatatype, "argument of HAVING must be type boolean, not type %s", exec.SQLTypeName(havingPred.Type()))
		}
	}

	// ORDER BY and DISTINCT ON may add hidden columns to the projection.
	exprs := make([]exec.Expr, len(outs))
	cols := make([]Column, len(outs))
	for i, o := range outs {
		exprs[i] = o.expr
		cols[i] = Column{Name: o.name, Type: o.expr.Type(), PGType: o.pg, Scale: o.scale, Table: o.table, Zone: o.zone,
			Unknown: o.ast != nil && isUntyped(o.ast) && exec.IsText(o.expr.Type()) && o.pg == 0}
		if o.table != "" && o.attr != "" {
			cols[i].TableOID, cols[i].AttNum = q.b.attribute(o.table, o.attr)
		}
		cols[i].TypmodPlus1, cols[i].Pad = o.mods.typmod+1, o.mods.pad
		if exec.IsText(cols[i].Type) && cols[i].PGType == 0 {
			cols[i].TypmodPlus1 = 0 // text has none (nullif(v, 'x') of a varchar(5) v is text)
		}
	}
	visible := len(exprs)
	column := func(item ast.ExprNode) (int, error) {
		return q.outputColumn(item, outs, &exprs, &cols)
	}
	var sortKeys []exec.SortKey
	orderKeys := map[int]int{} // hidden column: the column whose jsonb or array order it is
	// ordered is the column that orders column i: a hidden key when i is
	// jsonb or an array, which sort in their own order, not their text's
	// (computed over the projected value, withOrderKeys; a placeholder
	// holds its place in the projection); i itself otherwise.
	ordered := func(i int) int {
		if cols[i].PGType != pgJSONB && !isArrayOID(cols[i].PGType) {
			return i
		}
		for k, v := range orderKeys {
			if v == i {
				return k
			}
		}
		exprs = append(exprs, &exec.Literal{V: nil, DT: exec.TypeText})
		cols = append(cols, Column{Name: cols[i].Name + " (sort order)", Type: exec.TypeText})
		orderKeys[len(exprs)-1] = i
		return len(exprs) - 1
	}
	for _, item := range orderBy {
		i, err := column(item.Expr)
		if err != nil {
			return nil, err
		}
		i = ordered(i)
		sortKeys = append(sortKeys, exec.SortKey{Expr: &exec.Column{Index: i, Name: cols[i].Name, DT: cols[i].Type}, Desc: item.Desc, NullsFirst: nullsFirst(item)})
	}
	var distinctOn []exec.Expr
	for _, e := range q.b.stmt.DistinctOn[sel] {
		i, err := column(e)
		if err != nil {
			return nil, err
		}
		i = ordered(i) // equal keys: equal values
		distinctOn = append(distinctOn, &exec.Column{Index: i, Name: cols[i].Name, DT: cols[i].Type})
	}

	base := q.in.node
	if q.grouped {
		agg := &Aggregate{Child: q.in.node, Keys: q.keys, Aggs: q.aggs}
		if q.sets != nil {
			agg = q.groupingAggregate()
		}
		for i, k := range q.keys {
			agg.Cols = append(agg.Cols, Column{Name: fmt.Sprintf("key%d", i), Type: k.Type()})
		}
		for i, a := range q.aggs {
			dt, err := a.ResultType()
			if err != nil {
				return nil, errorf(CodeUndefinedFunc, "%v", err)
			}
			agg.Cols = append(agg.Cols, Column{Name: q.aggStr[i], Type: dt})
		}
		base = agg
		if havingPred != nil {
			base = &Filter{Child: base, Pred: havingPred}
		}
	}
	if q.grouped {
		spec, ok, err := q.gapfillSpec()
		if err != nil {
			return nil, err
		}
		if ok {
			if len(q.gapExprs) > 0 {
				// The expressions locf and interpolate read, beside the
				// aggregation's columns.
				w0 := len(base.Columns())
				proj := &Project{Child: base}
				for i, c := range base.Columns() {
					proj.Exprs = append(proj.Exprs, &exec.Column{Index: i, Name: c.Name, DT: c.Type})
					proj.Cols = append(proj.Cols, c)
				}
				for j, x := range q.gapExprs {
					proj.Exprs = append(proj.Exprs, x)
					proj.Cols = append(proj.Cols, Column{Name: fmt.Sprintf("gapfill_arg%d", j), Type: x.Type()})
				}
				base = proj
				for i := range spec.Columns {
					if spec.Columns[i].Source < 0 {
						spec.Columns[i].Source = w0 - spec.Columns[i].Source - 1
					}
				}
			}
			width := len(base.Columns())
			gf := &GapFill{Child: base, Spec: spec}
			for _, c := range base.Columns() {
				if exec.IsText(c.Type) {
					c.Type = exec.TypeText
				}
				gf.Cols = append(gf.Cols, c)
			}
			for _, g := range q.gaps {
				gf.Cols = append(gf.Cols, Column{Name: "gapfill", Type: g.DT})
			}
			base = gf
			remap := func(x exec.Expr) exec.Expr {
				return mapColumns(x, func(c *exec.Column) exec.Expr {
					if c.Index < 0 && -c.Index > gapfillBase {
						return &exec.Column{Index: width - c.Index - gapfillBase - 1, Name: c.Name, DT: c.DT}
					}
					if c.Index >= 0 && c.Index < width && exec.IsText(c.DT) {
						return &exec.Column{Index: c.Index, Name: c.Name, DT: exec.TypeText}
					}
					return c
				})
			}
			for i := range exprs {
				exprs[i] = remap(exprs[i])
				cols[i].Type = exprs[i].Type()
			}
			for i := range sortKeys {
				sortKeys[i].Expr = remap(sortKeys[i].Expr)
			}
			for i := range distinctOn {
				distinctOn[i] = remap(distinctOn[i])
			}
			// Window functions run over the filled rows.
			for _, w := range q.wins {
				for i := range w.Args {
					w.Args[i] = remap(w.Args[i])
				}
				for i := range w.Partition {
					w.Partition[i] = remap(w.Partition[i])
				}
				for i := range w.Order {
					w.Order[i].Expr = remap(w.Order[i].Expr)
				}
			}
		}
	}
	if len(q.wins) > 0 {
		width := len(base.Columns())
		win := &Window{Child: base, Funcs: q.wins, Cols: append([]Column(nil), base.Columns()...)}
		for _, f := range q.wins {
			win.Cols = append(win.Cols, Column{Name: f.Name, Type: f.DT})
		}
		base = win
		if len(sortKeys) == 0 && len(distinctOn) == 0 && !sel.Distinct {
			// Rows leave in the last window's order, as PostgreSQL's do.
			if keys := q.windowOrder(); len(keys) > 0 {
				base = &Sort{Child: win, Keys: keys, Limit: -1}
			}
		}
		remap := func(x exec.Expr) exec.Expr {
			return mapColumns(x, func(c *exec.Column) exec.Expr {
				if c.Index < 0 {
					return &exec.Column{Index: width - c.Index - 1, Name: c.Name, DT: c.DT}
				}
				return c
			})
		}
		for i := range exprs {
			exprs[i] = remap(exprs[i])
		}
		for i := range sortKeys {
			sortKeys[i].Expr = remap(sortKeys[i].Expr)
		}
		for i := range distinctOn {
			distinctOn[i] = remap(distinctOn[i])
		}
	}
	var node Node = &Project{Child: base, Exprs: exprs, Cols: cols}

	if sel.Distinct {
		for k := visible; k < len(exprs); k++ {
			if v, ok := orderKeys[k]; !ok || v >= visible {
				return nil, errorf("42P10", "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
			}
		}
		keys := make([]exec.Expr, visible)
		for i := range keys {
			keys[i] = &exec.Column{Index: i, Name: cols[i].Name, DT: cols[i].Type}
		}
		if len(exprs) == visible {
			node = &Aggregate{Child: node, Keys: keys, Cols: cols}
		} else {
			// The distinct rows, then the jsonb and array order keys of their columns.
			node = &Aggregate{Child: &Project{Child: base, Exprs: exprs[:visible], Cols: cols[:visible]}, Keys: keys, Cols: cols[:visible]}
		}
	}
	if len(orderKeys) > 0 {
		if node, err = q.withOrderKeys(node, cols, orderKeys); err != nil {
			return nil, err
		}
	}
	if len(distinctOn) > 0 {
		// DISTINCT ON needs its input sorted by its keys first: the ORDER BY
		// must start with them (as PostgreSQL requires), or they lead.
		if len(sortKeys) == 0 {
			for _, k := range distinctOn {
				sortKeys = append(sortKeys, exec.SortKey{Expr: k})
			}
		} else if !leadingKeys(sortKeys, distinctOn) {
			return nil, errorf("42P10", "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
		}
		node = &DistinctOn{Child: &Sort{Child: node, Keys: sortKeys, Limit: -1}, Keys: distinctOn}
	} else if len(sortKeys) > 0 {
		node = &Sort{Child: node, Keys: sortKeys, Limit: -1}
	}
	if withTies {
		// Over the sorted rows, whose keys the projection below drops.
		offset, count, err := q.limits(sel.Limit)
		if err != nil {
			return nil, err
		}
		if count < 0 && !q.b.describe {
			return nil, errorf("2201W", "row count cannot be null in FETCH FIRST ... WITH TIES clause")
		}
		node = &Limit{Child: node, Offset: offset, Count: count, Ties: sortKeys}
	}
	if len(exprs) > visible {
		keep := make([]exec.Expr, visible)
		for i := range keep {
			keep[i] = &exec.Column{Index: i, Name: cols[i].Name, DT: cols[i].Type}
		}
		node = &Project{Child: node, Exprs: keep, Cols: cols[:visible]}
	}
	if sel.Limit != nil && !withTies {
		offset, count, err := q.limits(sel.Limit)
		if err != nil {
			return nil, err
		}
		node = &Limit{Child: node, Offset: offset, Count: count}
	}
	return node, nil
}

// existsReadsRows reports whether PostgreSQL's EXISTS over this query
// reads its rows without computing them (existsSimplifies, and a LIMIT of
// none or a positive count: EXISTS (SELECT 1/0 LIMIT 0) is a division by
// zero there).
func (q *selectBinder) existsReadsRows() bool {
	if !q.b.existsSimplifies(q.sel) {
		return false
	}
	if q.sel.Limit == nil {
		return true
	}
	_, count, err := q.limits(q.sel.Limit)
	return err == nil && count != 0
}

// limits reads LIMIT's count (-1: none) and OFFSET.
func (q *selectBinder) limits(l *ast.Limit) (offset, count int64, err error) {
	count = -1
	if l.Count != nil {
		if count, err = q.b.constInt(l.Count, "LIMIT"); err != nil {
			return 0, 0, err
		}
	}
	if l.Offset != nil {
		if offset, err = q.b.constInt(l.Offset, "OFFSET"); err != nil {
			return 0, 0, err
		}
	}
	return offset, count, nil
}

// nullsFirst reads where NULLs sort: package sql sets NullOrder on every
// item, to PostgreSQL's default (first for DESC, last for ASC) or to what
// NULLS FIRST/LAST said.
func nullsFirst(item *ast.ByItem) bool {
	return item.NullOrder
}

func leadingKeys(sort []exec.SortKey, keys []exec.Expr) bool {
	if len(sort) < len(keys) {
		return false
	}
	lead := make([]string, len(keys))
	for i := range keys {
		lead[i] = exprID(sort[i].Expr)
	}
	for _, k := range keys {
		if !slices.Contains(lead, exprID(k)) {
			return false
		}
	}
	return true
}

// anyAggregate reports whether the select list, HAVING or ORDER BY use an
// aggregate function.
func (q *selectBinder) anyAggregate(fields []*ast.SelectField, having ast.ExprNode, order []*ast.ByItem) bool {
	for _, f := range fields {
		if f.Expr != nil && containsAggregate(f.Expr) {
			return true
		}
	}
	if having != nil && containsAggregate(having) {
		return true
	}
	for _, o := range order {
		if containsAggregate(o.Expr) {
			return true
		}
	}
	return false
}

// addGroupKey binds one GROUP BY item: an output ordinal, an input column,
// an output alias, or an expression over the input.
func (q *selectBinder) addGroupKey(e ast.ExprNode) (int, error) {
	fields := q.sel.Fields.Fields
	if err := nonIntegerConstant(e, "GROUP BY"); err != nil {
		return 0, err
	}
	if n, ok := ordinal(e); ok {
		if n < 1 || n > len(fields) || fields[n-1].Expr == nil {
			return 0, errorf("42P10", "GROUP BY position %d is not in select list", n)
		}
		e = fields[n-1].Expr
	} else if cn, ok := e.(*ast.ColumnNameExpr); ok && cn.Name.Table.O == "" {
		if c, err := q.in.find("", cn.Name.Name.O); c == nil || err != nil {
			// An output name: two outputs of that name computing different
			// things are PostgreSQL's 42702.
			var named []ast.ExprNode
			for _, f := range fields {
				if f.AsName.O == cn.Name.Name.O && f.Expr != nil {
					named = append(named, f.Expr)
				}
			}
			if len(named) > 0 {
				e = named[0]
			}
			if len(named) > 1 {
				first, err := q.b.bindExpr(q.in, named[0])
				for _, other := range named[1:] {
					if err != nil {
						break // the key's binding reports it
					}
					var x exec.Expr
					if x, err = q.b.bindExpr(q.in, other); err == nil && exprID(x) != exprID(first) {
						return 0, errorf(CodeAmbiguousColumn, "GROUP BY %q is ambiguous", cn.Name.Name.O)
					}
				}
			}
		}
	}
	if containsAggregate(e) || containsGrouping(e) {
		return 0, errorf(CodeGrouping, "aggregate functions are not allowed in GROUP BY")
	}
	x, err := q.b.bindExpr(q.in, e)
	if err != nil {
		return 0, err
	}
	key := q.keyString(e, x)
	if i := slices.Index(q.keyID, key); i >= 0 {
		return i, nil
	}
	q.keyID = append(q.keyID, key)
	q.keyStr = append(q.keyStr, x.String())
	if r, ok := x.(*regprocLit); ok {
		x = r.asName() // pg_typeof(x), 'cpu'::regclass: grouped and shown by name
	}
	q.keys = append(q.keys, x)
	return len(q.keys) - 1, nil
}

// groupedScope is the outer scope a subquery sees in a grouped query's
// select list, HAVING or ORDER BY: the input's columns that are group keys,
// at their places in the aggregation's output. Others are not visible
// (PostgreSQL: a subquery may not use an ungrouped column).
func (q *selectBinder) groupedScope() *scope {
	gs := &scope{}
	var cols []Column
	for i, k := range q.keys {
		cols = append(cols, Column{Name: fmt.Sprintf("key%d", i), Type: k.Type()})
		kc, ok := k.(*exec.Column)
		if !ok || q.keyStr[i] == groupingSetName {
			continue
		}
		for _, c := range q.in.cols {
			if c.index == kc.Index && c.name == kc.Name {
				gs.cols = append(gs.cols, &scopeCol{table: c.table, name: c.name, typ: c.typ, index: i, pg: c.pg, scale: c.scale, typmod1: c.typmod1, pad: c.pad})
			}
		}
	}
	for _, c := range q.in.cols {
		if !slices.ContainsFunc(gs.cols, func(g *scopeCol) bool { return g.table == c.table && g.name == c.name }) {
			gs.cols = append(gs.cols, &scopeCol{table: c.table, name: c.name, typ: c.typ, index: 0, ungrouped: true})
		}
	}
	gs.node = &Values{Cols: cols}
	return gs
}

// keyString identifies group key x, bound from e: its text with each
// column named by its place (a.x and b.x of a join are two keys), and the
// PostgreSQL type it is seen as when that is narrower than the engine's
// (x::int4 and x::int2 are one engine expression but two keys).
func (q *selectBinder) keyString(e ast.ExprNode, x exec.Expr) string {
	id := exprID(x)
	if pg := q.pgTypeOf(e, x); pg != 0 && pg != enginePG(x.Type()) {
		return id + "::" + typeName(int64(pg))
	}
	return id
}

// exprID is x's text with every column named by its place: expressions
// over different columns of one name differ.
func exprID(x exec.Expr) string { return placedColumns(x).String() }

// placedColumns is x with each column named by its place too (nil for nil).
func placedColumns(x exec.Expr) exec.Expr {
	if x == nil {
		return nil
	}
	return mapColumns(x, func(c *exec.Column) exec.Expr {
		return &exec.Column{Index: c.Index, Name: fmt.Sprintf("%s#%d", c.Name, c.Index), DT: c.DT}
	})
}

// aggID identifies an aggregate as exprID does an expression.
func aggID(a exec.Agg) string {
	id := placedColumns
	a.Arg, a.Time, a.Filter = id(a.Arg), id(a.Time), id(a.Filter)
	order := make([]exec.SortKey, len(a.Order))
	for i, k := range a.Order {
		k.Expr = id(k.Expr)
		order[i] = k
	}
	a.Order = order
	return a.String()
}

// firstArg is args[0], nil for none (mode() takes its argument from
// WITHIN GROUP).
func firstArg(args []ast.ExprNode) ast.ExprNode {
	if len(args) == 0 {
		return nil
	}
	return args[0]
}

// ordinal reads a position (GROUP BY 1, ORDER BY 2): TiDB parses an integer
// constant there as a PositionExpr.
func ordinal(e ast.ExprNode) (int, bool) {
	if p, ok := e.(*ast.PositionExpr); ok && p.P == nil {
		return p.N, true
	}
	if u, ok := e.(*ast.UnaryOperationExpr); ok && u.Op == opcode.Minus {
		if v, ok := signedIntConst(u); ok {
			return int(v), true // -1: a constant PostgreSQL reads as a position (not in the select list)
		}
	}
	v, ok := e.(*driver.ValueExpr)
	if !ok || v.Kind() != driver.KindInt64 {
		return 0, false
	}
	return int(v.GetInt64()), true
}

// nonIntegerConstant refuses a constant other than an integer as a GROUP
// BY or ORDER BY item (NULL, 'text', 1.5), as PostgreSQL does: it would
// neither name a column nor order anything.
func nonIntegerConstant(e ast.ExprNode, clause string) error {
	if v, ok := e.(*driver.ValueExpr); ok && v.Kind() != driver.KindInt64 && v.Kind() != driver.KindUint64 {
		return errorf("42601", "non-integer constant in %s", clause)
	}
	return nil
}

// bindOutputs binds the select list.
func (q *selectBinder) bindOutputs() ([]output, error) {
	var outs []output
	for _, f := range q.sel.Fields.Fields {
		if f.WildCard != nil {
			table := f.WildCard.Table.O
			found := false
			cols := q.in.cols
			if table == "" {
				cols = q.in.starCols()
			}
			if q.b.sess != nil && q.b.sess.Influx {
				cols = storedByName(cols)
			}
			// A select list's set-returning functions moved to FROM
			// (seriesInSelectList) are not columns of its * (they are all
			// there is in the SELECT * that binds such a function).
			moved := func(c *scopeCol) bool { return c.table == srfAlias || c.table == srfGroupAlias }
			srfOnly := !slices.ContainsFunc(cols, func(c *scopeCol) bool { return !moved(c) })
			for _, c := range cols {
				if table != "" && c.table != table || table == "" && (c.merged || moved(c) && !srfOnly) || c.system {
					continue
				}
				found = true
				var x exec.Expr
				if q.grouped {
					// A star in a grouped query: each column must be a
					// group key, which binding by name checks.
					var err error
					if x, err = q.bindValue(&ast.ColumnNameExpr{Name: &ast.ColumnName{Table: ast.NewCIStr(c.table), Name: ast.NewCIStr(c.name)}}); err != nil {
						return nil, err
					}
				} else {
					// The column itself, not its name: a subquery may
					// have two columns of one name (SELECT 1 AS a, 2 AS a).
					var err error
					if x, err = q.b.readValue(c, q.in.ref(c)); err != nil {
						return nil, err
					}
				}
				outs = append(outs, output{expr: x, name: c.name, pg: c.pg, scale: c.scale, table: c.storedTable(), attr: c.name,
					mods: typeMods{typmod: c.typmod1 - 1, pad: c.pad}})
			}
			if !found && table != "" {
				return nil, errorf(CodeUndefinedTable, "missing FROM-clause entry for table %q", table)
			}
			continue
		}
		x, err := q.bindValue(f.Expr)
		if err != nil {
			return nil, err
		}
		if a, ok := x.(*arrayLit); ok {
			// A constant array as a result: its text form, typed elem[].
			if x, err = q.b.textArray(a); err != nil {
				return nil, err
			}
		}
		if r, ok := x.(*regprocLit); ok {
			x = r.asName() // 'cpu'::regclass prints as cpu
		}
		name := f.AsName.O
		if name == "" {
			name = columnName(f.Expr)
		}
		o := output{expr: x, name: name, ast: f.Expr, pg: q.pgTypeOf(f.Expr, x), mods: q.b.modsOf(q.in, f.Expr)}
		if q.sel == q.b.top && q.b.sess != nil && q.b.sess.Influx {
			if zone, execZone := influxZone(f.Expr); zone != "" {
				// The instant, marked with its zone (influx_tz.go).
				if o.expr, err = q.zonedInstant(f.Expr, x, execZone); err != nil {
					return nil, err
				}
				o.zone, o.pg = zone, 0
			}
		}
		o.table, o.attr = q.sourceColumn(f.Expr)
		if o.pg == 1700 {
			o.scale = max(q.numericScale(f.Expr), 0)
			if least, ok := q.quotientScale(f.Expr); ok && o.scale == 0 {
				o.scale = -least - 1 // each value its division's scale (Column.Scale)
			}
		}
		outs = append(outs, o)
	}
	return outs, nil
}

// sourceTable is the stored table a select item reads when it is a plain
// column reference (or one in parentheses), "" otherwise.
func (q *selectBinder) sourceColumn(e ast.ExprNode) (table, column string) {
	e = unparen(e)
	cn, ok := e.(*ast.ColumnNameExpr)
	if !ok {
		return "", ""
	}
	c, err := q.in.find(cn.Name.Table.O, cn.Name.Name.O)
	if err != nil || c == nil || c.storedTable() == "" {
		return "", ""
	}
	return c.storedTable(), c.name
}

// attribute is a stored column's table OID and attribute number, as
// pg_class and pg_attribute report them (0, 0 when not found). The time
// column answers to time too, as InfluxDB's sessions name it.
func (b *binder) attribute(table, column string) (oid uint32, num int16) {
	cols, err := b.p.SQLColumns(b.sess.Database, table)
	if err != nil {
		return 0, 0
	}
	for _, c := range cols {
		if c.Name == column || c.Type == storage.TypeTime && column == storage.TimeColumn {
			return uint32(TableOID(b.sess.Database, table)), int16(c.Num)
		}
	}
	return 0, 0
}

// bindValue binds an expression of the select list, HAVING or ORDER BY:
// over the input rows, or, in a grouped query, over the groups.
func (q *selectBinder) bindValue(e ast.ExprNode) (exec.Expr, error) {
	if !q.grouped {
		return q.b.bindExprHook(q.in, e, q.windowHook)
	}
	return q.b.bindExprHook(q.in, e, func(e ast.ExprNode) (exec.Expr, bool, error) {
		if x, ok, err := q.windowHook(e); ok || err != nil {
			return x, ok, err
		}
		if x, ok, err := q.gapfillHook(e); ok || err != nil {
			return x, ok, err
		}
		return q.postAgg(e)
	})
}

// postAgg resolves, inside a grouped query, aggregates and expressions that
// are group keys; a bare column that is neither is an error.
func (q *selectBinder) postAgg(e ast.ExprNode) (exec.Expr, bool, error) {
	if f, ok := e.(*ast.FuncCallExpr); ok && f.FnName.L == "grouping" {
		x, err := q.grouping(f)
		return x, true, err
	}
	if call, field, ok := selectorField(e); ok {
		x, err := q.selector(call, field)
		return x, true, err
	}
	if c, ok := parseToolkitCall(e); ok {
		x, err := q.toolkit(c)
		return x, true, err
	}
	if call, ok := parseAggCall(e); ok {
		x, err := q.aggregate(call)
		return x, true, err
	}
	switch unparen(e).(type) {
	case *ast.SubqueryExpr, *ast.ExistsSubqueryExpr:
		// Run per group, where the outer query's columns are the group
		// keys (their values in the aggregation's output).
		saved := q.b.grouped
		q.b.grouped = true
		x, err := q.b.bindNode(q.groupedScope(), e, nil)
		q.b.grouped = saved
		return x, true, err
	}
	if containsAggregate(e) || containsGrouping(e) || containsWindow(e) {
		return nil, false, nil // bound part by part: the hook sees the calls
	}
	// Not settled: a constant of unknown type ($1 sent untyped, 'x') still
	// takes its type from what it meets (HAVING count(*) > $1).
	x, err := q.b.bindNode(q.in, e, nil)
	if err != nil {
		return nil, true, err
	}
	if i := slices.Index(q.keyID, q.keyString(e, x)); i >= 0 {
		return &exec.Column{Index: i, Name: q.keyStr[i], DT: q.keys[i].Type()}, true, nil
	}
	if onlyOuter(x) {
		return x, true, nil // the enclosing query's column: one value per run
	}
	if cn, ok := e.(*ast.ColumnNameExpr); ok {
		return nil, true, errorf(CodeGrouping, "column %q must appear in the GROUP BY clause or be used in an aggregate function", columnLabel(cn))
	}
	if !usesColumns(e) {
		return x, true, nil
	}
	return nil, false, nil
}

func columnLabel(cn *ast.ColumnNameExpr) string {
	if cn.Name.Table.O != "" {
		return cn.Name.Table.O + "." + cn.Name.Name.O
	}
	return cn.Name.Name.O
}

// aggCall is an aggregate call with its PostgreSQL decorations.
type aggCall struct {
	name     string
	args     []ast.ExprNode
	distinct bool
	filter   ast.ExprNode
	order    []*ast.ByItem // string_agg(... ORDER BY ...)
	within   *ast.ByItem   // percentile_cont(...) WITHIN GROUP (ORDER BY ...)
}

// parseAggCall recognises an aggregate call, plain or wrapped in package
// sql's __pg_filter, __pg_agg_order and __pg_within_group markers.
func parseAggCall(e ast.ExprNode) (*aggCall, bool) {
	if name, args, distinct, ok := aggregateCall(e); ok {
		return &aggCall{name: name, args: args, distinct: distinct}, true
	}
	f, ok := e.(*ast.FuncCallExpr)
	if !ok || len(f.Args) < 2 {
		return nil, false
	}
	switch f.FnName.L {
	case "__pg_filter":
		inner, ok := parseAggCall(f.Args[0])
		if ok {
			inner.filter = f.Args[1]
		}
		return inner, ok
	case "__pg_agg_order":
		inner, ok := parseAggCall(f.Args[0])
		if !ok {
			return nil, false
		}
		// (call, key, 'asc'|'desc', 'nulls first'|'nulls last', key, ...)
		for i := 1; i+2 < len(f.Args); i += 3 {
			item := &ast.ByItem{Expr: f.Args[i], Desc: constText(f.Args[i+1]) == "desc", NullOrder: constText(f.Args[i+2]) == "nulls first"}
			inner.order = append(inner.order, item)
		}
		return inner, true
	case "__pg_within_group":
		inner, ok := parseAggCall(f.Args[0])
		if !ok || len(f.Args) < 3 {
			return nil, false
		}
		inner.within = &ast.ByItem{Expr: f.Args[1], Desc: constText(f.Args[2]) == "desc"}
		return inner, true
	}
	return nil, false
}

func constText(e ast.ExprNode) string {
	if v, ok := e.(*driver.ValueExpr); ok {
		return v.GetString()
	}
	return ""
}

// constFloat is a constant argument of an aggregate as a float8.
func (q *selectBinder) constFloat(e ast.ExprNode, what string) (float64, error) {
	if usesColumns(e) {
		return 0, errorf(CodeSyntax, "%s must be constants", what)
	}
	x, err := q.b.bindExpr(&scope{}, e)
	if err != nil {
		return 0, err
	}
	x, err = q.b.coerce(x, exec.TypeFloat)
	if err == nil {
		x, err = q.b.fold(x)
	}
	lit, ok := x.(*exec.Literal)
	if err != nil || !ok || lit.V == nil {
		return 0, errorf(CodeSyntax, "%s must be constants", what)
	}
	return lit.V.(float64), nil
}

// hasVolatile reports whether e calls a volatile function (random(), ...),
// by its rendering (calls print as name(args)).
func hasVolatile(e exec.Expr) bool {
	if e == nil {
		return false
	}
	text := e.String()
	for name := range volatileFuncs {
		if strings.Contains(text, name+"(") {
			return true
		}
	}
	return false
}

// aggFilter binds an aggregate's FILTER (WHERE ...); nil when it is the
// constant TRUE (as the Toolkit accessors write it without one). It is not
// folded: FILTER (WHERE random() < 0.5) draws per row.
func (q *selectBinder) aggFilter(e ast.ExprNode) (exec.Expr, error) {
	f, err := q.b.bindBool(q.in, e, "FILTER")
	if err != nil {
		return nil, err
	}
	if lit, ok := f.(*exec.Literal); ok && lit.V == true {
		return nil, nil
	}
	return f, nil
}

// aggregate registers an aggregate call and returns its output column.
func (q *selectBinder) aggregate(call *aggCall) (exec.Expr, error) {
	call, err := influxAggregate(call)
	if err != nil {
		return nil, err
	}
	name, args, distinct := call.name, call.args, call.distinct
	for _, a := range args {
		if containsWindow(a) {
			return nil, errorf(CodeGrouping, "aggregate function calls cannot contain window function calls")
		}
	}
	if strings.HasPrefix(name, sql.MarkerHypothetical) {
		return q.hypothetical(call, strings.TrimPrefix(name, sql.MarkerHypothetical))
	}
	agg := exec.Agg{Distinct: distinct}
	fn, ok := aggFuncs[name]
	if !ok {
		return nil, errorf(CodeUndefinedFunc, "aggregate function %s does not exist", name)
	}
	switch {
	case name == summaryAgg:
		return q.summaryAggregate(call)
	case name == "lttb":
		return nil, &Error{Code: CodeNotSupported, Msg: "lttb returns a Timescale Toolkit timevector, which Strata does not hold as a value",
			Hint: "read its points with unnest: SELECT time, value FROM unnest((SELECT lttb(time, value, 500) FROM t WHERE ...))"}
	case isToolkitSummary(name):
		return nil, &Error{Code: CodeNotSupported, Msg: name + " returns a Timescale Toolkit summary, which Strata does not hold as a value",
			Hint: "apply an accessor to it: average(time_weight('Linear', time, value)), or time_weight('Linear', time, value) -> average()"}
	}
	agg.Func = fn
	if _, ok := jsonAggregates[name]; ok {
		return q.jsonAgg(call, name)
	}
	if name == "array_agg" {
		return q.arrayAgg(call)
	}
	if call.filter != nil {
		f, err := q.aggFilter(call.filter)
		if err != nil {
			return nil, err
		}
		agg.Filter = f
	}
	for _, a := range args {
		if containsAggregate(a) || containsGrouping(a) {
			return nil, errorf(CodeGrouping, "aggregate function calls cannot be nested")
		}
	}
	switch {
	case fn == exec.AggCount && !distinct && (len(args) == 0 || isStar(args)):
		agg.Func = exec.AggCountStar
	case fn == exec.AggPercentileCont || fn == exec.AggPercentileDisc || fn == exec.AggMode:
		if call.within == nil {
			return nil, errorf(CodeSyntax, "%s requires WITHIN GROUP (ORDER BY ...)", name)
		}
		if fn == exec.AggMode && len(args) != 0 {
			return nil, errorf(CodeUndefinedFunc, "function mode takes no arguments: mode() WITHIN GROUP (ORDER BY x)")
		}
		if fn != exec.AggMode {
			if len(args) != 1 {
				return nil, errorf(CodeUndefinedFunc, "function %s takes one fraction", name)
			}
			x, err := q.b.bindNode(&scope{}, args[0], nil) // an untyped $1 is a float8
			if err != nil {
				return nil, err
			}
			x, err = q.b.coerce(x, exec.TypeFloat)
			lit, ok := x.(*exec.Literal)
			describing := ok && lit.V == nil && q.b.describe
			if err != nil || !ok {
				return nil, errorf(CodeSyntax, "the fraction of %s must be a constant", name)
			}
			agg.Fraction = 0.5 // describing: $1's value is not known yet
			switch {
			case lit.V == nil && !describing:
				// A NULL fraction (percentile_cont(ARRAY[0.5, NULL])) is a
				// NULL percentile, as PostgreSQL's strict final function
				// gives: the aggregate over no row.
				agg.Filter = &exec.Literal{V: false, DT: exec.TypeBool}
			case !describing:
				agg.Fraction = lit.V.(float64)
			}
			if agg.Fraction < 0 || agg.Fraction > 1 {
				return nil, errorf(CodeOutOfRange, "percentile value %v is not between 0 and 1", agg.Fraction)
			}
		}
		x, err := q.b.bindExpr(q.in, call.within.Expr)
		if err != nil {
			return nil, err
		}
		agg.Arg = x
		agg.Order = []exec.SortKey{{Expr: x, Desc: call.within.Desc}}
	case fn == exec.AggHistogram:
		if len(args) != 4 {
			return nil, errorf(CodeUndefinedFunc, "function histogram takes (value, min, max, nbuckets)")
		}
		x, err := q.b.bindExpr(q.in, args[0])
		if err != nil {
			return nil, err
		}
		agg.Arg = x
		var bounds [2]float64
		for i := range bounds {
			if bounds[i], err = q.constFloat(args[1+i], "histogram's min and max"); err != nil {
				return nil, err
			}
		}
		n, err := q.constFloat(args[3], "histogram's number of buckets")
		if err != nil {
			return nil, err
		}
		if err := exec.CheckHistogram(bounds[0], bounds[1], int64(n)); err != nil {
			return nil, errorf(CodeOutOfRange, "%v", err)
		}
		agg.Hist = exec.Histogram{Min: bounds[0], Max: bounds[1], Buckets: int(n)}
	case fn == exec.AggStringAgg:
		if len(args) != 2 {
			return nil, errorf(CodeUndefinedFunc, "function string_agg takes (value, delimiter)")
		}
		x, err := q.b.bindExpr(q.in, args[0])
		if err != nil {
			return nil, err
		}
		agg.Arg = x
		d, err := q.b.bindExpr(&scope{}, args[1])
		if err != nil {
			return nil, err
		}
		lit, ok := d.(*exec.Literal)
		if !ok {
			return nil, notSupported("a non-constant string_agg delimiter")
		}
		if lit.V != nil {
			agg.Sep, _ = lit.V.(string)
		}
		if err := q.aggOrder(call, &agg, []exec.Expr{x}); err != nil {
			return nil, err
		}
	case fn == exec.AggFirst || fn == exec.AggLast || fn == exec.AggTimeOfMin || fn == exec.AggTimeOfMax:
		if len(args) != 2 {
			return nil, errorf(CodeUndefinedFunc, "function %s takes (value, time)", name)
		}
	case fn.IsPairStat():
		if len(args) != 2 {
			return nil, errorf(CodeUndefinedFunc, "function %s takes two arguments (Y, X)", name)
		}
	default:
		if len(args) != 1 {
			return nil, errorf(CodeUndefinedFunc, "function %s takes one argument, got %d", name, len(args))
		}
	}
	if call.order != nil && fn != exec.AggStringAgg {
		// The value of sum, min, count, ... does not depend on the order
		// of its input: PostgreSQL takes the ORDER BY and ignores it. It
		// is still bound, so that what it names must exist.
		for _, o := range call.order {
			k, err := q.b.bindExpr(q.in, o.Expr)
			if err != nil {
				return nil, err
			}
			if distinct && len(args) > 0 {
				arg, err := q.b.bindExpr(q.in, args[0])
				if err != nil {
					return nil, err
				}
				if exprID(settle(k)) != exprID(settle(arg)) {
					return nil, errorf("42P10", "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list")
				}
			}
		}
	}
	if row, ok := firstArg(args).(*ast.RowExpr); ok && agg.Arg == nil && fn == exec.AggCount && distinct {
		// count(DISTINCT (a, b)): distinct row values, NULL fields
		// included (a row is never NULL to count).
		x, err := q.rowKey(row)
		if err != nil {
			return nil, err
		}
		agg.Arg = x
	}
	if agg.Arg == nil && agg.Func != exec.AggCountStar {
		x, err := q.b.bindExpr(q.in, args[0])
		if err != nil {
			return nil, err
		}
		agg.Arg = x
		if len(args) == 2 {
			t, err := q.b.bindExpr(q.in, args[1])
			if err != nil {
				return nil, err
			}
			agg.Time = t
		}
		if (fn == exec.AggSum || fn == exec.AggAvg) && x.Type().ID() == exec.TypeInterval.ID() {
			return q.intervalAggregate(agg)
		}
		if (fn == exec.AggSum || fn == exec.AggAvg) && x.Type().ID() == exec.TypeFloat.ID() && q.pgTypeOf(args[0], x) == oidNumericPG {
			// Numerics: summed and averaged as decimals, of the places
			// every value has or else of each group's values' own.
			agg.Decimal, agg.Places = true, -1
			if places := q.largestScale(args[0]); places >= 0 && places <= 15 {
				agg.Places = places
			}
		}
		if fn == exec.AggMin || fn == exec.AggMax {
			if x, ok, err := q.arrayMinMax(agg, q.b.arrayTyped(q.in, args[0], x)); ok { // in the elements' order
				return x, err
			}
		}
		if x.Type().ID() == exec.TypeNull.ID() {
			if name == "min" || name == "max" {
				agg.Arg = &exec.Literal{V: nil, DT: exec.TypeText} // max(NULL): of text, as PostgreSQL resolves it
				return q.addAgg(agg)
			}
			if name != "count" {
				return nil, errorf(CodeUndefinedFunc, "function %s(unknown) is not unique; cast the argument", name)
			}
			agg.Arg = &exec.Literal{V: nil, DT: exec.TypeInt} // count("any") of NULL: 0
		}
	}
	return q.addAgg(agg)
}

// intervalAggregate computes sum or avg of intervals, which the typed
// accumulators do not hold, as bigint sums of the intervals' months, days
// and nanoseconds (and, for avg, their count), put back together by
// __interval_sum as PostgreSQL's interval_pl and interval_avg would.
func (q *selectBinder) intervalAggregate(agg exec.Agg) (exec.Expr, error) {
	if agg.Distinct {
		return nil, notSupported(agg.Func.String() + "(DISTINCT interval)")
	}
	parts, err := intervalParts(q.b, agg.Arg, agg.Func == exec.AggAvg, func(x exec.Expr, count bool) (exec.Expr, error) {
		part := agg
		part.Func, part.Arg = exec.AggSum, x
		if count {
			part.Func = exec.AggCount
		}
		return q.addAgg(part)
	})
	if err != nil {
		return nil, err
	}
	return q.b.call("__interval_sum", parts)
}

// intervalParts applies sum (count: count) to each field of the interval x
// (and, for avg, to x itself) with add, which returns the sum's result.
func intervalParts(b *binder, x exec.Expr, avg bool, add func(x exec.Expr, count bool) (exec.Expr, error)) ([]exec.Expr, error) {
	var parts []exec.Expr
	for k := range 3 {
		field, err := b.call("__interval_field", []exec.Expr{x, &exec.Literal{V: int64(k), DT: exec.TypeInt}})
		if err != nil {
			return nil, err
		}
		sum, err := add(field, false)
		if err != nil {
			return nil, err
		}
		parts = append(parts, sum)
	}
	if avg {
		count, err := add(x, true)
		if err != nil {
			return nil, err
		}
		parts = append(parts, count)
	}
	return parts, nil
}

// addAgg registers an aggregate (once per distinct aggregate) and returns
// its output column.
func (q *selectBinder) addAgg(agg exec.Agg) (*exec.Column, error) {
	if _, err := agg.ResultType(); err != nil {
		return nil, errorf(CodeUndefinedFunc, "%v", err)
	}
	if outerAggregate(agg) {
		// PostgreSQL computes an aggregate of only the enclosing query's
		// columns in that query (SELECT (SELECT max(v.x)) FROM v is one
		// row); computing it here, per outer row, would answer
		// differently.
		return nil, &Error{Code: CodeNotSupported, Msg: "an aggregate of only the enclosing query's columns inside a subquery is not supported",
			Hint: "compute the aggregate in the enclosing query itself (PostgreSQL evaluates it there)"}
	}
	id := aggID(agg)
	i := slices.Index(q.aggID, id)
	if i >= 0 && (hasVolatile(agg.Arg) || hasVolatile(agg.Time) || hasVolatile(agg.Filter)) {
		i = -1 // sum(random()) - sum(random()): each draws its own
	}
	if i < 0 {
		q.aggs = append(q.aggs, agg)
		q.aggStr = append(q.aggStr, agg.String())
		q.aggID = append(q.aggID, id)
		i = len(q.aggs) - 1
	}
	dt, _ := agg.ResultType()
	return &exec.Column{Index: len(q.keys) + i, Name: q.aggStr[i], DT: dt}, nil
}

// outerAggregate reports whether an aggregate's argument, second
// argument and FILTER name only the enclosing query's columns (count(*)
// FILTER (WHERE outer.x > 8) too): PostgreSQL computes it there.
func outerAggregate(agg exec.Agg) bool {
	parts := 0
	for _, x := range []exec.Expr{agg.Arg, agg.Time, agg.Filter} {
		if x == nil {
			continue
		}
		if !onlyOuter(x) {
			return false
		}
		parts++
	}
	return parts > 0
}

// influxAggregate turns the aggregates of InfluxDB 3's SQL (DataFusion)
// that users bring with their queries into the PostgreSQL aggregates they
// compute: median(x) and approx_median(x) are percentile_cont(0.5) WITHIN
// GROUP (ORDER BY x); approx_percentile_cont(x, p [, centroids]) (or
// approx_percentile_cont(p) WITHIN GROUP (ORDER BY x)) is percentile_cont(p),
// computed exactly; approx_distinct(x) is count(DISTINCT x); mean(x) is avg(x).
func influxAggregate(call *aggCall) (*aggCall, error) {
	c := *call
	switch call.name {
	case "median", "approx_median":
		if len(call.args) != 1 || call.within != nil {
			return nil, errorf(CodeUndefinedFunc, "function %s takes one argument: %s(value)", call.name, call.name)
		}
		if call.distinct {
			return nil, notSupported(call.name + "(DISTINCT ...)")
		}
		c.name, c.args, c.within = "percentile_cont", []ast.ExprNode{ast.NewValueExpr(0.5, "", "")}, &ast.ByItem{Expr: call.args[0]}
	case "approx_percentile_cont":
		if call.within == nil {
			if len(call.args) != 2 && len(call.args) != 3 {
				return nil, errorf(CodeUndefinedFunc, "function approx_percentile_cont takes (value, percentile [, centroids])")
			}
			c.within, c.args = &ast.ByItem{Expr: call.args[0]}, call.args[1:2]
		} else if len(call.args) == 2 {
			c.args = call.args[:1] // (percentile, centroids) WITHIN GROUP (...)
		}
		if call.distinct {
			return nil, notSupported("approx_percentile_cont(DISTINCT ...)")
		}
		c.name = "percentile_cont"
	case "selector_first", "selector_last", "selector_min", "selector_max":
		return nil, notSupported(fmt.Sprintf("%[1]s alone: it returns a struct, which Strata has no type for; select its fields as %[1]s(value, time)['value'] and %[1]s(value, time)['time']", call.name))
	case "mean": // InfluxDB 3's (DataFusion's) name of avg
		c.name = "avg"
	case "approx_distinct":
		if len(call.args) != 1 {
			return nil, errorf(CodeUndefinedFunc, "function approx_distinct takes one argument: approx_distinct(value)")
		}
		c.name, c.distinct = "count", true
	default:
		return call, nil
	}
	return &c, nil
}

var aggFuncs = map[string]exec.AggFunc{
	"count": exec.AggCount, "sum": exec.AggSum, "avg": exec.AggAvg, "min": exec.AggMin, "max": exec.AggMax,
	"first": exec.AggFirst, "last": exec.AggLast,
	"stddev": exec.AggStddevSamp, "stddev_samp": exec.AggStddevSamp, "stddev_pop": exec.AggStddevPop,
	"variance": exec.AggVarSamp, "var_samp": exec.AggVarSamp, "var_pop": exec.AggVarPop,
	"bool_and": exec.AggBoolAnd, "bool_or": exec.AggBoolOr, "every": exec.AggBoolAnd,
	"bit_and": exec.AggBitAnd, "bit_or": exec.AggBitOr, "bit_xor": exec.AggBitXor,
	"string_agg": exec.AggStringAgg, "percentile_cont": exec.AggPercentileCont, "histogram": exec.AggHistogram,
	"array_agg": exec.AggStringAgg, // of the elements' array text form (arrayAgg)
	// of the elements' JSON text (jsonAgg)
	"json_agg": exec.AggStringAgg, "jsonb_agg": exec.AggStringAgg, "json_object_agg": exec.AggStringAgg, "jsonb_object_agg": exec.AggStringAgg,
	"percentile_disc": exec.AggPercentileDisc, "mode": exec.AggMode,
	"corr": exec.AggCorr, "covar_pop": exec.AggCovarPop, "covar_samp": exec.AggCovarSamp,
	"regr_slope": exec.AggRegrSlope, "regr_intercept": exec.AggRegrIntercept, "regr_r2": exec.AggRegrR2,
	"regr_count": exec.AggRegrCount, "regr_avgx": exec.AggRegrAvgX, "regr_avgy": exec.AggRegrAvgY,
	"regr_sxx": exec.AggRegrSXX, "regr_syy": exec.AggRegrSYY, "regr_sxy": exec.AggRegrSXY,
	"__single": exec.AggSingle, // a decorrelated scalar subquery's value
	// rank(a) WITHIN GROUP (ORDER BY x), ...: counts (hypothetical)
	sql.MarkerHypothetical + "rank": exec.AggCount, sql.MarkerHypothetical + "dense_rank": exec.AggCount,
	sql.MarkerHypothetical + "percent_rank": exec.AggCount, sql.MarkerHypothetical + "cume_dist": exec.AggCount,
	// InfluxDB 3's spellings (influxAggregate):
	"median": exec.AggPercentileCont, "approx_median": exec.AggPercentileCont,
	"approx_percentile_cont": exec.AggPercentileCont, "approx_distinct": exec.AggCount, "mean": exec.AggAvg,
	// selector_x(value, time)['field'] (selector.go); alone, an error.
	"selector_first": exec.AggFirst, "selector_last": exec.AggLast, "selector_min": exec.AggMin, "selector_max": exec.AggMax,
	// Timescale Toolkit's summaries, read by accessors (toolkit.go); alone, an error.
	"time_weight": exec.AggSummary, "counter_agg": exec.AggSummary, "gauge_agg": exec.AggSummary,
	"candlestick_agg": exec.AggSummary, "stats_agg": exec.AggSummary, "percentile_agg": exec.AggSummary,
	"uddsketch": exec.AggSummary, "tdigest": exec.AggSummary, "lttb": exec.AggSummary, "state_agg": exec.AggSummary, "compact_state_agg": exec.AggSummary,
	"hyperloglog": exec.AggSummary, "approx_count_distinct": exec.AggSummary,
	summaryAgg:         exec.AggSummary,                                          // what accessors compute in time order
	"__pg_time_of_min": exec.AggTimeOfMin, "__pg_time_of_max": exec.AggTimeOfMax, // candlestick's low_time, high_time
}

// withOrderKeys projects over node the columns cols, passing its columns
// through but the jsonb and array order keys (keys: their column, whose
// value they order), computed from the value node has already computed.
func (q *selectBinder) withOrderKeys(node Node, cols []Column, keys map[int]int) (Node, error) {
	in := node.Columns()
	over := make([]exec.Expr, len(cols))
	for i, c := range cols {
		if v, ok := keys[i]; ok {
			key, err := q.b.sortKeyOf(&exec.Column{Index: v, Name: in[v].Name, DT: in[v].Type}, in[v].PGType)
			if err != nil {
				return nil, err
			}
			over[i] = key
			continue
		}
		over[i] = &exec.Column{Index: i, Name: c.Name, DT: c.Type}
	}
	return &Project{Child: node, Exprs: over, Cols: cols}, nil
}

func isStar(args []ast.ExprNode) bool {
	if len(args) != 1 {
		return false
	}
	v, ok := args[0].(*driver.ValueExpr)
	return ok && v.Kind() != driver.KindNull && v.Kind() == driver.KindInt64
}

// aggregateCall recognises an aggregate call, whether TiDB parsed it as one
// (count, sum, ...) or as a plain function (first, last, bool_and, ...).
func aggregateCall(e ast.ExprNode) (name string, args []ast.ExprNode, distinct, ok bool) {
	switch e := e.(type) {
	case *ast.AggregateFuncExpr:
		if len(e.Args) > 0 {
			// bit_and(DISTINCT x): TiDB's own aggregate without its
			// DISTINCT (package sql marks the argument instead).
			if d, ok := e.Args[0].(*ast.FuncCallExpr); ok && d.FnName.L == sql.MarkerDistinctArg && len(d.Args) == 1 {
				return strings.ToLower(e.F), append([]ast.ExprNode{d.Args[0]}, e.Args[1:]...), true, true
			}
		}
		return strings.ToLower(e.F), e.Args, e.Distinct, true
	case *ast.FuncCallExpr:
		name := e.FnName.L
		if _, isAgg := aggFuncs[name]; isAgg {
			// agg(DISTINCT x, ...) of aggregates TiDB does not know arrives
			// as agg(__pg_distinct_arg(x), ...) (package sql).
			if len(e.Args) > 0 {
				if d, ok := e.Args[0].(*ast.FuncCallExpr); ok && d.FnName.L == sql.MarkerDistinctArg && len(d.Args) == 1 {
					args := append([]ast.ExprNode{d.Args[0]}, e.Args[1:]...)
					return name, args, true, true
				}
			}
			return name, e.Args, false, true
		}
	}
	return "", nil, false, false
}

// containsAggregate reports whether an aggregate call appears in e (not
// looking into subqueries).
func containsAggregate(e ast.ExprNode) bool {
	return astContains(e, false, func(n ast.Node) bool {
		x, ok := n.(ast.ExprNode)
		if !ok {
			return false
		}
		_, _, _, isAgg := aggregateCall(x)
		return isAgg
	})
}

// containsGrouping reports whether a GROUPING() call appears in e (not
// looking into subqueries).
func containsGrouping(e ast.ExprNode) bool {
	return astContains(e, false, func(n ast.Node) bool {
		f, ok := n.(*ast.FuncCallExpr)
		return ok && f.FnName.L == "grouping"
	})
}

// containsWindow reports whether a window function call appears in e (not
// looking into subqueries).
func containsWindow(e ast.ExprNode) bool {
	return astContains(e, false, func(n ast.Node) bool {
		_, ok := n.(*ast.WindowFuncExpr)
		return ok
	})
}

// usesColumns reports whether e names any column.
func usesColumns(e ast.ExprNode) bool {
	return astContains(e, true, func(n ast.Node) bool {
		_, ok := n.(*ast.ColumnNameExpr)
		return ok
	})
}

// astContains reports whether a node of e satisfies match, looking into
// subqueries when into is set.
func astContains(e ast.ExprNode, into bool, match func(ast.Node) bool) bool {
	v := &astFinder{match: match, into: into}
	e.Accept(v)
	return v.found
}

type astFinder struct {
	match       func(ast.Node) bool
	into, found bool
}

func (v *astFinder) Enter(n ast.Node) (ast.Node, bool) {
	if _, ok := n.(*ast.SubqueryExpr); ok && !v.into {
		return n, true
	}
	if !v.found && v.match(n) {
		v.found = true
	}
	return n, v.found
}

func (v *astFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// outputColumn finds the output column an ORDER BY or DISTINCT ON item
// means: an ordinal, an output name, or an expression (added as a hidden
// column when it is not in the select list).
func (q *selectBinder) outputColumn(e ast.ExprNode, outs []output, exprs *[]exec.Expr, cols *[]Column) (int, error) {
	if err := nonIntegerConstant(e, "ORDER BY"); err != nil {
		return 0, err
	}
	if n, ok := ordinal(e); ok {
		if n < 1 || n > len(outs) {
			return 0, errorf("42P10", "ORDER BY position %d is not in select list", n)
		}
		return n - 1, nil
	}
	if cn, ok := e.(*ast.ColumnNameExpr); ok && cn.Name.Table.O == "" {
		match := -1
		for i, o := range outs {
			if o.name == cn.Name.Name.O {
				if match >= 0 && exprID(outs[match].expr) != exprID(o.expr) {
					return 0, errorf(CodeAmbiguousColumn, "ORDER BY %q is ambiguous", cn.Name.Name.O)
				}
				if match < 0 {
					match = i
				}
			}
		}
		if match >= 0 {
			return match, nil
		}
	}
	x, err := q.bindValue(e)
	if err != nil {
		return 0, err
	}
	id := exprID(x)
	for i, have := range *exprs {
		if exprID(have) == id { // a.x and b.x of a join are not one column
			return i, nil
		}
	}
	*exprs = append(*exprs, x)
	*cols = append(*cols, Column{Name: x.String(), Type: x.Type(), PGType: narrowPG(q.pgTypeOf(e, x), x.Type())})
	return len(*exprs) - 1, nil
}

// columnName is PostgreSQL's name for an unaliased output column.
func columnName(e ast.ExprNode) string {
	if name, strength := figureName(e); strength > 0 {
		return name
	}
	return "?column?"
}

// figureName is PostgreSQL's FigureColname: a name and its strength (2: a
// column, function or field name; 1: a fallback such as "case" or a cast's
// type name that a stronger inner name overrides; 0: none).
func figureName(e ast.ExprNode) (string, int) {
	switch e := e.(type) {
	case *ast.ColumnNameExpr:
		return e.Name.Name.O, 2
	case *ast.ParenthesesExpr:
		return figureName(e.Expr)
	case *ast.AggregateFuncExpr:
		return strings.ToLower(e.F), 2
	case *ast.WindowFuncExpr:
		if m, ok := firstArg(e.Args).(*ast.FuncCallExpr); ok && m.FnName.L == sql.MarkerWindowAgg && len(m.Args) > 0 {
			return constText(m.Args[0]), 2 // string_agg(...) OVER w, spelled max(__pg_window_agg('string_agg', ...)); every keeps its name
		}
		return strings.ToLower(e.Name), 2
	case *ast.FuncCallExpr:
		switch e.FnName.L {
		case "__pg_cast":
			if len(e.Args) == 2 {
				if name, strength := figureName(e.Args[0]); strength > 1 {
					return name, strength
				}
				if v, ok := e.Args[1].(*driver.ValueExpr); ok {
					return pgTypeName(v.GetString()), 1
				}
			}
			return "", 0
		case "__pg_extract":
			return "extract", 2
		case "__pg_at_time_zone":
			return "timezone", 2
		case sql.MarkerOverlaps:
			return "overlaps", 2
		case "__pg_array", "__pg_array_subquery":
			return "array", 2
		case "__pg_subscript", "__pg_slice":
			if len(e.Args) > 0 {
				return figureName(e.Args[0])
			}
		case "__pg_field":
			if len(e.Args) == 2 {
				if v, ok := e.Args[1].(*driver.ValueExpr); ok {
					return v.GetString(), 2
				}
			}
		case "__pg_agg_order", "__pg_filter", "__pg_within_group", "__pg_percentiles":
			if len(e.Args) > 0 {
				return figureName(e.Args[0])
			}
		}
		if strings.HasPrefix(e.FnName.L, sql.MarkerHypothetical) {
			return strings.TrimPrefix(e.FnName.L, sql.MarkerHypothetical), 2
		}
		if strings.HasPrefix(e.FnName.L, "__pg_") {
			return "", 0
		}
		if len(e.Args) > 0 {
			if p, ok := e.Args[0].(*ast.FuncCallExpr); ok && p.FnName.L == sql.MarkerPipe {
				return "", 0 // x -> f(): an operator (the Toolkit's or JSON's): ?column?
			}
		}
		return e.FnName.L, 2
	case *ast.CaseExpr:
		if e.ElseClause != nil {
			if name, strength := figureName(e.ElseClause); strength > 1 {
				return name, strength
			}
		}
		return "case", 1
	case *ast.ExistsSubqueryExpr:
		if e.Not {
			return "", 0 // NOT EXISTS is an operator: ?column?
		}
		return "exists", 2
	case *ast.SubqueryExpr:
		if sel, ok := e.Query.(*ast.SelectStmt); ok && sel.Fields != nil && len(sel.Fields.Fields) > 0 {
			f := sel.Fields.Fields[0]
			if f.AsName.O != "" {
				return f.AsName.O, 2
			}
			if f.Expr != nil {
				return columnName(f.Expr), 2
			}
		}
	}
	return "", 0
}

// pgTypeName is the output column name PostgreSQL gives a cast of a
// constant: the type's name.
func pgTypeName(t string) string {
	if strings.HasPrefix(t, "interval") {
		return "interval" // INTERVAL '1' DAY: the fields are a typmod
	}
	if i := strings.IndexByte(t, '('); i > 0 {
		if j := strings.IndexByte(t[i:], ')'); j > 0 {
			t = t[:i] + t[i+j+1:] // numeric(10,2) names its column numeric
		}
	}
	t = strings.TrimRight(t, "[]") // '{a}'::text[] names its column text
	switch t {
	case "int8":
		return "int8"
	case "float8":
		return "float8"
	case "timestamptz":
		return "timestamptz"
	}
	return t
}

// rowKey binds a row value (a, b, ...) as one text key that two rows share
// exactly when their fields are equal (NULLs equal to NULLs): the fields'
// text forms, strings quoted, NULL empty. It serves count(DISTINCT (a, b)).
func (q *selectBinder) rowKey(row *ast.RowExpr) (exec.Expr, error) {
	fields := make([]exec.Expr, len(row.Values))
	for i, v := range row.Values {
		x, err := q.b.bindExpr(q.in, v)
		if err != nil {
			return nil, err
		}
		fields[i] = settle(x)
	}
	return &rowFunc{name: "row", args: fields, dt: exec.TypeText, fn: func(v []any) (any, error) {
		var sb strings.Builder
		sb.WriteByte('(')
		for i, x := range v {
			if i > 0 {
				sb.WriteByte(',')
			}
			switch x := x.(type) {
			case nil:
			case string:
				sb.WriteString(strconv.Quote(x))
			default:
				fmt.Fprint(&sb, x)
			}
		}
		sb.WriteByte(')')
		return sb.String(), nil
	}}, nil
}

// storedByName orders each run of columns of one stored table (one FROM
// item) by name, InfluxDB 3's order of a table's columns; the columns of
// derived tables keep theirs.
func storedByName(cols []*scopeCol) []*scopeCol {
	out := slices.Clone(cols)
	for i := 0; i < len(out); {
		j := i + 1
		for j < len(out) && out[j].table == out[i].table {
			j++
		}
		if out[i].storedTable() != "" {
			slices.SortStableFunc(out[i:j], func(a, b *scopeCol) int { return strings.Compare(a.name, b.name) })
		}
		i = j
	}
	return out
}
