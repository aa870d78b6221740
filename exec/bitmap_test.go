package exec

import (
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestSelectTrue: the word-wise selection equals a row-by-row one for
// every length around word ends, with and without NULLs, on slices that
// start inside a byte.
func TestSelectTrue(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 63, 64, 65, 127, 128, 129, 1000} {
		for _, nulls := range []bool{false, true} {
			b := array.NewBooleanBuilder(memory.DefaultAllocator)
			for range n + 13 {
				if nulls && r.IntN(4) == 0 {
					b.AppendNull()
				} else {
					b.Append(r.IntN(3) > 0)
				}
			}
			whole := b.NewBooleanArray()
			b.Release()
			for _, off := range []int{0, 1, 5, 8, 13} {
				a := array.NewSlice(whole, int64(off), int64(off+n)).(*array.Boolean)
				var want []int32
				for i := range a.Len() {
					if a.IsValid(i) && a.Value(i) {
						want = append(want, int32(i))
					}
				}
				got := selectTrue(a, nil)
				require.Equal(t, want, got, "n=%d nulls=%v offset=%d", n, nulls, off)
				a.Release()
			}
			whole.Release()
		}
	}
}

func BenchmarkSelectTrue(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	bb := array.NewBooleanBuilder(memory.DefaultAllocator)
	for range 8192 {
		bb.Append(r.IntN(10) == 0)
	}
	a := bb.NewBooleanArray()
	defer a.Release()
	sel := make([]int32, 0, 8192)
	b.Run("words", func(b *testing.B) {
		for b.Loop() {
			sel = selectTrue(a, sel[:0])
		}
	})
	b.Run("rows", func(b *testing.B) {
		for b.Loop() {
			sel = sel[:0]
			for i := range a.Len() {
				if a.Value(i) && a.IsValid(i) {
					sel = append(sel, int32(i))
				}
			}
		}
	})
}
