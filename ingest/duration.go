package ingest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseRetention parses a retention period as InfluxDB writes them: a
// sequence of number+unit pairs ("15d", "1h30m", "2w", "1mo", "1y") where the
// units are ns, u/µs/us, ms, s, m, h, d, w, mo (30 days) and y (365 days);
// "inf", "none" or "" mean for ever (0).
func ParseRetention(s string) (time.Duration, error) {
	str := strings.ToLower(strings.TrimSpace(s))
	if str == "" || str == "inf" || str == "none" || str == "0" {
		return 0, nil
	}
	var total float64
	for rest := str; rest != ""; {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9') {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("invalid duration %q: expected a number at %q (e.g. 15d, 1h30m, 2w)", s, rest)
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: %w", s, err)
		}
		rest = rest[i:]
		j := 0
		for j < len(rest) && !(rest[j] >= '0' && rest[j] <= '9') {
			j++
		}
		unit, ok := durationUnits[rest[:j]]
		if !ok {
			return 0, fmt.Errorf("invalid duration %q: unknown unit %q (use ns, us, ms, s, m, h, d, w, mo or y)", s, rest[:j])
		}
		total += float64(n) * float64(unit)
		rest = rest[j:]
	}
	if total > math.MaxInt64 {
		return 0, fmt.Errorf("invalid duration %q: too long", s)
	}
	return time.Duration(total), nil
}

var durationUnits = map[string]time.Duration{
	"ns": time.Nanosecond, "u": time.Microsecond, "us": time.Microsecond, "µ": time.Microsecond, "µs": time.Microsecond,
	"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour,
	"d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "mo": 30 * 24 * time.Hour, "y": 365 * 24 * time.Hour,
}

// FormatRetention writes a retention period back in the largest exact unit.
func FormatRetention(d time.Duration) string {
	if d <= 0 {
		return "infinite"
	}
	for _, u := range []struct {
		name string
		d    time.Duration
	}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}} {
		if d%u.d == 0 {
			return strconv.FormatInt(int64(d/u.d), 10) + u.name
		}
	}
	return d.String()
}
