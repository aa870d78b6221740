package pqfile

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// Codec is the compression codec of a file's pages.
type Codec uint8

// The codecs: snappy for fresh files (fast), zstd when compacting (about a
// third smaller, two to three times slower to write).
const (
	Snappy Codec = iota
	Zstd
)

func (c Codec) String() string {
	switch c {
	case Snappy:
		return "snappy"
	case Zstd:
		return "zstd"
	}
	return fmt.Sprintf("codec(%d)", uint8(c))
}

// Defaults of WriteOptions.
const (
	DefaultRowGroupRows = 1 << 20
	DefaultPageRows     = 8 << 10
)

// WriteOptions configure Write. The zero value is valid.
type WriteOptions struct {
	Codec Codec
	// RowGroupRows is the target number of rows of a row group (default
	// DefaultRowGroupRows). Rows are spread evenly over the row groups, so
	// the last one is never a tiny remainder.
	RowGroupRows int
	// PageRows is the number of rows of a data page (default DefaultPageRows):
	// the unit the page index prunes. Every column is cut at the same rows.
	PageRows int
	// Metadata is stored as Parquet key/value metadata.
	Metadata map[string]string
	// DictionaryMaxBytes bounds the dictionary of a tag column chunk; past
	// it the chunk's later pages are PLAIN encoded (default: no bound).
	DictionaryMaxBytes int64
	// TagNullsFirst declares, in the sorting columns, that null tags sort
	// before non-null ones (default: after).
	TagNullsFirst bool
}

// Stats describe a written file.
type Stats struct {
	Rows             int64
	MinTime, MaxTime int64 // nanoseconds, inclusive
	Bytes            int64
}

// maxIndexBytes bounds the min/max strings kept per page in the column
// index; longer ones are truncated (min to a prefix, max to a prefix rounded
// up), which keeps pruning correct.
const maxIndexBytes = 64

// errNoRows is returned for an empty input: a file holds at least one row.
var errNoRows = errors.New("pqfile: no rows to write")

// Write writes recs, which share schema and are already sorted by (tag columns
// in schema order, time) and deduplicated, as one Parquet file to w. It writes
// the rows as they are. The schema must have a "time" column and only stored
// column types (see doc.go).
func Write(w io.Writer, schema *arrow.Schema, recs []arrow.Record, opts WriteOptions) (Stats, error) {
	cols, err := writeColumnsOf(schema)
	if err != nil {
		return Stats{}, err
	}
	rows, err := checkRecords(schema, cols, recs)
	if err != nil {
		return Stats{}, err
	}
	if rows == 0 {
		return Stats{}, errNoRows
	}
	opts = opts.withDefaults()
	cw := &countingWriter{w: w}
	pw := parquet.NewWriter(cw, writerOptions(cols, opts)...)
	src := newRowSource(recs)
	stats := Stats{Rows: rows, MinTime: math.MaxInt64, MaxTime: math.MinInt64}
	values := make([]parquet.Value, opts.PageRows)
	numGroups := (rows + int64(opts.RowGroupRows) - 1) / int64(opts.RowGroupRows)
	groupRows := (rows + numGroups - 1) / numGroups
	for start := int64(0); start < rows; start += groupRows {
		end := min(start+groupRows, rows)
		for p := start; p < end; p += int64(opts.PageRows) {
			q := min(p+int64(opts.PageRows), end)
			if err := writePage(pw.ColumnWriters(), cols, src, p, q, values, &stats); err != nil {
				return Stats{}, err
			}
		}
		if err := pw.Flush(); err != nil {
			return Stats{}, fmt.Errorf("pqfile: write row group at row %d: %w", start, err)
		}
	}
	if err := pw.Close(); err != nil {
		return Stats{}, fmt.Errorf("pqfile: close writer: %w", err)
	}
	stats.Bytes = cw.n
	return stats, nil
}

func (o WriteOptions) withDefaults() WriteOptions {
	if o.RowGroupRows <= 0 {
		o.RowGroupRows = DefaultRowGroupRows
	}
	if o.PageRows <= 0 {
		o.PageRows = DefaultPageRows
	}
	o.PageRows = min(o.PageRows, o.RowGroupRows)
	return o
}

func (c Codec) parquetCodec() compress.Codec {
	if c == Zstd {
		return &zstd.Codec{Level: zstd.SpeedDefault}
	}
	// parquet-go's snappy uses s2's "better" encoder. Measured on the TSBS
	// benchmark file, s2's fast encoder saved ~100 ms of a 700 ms write but
	// made the file 40 B/row instead of 21: not worth it.
	return &parquet.Snappy
}

// writerOptions configures parquet-go: our column order and types, page
// statistics and page index, the codec, sorting columns and metadata. The page
// buffer is large so that pages are cut by writePage at PageRows, not by size.
func writerOptions(cols []writeColumn, opts WriteOptions) []parquet.WriterOption {
	fields := make(group, len(cols))
	var sorting []parquet.SortingColumn
	for i, c := range cols {
		fields[i] = groupField{Node: c.kind.parquetNode(), name: c.name}
		if c.kind == kindTag {
			if opts.TagNullsFirst {
				sorting = append(sorting, parquet.NullsFirst(parquet.Ascending(c.name)))
			} else {
				sorting = append(sorting, parquet.Ascending(c.name))
			}
		}
	}
	sorting = append(sorting, parquet.Ascending(TimeColumn))
	options := []parquet.WriterOption{
		parquet.NewSchema("strata", fields),
		parquet.Compression(opts.Codec.parquetCodec()),
		parquet.DataPageStatistics(true),
		parquet.PageBufferSize(64 << 20),
		parquet.ColumnIndexSizeLimit(func([]string) int { return maxIndexBytes }),
		parquet.SortingWriterConfig(parquet.SortingColumns(sorting...)),
	}
	if opts.DictionaryMaxBytes > 0 {
		options = append(options, parquet.DictionaryMaxBytes(opts.DictionaryMaxBytes))
	}
	for k, v := range opts.Metadata {
		options = append(options, parquet.KeyValueMetadata(k, v))
	}
	return options
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
