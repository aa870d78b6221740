package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTableChunks(t *testing.T) {
	e := openTest(t, t.TempDir())
	defer e.Close()
	day := int64(24 * time.Hour)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1", fmt.Sprintf("%d host=a usage=2", day+5)))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", fmt.Sprintf("%d host=b usage=3", day+6), fmt.Sprintf("%d host=b usage=4", 3*day)))
	chunks := e.TableChunks("db", "cpu")
	require.Len(t, chunks, 3)
	for i, want := range []struct {
		day          int64
		files        int
		rows, buffer int64
	}{{0, 1, 1, 0}, {1, 1, 1, 1}, {3, 0, 0, 1}} {
		c := chunks[i]
		require.Equal(t, want.day, c.Day)
		require.Equal(t, want.files, c.Files, "day %d", c.Day)
		require.Equal(t, want.rows, c.Rows, "day %d", c.Day)
		require.Equal(t, want.buffer, c.BufferedRows, "day %d", c.Day)
		require.NotZero(t, c.Created, "day %d: a buffered-only day was created by its first write", c.Day)
	}
	require.Nil(t, e.TableChunks("db", "nope"))
}

// TestDropChunks drops whole day partitions, persisted and buffered, and
// checks that a crash right after brings none of their rows back (they were
// in the WAL) while a write to a dropped day afterwards is kept.
func TestDropChunks(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	day := int64(24 * time.Hour)
	at := func(d int64, off int64) int64 { return d*day + off }
	write(t, e, "db", batchOf(t, "cpu",
		fmt.Sprintf("%d host=a usage=1", at(0, 1)),
		fmt.Sprintf("%d host=a usage=2", at(1, 1)),
		fmt.Sprintf("%d host=a usage=3", at(2, 1))))
	write(t, e, "db", batchOf(t, "mem", fmt.Sprintf("%d host=a free=1i", at(0, 1))))
	require.NoError(t, e.Persist(ctx))
	// Buffered only, in the WAL: a second row of day 1 and one of day 3.
	write(t, e, "db", batchOf(t, "cpu",
		fmt.Sprintf("%d host=b usage=4", at(1, 2)),
		fmt.Sprintf("%d host=b usage=5", at(3, 2))))

	dropped, err := e.DropChunks(ctx, "db", "cpu", func(c Chunk) bool { return (c.Day+1)*day <= at(2, 0) })
	require.NoError(t, err)
	require.Len(t, dropped, 2)
	require.Equal(t, []int64{0, 1}, []int64{dropped[0].Day, dropped[1].Day})
	require.Equal(t, [2]int64{2, 2}, [2]int64{int64(dropped[1].Files), dropped[1].Rows}, "day 1's buffered row was persisted first")
	want := []string{fmt.Sprintf("time=%d host=a usage=3", at(2, 1)), fmt.Sprintf("time=%d host=b usage=5", at(3, 2))}
	require.Equal(t, want, scan(t, e, all("cpu")))
	require.Len(t, scan(t, e, all("mem")), 1, "other tables keep their days")
	for _, d := range []string{"1970-01-01", "1970-01-02"} {
		files, _ := filepath.Glob(filepath.Join(dir, "dbs", "db", "cpu", d, "*.parquet"))
		require.Empty(t, files, "files of %s deleted", d)
	}

	none, err := e.DropChunks(ctx, "db", "cpu", func(c Chunk) bool { return c.Day < 2 })
	require.NoError(t, err)
	require.Empty(t, none, "dropping again finds nothing")

	// A write to a dropped day after the drop starts it again.
	write(t, e, "db", batchOf(t, "cpu", fmt.Sprintf("%d host=c usage=6", at(1, 3))))
	e.abandon()

	e = openTest(t, dir)
	defer e.Close()
	want = append(want, fmt.Sprintf("time=%d host=c usage=6", at(1, 3))) // rows sort as text
	require.Equal(t, want, scan(t, e, all("cpu")), "after a crash: the dropped rows stay dropped, the later write is there")
	chunks := e.TableChunks("db", "cpu")
	require.Equal(t, []int64{1, 2, 3}, []int64{chunks[0].Day, chunks[1].Day, chunks[2].Day})

	_, err = e.DropChunks(ctx, "db", "nope", func(Chunk) bool { return true })
	require.ErrorContains(t, err, `table "nope" does not exist`)
	_, err = e.DropChunks(ctx, "nodb", "cpu", func(Chunk) bool { return true })
	require.ErrorContains(t, err, `database "nodb" does not exist`)
}

// TestDropChunksKeepsQueriedFiles: a query that took its snapshot before
// the drop reads the dropped files to its end; they are deleted after.
func TestDropChunksKeepsQueriedFiles(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	defer e.Close()
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1", "20 host=a usage=2"))
	require.NoError(t, e.Persist(ctx))
	snap, err := e.Snapshot(all("cpu"))
	require.NoError(t, err)
	dropped, err := e.DropChunks(ctx, "db", "cpu", func(Chunk) bool { return true })
	require.NoError(t, err)
	require.Len(t, dropped, 1)
	files, _ := filepath.Glob(filepath.Join(dir, "dbs", "db", "cpu", "1970-01-01", "*.parquet"))
	require.Len(t, files, 1, "still read by the snapshot")
	r := snap.Reader(ctx)
	n := int64(0)
	for r.Next() {
		n += r.Record().NumRows()
	}
	require.NoError(t, r.Err())
	r.Release()
	snap.Release()
	require.Equal(t, int64(2), n)
	_, err = os.Stat(files[0])
	require.True(t, os.IsNotExist(err), "deleted once the snapshot is released")
	require.Empty(t, scan(t, e, all("cpu")))
}

// TestChunksPastRetention: days wholly past retention are no longer chunks
// and their rows no longer count, before retention deletes their files.
func TestChunksPastRetention(t *testing.T) {
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	e := openTest(t, t.TempDir(), func(o *Options) { o.Now = func() time.Time { return now } })
	defer e.Close()
	ts := func(d time.Duration) int64 { return now.Add(-d).UnixNano() }
	write(t, e, "db", batchOf(t, "cpu",
		fmt.Sprintf("%d host=a usage=1", ts(72*time.Hour)),
		fmt.Sprintf("%d host=a usage=2", ts(30*time.Hour))))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", fmt.Sprintf("%d host=a usage=3", ts(73*time.Hour))))
	require.Len(t, e.TableChunks("db", "cpu"), 2)
	_, _, rows, _ := e.TimeBounds("db", "cpu")
	require.Equal(t, int64(3), rows)

	require.NoError(t, e.SetRetention(ctx, "db", 48*time.Hour))
	chunks := e.TableChunks("db", "cpu")
	require.Len(t, chunks, 1, "the day 72h back ended 60h ago: past retention")
	require.Equal(t, now.Add(-30*time.Hour).Truncate(24*time.Hour).UnixNano(), chunks[0].Day*int64(24*time.Hour))
	lo, _, rows, ok := e.TimeBounds("db", "cpu")
	require.True(t, ok)
	require.Equal(t, int64(1), rows)
	require.Equal(t, ts(30*time.Hour), lo)
}

// TestDropsRacingWrites: a write to a dropped day that lands between the
// drop's persist and the drop itself stays dropped after a restart (a crash
// or a clean close), for drop_chunks, a dropped table and a dropped
// database, whether it is the buffer's only row then or another database's
// row is beside it (which is kept). Another table of the database is kept
// unless the database is dropped.
func TestDropsRacingWrites(t *testing.T) {
	for _, drop := range []string{"chunks", "table", "database"} {
		for _, beside := range []bool{false, true} {
			for _, restart := range []string{"crash", "close"} {
				t.Run(fmt.Sprintf("%s/beside=%v/%s", drop, beside, restart), func(t *testing.T) {
					dir := t.TempDir()
					e := openTest(t, dir)
					write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1"))
					write(t, e, "db", batchOf(t, "disk", "15 host=a free=1i"))
					write(t, e, "other", batchOf(t, "mem", "30 host=c free=3i"))
					e.beforeDrop = func() {
						write(t, e, "db", batchOf(t, "cpu", "20 host=b usage=2"))
						if beside {
							write(t, e, "other", batchOf(t, "mem", "40 host=d free=4i"))
						}
					}
					switch drop {
					case "database":
						require.NoError(t, e.DropDatabase(ctx, "db"))
					case "table":
						require.NoError(t, e.DropTable(ctx, "db", "cpu"))
					default:
						dropped, err := e.DropChunks(ctx, "db", "cpu", func(Chunk) bool { return true })
						require.NoError(t, err)
						require.Len(t, dropped, 1)
					}
					require.Empty(t, scanOrNone(t, e, "db", "cpu"))
					if restart == "crash" {
						e.abandon()
					} else {
						require.NoError(t, e.Close())
					}
					e = openTest(t, dir)
					defer e.Close()
					require.Empty(t, scanOrNone(t, e, "db", "cpu"), "the raced row stays dropped")
					want := 1
					if beside {
						want = 2
					}
					require.Len(t, scanOrNone(t, e, "other", "mem"), want, "the other database's rows are kept")
					if drop == "database" {
						require.Empty(t, scanOrNone(t, e, "db", "disk"))
					} else {
						require.Equal(t, []string{"time=15 host=a free=1"}, scanOrNone(t, e, "db", "disk"), "the database's other table is kept")
					}
				})
			}
		}
	}
}

// TestDropTable: a dropped table's schema, files and buffered rows are
// gone (after a restart too); its name can be written again with other
// types; a missing table is a not-found error naming the closest one.
func TestDropTable(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1", "20 host=b usage=2"))
	write(t, e, "db", batchOf(t, "disk", "10 host=a free=1i"))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", "30 host=a usage=3")) // buffered only
	v := e.SchemaVersion()

	require.NoError(t, e.DropTable(ctx, "db", "cpu"))
	require.Greater(t, e.SchemaVersion(), v, "plans that read the table are stale")
	_, err := e.TableSchema("db", "cpu")
	require.ErrorContains(t, err, `table "cpu" does not exist`)
	_, err = os.Stat(filepath.Join(dir, "dbs", "db", "cpu"))
	require.True(t, os.IsNotExist(err), "the table's files are deleted")
	err = e.DropTable(ctx, "db", "disks")
	require.ErrorContains(t, err, `table "disks" does not exist in database "db"`)
	require.Equal(t, CodeNotFound, err.(*Error).Code)
	require.Contains(t, err.(*Error).Hint, `"disk"`)
	require.ErrorContains(t, e.DropTable(ctx, "nodb", "cpu"), `database "nodb" does not exist`)

	// The name again, a field of another type: a new table.
	write(t, e, "db", batchOf(t, "cpu", `40 host=c usage="high"`))
	require.NoError(t, e.Close())
	e = openTest(t, dir)
	defer e.Close()
	require.Equal(t, []string{`time=40 host=c usage=high`}, scanOrNone(t, e, "db", "cpu"))
	typ, ok := e.ColumnType("db", "cpu", "usage")
	require.True(t, ok)
	require.Equal(t, TypeString, typ)
	require.Equal(t, []string{"time=10 host=a free=1"}, scanOrNone(t, e, "db", "disk"))
}

// TestTruncate: every row written before is gone, from files and buffer,
// after a restart too; the table and its columns stay, and later writes
// are kept.
func TestTruncate(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1", fmt.Sprintf("%d host=b usage=2", int64(48*time.Hour))))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", "30 host=a usage=3"))
	write(t, e, "db", batchOf(t, "disk", "10 host=a free=1i"))
	dropped, err := e.Truncate(ctx, "db", "cpu")
	require.NoError(t, err)
	require.Len(t, dropped, 2, "both days")
	require.Empty(t, scanOrNone(t, e, "db", "cpu"))
	cols, err := e.TableSchema("db", "cpu")
	require.NoError(t, err)
	require.Len(t, cols, 3, "time, host and usage stay")
	write(t, e, "db", batchOf(t, "cpu", "50 host=z usage=5"))
	e.abandon()
	e = openTest(t, dir)
	defer e.Close()
	require.Equal(t, []string{"time=50 host=z usage=5"}, scanOrNone(t, e, "db", "cpu"))
	require.Equal(t, []string{"time=10 host=a free=1"}, scanOrNone(t, e, "db", "disk"))
	_, err = e.Truncate(ctx, "db", "nope")
	require.ErrorContains(t, err, `table "nope" does not exist`)
}

// scanOrNone is scan of a table, nil when it or its database is gone.
func scanOrNone(t *testing.T, e *Engine, db, table string) []string {
	t.Helper()
	req := all(table)
	req.Database = db
	if _, err := e.TableSchema(db, table); err != nil {
		return nil
	}
	return scan(t, e, req)
}

// TestChunkCreationTimes: a chunk was created by its first write, which
// persists and compactions keep.
func TestChunkCreationTimes(t *testing.T) {
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	e := openTest(t, t.TempDir(), func(o *Options) { o.Now = clock })
	defer e.Close()
	first := clock().UnixNano()
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1"))
	advance(time.Hour)
	write(t, e, "db", batchOf(t, "cpu", fmt.Sprintf("%d host=a usage=2", int64(24*time.Hour)+10)))
	require.Equal(t, []int64{first, first + int64(time.Hour)}, createdOf(e.TableChunks("db", "cpu")), "buffered: each day's first write")
	advance(time.Hour)
	require.NoError(t, e.Persist(ctx))
	require.Equal(t, []int64{first, first + int64(time.Hour)}, createdOf(e.TableChunks("db", "cpu")), "persisted")
	advance(time.Hour)
	write(t, e, "db", batchOf(t, "cpu", "20 host=b usage=3"))
	require.NoError(t, e.Persist(ctx))
	advance(time.Hour)
	st, err := e.Compact(ctx, true)
	require.NoError(t, err)
	require.Equal(t, 1, st.Partitions)
	require.Equal(t, []int64{first, first + int64(time.Hour)}, createdOf(e.TableChunks("db", "cpu")), "compacted")
}

func createdOf(chunks []Chunk) []int64 {
	out := make([]int64, len(chunks))
	for i, c := range chunks {
		out[i] = c.Created
	}
	return out
}

// TestChunkUncompressedBytes reads the files' plain sizes by day: the 8
// bytes of every time and float, a tag's bytes and 4 (pqfile's
// TestPlainSize checks the count), more than the compressed file for
// repetitive values, and nothing for a day whose rows are all buffered.
func TestChunkUncompressedBytes(t *testing.T) {
	e := openTest(t, t.TempDir())
	defer e.Close()
	day := int64(24 * time.Hour)
	const n = 4000
	rows := make([]string, n)
	for i := range rows {
		rows[i] = fmt.Sprintf("%d host=a usage=%d.5", int64(i)*int64(time.Second), i%3)
	}
	write(t, e, "db", batchOf(t, "cpu", rows...))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", fmt.Sprintf("%d host=b usage=4", 3*day)))
	raw, err := e.ChunkUncompressedBytes(ctx, "db", "cpu")
	require.NoError(t, err)
	require.Len(t, raw, 1, "the buffered day has no file")
	chunks := e.TableChunks("db", "cpu")
	require.Equal(t, int64(0), chunks[0].Day)
	require.Equal(t, int64((8+8+1+4)*n), raw[0])
	require.Greater(t, raw[0], chunks[0].Bytes, "repetitive values compress")

	_, err = e.ChunkUncompressedBytes(ctx, "db", "nope")
	require.Error(t, err)
}
