package exec

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWindowSlidingExtremes: min and max over sliding ROWS frames (kept as
// a monotonic queue of candidates) equal a scan of each frame, over ints,
// floats and text with NULLs and many ties, for frames that slide, grow,
// shrink at the partition's end and start empty.
func TestWindowSlidingExtremes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	const n = 500
	ts, ints, floats, texts := make([]any, n), make([]any, n), make([]any, n), make([]any, n)
	for i := range n {
		ts[i] = i
		if rng.IntN(6) > 0 {
			ints[i] = rng.IntN(20)
			floats[i] = float64(rng.IntN(40)) / 8
			texts[i] = fmt.Sprintf("v%02d", rng.IntN(30))
		}
	}
	for i := 200; i < 230; i++ {
		ints[i], floats[i], texts[i] = nil, nil, nil // frames of NULLs only
	}
	rec := recordOf(t, col{"time", TypeInt, ts}, col{"i", TypeInt, ints}, col{"f", TypeFloat, floats}, col{"s", TypeText, texts})
	defer rec.Release()
	pre := func(k int64) Bound { return Bound{Kind: Preceding, N: k} }
	fol := func(k int64) Bound { return Bound{Kind: Following, N: k} }
	for _, fr := range []struct{ start, end Bound }{
		{pre(3), Bound{Kind: CurrentRow}},
		{pre(10), fol(4)},
		{fol(1), fol(7)},
		{pre(9), pre(2)},
		{Bound{Kind: CurrentRow}, Bound{Kind: UnboundedFollowing}},
		{pre(0), fol(0)},
		{pre(40), fol(40)},
	} {
		lo := func(i int) int {
			switch fr.start.Kind {
			case Preceding:
				return i - int(fr.start.N)
			case Following:
				return i + int(fr.start.N)
			}
			return i
		}
		hi := func(i int) int { // exclusive
			switch fr.end.Kind {
			case Preceding:
				return i - int(fr.end.N) + 1
			case Following:
				return i + int(fr.end.N) + 1
			case UnboundedFollowing:
				return n
			}
			return i + 1
		}
		for _, name := range []string{"min", "max"} {
			for _, c := range []string{"i", "f", "s"} {
				arg := colRef(rec, c)
				f := &WindowFunc{Name: name, Args: []Expr{arg}, Order: []SortKey{{Expr: colRef(rec, "time")}},
					Frame: Frame{Rows: true, Start: fr.start, End: fr.end}, DT: arg.DT}
				w := NewWindow(NewCtx(), NewValues(rec.Schema(), rec), []*WindowFunc{f}, []string{"w"})
				out, err := Collect(bg, w)
				require.NoError(t, err)
				require.Len(t, out, 1)
				res := out[0].Column(int(out[0].NumCols()) - 1)
				got, err := valueGetter(res)
				require.NoError(t, err)
				in := rec.Column(rec.Schema().FieldIndices(c)[0])
				get, err := valueGetter(in)
				require.NoError(t, err)
				for i := range n {
					var best any
					for j := max(lo(i), 0); j < min(hi(i), n); j++ {
						if in.IsNull(j) {
							continue
						}
						v := get(j)
						if best == nil {
							best = v
							continue
						}
						if c := compareValues(v, best); name == "max" && c > 0 || name == "min" && c < 0 {
							best = v
						}
					}
					if best == nil {
						require.True(t, res.IsNull(i), "%s(%s) ROWS %v..%v at row %d", name, c, fr.start, fr.end, i)
						continue
					}
					require.False(t, res.IsNull(i), "%s(%s) ROWS %v..%v at row %d", name, c, fr.start, fr.end, i)
					require.Equal(t, best, got(i), "%s(%s) ROWS %v..%v at row %d", name, c, fr.start, fr.end, i)
				}
				out[0].Release()
				w.Close()
			}
		}
	}
}
