package wal

import (
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReplayAcrossRotations(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{SegmentSize: 4 << 10})
	require.Equal(t, uint64(1), l.Segment())
	appendWait(t, l, 1000, seq(1, 20)...) // 1 KiB frames: rotates every 4 records

	closed, err := l.Rotate()
	require.NoError(t, err)
	require.Equal(t, closed+1, l.Segment())
	appendWait(t, l, 3000, seq(21, 25)...)
	require.NoError(t, l.Close())
	require.Greater(t, len(segmentIDs(t, dir)), 5)

	l = openLog(t, dir, Options{SegmentSize: 4 << 10})
	defer func() { require.NoError(t, l.Close()) }()
	got, st := replayIDs(t, l, 0)
	require.Equal(t, seq(1, 25), ids(got))
	require.Equal(t, 25, st.Records)
	require.Zero(t, st.Truncated+st.Removed)
	for i := 1; i < len(got); i++ {
		require.LessOrEqual(t, got[i-1].segment, got[i].segment)
	}
	for _, r := range got[20:] {
		require.Greater(t, r.segment, closed, "records appended after Rotate must be in later segments")
	}
	for _, r := range got[:20] {
		require.LessOrEqual(t, r.segment, closed)
	}

	after, _ := replayIDs(t, l, closed)
	require.Equal(t, seq(21, 25), ids(after))
}

func TestRotate(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	defer func() { require.NoError(t, l.Close()) }()

	closed, err := l.Rotate()
	require.NoError(t, err)
	require.Equal(t, uint64(0), closed, "an empty segment is not rotated")
	require.Equal(t, uint64(1), l.Segment())

	tk, err := l.Append(testPayload(1, 100)) // not waited for: Rotate must make it durable
	require.NoError(t, err)
	closed, err = l.Rotate()
	require.NoError(t, err)
	require.Equal(t, uint64(1), closed)
	require.Equal(t, uint64(2), l.Segment())
	require.NoError(t, tk.Wait())
	require.Equal(t, []uint64{1, 2}, segmentIDs(t, dir))
	require.Equal(t, int64(headerSize+frameHeaderSize+100), fileSize(t, segmentPath(dir, 1)))

	closed, err = l.Rotate()
	require.NoError(t, err)
	require.Equal(t, uint64(1), closed)
	require.Equal(t, uint64(2), l.Segment())
}

func TestRemoveThrough(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	for id := uint64(1); id <= 4; id++ {
		appendWait(t, l, 64, id)
		closed, err := l.Rotate()
		require.NoError(t, err)
		require.Equal(t, id, closed)
	}
	require.Equal(t, []uint64{1, 2, 3, 4, 5}, segmentIDs(t, dir))

	require.NoError(t, l.RemoveThrough(2))
	require.Equal(t, []uint64{3, 4, 5}, segmentIDs(t, dir))
	require.NoError(t, l.RemoveThrough(2), "removing again is a no-op")
	require.Error(t, l.RemoveThrough(5), "the active segment cannot be removed")
	require.Equal(t, []uint64{3, 4, 5}, segmentIDs(t, dir))

	got, _ := replayIDs(t, l, 0)
	require.Equal(t, []uint64{3, 4}, ids(got))
	require.NoError(t, l.Close())

	l = openLog(t, dir, Options{})
	defer func() { require.NoError(t, l.Close()) }()
	require.Equal(t, uint64(6), l.Segment())
	require.NoError(t, l.RemoveThrough(5))
	require.Equal(t, []uint64{6}, segmentIDs(t, dir))
	got, _ = replayIDs(t, l, 0)
	require.Empty(t, got)
}

func TestReopenAndContinue(t *testing.T) {
	dir := t.TempDir()
	want := []uint64{}
	for round := uint64(0); round < 3; round++ {
		l := openLog(t, dir, Options{})
		require.Equal(t, round+1, l.Segment(), "each Open starts a new segment")
		got, _ := replayIDs(t, l, 0)
		require.Equal(t, want, ids(got))
		batch := seq(round*10+1, round*10+10)
		appendWait(t, l, 200, batch...)
		want = append(want, batch...)
		require.NoError(t, l.Close())
	}
}

func TestNoSyncAppendsAreWrittenByClose(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	for id := uint64(1); id <= 100; id++ {
		_, err := l.Append(testPayload(id, 500))
		require.NoError(t, err)
	}
	require.NoError(t, l.Close())
	st := l.Stats()
	require.Equal(t, uint64(100), st.Appends)
	require.Equal(t, uint64(100*(frameHeaderSize+500)), st.BytesWritten)
	require.Zero(t, st.PendingBytes)

	l = openLog(t, dir, Options{})
	defer func() { require.NoError(t, l.Close()) }()
	got, _ := replayIDs(t, l, 0)
	require.Equal(t, seq(1, 100), ids(got))
}

func TestSync(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	defer func() { require.NoError(t, l.Close()) }()
	require.NoError(t, l.Sync(), "Sync with nothing pending")
	for id := uint64(1); id <= 10; id++ {
		_, err := l.Append(testPayload(id, 100))
		require.NoError(t, err)
	}
	require.NoError(t, l.Sync())
	st := l.Stats()
	require.Zero(t, st.PendingBytes)
	require.Equal(t, uint64(10*(frameHeaderSize+100)), st.BytesWritten)
	require.GreaterOrEqual(t, st.Fsyncs, uint64(1))
	require.Equal(t, int64(headerSize)+int64(st.BytesWritten), fileSize(t, segmentPath(dir, 1)))
}

func TestTicketSeq(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{})
	defer func() { require.NoError(t, l.Close()) }()
	for want := uint64(1); want <= 5; want++ {
		tk, err := l.Append([]byte("x"))
		require.NoError(t, err)
		require.Equal(t, want, tk.Seq())
	}
	require.NoError(t, Ticket{}.Wait(), "the zero ticket is durable")
}

func TestAppendRejects(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{})
	_, err := l.Append(nil)
	require.ErrorIs(t, err, ErrEmptyPayload)
	require.NoError(t, l.Close())

	_, err = l.Append([]byte("x"))
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, l.Sync(), ErrClosed)
	_, err = l.Rotate()
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, l.Close(), ErrClosed)
}

// TestPendingBytesBounded appends without waiting far faster than the disk
// takes it; Append must hold the pending bytes under the limit, and still take
// a record larger than the limit.
func TestPendingBytesBounded(t *testing.T) {
	const limit = 16 << 10
	dir := t.TempDir()
	l := openLog(t, dir, Options{MaxPendingBytes: limit})
	for id := uint64(1); id <= 500; id++ {
		_, err := l.Append(testPayload(id, 1000))
		require.NoError(t, err)
		require.LessOrEqual(t, l.Stats().PendingBytes, int64(limit))
	}
	tk, err := l.Append(testPayload(501, 4*limit))
	require.NoError(t, err)
	require.NoError(t, tk.Wait())
	require.NoError(t, l.Close())

	l = openLog(t, dir, Options{})
	defer func() { require.NoError(t, l.Close()) }()
	got, _ := replayIDs(t, l, 0)
	require.Equal(t, seq(1, 501), ids(got))
}

// TestWriteFailureIsSticky closes the segment file under the syncer, so that
// its next write really fails: the waiters of that batch get the error, the
// log refuses further work, and Close reports it.
func TestWriteFailureIsSticky(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{})
	appendWait(t, l, 100, 1)
	require.NoError(t, l.seg.f.Close()) // the syncer is idle: nothing is pending

	t1, err := l.Append(testPayload(2, 100))
	require.NoError(t, err)
	werr := t1.Wait()
	require.ErrorIs(t, werr, os.ErrClosed)
	require.ErrorContains(t, werr, "segment 1")

	_, err = l.Append(testPayload(3, 100))
	require.ErrorIs(t, err, os.ErrClosed)
	require.ErrorIs(t, l.Sync(), os.ErrClosed)
	_, err = l.Rotate()
	require.ErrorIs(t, err, os.ErrClosed)
	require.ErrorIs(t, l.Close(), os.ErrClosed)

	l = openLog(t, dir, Options{})
	defer func() { require.NoError(t, l.Close()) }()
	got, _ := replayIDs(t, l, 0)
	require.Equal(t, []uint64{1}, ids(got))
}

func TestOpenCreatesDirectory(t *testing.T) {
	dir := t.TempDir() + "/a/b/wal"
	l := openLog(t, dir, Options{})
	require.NoError(t, l.Close())
	require.Equal(t, []uint64{1}, segmentIDs(t, dir))

	_, err := Open(segmentPath(dir, 1)+"/x", Options{})
	require.Error(t, err)
	require.False(t, errors.Is(err, ErrClosed))
}

// TestCloseWithAppendsRunning closes the log while a goroutine keeps appending
// under a tight pending limit (so it is often blocked for space): the appender
// must be released with ErrClosed, and every record it got a ticket for must be
// on disk, in order.
func TestCloseWithAppendsRunning(t *testing.T) {
	dir := t.TempDir()
	l := openLog(t, dir, Options{MaxPendingBytes: 4 << 10})
	appended := make(chan uint64, 1)
	go func() {
		var last uint64
		for id := uint64(1); ; id++ {
			if _, err := l.Append(testPayload(id, 3000)); err != nil {
				if !errors.Is(err, ErrClosed) {
					t.Errorf("append %d: %v", id, err)
				}
				appended <- last
				return
			}
			last = id
		}
	}()
	appendWait(t, l, 100, 1<<40) // let the appender get going
	require.NoError(t, l.Close())
	last := <-appended

	l = openLog(t, dir, Options{})
	defer func() { require.NoError(t, l.Close()) }()
	got, _ := replayIDs(t, l, 0)
	var want []uint64
	for _, r := range got {
		if r.id != 1<<40 {
			want = append(want, r.id)
		}
	}
	require.Equal(t, seq(1, last), want)
}
