//go:build interop

// Run with: go test -tags interop ./storage/pqfile/ (needs arrow-go/parquet's
// dependencies, e.g. grpc, in go.mod: go mod tidy with this tag set).

package pqfile

import (
	"bytes"
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pqf "github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/stretchr/testify/require"
)

// TestInterop reads our file with arrow-go's own Parquet implementation (a
// port of the C++ reader that pyarrow uses): the file must be ordinary
// Parquet, with the logical types we promise and the same values.
func TestInterop(t *testing.T) {
	mem := checkedAlloc(t)
	recs := mixedRecords(mem, 1000, 300, 1000, 10)
	defer releaseAll(recs)
	var buf bytes.Buffer
	_, err := Write(&buf, mixedSchema(), recs, WriteOptions{RowGroupRows: 400, PageRows: 64, Codec: Zstd})
	require.NoError(t, err)

	pr, err := pqf.NewParquetReader(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	defer pr.Close()
	fr, err := pqarrow.NewFileReader(pr, pqarrow.ArrowReadProperties{}, memory.NewGoAllocator())
	require.NoError(t, err)
	tbl, err := fr.ReadTable(context.Background())
	require.NoError(t, err)
	defer tbl.Release()

	wantTypes := map[string]arrow.DataType{
		"host": arrow.BinaryTypes.String, "région": arrow.BinaryTypes.String, "empty_tag": arrow.BinaryTypes.String,
		TimeColumn: timeArrowType, "f": arrow.PrimitiveTypes.Float64, "i": arrow.PrimitiveTypes.Int64,
		"u": arrow.PrimitiveTypes.Uint64, "s": arrow.BinaryTypes.String, "b": arrow.FixedWidthTypes.Boolean,
		"null_field": arrow.PrimitiveTypes.Int64, "ts": timeArrowType,
	}
	require.Equal(t, len(wantTypes), int(tbl.NumCols()))
	for i, f := range tbl.Schema().Fields() {
		require.Equal(t, mixedSchema().Field(i).Name, f.Name)
		require.True(t, arrow.TypeEqual(wantTypes[f.Name], f.Type), "column %s: %v", f.Name, f.Type)
	}

	want := allRows(recs)
	tr := array.NewTableReader(tbl, 1<<20)
	defer tr.Release()
	var got [][]any
	for tr.Next() {
		got = append(got, rowsOf(tr.RecordBatch())...)
	}
	require.Equal(t, want, got)
}
