package planner

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// Recent runs its child, a LIMIT over a sort whose first key is time, over
// a window of the table's time range first: the newest rows for a
// descending key ("the latest N points", "the latest N minutes": TSBS
// groupby-orderby-limit, Grafana's newest points), the oldest for an
// ascending one. It then reads a few minutes of rows instead of the whole
// range. If the window yields fewer rows than the LIMIT wants, it is
// widened (four times for buckets, eight for rows, at most three runs) and
// the query runs again, until it covers the whole range: the rows read are
// at most ~4/3 (8/7) of the plain query's, plus each run's fixed cost.
//
// The key is either the scan's time column itself (rule recent_rows) or a
// time bucket an aggregate groups by (rule recent_buckets). Both are
// exact: every row with a time inside the window sorts before every row
// outside it, so once the window yields the LIMIT's rows, they are the
// plain query's. For buckets, the window's lower bound L is itself the
// start of a bucket (bucket(L) = L), and bucket functions are
// non-decreasing with bucket(t) <= t, so the groups whose bucket is >= L
// are exactly the groups of the rows with time >= L, complete; every other
// group sorts after them.
type Recent struct {
	Child Node
	Scan  *Scan     // the scan in Child whose range narrows
	Key   exec.Expr // the bucket, a function of the time column alone; nil: the time column
	Asc   bool      // oldest first (time column only)
	Count int64     // rows the LIMIT returns when enough exist
	Want  int64     // rows (or groups) needed: offset + count
}

func (n *Recent) Columns() []Column { return n.Child.Columns() }
func (n *Recent) Children() []Node  { return []Node{n.Child} }
func (n *Recent) Describe() string {
	if n.Key != nil {
		return fmt.Sprintf("RecentBuckets: %s DESC, the last %d buckets first, window widened x4 until they are found", n.Key, n.Want)
	}
	if n.Asc {
		return fmt.Sprintf("RecentRows: time ASC, the oldest rows first, window widened x8 until %d rows are found", n.Want)
	}
	return fmt.Sprintf("RecentRows: time DESC, the newest rows first, window widened x8 until %d rows are found", n.Want)
}

// withScanRange returns n with scan (found by identity) reading r.
func withScanRange(n Node, scan *Scan, r storage.TimeRange) Node {
	if n == Node(scan) {
		s := *scan
		s.Range = r
		return &s
	}
	return mapChildren(n, func(c Node) Node { return withScanRange(c, scan, r) })
}

// recentOp executes Recent: it finds the window, runs the child over it
// (collecting the few rows a LIMIT returns) and streams them.
type recentOp struct {
	c      *exec.Ctx
	engine *storage.Engine
	n      *Recent
	build  func(Node) (exec.Operator, error)
	out    []arrow.Record
	done   bool
	// What it did, for EXPLAIN ANALYZE: windows run, the last one's
	// bounds, and whether it fell back to the whole range.
	runs   int
	window storage.TimeRange
	whole  bool
}

// AnalyzeNote says which windows ran.
func (o *recentOp) AnalyzeNote() string {
	switch {
	case o.whole:
		return fmt.Sprintf("narrowed runs=%d, then the whole range", o.runs)
	case o.n.Asc:
		return fmt.Sprintf("narrowed runs=%d, window to %s", o.runs, fmtBound(o.window.Max))
	}
	return fmt.Sprintf("narrowed runs=%d, window from %s", o.runs, fmtBound(o.window.Min))
}

func newRecentOp(c *exec.Ctx, engine *storage.Engine, n *Recent, build func(Node) (exec.Operator, error)) *recentOp {
	return &recentOp{c: c, engine: engine, n: n, build: build}
}

func (o *recentOp) Schema() *arrow.Schema { return schemaOf(o.n.Columns()) }

func (o *recentOp) Next(ctx context.Context) (arrow.Record, error) {
	if !o.done {
		o.done = true
		recs, err := o.run(ctx)
		if err != nil {
			return nil, err
		}
		o.out = recs
	}
	if len(o.out) == 0 {
		return nil, nil
	}
	rec := o.out[0]
	o.out = o.out[1:]
	return rec, nil
}

func (o *recentOp) Close() {
	for _, r := range o.out {
		r.Release()
	}
	o.out = nil
}

// run tries windows from the newest (or oldest) rows on, then the whole
// range.
func (o *recentOp) run(ctx context.Context) ([]arrow.Record, error) {
	full := o.n.Scan.Range
	if full == (storage.TimeRange{}) {
		full = storage.AllTime()
	}
	whole := func() ([]arrow.Record, error) {
		o.whole = true
		return o.collect(ctx, o.n.Child)
	}
	if call, ok := o.n.Key.(*exec.Call); ok && call.Name == "date_trunc" && !fixedZone(o.c.Location) {
		return whole()
	}
	dmin, dmax, rows, ok := o.engine.TimeBounds(o.n.Scan.DB, o.n.Scan.Table)
	if !ok {
		return whole()
	}
	lo, hi := max(full.Min, dmin), full.Max
	if dmax < math.MaxInt64 {
		hi = min(hi, dmax+1)
	}
	if hi <= lo {
		return whole()
	}
	span, ok := o.firstSpan(dmin, dmax, lo, hi, rows)
	for ok && span < hi-lo {
		if o.n.Key == nil && o.runs == maxRecentRowsRuns {
			break
		}
		var w storage.TimeRange
		w, span, ok = o.windowOf(full, lo, hi, span)
		if !ok || span >= hi-lo {
			break
		}
		o.runs++
		o.window = w
		recs, err := o.collect(ctx, withScanRange(o.n.Child, o.n.Scan, w))
		if err != nil {
			return nil, err
		}
		var got int64
		for _, r := range recs {
			got += r.NumRows()
		}
		if got >= o.n.Count {
			return recs, nil
		}
		for _, r := range recs {
			r.Release()
		}
		grow := int64(4)
		if o.n.Key == nil {
			grow = 8
		}
		if span > (hi-lo)/grow {
			break // the next window would cover the whole range
		}
		span *= grow
	}
	return whole()
}

// maxRecentRowsRuns bounds the narrowed runs of recent_rows (windows
// growing eight times each) before the whole range: each run has a fixed
// cost, so a filter that passes few rows anywhere must not take many.
const maxRecentRowsRuns = 3

// firstSpan is the first window's length: the last Want buckets before hi,
// or for rows twice the span that holds Want rows at the table's average
// density (its rows over its time span [dmin, dmax], not the query's
// range: a narrow range holds fewer of the rows).
func (o *recentOp) firstSpan(dmin, dmax, lo, hi, rows int64) (int64, bool) {
	if o.n.Key == nil {
		if rows <= 0 {
			return 0, false
		}
		span := (float64(dmax) - float64(dmin) + 1) * float64(o.n.Want) * 2 / float64(rows)
		if span >= float64(hi-lo) {
			return 0, false
		}
		return max(int64(span), 1), true
	}
	start, ok := o.bucket(hi - 1)
	for i := int64(1); ok && i < o.n.Want && start > lo; i++ {
		start, ok = o.bucket(start - 1)
	}
	return hi - start, ok
}

// windowOf returns the window of about span at the newest (oldest) end of
// [lo, hi) within the scan's range full, and its length: for buckets it
// starts at a bucket's start.
func (o *recentOp) windowOf(full storage.TimeRange, lo, hi, span int64) (storage.TimeRange, int64, bool) {
	switch {
	case o.n.Key != nil:
		start, ok := o.bucket(hi - span)
		return storage.TimeRange{Min: start, Max: full.Max}, hi - start, ok
	case o.n.Asc:
		return storage.TimeRange{Min: full.Min, Max: lo + span}, span, true
	}
	return storage.TimeRange{Min: hi - span, Max: full.Max}, span, true
}

// bucket returns the start of the bucket holding t; false if the key
// cannot say (an error or NULL: the plain query reports it).
func (o *recentOp) bucket(t int64) (int64, bool) {
	if t == math.MinInt64 {
		return 0, false
	}
	x := mapColumns(o.n.Key, func(*exec.Column) exec.Expr {
		return &exec.Literal{V: exec.Timestamp(t), DT: exec.TypeTimestamptz}
	})
	a, err := evalConstant(o.c, x)
	if err != nil {
		return 0, false
	}
	defer a.Release()
	ts, ok := a.(*array.Timestamp)
	if !ok || ts.Len() != 1 || ts.IsNull(0) {
		return 0, false
	}
	b := int64(ts.Value(0))
	if b > t {
		return 0, false // not a floor: do not narrow
	}
	return b, true
}

// collect runs plan n to the end.
func (o *recentOp) collect(ctx context.Context, n Node) ([]arrow.Record, error) {
	op, err := o.build(n)
	if err != nil {
		return nil, err
	}
	return exec.Collect(ctx, op)
}

// fixedZone reports whether loc is UTC or a fixed offset (no daylight
// saving time, no historical changes): date_trunc in it is a floor.
func fixedZone(loc *time.Location) bool {
	if loc == nil || loc == time.UTC {
		return true
	}
	if v, ok := fixedZones.Load(loc); ok {
		return v.(bool)
	}
	fixed := scanZone(loc)
	fixedZones.Store(loc, fixed)
	return fixed
}

var fixedZones sync.Map // *time.Location -> bool

func scanZone(loc *time.Location) bool {
	name, off := time.Date(1900, 1, 1, 0, 0, 0, 0, loc).Zone()
	for y := 1901; y <= 2100; y += 1 {
		for _, m := range []time.Month{time.January, time.July} {
			n, o := time.Date(y, m, 1, 0, 0, 0, 0, loc).Zone()
			if o != off || n != name {
				return false
			}
		}
	}
	return true
}
