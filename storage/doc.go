// Package storage is Strata's durable table engine: the WAL, the write
// buffer, the catalog, Parquet data files in an object store, compaction,
// retention, and the read snapshots the query engine scans.
//
// # Write path
//
// Engine.Write takes column batches (TableBatch, filled straight from line
// protocol by package ingest/lp). It checks every column against the catalog
// (a field never changes type), adds new tables and columns, encodes the write
// compactly (walcodec.go) and appends it to the WAL (package storage/wal) under
// the engine mutex, which fixes the write's sequence number. It then waits,
// outside the mutex, for the WAL's group commit to fsync the record (NoSync
// skips the wait), and finally adds the rows to the write buffer as Arrow
// records, one per write and UTC-day partition. Only then is the write
// acknowledged. Queries see a write once it is acknowledged.
//
// # Persist
//
// When the buffer passes FlushBytes or its oldest write passes FlushAge (and
// on Close), it is frozen and the WAL rotated, under the gate lock so that no
// write is between its WAL append and its buffer insert: the frozen buffer
// holds exactly the writes of the closed WAL segments. Each partition is
// sorted by tags then time and deduplicated (merge.go: same series and time,
// each field's newest value wins, newest by WAL sequence), written as one
// Parquet file (storage/pqfile: zstd, dictionary tags, statistics, page
// index) under dbs/<db>/<table>/<YYYY-MM-DD>/<id>.parquet, and committed to
// the catalog together with the id of the last persisted WAL segment. Then
// those WAL segments are deleted. A crash at any point is safe: files not in
// the catalog are removed at the next start, and replay starts after the
// catalog's persisted segment. Writes wait while the buffer holds more than
// MaxBufferBytes, so memory stays bounded when the disk lags.
//
// # Catalog
//
// One JSON document (catalog.go, catalog_file.go) with a format number,
// replaced atomically on every commit. Column additions are durable through
// the WAL records that make them and reach the catalog file at the next
// commit. Renaming or dropping a column and renaming a table (alter.go) are
// one commit each: files keep the names they were written with, and each
// file's column map (FileMeta.Columns) says where its names differ from its
// table's until compaction rewrites it.
//
// # Rewrites
//
// Delete and Update (delete.go) rewrite the files a time range meets, day
// by day as a compaction does, and commit every day's new files in place
// of the old at once; the write buffer is persisted first when it holds
// rows of the table. Replace (replace.go), a materialized view's refresh,
// is the same change with the refresh's rows written as new files beside
// it: the range's rows they do not replace whole are deleted, the others
// lose to the newer file, and one commit makes it all visible and durable
// (the rows skip the WAL).
//
// # Reads
//
// Engine.Snapshot returns a consistent view of one table's files and
// buffered writes for a time range and a set of columns, split by partition:
// a file whose time range overlaps no other source of its partition is
// streamed alone, in row windows of about a quarter million of the rows its
// row group statistics and page indexes leave for the request (none when
// they leave none), so that readers can run in parallel. A buffered write
// that can repeat no key of another source (buffer_keys.go: its series
// hashes, summarized once, and a row check where two writes' spans meet)
// is read as it is, sliced to the time range and skipped when its tag
// dictionaries cannot match; overlapping sources (buffered writes that may
// share keys, files that share times) are merged and deduplicated. Rows past their table's retention (its own period, else its database's) are never returned.
// Files a snapshot reads are deleted only after it is released.
//
// # Background work and goroutines
//
// Two goroutines per engine: the persist loop and the maintenance loop
// (retention every MaintenanceInterval, then compaction, which merges a
// partition's files into one, or, past CompactMaxRows rows, into files of
// about that many rows over disjoint spans of time). The WAL runs its own syncer goroutine. All
// exported methods are safe for concurrent use. Lock order: gate, then mu;
// persistMu and compactMu are taken before either.
//
// # Monitoring
//
// Stats (stats.go) reports running totals, kept with atomic adds once per
// write, persist, compacted partition or retention pass, and per-database
// sizes read from the catalog under the read lock; /metrics serves them.
package storage
