package exec

import (
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// percentileAcc computes percentile_cont, percentile_disc and mode of
// bigint or double precision values: each group's values in a typed slice
// (no value boxed), percentiles picked by selection at the end instead of
// a full sort (mode sorts, then counts runs), and
// states that merge by appending, so a parallel scan computes it per split.
type percentileAcc[T int64 | float64] struct {
	agg    Agg
	vals   [][]T
	values func(arrow.Array) []T
	held   int64 // bytes of values kept, twice their size (slices grow by doubling)
}

func (a *percentileAcc[T]) heldBytes() int64 { return a.held }

// newPercentileAcc returns the typed accumulator for a's argument type, or
// nil when it has none (the collecting one serves the rest).
func newPercentileAcc(a Agg) accumulator {
	if a.Arg == nil {
		return nil
	}
	switch a.Arg.Type().ID() {
	case arrow.INT64:
		return &percentileAcc[int64]{agg: a, values: func(x arrow.Array) []int64 { return x.(*array.Int64).Int64Values() }}
	case arrow.FLOAT64:
		return &percentileAcc[float64]{agg: a, values: func(x arrow.Array) []float64 { return x.(*array.Float64).Float64Values() }}
	}
	return nil
}

func (a *percentileAcc[T]) grow(groups int) { a.vals = growTo(a.vals, groups) }

func (a *percentileAcc[T]) update(gids []uint32, arg, _ arrow.Array) error {
	vs := a.values(arg)
	if arg.NullN() == 0 {
		for i, g := range gids {
			a.vals[g] = append(a.vals[g], vs[i])
		}
		a.held += 16 * int64(len(gids))
		return nil
	}
	for i, g := range gids {
		if arg.IsValid(i) {
			a.vals[g] = append(a.vals[g], vs[i])
			a.held += 16
		}
	}
	return nil
}

func (a *percentileAcc[T]) merge(other accumulator, gids []uint32) error {
	o := other.(*percentileAcc[T])
	for i, g := range gids {
		a.vals[g] = append(a.vals[g], o.vals[i]...)
	}
	a.held += o.held
	return nil
}

func (a *percentileAcc[T]) result(dt arrow.DataType, groups int) arrow.Array {
	b := array.NewBuilder(memory.DefaultAllocator, dt)
	defer b.Release()
	desc := len(a.agg.Order) > 0 && a.agg.Order[0].Desc
	for g := 0; g < groups; g++ {
		vals := a.vals[g]
		n := len(vals)
		if n == 0 {
			b.AppendNull()
			continue
		}
		// at returns the value at position k of the order (ascending
		// positions counted from the other end for DESC).
		at := func(k int) T {
			if desc {
				k = n - 1 - k
			}
			return nthValue(vals, k)
		}
		if a.agg.Func == AggMode {
			appendValue(b, any(modeOf(vals, desc)))
			continue
		}
		p := a.agg.Fraction
		if a.agg.Func == AggPercentileDisc {
			// The first value whose position reaches p of the rows.
			appendValue(b, any(at(max(int(math.Ceil(p*float64(n)))-1, 0))))
			continue
		}
		appendValue(b, contAt(p, n, at))
	}
	a.vals = nil
	return b.NewArray()
}

// contAt is percentile_cont(p) of n ordered values, at(k) the k-th: a
// position that falls on a row is that row's value, as PostgreSQL's (not
// lo + 0 * (hi - lo), NaN when hi is infinite); between two rows, the
// interpolation of theirs.
func contAt[T int64 | float64](p float64, n int, at func(int) T) float64 {
	pos := p * float64(n-1)
	lo := int(math.Floor(pos))
	v := float64(at(lo))
	if float64(lo) != pos {
		v += (pos - float64(lo)) * (float64(at(lo+1)) - v)
	}
	return v
}

// nthValue returns the value at position k of s in PostgreSQL's order (NaN
// after every number), reordering s: quickselect over a median-of-three
// pivot, expected linear time.
func nthValue[T int64 | float64](s []T, k int) T {
	less := func(x, y T) bool { return x < y || x == x && y != y } // NaN last
	lo, hi := 0, len(s)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if less(s[mid], s[lo]) {
			s[mid], s[lo] = s[lo], s[mid]
		}
		if less(s[hi], s[lo]) {
			s[hi], s[lo] = s[lo], s[hi]
		}
		if less(s[hi], s[mid]) {
			s[hi], s[mid] = s[mid], s[hi]
		}
		pivot := s[mid]
		i, j := lo, hi
		for i <= j {
			for less(s[i], pivot) {
				i++
			}
			for less(pivot, s[j]) {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return s[k]
		}
	}
	return s[k]
}

// modeOf is mode() WITHIN GROUP (ORDER BY x [DESC]) of vals: the most
// frequent value, the first in the order on ties (the smallest ascending,
// the largest descending). NaN is one value, above every other, as
// PostgreSQL sorts and groups it. vals is reordered.
func modeOf[T int64 | float64](vals []T, desc bool) T {
	var nan T
	nans := 0
	rest := vals[:0]
	for _, v := range vals {
		if v != v {
			nan = v
			nans++
			continue
		}
		rest = append(rest, v)
	}
	slices.Sort(rest)
	var best T
	bestN := 0
	for i := 0; i < len(rest); {
		j := i + 1
		for j < len(rest) && rest[j] == rest[i] {
			j++
		}
		// Ascending, a later run replaces an equal count only descending.
		if n := j - i; n > bestN || desc && n == bestN {
			best, bestN = rest[i], n
		}
		i = j
	}
	if nans > bestN || desc && nans == bestN {
		return nan
	}
	return best
}
