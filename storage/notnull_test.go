package storage

import (
	"fmt"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

func TestNotNull(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	require.NoError(t, e.CreateTable(ctx, "db", "cpu", []ColumnMeta{
		{Name: "time", Type: TypeTime},
		{Name: "host", Type: TypeTag, NotNull: true},
		{Name: "dc", Type: TypeTag},
		{Name: "usage", Type: TypeFloat, NotNull: true},
		{Name: "idle", Type: TypeFloat},
	}))
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1", "20 host=b,dc=x usage=2,idle=3"))
	stored := []string{"time=10 host=a usage=1", "time=20 host=b dc=x usage=2 idle=3"}

	refused := func(column, row string, batches ...*TableBatch) {
		t.Helper()
		err := e.Write(ctx, "db", batches, WriteOptions{})
		var se *Error
		require.ErrorAs(t, err, &se)
		require.Equal(t, CodeNotNull, se.Code)
		require.Equal(t, `null value in column "`+column+`" of relation "cpu" violates not-null constraint`, se.Msg)
		require.Contains(t, se.Hint, "the row at "+row+" has no value for "+column)
		require.Contains(t, se.Hint, "ALTER TABLE cpu ALTER COLUMN "+column+" DROP NOT NULL")
		require.Equal(t, stored, scan(t, e, all("cpu")), "nothing of a refused write is stored")
	}
	// A NULL in one row; the column left out; and a good batch of another
	// table in the same write is not stored either.
	refused("usage", "time 1970-01-01T00:00:00.00000004Z and host=c", batchOf(t, "mem", "5 host=a used=1"),
		batchOf(t, "cpu", "30 host=c usage=3", "40 host=c idle=1"))
	refused("usage", "time 1970-01-01T00:00:00.00000003Z and host=c", batchOf(t, "cpu", "30 host=c idle=3"))
	refused("host", "time 1970-01-01T00:00:00.00000004Z and dc=x, host=NULL", batchOf(t, "cpu", "30 dc=x,host=a usage=3", "40 dc=x usage=1"))
	refused("host", "time 1970-01-01T00:00:00.00000003Z", batchOf(t, "cpu", "30 - usage=3"))
	// The first NULL past a byte of the validity bitmap.
	long := make([]string, 20)
	for i := range long {
		long[i] = fmt.Sprintf("%d host=h usage=1", 100+i)
		if i == 13 || i == 17 {
			long[i] = fmt.Sprintf("%d host=h idle=1", 100+i)
		}
	}
	refused("usage", "time 1970-01-01T00:00:00.000000113Z and host=h", batchOf(t, "cpu", long...))
	_, found := e.Column("db", "mem", "used")
	require.False(t, found, "the refused write made no table")

	// An UPDATE that sets a NULL is refused, before any file changes.
	require.NoError(t, e.Persist(ctx))
	files := parquetFiles(t, dir)
	_, err := e.Update(ctx, "db", "cpu", TimeRange{}, func(rec arrow.Record) (arrow.Record, int64, error) {
		at := rec.Schema().FieldIndices("usage")[0]
		b := array.NewFloat64Builder(memory.DefaultAllocator)
		defer b.Release()
		b.Append(9)
		b.AppendNull()
		col := b.NewArray()
		defer col.Release()
		cols := slices.Clone(rec.Columns())
		cols[at] = col
		return array.NewRecord(rec.Schema(), cols, rec.NumRows()), rec.NumRows(), nil
	})
	var se *Error
	require.ErrorAs(t, err, &se)
	require.Equal(t, CodeNotNull, se.Code)
	require.Contains(t, se.Hint, "the row at time 1970-01-01T00:00:00.00000002Z and host=b, dc=x has no value for usage")
	require.Equal(t, stored, scan(t, e, all("cpu")))
	require.Equal(t, files, parquetFiles(t, dir))

	// SET NOT NULL and DROP NOT NULL are kept over a restart.
	require.NoError(t, e.SetColumnNotNull(ctx, "db", "cpu", "idle", true))
	require.NoError(t, e.SetColumnNotNull(ctx, "db", "cpu", "host", false))
	require.NoError(t, e.SetColumnNotNull(ctx, "db", "cpu", "time", true), "time is never NULL: nothing to mark")
	require.ErrorAs(t, e.SetColumnNotNull(ctx, "db", "cpu", "nope", true), &se)
	require.Equal(t, CodeNotFound, se.Code)
	require.NoError(t, e.Close())
	e = openTest(t, dir)
	defer e.Close()
	col, _ := e.Column("db", "cpu", "idle")
	require.True(t, col.NotNull)
	col, _ = e.Column("db", "cpu", "host")
	require.False(t, col.NotNull)
	col, _ = e.Column("db", "cpu", "time")
	require.False(t, col.NotNull)
	refused("idle", "time 1970-01-01T00:00:00.00000003Z and host=c", batchOf(t, "cpu", "30 host=c usage=3"))
	write(t, e, "db", batchOf(t, "cpu", "30 dc=y usage=3,idle=4"))
	stored = append(stored, "time=30 dc=y usage=3 idle=4")
	require.Equal(t, stored, scan(t, e, all("cpu")))
}

func TestSQLName(t *testing.T) {
	for in, want := range map[string]string{"cpu": "cpu", "_a1": "_a1", "Cpu": `"Cpu"`, "1a": `"1a"`, `a"b`: `"a""b"`, "a b": `"a b"`, "": `""`} {
		require.Equal(t, want, sqlName(in), in)
	}
}
