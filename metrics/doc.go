// Package metrics keeps Strata's operational counters and writes them in
// Prometheus' text exposition format (version 0.0.4), which `strata serve`
// answers on GET /metrics for Prometheus, Telegraf and the like.
//
// A Registry holds metric families. Packages create their metrics once, when
// their handler or server is made (Registry.Counter, Gauge, Histogram, with
// constant labels that tell series of one family apart), and afterwards only
// touch them with atomic adds: at request, statement or batch granularity,
// never once per row. Values that already live elsewhere (the storage
// engine's counters, the Go runtime's) are read at scrape time by collectors
// (Registry.Collect), so keeping them costs nothing between scrapes.
//
// The text format, per family: "# HELP name text", "# TYPE name type", then
// one line per series, "name{label="value",...} value". Histograms are
// written as cumulative name_bucket{le="..."} series, then name_sum and
// name_count. Names are checked when a metric is registered; a bad name or a
// family registered twice with different types is a programming error and
// panics.
//
// Goroutines: every method is safe for concurrent use. Registration takes
// the registry's mutex; updates are lock-free atomics; a scrape takes the
// mutex to list the families and reads each value atomically (a scrape is
// not a snapshot across series, as in every Prometheus client).
//
// Why not github.com/prometheus/client_golang: the exposition format is a few
// dozen lines, Strata's metrics are a fixed set known at start, and the
// client library brings in a dozen modules (protobuf descriptors, procfs,
// common/expfmt) for features Strata does not use.
package metrics
