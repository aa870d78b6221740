package exec

import (
	"context"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
)

// DistinctOnHash is DISTINCT ON (keys) ... ORDER BY keys, rest without
// sorting every row: one pass keeps, per key, the row that sorts first by
// the rest of the ORDER BY; then only those rows are sorted by the whole
// ORDER BY. (lastpoint: the newest row of each host.)
type DistinctOnHash struct {
	child Operator
	keys  []Expr
	order []SortKey // the full ORDER BY: keys first, then the rest
	c     *Ctx
	recs  []arrow.Record
	refs  []rowRef
	pos   int
	done  bool
	cur   arrow.Record
}

// NewDistinctOnHash builds the operator; order must start with keys.
func NewDistinctOnHash(c *Ctx, child Operator, keys []Expr, order []SortKey) *DistinctOnHash {
	return &DistinctOnHash{child: child, keys: keys, order: order, c: c}
}

func (d *DistinctOnHash) Schema() *arrow.Schema { return d.child.Schema() }

func (d *DistinctOnHash) Next(ctx context.Context) (arrow.Record, error) {
	if d.cur != nil {
		d.cur.Release()
		d.cur = nil
	}
	if !d.done {
		if err := d.run(ctx); err != nil {
			return nil, err
		}
	}
	if d.pos >= len(d.refs) {
		return nil, nil
	}
	end := min(d.pos+BatchRows, len(d.refs))
	rec, err := gatherRows(d.Schema(), d.recs, d.refs[d.pos:end])
	if err != nil {
		return nil, err
	}
	d.pos, d.cur = end, rec
	return rec, nil
}

func (d *DistinctOnHash) run(ctx context.Context) error {
	d.done = true
	g := newGrouper(d.keys)
	rest := d.order[len(d.keys):]
	restVals := make([][]arrow.Array, len(rest))
	allVals := make([][]arrow.Array, len(d.order))
	defer func() {
		for _, vs := range allVals {
			for _, a := range vs {
				a.Release()
			}
		}
	}()
	var best []rowRef
	var gids []uint32
	var restCmp []keyCmp
	for {
		rec, err := d.child.Next(ctx)
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		if err := d.c.Reserve(recordSize(rec)); err != nil {
			return err
		}
		rec.Retain()
		ri := len(d.recs)
		d.recs = append(d.recs, rec)
		for k, o := range d.order {
			a, err := o.Expr.Eval(d.c, rec)
			if err != nil {
				return err
			}
			allVals[k] = append(allVals[k], a)
		}
		for k := range rest {
			restVals[k] = allVals[len(d.keys)+k]
		}
		// Comparators over the records seen so far (rebuilt per batch: the
		// rank tables of tag columns cover every record's dictionary).
		restCmp = restCmp[:0]
		for k, o := range rest {
			c, err := compareFunc(restVals[k], o.Desc, o.NullsFirst)
			if err != nil {
				return err
			}
			restCmp = append(restCmp, c)
		}
		if gids, err = g.assign(d.c, rec, gids); err != nil {
			return err
		}
		for row, id := range gids {
			ref := makeRef(ri, row)
			if int(id) >= len(best) {
				best = append(best, ref)
				continue
			}
			for _, c := range restCmp {
				if r := c(ref, best[id]); r != 0 {
					if r < 0 {
						best[id] = ref
					}
					break
				}
			}
		}
	}
	fullCmp := make([]keyCmp, len(d.order))
	for k, o := range d.order {
		c, err := compareFunc(allVals[k], o.Desc, o.NullsFirst)
		if err != nil {
			return err
		}
		fullCmp[k] = c
	}
	slices.SortStableFunc(best, func(a, b rowRef) int {
		for _, c := range fullCmp {
			if r := c(a, b); r != 0 {
				return r
			}
		}
		return 0
	})
	d.refs = best
	return ctx.Err()
}

func (d *DistinctOnHash) Close() {
	if d.cur != nil {
		d.cur.Release()
		d.cur = nil
	}
	for _, r := range d.recs {
		r.Release()
	}
	d.recs = nil
	d.child.Close()
}
