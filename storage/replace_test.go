package storage

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage/objstore"
)

// commitHook is a local object store that runs onCommit before a catalog
// commit (its Put of the catalog), and fails the commit when that
// returns an error.
type commitHook struct {
	objstore.Store
	onCommit func() error
}

func (s *commitHook) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if key == catalogKey && s.onCommit != nil {
		if err := s.onCommit(); err != nil {
			return 0, err
		}
	}
	return s.Store.Put(ctx, key, r)
}

func openHooked(t *testing.T, dir string) (*Engine, *commitHook) {
	t.Helper()
	local, err := objstore.NewLocal(dir)
	require.NoError(t, err)
	hook := &commitHook{Store: local}
	return openTest(t, dir, func(o *Options) { o.Store = hook }), hook
}

// TestReplace: a view's rows of a time range are replaced by a refresh's
// as one change: rows outside the range (another day, or the same day
// later) stay, a new row with a NULL replaces one with a value, a row in
// the write buffer is replaced too, and the result survives a crash. A
// failed commit, or a crash before it, leaves every row as it was; only a
// refresh replaces a view's rows, and only within the range it names.
func TestReplace(t *testing.T) {
	dir := t.TempDir()
	e, hook := openHooked(t, dir)
	day := int64(86400e9)
	cols := []ColumnMeta{{Name: "time", Type: TypeTime}, {Name: "host", Type: TypeTag}, {Name: "mean", Type: TypeFloat}}
	def := ViewDef{Query: "SELECT time_bucket('10 ns', time) AS bucket, host, avg(usage) AS mean FROM cpu GROUP BY 1, 2",
		Columns: []string{"bucket", "host", "mean"}, Time: "bucket", Continuous: true}
	require.NoError(t, e.CreateView(ctx, "db", "v", cols, def))
	refresh := WriteOptions{Refresh: true}
	require.NoError(t, e.Write(ctx, "db", []*TableBatch{batchOf(t, "v", "10 host=a mean=1", "20 host=b mean=2", "50 host=a mean=7",
		fmt.Sprintf("%d host=a mean=3", day+10))}, refresh))
	require.NoError(t, e.Persist(ctx))
	require.NoError(t, e.Write(ctx, "db", []*TableBatch{batchOf(t, "v", "30 host=c mean=4")}, refresh))
	before := []string{"time=10 host=a mean=1", "time=20 host=b mean=2", "time=30 host=c mean=4", "time=50 host=a mean=7",
		fmt.Sprintf("time=%d host=a mean=3", day+10)}
	require.Equal(t, before, scan(t, e, all("v")))
	files := parquetFiles(t, dir)

	tr := TimeRange{Min: 0, Max: 40}
	_, err := e.Replace(ctx, "db", "v", tr, batchOf(t, "v", "10 host=a mean=5"), WriteOptions{})
	require.ErrorContains(t, err, "only a refresh writes")
	_, err = e.Replace(ctx, "db", "v", tr, batchOf(t, "v", "45 host=a mean=5"), refresh)
	require.ErrorContains(t, err, "outside the range replaced")

	// A failed commit: nothing changes, and the new files are deleted.
	hook.onCommit = func() error { return fmt.Errorf("disk full") }
	_, err = e.Replace(ctx, "db", "v", tr, batchOf(t, "v", "10 host=a mean=5", "20 host=b -"), refresh)
	require.ErrorContains(t, err, "disk full")
	require.Equal(t, before, scan(t, e, all("v")))
	persisted := parquetFiles(t, dir)
	require.Greater(t, len(persisted), len(files), "the buffered row was persisted first")

	// The disk as a crash just before the commit leaves it.
	crashed := t.TempDir()
	hook.onCommit = func() error {
		copyTree(t, dir, crashed)
		hook.onCommit = nil
		return nil
	}
	n, err := e.Replace(ctx, "db", "v", tr, batchOf(t, "v", "10 host=a mean=5", "20 host=b -", "35 host=d mean=6"), refresh)
	require.NoError(t, err)
	require.Equal(t, int64(2), n, "20 (its new row has no mean) and 30 (none) removed; 10's new row wins over it; 50 lies outside the range")
	after := []string{"time=10 host=a mean=5", "time=20 host=b", "time=35 host=d mean=6", "time=50 host=a mean=7",
		fmt.Sprintf("time=%d host=a mean=3", day+10)}
	require.Equal(t, after, scan(t, e, all("v")))
	require.Greater(t, len(parquetFiles(t, crashed)), len(persisted), "the new files were on disk, uncommitted")

	e.abandon()
	e = openTest(t, dir)
	require.Equal(t, after, scan(t, e, all("v")), "after a crash")
	require.NoError(t, e.Close())

	e2 := openTest(t, crashed)
	require.Equal(t, before, scan(t, e2, all("v")), "a crash before the commit: every row as it was")
	require.Equal(t, persisted, parquetFiles(t, crashed), "the uncommitted files are removed at the start")
	require.NoError(t, e2.Close())

	// Rows that replace every row of the range whole (the same keys,
	// every field given): no file is rewritten, one is added.
	e = openTest(t, dir)
	defer e.Close()
	files = parquetFiles(t, dir)
	n, err = e.Replace(ctx, "db", "v", tr, batchOf(t, "v", "10 host=a mean=15", "20 host=b mean=16", "35 host=d mean=16"), refresh)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Subset(t, parquetFiles(t, dir), files)
	require.Len(t, parquetFiles(t, dir), len(files)+1)
	require.Equal(t, []string{"time=10 host=a mean=15", "time=20 host=b mean=16", "time=35 host=d mean=16", "time=50 host=a mean=7",
		fmt.Sprintf("time=%d host=a mean=3", day+10)}, scan(t, e, all("v")))

	// No rows: the range's rows go; the whole range, a day with none
	// before.
	n, err = e.Replace(ctx, "db", "v", TimeRange{Min: 0, Max: 20}, nil, refresh)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	n, err = e.Replace(ctx, "db", "v", TimeRange{}, batchOf(t, "v", fmt.Sprintf("%d host=z mean=8", 3*day)), refresh)
	require.NoError(t, err)
	require.Equal(t, int64(4), n)
	require.Equal(t, []string{fmt.Sprintf("time=%d host=z mean=8", 3*day)}, scan(t, e, all("v")))
	_, err = e.Replace(ctx, "db", "nosuch", TimeRange{}, nil, refresh)
	require.ErrorContains(t, err, "does not exist")
}
