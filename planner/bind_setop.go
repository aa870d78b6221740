package planner

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// Union concatenates its children's rows; the children have the same
// column types (binding casts them).
type Union struct {
	Kids []Node
	Cols []Column
}

func (n *Union) Columns() []Column { return n.Cols }
func (n *Union) Children() []Node  { return n.Kids }
func (n *Union) Describe() string  { return fmt.Sprintf("Union: %d inputs", len(n.Kids)) }

// bindSetOp binds UNION, INTERSECT and EXCEPT (with or without ALL), left to
// right as TiDB nests them (INTERSECT binds tighter), then ORDER BY and
// LIMIT over the result.
func (b *binder) bindSetOp(n *ast.SetOprStmt) (Node, error) {
	return b.withClause(n.With, func() (Node, error) {
		node, err := b.bindSetList(n.SelectList)
		if err != nil {
			return nil, err
		}
		return b.orderLimit(node, n.OrderBy, n.Limit)
	})
}

// orderLimit applies the ORDER BY and LIMIT/OFFSET of a set operation or a
// VALUES list to its rows, whose columns they name by name or position.
func (b *binder) orderLimit(node Node, orderBy *ast.OrderByClause, limit *ast.Limit) (Node, error) {
	cols := node.Columns()
	var err error
	var keys []exec.SortKey
	withTies := false
	if orderBy != nil {
		s := derivedScope(node, "")
		items := orderBy.Items
		if f, ok := items[len(items)-1].Expr.(*ast.FuncCallExpr); ok && f.FnName.L == sql.MarkerWithTies {
			items, withTies = items[:len(items)-1], true // FETCH FIRST n ROWS WITH TIES
		}
		for _, item := range items {
			var x exec.Expr
			if pos, ok := ordinal(item.Expr); ok {
				if pos < 1 || pos > len(cols) {
					return nil, errorf("42P10", "ORDER BY position %d is not in select list", pos)
				}
				x = &exec.Column{Index: pos - 1, Name: cols[pos-1].Name, DT: cols[pos-1].Type}
			} else if x, err = b.bindExpr(s, item.Expr); err != nil {
				return nil, err
			}
			if c, ok := x.(*exec.Column); ok && c.Index < len(cols) {
				x, err = b.sortKeyOf(x, cols[c.Index].PGType) // jsonb's or an array's order
			} else {
				x, err = b.arrayOrderKey(x) // an array column named
			}
			if err != nil {
				return nil, err
			}
			keys = append(keys, exec.SortKey{Expr: x, Desc: item.Desc, NullsFirst: item.NullOrder})
		}
		node = &Sort{Child: node, Keys: keys, Limit: -1}
	}
	if limit != nil {
		offset, count := int64(0), int64(-1)
		if limit.Count != nil {
			if count, err = b.constInt(limit.Count, "LIMIT"); err != nil {
				return nil, err
			}
		}
		if limit.Offset != nil {
			if offset, err = b.constInt(limit.Offset, "OFFSET"); err != nil {
				return nil, err
			}
		}
		if withTies && count < 0 && !b.describe {
			return nil, errorf("2201W", "row count cannot be null in FETCH FIRST ... WITH TIES clause")
		}
		node = &Limit{Child: node, Offset: offset, Count: count}
		if withTies {
			node.(*Limit).Ties = keys
		}
	}
	return node, nil
}

func (b *binder) bindSetList(list *ast.SetOprSelectList) (Node, error) {
	// INTERSECT binds tighter than UNION and EXCEPT: terms are chains of
	// INTERSECT, combined left to right by the other operators.
	var terms []Node
	var ops []ast.SetOprType
	for i, sel := range list.Selects {
		var node Node
		var op *ast.SetOprType
		var err error
		switch s := sel.(type) {
		case *ast.SelectStmt:
			node, err = b.bindSelect(s)
			op = s.AfterSetOperator
		case *ast.SetOprSelectList:
			node, err = b.bindSetList(s)
			op = s.AfterSetOperator
		case *ast.SetOprStmt:
			node, err = b.bindSetOp(s)
		default:
			return nil, notSupported(fmt.Sprintf("set operation over %T", sel))
		}
		if err != nil {
			return nil, err
		}
		if i == 0 {
			terms = append(terms, node)
			continue
		}
		if op == nil {
			return nil, errorf(CodeSyntax, "missing set operator")
		}
		if *op == ast.Intersect || *op == ast.IntersectAll {
			last := len(terms) - 1
			if terms[last], err = b.combine(*op, terms[last], node); err != nil {
				return nil, err
			}
			continue
		}
		ops = append(ops, *op)
		terms = append(terms, node)
	}
	acc := terms[0]
	for j, op := range ops {
		var err error
		if acc, err = b.combine(op, acc, terms[j+1]); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// combine applies one set operator to two bound queries.
func (b *binder) combine(op ast.SetOprType, l, r Node) (Node, error) {
	lc, rc := l.Columns(), r.Columns()
	if len(lc) != len(rc) {
		return nil, errorf(CodeSyntax, "each %s query must have the same number of columns", setOpName(op))
	}
	types := make([]arrow.DataType, len(lc))
	for i := range lc {
		dt, err := b.commonType([]exec.Expr{typedCol(lc[i]), typedCol(rc[i])})
		if err != nil {
			return nil, errorf(CodeDatatype, "%s types %v cannot be matched", setOpName(op), err)
		}
		types[i] = dt
		if arrow.TypeEqual(lc[i].Type, exec.TypeTag) && arrow.TypeEqual(rc[i].Type, exec.TypeTag) {
			types[i] = exec.TypeTag // tags beside tags stay dictionary-encoded, uncast
		}
	}
	cols := make([]Column, len(lc))
	for i := range cols {
		// A time, json or jsonb beside another type is no common type
		// (time and interval, jsonb and text), as in PostgreSQL.
		if lh, rh := heldOf(lc[i]), heldOf(rc[i]); lh != rh && !lc[i].Unknown && !rc[i].Unknown &&
			lc[i].Type.ID() != arrow.NULL && rc[i].Type.ID() != arrow.NULL {
			return nil, errorf(CodeDatatype, "%s types %s and %s cannot be matched", setOpName(op), columnTypeName(lc[i]), columnTypeName(rc[i]))
		}
		cols[i] = Column{Name: lc[i].Name, Type: types[i]}
		cols[i].TypmodPlus1, cols[i].Pad = setMods(lc[i], rc[i])
		// A quoted literal takes the other branch's PostgreSQL type too.
		lnull, rnull := lc[i].Type.ID() == arrow.NULL, rc[i].Type.ID() == arrow.NULL
		switch {
		// Its scale is its own digits', not the other branch's: the column
		// keeps the other's scale only beside a NULL.
		case (lc[i].Unknown || lnull) && !rc[i].Unknown && !rnull:
			cols[i].PGType, cols[i].Scale = narrowPG(rc[i].PGType, types[i]), rc[i].Scale
			if lc[i].Unknown {
				cols[i].Scale = 0
			}
			continue
		case (rc[i].Unknown || rnull) && !lc[i].Unknown && !lnull:
			cols[i].PGType, cols[i].Scale = narrowPG(lc[i].PGType, types[i]), lc[i].Scale
			if rc[i].Unknown {
				cols[i].Scale = 0
			}
			continue
		}
		// Branches of one PostgreSQL type keep it (name, int4, ...);
		// strings take the left one's, as select_common_type does.
		switch {
		case lc[i].PGType == rc[i].PGType || exec.IsText(types[i]):
			cols[i].PGType = narrowPG(lc[i].PGType, types[i])
		case types[i].ID() == arrow.INT64 || types[i].ID() == arrow.TIMESTAMP:
			// int2 with int4: int4; date with timestamp: timestamp.
			cols[i].PGType = commonPG(lc[i].PGType, rc[i].PGType, types[i])
		case types[i].ID() == arrow.FLOAT64 && (lc[i].PGType == 1700 && rc[i].Type.ID() == arrow.INT64 || rc[i].PGType == 1700 && lc[i].Type.ID() == arrow.INT64):
			cols[i].PGType = 1700 // integers with a numeric: numeric
		case types[i].ID() == arrow.FLOAT64 && (lc[i].PGType == 700 && (rc[i].PGType == 1700 || rc[i].Type.ID() == arrow.INT64) ||
			rc[i].PGType == 700 && (lc[i].PGType == 1700 || lc[i].Type.ID() == arrow.INT64)):
			cols[i].PGType = 700 // integers and numerics with a real: real
		}
		if lc[i].Scale == rc[i].Scale && cols[i].PGType == 1700 {
			cols[i].Scale = lc[i].Scale
		}
	}
	left, err := b.castColumns(l, types, cols, -1)
	if err != nil {
		return nil, err
	}
	right, err := b.castColumns(r, types, cols, -1)
	if err != nil {
		return nil, err
	}
	switch op {
	case ast.UnionAll:
		return &Union{Kids: []Node{left, right}, Cols: cols}, nil
	case ast.Union:
		return distinctAll(&Union{Kids: []Node{left, right}, Cols: cols}), nil
	case ast.Intersect, ast.Except, ast.IntersectAll, ast.ExceptAll:
		return b.intersectExcept(op, l, r, types, cols)
	}
	return nil, notSupported(setOpName(op) + " ALL")
}

func setOpName(op ast.SetOprType) string {
	switch op {
	case ast.Union, ast.UnionAll:
		return "UNION"
	case ast.Intersect, ast.IntersectAll:
		return "INTERSECT"
	}
	return "EXCEPT"
}

// heldOf is a column's held type (pgTime, pgJSON, pgJSONB) or 0.
func heldOf(c Column) uint32 {
	switch c.PGType {
	case pgTime, pgJSON, pgJSONB:
		return c.PGType
	}
	return 0
}

// columnTypeName names a column's PostgreSQL type, for messages.
func columnTypeName(c Column) string {
	switch c.PGType {
	case pgTime:
		return "time without time zone"
	case pgJSON, pgJSONB:
		return jsonTypeName(c.PGType)
	}
	if name, ok := exec.PGTypeNames()[int64(c.PGType)]; ok && c.PGType != 0 {
		return name
	}
	return exec.SQLTypeName(c.Type)
}

// typed is a stand-in expression of a type, for commonType.
func typed(dt arrow.DataType) exec.Expr { return &exec.Literal{V: nil, DT: fixNull(dt)} }

// typedCol is typed for a branch's column; a quoted literal stands in as
// one, whose type the other branch decides.
func typedCol(c Column) exec.Expr {
	if c.Unknown {
		return &unknownLit{Literal: exec.Literal{DT: exec.TypeText}}
	}
	return typed(c.Type)
}

func fixNull(dt arrow.DataType) arrow.DataType {
	if dt.ID() == arrow.NULL {
		return exec.TypeNull
	}
	return dt
}

// castColumns projects a node's columns to types (tags become text), with
// an optional extra constant column tag (branch ≥ 0) for INTERSECT/EXCEPT.
func (b *binder) castColumns(n Node, types []arrow.DataType, cols []Column, branch int) (Node, error) {
	in := n.Columns()
	exprs := make([]exec.Expr, 0, len(in)+1)
	out := append([]Column(nil), cols...)
	for i, c := range in {
		var x exec.Expr = &exec.Column{Index: i, Name: c.Name, DT: c.Type}
		if h := heldOf(cols[i]); h != 0 && c.Unknown && exec.IsText(c.Type) {
			// A quoted constant beside a time, json or jsonb: read as one.
			fn := map[uint32]string{pgTime: "__parse_time", pgJSON: "__json_in", pgJSONB: "__jsonb_in"}[h]
			cx, err := b.call(fn, []exec.Expr{x})
			if err != nil {
				return nil, err
			}
			exprs = append(exprs, cx)
			continue
		}
		if !arrow.TypeEqual(c.Type, types[i]) {
			if c.Type.ID() == arrow.NULL {
				x = &exec.Literal{V: nil, DT: types[i]}
			} else {
				x = &exec.Cast{X: x, To: types[i]}
			}
		}
		if x.Type().ID() == arrow.TIMESTAMP {
			// A date beside a timestamp is one, a timestamp beside a
			// timestamptz one; a quoted constant beside a timestamp is read
			// as one.
			var err error
			if c.Unknown && cols[i].PGType == 1114 && exec.IsText(c.Type) {
				x, err = b.call("__parse_wall_clock", []exec.Expr{&exec.Column{Index: i, Name: c.Name, DT: c.Type}})
			} else if from, to := timeKindOf(c.PGType), timeKindOf(cols[i].PGType); c.Type.ID() == arrow.TIMESTAMP && (from == 1114) != (to == 1114) {
				x, err = b.convertTime(x, from, to)
			}
			if err != nil {
				return nil, err
			}
		}
		if cols[i].PGType == 700 && c.PGType != 700 && c.Type.ID() != arrow.NULL {
			// Numbers beside a real are reals: rounded to single precision.
			var err error
			if x, err = b.call("__float4", []exec.Expr{x}); err != nil {
				return nil, err
			}
		}
		exprs = append(exprs, x)
	}
	if branch >= 0 {
		exprs = append(exprs, &exec.Literal{V: int64(branch), DT: exec.TypeInt})
		out = append(out, Column{Name: "__branch", Type: exec.TypeInt})
	}
	return &Project{Child: n, Exprs: exprs, Cols: out}, nil
}

// distinctAll removes duplicate rows (SQL DISTINCT: NULLs are equal).
func distinctAll(n Node) Node {
	cols := n.Columns()
	keys := make([]exec.Expr, len(cols))
	for i, c := range cols {
		keys[i] = &exec.Column{Index: i, Name: c.Name, DT: c.Type}
	}
	return &Aggregate{Child: n, Keys: keys, Cols: cols}
}

// intersectExcept groups both sides' rows (tagged 0 and 1) and keeps the
// groups present on both sides (INTERSECT) or on the left only (EXCEPT).
// setOpAll is INTERSECT ALL and EXCEPT ALL over the branch-tagged rows u:
// per distinct row, m copies on the left and n on the right give min(m, n)
// or m - n rows.
func (b *binder) setOpAll(op ast.SetOprType, u Node, branch exec.Expr, keys []exec.Expr, cols []Column) (Node, error) {
	one := &exec.Literal{V: int64(1), DT: exec.TypeInt}
	right := branch // 1 on the right, 0 on the left
	left, err := b.arith(exec.Sub, one, branch)
	if err != nil {
		return nil, err
	}
	agg, m, n := aggregatePair(u, keys, cols, exec.Agg{Func: exec.AggSum, Arg: left}, exec.Agg{Func: exec.AggSum, Arg: right}, "m", "n")
	var count exec.Expr
	if op == ast.IntersectAll {
		count = &exec.Cond{Kind: exec.Least, Args: []exec.Expr{m, n}, DT: exec.TypeInt}
	} else if count, err = b.arith(exec.Sub, m, n); err != nil {
		return nil, err
	}
	exprs := append(append([]exec.Expr(nil), keys...), count)
	project := &Project{Child: agg, Exprs: exprs, Cols: append(append([]Column(nil), cols...), Column{Name: "count", Type: exec.TypeInt})}
	return &Repeat{Child: project, Cols: cols}, nil
}

// aggregatePair groups the branch-tagged rows u by their columns (keys)
// computing two bigint aggregates, named a and b, and returns it with
// references to their columns.
func aggregatePair(u Node, keys []exec.Expr, cols []Column, x, y exec.Agg, a, b string) (Node, *exec.Column, *exec.Column) {
	aggCols := append(append([]Column(nil), cols...), Column{Name: a, Type: exec.TypeInt}, Column{Name: b, Type: exec.TypeInt})
	agg := &Aggregate{Child: u, Keys: keys, Aggs: []exec.Agg{x, y}, Cols: aggCols}
	return agg, &exec.Column{Index: len(cols), Name: a, DT: exec.TypeInt}, &exec.Column{Index: len(cols) + 1, Name: b, DT: exec.TypeInt}
}

// Repeat passes each row of its child as many times as its last column
// says, without that column (INTERSECT ALL, EXCEPT ALL).
type Repeat struct {
	Child Node
	Cols  []Column
}

func (n *Repeat) Columns() []Column { return n.Cols }
func (n *Repeat) Children() []Node  { return []Node{n.Child} }
func (n *Repeat) Describe() string  { return "Repeat: each row by its count" }

func (b *binder) intersectExcept(op ast.SetOprType, l, r Node, types []arrow.DataType, cols []Column) (Node, error) {
	left, err := b.castColumns(l, types, cols, 0)
	if err != nil {
		return nil, err
	}
	right, err := b.castColumns(r, types, cols, 1)
	if err != nil {
		return nil, err
	}
	tagged := append(append([]Column(nil), cols...), Column{Name: "__branch", Type: exec.TypeInt})
	u := &Union{Kids: []Node{left, right}, Cols: tagged}
	branch := &exec.Column{Index: len(cols), Name: "__branch", DT: exec.TypeInt}
	keys := make([]exec.Expr, len(cols))
	for i, c := range cols {
		keys[i] = &exec.Column{Index: i, Name: c.Name, DT: c.Type}
	}
	if op == ast.IntersectAll || op == ast.ExceptAll {
		return b.setOpAll(op, u, branch, keys, cols)
	}
	agg, minB, maxB := aggregatePair(u, keys, cols, exec.Agg{Func: exec.AggMin, Arg: branch}, exec.Agg{Func: exec.AggMax, Arg: branch}, "min", "max")
	var pred exec.Expr
	if op == ast.Intersect {
		pred = &exec.Logic{Op: exec.And, L: &exec.Compare{Op: exec.Eq, L: minB, R: &exec.Literal{V: int64(0), DT: exec.TypeInt}}, R: &exec.Compare{Op: exec.Eq, L: maxB, R: &exec.Literal{V: int64(1), DT: exec.TypeInt}}}
	} else {
		pred = &exec.Compare{Op: exec.Eq, L: maxB, R: &exec.Literal{V: int64(0), DT: exec.TypeInt}}
	}
	return &Project{Child: &Filter{Child: agg, Pred: pred}, Exprs: keys, Cols: cols}, nil
}
