package planner

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// maxRecentBuckets bounds the LIMIT the rule takes on: the first window is
// found by stepping back one bucket at a time.
const maxRecentBuckets = 1000

// bucketFuncs are the bucket functions the rule knows: non-decreasing in
// time, bucket(t) <= t, bucket(bucket(t)) = bucket(t).
var bucketFuncs = map[string]bool{"time_bucket": true, "date_bin": true, "date_trunc": true}

// recentBuckets finds Limit / Project* / Sort(bucket DESC, ...) /
// [Project|Filter]* / Aggregate(bucket, ...) / Filter* / Scan and wraps it
// in Recent.
func recentBuckets(n Node) Node {
	n = mapChildren(n, recentBuckets)
	l, s, idx, ok := limitedSort(n)
	if !ok || l.Want() > maxRecentBuckets || !s.Keys[0].Desc {
		return n
	}
	below, idx, ok := traceColumn(s.Child, idx, func(*Filter) bool { return true })
	agg, isAgg := below.(*Aggregate)
	if !ok || !isAgg || idx >= len(agg.Keys) {
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
	return &Recent{Child: n, Scan: scan, Key: agg.Keys[idx], Count: l.Count, Want: l.Want()}
}

// limitedSort matches Limit (with a count) / Project* / Sort whose first
// key is a column, the shape the recent_* rules narrow, and returns that
// column's index in the sort's input.
func limitedSort(n Node) (*Limit, *Sort, int, bool) {
	l, ok := n.(*Limit)
	if !ok || l.Count <= 0 || l.Ties != nil {
		return nil, nil, 0, false
	}
	child := l.Child
	for {
		p, ok := child.(*Project)
		if !ok {
			break
		}
		child = p.Child
	}
	s, ok := child.(*Sort)
	if !ok || len(s.Keys) == 0 {
		return nil, nil, 0, false
	}
	col, ok := s.Keys[0].Expr.(*exec.Column)
	if !ok {
		return nil, nil, 0, false
	}
	return l, s, col.Index, true
}

// traceColumn follows column idx of n down through projections that pass
// it on unchanged and the filters keep accepts, and returns the first
// other node and the column's index in its output.
func traceColumn(n Node, idx int, keep func(*Filter) bool) (Node, int, bool) {
	for {
		switch c := n.(type) {
		case *Project:
			ref, ok := c.Exprs[idx].(*exec.Column)
			if !ok {
				return nil, 0, false
			}
			idx, n = ref.Index, c.Child
		case *Filter:
			if !keep(c) {
				return nil, 0, false
			}
			n = c.Child
		default:
			return n, idx, true
		}
	}
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
