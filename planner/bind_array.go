package planner

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
)

// The engine has no array type. Arrays exist only while a statement is
// bound, as constants (ARRAY[...] of constants, '{a,b}'::text[],
// current_schemas(bool)) that the operations catalog queries apply to them
// fold away: subscripts, ANY/ALL, array_upper/array_lower/array_length and
// generate_series bounds. An array that would reach execution is refused
// with 0A000.

// arrayLit is a constant array of literals of one element type.
type arrayLit struct {
	elems []exec.Expr
	dt    arrow.DataType
	pg    uint32 // the element's PostgreSQL type when narrower than dt's
}

func (a *arrayLit) Type() arrow.DataType { return a.dt }
func (a *arrayLit) String() string {
	parts := make([]string, len(a.elems))
	for i, e := range a.elems {
		parts[i] = e.String()
	}
	return "ARRAY[" + strings.Join(parts, ", ") + "]"
}
func (a *arrayLit) Eval(*exec.Ctx, arrow.Record) (arrow.Array, error) {
	return nil, notSupported("array values in results (use them with ANY, a subscript or array_upper)")
}

// ArrayParam is a one-dimensional array a client sent as a parameter in
// binary form: its elements' engine type and their values (nil for NULL),
// each of the Go type a scalar parameter of that type has.
type ArrayParam struct {
	Elem   arrow.DataType
	Values []any
}

// quantified is ANY(arr) or ALL(arr) waiting for its comparison.
type quantified struct {
	arrayLit
	all   bool
	param int // describing x = ANY($n): n, and no elements
}

// arrayFunc binds the array functions and markers; ok is false for other
// names.
func (b *binder) arrayFunc(name string, args []exec.Expr) (x exec.Expr, ok bool, err error) {
	switch name {
	case "current_schemas":
		// search_path is "$user", public and no temporary schema exists.
		if len(args) != 1 {
			return nil, true, errorf(CodeUndefinedFunc, "function current_schemas takes one argument")
		}
		withImplicit, err := b.constBool(args[0])
		if err != nil {
			return nil, true, err
		}
		if withImplicit {
			return &arrayLit{elems: []exec.Expr{text("pg_catalog"), text("public")}, dt: exec.TypeText, pg: 19}, true, nil
		}
		return &arrayLit{elems: []exec.Expr{text("public")}, dt: exec.TypeText, pg: 19}, true, nil
	case "__pg_array":
		a, err := b.constArray(args) // over columns or aggregates: funcCall builds a runtimeArray
		return a, true, err
	case "__pg_any", "__pg_all":
		if u, ok := args[0].(*unknownLit); ok && b.describe && u.param > 0 {
			// = ANY($1): $1 is an array of the other operand's type.
			return &quantified{all: name == "__pg_all", param: u.param}, true, nil
		}
		if u, ok := args[0].(*unknownLit); ok {
			// = ANY('{a,b}'): the elements take the other operand's type.
			a, err := b.arrayFromText(settle(u), nil)
			if err != nil {
				return nil, true, err
			}
			return &quantified{arrayLit: *a, all: name == "__pg_all"}, true, nil
		}
		a, err := asArray(args, 0, "ANY/ALL")
		if err != nil {
			if isRuntimeArray(args[0]) {
				return &runtimeQuantified{arr: settle(args[0]), all: name == "__pg_all"}, true, nil
			}
			return nil, true, err
		}
		return &quantified{arrayLit: *a, all: name == "__pg_all"}, true, nil
	case "__pg_subscript":
		a, err := asArray(args, 0, "subscripts")
		if err != nil {
			if isRuntimeArray(args[0]) {
				x, err := b.runtimeArrayFunc(name, args)
				return x, true, err
			}
			return nil, true, err
		}
		x, err := b.subscript(a, args[1])
		return x, true, err
	case "__pg_slice":
		// a[lo:hi], a[lo:], a[:hi]: the elements from lo to hi (1-based,
		// within the array's bounds), as an array of the same type.
		if len(args) != 3 {
			return nil, true, errorf(CodeSyntax, "malformed array slice")
		}
		if a, ok := args[0].(*arrayLit); ok {
			t, err := b.textArray(a)
			if err != nil {
				return nil, true, err
			}
			args[0] = t
		}
		if !isRuntimeArray(args[0]) {
			return nil, true, errorf(CodeDatatype, "cannot subscript type %s because it does not support subscripting", exec.SQLTypeName(args[0].Type()))
		}
		x, err := b.arraySlice(args)
		return x, true, err
	case "array_to_string", "cardinality":
		if a, ok := args[0].(*arrayLit); ok {
			t, err := b.textArray(a)
			if err != nil {
				return nil, true, err
			}
			args[0] = t
		}
		x, err := b.runtimeArrayFunc(name, args)
		return x, true, err
	case "array_upper", "array_length", "array_lower":
		a, err := asArray(args, 0, name)
		if err != nil {
			if isRuntimeArray(args[0]) {
				x, err := b.runtimeArrayFunc(name, args)
				return x, true, err
			}
			return nil, true, err
		}
		if len(args) != 2 {
			return nil, true, errorf(CodeUndefinedFunc, "function %s takes two arguments", name)
		}
		dim, err := b.coerce(args[1], exec.TypeInt)
		if err != nil {
			return nil, true, err
		}
		n := int64(len(a.elems))
		if l, ok := dim.(*exec.Literal); !ok || l.V != int64(1) || n == 0 {
			return &exec.Literal{V: nil, DT: exec.TypeInt}, true, nil
		}
		if name == "array_lower" {
			n = 1
		}
		return &exec.Literal{V: n, DT: exec.TypeInt}, true, nil
	}
	return nil, false, nil
}

// asArray returns args[i] as a constant array, or a 0A000 naming what
// needed one.
func asArray(args []exec.Expr, i int, what string) (*arrayLit, error) {
	if i < len(args) {
		if a, ok := args[i].(*arrayLit); ok {
			return a, nil
		}
		if q, ok := args[i].(*quantified); ok {
			return &q.arrayLit, nil
		}
	}
	return nil, notSupported(what + " over a non-constant array")
}

func (b *binder) constBool(x exec.Expr) (bool, error) {
	x, err := b.coerce(x, exec.TypeBool)
	if err != nil {
		return false, err
	}
	if l, ok := x.(*exec.Literal); ok {
		v, _ := l.V.(bool)
		return v, nil
	}
	return false, notSupported("a non-constant argument here")
}

// constArray makes ARRAY[...] of constants, in their common type.
func (b *binder) constArray(args []exec.Expr) (*arrayLit, error) {
	dt, err := b.commonType(args)
	if err != nil {
		return nil, errorf(CodeDatatype, "ARRAY types do not match: %v", err)
	}
	out := &arrayLit{dt: dt}
	for _, a := range args {
		c, err := b.coerce(a, dt)
		if err != nil {
			return nil, err
		}
		if c, err = b.fold(c); err != nil {
			return nil, err
		}
		if _, ok := c.(*exec.Literal); !ok {
			return nil, notSupported("ARRAY[...] of non-constant elements")
		}
		out.elems = append(out.elems, c)
	}
	if dt.ID() == arrow.INT64 {
		out.pg = 23 // integer constants are int4 (larger ones are numeric in PostgreSQL)
	}
	return out, nil
}

// checkIntRange refuses an int2[] or int4[] constant array holding an
// element beyond its type's range, which its binary form could not hold.
func (a *arrayLit) checkIntRange() error {
	lo, hi, name := int64(math.MinInt32), int64(math.MaxInt32), "integer"
	switch a.pg {
	case 21:
		lo, hi, name = math.MinInt16, math.MaxInt16, "smallint"
	case 23:
	default:
		return nil
	}
	for _, e := range a.elems {
		if l, ok := e.(*exec.Literal); ok {
			if v, ok := l.V.(int64); ok && (v < lo || v > hi) {
				return errorf(CodeOutOfRange, "%s out of range", name)
			}
		}
	}
	return nil
}

// constArrayPG is the element type PostgreSQL gives ARRAY[...] of
// elements es (bound as xs) of engine type dt, when narrower than dt's:
// integers the widest of int2 < int4 < int8 among them (ARRAY[1::int2] is
// int2[], ARRAY[1, 3000000000] int8[]), float4 when every element is one,
// a string the first element's type (varchar or name); 0 for the engine
// type's.
func (b *binder) constArrayPG(s *scope, es []ast.ExprNode, xs []exec.Expr, dt arrow.DataType) uint32 {
	q := &selectBinder{b: b, in: s}
	out, first := uint32(0), true
	for i, e := range es {
		if isNullAST(e) || i >= len(xs) {
			continue
		}
		pg := q.pgTypeOf(e, xs[i])
		if _, quoted := xs[i].(*unknownLit); quoted {
			continue // a quoted constant takes the others' type
		}
		if _, param := e.(*driver.ParamMarkerExpr); param && pg == 0 {
			continue // so does an untyped $n, when described and when run
		}
		switch dt.ID() {
		case arrow.INT64:
			if pg == 0 {
				pg = 20
			}
			if numberRank[pg] == 0 || pg == 1700 {
				return 0
			}
			if first || numberRank[pg] > numberRank[out] {
				out = pg
			}
		case arrow.FLOAT64:
			// float4 stays float4 beside integers and numerics (which
			// convert to it implicitly, PostgreSQL's select_common_type);
			// float8 makes float8; numerics with integers numeric.
			if pg == 0 && xs[i].Type().ID() == arrow.INT64 {
				pg = 20 // a bigint field
			}
			switch {
			case numberRank[pg] == 0 && pg != 700 && pg != 1700:
				return 0
			case pg == 700 || out == 700:
				out = 700
			case pg == 1700 || out == 1700:
				out = 1700
			case first:
				out = pg // an integer: a numeric or real beside it decides
			}
		default: // strings: the first one's type (varchar and text convert both ways)
			if first {
				out = pg
			}
		}
		first = false
	}
	switch {
	case dt.ID() == arrow.INT64 && first:
		return 23 // only quoted constants and NULLs: integers
	case dt.ID() == arrow.INT64, dt.ID() == arrow.FLOAT64 && (out == 700 || out == 1700), exec.IsText(dt) && (out == 1043 || out == 19):
		return out
	}
	return 0 // float8
}

// arrayFromText reads an array literal '{a,b,"c d"}' cast to elem[]; a nil
// elem leaves the elements unknown literals.
func (b *binder) arrayFromText(x exec.Expr, elem arrow.DataType) (*arrayLit, error) {
	return b.arrayFromTextOf(x, elem, 0)
}

// arrayFromTextOf is arrayFromText for elements of PostgreSQL type pg (0:
// elem's): a timestamp without time zone's elements are read as readings.
func (b *binder) arrayFromTextOf(x exec.Expr, elem arrow.DataType, pg uint32) (*arrayLit, error) {
	x = settle(x)
	var s string
	isText := false
	if l, ok := x.(*exec.Literal); ok {
		s, isText = l.V.(string)
	}
	if !isText {
		return nil, notSupported("casts of non-constant values to arrays")
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(s, "{")), "{") {
		return nil, notSupported("arrays of more than one dimension")
	}
	items, ok := parseArrayText(s)
	if !ok || !strings.HasSuffix(s, "}") {
		return nil, errorf(CodeInvalidText, `malformed array literal: "%s"`, s)
	}
	out := &arrayLit{dt: elem}
	if elem == nil {
		out.dt = arrow.Null
	}
	for _, item := range items {
		if item == nil {
			out.elems = append(out.elems, &exec.Literal{V: nil, DT: out.dt})
			continue
		}
		u := &unknownLit{Literal: exec.Literal{V: *item, DT: exec.TypeText}}
		if elem == nil {
			out.elems = append(out.elems, u)
			continue
		}
		var c exec.Expr
		var err error
		if pg == 1114 && elem.ID() == arrow.TIMESTAMP {
			c, err = b.wallClockLiteral(u)
		} else {
			c, err = b.coerce(u, elem)
		}
		if err != nil {
			return nil, err
		}
		out.elems = append(out.elems, c)
	}
	return out, nil
}

// subscript is arr[i]: the element, NULL out of range; with a
// non-constant index a CASE over the elements.
func (b *binder) subscript(a *arrayLit, idx exec.Expr) (exec.Expr, error) {
	x, err := b.subscriptOf(a, idx)
	if err != nil || a.pg == 0 || a.pg == pgOfEngine(a.dt) {
		return x, err
	}
	// (ARRAY[date '2024-01-01'])[1] is a date, (ARRAY[1, 2])[1] an int4.
	return &typedExpr{x: x, pg: a.pg}, nil
}

// subscriptOf is subscript's element, of the engine type.
func (b *binder) subscriptOf(a *arrayLit, idx exec.Expr) (exec.Expr, error) {
	idx, err := b.coerce(idx, exec.TypeInt)
	if err != nil {
		return nil, err
	}
	null := &exec.Literal{V: nil, DT: a.dt}
	if l, ok := idx.(*exec.Literal); ok {
		i, ok := l.V.(int64)
		if !ok || i < 1 || i > int64(len(a.elems)) {
			return null, nil
		}
		return a.elems[i-1], nil
	}
	c := &exec.Case{DT: a.dt, Else: null}
	for i, e := range a.elems {
		when, err := b.compare(exec.Eq, idx, &exec.Literal{V: int64(i + 1), DT: exec.TypeInt})
		if err != nil {
			return nil, err
		}
		c.Whens, c.Thens = append(c.Whens, when), append(c.Thens, e)
	}
	return c, nil
}

// alignQuantified brings x (from xe) and the elements of x op ANY|ALL (q)
// to one type where a timestamp without time zone meets a date or a
// timestamptz, as alignTimes does for ARRAY[...]'s own elements: the
// smaller kind is converted (a date to its midnight's reading, a
// timestamp to the instant of its reading in the session's zone).
func (b *binder) alignQuantified(s *scope, xe ast.ExprNode, x exec.Expr, q *quantified) (exec.Expr, exec.Expr, error) {
	if q.param > 0 || q.dt == nil || q.dt.ID() != arrow.TIMESTAMP {
		return x, q, nil
	}
	xk, ak := (&selectBinder{b: b, in: s}).timeKind(xe, x), timeKindOf(q.pg)
	common := commonTime(xk, ak)
	if common == 0 {
		return x, q, nil
	}
	if xk != common {
		x, err := b.convertTime(x, xk, common)
		return x, q, err
	}
	c := *q
	c.elems = slices.Clone(q.elems)
	for i, el := range c.elems {
		conv, err := b.convertTime(el, ak, common)
		if err != nil {
			return nil, nil, err
		}
		if c.elems[i], err = b.foldLogic(conv); err != nil {
			return nil, nil, err
		}
	}
	c.pg = common
	return x, &c, nil
}

// quantifiedCompare is x op ANY(arr) (an OR of comparisons, false for an
// empty array) or x op ALL(arr) (an AND, true when empty), which gives
// PostgreSQL's NULL rules.
func (b *binder) quantifiedCompare(op opcode.Op, x exec.Expr, q *quantified) (exec.Expr, error) {
	if q.param > 0 {
		b.noteParam(q.param, arrow.ListOf(settle(x).Type()))
		return &exec.Literal{V: nil, DT: exec.TypeBool}, nil
	}
	if len(q.elems) == 0 {
		return &exec.Literal{V: q.all, DT: exec.TypeBool}, nil
	}
	var out exec.Expr
	for _, e := range q.elems {
		c, err := b.binary(op, x, e)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = c
			continue
		}
		lop := exec.Or
		if q.all {
			lop = exec.And
		}
		out = &exec.Logic{Op: lop, L: out, R: c}
	}
	return b.foldLogic(out)
}

func (b *binder) foldLogic(x exec.Expr) (exec.Expr, error) {
	if constantTree(x) {
		return b.fold(x)
	}
	return x, nil
}

// expandArrayPlaceholder stands for information_schema._pg_expandarray(arr)
// and its fields n and x where a select list is not rewritten to run it
// as a set-returning function (expand_array.go): beside an aggregate, say.
// It is NULL for NULL input and fails on any other.
type expandArrayPlaceholder struct {
	arg exec.Expr
	dt  arrow.DataType
}

func (p *expandArrayPlaceholder) Type() arrow.DataType { return p.dt }
func (p *expandArrayPlaceholder) String() string {
	return fmt.Sprintf("_pg_expandarray(%s)", p.arg)
}
func (p *expandArrayPlaceholder) Eval(c *exec.Ctx, rec arrow.Record) (arrow.Array, error) {
	a, err := p.arg.Eval(c, rec)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	if a.NullN() < a.Len() {
		return nil, notSupported("_pg_expandarray over a non-empty array")
	}
	return array.MakeArrayOfNull(memory.DefaultAllocator, p.dt, a.Len()), nil
}

// expandArray binds _pg_expandarray(arr) and (expr).field.
func (b *binder) expandArray(name string, args []exec.Expr) (exec.Expr, bool, error) {
	switch name {
	case "_pg_expandarray":
		if len(args) != 1 {
			return nil, true, errorf(CodeUndefinedFunc, "function _pg_expandarray takes one argument")
		}
		return &expandArrayPlaceholder{arg: settle(args[0]), dt: arrow.Null}, true, nil
	case "__pg_field":
		field := ""
		if l, ok := settle(args[1]).(*exec.Literal); ok {
			field, _ = l.V.(string)
		}
		if t, ok := args[0].(pgTyped); ok && t.pgType() == oidRecord {
			x, err := recordField(settle(args[0]), field)
			return x, true, err
		}
		switch x := args[0].(type) {
		case *expandArrayPlaceholder:
			if field != "n" && field != "x" {
				return nil, true, errorf(CodeUndefinedColumn, "column %q not found in data type _pg_expandarray", field)
			}
			return &expandArrayPlaceholder{arg: x.arg, dt: exec.TypeInt}, true, nil
		}
		if args[0].Type().ID() == arrow.NULL {
			// A field of a NULL composite is NULL.
			return &exec.Literal{V: nil, DT: exec.TypeInt}, true, nil
		}
		return nil, true, notSupported("composite field access")
	}
	return nil, false, nil
}

// castArray is x::elem[]: an array literal read as elements of elem, or a
// constant array converted element by element.
func (b *binder) castArray(x exec.Expr, elem string) (exec.Expr, error) {
	if _, isTime := timePrecision(elem); isTime {
		return nil, notSupported("type time[]")
	}
	dt, err := castTypeName(elem)
	if err != nil {
		return nil, err
	}
	if l, ok := settle(x).(*exec.Literal); ok && l.V == nil {
		// NULL::text[]: a NULL of the array type.
		pg := arrayOIDs[pgCastTypes[elem]]
		if pg == 0 {
			pg = arrayOIDs[pgOfEngine(dt)]
		}
		return &rowFunc{name: "cast", args: []exec.Expr{&exec.Literal{V: nil, DT: exec.TypeText}}, dt: exec.TypeText, pg: pg, strict: true,
			fn: func(v []any) (any, error) { return v[0], nil }}, nil
	}
	if _, ok := settle(x).(*exec.Literal); !ok && isRuntimeArray(x) {
		// A column or expression holding an array: its text form, now
		// typed as elem[], its elements cast when their type changes.
		pg := arrayOIDs[pgCastTypes[elem]]
		if pg == 0 {
			pg = arrayOIDs[pgOfEngine(dt)]
		}
		fn := func(v []any) (any, error) { return v[0], nil }
		if src := arrayPG(x); src != 0 && src != pg {
			conv, err := elementCast(src, dt)
			if err != nil {
				return nil, err
			}
			if conv != nil {
				fn = func(v []any) (any, error) { return castArrayText(v[0], conv) }
			}
		}
		return &rowFunc{name: "cast", args: []exec.Expr{settle(x)}, dt: exec.TypeText, pg: pg, fn: fn}, nil
	}
	if u, ok := x.(*unknownLit); ok && b.describe && u.param > 0 {
		b.noteParam(u.param, arrow.ListOf(dt)) // $1::text[]
		return &arrayLit{dt: dt, pg: narrowPG(pgCastTypes[elem], dt)}, nil
	}
	if a, ok := x.(*arrayLit); ok {
		out := &arrayLit{dt: dt, pg: narrowPG(pgCastTypes[elem], dt)}
		for _, e := range a.elems {
			if a.pg == oidNumericPG && dt.ID() == arrow.INT64 {
				e = numericRound(e) // ARRAY[2.5]::int[] is {3}, as 2.5::int
			}
			c, err := b.fold(&exec.Cast{X: e, To: dt})
			if err != nil {
				return nil, err
			}
			out.elems = append(out.elems, c)
		}
		return b.realElements(out)
	}
	a, err := b.arrayFromTextOf(x, dt, pgCastTypes[elem])
	if err != nil {
		return nil, err
	}
	a.pg = narrowPG(pgCastTypes[elem], dt)
	return b.realElements(a)
}

// elementCast returns the conversion of one element's text from array type
// src to engine type to, for the element types an array held as text casts
// element by element here (integers, floats, numerics, booleans, text);
// nil when the text stays as it is. float8 and real round half to even
// into integers, numeric half away from zero, as PostgreSQL's casts.
func elementCast(src uint32, to arrow.DataType) (func(string) (string, error), error) {
	from := elemType(src)
	if arrow.TypeEqual(from, to) && src != 1231 {
		return nil, nil
	}
	refused := notSupported(fmt.Sprintf("casts of %s values to arrays of %s", formatTypeName(int64(src), -1), exec.SQLTypeName(to)))
	switch to.ID() {
	case arrow.STRING:
		if from.ID() == arrow.BOOL { // t and f in the array, true and false as text
			return func(s string) (string, error) {
				if s == "t" || s == "true" {
					return "true", nil
				}
				return "false", nil
			}, nil
		}
		return nil, nil // the elements' text is their text cast
	case arrow.INT64, arrow.FLOAT64, arrow.BOOL:
	default:
		return nil, refused
	}
	parse := func(s string) (any, error) { return s, nil }
	switch from.ID() {
	case arrow.INT64:
		parse = func(s string) (any, error) { return strconv.ParseInt(s, 10, 64) }
	case arrow.FLOAT64:
		parse = func(s string) (any, error) { return strconv.ParseFloat(s, 64) }
	case arrow.BOOL:
		parse = func(s string) (any, error) { return s == "t" || s == "true", nil }
	case arrow.STRING:
	default:
		return nil, refused
	}
	c := exec.NewCtx()
	return func(s string) (string, error) {
		v, err := parse(s)
		if err != nil {
			return "", errorf(CodeInvalidText, "invalid input syntax for type %s: %q", exec.SQLTypeName(from), s)
		}
		if f, ok := v.(float64); ok && src == 1231 && to.ID() == arrow.INT64 {
			v = exec.RoundDecimal(f, 0) // numeric rounds half away from zero
		}
		out, err := exec.CastValue(c, v, to)
		if err != nil {
			return "", err
		}
		switch o := out.(type) {
		case int64:
			return strconv.FormatInt(o, 10), nil
		case float64:
			return exec.FormatFloat(o), nil
		case bool:
			if o {
				return "t", nil
			}
			return "f", nil
		}
		return fmt.Sprint(out), nil
	}, nil
}

// castArrayText casts each element of an array's text form with conv.
func castArrayText(v any, conv func(string) (string, error)) (any, error) {
	if v == nil {
		return nil, nil // a NULL array
	}
	items, err := arrayElems(v)
	if err != nil {
		return nil, err
	}
	for i, it := range items {
		if it == nil {
			continue
		}
		v, err := conv(*it)
		if err != nil {
			return nil, err
		}
		items[i] = &v
	}
	return formatArrayText(items), nil
}

// realElements rounds the elements of a real[] (held as float8) to single
// precision: '{0.1}'::real[] holds 0.1::real.
func (b *binder) realElements(a *arrayLit) (*arrayLit, error) {
	if a.pg != 700 || a.dt.ID() != arrow.FLOAT64 {
		return a, nil
	}
	for i, e := range a.elems {
		x, err := b.asFloat4(e)
		if err != nil {
			return nil, err
		}
		a.elems[i] = x
	}
	return a, nil
}

// arraySlice is array[lo:hi] over an array held as text; a bound that is
// NULL is the array's own (a[2:], a[:3]).
func (b *binder) arraySlice(args []exec.Expr) (exec.Expr, error) {
	bounds := make([]exec.Expr, 2)
	for i, a := range args[1:] {
		x, err := b.coerce(a, exec.TypeInt)
		if err != nil {
			return nil, err
		}
		bounds[i] = settle(x)
	}
	pg := arrayPG(args[0])
	lower := int64(1)
	if pg == 22 || pg == 30 {
		lower = 0 // vectors are indexed from 0
	}
	return &rowFunc{name: "slice", args: []exec.Expr{settle(args[0]), bounds[0], bounds[1]}, dt: exec.TypeText, pg: pg, fn: func(v []any) (any, error) {
		if v[0] == nil {
			return nil, nil
		}
		elems, err := arrayElems(v[0])
		if err != nil {
			return nil, err
		}
		lo, hi := int64(0), int64(len(elems))
		if x, ok := v[1].(int64); ok {
			lo = max(lo, x-lower)
		}
		if x, ok := v[2].(int64); ok {
			hi = min(hi, x-lower+1)
		}
		if lo >= hi {
			return "{}", nil
		}
		return formatArrayText(elems[lo:hi]), nil
	}}, nil
}

// isRuntimeArray reports whether x can be an array held as text: a text
// or NULL value that is not a constant array.
func isRuntimeArray(x exec.Expr) bool {
	switch x.(type) {
	case *arrayLit, *quantified:
		return false
	}
	id := x.Type().ID()
	return exec.IsText(x.Type()) || id == arrow.NULL
}

// isArrayArg reports whether an operand of || is an array: a constant
// array, an array held as text, or a column of an array type.
func (b *binder) isArrayArg(s *scope, e ast.ExprNode, x exec.Expr) bool {
	switch x.(type) {
	case *arrayLit:
		return true
	}
	if isTextArray(x) {
		return true
	}
	e = unparen(e)
	if c, ok := e.(*ast.ColumnNameExpr); ok {
		for _, sc := range []*scope{s, b.outer} {
			if sc == nil {
				continue
			}
			if col, err := sc.find(c.Name.Table.O, c.Name.Name.O); col != nil && err == nil {
				return isArrayOID(col.pg)
			}
		}
	}
	return false
}

// arraysAsText turns the constant arrays among args into their text form
// (format('%s', ARRAY[1, 2]) and concat write an array as its text).
func (b *binder) arraysAsText(args []exec.Expr) error {
	for i, a := range args {
		x, err := b.asTextArray(a)
		if err != nil {
			return err
		}
		args[i] = x
	}
	return nil
}

// asTextArray turns a constant array into its text form.
func (b *binder) asTextArray(x exec.Expr) (exec.Expr, error) {
	if a, ok := x.(*arrayLit); ok {
		return b.textArray(a)
	}
	return x, nil
}
