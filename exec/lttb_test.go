package exec

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"
)

// TestLTTB: a series with one peak and one trough, worked by hand. Nine
// points, resolution 4: every = 3.5; the first bucket is points 1-3 and
// the average of the next (points 4-7) is (5.5 s, -2.5), so the peak
// (2 s, 10) makes the largest triangle with (0, 0); the second bucket is
// points 4-7 against the last point (8 s, 0): the trough (6 s, -10).
// The points arrive out of order and with NULLs, which take no part.
func TestLTTB(t *testing.T) {
	ys := []float64{0, 0, 10, 0, 0, 0, -10, 0, 0}
	order := []int{4, 0, 8, 2, 6, 1, 3, 7, 5}
	var ts, vs []any
	for _, i := range order {
		ts, vs = append(ts, i*int(sec)), append(vs, ys[i])
	}
	ts, vs = append(ts, nil, 9*int(sec)), append(vs, 5.0, nil)
	rec := recordOf(t, col{"t", TypeTimestamptz, ts}, col{"v", TypeFloat, vs})
	defer rec.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "time", Type: TypeTimestamptz, Nullable: true}, {Name: "value", Type: TypeFloat, Nullable: true}}, nil)
	run := func(resolution int64) (got [][2]float64) {
		c := NewCtx()
		out, err := Collect(bg, NewLTTB(c, NewValues(rec.Schema(), rec), resolution, schema))
		require.NoError(t, err)
		for _, r := range out {
			tcol, vcol := r.Column(0).(*array.Timestamp), r.Column(1).(*array.Float64)
			for i := range int(r.NumRows()) {
				got = append(got, [2]float64{float64(int64(tcol.Value(i)) / sec), vcol.Value(i)})
			}
			r.Release()
		}
		require.Zero(t, c.Used(), "the points' memory is given back")
		return got
	}
	require.Equal(t, [][2]float64{{0, 0}, {2, 10}, {6, -10}, {8, 0}}, run(4))
	all := run(9)
	require.Len(t, all, 9)
	for i, p := range all {
		require.Equal(t, [2]float64{float64(i), ys[i]}, p)
	}
	require.Len(t, run(100), 9)
	require.Len(t, run(5), 5)
}
