package exec

import (
	"math"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestInfiniteTimes: 'infinity' and '-infinity' read, write and survive
// arithmetic as PostgreSQL's do, and no arithmetic on finite times lands
// on them.
func TestInfiniteTimes(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for text, want := range map[string]int64{"infinity": TimeInfinity, " Infinity ": TimeInfinity, "-INFINITY": TimeNegInfinity} {
		for _, parse := range []func(string, *time.Location, time.Time) (int64, error){ParseTimestamp, ParseWallClock, ParseReading} {
			ns, err := parse(text, ny, now)
			require.NoError(t, err, text)
			require.Equal(t, want, ns, text)
		}
	}
	_, err = ParseTimestamp("+infinity", time.UTC, now)
	require.Error(t, err, "PostgreSQL 15 reads no +infinity")

	require.Equal(t, "infinity", string(AppendTimestamp(nil, TimeInfinity, ny)))
	require.Equal(t, "-infinity", string(AppendTimestamp(nil, TimeNegInfinity, time.UTC)))
	require.Equal(t, "infinity", WallClockText(Timestamp(TimeInfinity), true, ny))
	require.Equal(t, "-infinity", WallClockText(Timestamp(TimeNegInfinity), false, nil))

	for _, iv := range []arrow.MonthDayNanoInterval{{Nanoseconds: -1}, {Days: -1}, {Months: -12000}, {Months: 1, Days: 2, Nanoseconds: 3}} {
		for _, ts := range []int64{TimeInfinity, TimeNegInfinity} {
			got, ok := AddInterval(ts, iv, ny)
			require.True(t, ok)
			require.Equal(t, ts, got, "%v %+v", ts, iv)
		}
	}
	// The last time held plus a nanosecond is out of range, not
	// 'infinity'; so is the first minus one.
	for _, c := range []struct {
		ts int64
		iv arrow.MonthDayNanoInterval
	}{
		{heldMax, arrow.MonthDayNanoInterval{Nanoseconds: 1}},
		{heldMax, arrow.MonthDayNanoInterval{Nanoseconds: 807}},
		{heldMin, arrow.MonthDayNanoInterval{Nanoseconds: -1}},
		{heldMin, arrow.MonthDayNanoInterval{Nanoseconds: -808}},
	} {
		_, ok := AddInterval(c.ts, c.iv, time.UTC)
		require.False(t, ok, "%d %+v", c.ts, c.iv)
	}
	got, ok := AddInterval(heldMax-1, arrow.MonthDayNanoInterval{Nanoseconds: 1}, time.UTC)
	require.True(t, ok)
	require.Equal(t, heldMax, got)

	for _, ns := range []int64{math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 0, -1, 1, heldMax, heldMin} {
		require.Equal(t, !IsFiniteTime(ns), infiniteBit(ns) == 1, ns)
	}
	require.Equal(t, math.Inf(1), epochSeconds(TimeInfinity))
	require.Equal(t, math.Inf(-1), epochSeconds(TimeNegInfinity))
	require.False(t, math.IsInf(epochSeconds(heldMin), 0))

	// Dates for Arrow clients: the date32's extremes.
	b := array.NewTimestampBuilder(memory.DefaultAllocator, TypeTimestamptz)
	defer b.Release()
	b.AppendValues([]arrow.Timestamp{arrow.Timestamp(TimeInfinity), arrow.Timestamp(TimeNegInfinity), 0}, nil)
	ts := b.NewTimestampArray()
	defer ts.Release()
	d := Date32s(memory.DefaultAllocator, ts).(*array.Date32)
	defer d.Release()
	require.Equal(t, []arrow.Date32{math.MaxInt32, math.MinInt32, 0}, d.Date32Values())
}
