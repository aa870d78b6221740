package exec

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// LTTB downsamples its child's points (column 0 a timestamp, column 1 a
// number; rows with a NULL in either are left out) to at most resolution
// points by Largest-Triangle-Three-Buckets, as Timescale Toolkit's lttb
// does: the first and last points stay; the points between fall in
// resolution-2 buckets of equal count, and from each bucket the point
// that makes the largest triangle with the point kept before it and the
// average of the next bucket is kept. Its output is (time timestamptz,
// value double precision) in time order; with resolution at or above the
// number of points, every point.
type LTTB struct {
	c          *Ctx
	child      Operator
	resolution int64
	schema     *arrow.Schema
	done       bool
	cur        arrow.Record
	held       int64
}

// NewLTTB downsamples child to resolution points (resolution > 2).
func NewLTTB(c *Ctx, child Operator, resolution int64, schema *arrow.Schema) *LTTB {
	return &LTTB{c: c, child: child, resolution: resolution, schema: schema}
}

func (l *LTTB) Schema() *arrow.Schema { return l.schema }

func (l *LTTB) Next(ctx context.Context) (arrow.Record, error) {
	if l.cur != nil {
		l.cur.Release()
		l.cur = nil
	}
	if l.done {
		return nil, nil
	}
	l.done = true
	var pts []point
	for {
		rec, err := l.child.Next(ctx)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			break
		}
		ts, ok := rec.Column(0).(*array.Timestamp)
		if !ok {
			return nil, fmt.Errorf("lttb: the time is %s, not a timestamp", rec.Column(0).DataType())
		}
		vs, err := numericFloats(rec.Column(1))
		if err != nil {
			return nil, fmt.Errorf("lttb: the value is %s, not a number", rec.Column(1).DataType())
		}
		times := timestampValues(ts)
		for i := range int(rec.NumRows()) {
			if ts.IsValid(i) && rec.Column(1).IsValid(i) {
				pts = append(pts, point{times[i], vs[i]})
			}
		}
		if err := l.c.Reserve(16 * int64(rec.NumRows())); err != nil {
			return nil, err
		}
		l.held += 16 * rec.NumRows()
	}
	if len(pts) == 0 {
		return nil, nil
	}
	slices.SortStableFunc(pts, func(a, b point) int { return cmp.Compare(a.t, b.t) })
	pts = lttb(pts, int(min(l.resolution, math.MaxInt32)))
	tb := array.NewTimestampBuilder(l.c.Mem, TypeTimestamptz)
	defer tb.Release()
	vb := array.NewFloat64Builder(l.c.Mem)
	defer vb.Release()
	for _, p := range pts {
		tb.Append(arrow.Timestamp(p.t))
		vb.Append(p.v)
	}
	t, v := tb.NewArray(), vb.NewArray()
	defer t.Release()
	defer v.Release()
	l.cur = array.NewRecord(l.schema, []arrow.Array{t, v}, int64(len(pts)))
	return l.cur, nil
}

// lttb keeps at most n of the points (sorted by time); times are read in
// microseconds, as the Toolkit reads them, for the triangles' areas.
func lttb(pts []point, n int) []point {
	if n >= len(pts) || n <= 2 {
		return pts
	}
	x := func(p point) float64 { return float64(p.t / 1e3) }
	out := make([]point, 0, n)
	out = append(out, pts[0])
	every := float64(len(pts)-2) / float64(n-2)
	a := pts[0]
	for i := 0; i < n-2; i++ {
		// The average of the next bucket (the last point for the last).
		lo := int(math.Floor(float64(i+1)*every)) + 1
		hi := min(int(math.Floor(float64(i+2)*every))+1, len(pts))
		var avgT int64
		var avgV float64
		if lo >= hi {
			lo, hi = len(pts)-1, len(pts)
		}
		var sumT, sumV float64
		for _, p := range pts[lo:hi] {
			sumT += x(p)
			sumV += p.v
		}
		avgT = int64(sumT / float64(hi-lo))
		avgV = sumV / float64(hi-lo)
		// The point of this bucket with the largest triangle.
		from := int(math.Floor(float64(i)*every)) + 1
		to := min(int(math.Floor(float64(i+1)*every))+1, len(pts)-1)
		best, bestArea := from, -1.0
		for j := from; j < to; j++ {
			area := math.Abs((x(a)-float64(avgT))*(pts[j].v-a.v)-(x(a)-x(pts[j]))*(avgV-a.v)) / 2
			if area > bestArea {
				best, bestArea = j, area
			}
		}
		out = append(out, pts[best])
		a = pts[best]
	}
	return append(out, pts[len(pts)-1])
}

func (l *LTTB) Close() {
	if l.cur != nil {
		l.cur.Release()
		l.cur = nil
	}
	_ = l.c.Reserve(-l.held)
	l.held = 0
	l.child.Close()
}
