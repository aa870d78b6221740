package planner

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
)

// Values PostgreSQL types as numeric (decimal constants, EXTRACT, sums of
// integers ...) are computed in float8 here. Rounding is where the two
// differ: numeric rounds half away from zero, float8 half to even. So
// round(x) and casts to integers of a numeric expression round the decimal
// value (round(2.5) = 3, 2.5::int = 3, (-2.5)::int = -3), as PostgreSQL.

// isNumeric reports whether bound expression x of AST e is numeric to
// PostgreSQL.
func (b *binder) isNumeric(s *scope, e ast.ExprNode, x exec.Expr) bool {
	return x.Type().ID() == arrow.FLOAT64 && (&selectBinder{b: b, in: s}).pgTypeOf(e, x) == oidNumericPG
}

// numericOfIntegers reports whether x is a numeric that the engine holds as
// an integer (sum of a bigint, and what is computed from one).
func (b *binder) numericOfIntegers(s *scope, e ast.ExprNode, x exec.Expr) bool {
	return x.Type().ID() == arrow.INT64 && (&selectBinder{b: b, in: s}).pgTypeOf(e, x) == oidNumericPG
}

// oidNumericPG is numeric's type OID.
const oidNumericPG = 1700

// numericRound rounds a numeric value to an integer half away from zero.
func numericRound(x exec.Expr) exec.Expr {
	return &rowFunc{name: "round", args: []exec.Expr{x}, dt: exec.TypeFloat, pg: oidNumericPG, strict: true,
		fn: func(v []any) (any, error) { return exec.RoundDecimal(v[0].(float64), 0), nil }}
}

// intBits is the width of the integer type pg (21 smallint, 23 integer;
// bigint otherwise).
func intBits(pg uint32) int64 {
	switch pg {
	case 21:
		return 16
	case 23:
		return 32
	}
	return 64
}

// floatInt checks float values x before they convert to the integer type
// pg (21, 23, else bigint), with PostgreSQL's words for those that do not
// (exec.FloatIntError): "integer out of range", not the engine's bigint's,
// and for a numeric x (numeric) "cannot convert NaN to integer".
func (b *binder) floatInt(x exec.Expr, pg uint32, numeric bool) (exec.Expr, error) {
	if x.Type().ID() != arrow.FLOAT64 {
		return x, nil
	}
	y, err := b.call("__float_int", []exec.Expr{x, integer(intBits(pg)), &exec.Literal{V: numeric, DT: exec.TypeBool}})
	if err != nil {
		return nil, err
	}
	return b.fold(y)
}

// intValue is x assigned to a column of engine type dt and declared type
// oid (UPDATE's SET, ON CONFLICT's DO UPDATE SET): into an integer, a
// numeric (numeric) rounded half away from zero, as PostgreSQL's numeric
// is (2.5 is 3), and a float checked against the integer (floatInt).
func (b *binder) intValue(x exec.Expr, numeric bool, dt arrow.DataType, oid uint32) (exec.Expr, error) {
	if dt.ID() != arrow.INT64 && dt.ID() != arrow.UINT64 {
		return x, nil
	}
	if numeric {
		x = numericRound(x)
	}
	if dt.ID() == arrow.UINT64 {
		return x, nil
	}
	return b.floatInt(x, oid, numeric)
}
