package planner

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/stratadb/strata/exec"
)

// Arrays that are not constants (the oid[], name[], "char"[] and text[]
// columns of pg_catalog, ARRAY(subquery), parse_ident) are held as text in
// PostgreSQL's array output form, '{a,"b c",NULL}', with the array type as
// the column's PostgreSQL type. The operations below read that form row by
// row; only one-dimensional arrays are understood.

// parseArrayText splits an array's text form into its elements (nil for
// NULL); exec.ParseArrayText.
func parseArrayText(s string) ([]*string, bool) { return exec.ParseArrayText(s) }

// elemType is the engine type of the elements of an array type.
func elemType(pg uint32) arrow.DataType {
	switch pg {
	case 22, 30, 1005, 1007, 1016, 1028:
		return exec.TypeInt
	case 1021, 1022, 1231:
		return exec.TypeFloat // numeric is held as float8
	case 1000:
		return exec.TypeBool
	case 1182, 1115, 1185:
		return exec.TypeTimestamptz // dates and timestamps are held as instants
	case 1187, 1183:
		return exec.TypeInterval // a time is held as the interval since midnight
	}
	return exec.TypeText
}

// readElem is element text e of an array of type pg read as a value of
// engine type dt: a timestamp without time zone's text is its reading
// (held as a UTC instant, any offset ignored), the rest cast in ctx's
// session zone.
func readElem(ctx *exec.Ctx, e string, dt arrow.DataType, pg uint32) (any, error) {
	if pg == 1115 && dt.ID() == arrow.TIMESTAMP {
		ns, err := exec.ParseReading(e, ctx.Location, ctx.Now)
		if err != nil {
			return nil, AsError(err)
		}
		return exec.Timestamp(ns), nil
	}
	v, err := exec.CastValue(ctx, e, dt)
	if err != nil {
		return nil, AsError(err)
	}
	return v, nil
}

// arrayPG is the PostgreSQL array type of x, 0 when unknown.
func arrayPG(x exec.Expr) uint32 {
	if t, ok := x.(pgTyped); ok && (isArrayOID(t.pgType()) || t.pgType() == 22 || t.pgType() == 30) {
		return t.pgType()
	}
	return 0
}

// typedExpr is a column (or expression) held as text whose PostgreSQL type
// is an array or reg* type, so that operations on it know what it holds.
type typedExpr struct {
	x  exec.Expr
	pg uint32
	// src is the text a jsonb value was cast from (text::jsonb), for the
	// operators that read a member from the text itself.
	src exec.Expr
}

func (t *typedExpr) Type() arrow.DataType                                    { return t.x.Type() }
func (t *typedExpr) String() string                                          { return t.x.String() }
func (t *typedExpr) pgType() uint32                                          { return t.pg }
func (t *typedExpr) Eval(c *exec.Ctx, rec arrow.Record) (arrow.Array, error) { return t.x.Eval(c, rec) }
func (t *typedExpr) children() []exec.Expr                                   { return []exec.Expr{t.x} }
func (t *typedExpr) withChildren(x []exec.Expr) exec.Expr                    { return &typedExpr{x: x[0], pg: t.pg} }

// formatArrayText writes elements in PostgreSQL's array output form.
func formatArrayText(elems []*string) string {
	var sb strings.Builder
	sb.WriteByte('{')
	for i, e := range elems {
		if i > 0 {
			sb.WriteByte(',')
		}
		if e == nil {
			sb.WriteString("NULL")
			continue
		}
		appendArrayElem(&sb, *e)
	}
	sb.WriteByte('}')
	return sb.String()
}

// appendArrayElem writes one non-NULL element, quoted when it must be.
func appendArrayElem(sb *strings.Builder, e string) {
	if !needsArrayQuotes(e) {
		sb.WriteString(e)
		return
	}
	var buf [64]byte
	sb.Write(appendArrayElemTo(buf[:0], e))
}

// appendArrayElemTo writes one non-NULL element to dst, quoted when it
// must be.
func appendArrayElemTo(dst []byte, e string) []byte {
	if !needsArrayQuotes(e) {
		return append(dst, e...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(e); i++ {
		if c := e[i]; c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, e[i])
	}
	return append(dst, '"')
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

func needsArrayQuotes(s string) bool {
	if s == "" || strings.EqualFold(s, "NULL") {
		return true
	}
	return strings.ContainsAny(s, "{}\",\\ \t\n\r\v\f")
}

// arrayElems reads an array value (text form) for the functions below; a
// non-array text is an error, as its cast to an array would be.
func arrayElems(v any) ([]*string, error) {
	s, _ := v.(string)
	elems, ok := parseArrayText(s)
	if !ok {
		return nil, malformedArray(s)
	}
	return elems, nil
}

func malformedArray(s string) error {
	return errorf(CodeInvalidText, `malformed array literal: "%s"`, s)
}

// textArray is a constant array (arrayLit) in its text form: times in the
// session's zone, dates and timestamps without time zone as their wall
// clock readings.
func (b *binder) textArray(a *arrayLit) (exec.Expr, error) {
	loc := b.sess.Location
	if loc == nil {
		loc = time.UTC
	}
	elems := make([]*string, len(a.elems))
	for i, e := range a.elems {
		l, ok := settle(e).(*exec.Literal)
		if !ok {
			return nil, notSupported("ARRAY[...] of non-constant elements")
		}
		if l.V == nil {
			continue
		}
		s := arrayElemText(l.V, l.DT, a.pg, loc)
		elems[i] = &s
	}
	elem := a.pg
	if elem == 0 {
		elem = pgOfEngine(a.dt)
	}
	pg := arrayOIDs[elem]
	return &rowFunc{name: "array", dt: exec.TypeText, pg: pg, fn: func([]any) (any, error) { return formatArrayText(elems), nil }}, nil
}

// runtimeArray is ARRAY[...] over elements known only when the query runs
// (columns, aggregates): its text form, built per row, of the elements'
// common type; elem is the PostgreSQL type they share (sharedPG; 0: the
// engine type's). With nullIfAllNull it is NULL where every element is
// (percentile_cont over ARRAY[...] fractions of no values).
func (b *binder) runtimeArray(args []exec.Expr, elem uint32, nullIfAllNull bool) (exec.Expr, error) {
	dt, err := b.commonType(args)
	if err != nil {
		return nil, errorf(CodeDatatype, "ARRAY types do not match: %v", err)
	}
	elems := make([]exec.Expr, len(args))
	for i, a := range args {
		if elems[i], err = b.coerce(a, dt); err != nil {
			return nil, err
		}
	}
	if elem == 0 {
		elem = pgOfEngine(dt)
	}
	pg, ok := arrayOIDs[elem]
	if !ok {
		pg = 1009 // dates, times, intervals: text[], as their constant arrays
	}
	loc := b.sess.Location
	if loc == nil {
		loc = time.UTC
	}
	return &rowFunc{name: "array", args: elems, dt: exec.TypeText, pg: pg, fn: func(v []any) (any, error) {
		texts := make([]*string, len(v))
		nulls := 0
		for i, x := range v {
			if x == nil {
				nulls++
				continue
			}
			s := arrayElemText(x, dt, elem, loc)
			texts[i] = &s
		}
		if nullIfAllNull && nulls == len(v) {
			return nil, nil
		}
		return formatArrayText(texts), nil
	}}, nil
}

// sharedPG is the PostgreSQL type every one of exprs (bound as args) has
// by the statement (integer of int4 columns, date), 0 when they differ or
// have their engine type's.
func (b *binder) sharedPG(s *scope, exprs []ast.ExprNode, args []exec.Expr) uint32 {
	q := &selectBinder{b: b, in: s}
	elem, first, mixed := uint32(0), true, false
	numeric, real, other := false, false, false // what numbers of different types make
	for i, a := range exprs {
		if isNullAST(a) {
			continue // NULL takes the others' type
		}
		if _, quoted := args[i].(*unknownLit); quoted {
			continue // so does a quoted constant: ARRAY[c, 'q'] is c's type
		}
		pg := q.pgTypeOf(a, args[i])
		if pg == 0 {
			pg = pgOfEngine(args[i].Type())
		}
		switch {
		case pg == 1700:
			numeric = true
		case pg == 700:
			real = true
		case numberRank[pg] == 0:
			other = true
		}
		if !first && pg != elem {
			mixed = true
		}
		elem, first = pg, false
	}
	switch {
	case !mixed:
		return elem
	case other:
		return 0
	case real:
		return 700 // integers and numerics beside a real: real
	case numeric:
		return 1700 // integers beside a numeric: numeric
	}
	return 0
}

func mustEval(l *exec.Literal) arrow.Array {
	a, err := l.Eval(exec.NewCtx(), oneRow)
	if err != nil {
		panic("planner: a literal failed to evaluate: " + err.Error())
	}
	return a
}

// pgOfEngine is the PostgreSQL type an engine type is reported as.
func pgOfEngine(dt arrow.DataType) uint32 {
	switch dt.ID() {
	case arrow.BOOL:
		return 16
	case arrow.INT64:
		return 20
	case arrow.FLOAT64:
		return 701
	case arrow.TIMESTAMP:
		return 1184
	case arrow.INTERVAL_MONTH_DAY_NANO:
		return 1186
	}
	return 25
}

// isTextArray reports whether x is an array held as text.
func isTextArray(x exec.Expr) bool {
	t, ok := x.(pgTyped)
	return ok && isArrayOID(t.pgType())
}

// runtimeQuantified is ANY(arr)/ALL(arr) over an array known only at run
// time, waiting for its comparison.
type runtimeQuantified struct {
	arr exec.Expr
	all bool
}

func (q *runtimeQuantified) Type() arrow.DataType { return exec.TypeText }
func (q *runtimeQuantified) String() string       { return "ANY(" + q.arr.String() + ")" }
func (q *runtimeQuantified) Eval(*exec.Ctx, arrow.Record) (arrow.Array, error) {
	return nil, notSupported("ANY/ALL outside a comparison")
}

// runtimeCompare is x op ANY|ALL(arr): each element is read as x's type
// and compared, with SQL's NULL rules.
func (b *binder) runtimeCompare(op opcode.Op, x exec.Expr, q *runtimeQuantified) (exec.Expr, error) {
	cmp := cmpOps[op]
	if et := elemType(arrayPG(q.arr)); et.ID() == arrow.TIMESTAMP || et.ID() == arrow.INTERVAL_MONTH_DAY_NANO {
		// An array of times (array_agg(time)): the operand is read as its
		// elements' type ('2016-01-01 00:00+00' = ANY(...) compares times).
		c, err := b.coerce(x, et)
		if err != nil {
			return nil, err
		}
		if id := c.Type().ID(); id != et.ID() && id != arrow.NULL {
			return nil, errorf(CodeUndefinedFunc, "operator does not exist: %s %s %s", exec.SQLTypeName(c.Type()), cmp, exec.SQLTypeName(et))
		}
		x = c
	}
	x = settle(x)
	if x.Type().ID() == arrow.NULL {
		x = &exec.Literal{V: nil, DT: exec.TypeText}
	}
	dt := x.Type()
	if exec.IsText(dt) {
		dt = exec.TypeText
	}
	ctx := b.ctx
	name := "ANY"
	if q.all {
		name = "ALL"
	}
	return &rowFunc{name: name, args: []exec.Expr{x, q.arr}, dt: exec.TypeBool, fn: func(v []any) (any, error) {
		if v[1] == nil {
			return nil, nil
		}
		elems, err := arrayElems(v[1])
		if err != nil {
			return nil, err
		}
		if len(elems) == 0 {
			return q.all, nil // even for a NULL operand
		}
		sawNull := v[0] == nil
		for _, e := range elems {
			if e == nil || v[0] == nil {
				sawNull = true
				continue
			}
			ev, err := readElem(ctx, *e, dt, arrayPG(q.arr))
			if err != nil {
				return nil, err
			}
			r, err := compareValues(cmp, v[0], ev)
			if err != nil {
				return nil, err
			}
			if r != q.all {
				return r, nil
			}
		}
		if sawNull {
			return nil, nil
		}
		return q.all, nil
	}}, nil
}

// compareValues compares two non-NULL values of one type.
func compareValues(op exec.CmpOp, a, b any) (bool, error) {
	c := 0
	switch a := a.(type) {
	case int64:
		bv, _ := b.(int64)
		c = cmp3(a < bv, a > bv)
	case float64:
		bv, _ := b.(float64)
		c = cmp3(a < bv, a > bv)
	case string:
		bv, _ := b.(string)
		c = strings.Compare(a, bv)
	case bool:
		bv, _ := b.(bool)
		c = cmp3(!a && bv, a && !bv)
	case exec.Timestamp:
		bv, _ := b.(exec.Timestamp)
		c = cmp3(a < bv, a > bv)
	case arrow.MonthDayNanoInterval:
		bv, _ := b.(arrow.MonthDayNanoInterval)
		c = exec.CompareIntervals(a, bv)
	default:
		return false, notSupported("ANY/ALL over arrays of this type")
	}
	switch op {
	case exec.Eq:
		return c == 0, nil
	case exec.Ne:
		return c != 0, nil
	case exec.Lt:
		return c < 0, nil
	case exec.Le:
		return c <= 0, nil
	case exec.Gt:
		return c > 0, nil
	}
	return c >= 0, nil
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

// runtimeArrayFunc binds the array functions over an array held as text:
// subscripts, array_upper/array_lower/array_length, array_to_string and
// array concatenation.
func (b *binder) runtimeArrayFunc(name string, args []exec.Expr) (exec.Expr, error) {
	switch name {
	case "__pg_subscript":
		idx, err := b.coerce(args[1], exec.TypeInt)
		if err != nil {
			return nil, err
		}
		pg := arrayPG(args[0])
		dt := elemType(pg)
		lower := int64(1)
		if pg == 22 || pg == 30 {
			lower = 0 // vectors are indexed from 0
		}
		ctx := b.ctx
		elemPG, _ := ArrayElem(pg)
		return &rowFunc{name: "subscript", args: []exec.Expr{settle(args[0]), idx}, dt: dt, pg: narrowPG(elemPG, dt), strict: true, fn: func(v []any) (any, error) {
			want := v[1].(int64) - lower
			var elem *string // the one element read: no slice of them all
			s, _ := v[0].(string)
			if _, ok := exec.EachArrayElem(s, func(i int, e string, null bool) {
				if int64(i) == want && !null {
					elem = &e
				}
			}); !ok {
				return nil, malformedArray(s)
			}
			if elem == nil {
				return nil, nil
			}
			return readElem(ctx, *elem, dt, pg)
		}}, nil
	case "array_upper", "array_length", "array_lower", "cardinality":
		var dim exec.Expr = integer(1)
		if len(args) > 1 {
			d, err := b.coerce(args[1], exec.TypeInt)
			if err != nil {
				return nil, err
			}
			dim = d
		}
		return &rowFunc{name: name, args: []exec.Expr{settle(args[0]), dim}, dt: exec.TypeInt, strict: true, fn: func(v []any) (any, error) {
			s, _ := v[0].(string)
			n, ok := exec.EachArrayElem(s, nil) // counted, none kept
			if !ok {
				return nil, malformedArray(s)
			}
			if v[1].(int64) != 1 || n == 0 {
				if name == "cardinality" {
					return int64(0), nil
				}
				return nil, nil
			}
			if name == "array_lower" {
				return int64(1), nil
			}
			return int64(n), nil
		}}, nil
	case "array_to_string":
		if len(args) < 2 || len(args) > 3 {
			return nil, errorf(CodeUndefinedFunc, "function array_to_string takes two or three arguments")
		}
		for i := range args {
			args[i] = settle(args[i])
		}
		return &rowFunc{name: name, args: args, dt: exec.TypeText, fn: func(v []any) (any, error) {
			if v[0] == nil || v[1] == nil {
				return nil, nil
			}
			elems, err := arrayElems(v[0])
			if err != nil {
				return nil, err
			}
			sep, _ := v[1].(string)
			var parts []string
			for _, e := range elems {
				switch {
				case e != nil:
					parts = append(parts, *e)
				case len(v) > 2 && v[2] != nil:
					parts = append(parts, v[2].(string))
				}
			}
			return strings.Join(parts, sep), nil
		}}, nil
	case "array_cat":
		pg := uint32(1009)
		for _, a := range args {
			if t, ok := a.(pgTyped); ok && isArrayOID(t.pgType()) {
				pg = t.pgType()
			}
		}
		return &rowFunc{name: "array_cat", args: []exec.Expr{settle(args[0]), settle(args[1])}, dt: exec.TypeText, pg: pg, fn: func(v []any) (any, error) {
			var all []*string
			for _, x := range v {
				if x == nil {
					continue
				}
				elems, err := arrayElems(x)
				if err != nil {
					return nil, err
				}
				all = append(all, elems...)
			}
			if v[0] == nil && v[1] == nil {
				return nil, nil
			}
			return formatArrayText(all), nil
		}}, nil
	}
	return nil, notSupported("arrays")
}

// ParseArrayText splits a one-dimensional array in PostgreSQL's text form
// (or an int2vector/oidvector) into its elements, nil for NULL; ok is false
// for other text. pgwire uses it for the binary form of arrays.
func ParseArrayText(s string) (elems []*string, ok bool) { return parseArrayText(s) }

// ArrayElem is the element type of an array type held as text (int2vector
// and oidvector included).
func ArrayElem(oid uint32) (uint32, bool) {
	switch oid {
	case 22:
		return 21, true
	case 30:
		return 26, true
	}
	for elem, arr := range arrayOIDs {
		if arr == oid {
			return elem, true
		}
	}
	return 0, false
}

// arrayAgg is array_agg(x [ORDER BY ...]): string_agg of the elements in
// their array text form (NULL as NULL), braced, typed elem[]; NULL for no
// rows, as in PostgreSQL.
func (q *selectBinder) arrayAgg(call *aggCall) (exec.Expr, error) {
	if len(call.args) != 1 {
		return nil, errorf(CodeUndefinedFunc, "function array_agg takes one argument")
	}
	x, err := q.b.bindExpr(q.in, call.args[0])
	if err != nil {
		return nil, err
	}
	x = settle(x)
	elemText, pg, err := q.arrayElem(call.args[0], x)
	if err != nil {
		return nil, err
	}
	agg := exec.Agg{Func: exec.AggStringAgg, Distinct: call.distinct, Sep: ",", Arg: elemText}
	if call.filter != nil {
		f, err := q.aggFilter(call.filter)
		if err != nil {
			return nil, err
		}
		agg.Filter = f
	}
	if err := q.aggOrder(call, &agg, []exec.Expr{x}); err != nil {
		return nil, err
	}
	col, err := q.addAgg(agg)
	if err != nil {
		return nil, err
	}
	return bracedArray(col, pg), nil
}

// arrayElem is value x (of AST e) as an element of array_agg's text: its
// array text form, quoted where it must be, NULL as NULL (never a NULL
// value, so string_agg of them keeps NULL elements); pg is the array's
// type.
func (q *selectBinder) arrayElem(e ast.ExprNode, x exec.Expr) (elemText exec.Expr, pg uint32, err error) {
	elem := q.pgTypeOf(e, x)
	if elem == 0 {
		elem = enginePG(x.Type())
	}
	pg, ok := arrayOIDs[elem]
	if !ok {
		return nil, 0, notSupported("array_agg of " + typeName(int64(elem)))
	}
	if elem == 1042 {
		x = q.b.padded(q.in, e, x) // character(n): its blanks are shown
	}
	loc := q.b.ctx.Location
	scale, least, quotient := -1, 0, false
	if elem == 1700 {
		scale = q.numericScale(e) // 1.50 stays 1.50
		least, quotient = q.quotientScale(e)
	}
	numeric := scale >= 0 || quotient
	// appendFloat writes a float element as arrayElemText does (numbers
	// need no quotes).
	appendFloat := func(dst []byte, f float64) []byte {
		switch {
		case numeric && !math.IsNaN(f) && !math.IsInf(f, 0):
			if scale < 0 {
				return exec.AppendQuotient(dst, f, least) // a quotient: its division's scale
			}
			return exec.AppendNumericDigits(dst, f, scale)
		case elem == 700:
			return exec.AppendFloat4(dst, f)
		case elem == 1700 && !math.IsNaN(f) && !math.IsInf(f, 0):
			return strconv.AppendFloat(dst, f, 'f', -1, 64)
		}
		return exec.AppendFloat(dst, f)
	}
	// vec writes a column's elements in one pass (no value boxed), as fn
	// below writes each: bigint, double precision, numeric, text, tag,
	// boolean and timestamptz columns.
	vec := func(c *exec.Ctx, args []arrow.Array) (arrow.Array, bool) {
		null := []byte("NULL")
		switch a := args[0].(type) {
		case *array.Int64:
			vals := a.Int64Values()
			return exec.TextArray(a, null, func(dst []byte, i int) []byte { return exec.AppendInt(dst, vals[i]) }), true
		case *array.Float64:
			vals := a.Float64Values()
			return exec.TextArray(a, null, func(dst []byte, i int) []byte { return appendFloat(dst, vals[i]) }), true
		case *array.String:
			return exec.TextArray(a, null, func(dst []byte, i int) []byte { return appendArrayElemTo(dst, a.Value(i)) }), true
		case *array.Dictionary: // a tag: each distinct value's element once
			dict, ok := a.Dictionary().(*array.String)
			if !ok {
				return nil, false
			}
			elems := make([][]byte, dict.Len())
			for j := range elems {
				elems[j] = appendArrayElemTo(nil, dict.Value(j))
			}
			return exec.TextArray(a, null, func(dst []byte, i int) []byte { return append(dst, elems[a.GetValueIndex(i)]...) }), true
		case *array.Boolean:
			return exec.TextArray(a, null, func(dst []byte, i int) []byte { return append(dst, "ft"[boolIndex(a.Value(i))]) }), true
		case *array.Timestamp:
			if elem != 1184 {
				return nil, false
			}
			vals := a.TimestampValues()
			return exec.TextArray(a, null, func(dst []byte, i int) []byte {
				if out, ok := exec.AppendInfiniteTime(dst, int64(vals[i])); ok {
					return out // no space: not quoted
				}
				// Quoted for its space; it has no quote or backslash.
				return append(exec.AppendTimestamp(append(dst, '"'), int64(vals[i]), loc), '"')
			}), true
		}
		return nil, false
	}
	return &rowFunc{name: "array_elem", args: []exec.Expr{x}, dt: exec.TypeText, vec: vec, fn: func(v []any) (any, error) {
		if v[0] == nil {
			return "NULL", nil
		}
		if f, ok := v[0].(float64); ok {
			return string(appendFloat(nil, f)), nil
		}
		var sb strings.Builder
		appendArrayElem(&sb, arrayElemText(v[0], x.Type(), elem, loc))
		return sb.String(), nil
	}}, pg, nil
}

// bracedArray is array_agg's result from the string_agg of its elements
// (NULL for no rows), typed pg.
func bracedArray(joined exec.Expr, pg uint32) exec.Expr {
	return &rowFunc{name: "array_agg", args: []exec.Expr{joined}, dt: exec.TypeText, pg: pg, strict: true,
		fn: func(v []any) (any, error) { return "{" + v[0].(string) + "}", nil }}
}

// aggOrder sets the ORDER BY of an aggregate that joins its values
// (string_agg, array_agg, json_agg): its keys (jsonb ones in jsonb's
// order), or with DISTINCT and no ORDER BY the values ascending, as
// PostgreSQL sorts them to drop duplicates.
func (q *selectBinder) aggOrder(call *aggCall, agg *exec.Agg, values []exec.Expr) error {
	for _, o := range call.order {
		k, err := q.b.bindExpr(q.in, o.Expr)
		if err != nil {
			return err
		}
		if call.distinct && !slices.ContainsFunc(values, func(x exec.Expr) bool { return exprID(settle(x)) == exprID(settle(k)) }) {
			// PostgreSQL drops duplicates by sorting on the keys.
			return errorf("42P10", "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list")
		}
		if k, err = q.b.orderKey(q.in, o.Expr, k); err != nil {
			return err
		}
		agg.Order = append(agg.Order, exec.SortKey{Expr: k, Desc: o.Desc, NullsFirst: o.NullOrder})
	}
	if call.distinct && len(agg.Order) == 0 {
		for _, x := range values {
			agg.Order = append(agg.Order, exec.SortKey{Expr: x})
		}
	}
	return nil
}

// arrayElemText is a value's text form as an element of an array of
// PostgreSQL type elem (its element type; 0: the engine type's): dates
// and timestamps without time zone as their wall clock readings, times
// in the session's zone, intervals and times of day as PostgreSQL writes
// them, values held as text as they are.
func arrayElemText(v any, dt arrow.DataType, elem uint32, loc *time.Location) string {
	if s, ok := v.(string); ok {
		return s
	}
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		switch {
		case elem == 700:
			return string(exec.AppendFloat4(nil, x))
		case elem == 1700 && !math.IsNaN(x) && !math.IsInf(x, 0):
			return strconv.FormatFloat(x, 'f', -1, 64) // numeric's digits: 0.00001, not 1e-05
		}
		return exec.FormatFloat(x)
	case bool:
		if x {
			return "t"
		}
		return "f"
	case exec.Timestamp:
		if elem == 1082 {
			return exec.WallClockText(x, true, loc)
		}
		if elem == 1114 {
			return exec.WallClockText(x, false, time.UTC) // the reading
		}
		return string(exec.AppendTimestamp(nil, int64(x), loc))
	case arrow.MonthDayNanoInterval:
		return exec.FormatInterval(x)
	}
	s, _ := exec.FormatValue(mustEval(&exec.Literal{V: v, DT: dt}), 0, loc)
	return s
}
