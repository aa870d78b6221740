package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Union passes the rows of each child in turn (UNION ALL). The children's
// columns must have the output's types (the planner casts); only the names
// of the first child are kept.
type Union struct {
	children []Operator
	schema   *arrow.Schema
	pos      int
	cur      arrow.Record
}

// NewUnion concatenates children's rows under schema.
func NewUnion(schema *arrow.Schema, children ...Operator) *Union {
	return &Union{children: children, schema: schema}
}

func (u *Union) Schema() *arrow.Schema { return u.schema }

func (u *Union) Next(ctx context.Context) (arrow.Record, error) {
	if u.cur != nil {
		u.cur.Release()
		u.cur = nil
	}
	for u.pos < len(u.children) {
		rec, err := u.children[u.pos].Next(ctx)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			u.pos++
			continue
		}
		if rec.NumCols() != int64(u.schema.NumFields()) {
			return nil, fmt.Errorf("each UNION query must have the same number of columns")
		}
		u.cur = array.NewRecord(u.schema, rec.Columns(), rec.NumRows())
		return u.cur, nil
	}
	return nil, nil
}

func (u *Union) Close() {
	if u.cur != nil {
		u.cur.Release()
		u.cur = nil
	}
	for _, c := range u.children {
		c.Close()
	}
}
