package exec

import (
	"context"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Series streams generate_series(start, stop [, step]) in batches, never
// holding more than one: integers stepped by step, or timestamps each the
// previous plus an interval step in the session's calendar (AddInterval),
// as PostgreSQL computes them. It ends at stop, and before a value that
// would pass the integers or times there are.
type Series struct {
	schema  *arrow.Schema
	dt      arrow.DataType
	times   bool
	cur     int64
	stop    int64
	step    int64
	iv      arrow.MonthDayNanoInterval
	forward bool
	loc     *time.Location
	done    bool
	out     arrow.Record
}

// NewIntSeries streams the integers start, start+step, ... up to stop
// (down to it for a negative step); step is not 0.
func NewIntSeries(schema *arrow.Schema, start, stop, step int64) *Series {
	return &Series{schema: schema, dt: TypeInt, cur: start, stop: stop, step: step, forward: step > 0}
}

// NewTimeSeries streams the timestamps start, start+iv, ... up to stop
// (down to it when iv is negative, by its span as PostgreSQL compares
// intervals), adding in loc's calendar; iv's span is not zero. A step that
// does not move that way ends the series ('1 month -29 days' from Jan 31).
func NewTimeSeries(schema *arrow.Schema, start, stop int64, iv arrow.MonthDayNanoInterval, loc *time.Location) *Series {
	forward := IntervalSign(iv) > 0
	if loc == nil {
		loc = time.UTC
	}
	return &Series{schema: schema, dt: TypeTimestamptz, times: true, cur: start, stop: stop, iv: iv, forward: forward, loc: loc}
}

func (s *Series) Schema() *arrow.Schema { return s.schema }

func (s *Series) Next(ctx context.Context) (arrow.Record, error) {
	if s.out != nil {
		s.out.Release()
		s.out = nil
	}
	if s.done {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vals := make([]int64, 0, BatchRows)
	for len(vals) < BatchRows {
		if s.forward && s.cur > s.stop || !s.forward && s.cur < s.stop {
			s.done = true
			break
		}
		vals = append(vals, s.cur)
		var next int64
		var ok bool
		if s.times {
			next, ok = AddInterval(s.cur, s.iv, s.loc)
			ok = ok && next != s.cur && next > s.cur == s.forward
		} else {
			next = s.cur + s.step
			ok = next > s.cur == s.forward // no wrap past the integers there are
		}
		if !ok {
			s.done = true
			break
		}
		s.cur = next
	}
	if len(vals) == 0 {
		return nil, nil
	}
	col := fixedArray(s.dt, vals, nil)
	defer col.Release()
	s.out = array.NewRecord(s.schema, []arrow.Array{col}, int64(len(vals)))
	return s.out, nil
}

func (s *Series) Close() {
	if s.out != nil {
		s.out.Release()
		s.out = nil
	}
	s.done = true
}
