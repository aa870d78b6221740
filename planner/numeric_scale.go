package planner

import (
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// numericScale is the display scale (digits after the point) PostgreSQL
// gives every value of numeric expression e, when e fixes it: a literal's
// digits (1.50), a cast to numeric(p,s), round or trunc to a constant
// number of places, integers (0), and what sums, differences, products,
// min, max and sum of those keep. -1 when the scale is not fixed (it
// varies by value, as for division, avg or a float converted to numeric).
// Strata holds numeric values as float8: with the scale known they are
// written as PostgreSQL writes them (1.50, not 1.5).
func (q *selectBinder) numericScale(e ast.ExprNode) int {
	// Once per expression: nested expressions ask for their members'
	// scales at every level (snapNumeric, coalesce).
	key := aloneKey{e: e, s: q.in}
	if scale, ok := q.b.scales[key]; ok {
		return scale
	}
	scale := q.numericScaleOf(e)
	if q.b.scales == nil {
		q.b.scales = map[aloneKey]int{}
	}
	q.b.scales[key] = scale
	return scale
}

func (q *selectBinder) numericScaleOf(e ast.ExprNode) int {
	e = unparen(e)
	switch e := e.(type) {
	case *driver.ValueExpr:
		switch e.Kind() {
		case driver.KindInt64, driver.KindUint64:
			return 0
		case driver.KindMysqlDecimal:
			text := e.GetMysqlDecimal().String()
			if _, frac, ok := strings.Cut(text, "."); ok {
				return len(frac)
			}
			return 0
		case driver.KindFloat64:
			// 1e3 or 1.5e-3: PostgreSQL's numeric of it has the digits its
			// value needs (1000, 0.0015).
			text := strconv.FormatFloat(e.GetFloat64(), 'f', -1, 64)
			if _, frac, ok := strings.Cut(text, "."); ok {
				return len(frac)
			}
			return 0
		}
	case *ast.ColumnNameExpr:
		c, err := q.lookupCol(e.Name.Table.O, e.Name.Name.O)
		if err != nil || c == nil {
			return -1
		}
		switch c.pg {
		case 20, 21, 23:
			return 0
		case 1700:
			if c.scale > 0 {
				return c.scale
			}
		}
		if c.pg == 0 && c.typ.ID() == arrow.INT64 {
			return 0
		}
	case *ast.SubqueryExpr:
		if scale, ok := q.b.subqueryScales[e]; ok && scale > 0 && q.b.subqueryTypes[e] == 1700 {
			return scale // (SELECT 1.50)
		}
	case *driver.ParamMarkerExpr:
		// $1 sent as a numeric: the scale it was sent with (12.50).
		if e.Order < len(q.b.stmt.Params) && !q.b.describe {
			if n := q.b.stmt.Params[e.Order]; n >= 1 && n <= len(q.b.params) {
				if v, ok := q.b.params[n-1].(NumericParam); ok {
					return v.Scale
				}
			}
		}
	case *ast.UnaryOperationExpr:
		if e.Op == opcode.Minus || e.Op == opcode.Plus {
			return q.numericScale(e.V)
		}
	case *ast.BinaryOperationExpr:
		l, r := q.numericScale(e.L), q.numericScale(e.R)
		// A quoted number beside a numeric is read as one: its digits
		// ('0.50' has two).
		if lq, ok := quotedScale(e.L); ok && r >= 0 {
			l = lq
		}
		if rq, ok := quotedScale(e.R); ok && l >= 0 {
			r = rq
		}
		if l < 0 || r < 0 {
			return -1
		}
		switch e.Op {
		case opcode.Plus, opcode.Minus, opcode.Mod:
			return max(l, r)
		case opcode.Mul:
			return l + r
		}
	case *ast.CaseExpr:
		return q.sharedScale(caseResults(e))
	case *ast.WindowFuncExpr:
		e = windowAgg(e)
		switch strings.ToLower(e.Name) {
		case "lag", "lead", "first_value", "last_value", "nth_value", "min", "max", "sum":
			if len(e.Args) == 3 {
				return q.sharedScale([]ast.ExprNode{e.Args[0], e.Args[2]}) // lag(x, 1, default)
			}
			if len(e.Args) >= 1 {
				return q.numericScale(e.Args[0])
			}
		}
	case *ast.AggregateFuncExpr:
		switch strings.ToLower(e.F) {
		case "sum":
			// A sum has the largest scale of the values it adds
			// (sum(CASE WHEN ... THEN 1.0 ELSE 0 END) is 116.0).
			if len(e.Args) == 1 {
				return q.largestScale(e.Args[0])
			}
		case "min", "max":
			if len(e.Args) == 1 {
				return q.numericScale(e.Args[0])
			}
		case "count":
			return 0
		}
	case *ast.FuncCallExpr:
		switch e.FnName.L {
		case "round", "trunc":
			if len(e.Args) == 1 {
				return 0
			}
			if len(e.Args) == 2 {
				if v, ok := e.Args[1].(*driver.ValueExpr); ok && v.Kind() == driver.KindInt64 && v.GetInt64() >= 0 && v.GetInt64() <= 1000 {
					return int(v.GetInt64())
				}
				if !usesColumns(e.Args[1]) {
					// A constant expression (2::int2, 1 + 1).
					if x, err := q.b.bindExpr(&scope{}, e.Args[1]); err == nil {
						if x, err = q.b.fold(x); err == nil {
							if lit, ok := x.(*exec.Literal); ok {
								if n, ok := lit.V.(int64); ok && n >= 0 && n <= 1000 {
									return int(n)
								}
							}
						}
					}
				}
			}
		case "ceil", "ceiling", "floor":
			return 0
		case "mod":
			if len(e.Args) == 2 {
				if l, r := q.numericScale(e.Args[0]), q.numericScale(e.Args[1]); l >= 0 && r >= 0 {
					return max(l, r)
				}
			}
		case "coalesce":
			// coalesce(round(avg(x), 2), 0): PostgreSQL's values keep their
			// own scales; the first argument's is taken when the others
			// are constants, the fallbacks of the rows it is NULL in.
			// Every value then has at most the first's places, which
			// snapping arithmetic on it (snapNumeric) relies on.
			if len(e.Args) > 1 && !slices.ContainsFunc(e.Args[1:], usesColumns) {
				if first := q.numericScale(e.Args[0]); first >= 0 && !slices.ContainsFunc(e.Args[1:], func(a ast.ExprNode) bool {
					s := q.numericScale(a)
					return s < 0 && !isNullAST(unparen(a)) || s > first
				}) {
					return first
				}
			}
			return q.sharedScale(e.Args)
		case "greatest", "least":
			return q.sharedScale(e.Args) // every value of the same scale
		case "nullif":
			if len(e.Args) == 2 {
				return q.numericScale(e.Args[0])
			}
		case "__pg_extract":
			return q.extractScale(e)
		case sql.MarkerSubscript:
			// An element has the array's elements' scale.
			if len(e.Args) == 2 {
				return q.arrayElemScale(e.Args[0])
			}
		case "abs":
			if len(e.Args) == 1 {
				return q.numericScale(e.Args[0])
			}
		case "__pg_cast":
			if len(e.Args) != 2 {
				return -1
			}
			v, ok := e.Args[1].(*driver.ValueExpr)
			if !ok {
				return -1
			}
			t := strings.ReplaceAll(strings.ToLower(v.GetString()), " ", "")
			if t == "numeric" || t == "decimal" {
				if n, ok := quotedScale(e.Args[0]); ok {
					return n // '3.50'::numeric
				}
				return q.numericScale(e.Args[0]) // numeric to numeric keeps it
			}
			if _, n, ok := numericTypmod(t); ok {
				return n
			}
		}
	}
	// Any other integer expression ((SELECT 2), length(s), count(*)
	// FILTER (WHERE ok), row_number() OVER w - 1) has scale 0.
	if q.integerAST(e) {
		return 0
	}
	return -1
}

// quotientScale reports whether numeric e is a quotient whose display
// scale PostgreSQL's division sets per value (numeric /, avg of integers
// or numerics), and the least scale it has: the operands' (exec.DivisionScale).
func (q *selectBinder) quotientScale(e ast.ExprNode) (int, bool) {
	switch e := unparen(e).(type) {
	case *ast.BinaryOperationExpr:
		if e.Op != opcode.Div {
			return 0, false
		}
		return max(q.numericScale(e.L), q.numericScale(e.R), 0), true
	case *ast.AggregateFuncExpr:
		if len(e.Args) == 1 {
			if least, ok := q.aggregateQuotient(strings.ToLower(e.F), e.Args[0]); ok {
				return least, true
			}
		}
	case *ast.WindowFuncExpr:
		e = windowAgg(e)
		if len(e.Args) == 1 {
			if least, ok := q.aggregateQuotient(strings.ToLower(e.Name), e.Args[0]); ok {
				return least, true
			}
		}
	case *ast.SubqueryExpr:
		if scale, ok := q.b.subqueryScales[e]; ok && scale < 0 && q.b.subqueryTypes[e] == 1700 {
			return -scale - 1, true
		}
	case *ast.ColumnNameExpr:
		// A subquery's or CTE's quotient column.
		if c, err := q.lookupCol(e.Name.Table.O, e.Name.Name.O); err == nil && c != nil && c.pg == 1700 && c.scale < 0 {
			return -c.scale - 1, true
		}
	case *ast.UnaryOperationExpr:
		if e.Op == opcode.Minus {
			return q.quotientScale(e.V) // -avg(x): the quotient's scale
		}
	case *ast.CaseExpr:
		return q.sharedQuotient(caseResults(e))
	case *ast.FuncCallExpr:
		switch e.FnName.L {
		case sql.MarkerFilter:
			if len(e.Args) == 2 {
				return q.quotientScale(e.Args[0]) // avg(x) FILTER (WHERE ...)
			}
		case "abs":
			if len(e.Args) == 1 {
				return q.quotientScale(e.Args[0])
			}
		case "stddev", "variance":
			if len(e.Args) == 1 {
				return q.aggregateQuotient(e.FnName.L, e.Args[0]) // spelled as a call (package sql)
			}
		case "coalesce", "greatest", "least":
			return q.sharedQuotient(e.Args) // the value is one of them
		case "nullif":
			if len(e.Args) == 2 {
				return q.quotientScale(e.Args[0])
			}
		}
	}
	// min and max of quotients (over a group or a window) are quotients.
	var name string
	var args []ast.ExprNode
	switch e := unparen(e).(type) {
	case *ast.AggregateFuncExpr:
		name, args = e.F, e.Args
	case *ast.WindowFuncExpr:
		e = windowAgg(e)
		name, args = e.Name, e.Args
	}
	if n := strings.ToLower(name); (n == "min" || n == "max") && len(args) == 1 {
		return q.quotientScale(args[0])
	}
	return 0, false
}

// aggregateQuotient is quotientScale of aggregate name over arg: avg is
// sum over count, with arg's scale at least; the variances and standard
// deviations of integers and numerics are PostgreSQL's division of
// N*sum(x*x) - sum(x)*sum(x) by N*N or N*(N-1) (numeric_stddev_internal),
// whose operands have twice arg's scale (a square root keeps the
// quotient's scale).
func (q *selectBinder) aggregateQuotient(name string, arg ast.ExprNode) (int, bool) {
	switch name {
	case "avg":
		return max(q.numericScale(arg), 0), true
	case "variance", "var_samp", "var_pop":
		return 2*max(q.numericScale(arg), 0) | exec.VarianceScale, true
	case "stddev", "stddev_samp", "stddev_pop":
		return 2*max(q.numericScale(arg), 0) | exec.StddevScale, true
	}
	return 0, false
}

// sharedQuotient is quotientScale of a value that is one of exprs (CASE,
// COALESCE, GREATEST): a quotient when every one is (NULLs aside), with
// the largest of their least scales.
func (q *selectBinder) sharedQuotient(exprs []ast.ExprNode) (int, bool) {
	least, any := 0, false
	for _, x := range exprs {
		if x == nil || isNullAST(unparen(x)) {
			continue
		}
		l, ok := q.quotientScale(x)
		if !ok {
			return 0, false
		}
		least, any = max(least, l), true
	}
	return least, any
}

// decimalExact reports whether every value of numeric e is the float8
// nearest a decimal of at most 15 significant digits written by its
// shortest form: one of known scale, a float8 or real cast to numeric
// (their 15 and 6 digits), and sums, differences and products of those
// (snapped, snapDynamic).
func (q *selectBinder) decimalExact(e ast.ExprNode) bool {
	if q.numericScale(e) >= 0 {
		return true
	}
	switch e := unparen(e).(type) {
	case *ast.UnaryOperationExpr:
		return e.Op == opcode.Minus && q.decimalExact(e.V)
	case *ast.BinaryOperationExpr:
		switch e.Op {
		case opcode.Plus, opcode.Minus, opcode.Mul:
			return q.decimalExact(e.L) && q.decimalExact(e.R)
		}
	case *ast.FuncCallExpr:
		if e.FnName.L == "__pg_cast" && len(e.Args) == 2 {
			t := strings.ReplaceAll(strings.ToLower(constText(e.Args[1])), " ", "")
			if t == "numeric" || t == "decimal" {
				x, err := q.b.bindExpr(q.in, e.Args[0])
				if err != nil || x.Type().ID() != arrow.FLOAT64 {
					return false
				}
				switch q.pgTypeOf(e.Args[0], x) {
				case 0, 701, 700: // __float8_numeric, __float4_numeric
					return true
				}
			}
		}
	}
	return false
}

// largestScale is the largest scale e's values can have: a CASE's largest
// branch scale when every one is known, otherwise e's.
func (q *selectBinder) largestScale(e ast.ExprNode) int {
	c, ok := unparen(e).(*ast.CaseExpr)
	if !ok {
		return q.numericScale(e)
	}
	scale := -1
	for _, m := range caseResults(c) {
		if isNullAST(unparen(m)) {
			continue
		}
		s := q.numericScale(m)
		if s < 0 {
			return -1
		}
		scale = max(scale, s)
	}
	return scale
}

// extractScale is the display scale of EXTRACT(field FROM x), a numeric
// since PostgreSQL 14: seconds and epochs to the microsecond (6 places;
// an epoch of a date is whole), milliseconds to the microsecond (3), any
// other field whole (0).
func (q *selectBinder) extractScale(e *ast.FuncCallExpr) int {
	if len(e.Args) != 2 {
		return -1
	}
	v, ok := e.Args[0].(*driver.ValueExpr)
	if !ok {
		return -1
	}
	switch exec.TimeUnit(strings.ToLower(v.GetString())) {
	case "second":
		return 6
	case "milliseconds":
		return 3
	case "epoch":
		// Typed as the timestamp a date is held as, without binding the
		// argument again (a subquery in it would run again).
		if q.pgTypeOf(e.Args[1], &exec.Literal{DT: exec.TypeTimestamptz}) == 1082 {
			return 0
		}
		return 6
	case "julian":
		return -1
	}
	return 0
}

// caseResults are a CASE's THEN results and its ELSE, if any.
func caseResults(e *ast.CaseExpr) []ast.ExprNode {
	results := make([]ast.ExprNode, 0, len(e.WhenClauses)+1)
	for _, w := range e.WhenClauses {
		results = append(results, w.Result)
	}
	if e.ElseClause != nil {
		results = append(results, e.ElseClause)
	}
	return results
}

// arrayElemScale is the scale every element of numeric array e has, -1
// when they differ or it is not known: array_agg(x) has x's,
// ARRAY[1.50, 2.25] and '{1.50,2.25}'::numeric[] their shared one.
func (q *selectBinder) arrayElemScale(e ast.ExprNode) int {
	arr := unparen(e)
	if o, ok := arr.(*ast.FuncCallExpr); ok && o.FnName.L == sql.MarkerAggOrder && len(o.Args) > 0 {
		arr = o.Args[0] // array_agg(x ORDER BY ...)
	}
	if name, args, _, ok := aggregateCall(arr); ok && name == "array_agg" && len(args) == 1 {
		return q.numericScale(args[0])
	}
	f, ok := arr.(*ast.FuncCallExpr)
	if !ok {
		return -1
	}
	switch {
	case f.FnName.L == sql.MarkerArray:
		return q.sharedScale(f.Args)
	case f.FnName.L == "__pg_cast" && len(f.Args) == 2 && isQuoted(unparen(f.Args[0])):
		v, ok := f.Args[1].(*driver.ValueExpr)
		if t := strings.ReplaceAll(strings.ToLower(v.GetString()), " ", ""); !ok || t != "numeric[]" && t != "decimal[]" {
			return -1
		}
		items, ok := parseArrayText(strings.TrimSpace(unparen(f.Args[0]).(*driver.ValueExpr).GetString()))
		if !ok {
			return -1
		}
		scale := -1
		for _, item := range items {
			if item == nil {
				continue
			}
			s, ok := quotedScale(ast.NewValueExpr(*item, "", ""))
			if !ok || scale >= 0 && s != scale {
				return -1
			}
			scale = s
		}
		return scale
	}
	return -1
}

// sharedScale is the scale every one of exprs has (NULLs aside), -1 when
// they differ or one is not known: PostgreSQL's numeric values keep their
// own scales through CASE and COALESCE, so only a shared one is the
// column's.
func (q *selectBinder) sharedScale(exprs []ast.ExprNode) int {
	scale := -1
	for _, x := range exprs {
		if x == nil || isNullAST(unparen(x)) {
			continue
		}
		s := q.numericScale(x)
		if s < 0 || scale >= 0 && s != scale {
			return -1
		}
		scale = s
	}
	return scale
}

// quotedScale is the scale of a quoted plain decimal constant ('0.50': 2).
func quotedScale(e ast.ExprNode) (int, bool) {
	if !isQuoted(unparen(e)) {
		return 0, false
	}
	text := strings.TrimSpace(unparen(e).(*driver.ValueExpr).GetString())
	if _, err := strconv.ParseFloat(text, 64); err != nil || strings.ContainsAny(text, "eEnNiI") {
		return 0, false // not a number, or one with an exponent, NaN or Infinity
	}
	if _, frac, ok := strings.Cut(text, "."); ok {
		return len(frac), true
	}
	return 0, true
}

// unparen is e without the parentheses around it.
func unparen(e ast.ExprNode) ast.ExprNode {
	for {
		p, ok := e.(*ast.ParenthesesExpr)
		if !ok {
			return e
		}
		e = p.Expr
	}
}

// numericTypmod reads a numeric(p, s) or numeric(p) type name: the scale
// s (0 for numeric(p)), and the precision p, 0 when it is not a number
// from 1 to 1000; ok is false for other types and plain numeric.
func numericTypmod(typ string) (prec, scale int, ok bool) {
	t := strings.ReplaceAll(strings.ToLower(typ), " ", "")
	name, mods, hasMods := strings.Cut(t, "(")
	if name != "numeric" && name != "decimal" || !hasMods {
		return 0, 0, false
	}
	p, s, hasScale := strings.Cut(strings.TrimSuffix(mods, ")"), ",")
	if n, err := strconv.Atoi(p); err == nil && n >= 1 && n <= 1000 {
		prec = n
	}
	if !hasScale {
		return prec, 0, true // numeric(p) is numeric(p, 0)
	}
	for _, ch := range s {
		if ch < '0' || ch > '9' || scale > 1000 {
			return 0, 0, false
		}
		scale = scale*10 + int(ch-'0')
	}
	return prec, scale, true
}

// numericFieldCheck refuses values of x that numeric(p, s) cannot hold,
// as PostgreSQL does: after rounding to s places, the absolute value must
// be less than 10^(p - s) (storage.Declared.Numeric).
func numericFieldCheck(x exec.Expr, p, s int) exec.Expr {
	d := storage.Declared{OID: storage.OIDNumeric, Precision: p, Scale: s}
	return &rowFunc{name: "numeric", args: []exec.Expr{x}, dt: exec.TypeFloat, strict: true, fn: func(v []any) (any, error) {
		f, _ := v[0].(float64)
		if _, err := d.Numeric(f); err != nil {
			return nil, declaredErrorAt(err, "")
		}
		return v[0], nil
	}}
}
