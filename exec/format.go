package exec

import (
	"math"
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
// only when present, trailing zeros trimmed, then the zone's offset. The
// fields are computed from the days since the epoch (no time.Format, which
// is most of the cost of writing a column of times); years outside 1-9999
// take time.Format's path, as before.
func AppendTimestamp(dst []byte, ns int64, loc *time.Location) []byte {
	if out, ok := AppendInfiniteTime(dst, ns); ok {
		return out
	}
	sec, frac := ns/1e9, ns%1e9
	if frac < 0 {
		sec, frac = sec-1, frac+1e9
	}
	off := 0
	if loc != time.UTC {
		_, off = time.Unix(sec, 0).In(loc).Zone()
	}
	local := sec + int64(off)
	days, tod := local/86400, local%86400
	if tod < 0 {
		days, tod = days-1, tod+86400
	}
	y, m, d := civilFromDays(days)
	if y < 1 || y > 9999 {
		return appendTimestampFormat(dst, ns, loc)
	}
	dst = appendFourDigits(dst, int(y))
	dst = appendTwoDigits(append(dst, '-'), m)
	dst = appendTwoDigits(append(dst, '-'), d)
	dst = appendTwoDigits(append(dst, ' '), int(tod/3600))
	dst = appendTwoDigits(append(dst, ':'), int(tod%3600/60))
	dst = appendTwoDigits(append(dst, ':'), int(tod%60))
	if frac != 0 {
		digits := 9
		for frac%10 == 0 {
			frac /= 10
			digits--
		}
		dst = append(dst, '.')
		var buf [9]byte
		for i := digits - 1; i >= 0; i-- {
			buf[i] = byte('0' + frac%10)
			frac /= 10
		}
		dst = append(dst, buf[:digits]...)
	}
	return appendOffset(dst, off)
}

// appendTimestampFormat is AppendTimestamp by time.Format, for the years
// the fast path does not write.
func appendTimestampFormat(dst []byte, ns int64, loc *time.Location) []byte {
	t := time.Unix(0, ns).In(loc)
	dst = t.AppendFormat(dst, "2006-01-02 15:04:05.999999999")
	_, off := t.Zone()
	return appendOffset(dst, off)
}

// appendOffset writes a UTC offset as PostgreSQL does: +01, -03:30,
// +00:19:32.
func appendOffset(dst []byte, off int) []byte {
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

// civilFromDays is the proleptic Gregorian date of a day counted from
// 1970-01-01 (Howard Hinnant's days_from_civil, inverted).
func civilFromDays(z int64) (y int64, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11], March first
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

func appendFourDigits(dst []byte, n int) []byte {
	return appendTwoDigits(appendTwoDigits(dst, n/100), n%100)
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
		switch v { // 'infinity': the date32's extremes, as PostgreSQL's binary dates
		case TimeInfinity:
			b.UnsafeAppend(arrow.Date32(math.MaxInt32))
			continue
		case TimeNegInfinity:
			b.UnsafeAppend(arrow.Date32(math.MinInt32))
			continue
		}
		days := v / perDay
		if v%perDay < 0 {
			days--
		}
		b.UnsafeAppend(arrow.Date32(days))
	}
	return b.NewArray()
}
