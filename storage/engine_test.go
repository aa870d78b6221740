package storage

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var ctx = context.Background()

func openTest(t testing.TB, dir string, opts ...func(*Options)) *Engine {
	t.Helper()
	o := Options{DataDir: dir, MaintenanceInterval: time.Hour}
	for _, f := range opts {
		f(&o)
	}
	e, err := Open(o)
	require.NoError(t, err)
	return e
}

// abandon stops an engine the way a crash would, without persisting its
// buffer (acknowledged writes are in the WAL already).
func (e *Engine) abandon() {
	close(e.stop)
	e.wg.Wait()
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	e.wal.Close()
	e.lock.Close()
}

// scan returns every row of a table, sorted, as rowsOf renders them.
func scan(t *testing.T, e *Engine, req ScanRequest) []string {
	t.Helper()
	snap, err := e.Snapshot(req)
	require.NoError(t, err)
	defer snap.Release()
	r := snap.Reader(ctx)
	defer r.Release()
	var rows []string
	for r.Next() {
		require.True(t, r.Record().Schema().Equal(snap.Schema()), "every record has the snapshot's schema")
		rows = append(rows, rowsOf(t, r.Record())...)
	}
	require.NoError(t, r.Err())
	sort.Strings(rows)
	return rows
}

func write(t *testing.T, e *Engine, db string, batches ...*TableBatch) {
	t.Helper()
	require.NoError(t, e.Write(ctx, db, batches, WriteOptions{}))
}

func all(table string) ScanRequest { return ScanRequest{Database: "db", Table: table} }

func TestWriteReadPersistRestart(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1", "20 host=b usage=2"))
	want := []string{"time=10 host=a usage=1", "time=20 host=b usage=2"}
	require.Equal(t, want, scan(t, e, all("cpu")), "visible from the buffer at once")

	require.NoError(t, e.Persist(ctx))
	require.Equal(t, want, scan(t, e, all("cpu")), "visible from the file")
	files, err := filepath.Glob(filepath.Join(dir, "dbs", "db", "cpu", "1970-01-01", "*.parquet"))
	require.NoError(t, err)
	require.Len(t, files, 1)

	write(t, e, "db", batchOf(t, "cpu", "30 host=a usage=3"))
	require.NoError(t, e.Close())
	require.Error(t, e.Write(ctx, "db", []*TableBatch{batchOf(t, "cpu", "40 host=a usage=4")}, WriteOptions{}), "closed engine refuses writes")

	e = openTest(t, dir)
	defer e.Close()
	require.Equal(t, append(want, "time=30 host=a usage=3"), scan(t, e, all("cpu")))
}

func TestCrashReplaysWAL(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1"))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", "20 host=a usage=2,n=5i"))
	write(t, e, "db", batchOf(t, "mem", "20 host=a free=7i"))
	e.abandon()

	e = openTest(t, dir)
	defer e.Close()
	require.Equal(t, []string{"time=10 host=a usage=1", "time=20 host=a usage=2 n=5"}, scan(t, e, all("cpu")))
	require.Equal(t, []string{"time=20 host=a free=7"}, scan(t, e, all("mem")))
	cols, err := e.TableSchema("db", "cpu")
	require.NoError(t, err)
	require.Equal(t, []ColumnMeta{{Name: "time", Type: TypeTime, Num: 1}, {Name: "host", Type: TypeTag, Num: 2}, {Name: "usage", Type: TypeFloat, Num: 3},
		{Name: "n", Type: TypeInt, Num: 4}}, cols, "columns added by unpersisted writes come back from the WAL")
}

func TestDedupAcrossBufferFilesAndCompaction(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	defer e.Close()
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1,n=1i", "20 host=a usage=1"))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=2"))
	want := []string{"time=10 host=a usage=2 n=1", "time=20 host=a usage=1"}
	require.Equal(t, want, scan(t, e, all("cpu")), "buffer overrides file, field by field")

	require.NoError(t, e.Persist(ctx))
	require.Equal(t, want, scan(t, e, all("cpu")), "newer file overrides older file")

	write(t, e, "db", batchOf(t, "cpu", "20 host=a n=9i"))
	require.NoError(t, e.Persist(ctx))
	st, err := e.Compact(ctx, true)
	require.NoError(t, err)
	require.Equal(t, 1, st.Partitions)
	require.Equal(t, 3, st.FilesIn)
	require.EqualValues(t, 2, st.RowsOut)
	want = []string{"time=10 host=a usage=2 n=1", "time=20 host=a usage=1 n=9"}
	require.Equal(t, want, scan(t, e, all("cpu")))
	files, err := filepath.Glob(filepath.Join(dir, "dbs", "db", "cpu", "*", "*.parquet"))
	require.NoError(t, err)
	require.Len(t, files, 1, "compaction deleted the inputs")

	write(t, e, "db", batchOf(t, "cpu", "20 host=a usage=5"))
	require.Equal(t, []string{"time=10 host=a usage=2 n=1", "time=20 host=a usage=5 n=9"}, scan(t, e, all("cpu")),
		"writes after compaction still win over the compacted file")
}

func TestSchemaEvolutionAndTypeConflict(t *testing.T) {
	e := openTest(t, t.TempDir())
	defer e.Close()
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1"))
	write(t, e, "db", batchOf(t, "cpu", "20 host=b,rack=r1 usage=2,note=\"hi\""))
	require.Equal(t, []string{"time=10 host=a usage=1", "time=20 host=b rack=r1 usage=2 note=hi"}, scan(t, e, all("cpu")))
	cols, err := e.TableSchema("db", "cpu")
	require.NoError(t, err)
	require.Equal(t, []ColumnMeta{{Name: "time", Type: TypeTime, Num: 1}, {Name: "host", Type: TypeTag, Num: 2}, {Name: "rack", Type: TypeTag, Num: 4},
		{Name: "usage", Type: TypeFloat, Num: 3}, {Name: "note", Type: TypeString, Num: 5}}, cols,
		"new tags join the tags, new fields go last; SQL shows both after the others")

	err = e.Write(ctx, "db", []*TableBatch{batchOf(t, "mem", "30 host=a free=1i"), batchOf(t, "cpu", "30 host=a usage=3i")}, WriteOptions{})
	require.EqualError(t, err, `invalid column type for column 'usage', expected float, got integer (table "cpu" already stores "usage" as float; write it as float or use another column name)`)
	_, err = e.TableSchema("db", "mem")
	require.Error(t, err, "a rejected write stores nothing, not even its other tables")

	err = e.Write(ctx, "db", []*TableBatch{batchOf(t, "cpu", "30 - host=1i")}, WriteOptions{})
	require.ErrorContains(t, err, "column 'host' of table 'cpu' is a tag, it cannot be written as a field")
	require.Len(t, scan(t, e, all("cpu")), 2)
}

func TestSnapshotRangeColumnsAndErrors(t *testing.T) {
	e := openTest(t, t.TempDir())
	defer e.Close()
	day := int64(24 * time.Hour)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1,n=1i", fmt.Sprintf("%d host=a usage=2", day+5), fmt.Sprintf("%d host=b usage=3", 2*day)))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", fmt.Sprintf("%d host=c usage=4", day+6)))

	rows := scan(t, e, ScanRequest{Database: "db", Table: "cpu", Columns: []string{"usage", "time"}, Range: TimeRange{Min: 11, Max: 2 * day}})
	require.Equal(t, []string{fmt.Sprintf("usage=2 time=%d", day+5), fmt.Sprintf("usage=4 time=%d", day+6)}, rows)

	snap, err := e.Snapshot(ScanRequest{Database: "db", Table: "cpu"})
	require.NoError(t, err)
	days := map[int64]bool{}
	for _, sp := range snap.Splits() {
		days[sp.Day()] = true
	}
	snap.Release()
	require.Equal(t, map[int64]bool{0: true, 1: true, 2: true}, days, "one partition per UTC day")

	_, err = e.Snapshot(ScanRequest{Database: "db", Table: "cpu", Columns: []string{"usge"}})
	require.EqualError(t, err, `column "usge" does not exist in table "cpu" (did you mean "usage"?)`)
	_, err = e.Snapshot(ScanRequest{Database: "db", Table: "cpux"})
	require.EqualError(t, err, `table "cpux" does not exist in database "db" (did you mean "cpu"?)`)
	_, err = e.Snapshot(ScanRequest{Database: "nope", Table: "cpu"})
	require.ErrorContains(t, err, `database "nope" does not exist`)
}

func TestRetention(t *testing.T) {
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	dir := t.TempDir()
	e := openTest(t, dir, func(o *Options) { o.Now = clock })
	defer e.Close()
	ts := func(d time.Duration) int64 { return now.Add(-d).UnixNano() }
	require.NoError(t, e.CreateDatabase(ctx, "db", 0))
	write(t, e, "db", batchOf(t, "cpu",
		fmt.Sprintf("%d host=a usage=1", ts(72*time.Hour)),
		fmt.Sprintf("%d host=a usage=2", ts(30*time.Hour)),
		fmt.Sprintf("%d host=a usage=3", ts(time.Hour))))
	require.NoError(t, e.Persist(ctx))
	require.Len(t, scan(t, e, all("cpu")), 3)

	require.NoError(t, e.SetRetention(ctx, "db", 48*time.Hour))
	rows := scan(t, e, all("cpu"))
	require.Len(t, rows, 2, "expired rows are hidden at once: %v", rows)

	removed, err := e.EnforceRetention(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, removed, "the partition 72h old is deleted whole")
	parts, err := filepath.Glob(filepath.Join(dir, "dbs", "db", "cpu", "*"))
	require.NoError(t, err)
	require.Len(t, parts, 2)

	require.Error(t, e.SetRetention(ctx, "db", time.Minute), "retention under an hour is refused")
	require.ErrorContains(t, e.CreateDatabase(ctx, "db", 0), "already exists")
}

// TestTableRetention: a table's own period replaces its database's for it
// alone (longer or shorter), hides its rows at once, in the buffer as in
// files, deletes its files at the retention pass, leaves the other tables
// alone, and survives a crash; 0 returns it to the database's period.
func TestTableRetention(t *testing.T) {
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	dir := t.TempDir()
	e := openTest(t, dir, func(o *Options) { o.Now = clock })
	ts := func(d time.Duration) int64 { return now.Add(-d).UnixNano() }
	for _, table := range []string{"cpu", "mem", "disk"} {
		write(t, e, "db", batchOf(t, table,
			fmt.Sprintf("%d host=a v=1", ts(120*time.Hour)),
			fmt.Sprintf("%d host=a v=2", ts(72*time.Hour)),
			fmt.Sprintf("%d host=a v=3", ts(30*time.Hour))))
	}
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", fmt.Sprintf("%d host=b v=4", ts(50*time.Hour))), batchOf(t, "cpu", fmt.Sprintf("%d host=b v=5", ts(time.Hour))))

	require.NoError(t, e.SetRetention(ctx, "db", 100*time.Hour))
	require.NoError(t, e.SetTableRetention(ctx, "db", "cpu", 48*time.Hour))
	require.NoError(t, e.SetTableRetention(ctx, "db", "mem", 1000*time.Hour))
	require.Len(t, scan(t, e, all("cpu")), 2, "rows past cpu's own 48h are hidden at once, buffered ones too")
	require.Len(t, scan(t, e, all("mem")), 3, "mem's longer period replaces the database's 100h")
	require.Len(t, scan(t, e, all("disk")), 2, "disk keeps the database's period")
	own, dbPeriod, err := e.TableRetention("db", "cpu")
	require.NoError(t, err)
	require.Equal(t, [2]time.Duration{48 * time.Hour, 100 * time.Hour}, [2]time.Duration{own, dbPeriod})

	removed, err := e.EnforceRetention(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, removed, "cpu's files 120h and 72h old, disk's 120h old; mem loses none")
	for table, n := range map[string]int{"cpu": 1, "mem": 3, "disk": 2} {
		parts, err := filepath.Glob(filepath.Join(dir, "dbs", "db", table, "*"))
		require.NoError(t, err)
		require.Len(t, parts, n, table)
	}

	e.abandon() // the period was committed before SetTableRetention returned
	e = openTest(t, dir, func(o *Options) { o.Now = clock })
	defer e.Close()
	require.Len(t, scan(t, e, all("cpu")), 2, "after a crash: the WAL's rows at 50h stay hidden")
	require.NoError(t, e.Persist(ctx))
	require.Len(t, scan(t, e, all("cpu")), 2)
	own, _, err = e.TableRetention("db", "cpu")
	require.NoError(t, err)
	require.Equal(t, 48*time.Hour, own)

	require.NoError(t, e.SetTableRetention(ctx, "db", "mem", 0))
	require.Len(t, scan(t, e, all("mem")), 2, "back to the database's 100h")
	require.ErrorContains(t, e.SetTableRetention(ctx, "db", "cpu", time.Minute), "shorter than the minimum of 1h")
	err = e.SetTableRetention(ctx, "db", "cpux", time.Hour)
	require.Equal(t, CodeNotFound, err.(*Error).Code)
	require.ErrorContains(t, err, `did you mean "cpu"`)
}

func TestDropDatabaseStaysDropped(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1"))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", "20 host=a usage=1"))
	require.NoError(t, e.DropDatabase(ctx, "db"))
	e.abandon()
	e = openTest(t, dir)
	defer e.Close()
	require.Empty(t, e.Databases())
	_, err := os.Stat(filepath.Join(dir, "dbs", "db"))
	require.True(t, os.IsNotExist(err), "files of the dropped database are gone")
}

// TestCreateTable: a table created empty keeps its columns across a
// restart, a write of another type for one of them is refused, a write of
// new columns adds them, and a second create fails.
func TestCreateTable(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	cols := []ColumnMeta{{Name: "time", Type: TypeTime}, {Name: "usage", Type: TypeFloat}, {Name: "host", Type: TypeTag},
		{Name: "note", Type: TypeString}, {Name: "region", Type: TypeTag}}
	require.NoError(t, e.CreateTable(ctx, "db", "cpu", cols))
	err := e.CreateTable(ctx, "db", "cpu", cols)
	require.Equal(t, CodeAlreadyExists, err.(*Error).Code)
	require.Error(t, e.CreateTable(ctx, "db", "bad", []ColumnMeta{{Name: "time", Type: TypeFloat}}))
	require.Error(t, e.CreateTable(ctx, "db", "bad", []ColumnMeta{{Name: "v", Type: TypeInt}, {Name: "v", Type: TypeFloat}}))
	_, err = e.TableSchema("db", "bad")
	require.Error(t, err, "a refused create leaves nothing")
	e.abandon() // the create was committed before it returned
	e = openTest(t, dir)
	defer e.Close()
	got, err := e.TableSchema("db", "cpu")
	require.NoError(t, err)
	require.Equal(t, []ColumnMeta{{Name: "time", Type: TypeTime, Num: 1}, {Name: "host", Type: TypeTag, Num: 3}, {Name: "region", Type: TypeTag, Num: 5},
		{Name: "usage", Type: TypeFloat, Num: 2}, {Name: "note", Type: TypeString, Num: 4}}, got,
		"stored: time, the tags, the fields, each in the order given; numbered in the order given")
	require.Empty(t, scan(t, e, all("cpu")))
	err = e.Write(ctx, "db", []*TableBatch{batchOf(t, "cpu", "10 host=a usage=1i")}, WriteOptions{})
	require.Error(t, err, "usage is a float")
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1,extra=2i"))
	require.Equal(t, []string{"time=10 host=a usage=1 extra=2"}, scan(t, e, all("cpu")))
}

// TestCreateView: a materialized view's table keeps its definition
// through a crash, takes only a refresh's writes, and its options change
// in one commit.
func TestCreateView(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	cols := []ColumnMeta{{Name: "time", Type: TypeTime}, {Name: "host", Type: TypeTag}, {Name: "mean", Type: TypeFloat}}
	def := ViewDef{Query: "SELECT time_bucket('1 hour', time) AS bucket, host, avg(usage) AS mean FROM cpu GROUP BY 1, 2",
		Columns: []string{"bucket", "host", "mean"}, Time: "bucket", Continuous: true}
	require.NoError(t, e.CreateView(ctx, "db", "cpu_1h", cols, def))
	require.NoError(t, e.CreateTable(ctx, "db", "cpu", nil))
	_, ok := e.ViewOf("db", "cpu")
	require.False(t, ok, "a plain table")
	err := e.Write(ctx, "db", []*TableBatch{batchOf(t, "cpu_1h", "10 host=a mean=1")}, WriteOptions{})
	require.Error(t, err)
	require.Contains(t, err.Error(), "materialized view")
	require.NoError(t, e.Write(ctx, "db", []*TableBatch{batchOf(t, "cpu_1h", "10 host=a mean=1")}, WriteOptions{Refresh: true}))
	require.NoError(t, e.SetViewOptions(ctx, "db", "cpu_1h", map[string]string{"start_offset": "3 days"}))

	e.abandon()
	e = openTest(t, dir)
	defer e.Close()
	got, ok := e.ViewOf("db", "cpu_1h")
	require.True(t, ok)
	def.Options = map[string]string{"start_offset": "3 days"}
	require.Equal(t, def, got)
	require.Equal(t, []string{"time=10 host=a mean=1"}, scan(t, e, all("cpu_1h")), "the refresh's row, from the WAL")
	require.Error(t, e.SetViewOptions(ctx, "db", "cpu", nil), "a plain table has no view options")
	require.NoError(t, e.DropTable(ctx, "db", "cpu_1h"))
	_, ok = e.ViewOf("db", "cpu_1h")
	require.False(t, ok)
}

// TestPlainViews: a view keeps its query through a crash, shares its
// name space with the tables (a table, a view or a write cannot take a
// name the other has), is replaced only when asked, and is dropped.
func TestPlainViews(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	v := PlainView{Name: "busy", Query: "SELECT host FROM cpu", Columns: []string{"h"}, QueryColumns: []string{"host"}}
	require.NoError(t, e.DefineView(ctx, "db", v, false))
	require.NoError(t, e.CreateTable(ctx, "db", "cpu", nil))
	code := func(err error) Code {
		var se *Error
		require.ErrorAs(t, err, &se)
		return se.Code
	}
	require.Equal(t, CodeAlreadyExists, code(e.DefineView(ctx, "db", v, false)))
	require.Equal(t, CodeAlreadyExists, code(e.DefineView(ctx, "db", PlainView{Name: "cpu", Query: "SELECT 1"}, true)))
	require.Equal(t, CodeAlreadyExists, code(e.CreateTable(ctx, "db", "busy", nil)))
	err := e.Write(ctx, "db", []*TableBatch{batchOf(t, "busy", "10 host=a usage=1")}, WriteOptions{})
	require.Equal(t, CodeInvalidArgument, code(err))
	_, err = e.TableSchema("db", "busy")
	require.Error(t, err, "the refused write made no table")
	v.Query = "SELECT host FROM cpu WHERE usage > 1"
	require.NoError(t, e.DefineView(ctx, "db", v, true))
	require.NoError(t, e.DefineView(ctx, "db", PlainView{Name: "a_first", Query: "SELECT 1", Columns: []string{"x"}}, false))

	e.abandon()
	e = openTest(t, dir)
	defer e.Close()
	got, ok := e.PlainViewOf("db", "busy")
	require.True(t, ok)
	require.Equal(t, v, got)
	require.Equal(t, []string{"a_first", "busy"}, []string{e.PlainViews("db")[0].Name, e.PlainViews("db")[1].Name})
	_, ok = e.PlainViewOf("db", "cpu")
	require.False(t, ok, "a table is not a view")
	require.NoError(t, e.DropView(ctx, "db", "busy"))
	require.Equal(t, CodeNotFound, code(e.DropView(ctx, "db", "busy")))
	require.Len(t, e.PlainViews("db"), 1)
	require.NoError(t, e.CreateTable(ctx, "db", "busy", nil), "the name is free again")
}

func TestOrphanFilesRemovedAtOpen(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1"))
	require.NoError(t, e.Close())
	orphan := filepath.Join(dir, "dbs", "db", "cpu", "1970-01-01", "00000000000000000099.parquet")
	require.NoError(t, os.WriteFile(orphan, []byte("half a file"), 0o644))
	e = openTest(t, dir)
	defer e.Close()
	_, err := os.Stat(orphan)
	require.True(t, os.IsNotExist(err))
	require.Len(t, scan(t, e, all("cpu")), 1)
}

func TestNamesBecomeSafePaths(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	defer e.Close()
	write(t, e, "../evil", batchOf(t, "../../etc", "10 - v=1"))
	require.NoError(t, e.Persist(ctx))
	var keys []string
	require.NoError(t, filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(p, dir))
		if strings.HasSuffix(p, ".parquet") {
			keys = append(keys, strings.TrimPrefix(p, dir))
		}
		return nil
	}))
	require.Equal(t, []string{"/dbs/%2E%2E%2Fevil/%2E%2E%2F%2E%2E%2Fetc/1970-01-01/00000000000000000001.parquet"}, keys)
	require.Equal(t, []string{"time=10 v=1"}, scan(t, e, ScanRequest{Database: "../evil", Table: "../../etc"}))
}

func TestBackpressureKeepsMemoryBounded(t *testing.T) {
	e := openTest(t, t.TempDir(), func(o *Options) { o.FlushBytes = 4 << 10; o.MaxBufferBytes = 8 << 10 })
	defer e.Close()
	for i := 0; i < 200; i++ {
		rows := make([]string, 50)
		for j := range rows {
			rows[j] = fmt.Sprintf("%d host=h%d usage=%d", i*1000+j, j%7, j)
		}
		write(t, e, "db", batchOf(t, "cpu", rows...))
		e.mu.RLock()
		buffered := e.bufferedBytesLocked()
		e.mu.RUnlock()
		require.LessOrEqual(t, buffered, int64(8<<10)+int64(16<<10), "buffer stays near its limit")
	}
	require.Len(t, scan(t, e, all("cpu")), 200*50)
}

func TestConcurrentWritersAndReaders(t *testing.T) {
	e := openTest(t, t.TempDir(), func(o *Options) { o.FlushBytes = 64 << 10 })
	const writers, writes, rows = 4, 40, 25
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < writes; i++ {
				lines := make([]string, rows)
				for j := range lines {
					lines[j] = fmt.Sprintf("%d host=w%d,row=r%d v=%d", i, w, j, i)
				}
				require.NoError(t, e.Write(ctx, "db", []*TableBatch{batchOf(t, "cpu", lines...)}, WriteOptions{NoSync: i%2 == 0}))
			}
		}(w)
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Add(1)
	go func() {
		defer readers.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if snap, err := e.Snapshot(all("cpu")); err == nil {
				r := snap.Reader(ctx)
				for r.Next() {
				}
				require.NoError(t, r.Err())
				r.Release()
				snap.Release()
			}
			if _, err := e.Compact(ctx, true); err != nil {
				require.NoError(t, err)
			}
		}
	}()
	wg.Wait()
	close(stop)
	readers.Wait()
	require.Len(t, scan(t, e, all("cpu")), writers*writes*rows)
	require.NoError(t, e.Close())
}

func TestDataDirIsLocked(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	_, err := Open(Options{DataDir: dir})
	require.ErrorContains(t, err, "is in use by another Strata process")
	require.NoError(t, e.Close())
	e = openTest(t, dir)
	require.NoError(t, e.Close())
}

// persistedWithSplitRows sets splitRows to n for the test and returns an
// engine holding lines persisted to one file.
func persistedWithSplitRows(t *testing.T, n int64, lines []string) *Engine {
	t.Helper()
	old := splitRows
	t.Cleanup(func() { splitRows = old })
	splitRows = n
	e := openTest(t, t.TempDir())
	t.Cleanup(func() { e.Close() })
	write(t, e, "db", batchOf(t, "cpu", lines...))
	require.NoError(t, e.Persist(ctx))
	return e
}

// TestLargeFileReadInWindows: a file of more than two windows of rows is
// split into row windows that together return each row once, in file
// order, with and without a time range.
func TestLargeFileReadInWindows(t *testing.T) {
	var lines []string
	for i := range 130 {
		lines = append(lines, fmt.Sprintf("%d host=h%d usage=%d", 10+i%13, i/13, i))
	}
	e := persistedWithSplitRows(t, 40, lines)

	snap, err := e.Snapshot(all("cpu"))
	require.NoError(t, err)
	require.Len(t, snap.Splits(), 3, "130 rows in windows of about 40")
	var got []string
	r := snap.Reader(ctx)
	for r.Next() {
		got = append(got, rowsOf(t, r.Record())...)
	}
	require.NoError(t, r.Err())
	r.Release()
	snap.Release()
	require.Len(t, got, 130)
	// The file holds rows by host, then time; the windows keep that order.
	inFileOrder := slices.Clone(got)
	sort.SliceStable(inFileOrder, func(i, j int) bool {
		hi, hj := strings.Fields(inFileOrder[i])[1], strings.Fields(inFileOrder[j])[1]
		if hi != hj {
			return hi < hj
		}
		return strings.Fields(inFileOrder[i])[0] < strings.Fields(inFileOrder[j])[0]
	})
	require.Equal(t, inFileOrder, got)

	want := scan(t, e, all("cpu"))
	sort.Strings(got)
	require.Equal(t, want, got)
	rows := scan(t, e, ScanRequest{Database: "db", Table: "cpu", Range: TimeRange{Min: 12, Max: 14}})
	require.Len(t, rows, 20, "times 12 and 13 of each of 10 hosts")
}

// TestSmallFileIsOneSplit: a file too small to be cut into windows stays
// one split, is not opened at snapshot time (no candidate rows computed,
// so even a filter no row meets keeps it), and estimates its rows.
func TestSmallFileIsOneSplit(t *testing.T) {
	var lines []string
	for i := range 5000 {
		lines = append(lines, fmt.Sprintf("%d host=h%d usage=%d", i, i%3, i))
	}
	e := persistedWithSplitRows(t, 4096, lines)
	for _, req := range []ScanRequest{all("cpu"), {Database: "db", Table: "cpu", Tags: []TagFilter{{Column: "host", Values: []string{"zz"}}}}} {
		snap, err := e.Snapshot(req)
		require.NoError(t, err)
		require.Len(t, snap.Splits(), 1)
		sp := snap.Splits()[0]
		require.Equal(t, [2]int64{0, 0}, sp.rows, "the whole file")
		require.EqualValues(t, 5000, sp.EstimatedRows())
		snap.Release()
	}
}

// TestRestartsLeaveNoEmptyWALSegments: every start opens a WAL segment;
// starts without writes do not pile them up, and a segment holding writes
// not yet persisted is kept and replayed.
func TestRestartsLeaveNoEmptyWALSegments(t *testing.T) {
	dir := t.TempDir()
	segments := func() int {
		files, err := filepath.Glob(filepath.Join(dir, "wal", "*.wal"))
		require.NoError(t, err)
		return len(files)
	}
	for range 5 {
		require.NoError(t, openTest(t, dir).Close())
	}
	require.LessOrEqual(t, segments(), 2, "five starts without writes")

	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1"))
	require.NoError(t, e.Close())
	e = openTest(t, dir)
	require.Equal(t, []string{"time=10 host=a usage=1"}, scan(t, e, all("cpu")), "the unpersisted write is replayed")
	require.NoError(t, e.Close())
	e = openTest(t, dir)
	require.Equal(t, []string{"time=10 host=a usage=1"}, scan(t, e, all("cpu")), "and again after another start")
	require.NoError(t, e.Close())
}

// TestWindowsFollowCandidateRows: a file's row windows cover only the rows
// its page indexes leave for the request, so a scan of one series reads
// one or two windows of the pages holding it, a filter no page can meet
// reads no window, and the rows read are the same either way.
func TestWindowsFollowCandidateRows(t *testing.T) {
	var lines []string
	for h := range 20 {
		for ts := 1; ts <= 2000; ts++ {
			lines = append(lines, fmt.Sprintf("%d host=h%02d usage=%d", ts, h, ts))
		}
	}
	e := persistedWithSplitRows(t, 4096, lines)

	windowRows := func(req ScanRequest) (n int, rows int64) {
		snap, err := e.Snapshot(req)
		require.NoError(t, err)
		defer snap.Release()
		for _, sp := range snap.Splits() {
			require.False(t, sp.merge)
			rows += sp.rows[1] - sp.rows[0]
		}
		return len(snap.Splits()), rows
	}
	n, rows := windowRows(all("cpu"))
	require.Equal(t, 9, n, "40,000 rows in windows of about 4,096")
	require.EqualValues(t, 40000, rows)

	// h07's rows are 14,000..15,999: all in the second page of 8,192 rows.
	one := ScanRequest{Database: "db", Table: "cpu", Tags: []TagFilter{{Column: "host", Values: []string{"h07"}}}}
	n, rows = windowRows(one)
	require.Equal(t, 2, n)
	require.EqualValues(t, 8192, rows, "the windows cover the one page that may hold h07")
	// Storage returns the rows of the candidate pages; the exact tag
	// filter is the query's.
	count := func(rows []string, host string, lo, hi int) int {
		n := 0
		for _, r := range rows {
			var ts, usage int
			var h string
			_, err := fmt.Sscanf(r, "time=%d host=%s usage=%d", &ts, &h, &usage)
			require.NoError(t, err)
			if h == host && ts >= lo && ts < hi {
				n++
			}
		}
		return n
	}
	got := scan(t, e, one)
	require.Len(t, got, 8192)
	require.Equal(t, 2000, count(got, "h07", 0, 3000))

	none := ScanRequest{Database: "db", Table: "cpu", Tags: []TagFilter{{Column: "host", Values: []string{"zz"}}}}
	n, _ = windowRows(none)
	require.Zero(t, n, "no page may hold host zz: no window")
	require.Empty(t, scan(t, e, none))

	// Two hosts pages apart: the windows span from the first page to the
	// last and the rows between are skipped again by the reader.
	two := ScanRequest{Database: "db", Table: "cpu", Range: TimeRange{Min: 100, Max: 200},
		Tags: []TagFilter{{Column: "host", Values: []string{"h01", "h18"}}}}
	got = scan(t, e, two)
	require.Equal(t, 100, count(got, "h01", 100, 200))
	require.Equal(t, 100, count(got, "h18", 100, 200))
}

// TestBufferMergesOnlyItsTimeSpan: while writes stream into the buffer,
// only the buffer's time span of an overlapping file is merged; the
// file's rows before and after it are read directly, and every row still
// comes back once, the buffer's fields winning.
func TestBufferMergesOnlyItsTimeSpan(t *testing.T) {
	e := openTest(t, t.TempDir())
	defer e.Close()
	var lines []string
	for ts := 10; ts <= 100; ts += 10 {
		lines = append(lines, fmt.Sprintf("%d host=a usage=%d", ts, ts), fmt.Sprintf("%d host=b usage=%d", ts, ts+1))
	}
	write(t, e, "db", batchOf(t, "cpu", lines...))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", "50 host=a usage=500", "55 host=c usage=7", "60 host=b n=6i"))

	snap, err := e.Snapshot(all("cpu"))
	require.NoError(t, err)
	var merged, direct int
	var trs []TimeRange
	for _, sp := range snap.Splits() {
		if sp.merge {
			merged++
			require.Equal(t, TimeRange{Min: 50, Max: 61}, sp.tr, "the merge covers the buffer's span only")
		} else {
			direct++
			trs = append(trs, sp.tr)
		}
	}
	snap.Release()
	require.Equal(t, 1, merged)
	require.Equal(t, []TimeRange{{Min: 10, Max: 50}, {Min: 61, Max: 101}}, trs, "the file on either side, to its own span")

	want := []string{}
	for ts := 10; ts <= 100; ts += 10 {
		a, b := fmt.Sprintf("time=%d host=a usage=%d", ts, ts), fmt.Sprintf("time=%d host=b usage=%d", ts, ts+1)
		switch ts {
		case 50:
			a = "time=50 host=a usage=500"
		case 60:
			b = "time=60 host=b usage=61 n=6"
		}
		want = append(want, a, b)
	}
	want = append(want, "time=55 host=c usage=7")
	sort.Strings(want)
	require.Equal(t, want, scan(t, e, all("cpu")))
	require.Equal(t, []string{"time=40 host=a usage=40", "time=40 host=b usage=41", "time=50 host=a usage=500", "time=50 host=b usage=51", "time=55 host=c usage=7"},
		scan(t, e, ScanRequest{Database: "db", Table: "cpu", Range: TimeRange{Min: 40, Max: 56}}))
}

// TestSchemaVersion: the version moves when a database, table or column
// comes or goes, or a retention period changes, and not for rows alone.
func TestSchemaVersion(t *testing.T) {
	e := openTest(t, t.TempDir())
	defer e.Close()
	steps := []struct {
		name    string
		do      func() error
		changes bool
	}{
		{"first write creates database and table", func() error {
			return e.Write(ctx, "db", []*TableBatch{batchOf(t, "cpu", "10 host=a usage=1")}, WriteOptions{})
		}, true},
		{"rows only", func() error {
			return e.Write(ctx, "db", []*TableBatch{batchOf(t, "cpu", "20 host=b usage=2")}, WriteOptions{})
		}, false},
		{"new field", func() error {
			return e.Write(ctx, "db", []*TableBatch{batchOf(t, "cpu", "30 host=a usage=3,idle=4")}, WriteOptions{})
		}, true},
		{"new tag", func() error {
			return e.Write(ctx, "db", []*TableBatch{batchOf(t, "cpu", "40 host=a,dc=x usage=3")}, WriteOptions{})
		}, true},
		{"new table", func() error {
			return e.Write(ctx, "db", []*TableBatch{batchOf(t, "mem", "40 host=a used=3")}, WriteOptions{})
		}, true},
		{"refused write", func() error {
			if err := e.Write(ctx, "db", []*TableBatch{batchOf(t, "cpu", "50 host=a usage=\"x\"")}, WriteOptions{}); err == nil {
				return fmt.Errorf("a string into a float column was accepted")
			}
			return nil
		}, false},
		{"create database", func() error { return e.CreateDatabase(ctx, "other", 0) }, true},
		{"retention", func() error { return e.SetRetention(ctx, "other", 48*time.Hour) }, true},
		{"drop database", func() error { return e.DropDatabase(ctx, "other") }, true},
		{"persist", func() error { return e.Persist(ctx) }, false},
	}
	for _, s := range steps {
		before := e.SchemaVersion()
		require.NoError(t, s.do(), s.name)
		require.Equal(t, s.changes, e.SchemaVersion() != before, s.name)
	}
}

// TestPersistSkipsUnstorableRows: a write-buffer partition whose rows no
// file can hold (time math.MaxInt64, which writes now refuse but an older
// WAL may carry, and replay still reads) is skipped: the other partitions
// persist, and persisting no longer fails every time (it blocked every
// persist and, with the buffer full, every write).
func TestPersistSkipsUnstorableRows(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	old := []*TableBatch{batchOf(t, "cpu", "9223372036854775807 host=a usage=1"), batchOf(t, "mem", "10 host=a used=2")}
	require.ErrorContains(t, e.Write(ctx, "db", old, WriteOptions{}), "past the times a row can have")
	ticket, err := e.wal.Append(encodeWrite(nil, "db", old)) // as an older build logged it
	require.NoError(t, err)
	require.NoError(t, ticket.Wait())
	require.NoError(t, e.Close())
	e = openTest(t, dir)
	defer e.Close()
	require.Equal(t, []string{"time=10 host=a used=2"}, scan(t, e, all("mem")), "replayed")
	require.NoError(t, e.Persist(ctx))
	require.Equal(t, []string{"time=10 host=a used=2"}, scan(t, e, all("mem")))
	write(t, e, "db", batchOf(t, "mem", "20 host=a used=3"))
	require.NoError(t, e.Persist(ctx))
	require.Equal(t, []string{"time=10 host=a used=2", "time=20 host=a used=3"}, scan(t, e, all("mem")))
}

// TestFilesMergeOnlyWhereTheyMeet: files persisted while writers run side
// by side overlap at their edges; only those times are merged, the rest of
// each file is read as it is, and the answer is the merged one (the later
// file's fields win, its NULLs do not).
func TestFilesMergeOnlyWhereTheyMeet(t *testing.T) {
	e := openTest(t, t.TempDir())
	defer e.Close()
	var want []string
	// Three files: [0, 100], [90, 200], [190, 300], each host a and b every
	// 10 ns; in the overlaps the later file holds a new value for a, and
	// for b only another field.
	for i, span := range [][2]int{{0, 100}, {90, 200}, {190, 300}} {
		var lines []string
		for ts := span[0]; ts <= span[1]; ts += 10 {
			lines = append(lines, fmt.Sprintf("%d host=a u=%d", ts, 100*i+ts), fmt.Sprintf("%d host=b v=%d", ts, ts))
		}
		if i > 0 {
			lines[len(lines)-1] = fmt.Sprintf("%d host=b w=%d", span[1], i)
			for ts := span[0]; ts <= span[0]+10; ts += 10 {
				lines = append(lines, fmt.Sprintf("%d host=b w=%d", ts, i))
			}
		}
		write(t, e, "db", batchOf(t, "cpu", lines...))
		require.NoError(t, e.Persist(ctx))
	}
	for ts := 0; ts <= 300; ts += 10 {
		file := 0
		switch {
		case ts >= 190:
			file = 2
		case ts >= 90:
			file = 1
		}
		want = append(want, fmt.Sprintf("time=%d host=a u=%d", ts, 100*file+ts))
		b := fmt.Sprintf("time=%d host=b v=%d", ts, ts)
		switch ts {
		case 90, 100:
			b += " w=1"
		case 190, 200:
			b += " w=2"
		case 300:
			b = "time=300 host=b w=2"
		}
		want = append(want, b)
	}
	snap, err := e.Snapshot(all("cpu"))
	require.NoError(t, err)
	var merges, directs []TimeRange
	for _, sp := range snap.Splits() {
		if sp.merge {
			merges = append(merges, sp.tr)
			require.Len(t, sp.files, 2, "a merge reads the two files that meet")
		} else {
			directs = append(directs, sp.tr)
		}
	}
	snap.Release()
	require.Equal(t, []TimeRange{{Min: 90, Max: 101}, {Min: 190, Max: 201}}, merges)
	require.Equal(t, []TimeRange{{Min: 0, Max: 90}, {Min: 101, Max: 190}, {Min: 201, Max: 301}}, directs)
	got := scan(t, e, all("cpu"))
	sort.Strings(want)
	require.Equal(t, want, got)
	require.Equal(t, []string{"time=100 host=a u=200", "time=100 host=b v=100 w=1", "time=110 host=a u=210", "time=110 host=b v=110"},
		scan(t, e, ScanRequest{Database: "db", Table: "cpu", Range: TimeRange{Min: 100, Max: 111}}))

	// Past maxMergeRegions the closest regions join.
	defer func(n int) { maxMergeRegions = n }(maxMergeRegions)
	maxMergeRegions = 1
	snap, err = e.Snapshot(all("cpu"))
	require.NoError(t, err)
	merges = merges[:0]
	for _, sp := range snap.Splits() {
		if sp.merge {
			merges = append(merges, sp.tr)
			require.Len(t, sp.files, 3)
		}
	}
	snap.Release()
	require.Equal(t, []TimeRange{{Min: 90, Max: 201}}, merges)
	require.Equal(t, want, scan(t, e, all("cpu")))
}

// TestCompactLargePartitionByTime: a partition over CompactMaxRows is
// compacted into files of disjoint time spans of about that many rows;
// each key keeps its newest value, also where a file spanning the others
// repeats it, and the result needs no further compaction.
func TestCompactLargePartitionByTime(t *testing.T) {
	e := openTest(t, t.TempDir(), func(o *Options) { o.CompactMaxRows = 25 })
	defer e.Close()
	model := map[string]string{}
	// Six files of 10 or 11 rows (hosts a and b at five times), each
	// starting at the time the one before ends (both write it: the later
	// wins); host c at time 0 is written by files 0, 2 and 5, so files 2
	// and 5 span all the ones before them.
	for i := 0; i < 6; i++ {
		var lines []string
		for k := 0; k < 5; k++ {
			ts := 40*i + 10*k
			for _, h := range []string{"a", "b"} {
				lines = append(lines, fmt.Sprintf("%d host=%s u=%d", ts, h, 100*i+k))
				model[fmt.Sprintf("time=%d host=%s", ts, h)] = fmt.Sprintf("u=%d", 100*i+k)
			}
		}
		if i == 0 || i == 2 || i == 5 {
			lines = append(lines, fmt.Sprintf("0 host=c u=%d", i))
			model["time=0 host=c"] = fmt.Sprintf("u=%d", i)
		}
		write(t, e, "db", batchOf(t, "cpu", lines...))
		require.NoError(t, e.Persist(ctx))
	}
	var want []string
	for k, v := range model {
		want = append(want, k+" "+v)
	}
	sort.Strings(want)
	require.Equal(t, want, scan(t, e, all("cpu")))
	files := func() []*FileMeta {
		e.mu.RLock()
		defer e.mu.RUnlock()
		return slices.Clone(e.liveTableLocked("db", "cpu").Files)
	}
	require.Len(t, files(), 6)
	st, err := e.Compact(ctx, true)
	require.NoError(t, err)
	require.Equal(t, 6, st.FilesIn)
	out := files()
	require.Len(t, out, 3, "63 rows read (52 kept): three outputs of 21 or so")
	require.Equal(t, 3, st.FilesOut)
	slices.SortFunc(out, func(a, b *FileMeta) int { return cmp.Compare(a.MinTime, b.MinTime) })
	var rows int64
	for i, f := range out {
		rows += f.Rows
		require.LessOrEqual(t, f.Rows, int64(25))
		if i > 0 {
			require.Less(t, out[i-1].MaxTime, f.MinTime, "outputs overlap: %+v %+v", out[i-1], f)
		}
	}
	require.Equal(t, int64(len(want)), rows)
	require.Equal(t, want, scan(t, e, all("cpu")))
	// Disjoint files of over half the bound each: nothing more to do.
	st, err = e.Compact(ctx, true)
	require.NoError(t, err)
	require.Zero(t, st.FilesIn)
	// A write over an output's edge merges with that output only.
	write(t, e, "db", batchOf(t, "cpu", fmt.Sprintf("%d host=a u=7", out[1].MaxTime), fmt.Sprintf("%d host=d u=8", out[1].MaxTime)))
	model[fmt.Sprintf("time=%d host=a", out[1].MaxTime)] = "u=7"
	model[fmt.Sprintf("time=%d host=d", out[1].MaxTime)] = "u=8"
	require.NoError(t, e.Persist(ctx))
	st, err = e.Compact(ctx, true)
	require.NoError(t, err)
	require.Equal(t, 2, st.FilesIn)
	want = want[:0]
	for k, v := range model {
		want = append(want, k+" "+v)
	}
	sort.Strings(want)
	require.Equal(t, want, scan(t, e, all("cpu")))
	after := files()
	require.Len(t, after, 3)
	require.Contains(t, after, out[0])
	require.Contains(t, after, out[2])
}

// TestAddColumns: columns added to a table are kept across a restart, in
// their places; one it has with its type is left, with another refused.
func TestAddColumns(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1"))
	v := e.SchemaVersion()
	require.NoError(t, e.AddColumns(ctx, "db", "cpu", []ColumnMeta{{Name: "note", Type: TypeString}, {Name: "region", Type: TypeTag}, {Name: "usage", Type: TypeFloat}}))
	require.Greater(t, e.SchemaVersion(), v)
	err := e.AddColumns(ctx, "db", "cpu", []ColumnMeta{{Name: "n", Type: TypeInt}, {Name: "usage", Type: TypeInt}})
	require.Error(t, err, "usage is a float")
	_, ok := e.ColumnType("db", "cpu", "n")
	require.False(t, ok, "nothing added")
	require.Error(t, e.AddColumns(ctx, "db", "nosuch", []ColumnMeta{{Name: "n", Type: TypeInt}}))
	e.abandon()
	e = openTest(t, dir)
	defer e.Close()
	got, err := e.TableSchema("db", "cpu")
	require.NoError(t, err)
	require.Equal(t, []ColumnMeta{{Name: "time", Type: TypeTime, Num: 1}, {Name: "host", Type: TypeTag, Num: 2}, {Name: "region", Type: TypeTag, Num: 5},
		{Name: "usage", Type: TypeFloat, Num: 3}, {Name: "note", Type: TypeString, Num: 4}}, got)
	require.Equal(t, []string{"time=10 host=a usage=1"}, scan(t, e, all("cpu")))
}

// TestColumnNumbers: SQL's order of a table's columns (ColumnMeta.Num) is
// the order CREATE TABLE gave them, the time column where it was given,
// then each column added after the others; a dropped column's number is
// not given again, across a restart; a catalog written before columns were
// numbered reads them in stored order, as it showed them.
func TestColumnNumbers(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	nums := func(table string) map[string]int {
		t.Helper()
		cols, err := e.TableSchema("db", table)
		require.NoError(t, err)
		out := map[string]int{}
		for _, c := range cols {
			out[c.Name] = c.Num
		}
		return out
	}
	require.NoError(t, e.CreateTable(ctx, "db", "m", []ColumnMeta{{Name: "v", Type: TypeFloat}, {Name: "ts", Type: TypeTime},
		{Name: "msg", Type: TypeString}, {Name: "host", Type: TypeTag}}))
	cols, err := e.TableSchema("db", "m")
	require.NoError(t, err)
	var stored []string
	for _, c := range cols {
		stored = append(stored, c.Name)
	}
	require.Equal(t, []string{"time", "host", "v", "msg"}, stored, "stored order: time, tags, fields")
	require.Equal(t, map[string]int{"v": 1, "time": 2, "msg": 3, "host": 4}, nums("m"))
	require.NoError(t, e.CreateTable(ctx, "db", "n", []ColumnMeta{{Name: "v", Type: TypeFloat}, {Name: "host", Type: TypeTag}}))
	require.Equal(t, map[string]int{"time": 1, "v": 2, "host": 3}, nums("n"), "a time column left out comes first")
	err = e.CreateTable(ctx, "db", "bad", []ColumnMeta{{Name: "a", Type: TypeTime}, {Name: "b", Type: TypeTime}})
	require.ErrorContains(t, err, `"a" and "b" are both given as it`)

	require.NoError(t, e.DropColumn(ctx, "db", "m", "msg"))
	require.NoError(t, e.AddColumns(ctx, "db", "m", []ColumnMeta{{Name: "msg", Type: TypeString}, {Name: "dc", Type: TypeTag}}))
	require.Equal(t, map[string]int{"v": 1, "time": 2, "host": 4, "msg": 5, "dc": 6}, nums("m"))
	require.NoError(t, e.DropColumn(ctx, "db", "m", "msg"))
	write(t, e, "db", batchOf(t, "m", "10 host=a,rack=r v=1,msg=\"x\""))
	require.Equal(t, map[string]int{"v": 1, "time": 2, "host": 4, "dc": 6, "rack": 7, "msg": 8}, nums("m"),
		"a write's new columns come last, tags or fields")
	require.NoError(t, e.Close())
	e = openTest(t, dir)
	require.NoError(t, e.AddColumns(ctx, "db", "m", []ColumnMeta{{Name: "w", Type: TypeInt}}))
	require.Equal(t, 9, nums("m")["w"], "the numbers given are kept across a restart")
	require.NoError(t, e.Close())

	// A catalog from before the numbers.
	data, err := os.ReadFile(filepath.Join(dir, catalogKey))
	require.NoError(t, err)
	var raw map[string]any
	require.NoError(t, json.Unmarshal(data, &raw))
	for _, db := range raw["databases"].([]any) {
		for _, tb := range db.(map[string]any)["tables"].([]any) {
			tb := tb.(map[string]any)
			delete(tb, "natts")
			for _, c := range tb["columns"].([]any) {
				delete(c.(map[string]any), "num")
			}
		}
	}
	data, err = json.Marshal(raw)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, catalogKey), data, 0o644))
	e = openTest(t, dir)
	defer e.Close()
	require.Equal(t, map[string]int{"time": 1, "host": 2, "dc": 3, "rack": 4, "v": 5, "msg": 6, "w": 7}, nums("m"))
	require.NoError(t, e.AddColumns(ctx, "db", "m", []ColumnMeta{{Name: "z", Type: TypeInt}}))
	require.Equal(t, 8, nums("m")["z"])
}
