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
// that fit pass through unchanged, the same array.
func init() {
	for _, t := range []struct {
		name     string
		lo, hi   int64
		typeName string
	}{{"__int2", math.MinInt16, math.MaxInt16, "smallint"}, {"__int4", math.MinInt32, math.MaxInt32, "integer"}} {
		register(t.name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeInt, want(args, "int") },
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				outOfRange := fmt.Errorf("%s out of range", t.typeName)
				if args[0].isConst {
					v, _ := args[0].cnst.(int64)
					if n > 0 && args[0].cnst != nil && (v < t.lo || v > t.hi) {
						return nil, outOfRange
					}
					return broadcast(c, args[0].cnst, TypeInt, n)
				}
				a := args[0].arr.(*array.Int64)
				for i, v := range a.Int64Values() {
					if (v < t.lo || v > t.hi) && a.IsValid(i) {
						return nil, outOfRange
					}
				}
				a.Retain()
				return a, nil
			},
		})
	}
}
