package pqfile

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// benchTable is the benchmark file: 1M rows, 100 series, 10 s apart.
var benchTable = tsbs{series: 100, points: 10000, start: benchStart, step: 10e9, recRows: 64 << 10}

func BenchmarkWrite(b *testing.B) {
	recs := benchTable.records(memory.DefaultAllocator)
	defer releaseAll(recs)
	rows := int64(benchTable.series * benchTable.points)
	for _, codec := range []Codec{Snappy, Zstd} {
		b.Run(codec.String(), func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			var st Stats
			for b.Loop() {
				buf.Reset()
				var err error
				st, err = Write(&buf, tsbsSchema(), recs, WriteOptions{Codec: codec})
				require.NoError(b, err)
			}
			b.SetBytes(st.Bytes)
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(st.Bytes)/float64(rows), "B/row")
		})
	}
}

// benchFile writes the benchmark table once per benchmark with codec.
func benchFile(b *testing.B, codec Codec) *File {
	recs := benchTable.records(memory.DefaultAllocator)
	defer releaseAll(recs)
	f, data := writeFile(b, tsbsSchema(), recs, WriteOptions{Codec: codec})
	b.Logf("%v file: %d bytes, %d row groups", codec, len(data), len(f.pf.RowGroups()))
	return f
}

func benchRead(b *testing.B, f *File, opts ReadOptions, wantRows int64) {
	b.ReportAllocs()
	var rows int64
	var st ReadStats
	for b.Loop() {
		r := f.NewReader(b.Context(), opts)
		for r.Next() {
		}
		require.NoError(b, r.Err())
		st = r.Stats()
		rows += st.Rows
		r.Release()
	}
	require.Equal(b, wantRows, st.Rows)
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(st.PagesRead), "pages")
}

func BenchmarkRead(b *testing.B) {
	f := benchFile(b, Snappy)
	rows := int64(benchTable.series * benchTable.points)
	hour := int64(3600e9)
	b.Run("full", func(b *testing.B) { benchRead(b, f, ReadOptions{}, rows) })
	b.Run("hour", func(b *testing.B) {
		// 360 points per series in the hour starting 10 h into the data.
		benchRead(b, f, ReadOptions{MinTime: benchStart + 10*hour, MaxTime: benchStart + 11*hour}, 360*int64(benchTable.series))
	})
	b.Run("host", func(b *testing.B) {
		// Pruning is by page: host 42's rows 420000..429999 lie in the pages
		// of rows 417792..434175, all of which are returned.
		benchRead(b, f, ReadOptions{Tags: []TagFilter{{Column: "hostname", Values: []string{tagValue(0, 42)}}}}, 2*DefaultPageRows)
	})
}
