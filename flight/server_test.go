package flight

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/storage"
)

// testLP is the data every test sees in database "db".
const testLP = `cpu,host=a,region=eu usage=1.5,n=1i,ok=true 1700000000000000000
cpu,host=b,region=us usage=2.5,ok=false 1700000010000000000
cpu,host=a,region=eu usage=3.5,n=3i,ok=true 1700000020000000000
`

type testServer struct {
	addr   string
	engine *storage.Engine
	srv    *Server
}

// startServer runs the Flight service on a loopback port over a fresh
// engine holding testLP; configure adjusts the Server before it serves.
func startServer(t testing.TB, configure func(*Server)) *testServer {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: logger})
	require.NoError(t, err)
	writeLP(t, e, "db", testLP)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &Server{Planner: &planner.Planner{Engine: e, Activity: &planner.Activity{}}, Logger: logger}
	if configure != nil {
		configure(srv)
	}
	g := srv.GRPCServer()
	go func() { _ = g.Serve(ln) }()
	t.Cleanup(func() {
		g.Stop()
		e.Close()
	})
	return &testServer{addr: ln.Addr().String(), engine: e, srv: srv}
}

func writeLP(t testing.TB, e *storage.Engine, db, text string) {
	t.Helper()
	var p lp.Parser
	res := p.Parse([]byte(text), lp.Options{Precision: lp.Nanosecond})
	require.Empty(t, res.Errors)
	require.NoError(t, e.Write(context.Background(), db, res.Tables, storage.WriteOptions{}))
}

// client is a Flight SQL client of s; ctx carries the database header.
func (s *testServer) client(t testing.TB) *flightsql.Client {
	t.Helper()
	c, err := flightsql.NewClient(s.addr, nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func dbCtx(db string) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), "database", db)
}

// readAll reads every batch of a FlightInfo's endpoints into rows of Go
// values (strings for dictionaries), with the stream's schema.
func readAll(t testing.TB, ctx context.Context, c *flightsql.Client, info *flight.FlightInfo) (*arrow.Schema, [][]any) {
	t.Helper()
	var schema *arrow.Schema
	var rows [][]any
	for _, ep := range info.Endpoint {
		r, err := c.DoGet(ctx, ep.Ticket)
		require.NoError(t, err)
		schema = r.Schema()
		for r.Next() {
			rows = append(rows, recordRows(r.RecordBatch())...)
		}
		require.NoError(t, r.Err())
		r.Release()
	}
	return schema, rows
}

func recordRows(rec arrow.RecordBatch) [][]any {
	var rows [][]any
	for i := 0; i < int(rec.NumRows()); i++ {
		row := make([]any, rec.NumCols())
		for c := range row {
			row[c] = cellValue(rec.Column(c), i)
		}
		rows = append(rows, row)
	}
	return rows
}

func cellValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Dictionary:
		return cellValue(a.Dictionary(), a.GetValueIndex(i))
	case *array.String:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Timestamp:
		return int64(a.Value(i))
	case *array.Uint32:
		return int64(a.Value(i))
	case *array.DenseUnion:
		return cellValue(a.Field(a.ChildID(i)), int(a.ValueOffset(i)))
	}
	return a.ValueStr(i)
}

func TestStatementQuery(t *testing.T) {
	s := startServer(t, nil)
	c := s.client(t)
	ctx := dbCtx("db")
	info, err := c.Execute(ctx, "SELECT time, host, usage, n, ok FROM cpu WHERE usage > 1 ORDER BY time")
	require.NoError(t, err)
	declared, err := flight.DeserializeSchema(info.Schema, memory.DefaultAllocator)
	require.NoError(t, err)
	schema, rows := readAll(t, ctx, c, info)
	require.True(t, declared.Equal(schema), "FlightInfo schema %s, stream schema %s", declared, schema)
	require.Equal(t, []string{"time", "host", "usage", "n", "ok"}, fieldNames(schema))
	require.Equal(t, [][]any{
		{int64(1700000000000000000), "a", 1.5, int64(1), true},
		{int64(1700000010000000000), "b", 2.5, nil, false},
		{int64(1700000020000000000), "a", 3.5, int64(3), true},
	}, rows)
	// Table columns carry InfluxDB 3's column-type metadata; computed ones
	// do not.
	typ, _ := schema.Field(1).Metadata.GetValue(ioxColumnType)
	require.Equal(t, "iox::column_type::tag", typ)
	typ, _ = schema.Field(2).Metadata.GetValue(ioxColumnType)
	require.Equal(t, "iox::column_type::field::float", typ)
	typ, _ = schema.Field(0).Metadata.GetValue(ioxColumnType)
	require.Equal(t, "iox::column_type::timestamp", typ)

	info, err = c.Execute(ctx, "SELECT host, max(usage) AS usage FROM cpu GROUP BY host ORDER BY host")
	require.NoError(t, err)
	schema, rows = readAll(t, ctx, c, info)
	require.Equal(t, [][]any{{"a", 3.5}, {"b", 2.5}}, rows)
	_, marked := schema.Field(1).Metadata.GetValue(ioxColumnType)
	require.False(t, marked, "an aggregate is not the table's column")

	// A timestamp without time zone is Arrow's zoneless timestamp, a date a
	// date32, in the FlightInfo and the stream alike.
	info, err = c.Execute(ctx, "SELECT time AT TIME ZONE 'Europe/Oslo' AS oslo, time::date AS day, time FROM cpu ORDER BY time LIMIT 1")
	require.NoError(t, err)
	declared, err = flight.DeserializeSchema(info.Schema, memory.DefaultAllocator)
	require.NoError(t, err)
	schema, rows = readAll(t, ctx, c, info)
	require.True(t, declared.Equal(schema), "FlightInfo schema %s, stream schema %s", declared, schema)
	require.Equal(t, "timestamp[ns]", schema.Field(0).Type.String())
	require.Equal(t, "date32", schema.Field(1).Type.String())
	require.Equal(t, "timestamp[ns, tz=UTC]", schema.Field(2).Type.String())
	require.Equal(t, [][]any{{int64(1700000000000000000 + 3600e9), "2023-11-14", int64(1700000000000000000)}}, rows)

	// An empty result still has its schema.
	info, err = c.Execute(ctx, "SELECT host FROM cpu WHERE usage > 100")
	require.NoError(t, err)
	schema, rows = readAll(t, ctx, c, info)
	require.Empty(t, rows)
	require.Equal(t, []string{"host"}, fieldNames(schema))
	// Flight SQL's statements are flightsql queries in system.queries.
	info, err = c.Execute(ctx, "SELECT query_type, phase FROM system.queries WHERE query_text = 'SELECT host FROM cpu WHERE usage > 100'")
	require.NoError(t, err)
	_, rows = readAll(t, ctx, c, info)
	require.Equal(t, [][]any{{"flightsql", "success"}}, rows)

	sr, err := c.GetExecuteSchema(ctx, "SELECT usage * 2 AS double_usage FROM cpu")
	require.NoError(t, err)
	got, err := flight.DeserializeSchema(sr.Schema, memory.DefaultAllocator)
	require.NoError(t, err)
	require.Equal(t, "double_usage", got.Field(0).Name)
	require.Equal(t, arrow.FLOAT64, got.Field(0).Type.ID())
}

func fieldNames(s *arrow.Schema) []string {
	var out []string
	for _, f := range s.Fields() {
		out = append(out, f.Name)
	}
	return out
}
