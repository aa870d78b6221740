package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// Window computes window functions over its child's rows and appends their
// values as columns.
type Window struct {
	Child Node
	Funcs []*exec.WindowFunc
	Cols  []Column
	// Emit is 1 + the function whose PARTITION BY and ORDER BY order the
	// rows the window passes (rule window_sorted); 0: input order.
	Emit int
	// Keep: compute only the partitions a top-k sort above reads (rule
	// window_partition_limit); nil: all.
	Keep *windowKeep
}

func (n *Window) Columns() []Column { return n.Cols }
func (n *Window) Children() []Node  { return []Node{n.Child} }
func (n *Window) Describe() string {
	names := make([]string, len(n.Funcs))
	for i, f := range n.Funcs {
		names[i] = f.Name
	}
	s := "WindowAggr: " + strings.Join(names, ", ")
	if n.Emit > 0 {
		s += fmt.Sprintf(", rows in %s's order", n.Funcs[n.Emit-1].Name)
	}
	if k := n.Keep; k != nil {
		s += fmt.Sprintf(", first partitions by %s holding %d rows", sortKeysString(k.Order), k.Rows)
	}
	return s
}

// windowPlaceholder marks a window result before the window's final column
// index is known: index -(k+1) for the k-th window function.
func windowPlaceholder(k int, dt arrow.DataType) *exec.Column {
	return &exec.Column{Index: -(k + 1), Name: fmt.Sprintf("window%d", k), DT: dt}
}

// windowHook binds window function calls to placeholders.
func (q *selectBinder) windowHook(e ast.ExprNode) (exec.Expr, bool, error) {
	wf, ok := e.(*ast.WindowFuncExpr)
	if !ok {
		return nil, false, nil
	}
	x, err := q.bindWindow(wf)
	return x, true, err
}

var rankingFuncs = map[string]arrow.DataType{
	"row_number": exec.TypeInt, "rank": exec.TypeInt, "dense_rank": exec.TypeInt, "ntile": exec.TypeInt,
	"percent_rank": exec.TypeFloat, "cume_dist": exec.TypeFloat,
}

// windowAgg is wf as written: string_agg, bool_and, bool_or, every,
// stddev and variance OVER (...), which package sql spells
// max(__pg_window_agg('name', args...)) OVER (...), are wf with that name
// and those arguments (every as bool_and); others are wf.
func windowAgg(wf *ast.WindowFuncExpr) *ast.WindowFuncExpr {
	m, ok := firstArg(wf.Args).(*ast.FuncCallExpr)
	if !ok || !strings.EqualFold(wf.Name, "max") || m.FnName.L != sql.MarkerWindowAgg || len(m.Args) == 0 {
		return wf
	}
	c := *wf
	c.Name, c.Args = constText(m.Args[0]), m.Args[1:]
	if c.Name == "every" {
		c.Name = "bool_and"
	}
	return &c
}

func (q *selectBinder) bindWindow(wf *ast.WindowFuncExpr) (exec.Expr, error) {
	wf = windowAgg(wf)
	name := strings.ToLower(wf.Name)
	if wf.Distinct {
		return nil, &Error{Code: CodeNotSupported, Msg: "DISTINCT is not implemented for window functions"}
	}
	if wf.IgnoreNull || wf.FromLast {
		return nil, notSupported("IGNORE NULLS / FROM LAST")
	}
	spec, err := q.windowSpec(wf.Spec)
	if err != nil {
		return nil, err
	}
	f := &exec.WindowFunc{Name: name, Frame: exec.DefaultFrame}
	// Arguments are bound over the rows the window sees (grouped rows in a
	// grouped query), never containing another window call.
	arg := func(e ast.ExprNode) (exec.Expr, error) {
		if q.grouped {
			// Over gap-filled rows too: lag(locf(min(v))) OVER (...).
			return q.b.bindExprHook(q.in, e, func(e ast.ExprNode) (exec.Expr, bool, error) {
				if x, ok, err := q.gapfillHook(e); ok || err != nil {
					return x, ok, err
				}
				return q.postAgg(e)
			})
		}
		return q.b.bindExpr(q.in, e)
	}
	// Offsets and bucket counts are integers: an untyped literal or $n
	// (node-postgres sends them untyped) is read as one.
	intArg := map[string]int{"lag": 1, "lead": 1, "ntile": 0, "nth_value": 1}
	wargs := wf.Args
	if m, ok := firstArg(wargs).(*ast.FuncCallExpr); ok && m.FnName.L == sql.MarkerLagOffset && len(m.Args) == 2 && len(wargs) >= 2 {
		// lag(x, expr [, d]), which package sql spells as
		// lag(__pg_lag_offset(x, expr), 1 [, d]).
		wargs = append([]ast.ExprNode{m.Args[0], m.Args[1]}, wargs[2:]...)
	}
	// array_agg(x) FILTER (WHERE c) OVER w, which package sql spells
	// array_agg(x, __pg_window_filter(c)) OVER w: the elements of the rows
	// where c is not true are NULL, which the joined text skips.
	var filter exec.Expr
	if n := len(wargs); n > 0 {
		if m, ok := wargs[n-1].(*ast.FuncCallExpr); ok && m.FnName.L == sql.MarkerWindowFilter && len(m.Args) == 1 {
			c, err := arg(m.Args[0])
			if err != nil {
				return nil, err
			}
			if filter, err = q.b.coerce(c, exec.TypeBool); err != nil || filter.Type().ID() != arrow.BOOL {
				return nil, errorf(CodeDatatype, "argument of FILTER must be type boolean, not type %s", exec.SQLTypeName(settle(c).Type()))
			}
			wargs = wargs[:n-1]
		}
	}
	filtered := func(elem exec.Expr) exec.Expr {
		if filter == nil {
			return elem
		}
		return &exec.Case{Whens: []exec.Expr{filter}, Thens: []exec.Expr{elem}, DT: elem.Type()}
	}
	for i, a := range wargs {
		if name == "count" && i == 0 && isStar([]ast.ExprNode{a}) {
			f.Star = true
			continue
		}
		var x exec.Expr
		var err error
		k, isInt := intArg[name]
		isDefault := (name == "lag" || name == "lead") && i == 2 // takes the value's type below
		if isInt && k == i || isDefault {
			var hook hook
			if q.grouped {
				hook = q.postAgg
			}
			if x, err = q.b.bindNode(q.in, a, hook); err == nil && !isDefault {
				if _, unknown := x.(*unknownLit); unknown {
					x, err = q.b.coerce(x, exec.TypeInt)
				}
			}
		} else {
			x, err = arg(a)
		}
		if err != nil {
			return nil, err
		}
		if isInt && k == i && x.Type().ID() != arrow.INT64 && x.Type().ID() != arrow.NULL {
			return nil, errorf(CodeUndefinedFunc, "function %s with a %s %s does not exist", name, exec.SQLTypeName(x.Type()), map[bool]string{true: "bucket count", false: "offset"}[name == "ntile"])
		}
		f.Args = append(f.Args, x)
	}
	if name == "count" && len(wf.Args) == 0 {
		f.Star = true
	}
	for _, p := range spec.partition {
		x, err := arg(positionAsConstant(p))
		if err != nil {
			return nil, err
		}
		f.Partition = append(f.Partition, x)
	}
	for _, o := range spec.order {
		x, err := arg(positionAsConstant(o.Expr))
		if err != nil {
			return nil, err
		}
		if q.b.jsonOf(q.in, o.Expr, x) == pgJSONB && spec.frame == nil || arrayTypeOf(q.b.arrayTyped(q.in, o.Expr, x)) != 0 {
			if x, err = q.b.orderKey(q.in, o.Expr, x); err != nil {
				return nil, err
			}
		}
		f.Order = append(f.Order, exec.SortKey{Expr: x, Desc: o.Desc, NullsFirst: o.NullOrder})
	}
	if spec.frame != nil {
		if f.Frame, err = q.frame(spec.frame, f.Order); err != nil {
			return nil, err
		}
		f.Frame.Exclude = spec.exclude
	}
	// lead/lag default must have the value's type; a fractional default of
	// an integer value makes both numeric (lead(n, 1, 0.5)), as PostgreSQL
	// resolves them to a common type.
	if (name == "lag" || name == "lead") && len(f.Args) == 3 {
		v, d := f.Args[0].Type().ID(), f.Args[2].Type().ID()
		if v == arrow.INT64 && d == arrow.FLOAT64 {
			if f.Args[0], err = q.b.coerce(f.Args[0], exec.TypeFloat); err != nil {
				return nil, err
			}
		}
		if f.Args[2], err = q.b.coerce(f.Args[2], f.Args[0].Type()); err != nil {
			return nil, err
		}
	}
	if (name == "sum" || name == "avg") && len(f.Args) == 1 && f.Args[0].Type().ID() == arrow.FLOAT64 && q.pgTypeOf(wargs[0], f.Args[0]) == oidNumericPG {
		// Numerics: summed and averaged as decimals, as the grouped
		// aggregates are.
		f.Decimal, f.Places = true, -1
		if places := q.largestScale(wargs[0]); places >= 0 && places <= 15 {
			f.Places = places
		}
	}
	if (name == "sum" || name == "avg") && len(f.Args) == 1 && f.Args[0].Type().ID() == arrow.INTERVAL_MONTH_DAY_NANO {
		// As intervalAggregate: sums of the fields over the same window.
		parts, err := intervalParts(q.b, f.Args[0], name == "avg", func(x exec.Expr, count bool) (exec.Expr, error) {
			part := *f
			part.Name, part.Args, part.DT = "sum", []exec.Expr{x}, exec.TypeInt
			if count {
				part.Name = "count"
			}
			return windowPlaceholder(q.addWindow(&part, wf.Spec), part.DT), nil
		})
		if err != nil {
			return nil, err
		}
		return q.b.call("__interval_sum", parts)
	}
	var wrap func(exec.Expr) exec.Expr
	if dt, ok := rankingFuncs[name]; ok {
		f.DT = dt
	} else {
		switch name {
		case "lag", "lead", "first_value", "last_value", "nth_value", "min", "max":
			if len(f.Args) == 0 {
				return nil, errorf(CodeUndefinedFunc, "function %s() needs an argument", name)
			}
			f.DT = valueType(f.Args[0].Type())
		case "count":
			f.DT = exec.TypeInt
		case "sum", "avg":
			if len(f.Args) != 1 {
				return nil, errorf(CodeUndefinedFunc, "function %s takes one argument", name)
			}
			switch f.Args[0].Type().ID() {
			case arrow.INT64, arrow.FLOAT64, arrow.UINT64, arrow.NULL:
			default: // sum(timestamptz), avg(text): PostgreSQL has none
				return nil, errorf(CodeUndefinedFunc, "function %s(%s) does not exist", name, q.b.pgTypeName(q.in, wargs[0], f.Args[0]))
			}
			f.DT = exec.TypeFloat
			if name == "sum" && f.Args[0].Type().ID() == arrow.INT64 {
				f.DT = exec.TypeInt
			}
		case "bool_and", "bool_or":
			if len(f.Args) != 1 || f.Args[0].Type().ID() != arrow.BOOL && f.Args[0].Type().ID() != arrow.NULL {
				return nil, errorf(CodeUndefinedFunc, "function %s takes one boolean argument", name)
			}
			f.DT = exec.TypeBool
		case "string_agg":
			if len(f.Args) != 2 {
				return nil, errorf(CodeUndefinedFunc, "function string_agg takes (value, delimiter)")
			}
			for i, a := range f.Args {
				if f.Args[i], err = q.b.coerce(a, exec.TypeText); err != nil {
					return nil, err
				}
				f.Args[i] = settle(f.Args[i])
				if !exec.IsText(f.Args[i].Type()) && f.Args[i].Type().ID() != arrow.NULL {
					return nil, errorf(CodeUndefinedFunc, "function string_agg(%s, %s) does not exist", exec.SQLTypeName(f.Args[0].Type()), exec.SQLTypeName(a.Type()))
				}
			}
			f.DT = exec.TypeText
		case "array_agg":
			// string_agg of the elements' array text over the same frame.
			if len(f.Args) != 1 {
				return nil, errorf(CodeUndefinedFunc, "function array_agg takes one argument")
			}
			elemText, pg, err := q.arrayElem(wargs[0], f.Args[0])
			if err != nil {
				return nil, err
			}
			f.Name, f.Args, f.DT = "string_agg", []exec.Expr{filtered(elemText), &exec.Literal{V: ",", DT: exec.TypeText}}, exec.TypeText
			wrap = func(joined exec.Expr) exec.Expr { return bracedArray(joined, pg) }
		case "json_agg", "jsonb_agg":
			// string_agg of the elements' JSON text over the same frame,
			// bracketed.
			if len(f.Args) != 1 {
				return nil, errorf(CodeUndefinedFunc, "function %s takes one argument", name)
			}
			if isWholeRow(f.Args[0]) || strings.HasPrefix(q.b.jsonKind(q.in, wargs[0], f.Args[0]), "array:") {
				return nil, notSupported(name + " of rows or arrays over a window")
			}
			pg := jsonAggregates[name]
			j, err := q.b.jsonAggValue(q.in, wargs[0], f.Args[0], pg == pgJSONB)
			if err != nil {
				return nil, err
			}
			f.Name, f.Args, f.DT = "string_agg", []exec.Expr{filtered(jsonElem(j)), &exec.Literal{V: ", ", DT: exec.TypeText}}, exec.TypeText
			wrap = func(joined exec.Expr) exec.Expr {
				return &rowFunc{name: name, args: []exec.Expr{joined}, dt: exec.TypeText, pg: pg, strict: true,
					fn: func(v []any) (any, error) { return "[" + v[0].(string) + "]", nil }}
			}
		case "stddev", "variance", "stddev_samp", "stddev_pop", "var_samp", "var_pop":
			if len(f.Args) != 1 || !exec.IsWindowMoment(name) {
				return nil, errorf(CodeUndefinedFunc, "function %s takes one argument", name)
			}
			f.DT = exec.TypeFloat
		default:
			return nil, errorf(CodeUndefinedFunc, "window function %s does not exist", name)
		}
	}
	k := q.addWindow(f, wf.Spec)
	if wrap != nil {
		return wrap(windowPlaceholder(k, f.DT)), nil
	}
	return windowPlaceholder(k, f.DT), nil
}

// addWindow adds f, computed over window spec, to the query's window
// functions and returns its number. It notes where PostgreSQL defines the
// window (windowOrder): the WINDOW clause's windows come first, in their
// order (OVER w), then the ones written in OVER (...), as they appear.
func (q *selectBinder) addWindow(f *exec.WindowFunc, spec ast.WindowSpec) int {
	def := len(q.sel.WindowSpecs) + len(q.wins)
	if spec.Name.O != "" {
		for i, named := range q.sel.WindowSpecs {
			if named.Name.O == spec.Name.O {
				def = i
				break
			}
		}
	}
	q.wins = append(q.wins, f)
	q.winDefs = append(q.winDefs, def)
	return len(q.wins) - 1
}

// windowOrder is the order PostgreSQL's plan leaves the rows of a query
// without ORDER BY in after its window functions, which users read as the
// query's order (SELECT x, row_number() OVER (ORDER BY x) FROM t lists the
// rows by x); nil when no window sorts. PostgreSQL numbers each window's
// keys as it meets them (windows in definition order, each one's ORDER BY
// before its PARTITION BY), sorts the windows by their keys' numbers,
// highest first, then DESC before ASC, NULLS FIRST before LAST, and of two
// where one's keys begin the other's the longer first (its
// common_prefix_cmp), and computes them in that order, sorting the rows
// again only where the rows are not already in a window's order (PARTITION
// BY keys ascending, then ORDER BY's). The last sort is the rows' order,
// its ties in the order of the sort before (PostgreSQL's sorts of a few
// rows keep their input order).
func (q *selectBinder) windowOrder() []exec.SortKey {
	type key struct {
		ref        int
		desc       bool
		nullsFirst bool
	}
	type window struct {
		keys []exec.SortKey
		ids  []key
	}
	refs := map[string]int{}
	ref := func(x exec.Expr) int {
		id := exprID(x)
		if _, ok := refs[id]; !ok {
			refs[id] = len(refs) + 1
		}
		return refs[id]
	}
	byDef := make([]int, len(q.wins))
	for i := range byDef {
		byDef[i] = i
	}
	slices.SortStableFunc(byDef, func(a, b int) int { return q.winDefs[a] - q.winDefs[b] })
	wins := make([]window, len(q.wins))
	for _, i := range byDef {
		f := q.wins[i]
		for _, o := range f.Order {
			ref(o.Expr)
		}
		var w window
		add := func(k exec.SortKey) {
			id := key{ref(k.Expr), k.Desc, k.NullsFirst}
			if !slices.Contains(w.ids, id) {
				w.keys, w.ids = append(w.keys, k), append(w.ids, id)
			}
		}
		for _, p := range f.Partition {
			add(exec.SortKey{Expr: p})
		}
		for _, o := range f.Order {
			add(o)
		}
		wins[i] = w
	}
	slices.SortStableFunc(wins, func(a, b window) int {
		for i := 0; i < len(a.ids) && i < len(b.ids); i++ {
			x, y := a.ids[i], b.ids[i]
			switch {
			case x.ref != y.ref:
				return y.ref - x.ref
			case x.desc != y.desc && x.desc, x.desc == y.desc && x.nullsFirst != y.nullsFirst && x.nullsFirst:
				return -1
			case x != y:
				return 1
			}
		}
		return len(b.ids) - len(a.ids)
	})
	var order []key
	var keys []exec.SortKey
	for _, w := range wins {
		if len(w.ids) > len(order) || !slices.Equal(w.ids, order[:len(w.ids)]) {
			// A stable sort by w's keys, then the order the rows were in.
			order, keys = append(slices.Clip(w.ids), order...), append(slices.Clip(w.keys), keys...)
		}
	}
	return keys
}

// positionAsConstant is e, except that an integer, which TiDB's grammar
// reads in an ORDER BY or PARTITION BY as a position, is the constant it
// is in a window's (OVER (ORDER BY 1) orders by nothing).
func positionAsConstant(e ast.ExprNode) ast.ExprNode {
	if p, ok := e.(*ast.PositionExpr); ok && p.P == nil {
		return ast.NewValueExpr(int64(p.N), "", "")
	}
	return e
}

func valueType(dt arrow.DataType) arrow.DataType {
	if exec.IsText(dt) {
		return exec.TypeText
	}
	return dt
}

type windowSpec struct {
	partition []ast.ExprNode
	order     []*ast.ByItem
	frame     *ast.FrameClause
	exclude   exec.FrameExclude // the frame's EXCLUDE clause
}

// frameExclude takes the EXCLUDE clause package sql wrote as the last
// ORDER BY item (sql.MarkerFrameExclude) off window spec s; a spec whose
// only item it was has no ORDER BY.
func frameExclude(s ast.WindowSpec) (ast.WindowSpec, exec.FrameExclude) {
	if s.OrderBy == nil || len(s.OrderBy.Items) == 0 {
		return s, exec.ExcludeNoOthers
	}
	items := s.OrderBy.Items
	m, ok := items[len(items)-1].Expr.(*ast.FuncCallExpr)
	if !ok || m.FnName.L != sql.MarkerFrameExclude || len(m.Args) != 1 {
		return s, exec.ExcludeNoOthers
	}
	mode := map[string]exec.FrameExclude{"current row": exec.ExcludeCurrentRow, "group": exec.ExcludeGroup, "ties": exec.ExcludeTies}[constText(m.Args[0])]
	if len(items) == 1 {
		s.OrderBy = nil
	} else {
		ob := *s.OrderBy
		ob.Items = items[:len(items)-1]
		s.OrderBy = &ob
	}
	return s, mode
}

// windowSpec resolves OVER (...) and OVER w against the WINDOW clause.
func (q *selectBinder) windowSpec(s ast.WindowSpec) (windowSpec, error) {
	return q.resolveWindow(s, len(q.sel.WindowSpecs))
}

// resolveWindow resolves s, which may name (OVER w) or build on (OVER (w
// ORDER BY ...), WINDOW w2 AS (w ...)) one of the first `before` windows
// of the WINDOW clause, with PostgreSQL's rules: the one built on keeps
// its PARTITION BY, gives its ORDER BY unless it has none, and must not
// have a frame.
func (q *selectBinder) resolveWindow(s ast.WindowSpec, before int) (windowSpec, error) {
	var out windowSpec
	s, exclude := frameExclude(s)
	ref := s.Name.O
	if ref == "" {
		ref = s.Ref.O
	}
	if ref == "" {
		return q.ownClauses(s, exclude, out), nil
	}
	at := -1
	for i, named := range q.sel.WindowSpecs[:before] {
		if named.Name.O == ref {
			at = i
			break
		}
	}
	if at < 0 {
		return out, errorf("42704", "window %q does not exist", ref)
	}
	named := q.sel.WindowSpecs[at]
	base, err := q.resolveWindow(ast.WindowSpec{Ref: named.Ref, PartitionBy: named.PartitionBy, OrderBy: named.OrderBy, Frame: named.Frame}, at)
	if err != nil {
		return out, err
	}
	if s.Name.O != "" {
		return base, nil // OVER w: w as defined
	}
	switch {
	case s.PartitionBy != nil:
		return out, errorf("42P20", "cannot override PARTITION BY clause of window %q", ref)
	case s.OrderBy != nil && base.order != nil:
		return out, errorf("42P20", "cannot override ORDER BY clause of window %q", ref)
	case base.frame != nil:
		return out, errorf("42P20", "cannot copy window %q because it has a frame clause", ref)
	}
	return q.ownClauses(s, exclude, base), nil
}

// ownClauses adds s's own PARTITION BY, ORDER BY and frame to out.
func (q *selectBinder) ownClauses(s ast.WindowSpec, exclude exec.FrameExclude, out windowSpec) windowSpec {
	if s.PartitionBy != nil {
		for _, item := range s.PartitionBy.Items {
			out.partition = append(out.partition, item.Expr)
		}
	}
	if s.OrderBy != nil {
		out.order = s.OrderBy.Items
	}
	if s.Frame != nil {
		out.frame, out.exclude = s.Frame, exclude
	}
	return out
}

func (q *selectBinder) frame(fc *ast.FrameClause, order []exec.SortKey) (exec.Frame, error) {
	f := exec.Frame{Rows: fc.Type == ast.Rows, Groups: fc.Type == ast.Groups}
	if f.Groups && len(order) == 0 {
		return f, errorf("42P20", "GROUPS mode requires an ORDER BY clause")
	}
	// GROUPS offsets count groups, as ROWS offsets count rows.
	mode := "RANGE"
	switch {
	case f.Rows:
		mode = "ROWS"
	case f.Groups:
		mode = "GROUPS"
	}
	var err error
	if f.Start, err = q.bound(fc.Extent.Start, mode, "starting", order); err != nil {
		return f, err
	}
	if f.End, err = q.bound(fc.Extent.End, mode, "ending", order); err != nil {
		return f, err
	}
	// The frames PostgreSQL's grammar refuses.
	switch s, e := f.Start.Kind, f.End.Kind; {
	case s == exec.UnboundedFollowing:
		return f, errorf("42P20", "frame start cannot be UNBOUNDED FOLLOWING")
	case e == exec.UnboundedPreceding:
		return f, errorf("42P20", "frame end cannot be UNBOUNDED PRECEDING")
	case s == exec.CurrentRow && e == exec.Preceding:
		return f, errorf("42P20", "frame starting from current row cannot have preceding rows")
	case s == exec.Following && (e == exec.Preceding || e == exec.CurrentRow):
		return f, errorf("42P20", "frame starting from following row cannot have preceding rows")
	}
	return f, nil
}

// rangeOffset binds the offset of a RANGE frame bound: a constant of the
// ORDER BY key's kind, an interval for a timestamp key, a number for a
// numeric one, never negative.
func (q *selectBinder) rangeOffset(e ast.ExprNode, which string, order []exec.SortKey) (any, error) {
	if len(order) != 1 {
		return nil, errorf("42P20", "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column")
	}
	key := order[0].Expr.Type()
	// Not bindExpr: a quoted '1' or an untyped $n is read as the offset
	// type.
	x, err := q.b.bindNode(q.in, e, nil)
	if err != nil {
		return nil, err
	}
	if _, unknown := x.(*unknownLit); unknown && key.ID() != arrow.TIMESTAMP {
		want := exec.TypeInt
		if key.ID() == arrow.FLOAT64 {
			want = exec.TypeFloat
		}
		if x, err = q.b.coerce(x, want); err != nil {
			return nil, err
		}
	}
	switch key.ID() {
	case arrow.TIMESTAMP:
		if x, err = q.b.coerce(x, exec.TypeInterval); err != nil {
			return nil, err
		}
	case arrow.INT64, arrow.UINT64, arrow.FLOAT64:
		if id := x.Type().ID(); id != arrow.INT64 && id != arrow.FLOAT64 && id != arrow.UINT64 && id != arrow.NULL {
			return nil, errorf(CodeDatatype, "RANGE offset for a %s ORDER BY column must be a number, not %s", exec.SQLTypeName(key), exec.SQLTypeName(x.Type()))
		}
		if key.ID() != arrow.FLOAT64 && x.Type().ID() == arrow.FLOAT64 {
			// An integer key takes integer offsets only (in_range of int8).
			offType := exec.SQLTypeName(x.Type())
			if pg := q.pgTypeOf(e, x); pg != 0 {
				offType = typeName(int64(pg))
			}
			err := errorf(CodeNotSupported, "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s and offset type %s",
				exec.SQLTypeName(key), offType)
			err.Hint = "Cast the offset value to an appropriate type."
			return nil, err
		}
	default:
		return nil, notSupported(fmt.Sprintf("RANGE with offset PRECEDING/FOLLOWING for column type %s", exec.SQLTypeName(key)))
	}
	lit, err := q.frameConstant(x, which) // folded there
	if err != nil || lit.V == nil {
		return nil, err // lit.V nil: a $n being described
	}
	negative := false
	switch v := lit.V.(type) {
	case int64:
		negative = v < 0
	case float64:
		negative = v < 0
	case arrow.MonthDayNanoInterval:
		negative = v.Months < 0 || v.Days < 0 || v.Nanoseconds < 0
	}
	if negative {
		return nil, errorf("22013", "invalid preceding or following size in window function")
	}
	return lit.V, nil
}

// frameConstant is frame offset x, folded, as a constant; which names
// the bound ("starting", "ending") in the errors. A $n being described
// gives a NULL constant.
func (q *selectBinder) frameConstant(x exec.Expr, which string) (*exec.Literal, error) {
	x, err := q.b.fold(x)
	if err != nil {
		return nil, err
	}
	lit, ok := x.(*exec.Literal)
	switch {
	case q.b.describe && (!ok || lit.V == nil):
		return &exec.Literal{V: nil, DT: x.Type()}, nil
	case !ok:
		return nil, notSupported("a frame offset that is not a constant")
	case lit.V == nil:
		return nil, errorf("22004", "frame %s offset must not be null", which)
	}
	return lit, nil
}

// bound binds a frame's start or end (which: "starting", "ending") in
// mode ROWS, RANGE or GROUPS. An offset is an expression without columns,
// of the ORDER BY key's kind for RANGE, a bigint for ROWS and GROUPS.
func (q *selectBinder) bound(b ast.FrameBound, mode, which string, order []exec.SortKey) (exec.Bound, error) {
	switch b.Type {
	case ast.CurrentRow:
		return exec.Bound{Kind: exec.CurrentRow}, nil
	case ast.Preceding, ast.Following:
		kind := exec.Preceding
		if b.Type == ast.Following {
			kind = exec.Following
		}
		if b.UnBounded {
			if kind == exec.Preceding {
				return exec.Bound{Kind: exec.UnboundedPreceding}, nil
			}
			return exec.Bound{Kind: exec.UnboundedFollowing}, nil
		}
		if usesColumns(b.Expr) {
			return exec.Bound{}, errorf("42P10", "argument of %s must not contain variables", mode)
		}
		if mode == "RANGE" {
			v, err := q.rangeOffset(b.Expr, which, order)
			if err != nil {
				return exec.Bound{}, err
			}
			return exec.Bound{Kind: kind, Value: v}, nil
		}
		x, err := q.b.constBigint(b.Expr, mode)
		if err != nil {
			return exec.Bound{}, err
		}
		lit, err := q.frameConstant(x, which)
		if err != nil {
			return exec.Bound{}, err
		}
		n, _ := lit.V.(int64)
		if n < 0 {
			return exec.Bound{}, errorf("22013", "frame %s offset must not be negative", which)
		}
		return exec.Bound{Kind: kind, N: n}, nil
	}
	return exec.Bound{}, errorf(CodeSyntax, "unknown frame bound")
}
