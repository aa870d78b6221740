package httpquery

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/stratadb/strata/exec"
)

// encoder writes a result: the first batch (nil if none) and the rest from
// next, until next returns nil.
type encoder func(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error

var encoders = map[string]encoder{
	"json":    encodeJSON(false),
	"jsonl":   encodeJSON(true),
	"csv":     encodeCSV,
	"pretty":  encodePretty,
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

func encodeJSON(lines bool) encoder {
	return func(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error {
		if lines {
			w.Header().Set("Content-Type", "application/jsonl; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
		bw := getWriter(w)
		defer putWriter(bw)
		if !lines {
			bw.WriteByte('[')
		}
		keys := make([][]byte, len(names))
		for c, name := range names {
			keys[c] = append(appendJSONString(nil, name), ':')
		}
		n := 0
		var line []byte
		cells := make([]cellAppender, len(names))
		err := batches(first, next, func(rec arrow.Record) error {
			cols := rec.Columns()
			for c := range names {
				cells[c] = jsonColumn(cols[c])
				if isDate(schema, c) {
					cells[c] = quotedDateColumn(cols[c])
				}
			}
			for i := 0; i < int(rec.NumRows()); i++ {
				line = line[:0]
				if !lines && n > 0 {
					line = append(line, ',')
				}
				line = append(line, '{')
				written := 0
				for c := range names {
					if cols[c].IsNull(i) {
						continue // InfluxDB 3 leaves NULLs out
					}
					if written > 0 {
						line = append(line, ',')
					}
					line = append(line, keys[c]...)
					line = cells[c](line, i)
					written++
				}
				line = append(line, '}')
				if lines {
					line = append(line, '\n')
				}
				if _, err := bw.Write(line); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if !lines {
			bw.WriteString("]")
		}
		return bw.Flush()
	}
}

func encodeCSV(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	bw := getWriter(w)
	defer putWriter(bw)
	if _, err := bw.Write(csvHeader(names)); err != nil {
		return err
	}
	var c csvWriter
	err := batches(first, next, func(rec arrow.Record) error {
		c.buf = c.rows(c.buf[:0], schema, rec, nil)
		_, err := bw.Write(c.buf)
		return err
	})
	if err != nil {
		return err
	}
	return bw.Flush()
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
	buf  []byte
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
		seg := csvSegment{cell: textColumn(a, appendCSVField)}
		if isDate(schema, j) {
			seg.cell = dateColumn(a)
		}
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
	if sel != nil {
		for _, i := range sel {
			line(int(i))
		}
		return dst
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		line(i)
	}
	return dst
}

// locked runs f holding mu.
func locked(mu *sync.Mutex, f func() error) error {
	mu.Lock()
	defer mu.Unlock()
	return f()
}

// csvFlushEvery is how many bytes of CSV a worker gathers before it writes
// them to the response.
const csvFlushEvery = 256 << 10

// encodeCSVWorkers writes the whole result of cons, an operator whose
// batches workers hand out (a parallel scan), as CSV encoded on the
// workers: each encodes the batches it reads while they are in its cache
// and writes every csvFlushEvery bytes under a lock; lines of different
// workers interleave (a parallel scan's rows come in no particular order).
// The header goes out with the first write, or at the end when there are
// no rows. wrote reports whether any of the response was written: if not,
// an error can still be answered with an error status.
func encodeCSVWorkers(ctx context.Context, w http.ResponseWriter, schema *arrow.Schema, names []string, cons exec.Consumer) (wrote bool, err error) {
	ws := make([]csvWriter, cons.Workers())
	var mu sync.Mutex
	// write sends b after the header; mu is held.
	write := func(b []byte) error {
		if !wrote {
			wrote = true
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			if _, err := w.Write(csvHeader(names)); err != nil {
				return err
			}
		}
		if len(b) == 0 {
			return nil
		}
		_, err := w.Write(b)
		return err
	}
	err = cons.Consume(ctx, func(wi int, rec arrow.Record, sel []int32) error {
		c := &ws[wi]
		c.buf = c.rows(c.buf, schema, rec, sel)
		if len(c.buf) < csvFlushEvery {
			return nil
		}
		err := locked(&mu, func() error { return write(c.buf) })
		c.buf = c.buf[:0]
		return err
	})
	if err != nil {
		return wrote, err
	}
	for i := range ws {
		if err := write(ws[i].buf); err != nil {
			return wrote, err
		}
	}
	return wrote, nil
}

// encodePretty draws an aligned table (it buffers the rows to size columns).
func encodePretty(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rows := [][]string{}
	cells := make([]cellAppender, len(names))
	plain := func(dst []byte, s string) []byte { return append(dst, s...) }
	var buf []byte
	err := batches(first, next, func(rec arrow.Record) error {
		cols := rec.Columns()
		for c := range names {
			cells[c] = textColumn(cols[c], plain)
			if isDate(schema, c) {
				cells[c] = dateColumn(cols[c])
			}
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, len(names))
			for c := range names {
				if !cols[c].IsNull(i) {
					buf = cells[c](buf[:0], i)
					row[c] = string(buf)
				}
			}
			rows = append(rows, row)
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = w.Write([]byte(PrettyTable(names, rows)))
	return err
}

// PrettyTable renders rows as an ASCII table with a header.
func PrettyTable(names []string, rows [][]string) string {
	widths := make([]int, len(names))
	for c, n := range names {
		widths[c] = utf8.RuneCountInString(n)
	}
	for _, r := range rows {
		for c, v := range r {
			widths[c] = max(widths[c], utf8.RuneCountInString(v))
		}
	}
	var b strings.Builder
	line := func() {
		b.WriteByte('+')
		for _, wd := range widths {
			b.WriteString(strings.Repeat("-", wd+2))
			b.WriteByte('+')
		}
		b.WriteByte('\n')
	}
	cells := func(vals []string) {
		b.WriteByte('|')
		for c, v := range vals {
			b.WriteString(" " + v + strings.Repeat(" ", widths[c]-utf8.RuneCountInString(v)) + " |")
		}
		b.WriteByte('\n')
	}
	line()
	cells(names)
	line()
	for _, r := range rows {
		cells(r)
	}
	if len(rows) > 0 {
		line()
	}
	return b.String()
}

func encodeParquet(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error {
	w.Header().Set("Content-Type", "application/vnd.apache.parquet")
	fields := make([]arrow.Field, len(names))
	for i, f := range schema.Fields() {
		fields[i] = arrow.Field{Name: names[i], Type: f.Type, Nullable: true}
	}
	out := arrow.NewSchema(fields, nil)
	pw, err := pqarrow.NewFileWriter(out, w, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd)), pqarrow.DefaultWriterProps())
	if err != nil {
		return err
	}
	err = batches(first, next, func(rec arrow.Record) error {
		r := array.NewRecord(out, rec.Columns(), rec.NumRows())
		defer r.Release()
		return pw.Write(r)
	})
	if cerr := pw.Close(); err == nil {
		err = cerr
	}
	return err
}
