package exec

import (
	"bytes"
	"fmt"
	"math"
	"strconv"

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

// __snap_dynamic(x, a, b, mul, sa, sb) is __snap_decimal for x = a + b, a
// - b (mul 0) or a * b (mul 1) whose operands are exact decimals of no
// fixed scale: a float8 cast to numeric is the decimal of its 15
// significant digits, and its places differ per value (temp::numeric +
// 0.1 = 21.7). sa and sb are the operands' scales, -1 for "the digits of
// its value" (shortestDecimals). Rows whose operands need more than 15
// significant digits, or a result of more than 15 places, are kept.
func init() {
	register("__snap_dynamic", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			return TypeFloat, want(args, "float", "float", "float", "int", "int", "int")
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			for _, k := range args[3:] {
				if !k.isConst {
					return nil, fmt.Errorf("__snap_dynamic: mul and the scales must be constants")
				}
			}
			mul := args[3].cnst.(int64) == 1
			sa, sb := args[4].cnst.(int64), args[5].cnst.(int64)
			out := make([]float64, n)
			valid := make([]bool, n)
			for i := range n {
				x, okx := floatAt(args[0], i)
				a, oka := floatAt(args[1], i)
				b, okb := floatAt(args[2], i)
				if !okx {
					continue
				}
				valid[i], out[i] = true, x
				if !oka || !okb {
					continue
				}
				da, db := int(sa), int(sb)
				if da < 0 {
					da = shortestDecimals(a)
				}
				if db < 0 {
					db = shortestDecimals(b)
				}
				places := max(da, db)
				if mul {
					places = da + db
				}
				if da >= 0 && db >= 0 && places <= 15 {
					out[i] = snapDecimal(x, math.Pow10(places))
				}
			}
			bld := array.NewFloat64Builder(c.Mem)
			defer bld.Release()
			bld.AppendValues(out, valid)
			return bld.NewArray(), nil
		},
	})
}

// floatAt is row i of a float argument, false when NULL.
func floatAt(a arg, i int) (float64, bool) {
	if a.isConst {
		v, ok := a.cnst.(float64)
		return v, ok
	}
	f := a.arr.(*array.Float64)
	if f.IsNull(i) {
		return 0, false
	}
	return f.Value(i), true
}

// shortestDecimals is the places after the point of v's shortest decimal
// form, -1 when that has more than 15 significant digits (v is then no
// short decimal) or v is not finite.
func shortestDecimals(v float64) int {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return -1
	}
	if v == 0 {
		return 0
	}
	var buf [32]byte
	s := strconv.AppendFloat(buf[:0], v, 'e', -1, 64) // [-]d[.ddd]e±XX
	e := bytes.IndexByte(s, 'e')
	mant := s[:e]
	if mant[0] == '-' {
		mant = mant[1:]
	}
	digits := len(mant)
	if digits > 1 {
		digits-- // the point
	}
	if digits > 15 {
		return -1
	}
	exp, err := strconv.Atoi(string(s[e+1:]))
	if err != nil {
		return -1
	}
	return max(0, digits-1-exp)
}
