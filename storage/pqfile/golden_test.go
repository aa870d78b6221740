package pqfile

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestSchemaGolden checks the Parquet layout we promise: the schema text
// (types, logical types, repetition), the encodings and codec of each column
// chunk, the sorting columns, the presence of statistics and page indexes,
// and the key/value metadata.
func TestSchemaGolden(t *testing.T) {
	mem := checkedAlloc(t)
	recs := mixedRecords(mem, 300, 300, 0, 1)
	defer releaseAll(recs)
	f, _ := writeFile(t, mixedSchema(), recs, WriteOptions{RowGroupRows: 200, PageRows: 50, Metadata: map[string]string{"strata.table": "cpu"}})
	got := describe(f)
	path := filepath.Join("testdata", "schema.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(want), got)
}

// describe renders the layout of f as text.
func describe(f *File) string {
	var b strings.Builder
	md := f.pf.Metadata()
	fmt.Fprintf(&b, "%s\n\n", f.pf.Schema())
	fmt.Fprintf(&b, "arrow: %s\n\n", f.Schema())
	fmt.Fprintf(&b, "rows: %d\n", md.NumRows)
	for _, kv := range md.KeyValueMetadata {
		fmt.Fprintf(&b, "metadata %q = %q\n", kv.Key, kv.Value)
	}
	for g, rg := range md.RowGroups {
		fmt.Fprintf(&b, "\nrow group %d: %d rows\n", g, rg.NumRows)
		var sorting []string
		for _, s := range rg.SortingColumns {
			sorting = append(sorting, fmt.Sprintf("%s desc=%t nulls_first=%t", f.cols[s.ColumnIdx].name, s.Descending, s.NullsFirst))
		}
		fmt.Fprintf(&b, "  sorting: %s\n", strings.Join(sorting, ", "))
		for c, cc := range rg.Columns {
			ci, oi := f.pageIndex(g, c)
			st := cc.MetaData.Statistics
			fmt.Fprintf(&b, "  %s: %v %v encodings=%v stats(min=%t max=%t nulls=%d) pages=%d column_index=%t\n",
				strings.Join(cc.MetaData.PathInSchema, "."), cc.MetaData.Type, cc.MetaData.Codec, cc.MetaData.Encoding,
				st.MinValue != nil, st.MaxValue != nil, st.NullCount, len(oi.PageLocations), ci != nil && len(ci.MinValues) > 0)
		}
	}
	return b.String()
}
