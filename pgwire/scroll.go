package pgwire

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
)

// A cursor's position is PostgreSQL's: 0 before the first row, k on row k
// (counted from 1), one past the last row once a FETCH or MOVE has run
// off the end (portal.atEnd). FETCH and MOVE come down to five motions.
type fetchKind uint8

const (
	fetchForward  fetchKind = iota // the next count rows (all: count < 0)
	fetchBackward                  // the previous count rows, nearest first (all: count < 0)
	fetchTo                        // row count itself (0: before the first row)
	fetchFromEnd                   // row count from the end (-1: the last)
	fetchCurrent                   // the row the cursor is on, again (FETCH 0, RELATIVE 0)
)

type fetchOp struct {
	kind  fetchKind
	count int64
	back  bool // fetchCurrent: written BACKWARD 0; fetchTo: RELATIVE -n
}

// fetchOpOf reads FETCH/MOVE's direction for a cursor at pos, as
// PostgreSQL's DoPortalRunFetch does: a negative count turns FORWARD and
// BACKWARD round, RELATIVE n is the row n away.
func fetchOpOf(f sql.FetchSpec, pos int64) fetchOp {
	switch f.Direction {
	case sql.FetchAbsolute:
		if f.Count < 0 {
			return fetchOp{kind: fetchFromEnd, count: f.Count}
		}
		return fetchOp{kind: fetchTo, count: f.Count}
	case sql.FetchRelative:
		if f.Count == 0 {
			return fetchOp{kind: fetchCurrent}
		}
		return fetchOp{kind: fetchTo, count: max(0, addSat(pos, f.Count)), back: f.Count < 0}
	}
	back := f.Direction == sql.FetchBackward
	if f.All {
		return fetchOp{kind: map[bool]fetchKind{false: fetchForward, true: fetchBackward}[back], count: -1}
	}
	n := f.Count
	switch {
	case n == 0:
		return fetchOp{kind: fetchCurrent, back: back}
	case n < 0:
		back, n = !back, -max(n, -math.MaxInt64)
	}
	if back {
		return fetchOp{kind: fetchBackward, count: n}
	}
	return fetchOp{kind: fetchForward, count: n}
}

// addSat is a + b, held within int64.
func addSat(a, b int64) int64 {
	switch {
	case b > 0 && a > math.MaxInt64-b:
		return math.MaxInt64
	case b < 0 && a < math.MinInt64-b:
		return math.MinInt64
	}
	return a + b
}

// errForwardOnly is PostgreSQL's error for a cursor not declared SCROLL
// asked to go back.
func errForwardOnly() error {
	return &planner.Error{Code: "55000", Msg: "cursor can only scan forward", // object_not_in_prerequisite_state
		Hint: "Declare it with SCROLL option to enable backward scan."}
}

// forwardOnly checks that op moves a NO SCROLL cursor (Strata's default,
// which reads its rows once, as they are computed) only forward, as
// PostgreSQL checks a cursor whose plan cannot run backward. MOVE
// BACKWARD ALL rewinds, which is nothing to do before the first row; MOVE
// 0 only tells whether the cursor is on a row.
func (cur *portal) forwardOnly(op fetchOp, move bool) error {
	switch op.kind {
	case fetchBackward:
		if !(move && op.count < 0 && cur.pos == 0 && !cur.atEnd) {
			return errForwardOnly()
		}
	case fetchFromEnd:
		return errForwardOnly()
	case fetchTo:
		if op.back || op.count <= cur.pos && !(op.count == 0 && cur.pos == 0 && !cur.atEnd) {
			return errForwardOnly()
		}
	case fetchCurrent:
		// On a row, FETCH reads it again by going back one; off a row,
		// FETCH BACKWARD 0 still asks to go back.
		if !move && (cur.onRow() || op.back) {
			return errForwardOnly()
		}
	}
	return nil
}

// fetchable checks, for a FETCH portal, that a cursor not declared SCROLL
// is not asked to go back (nil for other portals).
func (c *conn) fetchable(p *portal) error {
	if p.stmt.Kind != sql.Fetch {
		return nil
	}
	cur := c.cursors[p.stmt.Name]
	if cur == nil || cur.kept != nil {
		return nil
	}
	return cur.forwardOnly(fetchOpOf(*p.stmt.Fetch, cur.pos), false)
}

// onRow reports that a cursor is on a row (not before the first nor past
// the last).
func (cur *portal) onRow() bool { return cur.pos > 0 && !cur.atEnd }

// keptRows are the rows a SCROLL cursor has read so far, held so that
// FETCH can return to them: its batches (retained) with the rows of each
// to send (sel, nil: all) and the running count of rows after each. They
// take at most limit bytes (the query memory limit), held counts them.
type keptRows struct {
	recs        []arrow.Record
	sels        [][]int32
	ends        []int64
	held, limit int64
}

// sizeText writes a number of bytes in MiB, or KiB below one MiB.
func sizeText(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d MiB", n>>20)
}

func (k *keptRows) count() int64 {
	if len(k.ends) == 0 {
		return 0
	}
	return k.ends[len(k.ends)-1]
}

func (k *keptRows) release() {
	for _, r := range k.recs {
		r.Release()
	}
	k.recs, k.sels, k.ends = nil, nil, nil
}

// keepTo reads cur's rows until it holds row n or they end; ok reports
// that row n exists.
func (cur *portal) keepTo(ctx context.Context, n int64) (ok bool, err error) {
	k := cur.kept
	for k.count() < n {
		more, err := cur.advance(ctx)
		if err != nil || !more {
			return false, err
		}
		size := exec.RecordSize(cur.rec)
		if k.held+size > k.limit {
			return false, &planner.Error{Code: "53200", Msg: fmt.Sprintf("the SCROLL cursor would hold %s of the rows it has read and the query memory limit is %s", sizeText(k.held+size), sizeText(k.limit)),
				Hint: "declare the cursor without SCROLL to stream its rows forward, read fewer rows, or raise --query-memory-limit"}
		}
		k.held += size
		cur.rec.Retain()
		k.recs = append(k.recs, cur.rec)
		k.sels = append(k.sels, slices.Clone(cur.sel)) // the operator reuses its selection
		k.ends = append(k.ends, k.count()+int64(cur.rows()))
		cur.row = cur.rows()
	}
	return true, nil
}

// keepAll reads all of cur's rows; n is their number.
func (cur *portal) keepAll(ctx context.Context) (n int64, err error) {
	_, err = cur.keepTo(ctx, math.MaxInt64)
	return cur.kept.count(), err
}

// keptRun is the rows one FETCH of a SCROLL cursor returns: n rows from
// row first, each step from the one before (1 forward, -1 backward).
type keptRun struct{ first, n, step int64 }

// planKept moves a SCROLL cursor by op and returns the rows it passes
// over or lands on (a FETCH's rows, a MOVE's count).
func (cur *portal) planKept(ctx context.Context, op fetchOp) (keptRun, error) {
	pos := cur.pos
	k := cur.kept
	// end moves the cursor past the last row, which is then known.
	end := func() { cur.pos, cur.atEnd = k.count()+1, true }
	at := func(row int64) { cur.pos, cur.atEnd = row, false }
	switch op.kind {
	case fetchForward:
		if cur.atEnd {
			return keptRun{}, nil
		}
		ok := false
		var err error
		if op.count >= 0 {
			ok, err = cur.keepTo(ctx, addSat(pos, op.count))
		} else {
			_, err = cur.keepAll(ctx)
		}
		if err != nil {
			return keptRun{}, err
		}
		if ok {
			at(pos + op.count)
			return keptRun{pos + 1, op.count, 1}, nil
		}
		end()
		return keptRun{pos + 1, k.count() - pos, 1}, nil
	case fetchBackward:
		if op.count < 0 || pos-op.count < 1 {
			at(0)
			return keptRun{pos - 1, max(0, pos-1), -1}, nil
		}
		at(pos - op.count)
		return keptRun{pos - 1, op.count, -1}, nil
	case fetchTo:
		if op.count <= 0 {
			at(0)
			return keptRun{}, nil
		}
		ok, err := cur.keepTo(ctx, op.count)
		if err != nil {
			return keptRun{}, err
		}
		if !ok {
			end()
			return keptRun{}, nil
		}
		at(op.count)
		return keptRun{op.count, 1, 1}, nil
	case fetchFromEnd:
		n, err := cur.keepAll(ctx)
		if err != nil {
			return keptRun{}, err
		}
		if row := n + 1 + op.count; row >= 1 {
			at(row)
			return keptRun{row, 1, 1}, nil
		}
		at(0)
		return keptRun{}, nil
	}
	if cur.onRow() { // fetchCurrent
		return keptRun{pos, 1, 1}, nil
	}
	return keptRun{}, nil
}

// sendKept sends up to limit (0: all) of run's rows from the cursor's
// kept rows in the given formats, returning the rows sent.
func (c *conn) sendKept(cur *portal, formats []int16, run keptRun, limit int64) (int64, error) {
	if !slices.Equal(cur.encFormats, formats) {
		cur.encFor, cur.encFormats = nil, formats
	}
	k := cur.kept
	var sent int64
	for sent < run.n && (limit <= 0 || sent < limit) {
		row := run.first + sent*run.step // from 1
		b := sort.Search(len(k.ends), func(i int) bool { return k.ends[i] >= row })
		rec := k.recs[b]
		if cur.encFor != rec {
			cur.outs = outColumns(cur.outs, rec, formats, cur.cols, c.sess.loc, c.regOID, c.sess.floatDigits())
			cur.encFor = rec
		}
		start := k.ends[b] - int64(rows(rec, k.sels[b])) // rows before this batch
		i := int(row - start - 1)
		// Forward, the rest of the batch goes at once; backward, a row
		// at a time.
		span := 1
		if run.step > 0 {
			span = int(min(k.ends[b]-row+1, run.n-sent))
			if limit > 0 {
				span = int(min(int64(span), limit-sent))
			}
		}
		c.out.buf = c.rows.appendRows(c.out.buf, cur.outs, c.rows.span(k.sels[b], i, span))
		sent += int64(span)
		if len(c.out.buf) >= flushEvery {
			if err := c.out.send(); err != nil {
				return sent, err
			}
		}
	}
	return sent, nil
}

// rows is the number of rows of rec to send: those sel picks (nil: all).
func rows(rec arrow.Record, sel []int32) int {
	if sel != nil {
		return len(sel)
	}
	return int(rec.NumRows())
}

// fetchKept runs FETCH or MOVE on a SCROLL cursor. An Execute row limit
// sends a FETCH's rows in parts (PortalSuspended between them): the run is
// planned, and the cursor moved, at the first.
func (c *conn) fetchKept(ctx context.Context, p, cur *portal, maxRows int64) error {
	verb := strings.ToUpper(p.stmt.Kind.String())
	if !p.fetchStarted {
		run, err := cur.planKept(ctx, fetchOpOf(*p.stmt.Fetch, cur.pos))
		if err != nil {
			return err
		}
		if p.stmt.Kind == sql.Move {
			c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(verb + " " + strconv.FormatInt(run.n, 10))})
			return nil
		}
		p.fetchStarted, p.keptRun = true, run
	}
	run := p.keptRun
	if err := c.be.Flush(); err != nil {
		return err
	}
	sent, err := c.sendKept(cur, p.formats, run, maxRows)
	if err != nil {
		return err
	}
	p.keptRun = keptRun{run.first + sent*run.step, run.n - sent, run.step}
	if p.keptRun.n > 0 {
		c.be.Send(&pgproto3.PortalSuspended{})
		return nil
	}
	// The tag counts this Execute's rows, as PostgreSQL's: FETCH 0 once
	// all are sent.
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(verb + " " + strconv.FormatInt(sent, 10))})
	return nil
}
