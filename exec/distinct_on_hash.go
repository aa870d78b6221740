package exec

import (
	"context"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
)

// DistinctOnHash is DISTINCT ON (keys) ... ORDER BY keys, rest without
// sorting every row: one pass keeps, per key, the row that sorts first by
// the rest of the ORDER BY; then only those rows are sorted by the whole
// ORDER BY. (lastpoint: the newest row of each host.) The records holding
// the rows kept so far stay; once they hold four times as many rows as
// there are keys (and 64Ki rows), the kept rows are gathered into one
// record that replaces them, so memory follows the number of keys, not of
// rows read.
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
	held  int64 // bytes reserved for recs
	rows  int   // rows in recs
}

// distinctOnCompactRows is the fewest rows held before the kept rows are
// gathered into one record.
var distinctOnCompactRows = 1 << 16

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
		size := recordSize(rec)
		d.held += size
		if err := d.c.Reserve(size); err != nil {
			return err
		}
		rec.Retain()
		ri := len(d.recs)
		d.recs = append(d.recs, rec)
		d.rows += int(rec.NumRows())
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
		if len(d.recs) > 1 && d.rows >= distinctOnCompactRows && d.rows >= 4*len(best) {
			if err := d.compact(best, allVals); err != nil {
				return err
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

// compact replaces the records held, and the ORDER BY values computed over
// them, by the rows best points at, gathered into one record in group
// order; best then points into it.
func (d *DistinctOnHash) compact(best []rowRef, allVals [][]arrow.Array) error {
	rec, err := gatherRows(d.Schema(), d.recs, best)
	if err != nil {
		return err
	}
	for k, vs := range allVals {
		col, err := gatherColumn(vs[0].DataType(), vs, best)
		if err != nil {
			rec.Release()
			return err
		}
		for _, a := range vs {
			a.Release()
		}
		allVals[k] = append(vs[:0], col)
	}
	for _, r := range d.recs {
		r.Release()
	}
	d.recs = append(d.recs[:0], rec)
	for id := range best {
		best[id] = makeRef(0, id)
	}
	size := recordSize(rec)
	_ = d.c.Reserve(size - d.held)
	d.held, d.rows = size, len(best)
	return nil
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
	_ = d.c.Reserve(-d.held)
	d.held = 0
	d.child.Close()
}
