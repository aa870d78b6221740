package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

const (
	segmentExt    = ".wal"
	segmentDigits = 20 // enough for any uint64, so names sort like ids
)

// segment is the file the syncer appends to.
type segment struct {
	id   uint64
	f    *os.File
	size int64 // bytes in the file, header included
}

// segmentName returns the file name of segment id, e.g. 00000000000000000042.wal.
func segmentName(id uint64) string {
	return fmt.Sprintf("%0*d%s", segmentDigits, id, segmentExt)
}

// parseSegmentName returns the id named by a segment file name, or false for any
// other name.
func parseSegmentName(name string) (uint64, bool) {
	digits, ok := strings.CutSuffix(name, segmentExt)
	if !ok || len(digits) != segmentDigits {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return 0, false
	}
	return id, true
}

// listSegments returns the ids of the segment files in dir, ascending.
func listSegments(dir string) ([]uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("wal: list segments in %s: %w", dir, err)
	}
	var ids []uint64
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if id, ok := parseSegmentName(e.Name()); ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// createSegment creates segment id in dir, writes and fsyncs its header, and
// fsyncs dir so that the new name is durable too. It refuses to overwrite an
// existing file.
func createSegment(dir string, id uint64) (segment, error) {
	path := filepath.Join(dir, segmentName(id))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		return segment{}, fmt.Errorf("wal: create segment %d: %w", id, err)
	}
	err = writeHeader(f)
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return segment{}, errors.Join(
			fmt.Errorf("wal: create segment %d: %w", id, err), f.Close(), os.Remove(path))
	}
	return segment{id: id, f: f, size: headerSize}, nil
}

func writeHeader(f *os.File) error {
	if _, err := f.Write(appendHeader(nil)); err != nil {
		return err
	}
	return f.Sync()
}

// syncDir fsyncs a directory so that file creations and removals in it are
// durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("wal: open directory %s: %w", dir, err)
	}
	if err := d.Sync(); err != nil {
		return errors.Join(fmt.Errorf("wal: fsync directory %s: %w", dir, err), d.Close())
	}
	if err := d.Close(); err != nil {
		return fmt.Errorf("wal: close directory %s: %w", dir, err)
	}
	return nil
}
