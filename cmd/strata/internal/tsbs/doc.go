// Package tsbs generates the TSBS "devops" cpu-only data set (the workload of
// timescale/tsbs with --use-case=cpu-only) as InfluxDB line protocol, for
// Strata's ingest benchmark (strata bench ingest) and its SQL benchmark.
//
// The data: one table, cpu, with 10 tags per host (hostname host_N, region,
// datacenter, rack, os, arch, team, service, service_version,
// service_environment, in that order) and 10 int64 fields (usage_user ...
// usage_guest_nice, written with the i suffix). Each field is a random walk
// with normally distributed steps (standard deviation 1), clamped to 0..100
// and written truncated to an integer. There is one row per host every
// Interval (10 s) from Start (2016-01-01T00:00:00Z), time-major: every host at
// t, then every host at t+Interval. Timestamps are nanoseconds.
//
// Invariants: the output is a pure function of Config (Scale, Rows, Seed,
// Start, Interval): the same Config gives the same bytes on every platform,
// which the golden file in testdata/ pins. Lines contain no escapes, strings
// or floats. Tag values of a host never change during a run.
//
// The generator and TSBS use different random sources, so the values differ
// from a TSBS file with the same seed; the shape (cardinality, value
// ranges, line length of about 340 bytes, ordering) is the same.
//
// Goroutines: a CPU generator is not safe for concurrent use; it runs in the
// caller's goroutine.
package tsbs
