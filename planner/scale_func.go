package planner

import (
	"math"
	"strconv"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
)

// scaleFunc binds PostgreSQL's scale(numeric) (the digits after the point
// the value is written with), min_scale(numeric) (the fewest that write it
// exactly) and trim_scale(numeric) (the value written with those). A
// numeric's scale is the expression's when Strata knows it (1.230: 3),
// else that of the float8 it is held as, written shortest.
func (b *binder) scaleFunc(s *scope, e *ast.FuncCallExpr, h hook) (exec.Expr, bool, error) {
	name := e.FnName.L
	if name != "scale" && name != "min_scale" && name != "trim_scale" || len(e.Args) != 1 {
		return nil, false, nil
	}
	x, err := b.bindNode(s, e.Args[0], h)
	if err == nil {
		x, err = b.coerce(x, exec.TypeFloat)
	}
	if err != nil {
		return nil, true, err
	}
	if name == "trim_scale" {
		// The value itself, written with no trailing zeros: no scale of
		// the expression's is passed on.
		return &rowFunc{name: name, args: []exec.Expr{x}, dt: exec.TypeFloat, pg: oidNumericPG, strict: true,
			fn: func(v []any) (any, error) { return v[0], nil }}, true, nil
	}
	known, least, quotient := -1, 0, false
	if name == "scale" {
		q := &selectBinder{b: b, in: s}
		known = q.numericScale(e.Args[0])
		least, quotient = q.quotientScale(e.Args[0])
	}
	return &rowFunc{name: name, args: []exec.Expr{x}, dt: exec.TypeInt, pg: 23, strict: true,
		fn: func(v []any) (any, error) {
			f := v[0].(float64)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, nil // NaN has no scale
			}
			if known >= 0 {
				return int64(known), nil
			}
			if quotient {
				return int64(exec.DivisionScale(f, least)), nil // scale(1.0 / 8) is 20
			}
			_, frac, _ := strings.Cut(strconv.FormatFloat(f, 'f', -1, 64), ".")
			return int64(len(frac)), nil
		}}, true, nil
}
