package httpquery

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/stratadb/strata/exec"
)

// encoder writes a result: the first batch (nil if none) and the rest from
// next, until next returns nil.
type encoder func(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error

var encoders = map[string]encoder{
	"json":    encodeRows(func(names []string) workerFormat { return jsonFormat(names, false) }),
	"jsonl":   encodeRows(func(names []string) workerFormat { return jsonFormat(names, true) }),
	"csv":     encodeRows(csvFormat),
	"pretty":  prettyEncoder(0),
	"parquet": encodeParquet,
}

// writers reuses response buffers: a fresh 256 KiB buffer per request was
// 4% of the CPU of small queries (allocation and zeroing).
var writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 256<<10) }}

func getWriter(w io.Writer) *bufio.Writer {
	bw := writers.Get().(*bufio.Writer)
	bw.Reset(w)
	return bw
}

// putWriter returns bw to the pool; what it holds unflushed is dropped
// (an encoder flushes when its result is complete, so a failed one sends
// no half-buffered tail).
func putWriter(bw *bufio.Writer) {
	bw.Reset(nil)
	writers.Put(bw)
}

// batches calls f for every batch.
func batches(first arrow.Record, next func() (arrow.Record, error), f func(arrow.Record) error) error {
	for rec := first; rec != nil; {
		if err := f(rec); err != nil {
			return err
		}
		var err error
		if rec, err = next(); err != nil {
			return err
		}
	}
	return nil
}

// encodeRows writes a result in a row format (CSV, JSON, JSON lines) on
// the connection's goroutine: the head, each batch's rows, the tail.
func encodeRows(format func(names []string) workerFormat) encoder {
	return func(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error {
		f := format(names)
		w.Header().Set("Content-Type", f.contentType)
		bw := getWriter(w)
		defer putWriter(bw)
		bw.Write(f.head)
		rows := f.newRows()
		var buf []byte
		firstRow := true
		err := batches(first, next, func(rec arrow.Record) error {
			buf = rows.rows(buf[:0], schema, rec, nil)
			b := buf
			if firstRow && f.stripFirst && len(b) > 0 {
				b = b[1:]
			}
			firstRow = firstRow && len(buf) == 0
			_, err := bw.Write(b)
			return err
		})
		if err != nil {
			return err
		}
		bw.Write(f.tail)
		return bw.Flush()
	}
}

// rowFormat writes the rows of batches in one format; one per goroutine.
type rowFormat interface {
	// rows appends the rows of rec (those of sel; nil: all) to dst.
	rows(dst []byte, schema *arrow.Schema, rec arrow.Record, sel []int32) []byte
}

// workerFormat is a response format whose rows the scan's workers write
// (encodeWorkers).
type workerFormat struct {
	contentType string
	head, tail  []byte
	// stripFirst drops the first byte of the first row (every JSON array
	// row starts with the comma that separates it from the one before).
	stripFirst bool
	newRows    func() rowFormat
}

func csvFormat(names []string) workerFormat {
	return workerFormat{contentType: "text/csv", head: csvHeader(names),
		newRows: func() rowFormat { return &csvWriter{} }}
}

func jsonFormat(names []string, lines bool) workerFormat {
	keys := make([][]byte, len(names))
	for c, name := range uniqueKeys(names) {
		keys[c] = append(appendJSONString(nil, name), ':')
	}
	// The media types InfluxDB 3 sends (JSON has no charset parameter).
	f := workerFormat{contentType: "application/json", head: []byte("["), tail: []byte("]"), stripFirst: true,
		newRows: func() rowFormat { return &jsonWriter{keys: keys, lines: lines} }}
	if lines {
		f = workerFormat{contentType: "application/jsonl", newRows: f.newRows}
	}
	return f
}

// uniqueKeys names the columns of a JSON object: a name that repeats an
// earlier one (SELECT max(a), max(b) names both max) gets _1, _2, ...
// (the first free one), so that no value is lost to a duplicate key.
func uniqueKeys(names []string) []string {
	out := make([]string, len(names))
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		seen[n] = true
	}
	taken := map[string]bool{}
	for c, n := range names {
		k := n
		// Not a name taken before, nor another column's own name.
		for i := 1; taken[k] || k != n && seen[k]; i++ {
			k = n + "_" + strconv.Itoa(i)
		}
		taken[k] = true
		out[c] = k
	}
	return out
}

// jsonWriter writes rows as JSON objects, InfluxDB 3's shapes: NULLs left
// out; in an array each row after a comma, as JSON lines each on a line.
type jsonWriter struct {
	keys  [][]byte
	lines bool
	cells []cellAppender
}

func (j *jsonWriter) rows(dst []byte, schema *arrow.Schema, rec arrow.Record, sel []int32) []byte {
	cols := rec.Columns()
	j.cells = j.cells[:0]
	for c, a := range cols {
		j.cells = append(j.cells, jsonCell(schema, c, a))
	}
	row := func(i int) {
		if !j.lines {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		written := 0
		for c, a := range cols {
			if exec.IsNullAt(a, i) {
				continue // InfluxDB 3 leaves NULLs out
			}
			if written > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, j.keys[c]...)
			dst = j.cells[c](dst, i)
			written++
		}
		dst = append(dst, '}')
		if j.lines {
			dst = append(dst, '\n')
		}
	}
	forRows(rec, sel, row)
	return dst
}

// forRows calls f with each row of rec (those of sel; nil: all).
func forRows(rec arrow.Record, sel []int32, f func(i int)) {
	if sel != nil {
		for _, i := range sel {
			f(int(i))
		}
		return
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		f(i)
	}
}

// csvHeader is the CSV line of the column names.
func csvHeader(names []string) []byte {
	var line []byte
	for c, n := range names {
		if c > 0 {
			line = append(line, ',')
		}
		line = appendCSVField(line, n)
	}
	return append(line, '\n')
}

// csvWriter writes batches as CSV lines; one per goroutine.
type csvWriter struct {
	segs []csvSegment
}

// csvSegment is what a CSV line holds of one column, or of adjacent tags
// without NULLs written together (tags; exec.TagRows: a series' rows
// repeat the bytes of the row before).
type csvSegment struct {
	cell    cellAppender
	allNull bool
	valid   []byte // validity bitmap when the column has NULLs, from bit voff
	voff    int
	tags    *exec.TagRows
}

// csvTag reports whether column j (a) is a tag without NULLs that can be
// written with its neighbours.
func csvTag(schema *arrow.Schema, j int, a arrow.Array) bool {
	d, ok := a.(*array.Dictionary)
	if !ok || a.NullN() > 0 || isDate(schema, j) {
		return false
	}
	_, ok = d.Indices().(*array.Int32)
	return ok
}

// rows appends the rows of rec (those of sel; nil: all) to dst as CSV.
func (c *csvWriter) rows(dst []byte, schema *arrow.Schema, rec arrow.Record, sel []int32) []byte {
	cols := rec.Columns()
	c.segs = c.segs[:0]
	for j := 0; j < len(cols); {
		end := j
		for end < len(cols) && csvTag(schema, end, cols[end]) {
			end++
		}
		if end-j >= 2 {
			g := exec.NewTagRows(",")
			for k := j; k < end; k++ {
				d := cols[k].(*array.Dictionary)
				offs, data := dictEntries(d, textDictFormat(appendCSVField))
				g.Add(d.Indices().(*array.Int32).Int32Values(), offs, data)
			}
			c.segs = append(c.segs, csvSegment{tags: g})
			j = end
			continue
		}
		a := cols[j]
		seg := csvSegment{cell: textCell(schema, j, a, appendCSVField)}
		switch {
		case a.DataType().ID() == arrow.NULL:
			seg.allNull = true
		case a.NullN() > 0:
			seg.valid, seg.voff = a.NullBitmapBytes(), a.Data().Offset()
		}
		c.segs = append(c.segs, seg)
		j++
	}
	line := func(i int) {
		for k := range c.segs {
			s := &c.segs[k]
			if k > 0 {
				dst = append(dst, ',')
			}
			switch {
			case s.tags != nil:
				dst = append(dst, s.tags.Row(int32(i))...)
			case s.allNull || s.valid != nil && !bitutil.BitIsSet(s.valid, s.voff+i):
			default:
				dst = s.cell(dst, i)
			}
		}
		dst = append(dst, '\n')
	}
	forRows(rec, sel, line)
	return dst
}

// locked runs f holding mu.
func locked(mu *sync.Mutex, f func() error) error {
	mu.Lock()
	defer mu.Unlock()
	return f()
}

// workerFlushEvery is how many bytes a worker gathers before it writes
// them to the response.
const workerFlushEvery = 256 << 10

// encodeWorkers writes the whole result of cons, an operator whose
// batches workers hand out (a parallel scan), in format f encoded on the
// workers: each encodes the batches it reads while they are in its cache
// and writes every workerFlushEvery bytes under a lock; rows of different
// workers interleave (a parallel scan's rows come in no particular order).
// The head goes out with the first write, the tail at the end. wrote
// reports whether any of the response was written: if not, an error can
// still be answered with an error status.
func encodeWorkers(ctx context.Context, w http.ResponseWriter, schema *arrow.Schema, f workerFormat, cons exec.Consumer) (wrote bool, err error) {
	ws := make([]rowFormat, cons.Workers())
	bufs := make([][]byte, cons.Workers())
	var mu sync.Mutex
	stripped := !f.stripFirst
	// write sends b after the head; mu is held.
	write := func(b []byte) error {
		if !wrote {
			wrote = true
			w.Header().Set("Content-Type", f.contentType)
			if _, err := w.Write(f.head); err != nil {
				return err
			}
		}
		if len(b) == 0 {
			return nil
		}
		if !stripped {
			b, stripped = b[1:], true
		}
		_, err := w.Write(b)
		return err
	}
	err = cons.Consume(ctx, func(wi int, rec arrow.Record, sel []int32) error {
		if ws[wi] == nil {
			ws[wi] = f.newRows()
		}
		bufs[wi] = ws[wi].rows(bufs[wi], schema, rec, sel)
		if len(bufs[wi]) < workerFlushEvery {
			return nil
		}
		err := locked(&mu, func() error { return write(bufs[wi]) })
		bufs[wi] = bufs[wi][:0]
		return err
	})
	if err != nil {
		return wrote, err
	}
	for _, b := range bufs {
		if err := write(b); err != nil {
			return wrote, err
		}
	}
	if err := write(nil); err != nil { // the head when there were no rows
		return wrote, err
	}
	_, err = w.Write(f.tail)
	return wrote, err
}

// encodeParquet writes the result as a Parquet file. Columns Parquet has
// no exact type for are written in one readers read (parquetColumn). The
// Arrow schema goes in the file's metadata, as Arrow's writers put it, so
// Arrow readers get the types back whole (a tz() column's zone).
func encodeParquet(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error {
	w.Header().Set("Content-Type", "application/vnd.apache.parquet")
	fields := make([]arrow.Field, len(names))
	for i := range fields {
		fields[i] = arrow.Field{Name: names[i], Type: parquetType(schema, i), Nullable: true}
	}
	out := arrow.NewSchema(fields, nil)
	pw, err := pqarrow.NewFileWriter(out, w, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd)), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return err
	}
	err = batches(first, next, func(rec arrow.Record) error {
		cols := make([]arrow.Array, len(fields))
		for i, c := range rec.Columns() {
			cols[i] = parquetColumn(c, fields[i].Type)
			defer cols[i].Release()
		}
		r := array.NewRecord(out, cols, rec.NumRows())
		defer r.Release()
		return pw.Write(r)
	})
	if cerr := pw.Close(); err == nil {
		err = cerr
	}
	return err
}

// parquetType is the Arrow type column c of a result is written as: a
// date (held as the timestamp of its midnight) as a date, Parquet's DATE;
// an interval as PostgreSQL's text of it ("1 day 02:00:00"), since
// Parquet's INTERVAL holds whole milliseconds and months, days apart (an
// interval here has microseconds), and arrow-go writes no INTERVAL at all;
// the others as they are.
func parquetType(schema *arrow.Schema, c int) arrow.DataType {
	dt := schema.Field(c).Type
	zone, zoned := schema.Field(c).Metadata.GetValue(zoneKey)
	switch {
	case isDate(schema, c) && dt.ID() == arrow.TIMESTAMP:
		return arrow.FixedWidthTypes.Date32
	case zoned && dt.ID() == arrow.TIMESTAMP:
		return &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: zone}
	case dt.ID() == arrow.INTERVAL_MONTH_DAY_NANO:
		return arrow.BinaryTypes.String
	}
	return dt
}

// parquetColumn converts a column to its parquetType, dt (a new reference
// to a, when dt is a's type).
func parquetColumn(a arrow.Array, dt arrow.DataType) arrow.Array {
	if arrow.TypeEqual(a.DataType(), dt) {
		a.Retain()
		return a
	}
	switch src := a.(type) {
	case *array.Timestamp:
		if dt.ID() == arrow.TIMESTAMP {
			// A tz() result: its instants, typed with its zone.
			d := src.Data()
			nd := array.NewData(dt, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())
			defer nd.Release()
			return array.MakeFromData(nd)
		}
		return exec.Date32s(memory.DefaultAllocator, src)
	case *array.MonthDayNanoInterval:
		b := array.NewStringBuilder(memory.DefaultAllocator)
		defer b.Release()
		b.Reserve(src.Len())
		for i := 0; i < src.Len(); i++ {
			if src.IsNull(i) {
				b.AppendNull()
				continue
			}
			b.Append(exec.FormatInterval(src.Value(i)))
		}
		return b.NewArray()
	}
	a.Retain()
	return a
}
