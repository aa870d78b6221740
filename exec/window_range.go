package exec

import (
	"cmp"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// rangeOffsets reports whether a RANGE frame has an offset bound.
func (f Frame) rangeOffsets() bool {
	off := func(b Bound) bool { return b.Kind == Preceding || b.Kind == Following }
	return !f.Rows && !f.Groups && (off(f.Start) || off(f.End))
}

// rangeKeys reads a sorted partition's ORDER BY values for RANGE frames
// with offsets. Rows with NULL keys sit together at one end; [lo, hi) are
// the others, sorted ascending or, with desc, descending.
type rangeKeys struct {
	col    *winCol // the key's values by row
	p      []int32 // the partition's rows, sorted
	lo, hi int
	desc   bool
	// The last start and end bound found: the next row's are at or after
	// them (keys shifted by one offset keep their order), so each search
	// starts there and gallops, a step or two a row instead of a binary
	// search over the partition.
	hint [2]int
}

// reset reads partition p.
func (k *rangeKeys) reset(p []int32) {
	k.p, k.lo, k.hi = p, len(p), 0
	for i, r := range p {
		if k.col.ok(r) {
			k.lo = min(k.lo, i)
			k.hi = i + 1
		}
	}
	if k.lo > k.hi {
		k.lo = k.hi
	}
	k.hint = [2]int{k.lo, k.lo}
}

// frame returns row i's RANGE frame [s, e): offset bounds reach the rows
// whose key is within the offset of row i's key (in sort direction); a row
// with a NULL key has its NULL peers as the offset bounds' frame, as in
// PostgreSQL.
func (k *rangeKeys) frame(f Frame, i, peerStart, peerEnd int, loc *time.Location) (int, int, error) {
	s, err := k.bound(f.Start, true, i, peerStart, peerEnd, loc)
	if err != nil {
		return 0, 0, err
	}
	e, err := k.bound(f.End, false, i, peerStart, peerEnd, loc)
	if err != nil {
		return 0, 0, err
	}
	return s, max(s, e), nil
}

func (k *rangeKeys) bound(b Bound, start bool, i, peerStart, peerEnd int, loc *time.Location) (int, error) {
	switch b.Kind {
	case UnboundedPreceding:
		return 0, nil
	case UnboundedFollowing:
		return len(k.p), nil
	}
	if b.Kind == CurrentRow || !k.col.ok(k.p[i]) {
		if start {
			return peerStart, nil
		}
		return peerEnd, nil
	}
	// Preceding goes against the sort direction, Following with it.
	t, err := k.shift(k.p[i], b.Value, (b.Kind == Preceding) != k.desc, loc)
	if err != nil {
		return 0, err
	}
	if t.kind == targetEverything {
		// inf - inf: PostgreSQL counts every row within the offset.
		if start {
			return k.lo, nil
		}
		return k.hi, nil
	}
	// The first row not before the target (start), or after it (end).
	// before(m): row m's key is before the target (or at it, for the end)
	// in sort direction; false from the answer on.
	before := func(m int) bool {
		c := t.compare(k.col, k.p[m])
		if k.desc {
			c = -c
		}
		return c < 0 || !start && c == 0
	}
	which := 0
	if !start {
		which = 1
	}
	// Gallop from the hint to a range [lo, hi) holding the answer, then
	// halve it. The hint only speeds the search: any hint gives the same
	// answer.
	lo, hi := k.lo, k.hi
	if h := min(max(k.hint[which], lo), hi); h < hi && before(h) {
		lo = h + 1
		for step := 1; lo+step < hi; step *= 2 {
			if !before(lo + step) {
				hi = lo + step
				break
			}
			lo += step + 1
		}
	} else {
		hi = h
		for step := 1; hi-step > lo; step *= 2 {
			if before(hi - step) {
				lo = hi - step + 1
				break
			}
			hi -= step
		}
	}
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if before(m) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	k.hint[which] = lo
	return lo, nil
}

// rangeTarget is a key shifted by a RANGE offset: an integer (bigint and
// timestamp keys) or a float, or one beyond every key (a bigint sum past
// its range) or that every key is within (an infinite key shifted by an
// infinite offset).
type rangeTarget struct {
	kind targetKind
	i    int64
	f    float64
}

type targetKind uint8

const (
	targetInt targetKind = iota
	targetFloat
	targetBelow // below every key
	targetAbove // above every key
	targetEverything
)

// compare orders row r's key against the target (ascending).
func (t rangeTarget) compare(col *winCol, r int32) int {
	switch t.kind {
	case targetBelow:
		return 1
	case targetAbove:
		return -1
	case targetInt:
		return cmp.Compare(col.i64[r], t.i)
	}
	// NaN is equal to NaN and above every number, as PostgreSQL sorts it.
	return cmpFloat(col.float(r), t.f)
}

// shift returns row r's key minus (sub) or plus the offset: an interval
// moves a timestamp in the session's calendar; numbers add.
func (k *rangeKeys) shift(r int32, off any, sub bool, loc *time.Location) (rangeTarget, error) {
	var key float64
	switch k.col.kind {
	case kindTime:
		iv, ok := off.(arrow.MonthDayNanoInterval)
		if !ok {
			return rangeTarget{}, fmt.Errorf("RANGE offset for a timestamp ORDER BY must be an interval")
		}
		if sub {
			iv = NegInterval(iv)
		}
		t, ok := AddInterval(k.col.i64[r], iv, loc)
		if !ok {
			// Past the times Strata holds: the frame reaches every row on
			// that side.
			t = math.MaxInt64
			if iv.Months < 0 || iv.Months == 0 && (iv.Days < 0 || iv.Days == 0 && iv.Nanoseconds < 0) {
				t = math.MinInt64
			}
		}
		return rangeTarget{kind: targetInt, i: t}, nil
	case kindInt:
		x := k.col.i64[r]
		if o, ok := off.(int64); ok {
			if sub {
				o = -o // offsets are not negative: no overflow
			}
			if s := x + o; (s > x) == (o > 0) || o == 0 {
				return rangeTarget{kind: targetInt, i: s}, nil
			}
			// Past bigint: beyond every key on that side, as PostgreSQL's
			// in_range answers without computing the sum.
			if o > 0 {
				return rangeTarget{kind: targetAbove}, nil
			}
			return rangeTarget{kind: targetBelow}, nil
		}
		key = float64(x)
	case kindUint:
		key = float64(k.col.u64[r])
	case kindFloat:
		key = k.col.f64[r]
	default:
		return rangeTarget{}, errRangeKey
	}
	if !isNumber(off) {
		return rangeTarget{}, errRangeKey
	}
	of := toFloat(off)
	if sub {
		of = -of
	}
	s := key + of
	if math.IsNaN(s) && !math.IsNaN(key) {
		return rangeTarget{kind: targetEverything}, nil // infinity minus infinity
	}
	return rangeTarget{kind: targetFloat, f: s}, nil
}

var errRangeKey = fmt.Errorf("RANGE offsets need a numeric or timestamp ORDER BY and a matching offset")

func isNumber(v any) bool {
	switch v.(type) {
	case int64, uint64, float64:
		return true
	}
	return false
}
