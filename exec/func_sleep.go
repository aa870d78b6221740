package exec

import (
	"context"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// PostgreSQL's pg_sleep family: each row's call waits, and the statement's
// cancel (a cancel request, statement_timeout, pg_cancel_backend) ends the
// wait at once. They return void, which reads as the empty string; a NULL
// argument waits not at all and returns NULL (they are strict).
func init() {
	sleeper := func(sig string, until func(v any, now time.Time) time.Time) funcDef {
		return funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeText, want(args, sig) },
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				ctx := c.Stmt()
				return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
					return "", sleepUntil(ctx, until(v[0], time.Now()))
				})
			},
		}
	}
	// pg_sleep(seconds double precision): fractions of a second too.
	register("pg_sleep", sleeper("numeric", func(v any, now time.Time) time.Time {
		secs := toFloat(v)
		if math.IsNaN(secs) || secs <= 0 {
			return now
		}
		if secs > maxSleep.Seconds() {
			return now.Add(maxSleep)
		}
		return now.Add(time.Duration(secs * float64(time.Second)))
	}))
	// pg_sleep_for(interval): months and days as the calendar counts them
	// from now, as PostgreSQL adds the interval to clock_timestamp().
	register("pg_sleep_for", sleeper("interval", func(v any, now time.Time) time.Time {
		iv := v.(arrow.MonthDayNanoInterval)
		return now.AddDate(0, int(iv.Months), int(iv.Days)).Add(time.Duration(iv.Nanoseconds))
	}))
	// pg_sleep_until(timestamp with time zone).
	register("pg_sleep_until", sleeper("timestamptz", func(v any, now time.Time) time.Time {
		return time.Unix(0, int64(v.(Timestamp)))
	}))
}

// maxSleep bounds one wait (about 292 years, time.Duration's range).
const maxSleep = time.Duration(math.MaxInt64)

// sleepUntil waits until t, or until ctx ends (its cause is the error:
// pgwire reports a cancel or a timeout as 57014).
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
