package planner

import (
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// narrowPGTypes are the PostgreSQL types Strata holds in a wider engine
// type and reports as themselves (Column.PGType): integers held as bigint,
// names and short strings held as text, float4 held as float8; with the
// engine type and PostgreSQL's typlen.
var narrowPGTypes = map[uint32]struct {
	engine arrow.Type
	size   int16
}{
	18: {arrow.STRING, 1}, 19: {arrow.STRING, 64}, 1042: {arrow.STRING, -1}, 1043: {arrow.STRING, -1},
	21: {arrow.INT64, 2}, 23: {arrow.INT64, 4}, 26: {arrow.INT64, 4}, 28: {arrow.INT64, 4}, 29: {arrow.INT64, 4},
	700: {arrow.FLOAT64, 4},
	// date and timestamp (without time zone) are held as timestamptz: a date
	// as its midnight, a timestamp as the instant of its wall-clock reading,
	// both in the session's time zone, and shown as PostgreSQL shows them.
	1082: {arrow.TIMESTAMP, 4}, 1114: {arrow.TIMESTAMP, 8},
	// time (without time zone) is held as the interval since midnight.
	1083: {arrow.INTERVAL_MONTH_DAY_NANO, 8},
	// json as written, jsonb in its canonical text form.
	114: {arrow.STRING, -1}, 3802: {arrow.STRING, -1}, 4072: {arrow.STRING, -1}, // jsonpath as written
	1700: {arrow.FLOAT64, -1}, // numeric computed in float8: EXTRACT and what is computed from it
	2278: {arrow.STRING, 4},   // void: the empty string
	// reg* values are held as the object's name, which is their text form.
	24: {arrow.STRING, 4}, 2205: {arrow.STRING, 4}, 2206: {arrow.STRING, 4}, 4089: {arrow.STRING, 4},
	// Arrays and the other catalog types are held in their text form.
	22: {arrow.STRING, -1}, 30: {arrow.STRING, -1}, 194: {arrow.STRING, -1}, 869: {arrow.STRING, -1},
	1000: {arrow.STRING, -1}, 1002: {arrow.STRING, -1}, 1014: {arrow.STRING, -1}, 1003: {arrow.STRING, -1}, 1005: {arrow.STRING, -1},
	1007: {arrow.STRING, -1}, 1009: {arrow.STRING, -1}, 1015: {arrow.STRING, -1}, 1016: {arrow.STRING, -1},
	1021: {arrow.STRING, -1}, 1022: {arrow.STRING, -1}, 1028: {arrow.STRING, -1}, 1034: {arrow.STRING, -1},
	2211: {arrow.STRING, -1}, 2277: {arrow.STRING, -1}, 1231: {arrow.STRING, -1},
	1115: {arrow.STRING, -1}, 1182: {arrow.STRING, -1}, 1183: {arrow.STRING, -1}, 1185: {arrow.STRING, -1}, 1187: {arrow.STRING, -1}, 3220: {arrow.STRING, -1}, 3361: {arrow.STRING, -1},
	3402: {arrow.STRING, -1}, 5017: {arrow.STRING, -1},
	2249: {arrow.STRING, -1}, // record: _pg_expandarray's (expand_array.go)
}

// arrayOIDs maps an element type to its array type.
var arrayOIDs = map[uint32]uint32{
	16: 1000, 18: 1002, 19: 1003, 21: 1005, 23: 1007, 25: 1009, 1043: 1015, 20: 1016, 700: 1021, 701: 1022,
	1042: 1014,                         // character[]: elements blank-padded, as PostgreSQL shows them
	26:   1028, 2206: 2211, 1700: 1231, // numeric[]: elements in numeric's text form
	// Times, held as text in PostgreSQL's element forms like the others.
	1082: 1182, 1114: 1115, 1184: 1185, 1186: 1187, 1083: 1183,
}

// isArrayOID reports whether oid is one of the array types above.
func isArrayOID(oid uint32) bool {
	for _, a := range arrayOIDs {
		if a == oid {
			return true
		}
	}
	return oid == 1034 || oid == 2277
}

// signedIntConst is the value of an integer constant under unary signs
// (-5, -(-2147483648), +-1), ok false for anything else or past int64.
func signedIntConst(e ast.ExprNode) (int64, bool) {
	switch e := unparen(e).(type) {
	case *driver.ValueExpr:
		if e.Kind() == driver.KindInt64 {
			return e.GetInt64(), true
		}
	case *ast.UnaryOperationExpr:
		if u, isU := unparen(e.V).(*driver.ValueExpr); isU && e.Op == opcode.Minus && u.Kind() == driver.KindUint64 && u.GetUint64() == 1<<63 {
			return math.MinInt64, true // -9223372036854775808 is a bigint
		}
		v, ok := signedIntConst(e.V)
		switch {
		case !ok:
		case e.Op == opcode.Plus:
			return v, true
		case e.Op == opcode.Minus && v != math.MinInt64:
			return -v, true
		}
	}
	return 0, false
}

// pgTyped is a bound expression that knows its PostgreSQL type (reg*
// casts, arrays held as text).
type pgTyped interface{ pgType() uint32 }

// PGTypeLen is the typlen of a type a Column.PGType may name.
func PGTypeLen(oid uint32) (int16, bool) {
	t, ok := narrowPGTypes[oid]
	return t.size, ok
}

// narrowPG returns oid when values of type dt can be reported as it.
func narrowPG(oid uint32, dt arrow.DataType) uint32 {
	if t, ok := narrowPGTypes[oid]; ok && t.engine == dt.ID() {
		return oid
	}
	if (oid == 1042 || oid == 1043) && dt.ID() == arrow.DICTIONARY {
		return oid // a tag declared varchar(n)
	}
	if oid == 1700 && dt.ID() == arrow.INT64 {
		return oid // sum(bigint): numeric whose values fit in bigint
	}
	return 0
}

// pgCastTypes are the cast targets whose PostgreSQL type is narrower than
// the engine type they bind to.
var pgCastTypes = map[string]uint32{
	"int2": 21, "smallint": 21, "int4": 23, "int": 23, "integer": 23, "oid": 26,
	"date": 1082, "timestamp": 1114, "time": 1083, "json": 114, "jsonb": 3802, "jsonpath": 4072,
	"numeric": 1700, "decimal": 1700, "name": 19, `"char"`: 18, "regclass": 2205, "regtype": 2206, "regproc": 24, "regnamespace": 4089, "char": 1042, "bpchar": 1042, "varchar": 1043, "float4": 700, "real": 700,
}

// nameFuncs return PostgreSQL's name type.
var nameFuncs = map[string]bool{
	"current_database": true, "current_catalog": true, "current_schema": true, "current_user": true,
	"session_user": true, "current_role": true, "pg_get_userbyid": true, "pg_encoding_to_char": true,
}

// funcPGTypes are functions whose PostgreSQL result type is narrower than
// the engine's.
var funcPGTypes = map[string]uint32{
	"array_upper": 23, "array_lower": 23, "array_length": 23, "cardinality": 23,
	"length": 23, "char_length": 23, "character_length": 23, "octet_length": 23, "bit_length": 23,
	"strpos": 23, "position": 23, "regexp_count": 23, "ascii": 23, "pg_advisory_unlock_all": 2278, // void
	"pg_sleep": 2278, "pg_sleep_for": 2278, "pg_sleep_until": 2278,
	"current_date": 1082, "curdate": 1082, "width_bucket": 23, "make_date": 1082, "make_time": 1083, "make_timestamp": 1114, "to_date": 1082, "localtimestamp": 1114,
	"div": 1700, "factorial": 1700, "to_number": 1700, "regexp_instr": 23, "num_nulls": 23, "num_nonnulls": 23, "grouping": 23, "pg_typeof": 2206,
}

// pgTypeOf is the PostgreSQL type a select item is reported as when it is
// narrower than its engine type: a column that has one (pg_catalog), a
// cast to int4/name/oid/..., or a function returning name.
func (q *selectBinder) pgTypeOf(e ast.ExprNode, x exec.Expr) uint32 {
	if t, ok := x.(pgTyped); ok && t.pgType() != 0 {
		return narrowPG(t.pgType(), x.Type())
	}
	e = unparen(e)
	switch e := e.(type) {
	case *ast.ColumnNameExpr:
		c, err := q.lookupCol(e.Name.Table.O, e.Name.Name.O)
		if err == nil && c != nil {
			return narrowPG(c.pg, x.Type())
		}
	case *ast.CaseExpr:
		// PostgreSQL's select_common_type with the ELSE first: strings
		// keep the first branch's type (text, varchar and name convert
		// to each other implicitly); numbers of different types widen
		// to the engine's. NULL branches take the others' type.
		results := []ast.ExprNode{e.ElseClause}
		for _, w := range e.WhenClauses {
			results = append(results, w.Result)
		}
		first, t := true, uint32(0)
		for _, r := range results {
			if r == nil || isNullAST(r) || isQuoted(r) {
				continue
			}
			rt := q.memberPG(r, x)
			switch {
			case first:
				first, t = false, rt
			case rt != t && !exec.IsText(x.Type()):
				t = commonRaw(t, rt, ownPG(x.Type()))
			}
		}
		return finalPG(t, x.Type())
	case *ast.SubqueryExpr:
		return narrowPG(q.b.subqueryTypes[e], x.Type()) // a scalar subquery run while binding
	case *ast.AggregateFuncExpr:
		return q.aggPGType(strings.ToLower(e.F), e.Args, x)
	case *ast.WindowFuncExpr:
		e = windowAgg(e)
		return q.aggPGType(strings.ToLower(e.Name), e.Args, x)
	case *driver.ParamMarkerExpr:
		// $n of the type the client declared (int4, date, jsonb, ...).
		if e.Order < len(q.b.stmt.Params) {
			if _, t, ok := q.b.declaredParam(q.b.stmt.Params[e.Order]); ok && t != 0 {
				return narrowPG(t, x.Type())
			}
		}
	case *driver.ValueExpr:
		// An integer constant is int4 when it fits, as in PostgreSQL.
		switch e.Kind() {
		case driver.KindInt64:
			if v := e.GetInt64(); v >= math.MinInt32 && v <= math.MaxInt32 {
				return narrowPG(23, x.Type())
			}
		case driver.KindMysqlDecimal, driver.KindFloat64, driver.KindFloat32, driver.KindUint64:
			return narrowPG(1700, x.Type()) // 1.5 is numeric, as is an integer beyond bigint
		}
	case *ast.UnaryOperationExpr:
		if v, ok := signedIntConst(e); ok {
			// PostgreSQL folds signs into an integer constant and types
			// the result: -2147483648 is int4, -(-2147483648) int8.
			if v >= math.MinInt32 && v <= math.MaxInt32 {
				return narrowPG(23, x.Type())
			}
			return narrowPG(20, x.Type())
		}
		if e.Op == opcode.Minus || e.Op == opcode.Plus || e.Op == opcode.BitNeg {
			if t := q.pgTypeOf(e.V, x); t != pgTime || e.Op == opcode.Plus {
				return t
			}
			return 0 // -time is an interval (time has no minus)
		}
	case *ast.BinaryOperationExpr:
		switch e.Op {
		case opcode.And, opcode.Or, opcode.Xor:
			// int2/int4 bitwise operators stay in the wider of the two.
			l, r := q.pgTypeOf(e.L, x), q.pgTypeOf(e.R, x)
			if (l == 21 || l == 23) && (r == 21 || r == 23) {
				return narrowPG(max(l, r), x.Type())
			}
		case opcode.LeftShift, opcode.RightShift:
			// The shifted value's type (the count is an int4).
			if l := q.pgTypeOf(e.L, x); l == 21 || l == 23 {
				return narrowPG(l, x.Type())
			}
		case opcode.Plus, opcode.Minus, opcode.Mul, opcode.Div, opcode.Mod:
			if pg, ok := q.b.dateTypes[e]; ok {
				return narrowPG(pg, x.Type()) // date arithmetic, bound already
			}
			// int2 and int4 arithmetic stays in the wider of the two;
			// numeric with an integer stays numeric.
			l, r := q.pgTypeOf(e.L, x), q.pgTypeOf(e.R, x)
			// A quoted constant or NULL takes the other operand's type:
			// 2::int2 + '4' is a smallint, 0.5::real * NULL a real.
			numeric := func(t uint32) bool { return numberRank[t] > 0 || t == 700 || t == 1700 }
			if (isQuoted(unparen(e.R)) || isNullAST(unparen(e.R))) && numeric(l) {
				r = l
			} else if (isQuoted(unparen(e.L)) || isNullAST(unparen(e.L))) && numeric(r) {
				l = r
			}
			if l == 1082 || r == 1082 {
				return q.datePGType(e, x, l, r)
			}
			if x.Type().ID() == arrow.TIMESTAMP && (l == 1114) != (r == 1114) {
				return 1114 // timestamp ± interval is a timestamp
			}
			if (l == 21 || l == 23) && (r == 21 || r == 23) {
				return narrowPG(max(l, r), x.Type())
			}
			// An untyped $n takes the other operand's type, as PostgreSQL
			// resolves it: $1 + 1 is an int4.
			if _, p := unparen(e.L).(*driver.ParamMarkerExpr); p && l == 0 && (r == 21 || r == 23) {
				return narrowPG(r, x.Type())
			}
			if _, p := unparen(e.R).(*driver.ParamMarkerExpr); p && r == 0 && (l == 21 || l == 23) {
				return narrowPG(l, x.Type())
			}
			if l == 700 && r == 700 && e.Op != opcode.Mod {
				return narrowPG(700, x.Type()) // real op real
			}
			if l == 1700 && q.integerOperand(e.R, r) || r == 1700 && q.integerOperand(e.L, l) {
				return narrowPG(1700, x.Type())
			}
		}
	case *ast.FuncCallExpr:
		if r, ok, err := influxFunction(e); ok && err == nil {
			return q.pgTypeOf(r, x) // DataFusion's spelling of a PostgreSQL function
		}
		name := e.FnName.L
		if _, _, _, isAgg := aggregateCall(e); isAgg {
			return q.aggPGType(name, e.Args, x) // stddev, variance, ... written as calls
		}
		if (name == sql.MarkerFilter || name == sql.MarkerAggOrder) && len(e.Args) > 0 {
			return q.pgTypeOf(e.Args[0], x) // agg(...) FILTER (...), agg(... ORDER BY ...)
		}
		if name == sql.MarkerWithinGroup && len(e.Args) >= 2 {
			// percentile_disc and mode pick a value of the sort key: its
			// type (int4, date, ...); percentile_cont is float8.
			if agg, ok := e.Args[0].(*ast.FuncCallExpr); ok && (agg.FnName.L == "percentile_disc" || agg.FnName.L == "mode") {
				return narrowPG(q.pgTypeOf(e.Args[1], x), x.Type())
			}
			return 0
		}
		if name == "__pg_cast" && len(e.Args) == 2 {
			return narrowPG(castTargetPG(e.Args[1]), x.Type())
		}
		if castFuncs[name] && len(e.Args) == 1 && !exec.HasFunction(name) {
			return narrowPG(castTargetPG(ast.NewValueExpr(name, "", "")), x.Type()) // int4(x)
		}
		if nameFuncs[name] {
			return narrowPG(19, x.Type())
		}
		if t, ok := funcPGTypes[name]; ok {
			return narrowPG(t, x.Type())
		}
		if t, ok := jsonFunctions[name]; ok {
			return narrowPG(t, x.Type())
		}
		if op, ok := pgOtherOperator(e); ok {
			return q.pgTypeOf(op, x)
		}
		if name == sql.MarkerOp && len(e.Args) == 3 {
			// json -> key and #> path keep the json type; ->> and #>>
			// are text, the others boolean.
			if op, ok := e.Args[0].(*driver.ValueExpr); ok && (op.GetString() == "->" || op.GetString() == "#>") {
				if t := q.pgTypeOf(e.Args[1], x); t == pgJSON || t == pgJSONB {
					return narrowPG(t, x.Type())
				}
			}
			return 0
		}
		if name == sql.MarkerConcat && len(e.Args) == 2 {
			if l, r := q.pgTypeOf(e.Args[0], x), q.pgTypeOf(e.Args[1], x); (l == pgJSONB || r == pgJSONB) && (l == r || isQuoted(e.Args[0]) || isQuoted(e.Args[1])) {
				return narrowPG(pgJSONB, x.Type()) // jsonb || jsonb
			}
		}
		if (name == "round" || name == "trunc") && len(e.Args) == 2 {
			return narrowPG(1700, x.Type()) // only round(numeric, int) takes a scale
		}
		if (name == "mod" || name == "gcd" || name == "lcm") && len(e.Args) == 2 {
			l, r := q.pgTypeOf(e.Args[0], x), q.pgTypeOf(e.Args[1], x)
			if (l == 21 || l == 23) && (r == 21 || r == 23) {
				return narrowPG(max(l, r), x.Type())
			}
			if name == "mod" && (l == 1700 && q.integerOperand(e.Args[1], r) || r == 1700 && q.integerOperand(e.Args[0], l)) {
				return narrowPG(1700, x.Type()) // mod(numeric, numeric)
			}
			return 0
		}
		if (name == "__pg_power" || name == "power" || name == "pow") && len(e.Args) == 2 {
			// numeric ^ numeric when either side is numeric (integers
			// convert), float8 otherwise.
			l, r := q.pgTypeOf(e.Args[0], x), q.pgTypeOf(e.Args[1], x)
			if l == 1700 && q.integerOperand(e.Args[1], r) || r == 1700 && q.integerOperand(e.Args[0], l) {
				return narrowPG(1700, x.Type())
			}
			return 0
		}
		if name == "log" && len(e.Args) == 2 {
			return narrowPG(1700, x.Type()) // log(b, x) exists for numeric only
		}
		if (name == "date_trunc" && len(e.Args) == 2 || name == "date_bin" || name == "time_bucket" || name == "time_bucket_gapfill") && len(e.Args) >= 2 {
			if name == "date_bin" && len(e.Args) == 3 && q.pgTypeOf(e.Args[2], x) != 1114 && !isQuoted(e.Args[2]) {
				return 0 // a timestamptz origin: PostgreSQL bins as timestamptz
			}
			// Truncating a timestamp (without time zone) gives one;
			// TimescaleDB's time_bucket of a date, a date.
			switch pg := q.pgTypeOf(e.Args[1], x); {
			case pg == 1114, pg == 1082 && strings.HasPrefix(name, "time_bucket"):
				return narrowPG(pg, x.Type())
			case (pg == 21 || pg == 23) && name == "time_bucket":
				return narrowPG(pg, x.Type()) // integer buckets have their time's type
			case pg == 1082 && name == "date_bin":
				return narrowPG(1114, x.Type()) // date_bin(stride, date, ...) reads the date as a timestamp
			}
			return 0
		}
		if (name == "__pg_at_time_zone" || name == "timezone" || name == "tz") && len(e.Args) == 2 {
			if name == "timezone" {
				return q.atTimeZonePG(e.Args[1], x)
			}
			return q.atTimeZonePG(e.Args[0], x)
		}
		if name == "__pg_extract" {
			return narrowPG(1700, x.Type()) // EXTRACT is numeric since PostgreSQL 14
		}
		if numericKeeping[name] && len(e.Args) > 0 && q.pgTypeOf(e.Args[0], x) == 1700 {
			return narrowPG(1700, x.Type())
		}
		if numericMath[name] && len(e.Args) == 1 && q.pgTypeOf(e.Args[0], x) == 1700 {
			return narrowPG(1700, x.Type()) // sqrt(2.0) is numeric (its digits are float8's here)
		}
		if name == "__pg_field" {
			// (_pg_expandarray(a)).n and .x are int4.
			return narrowPG(23, x.Type())
		}
		if name == "nullif" && len(e.Args) > 0 {
			// nullif has its first argument's type (their common type
			// where a time meets an interval).
			first := q.memberPG(e.Args[0], x)
			t := narrowPG(first, x.Type()) // pgTypeOf(e.Args[0], x), from the memo
			if t == pgTime && len(e.Args) == 2 && !isQuoted(e.Args[1]) && !isNullAST(e.Args[1]) && q.pgTypeOf(e.Args[1], x) != pgTime {
				return 0
			}
			if t == pgTime || len(e.Args) != 2 {
				return t
			}
			if isNullAST(unparen(e.Args[0])) || isQuoted(unparen(e.Args[0])) {
				// An untyped first argument takes the second's type.
				return narrowPG(q.memberPG(e.Args[1], x), x.Type())
			}
			// Otherwise the type = compares them in: integers of two
			// types and real with float8 have operators of their own (the
			// first keeps its type); 3 and 1.5 compare as numeric, 1.5
			// and 0.5::float8 as float8, NULL and a date as dates.
			// An integer or numeric beside a real compare as float8
			// (float84eq, float8 the preferred type).
			u := q.memberPG(e.Args[1], x)
			integer := func(t uint32) bool { return t == 21 || t == 23 || t == 20 || t == 0 && x.Type().ID() == arrow.INT64 }
			float := func(t uint32) bool { return t == 700 || t == 701 || t == 0 && x.Type().ID() == arrow.FLOAT64 }
			switch {
			case integer(first) && integer(u) || t == 700 && float(u):
				return t
			case u == 700 && (integer(first) || first == 1700):
				return 0
			case numberRank[first] > 0 || first == 700 || float(first):
				return q.commonOf(e.Args, x) // 3 and 1.5 compare as numeric
			}
			if t == 1043 {
				return 0 // varchar compares as text (texteq): text
			}
			return t // dates, times and strings keep the first's type
		}
		if name == "coalesce" || name == "greatest" || name == "least" {
			return q.commonOf(e.Args, x)
		}
		if name == "abs" && len(e.Args) == 1 {
			return q.pgTypeOf(e.Args[0], x) // abs keeps int2, int4 and numeric
		}
		if name == "__pg_subscript" && len(e.Args) == 2 {
			arr := e.Args[0]
			for p, ok := arr.(*ast.ParenthesesExpr); ok; p, ok = arr.(*ast.ParenthesesExpr) {
				arr = p.Expr
			}
			if f, ok := arr.(*ast.FuncCallExpr); ok && f.FnName.L == "current_schemas" {
				return narrowPG(19, x.Type())
			}
			if elem, ok := ArrayElem(q.arrayTypeOf(arr)); ok {
				return narrowPG(elem, x.Type()) // an int4[]'s element is an int4
			}
			// An element of ARRAY[...] or array_agg(v) is of their
			// values' type (x, the element, holds it).
			if f, ok := arr.(*ast.FuncCallExpr); ok && (f.FnName.L == sql.MarkerArray && len(f.Args) > 0 || f.FnName.L == "array_agg" && len(f.Args) == 1) {
				return q.commonOf(f.Args, x)
			}
		}
	}
	return 0
}

// arrayTypeOf is the array type of an array written as a column, a cast
// (::int4[]) or a declared parameter; 0 when it is none of these.
func (q *selectBinder) arrayTypeOf(arr ast.ExprNode) uint32 {
	switch a := unparen(arr).(type) {
	case *ast.ColumnNameExpr:
		if c, err := q.lookupCol(a.Name.Table.O, a.Name.Name.O); err == nil && c != nil && isArrayOID(c.pg) {
			return c.pg
		}
	case *driver.ParamMarkerExpr:
		if a.Order < len(q.b.stmt.Params) {
			if oid := q.b.declaredOID(q.b.stmt.Params[a.Order]); isArrayOID(oid) {
				return oid
			}
		}
	case *ast.FuncCallExpr:
		if a.FnName.L == sql.MarkerCast && len(a.Args) == 2 {
			if v, ok := a.Args[1].(*driver.ValueExpr); ok {
				if elem, isArr := strings.CutSuffix(v.GetString(), "[]"); isArr {
					return arrayOIDs[pgCastTypes[elem]]
				}
			}
		}
	}
	return 0
}

// isNullAST reports a NULL literal.
func isNullAST(e ast.ExprNode) bool {
	v, ok := e.(*driver.ValueExpr)
	return ok && v.Kind() == driver.KindNull
}

// implicitCasts are the implicit conversions between the numeric types
// Strata narrows (pg_cast's castcontext 'i'), for select_common_type.
var implicitCasts = map[[2]uint32]bool{
	{21, 23}: true, {21, 20}: true, {21, 700}: true, {21, 701}: true, {21, 26}: true,
	{23, 20}: true, {23, 700}: true, {23, 701}: true, {23, 26}: true,
	{20, 700}: true, {20, 701}: true, {20, 26}: true, {26, 20}: false, {700, 701}: true,
	// integers -> numeric -> float4, float8
	{21, 1700}: true, {23, 1700}: true, {20, 1700}: true, {1700, 700}: true, {1700, 701}: true,
	// date -> timestamp -> timestamptz
	{1082, 1114}: true, {1082, 1184}: true, {1114, 1184}: true,
	{1083, 1186}: true, // time -> interval
}

// commonPG is select_common_type for two numeric or time types of CASE branches
// (0: the engine type's own): the later one wins when the earlier converts
// to it implicitly and not back.
func commonPG(t, next uint32, dt arrow.DataType) uint32 {
	own := ownPG(dt)
	return finalPG(commonRaw(t, next, own), dt)
}

// ownPG is the PostgreSQL type of the engine type dt, for commonRaw.
func ownPG(dt arrow.DataType) uint32 {
	if dt.ID() == arrow.TIMESTAMP {
		return 1184 // dates and timestamps are held as timestamptz
	}
	return pgOfEngine(dt)
}

// commonRaw is one step of select_common_type over PostgreSQL types (0:
// own, the engine type's), not narrowed to the engine type: a fold over
// several members keeps int4 from int2 and int4 until numeric comes.
func commonRaw(t, next, own uint32) uint32 {
	a, b := t, next
	if a == 0 {
		a = own
	}
	if b == 0 {
		b = own
	}
	if implicitCasts[[2]uint32{a, b}] && !implicitCasts[[2]uint32{b, a}] {
		a = b
	}
	return a
}

// finalPG is the common type t of values of engine type dt as a narrowed
// PostgreSQL type (0: dt's own).
func finalPG(t uint32, dt arrow.DataType) uint32 {
	if t == ownPG(dt) {
		return 0
	}
	return narrowPG(t, dt)
}

// numericKeeping are the functions of one number that return numeric for
// a numeric argument.
var numericKeeping = map[string]bool{"floor": true, "ceil": true, "ceiling": true, "round": true, "trunc": true, "abs": true}

// numericMath are the functions of one number PostgreSQL has for numeric
// too, returning numeric for a numeric argument (cbrt, the trigonometric
// ones are float8's alone).
var numericMath = map[string]bool{"sqrt": true, "exp": true, "ln": true, "log": true, "log10": true}

// integerOperand reports whether an arithmetic operand is an integer
// (int2/int4/int8 or numeric), which leaves numeric arithmetic numeric.
func (q *selectBinder) integerOperand(e ast.ExprNode, pg uint32) bool {
	switch pg {
	case 21, 23, 1700:
		return true
	case 0:
		// Unnarrowed: int8 when the expression is an integer.
		if _, ok := e.(*driver.ParamMarkerExpr); ok {
			return true // $n in arithmetic with an integer takes its type, when described too
		}
		return q.integerAST(e)
	}
	return false
}

// integerAST reports whether e's values are integers, aggregates and
// window functions included (integerOf), which do not bind in the input
// scope: count(*) FILTER (WHERE ok) * 100.0 and (count(*) - 1) / 7.0 are
// numerics, as 12 * 100.0 is, not float8.
func (q *selectBinder) integerAST(e ast.ExprNode) bool {
	if !containsAggregate(e) && !containsWindow(e) {
		x, err := q.b.bindExpr(q.in, e)
		return err == nil && x.Type().ID() == arrow.INT64
	}
	return q.integerOf(e)
}

// commonOf is the type COALESCE, GREATEST and LEAST give their arguments
// (select_common_type, NULLs skipped).
func (q *selectBinder) commonOf(args []ast.ExprNode, x exec.Expr) uint32 {
	first, t := true, uint32(0)
	for _, a := range args {
		if isNullAST(a) || isQuoted(a) {
			continue // NULL and quoted constants take the others' type
		}
		at := q.memberPG(a, x)
		switch {
		case first:
			first, t = false, at
		case at != t && !exec.IsText(x.Type()):
			t = commonRaw(t, at, ownPG(x.Type()))
		}
	}
	return finalPG(t, x.Type())
}

// memberPG is the PostgreSQL type of e, one of the values of x (a CASE's
// branches, COALESCE's arguments), for select_common_type: pgTypeOf, but
// an integer constant, cast or column among floats is its integer type,
// not x's (1 beside 2.5 is an int4, making numeric, not float8).
func (q *selectBinder) memberPG(e ast.ExprNode, x exec.Expr) uint32 {
	// Once per expression: nested CASEs, COALESCEs and NULLIFs ask for
	// their members' types at every level.
	key := aloneKey{e, q.in, x.Type().ID()}
	if t, ok := q.b.members[key]; ok {
		return t
	}
	t := q.memberPGOf(e, x)
	if q.b.members == nil {
		q.b.members = map[aloneKey]uint32{}
	}
	q.b.members[key] = t
	return t
}

func (q *selectBinder) memberPGOf(e ast.ExprNode, x exec.Expr) uint32 {
	t := q.pgTypeOf(e, x)
	if t != 0 || x.Type().ID() != arrow.FLOAT64 {
		return t
	}
	if v, ok := signedIntConst(e); ok {
		if v >= math.MinInt32 && v <= math.MaxInt32 {
			return 23
		}
		return 20
	}
	switch e := unparen(e).(type) {
	case *ast.ColumnNameExpr:
		if c, err := q.lookupCol(e.Name.Table.O, e.Name.Name.O); err == nil && c != nil && c.typ.ID() == arrow.INT64 {
			if numberRank[c.pg] > 0 {
				return c.pg
			}
			return 20
		}
	case *ast.FuncCallExpr:
		if e.FnName.L == "__pg_cast" && len(e.Args) == 2 {
			if t := castTargetPG(e.Args[1]); numberRank[t] > 0 {
				return t // 1::int2
			}
		}
	}
	if a, ok := unparen(e).(*ast.AggregateFuncExpr); ok {
		if pg, isInt := q.aggregateOfInt(a); isInt {
			return pg // count(*) is bigint, sum(int4) bigint, sum(int8) numeric
		}
	}
	// Any other integer expression (5::int8, x + 1): its own type, bound
	// alone.
	own, err := q.b.bindExpr(q.in, e)
	if err == nil && own.Type().ID() == arrow.INT64 {
		if t := q.pgTypeOf(e, own); t != 0 {
			return t
		}
		return 20
	}
	if err != nil && q.integerOf(e) {
		return 20 // max(x) + 1, row_number() OVER (): not bound alone
	}
	return 0
}

// integerOf reports whether e is an integer by its form: arithmetic other
// than / of integers, integer constants and casts, integer columns, and
// aggregates and window functions of integers, for expressions that cannot
// be bound alone (aggregates, windows).
func (q *selectBinder) integerOf(e ast.ExprNode) bool {
	if _, ok := signedIntConst(e); ok {
		return true
	}
	switch e := unparen(e).(type) {
	case *ast.BinaryOperationExpr:
		switch e.Op {
		case opcode.Plus, opcode.Minus, opcode.Mul, opcode.Mod, opcode.Div, opcode.IntDiv:
			return q.integerOf(e.L) && q.integerOf(e.R) // int / int is integer division
		}
	case *ast.UnaryOperationExpr:
		return (e.Op == opcode.Minus || e.Op == opcode.Plus) && q.integerOf(e.V)
	case *ast.ColumnNameExpr:
		c, err := q.lookupCol(e.Name.Table.O, e.Name.Name.O)
		return err == nil && c != nil && c.typ.ID() == arrow.INT64
	case *ast.AggregateFuncExpr:
		pg, isInt := q.aggregateOfInt(e)
		return isInt && pg != 1700
	case *ast.WindowFuncExpr:
		e = windowAgg(e)
		switch strings.ToLower(e.Name) {
		case "row_number", "rank", "dense_rank", "ntile", "count":
			return true
		case "min", "max", "first_value", "last_value", "nth_value":
			return len(e.Args) > 0 && q.integerOf(e.Args[0])
		case "lag", "lead":
			// And the default, when given: lag(n, 1, 0).
			return len(e.Args) > 0 && q.integerOf(e.Args[0]) && (len(e.Args) < 3 || isNullAST(unparen(e.Args[2])) || q.integerOf(e.Args[2]))
		case "sum":
			// bigint of int2/int4 (numeric of int8).
			if len(e.Args) == 1 {
				if v, ok := signedIntConst(e.Args[0]); ok {
					return v >= math.MinInt32 && v <= math.MaxInt32
				}
				if c, ok := unparen(e.Args[0]).(*ast.ColumnNameExpr); ok {
					col, err := q.in.lookup(c.Name.Table.O, c.Name.Name.O)
					return err == nil && col != nil && (col.pg == 21 || col.pg == 23)
				}
			}
		}
	case *ast.FuncCallExpr:
		if e.FnName.L == "__pg_cast" && len(e.Args) == 2 {
			t := castTargetPG(e.Args[1])
			return numberRank[t] > 0 && t != 1700 || constText(e.Args[1]) == "int8" || constText(e.Args[1]) == "bigint"
		}
		if (e.FnName.L == sql.MarkerFilter || e.FnName.L == sql.MarkerAggOrder) && len(e.Args) > 0 {
			return q.integerOf(e.Args[0]) // count(*) FILTER (WHERE ...)
		}
	}
	return false
}

// aloneKey is an expression's memberPG in a scope, beside values of an
// engine type.
type aloneKey struct {
	e  ast.ExprNode
	s  *scope
	dt arrow.Type
}

// aggPGType is the PostgreSQL type of an aggregate or window function
// where it differs from the engine's: sum of bigint and avg and the
// statistics of integers are numeric (computed in bigint and float8), min
// and max keep their argument's type, ntile is int4.
func (q *selectBinder) aggPGType(name string, args []ast.ExprNode, x exec.Expr) uint32 {
	switch name {
	case "ntile":
		return narrowPG(23, x.Type())
	case "lag", "lead", "first_value", "last_value", "nth_value":
		if len(args) == 0 {
			return 0
		}
		if m, ok := args[0].(*ast.FuncCallExpr); ok && m.FnName.L == sql.MarkerLagOffset && len(m.Args) == 2 {
			args = []ast.ExprNode{m.Args[0]} // lag(x, expr): package sql's spelling
		}
		if (name == "lag" || name == "lead") && len(args) == 3 && !isNullAST(args[2]) && !isQuoted(args[2]) {
			// The value and its default's common type (lag(int2, 1, 0::int8) is bigint).
			if t := q.commonOf([]ast.ExprNode{args[0], args[2]}, x); t != 0 || x.Type().ID() != arrow.FLOAT64 {
				return t
			}
		}
		// The value's own type (int4, date, ...); an integer with a
		// fractional default is numeric (lead(n, 1, 0.5)).
		if arg, err := q.b.bindExpr(q.in, args[0]); err == nil {
			if arg.Type().ID() == arrow.INT64 && x.Type().ID() == arrow.FLOAT64 {
				return 1700
			}
			return narrowPG(q.pgTypeOf(args[0], arg), x.Type())
		}
		return 0
	case "histogram":
		return narrowPG(1007, x.Type()) // int4[]
	case "json_agg", "jsonb_agg", "json_object_agg", "jsonb_object_agg":
		return narrowPG(jsonAggregates[name], x.Type())
	case "sum", "avg", "min", "max", "bit_and", "bit_or", "bit_xor", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop":
	default:
		return 0
	}
	if len(args) != 1 {
		return 0
	}
	var argPG uint32
	var isInt bool
	if inner, ok := unparen(args[0]).(*ast.AggregateFuncExpr); ok {
		// A window over an aggregate (sum(count(*)) OVER ()): the
		// aggregate's type, found from its argument (x is the outer
		// expression's).
		argPG, isInt = q.aggregateOfInt(inner)
		if argPG == 0 && x.Type().ID() == arrow.FLOAT64 {
			// Of a numeric: sum(x) of numerics, avg(n) (sum(sum(x *
			// 0.1)) OVER () is numeric, not float8).
			argPG = q.aggPGType(strings.ToLower(inner.F), inner.Args, x)
		}
	} else {
		arg, err := q.b.bindExpr(q.in, args[0])
		if err != nil {
			return 0
		}
		argPG = q.pgTypeOf(args[0], arg)
		isInt = arg.Type().ID() == arrow.INT64
	}
	switch name {
	case "min", "max", "bit_and", "bit_or", "bit_xor":
		return narrowPG(argPG, x.Type())
	case "sum":
		if argPG == 700 {
			return narrowPG(700, x.Type()) // sum(real) is real
		}
		if isInt && argPG != 21 && argPG != 23 || argPG == 1700 {
			return narrowPG(1700, x.Type()) // sum(int2/int4) is bigint
		}
		return 0
	}
	if isInt || argPG == 1700 {
		return narrowPG(1700, x.Type())
	}
	return 0
}

// aggregateOfInt is an aggregate's PostgreSQL type as far as arithmetic
// over it cares (0: float8 or not an integer aggregate) and whether it is
// an integer or numeric of integers: count is int8, min and max keep an
// integer argument's type, sum(int2/int4) is int8 and sum(int8) numeric.
func (q *selectBinder) aggregateOfInt(a *ast.AggregateFuncExpr) (pg uint32, isInt bool) {
	name := strings.ToLower(a.F)
	if name == "count" {
		return 20, true
	}
	if len(a.Args) != 1 {
		return 0, false
	}
	arg, err := q.b.bindExpr(q.in, a.Args[0])
	if err != nil || arg.Type().ID() != arrow.INT64 {
		return 0, false
	}
	argPG := q.pgTypeOf(a.Args[0], arg)
	if argPG == 0 {
		argPG = 20
	}
	switch name {
	case "min", "max", "bit_and", "bit_or", "bit_xor":
		return argPG, true
	case "sum":
		if argPG == 21 || argPG == 23 {
			return 20, true
		}
		return 1700, true
	}
	return 0, false
}

// pgTypeofExpr is pg_typeof(x): x's PostgreSQL type, a regtype.
func (b *binder) pgTypeofExpr(s *scope, e ast.ExprNode, x exec.Expr) exec.Expr {
	if a, ok := x.(*arrayLit); ok {
		if t, err := b.textArray(a); err == nil {
			x = t
		}
	}
	q := &selectBinder{b: b, in: s}
	oid := q.pgTypeOf(e, x)
	if oid == 0 {
		oid = enginePG(settle(x).Type())
	}
	if _, isLit := unparen(e).(*driver.ValueExpr); oid == 705 && !isLit && !isNullAST(unparen(e)) {
		if _, isParam := unparen(e).(*driver.ParamMarkerExpr); !isParam {
			oid = 25 // a subquery's or CTE's NULL column resolved to text, as PostgreSQL resolves it
		}
	}
	if isQuoted(unparen(e)) {
		oid = 705 // pg_typeof('x'): a quoted constant has no type yet
	}
	name := typeName(int64(oid))
	return &regprocLit{Literal: exec.Literal{V: int64(oid), DT: exec.TypeInt}, name: name, pg: 2206}
}

// enginePG is the PostgreSQL type values of an engine type are sent as.
func enginePG(dt arrow.DataType) uint32 {
	switch dt.ID() {
	case arrow.BOOL:
		return 16
	case arrow.INT64:
		return 20
	case arrow.UINT64:
		return 1700
	case arrow.FLOAT64:
		return 701
	case arrow.TIMESTAMP:
		return 1184
	case arrow.INTERVAL_MONTH_DAY_NANO:
		return 1186
	case arrow.NULL:
		return 705 // unknown
	}
	return 25
}

// isQuoted reports whether e is a quoted literal (of no type yet).
func isQuoted(e ast.ExprNode) bool {
	v, ok := e.(*driver.ValueExpr)
	return ok && v.Kind() == driver.KindString
}

// lookupCol finds a column a name in the select binder's scope refers to,
// or one of the outer query's (a correlated or LATERAL reference), for the
// type and scale it has there.
func (q *selectBinder) lookupCol(table, name string) (*scopeCol, error) {
	c, err := q.in.lookup(table, name)
	if err != nil && q.b.outer != nil {
		if oc, oerr := q.b.outer.lookup(table, name); oerr == nil {
			return oc, nil
		}
	}
	return c, err
}
