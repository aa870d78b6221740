package exec

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Partial aggregation: each scan worker groups and aggregates the rows of
// the splits it reads into its own grouper and accumulators; at the end the
// workers' groups are merged into one grouper and their states into one
// set of accumulators. Aggregates whose states combine implement merger.

// merger is an accumulator whose states combine: merge folds other's
// group i into this accumulator's group gids[i] (grown to hold them).
type merger interface {
	merge(other accumulator, gids []uint32) error
}

// Mergeable reports whether a's per-split states can be merged, so that
// it can be computed per split (partial aggregation): the count, sum, avg,
// min/max, first/last, variance and bool aggregates without DISTINCT,
// percentiles of bigint or double precision values and the Toolkit
// summaries (whose points merge by appending). Those that keep every
// value otherwise (string_agg, mode, other percentiles) or see the rows in
// one order are computed in one place.
func Mergeable(a Agg) bool {
	if a.Distinct {
		return false
	}
	switch a.Func {
	case AggPercentileCont, AggPercentileDisc:
		return newPercentileAcc(a) != nil
	case AggCountStar, AggCount, AggSum, AggAvg, AggMin, AggMax, AggFirst, AggLast, AggTimeOfMin, AggTimeOfMax, AggBitAnd, AggBitOr, AggBitXor,
		AggStddevSamp, AggStddevPop, AggVarSamp, AggVarPop, AggBoolAnd, AggBoolOr, AggHistogram, AggSummary:
		return true
	}
	return a.Func.IsPairStat()
}

func (a *countAcc) merge(other accumulator, gids []uint32) error {
	o := other.(*countAcc)
	for i, g := range gids {
		a.n[g] += o.n[i]
	}
	return nil
}

func (a *sumAcc) merge(other accumulator, gids []uint32) error {
	o := other.(*sumAcc)
	for i, g := range gids {
		if !o.seen[i] {
			continue
		}
		s := a.ints[g] + o.ints[i]
		if (o.ints[i] > 0 && s < a.ints[g]) || (o.ints[i] < 0 && s > a.ints[g]) {
			return fmt.Errorf("bigint out of range in sum()")
		}
		u, carry := bits.Add64(a.uints[g], o.uints[i], 0)
		if carry != 0 {
			return fmt.Errorf("unsigned bigint out of range in sum()")
		}
		f, c := addComp(a.floats[g], a.fcomp[g], o.floats[i])
		a.ints[g], a.uints[g], a.floats[g], a.fcomp[g], a.seen[g] = s, u, f, c+o.fcomp[i], true
		if a.places != nil {
			a.places.merge(g, o.places[i])
		}
	}
	return nil
}

func (a *avgAcc) merge(other accumulator, gids []uint32) error {
	o := other.(*avgAcc)
	for i, g := range gids {
		s, c := addComp(a.sum[g], a.comp[g], o.sum[i])
		a.sum[g], a.comp[g] = s, c+o.comp[i]
		a.n[g] += o.n[i]
		if a.places != nil && o.n[i] > 0 {
			a.places.merge(g, o.places[i])
		}
	}
	return nil
}

// merge combines counts, sums and sums of squared deviations as
// PostgreSQL's float8_combine does (combineMoments).
func (a *momentAcc) merge(other accumulator, gids []uint32) error {
	o := other.(*momentAcc)
	if o.exact == nil && !o.inexact {
		return nil // o saw no rows
	}
	if a.exact == nil && !a.inexact && o.exact != nil {
		a.exact = &exactMoments{} // a's first rows: exact sums
		a.exact.grow(len(a.n))
	}
	if a.exact != nil && o.exact != nil {
		for i, g := range gids {
			a.n[g] += o.n[i]
			a.exact.merge(g, o.exact, i)
		}
		return nil
	}
	a.toFloat() // rows of two kinds: float8 from here on
	o.toFloat()
	for i, g := range gids {
		n2 := o.n[i]
		if n2 == 0 {
			continue
		}
		n1 := a.n[g]
		if n1 == 0 {
			a.n[g], a.sx[g], a.sxx[g] = n2, o.sx[i], o.sxx[i]
			continue
		}
		var err error
		a.sx[g], a.sxx[g], err = combineMoments(n1, n2, a.sx[g], o.sx[i], a.sxx[g], o.sxx[i])
		if err != nil {
			return err
		}
		a.n[g] = n1 + n2
	}
	return nil
}

// combineMoments combines the sums and squared deviations of two sets of
// n1 and n2 values as PostgreSQL's float8_combine does.
func combineMoments(n1, n2, sx1, sx2, sxx1, sxx2 float64) (sx, sxx float64, err error) {
	sx = sx1 + sx2
	if math.IsInf(sx, 0) && !math.IsInf(sx1, 0) && !math.IsInf(sx2, 0) {
		return 0, 0, errFloatOverflow
	}
	d := sx1/n1 - sx2/n2
	sxx = sxx1 + sxx2 + n1*n2*d*d/(n1+n2)
	if math.IsInf(sxx, 0) && !math.IsInf(sxx1, 0) && !math.IsInf(sxx2, 0) {
		return 0, 0, errFloatOverflow
	}
	return sx, sxx, nil
}

func (a *boolAcc) merge(other accumulator, gids []uint32) error {
	o := other.(*boolAcc)
	for i, g := range gids {
		if !o.has[i] {
			continue
		}
		switch {
		case !a.has[g]:
			a.has[g], a.vals[g] = true, o.vals[i]
		case a.or:
			a.vals[g] = a.vals[g] || o.vals[i]
		default:
			a.vals[g] = a.vals[g] && o.vals[i]
		}
	}
	return nil
}

// merge keeps, per group, the better of the two states: the larger or
// smaller value, or for first/last the value at the better time (a NULL
// value at a better time wins, as in update).
func (a *extremeAcc) merge(other accumulator, gids []uint32) error {
	o := other.(*extremeAcc)
	if o.kind == arrow.NULL || !anyTrue(o.has) {
		return nil // the other worker saw no rows
	}
	a.kind = o.kind
	a.values(a.kind)
	for i, g := range gids {
		if !o.has[i] {
			continue
		}
		var take bool
		switch {
		case !a.has[g]:
			take = true
		case a.byTime:
			take = better(a.max, o.times[i], a.times[g])
		default:
			c := o.compare(a, i, g)
			take = better(a.max, c, 0) || c == 0 && a.timeOf && o.times[i] < a.times[g]
		}
		if !take {
			continue
		}
		a.has[g] = true
		if a.byTime || a.timeOf {
			a.times[g] = o.times[i]
		}
		if a.byTime {
			a.null[g] = o.null[i]
			if o.null[i] {
				continue
			}
		}
		switch a.kind {
		case arrow.INT64, arrow.TIMESTAMP:
			a.ints[g] = o.ints[i]
		case arrow.UINT64:
			a.uints[g] = o.uints[i]
		case arrow.FLOAT64:
			a.floats[g] = o.floats[i]
		case arrow.BOOL:
			a.bools[g] = o.bools[i]
		case arrow.INTERVAL_MONTH_DAY_NANO:
			a.ivals[g] = o.ivals[i]
		default:
			a.strs[g] = o.strs[i]
		}
	}
	return nil
}

// compare compares group i's value of o with group g's of a.
func (o *extremeAcc) compare(a *extremeAcc, i int, g uint32) int {
	switch a.kind {
	case arrow.INT64, arrow.TIMESTAMP:
		return cmp.Compare(o.ints[i], a.ints[g])
	case arrow.UINT64:
		return cmp.Compare(o.uints[i], a.uints[g])
	case arrow.FLOAT64:
		return cmpFloat(o.floats[i], a.floats[g])
	case arrow.BOOL:
		return cmpBool(o.bools[i], a.bools[g])
	case arrow.INTERVAL_MONTH_DAY_NANO:
		return cmpInterval(o.ivals[i], a.ivals[g])
	}
	return strings.Compare(o.strs[i], a.strs[g])
}

func (a *bitAcc) merge(other accumulator, gids []uint32) error {
	o := other.(*bitAcc)
	for i, g := range gids {
		if o.has[i] {
			a.fold(g, o.vals[i])
		}
	}
	return nil
}
