package pqfile

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		rows    int
		recRows int
		write   WriteOptions
		batch   int
	}{
		{name: "one row", rows: 1, recRows: 1},
		{name: "one page", rows: 100, recRows: 100},
		{name: "many records", rows: 1000, recRows: 33, write: WriteOptions{PageRows: 64}},
		{name: "many pages and row groups", rows: 5000, recRows: 700, write: WriteOptions{RowGroupRows: 1200, PageRows: 100}, batch: 333},
		{name: "zstd", rows: 3000, recRows: 1000, write: WriteOptions{Codec: Zstd, RowGroupRows: 1000, PageRows: 128}},
		{name: "batch of one", rows: 50, recRows: 20, write: WriteOptions{PageRows: 7}, batch: 1},
		// Tag chunks switch from dictionary to PLAIN pages within a batch.
		{name: "dictionary fallback", rows: 2000, recRows: 2000, write: WriteOptions{PageRows: 100, DictionaryMaxBytes: 64}, batch: 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := checkedAlloc(t)
			recs := mixedRecords(mem, tt.rows, tt.recRows, 1000, 10)
			defer releaseAll(recs)
			var buf bytes.Buffer
			st, err := Write(&buf, mixedSchema(), recs, tt.write)
			require.NoError(t, err)
			require.Equal(t, Stats{Rows: int64(tt.rows), MinTime: 1000, MaxTime: 1000 + 10*int64(tt.rows-1), Bytes: int64(buf.Len())}, st)

			f, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			require.NoError(t, err)
			require.True(t, f.Schema().Equal(mixedSchema()), "schema %v", f.Schema())
			require.Equal(t, int64(tt.rows), f.NumRows())
			lo, hi := f.TimeRange()
			require.Equal(t, [2]int64{st.MinTime, st.MaxTime}, [2]int64{lo, hi})

			rows, schema, _ := readAll(t, f, ReadOptions{Alloc: mem, BatchRows: tt.batch})
			require.True(t, schema.Equal(mixedSchema()))
			require.Equal(t, allRows(recs), rows)
		})
	}
}

func TestMetadata(t *testing.T) {
	mem := checkedAlloc(t)
	recs := mixedRecords(mem, 10, 10, 0, 1)
	defer releaseAll(recs)
	f, _ := writeFile(t, mixedSchema(), recs, WriteOptions{Metadata: map[string]string{"strata.file_id": "42", "k": ""}})
	v, ok := f.Metadata("strata.file_id")
	require.True(t, ok)
	require.Equal(t, "42", v)
	v, ok = f.Metadata("k")
	require.True(t, ok)
	require.Empty(t, v)
	_, ok = f.Metadata("absent")
	require.False(t, ok)
}

func TestReadColumns(t *testing.T) {
	mem := checkedAlloc(t)
	recs := mixedRecords(mem, 700, 100, 0, 1)
	defer releaseAll(recs)
	f, _ := writeFile(t, mixedSchema(), recs, WriteOptions{RowGroupRows: 300, PageRows: 50})
	all := allRows(recs)
	index := map[string]int{}
	for i, fl := range mixedSchema().Fields() {
		index[fl.Name] = i
	}
	tests := []struct {
		name    string
		columns []string
		want    []string
	}{
		{name: "subset in asked order", columns: []string{"s", "host", TimeColumn}, want: []string{"s", "host", TimeColumn}},
		{name: "absent skipped", columns: []string{"nope", "b", "also_nope"}, want: []string{"b"}},
		{name: "repeated once", columns: []string{"u", "u"}, want: []string{"u"}},
		{name: "only absent", columns: []string{"nope"}, want: nil},
		{name: "none", columns: []string{}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, schema, _ := readAll(t, f, ReadOptions{Alloc: mem, Columns: tt.columns, BatchRows: 128})
			var names []string
			for _, fl := range schema.Fields() {
				names = append(names, fl.Name)
				require.True(t, arrow.TypeEqual(mixedSchema().Field(index[fl.Name]).Type, fl.Type))
			}
			require.Equal(t, tt.want, names)
			if len(tt.want) == 0 {
				// Records without columns still count the rows.
				require.Len(t, rows, len(all))
				return
			}
			var want [][]any
			for _, row := range all {
				w := make([]any, len(tt.want))
				for i, n := range tt.want {
					w[i] = row[index[n]]
				}
				want = append(want, w)
			}
			require.Equal(t, want, rows)
		})
	}
}

// TestTimeRange reads time ranges of a file whose row groups hold 400 rows
// and pages 50, times 0, 10, 20, ... : ranges start and end on, just before
// and just after page and row group boundaries, and are exact.
func TestTimeRange(t *testing.T) {
	mem := checkedAlloc(t)
	const step = 10
	recs := mixedRecords(mem, 1000, 128, 0, step)
	defer releaseAll(recs)
	f, _ := writeFile(t, mixedSchema(), recs, WriteOptions{RowGroupRows: 400, PageRows: 50})
	require.Len(t, f.pf.RowGroups(), 3) // 334, 333, 333 rows
	all := allRows(recs)
	tests := []struct {
		name     string
		min, max int64
	}{
		{"unbounded", 0, 0},
		{"everything", math.MinInt64, math.MaxInt64},
		{"first row", 0, 1},
		{"last row", 999 * step, 1000 * step},
		{"page boundary", 50 * step, 100 * step},
		{"around page boundary", 49 * step, 51 * step},
		{"inside a page", 51*step + 1, 52*step + 1},
		{"row group boundary", 334 * step, 667 * step},
		{"across row groups", 333 * step, 335*step + 5},
		{"empty range", 500 * step, 500 * step},
		{"inverted range", 600 * step, 500 * step},
		{"between rows", 5*step + 1, 6 * step},
		{"before the data", -100, -1},
		{"after the data", 1000 * step, 2000 * step},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, _, st := readAll(t, f, ReadOptions{Alloc: mem, MinTime: tt.min, MaxTime: tt.max, BatchRows: 64})
			var want [][]any
			for _, row := range all {
				ts := row[3].(int64)
				if (tt.min == 0 && tt.max == 0) || (ts >= tt.min && ts < tt.max) {
					want = append(want, row)
				}
			}
			require.Equal(t, want, rows)
			require.Equal(t, int64(len(want)), st.Rows)
		})
	}
}

// tagPruningFile writes 20 series of 500 rows sorted by host, in row groups
// of 2000 rows and pages of 100, and returns the file and its bytes.
func tagPruningFile(t *testing.T, mem memory.Allocator) (*File, []byte) {
	g := tsbs{series: 20, points: 500, start: benchStart, step: 10e9, recRows: 1024}
	recs := g.records(mem)
	defer releaseAll(recs)
	return writeFile(t, tsbsSchema(), recs, WriteOptions{RowGroupRows: 2000, PageRows: 100})
}

// TestTagPruning checks that tag filters skip row groups and pages: 20 series
// of 500 rows sorted by host, row groups of 2000 rows, pages of 100.
func TestTagPruning(t *testing.T) {
	mem := checkedAlloc(t)
	f, _ := tagPruningFile(t, mem)
	numCols := len(tsbsSchema().Fields())
	host := func(s int) string { return tagValue(0, s) }
	tests := []struct {
		name          string
		tags          []TagFilter
		minT, maxT    int64
		wantRows      int
		wantGroups    int // row groups read
		wantPagesRead int
	}{
		{name: "no filter", wantRows: 10000, wantGroups: 5, wantPagesRead: 100 * numCols},
		{name: "one host", tags: []TagFilter{{Column: "hostname", Values: []string{host(7)}}}, wantRows: 500, wantGroups: 1, wantPagesRead: 5 * numCols},
		{name: "two hosts in two row groups", tags: []TagFilter{{Column: "hostname", Values: []string{host(19), host(0)}}}, wantRows: 1000, wantGroups: 2, wantPagesRead: 10 * numCols},
		{name: "absent host", tags: []TagFilter{{Column: "hostname", Values: []string{"host_9999"}}}, wantRows: 0, wantGroups: 0},
		{name: "absent column", tags: []TagFilter{{Column: "nope", Values: []string{"x"}}}, wantRows: 0, wantGroups: 0},
		{name: "no values", tags: []TagFilter{{Column: "hostname"}}, wantRows: 0, wantGroups: 0},
		{name: "two filters", tags: []TagFilter{{Column: "hostname", Values: []string{host(5), host(6)}}, {Column: "region", Values: []string{tagValue(1, 5)}}}, wantRows: 500, wantGroups: 1, wantPagesRead: 5 * numCols},
		{
			// Host 3's rows 1500..1999; the time range keeps its points
			// 100..199: rows 1600..1699, one page.
			name: "host and time", tags: []TagFilter{{Column: "hostname", Values: []string{host(3)}}},
			minT: benchStart + 100*10e9, maxT: benchStart + 200*10e9,
			wantRows: 100, wantGroups: 1, wantPagesRead: 1 * numCols,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, _, st := readAll(t, f, ReadOptions{Alloc: mem, Tags: tt.tags, MinTime: tt.minT, MaxTime: tt.maxT})
			require.Len(t, rows, tt.wantRows)
			require.Equal(t, tt.wantGroups, st.RowGroupsRead)
			require.Equal(t, 5-tt.wantGroups, st.RowGroupsSkipped)
			require.Equal(t, tt.wantPagesRead, st.PagesRead)
			require.Equal(t, tt.wantGroups*20*numCols-tt.wantPagesRead, st.PagesSkipped)
			for _, row := range rows {
				ok := len(tt.tags) == 0
				for _, tf := range tt.tags {
					for _, v := range tf.Values {
						ok = ok || row[0] == v
					}
				}
				require.True(t, ok, "row %v", row)
			}
		})
	}
}

func TestReadCancel(t *testing.T) {
	mem := checkedAlloc(t)
	recs := mixedRecords(mem, 1000, 1000, 0, 1)
	defer releaseAll(recs)
	f, _ := writeFile(t, mixedSchema(), recs, WriteOptions{PageRows: 10})
	ctx, cancel := context.WithCancel(context.Background())
	r := f.NewReader(ctx, ReadOptions{Alloc: mem, BatchRows: 100})
	defer r.Release()
	require.True(t, r.Next())
	cancel()
	require.False(t, r.Next())
	require.ErrorIs(t, r.Err(), context.Canceled)
}

func TestReleaseMidStream(t *testing.T) {
	mem := checkedAlloc(t)
	recs := mixedRecords(mem, 1000, 1000, 0, 1)
	defer releaseAll(recs)
	f, _ := writeFile(t, mixedSchema(), recs, WriteOptions{PageRows: 10})
	r := f.NewReader(context.Background(), ReadOptions{Alloc: mem, BatchRows: 100})
	require.True(t, r.Next())
	rec := r.Record()
	rec.Retain()
	require.True(t, r.Next())
	r.Release()
	require.Equal(t, int64(100), rec.NumRows())
	rec.Release()
}

func TestWriteErrors(t *testing.T) {
	mem := checkedAlloc(t)
	recs := mixedRecords(mem, 10, 10, 0, 1)
	defer releaseAll(recs)
	noTime := arrow.NewSchema([]arrow.Field{{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true}}, nil)
	badType := arrow.NewSchema([]arrow.Field{
		{Name: TimeColumn, Type: timeArrowType},
		{Name: "x", Type: arrow.PrimitiveTypes.Int32},
	}, nil)
	dup := arrow.NewSchema([]arrow.Field{
		{Name: TimeColumn, Type: timeArrowType},
		{Name: "x", Type: arrow.PrimitiveTypes.Int64},
		{Name: "x", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	tests := []struct {
		name   string
		schema *arrow.Schema
		recs   []arrow.Record
	}{
		{"no rows", mixedSchema(), nil},
		{"no time column", noTime, nil},
		{"unsupported type", badType, nil},
		{"duplicate column", dup, nil},
		{"record of another schema", tsbsSchema(), recs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := Write(&buf, tt.schema, tt.recs, WriteOptions{})
			require.Error(t, err)
		})
	}
}

// TestRowWindows reads a file in row windows that start and end on, before
// and after page and row group boundaries, with and without a time range:
// the windows' rows are exactly the file's rows in the window.
func TestRowWindows(t *testing.T) {
	mem := checkedAlloc(t)
	recs := mixedRecords(mem, 1000, 250, 0, 10)
	defer releaseAll(recs)
	f, _ := writeFile(t, mixedSchema(), recs, WriteOptions{RowGroupRows: 300, PageRows: 50})
	all := allRows(recs)
	timeCol := mixedSchema().FieldIndices(TimeColumn)[0]
	for _, w := range [][2]int64{{0, 1000}, {0, 1}, {299, 301}, {300, 600}, {1, 999}, {450, 451}, {950, 5000}, {700, 700}} {
		for _, tr := range [][2]int64{{0, 0}, {2000, 7005}} {
			rows, _, _ := readAll(t, f, ReadOptions{Alloc: mem, BatchRows: 128, RowStart: w[0], RowEnd: w[1], MinTime: tr[0], MaxTime: tr[1]})
			var want [][]any
			for i, row := range all {
				if int64(i) < w[0] || int64(i) >= w[1] {
					continue
				}
				if tr[1] != 0 {
					ts := row[timeCol].(int64)
					if ts < tr[0] || ts >= tr[1] {
						continue
					}
				}
				want = append(want, row)
			}
			require.Equal(t, want, rows, "window %v, time range %v", w, tr)
		}
	}
}

// TestTimeRun: the runs of in-range times, with the range's ends at the
// limits of int64 and across a series' restart.
func TestTimeRun(t *testing.T) {
	times := []int64{math.MinInt64, -5, 0, 5, 9, 10, -3, 4, math.MaxInt64}
	runs := func(lo, hi int64) [][2]int {
		r := &Reader{pr: pruner{minTime: lo, maxTime: hi}}
		var out [][2]int
		for i, j := 0, 0; i < len(times); i = j {
			if i, j = r.timeRun(times, i); j > i {
				out = append(out, [2]int{i, j})
			}
		}
		return out
	}
	require.Equal(t, [][2]int{{2, 5}, {7, 8}}, runs(0, 10))
	require.Equal(t, [][2]int{{0, 8}}, runs(math.MinInt64, math.MaxInt64))
	require.Nil(t, runs(math.MaxInt64, math.MaxInt64), "empty range")
	require.Nil(t, runs(10, 0), "inverted range")
	require.Equal(t, [][2]int{{0, 1}}, runs(math.MinInt64, math.MinInt64+1))
	require.Equal(t, [][2]int{{1, 2}, {6, 7}}, runs(-5, -2))
}

// TestBlockSample: a block sample reads whole pages, only those it keeps
// (the others are skipped, not read), the same ones for the same seed and
// with any row window or time range; 0 reads none and 1 every row.
func TestBlockSample(t *testing.T) {
	mem := checkedAlloc(t)
	recs := mixedRecords(mem, 1000, 250, 0, 10)
	defer releaseAll(recs)
	f, _ := writeFile(t, mixedSchema(), recs, WriteOptions{RowGroupRows: 300, PageRows: 50})
	all := allRows(recs)
	numCols := len(mixedSchema().Fields())
	// 1000 rows written as four records of 250: a row group each, of
	// pages of 50 rows (20 pages).
	pageOf := func(i int) (g, p int) { return i / 250, (i % 250) / 50 }
	for _, fraction := range []float64{0, 0.3, 0.5, 1} {
		sample := &BlockSample{Fraction: fraction, Seed: 11}
		var want [][]any
		kept := 0
		for i, row := range all {
			g, p := pageOf(i)
			if sample.Keeps(uint64(g), uint64(p)) {
				want = append(want, row)
				if i%50 == 0 {
					kept++
				}
			}
		}
		rows, _, st := readAll(t, f, ReadOptions{Alloc: mem, BatchRows: 128, Sample: sample})
		require.Equal(t, want, rows, "fraction %v", fraction)
		require.Equal(t, kept*numCols, st.PagesRead+st.PagesCached, "fraction %v", fraction)
		switch fraction {
		case 0:
			require.Empty(t, rows)
		case 1:
			require.Equal(t, all, rows)
		default:
			require.NotEmpty(t, rows)
			require.Less(t, len(rows), len(all))
		}
		// A row window and a time range read the same blocks' rows.
		rows, _, _ = readAll(t, f, ReadOptions{Alloc: mem, BatchRows: 128, Sample: sample, RowStart: 120, RowEnd: 870, MinTime: 2000, MaxTime: 7005})
		var sub [][]any
		timeCol := mixedSchema().FieldIndices(TimeColumn)[0]
		for i, row := range all {
			g, p := pageOf(i)
			ts := row[timeCol].(int64)
			if i >= 120 && i < 870 && ts >= 2000 && ts < 7005 && sample.Keeps(uint64(g), uint64(p)) {
				sub = append(sub, row)
			}
		}
		require.Equal(t, sub, rows, "fraction %v with a window", fraction)
		ranges, err := f.CandidateRows(ReadOptions{Sample: sample})
		require.NoError(t, err)
		n := int64(0)
		for _, r := range ranges {
			n += r[1] - r[0]
		}
		require.Equal(t, int64(len(want)), n, "candidate rows, fraction %v", fraction)
	}
	// Another seed keeps other pages.
	a, _, _ := readAll(t, f, ReadOptions{Alloc: mem, Sample: &BlockSample{Fraction: 0.5, Seed: 11}})
	b, _, _ := readAll(t, f, ReadOptions{Alloc: mem, Sample: &BlockSample{Fraction: 0.5, Seed: 12}})
	require.NotEqual(t, a, b)
}

// TestPlainSize checks the plain size read from the footer against one
// counted from the values written: 8 bytes per number or time, 1 per
// boolean, a string's bytes and 4, nothing for a NULL; through pages, row
// groups, a dictionary fallback and empty strings.
func TestPlainSize(t *testing.T) {
	for _, w := range []WriteOptions{{}, {RowGroupRows: 1200, PageRows: 100}, {PageRows: 100, DictionaryMaxBytes: 64}} {
		for _, n := range []int{1, 7, 5000} {
			mem := checkedAlloc(t)
			recs := mixedRecords(mem, n, 700, 1000, 10)
			var want int64
			for _, row := range allRows(recs) {
				for _, v := range row {
					switch v := v.(type) {
					case nil:
					case bool:
						want++
					case string:
						want += int64(len(v)) + 4
					default:
						want += 8
					}
				}
			}
			f, _ := writeFile(t, mixedSchema(), recs, w)
			require.Equal(t, want, f.PlainSize(), "%d rows, %+v", n, w)
			releaseAll(recs)
		}
	}
}

// TestNaNPages: NaN and infinities round-trip; statistics leave NaN out
// (Parquet's rule), so a chunk with a page of only NaN gets no column index
// (as parquet-mr and Arrow C++ do) while the other columns keep theirs,
// and a chunk without such a page keeps its own.
func TestNaNPages(t *testing.T) {
	mem := checkedAlloc(t)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: TimeColumn, Type: timeArrowType},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	nan, inf := math.NaN(), math.Inf(1)
	// Pages of 4 rows, row groups of 8: group 0 is [1 NaN -Inf 2] [NaN NaN
	// NaN NULL], group 1 [NaN NaN NaN NaN] [Inf 3 NULL NULL].
	vals := []any{1.0, nan, -inf, 2.0, nan, nan, nan, nil, nan, nan, nan, nan, inf, 3.0, nil, nil}
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i, v := range vals {
		b.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(1000 + i))
		if v == nil {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.Float64Builder).Append(v.(float64))
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	f, raw := writeFile(t, schema, []arrow.Record{rec}, WriteOptions{PageRows: 4, RowGroupRows: 8})

	rows, _, _ := readAll(t, f, ReadOptions{Alloc: mem})
	require.Len(t, rows, len(vals))
	for i, row := range rows {
		got, want := fmt.Sprint(row[1]), fmt.Sprint(vals[i])
		if vals[i] == nil {
			want = "<nil>"
		}
		require.Equal(t, want, got, "row %d", i)
	}

	pf, err := parquet.OpenFile(bytes.NewReader(raw), int64(len(raw)))
	require.NoError(t, err)
	groups := pf.Metadata().RowGroups
	require.Len(t, groups, 2)
	for g, rg := range groups {
		require.NotZero(t, rg.Columns[0].ColumnIndexLength, "group %d: time keeps its column index", g)
		require.Zero(t, rg.Columns[1].ColumnIndexLength, "group %d: a page of only NaN: no column index", g)
		require.NotZero(t, rg.Columns[1].OffsetIndexLength, "group %d: the offset index stays", g)
	}
	st := groups[0].Columns[1].MetaData.Statistics
	require.Equal(t, math.Inf(-1), math.Float64frombits(binary.LittleEndian.Uint64(st.MinValue)))
	require.Equal(t, 2.0, math.Float64frombits(binary.LittleEndian.Uint64(st.MaxValue)))
	st = groups[1].Columns[1].MetaData.Statistics
	require.Equal(t, 3.0, math.Float64frombits(binary.LittleEndian.Uint64(st.MinValue)))
	require.Equal(t, math.Inf(1), math.Float64frombits(binary.LittleEndian.Uint64(st.MaxValue)))

	// Without such a page the column index is written.
	b.Field(0).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1, 2, 3, 4}, nil)
	b.Field(1).(*array.Float64Builder).AppendValues([]float64{1, nan, -inf, 2}, nil)
	rec2 := b.NewRecord()
	defer rec2.Release()
	_, raw = writeFile(t, schema, []arrow.Record{rec2}, WriteOptions{PageRows: 4})
	pf, err = parquet.OpenFile(bytes.NewReader(raw), int64(len(raw)))
	require.NoError(t, err)
	require.NotZero(t, pf.Metadata().RowGroups[0].Columns[1].ColumnIndexLength)
}
