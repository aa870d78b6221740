package planner_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestBucketConditionsExact: a time bucket compared with a constant time
// (time_bucket and date_bin, every comparison, times on and off the
// buckets' grid, origins and offsets) keeps exactly the rows whose bucket
// compares so, now that push_time_range turns the comparison into the
// scan's time range and drops it: each count is checked against buckets
// computed here, row by row, and the plan shows no filter left.
func TestBucketConditionsExact(t *testing.T) {
	_, _, _, _, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	rows("CREATE TABLE b (time timestamptz NOT NULL, series text, v bigint)")
	start := time.Date(2024, 1, 6, 22, 0, 0, 0, time.UTC) // a Saturday: the weeks' grid (from 2000-01-03, a Monday) is crossed
	var times []time.Time
	var vals []string
	for i := 0; i < 800; i++ {
		// Rows off the grids, on their bounds (every 150 s) and a microsecond before.
		for k, tm := range []time.Time{start.Add(time.Duration(i) * (7*time.Minute + 13*time.Second)), start.Add(time.Duration(i) * 150 * time.Second), start.Add(time.Duration(i)*150*time.Second - 1000)} {
			times = append(times, tm)
			vals = append(vals, fmt.Sprintf("('%s', 's%d', %d)", tm.Format(time.RFC3339Nano), k, i))
		}
	}
	rows("INSERT INTO b VALUES " + strings.Join(vals, ", "))

	floor := func(t, origin time.Time, w time.Duration) time.Time {
		d := t.Sub(origin)
		q := d / w
		if d%w < 0 {
			q--
		}
		return origin.Add(q * w)
	}
	tsOrigin := time.Date(2000, 1, 3, 0, 0, 0, 0, time.UTC)
	type bucket struct {
		sql string
		of  func(time.Time) time.Time
	}
	buckets := []bucket{
		{"time_bucket('5 minutes', time)", func(t time.Time) time.Time { return floor(t, tsOrigin, 5*time.Minute) }},
		{"time_bucket('90 seconds', time)", func(t time.Time) time.Time { return floor(t, tsOrigin, 90*time.Second) }},
		{"time_bucket('1 hour', time)", func(t time.Time) time.Time { return floor(t, tsOrigin, time.Hour) }},
		{"time_bucket('1 day', time)", func(t time.Time) time.Time { return floor(t, tsOrigin, 24*time.Hour) }},
		{"time_bucket('7 days', time)", func(t time.Time) time.Time { return floor(t, tsOrigin, 7*24*time.Hour) }},
		{"time_bucket('1 hour', time, INTERVAL '20 minutes')", func(t time.Time) time.Time {
			return floor(t.Add(-20*time.Minute), tsOrigin, time.Hour).Add(20 * time.Minute)
		}},
		{"time_bucket('1 hour', time, TIMESTAMPTZ '2024-01-01 00:07:00+00')", func(t time.Time) time.Time {
			return floor(t, time.Date(2024, 1, 1, 0, 7, 0, 0, time.UTC), time.Hour)
		}},
		{"date_bin('15 minutes', time, TIMESTAMPTZ '2024-01-01 00:02:30+00')", func(t time.Time) time.Time {
			return floor(t, time.Date(2024, 1, 1, 0, 2, 30, 0, time.UTC), 15*time.Minute)
		}},
	}
	ops := map[string]func(a, b time.Time) bool{
		">=": func(a, b time.Time) bool { return !a.Before(b) },
		">":  func(a, b time.Time) bool { return a.After(b) },
		"<":  func(a, b time.Time) bool { return a.Before(b) },
		"<=": func(a, b time.Time) bool { return !a.After(b) },
		"=":  func(a, b time.Time) bool { return a.Equal(b) },
	}
	consts := []time.Time{
		time.Date(2024, 1, 7, 0, 0, 0, 0, time.UTC),  // on most grids
		time.Date(2024, 1, 7, 1, 20, 0, 0, time.UTC), // on the offset hour's
		time.Date(2024, 1, 7, 3, 2, 30, 0, time.UTC), // on date_bin's
		time.Date(2024, 1, 7, 10, 2, 0, 0, time.UTC), // off every grid
		time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC),  // a week's start
		time.Date(2024, 1, 7, 23, 59, 59, 999999000, time.UTC),
	}
	checked := 0
	for _, bk := range buckets {
		for op, holds := range ops {
			for _, c := range consts {
				want := 0
				for _, tm := range times {
					if holds(bk.of(tm), c) {
						want++
					}
				}
				q := fmt.Sprintf("SELECT count(*) FROM b WHERE %s %s '%s'", bk.sql, op, c.Format(time.RFC3339Nano))
				require.Equal(t, [][]any{{int64(want)}}, rows(q), q)
				plan := rows("EXPLAIN " + q)
				require.NotContains(t, fmt.Sprint(plan), "Filter", q)
				checked++
			}
		}
	}
	require.Equal(t, 8*5*6, checked)
}
