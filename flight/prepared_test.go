package flight

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	_ "github.com/apache/arrow-go/v18/arrow/flight/flightsql/driver"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// paramRecord builds one row of parameter values.
func paramRecord(t *testing.T, fields []arrow.Field, vals ...any) arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	for i, v := range vals {
		switch v := v.(type) {
		case string:
			b.Field(i).(*array.StringBuilder).Append(v)
		case float64:
			b.Field(i).(*array.Float64Builder).Append(v)
		case int64:
			b.Field(i).(*array.Int64Builder).Append(v)
		case nil:
			b.Field(i).AppendNull()
		}
	}
	return b.NewRecordBatch()
}

func TestPreparedStatement(t *testing.T) {
	s := startServer(t, nil)
	c := s.client(t)
	ctx := dbCtx("db")
	ps, err := c.Prepare(ctx, "SELECT host, usage FROM cpu WHERE host = $1 AND usage > $2 ORDER BY time")
	require.NoError(t, err)
	defer ps.Close(ctx)
	require.Equal(t, []string{"host", "usage"}, fieldNames(ps.DatasetSchema()))
	// Parameter types are inferred from what they are compared with.
	require.Equal(t, []string{"$1", "$2"}, fieldNames(ps.ParameterSchema()))
	require.Equal(t, arrow.STRING, ps.ParameterSchema().Field(0).Type.ID())
	require.Equal(t, arrow.FLOAT64, ps.ParameterSchema().Field(1).Type.ID())

	fields := ps.ParameterSchema().Fields()
	ps.SetParameters(paramRecord(t, fields, "a", 1.0))
	info, err := ps.Execute(ctx)
	require.NoError(t, err)
	_, rows := readAll(t, ctx, c, info)
	require.Equal(t, [][]any{{"a", 1.5}, {"a", 3.5}}, rows)

	// Rebinding runs the same statement with new values.
	ps.SetParameters(paramRecord(t, fields, "a", 2.0))
	info, err = ps.Execute(ctx)
	require.NoError(t, err)
	_, rows = readAll(t, ctx, c, info)
	require.Equal(t, [][]any{{"a", 3.5}}, rows)

	// Values of another type than the inferred one are cast.
	ps.SetParameters(paramRecord(t, []arrow.Field{{Name: "h", Type: arrow.BinaryTypes.String}, {Name: "u", Type: arrow.PrimitiveTypes.Int64}}, "b", int64(2)))
	info, err = ps.Execute(ctx)
	require.NoError(t, err)
	_, rows = readAll(t, ctx, c, info)
	require.Equal(t, [][]any{{"b", 2.5}}, rows)

	// A ticket runs with the values bound when it was issued, whatever is
	// bound when it is redeemed (ADBC's partitions, several FlightInfos).
	ps.SetParameters(paramRecord(t, fields, "a", 0.0))
	infoA, err := ps.Execute(ctx)
	require.NoError(t, err)
	ps.SetParameters(paramRecord(t, fields, "b", 0.0))
	infoB, err := ps.Execute(ctx)
	require.NoError(t, err)
	_, rows = readAll(t, ctx, c, infoA)
	require.Equal(t, [][]any{{"a", 1.5}, {"a", 3.5}}, rows)
	_, rows = readAll(t, ctx, c, infoB)
	require.Equal(t, [][]any{{"b", 2.5}}, rows)

	// A value bound to a text parameter is its text: the result keeps the
	// announced schema.
	ps2, err := c.Prepare(ctx, "SELECT $1 AS x")
	require.NoError(t, err)
	defer ps2.Close(ctx)
	require.Equal(t, arrow.STRING, ps2.DatasetSchema().Field(0).Type.ID())
	ps2.SetParameters(paramRecord(t, []arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, int64(42)))
	info, err = ps2.Execute(ctx)
	require.NoError(t, err)
	schema, rows := readAll(t, ctx, c, info)
	require.Equal(t, arrow.STRING, schema.Field(0).Type.ID())
	require.Equal(t, [][]any{{"42"}}, rows)

	require.NoError(t, ps.Close(ctx))
	require.NoError(t, ps2.Close(ctx))
	require.Empty(t, s.srv.prepared.m, "closing forgets the statement on the server")
}

func TestPreparedInsertAndExecuteUpdate(t *testing.T) {
	s := startServer(t, nil)
	c := s.client(t)
	ctx := dbCtx("db")
	n, err := c.ExecuteUpdate(ctx, "INSERT INTO cpu (time, host, usage) VALUES ('2023-11-14T22:13:50Z', 'c', 9.5), ('2023-11-14T22:14:00Z', 'c', 10.5)")
	require.NoError(t, err)
	require.Equal(t, int64(2), n)

	ps, err := c.Prepare(ctx, "INSERT INTO cpu (time, host, usage) VALUES ($1, $2, $3)")
	require.NoError(t, err)
	defer ps.Close(ctx)
	fields := []arrow.Field{{Name: "t", Type: arrow.BinaryTypes.String}, {Name: "h", Type: arrow.BinaryTypes.String}, {Name: "u", Type: arrow.PrimitiveTypes.Float64}}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"2023-11-14T22:15:00Z", "2023-11-14T22:16:00Z", "2023-11-14T22:17:00Z"}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"d", "d", "d"}, nil)
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{1, 2, 3}, nil)
	rec := b.NewRecordBatch()
	b.Release()
	ps.SetParameters(rec)
	n, err = ps.ExecuteUpdate(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(3), n, "one execution per parameter row")

	info, err := c.Execute(ctx, "SELECT host, count(*), sum(usage) FROM cpu WHERE host IN ('c', 'd') GROUP BY host ORDER BY host")
	require.NoError(t, err)
	_, rows := readAll(t, ctx, c, info)
	require.Equal(t, [][]any{{"c", int64(2), 20.0}, {"d", int64(3), 6.0}}, rows)

	// A batch is one write: a row that fails writes none of them.
	b = array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"2023-11-14T22:18:00Z", "not a time"}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"e", "e"}, nil)
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{1, 2}, nil)
	rec = b.NewRecordBatch()
	b.Release()
	ps.SetParameters(rec)
	_, err = ps.ExecuteUpdate(ctx)
	require.ErrorContains(t, err, "not a time")
	info, err = c.Execute(ctx, "SELECT count(*) FROM cpu WHERE host = 'e'")
	require.NoError(t, err)
	_, rows = readAll(t, ctx, c, info)
	require.Equal(t, [][]any{{int64(0)}}, rows, "the first row was not written")

	_, err = c.ExecuteUpdate(ctx, "SELECT 1")
	require.ErrorContains(t, err, "ExecuteUpdate runs INSERT, UPDATE, DELETE, CREATE TABLE, TRUNCATE and DROP TABLE statements")
	_, err = c.Execute(ctx, "INSERT INTO cpu (time, usage) VALUES (now(), 1)")
	require.ErrorContains(t, err, "run INSERT, UPDATE, DELETE, CREATE TABLE, TRUNCATE and DROP TABLE with ExecuteUpdate")
	_, err = c.Execute(ctx, "SHOW timezone")
	require.ErrorContains(t, err, "SELECT current_setting('name') reads a setting")
}

// TestDatabaseSQLDriver runs the Flight SQL database/sql driver: queries,
// prepared statements with parameters, and an INSERT.
func TestDatabaseSQLDriver(t *testing.T) {
	s := startServer(t, nil)
	db, err := sql.Open("flightsql", "flightsql://"+s.addr+"?database=db&timeout=30s")
	require.NoError(t, err)
	defer db.Close()

	var host string
	var usage float64
	require.NoError(t, db.QueryRow("SELECT host, usage FROM cpu ORDER BY usage DESC LIMIT 1").Scan(&host, &usage))
	require.Equal(t, "a", host)
	require.Equal(t, 3.5, usage)

	stmt, err := db.Prepare("SELECT count(*) FROM cpu WHERE region = $1 AND usage >= $2")
	require.NoError(t, err)
	defer stmt.Close()
	var n int64
	require.NoError(t, stmt.QueryRow("eu", 1.5).Scan(&n))
	require.Equal(t, int64(2), n)
	require.NoError(t, stmt.QueryRow("us", 0.0).Scan(&n))
	require.Equal(t, int64(1), n)

	res, err := db.Exec("INSERT INTO cpu (time, host, usage) VALUES (now(), 'z', 0.5)")
	require.NoError(t, err)
	affected, err := res.RowsAffected()
	require.NoError(t, err)
	require.Equal(t, int64(1), affected)

	rows, err := db.Query("SELECT time, host FROM cpu WHERE host = 'z'")
	require.NoError(t, err)
	defer rows.Close()
	require.True(t, rows.Next())
	var ts time.Time
	require.NoError(t, rows.Scan(&ts, &host))
	require.Equal(t, "z", host)
	require.WithinDuration(t, time.Now(), ts, time.Minute)
	require.False(t, rows.Next())
	require.NoError(t, rows.Err())

	_, err = db.Query("SELECT nope FROM cpu")
	require.ErrorContains(t, err, `column "nope" does not exist`)
	_ = context.Background()
}

// TestExecuteUpdateDelete: DELETE and UPDATE run as updates, DELETE also
// prepared with parameters, and answer the rows they removed or changed;
// as a query DELETE is refused.
func TestExecuteUpdateDelete(t *testing.T) {
	s := startServer(t, nil)
	c := s.client(t)
	ctx := dbCtx("db")
	n, err := c.ExecuteUpdate(ctx, "INSERT INTO cpu (time, host, usage) VALUES ('2023-11-14T22:13:50Z', 'x', 1), ('2023-11-14T22:14:00Z', 'x', 2), ('2023-11-14T22:14:10Z', 'y', 3)")
	require.NoError(t, err)
	require.Equal(t, int64(3), n)
	n, err = c.ExecuteUpdate(ctx, "DELETE FROM cpu WHERE host = 'x' AND usage > 1")
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	n, err = c.ExecuteUpdate(ctx, "UPDATE cpu SET usage = usage + 1 WHERE host = 'y'")
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	info, err := c.Execute(ctx, "SELECT usage FROM cpu WHERE host = 'y'")
	require.NoError(t, err)
	_, rows := readAll(t, ctx, c, info)
	require.Equal(t, [][]any{{4.0}}, rows)

	ps, err := c.Prepare(ctx, "DELETE FROM cpu WHERE host = $1")
	require.NoError(t, err)
	defer ps.Close(ctx)
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema([]arrow.Field{{Name: "h", Type: arrow.BinaryTypes.String}}, nil))
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"x", "y"}, nil)
	rec := b.NewRecordBatch()
	b.Release()
	ps.SetParameters(rec)
	n, err = ps.ExecuteUpdate(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(2), n, "one execution per parameter row: x's last row and y's")
	info, err = c.Execute(ctx, "SELECT count(*) FROM cpu WHERE host IN ('x', 'y')")
	require.NoError(t, err)
	_, rows = readAll(t, ctx, c, info)
	require.Equal(t, [][]any{{int64(0)}}, rows)

	_, err = c.Execute(ctx, "DELETE FROM cpu")
	require.ErrorContains(t, err, "run INSERT, UPDATE, DELETE, CREATE TABLE, TRUNCATE and DROP TABLE with ExecuteUpdate")
}

// TestExecuteUpdateDropTable: CREATE TABLE, TRUNCATE and DROP TABLE run
// with ExecuteUpdate, direct and prepared, and count 0 rows (as JDBC's
// executeUpdate counts DDL).
func TestExecuteUpdateDropTable(t *testing.T) {
	s := startServer(t, nil)
	c := s.client(t)
	ctx := dbCtx("db")
	n, err := c.ExecuteUpdate(ctx, "CREATE TABLE t (time timestamptz, host text, v double precision)")
	require.NoError(t, err)
	require.Zero(t, n)
	_, err = c.ExecuteUpdate(ctx, "INSERT INTO t (time, host, v) VALUES ('2023-11-14T22:13:50Z', 'x', 1), ('2023-11-14T22:13:51Z', 'x', 2)")
	require.NoError(t, err)
	n, err = c.ExecuteUpdate(ctx, "CREATE TABLE t2 AS SELECT * FROM t")
	require.NoError(t, err)
	require.Equal(t, int64(2), n, "CREATE TABLE ... AS counts its rows")
	n, err = c.ExecuteUpdate(ctx, "TRUNCATE t")
	require.NoError(t, err)
	require.Zero(t, n)
	info, err := c.Execute(ctx, "SELECT count(*) FROM t")
	require.NoError(t, err)
	_, rows := readAll(t, ctx, c, info)
	require.Equal(t, [][]any{{int64(0)}}, rows)

	ps, err := c.Prepare(ctx, "DROP TABLE t")
	require.NoError(t, err)
	defer ps.Close(ctx)
	n, err = ps.ExecuteUpdate(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	_, err = c.Execute(ctx, "SELECT count(*) FROM t")
	require.ErrorContains(t, err, `relation "t" does not exist`)
	_, err = c.ExecuteUpdate(ctx, "DROP TABLE t")
	require.ErrorContains(t, err, `table "t" does not exist`)
	_, err = c.Execute(ctx, "TRUNCATE cpu")
	require.ErrorContains(t, err, "ExecuteUpdate")
}
