package exec

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"
)

// TestSeries: generate_series streams in batches of at most BatchRows, ends
// at stop or at the last integer there is, steps timestamps in the
// session's calendar, and stops when its context is cancelled.
func TestSeries(t *testing.T) {
	ctx := context.Background()
	ints := arrow.NewSchema([]arrow.Field{{Name: "g", Type: TypeInt}}, nil)
	collect := func(s *Series) (vals []int64, batches int) {
		defer s.Close()
		for {
			rec, err := s.Next(ctx)
			require.NoError(t, err)
			if rec == nil {
				return vals, batches
			}
			require.LessOrEqual(t, int(rec.NumRows()), BatchRows)
			batches++
			switch a := rec.Column(0).(type) {
			case *array.Int64:
				vals = append(vals, a.Int64Values()...)
			case *array.Timestamp:
				for _, v := range a.Values() {
					vals = append(vals, int64(v))
				}
			}
		}
	}
	vals, batches := collect(NewIntSeries(ints, 1, 200000, 1))
	require.Len(t, vals, 200000)
	require.Equal(t, 4, batches)
	require.Equal(t, int64(200000), vals[len(vals)-1])
	vals, _ = collect(NewIntSeries(ints, 10, 1, -4))
	require.Equal(t, []int64{10, 6, 2}, vals)
	vals, _ = collect(NewIntSeries(ints, math.MaxInt64-1, math.MaxInt64, 1))
	require.Equal(t, []int64{math.MaxInt64 - 1, math.MaxInt64}, vals)
	vals, _ = collect(NewIntSeries(ints, math.MinInt64+1, math.MinInt64, -1))
	require.Equal(t, []int64{math.MinInt64 + 1, math.MinInt64}, vals)
	vals, _ = collect(NewIntSeries(ints, 5, 1, 1))
	require.Empty(t, vals)

	times := arrow.NewSchema([]arrow.Field{{Name: "g", Type: TypeTimestamptz}}, nil)
	day := func(s string) int64 {
		v, err := time.Parse("2006-01-02", s)
		require.NoError(t, err)
		return v.UnixNano()
	}
	vals, _ = collect(NewTimeSeries(times, day("2024-01-31"), day("2024-05-01"), arrow.MonthDayNanoInterval{Months: 1}, time.UTC))
	require.Equal(t, []int64{day("2024-01-31"), day("2024-02-29"), day("2024-03-29"), day("2024-04-29")}, vals)

	// A step's direction is its span's, as PostgreSQL compares intervals:
	// '1 month -31 days' goes back (no rows forward from Jan 1 to Mar 1); a
	// step that does not move ends the series.
	vals, _ = collect(NewTimeSeries(times, day("2024-01-01"), day("2024-03-01"), arrow.MonthDayNanoInterval{Months: 1, Days: -31}, time.UTC))
	require.Empty(t, vals)
	vals, _ = collect(NewTimeSeries(times, day("2024-01-31"), day("2024-12-31"), arrow.MonthDayNanoInterval{Months: 1, Days: -29}, time.UTC))
	require.Equal(t, []int64{day("2024-01-31")}, vals)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	s := NewIntSeries(ints, 1, math.MaxInt64, 1)
	defer s.Close()
	_, err := s.Next(cancelled)
	require.ErrorIs(t, err, context.Canceled)
}
