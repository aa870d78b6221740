package wal

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
)

// replayBufferSize is the read buffer of Replay. Payloads larger than it are read
// straight into the payload buffer.
const replayBufferSize = 1 << 20

// ReplayStats summarises one Replay.
type ReplayStats struct {
	Segments     int   // segments read (removed ones included)
	Records      int   // records passed to fn
	PayloadBytes int64 // payload bytes passed to fn
	Truncated    int   // segments whose damaged tail was cut
	Removed      int   // segments removed because their header was damaged
	DroppedBytes int64 // bytes cut or removed by repairs
}

// Replay calls fn, in order, for every good record of every closed segment with
// an id above after: at startup, everything written before Open. payload is
// valid only during the call. A damaged tail is cut at the last good record and
// a segment with a damaged header is removed; each repair is logged and replay
// goes on with the next segment. Replay returns the first error of fn, an I/O
// error, or an error wrapping ErrUnsupportedVersion; never an error for damaged
// data.
func (l *Log) Replay(after uint64, fn func(segment uint64, payload []byte) error) (ReplayStats, error) {
	l.dirMu.Lock()
	defer l.dirMu.Unlock()
	var st ReplayStats
	active := l.active.Load()
	ids, err := listSegments(l.dir)
	if err != nil {
		return st, err
	}
	for _, id := range ids {
		if id <= after || id >= active {
			continue
		}
		st.Segments++
		if err := replaySegment(l.dir, id, l.logger, &st, fn); err != nil {
			return st, err
		}
	}
	return st, nil
}

// replaySegment replays one segment file and repairs it if it is damaged.
func replaySegment(dir string, id uint64, logger *slog.Logger, st *ReplayStats, fn func(uint64, []byte) error) error {
	path := filepath.Join(dir, segmentName(id))
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("wal: open segment %d: %w", id, err)
	}
	fi, err := f.Stat()
	if err != nil {
		return errors.Join(fmt.Errorf("wal: stat segment %d: %w", id, err), f.Close())
	}
	size := fi.Size()
	d := newDecoder(bufio.NewReaderSize(f, int(min(size, replayBufferSize))), size)
	if err := d.readHeader(); err != nil {
		if cerr := f.Close(); cerr != nil {
			return fmt.Errorf("wal: close segment %d: %w", id, cerr)
		}
		var c *corruption
		if !errors.As(err, &c) {
			return fmt.Errorf("wal: segment %d: %w", id, err)
		}
		logger.Warn("wal: removed segment with damaged header",
			"file", path, "offset", c.offset, "reason", c.reason, "dropped_bytes", size)
		st.Removed++
		st.DroppedBytes += size
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("wal: remove damaged segment %d: %w", id, err)
		}
		return syncDir(dir)
	}
	for d.Next() {
		p := d.Payload()
		st.Records++
		st.PayloadBytes += int64(len(p))
		if err := fn(id, p); err != nil {
			return errors.Join(err, f.Close())
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("wal: close segment %d: %w", id, err)
	}
	var c *corruption
	switch err := d.Err(); {
	case err == nil:
		return nil
	case !errors.As(err, &c):
		return fmt.Errorf("wal: segment %d: %w", id, err)
	}
	logger.Warn("wal: truncated damaged segment tail",
		"file", path, "offset", c.offset, "reason", c.reason, "dropped_bytes", size-c.offset)
	st.Truncated++
	st.DroppedBytes += size - c.offset
	return truncateSegment(path, id, c.offset)
}

// truncateSegment cuts a segment file at off and fsyncs it.
func truncateSegment(path string, id uint64, off int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("wal: open segment %d to truncate: %w", id, err)
	}
	if err := f.Truncate(off); err != nil {
		return errors.Join(fmt.Errorf("wal: truncate segment %d at %d: %w", id, off, err), f.Close())
	}
	if err := f.Sync(); err != nil {
		return errors.Join(fmt.Errorf("wal: fsync segment %d after truncation: %w", id, err), f.Close())
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("wal: close segment %d after truncation: %w", id, err)
	}
	return nil
}
