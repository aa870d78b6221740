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

// recentBuckets finds Limit / Sort(bucket DESC, ...) / [Project|Filter]* /
// Aggregate(bucket, ...) / Filter* / Scan and wraps it in Recent.
func recentBuckets(n Node) Node {
	n = mapChildren(n, recentBuckets)
	l, ok := n.(*Limit)
	if !ok || l.Count <= 0 || l.Want() > maxRecentBuckets {
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
	return &Recent{Child: n, Scan: scan, Key: agg.Keys[idx], Count: l.Count, Want: l.Want()}
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
