package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Project evaluates expressions over each batch of its child.
type Project struct {
	child  Operator
	exprs  []Expr
	schema *arrow.Schema
	c      *Ctx
	cur    arrow.Record
}

// NewProject returns the values of exprs named names.
func NewProject(c *Ctx, child Operator, exprs []Expr, names []string) *Project {
	fields := make([]arrow.Field, len(exprs))
	for i, e := range exprs {
		fields[i] = arrow.Field{Name: names[i], Type: e.Type(), Nullable: true}
	}
	return &Project{child: child, exprs: exprs, schema: arrow.NewSchema(fields, nil), c: c}
}

func (p *Project) Schema() *arrow.Schema { return p.schema }

func (p *Project) Next(ctx context.Context) (arrow.Record, error) {
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
	rec, err := p.child.Next(ctx)
	if err != nil || rec == nil {
		return nil, err
	}
	cols := make([]arrow.Array, len(p.exprs))
	for i, e := range p.exprs {
		if cols[i], err = e.Eval(p.c, rec); err != nil {
			for _, c := range cols[:i] {
				c.Release()
			}
			return nil, err
		}
	}
	p.cur = array.NewRecord(p.schema, cols, rec.NumRows())
	for _, c := range cols {
		c.Release()
	}
	return p.cur, nil
}

func (p *Project) Close() {
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
	p.child.Close()
}

// Limit skips Offset rows and then passes at most Count rows (Count < 0:
// all).
type Limit struct {
	child         Operator
	offset, count int64
	cur           arrow.Record
}

// NewLimit returns child's rows [offset, offset+count).
func NewLimit(child Operator, offset, count int64) *Limit {
	return &Limit{child: child, offset: offset, count: count}
}

func (l *Limit) Schema() *arrow.Schema { return l.child.Schema() }

func (l *Limit) Next(ctx context.Context) (arrow.Record, error) {
	if l.cur != nil {
		l.cur.Release()
		l.cur = nil
	}
	for l.count != 0 {
		rec, err := l.child.Next(ctx)
		if err != nil || rec == nil {
			return nil, err
		}
		n := rec.NumRows()
		if l.offset >= n {
			l.offset -= n
			continue
		}
		end := n
		if l.count >= 0 {
			if l.count < n-l.offset {
				end = l.offset + l.count
			}
			l.count -= end - l.offset
		}
		l.cur = rec.NewSlice(l.offset, end)
		l.offset = 0
		return l.cur, nil
	}
	return nil, nil
}

func (l *Limit) Close() {
	if l.cur != nil {
		l.cur.Release()
		l.cur = nil
	}
	l.child.Close()
}

// SelectRows implements Selector when every expression is a column (a
// reordering of the child's columns, SELECT *): the child's selection
// passes through.
func (p *Project) SelectRows() bool {
	child, ok := p.child.(Selector)
	if !ok || !p.columnsOnly() {
		return false
	}
	return child.SelectRows()
}

// Workers implements Consumer: a Project of columns hands out its child's
// batches with those columns picked.
func (p *Project) Workers() int {
	c, ok := p.child.(Consumer)
	if !ok || !p.columnsOnly() {
		return 0
	}
	return c.Workers()
}

// Consume implements Consumer (when Workers is not 0).
func (p *Project) Consume(ctx context.Context, fn func(w int, rec arrow.Record, sel []int32) error) error {
	c, ok := p.child.(Consumer)
	if !ok || !p.columnsOnly() {
		return fmt.Errorf("project: %T hands out no batches to workers", p.child)
	}
	return c.Consume(ctx, func(w int, rec arrow.Record, sel []int32) error {
		out := p.pick(rec)
		defer out.Release()
		return fn(w, out, sel)
	})
}

// columnsOnly reports whether every output is a column of the input.
func (p *Project) columnsOnly() bool {
	for _, e := range p.exprs {
		if _, ok := e.(*Column); !ok {
			return false
		}
	}
	return true
}

// pick is rec with the output columns (columnsOnly), no copy.
func (p *Project) pick(rec arrow.Record) arrow.Record {
	cols := make([]arrow.Array, len(p.exprs))
	for i, e := range p.exprs {
		cols[i] = rec.Column(e.(*Column).Index)
	}
	return array.NewRecord(p.schema, cols, rec.NumRows())
}

// NextSelected implements Selector: the child's batch with its columns
// picked (no copy) and its row indexes.
func (p *Project) NextSelected(ctx context.Context) (arrow.Record, []int32, error) {
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
	rec, sel, err := p.child.(Selector).NextSelected(ctx)
	if err != nil || rec == nil {
		return nil, nil, err
	}
	p.cur = p.pick(rec)
	return p.cur, sel, nil
}
