package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// RowsFrom runs functions side by side (ROWS FROM (f(...), g(...)), and
// several set-returning functions in one select list): its row i is row i
// of every child, a child that has ended giving NULLs, until all have
// ended. Output batches are slices of the children's batches, no copies.
type RowsFrom struct {
	c      *Ctx
	kids   []Operator
	schema *arrow.Schema
	recs   []arrow.Record // each child's current batch (nil: ended)
	offs   []int64        // rows of recs[i] already passed on
	done   []bool
	cur    arrow.Record
}

// NewRowsFrom zips kids' rows under schema, whose fields are the kids'
// fields in order.
func NewRowsFrom(c *Ctx, schema *arrow.Schema, kids ...Operator) *RowsFrom {
	return &RowsFrom{c: c, kids: kids, schema: schema, recs: make([]arrow.Record, len(kids)),
		offs: make([]int64, len(kids)), done: make([]bool, len(kids))}
}

func (z *RowsFrom) Schema() *arrow.Schema { return z.schema }

func (z *RowsFrom) Next(ctx context.Context) (arrow.Record, error) {
	if z.cur != nil {
		z.cur.Release()
		z.cur = nil
	}
	n := int64(-1)
	for i, k := range z.kids {
		if z.done[i] {
			continue
		}
		for z.recs[i] == nil || z.offs[i] == z.recs[i].NumRows() {
			rec, err := k.Next(ctx)
			if err != nil {
				return nil, err
			}
			z.recs[i], z.offs[i] = rec, 0
			if rec == nil {
				z.done[i] = true
				break
			}
		}
		if z.done[i] {
			continue
		}
		if left := z.recs[i].NumRows() - z.offs[i]; n < 0 || left < n {
			n = left
		}
	}
	if n < 0 {
		return nil, nil // every child has ended
	}
	cols := make([]arrow.Array, 0, z.schema.NumFields())
	for i, k := range z.kids {
		if z.done[i] {
			for _, f := range k.Schema().Fields() {
				cols = append(cols, array.MakeArrayOfNull(z.c.Mem, f.Type, int(n)))
			}
			continue
		}
		for _, col := range z.recs[i].Columns() {
			cols = append(cols, array.NewSlice(col, z.offs[i], z.offs[i]+n))
		}
		z.offs[i] += n
	}
	z.cur = array.NewRecord(z.schema, cols, n)
	for _, col := range cols {
		col.Release()
	}
	return z.cur, nil
}

func (z *RowsFrom) Close() {
	if z.cur != nil {
		z.cur.Release()
		z.cur = nil
	}
	for _, k := range z.kids {
		k.Close()
	}
}
