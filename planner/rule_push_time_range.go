package planner

import (
	"math"
	"time"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// pushTimeRange moves comparisons of the time column with constants from a
// filter into the scan below it, and comparisons of a time bucket of it
// (time_bucket, date_bin) whose buckets lie on a grid (bucketRange).
// Storage applies the range exactly (and prunes partitions, files, row
// groups and pages with it), so the comparisons leave the filter; other
// buckets' bounds only narrow the range (bucketBound).
func pushTimeRange(n Node) Node {
	n = mapChildren(n, pushTimeRange)
	f, ok := n.(*Filter)
	if !ok {
		return n
	}
	scan, ok := f.Child.(*Scan)
	if !ok {
		return n
	}
	s := *scan
	if s.Range == (storage.TimeRange{}) {
		s.Range = storage.AllTime()
	}
	var rest []exec.Expr
	before := s.Range
	isTime := func(i int) bool { return s.Cols[i].Name == storage.TimeColumn }
	for _, c := range conjuncts(f.Pred) {
		if narrowRange(&s, c) {
			continue
		}
		if r, ok := bucketRange(c, isTime); ok {
			s.Range.Min, s.Range.Max = max(s.Range.Min, r.Min), min(s.Range.Max, r.Max)
			if s.Range.Max <= s.Range.Min {
				s.Range.Min, s.Range.Max = math.MaxInt64, math.MaxInt64 // empty (see narrowTimeRange)
			}
			continue
		}
		rest = append(rest, c)
		// A time bucket's bound narrows the range, and stays a condition;
		// so does an instant's bound on a time without time zone.
		lo, hi, ok := bucketBound(c, isTime)
		if !ok {
			lo, hi, ok = readingBound(c, isTime)
		}
		if ok {
			s.Range.Min, s.Range.Max = max(s.Range.Min, lo), min(s.Range.Max, hi)
			if s.Range.Max <= s.Range.Min {
				s.Range.Min, s.Range.Max = math.MaxInt64, math.MaxInt64 // empty (see narrowTimeRange)
			}
		}
	}
	if len(rest) == len(conjuncts(f.Pred)) && s.Range == before {
		return n
	}
	if pred := andAll(rest); pred != nil {
		return &Filter{Child: &s, Pred: pred}
	}
	return &s
}

// narrowRange applies "time op constant" to the scan's range and reports
// whether it did.
func narrowRange(s *Scan, e exec.Expr) bool {
	return narrowTimeRange(&s.Range, e, func(i int) bool { return s.Cols[i].Name == storage.TimeColumn })
}

// narrowTimeRange narrows r by e when e compares a column isTime accepts
// with a constant time.
func narrowTimeRange(r *storage.TimeRange, e exec.Expr, isTime func(int) bool) bool {
	cmp, ok := e.(*exec.Compare)
	if !ok {
		return false
	}
	op, col, lit := cmp.Op, untyped(cmp.L), cmp.R
	if _, isCol := col.(*exec.Column); !isCol {
		op, col, lit = flip(cmp.Op), untyped(cmp.R), cmp.L
	}
	c, ok := col.(*exec.Column)
	if !ok || c.Index < 0 || !isTime(c.Index) {
		return false
	}
	l, ok := lit.(*exec.Literal)
	if !ok {
		return false
	}
	v, ok := l.V.(exec.Timestamp)
	if !ok {
		return false
	}
	t := int64(v)
	switch op {
	case exec.Ge:
		r.Min = max(r.Min, t)
	case exec.Gt:
		if t == math.MaxInt64 {
			r.Min = r.Max
		} else {
			r.Min = max(r.Min, t+1)
		}
	case exec.Lt:
		r.Max = min(r.Max, t)
	case exec.Le:
		if t < math.MaxInt64-1 {
			r.Max = min(r.Max, t+1)
		}
	case exec.Eq:
		r.Min = max(r.Min, t)
		r.Max = min(r.Max, t+1)
	case exec.Ne:
		// time <> '-infinity' (and <> 'infinity'), which comparisons with
		// times beyond those held become: a bound of the range.
		switch t {
		case exec.TimeNegInfinity:
			r.Min = max(r.Min, t+1)
		case exec.TimeInfinity:
			r.Max = min(r.Max, t)
		default:
			return false
		}
	default:
		return false
	}
	if r.Max <= r.Min {
		// Empty. Not [0, 0): the zero TimeRange means no range at all to
		// storage (time >= '1970-01-01' AND time < '1969-06-01' read
		// every row).
		r.Min, r.Max = math.MaxInt64, math.MaxInt64
	}
	return true
}

// readingBound is the range of stored times (readings: a time column
// declared timestamp without time zone) that a comparison of their
// instants in the session's zone with a constant, __to_instant(time) op t,
// can keep: t's range widened by a day each way, more than any zone's
// offset from UTC.
func readingBound(e exec.Expr, isTime func(int) bool) (lo, hi int64, ok bool) {
	cmp, ok := e.(*exec.Compare)
	if !ok {
		return 0, 0, false
	}
	op, call, lit := cmp.Op, untyped(cmp.L), cmp.R
	if _, isCall := call.(*exec.Call); !isCall {
		op, call, lit = flip(cmp.Op), untyped(cmp.R), cmp.L
	}
	c, isCall := call.(*exec.Call)
	if !isCall || c.Name != "__to_instant" || len(c.Args) != 1 {
		return 0, 0, false
	}
	r := storage.AllTime()
	if !narrowTimeRange(&r, &exec.Compare{Op: op, L: c.Args[0], R: lit}, isTime) {
		return 0, 0, false
	}
	const day = 24 * int64(time.Hour)
	all := storage.AllTime()
	lo, hi = all.Min, all.Max
	if r.Min > all.Min+day && r.Min < all.Max-day {
		lo = r.Min - day
	}
	if r.Max < all.Max-day && r.Max > all.Min+day {
		hi = r.Max + day
	}
	return lo, hi, lo != all.Min || hi != all.Max
}

// untyped is x without the PostgreSQL type the binder marks it with (a
// timestamp without time zone column compared as a timestamptz in a UTC
// session is the column itself, marked).
func untyped(x exec.Expr) exec.Expr {
	if t, ok := x.(*typedExpr); ok {
		return t.x
	}
	return x
}

// flip swaps a comparison's operands: c < x ⇔ x > c.
func flip(op exec.CmpOp) exec.CmpOp {
	switch op {
	case exec.Lt:
		return exec.Gt
	case exec.Le:
		return exec.Ge
	case exec.Gt:
		return exec.Lt
	case exec.Ge:
		return exec.Le
	}
	return op
}
