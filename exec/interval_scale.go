package exec

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
)

// PostgreSQL's calendar constants for interval arithmetic.
const (
	daysPerMonth = 30
	secsPerDay   = 86400
)

// ScaleInterval multiplies (or, with div, divides) an interval by a
// number as PostgreSQL's interval_mul and interval_div do: months and days
// scale separately and truncate toward zero, the fraction of a month
// carries down as days of 30 and the fraction of a day as seconds, each
// carry rounded to microseconds ('1 hour' * 2.5 is 02:30:00; '1 day' / 4
// is 06:00:00, not 0 days; '1 mon' / 2 is 15 days), the time part to the
// microsecond ('1 second' / 3 is 00:00:00.333333).
func ScaleInterval(iv arrow.MonthDayNanoInterval, factor float64, div bool) (arrow.MonthDayNanoInterval, error) {
	scale := func(x float64) float64 {
		if div {
			return x / factor
		}
		return x * factor
	}
	months, days := scale(float64(iv.Months)), scale(float64(iv.Days))
	if math.IsNaN(months) || math.IsNaN(days) || math.Abs(months) > math.MaxInt32 || math.Abs(days) > math.MaxInt32 {
		return iv, fmt.Errorf("interval out of range")
	}
	out := arrow.MonthDayNanoInterval{Months: int32(months), Days: int32(days)}
	monthRemainderDays := roundMicros((months - float64(out.Months)) * daysPerMonth)
	secRemainder := roundMicros((days - float64(out.Days) + monthRemainderDays - math.Trunc(monthRemainderDays)) * secsPerDay)
	if math.Abs(secRemainder) >= secsPerDay {
		whole := math.Trunc(secRemainder / secsPerDay)
		out.Days += int32(whole)
		secRemainder -= whole * secsPerDay
	}
	out.Days += int32(monthRemainderDays)
	// PostgreSQL holds microseconds: the time part rounds to them.
	nanos := 1e3 * math.RoundToEven(scale(float64(iv.Nanoseconds))/1e3+secRemainder*1e6)
	if math.IsNaN(nanos) || math.Abs(nanos) >= math.MaxInt64 {
		return iv, fmt.Errorf("interval out of range")
	}
	out.Nanoseconds = int64(nanos)
	return out, nil
}

// roundMicros rounds seconds (or days) to six decimals, as PostgreSQL's
// TSROUND does.
func roundMicros(x float64) float64 { return math.RoundToEven(x*1e6) / 1e6 }
