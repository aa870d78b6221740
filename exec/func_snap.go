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

// divideDecimals is a DecimalDivision's Eval: the floats' quotient
// (arithFloats, with its errors), each row with a value then replaced by
// the quotient of the decimals where decimalQuotient finds it.
func divideDecimals(args []arg, n int, places [2]int) (arrow.Array, error) {
	q, err := arithFloats(Div, args, n)
	if err != nil {
		return nil, err
	}
	x := q.(*array.Float64)
	out := x.Float64Values() // the array's own buffer, not yet shared
	l, _ := floatOperand(args[0], n)
	r, _ := floatOperand(args[1], n)
	// A constant's places are found once.
	for k, a := range args[:2] {
		if v, ok := a.cnst.(float64); a.isConst && ok && places[k] < 0 {
			places[k] = shortestDecimals(v)
			if places[k] < 0 {
				return x, nil // no decimal: every row keeps the floats' quotient
			}
		}
	}
	nulls := x.NullN() > 0
	for i := range out {
		if nulls && x.IsNull(i) {
			continue
		}
		da, db := places[0], places[1]
		if da < 0 {
			da = shortestDecimals(l[i])
		}
		if db < 0 {
			db = shortestDecimals(r[i])
		}
		if da < 0 || db < 0 {
			continue
		}
		if v, ok := decimalQuotient(l[i], r[i], da, db); ok {
			out[i] = v
		}
	}
	return x, nil
}

// decimalQuotient is a / b for decimals of da and db places after the
// point, as the float8 nearest their exact quotient: with a = A/10^da and
// b = B/10^db for integers A and B, that is A·10^(db-da) / B, and when
// both terms are integers a float8 holds exactly (below 2^53) one
// division rounds it correctly. 99.99 / 100 is then the double nearest
// 0.9999, which AppendQuotient writes as PostgreSQL does, where the
// operands' doubles divide to 0.9998999999999999. ok is false for a zero
// b and when a term does not fit.
func decimalQuotient(a, b float64, da, db int) (float64, bool) {
	if da > 22 || db > 22 || b == 0 {
		return 0, false
	}
	num, den := math.Round(a*math.Pow10(da)), math.Round(b*math.Pow10(db))
	if !(math.Abs(num) < 1<<53 && math.Abs(den) < 1<<53) || den == 0 {
		return 0, false
	}
	// The power of ten goes to one term; the product is exact when the
	// term times 5^k is below 2^53 (the factor 2^k only moves the
	// exponent).
	k, term := db-da, &num
	if k < 0 {
		k, term = -k, &den
	}
	if k > 0 {
		if math.Abs(*term)*pow5[k] >= 1<<53 {
			return 0, false
		}
		*term *= math.Pow10(k)
	}
	return num / den, true
}

// pow5 holds 5^k exactly, k from 0 to 22 (5^22 < 2^53).
var pow5 = func() (p [23]float64) {
	p[0] = 1
	for k := 1; k < len(p); k++ {
		p[k] = 5 * p[k-1]
	}
	return p
}()

// pow10s are the powers of ten a float64 holds exactly.
var pow10s = func() (p [23]float64) {
	for i := range p {
		p[i] = math.Pow10(i)
	}
	return p
}()

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
// short decimal) or v is not finite. It runs per row of numeric
// arithmetic, so the usual magnitudes take no text: v is the double
// nearest a decimal of at most 15 significant digits exactly when v's
// digits rounded to 15 significant places (N / 10^p) read back as v, and
// the places are p less N's trailing zeros. (v·10^p is within 0.2 of the
// integer N when v is such a double: half an ulp of v scaled, plus the
// product's rounding, below 2^50.)
func shortestDecimals(v float64) int {
	x := math.Abs(v)
	if x == 0 {
		return 0
	}
	if x >= 1e-7 && x < 1e15 {
		p := 14 - firstDigitPlace(x) // 0 to 21
		pw := math.Pow10(p)
		n := math.Round(x * pw)
		if n/pw != x {
			return -1
		}
		// Drop N's trailing zeros, 8, 4, 2 and 1 at a time (N < 10^15,
		// so each size is needed at most once).
		u := uint64(n)
		for _, z := range [...]struct {
			pow uint64
			n   int
		}{{1e8, 8}, {1e4, 4}, {100, 2}, {10, 1}} {
			if p >= z.n && u%z.pow == 0 {
				u /= z.pow
				p -= z.n
			}
		}
		return p
	}
	return shortestDecimalsText(v)
}

// firstDigitPlace is k with 10^k <= x < 10^(k+1) for a positive finite
// x, found without a logarithm (exact but where x is within an ulp of a
// power of ten below 1, whose double is not the power: callers check).
func firstDigitPlace(x float64) int {
	_, e := math.Frexp(x)
	k := int(math.Floor(float64(e-1) * math.Log10E * math.Ln2))
	if x >= math.Pow10(k+1) {
		k++
	} else if x < math.Pow10(k) {
		k--
	}
	return k
}

// roundSignificant is x rounded to digits significant decimal digits
// (half to even on an exact tie), as the double nearest that decimal:
// what strconv.ParseFloat gives for strconv.FormatFloat(x, 'g', digits,
// bits), and what PostgreSQL's float4 and float8 casts to numeric give
// (their FLT_DIG and DBL_DIG digits). It runs per row of a cast, so the
// usual magnitudes take no text: x·10^p is rounded to the integer N of
// digits digits, its fraction compared with one half exactly (the
// product's rounding error, from an FMA, added to the fraction less one
// half, keeps its sign), and N / 10^p is one correctly rounded division.
func roundSignificant(x float64, digits, bits int) float64 {
	a := math.Abs(x)
	if a == 0 || math.IsInf(a, 0) || math.IsNaN(a) {
		return x
	}
	if p := digits - 1 - firstDigitPlace(a); digits < 16 && p >= 0 && p < len(pow10s) {
		pw := pow10s[p]
		prod := a * pw
		n := math.Round(prod)
		if math.Abs(prod-n) > 0.375 {
			// Near one half, where the product's rounding (under 1/16)
			// may decide.
			fl := math.Floor(prod)
			n = fl
			if d := (prod - fl - 0.5) + math.FMA(a, pw, -prod); d > 0 || (d == 0 && math.Mod(fl, 2) == 1) {
				n++
			}
		}
		// A first digit's place off by one (near a power of ten) gives
		// an N of digits-1 or digits+1 digits: the text decides.
		if n >= pow10s[digits-1] && n <= pow10s[digits] {
			return math.Copysign(n/pw, x)
		}
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', digits, bits), 64)
	if err != nil {
		return x
	}
	return r
}

// shortestDecimalsText is shortestDecimals read from strconv's shortest
// form, for any magnitude.
func shortestDecimalsText(v float64) int {
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
