package exec

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestRepeat: each row comes as many times as its count (none for 0, a
// negative count or NULL), over several batches, without the count column.
func TestRepeat(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: TypeText, Nullable: true}, {Name: "count", Type: TypeInt, Nullable: true}}, nil)
	batch := func(xs []string, counts []int64, valid []bool) arrow.Record {
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer b.Release()
		b.Field(0).(*array.StringBuilder).AppendValues(xs, nil)
		b.Field(1).(*array.Int64Builder).AppendValues(counts, valid)
		return b.NewRecord()
	}
	r1 := batch([]string{"a", "b", "c"}, []int64{2, 0, 1}, nil)
	r2 := batch([]string{"d", "e"}, []int64{-1, 9}, []bool{true, false})
	r3 := batch([]string{"f"}, []int64{3}, nil)
	defer r1.Release()
	defer r2.Release()
	defer r3.Release()
	op := NewRepeat(NewValues(schema, r1, r2, r3))
	require.Equal(t, 1, len(op.Schema().Fields()))
	got := rows(t, op)
	op.Close()
	require.Equal(t, []string{"a", "a", "c", "f", "f", "f"}, got)
}
