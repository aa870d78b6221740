package exec

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
)

// partitionLimit is which partitions a window computes when only the first
// rows of a sort of its output are read (a top-k above it whose first keys
// are the partition keys, sorted as order sorts them); rows 0: all.
type partitionLimit struct {
	order []SortKey
	rows  int64
}

// KeepPartitions has the window compute only the fewest partitions, first
// in order, that hold rows rows, and drop the others' rows: every function
// must share one PARTITION BY, and order[k] sorts its k-th key. A top-k of
// rows rows over the window's output whose first keys are order reads only
// those partitions' rows (rows of one partition tie on those keys, so a
// partition cut short is never needed), and a partition's values depend on
// its rows alone, so the top-k gets what computing every partition gives.
func (w *Window) KeepPartitions(order []SortKey, rows int64) *Window {
	w.limit = partitionLimit{order: order, rows: rows}
	return w
}

// keepPartitions drops from w.recs the rows of the partitions not needed.
func (w *Window) keepPartitions() error {
	g := newGrouper(w.funcs[0].Partition)
	gids := make([][]uint32, len(w.recs))
	var counts []int64
	for ri, rec := range w.recs {
		ids, err := g.assign(w.c, rec, nil)
		if err != nil {
			return err
		}
		gids[ri] = ids
		counts = growTo(counts, g.groups)
		for _, id := range ids {
			counts[id]++
		}
	}
	keep, err := w.firstPartitions(g, counts)
	if err != nil {
		return err
	}
	if !slices.Contains(keep, false) {
		return nil // every partition is needed
	}
	recs := w.recs[:0]
	var idx []int32
	for ri, rec := range w.recs {
		idx = idx[:0]
		for i, id := range gids[ri] {
			if keep[id] {
				idx = append(idx, int32(i))
			}
		}
		if len(idx) == int(rec.NumRows()) {
			recs = append(recs, rec)
			continue
		}
		var kept arrow.Record
		if len(idx) > 0 {
			if kept, err = takeRecord(rec, idx); err != nil {
				return err
			}
		}
		rec.Release()
		if kept != nil {
			recs = append(recs, kept)
		}
	}
	clear(w.recs[len(recs):])
	w.recs = recs
	return nil
}

// firstPartitions marks the partitions that come first in the limit's
// order of their keys until they hold rows rows.
func (w *Window) firstPartitions(g *grouper, counts []int64) ([]bool, error) {
	keys := g.keyArrays()
	defer func() {
		for _, a := range keys {
			a.Release()
		}
	}()
	getters := make([]func(int) any, len(keys))
	for k, a := range keys {
		get, err := nullableGetter(a)
		if err != nil {
			return nil, err
		}
		getters[k] = get
	}
	order := make([]int, g.groups)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		for k, sk := range w.limit.order {
			if c := compareSortKey(sk, getters[k](x), getters[k](y)); c != 0 {
				return c
			}
		}
		return 0
	})
	keep := make([]bool, g.groups)
	var n int64
	for _, id := range order {
		if n >= w.limit.rows {
			break
		}
		keep[id] = true
		n += counts[id]
	}
	return keep, nil
}
