package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Repeat passes each row of its child as many times as its last column
// says (0 or less: not at all), without that column: the rows of INTERSECT
// ALL and EXCEPT ALL, which keep each row min(m, n) or m - n times.
type Repeat struct {
	child  Operator
	schema *arrow.Schema
	cur    arrow.Record
	idx    []int32
}

// NewRepeat repeats child's rows by its last column, an int64.
func NewRepeat(child Operator) *Repeat {
	fields := child.Schema().Fields()
	return &Repeat{child: child, schema: arrow.NewSchema(fields[:len(fields)-1], nil)}
}

func (r *Repeat) Schema() *arrow.Schema { return r.schema }

func (r *Repeat) Next(ctx context.Context) (arrow.Record, error) {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	for {
		rec, err := r.child.Next(ctx)
		if err != nil || rec == nil {
			return nil, err
		}
		counts, ok := rec.Column(int(rec.NumCols()) - 1).(*array.Int64)
		if !ok {
			return nil, fmt.Errorf("exec: Repeat needs an int64 count, not %s", rec.Column(int(rec.NumCols())-1).DataType())
		}
		r.idx = r.idx[:0]
		for i, n := range counts.Int64Values() {
			for ; n > 0 && counts.IsValid(i); n-- {
				r.idx = append(r.idx, int32(i))
			}
		}
		if len(r.idx) == 0 {
			continue
		}
		cols := rec.Columns()
		kept := array.NewRecord(r.schema, cols[:len(cols)-1], rec.NumRows())
		out, err := takeRecord(kept, r.idx)
		kept.Release()
		if err != nil {
			return nil, err
		}
		r.cur = out
		return out, nil
	}
}

func (r *Repeat) Close() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	r.child.Close()
}
