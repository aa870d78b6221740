package exec

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/storage"
)

// div, gcd, lcm, num_nulls, num_nonnulls, isfinite and overlay, as
// PostgreSQL defines them.

// gcd64 is the greatest common divisor of a and b (non-negative), an
// error when it is 2^63 (gcd(-2^63, 0)).
func gcd64(a, b int64) (int64, error) {
	x, y := absU64(a), absU64(b)
	for y != 0 {
		x, y = y, x%y
	}
	if x > math.MaxInt64 {
		return 0, errIntRange
	}
	return int64(x), nil
}

// lcm64 is the least common multiple of a and b (non-negative; 0 when
// either is), an error when it does not fit a bigint.
func lcm64(a, b int64) (int64, error) {
	if a == 0 || b == 0 {
		return 0, nil
	}
	g, err := gcd64(a, b)
	if err != nil {
		return 0, err
	}
	hi, lo := bits.Mul64(absU64(a)/uint64(g), absU64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, errIntRange
	}
	return int64(lo), nil
}

func absU64(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1
	}
	return uint64(v)
}

func init() {
	// factorial(bigint), numeric in PostgreSQL: exact to 20! (the largest
	// a bigint holds); beyond, out of Strata's range.
	register("factorial", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeInt, want(args, "int") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeInt, n, args, true, func(v []any) (any, error) {
				k := v[0].(int64)
				switch {
				case k < 0:
					return nil, fmt.Errorf("factorial of a negative number is undefined")
				case k > 20:
					return nil, fmt.Errorf("factorial of %d is out of range: Strata computes factorials up to 20 (2432902008176640000)", k)
				}
				f := int64(1)
				for i := int64(2); i <= k; i++ {
					f *= i
				}
				return f, nil
			})
		},
	})
	// div of two integers is exact (numeric in PostgreSQL, whose values
	// fit in bigint here but for -2^63 / -1); of anything else, float8.
	register("div", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if err := want(args, "numeric", "numeric"); err != nil {
				return nil, err
			}
			if args[0].ID() == arrow.INT64 && args[1].ID() == arrow.INT64 {
				return TypeInt, nil
			}
			return TypeFloat, nil
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			if args[0].dt.ID() == arrow.INT64 && args[1].dt.ID() == arrow.INT64 {
				return rowwise(TypeInt, n, args, true, func(v []any) (any, error) {
					a, b := v[0].(int64), v[1].(int64)
					switch {
					case b == 0:
						return nil, fmt.Errorf("division by zero")
					case a == math.MinInt64 && b == -1:
						return nil, errIntRange
					}
					return a / b, nil
				})
			}
			return rowwise(TypeFloat, n, args, true, func(v []any) (any, error) {
				a, b := toFloat(v[0]), toFloat(v[1])
				if b == 0 {
					return nil, fmt.Errorf("division by zero")
				}
				return math.Trunc(a / b), nil
			})
		},
	})
	register("gcd", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeInt, want(args, "int", "int") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeInt, n, args, true, func(v []any) (any, error) { return gcd64(v[0].(int64), v[1].(int64)) })
		},
	})
	register("lcm", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeInt, want(args, "int", "int") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeInt, n, args, true, func(v []any) (any, error) { return lcm64(v[0].(int64), v[1].(int64)) })
		},
	})
	// gcd and lcm of integers (int4, int2): the result must fit integer.
	int4Fn := func(f func(a, b int64) (int64, error)) funcDef {
		return funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeInt, want(args, "int", "int") },
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				return rowwise(TypeInt, n, args, true, func(v []any) (any, error) {
					r, err := f(v[0].(int64), v[1].(int64))
					if err == nil && (r > math.MaxInt32 || r < math.MinInt32) {
						err = fmt.Errorf("integer out of range")
					}
					return r, err
				})
			},
		}
	}
	register("__gcd4", int4Fn(gcd64))
	register("__lcm4", int4Fn(lcm64))
	count := func(nulls bool) funcDef {
		return funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) {
				if len(args) == 0 {
					return nil, fmt.Errorf("takes at least one argument")
				}
				return TypeInt, nil
			},
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				return rowwise(TypeInt, n, args, false, func(v []any) (any, error) {
					k := int64(0)
					for _, x := range v {
						if (x == nil) == nulls {
							k++
						}
					}
					return k, nil
				})
			},
		}
	}
	register("num_nulls", count(true))
	register("num_nonnulls", count(false))
	// isfinite: false for 'infinity' and '-infinity' (intervals are never
	// infinite in PostgreSQL 15).
	register("isfinite", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) != 1 || args[0].ID() != arrow.TIMESTAMP && args[0].ID() != arrow.INTERVAL_MONTH_DAY_NANO && args[0].ID() != arrow.NULL {
				return nil, fmt.Errorf("takes a timestamp, date or interval")
			}
			return TypeBool, nil
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeBool, n, args, true, func(v []any) (any, error) {
				ts, ok := v[0].(Timestamp)
				return !ok || IsFiniteTime(int64(ts)), nil
			})
		},
	})
	// overlay(s PLACING r FROM a [FOR n]) arrives as overlay(s, r, a[, n]):
	// the characters of s before a, r, then those from a+n (n: r's length).
	register("overlay", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) == 4 {
				return TypeText, want(args, "text", "text", "int", "int")
			}
			return TypeText, want(args, "text", "text", "int")
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
				s, r := []rune(v[0].(string)), v[1].(string)
				from := v[2].(int64)
				count := int64(len([]rune(r)))
				if len(v) == 4 {
					count = v[3].(int64)
				}
				if from < 1 {
					return nil, fmt.Errorf("negative substring length not allowed")
				}
				left := s[:min(int64(len(s)), from-1)]
				rest := max(from+count, 1) - 1
				right := s[min(int64(len(s)), rest):]
				return string(left) + r + string(right), nil
			})
		},
	})
}

// Bitwise operators on bigints (planner: & | << >> ~). Shifts take the
// count modulo 64, as PostgreSQL's int8shl on x86.
func init() {
	bitOp := func(name string, f func(a, b int64) int64) {
		register(name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeInt, want(args, "int", "int") },
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				return rowwise(TypeInt, n, args, true, func(v []any) (any, error) { return f(v[0].(int64), v[1].(int64)), nil })
			},
		})
	}
	bitOp("__bitand", func(a, b int64) int64 { return a & b })
	bitOp("__bitor", func(a, b int64) int64 { return a | b })
	bitOp("__bitxor", func(a, b int64) int64 { return a ^ b })
	bitOp("__shiftleft", func(a, b int64) int64 { return a << (uint64(b) & 63) })
	bitOp("__shiftright", func(a, b int64) int64 { return a >> (uint64(b) & 63) })
	// integer and smallint shifts: 32-bit, the count mod 32, cut to the type.
	bitOp("__shiftleft_int4", func(a, b int64) int64 { return int64(int32(a) << (uint64(b) & 31)) })
	bitOp("__shiftright_int4", func(a, b int64) int64 { return int64(int32(a) >> (uint64(b) & 31)) })
	bitOp("__shiftleft_int2", func(a, b int64) int64 { return int64(int16(int32(a) << (uint64(b) & 31))) })
	bitOp("__shiftright_int2", func(a, b int64) int64 { return int64(int16(int32(a) >> (uint64(b) & 31))) })
	register("__bitnot", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeInt, want(args, "int") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeInt, n, args, true, func(v []any) (any, error) { return ^v[0].(int64), nil })
		},
	})
}

// __round_time(ts, p) rounds a timestamp's fractional seconds to p digits
// (0..6), halves away from PostgreSQL's epoch, as its timestamp(p) typmod
// (storage.RoundTime).
func init() {
	register("__round_time", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			return TypeTimestamptz, want(args, "timestamptz", "int")
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeTimestamptz, n, args, true, func(v []any) (any, error) {
				ns, p := int64(v[0].(Timestamp)), v[1].(int64)
				if !IsFiniteTime(ns) {
					return v[0], nil
				}
				return Timestamp(storage.RoundTime(ns, int(p))), nil
			})
		},
	})
}
