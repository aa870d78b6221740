package metrics

import (
	"bytes"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/metrics/metricstest"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata/*.prom from the output")

// TestWriteText: counters, gauges, gauge funcs, histograms and collectors
// written as testdata/exposition.prom, which the strict parser reads.
func TestWriteText(t *testing.T) {
	r := NewRegistry()
	v1 := r.Counter("strata_requests_total", "Requests, by endpoint.", L("endpoint", "v1"))
	v2 := r.Counter("strata_requests_total", "Requests, by endpoint.", L("endpoint", "v2"))
	require.Same(t, v1, r.Counter("strata_requests_total", "Requests, by endpoint.", L("endpoint", "v1")), "the same series twice is one counter")
	v1.Add(3)
	v2.Inc()
	g := r.Gauge("strata_connections", "Open connections.")
	g.Add(5)
	g.Add(-2)
	r.GaugeFunc("strata_ratio", "A computed value with a \\ and a\nnewline in its help.", func() float64 { return 0.25 })
	h := r.Histogram("strata_latency_seconds", "Latency.", []float64{0.001, 0.01, 0.1}, L("interface", `q"uo\te`))
	for _, d := range []time.Duration{500 * time.Microsecond, time.Millisecond, 5 * time.Millisecond, 50 * time.Millisecond, time.Second} {
		h.Observe(d)
	}
	r.Collect(func(e *Emitter) {
		e.Gauge("strata_database_files", "Files per database.", 2, L("db", "a"))
		e.Gauge("strata_database_files", "Files per database.", 0, L("db", "b"))
		e.Counter("strata_big_total", "Large and fractional values.", 1<<40)
	})
	var buf bytes.Buffer
	require.NoError(t, r.WriteText(&buf))
	golden := filepath.Join("testdata", "exposition.prom")
	if *rewrite {
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	require.Equal(t, string(want), buf.String())

	sc, err := metricstest.Parse(buf.String())
	require.NoError(t, err)
	require.Equal(t, "histogram", sc["strata_latency_seconds"].Type)
	require.Equal(t, "A computed value with a \\ and a\nnewline in its help.", sc["strata_ratio"].Help)
	v, ok := sc.Value("strata_latency_seconds_bucket", "interface", `q"uo\te`, "le", "0.001")
	require.True(t, ok)
	require.Equal(t, 2.0, v, "le is inclusive: 0.5 ms and 1 ms")
	v, _ = sc.Value("strata_latency_seconds_count", "interface", `q"uo\te`)
	require.Equal(t, 5.0, v)
	v, _ = sc.Value("strata_latency_seconds_sum", "interface", `q"uo\te`)
	require.InDelta(t, 1.0565, v, 1e-9)
}

func TestRegistrationMistakesPanic(t *testing.T) {
	r := NewRegistry()
	r.Counter("strata_x_total", "x")
	require.Panics(t, func() { r.Gauge("strata_x_total", "x") }, "one family, two types")
	require.Panics(t, func() { r.Counter("9lives", "bad name") })
	require.Panics(t, func() { r.Counter("strata_y_total", "y", L("__reserved", "v")) })
	require.Panics(t, func() { r.Counter("strata_y_total", "y", L("a", "1"), L("a", "2")) })
	require.Panics(t, func() { r.Histogram("strata_h", "h", LatencyBuckets, L("le", "1")) })
	require.Panics(t, func() { r.Histogram("strata_h2", "h", []float64{1, 0.5}) })
}

// TestCollectorFamilySplit: a collector that writes a family in two places
// makes the scrape fail instead of writing what Prometheus rejects.
func TestCollectorFamilySplit(t *testing.T) {
	r := NewRegistry()
	r.Collect(func(e *Emitter) {
		e.Gauge("strata_a", "a", 1, L("db", "x"))
		e.Gauge("strata_b", "b", 1)
		e.Gauge("strata_a", "a", 1, L("db", "y"))
	})
	require.ErrorContains(t, r.WriteText(&bytes.Buffer{}), "family strata_a written in two places")
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	require.Equal(t, 500, rec.Code)
}

func TestProcessMetrics(t *testing.T) {
	r := NewRegistry()
	RegisterProcess(r)
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	require.Equal(t, 200, rec.Code)
	require.Equal(t, ContentType, rec.Header().Get("Content-Type"))
	sc, err := metricstest.Parse(rec.Body.String())
	require.NoError(t, err, rec.Body.String())
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "go_gc_cycles_total", "process_cpu_seconds_total", "process_start_time_seconds"} {
		require.Contains(t, sc, name)
	}
	if _, err := os.Stat("/proc/self/fd"); err == nil {
		fds, _ := sc.Value("process_open_fds")
		require.Greater(t, fds, 2.0, "stdin, stdout, stderr at least")
		rss, _ := sc.Value("process_resident_memory_bytes")
		require.Greater(t, rss, float64(1<<20))
	}
	start, _ := sc.Value("process_start_time_seconds")
	require.InDelta(t, float64(time.Now().Unix()), start, 3600)
}

// TestConcurrentUpdates: updates race with scrapes (run with -race) and
// no count is lost.
func TestConcurrentUpdates(t *testing.T) {
	r := NewRegistry()
	q := NewQueries(r, "http")
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				q.Done(time.Now(), 2, false)
			}
		}()
	}
	for i := 0; i < 20; i++ {
		require.NoError(t, r.WriteText(&bytes.Buffer{}))
	}
	wg.Wait()
	var buf bytes.Buffer
	require.NoError(t, r.WriteText(&buf))
	sc, err := metricstest.Parse(buf.String())
	require.NoError(t, err)
	v, _ := sc.Value("strata_queries_total", "interface", "http", "outcome", "ok")
	require.Equal(t, 4000.0, v)
	v, _ = sc.Value("strata_query_rows_returned_total", "interface", "http")
	require.Equal(t, 8000.0, v)
	v, _ = sc.Value("strata_query_duration_seconds_count", "interface", "http")
	require.Equal(t, 4000.0, v)
}

func BenchmarkHistogramObserve(b *testing.B) {
	h := newHistogram(LatencyBuckets)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		h.Observe(time.Duration(i%1000) * time.Millisecond)
	}
}
