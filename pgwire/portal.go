package pgwire

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
)

// portal is a statement bound to its parameters: for a query, an open
// operator whose rows are sent as Execute (or FETCH) asks for them.
type portal struct {
	stmt   *sql.Statement
	query  string // the Parse's query string (conn.query while it runs)
	params []any
	plan   *planner.Query   // the SELECT's plan
	cols   []planner.Column // nil: the statement returns no rows
	// copyCols are the columns COPY ... TO STDOUT writes (it sends no
	// RowDescription: cols is nil).
	copyCols []planner.Column
	// copyIn loads the rows of COPY ... FROM STDIN.
	copyIn  *planner.CopyIn
	formats []int16 // per column: 0 text, 1 binary
	op      exec.Operator
	tag     string // command tag ("SELECT" gets the row count appended)
	ran     bool   // a statement without rows has run
	hold    bool   // a cursor declared WITH HOLD
	// returning: an INSERT, UPDATE or DELETE ... RETURNING, which changes
	// rows when executed and then sends them (cols are its RETURNING
	// list's).
	returning bool

	rec  arrow.Record
	row  int
	done bool
	// selecting: the operator hands out batches with the indexes of their
	// rows to send (sel; nil: every row), not copies of those rows.
	selecting bool
	sel       []int32
	// outs write encFor's columns in encFormats.
	outs       []outColumn
	encFor     arrow.Record
	encFormats []int16
	// fetchLeft is, for a FETCH n portal an Execute row limit suspended,
	// the rows it has still to send (fetchStarted: it began).
	fetchLeft    int64
	fetchStarted bool
	fetchAll     bool // the FETCH sends every row left (fetchLeft unused)
	// keptRun is, for a FETCH of a SCROLL cursor, the rows it has still to
	// send.
	keptRun keptRun
	// A cursor's position (scroll.go): pos 0 before the first row, k on
	// row k; atEnd past the last (pos is then one more than the rows).
	pos   int64
	atEnd bool
	// kept holds a SCROLL cursor's rows read so far.
	kept *keptRows
	// ctx is the operator's context, for the portal's life: a result read
	// by several Executes (a fetch size, a cursor) runs on between them
	// (parallel scans keep the context of their first batch). An
	// Execute's cancel request or statement timeout cancels it (follow).
	ctx    context.Context
	cancel context.CancelCauseFunc
}

// follow returns the portal's context, cancelled with ctx's cause when a
// cancel request or statement_timeout cancels ctx (one Execute's); stop
// ends the link.
func (p *portal) follow(ctx context.Context) (pctx context.Context, stop func()) {
	if p.ctx == nil {
		p.ctx, p.cancel = context.WithCancelCause(context.Background())
	}
	after := context.AfterFunc(ctx, func() {
		if cause := context.Cause(ctx); errors.Is(cause, errCanceled) || errors.Is(cause, errTimedOut) {
			p.cancel(cause)
		}
	})
	return p.ctx, func() { after() }
}

func (p *portal) close() {
	if p.cancel != nil {
		p.cancel(nil)
	}
	if p.op != nil {
		p.op.Close()
		p.op = nil
	}
	p.rec = nil
}

// release frees the portal's rows for good: close, and a SCROLL cursor's
// kept rows (close runs when its rows are all read; they stay).
func (p *portal) release() {
	p.close()
	if p.kept != nil {
		p.kept.release()
	}
}

// expandFormats applies Bind's result-format codes to n columns: none means
// text, one applies to all, else one per column.
func expandFormats(codes []int16, n int) ([]int16, error) {
	out := make([]int16, n)
	switch len(codes) {
	case 0:
	case 1:
		for i := range out {
			out[i] = codes[0]
		}
	default:
		if len(codes) != n {
			return nil, &planner.Error{Code: "08P01", Msg: fmt.Sprintf("bind message has %d result formats but query has %d columns", len(codes), n)}
		}
		copy(out, codes)
	}
	for _, f := range out {
		if f != 0 && f != 1 {
			return nil, &planner.Error{Code: "22023", Msg: fmt.Sprintf("unsupported format code: %d", f)}
		}
	}
	return out, nil
}

// open makes a portal for stmt: queries are planned and opened (their rows
// flow when executed), SHOW computes its row, FETCH takes its cursor's
// columns; every other statement runs when executed.
func (c *conn) open(ctx context.Context, stmt *sql.Statement, params []any, formats []int16, plan *planner.Query) (*portal, error) {
	if stmt.Kind == sql.Execute {
		// The prepared statement runs in its place, with the arguments'
		// values; its tag is the statement's (SELECT 3, INSERT 0 1).
		inner, vals, err := c.executeArgs(ctx, stmt)
		if err != nil {
			return nil, err
		}
		stmt, params = inner, vals
	}
	p := &portal{stmt: stmt, params: params}
	// Planning runs under the portal's context, which ctx's cancellation
	// (CancelRequest, statement_timeout) cancels while it lasts, and the
	// portal's runs later use: per-row subqueries stop with it.
	ctx, stop := p.follow(ctx)
	defer stop()
	switch stmt.Kind {
	case sql.Select, sql.Explain:
		q := plan
		var op exec.Operator
		var err error
		if plan != nil { // planned at Parse
			var ec *exec.Ctx
			if op, ec, err = c.srv.Planner.Open(c.sess.plannerSession(), plan); err == nil {
				ec.Context = ctx
			}
		} else {
			q, op, err = c.srv.Planner.Run(ctx, c.sess.plannerSession(), stmt, params)
		}
		if err != nil {
			return nil, err
		}
		p.cols, p.op, p.plan = q.Cols, op, q
		// Rows are encoded one by one: a filtered scan need not copy them.
		if s, ok := op.(exec.Selector); ok && s.SelectRows() {
			p.selecting = true
		}
		p.tag = "SELECT"
		if stmt.Kind == sql.Explain {
			p.tag = "EXPLAIN"
		}
	case sql.Copy:
		if stmt.Copy.From {
			ci, err := c.srv.Planner.BeginCopy(c.sess.plannerSession(), stmt.Copy)
			if err != nil {
				return nil, err
			}
			p.copyIn = ci
			break
		}
		q, op, err := c.srv.Planner.Run(ctx, c.sess.plannerSession(), stmt.Inner, params)
		if err != nil {
			return nil, err
		}
		p.copyCols, p.op, p.plan = q.Cols, op, q
		if s, ok := op.(exec.Selector); ok && s.SelectRows() {
			p.selecting = true
		}
	case sql.Insert, sql.Update, sql.Delete:
		if stmt.Returning != nil {
			cols, _, err := c.srv.Planner.DescribeParams(ctx, c.sess.plannerSession(), stmt)
			if err != nil {
				return nil, err
			}
			p.cols, p.returning = cols, true
		}
	case sql.Show:
		cols, op, err := c.show(stmt)
		if err != nil {
			return nil, err
		}
		p.cols, p.op, p.tag = cols, op, "SHOW"
	case sql.Fetch:
		cur, ok := c.cursors[stmt.Name]
		if !ok {
			return nil, &planner.Error{Code: "34000", Msg: fmt.Sprintf("cursor %q does not exist", stmt.Name)}
		}
		p.cols = cur.cols
	}
	var err error
	if p.formats, err = expandFormats(formats, len(p.cols)); err != nil {
		p.close()
		return nil, err
	}
	c.fetchFormats(p, formats)
	return p, nil
}

// fetchFormats gives a FETCH portal bound without binary formats of its
// own its cursor's formats, which it sends and describes: binary for a
// BINARY cursor.
func (c *conn) fetchFormats(p *portal, codes []int16) {
	if cur := c.cursors[p.stmt.Name]; p.stmt.Kind == sql.Fetch && cur != nil && !slices.ContainsFunc(codes, func(f int16) bool { return f != 0 }) {
		p.formats = slices.Clone(cur.formats)
	}
}

// run executes p, sending at most maxRows rows (0: all). It sends
// CommandComplete, or PortalSuspended when rows remain.
func (c *conn) run(ctx context.Context, p *portal, maxRows int64) error {
	ctx, stop := p.follow(ctx)
	defer stop()
	switch {
	case p.stmt.Kind == sql.Fetch || p.stmt.Kind == sql.Move:
		return c.fetch(ctx, p, maxRows)
	case p.stmt.Kind == sql.Copy && p.copyIn != nil:
		return c.copyIn(ctx, p)
	case p.stmt.Kind == sql.Copy:
		return c.copyOut(ctx, p)
	case p.returning && !p.ran:
		// INSERT, UPDATE or DELETE ... RETURNING changes the rows now,
		// then sends them.
		n, q, op, err := c.srv.Planner.ChangeReturning(ctx, c.sess.plannerSession(), p.stmt, p.params)
		if err != nil {
			return statementError(ctx, err)
		}
		if c.tx != txIdle {
			c.txWrites += n
		}
		tag := p.stmt.Kind.Verb() + " " + strconv.FormatInt(n, 10)
		if p.stmt.Kind == sql.Insert {
			tag = "INSERT 0 " + strconv.FormatInt(n, 10)
		}
		p.op, p.plan, p.ran, p.tag = op, q, true, tag
		return c.run(ctx, p, maxRows)
	case p.op != nil || p.done:
		n, more, err := c.stream(ctx, p, p.formats, maxRows)
		c.sent = n
		if err != nil {
			return err
		}
		if more {
			c.be.Send(&pgproto3.PortalSuspended{})
			return nil
		}
		tag := p.tag
		if tag == "SELECT" {
			tag = "SELECT " + strconv.FormatInt(n, 10)
		}
		c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
		return nil
	case p.ran:
		// Executing a finished command portal again does nothing.
		c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(p.tag)})
		return nil
	}
	tag, err := c.command(ctx, p)
	if err != nil {
		return err
	}
	p.ran, p.tag = true, tag
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
	return nil
}

// advance makes src.rec hold an unread row, pulling the next batch when
// the current one is used up; ok is false at the end of the rows.
func (src *portal) advance(ctx context.Context) (ok bool, err error) {
	for !src.done {
		if src.rec != nil && src.row < src.rows() {
			return true, nil
		}
		if err := ctx.Err(); err != nil {
			return false, statementError(ctx, err)
		}
		var rec arrow.Record
		var sel []int32
		if src.selecting {
			rec, sel, err = src.op.(exec.Selector).NextSelected(ctx)
		} else {
			rec, err = src.op.Next(ctx)
		}
		if err != nil {
			return false, statementError(ctx, err)
		}
		if rec == nil {
			src.done = true
			src.close()
			break
		}
		src.rec, src.sel, src.row = rec, sel, 0
	}
	return false, nil
}

// rows is the number of rows of src.rec to send.
func (src *portal) rows() int { return rows(src.rec, src.sel) }

// stream sends up to limit rows of src (0: all) as DataRows in the given
// formats. more reports that rows may remain.
func (c *conn) stream(ctx context.Context, src *portal, formats []int16, limit int64) (n int64, more bool, err error) {
	// Rows follow the messages sent before them in c.out; they go out
	// every flushEvery bytes, the rest with the response's end.
	if err := c.be.Flush(); err != nil {
		return 0, false, err
	}
	if !slices.Equal(src.encFormats, formats) {
		src.encFor, src.encFormats = nil, formats
	}
	if limit <= 0 && src.rec == nil && !src.done {
		// A whole result read by workers is encoded on them.
		if cons, ok := src.op.(exec.Consumer); ok && cons.Workers() > 1 {
			n, err := c.streamWorkers(ctx, src, cons, formats)
			return n, false, err
		}
	}
	for limit <= 0 || n < limit {
		ok, err := src.advance(ctx)
		if err != nil || !ok {
			return n, false, err
		}
		if src.encFor != src.rec {
			// Column writers belong to one batch's arrays.
			src.outs = outColumns(src.outs, src.rec, formats, src.cols, c.sess.loc, c.regOID, c.sess.floatDigits())
			src.encFor = src.rec
		}
		k := min(src.rows()-src.row, chunkRows)
		if limit > 0 && int64(k) > limit-n {
			k = int(limit - n)
		}
		c.out.buf = c.rows.appendRows(c.out.buf, src.outs, c.rows.span(src.sel, src.row, k))
		src.row += k
		n += int64(k)
		if len(c.out.buf) >= flushEvery {
			if err := c.out.send(); err != nil {
				return n, false, err
			}
		}
	}
	return n, true, nil
}

// nullKind tells the column writers how to find a column's NULLs.
type nullKind uint8

const (
	noNulls  nullKind = iota
	someNull          // the validity bitmap says
	allNull           // the NULL type: no bitmap, every row NULL
)

func nullKindOf(a arrow.Array) nullKind {
	switch {
	case a.DataType().ID() == arrow.NULL:
		return allNull
	case a.NullN() > 0:
		return someNull
	}
	return noNulls
}

// rowDescription describes cols in the given formats (nil: all text).
func rowDescription(cols []planner.Column, formats []int16) *pgproto3.RowDescription {
	rd := &pgproto3.RowDescription{Fields: make([]pgproto3.FieldDescription, len(cols))}
	for i, col := range cols {
		oid, size := columnType(col)
		f := int16(0)
		if formats != nil {
			f = formats[i]
		}
		typmod := col.Typmod()
		rd.Fields[i] = pgproto3.FieldDescription{Name: []byte(col.Name), TableOID: col.TableOID, TableAttributeNumber: uint16(col.AttNum),
			DataTypeOID: oid, DataTypeSize: size, TypeModifier: typmod, Format: f}
	}
	return rd
}

// textRows is a result of text columns computed by the session (SHOW).
func textRows(names []string, rows [][]string) ([]planner.Column, exec.Operator) {
	fields := make([]arrow.Field, len(names))
	cols := make([]planner.Column, len(names))
	for i, n := range names {
		fields[i] = arrow.Field{Name: n, Type: exec.TypeText, Nullable: true}
		cols[i] = planner.Column{Name: n, Type: exec.TypeText}
	}
	schema := arrow.NewSchema(fields, nil)
	arrays := make([]arrow.Array, len(names))
	for j := range names {
		b := array.NewStringBuilder(memory.DefaultAllocator)
		for _, r := range rows {
			b.Append(r[j])
		}
		arrays[j] = b.NewArray()
		b.Release()
	}
	rec := array.NewRecord(schema, arrays, int64(len(rows)))
	for _, a := range arrays {
		a.Release()
	}
	op := exec.NewValues(schema, rec)
	rec.Release()
	return cols, op
}

func pgTypeAt(cols []planner.Column, j int) uint32 {
	if j < len(cols) {
		return cols[j].PGType
	}
	return 0
}

// scaleAt is column j's numeric display scale (planner.Column.Scale).
func scaleAt(cols []planner.Column, j int) int {
	if j < len(cols) {
		return cols[j].Scale
	}
	return 0
}
