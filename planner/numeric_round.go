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
