package exec

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// __snap_decimal(x, scale) is x, a numeric computed in float8 whose exact
// value has at most scale digits after the point (a sum, difference,
// product or remainder of numerics of known scale), moved to the float8
// nearest that decimal: 0.1 + 0.2 is 0.3, 4.35 * 100 is 435, so that
// comparisons, grouping, floor and round see the value PostgreSQL's exact
// numeric has (usage * 0.07 > 3.5 kept rows whose product is 3.5). The
// float8 result is within a few ulps of a multiple of 10^-scale; scaling,
// rounding to the integer and dividing by the exact power of ten gives the
// correctly rounded decimal. Values too large for that (|x·10^scale| ≥
// 2^52) are kept; -0 becomes 0.
func init() {
	register("__snap_decimal", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeFloat, want(args, "float", "int") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			scale, ok := args[1].cnst.(int64)
			if !args[1].isConst || !ok || scale < 0 || scale > 22 {
				return nil, fmt.Errorf("__snap_decimal: the scale must be a constant from 0 to 22")
			}
			p := math.Pow10(int(scale))
			if args[0].isConst {
				if v, ok := args[0].cnst.(float64); ok {
					return broadcast(c, snapDecimal(v, p), TypeFloat, n)
				}
				return broadcast(c, args[0].cnst, TypeFloat, n)
			}
			a := args[0].arr.(*array.Float64)
			out := make([]float64, a.Len())
			for i, v := range a.Float64Values() {
				out[i] = snapDecimal(v, p)
			}
			return fixedArray(TypeFloat, out, validity(a)), nil
		},
	})
}

func snapDecimal(v, p float64) float64 {
	k := v * p
	if !(math.Abs(k) < 1<<52) { // also NaN and the infinities
		return v
	}
	r := math.Round(k) / p
	if r == 0 {
		return 0
	}
	return r
}
