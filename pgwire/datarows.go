package pgwire

import (
	"context"
	"encoding/binary"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
)

// DataRows are written a chunk of rows at a time, column by column: the
// rows' lengths are summed first, the buffer grown once, and then each
// column's values are written into their rows' places in one loop over
// typed values, not one function call per value. Most result columns
// (binary numbers and times, text and tags in either format) are written
// straight from their arrays; the rest are encoded into a scratch buffer
// by their encoder and copied into place.

// chunkRows is how many rows are written together: their DataRows (about
// 72 KB at TSBS's 21 columns) stay in the CPU's cache between the passes.
const chunkRows = 256

// outKind is how an outColumn's values are written.
type outKind uint8

const (
	outEncoded   outKind = iota // by enc, through scratch
	outInt64                    // binary int8: 8 bytes big-endian
	outInt32                    // binary int4
	outFloat64                  // binary float8
	outTimestamp                // binary timestamptz: microseconds since 2000-01-01
	outString                   // text bytes (the binary form of text too)
	outDict                     // a tag: text bytes by int32 dictionary code
	outDictWire                 // a tag whose entries hold their lengths (wireEntries)
	outTags                     // adjacent tags written together (exec.TagRows)
	outInGroup                  // a tag that an outTags column before it writes
)

// outColumn is one column of the batch being sent.
type outColumn struct {
	kind  outKind
	nulls nullKind
	valid []byte // validity bitmap (nulls == someNull), from bit voff
	voff  int

	i64  []int64
	i32  []int32
	f64  []float64
	ts   []arrow.Timestamp
	unit arrow.TimeUnit
	off  []int32 // outString, outDict: value offsets into data
	data []byte
	code []int32 // outDict

	tags *exec.TagRows // outTags
	runs [][]byte      // outTags: the runs of the rows measure saw, for write

	enc     encoder
	scratch []byte  // outEncoded: this chunk's values, one after another
	lens    []int32 // outEncoded: each row's length in scratch, -1 NULL
}

// newOutColumn prepares column a of a batch to be written in format for a
// column announced as pgType (see newEncoder).
func newOutColumn(a arrow.Array, format int16, pgType uint32, scale int, loc *time.Location, regOID func(uint32, string) (int64, bool), floatDigits int) outColumn {
	oc := outColumn{nulls: nullKindOf(a)}
	if oc.nulls == someNull {
		oc.valid, oc.voff = a.NullBitmapBytes(), a.Data().Offset()
	}
	enc := specialEncoder(a, format, pgType, scale, loc, regOID)
	if f, ok := a.(*array.Float64); ok && enc == nil && format == 0 && floatDigits <= 0 && (pgType == 0 || pgType == oidFloat8) ||
		ok && format == 0 && floatDigits <= 0 && pgType == oidFloat4 {
		// SET extra_float_digits = 0 (or less): floats to 15 (float4: 6)
		// significant digits plus the setting, as PostgreSQL writes them.
		v, bits, digits := f.Float64Values(), 64, 15+floatDigits
		if pgType == oidFloat4 {
			bits, digits = 32, 6+floatDigits
		}
		enc = func(dst []byte, i int) []byte { return exec.AppendFloatDigits(dst, v[i], bits, digits) }
	}
	if enc == nil {
		switch a := a.(type) {
		case *array.Int64:
			if format == 1 {
				oc.kind, oc.i64 = outInt64, a.Int64Values()
				return oc
			}
		case *array.Int32:
			if format == 1 {
				oc.kind, oc.i32 = outInt32, a.Int32Values()
				return oc
			}
		case *array.Float64:
			if format == 1 {
				oc.kind, oc.f64 = outFloat64, a.Float64Values()
				return oc
			}
		case *array.Timestamp:
			if format == 1 {
				oc.kind, oc.ts, oc.unit = outTimestamp, a.TimestampValues(), a.DataType().(*arrow.TimestampType).Unit
				return oc
			}
		case *array.String:
			oc.kind = outString
			oc.off, oc.data = stringParts(a)
			return oc
		case *array.Dictionary:
			dict, ok := a.Dictionary().(*array.String)
			codes, ok2 := a.Indices().(*array.Int32)
			if ok && ok2 {
				oc.kind, oc.code = outDict, codes.Int32Values()
				oc.off, oc.data = stringParts(dict)
				if dict.Len() <= a.Len() {
					// Each entry once with its length in front: a value
					// is then one copy.
					oc.kind = outDictWire
					oc.data, oc.off = wireEntries(oc.off, oc.data)
				}
				return oc
			}
		}
		enc = plainEncoder(a, format, loc)
	}
	oc.kind, oc.enc = outEncoded, enc
	return oc
}

// wireEntries returns string values (data at off) each preceded by its
// length as the wire has it, and their offsets.
func wireEntries(off []int32, data []byte) (wire []byte, woff []int32) {
	n := len(off) - 1
	wire = make([]byte, 0, len(data)+4*n)
	woff = make([]int32, n+1)
	for k := 0; k < n; k++ {
		wire = binary.BigEndian.AppendUint32(wire, uint32(off[k+1]-off[k]))
		wire = append(wire, data[off[k]:off[k+1]]...)
		woff[k+1] = int32(len(wire))
	}
	return wire, woff
}

// writeNull writes row i's NULL (length -1) at pos[r] and moves past it
// when row i is NULL in a column with someNull.
func (oc *outColumn) writeNull(buf []byte, pos []int, r int, i int32) bool {
	if !oc.null(i) {
		return false
	}
	binary.BigEndian.PutUint32(buf[pos[r]:], math.MaxUint32)
	pos[r] += 4
	return true
}

// null reports whether row i is NULL in a column with someNull.
func (oc *outColumn) null(i int32) bool {
	return !bitutil.BitIsSet(oc.valid, oc.voff+int(i))
}

// measure adds to size[r] the wire length of row idx[r]'s value: its
// 4-byte length and its bytes. Encoded columns encode the chunk here.
func (oc *outColumn) measure(idx []int32, size []int32) {
	size = size[:len(idx)]
	nullable := oc.nulls == someNull
	if oc.nulls == allNull {
		for r := range size {
			size[r] += 4
		}
		return
	}
	var w int32
	switch oc.kind {
	case outInGroup:
		return
	case outTags:
		oc.runs = oc.tags.Rows(idx) // write copies them next
		for r, run := range oc.runs {
			size[r] += int32(len(run))
		}
		return
	case outInt64, outFloat64, outTimestamp:
		w = 8
	case outInt32:
		w = 4
	case outDictWire:
		code, off := oc.code, oc.off
		for r, i := range idx {
			if nullable && oc.null(i) {
				size[r] += 4
				continue
			}
			c := code[i]
			size[r] += off[c+1] - off[c]
		}
		return
	case outString, outDict:
		code, off := oc.code, oc.off
		for r, i := range idx {
			if nullable && oc.null(i) {
				size[r] += 4
				continue
			}
			if code != nil {
				i = code[i]
			}
			size[r] += 4 + off[i+1] - off[i]
		}
		return
	case outEncoded:
		oc.scratch, oc.lens = oc.scratch[:0], oc.lens[:0]
		for r, i := range idx {
			if nullable && oc.null(i) {
				oc.lens = append(oc.lens, -1)
				size[r] += 4
				continue
			}
			at := len(oc.scratch)
			oc.scratch = oc.enc(oc.scratch, int(i))
			n := int32(len(oc.scratch) - at)
			oc.lens = append(oc.lens, n)
			size[r] += 4 + n
		}
		return
	}
	if !nullable {
		for r := range size {
			size[r] += 4 + w
		}
		return
	}
	for r, i := range idx {
		if oc.null(i) {
			size[r] += 4
		} else {
			size[r] += 4 + w
		}
	}
}

// write writes row idx[r]'s value at buf[pos[r]:] and moves pos[r] past
// it; measure has made room.
func (oc *outColumn) write(buf []byte, idx []int32, pos []int) {
	pos = pos[:len(idx)]
	be := binary.BigEndian
	nullable := oc.nulls == someNull
	if oc.nulls == allNull {
		for r := range pos {
			be.PutUint32(buf[pos[r]:], math.MaxUint32)
			pos[r] += 4
		}
		return
	}
	switch oc.kind {
	case outTags:
		for r, run := range oc.runs { // the runs measure found for these rows
			p := pos[r]
			pos[r] = p + copy(buf[p:], run)
		}
	case outInt64:
		v := oc.i64
		for r, i := range idx {
			if nullable && oc.writeNull(buf, pos, r, i) {
				continue
			}
			p := pos[r]
			b := buf[p : p+12]
			be.PutUint32(b, 8)
			be.PutUint64(b[4:], uint64(v[i]))
			pos[r] = p + 12
		}
	case outFloat64:
		v := oc.f64
		for r, i := range idx {
			if nullable && oc.writeNull(buf, pos, r, i) {
				continue
			}
			p := pos[r]
			b := buf[p : p+12]
			be.PutUint32(b, 8)
			be.PutUint64(b[4:], math.Float64bits(v[i]))
			pos[r] = p + 12
		}
	case outTimestamp:
		v, unit := oc.ts, oc.unit
		for r, i := range idx {
			if nullable && oc.writeNull(buf, pos, r, i) {
				continue
			}
			p := pos[r]
			ns := int64(v[i])
			if unit != arrow.Nanosecond {
				ns = toNanos(ns, unit)
			}
			b := buf[p : p+12]
			be.PutUint32(b, 8)
			be.PutUint64(b[4:], uint64(binaryMicros(ns)))
			pos[r] = p + 12
		}
	case outInt32:
		v := oc.i32
		for r, i := range idx {
			if nullable && oc.writeNull(buf, pos, r, i) {
				continue
			}
			p := pos[r]
			b := buf[p : p+8]
			be.PutUint32(b, 4)
			be.PutUint32(b[4:], uint32(v[i]))
			pos[r] = p + 8
		}
	case outDictWire:
		code, off, data := oc.code, oc.off, oc.data
		for r, i := range idx {
			if nullable && oc.writeNull(buf, pos, r, i) {
				continue
			}
			p := pos[r]
			c := code[i]
			pos[r] = p + copy(buf[p:], data[off[c]:off[c+1]])
		}
	case outString, outDict:
		code, off, data := oc.code, oc.off, oc.data
		for r, i := range idx {
			if nullable && oc.writeNull(buf, pos, r, i) {
				continue
			}
			p := pos[r]
			if code != nil {
				i = code[i]
			}
			s := data[off[i]:off[i+1]]
			be.PutUint32(buf[p:], uint32(len(s)))
			pos[r] = p + 4 + copy(buf[p+4:], s)
		}
	case outEncoded:
		at := 0
		for r, n := range oc.lens {
			p := pos[r]
			be.PutUint32(buf[p:], uint32(n))
			if n < 0 {
				pos[r] = p + 4
				continue
			}
			pos[r] = p + 4 + copy(buf[p+4:], oc.scratch[at:at+int(n)])
			at += int(n)
		}
	}
}

// rowWriter holds appendRows' per-chunk arrays; a worker's also holds
// its batch's columns and the rows it has not sent yet.
type rowWriter struct {
	idx  []int32
	size []int32
	pos  []int
	outs []outColumn
	buf  []byte
}

// appendRows appends the rows idx of the batch whose columns are cols to
// dst as DataRow messages: 'D', the message length, the column count,
// then each value's length (-1: NULL) and bytes.
func (w *rowWriter) appendRows(dst []byte, cols []outColumn, idx []int32) []byte {
	n := len(idx)
	w.size = slices.Grow(w.size[:0], n)[:n]
	w.pos = slices.Grow(w.pos[:0], n)[:n]
	for r := range w.size {
		w.size[r] = 7 // 'D', length, column count
	}
	for j := range cols {
		cols[j].measure(idx, w.size)
	}
	total := 0
	for _, sz := range w.size {
		total += int(sz)
	}
	buf := slices.Grow(dst, total)
	p := len(buf)
	buf = buf[:p+total]
	for r, sz := range w.size {
		b := buf[p : p+7]
		b[0] = 'D'
		binary.BigEndian.PutUint32(b[1:], uint32(sz-1))
		binary.BigEndian.PutUint16(b[5:], uint16(len(cols)))
		w.pos[r] = p + 7
		p += int(sz)
	}
	for j := range cols {
		cols[j].write(buf, idx, w.pos)
	}
	return buf
}

// span returns the indexes in a batch of the k rows to send from the
// from-th on: of sel's rows, or (nil sel) of all.
func (w *rowWriter) span(sel []int32, from, k int) []int32 {
	if sel != nil {
		return sel[from : from+k]
	}
	w.idx = slices.Grow(w.idx[:0], k)[:k]
	for r := range w.idx {
		w.idx[r] = int32(from + r)
	}
	return w.idx
}

// outColumns sets outs to rec's columns, keeping their scratch space.
// Runs of adjacent tags without NULLs are written as one.
func outColumns(outs []outColumn, rec arrow.Record, formats []int16, cols []planner.Column, loc *time.Location, regOID func(uint32, string) (int64, bool), floatDigits int) []outColumn {
	arrs := rec.Columns()
	outs = slices.Grow(outs[:0], len(arrs))[:len(arrs)]
	for j, a := range arrs {
		scratch, lens := outs[j].scratch, outs[j].lens
		outs[j] = newOutColumn(a, formats[j], pgTypeAt(cols, j), scaleAt(cols, j), loc, regOID, floatDigits)
		outs[j].scratch, outs[j].lens = scratch[:0], lens[:0]
	}
	groupable := func(oc *outColumn) bool { return oc.kind == outDictWire && oc.nulls == noNulls }
	for j := 0; j < len(outs); j++ {
		end := j
		for end < len(outs) && groupable(&outs[end]) {
			end++
		}
		if end-j >= 2 {
			// Written together (exec.TagRows): a series' rows repeat the
			// bytes of the row before.
			g := exec.NewTagRows("")
			for k := j; k < end; k++ {
				g.Add(outs[k].code, outs[k].off, outs[k].data)
				outs[k].kind = outInGroup
			}
			outs[j].kind, outs[j].tags = outTags, g
		}
		j = end
	}
	return outs
}

// streamWorkers sends every row of src, a Consumer with workers, from the
// workers' goroutines: each encodes the batches it reads while they are
// in its cache and writes its DataRows every flushEvery bytes (rows of
// different workers interleave, as rows of a parallel scan come in no
// particular order). What the workers hold at the end is left in c.out.
func (c *conn) streamWorkers(ctx context.Context, src *portal, cons exec.Consumer, formats []int16) (int64, error) {
	ws := make([]rowWriter, cons.Workers())
	var (
		mu sync.Mutex
		n  atomic.Int64
	)
	loc, digits := c.sess.loc, c.sess.floatDigits()
	err := cons.Consume(ctx, func(wi int, rec arrow.Record, sel []int32) error {
		w := &ws[wi]
		w.outs = outColumns(w.outs, rec, formats, src.cols, loc, c.regOID, digits)
		rows := int(rec.NumRows())
		if sel != nil {
			rows = len(sel)
		}
		for at := 0; at < rows; at += chunkRows {
			k := min(rows-at, chunkRows)
			w.buf = w.appendRows(w.buf, w.outs, w.span(sel, at, k))
			if len(w.buf) >= flushEvery {
				err := func() error {
					mu.Lock()
					defer mu.Unlock()
					return c.out.sendWith(w.buf)
				}()
				w.buf = w.buf[:0]
				if err != nil {
					return err
				}
			}
		}
		n.Add(int64(rows))
		return nil
	})
	src.done = true
	src.close()
	if err != nil {
		return n.Load(), statementError(ctx, err)
	}
	for i := range ws {
		c.out.buf = append(c.out.buf, ws[i].buf...)
	}
	return n.Load(), nil
}
