package exec

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// winOp is a window function, resolved from its name once.
type winOp uint8

const (
	opUnknown winOp = iota
	opRowNumber
	opRank
	opDenseRank
	opPercentRank
	opCumeDist
	opNtile
	opLag
	opLead
	opFirstValue
	opLastValue
	opNthValue
	opCount
	opSum
	opAvg
	opMin
	opMax
	opBoolAnd
	opBoolOr
	opStringAgg
	opMoment // stddev, variance and their _samp/_pop forms
)

var winOps = map[string]winOp{
	"row_number": opRowNumber, "rank": opRank, "dense_rank": opDenseRank, "percent_rank": opPercentRank,
	"cume_dist": opCumeDist, "ntile": opNtile, "lag": opLag, "lead": opLead, "first_value": opFirstValue,
	"last_value": opLastValue, "nth_value": opNthValue, "count": opCount, "sum": opSum, "avg": opAvg,
	"min": opMin, "max": opMax, "bool_and": opBoolAnd, "bool_or": opBoolOr, "string_agg": opStringAgg,
}

func (f *WindowFunc) op() winOp {
	if _, ok := windowMoments[f.Name]; ok {
		return opMoment
	}
	return winOps[f.Name]
}

// needArgs is how many arguments op reads; fewer is an error (the planner
// never sends such a call).
func (f *WindowFunc) needArgs(op winOp) int {
	switch op {
	case opRowNumber, opRank, opDenseRank, opPercentRank, opCumeDist, opUnknown:
		return 0
	case opCount:
		if f.Star {
			return 0
		}
	case opNthValue, opStringAgg:
		return 2
	}
	return 1
}

// ctxCheck checks for cancellation every 4096 rows.
type ctxCheck struct {
	ctx  context.Context
	next int
}

// at checks when row pos (counting from 0 over all partitions) is 4096
// rows past the last check.
func (c *ctxCheck) at(pos int) error {
	if pos < c.next {
		return nil
	}
	c.next = pos + 4096
	return c.ctx.Err()
}

// run computes f for the n rows sorted as o, with arguments args.
func (f *WindowFunc) run(ctx context.Context, o *winOrder, args []*winCol, n int, loc *time.Location) (*winResult, error) {
	op := f.op()
	res := newWinResult(f, op, n, args)
	if n == 0 {
		return res, nil
	}
	if k := f.needArgs(op); len(args) < k {
		return nil, fmt.Errorf("window function %s needs %d arguments, not %d", f.Name, k, len(args))
	}
	chk := ctxCheck{ctx: ctx}
	var st frameState
	if op >= opFirstValue || op == opUnknown { // the functions over frames
		st = newFrameState(f, op, o, args, n)
	}
	for pi := 0; pi+1 < len(o.partStart); pi++ {
		ps, pe := int(o.partStart[pi]), int(o.partStart[pi+1])
		if err := chk.at(ps); err != nil {
			return nil, err
		}
		var err error
		switch op {
		case opRowNumber, opRank, opDenseRank, opPercentRank, opCumeDist, opNtile:
			err = f.ranks(op, o, ps, pe, args, res, &chk)
		case opLag, opLead:
			err = f.lagLead(op, o.perm[ps:pe], ps, args, res, &chk)
		default:
			err = f.frames(&st, ps, pe, loc, res, &chk)
		}
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

// ranks computes a ranking function over the partition at sorted
// positions [ps, pe).
func (f *WindowFunc) ranks(op winOp, o *winOrder, ps, pe int, args []*winCol, res *winResult, chk *ctxCheck) error {
	p := o.perm[ps:pe]
	n := len(p)
	peers := o.peers(ps, pe)
	switch op {
	case opRowNumber:
		for i, r := range p {
			res.i64[r] = int64(i + 1)
		}
	case opRank:
		for i, r := range p {
			start, _ := peers.at(i)
			res.i64[r] = int64(start) + 1
		}
	case opDenseRank:
		dense := int64(0)
		for i, r := range p {
			if peers.brk[i] != 0 {
				dense++
			}
			res.i64[r] = dense
		}
	case opPercentRank:
		for i, r := range p {
			start, _ := peers.at(i)
			res.f64[r] = 0
			if n > 1 {
				res.f64[r] = float64(start) / float64(n-1)
			}
		}
	case opCumeDist:
		for i, r := range p {
			_, end := peers.at(i)
			res.f64[r] = float64(end) / float64(n)
		}
	case opNtile:
		return f.ntile(p, args[0], res)
	}
	return chk.at(pe - 1)
}

// ntile splits partition p into buckets. The bucket count is read once, at
// the partition's first row, as PostgreSQL reads it; NULL makes every
// row's bucket NULL.
func (f *WindowFunc) ntile(p []int32, arg *winCol, res *winResult) error {
	if !arg.ok(p[0]) {
		for _, r := range p {
			res.null(r)
		}
		return nil
	}
	if arg.kind != kindInt {
		return fmt.Errorf("argument of %s must be an integer", f.Name)
	}
	k := arg.i64[p[0]]
	if k <= 0 {
		return fmt.Errorf("argument of ntile must be greater than zero")
	}
	// Rows split as evenly as possible, the first buckets larger.
	n := int64(len(p))
	size, extra := n/k, n%k
	for i, r := range p {
		pos := int64(i)
		if pos < extra*(size+1) {
			res.i64[r] = pos/(size+1) + 1
		} else {
			res.i64[r] = extra + (pos-extra*(size+1))/max(size, 1) + 1
		}
	}
	return nil
}

// lagLead computes lag or lead over partition p (sorted; its first row at
// sorted position ps): the value column's row offset rows before or after
// (a take), else the default's row of the current row.
func (f *WindowFunc) lagLead(op winOp, p []int32, ps int, args []*winCol, res *winResult, chk *ctxCheck) error {
	var off *winCol
	if len(args) > 1 {
		off = args[1]
	}
	hasDefault := len(args) > 2
	n := len(p)
	for i, r := range p {
		if err := chk.at(ps + i); err != nil {
			return err
		}
		k := int64(1)
		if off != nil {
			if !off.ok(r) {
				res.take[r] = -1 // a NULL offset: NULL
				continue
			}
			if off.kind != kindInt {
				return fmt.Errorf("argument of %s must be an integer", f.Name)
			}
			k = off.i64[r]
		}
		j := i - int(k)
		if op == opLead {
			j = i + int(k)
		}
		switch {
		case j >= 0 && j < n:
			res.take[r] = p[j]
		case hasDefault:
			res.take[r] = defaultRow(r)
		default:
			res.take[r] = -1
		}
	}
	return nil
}

// frameState is what a frame function keeps across its partitions.
type frameState struct {
	o      *winOrder
	args   []*winCol
	agg    frameAgg
	keys   rangeKeys
	ranged bool    // RANGE with offsets: frames from the key values
	whole  bool    // every row's frame is its whole partition
	groups []int   // GROUPS frames: each peer group's first row
	rows   []int32 // a frame's rows, when EXCLUDE makes a hole in it
}

func newFrameState(f *WindowFunc, op winOp, o *winOrder, args []*winCol, n int) frameState {
	st := frameState{o: o, args: args, agg: newFrameAgg(f, op, args), whole: op != opNthValue && f.wholePartition()}
	if f.Frame.rangeOffsets() {
		st.ranged = true
		st.keys.col = o.rangeCol(n)
		st.keys.desc = len(f.Order) > 0 && f.Order[0].Desc
	}
	return st
}

// frames computes a value or aggregate function over each row's frame in
// the partition at sorted positions [ps, pe).
func (f *WindowFunc) frames(st *frameState, ps, pe int, loc *time.Location, res *winResult, chk *ctxCheck) error {
	o := st.o
	p := o.perm[ps:pe]
	n := len(p)
	if st.whole {
		// Every row's frame is the partition: one value for all.
		st.agg.reset()
		if err := f.frameValue(st, p, 0, n, p[0], res); err != nil {
			return err
		}
		for _, r := range p[1:] {
			res.copy(r, p[0])
		}
		return chk.at(pe - 1)
	}
	if st.ranged {
		st.keys.reset(p)
	}
	if f.Frame.Groups {
		st.groups = st.groups[:0]
		groups := o.peers(ps, pe)
		for i := 0; i < n; {
			st.groups = append(st.groups, i)
			_, i = groups.at(i)
		}
	}
	peers := o.peers(ps, pe)
	st.agg.reset()
	for i, r := range p {
		if err := chk.at(ps + i); err != nil {
			return err
		}
		pst, pen := peers.at(i)
		s, e := f.frame(i, n, pst, pen)
		if f.Frame.Groups {
			s, e = f.groupsFrame(st.groups, n, pst)
		}
		if st.ranged {
			var err error
			if s, e, err = st.keys.frame(f.Frame, i, pst, pen, loc); err != nil {
				return err
			}
		}
		rows := p
		if f.Frame.Exclude != ExcludeNoOthers {
			// The frame's rows less the excluded: computed afresh for
			// each row, as no running state fits a frame with a hole.
			st.rows = f.excluded(st.rows[:0], p, s, e, i, pst, pen)
			rows, s, e = st.rows, 0, len(st.rows)
			st.agg.reset()
		}
		if err := f.frameValue(st, rows, s, e, r, res); err != nil {
			return err
		}
	}
	return nil
}

// wholePartition reports whether every row's frame is its whole partition:
// from the first row to the last, or the current row's peers where that is
// the partition (no ORDER BY), with nothing EXCLUDEd.
func (f *WindowFunc) wholePartition() bool {
	fr := f.Frame
	if fr.Exclude != ExcludeNoOthers || fr.rangeOffsets() {
		return false
	}
	peersAll := !fr.Rows && len(f.Order) == 0
	return (fr.Start.Kind == UnboundedPreceding || fr.Start.Kind == CurrentRow && peersAll) &&
		(fr.End.Kind == UnboundedFollowing || fr.End.Kind == CurrentRow && peersAll)
}

// frameValue computes row r's value or aggregate over rows[s:e].
func (f *WindowFunc) frameValue(st *frameState, rows []int32, s, e int, r int32, res *winResult) error {
	switch st.agg.op {
	case opFirstValue:
		res.take[r] = -1
		if s < e {
			res.take[r] = rows[s]
		}
	case opLastValue:
		res.take[r] = -1
		if s < e {
			res.take[r] = rows[e-1]
		}
	case opNthValue:
		res.take[r] = -1
		nth := st.args[1]
		if !nth.ok(r) {
			return nil // nth_value(x, NULL)
		}
		if nth.kind != kindInt {
			return fmt.Errorf("argument of %s must be an integer", f.Name)
		}
		k := nth.i64[r]
		if k <= 0 {
			return fmt.Errorf("argument of nth_value must be greater than zero")
		}
		if k-1 < int64(e-s) {
			res.take[r] = rows[s+int(k)-1]
		}
	case opUnknown:
		return fmt.Errorf("window function %s is not implemented", f.Name)
	default:
		if err := st.agg.extend(rows, s, e); err != nil {
			return err
		}
		st.agg.write(rows, r, res)
	}
	return nil
}

// excluded appends to dst the rows of frame [s, e) of p that row i's
// EXCLUDE clause leaves in; row i's peers are [ps, pe).
func (f *WindowFunc) excluded(dst, p []int32, s, e, i, ps, pe int) []int32 {
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
