package exec

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
)

// Trigonometric and hyperbolic functions, degrees, radians and cbrt, with
// PostgreSQL's float8 semantics: an infinite argument of a periodic
// function and an argument outside an inverse function's domain are
// errors ("input is out of range", 22003); NaN gives NaN. The degree
// variants (sind, cosd, ...) reduce the angle to the first quadrant and
// scale by the function's value at a known angle, as PostgreSQL does, so
// sind(30) is exactly 0.5 and tand(45) exactly 1.

// errInputRange is PostgreSQL's error for such arguments.
var errInputRange = fmt.Errorf("input is out of range")

// radiansPerDegree is PostgreSQL's RADIANS_PER_DEGREE, a float64 variable
// so that products with it round as float8 arithmetic does (a Go constant
// expression would be computed exactly, and sind(30) would miss 0.5).
var radiansPerDegree float64 = 0.0174532925199432957692

var (
	sin30         = math.Sin(radiansPerDegree * 30)
	oneMinusCos60 = 1 - math.Cos(radiansPerDegree*60)
	asinHalf      = math.Asin(0.5)
	acosHalf      = math.Acos(0.5)
	atanOne       = math.Atan(1)
	tan45         = sindQ1(45) / cosdQ1(45)
	cot45         = cosdQ1(45) / sindQ1(45)
)

// floatFn defines a float8 function of arity float8 arguments.
func floatFn(arity int, f func(x []float64) (float64, error)) funcDef {
	sig := make([]string, arity)
	for i := range sig {
		sig[i] = "numeric"
	}
	return funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeFloat, want(args, sig...) },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			var xs [2]float64
			return rowwise(TypeFloat, n, args, true, func(v []any) (any, error) {
				for i := range v {
					xs[i] = toFloat(v[i])
				}
				return f(xs[:len(v)])
			})
		},
	}
}

// periodic is f of an angle, refusing infinite ones.
func periodic(f func(float64) float64) func([]float64) (float64, error) {
	return func(x []float64) (float64, error) {
		if math.IsInf(x[0], 0) {
			return 0, errInputRange
		}
		return f(x[0]), nil
	}
}

// inverse is f of a value in [-1, 1].
func inverse(f func(float64) float64) func([]float64) (float64, error) {
	return func(x []float64) (float64, error) {
		if x[0] < -1 || x[0] > 1 {
			return 0, errInputRange
		}
		return f(x[0]), nil
	}
}

func sindQ1(x float64) float64 {
	if x <= 30 {
		return math.Sin(x*radiansPerDegree) / sin30 / 2
	}
	return cosd60(90 - x)
}

func cosdQ1(x float64) float64 {
	if x <= 60 {
		return cosd60(x)
	}
	return math.Sin((90-x)*radiansPerDegree) / sin30 / 2
}

// cosd60 is cosd(x) for x in [0, 60].
func cosd60(x float64) float64 {
	return 1 - (1-math.Cos(x*radiansPerDegree))/oneMinusCos60/2
}

func asindQ1(x float64) float64 {
	if x <= 0.5 {
		return math.Asin(x) / asinHalf * 30
	}
	return 90 - math.Acos(x)/acosHalf*60
}

func acosdQ1(x float64) float64 {
	if x <= 0.5 {
		return 90 - math.Asin(x)/asinHalf*30
	}
	return math.Acos(x) / acosHalf * 60
}

// quadrant reduces an angle in degrees to [0, 90], returning the signs
// sine and cosine take there.
func quadrant(x float64) (q, sinSign, cosSign float64) {
	x = math.Mod(x, 360)
	sinSign, cosSign = 1, 1
	if x < 0 {
		x, sinSign = -x, -1
	}
	if x > 180 {
		x, sinSign = 360-x, -sinSign
	}
	if x > 90 {
		x, cosSign = 180-x, -1
	}
	return x, sinSign, cosSign
}

func sind(x float64) float64 {
	q, s, _ := quadrant(x)
	return s * sindQ1(q)
}

func cosd(x float64) float64 {
	q, _, c := quadrant(x)
	return c * cosdQ1(q)
}

func tand(x float64) float64 {
	q, s, c := quadrant(x)
	r := s * c * (sindQ1(q) / cosdQ1(q) / tan45)
	return r + 0 // no -0
}

func cotd(x float64) float64 {
	q, s, c := quadrant(x)
	r := s * c * (cosdQ1(q) / sindQ1(q) / cot45)
	return r + 0
}

// sinh and cosh of large arguments as exp(|x|/2)/2 * exp(|x|/2): Go's
// compute exp(|x|)/2, which overflows from 709.8 though the result is
// finite up to 710.5 (glibc's, PostgreSQL's).
func sinh(x float64) float64 {
	if a := math.Abs(x); a > 709 {
		h := math.Exp(a / 2)
		return math.Copysign(h/2*h, x)
	}
	return math.Sinh(x)
}

func cosh(x float64) float64 {
	if a := math.Abs(x); a > 709 {
		h := math.Exp(a / 2)
		return h / 2 * h
	}
	return math.Cosh(x)
}

func init() {
	one := func(f func(float64) float64) func([]float64) (float64, error) {
		return func(x []float64) (float64, error) { return f(x[0]), nil }
	}
	register("sin", floatFn(1, periodic(math.Sin)))
	register("cos", floatFn(1, periodic(math.Cos)))
	register("tan", floatFn(1, periodic(math.Tan)))
	register("cot", floatFn(1, periodic(func(x float64) float64 { return 1 / math.Tan(x) })))
	register("asin", floatFn(1, inverse(math.Asin)))
	register("acos", floatFn(1, inverse(math.Acos)))
	register("atan", floatFn(1, one(math.Atan)))
	register("atan2", floatFn(2, func(x []float64) (float64, error) { return math.Atan2(x[0], x[1]), nil }))
	register("sind", floatFn(1, periodic(sind)))
	register("cosd", floatFn(1, periodic(cosd)))
	register("tand", floatFn(1, periodic(tand)))
	register("cotd", floatFn(1, periodic(cotd)))
	register("asind", floatFn(1, inverse(func(x float64) float64 {
		if x >= 0 {
			return asindQ1(x)
		}
		return -asindQ1(-x)
	})))
	register("acosd", floatFn(1, inverse(func(x float64) float64 {
		if x >= 0 {
			return acosdQ1(x)
		}
		return 90 + asindQ1(-x)
	})))
	register("atand", floatFn(1, one(func(x float64) float64 { return math.Atan(x) / atanOne * 45 })))
	register("atan2d", floatFn(2, func(x []float64) (float64, error) { return math.Atan2(x[0], x[1]) / atanOne * 45, nil }))
	register("sinh", floatFn(1, one(sinh)))
	register("cosh", floatFn(1, one(cosh)))
	register("tanh", floatFn(1, one(math.Tanh)))
	register("asinh", floatFn(1, one(math.Asinh)))
	register("acosh", floatFn(1, func(x []float64) (float64, error) {
		if x[0] < 1 {
			return 0, errInputRange
		}
		return math.Acosh(x[0]), nil
	}))
	register("atanh", floatFn(1, inverse(math.Atanh)))
	// An infinite result of a finite argument is an overflow (numericUnary).
	register("degrees", numericUnary("degrees", func(x float64) float64 { return x / radiansPerDegree }, nil))
	register("radians", numericUnary("radians", func(x float64) float64 { return x * radiansPerDegree }, nil))
	register("cbrt", floatFn(1, one(math.Cbrt)))
}
