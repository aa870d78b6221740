package pqfile

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/format"
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

func (c Codec) codec() compress.Codec {
	if c == Zstd {
		return &zstd.Codec{Level: zstd.SpeedDefault}
	}
	return &snappy.Codec{}
}

// Defaults of WriteOptions.
const (
	DefaultRowGroupRows = 1 << 20
	DefaultPageRows     = 8 << 10
)

// WriteOptions configure a Writer. The zero value is valid.
type WriteOptions struct {
	Codec Codec
	// RowGroupRows is the number of rows of a row group (default
	// DefaultRowGroupRows). Write spreads rows evenly over the row groups,
	// so the last one is never a tiny remainder.
	RowGroupRows int
	// PageRows is the number of rows of a data page (default DefaultPageRows):
	// the unit the page index prunes. Every column is cut at the same rows.
	PageRows int
	// Metadata is stored as Parquet key/value metadata.
	Metadata map[string]string
	// DictionaryMaxBytes caps a tag column chunk's dictionary: once its
	// values pass this size, the chunk's later pages are PLAIN encoded, as
	// other writers do for high-cardinality columns. 0 means no cap.
	DictionaryMaxBytes int64
	// TagNullsFirst declares, in the sorting columns, that null tags sort
	// before non-null ones (default: after).
	TagNullsFirst bool
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

// Stats describe a written file.
type Stats struct {
	Rows             int64
	MinTime, MaxTime int64 // nanoseconds, inclusive
	Bytes            int64
}

// ErrNoRows is returned for an empty input: a file holds at least one row.
var ErrNoRows = errors.New("pqfile: no rows to write")

// Write writes recs, which share schema and are already sorted by (tag columns
// in schema order, time) and deduplicated, as one Parquet file to w. It writes
// the rows as they are. The schema must have a "time" column and only stored
// column types (see doc.go).
func Write(w io.Writer, schema *arrow.Schema, recs []arrow.Record, opts WriteOptions) (Stats, error) {
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	if rows == 0 {
		return Stats{}, ErrNoRows
	}
	opts = opts.withDefaults()
	groups := (rows + int64(opts.RowGroupRows) - 1) / int64(opts.RowGroupRows)
	opts.RowGroupRows = int((rows + groups - 1) / groups)
	opts.PageRows = min(opts.PageRows, opts.RowGroupRows)
	fw, err := NewWriter(w, schema, opts)
	if err != nil {
		return Stats{}, err
	}
	for _, r := range recs {
		if err := fw.Write(r); err != nil {
			return Stats{}, err
		}
	}
	return fw.Close()
}

// Writer writes one Parquet file from a stream of sorted records, encoding
// each column's pages directly (no per-value interface calls): tags as a
// dictionary page plus RLE/bit-packed codes, time and integers
// DELTA_BINARY_PACKED, floats, strings and booleans PLAIN, all pages data page
// v2 with statistics, and a column index and offset index per column chunk.
// Encoded pages are buffered per column until the row group is complete, so
// memory holds one row group compressed, not the rows.
//
// Layout of the file: "PAR1", row groups (each column chunk: [dictionary
// page] data pages), then every column index and offset index, the
// thrift-compact FileMetaData, its length (4 bytes little-endian), "PAR1".
type Writer struct {
	out    *countingWriter
	schema *arrow.Schema
	opts   WriteOptions
	codec  compress.Codec
	cols   []*chunkWriter
	// rows of the open page and row group
	pageRows, groupRows int
	groups              []format.RowGroup
	// indexes[g][c] are the page indexes of column c of row group g
	indexes [][]chunkIndex
	stats   Stats
	err     error
}

// NewWriter starts a file on w.
func NewWriter(w io.Writer, schema *arrow.Schema, opts WriteOptions) (*Writer, error) {
	cols, err := writeColumnsOf(schema)
	if err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	fw := &Writer{
		out:    &countingWriter{w: w},
		schema: schema,
		opts:   opts,
		codec:  opts.Codec.codec(),
		stats:  Stats{MinTime: math.MaxInt64, MaxTime: math.MinInt64},
	}
	for _, c := range cols {
		fw.cols = append(fw.cols, newChunkWriter(c, opts))
	}
	if _, err := fw.out.Write([]byte("PAR1")); err != nil {
		return nil, fmt.Errorf("pqfile: write header: %w", err)
	}
	return fw, nil
}

// Write appends a record's rows (in sort order after the rows written so far).
func (w *Writer) Write(rec arrow.Record) error {
	if w.err != nil {
		return w.err
	}
	if !rec.Schema().Equal(w.schema) {
		return fmt.Errorf("pqfile: record has schema %v, want %v", rec.Schema(), w.schema)
	}
	for _, c := range w.cols {
		if c.col.kind == kindTime && rec.Column(c.col.field).NullN() != 0 {
			return fmt.Errorf("pqfile: column %q has %d null times", TimeColumn, rec.Column(c.col.field).NullN())
		}
	}
	n := int(rec.NumRows())
	for at := 0; at < n; {
		take := min(n-at, w.opts.PageRows-w.pageRows, w.opts.RowGroupRows-w.groupRows)
		for _, c := range w.cols {
			c.append(rec.Column(c.col.field), at, at+take)
		}
		at += take
		w.pageRows += take
		w.groupRows += take
		if w.pageRows == w.opts.PageRows || w.groupRows == w.opts.RowGroupRows {
			if w.err = w.flushPage(); w.err != nil {
				return w.err
			}
		}
		if w.groupRows == w.opts.RowGroupRows {
			if w.err = w.flushRowGroup(); w.err != nil {
				return w.err
			}
		}
	}
	return nil
}

func (w *Writer) flushPage() error {
	if w.pageRows == 0 {
		return nil
	}
	for _, c := range w.cols {
		if err := c.flushPage(w.codec, w.pageRows); err != nil {
			return fmt.Errorf("pqfile: column %q: %w", c.col.name, err)
		}
	}
	w.stats.Rows += int64(w.pageRows)
	w.pageRows = 0
	return nil
}

func (w *Writer) flushRowGroup() error {
	if w.groupRows == 0 {
		return nil
	}
	rg := format.RowGroup{NumRows: int64(w.groupRows), FileOffset: w.out.n, Ordinal: int16(len(w.groups))}
	idx := make([]chunkIndex, len(w.cols))
	for i, c := range w.cols {
		cc, ci, err := c.writeChunk(w.out, w.codec)
		if err != nil {
			return fmt.Errorf("pqfile: write column %q: %w", c.col.name, err)
		}
		if c.col.kind == kindTime {
			w.stats.MinTime = min(w.stats.MinTime, c.minInt)
			w.stats.MaxTime = max(w.stats.MaxTime, c.maxInt)
		}
		rg.Columns = append(rg.Columns, cc)
		rg.TotalByteSize += cc.MetaData.TotalUncompressedSize
		rg.TotalCompressedSize += cc.MetaData.TotalCompressedSize
		idx[i] = ci
		c.reset()
	}
	for i, c := range w.cols {
		if c.col.kind == kindTag {
			rg.SortingColumns = append(rg.SortingColumns, format.SortingColumn{ColumnIdx: int32(i), NullsFirst: w.opts.TagNullsFirst})
		}
	}
	for i, c := range w.cols {
		if c.col.kind == kindTime {
			rg.SortingColumns = append(rg.SortingColumns, format.SortingColumn{ColumnIdx: int32(i)})
		}
	}
	w.groups = append(w.groups, rg)
	w.indexes = append(w.indexes, idx)
	w.groupRows = 0
	return nil
}

// Close finishes the file: the last page and row group, the page indexes
// and the footer.
func (w *Writer) Close() (Stats, error) {
	if w.err != nil {
		return Stats{}, w.err
	}
	if err := w.flushPage(); err != nil {
		return Stats{}, err
	}
	if err := w.flushRowGroup(); err != nil {
		return Stats{}, err
	}
	if w.stats.Rows == 0 {
		return Stats{}, ErrNoRows
	}
	if err := w.writeIndexes(); err != nil {
		return Stats{}, err
	}
	if err := w.writeFooter(); err != nil {
		return Stats{}, err
	}
	w.stats.Bytes = w.out.n
	w.err = errors.New("pqfile: writer is closed")
	return w.stats, nil
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
