package exec

import (
	"context"
	"fmt"
	"runtime"
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
	cancel  context.CancelFunc
	out     chan scanItem
	wg      sync.WaitGroup
	cur     arrow.Record
	err     error

	statsMu sync.Mutex
	pages   storage.PageStats
}

type scanItem struct {
	rec arrow.Record
	err error
}

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

func (p *ParallelScan) start(ctx context.Context) {
	p.started = true
	ctx, p.cancel = context.WithCancel(ctx)
	splits := p.snap.Splits()
	p.out = make(chan scanItem, 2*p.workers)
	var next atomic.Int64
	n := min(p.workers, len(splits))
	for w := 0; w < n; w++ {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(splits) || ctx.Err() != nil {
					return
				}
				if err := p.readSplit(ctx, splits[i]); err != nil {
					select {
					case p.out <- scanItem{err: err}:
					case <-ctx.Done():
					}
					return
				}
			}
		}()
	}
	go func() {
		p.wg.Wait()
		close(p.out)
	}()
}

func (p *ParallelScan) readSplit(ctx context.Context, sp *storage.Split) error {
	r, err := sp.Open(ctx)
	if err != nil {
		return err
	}
	defer r.Release()
	if ps, ok := r.(interface{ PageStats() storage.PageStats }); ok {
		defer func() {
			st := ps.PageStats()
			p.statsMu.Lock()
			p.pages.Add(st)
			p.statsMu.Unlock()
		}()
	}
	var idx []int32
	for r.Next() {
		rec := r.Record()
		if p.pred != nil {
			mask, err := p.pred.Eval(p.c, rec)
			if err != nil {
				return err
			}
			b := mask.(*array.Boolean)
			idx = idx[:0]
			for i := 0; i < b.Len(); i++ {
				if b.IsValid(i) && b.Value(i) {
					idx = append(idx, int32(i))
				}
			}
			mask.Release()
			if len(idx) == 0 {
				continue
			}
			if len(idx) < int(rec.NumRows()) {
				if rec, err = takeRecord(rec, idx); err != nil {
					return err
				}
			} else {
				rec.Retain()
			}
		} else {
			rec.Retain()
		}
		select {
		case p.out <- scanItem{rec: rec}:
		case <-ctx.Done():
			rec.Release()
			return ctx.Err()
		}
	}
	return r.Err()
}

func (p *ParallelScan) Next(ctx context.Context) (arrow.Record, error) {
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
	if p.err != nil {
		return nil, p.err
	}
	if !p.started {
		p.start(ctx)
	}
	select {
	case item, ok := <-p.out:
		if !ok {
			return nil, ctx.Err()
		}
		if item.err != nil {
			p.err = item.err
			return nil, item.err
		}
		p.cur = item.rec
		return item.rec, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
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
	if p.started {
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
