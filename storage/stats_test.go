package storage

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestStats: each counter moves by what the engine did: rows written,
// WAL fsyncs and bytes, buffered rows, persists, compactions, retention,
// and per-database files.
func TestStats(t *testing.T) {
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	e := openTest(t, t.TempDir(), func(o *Options) { o.Now = func() time.Time { return now } })
	defer e.Close()
	ts := func(d time.Duration) int64 { return now.Add(-d).UnixNano() }

	st := e.Stats()
	require.Zero(t, st.RowsWritten)
	require.Empty(t, st.Databases)

	write(t, e, "db", batchOf(t, "cpu",
		fmt.Sprintf("%d host=a usage=1", ts(72*time.Hour)),
		fmt.Sprintf("%d host=b usage=2", ts(time.Hour))))
	write(t, e, "db", batchOf(t, "mem", fmt.Sprintf("%d host=a used=3i", ts(time.Hour))))
	write(t, e, "other", batchOf(t, "cpu", fmt.Sprintf("%d host=a usage=1", ts(time.Hour))))
	st = e.Stats()
	require.Equal(t, uint64(4), st.RowsWritten)
	require.Equal(t, int64(4), st.BufferedRows)
	require.Positive(t, st.BufferedBytes)
	require.GreaterOrEqual(t, st.WALFsyncs, uint64(1), "acknowledged writes were fsynced")
	require.LessOrEqual(t, st.WALFsyncs, uint64(3), "at most one fsync per write")
	require.Positive(t, st.WALBytes)
	require.Equal(t, []DatabaseStats{
		{Name: "db", Tables: 2, BufferedRows: 3},
		{Name: "other", Tables: 1, BufferedRows: 1},
	}, st.Databases)

	require.NoError(t, e.Persist(ctx))
	st = e.Stats()
	require.Equal(t, uint64(1), st.Persists)
	require.Equal(t, uint64(4), st.PersistedRows)
	require.Zero(t, st.BufferedRows)
	require.Equal(t, 3, st.Databases[0].Files, "cpu: two days, mem: one")
	require.Equal(t, int64(3), st.Databases[0].FileRows)
	require.Positive(t, st.Databases[0].FileBytes)
	require.Equal(t, 1, st.Databases[1].Files)

	write(t, e, "db", batchOf(t, "cpu", fmt.Sprintf("%d host=c usage=4", ts(time.Hour))))
	require.NoError(t, e.Persist(ctx))
	cst, err := e.Compact(ctx, true)
	require.NoError(t, err)
	require.Equal(t, 1, cst.Partitions)
	st = e.Stats()
	require.Equal(t, uint64(2), st.Persists)
	require.Equal(t, uint64(1), st.Compactions)
	require.Equal(t, 3, st.Databases[0].Files, "the day with two files has one again")

	require.NoError(t, e.SetRetention(ctx, "db", 48*time.Hour))
	removed, err := e.EnforceRetention(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, removed)
	st = e.Stats()
	require.Equal(t, uint64(1), st.RetentionFilesDeleted)
	require.Equal(t, 2, st.Databases[0].Files)
	require.Equal(t, uint64(5), st.RowsWritten)
}
