package lp

import (
	"fmt"
	"math"
)

// Precision is the unit of the timestamps in a request body.
type Precision int

// The precisions. Auto guesses the unit of each timestamp from its magnitude
// (see Precision.Scale).
const (
	Auto Precision = iota
	Nanosecond
	Microsecond
	Millisecond
	Second
)

// ParsePrecision parses the precision names the InfluxDB write APIs accept
// ("auto", "nanosecond", "microsecond", "millisecond", "second" and the short
// forms "ns", "n", "us", "u", "ms", "s"). The empty string means def: the v1/v2
// endpoints default to Nanosecond, the v3 endpoint to Auto.
func ParsePrecision(s string, def Precision) (Precision, error) {
	switch s {
	case "":
		return def, nil
	case "auto":
		return Auto, nil
	case "nanosecond", "ns", "n":
		return Nanosecond, nil
	case "microsecond", "us", "u":
		return Microsecond, nil
	case "millisecond", "ms":
		return Millisecond, nil
	case "second", "s":
		return Second, nil
	}
	return 0, fmt.Errorf("invalid precision %q: want one of auto, nanosecond (ns, n), microsecond (us, u), millisecond (ms), second (s)", s)
}

// String returns the long name of p.
func (p Precision) String() string {
	switch p {
	case Auto:
		return "auto"
	case Nanosecond:
		return "nanosecond"
	case Microsecond:
		return "microsecond"
	case Millisecond:
		return "millisecond"
	case Second:
		return "second"
	}
	return fmt.Sprintf("precision(%d)", int(p))
}

// multiplier returns the number of nanoseconds in one unit of p, resolving
// Auto for the timestamp ts: |ts| < 5e9 is seconds, < 5e12 milliseconds,
// < 5e15 microseconds, otherwise nanoseconds.
func (p Precision) multiplier(ts int64) int64 {
	switch p {
	case Microsecond:
		return 1e3
	case Millisecond:
		return 1e6
	case Second:
		return 1e9
	case Auto:
		a := ts
		if a < 0 {
			if a == math.MinInt64 {
				return 1
			}
			a = -a
		}
		switch {
		case a < 5e9:
			return 1e9
		case a < 5e12:
			return 1e6
		case a < 5e15:
			return 1e3
		}
	}
	return 1
}

// Scale converts the timestamp ts, written in unit p, to nanoseconds. ok is
// false when the result does not fit in an int64.
func (p Precision) Scale(ts int64) (ns int64, ok bool) {
	m := p.multiplier(ts)
	if m == 1 {
		return ts, true
	}
	if ts > math.MaxInt64/m || ts < math.MinInt64/m {
		return 0, false
	}
	return ts * m, true
}

// unit names the unit that p resolves to for ts, for error messages.
func (p Precision) unit(ts int64) string {
	switch p.multiplier(ts) {
	case 1e3:
		return "microseconds"
	case 1e6:
		return "milliseconds"
	case 1e9:
		return "seconds"
	}
	return "nanoseconds"
}
