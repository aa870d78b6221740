package exec

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
)

// pairAcc computes the statistics of (Y, X) pairs, rows where either is
// NULL left out, from N, the sums Sx and Sy, and the sums of squared
// deviations Sxx, Syy and co-deviations Sxy, kept up to date with the
// Youngs-Cramer method and combined as PostgreSQL's float8_regr_accum and
// float8_regr_combine do, so the results are PostgreSQL's to the bit for
// the same rows in the same order.
type pairAcc struct {
	kind                  AggFunc
	n                     []float64
	sx, sy, sxx, syy, sxy []float64
}

func (a *pairAcc) grow(groups int) {
	a.n, a.sx, a.sy = growTo(a.n, groups), growTo(a.sx, groups), growTo(a.sy, groups)
	a.sxx, a.syy, a.sxy = growTo(a.sxx, groups), growTo(a.syy, groups), growTo(a.sxy, groups)
}

func (a *pairAcc) update(gids []uint32, arg, second arrow.Array) error {
	if arg.DataType().ID() == arrow.NULL || second.DataType().ID() == arrow.NULL {
		return nil // corr(y, NULL): no pairs
	}
	ys, err := numericFloats(arg)
	if err != nil {
		return fmt.Errorf("function %s: %w", a.kind, err)
	}
	xs, err := numericFloats(second)
	if err != nil {
		return fmt.Errorf("function %s: %w", a.kind, err)
	}
	nulls := arg.NullN() > 0 || second.NullN() > 0
	for i, g := range gids {
		if nulls && (arg.IsNull(i) || second.IsNull(i)) {
			continue
		}
		x, y := xs[i], ys[i]
		old, oldSx, oldSy := a.n[g], a.sx[g], a.sy[g]
		n := old + 1
		a.n[g] = n
		a.sx[g] += x
		a.sy[g] += y
		if old == 0 {
			// A first infinite or NaN value makes its sums NaN (else one
			// pair would report no variance).
			if math.IsNaN(x) || math.IsInf(x, 0) {
				a.sxx[g], a.sxy[g] = math.NaN(), math.NaN()
			}
			if math.IsNaN(y) || math.IsInf(y, 0) {
				a.syy[g], a.sxy[g] = math.NaN(), math.NaN()
			}
			continue
		}
		tx, ty := x*n-a.sx[g], y*n-a.sy[g]
		scale := 1 / (n * old)
		a.sxx[g] += tx * tx * scale
		a.syy[g] += ty * ty * scale
		a.sxy[g] += tx * ty * scale
		// As PostgreSQL's float8_regr_accum: infinite sums from infinite
		// inputs are NaN, from finite ones an overflow.
		xInf, yInf := math.IsInf(oldSx, 0) || math.IsInf(x, 0), math.IsInf(oldSy, 0) || math.IsInf(y, 0)
		if math.IsInf(a.sx[g], 0) || math.IsInf(a.sxx[g], 0) {
			if !xInf {
				return errFloatOverflow
			}
			a.sxx[g] = math.NaN()
		}
		if math.IsInf(a.sy[g], 0) || math.IsInf(a.syy[g], 0) {
			if !yInf {
				return errFloatOverflow
			}
			a.syy[g] = math.NaN()
		}
		if math.IsInf(a.sxy[g], 0) {
			if !xInf && !yInf {
				return errFloatOverflow
			}
			a.sxy[g] = math.NaN()
		}
	}
	return nil
}

func (a *pairAcc) merge(other accumulator, gids []uint32) error {
	o := other.(*pairAcc)
	for i, g := range gids {
		n2 := o.n[i]
		if n2 == 0 {
			continue
		}
		n1 := a.n[g]
		if n1 == 0 {
			a.n[g], a.sx[g], a.sy[g], a.sxx[g], a.syy[g], a.sxy[g] = n2, o.sx[i], o.sy[i], o.sxx[i], o.syy[i], o.sxy[i]
			continue
		}
		// As PostgreSQL's float8_regr_combine, in its order of operations.
		sx1, sy1 := a.sx[g], a.sy[g]
		var err error
		if a.sx[g], a.sxx[g], err = combineMoments(n1, n2, sx1, o.sx[i], a.sxx[g], o.sxx[i]); err != nil {
			return err
		}
		if a.sy[g], a.syy[g], err = combineMoments(n1, n2, sy1, o.sy[i], a.syy[g], o.syy[i]); err != nil {
			return err
		}
		dx, dy := sx1/n1-o.sx[i]/n2, sy1/n1-o.sy[i]/n2
		sxy := a.sxy[g] + o.sxy[i] + n1*n2*dx*dy/(n1+n2)
		if math.IsInf(sxy, 0) && !math.IsInf(a.sxy[g], 0) && !math.IsInf(o.sxy[i], 0) {
			return errFloatOverflow
		}
		a.sxy[g] = sxy
		a.n[g] = n1 + n2
	}
	return nil
}

// result is NULL where PostgreSQL's is: without pairs; covar_samp with
// one; corr, the slope, intercept and r2 where X does not vary (and corr
// where Y does not); r2 is 1 when only Y does not vary.
func (a *pairAcc) result(dt arrow.DataType, groups int) arrow.Array {
	if a.kind == AggRegrCount {
		out := make([]int64, groups)
		for g := range out {
			out[g] = int64(a.n[g])
		}
		return fixedArray(dt, out, nil)
	}
	out := make([]float64, groups)
	seen := make([]bool, groups)
	for g := 0; g < groups; g++ {
		n, sx, sy, sxx, syy, sxy := a.n[g], a.sx[g], a.sy[g], a.sxx[g], a.syy[g], a.sxy[g]
		v, ok := 0.0, n > 0
		switch a.kind {
		case AggCorr:
			v, ok = sxy/math.Sqrt(sxx*syy), ok && sxx != 0 && syy != 0
		case AggCovarPop:
			v = sxy / n
		case AggCovarSamp:
			v, ok = sxy/(n-1), n > 1
		case AggRegrSlope:
			v, ok = sxy/sxx, ok && sxx != 0
		case AggRegrIntercept:
			v, ok = (sy-sx*sxy/sxx)/n, ok && sxx != 0
		case AggRegrR2:
			switch {
			case sxx == 0:
				ok = false
			case syy == 0:
				v = 1
			default:
				v = sxy * sxy / (sxx * syy)
			}
		case AggRegrAvgX:
			v = sx / n
		case AggRegrAvgY:
			v = sy / n
		case AggRegrSXX:
			v = sxx
		case AggRegrSYY:
			v = syy
		case AggRegrSXY:
			v = sxy
		}
		out[g], seen[g] = v, ok
	}
	return fixedArray(dt, out, validFrom(seen))
}
