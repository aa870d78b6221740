package exec

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// formatTimestamp renders a timestamptz as PostgreSQL does in UTC:
// "2016-01-01 00:00:00+00", with fractional seconds only when present and
// trailing zeros trimmed (down to nanoseconds, which PostgreSQL cannot hold).
func formatTimestamp(ns int64) string { return formatTimestampIn(ns, time.UTC) }

// formatTimestampIn renders a timestamptz in loc with its UTC offset, as
// PostgreSQL's ISO DateStyle does ("2016-01-01 01:00:00+01",
// "2016-01-01 05:30:00+05:30").
func formatTimestampIn(ns int64, loc *time.Location) string {
	return string(AppendTimestamp(nil, ns, loc))
}

// AppendTimestamp is formatTimestampIn appending to dst: fractional seconds
// only when present, trailing zeros trimmed, then the zone's offset.
func AppendTimestamp(dst []byte, ns int64, loc *time.Location) []byte {
	t := time.Unix(0, ns).In(loc)
	dst = t.AppendFormat(dst, "2006-01-02 15:04:05.999999999")
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	dst = append(dst, sign)
	h, m, sec := off/3600, off%3600/60, off%60
	dst = appendTwoDigits(dst, h)
	if m != 0 || sec != 0 {
		dst = appendTwoDigits(append(dst, ':'), m)
	}
	if sec != 0 {
		dst = appendTwoDigits(append(dst, ':'), sec)
	}
	return dst
}

func appendTwoDigits(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/10), byte('0'+n%10))
}

// Date32s is the day of each timestamp (days since the epoch, the day an
// instant before 1970 falls in), as a date32 array the caller owns.
func Date32s(mem memory.Allocator, ts *array.Timestamp) arrow.Array {
	perDay := int64(24*time.Hour) / int64(ts.DataType().(*arrow.TimestampType).Unit.Multiplier())
	b := array.NewDate32Builder(mem)
	defer b.Release()
	b.Reserve(ts.Len())
	for i := 0; i < ts.Len(); i++ {
		if ts.IsNull(i) {
			b.AppendNull()
			continue
		}
		v := int64(ts.Value(i))
		days := v / perDay
		if v%perDay < 0 {
			days--
		}
		b.UnsafeAppend(arrow.Date32(days))
	}
	return b.NewArray()
}
