package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Filter passes the rows for which Pred is true (not false, not NULL).
type Filter struct {
	child Operator
	pred  Expr
	c     *Ctx
	cur   arrow.Record
	idx   []int32
}

// NewFilter filters child's rows by pred, a boolean expression over its
// schema.
func NewFilter(c *Ctx, child Operator, pred Expr) *Filter {
	return &Filter{child: child, pred: pred, c: c}
}

func (f *Filter) Schema() *arrow.Schema { return f.child.Schema() }

func (f *Filter) Next(ctx context.Context) (arrow.Record, error) {
	f.release()
	for {
		rec, err := f.child.Next(ctx)
		if err != nil || rec == nil {
			return nil, err
		}
		mask, err := f.pred.Eval(f.c, rec)
		if err != nil {
			return nil, err
		}
		b, ok := mask.(*array.Boolean)
		if !ok {
			mask.Release()
			return nil, fmt.Errorf("filter: predicate %s is %v, not boolean", f.pred, mask.DataType())
		}
		f.idx = selectTrue(b, f.idx[:0])
		mask.Release()
		switch len(f.idx) {
		case 0:
			continue
		case int(rec.NumRows()):
			rec.Retain()
			f.cur = rec
		default:
			if f.cur, err = takeRecord(rec, f.idx); err != nil {
				return nil, err
			}
		}
		return f.cur, nil
	}
}

func (f *Filter) release() {
	if f.cur != nil {
		f.cur.Release()
		f.cur = nil
	}
}

func (f *Filter) Close() {
	f.release()
	f.child.Close()
}
