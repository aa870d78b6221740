package pgwire

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// copyIn runs COPY table FROM STDIN: a CopyInResponse, then CopyData
// messages until CopyDone (the rows are written; "COPY n") or CopyFail.
// Rows are read as they arrive and written in pieces (planner.CopyIn). An
// error names the line and column; the messages the client still sends
// are dropped (dispatch), as PostgreSQL does.
func (c *conn) copyIn(ctx context.Context, p *portal) error {
	ci := p.copyIn
	format, colFormat := uint8(0), uint16(0)
	if p.stmt.Copy.Binary {
		format, colFormat = 1, 1
	}
	formats := make([]uint16, len(ci.Columns))
	for i := range formats {
		formats[i] = colFormat
	}
	c.be.Send(&pgproto3.CopyInResponse{OverallFormat: format, ColumnFormatCodes: formats})
	if err := c.flush(); err != nil {
		return err
	}
	r := newCopyReader(p.stmt.Copy, ci.Columns, ci.Table, ci)
	failed := func(err error) error {
		pe := planner.AsError(err)
		if n := ci.Written(); n > 0 {
			out := *pe
			out.Hint = fmt.Sprintf("the %d rows before it were written; fix the input and run the COPY again: a row with the same series and time replaces the one stored", n)
			if ci.Keyed() {
				out.Hint = fmt.Sprintf("the %d rows before it were written; fix the input and COPY the rows after them (the table's key refuses rows it holds)", n)
			}
			pe = &out
		}
		return pe
	}
	// flushError is the error of a write of rows, naming the line of the
	// row it is about when it is one row's (a key a stored row has).
	flushError := func(err error) error {
		err = statementError(ctx, err)
		if row, ok := ci.ErrorRow(); ok {
			line := int(row) + 1
			if p.stmt.Copy.Header {
				line++
			}
			return lineError(ci.Table, line, err)
		}
		return err
	}
	for {
		msg, err := c.be.Receive()
		if err != nil {
			return err
		}
		switch m := msg.(type) {
		case *pgproto3.CopyData:
			if err := r.feed(m.Data); err != nil {
				return failed(err)
			}
		case *pgproto3.CopyDone:
			if err := r.finish(); err != nil {
				return failed(err)
			}
			if err := ci.Flush(ctx); err != nil {
				return failed(flushError(err))
			}
			c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte("COPY " + strconv.FormatInt(ci.Rows(), 10))})
			return nil
		case *pgproto3.CopyFail:
			return failed(&planner.Error{Code: "57014", Msg: "COPY from stdin failed: " + m.Message})
		case *pgproto3.Flush, *pgproto3.Sync:
			// Ignored in copy-in mode, as PostgreSQL does: some drivers
			// send them after every Execute.
			continue
		default:
			return failed(&planner.Error{Code: "08P01", Msg: fmt.Sprintf("unexpected message %T during COPY from stdin", msg)})
		}
		if r.full {
			r.full = false
			if err := ci.Flush(ctx); err != nil {
				return failed(flushError(err))
			}
		}
		if ctx.Err() != nil {
			return failed(statementError(ctx, ctx.Err()))
		}
	}
}

// copySink receives the values a COPY FROM reads (planner.CopyIn).
type copySink interface {
	Text(j int, v []byte) error
	Null(j int) error
	Float(j int, f float64) error
	Int(j int, n int64) error
	Bool(j int, v bool) error
	Time(j int, ns int64) error
	EndRow() (full bool, err error)
}

// copyReader splits COPY FROM data (text, CSV or binary) into rows and
// fields as it arrives, in CopyData messages that need not end at a line.
type copyReader struct {
	spec  *sql.CopySpec
	cols  []planner.CopyColumn
	table string
	sink  copySink

	pending []byte   // the start of a line or tuple not yet complete
	line    int      // records read, the header included (PostgreSQL's line)
	eol     string   // the line ending, taken from the first line
	header  bool     // the header line is still to come
	ended   bool     // \. or the binary trailer was read: the rest is ignored
	full    bool     // the sink asked for its rows to be written
	fields  [][]byte // the current record's values, nil for NULL

	binHeader bool // binary: the file header was read

	// The incomplete line's scan so far (lineEnd), from its start: bytes
	// examined by the slow and the fast path, and whether a CSV quote was
	// open; marker: the line just found ended at text's \. marker.
	scan, fastScan int
	scanQuote      bool
	marker         bool
}

func newCopyReader(spec *sql.CopySpec, cols []planner.CopyColumn, table string, sink copySink) *copyReader {
	return &copyReader{spec: spec, cols: cols, table: table, sink: sink, header: spec.Header}
}

// feed reads the complete records of data, keeping the rest for later.
func (r *copyReader) feed(data []byte) error {
	if r.ended {
		if r.spec.Binary && len(data) > 0 {
			r.line++
			return r.errorf("received copy data after EOF marker")
		}
		return nil
	}
	buf := data
	if len(r.pending) > 0 {
		r.pending = append(r.pending, data...)
		buf = r.pending
	}
	used, err := r.records(buf, false)
	if err != nil {
		return err
	}
	rest := buf[used:]
	switch {
	case len(r.pending) == 0:
		r.pending = append(r.pending, rest...) // data is the message's: copy
	case used > 0:
		r.pending = append(r.pending[:0], rest...)
	} // else pending already holds the incomplete record, data appended
	return nil
}

// finish reads what remains at the end of the data: a last line without
// its line ending; a partial binary tuple is an error.
func (r *copyReader) finish() error {
	if r.header && r.spec.HeaderMatch && len(r.pending) == 0 {
		r.line++
		return r.errorf("wrong number of fields in header line: got 0, expected %d", len(r.cols))
	}
	if r.ended || len(r.pending) == 0 {
		if r.spec.Binary && !r.binHeader && !r.ended {
			return r.errorf("COPY file signature not recognized")
		}
		return nil
	}
	_, err := r.records(r.pending, true)
	r.pending = nil
	return err
}

// records reads the complete records at the start of buf and returns the
// bytes used; at the end of the data (last) an unterminated line counts.
func (r *copyReader) records(buf []byte, last bool) (int, error) {
	if r.spec.Binary {
		return r.binaryTuples(buf, last)
	}
	pos := 0
	for pos < len(buf) && !r.ended {
		end, next, err := r.lineEnd(buf, pos, last)
		if err != nil {
			return pos, err
		}
		if end < 0 {
			break // incomplete
		}
		r.line++
		line := buf[pos:end]
		// Text's \. ends the data after the row before it on its line, if
		// any; in CSV a line of just \. with a line ending after it does.
		csvEnd := r.spec.CSV && next > end && string(line) == `\.`
		if !csvEnd && (!r.marker || len(line) > 0) {
			if err := r.record(line); err != nil {
				return pos, err
			}
		}
		r.ended, r.marker = r.marker || csvEnd, false
		pos = next
	}
	if r.ended {
		return len(buf), nil
	}
	return pos, nil
}

// lineEnd finds the end of the line starting at pos: end is where its
// data stops, next where the next line starts; end < 0 when the line is
// not complete yet (the scan then resumes where it stopped when more data
// comes: a long line sent in many messages is read once). A backslash
// (text) or quotes (CSV) keep a line ending inside a value; in text, \.
// ends the data (marker).
func (r *copyReader) lineEnd(buf []byte, pos int, last bool) (end, next int, err error) {
	csv := r.spec.CSV
	quote, escape := r.spec.Quote, r.spec.Escape
	done := func(end, next int) (int, int, error) {
		r.scan, r.fastScan, r.scanQuote = 0, 0, false
		return end, next, nil
	}
	// Most lines end at the first \n and hold no quote (CSV) or backslash
	// (text) and no \r: found by byte search.
	if r.eol == "\n" || r.eol == "" {
		from := pos + r.fastScan
		if k := bytes.IndexByte(buf[from:], '\n'); k >= 0 {
			k += from - pos
			special := byte('\\')
			if csv {
				special = quote
			}
			if seg := buf[pos : pos+k]; bytes.IndexByte(seg, special) < 0 && bytes.IndexByte(seg, '\r') < 0 {
				r.eol = "\n"
				return done(pos+k, pos+k+1)
			}
		} else {
			r.fastScan = len(buf) - pos // no \n so far: search on from here
			if r.eol == "\n" && !last {
				return -1, 0, nil
			}
		}
	}
	inQuote := r.scanQuote
	wait := func(i int) (int, int, error) { // resume at i with more data
		r.scan, r.scanQuote = i-pos, inQuote
		return -1, 0, nil
	}
	for i := pos + r.scan; i < len(buf); i++ {
		b := buf[i]
		switch {
		case csv && inQuote:
			if b == escape && escape != quote {
				if i+1 == len(buf) && !last {
					return wait(i)
				}
				if i+1 < len(buf) && (buf[i+1] == quote || buf[i+1] == escape) {
					i++
				}
			} else if b == quote {
				inQuote = false
			}
			continue
		case csv && b == quote:
			inQuote = true
			continue
		case !csv && b == '\\':
			if i+1 == len(buf) {
				if !last {
					return wait(i)
				}
				continue
			}
			if buf[i+1] != '.' {
				i++ // the next byte is data, even a line ending
				continue
			}
			// \. ends the data; it must end its line.
			switch after := i + 2; {
			case after == len(buf) && !last:
				return wait(i)
			case after < len(buf) && buf[after] == '\n':
				r.marker = true
				return done(i, after+1)
			case after < len(buf) && buf[after] == '\r':
				r.marker = true
				if after+1 < len(buf) && buf[after+1] == '\n' {
					return done(i, after+2)
				}
				return done(i, after+1)
			}
			r.line++
			return 0, 0, r.errorf("end-of-copy marker corrupt")
		case b != '\n' && b != '\r':
			continue
		}
		// A line ending.
		if r.eol == "" {
			switch {
			case b == '\n':
				r.eol = "\n"
			case i+1 < len(buf):
				r.eol = "\r"
				if buf[i+1] == '\n' {
					r.eol = "\r\n"
				}
			case !last:
				return wait(i) // \r at the end: \r\n may follow
			default:
				r.eol = "\r"
			}
		}
		switch {
		case b == '\n' && r.eol == "\n", b == '\r' && r.eol == "\r":
			return done(i, i+1)
		case b == '\r' && r.eol == "\r\n":
			if i+1 == len(buf) && !last {
				return wait(i)
			}
			if i+1 < len(buf) && buf[i+1] == '\n' {
				return done(i, i+2)
			}
		}
		r.line++
		if b == '\r' {
			if csv {
				return 0, 0, r.hinted("unquoted carriage return found in data", "Use quoted CSV field to represent carriage return.")
			}
			return 0, 0, r.hinted("literal carriage return found in data", `Use "\r" to represent carriage return.`)
		}
		if csv {
			return 0, 0, r.hinted("unquoted newline found in data", "Use quoted CSV field to represent newline.")
		}
		return 0, 0, r.hinted("literal newline found in data", `Use "\n" to represent newline.`)
	}
	if !last {
		return wait(len(buf))
	}
	if csv && inQuote {
		r.line++
		return 0, 0, r.errorf("unterminated CSV quoted field")
	}
	return done(len(buf), len(buf))
}

// record reads one line of text or CSV.
func (r *copyReader) record(line []byte) error {
	var err error
	if r.spec.CSV {
		err = r.splitCSV(line)
	} else {
		err = r.splitText(line)
	}
	if err != nil {
		return err
	}
	if r.header {
		r.header = false
		return r.checkHeader()
	}
	if len(r.fields) > len(r.cols) {
		return r.errorf("extra data after last expected column")
	}
	for j := range r.cols {
		if j >= len(r.fields) {
			return r.errorf("missing data for column %q", r.cols[j].Name)
		}
		var err error
		if r.fields[j] == nil {
			err = r.sink.Null(j)
		} else {
			err = r.sink.Text(j, r.fields[j])
		}
		if err != nil {
			return r.columnError(j, err)
		}
	}
	full, err := r.sink.EndRow()
	if err != nil {
		return r.rowError(err)
	}
	r.full = r.full || full
	return nil
}

// checkHeader checks HEADER MATCH: the header names the columns in order.
func (r *copyReader) checkHeader() error {
	for _, f := range r.fields {
		if err := planner.CheckText(f); err != nil {
			return r.errorf("%s", planner.AsError(err).Msg)
		}
	}
	if !r.spec.HeaderMatch {
		return nil
	}
	if len(r.fields) != len(r.cols) {
		return r.errorf("wrong number of fields in header line: got %d, expected %d", len(r.fields), len(r.cols))
	}
	for j, f := range r.fields {
		if f == nil {
			return r.errorf("column name mismatch in header line field %d: got null value (%q), expected %q", j+1, r.spec.Null, r.cols[j].Name)
		}
		if string(f) != r.cols[j].Name {
			return r.errorf("column name mismatch in header line field %d: got %q, expected %q", j+1, f, r.cols[j].Name)
		}
	}
	return nil
}

// splitText splits a text-format line into r.fields, nil for NULL, with
// backslash escapes decoded.
func (r *copyReader) splitText(line []byte) error {
	r.fields = r.fields[:0]
	delim := r.spec.Delimiter
	null := r.spec.Null
	if bytes.IndexByte(line, '\\') < 0 {
		r.splitPlain(line, false)
		return nil
	}
	start := 0
	for {
		// The raw field runs to the next unescaped delimiter.
		end := start
		escaped := false
		for end < len(line) && line[end] != delim {
			if line[end] == '\\' {
				escaped = true
				end++
			}
			end++
		}
		end = min(end, len(line))
		raw := line[start:end]
		switch {
		case string(raw) == null:
			r.fields = append(r.fields, nil)
		case !escaped:
			if raw == nil {
				raw = []byte{} // an empty value, not NULL
			}
			r.fields = append(r.fields, raw)
		default:
			v, err := r.unescape(raw)
			if err != nil {
				return err
			}
			r.fields = append(r.fields, v)
		}
		if end >= len(line) {
			return nil
		}
		start = end + 1
	}
}

// unescape decodes a text-format value's backslash sequences.
func (r *copyReader) unescape(raw []byte) ([]byte, error) {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		b := raw[i]
		if b != '\\' {
			out = append(out, b)
			continue
		}
		if i+1 == len(raw) {
			break // a backslash ending the data escapes nothing
		}
		i++
		switch c := raw[i]; c {
		case 'b', 'f', 'n', 'r', 't', 'v':
			out = append(out, textEscapes[c])
		case 'x':
			v, n := 0, 0
			for n < 2 && i+1 < len(raw) && isHex(raw[i+1]) {
				v = v*16 + hexVal(raw[i+1])
				i++
				n++
			}
			if n == 0 {
				out = append(out, 'x')
			} else {
				out = append(out, byte(v))
			}
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(c - '0')
			for n := 1; n < 3 && i+1 < len(raw) && raw[i+1] >= '0' && raw[i+1] <= '7'; n++ {
				v = v*8 + int(raw[i+1]-'0')
				i++
			}
			out = append(out, byte(v))
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

// textEscapes are the one-letter backslash escapes of COPY's text format.
var textEscapes = [256]byte{'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}

func isHex(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
}

func hexVal(b byte) int {
	switch {
	case b >= 'a':
		return int(b-'a') + 10
	case b >= 'A':
		return int(b-'A') + 10
	}
	return int(b - '0')
}

// splitPlain splits a line without escapes or quotes at each delimiter;
// a field equal to the NULL string is NULL (in CSV, unless FORCE_NOT_NULL).
func (r *copyReader) splitPlain(line []byte, csv bool) {
	delim, null := r.spec.Delimiter, r.spec.Null
	for {
		k := bytes.IndexByte(line, delim)
		raw := line
		if k >= 0 {
			raw = line[:k]
		}
		j := len(r.fields)
		switch {
		case string(raw) == null && !(csv && j < len(r.cols) && r.cols[j].ForceNotNull):
			raw = nil
		case raw == nil:
			raw = []byte{} // an empty value, not NULL
		}
		r.fields = append(r.fields, raw)
		if k < 0 {
			return
		}
		line = line[k+1:]
	}
}

// splitCSV splits a CSV record into r.fields: quotes group, a doubled
// quote (or escape + quote) is a quote, an unquoted field equal to the
// NULL string is NULL (FORCE_NOT_NULL: never; FORCE_NULL: quoted too).
func (r *copyReader) splitCSV(line []byte) error {
	r.fields = r.fields[:0]
	delim, quote, escape := r.spec.Delimiter, r.spec.Quote, r.spec.Escape
	if bytes.IndexByte(line, quote) < 0 {
		r.splitPlain(line, true)
		return nil
	}
	i := 0
	for {
		start := i
		sawQuote, plain := false, true
		var out []byte
		for i < len(line) && line[i] != delim {
			if line[i] != quote {
				i++
				continue
			}
			// A quoted section: copy what came before it, then its content.
			if plain {
				out = append(make([]byte, 0, len(line)-start), line[start:i]...)
				plain = false
			}
			sawQuote = true
			i++
			for {
				if i >= len(line) {
					return r.errorf("unterminated CSV quoted field")
				}
				c := line[i]
				if c == escape && i+1 < len(line) && (line[i+1] == quote || line[i+1] == escape) && (escape != quote || line[i+1] == quote) {
					out = append(out, line[i+1])
					i += 2
					continue
				}
				if c == quote {
					i++
					break
				}
				out = append(out, c)
				i++
			}
			// Unquoted bytes after the quotes run to the delimiter.
			for i < len(line) && line[i] != delim && line[i] != quote {
				out = append(out, line[i])
				i++
			}
		}
		raw := line[start:i]
		if plain {
			out = raw
		}
		j := len(r.fields)
		forceNotNull := j < len(r.cols) && r.cols[j].ForceNotNull
		forceNull := j < len(r.cols) && r.cols[j].ForceNull
		switch {
		case !sawQuote && !forceNotNull && string(raw) == r.spec.Null:
			out = nil
		case sawQuote && forceNull && string(out) == r.spec.Null:
			out = nil
		case out == nil:
			out = []byte{} // an empty value, not NULL
		}
		r.fields = append(r.fields, out)
		if i >= len(line) {
			return nil
		}
		i++ // the delimiter
	}
}

// binaryTuples reads PostgreSQL's binary COPY format: a header (signature,
// flags, extension), then tuples of length-prefixed fields in the
// columns' announced types, then -1.
func (r *copyReader) binaryTuples(buf []byte, last bool) (int, error) {
	pos := 0
	if !r.binHeader {
		const sig = "PGCOPY\n\xff\r\n\x00"
		if len(buf) < len(sig)+8 {
			if last {
				return 0, r.errorf("COPY file signature not recognized")
			}
			return 0, nil
		}
		if string(buf[:len(sig)]) != sig {
			return 0, r.errorf("COPY file signature not recognized")
		}
		flags := binary.BigEndian.Uint32(buf[len(sig):])
		if flags&(1<<16) != 0 {
			return 0, r.errorf("invalid COPY file header (WITH OIDS)")
		}
		if flags&^(1<<16)>>16 != 0 {
			return 0, r.errorf("unrecognized critical flags in COPY file header")
		}
		ext := int(binary.BigEndian.Uint32(buf[len(sig)+4:]))
		if ext < 0 || len(sig)+8+ext > len(buf) {
			if last || ext < 0 {
				return 0, r.errorf("invalid COPY file header (missing length)")
			}
			return 0, nil
		}
		pos = len(sig) + 8 + ext
		r.binHeader = true
	}
	for pos < len(buf) && !r.ended {
		n, err := r.binaryTuple(buf[pos:])
		if err != nil {
			return pos, err
		}
		if n == 0 {
			if last {
				r.line++
				return pos, r.errorf("unexpected EOF in COPY data")
			}
			break
		}
		pos += n
	}
	if r.ended {
		return len(buf), nil
	}
	return pos, nil
}

// binaryTuple reads one tuple (or the trailer) from the start of b and
// returns its length, 0 when b does not hold all of it yet.
func (r *copyReader) binaryTuple(b []byte) (int, error) {
	if len(b) < 2 {
		return 0, nil
	}
	count := int(int16(binary.BigEndian.Uint16(b)))
	if count == -1 {
		r.ended = true
		if len(b) > 2 {
			r.line++
			return 0, r.errorf("received copy data after EOF marker")
		}
		return 2, nil
	}
	// Check the tuple is complete before handing any field over.
	pos := 2
	for k := 0; k < count; k++ {
		if len(b) < pos+4 {
			return 0, nil
		}
		size := int(int32(binary.BigEndian.Uint32(b[pos:])))
		pos += 4
		if size > 0 {
			if len(b) < pos+size {
				return 0, nil
			}
			pos += size
		}
	}
	r.line++
	if count != len(r.cols) {
		return 0, r.errorf("row field count is %d, expected %d", count, len(r.cols))
	}
	p := 2
	for j := range r.cols {
		size := int(int32(binary.BigEndian.Uint32(b[p:])))
		p += 4
		if size < 0 {
			if size != -1 {
				return 0, r.errorf("invalid field size %d", size)
			}
			if err := r.sink.Null(j); err != nil {
				return 0, r.columnError(j, err)
			}
			continue
		}
		if err := r.binaryField(j, b[p:p+size]); err != nil {
			return 0, r.columnError(j, err)
		}
		p += size
	}
	full, err := r.sink.EndRow()
	if err != nil {
		return 0, r.rowError(err)
	}
	r.full = r.full || full
	return pos, nil
}

// binaryField hands over one binary value of column j, read as the type
// the column was announced with (an integer or float of another width is
// taken too).
func (r *copyReader) binaryField(j int, v []byte) error {
	col := r.cols[j]
	badSize := func() error {
		return &planner.Error{Code: "22P03", Msg: fmt.Sprintf("incorrect binary data format: %d bytes for a %s", len(v), oidName(col.OID))}
	}
	switch col.Type {
	case storage.TypeTag, storage.TypeString:
		return r.sink.Text(j, v)
	case storage.TypeFloat:
		if col.OID == storage.OIDNumeric { // pgx and pgjdbc send a numeric column's values as numerics
			return r.numericField(j, v)
		}
		switch len(v) {
		case 8:
			return r.sink.Float(j, math.Float64frombits(binary.BigEndian.Uint64(v)))
		case 4:
			return r.sink.Float(j, float64(math.Float32frombits(binary.BigEndian.Uint32(v))))
		}
	case storage.TypeInt:
		switch len(v) {
		case 8:
			return r.sink.Int(j, int64(binary.BigEndian.Uint64(v)))
		case 4:
			return r.sink.Int(j, int64(int32(binary.BigEndian.Uint32(v))))
		case 2:
			return r.sink.Int(j, int64(int16(binary.BigEndian.Uint16(v))))
		}
	case storage.TypeBool:
		if len(v) == 1 {
			return r.sink.Bool(j, v[0] != 0)
		}
	case storage.TypeTime, storage.TypeTimestamp:
		if len(v) == 4 && col.OID == storage.OIDDate {
			// A date: days since 2000-01-01, its midnight's reading.
			days := int32(binary.BigEndian.Uint32(v))
			switch days {
			case math.MaxInt32:
				return r.sink.Time(j, exec.TimeInfinity)
			case math.MinInt32:
				return r.sink.Time(j, exec.TimeNegInfinity)
			}
			us := int64(days)*86400*1000000 + pgEpochMicros
			if us > math.MaxInt64/1000 || us < -math.MaxInt64/1000 {
				return &planner.Error{Code: "22008", Msg: "date out of range (" + exec.TimeRangeNote + ")"}
			}
			return r.sink.Time(j, us*1000)
		}
		if len(v) != 8 {
			break
		}
		us := int64(binary.BigEndian.Uint64(v))
		if us == math.MaxInt64 || us == math.MinInt64 {
			if col.Type == storage.TypeTimestamp { // a field may hold infinity
				inf := int64(exec.TimeInfinity)
				if us < 0 {
					inf = exec.TimeNegInfinity
				}
				return r.sink.Time(j, inf)
			}
			return &planner.Error{Code: "22008", Msg: "infinite timestamps cannot be stored (" + exec.TimeRangeNote + ")"}
		}
		const maxUs = math.MaxInt64 / 1000
		if us+pgEpochMicros > maxUs || us+pgEpochMicros < -maxUs {
			return &planner.Error{Code: "22008", Msg: "timestamp out of range (" + exec.TimeRangeNote + ")"}
		}
		return r.sink.Time(j, (us+pgEpochMicros)*1000)
	case storage.TypeUint:
		return r.numericField(j, v)
	}
	return badSize()
}

// numericField hands over a binary numeric value of column j.
func (r *copyReader) numericField(j int, v []byte) error {
	x, err := decodeNumeric(j+1, v)
	if err != nil {
		return &planner.Error{Code: "22P03", Msg: "incorrect binary data format: malformed numeric"}
	}
	if i, ok := x.(int64); ok {
		return r.sink.Int(j, i)
	}
	return r.sink.Float(j, x.(float64))
}

// errorf is an error about the current line.
func (r *copyReader) errorf(format string, args ...any) error {
	return r.hinted(fmt.Sprintf(format, args...), "")
}

func (r *copyReader) hinted(msg, hint string) error {
	return &planner.Error{Code: "22P04", Msg: fmt.Sprintf("COPY %s, line %d: %s", r.table, r.line, msg), Hint: hint}
}

// rowError names the line of a row's error, keeping its SQLSTATE.
func (r *copyReader) rowError(err error) error {
	return lineError(r.table, r.line, err)
}

// lineError names the line (PostgreSQL's: records read, a header
// included) of a COPY row's error, keeping the rest of it.
func lineError(table string, line int, err error) error {
	out := *planner.AsError(err)
	out.Msg = fmt.Sprintf("COPY %s, line %d: %s", table, line, out.Msg)
	out.Position = 0
	return &out
}

// columnError names the line and column of a value's error.
func (r *copyReader) columnError(j int, err error) error {
	out := *planner.AsError(err)
	out.Msg = fmt.Sprintf("COPY %s, line %d, column %s: %s", r.table, r.line, r.cols[j].Name, out.Msg)
	out.Position = 0
	return &out
}
