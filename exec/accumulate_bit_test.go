package exec

import (
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/stretchr/testify/require"
)

// TestBitAggregates: bit_and/bit_or/bit_xor over random bigints with NULLs,
// in one accumulator and as two partial ones merged, equal a plain fold;
// groups without values are NULL.
func TestBitAggregates(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const groups, rows = 30, 2000
	// The last two groups get no rows.
	gids, arr, vals := randomGroupedInts(r, groups, rows, 2, 8, func(int) int64 { return r.Int64() - r.Int64() })
	defer arr.Release()
	for _, fn := range []AggFunc{AggBitAnd, AggBitOr, AggBitXor} {
		want := make([]*int64, groups)
		for i, g := range gids {
			v := vals[i]
			if v == nil {
				continue
			}
			if want[g] == nil {
				w := *v
				want[g] = &w
				continue
			}
			switch fn {
			case AggBitAnd:
				*want[g] &= *v
			case AggBitOr:
				*want[g] |= *v
			default:
				*want[g] ^= *v
			}
		}
		check := func(acc accumulator, how string) {
			got := acc.result(TypeInt, groups).(*array.Int64)
			defer got.Release()
			for g := range want {
				if want[g] == nil {
					require.True(t, got.IsNull(g), "%v %s group %d", fn, how, g)
					continue
				}
				require.Equal(t, *want[g], got.Value(g), "%v %s group %d", fn, how, g)
			}
		}
		checkOneAndMerged(t, Agg{Func: fn}, groups, gids, arr, check)
	}
}
