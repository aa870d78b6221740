package exec

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"
)

// sampleReadings is a batch of TSBS-like readings: a time and ten tags,
// 100 hosts taking turns.
func sampleReadings(t testing.TB, n int) (arrow.Record, []Expr) {
	cols := []col{{"time", TypeTimestamptz, make([]any, n)}}
	for k := range 10 {
		cols = append(cols, col{fmt.Sprintf("tag%d", k), TypeTag, make([]any, n)})
	}
	for i := range n {
		cols[0].vals[i] = 1451606400e9 + (i/100)*10e9
		for k := 1; k < len(cols); k++ {
			cols[k].vals[i] = fmt.Sprintf("value_%d_%d", k, (i%100)/(k*k))
		}
	}
	cols[3].vals[5] = nil // a NULL tag
	keys := make([]Expr, len(cols))
	for k, c := range cols {
		keys[k] = &Column{Index: k, Name: c.name, DT: c.dt}
	}
	return recordOf(t, cols...), keys
}

// TestSample: which rows a seed keeps is fixed (REPEATABLE promises the
// same rows from release to release), and the share kept follows the
// fraction.
func TestSample(t *testing.T) {
	rec, keys := sampleReadings(t, 4000)
	defer rec.Release()
	eval := func(fraction float64, seed int64) []bool {
		e := call(t, "__sample", append([]Expr{lit(fraction), lit(seed)}, keys...)...)
		out, err := e.Eval(NewCtx(), rec)
		require.NoError(t, err)
		defer out.Release()
		b := out.(*array.Boolean)
		res := make([]bool, b.Len())
		for i := range res {
			require.True(t, b.IsValid(i))
			res[i] = b.Value(i)
		}
		return res
	}
	count := func(bs []bool) int {
		n := 0
		for _, b := range bs {
			if b {
				n++
			}
		}
		return n
	}
	var kept []int
	for i, b := range eval(0.005, SampleSeed(42))[:2000] {
		if b {
			kept = append(kept, i)
		}
	}
	require.Equal(t, []int{125, 157, 681, 867, 900, 915, 967, 1162, 1379, 1716}, kept)
	require.Equal(t, 4000, count(eval(1, 0)))
	require.Equal(t, 0, count(eval(0, 0)))
	require.InDelta(t, 1000, count(eval(0.25, SampleSeed(1))), 5*27) // sd sqrt(4000*.25*.75)
	require.NotEqual(t, eval(0.25, SampleSeed(1)), eval(0.25, SampleSeed(2)))
	require.Equal(t, SampleSeed(0), SampleSeed(-0.0))
}

// BenchmarkSample is TABLESAMPLE's test of a batch of readings keyed by
// their time and ten tags.
func BenchmarkSample(b *testing.B) {
	rec, keys := sampleReadings(b, BatchRows)
	defer rec.Release()
	e := call(b, "__sample", append([]Expr{lit(0.01), lit(int64(7))}, keys...)...)
	evalLoop(b, e, rec)
}
