package exec

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
)

// frameAgg is the state of an aggregate (count, sum, avg, min, max,
// bool_and, bool_or, string_agg, stddev, variance) over a window frame's
// rows, added in order. A frame that starts where the previous row's did
// and ends no earlier (a running total, a whole partition) adds only its
// new rows: the same additions in the same order as a recomputation, so
// the same result, in linear instead of quadratic time. A frame that
// slides (starts and ends no earlier than the previous one) also drops the
// rows that left it, where that is exact: counts, integer sums, and
// min/max, whose candidates are a monotonic queue.
//
// Frames are positions in a list of rows (a partition's, sorted; or a
// frame's less its EXCLUDEd rows); values are read from the argument
// columns at those rows.
type frameAgg struct {
	name      string
	op        winOp
	star      bool // count(*)
	arg       *winCol
	delim     *winCol // string_agg's delimiters
	bigint    bool    // the result is bigint: a sum past it is an error
	dec       decimalArg
	places    int8 // dec.perValue: the places of the values added (morePlaces)
	removable bool
	moment    AggFunc
	cmp       func(a, b int32) int // min/max: orders two rows' values

	s, e  int // the positions [s, e) added
	valid bool
	isum  int64
	fsum  float64
	cnt   int64
	// min/max: the positions that can still be the frame's extreme, in
	// order, each strictly better than the ones after it or equal; the
	// first is the frame's extreme (its first occurrence, as a scan of
	// the frame finds it).
	cand []int
	head int
	// stddev/variance: PostgreSQL's float8_accum state (momentStep), or
	// for bigints the exact sums (exactSums, as the grouped aggregates
	// keep them: PostgreSQL's numeric variance of integers is exact).
	mn, msx, msxx float64
	mexact        exactSums
	// bool_and/bool_or: how many of the cnt values are true; string_agg:
	// the text so far (has: a value was added).
	trues int64
	buf   []byte
	has   bool
}

func newFrameAgg(f *WindowFunc, op winOp, args []*winCol) frameAgg {
	a := frameAgg{name: f.Name, op: op, star: f.Star, bigint: f.DT.ID() == arrow.INT64, removable: removable(f),
		dec: decimalOf(Agg{Decimal: f.Decimal, Places: f.Places})}
	if len(args) > 0 {
		a.arg = args[0]
	}
	if op == opStringAgg && len(args) > 1 {
		a.delim = args[1]
	}
	if op == opMin || op == opMax {
		a.cmp = a.arg.comparer()
	}
	if op == opMoment {
		a.moment = windowMoments[f.Name]
	}
	return a
}

// reset forgets the rows added (keeping its buffers).
func (a *frameAgg) reset() {
	*a = frameAgg{name: a.name, op: a.op, star: a.star, arg: a.arg, delim: a.delim, bigint: a.bigint, removable: a.removable,
		dec: a.dec, moment: a.moment, cmp: a.cmp, cand: a.cand[:0], buf: a.buf[:0]}
}

// extend makes the state that of positions [s, e) of p: it adds the rows
// after the ones added, dropping those before s where that is exact, or
// starts again.
func (a *frameAgg) extend(p []int32, s, e int) error {
	if a.valid && s > a.s && s <= a.e && e >= a.e {
		switch {
		case a.op == opMin || a.op == opMax:
			for a.head < len(a.cand) && a.cand[a.head] < s {
				a.head++
			}
			if a.head > 64 && a.head > len(a.cand)/2 {
				a.cand = append(a.cand[:0], a.cand[a.head:]...)
				a.head = 0
			}
			a.s = s
		case a.removable:
			// Counts or integer sums: take the rows that left the frame
			// off (exact, as a recomputation).
			a.remove(p[a.s:s])
			a.s = s
		}
	}
	if !a.valid || s != a.s || e < a.e {
		a.reset()
		a.s, a.e, a.valid = s, s, true
	}
	if err := a.add(p, a.e, e); err != nil {
		return err
	}
	a.e = max(a.e, e)
	return nil
}

// remove takes rows off the count, the integer sum and the trues.
func (a *frameAgg) remove(rows []int32) {
	if a.op == opCount && a.star {
		a.cnt -= int64(len(rows))
		return
	}
	arg := a.arg
	for _, r := range rows {
		if !arg.ok(r) {
			continue
		}
		a.cnt--
		switch arg.kind {
		case kindInt:
			a.isum -= arg.i64[r]
			a.fsum -= float64(arg.i64[r])
		case kindBool:
			if getBit(arg.bits, int(r)) {
				a.trues--
			}
		}
	}
}

// add adds the rows at positions [from, to) of p.
func (a *frameAgg) add(p []int32, from, to int) error {
	if from >= to {
		return nil
	}
	rows := p[from:to]
	if a.op == opCount && a.star {
		a.cnt += int64(len(rows))
		return nil
	}
	arg := a.arg
	switch a.op {
	case opCount:
		for _, r := range rows {
			if arg.ok(r) {
				a.cnt++
			}
		}
	case opMin, opMax:
		switch arg.kind {
		case kindFloat:
			addExtreme(a, p, from, rows, arg.f64)
		case kindInt, kindTime:
			addExtreme(a, p, from, rows, arg.i64)
		default:
			for j, r := range rows {
				if !arg.ok(r) {
					continue
				}
				a.cnt++
				a.push(p, from+j, func(t int32) int { return a.cmp(r, t) })
			}
		}
	case opSum, opAvg:
		return a.addSum(rows)
	case opBoolAnd, opBoolOr:
		for _, r := range rows {
			if !arg.ok(r) {
				continue
			}
			if arg.kind != kindBool {
				return fmt.Errorf("argument of %s must be boolean", a.name)
			}
			a.cnt++
			if getBit(arg.bits, int(r)) {
				a.trues++
			}
		}
	case opStringAgg:
		for _, r := range rows {
			if !arg.ok(r) {
				continue
			}
			if arg.kind != kindText {
				return fmt.Errorf("argument of string_agg must be text")
			}
			a.cnt++
			// Each value after the first is preceded by its own row's
			// delimiter (none when that is NULL).
			if a.has && a.delim != nil && a.delim.kind == kindText && a.delim.ok(r) {
				a.buf = append(a.buf, a.delim.str[r]...)
			}
			a.buf = append(a.buf, arg.str[r]...)
			a.has = true
		}
	case opMoment:
		for _, r := range rows {
			if !arg.ok(r) {
				continue
			}
			a.cnt++
			if arg.kind == kindInt {
				a.mn++
				a.mexact.add(arg.i64[r])
				continue
			}
			var err error
			if a.mn, a.msx, a.msxx, err = momentStep(a.mn, a.msx, a.msxx, arg.float(r)); err != nil {
				return err
			}
		}
	}
	return nil
}

// addExtreme adds rows (positions from on of p) to min or max's
// candidates, comparing values of vals as cmpFloat and cmp3 do: NaN equals
// NaN and is above every number (v != v only for a NaN).
func addExtreme[T int64 | float64](a *frameAgg, p []int32, from int, rows []int32, vals []T) {
	arg, isMax := a.arg, a.op == opMax
	for j, r := range rows {
		if !arg.ok(r) {
			continue
		}
		a.cnt++
		v := vals[r]
		// Candidates a later, strictly better value outdoes can never be
		// the extreme again.
		for len(a.cand) > a.head {
			t := vals[p[a.cand[len(a.cand)-1]]]
			above, below := v > t || v != v && t == t, v < t || t != t && v == v
			if isMax && !above || !isMax && !below {
				break
			}
			a.cand = a.cand[:len(a.cand)-1]
		}
		a.cand = append(a.cand, from+j)
	}
}

// push adds position j of p to min or max's candidates; better compares its
// value with a row's.
func (a *frameAgg) push(p []int32, j int, better func(row int32) int) {
	// Candidates a later, strictly better value outdoes can never be the
	// extreme again.
	for len(a.cand) > a.head {
		c := better(p[a.cand[len(a.cand)-1]])
		if a.op == opMin {
			c = -c
		}
		if c <= 0 {
			break
		}
		a.cand = a.cand[:len(a.cand)-1]
	}
	a.cand = append(a.cand, j)
}

// addSum adds rows to a sum: integers exactly (a bigint result past its
// range is an error) and as floats, floats and unsigned as floats; other
// values count.
func (a *frameAgg) addSum(rows []int32) error {
	arg := a.arg
	switch arg.kind {
	case kindInt:
		for _, r := range rows {
			if !arg.ok(r) {
				continue
			}
			x := arg.i64[r]
			a.cnt++
			if (x > 0 && a.isum > math.MaxInt64-x) || (x < 0 && a.isum < math.MinInt64-x) {
				if a.bigint {
					return fmt.Errorf("bigint out of range in sum()")
				}
			}
			a.isum += x
			a.fsum += float64(x)
		}
	case kindFloat:
		for _, r := range rows {
			if arg.ok(r) {
				a.cnt++
				a.fsum += arg.f64[r]
				if a.dec.perValue {
					a.places = morePlaces(a.places, arg.f64[r])
				}
			}
		}
	case kindUint:
		for _, r := range rows {
			if arg.ok(r) {
				a.cnt++
				a.fsum += float64(arg.u64[r])
			}
		}
	default:
		for _, r := range rows {
			if arg.ok(r) {
				a.cnt++
			}
		}
	}
	return nil
}

// write stores the aggregate of the rows added as row r's result; p is the
// list extend was given.
func (a *frameAgg) write(p []int32, r int32, res *winResult) {
	switch {
	case a.op == opCount:
		res.i64[r] = a.cnt
	case a.op == opMin || a.op == opMax:
		res.take[r] = -1 // no row, or only NULLs, in the frame
		if a.head < len(a.cand) {
			res.take[r] = p[a.cand[a.head]]
		}
	case a.op == opStringAgg:
		if !a.has {
			res.null(r)
			return
		}
		res.setText(r, a.buf)
	case a.op == opMoment:
		v, ok := momentResult(a.moment, a.mn, a.msxx)
		if a.arg.kind == kindInt && ok {
			samp := a.moment == AggVarSamp || a.moment == AggStddevSamp
			if v = a.mexact.variance(int64(a.mn), samp); a.moment == AggStddevSamp || a.moment == AggStddevPop {
				v = math.Sqrt(v)
			}
		}
		if !ok {
			res.null(r)
			return
		}
		res.f64[r] = v
	case a.cnt == 0:
		res.null(r)
	case a.op == opBoolAnd:
		res.setBool(r, a.trues == a.cnt)
	case a.op == opBoolOr:
		res.setBool(r, a.trues > 0)
	case a.op == opAvg:
		res.f64[r] = a.dec.withPlaces(a.places).avg(a.fsum, a.cnt)
	case a.bigint:
		res.i64[r] = a.isum
	default:
		res.f64[r] = a.dec.withPlaces(a.places).sum(a.fsum)
	}
}
