package exec

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestRowsFrom zips children whose batches break at different rows: row i
// is row i of each, a child that has ended gives NULLs (an empty batch
// does not end it), until all have ended; every buffer is released.
func TestRowsFrom(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	c := NewCtx()
	c.Mem = mem
	ints := arrow.NewSchema([]arrow.Field{{Name: "n", Type: TypeInt, Nullable: true}}, nil)
	pairs := arrow.NewSchema([]arrow.Field{{Name: "k", Type: TypeText, Nullable: true}, {Name: "v", Type: TypeFloat, Nullable: true}}, nil)
	intBatch := func(ns ...int64) arrow.Record {
		b := array.NewRecordBuilder(mem, ints)
		defer b.Release()
		b.Field(0).(*array.Int64Builder).AppendValues(ns, nil)
		return b.NewRecord()
	}
	pairBatch := func(ks []string, vs []float64) arrow.Record {
		b := array.NewRecordBuilder(mem, pairs)
		defer b.Release()
		b.Field(0).(*array.StringBuilder).AppendValues(ks, nil)
		b.Field(1).(*array.Float64Builder).AppendValues(vs, nil)
		return b.NewRecord()
	}
	a1, a2, a3 := intBatch(1, 2, 3), intBatch(), intBatch(4, 5)
	p1, p2 := pairBatch([]string{"a"}, []float64{0.5}), pairBatch([]string{"b", "c"}, []float64{1.5, 2.5})
	for _, r := range []arrow.Record{a1, a2, a3, p1, p2} {
		defer r.Release()
	}
	schema := arrow.NewSchema(append(append([]arrow.Field(nil), ints.Fields()...), pairs.Fields()...), nil)
	op := NewRowsFrom(c, schema, NewValues(ints, a1, a2, a3), NewValues(pairs, p1, p2))
	got := rows(t, op)
	op.Close()
	require.Equal(t, []string{"1|a|0.5", "2|b|1.5", "3|c|2.5", "4|NULL|NULL", "5|NULL|NULL"}, got)

	// The longer child second; a child with no rows at all.
	schema = arrow.NewSchema(append(append(append([]arrow.Field(nil), pairs.Fields()...), ints.Fields()...), ints.Fields()...), nil)
	op = NewRowsFrom(c, schema, NewValues(pairs, p1), NewValues(ints, a2, a1, a3), NewValues(ints))
	got = rows(t, op)
	op.Close()
	require.Equal(t, []string{"a|0.5|1|NULL", "NULL|NULL|2|NULL", "NULL|NULL|3|NULL", "NULL|NULL|4|NULL", "NULL|NULL|5|NULL"}, got)

	op = NewRowsFrom(c, ints, NewValues(ints))
	require.Empty(t, rows(t, op))
	op.Close()
}
