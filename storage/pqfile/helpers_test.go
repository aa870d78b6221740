package pqfile

import (
	"bytes"
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// checkedAlloc returns an allocator that fails t if bytes are outstanding at
// the end of the test.
func checkedAlloc(t *testing.T) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// writeFile writes recs and opens the result.
func writeFile(t testing.TB, schema *arrow.Schema, recs []arrow.Record, opts WriteOptions) (*File, []byte) {
	var buf bytes.Buffer
	st, err := Write(&buf, schema, recs, opts)
	require.NoError(t, err)
	require.Equal(t, int64(buf.Len()), st.Bytes)
	f, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	return f, buf.Bytes()
}

// readAll reads every record of f with opts and returns the rows as values
// (see rowsOf), the record schemas and the read stats.
func readAll(t testing.TB, f *File, opts ReadOptions) ([][]any, *arrow.Schema, ReadStats) {
	r := f.NewReader(context.Background(), opts)
	defer r.Release()
	limit := int64(DefaultBatchRows)
	if opts.BatchRows > 0 {
		limit = int64(opts.BatchRows)
	}
	var rows [][]any
	for r.Next() {
		rec := r.Record()
		require.True(t, rec.Schema().Equal(r.Schema()))
		require.LessOrEqual(t, rec.NumRows(), limit)
		require.Positive(t, rec.NumRows())
		rows = append(rows, rowsOf(rec)...)
	}
	require.NoError(t, r.Err())
	return rows, r.Schema(), r.Stats()
}

// rowsOf returns the rows of rec as Go values: int64 for times, string for
// tags and strings, nil for nulls.
func rowsOf(rec arrow.Record) [][]any {
	rows := make([][]any, rec.NumRows())
	for i := range rows {
		rows[i] = make([]any, rec.NumCols())
		for c := range int(rec.NumCols()) {
			rows[i][c] = valueAt(rec.Column(c), i)
		}
	}
	return rows
}

func valueAt(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Timestamp:
		return int64(a.Value(i))
	case *array.Dictionary:
		return a.Dictionary().(*array.String).Value(a.GetValueIndex(i))
	case *array.Float64:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Uint64:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	}
	panic("unexpected array type " + a.DataType().String())
}

// allRows returns the rows of recs as values.
func allRows(recs []arrow.Record) [][]any {
	var rows [][]any
	for _, r := range recs {
		rows = append(rows, rowsOf(r)...)
	}
	return rows
}
