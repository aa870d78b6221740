package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Ordinality passes its child's rows with their numbers, from 1, in a
// column added last (WITH ORDINALITY).
type Ordinality struct {
	child  Operator
	schema *arrow.Schema
	n      int64
	cur    arrow.Record
}

// NewOrdinality numbers child's rows in a column named name.
func NewOrdinality(child Operator, name string) *Ordinality {
	fields := append(child.Schema().Fields(), arrow.Field{Name: name, Type: TypeInt})
	return &Ordinality{child: child, schema: arrow.NewSchema(fields, nil)}
}

func (o *Ordinality) Schema() *arrow.Schema { return o.schema }

func (o *Ordinality) Next(ctx context.Context) (arrow.Record, error) {
	if o.cur != nil {
		o.cur.Release()
		o.cur = nil
	}
	rec, err := o.child.Next(ctx)
	if err != nil || rec == nil {
		return nil, err
	}
	n := int(rec.NumRows())
	nums := make([]int64, n)
	for i := range nums {
		o.n++
		nums[i] = o.n
	}
	col := fixedArray(TypeInt, nums, nil)
	cols := make([]arrow.Array, 0, rec.NumCols()+1)
	o.cur = array.NewRecord(o.schema, append(append(cols, rec.Columns()...), col), int64(n))
	col.Release()
	return o.cur, nil
}

func (o *Ordinality) Close() {
	if o.cur != nil {
		o.cur.Release()
		o.cur = nil
	}
	o.child.Close()
}
