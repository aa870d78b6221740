package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
)

// DistinctOn passes the first row of every run of rows with equal key values;
// with its input sorted by the keys (the planner puts a Sort below it) that
// is PostgreSQL's DISTINCT ON. NULL keys are equal to each other here, as in
// DISTINCT.
type DistinctOn struct {
	child Operator
	keys  []Expr
	c     *Ctx
	prev  []any // key values of the last row passed
	has   bool
	idx   []int32
	cur   arrow.Record
}

// NewDistinctOn returns the first row of each key group of child.
func NewDistinctOn(c *Ctx, child Operator, keys []Expr) *DistinctOn {
	return &DistinctOn{child: child, keys: keys, c: c}
}

func (d *DistinctOn) Schema() *arrow.Schema { return d.child.Schema() }

func (d *DistinctOn) Next(ctx context.Context) (arrow.Record, error) {
	if d.cur != nil {
		d.cur.Release()
		d.cur = nil
	}
	for {
		rec, err := d.child.Next(ctx)
		if err != nil || rec == nil {
			return nil, err
		}
		n := int(rec.NumRows())
		getters := make([]func(int) any, len(d.keys))
		for k, e := range d.keys {
			a, err := e.Eval(d.c, rec)
			if err != nil {
				return nil, err
			}
			defer a.Release()
			if getters[k], err = nullableGetter(a); err != nil {
				return nil, err
			}
		}
		d.idx = d.idx[:0]
		for i := 0; i < n; i++ {
			same := d.has
			for k := 0; same && k < len(d.keys); k++ {
				same = equalValues(getters[k](i), d.prev[k])
			}
			if same {
				continue
			}
			if d.prev == nil {
				d.prev = make([]any, len(d.keys))
			}
			for k := range d.keys {
				d.prev[k] = getters[k](i)
			}
			d.has = true
			d.idx = append(d.idx, int32(i))
		}
		if len(d.idx) == 0 {
			continue
		}
		if d.cur, err = takeRecord(rec, d.idx); err != nil {
			return nil, err
		}
		return d.cur, nil
	}
}

func equalValues(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return compareValues(a, b) == 0
}

func (d *DistinctOn) Close() {
	if d.cur != nil {
		d.cur.Release()
		d.cur = nil
	}
	d.child.Close()
}
