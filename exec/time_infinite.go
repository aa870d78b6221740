package exec

import "math"

// PostgreSQL's timestamptz, timestamp and date each hold two values past
// every other: 'infinity' and '-infinity'. Strata holds them as the two
// int64 nanosecond values no time it holds reaches (held times stop at
// ±9223372036854775000): comparisons, sorting, min/max, grouping and the
// scan's time range need nothing more. Arithmetic keeps an infinite time
// infinite, and arithmetic on finite times never yields one (a result
// past the held times is out of range).
const (
	TimeInfinity    int64 = math.MaxInt64
	TimeNegInfinity int64 = math.MinInt64
)

// heldMin and heldMax are the first and last nanoseconds a finite time may
// be (whole microseconds, as minInstant and maxInstant).
const heldMin, heldMax int64 = -9223372036854775000, 9223372036854775000

// IsFiniteTime reports whether ns is a time, not 'infinity' or '-infinity'.
func IsFiniteTime(ns int64) bool { return ns != TimeInfinity && ns != TimeNegInfinity }

// infiniteTimeText is how PostgreSQL writes an infinite time ("" for a
// finite one).
func infiniteTimeText(ns int64) string {
	switch ns {
	case TimeInfinity:
		return "infinity"
	case TimeNegInfinity:
		return "-infinity"
	}
	return ""
}

// infiniteFloat is +Inf for 'infinity', -Inf for '-infinity' (ns): what
// the fields that only grow with time are of them.
func infiniteFloat(ns int64) float64 { return math.Inf(int(ns>>63) | 1) }

// AppendInfiniteTime appends "infinity" or "-infinity" when ns is one of
// them; ok is false (dst unchanged) for a finite time.
func AppendInfiniteTime(dst []byte, ns int64) ([]byte, bool) {
	if s := infiniteTimeText(ns); s != "" {
		return append(dst, s...), true
	}
	return dst, false
}

// IsHeldTime reports whether ns is a finite time Strata holds (not an
// infinity, nor a bound just inside one, as time > '-infinity' gives a
// range).
func IsHeldTime(ns int64) bool { return ns >= heldMin && ns <= heldMax }

// heldTime is a finite arithmetic result checked against the times held:
// ok is false past them (never an infinity by accident).
func heldTime(ns int64) (int64, bool) { return ns, IsHeldTime(ns) }

// infiniteBit is 1 when ns is 'infinity' or '-infinity', else 0, without a
// branch: ns ^ (ns >> 63) is math.MaxInt64 exactly for the two, and only
// math.MaxInt64 carries into the sign bit when 1 is added. Loops OR it
// into a flag and fix the rare infinities up afterwards (keepInfinite).
func infiniteBit(ns int64) uint64 { return uint64(ns^(ns>>63)+1) >> 63 }
