package exec

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stretchr/testify/require"
)

// extremeInput is a random walk of 4,320 integers (12 hours of a
// 10-second series) in groups of run rows (a minute: 6), the shape of
// TSBS's single-groupby queries, plus the integer extremes.
func extremeInput(run int) ([]uint32, []int64) {
	r := rand.New(rand.NewPCG(3, 4))
	const rows = 4320
	gids := make([]uint32, rows)
	vals := make([]int64, rows)
	v := int64(50)
	for i := range gids {
		gids[i] = uint32(i / run)
		v += r.Int64N(11) - 5
		vals[i] = v
	}
	vals[7], vals[100] = math.MinInt64, math.MaxInt64
	return gids, vals
}

// TestExtremeIntsMatchesBranchy: the branch-free min/max over integers
// equals the branchy loop, from identity-filled and partly filled groups.
func TestExtremeIntsMatchesBranchy(t *testing.T) {
	for _, run := range []int{1, 6, 360, 4320} {
		gids, vals := extremeInput(run)
		groups := int(gids[len(gids)-1]) + 1
		for _, max := range []bool{true, false} {
			a := &extremeAcc{max: max}
			a.grow(groups)
			a.values(arrow.INT64)
			hasB, curB := make([]bool, groups), make([]int64, groups)
			half := len(gids) / 2
			extremeInts(max, gids[:half], vals[:half], a.has, a.ints)
			extremeFast(max, gids[:half], vals[:half], nil, hasB, curB)
			extremeInts(max, gids[half:], vals[half:], a.has, a.ints)
			extremeFast(max, gids[half:], vals[half:], nil, hasB, curB)
			require.Equal(t, hasB, a.has[:groups], "run %d max %v", run, max)
			require.Equal(t, curB, a.ints[:groups], "run %d max %v", run, max)
		}
	}
}

// BenchmarkExtreme compares the branch-free integer min/max with the
// branchy loop on groups of a minute (6 rows) and of an hour (360).
func BenchmarkExtreme(b *testing.B) {
	for _, run := range []int{6, 360} {
		gids, vals := extremeInput(run)
		groups := int(gids[len(gids)-1]) + 1
		name := map[int]string{6: "minutes", 360: "hours"}[run]
		b.Run(name+"/branchy", func(b *testing.B) {
			has, cur := make([]bool, groups), make([]int64, groups)
			for range b.N {
				clear(has)
				extremeFast(true, gids, vals, nil, has, cur)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(gids)), "ns/row")
		})
		b.Run(name+"/branch-free", func(b *testing.B) {
			has, cur := make([]bool, groups), make([]int64, groups)
			for range b.N {
				fill(cur, true, math.MinInt64, math.MaxInt64)
				extremeInts(true, gids, vals, has, cur)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(gids)), "ns/row")
		})
	}
}
