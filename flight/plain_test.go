package flight

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

func TestPlainStrings(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	for _, idxType := range []arrow.DataType{arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int8} {
		b := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: idxType, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
		want := []any{"eu", nil, "us", "eu", "", nil, "ap-south"}
		for _, v := range want {
			if v == nil {
				b.AppendNull()
			} else {
				require.NoError(t, b.AppendString(v.(string)))
			}
		}
		d := b.NewArray().(*array.Dictionary)
		b.Release()
		for _, off := range []int{0, 1, 3} {
			part := array.NewSlice(d, int64(off), int64(len(want))).(*array.Dictionary)
			got := plainStrings(mem, part).(*array.String)
			require.Equal(t, len(want)-off, got.Len())
			for i, w := range want[off:] {
				if w == nil {
					require.True(t, got.IsNull(i), "%s row %d", idxType, i)
					continue
				}
				require.True(t, got.IsValid(i))
				require.Equal(t, w, got.Value(i), "%s row %d", idxType, i)
			}
			got.Release()
			part.Release()
		}
		d.Release()
	}
}
