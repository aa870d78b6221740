// Package pqfile converts between Arrow records and Parquet files: the file
// format layer of Strata's storage engine. It is a leaf package (it must not
// import storage; the engine imports it) built on parquet-go and arrow-go.
//
// # Columns
//
// A column's role is inferred from its Arrow type alone, and back from its
// Parquet type when reading:
//
//	time    timestamp[ns, UTC], named "time", never null
//	        → required INT64 TIMESTAMP(isAdjustedToUTC=true, NANOS), DELTA_BINARY_PACKED
//	tag     dictionary<int32, utf8>, nullable
//	        → optional BYTE_ARRAY STRING, RLE_DICTIONARY
//	float64 → optional DOUBLE          int64  → optional INT64 (INTEGER(64, signed))
//	uint64  → optional INT64 INTEGER(64, unsigned)
//	utf8    → optional BYTE_ARRAY STRING, PLAIN
//	bool    → optional BOOLEAN
//	timestamp[ns, UTC] of another name (a field holding a time)
//	        → optional INT64 TIMESTAMP(isAdjustedToUTC=true, NANOS), DELTA_BINARY_PACKED
//
// A STRING column is read back as a tag when its chunks are dictionary
// encoded (its column metadata lists RLE_DICTIONARY), as a string field
// otherwise. Files are ordinary Parquet (data page v2, snappy or zstd) that
// DuckDB and pyarrow read; testdata/schema.golden shows the layout.
//
// # File layout
//
// Rows are written as given: sorted by the tag columns in schema order, then
// time, and deduplicated by the caller. The row-group metadata declares that
// order as its sorting columns. Row groups hold about WriteOptions.RowGroupRows
// rows, spread evenly; every column is cut into pages at the same rows
// (WriteOptions.PageRows). Every column chunk has statistics (min, max, null
// count) and a page index (ColumnIndex with per-page min/max and null flags,
// OffsetIndex with page offsets and first rows). Byte-array min/max in the
// page index are truncated to 64 bytes (max rounded up), so pruning stays
// correct.
//
// # Reading
//
// A Reader prunes row groups by the time column's and the tag filters'
// chunk statistics, then pages by the page index, and seeks past the pruned
// pages without reading them (FilePages.SeekToRow to page starts only). Pages
// are decoded by parquet-go and copied straight from their value slices into
// Arrow buffers allocated from ReadOptions.Alloc: no parquet.Row, no Arrow
// builders. Tag pages keep their Parquet dictionary codes as the Arrow
// dictionary indices; the Arrow dictionary is built once per column chunk
// from the Parquet dictionary page and shared by reference by the records.
// The time range is applied exactly, row by row; tag filters only prune.
// A record never spans two row groups.
//
// # Invariants
//
//   - A written file has at least one row and one time column with no nulls.
//   - Every Arrow buffer a Reader makes comes from its allocator and is
//     released by Next or Release; a record is valid until the next Next
//     unless retained.
//   - A corrupt file yields an error from Open or Reader.Err, never a panic:
//     parquet-go panics are recovered. Known gap: a corrupt page whose snappy
//     length prefix claims gigabytes makes parquet-go allocate that much
//     before failing (see the package report); LZ4/GZIP/BROTLI chunks and
//     oversized footers are rejected up front for the same reason.
//
// # Goroutines
//
// Write runs on the caller's goroutine. A File is immutable and may be
// shared; each Reader belongs to one goroutine and honours its context
// between pages.
package pqfile
