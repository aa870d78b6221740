package wal

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConcurrentAppendWait has many goroutines append and wait at once. Every
// acknowledged record must replay after Close and reopen, exactly once, in
// ticket order, and group commit must have covered several records per fsync.
func TestConcurrentAppendWait(t *testing.T) {
	const (
		writers   = 16
		perWriter = 150
		noSyncers = 2 // of the writers, these never wait (no_sync)
	)
	dir := t.TempDir()
	l := openLog(t, dir, Options{SegmentSize: 256 << 10})

	var mu sync.Mutex
	seqOf := map[uint64]uint64{} // id → ticket seq, for acknowledged records
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := range perWriter {
				id := uint64(w*perWriter + i + 1)
				tk, err := l.Append(testPayload(id, 8+rng.IntN(4096)))
				if !assertNoError(t, err) {
					return
				}
				if w < noSyncers {
					continue
				}
				if !assertNoError(t, tk.Wait()) {
					return
				}
				mu.Lock()
				seqOf[id] = tk.Seq()
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	st := l.Stats()
	require.NoError(t, l.Close())
	require.Equal(t, uint64(writers*perWriter), st.Appends)
	require.Len(t, seqOf, (writers-noSyncers)*perWriter)
	require.Less(t, st.Fsyncs, st.Appends, "group commit must cover several records per fsync")
	t.Logf("%d appends, %d fsyncs, %d segments", st.Appends, st.Fsyncs, st.Segment)

	l = openLog(t, dir, Options{})
	defer func() { require.NoError(t, l.Close()) }()
	got, _ := replayIDs(t, l, 0)
	require.Len(t, got, writers*perWriter, "no record lost or repeated (no_sync ones included: Close syncs)")
	seen := map[uint64]bool{}
	var seqs []uint64
	for _, r := range got {
		require.False(t, seen[r.id], "id %d replayed twice", r.id)
		seen[r.id] = true
		if s, ok := seqOf[r.id]; ok {
			seqs = append(seqs, s)
		}
	}
	for id := range seqOf {
		require.True(t, seen[id], "acknowledged id %d missing", id)
	}
	require.True(t, slices.IsSorted(seqs), "records must replay in ticket order")
}

// assertNoError reports err from a goroutine other than the test's own.
func assertNoError(t *testing.T, err error) bool {
	if err != nil {
		t.Errorf("unexpected error: %v", err)
		return false
	}
	return true
}
