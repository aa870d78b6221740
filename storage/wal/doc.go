// Package wal is Strata's write-ahead log: a directory of append-only segment
// files holding framed, checksummed records with opaque payloads.
//
// The storage engine appends the encoded column batch of every write, waits until
// the record is durable (fsynced), and only then acknowledges the write. On start
// it replays the log into the write buffer; once the buffer is persisted to
// Parquet it rotates the log and removes the segments that are no longer needed.
// This package knows nothing about what a payload means and does not import
// package storage.
//
// # Files
//
// Segments are named by a 64-bit id, zero-padded so that names sort like ids
// (00000000000000000042.wal). The byte layout of a segment is described in
// format.go. Other names in the directory are ignored.
//
// # Invariants
//
//   - A record is acknowledged (Ticket.Wait returns nil) only after the write and
//     the fsync of the segment holding it returned without error.
//   - Records reach the file in the order Append returned their tickets; Ticket.Seq
//     numbers them in that order.
//   - A Log writes only the segment it created itself. Open always starts a new
//     segment with an id above every id on disk, so nothing is ever appended behind
//     a tail that Replay repaired.
//   - After a failed write or fsync the log refuses all further work: the state of
//     the page cache is unknown, and every waiter of the failed batch and of later
//     batches receives the error.
//   - Replay never fails on damaged data: a torn or corrupt tail is cut at the last
//     good record, a segment without a valid header is removed, each repair is
//     logged, and replay goes on with the next segment. Only I/O errors (and a
//     segment written by an unknown, newer format version) are returned.
//   - Framed bytes appended but not yet written never exceed Options.MaxPendingBytes
//     (except for a single record larger than the limit, accepted when nothing else
//     is pending).
//
// # Goroutine model
//
// All methods are safe for concurrent use. One background goroutine, the syncer,
// owns the open segment file. Append frames the record into the pending batch
// under a mutex and returns at once; it never touches the disk. The syncer
// repeatedly takes the whole pending batch, writes it with one write call, fsyncs
// once, rotates the segment if it has grown past Options.SegmentSize, and then
// wakes every waiter of that batch by closing the batch's channel. Whatever was
// appended meanwhile forms the next batch: this is group commit, one fsync per
// batch however many writers contributed.
//
// Append blocks only when the pending bytes would exceed Options.MaxPendingBytes.
// The engine calls Append while holding its own lock, so that wait is kept short:
// pending bytes are released as soon as the syncer's write call returns (before
// its fsync), so a blocked Append waits for at most the fsync of the previous batch
// and the write of the current one, never for a chain of batches.
//
// Sync, Rotate and Close mark the pending batch so that the syncer handles it even
// when it is empty, and wait for it; because batches are handled in order, that
// covers everything appended before the call. Replay and RemoveThrough work on
// closed segments only and are serialised with each other by a second mutex.
package wal
