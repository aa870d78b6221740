package pqfile

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// File is an open Parquet file of this package's layout. It is immutable and
// safe for concurrent use; each Reader it makes is used by one goroutine.
type File struct {
	pf      *parquet.File
	schema  *arrow.Schema
	cols    []fileColumn // in file order, parallel to schema fields
	timeCol int          // index in cols of the time column
	minTime int64
	maxTime int64
	cache   *PageCache // nil: pages are read for every reader
	id      uint64     // the file's name in cache
}

// OpenOptions configure Open.
type OpenOptions struct {
	// Cache, if set, keeps the file's decoded pages for later readers,
	// under ID, which must name this file's contents alone in the cache.
	Cache *PageCache
	ID    uint64
}

// fileColumn is one column of a file: its name, kind and Parquet leaf index.
type fileColumn struct {
	name string
	kind kind
	leaf int
}

// Open opens the Parquet file of size bytes read through r. It reads the
// footer and the page index. It checks that every column is a flat column of
// a stored type and that the file has a time column; a corrupt file yields an
// error, never a panic.
func Open(r io.ReaderAt, size int64) (f *File, err error) {
	return OpenWith(r, size, OpenOptions{})
}

// OpenWith is Open with options.
func OpenWith(r io.ReaderAt, size int64, opts OpenOptions) (f *File, err error) {
	defer recoverError(&err, "open file")
	if err := checkFooter(r, size); err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(r, size, parquet.SkipBloomFilters(true), parquet.ReadBufferSize(64<<10))
	if err != nil {
		return nil, fmt.Errorf("pqfile: open file of %d bytes: %w", size, err)
	}
	f = &File{pf: pf, timeCol: -1, cache: opts.Cache, id: opts.ID}
	if err := f.initSchema(); err != nil {
		return nil, err
	}
	if err := f.checkLayout(); err != nil {
		return nil, err
	}
	f.minTime, f.maxTime = f.timeRange()
	return f, nil
}

// checkFooter checks the file's tail before parquet-go reads it: parquet-go
// allocates the footer length it finds without checking it against the file
// size (found by fuzzing).
//
// Layout of the tail: ... footer (thrift FileMetaData) | footer length
// (uint32 little endian) | "PAR1".
func checkFooter(r io.ReaderAt, size int64) error {
	if size < 12 {
		return fmt.Errorf("pqfile: file of %d bytes is too short", size)
	}
	var tail [8]byte
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return fmt.Errorf("pqfile: read file tail at %d: %w", size-8, err)
	}
	if string(tail[4:]) != "PAR1" {
		return fmt.Errorf("pqfile: bad magic %q at end of file", tail[4:])
	}
	if n := int64(binary.LittleEndian.Uint32(tail[:4])); n+12 > size {
		return fmt.Errorf("pqfile: footer of %d bytes does not fit a file of %d bytes", n, size)
	}
	return nil
}

func (f *File) initSchema() error {
	root := f.pf.Root()
	leaves := root.Columns()
	md := f.pf.Metadata()
	fields := make([]arrow.Field, 0, len(leaves))
	for i, c := range leaves {
		dict := false
		for g := range md.RowGroups {
			if cols := md.RowGroups[g].Columns; i < len(cols) && isDictEncoded(&cols[i].MetaData) {
				dict = true
			}
		}
		k, err := kindOfParquet(c, dict)
		if err != nil {
			return fmt.Errorf("pqfile: %w", err)
		}
		if k == kindTime {
			f.timeCol = len(f.cols)
		}
		f.cols = append(f.cols, fileColumn{name: c.Name(), kind: k, leaf: c.Index()})
		fields = append(fields, arrow.Field{Name: c.Name(), Type: k.arrowType(), Nullable: k != kindTime})
	}
	if f.timeCol < 0 {
		return fmt.Errorf("pqfile: file has no %q column", TimeColumn)
	}
	f.schema = arrow.NewSchema(fields, nil)
	return nil
}

// checkLayout checks the row groups against the schema, so that readers can
// index column chunks and page indexes without further checks.
func (f *File) checkLayout() error {
	md := f.pf.Metadata()
	var rows int64
	for g, rg := range f.pf.RowGroups() {
		if n := len(rg.ColumnChunks()); n != len(f.cols) {
			return fmt.Errorf("pqfile: row group %d has %d columns, want %d", g, n, len(f.cols))
		}
		for _, c := range rg.ColumnChunks() {
			if _, ok := c.(*parquet.FileColumnChunk); !ok {
				return fmt.Errorf("pqfile: row group %d: column chunk of type %T", g, c)
			}
		}
		if rg.NumRows() < 0 {
			return fmt.Errorf("pqfile: row group %d has %d rows", g, rg.NumRows())
		}
		rows += rg.NumRows()
	}
	if rows != md.NumRows {
		return fmt.Errorf("pqfile: row groups hold %d rows, footer says %d", rows, md.NumRows)
	}
	for g := range md.RowGroups {
		for c := range md.RowGroups[g].Columns {
			switch codec := md.RowGroups[g].Columns[c].MetaData.Codec; codec {
			case format.Uncompressed, format.Snappy, format.Zstd:
			default:
				// Only the codecs we write are read: parquet-go's LZ4 decoder
				// grows its buffer forever on corrupt input (found by fuzzing).
				return fmt.Errorf("pqfile: row group %d column %d: unsupported codec %v", g, c, codec)
			}
		}
	}
	n := len(f.pf.RowGroups()) * len(f.cols)
	if ci, oi := f.pf.ColumnIndexes(), f.pf.OffsetIndexes(); (len(ci) != 0 && len(ci) != n) || (len(oi) != 0 && len(oi) != n) {
		return fmt.Errorf("pqfile: page index has %d column and %d offset indexes, want %d", len(ci), len(oi), n)
	}
	return nil
}

// timeRange returns the smallest and largest time of the file from the row
// group statistics; a row group without them makes the range unbounded.
func (f *File) timeRange() (lo, hi int64) {
	lo, hi = math.MaxInt64, math.MinInt64
	for g := range f.pf.RowGroups() {
		if f.pf.RowGroups()[g].NumRows() == 0 {
			continue
		}
		glo, ghi, ok := f.chunkTimeBounds(g)
		if !ok {
			return math.MinInt64, math.MaxInt64
		}
		lo, hi = min(lo, glo), max(hi, ghi)
	}
	return lo, hi
}

// chunkTimeBounds returns the time statistics of row group g.
func (f *File) chunkTimeBounds(g int) (lo, hi int64, ok bool) {
	vmin, vmax, ok := f.chunk(g, f.timeCol).Bounds()
	if !ok || vmin.Kind() != parquet.Int64 || vmax.Kind() != parquet.Int64 {
		return 0, 0, false
	}
	return vmin.Int64(), vmax.Int64(), true
}

// chunk returns the chunk of column c in row group g.
func (f *File) chunk(g, c int) *parquet.FileColumnChunk {
	return f.pf.RowGroups()[g].ColumnChunks()[f.cols[c].leaf].(*parquet.FileColumnChunk)
}

// Schema returns the Arrow schema of the file's records, columns in file order.
func (f *File) Schema() *arrow.Schema { return f.schema }

// NumRows returns the number of rows of the file.
func (f *File) NumRows() int64 { return f.pf.NumRows() }

// TimeRange returns the smallest and the largest time of the file, both
// inclusive (math.MaxInt64, math.MinInt64 for a file without rows).
func (f *File) TimeRange() (min, max int64) { return f.minTime, f.maxTime }

// PlainSize is the bytes the file's values take in Parquet's PLAIN
// encoding, uncompressed: 8 per number or time, 1 per boolean, a string's
// bytes and 4 for its length; NULLs none. It is read from the footer: the
// chunks' value and NULL counts, and for strings the size statistics this
// package writes (a chunk written without them counts its encoded pages
// before the codec instead).
func (f *File) PlainSize() int64 {
	var n int64
	for _, rg := range f.pf.Metadata().RowGroups {
		for _, cc := range rg.Columns {
			md := &cc.MetaData
			values := md.NumValues - md.Statistics.NullCount
			switch md.Type {
			case format.Boolean:
				n += values
			case format.ByteArray:
				if len(md.SizeStatistics.DefinitionLevelHistogram) == 0 {
					n += md.TotalUncompressedSize
					continue
				}
				n += md.SizeStatistics.UnencodedByteArrayDataBytes + 4*values
			default:
				n += 8 * values
			}
		}
	}
	return n
}

// Metadata returns the value of a Parquet key/value metadata entry.
func (f *File) Metadata(key string) (string, bool) { return f.pf.Lookup(key) }

// pageIndex returns the page index of column c of row group g, or nils.
func (f *File) pageIndex(g, c int) (*format.ColumnIndex, *format.OffsetIndex) {
	i := g*len(f.cols) + c
	var ci *format.ColumnIndex
	var oi *format.OffsetIndex
	if idx := f.pf.ColumnIndexes(); i < len(idx) {
		ci = &idx[i]
	}
	if idx := f.pf.OffsetIndexes(); i < len(idx) {
		oi = &idx[i]
	}
	return ci, oi
}

// recoverError turns a panic of parquet-go on corrupt input into an error.
func recoverError(err *error, what string) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("pqfile: %s: corrupt file: %v", what, p)
	}
}
