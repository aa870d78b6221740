package exec

import (
	"cmp"
	"context"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
)

// topKRecords bounds the records a top-k holds between compactions: a
// record stays alive while any of its rows is a candidate.
const topKRecords = 16

// topK reads the child keeping only rows that can still be among the first
// s.limit of the order. Once limit rows are held, the limit-th of them is a
// bound and a row is kept only if it sorts before it (a tie arrives later,
// so it sorts after: the order is the stable one the full sort gives).
// Whenever the candidates pass twice the limit (and at least a batch) or
// are a small part of the many records they keep alive, they are cut back to the limit by selection
// and copied into one record, so the memory held is in proportion to the
// limit, not to the input, and the work per row is a comparison with the
// bound plus, for the rows that pass, amortised constant selection work.
func (s *Sort) topK(ctx context.Context) error {
	s.sorted = true
	if s.limit == 0 {
		return nil
	}
	t := &topK{s: s, keyVals: make([][]arrow.Array, len(s.keys))}
	defer t.releaseKeys()
	err := eachBatch(ctx, s.child, func(rec arrow.Record) error {
		if err := t.add(rec); err != nil {
			return err
		}
		if t.due() {
			if err := t.compact(); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	// The candidates are in arrival order: a stable sort by the keys
	// alone gives the order ties broken by arrival give, and is quicker
	// over many ties.
	keys, err := keyOrder(s.keys, t.keyVals)
	if err != nil {
		return err
	}
	slices.SortStableFunc(s.refs, keys)
	if int64(len(s.refs)) > s.limit {
		s.refs = s.refs[:s.limit]
	}
	return ctx.Err()
}

// topK is the state of Sort.topK: s.recs and s.refs hold the candidates,
// keyVals their records' key values ([key][record]).
type topK struct {
	s        *Sort
	keyVals  [][]arrow.Array
	bound    rowRef // the limit-th row, in s.recs[0], once hasBound
	hasBound bool
	held     int64 // bytes reserved for s.recs
	heldRows int64 // their rows
}

// add takes the rows of rec that sort before the bound.
func (t *topK) add(rec arrow.Record) error {
	s := t.s
	vals := make([]arrow.Array, len(s.keys))
	release := func() {
		for _, v := range vals {
			if v != nil {
				v.Release()
			}
		}
	}
	for k, key := range s.keys {
		a, err := key.Expr.Eval(s.c, rec)
		if err != nil {
			release()
			return err
		}
		vals[k] = a
	}
	ri, n := len(s.recs), int(rec.NumRows())
	before := len(s.refs)
	if !t.hasBound {
		for row := 0; row < n; row++ {
			s.refs = append(s.refs, makeRef(ri, row))
		}
	} else {
		// Compare against the bound with key arrays of two records: the
		// bound's (0) and rec's (1).
		pairs := make([][]arrow.Array, len(vals))
		for k := range vals {
			pairs[k] = []arrow.Array{t.keyVals[k][0], vals[k]}
		}
		order, err := t.orderOver(pairs)
		if err != nil {
			release()
			return err
		}
		b := makeRef(0, int(uint32(t.bound)))
		for row := 0; row < n; row++ {
			if order(makeRef(1, row), b) < 0 {
				s.refs = append(s.refs, makeRef(ri, row))
			}
		}
	}
	if len(s.refs) == before {
		release() // nothing from rec can be in the answer
		return nil
	}
	size := recordSize(rec)
	if err := s.c.Reserve(size); err != nil {
		release()
		return err
	}
	t.held += size
	t.heldRows += int64(n)
	rec.Retain()
	s.recs = append(s.recs, rec)
	for k := range vals {
		t.keyVals[k] = append(t.keyVals[k], vals[k])
	}
	return nil
}

// due reports whether a compaction pays: it would drop at least half of
// the candidates (and a batch's worth), or free at least three quarters of
// the rows many records hold. Either way its copying is paid for by the
// rows read since the last one.
func (t *topK) due() bool {
	refs := int64(len(t.s.refs))
	return refs > BatchRows && refs/2 > t.s.limit || len(t.s.recs) > topKRecords && t.heldRows > 4*refs
}

// order compares candidates by the sort keys, then by arrival (record,
// then row: records are kept in arrival order and a compaction keeps
// arrival order among its rows).
func (t *topK) order() (keyCmp, error) { return t.orderOver(t.keyVals) }

func (t *topK) orderOver(vals [][]arrow.Array) (keyCmp, error) {
	keys, err := keyOrder(t.s.keys, vals)
	if err != nil {
		return nil, err
	}
	return func(a, b rowRef) int {
		if r := keys(a, b); r != 0 {
			return r
		}
		return cmp.Compare(a, b)
	}, nil
}

// compact cuts the candidates back to the first limit (selection, not a
// sort) and copies them, in arrival order, into one record.
func (t *topK) compact() error {
	s := t.s
	order, err := t.order()
	if err != nil {
		return err
	}
	if int64(len(s.refs)) > s.limit {
		selectFirst(s.refs, int(s.limit), order)
		s.refs = s.refs[:s.limit]
		t.bound = s.refs[0]
		for _, r := range s.refs[1:] {
			if order(r, t.bound) > 0 {
				t.bound = r
			}
		}
		t.hasBound = true
	}
	slices.Sort(s.refs) // arrival order
	rec, err := gatherRows(s.Schema(), s.recs, s.refs)
	if err != nil {
		return err
	}
	vals := make([]arrow.Array, len(s.keys))
	for k, key := range s.keys {
		a, err := key.Expr.Eval(s.c, rec)
		if err != nil {
			for _, v := range vals[:k] {
				v.Release()
			}
			rec.Release()
			return err
		}
		vals[k] = a
	}
	size := recordSize(rec)
	if err := s.c.Reserve(size); err != nil {
		for _, v := range vals {
			v.Release()
		}
		rec.Release()
		return err
	}
	if t.hasBound {
		i, _ := slices.BinarySearch(s.refs, t.bound)
		t.bound = makeRef(0, i)
	}
	for _, r := range s.recs {
		r.Release()
	}
	t.releaseKeys()
	_ = s.c.Reserve(-t.held)
	t.held, t.heldRows = size, int64(len(s.refs))
	s.recs = append(s.recs[:0], rec)
	for k := range vals {
		t.keyVals[k] = append(t.keyVals[k], vals[k])
	}
	for i := range s.refs {
		s.refs[i] = makeRef(0, i)
	}
	return nil
}

func (t *topK) releaseKeys() {
	for k, ks := range t.keyVals {
		for _, a := range ks {
			a.Release()
		}
		t.keyVals[k] = ks[:0]
	}
}

// selectFirst reorders refs so that its first k are the k smallest by order
// (in no particular order among themselves): quickselect with a
// median-of-three pivot, expected linear time.
func selectFirst(refs []rowRef, k int, order keyCmp) {
	lo, hi := 0, len(refs)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if order(refs[mid], refs[lo]) < 0 {
			refs[mid], refs[lo] = refs[lo], refs[mid]
		}
		if order(refs[hi], refs[lo]) < 0 {
			refs[hi], refs[lo] = refs[lo], refs[hi]
		}
		if order(refs[hi], refs[mid]) < 0 {
			refs[hi], refs[mid] = refs[mid], refs[hi]
		}
		pivot := refs[mid]
		i, j := lo, hi
		for i <= j {
			for order(refs[i], pivot) < 0 {
				i++
			}
			for order(refs[j], pivot) > 0 {
				j--
			}
			if i <= j {
				refs[i], refs[j] = refs[j], refs[i]
				i++
				j--
			}
		}
		// refs[lo..j] <= pivot <= refs[i..hi]; between them, equal to it.
		switch {
		case k-1 <= j:
			hi = j
		case k-1 >= i:
			lo = i
		default:
			return
		}
	}
}
