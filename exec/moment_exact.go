package exec

import (
	"math/big"
	"math/bits"
)

// exactMoments keeps, in place of momentAcc's float8 state, the exact
// sums of bigint arguments: the sum S (128 bits) and the sum of squares Q
// (192 bits). A
// variance of integers is then N*Q - S*S over N*N (or N*(N-1)) rounded
// once, as PostgreSQL's numeric_stddev_internal computes it exactly,
// where Youngs-Cramer in float8 rounds at every row (var_pop of 0..14 in
// some orders ends 0.49999999999999994, not 0.5), and the ratio written
// from it (ratioOf) is then PostgreSQL's digits. Q carries into a third
// word, so no bigint sums overflow; a row costs two multiply-adds and no
// division.
type exactMoments struct {
	g []exactSums // per group, together: one cache line a row
}

// exactSums are one group's sums: S in two's complement over (sHi, sLo)
// (|S| < 2^127 for fewer than 2^64 rows), Q over (qTop, qHi, qLo).
type exactSums struct {
	sHi            int64
	sLo            uint64
	qTop, qHi, qLo uint64
}

func (m *exactMoments) grow(groups int) { m.g = growTo(m.g, groups) }

// add adds x to group g's sums.
func (m *exactMoments) add(g uint32, x int64) { m.g[g].add(x) }

// add adds x to the sums.
func (e *exactSums) add(x int64) {
	var c uint64
	e.sLo, c = bits.Add64(e.sLo, uint64(x), 0)
	e.sHi += x>>63 + int64(c) // sign-extend x into the high word
	ax := uint64(x)
	if x < 0 {
		ax = -ax
	}
	hi, lo := bits.Mul64(ax, ax)
	e.qLo, c = bits.Add64(e.qLo, lo, 0)
	e.qHi, c = bits.Add64(e.qHi, hi, c)
	e.qTop += c
}

// merge adds group i of o into group g.
func (m *exactMoments) merge(g uint32, o *exactMoments, i int) {
	e, f := &m.g[g], &o.g[i]
	var c uint64
	e.sLo, c = bits.Add64(e.sLo, f.sLo, 0)
	e.sHi += f.sHi + int64(c)
	e.qLo, c = bits.Add64(e.qLo, f.qLo, 0)
	e.qHi, c = bits.Add64(e.qHi, f.qHi, c)
	e.qTop += f.qTop + c
}

// variance is group g's population (samp false) or sample variance of n
// values, correctly rounded to float8.
func (m *exactMoments) variance(g int, n int64, samp bool) float64 { return m.g[g].variance(n, samp) }

// variance is the population (samp false) or sample variance of the n
// values summed, correctly rounded to float8.
func (e *exactSums) variance(n int64, samp bool) float64 {
	den1 := n
	if samp {
		den1 = n - 1
	}
	// Small sums (values and counts a metric has): every product fits
	// in 64 bits, and a numerator and denominator below 2^53 divide
	// exactly rounded in float8.
	s, sSmall := int64(e.sLo), e.sHi == int64(e.sLo)>>63
	if sSmall && e.qTop == 0 && e.qHi == 0 && s > -1<<31 && s < 1<<31 && n < 1<<31 {
		nqHi, nq := bits.Mul64(uint64(n), e.qLo)
		ss := uint64(s * s)
		den := uint64(n) * uint64(den1)
		if nqHi == 0 && nq >= ss && nq-ss < 1<<53 && den < 1<<53 {
			return float64(nq-ss) / float64(den)
		}
	}
	sBig := e.sum()
	q := new(big.Int).SetUint64(e.qTop)
	q.Lsh(q, 64).Add(q, new(big.Int).SetUint64(e.qHi))
	q.Lsh(q, 64).Add(q, new(big.Int).SetUint64(e.qLo))
	num := q.Mul(q, big.NewInt(n))
	num.Sub(num, sBig.Mul(sBig, sBig))
	den := new(big.Int).Mul(big.NewInt(n), big.NewInt(den1))
	v, _ := new(big.Rat).SetFrac(num, den).Float64()
	return v
}

// sum is S.
func (e *exactSums) sum() *big.Int {
	s := new(big.Int).Lsh(big.NewInt(e.sHi), 64)
	return s.Add(s, new(big.Int).SetUint64(e.sLo))
}

// floatState is group g's float8 state (sum, squared deviations) for n
// values, for a momentAcc that goes on in float8 (rows of another type).
func (m *exactMoments) floatState(g int, n float64) (sx, sxx float64) {
	if n == 0 {
		return 0, 0
	}
	sx, _ = new(big.Float).SetInt(m.g[g].sum()).Float64()
	return sx, m.variance(g, int64(n), false) * n
}
