package exec

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// A numeric computed as a float8 (Strata has no exact decimal type yet)
// holds about 16 significant digits, while PostgreSQL writes a quotient
// with 16 digits after the point however large its integer part: avg of
// integers is 28.3416666666666667 there, and the float's own digits padded
// with zeros would be 28.3416666666666650. Most such values are a ratio of
// two small integers (a sum over a count, cores::numeric / 3), and a double
// names that ratio uniquely: when the true value is p/q with q below
// 1/sqrt(ulp) and the double is p/q correctly rounded, every continued-fraction convergent of the double before
// p/q lies more than half an ulp away (|x - h/k| > 1/(2 k k') for a
// convergent h/k followed by one of denominator k' <= q), so the first
// convergent that rounds back to the double is p/q itself. Writing the
// digits of that ratio instead of zeros gives PostgreSQL's exact digits
// for these values; for any other value the digits past the float's
// precision were invented either way, and the ratio found lies within the
// same ulp as the float.

// ratioOf returns the ratio of integers a double stands for: the first
// continued-fraction convergent p/q (q > 1) of |f| that rounds to |f|
// exactly, with q at most 1/(32 sqrt(ulp)) (2.6e5 for values near 100,
// 2.1e6 near 1). Below 1/sqrt(ulp) the convergent found is the true ratio
// when there is one; the further factor 32 makes a convergent that rounds
// to a double of no such ratio rare (about one value in a thousand, and
// its digits then differ from the float's only past its precision). ok is
// false for an integer, a non-finite f, or when no convergent qualifies.
func ratioOf(f float64) (p, q uint64, ok bool) {
	x := math.Abs(f)
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) || x == math.Trunc(x) || x >= 1<<53 {
		return 0, 0, false
	}
	ulp := math.Nextafter(x, math.Inf(1)) - x
	maxQ := min(1/(32*math.Sqrt(ulp)), 1<<31)
	// Convergents h/k from the terms of x's continued fraction, computed in
	// floats: a term gone wrong through rounding only yields a candidate
	// that fails the check, which is exact (h and k are integers below
	// 2^53, and the division rounds correctly).
	h0, k0, h1, k1 := 0.0, 1.0, 1.0, 0.0
	r := x
	for range 64 {
		a := math.Floor(r)
		h, k := a*h1+h0, a*k1+k0
		if k > maxQ || h >= 1<<53 {
			break
		}
		if k > 1 && h/k == x {
			return uint64(h), uint64(k), true
		}
		frac := r - a
		if frac == 0 {
			break
		}
		r = 1 / frac
		h0, k0, h1, k1 = h1, k1, h, k
	}
	return 0, 0, false
}

// appendRatio writes p/q (negative when neg) with prec digits after the
// point, rounded half away from zero as PostgreSQL rounds a numeric. q is
// below 2^31, so the long division's remainders times 10 fit.
func appendRatio(dst []byte, neg bool, p, q uint64, prec int) []byte {
	at := len(dst)
	if neg {
		dst = append(dst, '-')
	}
	digits := len(dst)
	dst = strconv.AppendUint(dst, p/q, 10)
	r := p % q
	if prec > 0 {
		dst = append(dst, '.')
		for range prec {
			r *= 10
			dst = append(dst, byte('0'+r/q))
			r %= q
		}
	}
	if 2*r >= q {
		dst = carryDigits(dst, digits)
	}
	return trimNegativeZero(dst, at)
}

// roundDigits cuts the decimal text dst[at:] (sign, digits, point) to prec
// digits after the point, rounding half away from zero: the shortest
// digits of a float read as the decimal they stand for (2.675 to two
// places is 2.68 as in PostgreSQL, where the binary value is 2.67499...).
func roundDigits(dst []byte, at, point, prec int) []byte {
	cut := point + 1 + prec
	up := dst[cut] >= '5'
	if prec == 0 {
		cut = point
	}
	dst = dst[:cut]
	if up {
		start := at
		if dst[at] == '-' {
			start++
		}
		dst = carryDigits(dst, start)
	}
	return dst
}

// carryDigits adds one to the last digit of the decimal text dst[start:],
// carrying leftwards over nines and the point, and growing a digit in front
// when every digit was a nine (9.99 -> 10.00).
func carryDigits(dst []byte, start int) []byte {
	for i := len(dst) - 1; i >= start; i-- {
		switch dst[i] {
		case '.':
			continue
		case '9':
			dst[i] = '0'
			continue
		}
		dst[i]++
		return dst
	}
	dst = append(dst, 0)
	copy(dst[start+1:], dst[start:])
	dst[start] = '1'
	return dst
}

// trimNegativeZero drops the sign of a value at dst[at:] that is written
// as zero (-0.00 is 0.00), as PostgreSQL writes a rounded numeric.
func trimNegativeZero(dst []byte, at int) []byte {
	if len(dst) > at && dst[at] == '-' {
		for _, c := range dst[at+1:] {
			if c != '0' && c != '.' {
				return dst
			}
		}
		dst = append(dst[:at], dst[at+1:]...)
	}
	return dst
}

// VarianceScale marks, in DivisionScale's least, a variance or standard
// deviation of integers or numerics: PostgreSQL divides as for any
// quotient, but a zero result (all values equal) is its constant zero,
// written 0, where 0 / 5 has 20 places.
const VarianceScale = 1 << 12

// StddevScale marks, in DivisionScale's least, a standard deviation of
// integers or numerics: the square root of a variance, written with the
// variance's scale (a zero one as 0).
const StddevScale = 1 << 13

// DivisionScale is the display scale PostgreSQL's numeric division gives
// a quotient q (select_div_scale): 16 significant digits, at least least
// places (the operands' scales), counted from q's first base-10000 digit
// group. PostgreSQL counts from the operands' first groups, which gives 4
// more places when the dividend's first group is not larger than the
// divisor's (1.5 / 1.2); Strata, holding only q, counts from q's, as it is
// for most quotients (7.0 / 2 is 3.5000000000000000, 1.0 / 8
// 0.12500000000000000000), and for a power of 10000, whose operands' first
// groups are equal (12 / 12 is 1.00000000000000000000). A zero quotient
// gets 20 places (0 / 5).
func DivisionScale(q float64, least int) int {
	if least&(VarianceScale|StddevScale) != 0 {
		if q == 0 {
			return 0 // all values equal: PostgreSQL's numeric zero
		}
		if least&StddevScale != 0 {
			q *= q // the square root keeps the variance's scale
		}
		least &^= VarianceScale | StddevScale
	}
	if math.IsNaN(q) || math.IsInf(q, 0) {
		return least
	}
	scale := 20
	if q != 0 {
		weight := int(math.Floor(math.Log10(math.Abs(q)) / 4))
		if math.Abs(q) == math.Pow(1e4, float64(weight)) {
			// A power of 10000 (12 / 12, 12000 / 12000, avg of equal
			// values): the operands' first groups are equal, and
			// PostgreSQL counts one group lower.
			weight--
		}
		scale = 16 - 4*weight
	}
	return max(0, min(1000, max(scale, least)))
}

// AppendQuotient writes a quotient f (numeric division, avg, a variance or
// standard deviation: least as DivisionScale takes it) with the digits
// PostgreSQL writes: DivisionScale's places, the ratio's own digits where
// f names one (AppendNumericDigits), and for a standard deviation of a
// variance that is such a ratio, its square root's digits to those
// places (stddev of 1, 2 is 0.70710678118654752440, where the float's
// digits end at 0.7071067811865476).
func AppendQuotient(dst []byte, f float64, least int) []byte {
	scale := DivisionScale(f, least)
	if least&StddevScale != 0 && f > 0 && !math.IsInf(f, 0) {
		if out, ok := appendSqrtDigits(dst, f, scale); ok {
			return out
		}
	}
	return AppendNumericDigits(dst, f, scale)
}

// appendSqrtDigits writes, for a standard deviation f whose variance f*f
// is (within an ulp) a ratio p/q or a whole number, PostgreSQL's digits:
// the square root of the variance rounded to scale places
// (numeric_stddev_internal), itself rounded half up to scale places. ok is false when no such ratio is
// found or the digits would not round back to f.
func appendSqrtDigits(dst []byte, f float64, scale int) ([]byte, bool) {
	v := f * f
	for _, c := range []float64{v, math.Nextafter(v, 0), math.Nextafter(v, math.Inf(1))} {
		p, q, ok := ratioOf(c)
		if c == math.Trunc(c) && c < 1<<53 {
			p, q, ok = uint64(c), 1, true // a whole variance (10: stddev 3.1622776601683793)
		}
		if !ok || math.Sqrt(float64(p)/float64(q)) != f {
			continue
		}
		pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
		// The variance rounded to scale places: nv / 10^scale.
		nv := new(big.Int).Mul(new(big.Int).SetUint64(p), pow)
		qb := new(big.Int).SetUint64(q)
		nv.Add(nv, new(big.Int).Rsh(qb, 1)).Quo(nv, qb) // half up
		// Its square root to scale places: sqrt(nv * 10^scale), rounded.
		x := nv.Mul(nv, pow)
		r := new(big.Int).Sqrt(x)
		rem := new(big.Int).Sub(x, new(big.Int).Mul(r, r))
		if rem.Cmp(r) > 0 { // x >= (r + 1/2)^2
			r.Add(r, big.NewInt(1))
		}
		digits := r.Text(10)
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		at := len(dst)
		dst = append(dst, digits[:len(digits)-scale]...)
		if scale > 0 {
			dst = append(dst, '.')
			dst = append(dst, digits[len(digits)-scale:]...)
		}
		if g, err := strconv.ParseFloat(string(dst[at:]), 64); err != nil || math.Abs(g-f) > 2*(math.Nextafter(f, math.Inf(1))-f) {
			return dst[:at], false // not the float's value: keep its digits
		}
		return dst, true
	}
	return dst, false
}
