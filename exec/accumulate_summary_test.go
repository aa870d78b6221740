package exec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

const sec = int64(1e9)

// pointsOf pairs times and values (no times: zeros).
func pointsOf(ts []int64, vs []float64) []point {
	p := make([]point, len(vs))
	for i := range vs {
		if ts != nil {
			p[i].t = ts[i]
		}
		p[i].v = vs[i]
	}
	return p
}

// TestSummaryCompute checks each summary function on small series worked
// out by hand, given out of time order.
func TestSummaryCompute(t *testing.T) {
	// Points at 0, 10, 20, 40 s: 1, 3, 2, 6 (given shuffled).
	ts := []int64{20 * sec, 0, 40 * sec, 10 * sec}
	vs := []float64{2, 1, 6, 3}
	tw := func(f SummaryFunc, locf bool) Summary {
		return Summary{Func: f, Kind: "time_weight", LOCF: locf, Unit: sec}
	}
	ctr := func(f SummaryFunc) Summary { return Summary{Func: f, Kind: "counter_agg"} }
	gauge := func(f SummaryFunc) Summary { return Summary{Func: f, Kind: "gauge_agg"} }
	for _, tc := range []struct {
		name string
		s    Summary
		ts   []int64
		vs   []float64
		want any // float64, or nil for NULL
	}{
		// Trapezoids 10*(1+3)/2 + 10*(3+2)/2 + 20*(2+6)/2 = 20+25+80 = 125.
		{"linear integral", tw(SummaryIntegral, false), ts, vs, 125.0},
		{"linear average", tw(SummaryAverage, false), ts, vs, 125.0 / 40},
		// Steps 10*1 + 10*3 + 20*2 = 80; the last value gets no weight.
		{"locf integral", tw(SummaryIntegral, true), ts, vs, 80.0},
		{"locf average", tw(SummaryAverage, true), ts, vs, 2.0},
		{"integral in minutes", Summary{Func: SummaryIntegral, Kind: "time_weight", Unit: 60 * sec}, ts, vs, 125.0 / 60},
		{"one point: no average", tw(SummaryAverage, false), []int64{5}, []float64{7}, nil},
		{"one point: integral 0", tw(SummaryIntegral, false), []int64{5}, []float64{7}, 0.0},
		{"no points", tw(SummaryIntegral, false), nil, nil, nil},
		// A repeated time keeps one point (the smaller value).
		{"duplicate time", tw(SummaryIntegral, true), []int64{0, 0, 10 * sec}, []float64{5, 4, 9}, 40.0},
		// Counter 1, 3, 2, 6: the drop to 2 is a reset, 3 is added back:
		// delta = 6 + 3 - 1 = 8 over 40 s.
		{"counter delta", ctr(SummaryDelta), ts, vs, 8.0},
		{"counter rate", ctr(SummaryRate), ts, vs, 0.2},
		{"counter time_delta", ctr(SummaryTimeDelta), ts, vs, 40.0},
		{"counter resets", ctr(SummaryNumResets), ts, vs, 1.0},
		{"counter changes", ctr(SummaryNumChanges), ts, vs, 3.0},
		{"counter elements", ctr(SummaryNumElements), ts, vs, 4.0},
		{"idelta_left", ctr(SummaryIDeltaLeft), ts, vs, 2.0},
		{"idelta_right", ctr(SummaryIDeltaRight), ts, vs, 4.0},
		{"irate_left", ctr(SummaryIRateLeft), ts, vs, 0.2},
		{"irate_right", ctr(SummaryIRateRight), ts, vs, 0.2},
		// A drop between the last two: the later value.
		{"idelta_right of a drop", ctr(SummaryIDeltaRight), []int64{0, sec}, []float64{9, 4}, 4.0},
		{"one point: idelta 0", ctr(SummaryIDeltaLeft), []int64{0}, []float64{4}, 0.0},
		{"one point: no irate", ctr(SummaryIRateLeft), []int64{0}, []float64{4}, nil},
		{"one point: no rate", ctr(SummaryRate), []int64{0}, []float64{4}, nil},
		// Gauges have no resets: 6 - 1.
		{"gauge delta", gauge(SummaryDelta), ts, vs, 5.0},
		{"gauge resets are changes", gauge(SummaryNumChanges), ts, vs, 3.0},
		// Duplicate times of a counter keep the smaller value, which no
		// later duplicate resets.
		{"counter duplicate", ctr(SummaryDelta), []int64{0, sec, sec, 2 * sec}, []float64{1, 5, 2, 3}, 2.0},
		{"counter duplicate elements", ctr(SummaryNumElements), []int64{0, sec, sec, 2 * sec}, []float64{1, 5, 2, 3}, 3.0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.s.compute(pointsOf(tc.ts, tc.vs))
			if tc.want == nil {
				require.False(t, ok, "got %v", got)
				return
			}
			require.True(t, ok)
			require.InDelta(t, tc.want.(float64), got, 1e-12)
		})
	}
}

// TestSummaryRegression: the least-squares line over seconds since
// 2000-01-01 of reset-adjusted counter values.
func TestSummaryRegression(t *testing.T) {
	// y = 2x + 10 at x = 100, 200, 300 s after 2000-01-01, read as a
	// counter that reset once: 210, 410, then 0 + 410 -> 200 adjusted 610.
	at := func(s int64) int64 { return epoch2000 + s*sec }
	ts := []int64{at(100), at(200), at(300)}
	vs := []float64{210, 410, 200}
	get := func(f SummaryFunc) float64 {
		v, ok := Summary{Func: f, Kind: "counter_agg"}.compute(pointsOf(ts, vs))
		require.True(t, ok, f.String())
		return v
	}
	require.InDelta(t, 2.0, get(SummarySlope), 1e-9)
	require.InDelta(t, 10.0, get(SummaryIntercept), 1e-6)
	require.InDelta(t, 1.0, get(SummaryCorr), 1e-12)
	require.InDelta(t, float64(at(-5)), get(SummaryZeroTime), 1e3) // 2x + 10 = 0 at x = -5 s
	// A flat line never crosses zero; a single time has no slope.
	_, ok := Summary{Func: SummaryZeroTime, Kind: "gauge_agg"}.compute(pointsOf([]int64{0, sec}, []float64{3, 3}))
	require.False(t, ok)
	_, ok = Summary{Func: SummarySlope, Kind: "gauge_agg"}.compute(pointsOf([]int64{sec}, []float64{3}))
	require.False(t, ok)
}

// TestSummaryMoments: skewness and kurtosis from central moments, sample
// and population, NaN for one value.
func TestSummaryMoments(t *testing.T) {
	vs := []float64{1, 2, 2, 3, 9}
	// mean 3.4; deviations -2.4 -1.4 -1.4 -0.4 5.6.
	var s2, s3, s4 float64
	for _, x := range vs {
		d := x - 3.4
		s2, s3, s4 = s2+d*d, s3+d*d*d, s4+d*d*d*d
	}
	pop := Summary{Func: SummarySkewness, Kind: "stats_agg"}
	got, ok := pop.compute(pointsOf(nil, vs))
	require.True(t, ok)
	require.InDelta(t, (s3/5)/math.Pow(s2/5, 1.5), got, 1e-12)
	samp := Summary{Func: SummaryKurtosis, Kind: "stats_agg", Sample: true}
	got, _ = samp.compute(pointsOf(nil, vs))
	require.InDelta(t, (s4/4)/((s2/4)*(s2/4)), got, 1e-12)
	got, ok = samp.compute(pointsOf(nil, []float64{7}))
	require.True(t, ok)
	require.True(t, math.IsNaN(got))
}

// TestSummaryAggregate runs AggSummary in a HashAggregate: rows with a
// NULL time or value take no part, groups are kept apart, and a state
// merged from two halves (a parallel scan's partial aggregates) gives
// what one state over all rows gives.
func TestSummaryAggregate(t *testing.T) {
	c := NewCtx()
	rec := recordOf(t,
		col{"k", TypeText, []any{"a", "a", "b", "a", "b", "a"}},
		col{"t", TypeTimestamptz, []any{0, int(10 * sec), 0, nil, int(30 * sec), int(20 * sec)}},
		col{"v", TypeFloat, []any{1.0, 3.0, 5.0, 100.0, 5.0, nil}})
	defer rec.Release()
	agg := Agg{Func: AggSummary, Arg: colRef(rec, "v"), Time: colRef(rec, "t"),
		Summary: Summary{Func: SummaryAverage, Kind: "time_weight"}}
	h, err := NewHashAggregate(c, NewValues(rec.Schema(), rec), []Expr{colRef(rec, "k")}, []Agg{agg}, []string{"k", "avg"})
	require.NoError(t, err)
	out, err := Collect(bg, h)
	require.NoError(t, err)
	got := map[string]float64{}
	for _, r := range out {
		for i := range int(r.NumRows()) {
			got[r.Column(0).(*array.String).Value(i)] = r.Column(1).(*array.Float64).Value(i)
		}
		r.Release()
	}
	// a: (0 s, 1), (10 s, 3): 2. b: 5 throughout.
	require.Equal(t, map[string]float64{"a": 2, "b": 5}, got)

	rng := rand.New(rand.NewPCG(3, 4))
	n := 1000
	ts, vs := make([]int64, n), make([]float64, n)
	for i := range n {
		ts[i], vs[i] = int64(rng.IntN(500))*sec, float64(rng.IntN(50))
	}
	for _, f := range []SummaryFunc{SummaryAverage, SummaryDelta, SummaryNumResets, SummarySlope, SummaryIDeltaRight} {
		s := Summary{Func: f, Kind: "counter_agg"}
		whole := &summaryAcc{s: s}
		whole.grow(1)
		left, right := &summaryAcc{s: s}, &summaryAcc{s: s}
		left.grow(1)
		right.grow(1)
		add := func(a *summaryAcc, i int) {
			c := a.room()
			c.gids, c.times, c.vals = append(c.gids, 0), append(c.times, ts[i]), append(c.vals, vs[i])
			a.n++
		}
		for i := range n {
			add(whole, i)
			if i%2 == 0 {
				add(left, i)
			} else {
				add(right, i)
			}
		}
		require.NoError(t, right.merge(left, []uint32{0}))
		a := whole.result(s.resultType(), 1)
		b := right.result(s.resultType(), 1)
		require.Equal(t, fmt.Sprint(a), fmt.Sprint(b), f.String())
		a.Release()
		b.Release()
	}
}

// TestKeptValuesCountAgainstMemoryLimit: summaries and percentiles keep
// every value of a group; what they keep counts against the query's
// memory limit even with a single group.
func TestKeptValuesCountAgainstMemoryLimit(t *testing.T) {
	rec := recordOf(t, col{"t", TypeTimestamptz, []any{0, 1, 2, 3, 4, 5, 6, 7}}, col{"v", TypeFloat, []any{1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0}})
	defer rec.Release()
	recs := make([]arrow.Record, 200)
	for i := range recs {
		recs[i] = rec
	}
	for _, a := range []Agg{
		{Func: AggSummary, Arg: colRef(rec, "v"), Time: colRef(rec, "t"), Summary: Summary{Func: SummaryAverage, Kind: "time_weight"}},
		{Func: AggPercentileCont, Arg: colRef(rec, "v"), Fraction: 0.5},
	} {
		c := NewCtx()
		c.MemLimit = 8 << 10
		h, err := NewHashAggregate(c, NewValues(rec.Schema(), recs...), nil, []Agg{a}, []string{"x"})
		require.NoError(t, err)
		_, err = Collect(bg, h)
		require.ErrorIs(t, err, ErrMemoryLimit, a.String())

		c = NewCtx()
		h, err = NewHashAggregate(c, NewValues(rec.Schema(), recs...), nil, []Agg{a}, []string{"x"})
		require.NoError(t, err)
		out, err := Collect(bg, h)
		require.NoError(t, err)
		for _, r := range out {
			r.Release()
		}
		h.Close()
	}
}

// BenchmarkSummary: a time-weighted average and a counter rate per group
// over 1M points in 100 series (each series' points in time order, as
// scans deliver them), against avg over the same rows: the cost of keeping
// and ordering the points.
func BenchmarkSummary(b *testing.B) {
	const n, groups, batch = 1 << 20, 100, 8192
	rng := rand.New(rand.NewPCG(1, 2))
	gids := make([]uint32, n)
	tsb := array.NewTimestampBuilder(memory.DefaultAllocator, TypeTimestamptz)
	vb := array.NewFloat64Builder(memory.DefaultAllocator)
	for i := range n {
		gids[i] = uint32(i % groups)
		tsb.Append(arrow.Timestamp(int64(i/groups) * 10 * sec))
		vb.Append(float64(rng.IntN(1000)))
	}
	tsArr, vArr := tsb.NewArray(), vb.NewArray()
	defer tsArr.Release()
	defer vArr.Release()
	run := func(b *testing.B, mk func() accumulator, dt arrow.DataType) {
		for b.Loop() {
			acc := mk()
			for off := 0; off < n; off += batch {
				acc.grow(groups)
				ts := array.NewSlice(tsArr, int64(off), int64(off+batch))
				vs := array.NewSlice(vArr, int64(off), int64(off+batch))
				if err := acc.update(gids[off:off+batch], vs, ts); err != nil {
					b.Fatal(err)
				}
				ts.Release()
				vs.Release()
			}
			acc.result(dt, groups).Release()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
	}
	b.Run("avg", func(b *testing.B) { run(b, func() accumulator { return &avgAcc{} }, TypeFloat) })
	b.Run("time_weight_average", func(b *testing.B) {
		run(b, func() accumulator { return &summaryAcc{s: Summary{Func: SummaryAverage, Kind: "time_weight"}} }, TypeFloat)
	})
	b.Run("counter_rate", func(b *testing.B) {
		run(b, func() accumulator { return &summaryAcc{s: Summary{Func: SummaryRate, Kind: "counter_agg"}} }, TypeFloat)
	})
}

// TestSummaryFarApartTimes: spans of centuries, whose nanoseconds overflow
// an int64 difference, stay positive and right.
func TestSummaryFarApartTimes(t *testing.T) {
	a, b := int64(-8e18), int64(8e18) // 1716 and 2223: 16e18 ns apart
	span := (float64(b) - float64(a)) / 1e9
	got, ok := Summary{Func: SummaryTimeDelta, Kind: "counter_agg"}.compute(pointsOf([]int64{b, a}, []float64{3, 1}))
	require.True(t, ok)
	require.InDelta(t, span, got, 1)
	got, _ = Summary{Func: SummaryRate, Kind: "gauge_agg"}.compute(pointsOf([]int64{a, b}, []float64{1, 3}))
	require.InDelta(t, 2/span, got, 1e-20)
	got, _ = Summary{Func: SummaryIntegral, Kind: "time_weight", LOCF: true, Unit: sec}.compute(pointsOf([]int64{a, b}, []float64{2, 5}))
	require.InDelta(t, 2*span, got, 1e3)
	// The line through (1716, 0) and (2223, 10): its intercept at 2000.
	got, _ = Summary{Func: SummaryIntercept, Kind: "gauge_agg"}.compute(pointsOf([]int64{a, b}, []float64{0, 10}))
	at2000 := (float64(epoch2000) - float64(a)) / (float64(b) - float64(a)) * 10
	require.InDelta(t, at2000, got, 1e-6)
}

// TestSummaryStateDuplicates: where points of several series share a
// time, a state's indicator keeps the point in that state (each state
// reported holds), while other summaries keep the smallest value.
func TestSummaryStateDuplicates(t *testing.T) {
	ts := []int64{0, 0, 10 * sec, 10 * sec, 20 * sec}
	on := []float64{1, 0, 0, 1, 0} // the state of interest at 0 (one series) and 10 s (the other)
	got, ok := Summary{Func: SummaryIntegral, Kind: "state_agg", LOCF: true, Unit: sec}.compute(pointsOf(ts, on))
	require.True(t, ok)
	require.Equal(t, 20.0, got)
	got, _ = Summary{Func: SummaryIntegral, Kind: "time_weight", LOCF: true, Unit: sec}.compute(pointsOf(ts, on))
	require.Equal(t, 0.0, got)
}

// TestSummaryNullArguments: a NULL value or time argument (a literal
// NULL, typed null) keeps no point: the result is NULL.
func TestSummaryNullArguments(t *testing.T) {
	rec := recordOf(t, col{"t", TypeTimestamptz, []any{0, int(sec)}}, col{"v", TypeFloat, []any{1.0, 2.0}})
	defer rec.Release()
	for _, a := range []Agg{
		{Func: AggSummary, Arg: &Literal{V: nil, DT: TypeNull}, Time: colRef(rec, "t"), Summary: Summary{Func: SummaryAverage, Kind: "time_weight"}},
		{Func: AggSummary, Arg: colRef(rec, "v"), Time: &Literal{V: nil, DT: TypeNull}, Summary: Summary{Func: SummaryNumElements, Kind: "counter_agg"}},
	} {
		h, err := NewHashAggregate(NewCtx(), NewValues(rec.Schema(), rec), nil, []Agg{a}, []string{"x"})
		require.NoError(t, err)
		out, err := Collect(bg, h)
		require.NoError(t, err)
		require.Len(t, out, 1)
		require.True(t, out[0].Column(0).IsNull(0), a.String())
		out[0].Release()
	}
}

// TestSummaryMemoryAccounting: what the accumulator reserves covers what
// it allocates, for a few rows (a small first chunk) and for many.
// TotalAlloc counts every goroutine's allocations (other tests' leftover
// workers too, under load), so the least of five runs is taken.
func TestSummaryMemoryAccounting(t *testing.T) {
	for _, n := range []int{3, 200_000} {
		gids := make([]uint32, n)
		tb := array.NewTimestampBuilder(memory.DefaultAllocator, TypeTimestamptz)
		vb := array.NewFloat64Builder(memory.DefaultAllocator)
		for i := range n {
			tb.Append(arrow.Timestamp(int64(i) * sec))
			vb.Append(float64(i))
		}
		ts, vs := tb.NewArray(), vb.NewArray()
		var held, allocated int64
		for run := range 5 {
			acc := &summaryAcc{s: Summary{Func: SummaryDelta, Kind: "counter_agg"}}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			require.NoError(t, acc.update(gids, vs, ts))
			h := acc.heldBytes()
			acc.result(TypeFloat, 1).Release()
			runtime.ReadMemStats(&after)
			if a := int64(after.TotalAlloc - before.TotalAlloc); run == 0 || a < allocated {
				allocated = a
			}
			held = h
		}
		require.GreaterOrEqual(t, held, allocated*9/10, "n=%d: reserved %d, allocated %d", n, held, allocated)
		require.Less(t, held, 4*allocated+1<<16, "n=%d: reserved %d, allocated %d", n, held, allocated)
		ts.Release()
		vs.Release()
	}
}

// TestSummaryPointsShared: accessors of one summary (same time, value and
// filter) keep the points once and give what each gives alone.
func TestSummaryPointsShared(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := 5000
	ks, ts, vs := make([]any, n), make([]any, n), make([]any, n)
	for i := range n {
		ks[i] = fmt.Sprintf("g%d", rng.IntN(7))
		ts[i] = rng.IntN(1000) * int(sec)
		vs[i] = float64(rng.IntN(100))
	}
	rec := recordOf(t, col{"k", TypeText, ks}, col{"t", TypeTimestamptz, ts}, col{"v", TypeFloat, vs})
	defer rec.Release()
	mk := func(f SummaryFunc, kind string) Agg {
		return Agg{Func: AggSummary, Arg: colRef(rec, "v"), Time: colRef(rec, "t"), Summary: Summary{Func: f, Kind: kind, Unit: sec, Source: "t, v"}}
	}
	aggs := []Agg{mk(SummaryDelta, "counter_agg"), mk(SummaryRate, "counter_agg"), mk(SummaryNumElements, "counter_agg"),
		mk(SummaryAverage, "time_weight"), mk(SummaryIntegral, "state_agg"), mk(SummarySlope, "gauge_agg")}
	filtered := mk(SummaryDelta, "counter_agg")
	filtered.Filter = &Compare{Op: Gt, L: colRef(rec, "v"), R: &Literal{V: 50.0, DT: TypeFloat}}
	filtered.Summary.Source = "t, v where v > 50"
	aggs = append(aggs, filtered)
	run := func(aggs []Agg) ([]string, int64) {
		c := NewCtx()
		names := make([]string, len(aggs)+1)
		for i := range names {
			names[i] = fmt.Sprint("c", i)
		}
		h, err := NewHashAggregate(c, NewValues(rec.Schema(), rec), []Expr{colRef(rec, "k")}, aggs, names)
		require.NoError(t, err)
		out, err := Collect(bg, h)
		require.NoError(t, err)
		peak := c.Used()
		rows := map[string][]string{}
		for _, r := range out {
			for i := range int(r.NumRows()) {
				k := r.Column(0).(*array.String).Value(i)
				for j := 1; j < int(r.NumCols()); j++ {
					rows[k] = append(rows[k], r.Column(j).ValueStr(i))
				}
			}
			r.Release()
		}
		h.Close()
		var flat []string
		for g := range 7 {
			flat = append(flat, rows[fmt.Sprintf("g%d", g)]...)
		}
		return flat, peak
	}
	together, shared := run(aggs)
	var alone []string
	var separate int64
	perAgg := make([][]string, len(aggs))
	for i, a := range aggs {
		var used int64
		perAgg[i], used = run([]Agg{a})
		separate += used
	}
	for g := range 7 {
		for i := range aggs {
			alone = append(alone, perAgg[i][g])
		}
	}
	require.Equal(t, alone, together)
	require.Less(t, shared, separate/2, "the points are kept once for the accessors that share them")
}
