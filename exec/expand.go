package exec

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Expand feeds GROUPING SETS, ROLLUP and CUBE to one hash aggregation: it
// passes every batch of its child once per grouping set, with the values
// of the group keys after the child's columns and the set's number (an
// int64) after those. In the copy for set s the keys s does not group by
// are NULL; the aggregation groups by the set number too, so that the NULL
// of a key left out is not taken for a NULL value of another set. The
// child's columns pass unchanged: aggregate arguments see every row's
// values. Over a Consumer (a parallel scan) it is one too, each worker
// expanding the batches it reads, for partial aggregation.
type Expand struct {
	c      *Ctx
	child  Operator
	keys   []Expr
	sets   [][]bool // sets[s][k]: set s groups by key k
	schema *arrow.Schema

	in   *expansion // the child's batch being repeated
	next int        // the set the next output is for
	cur  arrow.Record
}

// NewExpand repeats child's batches for sets; sets[s] lists the keys set s
// groups by (indexes into keys). names name the key columns and, last, the
// set number.
func NewExpand(c *Ctx, child Operator, keys []Expr, sets [][]int, names []string) (*Expand, error) {
	if len(names) != len(keys)+1 {
		return nil, fmt.Errorf("expand: %d names for %d keys and the set number", len(names), len(keys))
	}
	e := &Expand{c: c, child: child, keys: keys, sets: make([][]bool, len(sets))}
	for s, set := range sets {
		e.sets[s] = make([]bool, len(keys))
		for _, k := range set {
			if k < 0 || k >= len(keys) {
				return nil, fmt.Errorf("expand: set %d names key %d of %d", s, k, len(keys))
			}
			e.sets[s][k] = true
		}
	}
	fields := child.Schema().Fields()
	for i, k := range keys {
		fields = append(fields, arrow.Field{Name: names[i], Type: k.Type(), Nullable: true})
	}
	fields = append(fields, arrow.Field{Name: names[len(keys)], Type: TypeInt})
	e.schema = arrow.NewSchema(fields, nil)
	return e, nil
}

func (e *Expand) Schema() *arrow.Schema { return e.schema }

func (e *Expand) Next(ctx context.Context) (arrow.Record, error) {
	if e.cur != nil {
		e.cur.Release()
		e.cur = nil
	}
	if len(e.sets) == 0 {
		return nil, nil
	}
	for e.in == nil || e.next == len(e.sets) {
		if e.in != nil {
			e.in.release()
			e.in = nil
		}
		rec, err := e.child.Next(ctx)
		if err != nil || rec == nil {
			return nil, err
		}
		if rec.NumRows() == 0 {
			continue
		}
		if e.in, err = e.expand(rec); err != nil {
			return nil, err
		}
		e.next = 0
	}
	e.cur = e.in.set(e.next)
	e.next++
	return e.cur, nil
}

// Workers implements Consumer: the child's workers, when it has them.
func (e *Expand) Workers() int {
	if c, ok := e.child.(Consumer); ok {
		return c.Workers()
	}
	return 0
}

// Consume implements Consumer (when Workers is not 0): each worker's batch
// is handed on once per set.
func (e *Expand) Consume(ctx context.Context, fn func(w int, rec arrow.Record, sel []int32) error) error {
	c, ok := e.child.(Consumer)
	if !ok {
		return fmt.Errorf("expand: %T hands out no batches to workers", e.child)
	}
	return c.Consume(ctx, func(w int, rec arrow.Record, sel []int32) error {
		if sel != nil {
			return fmt.Errorf("expand: a selection of rows was handed over; nothing asked for one")
		}
		if rec.NumRows() == 0 {
			return nil
		}
		x, err := e.expand(rec)
		if err != nil {
			return err
		}
		defer x.release()
		for s := range e.sets {
			out := x.set(s)
			err := fn(w, out, nil)
			out.Release()
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// expansion is one input batch with its keys' values, NULL arrays for
// them and the set numbers, shared by the batch's copies.
type expansion struct {
	e     *Expand
	rec   arrow.Record
	keys  []arrow.Array
	nulls []arrow.Array
}

func (e *Expand) expand(rec arrow.Record) (*expansion, error) {
	x := &expansion{e: e, rec: rec, keys: make([]arrow.Array, len(e.keys)), nulls: make([]arrow.Array, len(e.keys))}
	rec.Retain()
	for k, key := range e.keys {
		a, err := key.Eval(e.c, rec)
		if err != nil {
			x.release()
			return nil, err
		}
		x.keys[k] = a
	}
	return x, nil
}

// set is the batch's copy for set s; the caller releases it.
func (x *expansion) set(s int) arrow.Record {
	e, n := x.e, int(x.rec.NumRows())
	cols := make([]arrow.Array, 0, e.schema.NumFields())
	cols = append(cols, x.rec.Columns()...)
	for k, in := range e.sets[s] {
		if in {
			cols = append(cols, x.keys[k])
			continue
		}
		if x.nulls[k] == nil {
			x.nulls[k] = array.MakeArrayOfNull(e.c.Mem, e.keys[k].Type(), n)
		}
		cols = append(cols, x.nulls[k])
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = int64(s)
	}
	id := fixedArray(TypeInt, ids, nil)
	cols = append(cols, id)
	out := array.NewRecord(e.schema, cols, int64(n))
	id.Release()
	return out
}

func (x *expansion) release() {
	for _, a := range slices.Concat(x.keys, x.nulls) {
		if a != nil {
			a.Release()
		}
	}
	x.rec.Release()
}

func (e *Expand) Close() {
	if e.cur != nil {
		e.cur.Release()
		e.cur = nil
	}
	if e.in != nil {
		e.in.release()
		e.in = nil
	}
	e.child.Close()
}

// Grouping is PostgreSQL's GROUPING(args) over the set number Expand adds:
// Values[s] for rows of set s (a bit per argument, the first argument's
// the most significant, set when the set does not group by it).
type Grouping struct {
	Set    Expr
	Values []int64
	Args   string // the arguments, for EXPLAIN
}

func (g *Grouping) Type() arrow.DataType { return TypeInt }
func (g *Grouping) String() string       { return "grouping(" + g.Args + ")" }

func (g *Grouping) Eval(c *Ctx, rec arrow.Record) (arrow.Array, error) {
	a, err := g.Set.Eval(c, rec)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	sets, ok := a.(*array.Int64)
	if !ok {
		return nil, fmt.Errorf("grouping: set numbers are %s, not int64", a.DataType())
	}
	b := array.NewInt64Builder(c.Mem)
	defer b.Release()
	b.Reserve(sets.Len())
	for i, s := range sets.Int64Values() {
		if sets.IsNull(i) || s < 0 || int(s) >= len(g.Values) {
			return nil, fmt.Errorf("grouping: row %d has no grouping set (%d)", i, s)
		}
		b.UnsafeAppend(g.Values[s])
	}
	return b.NewArray(), nil
}
