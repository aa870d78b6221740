package exec

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// __int2 and __int4 check that bigint values fit smallint and integer, the
// types casts to int2 and int4 give (the engine holds them as bigint):
// PostgreSQL's "smallint out of range" / "integer out of range". Values
// that fit pass through unchanged, the same array. __int2_in and __int4_in
// check casts of text, in the input function's words: value "99999999999"
// is out of range for type integer.
func init() {
	for _, t := range []struct {
		name     string
		lo, hi   int64
		typeName string
	}{{"__int2", math.MinInt16, math.MaxInt16, "smallint"}, {"__int4", math.MinInt32, math.MaxInt32, "integer"}} {
		for _, input := range []bool{false, true} {
			name := t.name
			outOfRange := func(v int64) error { return fmt.Errorf("%s out of range", t.typeName) }
			if input {
				name += "_in"
				outOfRange = func(v int64) error { return fmt.Errorf("value \"%d\" is out of range for type %s", v, t.typeName) }
			}
			register(name, funcDef{
				resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeInt, want(args, "int") },
				eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
					return intInRange(c, args[0], n, t.lo, t.hi, outOfRange)
				},
			})
		}
	}
}

// __float_int(x, bits, numeric) checks that float values convert to an
// integer of bits bits (16 smallint, 32 integer, 64 bigint), as a cast
// rounds them: PostgreSQL's "integer out of range" for a float8 beyond the
// type, NaN and infinities, and for numeric values (numeric true) "cannot
// convert NaN to integer" and "cannot convert infinity to integer"
// (FloatIntError). Values that convert pass through unchanged, the same
// array; the cast that follows converts them.
func init() {
	register("__float_int", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			return TypeFloat, want(args, "float", "int", "bool")
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			bits, _ := args[1].cnst.(int64)
			numeric, _ := args[2].cnst.(bool)
			if args[0].isConst {
				if v, ok := args[0].cnst.(float64); ok && n > 0 {
					if err := FloatIntError(v, int(bits), numeric); err != nil {
						return nil, err
					}
				}
				return broadcast(c, args[0].cnst, TypeFloat, n)
			}
			a := args[0].arr.(*array.Float64)
			for i, v := range a.Float64Values() {
				if a.IsValid(i) {
					if err := FloatIntError(v, int(bits), numeric); err != nil {
						return nil, err
					}
				}
			}
			a.Retain()
			return a, nil
		},
	})
}

// intTypeNames are PostgreSQL's names of the integers of 16, 32 and 64
// bits.
var intTypeNames = map[int]string{16: "smallint", 32: "integer", 64: "bigint"}

// FloatIntError is the error of converting v to an integer of bits bits
// (16, 32 or 64), as PostgreSQL rounds it (to even: a numeric is rounded
// half away from zero before), nil when it converts. numeric marks a
// numeric value, whose NaN and infinities PostgreSQL cannot convert
// (SQLSTATE 0A000); a float8's are out of range (22003).
func FloatIntError(v float64, bits int, numeric bool) error {
	name := intTypeNames[bits]
	switch {
	case numeric && math.IsNaN(v):
		return &CodedError{Code: "0A000", Msg: "cannot convert NaN to " + name}
	case numeric && math.IsInf(v, 0):
		return &CodedError{Code: "0A000", Msg: "cannot convert infinity to " + name}
	}
	lo, hi := -math.Ldexp(1, bits-1), math.Ldexp(1, bits-1) // [lo, hi): the type's range, exact in a float64
	if r := math.RoundToEven(v); math.IsNaN(r) || r < lo || r >= hi {
		return &CodedError{Code: "22003", Msg: name + " out of range"}
	}
	return nil
}

// intInRange is arg when every value lies in [lo, hi], else outOfRange's
// error for the first that does not.
func intInRange(c *Ctx, x arg, n int, lo, hi int64, outOfRange func(int64) error) (arrow.Array, error) {
	if x.isConst {
		v, _ := x.cnst.(int64)
		if n > 0 && x.cnst != nil && (v < lo || v > hi) {
			return nil, outOfRange(v)
		}
		return broadcast(c, x.cnst, TypeInt, n)
	}
	a := x.arr.(*array.Int64)
	for i, v := range a.Int64Values() {
		if (v < lo || v > hi) && a.IsValid(i) {
			return nil, outOfRange(v)
		}
	}
	a.Retain()
	return a, nil
}

// __float4 rounds float8 values to single precision, the type casts to
// real give (the engine holds them as float8); finite values beyond its
// range are PostgreSQL's "value out of range: overflow".
func init() {
	register("__float4", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeFloat, want(args, "float") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			round := func(v float64) (float64, error) {
				r := float64(float32(v))
				if math.IsInf(r, 0) && !math.IsInf(v, 0) {
					return 0, errFloatOverflow
				}
				if r == 0 && v != 0 {
					return 0, errFloatUnderflow
				}
				return r, nil
			}
			if args[0].isConst {
				if v, ok := args[0].cnst.(float64); ok && n > 0 {
					r, err := round(v)
					if err != nil {
						return nil, err
					}
					return broadcast(c, r, TypeFloat, n)
				}
				return broadcast(c, args[0].cnst, TypeFloat, n)
			}
			a := args[0].arr.(*array.Float64)
			out := make([]float64, a.Len())
			for i, v := range a.Float64Values() {
				if !a.IsValid(i) {
					continue
				}
				r, err := round(v)
				if err != nil {
					return nil, err
				}
				out[i] = r
			}
			return fixedArray(TypeFloat, out, validity(a)), nil
		},
	})
}

// __float4_numeric and __float8_numeric are a real's and a float8's cast
// to numeric: PostgreSQL converts their digits, FLT_DIG (6) and DBL_DIG
// (15) significant ones (0.1::real::numeric is 0.1, not the float8 it is
// held as, 0.10000000149011612; (1::float8/3)::numeric 0.333333333333333).
func init() {
	digits := func(name string, n, bits int) {
		round := func(x float64) float64 { return roundSignificant(x, n, bits) }
		register(name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) {
				if err := want(args, "float"); err != nil {
					return nil, err
				}
				return TypeFloat, nil
			},
			eval: func(_ *Ctx, args []arg, rows int) (arrow.Array, error) {
				if out, ok := mapFloats(args[0], rows, round); ok {
					return out, nil
				}
				return rowwise(TypeFloat, rows, args, true, func(v []any) (any, error) { return round(v[0].(float64)), nil })
			},
		})
	}
	digits("__float4_numeric", 6, 32)  // FLT_DIG
	digits("__float8_numeric", 15, 64) // DBL_DIG: float8 to numeric
}
