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

// RecentBuckets runs its child, a LIMIT over a sort whose first key is a
// time bucket DESC over an aggregate grouped by that bucket, on the table's
// last buckets first: "the latest N minutes" (TSBS groupby-orderby-limit,
// Grafana's newest points) then reads a few minutes of rows instead of
// every row before the upper bound. If the window yields fewer rows than
// the LIMIT wants, it is widened four times and the query runs again,
// until it covers the whole range; the total work is at most ~4/3 of the
// plain query's.
//
// It is exact: the window's lower bound L is itself the start of a bucket
// (bucket(L) = L), and bucket functions are non-decreasing with bucket(t)
// <= t, so the groups whose bucket is >= L are exactly the groups of the
// rows with time >= L, complete; every other group sorts after them.
type RecentBuckets struct {
	Child Node
	Scan  *Scan     // the scan in Child whose range narrows
	Key   exec.Expr // the bucket: a function of the time column alone
	Count int64     // rows the LIMIT returns when enough groups exist
	Want  int64     // groups needed: offset + count
}

func (n *RecentBuckets) Columns() []Column { return n.Child.Columns() }
func (n *RecentBuckets) Children() []Node  { return []Node{n.Child} }
func (n *RecentBuckets) Describe() string {
	return fmt.Sprintf("RecentBuckets: %s DESC, the last %d buckets first, window widened x4 until they are found", n.Key, n.Want)
}

// maxRecentBuckets bounds the LIMIT the rule takes on: the first window is
// found by stepping back one bucket at a time.
const maxRecentBuckets = 1000

// bucketFuncs are the bucket functions the rule knows: non-decreasing in
// time, bucket(t) <= t, bucket(bucket(t)) = bucket(t).
var bucketFuncs = map[string]bool{"time_bucket": true, "date_bin": true, "date_trunc": true}

// recentBuckets finds Limit / Sort(bucket DESC, ...) / [Project|Filter]* /
// Aggregate(bucket, ...) / Filter* / Scan and wraps it in RecentBuckets.
func recentBuckets(n Node) Node {
	n = mapChildren(n, recentBuckets)
	l, ok := n.(*Limit)
	if !ok || l.Count <= 0 || l.Offset+l.Count > maxRecentBuckets {
		return n
	}
	s, ok := l.Child.(*Sort)
	if !ok || len(s.Keys) == 0 || !s.Keys[0].Desc {
		return n
	}
	col, ok := s.Keys[0].Expr.(*exec.Column)
	if !ok {
		return n
	}
	idx := col.Index
	var agg *Aggregate
	for child := s.Child; agg == nil; {
		switch c := child.(type) {
		case *Project:
			ref, ok := c.Exprs[idx].(*exec.Column)
			if !ok {
				return n
			}
			idx, child = ref.Index, c.Child
		case *Filter:
			child = c.Child
		case *Aggregate:
			agg = c
		default:
			return n
		}
	}
	if idx >= len(agg.Keys) {
		return n
	}
	child := agg.Child
	for {
		f, ok := child.(*Filter)
		if !ok {
			break
		}
		child = f.Child
	}
	scan, ok := child.(*Scan)
	if !ok || !isTimeBucket(agg.Keys[idx], scan) {
		return n
	}
	return &RecentBuckets{Child: n, Scan: scan, Key: agg.Keys[idx], Count: l.Count, Want: l.Offset + l.Count}
}

// isTimeBucket reports whether key is a bucket function of the scan's time
// column itself, every other argument constant, that is a floor for every
// time: fixed-width date_bin/time_bucket (any origin), time_bucket by months
// from its default origin (the 1st: a later day would roll over in short
// months, so a bucket could start after its rows), and date_trunc without
// a zone argument (the session zone is checked when the query runs:
// daylight saving time makes truncation skip ahead in a repeated hour).
func isTimeBucket(key exec.Expr, scan *Scan) bool {
	call, ok := key.(*exec.Call)
	if !ok || !bucketFuncs[call.Name] || len(call.Args) < 2 {
		return false
	}
	switch call.Name {
	case "date_trunc":
		if len(call.Args) != 2 {
			return false
		}
	default:
		w, ok := call.Args[0].(*exec.Literal)
		if !ok {
			return false
		}
		iv, ok := w.V.(arrow.MonthDayNanoInterval)
		if !ok || iv.Months < 0 || iv.Days < 0 || iv.Nanoseconds < 0 || iv.Months > 0 && len(call.Args) > 2 {
			return false
		}
		// Not with a time zone or an offset (time_bucket's third and
		// later arguments other than an origin).
		if len(call.Args) > 3 || len(call.Args) == 3 && call.Args[2].Type().ID() != arrow.TIMESTAMP {
			return false
		}
	}
	for i, a := range call.Args {
		if i == 1 {
			c, ok := a.(*exec.Column)
			if !ok || c.Index >= len(scan.Cols) || scan.Cols[c.Index].Name != storage.TimeColumn {
				return false
			}
			continue
		}
		if !constantTree(a) {
			return false
		}
	}
	return true
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

// recentBucketsOp executes RecentBuckets: it finds the window, runs the
// child over it (collecting the few rows a LIMIT returns) and streams them.
type recentBucketsOp struct {
	c      *exec.Ctx
	engine *storage.Engine
	n      *RecentBuckets
	build  func(Node) (exec.Operator, error)
	out    []arrow.Record
	done   bool
	// What it did, for EXPLAIN ANALYZE: windows run, the last one's start,
	// and whether it fell back to the whole range.
	runs  int
	from  int64
	whole bool
}

// AnalyzeNote says which windows ran.
func (o *recentBucketsOp) AnalyzeNote() string {
	if o.whole {
		return fmt.Sprintf("narrowed runs=%d, then the whole range", o.runs)
	}
	return fmt.Sprintf("narrowed runs=%d, window from %s", o.runs, fmtBound(o.from))
}

func newRecentBucketsOp(c *exec.Ctx, engine *storage.Engine, n *RecentBuckets, build func(Node) (exec.Operator, error)) *recentBucketsOp {
	return &recentBucketsOp{c: c, engine: engine, n: n, build: build}
}

func (o *recentBucketsOp) Schema() *arrow.Schema { return schemaOf(o.n.Columns()) }

func (o *recentBucketsOp) Next(ctx context.Context) (arrow.Record, error) {
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

func (o *recentBucketsOp) Close() {
	for _, r := range o.out {
		r.Release()
	}
	o.out = nil
}

// run tries windows from the newest buckets back, then the whole range.
func (o *recentBucketsOp) run(ctx context.Context) ([]arrow.Record, error) {
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
	dmin, dmax, ok := o.engine.TimeBounds(o.n.Scan.DB, o.n.Scan.Table)
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
	// The first window: the last Want buckets before hi.
	start, ok := o.bucket(hi - 1)
	for i := int64(1); ok && i < o.n.Want && start > lo; i++ {
		start, ok = o.bucket(start - 1)
	}
	for ok && start > lo {
		narrowed := withScanRange(o.n.Child, o.n.Scan, storage.TimeRange{Min: start, Max: full.Max})
		o.runs++
		o.from = start
		recs, err := o.collect(ctx, narrowed)
		if err != nil {
			return nil, err
		}
		var rows int64
		for _, r := range recs {
			rows += r.NumRows()
		}
		if rows >= o.n.Count {
			return recs, nil
		}
		for _, r := range recs {
			r.Release()
		}
		span := hi - start
		if span > (hi-lo)/4 {
			break // four times the window covers the whole range
		}
		start, ok = o.bucket(hi - 4*span)
	}
	return whole()
}

// bucket returns the start of the bucket holding t; false if the key
// cannot say (an error or NULL: the plain query reports it).
func (o *recentBucketsOp) bucket(t int64) (int64, bool) {
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
func (o *recentBucketsOp) collect(ctx context.Context, n Node) ([]arrow.Record, error) {
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
