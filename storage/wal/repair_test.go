package wal

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// Record sizes of the segment the repair tests damage: segment 1 holds ids 1..3
// with these payload sizes.
var repairSizes = []int{100, 300, 37}

// writeRepairSegment writes segment 1 with ids 1..3 through a real Log and
// returns its bytes and the offset where each record starts.
func writeRepairSegment(t *testing.T) ([]byte, []int) {
	t.Helper()
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	var starts []int
	off := headerSize
	for i, size := range repairSizes {
		appendWait(t, l, size, uint64(i+1))
		starts = append(starts, off)
		off += frameHeaderSize + size
	}
	require.NoError(t, l.Close())
	data, err := os.ReadFile(segmentPath(dir, 1))
	require.NoError(t, err)
	require.Len(t, data, off)
	return data, starts
}

// repairCase is the outcome expected after replaying a damaged segment 1.
type repairCase struct {
	ids     []uint64 // ids replayed, in order
	size    int64    // size of segment 1 afterwards; -1: removed
	reason  string   // substring of the logged reason; "" means no repair
	offset  int64    // logged offset
	dropped int64    // logged dropped bytes
}

// checkRepair writes data as segment 1 (and, when next is set, one more good
// segment 2 holding id 100), replays, and checks the outcome: the records, the
// file, the log entry, and that appends go to a new segment and survive reopen.
func checkRepair(t *testing.T, data []byte, next bool, want repairCase) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(segmentPath(dir, 1), data, 0o644))
	wantIDs := append([]uint64{}, want.ids...)
	if next {
		seg2, err := createSegment(dir, 2)
		require.NoError(t, err)
		p := testPayload(100, 50)
		_, err = seg2.f.Write(appendFrame(nil, crc32.Checksum(p, castagnoli), p))
		require.NoError(t, err)
		require.NoError(t, seg2.f.Close())
		wantIDs = append(wantIDs, 100)
	}

	var rec logRecorder
	l := openLog(t, dir, Options{Logger: rec.logger()})
	got, st := replayIDs(t, l, 0)
	require.Equal(t, wantIDs, ids(got))

	entries := rec.entries(t)
	if want.reason == "" {
		require.Empty(t, entries)
		require.Zero(t, st.Truncated+st.Removed)
	} else {
		require.Len(t, entries, 1)
		e := entries[0]
		require.Equal(t, "WARN", e["level"])
		require.Equal(t, segmentPath(dir, 1), e["file"])
		require.Contains(t, e["reason"], want.reason)
		require.EqualValues(t, want.offset, e["offset"])
		require.EqualValues(t, want.dropped, e["dropped_bytes"])
		require.Equal(t, want.dropped, st.DroppedBytes)
	}
	if want.size < 0 {
		require.NoFileExists(t, segmentPath(dir, 1))
		require.Equal(t, 1, st.Removed)
	} else {
		require.Equal(t, want.size, fileSize(t, segmentPath(dir, 1)))
	}

	// Appending continues in a new segment, never behind the repaired tail.
	active := l.Segment()
	require.Greater(t, active, uint64(1))
	appendWait(t, l, 64, 1000)
	require.NoError(t, l.Close())
	l = openLog(t, dir, Options{})
	defer func() { require.NoError(t, l.Close()) }()
	got, st = replayIDs(t, l, 0)
	require.Equal(t, append(wantIDs, 1000), ids(got))
	require.Equal(t, active, got[len(got)-1].segment)
	require.Zero(t, st.Truncated+st.Removed, "a repaired log replays cleanly")
}

func TestTornTailEveryCutInLastRecord(t *testing.T) {
	data, starts := writeRepairSegment(t)
	last := starts[2]
	checkRepair(t, data[:last], false, repairCase{ids: []uint64{1, 2}, size: int64(last)})
	for cut := last + 1; cut < len(data); cut++ {
		t.Run(fmt.Sprintf("cut=%d", cut), func(t *testing.T) {
			reason := "short record"
			if cut-last < frameHeaderSize {
				reason = "short frame header"
			}
			checkRepair(t, data[:cut], false, repairCase{
				ids: []uint64{1, 2}, size: int64(last), reason: reason,
				offset: int64(last), dropped: int64(cut - last),
			})
		})
	}
}

func TestTornHeaderEveryCut(t *testing.T) {
	data, _ := writeRepairSegment(t)
	for cut := 0; cut < headerSize; cut++ {
		t.Run(fmt.Sprintf("cut=%d", cut), func(t *testing.T) {
			checkRepair(t, data[:cut], true, repairCase{
				size: -1, reason: "short header", dropped: int64(cut),
			})
		})
	}
	checkRepair(t, data[:headerSize], true, repairCase{size: headerSize})
}

func TestCorruptTail(t *testing.T) {
	data, starts := writeRepairSegment(t)
	last := starts[2]
	end := len(data)
	garbage := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}
	mutated := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(data)) }
	flip := func(off int, bit uint) []byte {
		return mutated(func(b []byte) []byte { b[off] ^= 1 << bit; return b })
	}
	cutLast := repairCase{ids: []uint64{1, 2}, size: int64(last), offset: int64(last), dropped: int64(end - last)}
	with := func(c repairCase, reason string) repairCase { c.reason = reason; return c }

	for _, tc := range []struct {
		name      string
		data      []byte
		want      repairCase
		anyReason bool // random bytes can fail in several ways
	}{
		{"payload bit flip", flip(last+frameHeaderSize+20, 3), with(cutLast, "crc mismatch"), false},
		{"crc bit flip", flip(last+5, 0), with(cutLast, "crc mismatch"), false},
		{"length bit 0 (37 to 36)", flip(last, 0), with(cutLast, "crc mismatch"), false},
		{"length bit 1 (37 to 39)", flip(last, 1), with(cutLast, "short record"), false},
		{"length bit 31", flip(last+3, 7), with(cutLast, "above the"), false},
		{"length zeroed", mutated(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[last:], 0)
			return b
		}), with(cutLast, "bad length 0"), false},
		{"last record zero-filled", mutated(func(b []byte) []byte {
			clear(b[last:])
			return b
		}), with(cutLast, "zero-filled tail"), false},
		{"zero-filled tail after last record", append(bytes.Clone(data), make([]byte, 8192)...), repairCase{
			ids: []uint64{1, 2, 3}, size: int64(end), reason: "zero-filled tail", offset: int64(end), dropped: 8192,
		}, false},
		{"garbage after last record", append(bytes.Clone(data), garbage...), repairCase{
			ids: []uint64{1, 2, 3}, size: int64(end), offset: int64(end), dropped: 4096,
		}, true},
		{"bad magic", flip(0, 0), repairCase{size: -1, reason: "bad magic", dropped: int64(end)}, false},
		{"version bit flip", flip(8, 1), repairCase{size: -1, reason: "header crc mismatch", dropped: int64(end)}, false},
		{"garbage file", garbage, repairCase{size: -1, reason: "bad magic", dropped: int64(len(garbage))}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.anyReason {
				checkGarbageTail(t, tc.data, tc.want)
				return
			}
			checkRepair(t, tc.data, true, tc.want)
		})
	}
}

// checkGarbageTail is checkRepair for a tail whose failure reason depends on
// the random bytes: only the cut matters.
func checkGarbageTail(t *testing.T, data []byte, want repairCase) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(segmentPath(dir, 1), data, 0o644))
	var rec logRecorder
	l := openLog(t, dir, Options{Logger: rec.logger()})
	defer func() { require.NoError(t, l.Close()) }()
	got, st := replayIDs(t, l, 0)
	require.Equal(t, want.ids, ids(got))
	require.Equal(t, want.size, fileSize(t, segmentPath(dir, 1)))
	require.Equal(t, 1, st.Truncated)
	entries := rec.entries(t)
	require.Len(t, entries, 1)
	require.EqualValues(t, want.offset, entries[0]["offset"])
	require.EqualValues(t, want.dropped, entries[0]["dropped_bytes"])
	require.NotEmpty(t, entries[0]["reason"])
}

// TestCorruptRecordInClosedSegment damages a record in the middle of a segment
// that is not the last: the records before it survive, the rest of that
// segment is cut, and the later segments still replay.
func TestCorruptRecordInClosedSegment(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	appendWait(t, l, 200, seq(1, 5)...)
	_, err := l.Rotate()
	require.NoError(t, err)
	appendWait(t, l, 200, seq(6, 8)...)
	_, err = l.Rotate()
	require.NoError(t, err)
	appendWait(t, l, 200, 9)
	require.NoError(t, l.Close())

	path := segmentPath(dir, 1)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	third := headerSize + 2*(frameHeaderSize+200)
	data[third+frameHeaderSize+100] ^= 0x40
	require.NoError(t, os.WriteFile(path, data, 0o644))

	var rec logRecorder
	l = openLog(t, dir, Options{Logger: rec.logger()})
	defer func() { require.NoError(t, l.Close()) }()
	got, st := replayIDs(t, l, 0)
	require.Equal(t, []uint64{1, 2, 6, 7, 8, 9}, ids(got))
	require.Equal(t, 1, st.Truncated)
	require.Equal(t, int64(3*(frameHeaderSize+200)), st.DroppedBytes)
	require.Equal(t, int64(third), fileSize(t, path))
	entries := rec.entries(t)
	require.Len(t, entries, 1)
	require.Contains(t, entries[0]["reason"], "crc mismatch")
}

// TestUnsupportedVersion: an intact header naming a newer format is an error,
// and the segment is left alone.
func TestUnsupportedVersion(t *testing.T) {
	dir := t.TempDir()
	h := append([]byte{}, segmentMagic[:]...)
	h = binary.LittleEndian.AppendUint32(h, formatVersion+1)
	h = binary.LittleEndian.AppendUint32(h, crc32.Checksum(h, castagnoli))
	require.NoError(t, os.WriteFile(segmentPath(dir, 1), h, 0o644))

	l := openLog(t, dir, Options{})
	defer func() { require.NoError(t, l.Close()) }()
	_, err := l.Replay(0, func(uint64, []byte) error { return nil })
	require.ErrorIs(t, err, ErrUnsupportedVersion)
	require.ErrorContains(t, err, "segment 1")
	after, err := os.ReadFile(segmentPath(dir, 1))
	require.NoError(t, err)
	require.Equal(t, h, after)
}

// TestReplayCallbackError stops replay at the callback's error and returns it.
func TestReplayCallbackError(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	appendWait(t, l, 50, seq(1, 3)...)
	require.NoError(t, l.Close())

	l = openLog(t, dir, Options{})
	defer func() { require.NoError(t, l.Close()) }()
	stop := fmt.Errorf("stop")
	n := 0
	_, err := l.Replay(0, func(uint64, []byte) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	require.ErrorIs(t, err, stop)
	require.Equal(t, 2, n)
}
