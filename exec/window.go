package exec

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
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
}

func (w *WindowFunc) String() string {
	return fmt.Sprintf("%s(%d args) OVER (PARTITION BY %d ORDER BY %d)", w.Name, len(w.Args), len(w.Partition), len(w.Order))
}

// Window appends one column per window function to its input's rows, which
// it passes in their input order.
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
	var refs []rowRef
	for ri, rec := range w.recs {
		for row := 0; row < int(rec.NumRows()); row++ {
			refs = append(refs, makeRef(ri, row))
		}
	}
	w.cols = make([][]arrow.Array, len(w.recs))
	for _, f := range w.funcs {
		vals, err := w.evalFunc(ctx, f, refs)
		if err != nil {
			return err
		}
		// Split the values (in input order) back into per-record arrays.
		at := 0
		for ri, rec := range w.recs {
			n := int(rec.NumRows())
			b := array.NewBuilder(memory.DefaultAllocator, f.DT)
			for _, v := range vals[at : at+n] {
				appendValue(b, v)
			}
			w.cols[ri] = append(w.cols[ri], b.NewArray())
			b.Release()
			at += n
		}
	}
	return ctx.Err()
}

// evalExprs evaluates exprs over every record: [expr][record].
func (w *Window) evalExprs(exprs []Expr) ([][]arrow.Array, error) {
	out := make([][]arrow.Array, len(exprs))
	for i, e := range exprs {
		for _, rec := range w.recs {
			a, err := e.Eval(w.c, rec)
			if err != nil {
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

// evalFunc computes f for every row, returned in input order.
func (w *Window) evalFunc(ctx context.Context, f *WindowFunc, refs []rowRef) ([]any, error) {
	part, err := w.evalExprs(f.Partition)
	if err != nil {
		return nil, err
	}
	defer releaseAll(part)
	orderExprs := make([]Expr, len(f.Order))
	for i, k := range f.Order {
		orderExprs[i] = k.Expr
	}
	ord, err := w.evalExprs(orderExprs)
	if err != nil {
		return nil, err
	}
	defer releaseAll(ord)
	args, err := w.evalExprs(f.Args)
	if err != nil {
		return nil, err
	}
	defer releaseAll(args)

	var partCmp, ordCmp []keyCmp
	for _, vals := range part {
		c, err := compareFunc(vals, false, false)
		if err != nil {
			return nil, err
		}
		partCmp = append(partCmp, c)
	}
	for i, vals := range ord {
		c, err := compareFunc(vals, f.Order[i].Desc, f.Order[i].NullsFirst)
		if err != nil {
			return nil, err
		}
		ordCmp = append(ordCmp, c)
	}
	cmpAll := func(cs []keyCmp, a, b rowRef) int {
		for _, c := range cs {
			if r := c(a, b); r != 0 {
				return r
			}
		}
		return 0
	}
	sorted := slices.Clone(refs)
	slices.SortStableFunc(sorted, func(a, b rowRef) int {
		if r := cmpAll(partCmp, a, b); r != 0 {
			return r
		}
		return cmpAll(ordCmp, a, b)
	})
	// Global position of each ref in input order.
	starts := make([]int, len(w.recs)+1)
	for i, rec := range w.recs {
		starts[i+1] = starts[i] + int(rec.NumRows())
	}
	index := func(r rowRef) int { return starts[r>>32] + int(uint32(r)) }
	// cellAt reads row r of a column held as one array per batch.
	cellAt := func(col []arrow.Array, r rowRef) any {
		a := col[r>>32]
		row := int(uint32(r))
		if a.IsNull(row) {
			return nil
		}
		get, _ := valueGetter(a)
		if get == nil {
			return nil
		}
		return get(row)
	}
	// The arguments' getters, made once per batch (not per cell).
	argGet := make([][]func(int) any, len(args))
	for k, col := range args {
		argGet[k] = make([]func(int) any, len(col))
		for ri, a := range col {
			argGet[k][ri], _ = valueGetter(a)
		}
	}
	argAt := func(k int, r rowRef) any {
		a, row := args[k][r>>32], int(uint32(r))
		get := argGet[k][r>>32]
		if get == nil || a.IsNull(row) {
			return nil
		}
		return get(row)
	}
	// ordAt reads the first ORDER BY key of a row (RANGE offsets).
	ordAt := func(r rowRef) any {
		if len(ord) == 0 {
			return nil
		}
		return cellAt(ord[0], r)
	}
	out := make([]any, len(refs))
	for ps := 0; ps < len(sorted); {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pe := ps + 1
		for pe < len(sorted) && cmpAll(partCmp, sorted[ps], sorted[pe]) == 0 {
			pe++
		}
		p := sorted[ps:pe]
		if err := f.partition(ctx, p, out, index, argAt, func(a, b rowRef) int { return cmpAll(ordCmp, a, b) }, len(f.Order) > 0, ordAt, w.c.Location); err != nil {
			return nil, err
		}
		ps = pe
	}
	return out, nil
}

// partition computes f over one partition's rows p (sorted).
func (f *WindowFunc) partition(ctx context.Context, p []rowRef, out []any, index func(rowRef) int, argAt func(int, rowRef) any, ordCmp func(a, b rowRef) int, ordered bool, ordAt func(rowRef) any, loc *time.Location) error {
	n := len(p)
	var keys *rangeKeys
	if f.Frame.rangeOffsets() {
		keys = newRangeKeys(p, ordAt, len(f.Order) > 0 && f.Order[0].Desc)
	}
	// Peer groups: peerStart[i], peerEnd[i] (exclusive).
	peerStart, peerEnd := make([]int, n), make([]int, n)
	for i := 0; i < n; {
		j := i + 1
		for ordered && j < n && ordCmp(p[i], p[j]) == 0 {
			j++
		}
		if !ordered {
			j = n
		}
		for k := i; k < j; k++ {
			peerStart[k], peerEnd[k] = i, j
		}
		i = j
	}
	var groupStarts []int // GROUPS frames: each peer group's first row
	if f.Frame.Groups {
		for i := 0; i < n; i = peerEnd[i] {
			groupStarts = append(groupStarts, i)
		}
	}
	intArg := func(k int, r rowRef, def int64) (int64, error) {
		if k >= len(f.Args) {
			return def, nil
		}
		v := argAt(k, r)
		if v == nil {
			return 0, fmt.Errorf("argument of %s must not be NULL", f.Name)
		}
		x, ok := v.(int64)
		if !ok {
			return 0, fmt.Errorf("argument of %s must be an integer", f.Name)
		}
		return x, nil
	}
	rank, dense := 0, 0
	// ntile's bucket count is read once, at the partition's first row, as
	// PostgreSQL reads it; NULL makes every row's bucket NULL.
	var buckets int64
	if f.Name == "ntile" && n > 0 {
		if v := argAt(0, p[0]); v != nil {
			k, err := intArg(0, p[0], 1)
			if err != nil {
				return err
			}
			if k <= 0 {
				return fmt.Errorf("argument of ntile must be greater than zero")
			}
			buckets = k
		}
	}
	var run winAgg    // count/sum/avg/min/max of the frames so far
	var rows []rowRef // a frame's rows, when EXCLUDE makes a hole in it
	for i, r := range p {
		if i%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var v any
		switch f.Name {
		case "row_number":
			v = int64(i + 1)
		case "rank":
			if peerStart[i] == i {
				rank = i + 1
			}
			v = int64(rank)
		case "dense_rank":
			if peerStart[i] == i {
				dense++
			}
			v = int64(dense)
		case "percent_rank":
			if n > 1 {
				v = float64(peerStart[i]) / float64(n-1)
			} else {
				v = 0.0
			}
		case "cume_dist":
			v = float64(peerEnd[i]) / float64(n)
		case "ntile":
			k := buckets
			if k == 0 {
				break // ntile(NULL)
			}
			// Rows split as evenly as possible, the first buckets larger.
			size, extra := int64(n)/k, int64(n)%k
			pos := int64(i)
			if pos < extra*(size+1) {
				v = pos/(size+1) + 1
			} else {
				v = extra + (pos-extra*(size+1))/max(size, 1) + 1
			}
		case "lag", "lead":
			if len(f.Args) > 1 && argAt(1, r) == nil {
				break // a NULL offset: NULL
			}
			off, err := intArg(1, r, 1)
			if err != nil {
				return err
			}
			j := i - int(off)
			if f.Name == "lead" {
				j = i + int(off)
			}
			if j >= 0 && j < n {
				v = argAt(0, p[j])
			} else if len(f.Args) > 2 {
				v = argAt(2, r)
			}
		default:
			s, e := f.frame(i, n, peerStart[i], peerEnd[i])
			if f.Frame.Groups {
				s, e = f.groupsFrame(groupStarts, n, peerStart[i])
			}
			if keys != nil {
				var err error
				if s, e, err = keys.frame(f.Frame, i, peerStart[i], peerEnd[i], loc); err != nil {
					return err
				}
			}
			var err error
			if f.Frame.Exclude != ExcludeNoOthers {
				// The frame's rows less the excluded: computed afresh for
				// each row, as no running state fits a frame with a hole.
				rows = f.excluded(rows[:0], p, s, e, i, peerStart[i], peerEnd[i])
				run = winAgg{cand: run.cand[:0], buf: run.buf[:0]}
				v, err = f.frameValue(rows, 0, len(rows), argAt, intArg, r, &run)
			} else {
				v, err = f.frameValue(p, s, e, argAt, intArg, r, &run)
			}
			if err != nil {
				return err
			}
		}
		out[index(r)] = v
	}
	return nil
}

// excluded appends to dst the rows of frame [s, e) of p that row i's
// EXCLUDE clause leaves in; row i's peers are [ps, pe).
func (f *WindowFunc) excluded(dst, p []rowRef, s, e, i, ps, pe int) []rowRef {
	from, to := i, i+1 // the rows taken out
	if f.Frame.Exclude != ExcludeCurrentRow {
		from, to = ps, pe
	}
	dst = append(dst, p[s:max(s, min(e, from))]...)
	if f.Frame.Exclude == ExcludeTies && i >= s && i < e {
		dst = append(dst, p[i])
	}
	return append(dst, p[min(e, max(s, to)):e]...)
}

// frame returns row i's frame as [s, e) within the partition.
func (f *WindowFunc) frame(i, n, peerStart, peerEnd int) (int, int) {
	bound := func(b Bound, start bool) int {
		switch b.Kind {
		case UnboundedPreceding:
			return 0
		case UnboundedFollowing:
			return n
		case CurrentRow:
			if f.Frame.Rows {
				if start {
					return i
				}
				return i + 1
			}
			if start {
				return peerStart
			}
			return peerEnd
		case Preceding:
			off := int(min(b.N, int64(n)+1)) // past the partition is as far (no overflow near 2^63)
			if start {
				return max(0, i-off)
			}
			return max(0, i-off+1)
		case Following:
			off := int(min(b.N, int64(n)+1))
			if start {
				return min(n, i+off)
			}
			return min(n, i+off+1)
		}
		return i
	}
	s, e := bound(f.Frame.Start, true), bound(f.Frame.End, false)
	if e < s {
		e = s
	}
	return s, e
}

// groupsFrame is the frame of a row of the peer group starting at row
// start, in a GROUPS frame: offsets count groups; groupStarts holds each
// group's first row.
func (f *WindowFunc) groupsFrame(groupStarts []int, n, start int) (int, int) {
	g := sort.SearchInts(groupStarts, start)
	ng := len(groupStarts)
	first := func(k int) int { // first row of group k (n past the last)
		switch {
		case k < 0:
			return 0
		case k >= ng:
			return n
		}
		return groupStarts[k]
	}
	bound := func(b Bound, isStart bool) int {
		k := g // the group the bound falls in
		switch b.Kind {
		case UnboundedPreceding:
			return 0
		case UnboundedFollowing:
			return n
		case Preceding:
			k = g - int(min(b.N, int64(ng)+1)) // past the partition is as far
		case Following:
			k = g + int(min(b.N, int64(ng)+1))
		}
		if isStart {
			return first(max(k, 0))
		}
		if k < 0 {
			return 0
		}
		return first(k + 1)
	}
	s, e := bound(f.Frame.Start, true), bound(f.Frame.End, false)
	return s, max(s, e)
}

// frameValue computes an aggregate or value function over rows [s, e).
// run holds count/sum/avg/min/max of the frame before, which a frame that
// continues it extends (winAgg).
func (f *WindowFunc) frameValue(p []rowRef, s, e int, argAt func(int, rowRef) any, intArg func(int, rowRef, int64) (int64, error), cur rowRef, run *winAgg) (any, error) {
	switch f.Name {
	case "first_value":
		if s < e {
			return argAt(0, p[s]), nil
		}
		return nil, nil
	case "last_value":
		if s < e {
			return argAt(0, p[e-1]), nil
		}
		return nil, nil
	case "nth_value":
		if argAt(1, cur) == nil {
			return nil, nil // nth_value(x, NULL)
		}
		k, err := intArg(1, cur, 1)
		if err != nil {
			return nil, err
		}
		if k <= 0 {
			return nil, fmt.Errorf("argument of nth_value must be greater than zero")
		}
		if s+int(k)-1 < e {
			return argAt(0, p[s+int(k)-1]), nil
		}
		return nil, nil
	case "count", "sum", "avg", "min", "max", "bool_and", "bool_or", "string_agg":
		if err := run.extend(f, p, s, e, argAt); err != nil {
			return nil, err
		}
		return run.value(f), nil
	}
	if kind, ok := windowMoments[f.Name]; ok {
		// Over the frame's rows in order (a frame that continues the
		// previous one adds its new rows); PostgreSQL's float8 variance
		// has no inverse transition either, so a sliding frame recomputes.
		if err := run.extend(f, p, s, e, argAt); err != nil {
			return nil, err
		}
		if v, ok := momentResult(kind, run.mn, run.msxx); ok {
			return v, nil
		}
		return nil, nil
	}
	return nil, fmt.Errorf("window function %s is not implemented", f.Name)
}

// winAgg is the state of count, sum, avg, min or max over a window
// frame's rows, added in order. A frame that starts where the previous
// row's did and ends no earlier (a running total, a whole partition) adds
// only its new rows: the same additions in the same order as a
// recomputation, so the same result, in linear instead of quadratic time.
// A frame that slides (starts and ends no earlier than the previous one)
// also drops the rows that left it, where that is exact: counts, integer
// sums, and min/max, whose candidates are a monotonic queue.
type winAgg struct {
	s, e int // the rows [s, e) added
	isum int64
	fsum float64
	cnt  int64
	// min/max: the rows that can still be the frame's extreme, in row
	// order, each strictly better than the ones after it or equal; the
	// first is the frame's extreme (its first occurrence, as a scan of
	// the frame finds it).
	cand []winCand
	head int
	// stddev/variance: PostgreSQL's float8_accum state (momentStep).
	mn, msx, msxx float64
	// bool_and/bool_or: how many of the cnt values are true; string_agg:
	// the text so far (has: a value was added).
	trues int64
	buf   []byte
	has   bool
	valid bool
}

type winCand struct {
	row int
	v   any
}

// extend adds rows [a.e, e) of p (after a reset to s when the frame does
// not continue the one added).
func (a *winAgg) extend(f *WindowFunc, p []rowRef, s, e int, argAt func(int, rowRef) any) error {
	extreme := f.Name == "min" || f.Name == "max"
	if a.valid && s > a.s && s <= a.e && e >= a.e {
		switch {
		case extreme:
			for a.head < len(a.cand) && a.cand[a.head].row < s {
				a.cand[a.head] = winCand{}
				a.head++
			}
			if a.head > 64 && a.head > len(a.cand)/2 {
				a.cand = append(a.cand[:0], a.cand[a.head:]...)
				a.head = 0
			}
			a.s = s
		case removable(f):
			// Counts or integer sums: take the rows that left the frame
			// off (exact, as a recomputation).
			for j := a.s; j < s; j++ {
				if f.Name == "count" && f.Star {
					a.cnt--
					continue
				}
				v := argAt(0, p[j])
				if v == nil {
					continue
				}
				a.cnt--
				if x, ok := v.(int64); ok {
					a.isum -= x
					a.fsum -= float64(x)
				}
				if b, ok := v.(bool); ok && b {
					a.trues--
				}
			}
			a.s = s
		}
	}
	if !a.valid || s != a.s || e < a.e {
		*a = winAgg{s: s, e: s, valid: true, cand: a.cand[:0], buf: a.buf[:0]}
	}
	for j := a.e; j < e; j++ {
		if f.Name == "count" && f.Star {
			a.cnt++
			continue
		}
		v := argAt(0, p[j])
		if v == nil {
			continue
		}
		a.cnt++
		switch f.Name {
		case "min", "max":
			// Candidates a later, strictly better value outdoes can never
			// be the extreme again.
			for len(a.cand) > a.head {
				c := compareValues(v, a.cand[len(a.cand)-1].v)
				if f.Name == "min" {
					c = -c
				}
				if c <= 0 {
					break
				}
				a.cand = a.cand[:len(a.cand)-1]
			}
			a.cand = append(a.cand, winCand{row: j, v: v})
		case "sum", "avg":
			switch x := v.(type) {
			case int64:
				if (x > 0 && a.isum > math.MaxInt64-x) || (x < 0 && a.isum < math.MinInt64-x) {
					if f.DT.ID() == arrow.INT64 {
						return fmt.Errorf("bigint out of range in sum()")
					}
				}
				a.isum += x
				a.fsum += float64(x)
			case float64:
				a.fsum += x
			case uint64:
				a.fsum += float64(x)
			}
		case "count":
		case "bool_and", "bool_or":
			if v.(bool) {
				a.trues++
			}
		case "string_agg":
			// Each value after the first is preceded by its own row's
			// delimiter (none when that is NULL).
			if d, ok := argAt(1, p[j]).(string); ok && a.has {
				a.buf = append(a.buf, d...)
			}
			a.buf = append(a.buf, v.(string)...)
			a.has = true
		default: // stddev, variance and their _samp/_pop forms (frameValue sends no other)
			var err error
			if a.mn, a.msx, a.msxx, err = momentStep(a.mn, a.msx, a.msxx, toFloat(v)); err != nil {
				return err
			}
		}
	}
	a.e = max(a.e, e)
	return nil
}

// removable reports whether f's sums can drop a row exactly: count, and
// sum and avg of integers below 2^53 (float sums recompute, as
// PostgreSQL's do).
func removable(f *WindowFunc) bool {
	switch f.Name {
	case "count", "bool_and", "bool_or":
		return true
	case "sum", "avg":
		return len(f.Args) == 1 && f.Args[0].Type().ID() == arrow.INT64
	}
	return false
}

// value is the aggregate of the rows added.
func (a *winAgg) value(f *WindowFunc) any {
	switch {
	case f.Name == "count":
		return a.cnt
	case f.Name == "min" || f.Name == "max":
		if a.head == len(a.cand) {
			return nil // no row, or only NULLs, in the frame
		}
		return a.cand[a.head].v
	case f.Name == "string_agg":
		if !a.has {
			return nil
		}
		return string(a.buf)
	case a.cnt == 0:
		return nil
	case f.Name == "bool_and":
		return a.trues == a.cnt
	case f.Name == "bool_or":
		return a.trues > 0
	case f.Name == "avg":
		return a.fsum / float64(a.cnt)
	case f.DT.ID() == arrow.INT64:
		return a.isum
	}
	return a.fsum
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
	w.recs, w.cols = nil, nil
	w.child.Close()
}
