// Package tsbsq generates TSBS "devops" queries (timescale/tsbs
// tsbs_generate_queries --use-case=cpu-only --format=timescaledb
// --timescale-use-tags=false) as SQL text, for `strata bench query`.
//
// The SQL follows TSBS's TimescaleDB templates (databases/timescaledb/
// devops.go): time_bucket over 60 or 3600 seconds, hostname filtered
// directly with IN ('host_a', ...), time literals in Go's
// "2006-01-02 15:04:05.999999 -0700" format ('2016-01-01 02:17:08.646325
// +0000'), a CTE for double-groupby, DISTINCT ON for lastpoint.
//
// Parameters are TSBS's: single-groupby-a-b-c takes the first a metrics of
// FieldKeys for b random hosts over a random c-hour window, bucketed by
// minute; cpu-max-all-N takes all 10 metrics for N hosts over 8 hours by
// hour; double-groupby-N averages the first N metrics of every host over
// 12 hours by hour; high-cpu-* selects rows with usage_user > 90.0 over 12
// hours; groupby-orderby-limit takes the 5 latest minutes before a random
// time. A window [s, s+w) starts uniformly in [start, end-w); hosts are
// distinct, uniformly drawn from host_0..host_{scale-1}.
//
// Invariants: the output is a pure function of Config and the type: each
// type draws from its own random stream (seeded by Config.Seed and the
// type's name), so asking for more types or more instances of one type
// never changes the instances of another. The random source differs from
// TSBS's, so the windows and hosts differ from a TSBS file with the same
// seed; their distribution is the same.
//
// Goroutines: a Generator is not safe for concurrent use.
package tsbsq
