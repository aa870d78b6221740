package metrics

import (
	"sync/atomic"
	"time"
)

// Counter is a monotonically increasing count.
type Counter struct{ v atomic.Uint64 }

// Add adds n.
func (c *Counter) Add(n uint64) { c.v.Add(n) }

// Inc adds one.
func (c *Counter) Inc() { c.v.Add(1) }

// Value returns the count.
func (c *Counter) Value() uint64 { return c.v.Load() }

// Gauge is a value that goes up and down.
type Gauge struct{ v atomic.Int64 }

// Add adds n (negative to subtract).
func (g *Gauge) Add(n int64) { g.v.Add(n) }

// Set sets the value.
func (g *Gauge) Set(n int64) { g.v.Store(n) }

// Value returns the value.
func (g *Gauge) Value() int64 { return g.v.Load() }

// LatencyBuckets are the upper bounds, in seconds, of the latency
// histograms: from half a millisecond (a cached point query) to half a
// minute (a large scan or a write waiting for room in the buffer).
var LatencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// Histogram counts durations into buckets with fixed upper bounds. An
// observation is a scan of the bounds (about fifteen) and two atomic adds.
type Histogram struct {
	bounds []time.Duration // upper bounds, ascending
	le     []string        // bounds as written in the le label
	counts []atomic.Uint64 // per bucket (not cumulative); the last is +Inf
	sum    atomic.Int64    // nanoseconds
}

func newHistogram(bounds []float64) *Histogram {
	h := &Histogram{
		bounds: make([]time.Duration, len(bounds)),
		le:     make([]string, len(bounds)),
		counts: make([]atomic.Uint64, len(bounds)+1),
	}
	for i, b := range bounds {
		if i > 0 && b <= bounds[i-1] {
			panic("metrics: histogram bounds must ascend")
		}
		h.bounds[i] = time.Duration(b * float64(time.Second))
		h.le[i] = formatFloat(b)
	}
	return h
}

// Observe records one duration.
func (h *Histogram) Observe(d time.Duration) {
	i := 0
	for i < len(h.bounds) && d > h.bounds[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sum.Add(int64(d))
}

// Since records the time passed since start.
func (h *Histogram) Since(start time.Time) { h.Observe(time.Since(start)) }

// Count returns the number of observations.
func (h *Histogram) Count() uint64 {
	var n uint64
	for i := range h.counts {
		n += h.counts[i].Load()
	}
	return n
}

// Sum returns the total of the observations.
func (h *Histogram) Sum() time.Duration { return time.Duration(h.sum.Load()) }
