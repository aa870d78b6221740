package wal

import (
	"bytes"
	"flag"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden segment in testdata/golden")

// TestGoldenSegment pins the byte layout: the payloads of
// testdata/golden/payloads.txt (one per line), appended through a real Log,
// must produce exactly testdata/golden/segment.wal, and decoding that file must
// give the payloads back.
func TestGoldenSegment(t *testing.T) {
	text, err := os.ReadFile("testdata/golden/payloads.txt")
	require.NoError(t, err)
	payloads := bytes.Split(bytes.TrimSuffix(text, []byte("\n")), []byte("\n"))

	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	for _, p := range payloads {
		tk, err := l.Append(p)
		require.NoError(t, err)
		require.NoError(t, tk.Wait())
	}
	require.NoError(t, l.Close())
	got, err := os.ReadFile(segmentPath(dir, 1))
	require.NoError(t, err)

	golden := filepath.Join("testdata", "golden", "segment.wal")
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	require.Equal(t, want, got, "segment bytes differ from %s (run with -update only for an intended format change)", golden)

	d := newDecoder(bytes.NewReader(want), int64(len(want)))
	require.NoError(t, d.readHeader())
	var decoded [][]byte
	for d.Next() {
		decoded = append(decoded, bytes.Clone(d.Payload()))
	}
	require.NoError(t, d.Err())
	require.Equal(t, payloads, decoded)
	require.Equal(t, int64(len(want)), d.Offset())
}

func TestSegmentName(t *testing.T) {
	for _, tc := range []struct {
		id   uint64
		name string
	}{
		{0, "00000000000000000000.wal"},
		{42, "00000000000000000042.wal"},
		{1<<64 - 1, "18446744073709551615.wal"},
	} {
		require.Equal(t, tc.name, segmentName(tc.id))
		id, ok := parseSegmentName(tc.name)
		require.True(t, ok, tc.name)
		require.Equal(t, tc.id, id)
	}
	for _, name := range []string{
		"42.wal",
		"0000000000000000004x.wal",
		"00000000000000000042.wal.tmp",
		"00000000000000000042.log",
		"+0000000000000000042.wal",
		"99999999999999999999.wal", // above the uint64 range
		"LOCK",
	} {
		_, ok := parseSegmentName(name)
		require.False(t, ok, name)
	}
}

func TestSegmentsSortByName(t *testing.T) {
	dir := t.TempDir()
	for _, id := range []uint64{10, 9, 100, 2} {
		require.NoError(t, os.WriteFile(segmentPath(dir, id), nil, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, segmentName(50)), 0o755))
	require.Equal(t, []uint64{2, 9, 10, 100}, segmentIDs(t, dir))
}

// TestChecksumIsCastagnoli checks the published CRC-32C check value, so the
// golden file cannot silently pin a different polynomial.
func TestChecksumIsCastagnoli(t *testing.T) {
	require.Equal(t, uint32(0xe3069283), crc32.Checksum([]byte("123456789"), castagnoli))
}
