package wal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzReplay writes arbitrary bytes as a segment file and replays it. Replay
// must not panic or fail, and every record it yields must be a frame at its
// place in the file whose stored CRC matches the payload. Afterwards the file
// is either removed (damaged header) or ends right after the last yielded
// record, and a second replay yields the same records without any repair.
func FuzzReplay(f *testing.F) {
	golden, err := os.ReadFile("testdata/golden/segment.wal")
	require.NoError(f, err)
	f.Add(golden)
	f.Add(golden[:headerSize])
	f.Add(golden[:headerSize+5])
	f.Add(golden[:len(golden)-1])
	f.Add(append(bytes.Clone(golden), make([]byte, 64)...))
	f.Add([]byte{})
	f.Add([]byte("STRATWAL"))
	flipped := bytes.Clone(golden)
	flipped[headerSize+frameHeaderSize+3] ^= 1
	f.Add(flipped)

	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := segmentPath(dir, 1)
		require.NoError(t, os.WriteFile(path, data, 0o644))
		records, st, err := fuzzReplayOnce(dir)
		if errors.Is(err, ErrUnsupportedVersion) {
			after, rerr := os.ReadFile(path)
			require.NoError(t, rerr)
			require.Equal(t, data, after, "a segment of an unknown version is left alone")
			return
		}
		require.NoError(t, err)

		off := headerSize
		for _, p := range records {
			require.LessOrEqual(t, off+frameHeaderSize+len(p), len(data))
			require.Equal(t, uint32(len(p)), binary.LittleEndian.Uint32(data[off:]))
			require.Equal(t, crc32.Checksum(p, castagnoli), binary.LittleEndian.Uint32(data[off+4:]))
			require.Equal(t, data[off+frameHeaderSize:off+frameHeaderSize+len(p)], p)
			off += frameHeaderSize + len(p)
		}
		require.Equal(t, len(records), st.Records)

		fi, err := os.Stat(path)
		if errors.Is(err, os.ErrNotExist) {
			require.Empty(t, records)
			require.Equal(t, 1, st.Removed)
			require.Equal(t, int64(len(data)), st.DroppedBytes)
			return
		}
		require.NoError(t, err)
		require.Equal(t, int64(off), fi.Size())
		require.Equal(t, int64(len(data)-off), st.DroppedBytes)

		again, st2, err := fuzzReplayOnce(dir)
		require.NoError(t, err)
		require.Equal(t, records, again)
		require.Zero(t, st2.Truncated+st2.Removed)
	})
}

func fuzzReplayOnce(dir string) ([][]byte, ReplayStats, error) {
	var records [][]byte
	var st ReplayStats
	err := replaySegment(dir, 1, discardLogger(), &st, func(_ uint64, p []byte) error {
		records = append(records, bytes.Clone(p))
		return nil
	})
	return records, st, err
}
