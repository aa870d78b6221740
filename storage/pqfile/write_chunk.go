package pqfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding/delta"
	"github.com/parquet-go/parquet-go/encoding/rle"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// writeColumn is one column being written: its Arrow field index and kind.
type writeColumn struct {
	name  string
	kind  kind
	field int
}

// writeColumnsOf checks that schema holds only stored column types, with one
// time column, and returns the columns in schema order.
func writeColumnsOf(schema *arrow.Schema) ([]writeColumn, error) {
	cols := make([]writeColumn, 0, schema.NumFields())
	seen := make(map[string]bool, schema.NumFields())
	hasTime := false
	for i, f := range schema.Fields() {
		k, err := kindOfArrow(f)
		if err != nil {
			return nil, fmt.Errorf("pqfile: %w", err)
		}
		if seen[f.Name] || f.Name == "" {
			return nil, fmt.Errorf("pqfile: column name %q is empty or repeated", f.Name)
		}
		seen[f.Name] = true
		hasTime = hasTime || k == kindTime
		cols = append(cols, writeColumn{name: f.Name, kind: k, field: i})
	}
	if !hasTime {
		return nil, fmt.Errorf("pqfile: schema has no %q column of type %v", TimeColumn, timeArrowType)
	}
	return cols, nil
}

// maxIndexBytes bounds the min/max strings kept per page in the column
// index; longer ones are truncated (min to a prefix, max to a prefix rounded
// up), which keeps pruning correct.
const maxIndexBytes = 64

// chunkWriter accumulates one column's values for the open page, encodes
// full pages, and holds the encoded pages of the open row group.
type chunkWriter struct {
	col  writeColumn
	opts WriteOptions

	// The open page: definition levels (optional columns) and the non-null
	// values in the slice of the column's type.
	levels  []uint8
	nulls   int
	ints    []int64 // time, int, uint
	floats  []float64
	bools   []bool
	strOff  []int32 // string fields: end offsets into strData
	strData []byte
	codes   []int32 // tags: chunk dictionary codes

	// The open row group: encoded pages (header + body), their locations
	// relative to the chunk's first data page, and statistics.
	pages        bytes.Buffer
	locs         []format.PageLocation
	colIndex     format.ColumnIndex
	noColIndex   bool // a page with values but no bounds: only NaNs
	rows         int64
	nullCount    int64
	uncompressed int64
	unencoded    int64 // string and tag columns: the bytes of the values
	hasMinMax    bool
	minInt       int64 // time/int: signed; uint: bits compared unsigned
	maxInt       int64
	minFloat     float64
	maxFloat     float64
	minBytes     []byte
	maxBytes     []byte
	plainPages   bool // a tag chunk that fell back to PLAIN pages

	// Tag dictionary of the chunk, and the mapping of the last record's
	// dictionary codes to chunk codes.
	dict      map[string]int32
	dictVals  []string
	dictBytes int64
	lastDict  arrow.ArrayData
	lastMap   []int32

	scratch, comp, lvl []byte
}

func newChunkWriter(c writeColumn, opts WriteOptions) *chunkWriter {
	w := &chunkWriter{col: c, opts: opts}
	w.reset()
	return w
}

// reset prepares for the next row group.
func (w *chunkWriter) reset() {
	w.pages.Reset()
	w.locs = w.locs[:0]
	w.colIndex = format.ColumnIndex{}
	w.noColIndex = false
	w.rows, w.nullCount, w.uncompressed, w.unencoded = 0, 0, 0, 0
	w.hasMinMax = false
	w.minBytes, w.maxBytes = nil, nil
	w.plainPages = false
	if w.col.kind == kindTag {
		w.dict = map[string]int32{}
		w.dictVals = w.dictVals[:0]
		w.dictBytes = 0
		w.lastDict, w.lastMap = nil, nil
	}
}

func (w *chunkWriter) optional() bool { return w.col.kind != kindTime }

// append adds rows [from, to) of a to the open page.
func (w *chunkWriter) append(a arrow.Array, from, to int) {
	hasNulls := a.NullN() > 0
	if w.optional() {
		for i := from; i < to; i++ {
			if hasNulls && a.IsNull(i) {
				w.levels = append(w.levels, 0)
				w.nulls++
			} else {
				w.levels = append(w.levels, 1)
			}
		}
	}
	valid := func(i int) bool { return !hasNulls || a.IsValid(i) }
	switch w.col.kind {
	case kindTime:
		w.ints = append(w.ints, int64s(a.(*array.Timestamp).TimestampValues()[from:to])...)
	case kindInt:
		appendValid(&w.ints, a.(*array.Int64).Int64Values()[from:to], hasNulls, valid, from)
	case kindTimestamp:
		appendValid(&w.ints, int64s(a.(*array.Timestamp).TimestampValues()[from:to]), hasNulls, valid, from)
	case kindUint:
		v := a.(*array.Uint64).Uint64Values()[from:to]
		appendValid(&w.ints, unsafe.Slice((*int64)(unsafe.Pointer(unsafe.SliceData(v))), len(v)), hasNulls, valid, from)
	case kindFloat:
		appendValid(&w.floats, a.(*array.Float64).Float64Values()[from:to], hasNulls, valid, from)
	case kindBool:
		b := a.(*array.Boolean)
		for i := from; i < to; i++ {
			if valid(i) {
				w.bools = append(w.bools, b.Value(i))
			}
		}
	case kindString:
		s := a.(*array.String)
		for i := from; i < to; i++ {
			if valid(i) {
				w.strData = append(w.strData, s.Value(i)...)
				w.strOff = append(w.strOff, int32(len(w.strData)))
			}
		}
	case kindTag:
		d := a.(*array.Dictionary)
		mapping := w.mapDictionary(d.Dictionary())
		codes := d.Indices().(*array.Int32).Int32Values()
		for i := from; i < to; i++ {
			if valid(i) {
				w.codes = append(w.codes, mapping[codes[i]])
			}
		}
	}
}

func appendValid[T int64 | float64](dst *[]T, vals []T, hasNulls bool, valid func(int) bool, from int) {
	if !hasNulls {
		*dst = append(*dst, vals...)
		return
	}
	for i, v := range vals {
		if valid(from + i) {
			*dst = append(*dst, v)
		}
	}
}

func int64s(v []arrow.Timestamp) []int64 {
	return unsafe.Slice((*int64)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
}

// mapDictionary returns the chunk codes of a record dictionary's values,
// adding new values to the chunk dictionary. Consecutive records usually
// share one dictionary (the merge emits one per partition), so the mapping is
// computed once per distinct dictionary, not per row.
func (w *chunkWriter) mapDictionary(dict arrow.Array) []int32 {
	if dict.Data() == w.lastDict {
		return w.lastMap
	}
	s := dict.(*array.String)
	mapping := make([]int32, s.Len())
	for i := range mapping {
		v := s.Value(i)
		code, ok := w.dict[v]
		if !ok {
			code = int32(len(w.dictVals))
			w.dict[v] = code
			w.dictVals = append(w.dictVals, v)
			w.dictBytes += int64(len(v))
		}
		mapping[i] = code
	}
	w.lastDict, w.lastMap = dict.Data(), mapping
	return mapping
}

// flushPage encodes the open page of rows rows and appends it to the chunk.
func (w *chunkWriter) flushPage(codec compress.Codec, rows int) error {
	var enc format.Encoding
	var err error
	w.scratch = w.scratch[:0]
	pageStats := format.Statistics{NullCount: int64(w.nulls)}
	values := rows - w.nulls
	switch w.col.kind {
	case kindTime, kindTimestamp, kindInt:
		enc = format.DeltaBinaryPacked
		w.scratch, err = new(delta.BinaryPackedEncoding).EncodeInt64(w.scratch, w.ints)
		if values > 0 {
			lo, hi := minMaxInt(w.ints)
			pageStats.MinValue, pageStats.MaxValue = le64(uint64(lo)), le64(uint64(hi))
			w.mergeInt(lo, hi, false)
		}
	case kindUint:
		enc = format.DeltaBinaryPacked
		w.scratch, err = new(delta.BinaryPackedEncoding).EncodeInt64(w.scratch, w.ints)
		if values > 0 {
			lo, hi := minMaxUint(w.ints)
			pageStats.MinValue, pageStats.MaxValue = le64(lo), le64(hi)
			w.mergeInt(int64(lo), int64(hi), true)
		}
	case kindFloat:
		enc = format.Plain
		w.scratch = append(w.scratch, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(w.floats))), 8*len(w.floats))...)
		if lo, hi, ok := minMaxFloat(w.floats); ok {
			pageStats.MinValue, pageStats.MaxValue = le64(math.Float64bits(lo)), le64(math.Float64bits(hi))
			w.mergeFloat(lo, hi)
		}
	case kindBool:
		enc = format.Plain
		w.scratch = appendBitPacked(w.scratch, w.bools)
		if values > 0 {
			lo, hi := true, false
			for _, b := range w.bools {
				lo, hi = lo && b, hi || b
			}
			pageStats.MinValue, pageStats.MaxValue = []byte{b2u(lo)}, []byte{b2u(hi)}
			w.mergeBytes([]byte{b2u(lo)}, []byte{b2u(hi)})
		}
	case kindString:
		enc = format.Plain
		w.unencoded += int64(len(w.strData))
		prev := int32(0)
		var lo, hi []byte
		for i, end := range w.strOff {
			v := w.strData[prev:end]
			w.scratch = binary.LittleEndian.AppendUint32(w.scratch, uint32(len(v)))
			w.scratch = append(w.scratch, v...)
			if i == 0 || bytes.Compare(v, lo) < 0 {
				lo = v
			}
			if i == 0 || bytes.Compare(v, hi) > 0 {
				hi = v
			}
			prev = end
		}
		if values > 0 {
			pageStats.MinValue, pageStats.MaxValue = truncateMin(append([]byte{}, lo...)), truncateMax(hi)
			w.mergeBytes(lo, hi)
		}
	case kindTag:
		// The values' bytes, a run of equal codes at a time (rows are
		// sorted by their tags, so runs are long).
		for i := 0; i < len(w.codes); {
			c, j := w.codes[i], i+1
			for j < len(w.codes) && w.codes[j] == c {
				j++
			}
			w.unencoded += int64(j-i) * int64(len(w.dictVals[c]))
			i = j
		}
		lo, hi := w.tagBounds()
		if w.opts.DictionaryMaxBytes > 0 && w.dictBytes > w.opts.DictionaryMaxBytes {
			w.plainPages = true
		}
		if w.plainPages {
			enc = format.Plain
			for _, c := range w.codes {
				v := w.dictVals[c]
				w.scratch = binary.LittleEndian.AppendUint32(w.scratch, uint32(len(v)))
				w.scratch = append(w.scratch, v...)
			}
		} else {
			enc = format.RLEDictionary
			width := max(1, bits.Len32(uint32(len(w.dictVals)-1)))
			w.comp, err = (&rle.Encoding{BitWidth: width}).EncodeInt32(w.comp[:0], w.codes)
			w.scratch = append(append(w.scratch, byte(width)), w.comp...)
		}
		if values > 0 {
			pageStats.MinValue, pageStats.MaxValue = truncateMin(append([]byte{}, lo...)), truncateMax([]byte(hi))
			w.mergeBytes([]byte(lo), []byte(hi))
		}
	}
	if err != nil {
		return fmt.Errorf("encode page: %w", err)
	}
	var levels []byte
	if w.optional() {
		w.lvl, err = (&rle.Encoding{BitWidth: 1}).EncodeLevels(w.lvl[:0], w.levels)
		if err != nil {
			return fmt.Errorf("encode levels: %w", err)
		}
		levels = w.lvl
	}
	w.comp, err = codec.Encode(w.comp[:0], w.scratch)
	if err != nil {
		return fmt.Errorf("compress page: %w", err)
	}
	header := format.PageHeader{
		Type:                 format.DataPageV2,
		UncompressedPageSize: int32(len(levels) + len(w.scratch)),
		CompressedPageSize:   int32(len(levels) + len(w.comp)),
		DataPageHeaderV2: thrift.New(format.DataPageHeaderV2{
			NumValues:                  int32(rows),
			NumNulls:                   int32(w.nulls),
			NumRows:                    int32(rows),
			Encoding:                   enc,
			DefinitionLevelsByteLength: int32(len(levels)),
			IsCompressed:               thrift.New(true),
			Statistics:                 pageStats,
		}),
	}
	headerBytes, err := thrift.Marshal(new(thrift.CompactProtocol), &header)
	if err != nil {
		return fmt.Errorf("encode page header: %w", err)
	}
	w.locs = append(w.locs, format.PageLocation{
		Offset:             int64(w.pages.Len()),
		CompressedPageSize: int32(len(headerBytes)) + header.CompressedPageSize,
		FirstRowIndex:      w.rows,
	})
	w.pages.Write(headerBytes)
	w.pages.Write(levels)
	w.pages.Write(w.comp)
	w.uncompressed += int64(len(headerBytes)) + int64(header.UncompressedPageSize)

	if values > 0 && pageStats.MinValue == nil {
		// Its values are all NaN, which bounds must not hold (Parquet's
		// rule for statistics): the chunk gets no column index, as
		// parquet-mr and Arrow C++ discard theirs in that case.
		w.noColIndex = true
	}
	w.colIndex.NullPages = append(w.colIndex.NullPages, values == 0)
	w.colIndex.MinValues = append(w.colIndex.MinValues, pageStats.MinValue)
	w.colIndex.MaxValues = append(w.colIndex.MaxValues, pageStats.MaxValue)
	w.colIndex.NullCounts = append(w.colIndex.NullCounts, int64(w.nulls))

	w.rows += int64(rows)
	w.nullCount += int64(w.nulls)
	w.levels, w.nulls = w.levels[:0], 0
	w.ints, w.floats, w.bools = w.ints[:0], w.floats[:0], w.bools[:0]
	w.strOff, w.strData, w.codes = w.strOff[:0], w.strData[:0], w.codes[:0]
	return nil
}

// tagBounds returns the smallest and largest tag value of the open page,
// comparing strings only where the code changes (tags are sorted, so codes
// come in runs).
func (w *chunkWriter) tagBounds() (lo, hi string) {
	last := int32(-1)
	for i, c := range w.codes {
		if c == last {
			continue
		}
		last = c
		v := w.dictVals[c]
		if i == 0 || v < lo {
			lo = v
		}
		if i == 0 || v > hi {
			hi = v
		}
	}
	return lo, hi
}

func (w *chunkWriter) mergeInt(lo, hi int64, unsigned bool) {
	if !w.hasMinMax {
		w.minInt, w.maxInt, w.hasMinMax = lo, hi, true
		return
	}
	if unsigned {
		if uint64(lo) < uint64(w.minInt) {
			w.minInt = lo
		}
		if uint64(hi) > uint64(w.maxInt) {
			w.maxInt = hi
		}
		return
	}
	w.minInt, w.maxInt = min(w.minInt, lo), max(w.maxInt, hi)
}

func (w *chunkWriter) mergeFloat(lo, hi float64) {
	if !w.hasMinMax {
		w.minFloat, w.maxFloat, w.hasMinMax = lo, hi, true
		return
	}
	w.minFloat, w.maxFloat = min(w.minFloat, lo), max(w.maxFloat, hi)
}

func (w *chunkWriter) mergeBytes(lo, hi []byte) {
	// Never nil: an empty minimum ("") is a statistic, and a nil slice
	// would be left out of the footer.
	if !w.hasMinMax || bytes.Compare(lo, w.minBytes) < 0 {
		w.minBytes = append([]byte{}, lo...)
	}
	if !w.hasMinMax || bytes.Compare(hi, w.maxBytes) > 0 {
		w.maxBytes = append([]byte{}, hi...)
	}
	w.hasMinMax = true
}

// chunkIndex is a column chunk's page index, written after the row groups.
type chunkIndex struct {
	column   format.ColumnIndex
	noColumn bool // write no column index (noColIndex)
	offset   format.OffsetIndex
}

// writeChunk writes the row group's column chunk (dictionary page first for
// tags) and returns its metadata and page index.
func (w *chunkWriter) writeChunk(out *countingWriter, codec compress.Codec) (format.ColumnChunk, chunkIndex, error) {
	md := format.ColumnMetaData{
		Type:         w.col.kind.physicalType(),
		PathInSchema: []string{w.col.name},
		Codec:        codec.CompressionCodec(),
		NumValues:    w.rows,
	}
	start := out.n
	if w.col.kind == kindTag {
		var raw []byte
		for _, v := range w.dictVals {
			raw = binary.LittleEndian.AppendUint32(raw, uint32(len(v)))
			raw = append(raw, v...)
		}
		comp, err := codec.Encode(nil, raw)
		if err != nil {
			return format.ColumnChunk{}, chunkIndex{}, err
		}
		header := format.PageHeader{
			Type:                 format.DictionaryPage,
			UncompressedPageSize: int32(len(raw)),
			CompressedPageSize:   int32(len(comp)),
			DictionaryPageHeader: thrift.New(format.DictionaryPageHeader{NumValues: int32(len(w.dictVals)), Encoding: format.Plain}),
		}
		hb, err := thrift.Marshal(new(thrift.CompactProtocol), &header)
		if err != nil {
			return format.ColumnChunk{}, chunkIndex{}, err
		}
		md.DictionaryPageOffset = start
		if _, err := out.Write(hb); err != nil {
			return format.ColumnChunk{}, chunkIndex{}, err
		}
		if _, err := out.Write(comp); err != nil {
			return format.ColumnChunk{}, chunkIndex{}, err
		}
		md.TotalUncompressedSize += int64(len(hb) + len(raw))
		md.Encoding = append(md.Encoding, format.Plain, format.RLE, format.RLEDictionary)
	} else if w.optional() {
		md.Encoding = append(md.Encoding, w.valueEncoding(), format.RLE)
	} else {
		md.Encoding = append(md.Encoding, w.valueEncoding())
	}
	md.DataPageOffset = out.n
	for i := range w.locs {
		w.locs[i].Offset += md.DataPageOffset
	}
	if _, err := out.Write(w.pages.Bytes()); err != nil {
		return format.ColumnChunk{}, chunkIndex{}, err
	}
	md.TotalUncompressedSize += w.uncompressed
	md.TotalCompressedSize = out.n - start
	md.Statistics = format.Statistics{NullCount: w.nullCount}
	if w.col.kind == kindString || w.col.kind == kindTag {
		// The histogram of definition levels (NULLs, values) tells readers
		// the statistics are there, whatever the byte count.
		md.SizeStatistics = format.SizeStatistics{UnencodedByteArrayDataBytes: w.unencoded,
			DefinitionLevelHistogram: thrift.Slice[int64]{w.nullCount, w.rows - w.nullCount}}
	}
	if w.hasMinMax {
		md.Statistics.MinValue, md.Statistics.MaxValue = w.chunkMinMax()
	}
	cc := format.ColumnChunk{FileOffset: start, MetaData: md}
	ci := chunkIndex{column: w.colIndex, noColumn: w.noColIndex, offset: format.OffsetIndex{PageLocations: append([]format.PageLocation(nil), w.locs...)}}
	return cc, ci, nil
}

func (w *chunkWriter) valueEncoding() format.Encoding {
	switch w.col.kind {
	case kindTime, kindTimestamp, kindInt, kindUint:
		return format.DeltaBinaryPacked
	}
	return format.Plain
}

func (w *chunkWriter) chunkMinMax() (lo, hi []byte) {
	switch w.col.kind {
	case kindTime, kindTimestamp, kindInt, kindUint:
		return le64(uint64(w.minInt)), le64(uint64(w.maxInt))
	case kindFloat:
		return le64(math.Float64bits(w.minFloat)), le64(math.Float64bits(w.maxFloat))
	case kindBool:
		return w.minBytes, w.maxBytes
	}
	return truncateMin(w.minBytes), truncateMax(w.maxBytes)
}

func minMaxInt(v []int64) (lo, hi int64) {
	lo, hi = v[0], v[0]
	for _, x := range v[1:] {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

func minMaxUint(v []int64) (lo, hi uint64) {
	lo, hi = uint64(v[0]), uint64(v[0])
	for _, x := range v[1:] {
		lo, hi = min(lo, uint64(x)), max(hi, uint64(x))
	}
	return lo, hi
}

// minMaxFloat ignores NaNs, as Parquet's statistics must.
func minMaxFloat(v []float64) (lo, hi float64, ok bool) {
	for _, x := range v {
		if math.IsNaN(x) {
			continue
		}
		if !ok {
			lo, hi, ok = x, x, true
			continue
		}
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi, ok
}

func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// appendBitPacked appends booleans as PLAIN encodes them: bits, least
// significant first.
func appendBitPacked(dst []byte, v []bool) []byte {
	for i := 0; i < len(v); i += 8 {
		var b byte
		for j := 0; j < 8 && i+j < len(v); j++ {
			if v[i+j] {
				b |= 1 << j
			}
		}
		dst = append(dst, b)
	}
	return dst
}

// truncateMin cuts a lower bound to maxIndexBytes: a prefix is still a
// lower bound.
func truncateMin(v []byte) []byte {
	if len(v) <= maxIndexBytes {
		return v
	}
	return v[:maxIndexBytes:maxIndexBytes]
}

// truncateMax cuts an upper bound to maxIndexBytes and rounds it up (the
// last byte that can grow is incremented), so it stays an upper bound. An
// all-0xff prefix cannot be rounded up; then the value is kept whole.
func truncateMax(v []byte) []byte {
	if len(v) <= maxIndexBytes {
		return v
	}
	out := append([]byte(nil), v[:maxIndexBytes]...)
	for i := len(out) - 1; i >= 0; i-- {
		if out[i] != 0xff {
			out[i]++
			return out[:i+1]
		}
	}
	return v
}
