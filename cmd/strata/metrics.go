package main

import (
	"github.com/stratadb/strata/metrics"
	"github.com/stratadb/strata/pgwire"
	"github.com/stratadb/strata/storage"
)

// newMetrics makes the registry /metrics serves: the Go runtime and the
// process, the build, and what the storage engine counts, read at each
// scrape. The HTTP, pg and Flight handlers add their own counters when
// they are made (watchPG adds the pg connections).
func newMetrics(engine *storage.Engine) *metrics.Registry {
	reg := metrics.NewRegistry()
	reg.GaugeFunc("strata_build_info", "Always 1; the version label is the server's.", func() float64 { return 1 }, metrics.L("version", version))
	metrics.RegisterProcess(reg)
	reg.Collect(func(e *metrics.Emitter) { emitStorage(e, engine.Stats()) })
	return reg
}

// watchPG counts pg's statements and open connections in reg.
func watchPG(reg *metrics.Registry, pg *pgwire.Server) {
	pg.Queries = metrics.NewQueries(reg, "pg")
	reg.GaugeFunc("strata_pg_connections", "Open PostgreSQL wire connections (past authentication).", func() float64 { return float64(pg.ActiveConnections()) })
}

// emitStorage writes the storage engine's counters and per-database sizes.
func emitStorage(e *metrics.Emitter, st storage.Stats) {
	e.Counter("strata_storage_rows_written_total", "Rows the storage engine acknowledged (line protocol, SQL INSERT, COPY FROM).", float64(st.RowsWritten))
	e.Counter("strata_wal_fsyncs_total", "WAL fsyncs (one per group commit of concurrent writes).", float64(st.WALFsyncs))
	e.Counter("strata_wal_bytes_total", "Bytes of framed records written to the WAL.", float64(st.WALBytes))
	e.Gauge("strata_buffer_rows", "Rows in the write buffer, not yet persisted to Parquet.", float64(st.BufferedRows))
	e.Gauge("strata_buffer_bytes", "Arrow bytes of the rows in the write buffer.", float64(st.BufferedBytes))
	e.Counter("strata_persists_total", "Write buffers persisted to Parquet files.", float64(st.Persists))
	e.Counter("strata_persisted_rows_total", "Rows written to Parquet files by persists.", float64(st.PersistedRows))
	e.Counter("strata_compactions_total", "Partitions compacted (their Parquet files merged into one).", float64(st.Compactions))
	e.Counter("strata_retention_files_deleted_total", "Parquet files deleted because all their rows were past retention.", float64(st.RetentionFilesDeleted))
	pc := st.PageCache
	e.Counter("strata_page_cache_hits_total", "Decoded Parquet pages found in the page cache.", float64(pc.Hits))
	e.Counter("strata_page_cache_misses_total", "Decoded Parquet pages not in the page cache (read and decoded).", float64(pc.Misses))
	e.Counter("strata_page_cache_evictions_total", "Pages evicted from the page cache to make room.", float64(pc.Evictions))
	e.Gauge("strata_page_cache_bytes", "Bytes held by the page cache.", float64(pc.Bytes))
	e.Gauge("strata_page_cache_entries", "Pages and dictionaries held by the page cache.", float64(pc.Entries))
	perDB := []struct {
		name, help string
		value      func(storage.DatabaseStats) float64
	}{
		{"strata_database_tables", "Tables, by database.", func(d storage.DatabaseStats) float64 { return float64(d.Tables) }},
		{"strata_database_parquet_files", "Parquet files, by database.", func(d storage.DatabaseStats) float64 { return float64(d.Files) }},
		{"strata_database_parquet_bytes", "Bytes of Parquet files, by database.", func(d storage.DatabaseStats) float64 { return float64(d.FileBytes) }},
		{"strata_database_parquet_rows", "Rows in Parquet files, by database (before deduplication against newer writes).", func(d storage.DatabaseStats) float64 { return float64(d.FileRows) }},
		{"strata_database_buffered_rows", "Rows in the write buffer, by database.", func(d storage.DatabaseStats) float64 { return float64(d.BufferedRows) }},
	}
	for _, m := range perDB {
		for _, d := range st.Databases {
			e.Gauge(m.name, m.help, m.value(d), metrics.L("db", d.Name))
		}
	}
}
