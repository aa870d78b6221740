package exec

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// accumulator holds one aggregate's state for every group. update folds a
// batch in (gids[i] is row i's group; the groups exist); result builds the
// output column.
type accumulator interface {
	grow(groups int)
	update(gids []uint32, arg, tm arrow.Array) error
	result(dt arrow.DataType, groups int) arrow.Array
}

func newAccumulator(a Agg) (accumulator, error) {
	if a.Distinct && a.Func != AggMin && a.Func != AggMax && a.Func != AggBitAnd && a.Func != AggBitOr {
		switch a.Func {
		case AggCount, AggSum, AggAvg, AggBitXor:
			return &distinctAcc{fn: a.Func, dec: decimalOf(a)}, nil
		case AggStringAgg:
			return &collectAcc{agg: a}, nil // duplicates dropped in result
		}
		return nil, fmt.Errorf("%s(DISTINCT ...) is not implemented", a.Func)
	}
	switch a.Func {
	case AggCountStar:
		return &countAcc{star: true}, nil
	case AggCount:
		return &countAcc{}, nil
	case AggSum:
		return &sumAcc{dec: decimalOf(a)}, nil
	case AggAvg:
		return &avgAcc{dec: decimalOf(a)}, nil
	case AggStddevSamp, AggStddevPop, AggVarSamp, AggVarPop:
		return &momentAcc{kind: a.Func}, nil
	case AggMin, AggMax:
		return &extremeAcc{max: a.Func == AggMax}, nil
	case AggSingle:
		return &singleAcc{}, nil
	case AggFirst, AggLast:
		return &extremeAcc{max: a.Func == AggLast, byTime: true}, nil
	case AggTimeOfMin, AggTimeOfMax:
		return &extremeAcc{max: a.Func == AggTimeOfMax, timeOf: true}, nil
	case AggBoolAnd, AggBoolOr:
		return &boolAcc{or: a.Func == AggBoolOr}, nil
	case AggBitAnd, AggBitOr, AggBitXor:
		return &bitAcc{fn: a.Func}, nil
	case AggPercentileCont, AggPercentileDisc, AggMode:
		if acc := newPercentileAcc(a); acc != nil {
			return acc, nil
		}
		return &collectAcc{agg: a}, nil
	case AggStringAgg:
		if acc := newStringAggAcc(a); acc != nil {
			return acc, nil
		}
		return &collectAcc{agg: a}, nil
	case AggSummary:
		return &summaryAcc{s: a.Summary}, nil
	case AggHistogram:
		if err := CheckHistogram(a.Hist.Min, a.Hist.Max, int64(a.Hist.Buckets)); err != nil {
			return nil, err
		}
		return &histAcc{h: a.Hist}, nil
	}
	if a.Func.IsPairStat() {
		return &pairAcc{kind: a.Func}, nil
	}
	return nil, fmt.Errorf("aggregate %v is not implemented", a.Func)
}

// handOver returns the first n values of *s for a result array and drops
// *s: result runs once, at the end, so the values need no copy.
func handOver[T any](s *[]T, n int) []T {
	out := (*s)[:n:n]
	*s = nil
	return out
}

func growTo[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	old := len(s)
	s = slices.Grow(s, n-old)[:n]
	clear(s[old:])
	return s
}

type countAcc struct {
	star bool
	n    []int64
}

func (a *countAcc) grow(groups int) { a.n = growTo(a.n, groups) }

func (a *countAcc) update(gids []uint32, arg, _ arrow.Array) error {
	if a.star || arg.NullN() == 0 {
		for _, g := range gids {
			a.n[g]++
		}
		return nil
	}
	for i, g := range gids {
		if arg.IsValid(i) {
			a.n[g]++
		}
	}
	return nil
}

func (a *countAcc) result(dt arrow.DataType, groups int) arrow.Array {
	return fixedArray(dt, append([]int64(nil), a.n[:groups]...), nil)
}

// decimalArg says whether the values a sum or avg adds are decimals
// (Agg.Decimal): of a number of places the plan knows, or (perValue) of
// each value's own, found as the values are added (valuePlaces) and given
// to the result by withPlaces. The zero value says they are not.
type decimalArg struct {
	on       bool
	places   int
	perValue bool
}

func decimalOf(a Agg) decimalArg {
	switch {
	case !a.Decimal:
		return decimalArg{}
	case a.Places < 0 || a.Places > 15:
		return decimalArg{perValue: true}
	}
	return decimalArg{on: true, places: a.Places}
}

// withPlaces is d for a group whose values have at most p places
// (valuePlaces); a p below 0 turns it off.
func (d decimalArg) withPlaces(p int8) decimalArg {
	if !d.perValue {
		return d
	}
	return decimalArg{on: p >= 0, places: int(p), perValue: true}
}

// sum is a float sum s of the values moved to the nearest decimal of
// their places.
func (d decimalArg) sum(s float64) float64 {
	if !d.on {
		return s
	}
	return snapDecimal(s, math.Pow10(d.places))
}

// avg is the average of n values whose float sum is s: for decimals the
// sum as a decimal divided by n as decimals (decimalQuotient), else s / n.
func (d decimalArg) avg(s float64, n int64) float64 {
	if d.on {
		if q, ok := decimalQuotient(d.sum(s), float64(n), d.places, 0); ok {
			return q
		}
	}
	return s / float64(n)
}

// morePlaces is p, the most places after the point of the values seen
// (at most 22), raised to x's (shortestDecimals); -1, once a value has no
// short decimal form, stays. It runs per row for numerics of no known
// scale (VALUES of several, a float8 cast to numeric): a value of no more
// places than the ones before it, most of them, costs a multiply, a round
// and a divide (x is the double nearest a decimal of p places exactly
// when it reads back from one, as in shortestDecimals).
func morePlaces(p int8, x float64) int8 {
	if p < 0 {
		return p
	}
	if pw := pow10s[p]; math.Round(x*pw)/pw == x {
		return p
	}
	q := shortestDecimals(x)
	switch {
	case q < 0 || q >= len(pow10s):
		return -1
	case q > int(p):
		return int8(q)
	}
	return p
}

// valuePlaces is morePlaces per group: for a sum or avg of numerics of no
// known scale (decimalArg.perValue), each group's sum is moved to the
// nearest decimal of its values' places, so 1.1 + 2.20 is 3.3 and not the
// floats' 3.3000000000000003.
type valuePlaces []int8

func (vp valuePlaces) add(gids []uint32, vals []float64, valid func(int) bool) {
	for i, g := range gids {
		if valid == nil || valid(i) {
			vp[g] = morePlaces(vp[g], vals[i])
		}
	}
}

// of is d for group g's values (withPlaces); d itself when no places
// are kept (vp nil: not perValue).
func (vp valuePlaces) of(d decimalArg, g int) decimalArg {
	if vp == nil {
		return d
	}
	return d.withPlaces(vp[g])
}

// merge takes in p, a partial state's places for group g.
func (vp valuePlaces) merge(g uint32, p int8) {
	if vp[g] >= 0 && (p < 0 || p > vp[g]) {
		vp[g] = p
	}
}

// sumAcc sums integers exactly (overflow is an error, as for PostgreSQL's
// bigint arithmetic) and floats as float64 with compensation (fcomp,
// addComp). A group with no non-NULL value sums to NULL.
type sumAcc struct {
	dec    decimalArg // a numeric argument (Agg.Decimal)
	places valuePlaces
	ints   []int64
	uints  []uint64
	floats []float64
	fcomp  []float64
	seen   []bool
}

func (a *sumAcc) grow(groups int) {
	a.ints, a.uints, a.floats, a.seen = growTo(a.ints, groups), growTo(a.uints, groups), growTo(a.floats, groups), growTo(a.seen, groups)
	a.fcomp = growTo(a.fcomp, groups)
	if a.dec.perValue {
		a.places = growTo(a.places, groups)
	}
}

// addComp adds x to the compensated sum (s, c): c gathers the low-order
// bits each addition rounds away, so s + c holds about twice float64's
// precision and rounds to the same sum whatever the order of the
// additions (but where values cancel by many orders of magnitude).
// Partial sums of a parallel scan merge in the order its workers finish:
// without compensation a float sum's last digit changed between runs of
// one query.
func addComp(s, c, x float64) (float64, float64) {
	// Knuth's TwoSum: the rounding error of s + x, without a branch.
	t := s + x
	v := t - s
	return t, c + ((s - (t - v)) + (x - v))
}

func (a *sumAcc) update(gids []uint32, arg, _ arrow.Array) error {
	nulls := arg.NullN() > 0
	switch v := arg.(type) {
	case *array.Int64:
		for i, x := range v.Int64Values() {
			if nulls && v.IsNull(i) {
				continue
			}
			g := gids[i]
			s := a.ints[g] + x
			if (x > 0 && s < a.ints[g]) || (x < 0 && s > a.ints[g]) {
				return fmt.Errorf("bigint out of range in sum()")
			}
			a.ints[g], a.seen[g] = s, true
		}
	case *array.Uint64:
		for i, x := range v.Uint64Values() {
			if nulls && v.IsNull(i) {
				continue
			}
			g := gids[i]
			s, carry := bits.Add64(a.uints[g], x, 0)
			if carry != 0 {
				return fmt.Errorf("unsigned bigint out of range in sum()")
			}
			a.uints[g], a.seen[g] = s, true
		}
	case *array.Float64:
		for i, x := range v.Float64Values() {
			if nulls && v.IsNull(i) {
				continue
			}
			g := gids[i]
			a.floats[g], a.fcomp[g] = addComp(a.floats[g], a.fcomp[g], x)
			a.seen[g] = true
		}
		if a.places != nil {
			var valid func(int) bool
			if nulls {
				valid = v.IsValid
			}
			a.places.add(gids, v.Float64Values(), valid)
		}
	default:
		return fmt.Errorf("function sum(%v) does not exist", arg.DataType())
	}
	return nil
}

func (a *sumAcc) result(dt arrow.DataType, groups int) arrow.Array {
	valid := validFrom(a.seen[:groups])
	switch dt.ID() {
	case arrow.INT64:
		return fixedArray(dt, handOver(&a.ints, groups), valid)
	case arrow.UINT64:
		return fixedArray(dt, handOver(&a.uints, groups), valid)
	}
	out := handOver(&a.floats, groups)
	for g := range out {
		if c := a.fcomp[g]; c != 0 && !math.IsInf(out[g], 0) && !math.IsNaN(out[g]) {
			out[g] += c
		}
		out[g] = a.places.of(a.dec, g).sum(out[g])
	}
	return fixedArray(dt, out, valid)
}

// validFrom turns per-group "has a value" flags into a validity bitmap (nil
// when all have one).
func validFrom(seen []bool) []byte {
	all := true
	for _, s := range seen {
		all = all && s
	}
	if all {
		return nil
	}
	valid := newBitmap(len(seen))
	for i, s := range seen {
		if s {
			setBit(valid, i)
		}
	}
	return valid
}

// numericFloats returns a numeric array's values as float64s.
func numericFloats(a arrow.Array) ([]float64, error) {
	switch v := a.(type) {
	case *array.Float64:
		return v.Float64Values(), nil
	case *array.Int64:
		out := make([]float64, v.Len())
		for i, x := range v.Int64Values() {
			out[i] = float64(x)
		}
		return out, nil
	case *array.Uint64:
		out := make([]float64, v.Len())
		for i, x := range v.Uint64Values() {
			out[i] = float64(x)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%v is not numeric", a.DataType())
}

// momentAcc computes the variances and standard deviations from N, the
// sum Sx and the sum of squared deviations Sxx, kept up to date with the
// Youngs-Cramer method and combined as PostgreSQL's float8_accum and
// float8_combine do, so the results are PostgreSQL's float8 ones to the
// bit for the same rows in the same order: an infinite or NaN input makes
// Sxx NaN; finite inputs whose sums overflow are an error. A bigint
// argument keeps exact sums instead (exactMoments), as PostgreSQL's
// numeric variance of integers is exact.
type momentAcc struct {
	kind       AggFunc
	n, sx, sxx []float64
	// exact holds the exact sums of a bigint argument in place of sx and
	// sxx, until a batch of another type arrives (float8 from then on).
	exact   *exactMoments
	inexact bool
}

// errFloatOverflow is PostgreSQL's error for a float8 result that
// overflows from finite inputs.
var errFloatOverflow = fmt.Errorf("value out of range: overflow")

func (a *momentAcc) grow(groups int) {
	a.n, a.sx, a.sxx = growTo(a.n, groups), growTo(a.sx, groups), growTo(a.sxx, groups)
	if a.exact != nil {
		a.exact.grow(groups)
	}
}

// exactFor readies the exact sums for a batch of arg's type and reports
// whether they are kept; a batch of another type turns them into the
// float8 state.
func (a *momentAcc) exactFor(arg arrow.Array) bool {
	if a.inexact {
		return false
	}
	if arg.DataType().ID() != arrow.INT64 {
		a.toFloat()
		return false
	}
	if a.exact == nil {
		a.exact = &exactMoments{}
		a.exact.grow(len(a.n))
	}
	return true
}

// toFloat replaces the exact sums by the float8 state they stand for.
func (a *momentAcc) toFloat() {
	if a.exact != nil {
		for g := range a.n {
			a.sx[g], a.sxx[g] = a.exact.floatState(g, a.n[g])
		}
	}
	a.inexact, a.exact = true, nil
}

func (a *momentAcc) update(gids []uint32, arg, _ arrow.Array) error {
	nulls := arg.NullN() > 0
	if a.exactFor(arg) {
		for i, x := range arg.(*array.Int64).Int64Values() {
			if nulls && arg.IsNull(i) {
				continue
			}
			g := gids[i]
			a.n[g]++
			a.exact.add(g, x)
		}
		return nil
	}
	vals, err := numericFloats(arg)
	if err != nil {
		return fmt.Errorf("function %s: %w", a.kind, err)
	}
	for i, x := range vals {
		if nulls && arg.IsNull(i) {
			continue
		}
		g := gids[i]
		if a.n[g], a.sx[g], a.sxx[g], err = momentStep(a.n[g], a.sx[g], a.sxx[g], x); err != nil {
			return err
		}
	}
	return nil
}

// momentStep adds x to the count n, sum sx and squared deviations sxx as
// PostgreSQL's float8_accum does (Youngs-Cramer; a first infinite or NaN
// value makes sxx NaN, else one value would report variance 0; infinite
// sums from infinite input are NaN, from finite ones an overflow error).
func momentStep(n, sx, sxx, x float64) (float64, float64, float64, error) {
	old, oldSx := n, sx
	n++
	sx += x
	if old == 0 {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			sxx = math.NaN()
		}
		return n, sx, sxx, nil
	}
	t := x*n - sx
	sxx += t * t / (n * old)
	if math.IsInf(sx, 0) || math.IsInf(sxx, 0) {
		if !math.IsInf(oldSx, 0) && !math.IsInf(x, 0) {
			return 0, 0, 0, errFloatOverflow
		}
		sxx = math.NaN()
	}
	return n, sx, sxx, nil
}

// momentResult is the variance or standard deviation kind of n values
// with squared deviations sxx; ok is false where it is NULL.
func momentResult(kind AggFunc, n, sxx float64) (v float64, ok bool) {
	switch kind {
	case AggVarPop:
		return sxx / n, n > 0
	case AggStddevPop:
		return math.Sqrt(sxx / n), n > 0
	case AggVarSamp:
		return sxx / (n - 1), n > 1
	case AggStddevSamp:
		return math.Sqrt(sxx / (n - 1)), n > 1
	}
	return 0, false
}

func (a *momentAcc) result(dt arrow.DataType, groups int) arrow.Array {
	out := make([]float64, groups)
	seen := make([]bool, groups)
	samp := a.kind == AggVarSamp || a.kind == AggStddevSamp
	for g := 0; g < groups; g++ {
		if a.exact == nil {
			out[g], seen[g] = momentResult(a.kind, a.n[g], a.sxx[g])
			continue
		}
		if seen[g] = a.n[g] > 0 && (!samp || a.n[g] > 1); !seen[g] {
			continue
		}
		out[g] = a.exact.variance(g, int64(a.n[g]), samp)
		if a.kind == AggStddevSamp || a.kind == AggStddevPop {
			out[g] = math.Sqrt(out[g])
		}
	}
	return fixedArray(dt, out, validFrom(seen))
}

// extremeAcc computes min/max of the argument, or, by time, first/last:
// the argument's value at the smallest/largest time, NULL if that row's
// value is NULL (TimescaleDB's semantics; rows with a NULL time are
// skipped; ties keep the first row seen), or the time of the min/max
// value (timeOf: InfluxDB 3's selector_min/selector_max(value, time)
// ['time']; rows with a NULL value or time are skipped; among equal values
// the smallest time).
type extremeAcc struct {
	max    bool
	byTime bool
	timeOf bool
	has    []bool
	null   []bool  // by time: the chosen row's value is NULL
	ints   []int64 // int64, timestamp
	uints  []uint64
	floats []float64
	strs   []string
	bools  []bool
	ivals  []arrow.MonthDayNanoInterval
	times  []int64
	kind   arrow.Type
	groups int
	nan    bool // a float NaN was seen: min/max order it after numbers
}

// grow only records the group count; the value slice of the argument's type
// grows when a batch of that type arrives (values), so a max over floats
// does not keep six slices of every group.
func (a *extremeAcc) grow(groups int) {
	a.groups = groups
	a.has = growTo(a.has, groups)
	if a.byTime {
		a.null = growTo(a.null, groups)
	}
	if a.byTime || a.timeOf {
		a.times = growTo(a.times, groups)
	}
}

// values grows the value slice that arguments of type id use. The integer
// slots of new groups start at min/max's identity, so extremeInts folds
// every row in without asking whether its group has a value yet.
func (a *extremeAcc) values(id arrow.Type) {
	n := a.groups
	switch id {
	case arrow.INT64, arrow.TIMESTAMP:
		old := len(a.ints)
		a.ints = growTo(a.ints, n)
		if !a.byTime {
			fill(a.ints[old:], a.max, math.MinInt64, math.MaxInt64)
		}
	case arrow.UINT64:
		old := len(a.uints)
		a.uints = growTo(a.uints, n)
		if !a.byTime {
			fill(a.uints[old:], a.max, 0, math.MaxUint64)
		}
	case arrow.FLOAT64:
		a.floats = growTo(a.floats, n)
	case arrow.BOOL:
		a.bools = growTo(a.bools, n)
	case arrow.INTERVAL_MONTH_DAY_NANO:
		a.ivals = growTo(a.ivals, n)
	default:
		a.strs = growTo(a.strs, n)
	}
}

// better reports whether candidate c beats current v.
func better[T cmp.Ordered](max bool, c, v T) bool {
	if max {
		return c > v
	}
	return c < v
}

// fill sets s to lo when max (the identity of max) and hi otherwise.
func fill[T int64 | uint64](s []T, max bool, lo, hi T) {
	v := hi
	if max {
		v = lo
	}
	for i := range s {
		s[i] = v
	}
}

// extremeInts is min/max over integers without NULLs: one branch-free
// min/max per row (cur starts at the identity). With one group per minute
// of a 10-second series, whether a row is its group's first or a new max
// is unpredictable, and the branches of extremeFast missed often enough to
// cost ~3 ns a value.
func extremeInts[T int64 | uint64](takeMax bool, gids []uint32, vals []T, has []bool, cur []T) {
	vals = vals[:len(gids)]
	if longRuns(gids) {
		extremeRuns(takeMax, gids, vals, has, cur)
		return
	}
	if takeMax {
		for i, g := range gids {
			cur[g] = max(cur[g], vals[i])
			has[g] = true
		}
		return
	}
	for i, g := range gids {
		cur[g] = min(cur[g], vals[i])
		has[g] = true
	}
}

// extremeRuns is extremeInts over runs of one group (rows in time order
// grouped by hour): the run's extreme is kept in a register and stored
// once, where the per-row loop waits on its own store to the group's slot
// row after row (BenchmarkExtreme: hours).
func extremeRuns[T int64 | uint64](takeMax bool, gids []uint32, vals []T, has []bool, cur []T) {
	n := len(gids)
	vals = vals[:n]
	for i := 0; i < n; {
		g := gids[i]
		m := cur[g]
		j := i
		if takeMax {
			for ; j < n && gids[j] == g; j++ {
				m = max(m, vals[j])
			}
		} else {
			for ; j < n && gids[j] == g; j++ {
				m = min(m, vals[j])
			}
		}
		cur[g] = m
		has[g] = true
		i = j
	}
}

// orderKeys are the values first() and last() order by, as int64s in the
// same order: timestamps and integers as they are, floats by their bits
// (NaN last, as PostgreSQL orders it), unsigned integers shifted.
// TimescaleDB takes any ordered type; text is not among these.
func orderKeys(tm arrow.Array) ([]int64, error) {
	switch v := tm.(type) {
	case *array.Timestamp:
		return timestampValues(v), nil
	case *array.Int64:
		return v.Int64Values(), nil
	case *array.Float64:
		keys := make([]int64, v.Len())
		for i, f := range v.Float64Values() {
			if f == 0 {
				f = 0 // -0 is 0
			}
			b := int64(math.Float64bits(f))
			if b < 0 {
				b ^= math.MaxInt64 // negatives: larger magnitudes first
			}
			keys[i] = b
		}
		return keys, nil
	case *array.Uint64:
		keys := make([]int64, v.Len())
		for i, u := range v.Uint64Values() {
			keys[i] = int64(u ^ 1<<63)
		}
		return keys, nil
	}
	return nil, fmt.Errorf("the second argument of first()/last() must be a timestamp or a number, not %v", tm.DataType())
}

// extremeFast is min/max over a typed slice without per-row closures.
func extremeFast[T int64 | uint64 | float64](max bool, gids []uint32, vals []T, valid func(int) bool, has []bool, cur []T) {
	vals = vals[:len(gids)]
	if max { // one loop each: the direction is not tested per row
		for i, g := range gids {
			if valid != nil && !valid(i) {
				continue
			}
			if v := vals[i]; !has[g] {
				has[g], cur[g] = true, v
			} else if v > cur[g] {
				cur[g] = v
			}
		}
		return
	}
	for i, g := range gids {
		if valid != nil && !valid(i) {
			continue
		}
		if v := vals[i]; !has[g] {
			has[g], cur[g] = true, v
		} else if v < cur[g] {
			cur[g] = v
		}
	}
}

// extremeFloats is extremeFast over floats without NaNs, by runs of one
// group where the rows come so (extremeRuns; BenchmarkExtreme: floats).
func extremeFloats(max bool, gids []uint32, vals []float64, valid func(int) bool, has []bool, cur []float64) {
	if valid != nil || !longRuns(gids) {
		extremeFast(max, gids, vals, valid, has, cur)
		return
	}
	n := len(gids)
	vals = vals[:n]
	for i := 0; i < n; {
		g := gids[i]
		// As row by row: the group's value so far, or the run's first;
		// a later value replaces it only when strictly beyond it.
		m, j := vals[i], i+1
		if has[g] {
			m, j = cur[g], i
		}
		if max {
			for ; j < n && gids[j] == g; j++ {
				if v := vals[j]; v > m {
					m = v
				}
			}
		} else {
			for ; j < n && gids[j] == g; j++ {
				if v := vals[j]; v < m {
					m = v
				}
			}
		}
		cur[g], has[g] = m, true
		i = j
	}
}

// extremeNaN is extremeFast over floats where a NaN has been seen, which
// is greater than every number, as in PostgreSQL: max takes one, min
// replaces one.
func extremeNaN(max bool, gids []uint32, vals []float64, valid func(int) bool, has []bool, cur []float64) {
	for i, g := range gids {
		if valid != nil && !valid(i) {
			continue
		}
		v := vals[i]
		if !has[g] {
			has[g], cur[g] = true, v
		} else if max && (v > cur[g] || v != v) || !max && (v < cur[g] || cur[g] != cur[g]) {
			cur[g] = v
		}
	}
}

// hasNaN reports whether vals holds a NaN.
func hasNaN(vals []float64) bool {
	for _, v := range vals {
		if v != v {
			return true
		}
	}
	return false
}

func (a *extremeAcc) update(gids []uint32, arg, tm arrow.Array) error {
	a.kind = arg.DataType().ID()
	a.values(a.kind)
	if !a.byTime && !a.timeOf {
		var valid func(int) bool
		if arg.NullN() > 0 {
			valid = arg.IsValid
		}
		switch v := arg.(type) {
		case *array.Int64:
			if valid == nil {
				extremeInts(a.max, gids, v.Int64Values(), a.has, a.ints)
				return nil
			}
			extremeFast(a.max, gids, v.Int64Values(), valid, a.has, a.ints)
			return nil
		case *array.Float64:
			// Without a NaN so far, the plain comparisons are PostgreSQL's
			// order; the check is one pass over the batch.
			fv := v.Float64Values()
			if a.nan = a.nan || hasNaN(fv); a.nan {
				extremeNaN(a.max, gids, fv, valid, a.has, a.floats)
				return nil
			}
			extremeFloats(a.max, gids, fv, valid, a.has, a.floats)
			return nil
		case *array.Timestamp:
			if valid == nil {
				extremeInts(a.max, gids, timestampValues(v), a.has, a.ints)
				return nil
			}
			extremeFast(a.max, gids, timestampValues(v), valid, a.has, a.ints)
			return nil
		case *array.Uint64:
			if valid == nil {
				extremeInts(a.max, gids, v.Uint64Values(), a.has, a.uints)
				return nil
			}
			extremeFast(a.max, gids, v.Uint64Values(), valid, a.has, a.uints)
			return nil
		}
	}
	var times []int64
	if a.byTime || a.timeOf {
		var err error
		if times, err = orderKeys(tm); err != nil {
			return err
		}
	}
	// take reports whether row i should replace group g's value; c
	// compares row i's value with the group's (asked only when the group
	// has one).
	take := func(i int, g uint32, c func() int) bool {
		if a.byTime {
			if tm.IsNull(i) {
				return false
			}
			if !a.has[g] || better(a.max, times[i], a.times[g]) {
				// A NULL value at a better time wins too.
				a.null[g] = arg.IsNull(i)
				if a.null[g] {
					a.has[g], a.times[g] = true, times[i]
					return false
				}
				return true
			}
			return false
		}
		if arg.IsNull(i) || a.timeOf && tm.IsNull(i) {
			return false
		}
		if !a.has[g] {
			return true
		}
		d := c()
		return better(a.max, d, 0) || d == 0 && a.timeOf && times[i] < a.times[g]
	}
	set := func(i int, g uint32) {
		a.has[g] = true
		if a.byTime || a.timeOf {
			a.times[g] = times[i]
		}
	}
	switch v := arg.(type) {
	case *array.Int64:
		vals := v.Int64Values()
		for i, g := range gids {
			if take(i, g, func() int { return cmp.Compare(vals[i], a.ints[g]) }) {
				a.ints[g] = vals[i]
				set(i, g)
			}
		}
	case *array.Timestamp:
		vals := timestampValues(v)
		for i, g := range gids {
			if take(i, g, func() int { return cmp.Compare(vals[i], a.ints[g]) }) {
				a.ints[g] = vals[i]
				set(i, g)
			}
		}
	case *array.Uint64:
		vals := v.Uint64Values()
		for i, g := range gids {
			if take(i, g, func() int { return cmp.Compare(vals[i], a.uints[g]) }) {
				a.uints[g] = vals[i]
				set(i, g)
			}
		}
	case *array.Float64:
		vals := v.Float64Values()
		for i, g := range gids {
			if take(i, g, func() int { return cmpFloat(vals[i], a.floats[g]) }) {
				a.floats[g] = vals[i]
				set(i, g)
			}
		}
	case *array.String, *array.Dictionary:
		get := textAccessor(arg)
		for i, g := range gids {
			if take(i, g, func() int { return strings.Compare(get(i), a.strs[g]) }) {
				a.strs[g] = get(i)
				set(i, g)
			}
		}
	case *array.Boolean:
		for i, g := range gids {
			if take(i, g, func() int { return cmpBool(v.Value(i), a.bools[g]) }) {
				a.bools[g] = v.Value(i)
				set(i, g)
			}
		}
	case *array.MonthDayNanoInterval:
		for i, g := range gids {
			// Among equal spans min/max keep the last one seen, as
			// PostgreSQL's interval_larger and interval_smaller do.
			if take(i, g, func() int {
				c := cmpInterval(v.Value(i), a.ivals[g])
				if c == 0 && !a.timeOf && a.max {
					return 1
				} else if c == 0 && !a.timeOf {
					return -1
				}
				return c
			}) {
				a.ivals[g] = v.Value(i)
				set(i, g)
			}
		}
	default:
		return fmt.Errorf("cannot compute min/max of %v", arg.DataType())
	}
	return nil
}

func (a *extremeAcc) result(dt arrow.DataType, groups int) arrow.Array {
	if a.timeOf {
		return fixedArray(dt, handOver(&a.times, groups), validFrom(a.has[:groups]))
	}
	a.values(dt.ID())
	has := a.has[:groups]
	if a.byTime {
		has = make([]bool, groups)
		for g := range has {
			has[g] = a.has[g] && !a.null[g]
		}
	}
	valid := validFrom(has)
	switch dt.ID() {
	case arrow.INT64, arrow.TIMESTAMP:
		return fixedArray(dt, handOver(&a.ints, groups), valid)
	case arrow.UINT64:
		return fixedArray(dt, handOver(&a.uints, groups), valid)
	case arrow.FLOAT64:
		return fixedArray(dt, handOver(&a.floats, groups), valid)
	case arrow.INTERVAL_MONTH_DAY_NANO:
		return fixedArray(dt, handOver(&a.ivals, groups), valid)
	case arrow.BOOL:
		vals := newBitmap(groups)
		for g := 0; g < groups; g++ {
			if a.bools[g] {
				setBit(vals, g)
			}
		}
		return boolArray(vals, valid, groups)
	}
	sb := array.NewStringBuilder(memory.DefaultAllocator)
	defer sb.Release()
	for g := 0; g < groups; g++ {
		if has[g] {
			sb.Append(a.strs[g])
		} else {
			sb.AppendNull()
		}
	}
	return sb.NewArray()
}

type boolAcc struct {
	or   bool
	has  []bool
	vals []bool
}

func (a *boolAcc) grow(groups int) { a.has, a.vals = growTo(a.has, groups), growTo(a.vals, groups) }

func (a *boolAcc) update(gids []uint32, arg, _ arrow.Array) error {
	b, ok := arg.(*array.Boolean)
	if !ok {
		return fmt.Errorf("function bool_and/bool_or(%v) does not exist", arg.DataType())
	}
	for i, g := range gids {
		if b.IsNull(i) {
			continue
		}
		v := b.Value(i)
		if !a.has[g] {
			a.has[g], a.vals[g] = true, v
		} else if a.or {
			a.vals[g] = a.vals[g] || v
		} else {
			a.vals[g] = a.vals[g] && v
		}
	}
	return nil
}

func (a *boolAcc) result(dt arrow.DataType, groups int) arrow.Array {
	vals := newBitmap(groups)
	for g := 0; g < groups; g++ {
		if a.vals[g] {
			setBit(vals, g)
		}
	}
	return boolArray(vals, validFrom(a.has[:groups]), groups)
}

// bitAcc is bit_and, bit_or or bit_xor of bigint (or unsigned) values,
// held as their 64 bits.
type bitAcc struct {
	fn   AggFunc
	has  []bool
	vals []uint64
}

func (a *bitAcc) grow(groups int) { a.has, a.vals = growTo(a.has, groups), growTo(a.vals, groups) }

// fold combines v into group g's value.
func (a *bitAcc) fold(g uint32, v uint64) {
	switch {
	case !a.has[g]:
		a.has[g], a.vals[g] = true, v
	case a.fn == AggBitAnd:
		a.vals[g] &= v
	case a.fn == AggBitOr:
		a.vals[g] |= v
	default:
		a.vals[g] ^= v
	}
}

func (a *bitAcc) update(gids []uint32, arg, _ arrow.Array) error {
	var vals []uint64
	switch v := arg.(type) {
	case *array.Int64:
		vals = arrow.Uint64Traits.CastFromBytes(arrow.Int64Traits.CastToBytes(v.Int64Values()))
	case *array.Uint64:
		vals = v.Uint64Values()
	default:
		return fmt.Errorf("function %s(%s) does not exist", a.fn, SQLTypeName(arg.DataType()))
	}
	for i, g := range gids {
		if arg.IsNull(i) {
			continue
		}
		a.fold(g, vals[i])
	}
	return nil
}

func (a *bitAcc) result(dt arrow.DataType, groups int) arrow.Array {
	valid := validFrom(a.has[:groups])
	if dt.ID() == arrow.UINT64 {
		return fixedArray(dt, handOver(&a.vals, groups), valid)
	}
	ints := arrow.Int64Traits.CastFromBytes(arrow.Uint64Traits.CastToBytes(a.vals[:groups:groups]))
	a.vals = nil
	return fixedArray(dt, ints, valid)
}

// distinctAcc keeps each group's distinct non-NULL values and computes
// count, sum or avg over them at the end.
type distinctAcc struct {
	err  error // a bigint sum past its range, found by result (resultErr)
	fn   AggFunc
	dec  decimalArg // a numeric argument (Agg.Decimal)
	sets []map[any]struct{}
}

func (a *distinctAcc) grow(groups int) { a.sets = growTo(a.sets, groups) }

// resultErr is the error result found: a bigint sum past its range, as
// PostgreSQL's bigint arithmetic fails (sumAcc fails in update; a DISTINCT
// sum is only added up at the end).
func (a *distinctAcc) resultErr() error { return a.err }

func (a *distinctAcc) update(gids []uint32, arg, _ arrow.Array) error {
	get, err := valueGetter(arg)
	if err != nil {
		return err
	}
	for i, g := range gids {
		if arg.IsNull(i) {
			continue
		}
		if a.sets[g] == nil {
			a.sets[g] = map[any]struct{}{}
		}
		a.sets[g][distinctKey(get(i))] = struct{}{}
	}
	return nil
}

// nanKey stands for every NaN in a set of distinct values.
type nanKey struct{}

// distinctKey is v as DISTINCT tells values apart, as PostgreSQL does:
// intervals by their span ('1 day' = '24 hours'), every NaN one value, -0
// equal to 0.
func distinctKey(v any) any {
	switch x := v.(type) {
	case arrow.MonthDayNanoInterval:
		days, nanos := intervalSpan(x)
		return [2]int64{days, nanos}
	case float64:
		if math.IsNaN(x) {
			return nanKey{}
		}
		if x == 0 {
			return float64(0)
		}
	}
	return v
}

func (a *distinctAcc) result(dt arrow.DataType, groups int) arrow.Array {
	b := array.NewBuilder(memory.DefaultAllocator, dt)
	defer b.Release()
	var floats []float64
	for g := 0; g < groups; g++ {
		set := a.sets[g]
		if a.fn == AggCount {
			appendValue(b, int64(len(set)))
			continue
		}
		if len(set) == 0 {
			b.AppendNull()
			continue
		}
		var isum int64
		var fsum float64
		var bits uint64
		var overflow bool
		floats = floats[:0]
		for v := range set {
			switch x := v.(type) {
			case int64:
				if t := isum + x; (x > 0 && t < isum) || (x < 0 && t > isum) {
					overflow = true
				} else {
					isum = t
				}
				fsum += float64(x)
				bits ^= uint64(x)
			case uint64:
				fsum += float64(x)
				bits ^= x
			case float64:
				floats = append(floats, x)
			case nanKey:
				fsum = math.NaN()
			}
		}
		// Floats are added in ascending order, as PostgreSQL adds the
		// sorted distinct values (the set's order is the map's, which
		// changes from run to run, and so did the sum's last digit).
		slices.Sort(floats)
		var places int8
		for _, x := range floats {
			fsum += x
			places = morePlaces(places, x)
		}
		dec := a.dec.withPlaces(places)
		switch {
		case a.fn == AggBitXor && dt.ID() == arrow.UINT64:
			appendValue(b, bits)
		case a.fn == AggBitXor:
			appendValue(b, int64(bits))
		case a.fn == AggAvg:
			appendValue(b, dec.avg(fsum, int64(len(set))))
		case dt.ID() == arrow.INT64:
			if overflow && a.fn == AggSum {
				a.err = fmt.Errorf("bigint out of range in sum()")
			}
			appendValue(b, isum)
		default:
			appendValue(b, dec.sum(fsum))
		}
	}
	return b.NewArray()
}

// collectAcc keeps every group's non-NULL values (with their ORDER BY key
// values) and computes string_agg, percentiles and mode at the end.
type collectAcc struct {
	agg  Agg
	vals [][]any
	keys [][][]any
	c    *Ctx
}

func (a *collectAcc) grow(groups int) {
	a.vals, a.keys = growTo(a.vals, groups), growTo(a.keys, groups)
}

func (a *collectAcc) update(gids []uint32, arg, _ arrow.Array) error {
	get, err := valueGetter(arg)
	if err != nil {
		return err
	}
	for i, g := range gids {
		if arg.IsNull(i) {
			continue
		}
		a.vals[g] = append(a.vals[g], get(i))
	}
	return nil
}

// updateKeys records the ORDER BY values of string_agg's rows.
func (a *collectAcc) updateKeys(gids []uint32, arg arrow.Array, keys []arrow.Array) error {
	getters := make([]func(int) any, len(keys))
	for k, ka := range keys {
		get, err := nullableGetter(ka)
		if err != nil {
			return err
		}
		getters[k] = get
	}
	for i, g := range gids {
		if arg.IsNull(i) {
			continue
		}
		kv := make([]any, len(keys))
		for k := range keys {
			kv[k] = getters[k](i)
		}
		a.keys[g] = append(a.keys[g], kv)
	}
	return nil
}

func (a *collectAcc) result(dt arrow.DataType, groups int) arrow.Array {
	b := array.NewBuilder(memory.DefaultAllocator, dt)
	defer b.Release()
	desc := len(a.agg.Order) > 0 && a.agg.Order[0].Desc
	for g := 0; g < groups; g++ {
		vals := a.vals[g]
		if len(vals) == 0 {
			b.AppendNull()
			continue
		}
		switch a.agg.Func {
		case AggStringAgg:
			ctx := NewCtx()
			idx := make([]int, 0, len(vals))
			if a.agg.Distinct {
				// string_agg(DISTINCT ...): the first of equal values,
				// kept before the sort (its ORDER BY can only name the
				// value, so equal values have equal keys and sort
				// together; a series' thousands of rows of one tag value
				// sort as one).
				seen := map[string]bool{}
				for i, v := range vals {
					if s := castToText(ctx, v); !seen[s] {
						seen[s] = true
						idx = append(idx, i)
					}
				}
			} else {
				for i := range vals {
					idx = append(idx, i)
				}
			}
			switch {
			case a.agg.orderedByArg():
				// The values are their own keys (none recorded), and
				// not NULL; every key but the first is the same value.
				desc := a.agg.Order[0].Desc
				sort.SliceStable(idx, func(x, y int) bool {
					c := compareNullable(vals[idx[x]], vals[idx[y]], false)
					if desc {
						c = -c
					}
					return c < 0
				})
			case len(a.agg.Order) > 0:
				keys := a.keys[g]
				sort.SliceStable(idx, func(x, y int) bool {
					for k, sk := range a.agg.Order {
						if c := compareSortKey(sk, keys[idx[x]][k], keys[idx[y]][k]); c != 0 {
							return c < 0
						}
					}
					return false
				})
			}
			parts := make([]string, 0, len(idx))
			for _, j := range idx {
				parts = append(parts, castToText(ctx, vals[j]))
			}
			appendValue(b, strings.Join(parts, a.agg.Sep))
		case AggMode:
			// NaN is one value, as PostgreSQL groups it (a NaN map key
			// never matches itself).
			type nanKey struct{}
			key := func(v any) any {
				if f, ok := v.(float64); ok && f != f {
					return nanKey{}
				}
				return v
			}
			counts := map[any]int{}
			var best any
			for _, v := range vals {
				counts[key(v)]++
			}
			sorted := sortedValues(vals, desc)
			for _, v := range sorted { // most frequent, smallest first on ties
				if best == nil || counts[key(v)] > counts[key(best)] {
					best = v
				}
			}
			appendValue(b, best)
		default:
			sorted := sortedValues(vals, desc)
			p := a.agg.Fraction
			n := len(sorted)
			if a.agg.Func == AggPercentileDisc {
				// The first value whose position reaches p of the rows.
				k := int(math.Ceil(p*float64(n))) - 1
				appendValue(b, sorted[max(k, 0)])
				continue
			}
			if _, ok := sorted[0].(arrow.MonthDayNanoInterval); !ok {
				appendValue(b, contAt(p, n, func(k int) float64 { return toFloat(sorted[k]) }))
				continue
			}
			pos := p * float64(n-1)
			lo := int(math.Floor(pos))
			l := sorted[lo].(arrow.MonthDayNanoInterval)
			if float64(lo) == pos {
				// On a row: its value, as contAt (no lo + 0 * (hi - lo):
				// out of range for intervals far apart).
				appendValue(b, l)
				continue
			}
			// lo + (hi - lo) * fraction, field by field as PostgreSQL's
			// interval arithmetic (a fraction of a month is 30 days').
			h := sorted[lo+1].(arrow.MonthDayNanoInterval)
			dm, dd := int64(h.Months)-int64(l.Months), int64(h.Days)-int64(l.Days)
			d, err := ScaleInterval(arrow.MonthDayNanoInterval{Months: int32(dm), Days: int32(dd), Nanoseconds: h.Nanoseconds - l.Nanoseconds}, pos-float64(lo), false)
			if err != nil || dm != int64(int32(dm)) || dd != int64(int32(dd)) {
				// Differences of over 2^31 months or days, where
				// PostgreSQL reports interval out of range.
				b.AppendNull()
				continue
			}
			appendValue(b, arrow.MonthDayNanoInterval{Months: l.Months + d.Months, Days: l.Days + d.Days, Nanoseconds: l.Nanoseconds + d.Nanoseconds})
		}
	}
	return b.NewArray()
}

func sortedValues(vals []any, desc bool) []any {
	s := append([]any(nil), vals...)
	sort.SliceStable(s, func(i, j int) bool {
		c := compareValues(s[i], s[j])
		if desc {
			return c > 0
		}
		return c < 0
	})
	return s
}

// compareNullable orders values with NULLs first or last.
func compareNullable(a, b any, nullsFirst bool) int {
	if a == nil || b == nil {
		return nullsPlaced(a == nil, b == nil, nullsFirst)
	}
	return compareValues(a, b)
}

// nullsPlaced orders two values of which one or both are NULL (xNull,
// yNull): NULLs first or last, equal to each other.
func nullsPlaced(xNull, yNull, nullsFirst bool) int {
	switch {
	case xNull && yNull:
		return 0
	case xNull == nullsFirst:
		return -1
	}
	return 1
}

// compareSortKey orders two values of sort key sk: NULL where NULLS
// FIRST/LAST puts it whatever the direction, values flipped for DESC.
func compareSortKey(sk SortKey, x, y any) int {
	c := compareNullable(x, y, sk.NullsFirst)
	if sk.Desc && x != nil && y != nil {
		c = -c
	}
	return c
}

// avgAcc is avg as a running sum and count: one typed loop per batch,
// no division per row (Welford is kept for the variances).
type avgAcc struct {
	dec    decimalArg // a numeric argument (Agg.Decimal)
	places valuePlaces
	sum    []float64
	comp   []float64 // float arguments: the sums' compensation (addComp)
	n      []int64
}

func (a *avgAcc) grow(groups int) {
	a.sum, a.comp, a.n = growTo(a.sum, groups), growTo(a.comp, groups), growTo(a.n, groups)
	if a.dec.perValue {
		a.places = growTo(a.places, groups)
	}
}

func (a *avgAcc) update(gids []uint32, arg, _ arrow.Array) error {
	var valid func(int) bool
	if arg.NullN() > 0 {
		valid = arg.IsValid
	}
	switch v := arg.(type) {
	case *array.Int64:
		avgRuns(gids, v.Int64Values(), valid, a.sum, a.n)
	case *array.Float64:
		avgFloats(gids, v.Float64Values(), valid, a.sum, a.comp, a.n)
		if a.places != nil {
			a.places.add(gids, v.Float64Values(), valid)
		}
	default:
		vals, err := numericFloats(arg)
		if err != nil {
			return fmt.Errorf("function avg: %w", err)
		}
		avgRuns(gids, vals, valid, a.sum, a.n)
	}
	return nil
}

// longRuns reports whether the first rows' group ids come in runs of 8 or
// more on average.
func longRuns(gids []uint32) bool {
	sample := gids[:min(len(gids), 256)]
	changes := 1
	for i := 1; i < len(sample); i++ {
		if sample[i] != sample[i-1] {
			changes++
		}
	}
	return changes*8 <= len(sample)
}

// avgRuns adds vals to their groups' sums and counts. Rows of a group
// come in runs when the input is sorted by the grouping columns (a file's
// rows by series then time, grouped by series and time bucket): a run's
// sum stays in a register instead of going through memory for every row.
// The additions happen in the same order as row by row, so the sums are
// bit for bit the same. Profiled on double-groupby-all: avg's update was
// 23% of the query's CPU, bound by the store-to-load latency of sum[g].
// Where groups alternate (runs of one row), the run loop's exit branch
// mispredicts and the plain loop is 3x faster, so a sample of the group
// ids picks the loop (BenchmarkAvgUpdate).
func avgRuns[T int64 | float64](gids []uint32, vals []T, valid func(int) bool, sum []float64, n []int64) {
	if !longRuns(gids) {
		if valid == nil {
			vals := vals[:len(gids)]
			for i, g := range gids {
				sum[g] += float64(vals[i])
				n[g]++
			}
			return
		}
		for i, g := range gids {
			if valid(i) {
				sum[g] += float64(vals[i])
				n[g]++
			}
		}
		return
	}
	for i := 0; i < len(gids); {
		g := gids[i]
		s, c := sum[g], n[g]
		j := i
		if valid == nil {
			for ; j < len(gids) && gids[j] == g; j++ {
				s += float64(vals[j])
			}
			c += int64(j - i)
		} else {
			for ; j < len(gids) && gids[j] == g; j++ {
				if valid(j) {
					s += float64(vals[j])
					c++
				}
			}
		}
		sum[g], n[g] = s, c
		i = j
	}
}

// avgFloats is avgRuns for float values, with compensated sums
// (addComp): an integer's float sum is exact (below 2^53), a float's is
// not, and its rounding must not depend on the order of the additions.
func avgFloats(gids []uint32, vals []float64, valid func(int) bool, sum, comp []float64, n []int64) {
	if !longRuns(gids) {
		for i, g := range gids {
			if valid == nil || valid(i) {
				sum[g], comp[g] = addComp(sum[g], comp[g], vals[i])
				n[g]++
			}
		}
		return
	}
	for i := 0; i < len(gids); {
		g := gids[i]
		s, c, k := sum[g], comp[g], n[g]
		j := i
		for ; j < len(gids) && gids[j] == g; j++ {
			if valid == nil || valid(j) {
				s, c = addComp(s, c, vals[j])
				k++
			}
		}
		sum[g], comp[g], n[g] = s, c, k
		i = j
	}
}

func (a *avgAcc) result(dt arrow.DataType, groups int) arrow.Array {
	out := make([]float64, groups)
	seen := make([]bool, groups)
	for g := 0; g < groups; g++ {
		if a.n[g] > 0 {
			s := a.sum[g]
			if c := a.comp[g]; c != 0 && !math.IsInf(s, 0) && !math.IsNaN(s) {
				s += c
			}
			out[g], seen[g] = a.places.of(a.dec, g).avg(s, a.n[g]), true
		}
	}
	return fixedArray(dt, out, validFrom(seen))
}

// ErrSubqueryRows is the error of a scalar subquery that returned more than
// one row (SQLSTATE 21000).
var ErrSubqueryRows = errors.New("more than one row returned by a subquery used as an expression")

// singleAcc keeps each group's one value (min over one row is that row);
// a second row in a group is ErrSubqueryRows.
type singleAcc struct {
	extremeAcc
	rows []uint8
}

func (a *singleAcc) grow(groups int) {
	a.extremeAcc.grow(groups)
	a.rows = growTo(a.rows, groups)
}

func (a *singleAcc) update(gids []uint32, arg, tm arrow.Array) error {
	for _, g := range gids {
		if a.rows[g] > 0 {
			return ErrSubqueryRows
		}
		a.rows[g] = 1
	}
	return a.extremeAcc.update(gids, arg, tm)
}
