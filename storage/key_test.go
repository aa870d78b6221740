package storage

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestKey: a declared key must be the time column and every tag; it is
// kept over a restart; a write or AddColumns that would add a tag to the
// table is refused (nothing of the write stored) until DropKey.
func TestKey(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	cols := []ColumnMeta{
		{Name: "ts", Type: TypeTime},
		{Name: "host", Type: TypeTag, NotNull: true},
		{Name: "usage", Type: TypeFloat},
		{Name: "dc", Type: TypeTag},
	}
	for _, bad := range []TableKey{
		{Name: "k", Columns: []int{1, 2}},       // dc left out
		{Name: "k", Columns: []int{1, 2, 3, 4}}, // a field
		{Name: "k", Columns: []int{1, 2, 2, 4}}, // twice
		{Name: "k", Columns: []int{1, 2, 4, 5}}, // no column 5
		{Name: "", Columns: []int{1, 2, 4}},
	} {
		err := e.CreateKeyedTable(ctx, "db", "cpu", cols, bad)
		var se *Error
		require.ErrorAs(t, err, &se, "%+v", bad)
		require.Contains(t, []Code{CodeInvalidArgument, CodeInvalidName}, se.Code, "%+v", bad)
	}
	require.NoError(t, e.CreateKeyedTable(ctx, "db", "cpu", cols, TableKey{Name: "cpu_pkey", Primary: true, Columns: []int{2, 1, 4}}))
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1"), batchOf(t, "other", "10 host=a,dc=b x=1"))
	require.Equal(t, "cpu_pkey (host, ts, dc)", e.KeyText("db", "cpu"))
	require.Equal(t, "", e.KeyText("db", "other"))

	refused := func(err error) {
		t.Helper()
		var se *Error
		require.ErrorAs(t, err, &se)
		require.Equal(t, CodeKeyedTable, se.Code)
		require.Equal(t, `tag "region" is new to table "cpu", whose key cpu_pkey (host, ts, dc) tells its rows apart: a write cannot add a tag to it`, se.Msg)
		require.Contains(t, se.Hint, "ALTER TABLE cpu DROP CONSTRAINT cpu_pkey")
	}
	refused(e.Write(ctx, "db", []*TableBatch{batchOf(t, "other", "20 host=c x=2"), batchOf(t, "cpu", "20 host=a,region=x usage=2")}, WriteOptions{}))
	refused(e.AddColumns(ctx, "db", "cpu", []ColumnMeta{{Name: "region", Type: TypeTag}}))
	require.Equal(t, []string{"time=10 host=a dc=b x=1"}, scan(t, e, all("other")), "nothing of the refused write is stored")
	require.NoError(t, e.AddColumns(ctx, "db", "cpu", []ColumnMeta{{Name: "note", Type: TypeString}}))
	write(t, e, "db", batchOf(t, "cpu", "30 host=b,dc=y usage=3"))

	require.NoError(t, e.RenameColumn(ctx, "db", "cpu", "host", "hostname"))
	require.NoError(t, e.Close())
	e = openTest(t, dir)
	k, ok := e.Key("db", "cpu")
	require.True(t, ok)
	require.Equal(t, TableKey{Name: "cpu_pkey", Primary: true, Columns: []int{2, 1, 4}}, k)
	require.Equal(t, "cpu_pkey (hostname, ts, dc)", e.KeyText("db", "cpu"))

	require.NoError(t, e.DropKey(ctx, "db", "cpu"))
	var se *Error
	require.ErrorAs(t, e.DropKey(ctx, "db", "cpu"), &se)
	require.Equal(t, CodeNotFound, se.Code)
	write(t, e, "db", batchOf(t, "cpu", "40 hostname=a,region=x usage=4"))
	_, ok = e.Key("db", "cpu")
	require.False(t, ok)
}

// TestAddKey: AddKey gives a table made by writes a key over its time and
// tags (a PRIMARY KEY's tags become NOT NULL), kept over a restart; it
// refuses a second key, a key that leaves a tag out, and a name a
// relation has. A key's name is a relation's: no table, view or write
// takes it.
func TestAddKey(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a,dc=b usage=1"), batchOf(t, "other", "10 - x=1"))
	code := func(err error) Code {
		t.Helper()
		var se *Error
		require.ErrorAs(t, err, &se)
		return se.Code
	}
	nums := map[string]int{}
	cols, err := e.TableSchema("db", "cpu")
	require.NoError(t, err)
	for _, c := range cols {
		nums[c.Name] = c.Num
	}
	key := TableKey{Name: "cpu_pkey", Primary: true, Columns: []int{nums["host"], nums["time"], nums["dc"]}}
	require.Equal(t, CodeInvalidArgument, code(e.AddKey(ctx, "db", "cpu", TableKey{Name: "k", Columns: []int{nums["host"], nums["time"]}})), "dc left out")
	require.Equal(t, CodeAlreadyExists, code(e.AddKey(ctx, "db", "cpu", TableKey{Name: "other", Primary: true, Columns: key.Columns})))
	require.Equal(t, CodeNotFound, code(e.AddKey(ctx, "db", "nosuch", key)))
	require.NoError(t, e.AddKey(ctx, "db", "cpu", key))
	require.Equal(t, CodeAlreadyExists, code(e.AddKey(ctx, "db", "cpu", TableKey{Name: "k2", Columns: key.Columns})))
	require.Equal(t, []string{"host", "dc"}, e.NotNull("db", "cpu"))

	require.Equal(t, CodeAlreadyExists, code(e.CreateTable(ctx, "db", "cpu_pkey", []ColumnMeta{{Name: "time", Type: TypeTime}})))
	require.Equal(t, CodeAlreadyExists, code(e.RenameTable(ctx, "db", "other", "cpu_pkey")))
	require.Equal(t, CodeAlreadyExists, code(e.DefineView(ctx, "db", PlainView{Name: "cpu_pkey", Query: "SELECT 1"}, false)))
	require.Equal(t, CodeAlreadyExists, code(e.CreateKeyedTable(ctx, "db", "t2", []ColumnMeta{{Name: "time", Type: TypeTime}}, TableKey{Name: "other", Columns: []int{1}})))
	require.Equal(t, CodeAlreadyExists, code(e.CreateKeyedTable(ctx, "db", "t3", []ColumnMeta{{Name: "time", Type: TypeTime}}, TableKey{Name: "t3", Columns: []int{1}})))
	require.Equal(t, CodeInvalidArgument, code(e.Write(ctx, "db", []*TableBatch{batchOf(t, "cpu_pkey", "10 - x=1")}, WriteOptions{})))

	require.NoError(t, e.Close())
	e = openTest(t, dir)
	k, ok := e.Key("db", "cpu")
	require.True(t, ok)
	require.Equal(t, key, k)
	require.Equal(t, []string{"host", "dc"}, e.NotNull("db", "cpu"))
	require.Equal(t, CodeAlreadyExists, code(e.CreateKeyedTable(ctx, "db2", "t", []ColumnMeta{{Name: "time", Type: TypeTime}}, TableKey{Name: "t", Columns: []int{1}})))
	for _, d := range e.Databases() {
		require.NotEqual(t, "db2", d.Name, "a refused CreateKeyedTable leaves no database behind")
	}
}

// TestRenameKey: RenameKey renames a table's key, kept over a restart;
// the old name is free after it, and it refuses a name a relation has
// (the key's own too), a table without a key and a bad name.
func TestRenameKey(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1"), batchOf(t, "other", "10 - x=1"))
	code := func(err error) Code {
		t.Helper()
		var se *Error
		require.ErrorAs(t, err, &se)
		return se.Code
	}
	key := TableKey{Name: "cpu_pkey", Primary: true, Columns: []int{1, 2}}
	require.NoError(t, e.AddKey(ctx, "db", "cpu", key))
	require.Equal(t, CodeNotFound, code(e.RenameKey(ctx, "db", "other", "k")))
	require.Equal(t, CodeNotFound, code(e.RenameKey(ctx, "db", "nosuch", "k")))
	for _, taken := range []string{"cpu_pkey", "cpu", "other"} {
		require.Equal(t, CodeAlreadyExists, code(e.RenameKey(ctx, "db", "cpu", taken)), taken)
	}
	require.Equal(t, CodeInvalidName, code(e.RenameKey(ctx, "db", "cpu", "")))
	require.NoError(t, e.RenameKey(ctx, "db", "cpu", "Cpu Key"))
	require.NoError(t, e.Close())
	e = openTest(t, dir)
	k, ok := e.Key("db", "cpu")
	require.True(t, ok)
	key.Name = "Cpu Key"
	require.Equal(t, key, k)
	require.Equal(t, "Cpu Key (time, host)", e.KeyText("db", "cpu"))
	var se *Error
	require.ErrorAs(t, e.AddColumns(ctx, "db", "cpu", []ColumnMeta{{Name: "dc", Type: TypeTag}}), &se)
	require.Contains(t, se.Hint, `ALTER TABLE cpu DROP CONSTRAINT "Cpu Key"`, "the hint quotes the name as SQL must")
	require.NoError(t, e.CreateTable(ctx, "db", "cpu_pkey", []ColumnMeta{{Name: "time", Type: TypeTime}}), "the old name is free")
}
