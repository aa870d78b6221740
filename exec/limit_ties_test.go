package exec

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"
)

// TestLimitTies: FETCH FIRST count ROWS WITH TIES over sorted batches of 3
// rows, where ties run across batches (and NULLs tie with NULLs), against
// the rows a reference over the whole list picks.
func TestLimitTies(t *testing.T) {
	vals := []any{1, 1, 2, 2, 2, 2, 2, 3, nil, nil, nil}
	var recs []arrow.Record
	for i := 0; i < len(vals); i += 3 {
		recs = append(recs, recordOf(t, col{"v", TypeInt, vals[i:min(i+3, len(vals))]}))
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	keys := []SortKey{{Expr: colRef(recs[0], "v")}}
	for offset := 0; offset <= len(vals); offset++ {
		for count := 0; count <= len(vals)+1; count++ {
			// The reference: rows [offset, offset+count), then the rows
			// equal to the last of them.
			var want []any
			end := min(offset+count, len(vals))
			if offset < end {
				want = append(want, vals[offset:end]...)
				for end < len(vals) && vals[end] == vals[end-1] {
					want = append(want, vals[end])
					end++
				}
			}
			c := NewCtx()
			out, err := Collect(bg, NewLimitTies(c, NewValues(recs[0].Schema(), recs...), int64(offset), int64(count), keys))
			require.NoError(t, err)
			var got []any
			for _, r := range out {
				a := r.Column(0).(*array.Int64)
				for i := range a.Len() {
					if a.IsNull(i) {
						got = append(got, nil)
					} else {
						got = append(got, int(a.Value(i)))
					}
				}
				r.Release()
			}
			require.Equal(t, want, got, "offset %d count %d", offset, count)
		}
	}
}
