package exec

import (
	"cmp"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// rangeOffsets reports whether a RANGE frame has an offset bound.
func (f Frame) rangeOffsets() bool {
	off := func(b Bound) bool { return b.Kind == Preceding || b.Kind == Following }
	return !f.Rows && !f.Groups && (off(f.Start) || off(f.End))
}

// rangeKeys holds a sorted partition's ORDER BY values for RANGE frames
// with offsets. Rows with NULL keys sit together at one end; [lo, hi) are
// the others, sorted ascending or, with desc, descending.
type rangeKeys struct {
	keys   []any
	lo, hi int
	desc   bool
}

func newRangeKeys(p []rowRef, ordAt func(rowRef) any, desc bool) *rangeKeys {
	k := &rangeKeys{keys: make([]any, len(p)), desc: desc, lo: len(p)}
	for i, r := range p {
		k.keys[i] = ordAt(r)
		if k.keys[i] != nil {
			k.lo = min(k.lo, i)
			k.hi = i + 1
		}
	}
	if k.lo > k.hi {
		k.lo = k.hi
	}
	return k
}

// frame returns row i's RANGE frame [s, e): offset bounds reach the rows
// whose key is within the offset of row i's key (in sort direction); a row
// with a NULL key has its NULL peers as the offset bounds' frame, as in
// PostgreSQL.
func (k *rangeKeys) frame(f Frame, i, peerStart, peerEnd int, loc *time.Location) (int, int, error) {
	bound := func(b Bound, start bool) (int, error) {
		switch b.Kind {
		case UnboundedPreceding:
			return 0, nil
		case UnboundedFollowing:
			return len(k.keys), nil
		case CurrentRow:
			if start {
				return peerStart, nil
			}
			return peerEnd, nil
		}
		if k.keys[i] == nil {
			if start {
				return peerStart, nil
			}
			return peerEnd, nil
		}
		// Preceding goes against the sort direction, Following with it.
		target, err := shiftKey(k.keys[i], b.Value, (b.Kind == Preceding) != k.desc, loc)
		if err != nil {
			return 0, err
		}
		if target == keyEverything {
			// inf - inf: PostgreSQL counts every row within the offset.
			if start {
				return k.lo, nil
			}
			return k.hi, nil
		}
		// before(a, b): a sorts before b.
		before := func(a, b any) bool {
			c := compareKeys(a, b)
			if k.desc {
				return c > 0
			}
			return c < 0
		}
		if start { // first row not before the target
			return k.lo + sort.Search(k.hi-k.lo, func(j int) bool { return !before(k.keys[k.lo+j], target) }), nil
		}
		// first row after the target
		return k.lo + sort.Search(k.hi-k.lo, func(j int) bool { return before(target, k.keys[k.lo+j]) }), nil
	}
	s, err := bound(f.Start, true)
	if err != nil {
		return 0, 0, err
	}
	e, err := bound(f.End, false)
	if err != nil {
		return 0, 0, err
	}
	return s, max(s, e), nil
}

// shiftKey returns key minus (sub) or plus the offset: an interval moves a
// timestamp in the session's calendar; numbers add.
func shiftKey(key, off any, sub bool, loc *time.Location) (any, error) {
	switch k := key.(type) {
	case Timestamp:
		iv, ok := off.(arrow.MonthDayNanoInterval)
		if !ok {
			return nil, fmt.Errorf("RANGE offset for a timestamp ORDER BY must be an interval")
		}
		if sub {
			iv = NegInterval(iv)
		}
		t, ok := AddInterval(int64(k), iv, loc)
		if !ok {
			// Past the times Strata holds: the frame reaches every row on
			// that side.
			t = math.MaxInt64
			if iv.Months < 0 || iv.Months == 0 && (iv.Days < 0 || iv.Days == 0 && iv.Nanoseconds < 0) {
				t = math.MinInt64
			}
		}
		return Timestamp(t), nil
	case int64:
		if o, ok := off.(int64); ok {
			if sub {
				o = -o // offsets are not negative: no overflow
			}
			if r := k + o; (r > k) == (o > 0) || o == 0 {
				return r, nil
			}
			// Past bigint: beyond every key on that side, as PostgreSQL's
			// in_range answers without computing the sum.
			if o > 0 {
				return keyAbove, nil
			}
			return keyBelow, nil
		}
		key = float64(k)
	case uint64:
		key = float64(k)
	}
	kf, ok1 := toFloat(key), isNumber(key)
	of, ok2 := toFloat(off), isNumber(off)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("RANGE offsets need a numeric or timestamp ORDER BY and a matching offset")
	}
	if sub {
		of = -of
	}
	r := kf + of
	if math.IsNaN(r) && !math.IsNaN(kf) {
		return keyEverything, nil // infinity minus infinity
	}
	return r, nil
}

// keyBound is a shifted RANGE target beyond every key (a bigint sum past
// its range), or one that every key is within (an infinite key shifted by
// an infinite offset).
type keyBound int

const (
	keyBelow keyBound = iota - 1
	keyEverything
	keyAbove
)

func isNumber(v any) bool {
	switch v.(type) {
	case int64, uint64, float64:
		return true
	}
	return false
}

// compareKeys orders two non-NULL keys of one ORDER BY column, or a key and
// a shifted target (which may be a float for an integer key).
func compareKeys(a, b any) int {
	if ka, ok := a.(keyBound); ok {
		return int(ka)
	}
	if kb, ok := b.(keyBound); ok {
		return -int(kb)
	}
	if ta, ok := a.(Timestamp); ok {
		return cmp.Compare(ta, b.(Timestamp))
	}
	if ia, ok := a.(int64); ok {
		if ib, ok := b.(int64); ok {
			return cmp.Compare(ia, ib)
		}
	}
	// NaN is equal to NaN and above every number, as PostgreSQL sorts it.
	return cmpFloat(toFloat(a), toFloat(b))
}
