package wal

import (
	"errors"
	"fmt"
)

// maxSpare caps the capacity of a batch buffer kept for reuse, so that one burst
// does not pin a large buffer for the life of the log.
const maxSpare = 16 << 20

// run is the syncer loop: take the pending batch, write it, fsync, rotate if
// due, wake its waiters, repeat. It exits after handling the batch that was
// pending when Close began.
func (l *Log) run() {
	defer close(l.stopped)
	for {
		l.mu.Lock()
		for len(l.cur.buf) == 0 && !l.cur.force && !l.closing {
			l.work.Wait()
		}
		b := l.cur
		l.cur = newBatch(l.spare)
		l.spare = nil
		closing, err := l.closing, l.err
		l.mu.Unlock()

		if err == nil {
			err = l.commit(b)
		} else {
			l.release(b)
		}
		if err != nil {
			l.fail(err)
		}
		b.err = err
		close(b.done)

		if closing {
			l.exitErr = l.finish()
			return
		}
	}
}

// commit writes and fsyncs b, then rotates the segment if b asks for it or the
// segment is full. Every path releases b's pending bytes.
func (l *Log) commit(b *batch) error {
	if n := len(b.buf); n > 0 {
		_, err := l.seg.f.Write(b.buf)
		l.release(b)
		if err != nil {
			// A short write leaves a torn record behind; Replay cuts it.
			return fmt.Errorf("wal: write %d bytes to segment %d: %w", n, l.seg.id, err)
		}
		l.seg.size += int64(n)
		l.bytesWritten.Add(uint64(n))
		if err := l.seg.f.Sync(); err != nil {
			return fmt.Errorf("wal: fsync segment %d: %w", l.seg.id, err)
		}
		l.fsyncs.Add(1)
	}
	hasRecords := l.seg.size > headerSize
	switch {
	case hasRecords && (b.rotate || l.seg.size >= l.segmentSize):
		closed, err := l.rotate()
		b.closed = closed
		return err
	case b.rotate:
		b.closed = l.seg.id - 1
	}
	return nil
}

// release drops b's bytes from the pending count, keeps its buffer for reuse and
// wakes Append calls waiting for space.
func (l *Log) release(b *batch) {
	l.mu.Lock()
	l.pending -= int64(len(b.buf))
	if cap(b.buf) <= maxSpare {
		l.spare = b.buf[:0]
	}
	l.space.Broadcast()
	l.mu.Unlock()
	b.buf = nil
}

// rotate closes the current segment and creates the next one. On failure the
// log has no segment to write to; the caller makes the error sticky.
func (l *Log) rotate() (closed uint64, err error) {
	old := l.seg
	l.seg.f = nil
	if err := old.f.Close(); err != nil {
		return 0, fmt.Errorf("wal: close segment %d: %w", old.id, err)
	}
	seg, err := createSegment(l.dir, old.id+1)
	if err != nil {
		return 0, err
	}
	l.seg = seg
	l.active.Store(seg.id)
	return old.id, nil
}

// fail records the first failure and wakes Append calls waiting for space so
// that they return it.
func (l *Log) fail(err error) {
	l.mu.Lock()
	if l.err == nil {
		l.err = err
	}
	l.space.Broadcast()
	l.mu.Unlock()
}

// finish closes the segment file when the syncer exits and returns what Close
// reports.
func (l *Log) finish() error {
	l.mu.Lock()
	err := l.err
	l.mu.Unlock()
	if l.seg.f != nil {
		if cerr := l.seg.f.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("wal: close segment %d: %w", l.seg.id, cerr))
		}
		l.seg.f = nil
	}
	return err
}
