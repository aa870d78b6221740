package pqfile

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"testing"

	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/require"
)

// TestDictionaryFallbackWritten checks that the fallback round trip above
// really mixes dictionary and PLAIN pages in one tag chunk.
func TestDictionaryFallbackWritten(t *testing.T) {
	mem := checkedAlloc(t)
	recs := mixedRecords(mem, 2000, 2000, 0, 1)
	defer releaseAll(recs)
	f, _ := writeFile(t, mixedSchema(), recs, WriteOptions{PageRows: 100, DictionaryMaxBytes: 64})
	md := f.pf.Metadata().RowGroups[0].Columns[0].MetaData
	require.Contains(t, md.Encoding, format.Plain)
	require.Contains(t, md.Encoding, format.RLEDictionary)
}

func TestIntersect(t *testing.T) {
	tests := []struct {
		a, b, want []rowRange
	}{
		{nil, []rowRange{{0, 10}}, nil},
		{[]rowRange{{0, 10}}, []rowRange{{0, 10}}, []rowRange{{0, 10}}},
		{[]rowRange{{0, 10}, {20, 30}}, []rowRange{{5, 25}}, []rowRange{{5, 10}, {20, 25}}},
		{[]rowRange{{0, 5}}, []rowRange{{5, 10}}, nil},
		{[]rowRange{{0, 100}}, []rowRange{{1, 2}, {3, 4}, {99, 200}}, []rowRange{{1, 2}, {3, 4}, {99, 100}}},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, intersect(tt.a, tt.b))
	}
}

// TestDictionaryShared checks that the records of one row group share one
// Arrow dictionary per tag column: codes are the Parquet dictionary indices.
func TestDictionaryShared(t *testing.T) {
	mem := checkedAlloc(t)
	recs := mixedRecords(mem, 1000, 1000, 0, 1)
	defer releaseAll(recs)
	f, _ := writeFile(t, mixedSchema(), recs, WriteOptions{PageRows: 64})
	r := f.NewReader(t.Context(), ReadOptions{Alloc: mem, Columns: []string{"host"}, BatchRows: 100})
	defer r.Release()
	var first arrow.Array
	for r.Next() {
		dict := r.Record().Column(0).(*array.Dictionary).Dictionary()
		if first == nil {
			first = dict
			first.Retain()
			defer first.Release()
			continue
		}
		require.Same(t, first.Data().Buffers()[2], dict.Data().Buffers()[2])
	}
	require.NoError(t, r.Err())
	require.NotNil(t, first)
}
