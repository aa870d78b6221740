package pgwire

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
)

// copyOut runs COPY ... TO STDOUT: a CopyOutResponse, one CopyData per
// line (the header, then each row), CopyDone and "COPY n". Values are the
// text a DataRow would carry (the same encoders write them), then quoted
// or escaped for the format as PostgreSQL's COPY does.
func (c *conn) copyOut(ctx context.Context, p *portal) error {
	spec := p.stmt.Copy
	cols := p.copyCols
	w := &copyWriter{spec: spec, quote: make([]bool, len(cols))}
	for i := range w.quote {
		w.quote[i] = spec.ForceQuoteAll
	}
	for _, name := range spec.ForceQuote {
		i := slices.IndexFunc(cols, func(col planner.Column) bool { return col.Name == name })
		if i < 0 {
			return &planner.Error{Code: "42703", Msg: fmt.Sprintf("column %q does not exist", name), Hint: "FORCE_QUOTE names columns the COPY writes"}
		}
		w.quote[i] = true
	}
	c.be.Send(&pgproto3.CopyOutResponse{OverallFormat: 0, ColumnFormatCodes: make([]uint16, len(cols))})
	// CopyData follows in c.out, after the messages sent so far.
	if err := c.be.Flush(); err != nil {
		return err
	}
	if spec.Header {
		start := w.begin(&c.out.buf)
		for j, col := range cols {
			// Names are quoted where they need it, never by FORCE_QUOTE.
			w.field(&c.out.buf, j, []byte(col.Name), len(cols) == 1, false)
		}
		w.end(&c.out.buf, start)
	}
	formats := make([]int16, len(cols)) // text
	var n int64
	for {
		ok, err := p.advance(ctx)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if p.encFor != p.rec {
			p.outs = outColumns(p.outs, p.rec, formats, cols, c.sess.loc, c.regOID, c.sess.floatDigits())
			p.encFor = p.rec
		}
		k := min(p.rows()-p.row, chunkRows)
		w.rows = c.rows.appendRows(w.rows[:0], p.outs, c.rows.span(p.sel, p.row, k))
		w.lines(&c.out.buf, w.rows)
		p.row += k
		n += int64(k)
		if len(c.out.buf) >= flushEvery {
			if err := c.out.send(); err != nil {
				return err
			}
		}
	}
	c.out.buf = append(c.out.buf, 'c', 0, 0, 0, 4) // CopyDone
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte("COPY " + strconv.FormatInt(n, 10))})
	return nil
}

// copyWriter turns DataRows of text values into COPY lines.
type copyWriter struct {
	spec  *sql.CopySpec
	quote []bool // per column: FORCE_QUOTE
	rows  []byte // scratch: the DataRows of a chunk
}

// lines appends a CopyData line for each DataRow in rows.
func (w *copyWriter) lines(dst *[]byte, rows []byte) {
	for len(rows) > 0 {
		size := int(binary.BigEndian.Uint32(rows[1:])) + 1
		msg := rows[7:size]
		ncols := int(binary.BigEndian.Uint16(rows[5:]))
		rows = rows[size:]
		start := w.begin(dst)
		for j := range ncols {
			n := int32(binary.BigEndian.Uint32(msg))
			msg = msg[4:]
			if n < 0 {
				if j > 0 {
					*dst = append(*dst, w.spec.Delimiter)
				}
				*dst = append(*dst, w.spec.Null...)
				continue
			}
			w.field(dst, j, msg[:n], ncols == 1, w.quote[j])
			msg = msg[n:]
		}
		w.end(dst, start)
	}
}

// begin starts a CopyData message and returns where it starts.
func (w *copyWriter) begin(dst *[]byte) int {
	start := len(*dst)
	*dst = append(*dst, 'd', 0, 0, 0, 0)
	return start
}

// end finishes the line begun at start.
func (w *copyWriter) end(dst *[]byte, start int) {
	*dst = append(*dst, '\n')
	binary.BigEndian.PutUint32((*dst)[start+1:], uint32(len(*dst)-start-1))
}

// field appends value v of column j (not NULL), preceded by the delimiter
// after the first column; alone is true when the line has one column, force
// when CSV must quote it (FORCE_QUOTE).
func (w *copyWriter) field(dst *[]byte, j int, v []byte, alone, force bool) {
	s := w.spec
	if j > 0 {
		*dst = append(*dst, s.Delimiter)
	}
	if !s.CSV {
		*dst = appendCopyText(*dst, v, s.Delimiter)
		return
	}
	quote := force || string(v) == s.Null || alone && string(v) == `\.`
	for i := 0; !quote && i < len(v); i++ {
		c := v[i]
		quote = c == s.Delimiter || c == s.Quote || c == '\n' || c == '\r'
	}
	if !quote {
		*dst = append(*dst, v...)
		return
	}
	*dst = append(*dst, s.Quote)
	for _, c := range v {
		if c == s.Quote || c == s.Escape {
			*dst = append(*dst, s.Escape)
		}
		*dst = append(*dst, c)
	}
	*dst = append(*dst, s.Quote)
}

// appendCopyText escapes v for the text format: backslash, the delimiter
// and the control characters that have a letter (\n, \t, ...) get a
// backslash; other bytes go as they are.
func appendCopyText(dst, v []byte, delim byte) []byte {
	for _, c := range v {
		switch {
		case c < 0x20:
			if e := copyEscapes[c]; e != 0 {
				dst = append(dst, '\\', e)
				continue
			}
			if c == delim {
				dst = append(dst, '\\')
			}
		case c == '\\' || c == delim:
			dst = append(dst, '\\')
		}
		dst = append(dst, c)
	}
	return dst
}

var copyEscapes = [0x20]byte{'\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\v': 'v'}
