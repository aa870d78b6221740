package exec

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Scalar functions of InfluxDB 3's SQL (DataFusion) that users bring with
// their queries and PostgreSQL lacks. The planner turns text arguments of
// the time functions into timestamps first (and spells the others that
// PostgreSQL has under another name as those).

// unixUnits are the units of to_timestamp_<unit>: nanoseconds per unit.
var unixUnits = map[string]int64{"seconds": 1e9, "millis": 1e6, "micros": 1e3, "nanos": 1}

// IsUnixUnitFunc reports whether name is one of to_timestamp_<unit>.
func IsUnixUnitFunc(name string) bool {
	unit, ok := strings.CutPrefix(name, "to_timestamp_")
	return ok && unixUnits[unit] != 0
}

func init() {
	for unit, scale := range unixUnits {
		name := "to_timestamp_" + unit
		register(name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) {
				if len(args) != 1 {
					return nil, fmt.Errorf("takes one argument (%s), got %d", name, len(args))
				}
				switch args[0].ID() {
				case arrow.TIMESTAMP, arrow.INT64, arrow.UINT64, arrow.NULL:
					return TypeTimestamptz, nil
				}
				return nil, fmt.Errorf("argument 1 must be an integer, text or a timestamp, not %s", SQLTypeName(args[0]))
			},
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				return evalTimestampOfUnits(name, scale, args[0], n)
			},
		})
	}
	register("to_unixtime", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) == 1 && args[0].ID() == arrow.TIMESTAMP {
				return TypeInt, nil
			}
			return TypeInt, want(args, "numeric")
		},
		eval: evalUnixtime,
	})
	register("ends_with", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeBool, want(args, "text", "text") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeBool, n, args, true, func(v []any) (any, error) {
				return strings.HasSuffix(v[0].(string), v[1].(string)), nil
			})
		},
	})
	register("levenshtein", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeInt, want(args, "text", "text") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeInt, n, args, true, func(v []any) (any, error) {
				return int64(levenshtein(v[0].(string), v[1].(string))), nil
			})
		},
	})
}

// evalTimestampOfUnits is to_timestamp_<unit>(x): an integer count of
// units since the epoch as a timestamp, or a timestamp cut to the unit
// (toward the epoch, as Arrow's casts between units cut).
func evalTimestampOfUnits(name string, scale int64, a arg, n int) (arrow.Array, error) {
	if a.dt.ID() == arrow.TIMESTAMP {
		return mapTimestamps(a, n, TypeTimestamptz, func(t int64) int64 { return t / scale * scale })
	}
	// Beyond these counts the nanoseconds leave int64 (1677-09-21 to
	// 2262-04-11, the range Strata's timestamps hold).
	limit := math.MaxInt64 / scale
	out := make([]int64, n)
	conv := func(v int64) error {
		if v > limit || v < -limit {
			return unitsOutOfRange(name, v)
		}
		return nil
	}
	if a.isConst {
		if a.cnst == nil {
			return nullArrayOf(TypeTimestamptz, n), nil
		}
		var v int64
		switch x := a.cnst.(type) {
		case int64:
			v = x
		case uint64:
			if x > uint64(limit) {
				return nil, unitsOutOfRange(name, x)
			}
			v = int64(x)
		}
		if err := conv(v); err != nil {
			return nil, err
		}
		for i := range out {
			out[i] = v * scale
		}
		return fixedArray(TypeTimestamptz, out, nil), nil
	}
	valid := validity(a.arr)
	switch x := a.arr.(type) {
	case *array.Int64:
		for i, v := range x.Int64Values() {
			if valid != nil && !getBit(valid, i) {
				continue
			}
			if err := conv(v); err != nil {
				return nil, err
			}
			out[i] = v * scale
		}
	case *array.Uint64:
		for i, v := range x.Uint64Values() {
			if valid != nil && !getBit(valid, i) {
				continue
			}
			if v > uint64(limit) {
				return nil, unitsOutOfRange(name, v)
			}
			out[i] = int64(v) * scale
		}
	default:
		return nil, fmt.Errorf("%s takes an integer or a timestamp, not %s", name, SQLTypeName(a.dt))
	}
	return fixedArray(TypeTimestamptz, out, valid), nil
}

// mapTimestamps is f of each timestamp of a (NULLs kept), of type dt.
func mapTimestamps(a arg, n int, dt arrow.DataType, f func(int64) int64) (arrow.Array, error) {
	ts, valid, err := timestampArg(a, n)
	if err != nil {
		return nil, err
	}
	out := make([]int64, n)
	for i, t := range ts {
		out[i] = f(t)
	}
	return fixedArray(dt, out, valid), nil
}

// unitsOutOfRange is the error of a count whose timestamp Strata cannot
// hold.
func unitsOutOfRange[T int64 | uint64](name string, v T) error {
	return fmt.Errorf("timestamp out of range: %s(%d) is outside 1677-09-21 .. 2262-04-11", name, v)
}

// evalUnixtime is to_unixtime(x): the whole seconds since the epoch of a
// timestamp, or of a number of seconds (cut toward zero, as Arrow casts).
func evalUnixtime(c *Ctx, args []arg, n int) (arrow.Array, error) {
	a := args[0]
	if a.dt.ID() == arrow.TIMESTAMP {
		return mapTimestamps(a, n, TypeInt, func(t int64) int64 { return t / 1e9 })
	}
	return rowwise(TypeInt, n, args, true, func(v []any) (any, error) {
		switch x := v[0].(type) {
		case int64:
			return x, nil
		case uint64:
			if x > math.MaxInt64 {
				return nil, fmt.Errorf("bigint out of range: to_unixtime(%d)", x)
			}
			return int64(x), nil
		case float64:
			if math.IsNaN(x) || math.Abs(x) >= 9.2e18 {
				return nil, fmt.Errorf("bigint out of range: to_unixtime(%v)", x)
			}
			return int64(x), nil
		}
		return nil, fmt.Errorf("to_unixtime takes a timestamp or a number, not %T", v[0])
	})
}

// levenshtein is the edit distance between a and b in characters
// (insertions, deletions and substitutions cost 1).
func levenshtein(a, b string) int {
	if a == b {
		return 0
	}
	ra := []rune(a)
	if len(ra) == 0 {
		return utf8.RuneCountInString(b)
	}
	prev := make([]int, len(ra)+1)
	cur := make([]int, len(ra)+1)
	for i := range prev {
		prev[i] = i
	}
	j := 0
	for _, rb := range b {
		j++
		cur[0] = j
		for i, r := range ra {
			cost := 1
			if r == rb {
				cost = 0
			}
			cur[i+1] = min(prev[i+1]+1, cur[i]+1, prev[i]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(ra)]
}
