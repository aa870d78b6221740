package planner

import (
	"math"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// pushFilterBelowAggregate moves the conditions of a filter over an
// aggregate (through the projections between them) that read only its
// group keys below it, restated over the rows it groups: a group whose key
// fails the condition loses all its rows, so filtering the rows first
// gives the same groups. WHERE bucket >= X over (SELECT time_bucket('1
// hour', time) AS bucket, ... GROUP BY bucket) - a subquery's, a view's
// refresh window - becomes a filter on time_bucket('1 hour', time) >= X
// over the scan, which push_time_range turns into a time range. Grouping
// sets stay as they are (a rolled-up row's key is NULL), as does an
// aggregate without keys (it answers a row for no rows), and conditions
// with volatile calls or expressions this rule cannot restate.
func pushFilterBelowAggregate(n Node) Node {
	n = mapChildren(n, pushFilterBelowAggregate)
	f, ok := n.(*Filter)
	if !ok {
		return n
	}
	var projs []*Project
	cur := f.Child
	for {
		p, ok := cur.(*Project)
		if !ok {
			break
		}
		projs = append(projs, p)
		cur = p.Child
	}
	agg, ok := cur.(*Aggregate)
	if !ok || len(agg.EmptySets) > 0 || len(agg.Keys) == 0 {
		return n // without keys the aggregate answers a row even for no rows
	}
	if _, grouping := agg.Child.(*Expand); grouping {
		return n
	}
	var pushed, rest []exec.Expr
	for _, c := range conjuncts(f.Pred) {
		if x, ok := restateOverKeys(c, projs, agg); ok {
			pushed = append(pushed, x)
		} else {
			rest = append(rest, c)
		}
	}
	if len(pushed) == 0 {
		return n
	}
	below := *agg
	below.Child = &Filter{Child: agg.Child, Pred: andAll(pushed)}
	// Rebuild the projections over the new aggregate, innermost first.
	var top Node = &below
	for i := len(projs) - 1; i >= 0; i-- {
		p := *projs[i]
		p.Child = top
		top = &p
	}
	if pred := andAll(rest); pred != nil {
		return &Filter{Child: top, Pred: pred}
	}
	return top
}

// restateOverKeys restates condition c, over the output of projs[0]
// (projections down to agg; none: over agg's), over agg's input, when it
// reads only agg's group keys; ok is false otherwise.
func restateOverKeys(c exec.Expr, projs []*Project, agg *Aggregate) (exec.Expr, bool) {
	if !restatable(c) {
		return nil, false
	}
	for _, p := range projs {
		bad := false
		c = mapColumns(c, func(col *exec.Column) exec.Expr {
			if col.Index < 0 || col.Index >= len(p.Exprs) || !restatable(p.Exprs[col.Index]) {
				bad = true
				return col
			}
			return p.Exprs[col.Index]
		})
		if bad {
			return nil, false
		}
	}
	bad := false
	c = mapColumns(c, func(col *exec.Column) exec.Expr {
		if col.Index < 0 || col.Index >= len(agg.Keys) || !restatable(agg.Keys[col.Index]) {
			bad = true // an aggregate's result, or a key this rule cannot restate
			return col
		}
		return agg.Keys[col.Index]
	})
	if bad || hasVolatile(c) {
		return nil, false
	}
	return c, true
}

// restatable reports whether e is built only of the expressions mapExpr
// rebuilds with their column references replaced (and constants).
func restatable(e exec.Expr) bool {
	return !anyExpr(e, func(x exec.Expr) bool {
		switch x.(type) {
		case *exec.Compare, *exec.Logic, *exec.Not, *exec.IsNull, *exec.InList, *exec.Cast, *exec.Arith, *exec.Call,
			*exec.Cond, *exec.Case, *exec.Column, *exec.Literal:
			return false
		}
		return true
	})
}

// bucketBound narrows r by a comparison of a time bucket of the time
// column with a constant time, without consuming it: a bucket starts at
// or before each of its rows and ends within its width after, so
// time_bucket(w, time) >= X holds only for rows of time >= X, and
// time_bucket(w, time) < Y only for rows of time < Y + w (date_bin
// alike; a width of months or a time zone's days vary, and are left).
func bucketBound(e exec.Expr, isTime func(int) bool) (lo, hi int64, ok bool) {
	bc, ok := bucketCompareOf(e, isTime)
	if !ok {
		return 0, 0, false
	}
	t, width := bc.t, bc.width
	all := storage.AllTime()
	storageMax := all.Max
	lo, hi = all.Min, all.Max
	switch bc.op {
	case exec.Ge, exec.Gt, exec.Eq:
		lo = t
		if bc.op == exec.Eq && t <= storageMax-width {
			hi = t + width
		}
	case exec.Lt, exec.Le:
		if t > storageMax-width-1 {
			return 0, 0, false
		}
		hi = t + width
		if bc.op == exec.Le {
			hi++
		}
	default:
		return 0, 0, false
	}
	return lo, hi, true
}

// bucketCompare is a comparison time_bucket(width, time [, origin]) op t
// (or date_bin's), the bucket on the left.
type bucketCompare struct {
	op       exec.CmpOp
	call     *exec.Call
	width, t int64
}

// bucketCompareOf reads e as a bucketCompare over the time column (isTime)
// when its buckets are all width long: no months, no time zone.
func bucketCompareOf(e exec.Expr, isTime func(int) bool) (bucketCompare, bool) {
	cmp, isCmp := e.(*exec.Compare)
	if !isCmp {
		return bucketCompare{}, false
	}
	op, call, lit := cmp.Op, cmp.L, cmp.R
	if _, isCall := call.(*exec.Call); !isCall {
		op, call, lit = flip(cmp.Op), cmp.R, cmp.L
	}
	c, isCall := call.(*exec.Call)
	l, isLit := lit.(*exec.Literal)
	if !isCall || !isLit || (c.Name != "time_bucket" && c.Name != "date_bin") || len(c.Args) < 2 || len(c.Args) > 3 {
		return bucketCompare{}, false
	}
	if len(c.Args) == 3 && c.Args[2].Type().ID() != arrow.TIMESTAMP && c.Args[2].Type().ID() != arrow.INTERVAL_MONTH_DAY_NANO {
		return bucketCompare{}, false // a time zone: its days are not all one width
	}
	wl, isW := c.Args[0].(*exec.Literal)
	col, isCol := c.Args[1].(*exec.Column)
	v, isTs := l.V.(exec.Timestamp)
	if !isW || !isCol || col.Index < 0 || !isTime(col.Index) || !isTs {
		return bucketCompare{}, false
	}
	w, isIv := wl.V.(arrow.MonthDayNanoInterval)
	if !isIv || w.Months != 0 || w.Days < 0 || w.Nanoseconds < 0 || w.Days == 0 && w.Nanoseconds == 0 {
		return bucketCompare{}, false
	}
	return bucketCompare{op: op, call: c, width: int64(w.Days)*int64(86400e9) + w.Nanoseconds, t: int64(v)}, true
}

// bucketRange is the exact time range of the rows for which the bucket
// comparison e holds, when the buckets lie on a grid of one width (an
// origin, or an offset of hours and less): a bucket is at or after X
// exactly for the rows from the first bucket that starts at or after X,
// and before Y for those before the first that starts at or after Y. So
// time_bucket('5 minutes', time) >= '10:02' is time >= '10:05', and the
// condition is consumed. ok is false otherwise.
func bucketRange(e exec.Expr, isTime func(int) bool) (r storage.TimeRange, ok bool) {
	bc, ok := bucketCompareOf(e, isTime)
	if !ok || !exec.IsFiniteTime(bc.t) {
		return r, false
	}
	if len(bc.call.Args) == 3 {
		if off, isIv := bc.call.Args[2].(*exec.Literal); !isIv {
			return r, false
		} else if iv, isOff := off.V.(arrow.MonthDayNanoInterval); isOff && (iv.Months != 0 || iv.Days != 0) {
			return r, false // an offset of days moves with daylight saving
		} else if off.V == nil {
			return r, false
		}
	}
	// The bucket holding t, as the call computes it for a row.
	c := *bc.call
	c.Args = slices.Clone(bc.call.Args)
	c.Args[1] = &exec.Literal{V: exec.Timestamp(bc.t), DT: c.Args[1].Type()}
	a, err := evalConstant(&exec.Ctx{Mem: memory.DefaultAllocator, Location: time.UTC}, &c)
	if err != nil {
		return r, false
	}
	defer a.Release()
	ts, isTs := a.(*array.Timestamp)
	if !isTs || ts.Len() != 1 || ts.IsNull(0) {
		return r, false
	}
	floor, w, t := int64(ts.Value(0)), bc.width, bc.t
	all := storage.AllTime()
	if floor > t || t >= math.MinInt64+w && floor <= t-w || floor > all.Max-w {
		return r, false // not a bucket of t, or its end out of range
	}
	ceil := floor // the first bucket to start at or after t
	if floor != t {
		ceil = floor + w
	}
	r = all
	switch bc.op {
	case exec.Ge:
		r.Min = ceil
	case exec.Gt:
		r.Min = floor + w
	case exec.Lt:
		r.Max = ceil
	case exec.Le:
		r.Max = floor + w
	case exec.Eq:
		if floor != t {
			return storage.TimeRange{Min: math.MaxInt64, Max: math.MaxInt64}, true // no bucket starts at t
		}
		r.Min, r.Max = t, t+w
	default:
		return r, false
	}
	return r, true
}
