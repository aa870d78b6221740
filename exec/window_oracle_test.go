package exec

// The window operator as it was before its rewrite over typed slices
// (boxed values, rowRef sorts), kept as the oracle of
// TestWindowMatchesBoxed.

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/big"
	"slices"
	"sort"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// oldWindow appends one column per window function to its input's rows, which
// it passes in their input order.
type oldWindow struct {
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

// newOldWindow computes funcs over child's rows.
func newOldWindow(c *Ctx, child Operator, funcs []*WindowFunc, names []string) *oldWindow {
	fields := slices.Clone(child.Schema().Fields())
	for i, f := range funcs {
		fields = append(fields, arrow.Field{Name: names[i], Type: f.DT, Nullable: true})
	}
	return &oldWindow{child: child, funcs: funcs, schema: arrow.NewSchema(fields, nil), c: c}
}

func (w *oldWindow) Schema() *arrow.Schema { return w.schema }

func (w *oldWindow) Next(ctx context.Context) (arrow.Record, error) {
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

func (w *oldWindow) compute(ctx context.Context) error {
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
func (w *oldWindow) evalExprs(exprs []Expr) ([][]arrow.Array, error) {
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

// evalFunc computes f for every row, returned in input order.
func (w *oldWindow) evalFunc(ctx context.Context, f *WindowFunc, refs []rowRef) ([]any, error) {
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
		if err := f.oldPartition(ctx, p, out, index, argAt, func(a, b rowRef) int { return cmpAll(ordCmp, a, b) }, len(f.Order) > 0, ordAt, w.c.Location); err != nil {
			return nil, err
		}
		ps = pe
	}
	return out, nil
}

// oldPartition computes f over one oldPartition's rows p (sorted).
func (f *WindowFunc) oldPartition(ctx context.Context, p []rowRef, out []any, index func(rowRef) int, argAt func(int, rowRef) any, ordCmp func(a, b rowRef) int, ordered bool, ordAt func(rowRef) any, loc *time.Location) error {
	n := len(p)
	var keys *oldRangeKeys
	if f.Frame.rangeOffsets() {
		keys = newOldRangeKeys(p, ordAt, len(f.Order) > 0 && f.Order[0].Desc)
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
	// ntile's bucket count is read once, at the oldPartition's first row, as
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
	var run oldAgg    // count/sum/avg/min/max of the frames so far
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
				// The frame's rows less the oldExcluded: computed afresh for
				// each row, as no running state fits a frame with a hole.
				rows = f.oldExcluded(rows[:0], p, s, e, i, peerStart[i], peerEnd[i])
				run = oldAgg{cand: run.cand[:0], buf: run.buf[:0]}
				v, err = f.oldFrameValue(rows, 0, len(rows), argAt, intArg, r, &run)
			} else {
				v, err = f.oldFrameValue(p, s, e, argAt, intArg, r, &run)
			}
			if err != nil {
				return err
			}
		}
		out[index(r)] = v
	}
	return nil
}

// oldExcluded appends to dst the rows of frame [s, e) of p that row i's
// EXCLUDE clause leaves in; row i's peers are [ps, pe).
func (f *WindowFunc) oldExcluded(dst, p []rowRef, s, e, i, ps, pe int) []rowRef {
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

// oldFrameValue computes an aggregate or value function over rows [s, e).
// run holds count/sum/avg/min/max of the frame before, which a frame that
// continues it extends (oldAgg).
func (f *WindowFunc) oldFrameValue(p []rowRef, s, e int, argAt func(int, rowRef) any, intArg func(int, rowRef, int64) (int64, error), cur rowRef, run *oldAgg) (any, error) {
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
		v, ok := momentResult(kind, run.mn, run.msxx)
		if !ok {
			return nil, nil
		}
		if run.intsS != nil {
			// (N*Q - S*S) / (N*N or N*(N-1)), rounded once.
			n := big.NewInt(int64(run.mn))
			num := new(big.Int).Mul(n, run.intsQ)
			num.Sub(num, new(big.Int).Mul(run.intsS, run.intsS))
			den := new(big.Int).Sub(n, big.NewInt(1))
			if kind == AggVarPop || kind == AggStddevPop {
				den.Add(den, big.NewInt(1))
			}
			v, _ = new(big.Rat).SetFrac(num, den.Mul(den, n)).Float64()
			if kind == AggStddevSamp || kind == AggStddevPop {
				v = math.Sqrt(v)
			}
		}
		return v, nil
	}
	return nil, fmt.Errorf("window function %s is not implemented", f.Name)
}

// oldAgg is the state of count, sum, avg, min or max over a window
// frame's rows, added in order. A frame that starts where the previous
// row's did and ends no earlier (a running total, a whole oldPartition) adds
// only its new rows: the same additions in the same order as a
// recomputation, so the same result, in linear instead of quadratic time.
// A frame that slides (starts and ends no earlier than the previous one)
// also drops the rows that left it, where that is exact: counts, integer
// sums, and min/max, whose candidates are a monotonic queue.
type oldAgg struct {
	s, e int // the rows [s, e) added
	isum int64
	fsum float64
	cnt  int64
	// min/max: the rows that can still be the frame's extreme, in row
	// order, each strictly better than the ones after it or equal; the
	// first is the frame's extreme (its first occurrence, as a scan of
	// the frame finds it).
	cand []oldCand
	head int
	// stddev/variance: PostgreSQL's float8_accum state (momentStep), or
	// the exact sums of bigints (ints).
	mn, msx, msxx float64
	intsS, intsQ  *big.Int // nil until a bigint arrives
	// bool_and/bool_or: how many of the cnt values are true; string_agg:
	// the text so far (has: a value was added).
	trues int64
	buf   []byte
	has   bool
	valid bool
}

type oldCand struct {
	row int
	v   any
}

// extend adds rows [a.e, e) of p (after a reset to s when the frame does
// not continue the one added).
func (a *oldAgg) extend(f *WindowFunc, p []rowRef, s, e int, argAt func(int, rowRef) any) error {
	extreme := f.Name == "min" || f.Name == "max"
	if a.valid && s > a.s && s <= a.e && e >= a.e {
		switch {
		case extreme:
			for a.head < len(a.cand) && a.cand[a.head].row < s {
				a.cand[a.head] = oldCand{}
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
		*a = oldAgg{s: s, e: s, valid: true, cand: a.cand[:0], buf: a.buf[:0]}
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
			a.cand = append(a.cand, oldCand{row: j, v: v})
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
		default: // stddev, variance and their _samp/_pop forms (oldFrameValue sends no other)
			if x, ok := v.(int64); ok {
				// PostgreSQL's numeric variance of integers is exact: kept
				// here as big sums, the engine's exactSums in 192 bits.
				if a.intsS == nil {
					a.intsS, a.intsQ = new(big.Int), new(big.Int)
				}
				a.mn++
				a.intsS.Add(a.intsS, big.NewInt(x))
				a.intsQ.Add(a.intsQ, new(big.Int).Mul(big.NewInt(x), big.NewInt(x)))
				continue
			}
			var err error
			if a.mn, a.msx, a.msxx, err = momentStep(a.mn, a.msx, a.msxx, toFloat(v)); err != nil {
				return err
			}
		}
	}
	a.e = max(a.e, e)
	return nil
}

// value is the aggregate of the rows added.
func (a *oldAgg) value(f *WindowFunc) any {
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

func (w *oldWindow) Close() {
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

// oldRangeKeys holds a sorted oldPartition's ORDER BY values for RANGE frames
// with offsets. Rows with NULL keys sit together at one end; [lo, hi) are
// the others, sorted ascending or, with desc, descending.
type oldRangeKeys struct {
	keys   []any
	lo, hi int
	desc   bool
}

func newOldRangeKeys(p []rowRef, ordAt func(rowRef) any, desc bool) *oldRangeKeys {
	k := &oldRangeKeys{keys: make([]any, len(p)), desc: desc, lo: len(p)}
	for i, r := range p {
		k.keys[i] = ordAt(r)
		if k.keys[i] != nil {
			k.lo = min(k.lo, i)
			k.hi = i + 1
		}
	}
	if k.lo > k.hi {
		k.lo = k.hi
	}
	return k
}

// frame returns row i's RANGE frame [s, e): offset bounds reach the rows
// whose key is within the offset of row i's key (in sort direction); a row
// with a NULL key has its NULL peers as the offset bounds' frame, as in
// PostgreSQL.
func (k *oldRangeKeys) frame(f Frame, i, peerStart, peerEnd int, loc *time.Location) (int, int, error) {
	bound := func(b Bound, start bool) (int, error) {
		switch b.Kind {
		case UnboundedPreceding:
			return 0, nil
		case UnboundedFollowing:
			return len(k.keys), nil
		case CurrentRow:
			if start {
				return peerStart, nil
			}
			return peerEnd, nil
		}
		if k.keys[i] == nil {
			if start {
				return peerStart, nil
			}
			return peerEnd, nil
		}
		// Preceding goes against the sort direction, Following with it.
		target, err := oldShiftKey(k.keys[i], b.Value, (b.Kind == Preceding) != k.desc, loc)
		if err != nil {
			return 0, err
		}
		if target == keyEverything {
			// inf - inf: PostgreSQL counts every row within the offset.
			if start {
				return k.lo, nil
			}
			return k.hi, nil
		}
		// before(a, b): a sorts before b.
		before := func(a, b any) bool {
			c := compareKeys(a, b)
			if k.desc {
				return c > 0
			}
			return c < 0
		}
		if start { // first row not before the target
			return k.lo + sort.Search(k.hi-k.lo, func(j int) bool { return !before(k.keys[k.lo+j], target) }), nil
		}
		// first row after the target
		return k.lo + sort.Search(k.hi-k.lo, func(j int) bool { return before(target, k.keys[k.lo+j]) }), nil
	}
	s, err := bound(f.Start, true)
	if err != nil {
		return 0, 0, err
	}
	e, err := bound(f.End, false)
	if err != nil {
		return 0, 0, err
	}
	return s, max(s, e), nil
}

// oldShiftKey returns key minus (sub) or plus the offset: an interval moves a
// timestamp in the session's calendar; numbers add.
func oldShiftKey(key, off any, sub bool, loc *time.Location) (any, error) {
	switch k := key.(type) {
	case Timestamp:
		iv, ok := off.(arrow.MonthDayNanoInterval)
		if !ok {
			return nil, fmt.Errorf("RANGE offset for a timestamp ORDER BY must be an interval")
		}
		if sub {
			iv = NegInterval(iv)
		}
		t, ok := AddInterval(int64(k), iv, loc)
		if !ok {
			// Past the times Strata holds: the frame reaches every row on
			// that side.
			t = math.MaxInt64
			if iv.Months < 0 || iv.Months == 0 && (iv.Days < 0 || iv.Days == 0 && iv.Nanoseconds < 0) {
				t = math.MinInt64
			}
		}
		return Timestamp(t), nil
	case int64:
		if o, ok := off.(int64); ok {
			if sub {
				o = -o // offsets are not negative: no overflow
			}
			if r := k + o; (r > k) == (o > 0) || o == 0 {
				return r, nil
			}
			// Past bigint: beyond every key on that side, as PostgreSQL's
			// in_range answers without computing the sum.
			if o > 0 {
				return keyAbove, nil
			}
			return keyBelow, nil
		}
		key = float64(k)
	case uint64:
		key = float64(k)
	}
	kf, ok1 := toFloat(key), isNumber(key)
	of, ok2 := toFloat(off), isNumber(off)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("RANGE offsets need a numeric or timestamp ORDER BY and a matching offset")
	}
	if sub {
		of = -of
	}
	r := kf + of
	if math.IsNaN(r) && !math.IsNaN(kf) {
		return keyEverything, nil // infinity minus infinity
	}
	return r, nil
}

// keyBound is a shifted RANGE target beyond every key (a bigint sum past
// its range), or one that every key is within (an infinite key shifted by
// an infinite offset).
type keyBound int

const (
	keyBelow keyBound = iota - 1
	keyEverything
	keyAbove
)

// compareKeys orders two non-NULL keys of one ORDER BY column, or a key and
// a shifted target (which may be a float for an integer key).
func compareKeys(a, b any) int {
	if ka, ok := a.(keyBound); ok {
		return int(ka)
	}
	if kb, ok := b.(keyBound); ok {
		return -int(kb)
	}
	if ta, ok := a.(Timestamp); ok {
		return cmp.Compare(ta, b.(Timestamp))
	}
	if ia, ok := a.(int64); ok {
		if ib, ok := b.(int64); ok {
			return cmp.Compare(ia, ib)
		}
	}
	// NaN is equal to NaN and above every number, as PostgreSQL sorts it.
	return cmpFloat(toFloat(a), toFloat(b))
}
