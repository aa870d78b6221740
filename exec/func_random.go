package exec

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

func init() {
	// random(): a new value in [0, 1) for every row (the planner leaves the
	// call unfolded), as ORDER BY random() LIMIT n samples with.
	register("random", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeFloat, want(args) },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			vals := make([]float64, n)
			for i := range vals {
				vals[i] = rand.Float64()
			}
			return fixedArray(TypeFloat, vals, nil), nil
		},
	})
	// clock_timestamp(): the time when it runs, read anew for every row
	// (now() is the statement's start), in microseconds.
	register("clock_timestamp", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeTimestamptz, want(args) },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			vals := make([]int64, n)
			for i := range vals {
				vals[i] = time.Now().UnixMicro() * 1e3
			}
			return fixedArray(TypeTimestamptz, vals, nil), nil
		},
	})
	// pg_cancel_backend(pid), pg_terminate_backend(pid [, timeout]): cancel
	// the statement a PostgreSQL connection runs, or close the connection;
	// true when the backend exists (the planner leaves the calls unfolded:
	// they act when run).
	for name, terminate := range map[string]bool{"pg_cancel_backend": false, "pg_terminate_backend": true} {
		register(name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) {
				if terminate && len(args) == 2 {
					return TypeBool, want(args, "int", "int")
				}
				return TypeBool, want(args, "int")
			},
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				if len(args) == 2 && args[1].isConst && args[1].cnst != nil && args[1].cnst.(int64) < 0 {
					return nil, fmt.Errorf("\"timeout\" must not be negative")
				}
				return rowwise(TypeBool, n, args[:1], true, func(v []any) (any, error) {
					if c.Signal == nil {
						return false, nil
					}
					return c.Signal(v[0].(int64), terminate), nil
				})
			},
		})
	}
	// to_hex(bigint): the two's complement in hexadecimal.
	register("to_hex", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeText, want(args, "int") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
				return strconv.FormatUint(uint64(v[0].(int64)), 16), nil
			})
		},
	})
}
