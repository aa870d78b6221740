package wal

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// testPayload returns a payload of size bytes (at least 8) that carries id and a
// filler derived from it, so that checkPayload can tell a damaged one.
func testPayload(id uint64, size int) []byte {
	p := make([]byte, max(size, 8))
	binary.LittleEndian.PutUint64(p, id)
	for i := 8; i < len(p); i++ {
		p[i] = byte(id*31 + uint64(i)*7)
	}
	return p
}

// checkPayload returns the id a testPayload carries and whether the filler is
// intact.
func checkPayload(p []byte) (uint64, bool) {
	if len(p) < 8 {
		return 0, false
	}
	id := binary.LittleEndian.Uint64(p)
	return id, bytes.Equal(p, testPayload(id, len(p)))
}

// logRecorder is a JSON slog logger writing to a buffer, for asserting repairs.
type logRecorder struct {
	buf bytes.Buffer
}

func (r *logRecorder) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(&r.buf, nil))
}

// entries returns the logged records, one map per line.
func (r *logRecorder) entries(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(r.buf.Bytes()), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		m := map[string]any{}
		require.NoError(t, json.Unmarshal(line, &m))
		out = append(out, m)
	}
	return out
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func openLog(t testing.TB, dir string, opts Options) *Log {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = discardLogger()
	}
	l, err := Open(dir, opts)
	require.NoError(t, err)
	return l
}

// appendWait appends payloads for ids and waits for each to be durable.
func appendWait(t testing.TB, l *Log, size int, ids ...uint64) {
	t.Helper()
	for _, id := range ids {
		tk, err := l.Append(testPayload(id, size))
		require.NoError(t, err)
		require.NoError(t, tk.Wait())
	}
}

// replayed is one record seen by Replay.
type replayed struct {
	segment uint64
	id      uint64
}

// replayIDs replays everything after `after` and returns the records in order,
// failing the test on a damaged payload.
func replayIDs(t testing.TB, l *Log, after uint64) ([]replayed, ReplayStats) {
	t.Helper()
	var got []replayed
	st, err := l.Replay(after, func(seg uint64, p []byte) error {
		id, ok := checkPayload(p)
		require.True(t, ok, "damaged payload for id %d in segment %d", id, seg)
		got = append(got, replayed{segment: seg, id: id})
		return nil
	})
	require.NoError(t, err)
	return got, st
}

func ids(rs []replayed) []uint64 {
	out := make([]uint64, len(rs))
	for i, r := range rs {
		out[i] = r.id
	}
	return out
}

func seq(from, to uint64) []uint64 {
	var out []uint64
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func segmentPath(dir string, id uint64) string { return filepath.Join(dir, segmentName(id)) }

func segmentIDs(t testing.TB, dir string) []uint64 {
	t.Helper()
	got, err := listSegments(dir)
	require.NoError(t, err)
	return got
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return fi.Size()
}
