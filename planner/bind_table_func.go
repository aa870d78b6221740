package planner

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// Table functions in FROM (package sql's __pg_table_function marker).
// generate_series over constant bounds is materialized as a Values node;
// catalog queries (pgjdbc's TypeInfoCache) and gap-filling joins use it.

// isTableFunction reports a FROM item package sql made of f(args) and
// returns the call.
func isTableFunction(n ast.ResultSetNode) (*ast.FuncCallExpr, bool) {
	sel, ok := n.(*ast.SelectStmt)
	if !ok || sel.From != nil || sel.Fields == nil || len(sel.Fields.Fields) != 1 {
		return nil, false
	}
	f, ok := sel.Fields.Fields[0].Expr.(*ast.FuncCallExpr)
	if !ok || f.FnName.L != sql.MarkerTableFunction && f.FnName.L != sql.MarkerTableFunctionOrdinality || len(f.Args) == 0 {
		return nil, false
	}
	return f, true
}

// tableFunctionFrom binds a function in FROM, numbering its rows in a
// column after its own when it is WITH ORDINALITY (named by the alias's
// next column name, else ordinality).
func (b *binder) tableFunctionFrom(f *ast.FuncCallExpr, alias string, colNames []ast.CIStr) (*scope, error) {
	if f.FnName.L != sql.MarkerTableFunctionOrdinality {
		return b.tableFunction(f, alias, colNames)
	}
	s, err := b.tableFunction(f, alias, colNames)
	if err != nil {
		return nil, err
	}
	cols := scopeColumns(s)
	name := "ordinality"
	if len(colNames) > len(cols)+1 {
		return nil, errorf("42P10", "table %q has %d columns available but %d columns specified", alias, len(cols)+1, len(colNames))
	}
	if len(colNames) > len(cols) {
		name = colNames[len(cols)].O
	}
	if alias == "" {
		alias = s.cols[0].table
	}
	node := &Ordinality{Child: s.node, Cols: append(cols, Column{Name: name, Type: exec.TypeInt})}
	return derivedScope(node, alias), nil
}

// scopeColumns are the columns of a FROM item's node with the numeric
// scales its scope knows (unnest(ARRAY[1.50, 2.25]): 2).
func scopeColumns(s *scope) []Column {
	cols := slices.Clone(s.node.Columns())
	for _, c := range s.cols {
		if c.index >= 0 && c.index < len(cols) && c.scale > 0 && !c.system {
			cols[c.index].Scale = c.scale
		}
	}
	return cols
}

// Ordinality numbers its child's rows from 1 in a last column (WITH
// ORDINALITY).
type Ordinality struct {
	Child Node
	Cols  []Column
}

func (n *Ordinality) Columns() []Column { return n.Cols }
func (n *Ordinality) Children() []Node  { return []Node{n.Child} }
func (n *Ordinality) Describe() string  { return "Ordinality: " + n.Cols[len(n.Cols)-1].Name }

// maxSeriesRows bounds generate_series in FROM, which is materialized.
const maxSeriesRows = 1 << 20

// tableFunction binds a function in FROM. generate_series(start, stop
// [, step]) over integers is supported, with constant arguments.
func (b *binder) tableFunction(f *ast.FuncCallExpr, alias string, colNames []ast.CIStr) (*scope, error) {
	f, defs := splitColumnDefs(f)
	if name := constText(f.Args[0]); jsonRecordFunctions[name] != (defs != nil) {
		if defs == nil {
			return nil, errorf(CodeSyntax, "a column definition list is required for functions returning \"record\"")
		}
		return nil, errorf(CodeSyntax, "a column definition list is only allowed for functions returning \"record\"")
	}
	if len(f.Args) == 2 && constText(f.Args[0]) == "unnest" {
		if sel, call, ok := lttbCall(f.Args[1]); ok {
			if alias == "" {
				alias = "unnest"
			}
			return b.unnestLTTB(sel, call, alias, colNames)
		}
	}
	if constText(f.Args[0]) == sql.RowsFromFunction {
		return b.rowsFrom(f.Args[1:], alias, colNames)
	}
	if constText(f.Args[0]) == "unnest" && len(f.Args) > 2 {
		// unnest(a, b, ...) in FROM is ROWS FROM (unnest(a), unnest(b), ...).
		calls := make([]ast.ExprNode, len(f.Args)-1)
		for i, a := range f.Args[1:] {
			calls[i] = &ast.FuncCallExpr{Tp: ast.FuncCallExprTypeGeneric, FnName: ast.NewCIStr("unnest"), Args: []ast.ExprNode{a}}
		}
		if alias == "" {
			alias = "unnest"
		}
		return b.rowsFrom(calls, alias, colNames)
	}
	if name := constText(f.Args[0]); timescaleFunc(name) != nil {
		col := alias
		if alias == "" {
			alias, col = name, name
		}
		if len(colNames) > 0 {
			col = colNames[0].O
		}
		return timescaleFunc(name)(b, name, f, alias, col)
	}
	if name := constText(f.Args[0]); name == "hypertable_detailed_size" || name == "chunks_detailed_size" {
		if alias == "" {
			alias = name
		}
		return b.detailedSize(name, f, alias, colNames)
	}
	if name := constText(f.Args[0]); compressionStatsFuncs[name] {
		return b.compressionStats(name, f, alias, colNames)
	}
	empty := &scope{}
	args := make([]exec.Expr, len(f.Args)-1)
	for i, a := range f.Args[1:] {
		x, err := b.bindNode(empty, a, nil)
		if err != nil {
			return nil, err
		}
		args[i] = x
	}
	nameX, err := b.bindNode(empty, f.Args[0], nil)
	if err != nil {
		return nil, err
	}
	name := ""
	if l, ok := settle(nameX).(*exec.Literal); ok {
		name, _ = l.V.(string)
	}
	col := alias
	if alias == "" {
		alias, col = name, name
	}
	if len(colNames) > 0 {
		col = colNames[0].O
	}
	if name == "unnest" {
		s, err := b.unnest(args, alias, col)
		if err == nil && len(f.Args) == 2 && len(s.cols) == 1 && s.cols[0].pg == oidNumericPG {
			// The elements' shared scale: unnest(ARRAY[1.50, 2.25]) is 1.50, 2.25.
			if sc := (&selectBinder{b: b, in: b.tableFuncScope()}).arrayElemScale(f.Args[1]); sc > 0 {
				s.cols[0].scale = sc
			}
		}
		return s, err
	}
	if jsonRecordFunctions[name] {
		return b.jsonToRecord(name, f.Args[1], args, alias, defs)
	}
	if jsonTableFunctions[name] {
		return b.jsonTable(name, f.Args[1], args, alias, colNames)
	}
	if name == "jsonb_path_query" || name == "jsonb_path_query_tz" {
		return b.jsonPathTable(name, f.Args[1:], args, alias, col)
	}
	if name == "regexp_matches" {
		tf, err := b.regexpMatches(args, col)
		if err != nil {
			return nil, err
		}
		return derivedScope(tf, alias), nil
	}
	if name == "regexp_split_to_table" || name == "string_to_table" {
		// The elements of regexp_split_to_array(s, pattern [, flags]) or
		// string_to_array(s, delimiter [, null_string]).
		var arr exec.Expr
		var err error
		if name == "string_to_table" {
			arr, err = b.stringToArray(args)
		} else {
			arr, err = b.regexpArray(name, args)
		}
		if err != nil {
			return nil, err
		}
		return b.unnest([]exec.Expr{arr}, alias, col)
	}
	if name == "_pg_expandarray" {
		tf, err := b.expandArrayTable(args, col)
		if err != nil {
			return nil, err
		}
		return derivedScope(tf, alias), nil
	}
	if name == "generate_subscripts" {
		tf, err := b.generateSubscripts(args, col)
		if err != nil {
			return nil, err
		}
		return derivedScope(tf, alias), nil
	}
	if name == "pg_get_keywords" && len(args) == 0 {
		return keywordsScope(alias), nil
	}
	if name != "generate_series" {
		return b.scalarInFrom(name, f.Args[1:], alias, col)
	}
	if len(args) < 2 || len(args) > 3 {
		return nil, errorf(CodeUndefinedFunc, "function generate_series takes two or three arguments")
	}
	// generate_series(int4, int4) is int4; with a bigint argument, bigint.
	argScope := b.outer // a LATERAL function's arguments name the left side
	if argScope == nil {
		argScope = empty
	}
	pg := uint32(23)
	// timestamp (without time zone) bounds, or one and a quoted literal
	// PostgreSQL reads as one: a series of timestamps.
	wall, zoned := false, false
	for i, a := range f.Args[1:] {
		t := (&selectBinder{b: b, in: argScope}).pgTypeOf(a, args[i])
		if _, isParam := a.(*driver.ParamMarkerExpr); isParam {
			t = 23 // an untyped $n bound: int4, as PostgreSQL resolves generate_series(1, $1)
		}
		if t != 21 && t != 23 {
			pg = 0
		}
		if _, untyped := args[i].(*unknownLit); i < 2 && !untyped {
			// A date takes either type: a timestamp beside it decides.
			wall = wall || t == 1114
			zoned = zoned || t != 1114 && t != 1082 && args[i].Type().ID() == arrow.TIMESTAMP
		}
	}
	wallClock := wall && !zoned
	if wall && zoned {
		// A timestamp beside a timestamptz: the instant of its reading
		// (generate_series(timestamptz, timestamptz, interval)).
		for i := range min(2, len(args)) {
			if (&selectBinder{b: b, in: argScope}).timeKind(f.Args[1+i], args[i]) == 1114 {
				if args[i], err = b.toInstant(args[i]); err != nil {
					return nil, err
				}
			}
		}
	}
	if wallClock {
		// Readings: a date bound is its midnight's, a quoted one read as
		// a timestamp.
		for i := range min(2, len(args)) {
			var quoted bool
			if args[i], quoted, err = b.quotedReading(args[i]); err == nil && !quoted &&
				(&selectBinder{b: b, in: argScope}).pgTypeOf(f.Args[1+i], args[i]) == 1082 {
				args[i], err = b.toWall(args[i])
			}
			if err != nil {
				return nil, err
			}
		}
	}
	if hasFloat(args) && !hasTimestamp(args) {
		return b.numericSeries(argScope, f.Args[1:], args, alias, col)
	}
	node, err := b.series(args, col)
	if isNotSupported(err) && !hasTimestamp(args) {
		for i := range args {
			if args[i], err = b.coerce(args[i], exec.TypeInt); err != nil {
				return nil, err
			}
		}
		s := runtimeSeries(args, col)
		s.Cols[0].PGType = pg
		return derivedScope(s, alias), nil
	}
	if isNotSupported(err) && len(args) == 3 {
		// Timestamps known when the query runs.
		want := []arrow.DataType{exec.TypeTimestamptz, exec.TypeTimestamptz, exec.TypeInterval}
		for i := range args {
			if args[i], err = b.coerce(args[i], want[i]); err != nil {
				return nil, err
			}
			args[i] = settle(args[i])
		}
		var tpg uint32
		if wallClock {
			tpg = 1114
		}
		return derivedScope(runtimeTimeSeries(args, col, tpg), alias), nil
	}
	if err != nil {
		return nil, err
	}
	switch c := &node.Columns()[0]; {
	case c.Type.ID() == arrow.INT64:
		c.PGType = pg
	case c.Type.ID() == arrow.TIMESTAMP && wallClock:
		c.PGType = 1114
	}
	return derivedScope(node, alias), nil
}

// RowsFrom runs its children side by side: row i of each, NULLs for a
// child that has ended, until all have (ROWS FROM (f(...), g(...))).
type RowsFrom struct {
	Kids []Node
	Cols []Column
}

func (n *RowsFrom) Columns() []Column { return n.Cols }
func (n *RowsFrom) Children() []Node  { return n.Kids }
func (n *RowsFrom) Describe() string  { return fmt.Sprintf("RowsFrom: %d functions", len(n.Kids)) }

// rowsFrom binds ROWS FROM (f(...), g(...), ...): each call as a function
// in FROM, its columns named as there with no alias (the function's name,
// or its own columns' names), then colNames over all of them in order.
func (b *binder) rowsFrom(calls []ast.ExprNode, alias string, colNames []ast.CIStr) (*scope, error) {
	if len(calls) == 0 {
		return nil, errorf(CodeSyntax, "syntax error at or near \")\"")
	}
	if alias == sql.RowsFromAlias {
		alias = ""
	}
	n := &RowsFrom{}
	for _, c := range calls {
		if _, agg := unparen(c).(*ast.AggregateFuncExpr); agg {
			return nil, errorf(CodeGrouping, "aggregate functions are not allowed in functions in FROM")
		}
		call, ok := unparen(c).(*ast.FuncCallExpr)
		if !ok || strings.HasPrefix(call.FnName.L, "__pg_") {
			return nil, &Error{Code: CodeSyntax, Msg: "ROWS FROM takes function calls", Hint: "write ROWS FROM (f(...), g(...)), each item a call of a function"}
		}
		marker := &ast.FuncCallExpr{Tp: ast.FuncCallExprTypeGeneric, FnName: ast.NewCIStr(sql.MarkerTableFunction),
			Args: append([]ast.ExprNode{ast.NewValueExpr(call.FnName.L, "", "")}, call.Args...)}
		if len(calls) == 1 {
			// ROWS FROM (f(...)) AS t is f(...) AS t (t names its column).
			return b.tableFunction(marker, alias, colNames)
		}
		s, err := b.tableFunction(marker, "", nil)
		if err != nil {
			return nil, err
		}
		n.Kids = append(n.Kids, s.node)
		n.Cols = append(n.Cols, scopeColumns(s)...)
	}
	// More names than columns is the caller's error (WITH ORDINALITY
	// names one more).
	for i := range min(len(colNames), len(n.Cols)) {
		n.Cols[i].Name = colNames[i].O
	}
	if alias == "" {
		alias = "rows_from"
	}
	return derivedScope(n, alias), nil
}

// series binds generate_series(start, stop [, step]) over constant
// integers, or timestamps with an interval step, as a Series streamed
// when it runs (empty when an argument is NULL).
func (b *binder) series(args []exec.Expr, col string) (Node, error) {
	dt := exec.TypeInt
	for _, a := range args[:2] {
		if _, ok := a.(*unknownLit); !ok && a.Type().ID() == arrow.TIMESTAMP {
			dt = exec.TypeTimestamptz
		}
	}
	cols := []Column{{Name: col, Type: dt}}
	vals := make([]*exec.Literal, len(args))
	for i, a := range args {
		want := dt
		if i == 2 && dt.ID() == arrow.TIMESTAMP {
			want = exec.TypeInterval
		}
		c, err := b.coerce(a, want)
		if err != nil {
			return nil, err
		}
		if c, err = b.fold(c); err != nil {
			return nil, err
		}
		l, ok := c.(*exec.Literal)
		if !ok {
			return nil, notSupported("generate_series in FROM with non-constant arguments")
		}
		if l.V == nil {
			return &Values{Cols: cols}, nil
		}
		vals[i] = l
	}
	if dt.ID() == arrow.TIMESTAMP && len(vals) < 3 {
		return nil, errorf(CodeUndefinedFunc, "function generate_series(timestamp with time zone, timestamp with time zone) does not exist")
	}
	if dt.ID() == arrow.INT64 {
		n := &Series{Cols: cols, Start: vals[0].V.(int64), Stop: vals[1].V.(int64), Step: 1}
		if len(vals) == 3 {
			n.Step = vals[2].V.(int64)
		}
		if n.Step == 0 {
			return nil, &Error{Code: "22023", Msg: "step size cannot equal zero"}
		}
		return n, nil
	}
	step := vals[2].V.(arrow.MonthDayNanoInterval)
	if exec.IntervalSign(step) == 0 {
		return nil, &Error{Code: "22023", Msg: "step size cannot equal zero"}
	}
	return &Series{Cols: cols, Start: int64(vals[0].V.(exec.Timestamp)), Stop: int64(vals[1].V.(exec.Timestamp)), Interval: &step}, nil
}

// Series is generate_series over constant bounds: integers Start to Stop
// by Step, or timestamps Start to Stop by Interval (each the previous plus
// it, in the session's calendar). It streams when it runs, a batch at a
// time (exec.Series), whatever its length.
type Series struct {
	Cols              []Column
	Start, Stop, Step int64
	Interval          *arrow.MonthDayNanoInterval
}

func (n *Series) Columns() []Column { return n.Cols }
func (n *Series) Children() []Node  { return nil }
func (n *Series) Describe() string {
	if n.Interval != nil {
		at := func(ns int64) string {
			return (&exec.Literal{V: exec.Timestamp(ns), DT: exec.TypeTimestamptz}).String()
		}
		return fmt.Sprintf("GenerateSeries: %s to %s by %s", at(n.Start), at(n.Stop), exec.FormatInterval(*n.Interval))
	}
	return fmt.Sprintf("GenerateSeries: %d to %d by %d", n.Start, n.Stop, n.Step)
}

func (n *Series) build(c *exec.Ctx) exec.Operator {
	if n.Interval != nil {
		loc := c.Location
		if n.Cols[0].PGType == 1114 {
			loc = time.UTC // a timestamp's readings step in UTC
		}
		return exec.NewTimeSeries(schemaOf(n.Cols), n.Start, n.Stop, *n.Interval, loc)
	}
	return exec.NewIntSeries(schemaOf(n.Cols), n.Start, n.Stop, n.Step)
}

func hasTimestamp(args []exec.Expr) bool {
	for _, a := range args {
		if _, ok := a.(*unknownLit); !ok && a.Type().ID() == arrow.TIMESTAMP {
			return true
		}
	}
	return false
}

// unnest(array) in FROM: a constant array's elements as rows, or an array
// held as text unnested when the query runs.
func (b *binder) unnest(args []exec.Expr, alias, col string) (*scope, error) {
	if len(args) != 1 {
		return nil, notSupported("unnest of several arrays")
	}
	if a, ok := args[0].(*arrayLit); ok {
		dt := a.dt
		if dt.ID() == arrow.NULL {
			dt = exec.TypeText
		}
		v := &Values{Cols: []Column{{Name: col, Type: dt, PGType: a.pg}}}
		for _, e := range a.elems {
			c, err := b.coerce(e, dt)
			if err != nil {
				return nil, err
			}
			v.Rows = append(v.Rows, []exec.Expr{c})
		}
		return derivedScope(v, alias), nil
	}
	if !isRuntimeArray(args[0]) {
		return nil, errorf(CodeUndefinedFunc, "function unnest(%s) does not exist", exec.SQLTypeName(args[0].Type()))
	}
	var elem uint32
	if t, ok := args[0].(pgTyped); ok {
		elem, _ = ArrayElem(t.pgType())
	}
	return derivedScope(runtimeUnnest(settle(args[0]), col, elem), alias), nil
}

// scalarInFrom is a function that returns one value, in FROM: one row
// whose column is named after the alias (or the function), bound as the
// select list of SELECT f(args) AS col binds it (its PostgreSQL type,
// numeric scale, a date as a date).
func (b *binder) scalarInFrom(name string, es []ast.ExprNode, alias, col string) (*scope, error) {
	call := &ast.FuncCallExpr{Tp: ast.FuncCallExprTypeGeneric, FnName: ast.NewCIStr(name), Args: es}
	if _, agg := aggFuncs[name]; agg {
		return nil, errorf(CodeGrouping, "aggregate functions are not allowed in functions in FROM")
	}
	sel := &ast.SelectStmt{Kind: ast.SelectStmtKindSelect, Fields: &ast.FieldList{Fields: []*ast.SelectField{{Expr: call, AsName: ast.NewCIStr(col)}}}}
	node, err := b.bindQuery(sel)
	if err != nil {
		return nil, err
	}
	return derivedScope(node, alias), nil
}

// seriesInSelectList reads the set-returning functions of a select list,
// generate_series(...), unnest(...), ..., as PostgreSQL runs them: one
// output row per value for every row of FROM. The function becomes a
// column of a FROM item joined LATERAL to FROM (or alone, with no FROM):
// SELECT x, generate_series(1, x) FROM t is SELECT x, s FROM t, LATERAL
// generate_series(1, x) s. Several run side by side, as ROWS FROM (f(...),
// g(...)): as many rows as the longest, NULLs for the ones that have
// ended. Only a query without grouping, aggregates or window functions
// (which PostgreSQL evaluates before the functions) is rewritten, and not
// when a function's argument is itself one; other uses are left as they
// are.
func seriesInSelectList(sel *ast.SelectStmt) {
	if sel.Fields == nil || sel.GroupBy != nil || sel.Having != nil || sel.WindowSpecs != nil {
		return
	}
	type use struct {
		field int
		call  *ast.FuncCallExpr
	}
	var uses []use
	for i, f := range sel.Fields.Fields {
		if f.Expr == nil {
			continue
		}
		if containsAggregate(f.Expr) || containsWindow(f.Expr) {
			return
		}
		for _, c := range srfCalls(f.Expr) {
			if c.FnName.L == "unnest" && len(c.Args) != 1 {
				return // unnest of several arrays is FROM's alone (42883 from the binder)
			}
			for _, a := range c.Args {
				if len(srfCalls(a)) > 0 {
					return // generate_series(1, generate_series(1, 3)): not rewritten
				}
			}
			uses = append(uses, use{i, c})
		}
	}
	if len(uses) == 0 {
		return
	}
	const alias = srfAlias
	var marker *ast.FuncCallExpr
	var colNames []ast.CIStr
	col := func(int) string { return alias }
	if len(uses) == 1 {
		call := uses[0].call
		marker = &ast.FuncCallExpr{Tp: ast.FuncCallExprTypeGeneric, FnName: ast.NewCIStr(sql.MarkerTableFunction),
			Args: append([]ast.ExprNode{ast.NewValueExpr(call.FnName.L, "", "")}, call.Args...)}
	} else {
		calls := make([]*ast.FuncCallExpr, len(uses))
		for k, u := range uses {
			calls[k] = u.call
		}
		marker, colNames = rowsFromMarker(calls, alias)
		col = func(k int) string { return colNames[k].O }
	}
	for k, u := range uses {
		field := sel.Fields.Fields[u.field]
		if field.AsName.O == "" {
			name, _ := figureName(field.Expr) // regexp_matches(...)::text is named regexp_matches
			field.AsName = ast.NewCIStr(name)
		}
		ref := &ast.ColumnNameExpr{Name: &ast.ColumnName{Table: ast.NewCIStr(alias), Name: ast.NewCIStr(col(k))}}
		if field.Expr == ast.ExprNode(u.call) {
			field.Expr = ref
			continue
		}
		// The function inside an expression (regexp_matches(...)::text):
		// the expression over each of its rows.
		x, _ := field.Expr.Accept(&srfReplacer{call: u.call, with: ref})
		field.Expr = x.(ast.ExprNode)
	}
	lateralItem(sel, marker, alias, colNames)
}

// rowsFromMarker is the table function ROWS FROM (calls...) and the names
// alias0, alias1, ... it gives their columns.
func rowsFromMarker(calls []*ast.FuncCallExpr, alias string) (*ast.FuncCallExpr, []ast.CIStr) {
	args := []ast.ExprNode{ast.NewValueExpr(sql.RowsFromFunction, "", "")}
	var colNames []ast.CIStr
	for k, c := range calls {
		args = append(args, c)
		colNames = append(colNames, ast.NewCIStr(fmt.Sprintf("%s%d", alias, k)))
	}
	return &ast.FuncCallExpr{Tp: ast.FuncCallExprTypeGeneric, FnName: ast.NewCIStr(sql.MarkerTableFunction), Args: args}, colNames
}

// lateralItem adds the table function marker to sel's FROM as LATERAL
// (SELECT marker) alias(colNames), after what FROM has.
func lateralItem(sel *ast.SelectStmt, marker *ast.FuncCallExpr, alias string, colNames []ast.CIStr) {
	src := &ast.SelectStmt{Kind: ast.SelectStmtKindSelect, Fields: &ast.FieldList{Fields: []*ast.SelectField{{Expr: marker}}}}
	fn := &ast.TableSource{Source: src, AsName: ast.NewCIStr(alias), Lateral: true, ColumnNames: colNames}
	if sel.From == nil {
		sel.From = &ast.TableRefsClause{TableRefs: &ast.Join{Left: fn}}
	} else {
		sel.From = &ast.TableRefsClause{TableRefs: &ast.Join{Left: sel.From.TableRefs, Right: fn, Tp: ast.CrossJoin}}
	}
}

// srfInGroupBy moves the set-returning functions a grouped SELECT groups
// by to FROM, as PostgreSQL runs them before grouping: SELECT unnest(a)
// u, count(*) ... GROUP BY u counts each element's rows, and GROUP BY
// generate_series(1, 3) groups each row three times. Those are the calls
// in GROUP BY's expressions and in the select items it names (by ordinal
// or output name); the same call written twice is one function. They
// become columns of a LATERAL ROWS FROM item (__srfg), and the query groups
// by those. Other set-returning functions of the select list run after
// the grouping (srfOverGroups). Nothing changes when an argument holds an
// aggregate, a window function or another set-returning call. A GROUP BY
// name that is a column of FROM is that column (PostgreSQL's order), not
// the select item of that name.
func (b *binder) srfInGroupBy(sel *ast.SelectStmt) {
	if sel.GroupBy == nil || sel.Fields == nil {
		return
	}
	fields := sel.Fields.Fields
	grouped := map[int]bool{} // select items GROUP BY names
	var exprs []*ast.ByItem   // GROUP BY items that are expressions
	for _, item := range sel.GroupBy.Items {
		switch e := item.Expr.(type) {
		case *ast.PositionExpr:
			if e.N >= 1 && e.N <= len(fields) {
				grouped[e.N-1] = true
			}
			continue
		case *ast.ColumnNameExpr:
			if e.Name.Table.O == "" && !b.isInputColumn(sel.From, e.Name.Name.L) {
				for i, f := range fields {
					if f.AsName.L != "" && f.AsName.L == e.Name.Name.L && len(srfCalls(f.Expr)) > 0 {
						grouped[i] = true
					}
				}
			}
			continue
		}
		exprs = append(exprs, item)
	}
	type use struct {
		key   string
		calls []*ast.FuncCallExpr
	}
	var uses []*use
	byKey := map[string]*use{}
	add := func(e ast.ExprNode) bool {
		for _, c := range srfCalls(e) {
			if containsAggregate(c) || containsWindow(c) {
				return false
			}
			for _, a := range c.Args {
				if len(srfCalls(a)) > 0 {
					return false
				}
			}
			key := restoreText(c)
			if key == "" {
				return false
			}
			u := byKey[key]
			if u == nil {
				u = &use{key: key}
				byKey[key] = u
				uses = append(uses, u)
			}
			u.calls = append(u.calls, c)
		}
		return true
	}
	for i, f := range fields {
		if grouped[i] && f.Expr != nil && !add(f.Expr) {
			return
		}
	}
	for _, item := range exprs {
		if !add(item.Expr) {
			return
		}
	}
	if len(uses) == 0 {
		return
	}
	// The same calls in ungrouped select items are these functions too
	// (SELECT generate_series(1, 3), count(*) ... GROUP BY
	// generate_series(1, 3)).
	for i, f := range fields {
		if grouped[i] || f.Expr == nil {
			continue
		}
		for _, c := range srfCalls(f.Expr) {
			if u := byKey[restoreText(c)]; u != nil {
				u.calls = append(u.calls, c)
			}
		}
	}
	const alias = srfGroupAlias
	calls := make([]*ast.FuncCallExpr, len(uses))
	for k, u := range uses {
		calls[k] = u.calls[0]
	}
	marker, colNames := rowsFromMarker(calls, alias)
	replace := func(e ast.ExprNode) ast.ExprNode {
		for k, u := range uses {
			ref := &ast.ColumnNameExpr{Name: &ast.ColumnName{Table: ast.NewCIStr(alias), Name: colNames[k]}}
			for _, c := range u.calls {
				if e == ast.ExprNode(c) {
					e = ref
					continue
				}
				x, _ := e.Accept(&srfReplacer{call: c, with: ref})
				e = x.(ast.ExprNode)
			}
		}
		return e
	}
	for _, f := range fields {
		if f.Expr == nil || len(srfCalls(f.Expr)) == 0 {
			continue
		}
		if f.AsName.O == "" {
			name, _ := figureName(f.Expr)
			f.AsName = ast.NewCIStr(name)
		}
		f.Expr = replace(f.Expr)
	}
	for _, item := range exprs {
		item.Expr = replace(item.Expr)
	}
	lateralItem(sel, marker, alias, colNames)
}

// isInputColumn reports whether FROM has, as far as it can be told from
// the statement and the catalog, a column named name (lower case): a stored
// table's (time too), a CTE's, a VALUES list's or a derived table's named
// output, or one its alias list names. Where it cannot tell (SELECT *
// inside, a set operation, a catalog view) it answers false: GROUP BY then
// reads the name as an output name, as it did before this was asked.
func (b *binder) isInputColumn(from *ast.TableRefsClause, name string) bool {
	if from == nil {
		return false
	}
	var walk func(n ast.ResultSetNode) bool
	walk = func(n ast.ResultSetNode) bool {
		switch n := n.(type) {
		case *ast.Join:
			return walk(n.Left) || n.Right != nil && walk(n.Right)
		case *ast.TableSource:
			for _, c := range n.ColumnNames {
				if c.L == name {
					return true
				}
			}
			switch src := n.Source.(type) {
			case *ast.TableName:
				if src.Schema.O == "" {
					for i := len(b.ctes) - 1; i >= 0; i-- {
						if node, ok := b.ctes[i][src.Name.O]; ok {
							return slices.ContainsFunc(node.Columns(), func(c Column) bool { return strings.EqualFold(c.Name, name) })
						}
					}
				}
				if b.sess == nil || b.p == nil || b.p.Engine == nil {
					return false
				}
				cols, err := b.p.Engine.TableSchema(b.sess.Database, src.Name.O)
				if err != nil {
					return false // not a stored table (a catalog view): cannot tell
				}
				return name == "time" || slices.ContainsFunc(cols, func(c storage.ColumnMeta) bool { return strings.EqualFold(c.Name, name) })
			case *ast.SelectStmt:
				if f, ok := isTableFunction(src); ok {
					return len(n.ColumnNames) == 0 && (n.AsName.L == name || len(f.Args) > 0 && constText(f.Args[0]) == name)
				}
				if src.Kind == ast.SelectStmtKindValues {
					// column1, column2, ... past the alias list's names.
					k, err := strconv.Atoi(strings.TrimPrefix(name, "column"))
					return strings.HasPrefix(name, "column") && err == nil && k > len(n.ColumnNames) &&
						len(src.Lists) > 0 && k <= len(src.Lists[0].Values)
				}
				if src.Fields == nil {
					return false
				}
				for i, f := range src.Fields.Fields {
					if i < len(n.ColumnNames) {
						continue // renamed by the alias list
					}
					if f.AsName.L == name {
						return true
					}
					if c, ok := f.Expr.(*ast.ColumnNameExpr); ok && f.AsName.L == "" && c.Name.Name.L == name {
						return true
					}
				}
				return false
			}
		}
		return false
	}
	return walk(from.TableRefs)
}

// srfInConditional refuses a set-returning function in a select item's
// CASE or COALESCE, which PostgreSQL evaluates lazily and so refuses too
// (0A000; 42804 in a CASE/WHEN condition); elsewhere in an expression it
// runs in lockstep with the others (seriesInSelectList).
func srfInConditional(sel *ast.SelectStmt) error {
	if sel.Fields == nil {
		return nil
	}
	hint := "move the set-returning function into a LATERAL FROM item"
	for _, f := range sel.Fields.Fields {
		if f.Expr == nil {
			continue
		}
		var err error
		astContains(f.Expr, false, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CaseExpr:
				for _, w := range n.WhenClauses {
					if len(srfCalls(w.Expr)) > 0 {
						err = &Error{Code: CodeDatatype, Msg: "argument of CASE/WHEN must not return a set"}
						return true
					}
				}
				if n.Value != nil && len(srfCalls(n.Value)) > 0 || n.ElseClause != nil && len(srfCalls(n.ElseClause)) > 0 ||
					slices.ContainsFunc(n.WhenClauses, func(w *ast.WhenClause) bool { return len(srfCalls(w.Result)) > 0 }) {
					err = &Error{Code: CodeNotSupported, Msg: "set-returning functions are not allowed in CASE", Hint: hint}
					return true
				}
			case *ast.FuncCallExpr:
				if (n.FnName.L == "coalesce" || n.FnName.L == "ifnull") && slices.ContainsFunc(n.Args, func(a ast.ExprNode) bool { return len(srfCalls(a)) > 0 }) {
					err = &Error{Code: CodeNotSupported, Msg: "set-returning functions are not allowed in COALESCE", Hint: hint}
					return true
				}
			}
			return false
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// srfGroupAlias names the FROM item srfInGroupBy makes.
const srfGroupAlias = "__srfg"

// restoreText is e written back as SQL ("" if it cannot be).
func restoreText(e ast.Node) string {
	var sb strings.Builder
	if err := e.Restore(format.NewRestoreCtx(format.DefaultRestoreFlags, &sb)); err != nil {
		return ""
	}
	return sb.String()
}

// srfCalls are the set-returning calls seriesInSelectList rewrites in e
// (not looking into subqueries).
func srfCalls(e ast.ExprNode) []*ast.FuncCallExpr {
	var out []*ast.FuncCallExpr
	astContains(e, false, func(n ast.Node) bool {
		if f, ok := n.(*ast.FuncCallExpr); ok && selectListSRFs[f.FnName.L] {
			out = append(out, f)
		}
		return false
	})
	return out
}

// srfReplacer puts a column reference where a set-returning call was.
type srfReplacer struct {
	call *ast.FuncCallExpr
	with ast.ExprNode
}

func (r *srfReplacer) Enter(n ast.Node) (ast.Node, bool) {
	if n == ast.Node(r.call) {
		return r.with, true
	}
	return n, false
}

func (r *srfReplacer) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// tableFuncScope is the scope a FROM function's arguments are read in:
// the left side of a LATERAL function (b.outer), else none.
func (b *binder) tableFuncScope() *scope {
	if b.outer != nil {
		return b.outer
	}
	return &scope{}
}

// timescaleFunc binds TimescaleDB's functions of one result column over a
// relation in FROM (or, rewritten there, in a select list); nil for
// another name.
func timescaleFunc(name string) func(b *binder, name string, f *ast.FuncCallExpr, alias, col string) (*scope, error) {
	switch name {
	case "show_chunks", "drop_chunks":
		return (*binder).chunkFunction
	case "add_retention_policy", "remove_retention_policy":
		return (*binder).retentionFunction
	case "refresh_continuous_aggregate":
		return (*binder).refreshFunction
	case "add_continuous_aggregate_policy", "remove_continuous_aggregate_policy":
		return (*binder).policyFunction
	case "add_compression_policy", "remove_compression_policy", "add_columnstore_policy", "remove_columnstore_policy":
		return (*binder).compressionPolicyFunction
	}
	return nil
}

// selectListSRFs are the set-returning functions seriesInSelectList
// rewrites.
var selectListSRFs = map[string]bool{"generate_series": true, "generate_subscripts": true, "unnest": true, "regexp_split_to_table": true, "regexp_matches": true, "string_to_table": true,
	"show_chunks": true, "drop_chunks": true, "add_retention_policy": true, "remove_retention_policy": true, "refresh_continuous_aggregate": true,
	"add_continuous_aggregate_policy": true, "remove_continuous_aggregate_policy": true,
	"add_compression_policy": true, "remove_compression_policy": true, "add_columnstore_policy": true, "remove_columnstore_policy": true,
	"json_array_elements": true, "jsonb_array_elements": true, "json_array_elements_text": true, "jsonb_array_elements_text": true,
	"json_object_keys": true, "jsonb_object_keys": true, "jsonb_path_query": true, "jsonb_path_query_tz": true, "_pg_expandarray": true}

// hasFloat reports whether a generate_series argument is a float8 or a
// numeric (held as float8).
func hasFloat(args []exec.Expr) bool {
	for _, a := range args {
		if _, u := a.(*unknownLit); !u && a.Type().ID() == arrow.FLOAT64 {
			return true
		}
	}
	return false
}

// numericSeries is generate_series(start, stop [, step]) of numerics
// (generate_series(0, 1, 0.1)): PostgreSQL's numeric series, exact, so
// computed in units of the arguments' largest scale (each value is start
// plus a whole number of steps, never a sum of rounded floats) and written
// with that scale (PostgreSQL writes the first value with the start's own
// scale: 1, 1.25, 1.50 where Strata writes 1.00).
func (b *binder) numericSeries(s *scope, es []ast.ExprNode, args []exec.Expr, alias, col string) (*scope, error) {
	scale := 0
	vals := make([]float64, len(args))
	q := &selectBinder{b: b, in: s}
	for i, a := range args {
		x, err := b.coerce(a, exec.TypeFloat)
		if err != nil {
			return nil, err
		}
		if x, err = b.fold(settle(x)); err != nil {
			return nil, err
		}
		l, ok := x.(*exec.Literal)
		if !ok {
			return nil, notSupported("generate_series of numerics with non-constant arguments")
		}
		if l.V == nil {
			return derivedScope(&Values{Cols: []Column{{Name: col, Type: exec.TypeFloat, PGType: oidNumericPG}}}, alias), nil
		}
		vals[i] = l.V.(float64)
		if math.IsNaN(vals[i]) || math.IsInf(vals[i], 0) {
			return nil, errorf("22023", "start, stop and step values cannot be NaN or infinity")
		}
		if a.Type().ID() == arrow.FLOAT64 && q.pgTypeOf(es[i], a) != oidNumericPG {
			names := make([]string, len(args))
			for k := range args {
				names[k] = b.pgTypeName(s, es[k], args[k])
			}
			return nil, &Error{Code: CodeUndefinedFunc, Msg: fmt.Sprintf("function generate_series(%s) does not exist", strings.Join(names, ", ")),
				Hint: "a series of float8 does not exist in PostgreSQL either; cast the arguments to numeric"}
		}
		if i == 1 {
			continue // PostgreSQL's values take the start's and the step's scale, not the stop's
		}
		sc := q.numericScale(es[i])
		if sc < 0 {
			// A scale not fixed by the writing ('0.75'::numeric, a cast
			// float): the value's own decimals.
			text := strconv.FormatFloat(vals[i], 'f', -1, 64)
			if _, frac, ok := strings.Cut(text, "."); ok {
				sc = len(frac)
			} else {
				sc = 0
			}
		}
		scale = max(scale, min(sc, 15))
	}
	unit := math.Pow10(scale)
	start, stop, step := math.Round(vals[0]*unit), math.Floor(vals[1]*unit+1e-9), unit
	if len(vals) == 3 {
		step = math.Round(vals[2] * unit)
		if step < 0 {
			stop = math.Ceil(vals[1]*unit - 1e-9)
		}
	}
	for _, x := range []float64{start, stop, step} {
		if math.Abs(x) > 1<<53 {
			// Beyond what float8 holds exactly: the series would repeat
			// or skip values (PostgreSQL's numeric holds them).
			return nil, notSupported("generate_series of numerics beyond 15 significant digits")
		}
	}
	if step == 0 {
		return nil, &Error{Code: "22023", Msg: "step size cannot equal zero"}
	}
	cols := []Column{{Name: col, Type: exec.TypeFloat, PGType: oidNumericPG, Scale: scale}}
	v := &Values{Cols: cols}
	for i := 0.0; ; i++ {
		x := start + i*step
		if step > 0 && x > stop || step < 0 && x < stop {
			break
		}
		if len(v.Rows) == maxSeriesRows {
			return nil, &Error{Code: "54000", Msg: fmt.Sprintf("generate_series in FROM is limited to %d rows", maxSeriesRows)}
		}
		v.Rows = append(v.Rows, []exec.Expr{&exec.Literal{V: x / unit, DT: exec.TypeFloat}})
	}
	return derivedScope(v, alias), nil
}

// srfAlias names the FROM item a select list's set-returning function
// becomes (seriesInSelectList), and its column.
const srfAlias = "__srf"

// keywordsScope is pg_get_keywords(): PostgreSQL 15's keywords, copied by
// gencatalog.
func keywordsScope(alias string) *scope {
	loadPgCatalog()
	t := newTableOf([]pgColumn{{"word", 25}, {"catcode", 18}, {"barelabel", 16}, {"catdesc", 25}, {"baredesc", 25}})
	for _, r := range pgCatalogRows["pg_get_keywords"] {
		t.addText(r)
	}
	return derivedScope(&Values{Cols: t.cols, Rows: t.rows}, alias)
}

// groupLifter rewrites a select item around a set-returning call for
// srfOverGroups: the call becomes fn, and each largest part outside it
// that reads the group (a column, an aggregate, a window function) what
// lift makes of it, a column of the grouped query.
type groupLifter struct {
	call *ast.FuncCallExpr
	fn   ast.ExprNode
	lift func(ast.ExprNode) ast.ExprNode
}

func (v *groupLifter) Enter(n ast.Node) (ast.Node, bool) {
	if n == ast.Node(v.call) {
		return v.fn, true
	}
	e, ok := n.(ast.ExprNode)
	if !ok || astContains(e, false, func(x ast.Node) bool { return x == ast.Node(v.call) }) {
		return n, false // around the call: look inside
	}
	if usesColumns(e) || containsAggregate(e) || containsWindow(e) {
		return v.lift(e), true
	}
	return n, true
}

func (v *groupLifter) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// srfOverGroups rewrites a grouped SELECT (aggregates, GROUP BY, HAVING
// or windows) with set-returning functions as items of its select list
// (each a whole item or within one; several run side by side), such as
// SELECT generate_series(min(time), max(time), '1 hour') FROM t or SELECT
// host, unnest(array_agg(v)) FROM t GROUP BY host, as PostgreSQL runs it:
// the groups first, then the function over each group's row. The query
// becomes SELECT ..., f(g.args) ... FROM (the grouped query, the
// functions' arguments as columns) g, whose set-returning functions
// seriesInSelectList then moves to FROM. ORDER BY (output names or
// ordinals), DISTINCT and LIMIT apply to the rows the function returns.
// ok is false when sel is not such a query or when its ORDER BY names
// something else.
func srfOverGroups(sel *ast.SelectStmt, distinctOn bool, inputColumn func(string) bool) (*ast.SelectStmt, bool) {
	if sel.Fields == nil || distinctOn {
		return nil, false
	}
	grouped := sel.GroupBy != nil || sel.Having != nil || sel.WindowSpecs != nil
	calls := map[int]*ast.FuncCallExpr{} // by field
	for i, f := range sel.Fields.Fields {
		if f.WildCard != nil || f.Expr == nil {
			return nil, false
		}
		grouped = grouped || containsAggregate(f.Expr) || containsWindow(f.Expr)
		in := srfCalls(f.Expr)
		if len(in) == 0 {
			continue
		}
		if len(in) > 1 {
			return nil, false
		}
		calls[i] = in[0]
	}
	if len(calls) == 0 || !grouped {
		return nil, false
	}
	names := make([]string, len(sel.Fields.Fields))
	for i, f := range sel.Fields.Fields {
		names[i] = f.AsName.O
		if names[i] == "" {
			names[i], _ = figureName(f.Expr)
		}
		if names[i] == "" {
			names[i] = "?column?"
		}
	}
	if sel.OrderBy != nil {
		for _, o := range sel.OrderBy.Items {
			switch x := o.Expr.(type) {
			case *ast.PositionExpr: // ORDER BY 2
			case *ast.ColumnNameExpr:
				if x.Name.Table.O != "" || !slices.Contains(names, x.Name.Name.O) {
					return nil, false
				}
			default:
				return nil, false
			}
		}
	}
	const g = "__srf_groups"
	col := func(name string) ast.ExprNode {
		return &ast.ColumnNameExpr{Name: &ast.ColumnName{Table: ast.NewCIStr(g), Name: ast.NewCIStr(name)}}
	}
	// The inner query's select list differs: GROUP BY's ordinals and
	// output names become the items they name.
	groupBy := sel.GroupBy
	if groupBy != nil {
		groupBy = &ast.GroupByClause{Rollup: sel.GroupBy.Rollup}
		for _, item := range sel.GroupBy.Items {
			at := -1
			switch e := item.Expr.(type) {
			case *ast.PositionExpr:
				at = e.N - 1
			case *ast.ColumnNameExpr:
				if e.Name.Table.O != "" || inputColumn(e.Name.Name.L) {
					break // FROM's column, before an output name (PostgreSQL's order)
				}
				for i, f := range sel.Fields.Fields {
					if f.AsName.L != "" && f.AsName.L == e.Name.Name.L {
						at = i
					}
				}
			}
			if at >= len(sel.Fields.Fields) || calls[at] != nil {
				return nil, false
			}
			c := *item
			if at >= 0 {
				c.Expr = sel.Fields.Fields[at].Expr
			}
			groupBy.Items = append(groupBy.Items, &c)
		}
	}
	inner := &ast.SelectStmt{Kind: ast.SelectStmtKindSelect, From: sel.From, Where: sel.Where, GroupBy: groupBy,
		Having: sel.Having, WindowSpecs: sel.WindowSpecs, Fields: &ast.FieldList{}}
	outer := &ast.SelectStmt{Kind: ast.SelectStmtKindSelect, Distinct: sel.Distinct, OrderBy: sel.OrderBy, Limit: sel.Limit, Fields: &ast.FieldList{}}
	for i, f := range sel.Fields.Fields {
		call, ok := calls[i]
		if !ok {
			c := fmt.Sprintf("__c%d", i)
			inner.Fields.Fields = append(inner.Fields.Fields, &ast.SelectField{Expr: f.Expr, AsName: ast.NewCIStr(c)})
			outer.Fields.Fields = append(outer.Fields.Fields, &ast.SelectField{Expr: col(c), AsName: ast.NewCIStr(names[i])})
			continue
		}
		fn := &ast.FuncCallExpr{Tp: call.Tp, FnName: call.FnName}
		for j, a := range call.Args {
			if !usesColumns(a) && !containsAggregate(a) && !containsWindow(a) {
				fn.Args = append(fn.Args, a) // a constant keeps its type from the call ('1 hour')
				continue
			}
			c := fmt.Sprintf("__a%d_%d", i, j)
			inner.Fields.Fields = append(inner.Fields.Fields, &ast.SelectField{Expr: a, AsName: ast.NewCIStr(c)})
			fn.Args = append(fn.Args, col(c))
		}
		var item ast.ExprNode = fn
		if ast.ExprNode(call) != unparen(f.Expr) {
			// The function inside an expression
			// (generate_series(min(t), max(t), '1 day')::date, or
			// generate_series(1, 3) * count(*)): the expression over
			// each of its rows, what it reads of the group a column.
			k := 0
			x, _ := f.Expr.Accept(&groupLifter{call: call, fn: fn, lift: func(e ast.ExprNode) ast.ExprNode {
				c := fmt.Sprintf("__e%d_%d", i, k)
				k++
				inner.Fields.Fields = append(inner.Fields.Fields, &ast.SelectField{Expr: e, AsName: ast.NewCIStr(c)})
				return col(c)
			}})
			item = x.(ast.ExprNode)
		}
		outer.Fields.Fields = append(outer.Fields.Fields, &ast.SelectField{Expr: item, AsName: ast.NewCIStr(names[i])})
	}
	outer.From = &ast.TableRefsClause{TableRefs: &ast.Join{Left: &ast.TableSource{Source: inner, AsName: ast.NewCIStr(g)}}}
	return outer, true
}
