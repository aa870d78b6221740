package wal

import (
	"errors"
	"fmt"
	"hash/crc32"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// Defaults for Options.
const (
	DefaultSegmentSize     = 64 << 20
	DefaultMaxPendingBytes = 64 << 20
)

var (
	// ErrClosed is returned by calls on a closed Log (and by Append calls that
	// were still waiting for buffer space when Close began).
	ErrClosed = errors.New("wal: log closed")
	// ErrEmptyPayload is returned by Append for a zero-length payload (see the
	// layout note in format.go for why records are never empty).
	ErrEmptyPayload = errors.New("wal: empty payload")
)

// Options configures a Log. The zero value uses the defaults.
type Options struct {
	// SegmentSize is the size past which the syncer closes the current segment
	// and starts the next one. A segment can exceed it by up to one batch.
	// Default DefaultSegmentSize.
	SegmentSize int64
	// MaxPendingBytes bounds the framed bytes appended but not yet written.
	// Append blocks while a new record would not fit; a single record larger
	// than the limit is accepted once nothing else is pending.
	// Default DefaultMaxPendingBytes.
	MaxPendingBytes int64
	// Logger receives one warning per repair made by Replay. Default slog.Default().
	Logger *slog.Logger
}

// Log is an open write-ahead log directory. See the package documentation for
// its invariants and goroutine model.
type Log struct {
	dir         string
	segmentSize int64
	maxPending  int64
	logger      *slog.Logger

	// dirMu serialises Replay and RemoveThrough, which scan, repair and remove
	// closed segments.
	dirMu sync.Mutex

	mu      sync.Mutex
	work    sync.Cond // the syncer waits here for a batch to handle
	space   sync.Cond // Append waits here for pending bytes to drop
	cur     *batch    // the batch Append adds to
	spare   []byte    // a written batch's buffer, reused for the next batch
	pending int64     // framed bytes appended and not yet written
	seq     uint64    // records appended since Open
	err     error     // sticky: the first write, fsync or rotation failure
	closing bool

	active  atomic.Uint64 // id of the segment being written; segments below it are closed
	seg     segment       // owned by the syncer
	stopped chan struct{} // closed when the syncer has exited
	exitErr error         // set by the syncer before it closes stopped

	fsyncs       atomic.Uint64
	bytesWritten atomic.Uint64
}

// batch is the unit of group commit: the records appended between two turns of
// the syncer, written with one write call and made durable with one fsync.
type batch struct {
	buf    []byte // framed records
	force  bool   // handle even when empty (Sync, Rotate, Close)
	rotate bool   // start a new segment after this batch (Rotate)

	done   chan struct{} // closed once err and closed are final
	err    error
	closed uint64 // for Rotate: the last closed segment id
}

func newBatch(buf []byte) *batch {
	return &batch{buf: buf[:0], done: make(chan struct{})}
}

// Ticket identifies one appended record. The zero Ticket is already durable.
type Ticket struct {
	b   *batch
	seq uint64
}

// Wait blocks until the record is durable (written and fsynced) and returns
// nil, or returns the error that prevented it. A caller that does not need
// durability (no_sync) simply never calls Wait.
func (t Ticket) Wait() error {
	if t.b == nil {
		return nil
	}
	<-t.b.done
	return t.b.err
}

// Seq returns the record's position among the records appended since Open,
// starting at 1. Records are stored in Seq order.
func (t Ticket) Seq() uint64 { return t.seq }

// Stats are counters for tests and benchmarks.
type Stats struct {
	Appends      uint64 // records appended since Open
	Fsyncs       uint64 // fsyncs of record batches since Open (segment headers not counted)
	BytesWritten uint64 // framed record bytes written since Open (segment headers not counted)
	PendingBytes int64  // framed bytes appended and not yet written
	Segment      uint64 // id of the segment being written
}

// Open opens the log in dir, creating dir if needed, and starts a new segment
// numbered above every segment already there. Existing segments are left as
// they are for Replay.
func Open(dir string, opts Options) (*Log, error) {
	if opts.SegmentSize <= 0 {
		opts.SegmentSize = DefaultSegmentSize
	}
	if opts.MaxPendingBytes <= 0 {
		opts.MaxPendingBytes = DefaultMaxPendingBytes
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if err := makeDir(dir); err != nil {
		return nil, err
	}
	ids, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	next := uint64(1)
	if len(ids) > 0 {
		next = ids[len(ids)-1] + 1
	}
	seg, err := createSegment(dir, next)
	if err != nil {
		return nil, err
	}
	l := &Log{
		dir:         dir,
		segmentSize: opts.SegmentSize,
		maxPending:  opts.MaxPendingBytes,
		logger:      opts.Logger,
		cur:         newBatch(nil),
		seg:         seg,
		stopped:     make(chan struct{}),
	}
	l.work.L = &l.mu
	l.space.L = &l.mu
	l.active.Store(seg.id)
	go l.run()
	return l, nil
}

// makeDir creates dir if it does not exist and makes its name durable.
func makeDir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("wal: create directory %s: %w", dir, err)
	}
	return syncDir(filepath.Dir(filepath.Clean(dir)))
}

// Append frames payload into the pending batch and returns a ticket for it. It
// copies payload, so the caller may reuse it at once. Append does no I/O; it
// blocks only while the pending bytes would exceed Options.MaxPendingBytes
// (see the package documentation for how long that can take).
//
// Hot path (the engine holds its lock around it): the CRC is computed before
// taking the mutex, and batch buffers are recycled by the syncer, so Append
// does not allocate in steady state (BenchmarkAppend: 0 allocs/op).
func (l *Log) Append(payload []byte) (Ticket, error) {
	n := int64(len(payload))
	if n == 0 {
		return Ticket{}, ErrEmptyPayload
	}
	if n > MaxPayloadSize {
		return Ticket{}, fmt.Errorf("wal: payload of %d bytes is above the %d-byte limit", n, MaxPayloadSize)
	}
	sum := crc32.Checksum(payload, castagnoli)
	size := frameHeaderSize + n

	l.mu.Lock()
	for l.err == nil && !l.closing && l.pending > 0 && l.pending+size > l.maxPending {
		l.space.Wait()
	}
	if err := l.unusable(); err != nil {
		l.mu.Unlock()
		return Ticket{}, err
	}
	b := l.cur
	b.buf = appendFrame(b.buf, sum, payload)
	l.pending += size
	l.seq++
	t := Ticket{b: b, seq: l.seq}
	l.mu.Unlock()
	l.work.Signal()
	return t, nil
}

// unusable returns why the log takes no more work, or nil. l.mu must be held.
func (l *Log) unusable() error {
	if l.closing {
		return ErrClosed
	}
	return l.err
}

// Sync blocks until every record appended before the call is durable.
func (l *Log) Sync() error {
	b, err := l.mark(false)
	if err != nil {
		return err
	}
	<-b.done
	return b.err
}

// Rotate makes every record appended before the call durable, closes the
// current segment and starts the next one. It returns the id of the last
// closed segment: every record appended before the call lies in a segment with
// an id at most closed, so RemoveThrough(closed) drops them all once their
// contents are stored elsewhere. When the current segment holds no records
// yet, nothing is rotated and closed is the id just below it (0 if none).
func (l *Log) Rotate() (closed uint64, err error) {
	b, err := l.mark(true)
	if err != nil {
		return 0, err
	}
	<-b.done
	return b.closed, b.err
}

// mark flags the pending batch for the syncer and returns it.
func (l *Log) mark(rotate bool) (*batch, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.unusable(); err != nil {
		return nil, err
	}
	b := l.cur
	b.force = true
	b.rotate = b.rotate || rotate
	l.work.Signal()
	return b, nil
}

// Close makes every appended record durable, closes the segment and stops the
// syncer. It returns the log's sticky failure if there was one. Calls after the
// first return ErrClosed.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closing {
		l.mu.Unlock()
		return ErrClosed
	}
	l.closing = true
	l.work.Signal()
	l.space.Broadcast()
	l.mu.Unlock()
	<-l.stopped
	return l.exitErr
}

// Stats returns the log's counters.
func (l *Log) Stats() Stats {
	l.mu.Lock()
	appends, pending := l.seq, l.pending
	l.mu.Unlock()
	return Stats{
		Appends:      appends,
		Fsyncs:       l.fsyncs.Load(),
		BytesWritten: l.bytesWritten.Load(),
		PendingBytes: pending,
		Segment:      l.active.Load(),
	}
}

// Segment returns the id of the segment being written.
func (l *Log) Segment() uint64 { return l.active.Load() }

// RemoveThrough deletes every segment with an id at most id. Call it once the
// records in those segments are stored elsewhere. id must be below the segment
// being written (use the value returned by Rotate).
func (l *Log) RemoveThrough(id uint64) error {
	l.dirMu.Lock()
	defer l.dirMu.Unlock()
	if active := l.active.Load(); id >= active {
		return fmt.Errorf("wal: remove through segment %d: segment %d is still being written", id, active)
	}
	ids, err := listSegments(l.dir)
	if err != nil {
		return err
	}
	removed := 0
	for _, s := range ids {
		if s > id {
			break
		}
		if err := os.Remove(filepath.Join(l.dir, segmentName(s))); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("wal: remove segment %d: %w", s, err)
		}
		removed++
	}
	if removed == 0 {
		return nil
	}
	return syncDir(l.dir)
}
