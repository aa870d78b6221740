package storage

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// hostIs matches the rows whose host tag is h.
func hostIs(h string) RowMatch {
	return func(rec arrow.Record) ([]bool, error) {
		idx := rec.Schema().FieldIndices("host")
		out := make([]bool, rec.NumRows())
		if len(idx) == 0 {
			return out, nil
		}
		col := rec.Column(idx[0]).(*array.Dictionary)
		dict := col.Dictionary().(*array.String)
		for i := range out {
			out[i] = col.IsValid(i) && dict.Value(col.GetValueIndex(i)) == h
		}
		return out, nil
	}
}

// TestDelete: the matching rows go from the buffer (persisted first) and
// from files, in the time range only; an overwritten row's older versions
// do not come back; a partition where nothing matches keeps its files;
// the deletion survives a restart; a failing match changes nothing.
func TestDelete(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	day := int64(86400e9)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1", "20 host=b usage=2", fmt.Sprintf("%d host=a usage=3", day+10)))
	require.NoError(t, e.Persist(ctx))
	// An overwrite of (a, 10) in the buffer: after the delete neither
	// version may show.
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=9", "30 host=a usage=4"))
	filesBefore := func() []uint64 {
		e.mu.RLock()
		defer e.mu.RUnlock()
		var ids []uint64
		for _, f := range e.cat.database("db").table("cpu").Files {
			ids = append(ids, f.ID)
		}
		return ids
	}

	n, err := e.Delete(ctx, "db", "cpu", TimeRange{Min: 0, Max: day}, hostIs("a"))
	require.NoError(t, err)
	require.Equal(t, int64(2), n, "(a, 10) and (a, 30); (a, day+10) is outside the range")
	want := []string{"time=20 host=b usage=2", fmt.Sprintf("time=%d host=a usage=3", day+10)}
	require.Equal(t, want, scan(t, e, all("cpu")))

	// Nothing matches: no partition is rewritten.
	ids := filesBefore()
	n, err = e.Delete(ctx, "db", "cpu", TimeRange{}, hostIs("nobody"))
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, ids, filesBefore())

	// A match that fails leaves every row.
	_, err = e.Delete(ctx, "db", "cpu", TimeRange{}, func(arrow.Record) ([]bool, error) { return nil, fmt.Errorf("no") })
	require.ErrorContains(t, err, "no")
	require.Equal(t, want, scan(t, e, all("cpu")))

	// Every row of a partition: the partition's files go.
	n, err = e.Delete(ctx, "db", "cpu", TimeRange{Min: day, Max: 2 * day}, func(rec arrow.Record) ([]bool, error) {
		out := make([]bool, rec.NumRows())
		for i := range out {
			out[i] = true
		}
		return out, nil
	})
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	require.NoError(t, e.Close())

	e = openTest(t, dir)
	defer e.Close()
	require.Equal(t, want[:1], scan(t, e, all("cpu")), "after a restart")
	_, err = e.Delete(ctx, "db", "nosuch", TimeRange{}, hostIs("a"))
	require.ErrorContains(t, err, "does not exist")
}

// TestDeleteLargePartition: a partition over CompactMaxRows rows is
// rewritten in spans of time, as a large compaction is, and files that
// overlap are deduplicated before the match (the older version of an
// overwritten row is not left behind).
func TestDeleteLargePartition(t *testing.T) {
	e := openTest(t, t.TempDir(), func(o *Options) { o.CompactMaxRows = 40 })
	defer e.Close()
	var want []string
	for f := range 5 {
		var rows []string
		for i := range 30 {
			ts := f*20 + i // files overlap by 10
			host := "a"
			if ts%3 == 0 {
				host = "b"
			}
			rows = append(rows, fmt.Sprintf("%d host=%s usage=%d", ts, host, f))
		}
		write(t, e, "db", batchOf(t, "cpu", rows...))
		require.NoError(t, e.Persist(ctx))
	}
	for ts := range 4*20 + 30 {
		if ts%3 != 0 {
			want = append(want, fmt.Sprintf("time=%d host=a usage=%d", ts, min(ts/20, 4)))
		}
	}
	n, err := e.Delete(ctx, "db", "cpu", TimeRange{}, hostIs("b"))
	require.NoError(t, err)
	require.Equal(t, int64(110-len(want)), n)
	slices.Sort(want)
	require.Equal(t, want, scan(t, e, all("cpu")))

	// Rows whose newest version has usage 1 (times 20 to 39): their older
	// versions (usage 0, in the first file) must not reappear.
	usageIs1 := func(rec arrow.Record) ([]bool, error) {
		col := rec.Column(rec.Schema().FieldIndices("usage")[0]).(*array.Float64)
		out := make([]bool, rec.NumRows())
		for i := range out {
			out[i] = col.IsValid(i) && col.Value(i) == 1
		}
		return out, nil
	}
	n, err = e.Delete(ctx, "db", "cpu", TimeRange{}, usageIs1)
	require.NoError(t, err)
	want = slices.DeleteFunc(want, func(r string) bool { return strings.HasSuffix(r, " usage=1") })
	require.Equal(t, int64(13), n) // 20 to 39 but 21, 24, 27, 30, 33, 36, 39
	require.Equal(t, want, scan(t, e, all("cpu")))
}

// TestUpdate: an update's values replace the rows' as they stand (the
// newest version of an overwritten row), in the buffer's rows (persisted
// first) and the files'; a day where nothing changed keeps its files; a
// record of another shape is refused with nothing changed; the values
// survive a restart.
func TestUpdate(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1", "20 host=b usage=2"))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=5", "30 host=a usage=3"))
	// usage * 10 for host a.
	tenfold := func(rec arrow.Record) (arrow.Record, int64, error) {
		host := rec.Column(rec.Schema().FieldIndices("host")[0]).(*array.Dictionary)
		hosts := host.Dictionary().(*array.String)
		usage := rec.Column(rec.Schema().FieldIndices("usage")[0]).(*array.Float64)
		b := array.NewFloat64Builder(memory.DefaultAllocator)
		defer b.Release()
		var n int64
		for i := range int(rec.NumRows()) {
			v := usage.Value(i)
			if hosts.Value(host.GetValueIndex(i)) == "a" {
				v *= 10
				n++
			}
			b.Append(v)
		}
		cols := slices.Clone(rec.Columns())
		col := b.NewArray()
		defer col.Release()
		cols[rec.Schema().FieldIndices("usage")[0]] = col
		return array.NewRecord(rec.Schema(), cols, rec.NumRows()), n, nil
	}
	n, err := e.Update(ctx, "db", "cpu", TimeRange{}, tenfold)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	want := []string{"time=10 host=a usage=50", "time=20 host=b usage=2", "time=30 host=a usage=30"}
	require.Equal(t, want, scan(t, e, all("cpu")))

	// A record of another length: refused, nothing changed.
	_, err = e.Update(ctx, "db", "cpu", TimeRange{}, func(rec arrow.Record) (arrow.Record, int64, error) {
		return rec.NewSlice(0, 1), 1, nil
	})
	require.ErrorContains(t, err, "update:")
	require.Equal(t, want, scan(t, e, all("cpu")))
	require.NoError(t, e.Close())

	e = openTest(t, dir)
	defer e.Close()
	require.Equal(t, want, scan(t, e, all("cpu")), "after a restart")
}

// TestUpdateTags: an update may set a tag (a new value, NULL, a column of
// NULLs alone); the rows are stored in their new series' order, and one
// that would give two rows the same time and tags is refused
// (CodeDuplicateKey) with nothing changed.
func TestUpdateTags(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	defer e.Close()
	write(t, e, "db", batchOf(t, "cpu", "10 host=a,dc=x usage=1", "10 host=b,dc=x usage=2", "20 host=a usage=3"))
	require.NoError(t, e.Persist(ctx))
	// setTag sets tag to to(old value, time) in every row.
	setTag := func(tag string, to func(old string, ts int64) *string) RowUpdate {
		return func(rec arrow.Record) (arrow.Record, int64, error) {
			at := rec.Schema().FieldIndices(tag)[0]
			old := rec.Column(at).(*array.Dictionary)
			b := array.NewStringBuilder(memory.DefaultAllocator)
			defer b.Release()
			for i, ts := range timestamps(rec.Column(0)) {
				v := ""
				if old.IsValid(i) {
					v = old.Dictionary().(*array.String).Value(old.GetValueIndex(i))
				}
				if nv := to(v, ts); nv != nil {
					b.Append(*nv)
				} else {
					b.AppendNull()
				}
			}
			text := b.NewArray()
			defer text.Release()
			col, err := TagArray(text, memory.DefaultAllocator)
			if err != nil {
				return nil, 0, err
			}
			defer col.Release()
			cols := slices.Clone(rec.Columns())
			cols[at] = col
			return array.NewRecord(rec.Schema(), cols, rec.NumRows()), rec.NumRows(), nil
		}
	}
	str := func(s string) *string { return &s }

	_, err := e.Update(ctx, "db", "cpu", TimeRange{}, setTag("host", func(string, int64) *string { return str("b") }))
	var se *Error
	require.ErrorAs(t, err, &se)
	require.Equal(t, CodeDuplicateKey, se.Code)
	require.Contains(t, se.Msg, "time 1970-01-01T00:00:00.00000001Z and host=b, dc=x")
	before := []string{"time=10 host=a dc=x usage=1", "time=10 host=b dc=x usage=2", "time=20 host=a usage=3"}
	require.Equal(t, before, scan(t, e, all("cpu")), "refused: nothing changed")

	// a becomes z (sorting after b), and the row of 20 loses its host.
	_, err = e.Update(ctx, "db", "cpu", TimeRange{}, setTag("host", func(old string, ts int64) *string {
		if ts == 20 {
			return nil
		}
		return str(map[string]string{"a": "z", "b": "b"}[old])
	}))
	require.NoError(t, err)
	require.Equal(t, []string{"time=10 host=b dc=x usage=2", "time=10 host=z dc=x usage=1", "time=20 usage=3"}, scan(t, e, all("cpu")))
	// Every dc NULL: a tag column of NULLs alone, with no values.
	_, err = e.Update(ctx, "db", "cpu", TimeRange{}, setTag("dc", func(string, int64) *string { return nil }))
	require.NoError(t, err)
	require.Equal(t, []string{"time=10 host=b usage=2", "time=10 host=z usage=1", "time=20 usage=3"}, scan(t, e, all("cpu")))
	// Now host=b at 10 may become z's twin only if z moves too.
	_, err = e.Update(ctx, "db", "cpu", TimeRange{}, setTag("host", func(old string, ts int64) *string {
		return str(map[string]string{"b": "z", "z": "b", "": "q"}[old])
	}))
	require.NoError(t, err, "a swap leaves the keys apart")
	require.Equal(t, []string{"time=10 host=b usage=1", "time=10 host=z usage=2", "time=20 host=q usage=3"}, scan(t, e, all("cpu")))
}

// parquetFiles lists the data files under dir.
func parquetFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".parquet") {
			out = append(out, strings.TrimPrefix(path, dir))
		}
		return err
	}))
	sort.Strings(out)
	return out
}

// copyTree copies the files under src to dst: what a crash at that
// instant leaves on disk (a kill loses no written file, only what a
// process holds).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		to := filepath.Join(dst, strings.TrimPrefix(path, src))
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	}))
}

// TestRewriteAllOrNothing: a Delete or an Update over several days is one
// change, as PostgreSQL's statement is: an error on a later day (a value
// the update refuses, a cancelled context) leaves the earlier days as they
// were and their new files deleted, and a crash part way (the disk copied
// while the third day is rewritten) leaves every day as it was, the
// uncommitted files removed at the next start.
func TestRewriteAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	defer e.Close()
	day := int64(86400e9)
	for d := range int64(3) {
		write(t, e, "db", batchOf(t, "cpu", fmt.Sprintf("%d host=a usage=%d", d*day+10, d+1), fmt.Sprintf("%d host=b usage=%d", d*day+20, d+10)))
		require.NoError(t, e.Persist(ctx))
	}
	want := scan(t, e, all("cpu"))
	files := parquetFiles(t, dir)
	require.Len(t, files, 3)
	lastDay := func(rec arrow.Record) bool {
		return rec.Column(0).(*array.Timestamp).Value(0) >= arrow.Timestamp(2*day)
	}
	doubled := func(rec arrow.Record) (arrow.Record, int64, error) {
		b := array.NewFloat64Builder(memory.DefaultAllocator)
		defer b.Release()
		usage := rec.Column(rec.Schema().FieldIndices("usage")[0]).(*array.Float64)
		for _, v := range usage.Float64Values() {
			b.Append(2 * v)
		}
		cols := slices.Clone(rec.Columns())
		col := b.NewArray()
		defer col.Release()
		cols[rec.Schema().FieldIndices("usage")[0]] = col
		return array.NewRecord(rec.Schema(), cols, rec.NumRows()), rec.NumRows(), nil
	}

	// The third day's rows are refused: the first two stay as they were.
	calls := 0
	_, err := e.Update(ctx, "db", "cpu", TimeRange{}, func(rec arrow.Record) (arrow.Record, int64, error) {
		calls++
		if lastDay(rec) {
			return nil, 0, fmt.Errorf("value out of range")
		}
		return doubled(rec)
	})
	require.ErrorContains(t, err, "value out of range")
	require.Equal(t, 3, calls, "the first two days were rewritten before the error")
	require.Equal(t, want, scan(t, e, all("cpu")))
	require.Equal(t, files, parquetFiles(t, dir), "the days' new files are deleted")

	// A DELETE cancelled on the third day: nothing deleted.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	_, err = e.Delete(cctx, "db", "cpu", TimeRange{}, func(rec arrow.Record) ([]bool, error) {
		if lastDay(rec) {
			cancel()
		}
		return hostIs("a")(rec)
	})
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, want, scan(t, e, all("cpu")))
	require.Equal(t, files, parquetFiles(t, dir))

	// The disk as a crash on the third day leaves it.
	crashed := t.TempDir()
	_, err = e.Update(ctx, "db", "cpu", TimeRange{}, func(rec arrow.Record) (arrow.Record, int64, error) {
		if lastDay(rec) {
			copyTree(t, dir, crashed)
		}
		return doubled(rec)
	})
	require.NoError(t, err)
	require.Equal(t, []string{
		"time=10 host=a usage=2", "time=172800000000010 host=a usage=6", "time=172800000000020 host=b usage=24",
		"time=20 host=b usage=20", "time=86400000000010 host=a usage=4", "time=86400000000020 host=b usage=22",
	}, scan(t, e, all("cpu")), "all three days doubled")
	require.Greater(t, len(parquetFiles(t, crashed)), 3, "the first days' new files were on disk, uncommitted")
	e2 := openTest(t, crashed)
	defer e2.Close()
	require.Equal(t, want, scan(t, e2, all("cpu")), "after the crash, every day as it was")
	require.Equal(t, files, parquetFiles(t, crashed), "the uncommitted files are removed at the start")
}

// TestRewritePersistsOnlyItsTable: a DELETE persists the write buffer
// only when it holds rows of the table; another table's buffered rows
// stay buffered (no file of theirs is written).
func TestRewritePersistsOnlyItsTable(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	defer e.Close()
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1", "20 host=b usage=2"))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "mem", "10 host=a used=1"))
	n, err := e.Delete(ctx, "db", "cpu", TimeRange{}, hostIs("a"))
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	require.Len(t, parquetFiles(t, dir), 1, "cpu's file, rewritten; mem's row is still buffered")
	require.Equal(t, []string{"time=10 host=a used=1"}, scan(t, e, all("mem")))

	write(t, e, "db", batchOf(t, "cpu", "30 host=a usage=3"))
	n, err = e.Delete(ctx, "db", "cpu", TimeRange{}, hostIs("a"))
	require.NoError(t, err)
	require.Equal(t, int64(1), n, "cpu's buffered row was persisted, then deleted")
	require.Len(t, parquetFiles(t, dir), 2, "mem's row persisted with it")
	require.Equal(t, []string{"time=20 host=b usage=2"}, scan(t, e, all("cpu")))
}
