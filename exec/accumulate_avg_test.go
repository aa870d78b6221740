package exec

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// avgRowByRow is the plain loop avgRuns must equal bit for bit.
func avgRowByRow(gids []uint32, vals []float64, valid func(int) bool, sum []float64, n []int64) {
	for i, g := range gids {
		if valid != nil && !valid(i) {
			continue
		}
		sum[g] += vals[i]
		n[g]++
	}
}

// avgInput is 432,000 rows in 1,300 groups: sorted runs of ~330 rows (a
// file's order) or shuffled.
func avgInput(sorted bool) ([]uint32, []float64) {
	r := rand.New(rand.NewPCG(1, 2))
	const rows, groups = 432000, 1300
	gids := make([]uint32, rows)
	vals := make([]float64, rows)
	for i := range gids {
		gids[i] = uint32(i * groups / rows)
		vals[i] = r.Float64()*100 + 1e-9*float64(i)
	}
	if !sorted {
		r.Shuffle(rows, func(i, j int) { gids[i], gids[j] = gids[j], gids[i] })
	}
	return gids, vals
}

func TestAvgRunsMatchesRowByRow(t *testing.T) {
	for _, sorted := range []bool{true, false} {
		gids, vals := avgInput(sorted)
		for _, valid := range []func(int) bool{nil, func(i int) bool { return i%7 != 3 }} {
			s1, n1 := make([]float64, 1300), make([]int64, 1300)
			s2, n2 := make([]float64, 1300), make([]int64, 1300)
			avgRowByRow(gids, vals, valid, s1, n1)
			avgRuns(gids, vals, valid, s2, n2)
			require.Equal(t, s1, s2, "sums bit for bit")
			require.Equal(t, n1, n2)
		}
	}
}

// BenchmarkAvgUpdate compares avgRuns with the row-by-row loop it
// replaced, on sorted and shuffled group ids.
func BenchmarkAvgUpdate(b *testing.B) {
	for _, sorted := range []bool{true, false} {
		gids, vals := avgInput(sorted)
		name := map[bool]string{true: "sorted", false: "shuffled"}[sorted]
		sum, n := make([]float64, 1300), make([]int64, 1300)
		b.Run(name+"/row-by-row", func(b *testing.B) {
			for range b.N {
				avgRowByRow(gids, vals, nil, sum, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(gids)), "ns/row")
		})
		b.Run(name+"/runs", func(b *testing.B) {
			for range b.N {
				avgRuns(gids, vals, nil, sum, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(gids)), "ns/row")
		})
	}
}
