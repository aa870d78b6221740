package storage

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// catalogFormat reads the format a data directory's catalog was written in.
func catalogFormat(t *testing.T, dir string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, catalogKey))
	require.NoError(t, err)
	var head struct {
		Format int `json:"format"`
	}
	require.NoError(t, json.Unmarshal(data, &head))
	return head.Format
}

func TestRenameAndDropColumns(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a,dc=x usage=1,n=1i", "20 host=b,dc=y usage=2,n=2i"))
	require.NoError(t, e.Persist(ctx))
	// Two rows in a file, one buffered.
	write(t, e, "db", batchOf(t, "cpu", "30 host=a,dc=x usage=3,n=3i"))
	require.Equal(t, 1, catalogFormat(t, dir))

	v := e.SchemaVersion()
	require.NoError(t, e.RenameColumn(ctx, "db", "cpu", "usage", "u"))
	require.NoError(t, e.RenameColumn(ctx, "db", "cpu", "host", "hostname"))
	require.Greater(t, e.SchemaVersion(), v)
	require.Equal(t, 2, catalogFormat(t, dir), "files hold the old names")
	want := []string{"time=10 hostname=a dc=x u=1 n=1", "time=20 hostname=b dc=y u=2 n=2", "time=30 hostname=a dc=x u=3 n=3"}
	require.Equal(t, want, scan(t, e, all("cpu")))
	// A tag filter prunes by the file's tag under its old name (were it
	// read under the new one, the file would hold no such tag and be
	// skipped).
	require.Subset(t, scan(t, e, ScanRequest{Database: "db", Table: "cpu", Tags: []TagFilter{{Column: "hostname", Values: []string{"a"}}}}),
		[]string{"time=10 hostname=a dc=x u=1 n=1", "time=30 hostname=a dc=x u=3 n=3"})
	got, err := e.TableSchema("db", "cpu")
	require.NoError(t, err)
	require.Equal(t, []ColumnMeta{{Name: "time", Type: TypeTime, Num: 1}, {Name: "hostname", Type: TypeTag, Num: 2}, {Name: "dc", Type: TypeTag, Num: 3},
		{Name: "u", Type: TypeFloat, Num: 4}, {Name: "n", Type: TypeInt, Num: 5}}, got, "a renamed column keeps its places")

	// Dropped, a field is gone; added again, it starts empty.
	require.NoError(t, e.DropColumn(ctx, "db", "cpu", "n"))
	require.Equal(t, []string{"time=10 hostname=a dc=x u=1", "time=20 hostname=b dc=y u=2", "time=30 hostname=a dc=x u=3"}, scan(t, e, all("cpu")))
	require.NoError(t, e.AddColumns(ctx, "db", "cpu", []ColumnMeta{{Name: "n", Type: TypeString}}))
	// The old name of a renamed column is free, and starts empty too; a
	// line-protocol write of it makes a new column.
	write(t, e, "db", batchOf(t, "cpu", `40 hostname=c,dc=x usage=9,n="s"`))
	want = []string{"time=10 hostname=a dc=x u=1", "time=20 hostname=b dc=y u=2", "time=30 hostname=a dc=x u=3", "time=40 hostname=c dc=x n=s usage=9"}
	require.Equal(t, want, scan(t, e, all("cpu")))

	// Renamed back and forth, a column reads its file's values again.
	require.NoError(t, e.RenameColumn(ctx, "db", "cpu", "usage", "usage2"))
	require.NoError(t, e.RenameColumn(ctx, "db", "cpu", "u", "usage"))
	want = []string{"time=10 hostname=a dc=x usage=1", "time=20 hostname=b dc=y usage=2", "time=30 hostname=a dc=x usage=3", "time=40 hostname=c dc=x n=s usage2=9"}
	require.Equal(t, want, scan(t, e, all("cpu")))

	// Refused: the time column, tags (dropped), names taken or missing.
	for _, err := range []error{
		e.RenameColumn(ctx, "db", "cpu", "time", "usage"),
		e.RenameColumn(ctx, "db", "cpu", "dc", "time"),
		e.RenameColumn(ctx, "db", "cpu", "dc", "usage"),
		e.RenameColumn(ctx, "db", "cpu", "nosuch", "x"),
		e.RenameColumn(ctx, "db", "nosuch", "dc", "x"),
		e.DropColumn(ctx, "db", "cpu", "time"),
		e.DropColumn(ctx, "db", "cpu", "dc"),
		e.DropColumn(ctx, "db", "cpu", "nosuch"),
	} {
		require.Error(t, err)
	}
	require.Equal(t, want, scan(t, e, all("cpu")), "a refused change changes nothing")

	// A crash and restart: the catalog's maps hold.
	e.abandon()
	e = openTest(t, dir)
	require.Equal(t, want, scan(t, e, all("cpu")))
	// Compaction writes the table's names and retires the maps.
	write(t, e, "db", batchOf(t, "cpu", "50 hostname=a,dc=x usage=5"))
	require.NoError(t, e.Persist(ctx))
	_, err = e.Compact(ctx, true)
	require.NoError(t, err)
	want = append(want, "time=50 hostname=a dc=x usage=5")
	require.Equal(t, want, scan(t, e, all("cpu")))
	e.mu.RLock()
	for _, f := range e.cat.database("db").table("cpu").Files {
		require.Empty(t, f.Columns, "compacted file %d", f.ID)
	}
	e.mu.RUnlock()
	require.NoError(t, e.Close())
	require.Equal(t, 1, catalogFormat(t, dir), "no file holds other names")
	e = openTest(t, dir)
	defer e.Close()
	require.Equal(t, want, scan(t, e, all("cpu")))
}

// Writes that race a rename (after its first persist, before the change)
// are renamed in the buffer and persisted under the new name: neither a
// restart nor a crash brings the old name back by replaying the WAL.
func TestRenameColumnRacingWrites(t *testing.T) {
	for _, crash := range []bool{false, true} {
		dir := t.TempDir()
		e := openTest(t, dir)
		write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1,n=1i"))
		e.beforeDrop = func() {
			write(t, e, "db", batchOf(t, "cpu", "20 host=b usage=2,n=2i"))
			e.beforeDrop = nil
		}
		require.NoError(t, e.RenameColumn(ctx, "db", "cpu", "usage", "u"))
		e.beforeDrop = func() {
			write(t, e, "db", batchOf(t, "cpu", "30 host=c usage=3,n=3i"))
			e.beforeDrop = nil
		}
		require.NoError(t, e.DropColumn(ctx, "db", "cpu", "n"))
		want := []string{"time=10 host=a u=1", "time=20 host=b u=2", "time=30 host=c usage=3"}
		require.Equal(t, want, scan(t, e, all("cpu")))
		if crash {
			e.abandon()
		} else {
			require.NoError(t, e.Close())
		}
		e = openTest(t, dir)
		require.Equal(t, want, scan(t, e, all("cpu")), "crash %v", crash)
		got, err := e.TableSchema("db", "cpu")
		require.NoError(t, err)
		require.Equal(t, []ColumnMeta{{Name: "time", Type: TypeTime, Num: 1}, {Name: "host", Type: TypeTag, Num: 2}, {Name: "u", Type: TypeFloat, Num: 3},
			{Name: "usage", Type: TypeFloat, Num: 5}}, got, "usage came after n, which was dropped: its number is not given again")
		require.NoError(t, e.Close())
	}
}

func TestRenameTable(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1"))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", "20 host=b usage=2"), batchOf(t, "mem", "10 host=a used=1"))
	require.NoError(t, e.DefineView(ctx, "db", PlainView{Name: "v", Query: "SELECT 1", Columns: []string{"x"}}, false))
	require.Error(t, e.RenameTable(ctx, "db", "cpu", "mem"), "a table's name")
	require.Error(t, e.RenameTable(ctx, "db", "cpu", "v"), "a view's name")
	require.Error(t, e.RenameTable(ctx, "db", "nosuch", "x"))
	require.NoError(t, e.RenameTable(ctx, "db", "cpu", "cpu2"))
	want := []string{"time=10 host=a usage=1", "time=20 host=b usage=2"}
	require.Equal(t, want, scan(t, e, all("cpu2")))
	_, err := e.Snapshot(all("cpu"))
	require.Error(t, err)
	// A write to the old name makes a new table.
	write(t, e, "db", batchOf(t, "cpu", "30 host=c usage=3"))
	require.Equal(t, []string{"time=30 host=c usage=3"}, scan(t, e, all("cpu")))
	e.abandon()
	e = openTest(t, dir)
	defer e.Close()
	require.Equal(t, want, scan(t, e, all("cpu2")))
	require.Equal(t, []string{"time=30 host=c usage=3"}, scan(t, e, all("cpu")))
	_, err = e.Compact(ctx, true)
	require.NoError(t, err)
	require.Equal(t, want, scan(t, e, all("cpu2")))
}

// Columns added with a value for the rows stored (ADD COLUMN ... DEFAULT)
// read it in files and buffered rows, through renames, a restart and
// compaction; rows written after leave it NULL; a dropped one is gone.
func TestAddColumnsFilled(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1", "20 host=b usage=2"))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "cpu", "30 host=a usage=3"))
	e.beforeDrop = func() { // a write that races the change: filled in the buffer
		write(t, e, "db", batchOf(t, "cpu", "35 host=d usage=5"))
		e.beforeDrop = nil
	}
	require.NoError(t, e.AddColumnsFilled(ctx, "db", "cpu", []ColumnMeta{
		{Name: "ok", Type: TypeBool}, {Name: "n", Type: TypeInt}, {Name: "s", Type: TypeString}, {Name: "e", Type: TypeString}, {Name: "f", Type: TypeFloat}, {Name: "none", Type: TypeFloat},
	}, map[string]any{"ok": false, "n": int64(-7), "s": "new", "e": "", "f": 0.25}))
	require.Equal(t, 2, catalogFormat(t, dir))
	write(t, e, "db", batchOf(t, "cpu", "40 host=c usage=4"))
	want := []string{"time=10 host=a usage=1 ok=false n=-7 s=new e= f=0.25", "time=20 host=b usage=2 ok=false n=-7 s=new e= f=0.25",
		"time=30 host=a usage=3 ok=false n=-7 s=new e= f=0.25", "time=35 host=d usage=5 ok=false n=-7 s=new e= f=0.25", "time=40 host=c usage=4"}
	require.Equal(t, want, scan(t, e, all("cpu")))
	require.Equal(t, []string{"time=10 n=-7", "time=20 n=-7", "time=30 n=-7", "time=35 n=-7", "time=40"},
		scan(t, e, ScanRequest{Database: "db", Table: "cpu", Columns: []string{"time", "n"}}))

	require.NoError(t, e.RenameColumn(ctx, "db", "cpu", "s", "state"))
	require.NoError(t, e.DropColumn(ctx, "db", "cpu", "f"))
	require.NoError(t, e.AddColumns(ctx, "db", "cpu", []ColumnMeta{{Name: "f", Type: TypeFloat}}))
	want = []string{"time=10 host=a usage=1 ok=false n=-7 state=new e=", "time=20 host=b usage=2 ok=false n=-7 state=new e=",
		"time=30 host=a usage=3 ok=false n=-7 state=new e=", "time=35 host=d usage=5 ok=false n=-7 state=new e=", "time=40 host=c usage=4"}
	require.Equal(t, want, scan(t, e, all("cpu")))

	for _, err := range []error{
		e.AddColumnsFilled(ctx, "db", "cpu", []ColumnMeta{{Name: "region", Type: TypeTag}}, map[string]any{"region": "eu"}),
		e.AddColumnsFilled(ctx, "db", "cpu", []ColumnMeta{{Name: "x", Type: TypeInt}}, map[string]any{"x": "1"}),
		e.AddColumnsFilled(ctx, "db", "cpu", []ColumnMeta{{Name: "usage", Type: TypeFloat}}, map[string]any{"usage": 1.0}),
	} {
		require.Error(t, err)
	}

	e.abandon()
	e = openTest(t, dir)
	require.Equal(t, want, scan(t, e, all("cpu")))
	_, err := e.Compact(ctx, true)
	require.NoError(t, err)
	require.Equal(t, want, scan(t, e, all("cpu")))
	require.NoError(t, e.Close())
	require.Equal(t, 1, catalogFormat(t, dir), "compaction wrote the values")
}

// TestTimestampFields: a field holding a time (SQL timestamptz) is written,
// logged, persisted, merged by compaction, filled by ADD COLUMN ... DEFAULT
// and read back as timestamp[ns, UTC] with its nulls, through a crash; a
// write of another type to it is refused.
func TestTimestampFields(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	require.NoError(t, e.CreateTable(ctx, "db", "ev", []ColumnMeta{
		{Name: "time", Type: TypeTime}, {Name: "host", Type: TypeTag}, {Name: "seen", Type: TypeTimestamp}, {Name: "n", Type: TypeInt},
	}))
	write(t, e, "db", batchOf(t, "ev", "10 host=a seen=-5t,n=1i", "20 host=b n=2i"))
	require.NoError(t, e.Persist(ctx))
	// A newer version of row 10 without seen keeps the older value (fields
	// merge), row 20 gains one.
	write(t, e, "db", batchOf(t, "ev", "10 host=a n=3i", "20 host=b seen=9223372036854775807t", "30 host=a seen=0t"))
	sch, err := e.TableSchema("db", "ev")
	require.NoError(t, err)
	require.Equal(t, ColumnMeta{Name: "seen", Type: TypeTimestamp, Num: 3}, sch[2])
	want := []string{"time=10 host=a seen=-5 n=3", "time=30 host=a seen=0", "time=20 host=b seen=9223372036854775807 n=2"}
	require.ElementsMatch(t, want, scan(t, e, all("ev")))

	err = e.Write(ctx, "db", []*TableBatch{batchOf(t, "ev", "40 host=a seen=4i")}, WriteOptions{})
	require.ErrorContains(t, err, "expected timestamp, got integer")

	require.NoError(t, e.AddColumnsFilled(ctx, "db", "ev", []ColumnMeta{{Name: "since", Type: TypeTimestamp}}, map[string]any{"since": int64(1_700_000_000_000_000_000)}))
	want = []string{"time=10 host=a seen=-5 n=3 since=1700000000000000000", "time=30 host=a seen=0 since=1700000000000000000",
		"time=20 host=b seen=9223372036854775807 n=2 since=1700000000000000000"}
	require.ElementsMatch(t, want, scan(t, e, all("ev")))
	write(t, e, "db", batchOf(t, "ev", "50 host=c seen=77t,since=-1t", "60 host=c n=6i"))
	want = append(want, "time=50 host=c seen=77 since=-1", "time=60 host=c n=6")

	e.abandon() // a crash: the WAL replays the buffered rows
	e = openTest(t, dir)
	require.ElementsMatch(t, want, scan(t, e, all("ev")))
	_, err = e.Compact(ctx, true)
	require.NoError(t, err)
	require.ElementsMatch(t, want, scan(t, e, all("ev")))
	require.NoError(t, e.Close())
	e = openTest(t, dir)
	require.ElementsMatch(t, want, scan(t, e, all("ev")))
	require.NoError(t, e.Close())
}

// TestTimeName: a table's time column shown under another name (ts) is
// stored as time: records and files name it time, writes of a column of
// either name are refused, renaming it changes only the name shown (back
// to time too), it cannot be dropped, and the name survives a crash.
func TestTimeName(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	require.NoError(t, e.CreateTable(ctx, "db", "m", []ColumnMeta{{Name: "ts", Type: TypeTime}, {Name: "host", Type: TypeTag}, {Name: "v", Type: TypeFloat}}))
	require.Equal(t, "ts", e.TimeName("db", "m"))
	require.Equal(t, "time", e.TimeName("db", "nosuch"))
	sch, err := e.TableSchema("db", "m")
	require.NoError(t, err)
	require.Equal(t, []ColumnMeta{{Name: "time", Type: TypeTime, Num: 1}, {Name: "host", Type: TypeTag, Num: 2}, {Name: "v", Type: TypeFloat, Num: 3}}, sch)
	write(t, e, "db", batchOf(t, "m", "10 host=a v=1", "20 host=b v=2"))
	want := []string{"time=10 host=a v=1", "time=20 host=b v=2"}
	require.Equal(t, want, scan(t, e, all("m")))

	err = e.Write(ctx, "db", []*TableBatch{batchOf(t, "m", "30 host=a ts=3")}, WriteOptions{})
	require.ErrorContains(t, err, "is its time column")
	for _, err := range []error{
		e.AddColumns(ctx, "db", "m", []ColumnMeta{{Name: "ts", Type: TypeInt}}),
		e.CreateTable(ctx, "db", "m2", []ColumnMeta{{Name: "ts", Type: TypeTime}, {Name: "time", Type: TypeInt}}),
		e.RenameColumn(ctx, "db", "m", "v", "ts"),
		e.RenameColumn(ctx, "db", "m", "v", "time"),
		e.RenameColumn(ctx, "db", "m", "time", "x"), // shown as ts: no column is named time
		e.RenameColumn(ctx, "db", "m", "ts", "v"),
		e.DropColumn(ctx, "db", "m", "ts"),
		e.DropColumn(ctx, "db", "m", "time"),
	} {
		require.Error(t, err)
	}
	require.Equal(t, "ts", e.TimeName("db", "m"))

	require.NoError(t, e.Persist(ctx))
	require.NoError(t, e.RenameColumn(ctx, "db", "m", "ts", "stamp"))
	require.Equal(t, "stamp", e.TimeName("db", "m"))
	write(t, e, "db", batchOf(t, "m", "30 host=a v=3"))
	want = append(want, "time=30 host=a v=3")
	require.Equal(t, want, scan(t, e, all("m")))
	e.abandon()
	e = openTest(t, dir)
	require.Equal(t, "stamp", e.TimeName("db", "m"))
	require.Equal(t, want, scan(t, e, all("m")))
	require.NoError(t, e.RenameColumn(ctx, "db", "m", "stamp", "time"))
	require.Equal(t, "time", e.TimeName("db", "m"))
	write(t, e, "db", batchOf(t, "m", "40 host=a ts=4"))
	require.NoError(t, e.RenameColumn(ctx, "db", "m", "ts", "ts2"), "ts is a field now")
	require.NoError(t, e.Close())
}

// A table's options are kept across a restart, compaction and a rename,
// returned as copies, and removed by an empty set.
func TestTableOptions(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1"))
	opts, err := e.TableOptions("db", "cpu")
	require.NoError(t, err)
	require.Nil(t, opts)
	_, err = e.TableOptions("db", "nosuch")
	require.Error(t, err)
	require.Error(t, e.SetTableOptions(ctx, "db", "nosuch", map[string]string{"a": "b"}))

	set := map[string]string{"compress_segmentby": "host", "compress_after": "7 days"}
	require.NoError(t, e.SetTableOptions(ctx, "db", "cpu", set))
	set["compress_after"] = "changed by the caller"
	opts, err = e.TableOptions("db", "cpu")
	require.NoError(t, err)
	want := map[string]string{"compress_segmentby": "host", "compress_after": "7 days"}
	require.Equal(t, want, opts)
	opts["x"] = "y"
	opts, _ = e.TableOptions("db", "cpu")
	require.Equal(t, want, opts, "a copy")

	require.NoError(t, e.Persist(ctx))
	_, err = e.Compact(ctx, true)
	require.NoError(t, err)
	require.NoError(t, e.RenameTable(ctx, "db", "cpu", "cpu2"))
	e.abandon()
	e = openTest(t, dir)
	opts, err = e.TableOptions("db", "cpu2")
	require.NoError(t, err)
	require.Equal(t, want, opts)
	require.Equal(t, []string{"time=10 host=a usage=1"}, scan(t, e, all("cpu2")))

	require.NoError(t, e.SetTableOptions(ctx, "db", "cpu2", map[string]string{}))
	require.NoError(t, e.Close())
	e = openTest(t, dir)
	defer e.Close()
	opts, err = e.TableOptions("db", "cpu2")
	require.NoError(t, err)
	require.Nil(t, opts)
}
