package exec

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// BoundKind is one end of a window frame.
type BoundKind int

// The frame bound kinds.
const (
	UnboundedPreceding BoundKind = iota
	Preceding
	CurrentRow
	Following
	UnboundedFollowing
)

// Bound is a frame bound. N is the offset of Preceding and Following in
// ROWS frames; Value is the offset in RANGE frames: an int64 or float64
// for a numeric ORDER BY key, an interval for a timestamp key.
type Bound struct {
	Kind  BoundKind
	N     int64
	Value any
}

// Frame is a window frame. Rows selects ROWS (offsets count rows); in
// RANGE frames peers (rows with equal ORDER BY values) are included
// together and offsets are distances in the value of the one ORDER BY key
// (RANGE BETWEEN INTERVAL '10 minutes' PRECEDING AND CURRENT ROW).
type Frame struct {
	Rows bool
	// Groups selects GROUPS: offsets count peer groups (rows with equal
	// ORDER BY values).
	Groups     bool
	Start, End Bound
	// Exclude takes rows out of every row's frame (EXCLUDE CURRENT ROW,
	// GROUP or TIES).
	Exclude FrameExclude
}

// FrameExclude is a frame's EXCLUDE clause.
type FrameExclude uint8

// The EXCLUDE clauses: NO OTHERS (the default), CURRENT ROW (the row
// itself), GROUP (the row and its peers), TIES (its peers, not itself).
const (
	ExcludeNoOthers FrameExclude = iota
	ExcludeCurrentRow
	ExcludeGroup
	ExcludeTies
)

// DefaultFrame is SQL's frame when none is given: with ORDER BY, from the
// partition's start to the current row's last peer; without, the whole
// partition.
var DefaultFrame = Frame{Start: Bound{Kind: UnboundedPreceding}, End: Bound{Kind: CurrentRow}}

// WindowFunc is one window function call: Name is row_number, rank,
// dense_rank, percent_rank, cume_dist, ntile, lag, lead, first_value,
// last_value, nth_value, or an aggregate (count, sum, avg, min, max).
type WindowFunc struct {
	Name      string
	Args      []Expr
	Star      bool // count(*)
	Partition []Expr
	Order     []SortKey
	Frame     Frame
	DT        arrow.DataType
	// Decimal and Places are Agg's: sum and avg of numerics of known
	// places add them as decimals.
	Decimal bool
	Places  int
}

func (w *WindowFunc) String() string {
	return fmt.Sprintf("%s(%d args) OVER (PARTITION BY %d ORDER BY %d)", w.Name, len(w.Args), len(w.Partition), len(w.Order))
}

// Window appends one column per window function to its input's rows, which
// it passes in their input order, or in the order of one function's sort
// (EmitInOrderOf).
type Window struct {
	child  Operator
	funcs  []*WindowFunc
	schema *arrow.Schema
	c      *Ctx
	recs   []arrow.Record
	pos    int
	cols   [][]arrow.Array // [record][func]
	done   bool
	cur    arrow.Record
	// emit is 1 + the function whose sort orders the output, 0 for input
	// order. Then refs lists the input rows in that order, and full holds
	// each function's values (in input order) with fullRefs into them.
	emit     int
	refs     []rowRef
	full     []arrow.Array
	fullRefs []rowRef
	// limit: only the partitions a top-k over the output reads are
	// computed (KeepPartitions); rows 0: all.
	limit partitionLimit
}

// NewWindow computes funcs over child's rows.
func NewWindow(c *Ctx, child Operator, funcs []*WindowFunc, names []string) *Window {
	fields := slices.Clone(child.Schema().Fields())
	for i, f := range funcs {
		fields = append(fields, arrow.Field{Name: names[i], Type: f.DT, Nullable: true})
	}
	return &Window{child: child, funcs: funcs, schema: arrow.NewSchema(fields, nil), c: c}
}

func (w *Window) Schema() *arrow.Schema { return w.schema }

// EmitInOrderOf makes the window pass its rows sorted as function fn's
// PARTITION BY (ascending, NULLs last) then ORDER BY sort them, ties in
// input order, as a stable sort on those keys over its output would: the
// planner drops such a Sort (rule window_sorted), and the rows are
// gathered once, by the sort the window made anyway.
func (w *Window) EmitInOrderOf(fn int) *Window {
	w.emit = fn + 1
	return w
}

func (w *Window) Next(ctx context.Context) (arrow.Record, error) {
	if w.cur != nil {
		w.cur.Release()
		w.cur = nil
	}
	if !w.done {
		if err := w.compute(ctx); err != nil {
			return nil, err
		}
	}
	if w.emit > 0 {
		return w.nextSorted()
	}
	if w.pos >= len(w.recs) {
		return nil, nil
	}
	rec := w.recs[w.pos]
	cols := append(slices.Clone(rec.Columns()), w.cols[w.pos]...)
	w.cur = array.NewRecord(w.schema, cols, rec.NumRows())
	w.pos++
	return w.cur, nil
}

func (w *Window) compute(ctx context.Context) error {
	w.done = true
	for {
		rec, err := w.child.Next(ctx)
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		if err := w.c.Reserve(recordSize(rec) + 16*rec.NumRows()*int64(len(w.funcs)+1)); err != nil {
			return err
		}
		rec.Retain()
		w.recs = append(w.recs, rec)
	}
	if w.limit.rows > 0 && len(w.recs) > 0 {
		if err := w.keepPartitions(); err != nil {
			return err
		}
	}
	// Rows are numbered across the records, in input order: record i's
	// rows are starts[i] to starts[i+1].
	starts := make([]int, len(w.recs)+1)
	for i, rec := range w.recs {
		starts[i+1] = starts[i] + int(rec.NumRows())
	}
	n := starts[len(w.recs)]
	if n >= math.MaxInt32 {
		return fmt.Errorf("window over %d rows: more than %d", n, math.MaxInt32-1)
	}
	w.cols = make([][]arrow.Array, len(w.recs))
	var orders winOrders
	defer orders.release()
	for fi, f := range w.funcs {
		col, o, err := w.evalFunc(ctx, f, &orders, n)
		if err != nil {
			return err
		}
		if w.emit > 0 {
			w.full = append(w.full, col)
			if fi == w.emit-1 {
				w.sortedRefs(o.perm, starts)
			}
			continue
		}
		// Back into the records' row ranges, without a copy.
		if len(w.recs) == 1 {
			w.cols[0] = append(w.cols[0], col)
			continue
		}
		for ri := range w.recs {
			w.cols[ri] = append(w.cols[ri], array.NewSlice(col, int64(starts[ri]), int64(starts[ri+1])))
		}
		col.Release()
	}
	return ctx.Err()
}

// sortedRefs lists the input rows in the order perm gives (rows numbered
// across the records, which start at starts), as refs into the records and
// into the functions' full columns.
func (w *Window) sortedRefs(perm []int32, starts []int) {
	w.refs = make([]rowRef, len(perm))
	w.fullRefs = make([]rowRef, len(perm))
	ri := 0
	byRow := make([]rowRef, starts[len(starts)-1])
	for g := range byRow {
		for g >= starts[ri+1] {
			ri++
		}
		byRow[g] = makeRef(ri, g-starts[ri])
	}
	for k, g := range perm {
		w.refs[k] = byRow[g]
		w.fullRefs[k] = makeRef(0, int(g))
	}
}

// nextSorted returns the next BatchRows rows in the emit function's order:
// the input columns gathered from the records, the functions' values from
// their full columns.
func (w *Window) nextSorted() (arrow.Record, error) {
	if w.pos >= len(w.refs) {
		return nil, nil
	}
	end := min(w.pos+BatchRows, len(w.refs))
	refs, fullRefs := w.refs[w.pos:end], w.fullRefs[w.pos:end]
	w.pos = end
	in, err := takeRows(w.child.Schema(), w.recs, refs)
	if err != nil {
		return nil, err
	}
	defer in.Release()
	cols := slices.Clone(in.Columns())
	var made []arrow.Array
	defer func() {
		for _, c := range made {
			c.Release()
		}
	}()
	first, inOrder := runOf(fullRefs)
	for i, f := range w.funcs {
		var col arrow.Array
		if inOrder {
			col = array.NewSlice(w.full[i], int64(first), int64(first)+int64(len(fullRefs)))
		} else if col, err = gatherColumn(f.DT, w.full[i:i+1], fullRefs); err != nil {
			return nil, err
		}
		made = append(made, col)
		cols = append(cols, col)
	}
	w.cur = array.NewRecord(w.schema, cols, int64(len(refs)))
	return w.cur, nil
}

// evalExprs evaluates exprs over every record: [expr][record].
func (w *Window) evalExprs(exprs []Expr) ([][]arrow.Array, error) {
	out := make([][]arrow.Array, len(exprs))
	for i, e := range exprs {
		for _, rec := range w.recs {
			a, err := e.Eval(w.c, rec)
			if err != nil {
				releaseAll(out)
				return nil, err
			}
			out[i] = append(out[i], a)
		}
	}
	return out, nil
}

func releaseAll(arrs [][]arrow.Array) {
	for _, as := range arrs {
		for _, a := range as {
			a.Release()
		}
	}
}

// evalFunc computes f for every row: one array of n rows in input order.
// Its PARTITION BY and ORDER BY keys are evaluated as its arguments are,
// for every function, but functions whose keys come out the same share one
// sort (orders).
func (w *Window) evalFunc(ctx context.Context, f *WindowFunc, orders *winOrders, n int) (arrow.Array, *winOrder, error) {
	part, err := w.evalExprs(f.Partition)
	if err != nil {
		return nil, nil, err
	}
	orderExprs := make([]Expr, len(f.Order))
	for i, k := range f.Order {
		orderExprs[i] = k.Expr
	}
	ord, err := w.evalExprs(orderExprs)
	if err != nil {
		releaseAll(part)
		return nil, nil, err
	}
	args, err := w.evalExprs(f.Args)
	if err != nil {
		releaseAll(part)
		releaseAll(ord)
		return nil, nil, err
	}
	defer releaseAll(args)
	o, err := orders.get(part, ord, f.Order, n)
	if err != nil {
		return nil, nil, err
	}
	cols := make([]*winCol, len(args))
	for i, a := range args {
		cols[i] = newWinCol(a, n)
	}
	res, err := f.run(ctx, o, cols, n, w.c.Location)
	if err != nil {
		return nil, nil, err
	}
	return res.array(f.DT), o, nil
}

// windowMoments are the variance aggregates a window can compute.
var windowMoments = map[string]AggFunc{"stddev": AggStddevSamp, "stddev_samp": AggStddevSamp, "stddev_pop": AggStddevPop,
	"variance": AggVarSamp, "var_samp": AggVarSamp, "var_pop": AggVarPop}

// IsWindowMoment reports whether name is a variance or standard deviation
// aggregate a window computes.
func IsWindowMoment(name string) bool { _, ok := windowMoments[name]; return ok }

func (w *Window) Close() {
	if w.cur != nil {
		w.cur.Release()
		w.cur = nil
	}
	for _, r := range w.recs {
		r.Release()
	}
	for _, cs := range w.cols {
		for _, c := range cs {
			c.Release()
		}
	}
	for _, c := range w.full {
		c.Release()
	}
	w.recs, w.cols, w.full = nil, nil, nil
	w.child.Close()
}
