package storage

import (
	"math"
	"strconv"
	"strings"
)

// RoundDecimal rounds x to places decimal digits (negative: to tens,
// hundreds, ...) half away from zero on its decimal value, as PostgreSQL's
// numeric round and a numeric(p,s) column's assignment do: the value is
// the shortest decimal that reads back as x (what was written, for a
// decimal constant), so -1.005 to 2 places is -1.01, where rounding the
// binary value (-1.00499999...) would give -1. A numeric has no negative
// zero: what rounds to zero is 0.
func RoundDecimal(x float64, places int64) float64 { return cutDecimal(x, places, true) }

// TruncDecimal drops x's decimal digits after places (negative: zeroes
// tens, hundreds, ...), toward zero, as PostgreSQL's numeric trunc(x, n).
func TruncDecimal(x float64, places int64) float64 { return cutDecimal(x, places, false) }

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

func cutDecimal(x float64, places int64, round bool) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || places > 400 {
		return x
	}
	if places < -400 {
		return 0
	}
	if r, ok := cutScaled(x, places, round); ok {
		return r
	}
	return cutDigits(x, places, round)
}

// cutScaled is cutDecimal without formatting x, when the scaled value
// x·10^places settles it: its fraction is far enough (eight units in its
// last place) from where rounding (a half) or truncation (a whole number)
// decides that the shortest decimal of x, within two such units of it, is
// on the same side; or, beside a whole number k, x is k·10^-places' float
// (its shortest decimal is then that one, which has no digits to drop).
// The result, an integer below 2^45 divided by an exact power of ten, is
// the float nearest the decimal, as reading the decimal's text gives. ok
// is false when it does not settle it.
func cutScaled(x float64, places int64, round bool) (float64, bool) {
	if places < 0 || places >= int64(len(pow10)) {
		return 0, false
	}
	p := pow10[places]
	m := math.Abs(x * p)
	if m >= 1<<45 { // eight units in its last place stay below 1/16
		return 0, false
	}
	whole := math.Floor(m)
	frac := m - whole
	tol := 8 * (math.Nextafter(m, math.Inf(1)) - m)
	var r float64
	switch {
	case frac <= tol || 1-frac <= tol: // at a whole number, or beside one
		r = math.Round(m)
		if !round && math.Copysign(r/p, x) != x {
			return 0, false // truncation: whether x is below it decides
		}
	case round && math.Abs(frac-0.5) <= tol: // a tie or nearly: the digits decide
		return 0, false
	case round:
		r = math.Round(m)
	default:
		r = whole
	}
	if r == 0 {
		return 0, true
	}
	return math.Copysign(r/p, x), true
}

// cutDigits is cutDecimal on x's shortest decimal text.
func cutDigits(x float64, places int64, round bool) float64 {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	digits := []byte(intPart + frac)
	point := len(intPart)
	cut := point + int(places)
	if cut >= len(digits) {
		return x // nothing to drop
	}
	if pad := 1 - cut; pad > 0 {
		digits = append([]byte(strings.Repeat("0", pad)), digits...)
		point += pad
		cut += pad
	}
	up := round && digits[cut] >= '5'
	keep := digits[:cut]
	if up {
		i := len(keep) - 1
		for ; i >= 0 && keep[i] == '9'; i-- {
			keep[i] = '0'
		}
		if i >= 0 {
			keep[i]++
		} else {
			keep = append([]byte{'1'}, keep...)
			point++
			cut++
		}
	}
	var out string
	if cut > point {
		out = string(keep[:point]) + "." + string(keep[point:])
	} else {
		out = string(keep) + strings.Repeat("0", point-cut)
	}
	r, err := strconv.ParseFloat(out, 64)
	if err != nil {
		return x
	}
	if neg && r != 0 {
		r = -r // a numeric has no negative zero: trunc(-7, -1) is 0
	}
	return r
}
