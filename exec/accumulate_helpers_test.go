package exec

import (
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stretchr/testify/require"
)

// checkOneAndMerged runs aggregate agg over arr (rows of gids, in groups
// groups) in one accumulator and as two partial ones merged, and hands
// each to check with how ("one", "merged").
func checkOneAndMerged(t *testing.T, agg Agg, groups int, gids []uint32, arr arrow.Array, check func(acc accumulator, how string)) {
	t.Helper()
	one, err := newAccumulator(agg)
	require.NoError(t, err)
	one.grow(groups)
	require.NoError(t, one.update(gids, arr, nil))
	check(one, "one")

	merged, err := newAccumulator(agg)
	require.NoError(t, err)
	merged.grow(groups)
	ident := make([]uint32, groups)
	for g := range ident {
		ident[g] = uint32(g)
	}
	rows := len(gids)
	for _, part := range [][2]int{{0, rows / 3}, {rows / 3, rows}} {
		acc, err := newAccumulator(agg)
		require.NoError(t, err)
		acc.grow(groups)
		slice := array.NewSlice(arr, int64(part[0]), int64(part[1]))
		require.NoError(t, acc.update(gids[part[0]:part[1]], slice, nil))
		slice.Release()
		require.NoError(t, merged.(merger).merge(acc, ident))
	}
	check(merged, "merged")
}

// randomGroupedInts is rows random bigints in groups: each row's group
// drawn from all but the last empty groups (which get no rows), about one
// row in nullOneIn NULL, the others gen of their group. vals holds each
// row's value (nil for NULL) for the test's own reference fold.
func randomGroupedInts(r *rand.Rand, groups, rows, empty, nullOneIn int, gen func(g int) int64) (gids []uint32, arr *array.Int64, vals []*int64) {
	gids = make([]uint32, rows)
	vals = make([]*int64, rows)
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	for i := range gids {
		g := r.IntN(groups - empty)
		gids[i] = uint32(g)
		if r.IntN(nullOneIn) == 0 {
			b.AppendNull()
			continue
		}
		v := gen(g)
		vals[i] = &v
		b.Append(v)
	}
	return gids, b.NewInt64Array(), vals
}
