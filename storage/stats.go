package storage

import (
	"sync/atomic"

	"github.com/stratadb/strata/storage/pqfile"
)

// counters are the engine's running totals since Open, added to once per
// write, persist, compacted partition or retention pass (never per row).
type counters struct {
	rowsWritten      atomic.Uint64
	persists         atomic.Uint64
	persistedRows    atomic.Uint64
	compactions      atomic.Uint64
	retentionDeleted atomic.Uint64
}

// Stats are the engine's counters and sizes, for monitoring (/metrics).
// Totals count since Open.
type Stats struct {
	RowsWritten uint64 // rows acknowledged by Write (line protocol, INSERT, COPY)
	WALFsyncs   uint64 // fsyncs of WAL record batches (one per group commit)
	WALBytes    uint64 // framed record bytes written to the WAL

	BufferedRows  int64 // rows in the write buffer, not yet in Parquet files
	BufferedBytes int64 // their Arrow size

	Persists              uint64 // write buffers persisted to Parquet
	PersistedRows         uint64 // rows those persists wrote
	Compactions           uint64 // partitions compacted (their files merged into one)
	RetentionFilesDeleted uint64 // files removed because every row was past retention

	PageCache pqfile.CacheStats // zero when the cache is off

	Databases []DatabaseStats // sorted by name
}

// DatabaseStats are one database's sizes now.
type DatabaseStats struct {
	Name         string
	Tables       int
	Files        int   // Parquet files in the catalog
	FileBytes    int64 // their size
	FileRows     int64 // rows in them (before deduplication against newer writes)
	BufferedRows int64 // rows in the write buffer
}

// Stats returns the engine's counters and the per-database sizes. It reads
// the catalog under the read lock: a walk over the tables and their file
// lists, no I/O.
func (e *Engine) Stats() Stats {
	w := e.wal.Stats()
	st := Stats{
		RowsWritten:           e.stats.rowsWritten.Load(),
		WALFsyncs:             w.Fsyncs,
		WALBytes:              w.BytesWritten,
		Persists:              e.stats.persists.Load(),
		PersistedRows:         e.stats.persistedRows.Load(),
		Compactions:           e.stats.compactions.Load(),
		RetentionFilesDeleted: e.stats.retentionDeleted.Load(),
		PageCache:             e.PageCacheStats(),
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	buffered := map[string]int64{}
	for _, b := range append([]*buffer{e.active}, e.frozen...) {
		st.BufferedRows += b.rows
		st.BufferedBytes += b.bytes
		for key, p := range b.parts {
			buffered[key.db] += p.rows
		}
	}
	st.Databases = make([]DatabaseStats, 0, len(e.cat.Databases))
	for _, db := range e.cat.Databases {
		ds := DatabaseStats{Name: db.Name, Tables: len(db.Tables), BufferedRows: buffered[db.Name]}
		for _, t := range db.Tables {
			ds.Files += len(t.Files)
			for _, f := range t.Files {
				ds.FileBytes += f.Size
				ds.FileRows += f.Rows
			}
		}
		st.Databases = append(st.Databases, ds)
	}
	return st
}
