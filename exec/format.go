package exec

import (
	"strings"
	"time"
)

// formatTimestamp renders a timestamptz as PostgreSQL does in UTC:
// "2016-01-01 00:00:00+00", with fractional seconds only when present and
// trailing zeros trimmed (down to nanoseconds, which PostgreSQL cannot hold).
func formatTimestamp(ns int64) string { return formatTimestampIn(ns, time.UTC) }

// formatTimestampIn renders a timestamptz in loc with its UTC offset, as
// PostgreSQL's ISO DateStyle does ("2016-01-01 01:00:00+01",
// "2016-01-01 05:30:00+05:30").
func formatTimestampIn(ns int64, loc *time.Location) string {
	t := time.Unix(0, ns).In(loc)
	s := t.Format("2006-01-02 15:04:05.999999999")
	_, off := t.Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	var b strings.Builder
	b.WriteString(s)
	b.WriteString(sign)
	h, m, sec := off/3600, off%3600/60, off%60
	b.WriteString(twoDigits(h))
	if m != 0 || sec != 0 {
		b.WriteString(":" + twoDigits(m))
	}
	if sec != 0 {
		b.WriteString(":" + twoDigits(sec))
	}
	return b.String()
}

func twoDigits(n int) string {
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}
