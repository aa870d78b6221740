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
	Minute // InfluxDB 1.x's /write precision=m
	Hour   // and precision=h
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
	case "minute", "m":
		return Minute, nil
	case "hour", "h":
		return Hour, nil
	}
	return 0, fmt.Errorf("invalid precision %q: want one of auto, nanosecond (ns, n), microsecond (us, u), millisecond (ms), second (s), minute (m), hour (h)", s)
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
	case Minute:
		return "minute"
	case Hour:
		return "hour"
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
	case Minute:
		return 60e9
	case Hour:
		return 3600e9
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
	case 60e9:
		return "minutes"
	case 3600e9:
		return "hours"
	}
	return "nanoseconds"
}

// Truncate is now in whole units of p, as InfluxDB stamps a line without a
// timestamp (precision=s: a retried write lands on the same second, one
// point, not two); Auto keeps nanoseconds.
func (p Precision) Truncate(now int64) int64 {
	if p == Auto {
		return now
	}
	m := p.multiplier(now)
	t := now - now%m
	if now%m < 0 {
		t -= m
	}
	return t
}
