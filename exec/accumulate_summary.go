package exec

import (
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// SummaryFunc is what an AggSummary aggregate computes from a group's
// points (Time, Arg) taken in time order: the accessors of Timescale
// Toolkit's time_weight, counter_agg and gauge_agg summaries, and the
// higher moments of stats_agg (which ignore Time).
type SummaryFunc int

// The summary functions.
const (
	SummaryAverage     SummaryFunc = iota // time-weighted average: the integral over the time the points span
	SummaryIntegral                       // the area under the points, in Summary.Unit
	SummaryDelta                          // last - first (counters: plus the values before each reset)
	SummaryRate                           // delta per second of the time the points span
	SummaryTimeDelta                      // seconds between the first and the last point
	SummaryIDeltaLeft                     // the change from the first point to the second (a drop: the second value)
	SummaryIDeltaRight                    // the change from the next-to-last point to the last
	SummaryIRateLeft                      // IDeltaLeft per second between the two points
	SummaryIRateRight                     // IDeltaRight per second between the two points
	SummaryNumResets                      // how many times a counter dropped
	SummaryNumChanges                     // how many points differ from the point before
	SummaryNumElements                    // how many points (one per time)
	SummarySlope                          // least-squares slope of value over seconds
	SummaryIntercept                      // the line's value at 2000-01-01 00:00 UTC
	SummaryCorr                           // correlation of value and time
	SummaryZeroTime                       // when the line reaches zero
	SummarySkewness                       // (1/d)·Σ(x-x̄)³/σ³ of the values, d = n (population) or n-1 (sample)
	SummaryKurtosis                       // (1/d)·Σ(x-x̄)⁴/σ⁴ (not the excess kurtosis)
)

var summaryNames = [...]string{"average", "integral", "delta", "rate", "time_delta", "idelta_left", "idelta_right",
	"irate_left", "irate_right", "num_resets", "num_changes", "num_elements", "slope", "intercept", "corr",
	"zero_time", "skewness", "kurtosis"}

func (f SummaryFunc) String() string { return summaryNames[f] }

// Summary configures an AggSummary aggregate.
type Summary struct {
	Func SummaryFunc
	// Kind is the summary the function reads: "time_weight", "counter_agg",
	// "gauge_agg" or "stats_agg".
	Kind string
	// LOCF weighs each value until the next point (time_weight's 'LOCF');
	// otherwise values are joined by straight lines ('Linear').
	LOCF bool
	// Unit is the integral's unit of time in nanoseconds.
	Unit int64
	// Sample asks for the sample statistic (skewness, kurtosis); otherwise
	// the population's.
	Sample bool
	// Source identifies the points read (time, value and filter, columns
	// by their place; "": none): aggregates of one Source share them.
	Source string
}

func (s Summary) String() string {
	out := s.Kind + "." + s.Func.String()
	switch {
	case s.Kind == "time_weight" && s.LOCF:
		out += "[locf]"
	case s.Kind == "time_weight":
		out += "[linear]"
	case s.Func == SummarySkewness || s.Func == SummaryKurtosis:
		out += map[bool]string{true: "[sample]", false: "[population]"}[s.Sample]
	}
	if s.Func == SummaryIntegral {
		out += fmt.Sprintf("[%dns]", s.Unit)
	}
	return out
}

// resultType is the type of s's results.
func (s Summary) resultType() arrow.DataType {
	switch s.Func {
	case SummaryNumResets, SummaryNumChanges, SummaryNumElements:
		return TypeInt
	case SummaryZeroTime:
		return TypeTimestamptz
	}
	return TypeFloat
}

// summaryAcc keeps the points (rows where neither time nor value is NULL)
// of every group in arrival order, each beside its group, in chunks of
// typed slices (no copying as they grow, no per-group slices). The result
// places each group's points together (a counting sort by group, which
// keeps arrival order) and computes each group's value. States merge by
// taking the other's chunks, so a parallel scan computes it per split.
type summaryAcc struct {
	s        Summary
	chunks   []*pointChunk
	n        int // points kept
	capacity int // points the chunks can hold
	// leader, when set, is the accumulator of an earlier aggregate over
	// the same points (another accessor of the same summary): this one
	// keeps none and reads the leader's, placed per group by its result.
	leader *summaryAcc
	// pts and start are the points placed per group (group g's in
	// pts[start[g]:start[g]+kept[g]], in time order, one per time) once
	// result ran, for the followers.
	pts   []point
	start []int
	kept  []int
}

// shareSummaryPoints makes each summary aggregate that reads the same
// points as an earlier one (the same Source, and rule for points at one
// time) a follower of it: the points are kept once however many accessors
// read a summary (delta, rate and slope of one counter).
func shareSummaryPoints(aggs []Agg, accs []accumulator) {
	leaders := map[string]*summaryAcc{}
	for i, a := range aggs {
		acc, ok := accs[i].(*summaryAcc)
		if !ok || a.Time == nil || a.Summary.Source == "" {
			continue
		}
		key := fmt.Sprintf("%s|%t", a.Summary.Source, a.Summary.keepsLast())
		if l, ok := leaders[key]; ok {
			acc.leader = l
			continue
		}
		leaders[key] = acc
	}
}

// keepsLast reports whether, of points at one time, the largest value is
// kept (a state's indicator) rather than the smallest.
func (s Summary) keepsLast() bool { return s.Kind == "state_agg" }

// pointChunk holds points; its capacity is fixed when it is made.
type pointChunk struct {
	gids  []uint32
	times []int64
	vals  []float64
}

// The first chunk holds firstChunk points, each next one twice as many as
// the one before, up to maxChunk: a few rows take little memory, many
// rows are not copied as they grow.
const (
	firstChunk = 1 << 10
	maxChunk   = 1 << 16
)

func (a *summaryAcc) grow(int) {}

// heldBytes counts the chunks' capacity and what result adds (a point of
// 16 bytes per point kept).
func (a *summaryAcc) heldBytes() int64 { return 20*int64(a.capacity) + 16*int64(a.n) }

// room returns the chunk to append to, with space for at least one point.
func (a *summaryAcc) room() *pointChunk {
	k := len(a.chunks)
	if k > 0 && len(a.chunks[k-1].gids) < cap(a.chunks[k-1].gids) {
		return a.chunks[k-1]
	}
	size := firstChunk
	if k > 0 {
		size = min(2*cap(a.chunks[k-1].gids), maxChunk)
	}
	c := &pointChunk{gids: make([]uint32, 0, size), times: make([]int64, 0, size), vals: make([]float64, 0, size)}
	a.chunks = append(a.chunks, c)
	a.capacity += size
	return c
}

func (a *summaryAcc) update(gids []uint32, arg, tm arrow.Array) error {
	if arg.DataType().ID() == arrow.NULL || tm != nil && tm.DataType().ID() == arrow.NULL {
		return nil // a NULL argument: no point takes part
	}
	vals, err := numericFloats(arg)
	if err != nil {
		return err
	}
	var ts []int64
	if tm != nil {
		ts = timestampValues(tm.(*array.Timestamp))
	}
	if arg.NullN() == 0 && (tm == nil || tm.NullN() == 0) {
		for off := 0; off < len(gids); {
			c := a.room()
			k := min(len(gids)-off, cap(c.gids)-len(c.gids))
			c.gids = append(c.gids, gids[off:off+k]...)
			c.vals = append(c.vals, vals[off:off+k]...)
			if ts != nil {
				c.times = append(c.times, ts[off:off+k]...)
			} else {
				c.times = c.times[:len(c.times)+k] // stats_agg: no times
			}
			off += k
			a.n += k
		}
		return nil
	}
	for i, g := range gids {
		if arg.IsNull(i) || tm != nil && tm.IsNull(i) {
			continue
		}
		c := a.room()
		c.gids, c.vals = append(c.gids, g), append(c.vals, vals[i])
		if ts != nil {
			c.times = append(c.times, ts[i])
		} else {
			c.times = append(c.times, 0)
		}
		a.n++
	}
	return nil
}

func (a *summaryAcc) merge(other accumulator, gids []uint32) error {
	if a.leader != nil {
		return nil // the leader merges the points
	}
	o := other.(*summaryAcc)
	for _, c := range o.chunks {
		for i, g := range c.gids {
			c.gids[i] = gids[g]
		}
	}
	a.chunks = append(a.chunks, o.chunks...)
	a.n += o.n
	a.capacity += o.capacity
	o.chunks, o.n, o.capacity = nil, 0, 0
	return nil
}

func (a *summaryAcc) result(dt arrow.DataType, groups int) arrow.Array {
	b := array.NewBuilder(memory.DefaultAllocator, dt)
	defer b.Release()
	if l := a.leader; l != nil && l.start != nil {
		for g := range groups {
			a.appendResult(b, dt, l.pts[l.start[g]:l.start[g]+l.kept[g]])
		}
		return b.NewArray()
	}
	// Each group's points to one segment, in arrival order.
	start := make([]int, groups+1)
	for _, c := range a.chunks {
		for _, g := range c.gids {
			start[g+1]++
		}
	}
	for g := 1; g <= groups; g++ {
		start[g] += start[g-1]
	}
	pts := make([]point, a.n)
	at := slices.Clone(start[:groups])
	for _, c := range a.chunks {
		times, vals := c.times[:len(c.gids)], c.vals[:len(c.gids)]
		for i, g := range c.gids {
			pts[at[g]] = point{times[i], vals[i]}
			at[g]++
		}
	}
	a.chunks = nil
	a.pts, a.start, a.kept = pts, start, make([]int, groups)
	for g := range groups {
		seg := a.s.ordered(pts[start[g]:start[g+1]])
		a.kept[g] = len(seg)
		a.appendResult(b, dt, seg)
	}
	return b.NewArray()
}

// appendResult appends the summary function of one group's points, put
// in order (ordered).
func (a *summaryAcc) appendResult(b array.Builder, dt arrow.DataType, seg []point) {
	v, ok := a.s.computeOrdered(seg)
	switch {
	case !ok:
		b.AppendNull()
	case dt.ID() == arrow.INT64:
		b.(*array.Int64Builder).Append(int64(v))
	case dt.ID() == arrow.TIMESTAMP:
		b.(*array.TimestampBuilder).Append(arrow.Timestamp(v))
	default:
		b.(*array.Float64Builder).Append(v)
	}
}

// epoch2000 is 2000-01-01 00:00 UTC in Unix nanoseconds, the origin of the
// regression's seconds (PostgreSQL's epoch, as Timescale Toolkit counts).
const epoch2000 = 946684800 * int64(1e9)

// compute is s's value over one group's points (stats_agg: times 0),
// which it reorders; false: NULL.
func (s Summary) compute(pts []point) (float64, bool) {
	return s.computeOrdered(s.ordered(pts))
}

// ordered puts one group's points as s reads them: in time order, one
// per time (timeOrder), except for the moments, which read values only.
func (s Summary) ordered(pts []point) []point {
	if len(pts) == 0 || s.Func == SummarySkewness || s.Func == SummaryKurtosis {
		return pts
	}
	return timeOrder(pts, s.keepsLast())
}

// computeOrdered is compute over points ordered already.
func (s Summary) computeOrdered(pts []point) (float64, bool) {
	if len(pts) == 0 {
		return 0, false
	}
	if s.Func == SummarySkewness || s.Func == SummaryKurtosis {
		return s.moment(pts), true
	}
	n := len(pts)
	span := nsBetween(pts[0].t, pts[n-1].t) / 1e9
	counter := s.Kind == "counter_agg"
	switch s.Func {
	case SummaryAverage, SummaryIntegral:
		var sum float64 // value × nanoseconds
		for k := 0; k+1 < n; k++ {
			dt := nsBetween(pts[k].t, pts[k+1].t)
			if s.LOCF {
				sum += pts[k].v * dt
			} else {
				sum += (pts[k].v + pts[k+1].v) / 2 * dt
			}
		}
		if s.Func == SummaryIntegral {
			return sum / float64(s.Unit), true
		}
		if n < 2 {
			return 0, false
		}
		return sum / nsBetween(pts[0].t, pts[n-1].t), true
	case SummaryDelta, SummaryRate:
		// A counter's drop is a reset: the value before it is added back.
		d := pts[n-1].v - pts[0].v
		if counter {
			for k := 1; k < n; k++ {
				if pts[k].v < pts[k-1].v {
					d += pts[k-1].v
				}
			}
		}
		if s.Func == SummaryDelta {
			return d, true
		}
		if n < 2 {
			return 0, false
		}
		return d / span, true
	case SummaryTimeDelta:
		return span, true
	case SummaryIDeltaLeft, SummaryIRateLeft, SummaryIDeltaRight, SummaryIRateRight:
		a, b := 0, min(1, n-1)
		if s.Func == SummaryIDeltaRight || s.Func == SummaryIRateRight {
			a, b = max(n-2, 0), n-1
		}
		d := pts[b].v - pts[a].v
		if pts[b].v < pts[a].v {
			d = pts[b].v // a drop: the counter started again from zero
		}
		if s.Func == SummaryIDeltaLeft || s.Func == SummaryIDeltaRight {
			return d, true
		}
		if a == b {
			return 0, false
		}
		return d / (nsBetween(pts[a].t, pts[b].t) / 1e9), true
	case SummaryNumResets, SummaryNumChanges:
		c := 0
		for k := 1; k < n; k++ {
			if s.Func == SummaryNumResets && pts[k].v < pts[k-1].v || s.Func == SummaryNumChanges && pts[k].v != pts[k-1].v {
				c++
			}
		}
		return float64(c), true
	case SummaryNumElements:
		return float64(n), true
	}
	// The least-squares line of the values (a counter's plus the resets
	// before them) over seconds since 2000-01-01, in two passes.
	adjusted := func(yield func(x, y float64)) {
		var resets float64
		for k := range n {
			if counter && k > 0 && pts[k].v < pts[k-1].v {
				resets += pts[k-1].v
			}
			yield(nsBetween(epoch2000, pts[k].t)/1e9, pts[k].v+resets)
		}
	}
	var mx, my float64
	adjusted(func(x, y float64) { mx, my = mx+x, my+y })
	mx, my = mx/float64(n), my/float64(n)
	var sxx, syy, sxy float64
	adjusted(func(x, y float64) {
		dx, dy := x-mx, y-my
		sxx, syy, sxy = sxx+dx*dx, syy+dy*dy, sxy+dx*dy
	})
	if sxx == 0 {
		return 0, false
	}
	slope := sxy / sxx
	switch s.Func {
	case SummarySlope:
		return slope, true
	case SummaryIntercept:
		return my - slope*mx, true
	case SummaryCorr:
		if syy == 0 {
			return 0, false
		}
		return sxy / math.Sqrt(sxx*syy), true
	case SummaryZeroTime:
		if syy == 0 {
			return 0, false
		}
		secs := -(my - slope*mx) / slope
		ns := secs*1e9 + float64(epoch2000)
		if math.IsNaN(ns) || ns >= math.MaxInt64 || ns < math.MinInt64 {
			return 0, false
		}
		return math.Round(ns/1e3) * 1e3, true // microseconds, as a timestamptz holds
	}
	return 0, false
}

// nsBetween is b - a in nanoseconds, as a float64, exact where the
// difference fits in an int64 (timestamps centuries apart do not).
func nsBetween(a, b int64) float64 {
	d := b - a
	if (b >= a) != (d >= 0) {
		return float64(b) - float64(a)
	}
	return float64(d)
}

// timeOrder puts the points in time order, equal times by value, and keeps
// one point per time: the one with the smallest value (for counters, so no
// dropped duplicate counts as a reset), or with largest (keepLast: a
// state's indicator, so a state any series reports at that time holds).
// Points a scan delivers in time order are only checked, not sorted.
func timeOrder(pts []point, keepLast bool) []point {
	for k := 1; k < len(pts); k++ {
		if pts[k].t < pts[k-1].t || pts[k].t == pts[k-1].t && pts[k].v < pts[k-1].v {
			slices.SortFunc(pts, func(a, b point) int {
				switch {
				case a.t < b.t:
					return -1
				case a.t > b.t:
					return 1
				case a.v < b.v:
					return -1
				case a.v > b.v:
					return 1
				}
				return 0
			})
			break
		}
	}
	n := 0
	for k := range pts {
		if n > 0 && pts[k].t == pts[n-1].t {
			if keepLast {
				pts[n-1] = pts[k]
			}
			continue
		}
		pts[n] = pts[k]
		n++
	}
	return pts[:n]
}

// point is one (time, value) of a summary.
type point struct {
	t int64
	v float64
}

// moment is the skewness or kurtosis of the values, from central moments in two
// passes: d = n for the population, n-1 for a sample, σ² = Σ(x-x̄)²/d.
// One value gives NaN, as Timescale Toolkit's stats_agg does.
func (s Summary) moment(pts []point) float64 {
	n := float64(len(pts))
	var mean float64
	for _, p := range pts {
		mean += p.v
	}
	mean /= n
	var s2, s3, s4 float64
	for _, p := range pts {
		d := p.v - mean
		s2 += d * d
		s3 += d * d * d
		s4 += d * d * d * d
	}
	d := n
	if s.Sample {
		d = n - 1
	}
	sigma2 := s2 / d
	if s.Func == SummarySkewness {
		return s3 / d / math.Pow(sigma2, 1.5)
	}
	return s4 / d / (sigma2 * sigma2)
}
