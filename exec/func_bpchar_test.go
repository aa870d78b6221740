package exec

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestBlankPad: __bpchar_pad pads to n characters, not bytes (é is two
// bytes, one character), leaves longer values and NULLs as they are, and
// reads a tag's dictionary as a plain text column.
func TestBlankPad(t *testing.T) {
	want := []any{"ab   ", "abcde", "é    ", nil, "abcdef", "     "}
	values := []any{"ab", "abcde", "é", nil, "abcdef", ""}

	plain := array.NewStringBuilder(memory.DefaultAllocator)
	dict := array.NewDictionaryBuilder(memory.DefaultAllocator, TypeTag).(*array.BinaryDictionaryBuilder)
	for _, v := range values {
		if v == nil {
			plain.AppendNull()
			dict.AppendNull()
			continue
		}
		plain.Append(v.(string))
		require.NoError(t, dict.AppendString(v.(string)))
	}
	for _, col := range []arrow.Array{plain.NewArray(), dict.NewArray()} {
		schema := arrow.NewSchema([]arrow.Field{{Name: "c", Type: col.DataType(), Nullable: true}}, nil)
		rec := array.NewRecord(schema, []arrow.Array{col}, int64(col.Len()))
		call, err := NewCall("__bpchar_pad", []Expr{&Column{Index: 0, Name: "c", DT: col.DataType()}, &Literal{V: int64(5), DT: TypeInt}})
		require.NoError(t, err)
		out, err := call.Eval(NewCtx(), rec)
		require.NoError(t, err)
		got := make([]any, out.Len())
		for i := range got {
			if !out.IsNull(i) {
				got[i] = out.(*array.String).Value(i)
			}
		}
		require.Equal(t, want, got, "%v", col.DataType())
		out.Release()
		rec.Release()
	}
	require.Equal(t, "x  ", BlankPad("x", 3))
	require.Equal(t, "xyz", BlankPad("xyz", 2))
}
