package exec

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

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
