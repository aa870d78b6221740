package exec

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/stratadb/strata/storage"
)

// ParallelScan reads a snapshot's splits (partitions, files) on several
// goroutines and applies an optional predicate there too, so decoding and
// filtering use every core. Batches come out in no particular order.
// Workers stop when the query is cancelled or the operator closed; Close
// waits for them.
type ParallelScan struct {
	snap    *storage.Snapshot
	pred    Expr
	c       *Ctx
	workers int

	started bool
	// inline reads the snapshot's only split, when small, in the
	// consumer's goroutine: no worker to start and wake.
	inline  storage.RecordReader
	drained bool // the inline reader reached its end
	idx     []int32
	cancel  context.CancelFunc
	// workCtx is the workers' context (the first Next's, with cancel): when
	// it ends before they finish, the rows they did not read are missing,
	// and Next says so instead of ending the result early.
	workCtx context.Context
	out     chan scanItem
	wg      sync.WaitGroup
	cur     arrow.Record
	err     error

	statsMu sync.Mutex
	pages   storage.PageStats

	// selecting: batches come out unfiltered with the indexes of the rows
	// the predicate keeps (NextSelected), not gathered (Next).
	selecting bool
	curSel    []int32
}

// Selector is an operator that can return each batch with the indexes of
// the rows it keeps instead of a copy of those rows: a consumer that reads
// rows one by one (the PostgreSQL endpoint's encoder) spares the gather of
// every column. SelectRows asks for that before the first NextSelected and
// reports whether the operator can; NextSelected's record and indexes are
// valid until the next call (nil indexes: every row).
type Selector interface {
	Operator
	SelectRows() bool
	NextSelected(ctx context.Context) (arrow.Record, []int32, error)
}

// Consumer is an operator that can hand its batches to workers in their
// own goroutines (ParallelScan, a Project of its columns, EXPLAIN
// ANALYZE's wrapper of one); Workers is 0 when it cannot. Consume reads
// the whole input, calling fn(w, rec, sel) with each batch in the
// goroutine of worker w (0 <= w < Workers()): fn runs on several
// goroutines at once, never on two for one w, and rec and sel are valid
// only during the call. sel is nil unless SelectRows was called (then it
// holds the indexes of the rows to use; nil: all). The first error stops
// the workers and is returned.
type Consumer interface {
	Workers() int
	Consume(ctx context.Context, fn func(w int, rec arrow.Record, sel []int32) error) error
}

// SelectRows implements Selector; it must come before the first batch.
func (p *ParallelScan) SelectRows() bool {
	if p.started {
		return false
	}
	p.selecting = true
	return true
}

// NextSelected implements Selector.
func (p *ParallelScan) NextSelected(ctx context.Context) (arrow.Record, []int32, error) {
	rec, err := p.Next(ctx)
	if rec == nil || err != nil {
		return rec, nil, err
	}
	return rec, p.curSel, nil
}

type scanItem struct {
	rec arrow.Record
	sel []int32 // with selecting: the kept rows of rec (nil: all)
	err error
}

// inlineRows bounds the split a scan reads in the consumer's goroutine:
// below it a worker saves nothing (one host over hours of a day file is
// ~20k candidate rows, read from cached pages in ~0.1 ms), above it a
// worker decodes while the consumer works on the previous batch.
const inlineRows = 1 << 16

// NewParallelScan scans req with up to workers goroutines (0: GOMAXPROCS),
// keeping rows where pred (nil: all) is true.
func NewParallelScan(c *Ctx, engine *storage.Engine, req storage.ScanRequest, pred Expr, workers int) (*ParallelScan, error) {
	snap, err := engine.Snapshot(req)
	if err != nil {
		return nil, err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return &ParallelScan{snap: snap, pred: pred, c: c, workers: workers}, nil
}

func (p *ParallelScan) Schema() *arrow.Schema { return p.snap.Schema() }

func (p *ParallelScan) start(ctx context.Context) error {
	p.started = true
	splits := p.snap.Splits()
	if len(splits) == 1 && splits[0].EstimatedRows() <= inlineRows {
		r, err := splits[0].Open(ctx)
		if err != nil {
			return err
		}
		p.inline = r
		return nil
	}
	ctx, p.cancel = context.WithCancel(ctx)
	p.workCtx = ctx
	p.out = make(chan scanItem, 2*p.workers)
	report := func(err error) {
		select {
		case p.out <- scanItem{err: err}:
		case <-ctx.Done():
		}
	}
	p.spread(ctx, splits, &p.wg, func(_ int, sp *storage.Split, idx *[]int32) error {
		return p.readSplit(ctx, sp, idx, func(rec arrow.Record, sel []int32) error {
			select {
			case p.out <- scanItem{rec: rec, sel: sel}:
				return nil
			case <-ctx.Done():
				rec.Release()
				return ctx.Err()
			}
		})
	}, report)
	go func() {
		p.wg.Wait()
		close(p.out)
	}()
	return nil
}

// spread reads splits on up to Workers() goroutines added to wg, each
// taking the next unread split and calling do with its worker number and
// filter scratch; a worker stops at ctx's end or at its first error or
// panic (a bug, logged), which it passes to fail.
func (p *ParallelScan) spread(ctx context.Context, splits []*storage.Split, wg *sync.WaitGroup, do func(w int, sp *storage.Split, idx *[]int32) error, fail func(error)) {
	var next atomic.Int64
	for w := 0; w < min(p.Workers(), len(splits)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if err := recovered(recover()); err != nil {
					fail(err)
				}
			}()
			var idx []int32
			for {
				i := int(next.Add(1) - 1)
				if i >= len(splits) || ctx.Err() != nil {
					return
				}
				if err := do(w, splits[i], &idx); err != nil {
					fail(err)
					return
				}
			}
		}()
	}
}

// readSplit reads one split, passing each batch the predicate keeps (with
// the kept rows' indexes when the scan is selecting) to fn, which owns it.
func (p *ParallelScan) readSplit(ctx context.Context, sp *storage.Split, idx *[]int32, fn func(rec arrow.Record, sel []int32) error) error {
	r, err := sp.Open(ctx)
	if err != nil {
		return err
	}
	defer r.Release()
	defer p.addPageStats(r)
	for r.Next() {
		rec, sel, err := p.filter(r.Record(), idx)
		if err != nil {
			return err
		}
		if rec == nil {
			continue
		}
		if err := fn(rec, sel); err != nil {
			return err
		}
	}
	return r.Err()
}

// addPageStats adds the pages reader r read, took from the cache and
// skipped to the scan's counts (EXPLAIN ANALYZE).
func (p *ParallelScan) addPageStats(r storage.RecordReader) {
	if ps, ok := r.(interface{ PageStats() storage.PageStats }); ok {
		st := ps.PageStats()
		p.statsMu.Lock()
		p.pages.Add(st)
		p.statsMu.Unlock()
	}
}

// filter returns the rows of rec the predicate keeps, as a record the caller
// owns, or nil when it keeps none. Kept rows that are one run (a series'
// rows in a page of a file sorted by series) come back as a zero-copy slice
// of rec; others are gathered, or, when the scan is selecting, come back as
// rec itself with their indexes (a fresh slice). idx is scratch.
func (p *ParallelScan) filter(rec arrow.Record, idx *[]int32) (arrow.Record, []int32, error) {
	if p.pred == nil {
		rec.Retain()
		return rec, nil, nil
	}
	mask, err := p.pred.Eval(p.c, rec)
	if err != nil {
		return nil, nil, err
	}
	defer mask.Release()
	b := mask.(*array.Boolean)
	n := b.Len()
	sel := selectTrue(b, (*idx)[:0])
	*idx = sel
	count := len(sel)
	switch {
	case count == 0:
		return nil, nil, nil
	case count == n:
		rec.Retain()
		return rec, nil, nil
	case int(sel[count-1]-sel[0])+1 == count:
		return rec.NewSlice(int64(sel[0]), int64(sel[count-1]+1)), nil, nil
	}
	if p.selecting {
		rec.Retain()
		return rec, slices.Clone(sel), nil // handed on with rec
	}
	out, err := takeRecord(rec, sel)
	return out, nil, err
}

// nextInline returns the next filtered record of the only split.
func (p *ParallelScan) nextInline(ctx context.Context) (arrow.Record, error) {
	for p.inline.Next() {
		rec, sel, err := p.filter(p.inline.Record(), &p.idx)
		if err != nil {
			p.err = err
			return nil, err
		}
		if rec != nil {
			p.cur, p.curSel = rec, sel
			return rec, nil
		}
	}
	err := p.inline.Err()
	p.closeInline()
	if err != nil {
		p.err = err
		return nil, err
	}
	p.drained = true
	return nil, ctx.Err()
}

// closeInline counts the inline reader's pages and releases it.
func (p *ParallelScan) closeInline() {
	if p.inline != nil {
		p.addPageStats(p.inline)
		p.inline.Release()
		p.inline = nil
	}
}

func (p *ParallelScan) Next(ctx context.Context) (arrow.Record, error) {
	if p.cur != nil {
		p.cur.Release()
		p.cur, p.curSel = nil, nil
	}
	if p.err != nil {
		return nil, p.err
	}
	if !p.started {
		if err := p.start(ctx); err != nil {
			p.err = err
			return nil, err
		}
	}
	if p.inline != nil {
		return p.nextInline(ctx)
	}
	if p.drained {
		return nil, ctx.Err()
	}
	select {
	case item, ok := <-p.out:
		if !ok {
			if err := context.Cause(p.workCtx); err != nil {
				p.err = err // the workers stopped early: the rows are not all there
				return nil, err
			}
			return nil, ctx.Err()
		}
		if item.err != nil {
			p.err = item.err
			return nil, item.err
		}
		p.cur, p.curSel = item.rec, item.sel
		return item.rec, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Workers is the number of goroutines Consume calls its function on.
func (p *ParallelScan) Workers() int { return max(p.workers, 1) }

// Consume implements Consumer: each filtered batch (with the indexes of
// its kept rows when selecting). A small single split is read in the
// caller's goroutine as worker 0. The scan is used up: Next returns no
// more rows.
func (p *ParallelScan) Consume(ctx context.Context, fn func(w int, rec arrow.Record, sel []int32) error) error {
	if p.started || p.err != nil {
		return fmt.Errorf("scan: Consume after Next")
	}
	p.started, p.drained = true, true
	splits := p.snap.Splits()
	// consume hands worker w's batch to fn and releases it.
	consume := func(ctx context.Context, w int, sp *storage.Split, idx *[]int32) error {
		return p.readSplit(ctx, sp, idx, func(rec arrow.Record, sel []int32) error {
			err := fn(w, rec, sel)
			rec.Release()
			if err != nil {
				return err
			}
			return ctx.Err()
		})
	}
	if len(splits) == 1 && splits[0].EstimatedRows() <= inlineRows {
		var idx []int32
		return consume(ctx, 0, splits[0], &idx)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg      sync.WaitGroup
		errOnce sync.Once
		first   error
	)
	p.spread(ctx, splits, &wg, func(w int, sp *storage.Split, idx *[]int32) error {
		return consume(ctx, w, sp, idx)
	}, func(err error) {
		errOnce.Do(func() { first = err })
		cancel()
	})
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// AnalyzeNote reports, for EXPLAIN ANALYZE, the data pages the scan read
// from files, took from the page cache and skipped by statistics.
func (p *ParallelScan) AnalyzeNote() string {
	p.statsMu.Lock()
	defer p.statsMu.Unlock()
	st := p.pages
	if st == (storage.PageStats{}) {
		return ""
	}
	return fmt.Sprintf("pages read=%d cached=%d skipped=%d", st.Read, st.Cached, st.Skipped)
}

func (p *ParallelScan) Close() {
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
	p.closeInline()
	if p.out != nil {
		p.cancel()
		for item := range p.out { // drain so workers can exit
			if item.rec != nil {
				item.rec.Release()
			}
		}
	}
	if p.snap != nil {
		p.snap.Release()
		p.snap = nil
	}
}

// recovered turns a panic in a worker goroutine (a bug) into the query's
// error, logging its stack, so that it fails the query and not the server;
// nil when there was none.
func recovered(p any) error {
	if p == nil {
		return nil
	}
	slog.Error("exec: panic in a query worker; this is a bug", "panic", p, "stack", string(debug.Stack()))
	return fmt.Errorf("%w in a query worker (a bug; the server log has its stack): %v", ErrInternal, p)
}

// ErrInternal marks a query's failure from a bug (a recovered panic), so
// that it is reported as one (XX000) whatever its message says.
var ErrInternal = errors.New("internal error")
