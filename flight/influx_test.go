package flight

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// rawClient is a plain Flight client, as the InfluxDB 3 libraries use.
func (s *testServer) rawClient(t testing.TB) flight.Client {
	t.Helper()
	c, err := flight.NewClientWithMiddleware(s.addr, nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// doGetRows runs DoGet with a ticket and reads the stream.
func doGetRows(ctx context.Context, c flight.Client, ticket string) (*arrow.Schema, [][]any, error) {
	stream, err := c.DoGet(ctx, &flight.Ticket{Ticket: []byte(ticket)})
	if err != nil {
		return nil, nil, err
	}
	r, err := flight.NewRecordReader(stream)
	if err != nil {
		return nil, nil, err
	}
	defer r.Release()
	var rows [][]any
	for r.Next() {
		rows = append(rows, recordRows(r.RecordBatch())...)
	}
	return r.Schema(), rows, r.Err()
}

func TestInfluxTicket(t *testing.T) {
	s := startServer(t, nil)
	c := s.rawClient(t)
	ctx := context.Background()

	schema, rows, err := doGetRows(ctx, c, `{"database":"db","sql_query":"SELECT host, usage FROM cpu WHERE host = $host AND usage > $min ORDER BY time","query_type":"sql","params":{"host":"a","min":2}}`)
	require.NoError(t, err)
	require.Equal(t, [][]any{{"a", 3.5}}, rows)
	// Tags arrive as strings, marked as tags.
	require.Equal(t, arrow.STRING, schema.Field(0).Type.ID())
	typ, _ := schema.Field(0).Metadata.GetValue(ioxColumnType)
	require.Equal(t, "iox::column_type::tag", typ)

	for _, key := range []string{"namespace_name", "bucket", "bucket-name"} {
		_, rows, err = doGetRows(ctx, c, fmt.Sprintf(`{%q:"db","sql_query":"SELECT count(*) FROM cpu"}`, key))
		require.NoError(t, err, key)
		require.Equal(t, [][]any{{int64(3)}}, rows, key)
	}
	// The database may also come from the header.
	_, rows, err = doGetRows(metadata.AppendToOutgoingContext(ctx, "iox-namespace-name", "db"), c, `{"sql_query":"SELECT count(*) FROM cpu"}`)
	require.NoError(t, err)
	require.Equal(t, [][]any{{int64(3)}}, rows)
	// InfluxQL, as the InfluxDB 3 client libraries send it (QueryType InfluxQL).
	_, rows, err = doGetRows(ctx, c, `{"database":"db","sql_query":"SELECT count(usage) FROM cpu","query_type":"influxql"}`)
	require.NoError(t, err)
	require.Equal(t, [][]any{{"cpu", int64(0), int64(3)}}, rows)
	// InfluxQL with params, its columns marked as InfluxDB 3 marks them
	// (its clients build points from the marks).
	schema, rows, err = doGetRows(ctx, c, `{"database":"db","sql_query":"SELECT last(usage) FROM cpu WHERE region = $r GROUP BY host","query_type":"influxql","params":{"r":"eu"}}`)
	require.NoError(t, err)
	require.Equal(t, [][]any{{"cpu", int64(1700000020000000000), "a", 3.5}}, rows)
	marks := map[string]string{}
	for _, f := range schema.Fields() {
		v, _ := f.Metadata.GetValue("iox::column::type")
		marks[f.Name] = v
	}
	require.Equal(t, map[string]string{"iox::measurement": "", "time": "iox::column_type::timestamp", "host": "iox::column_type::tag", "last": "iox::column_type::field::float"}, marks)
	// SQL marks a stored column under any name it is given.
	schema, _, err = doGetRows(ctx, c, `{"database":"db","sql_query":"SELECT region AS host, host AS region, usage AS u FROM cpu"}`)
	require.NoError(t, err)
	marks = map[string]string{}
	for _, f := range schema.Fields() {
		v, _ := f.Metadata.GetValue("iox::column::type")
		marks[f.Name] = v
	}
	require.Equal(t, map[string]string{"host": "iox::column_type::tag", "region": "iox::column_type::tag", "u": "iox::column_type::field::float"}, marks)
	// Schema browsers of InfluxDB 3 list tables and columns in schema iox.
	_, rows, err = doGetRows(ctx, c, `{"database":"db","sql_query":"SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'iox' AND column_name IN ('host', 'usage') ORDER BY 2"}`)
	require.NoError(t, err)
	require.Equal(t, [][]any{{"cpu", "host", "Dictionary(Int32, Utf8)"}, {"cpu", "usage", "Float64"}}, rows)
	// tz(x, zone) is a timestamp of zone, holding the instants.
	schema, rows, err = doGetRows(ctx, c, `{"database":"db","sql_query":"SELECT tz(time, 'Europe/Brussels') AS t, time FROM cpu ORDER BY time LIMIT 1"}`)
	require.NoError(t, err)
	require.Equal(t, "timestamp[ns, tz=Europe/Brussels]", schema.Field(0).Type.String())
	require.Equal(t, rows[0][1], rows[0][0], "the same instant")
	// The schema described before the query runs says so too.
	info, err := s.client(t).Execute(dbCtx("db"), "SELECT tz(time, 'Europe/Brussels') AS t FROM cpu")
	require.NoError(t, err)
	described, err := flight.DeserializeSchema(info.Schema, memory.DefaultAllocator)
	require.NoError(t, err)
	require.Equal(t, "timestamp[ns, tz=Europe/Brussels]", described.Field(0).Type.String())
	// Positional parameters work too.
	_, rows, err = doGetRows(ctx, c, `{"database":"db","sql_query":"SELECT count(*) FROM cpu WHERE usage > $1","params":{"1":2.0}}`)
	require.NoError(t, err)
	require.Equal(t, [][]any{{int64(2)}}, rows)

	for _, tc := range []struct {
		ticket, msg string
		code        codes.Code
	}{
		{`{"sql_query":"SELECT 1"}`, "names no database", codes.InvalidArgument},
		{`{"database":"db","sql_query":"SELEC 1","query_type":"influxql"}`, "error parsing query", codes.InvalidArgument},
		{`{"database":"db","sql_query":"SELECT usage FROM cpu WHERE host = $h","query_type":"influxql","params":{"a":1}}`, "missing parameter $h", codes.InvalidArgument},
		{`{"database":"db","sql_query":"SELECT 1","query_type":"flux"}`, `use "sql" or "influxql"`, codes.InvalidArgument},
		{`{"database":"db","sql_query":"SELECT * FROM cpu WHERE host = $host"}`, "no value for parameter $host", codes.InvalidArgument},
		{`{"database":"db","sql_query":"SELECT * FROM cpu WHERE host = $host","params":{"hots":"a"}}`, `no value for parameter $host (its parameters are $host; given but not used: "hots")`, codes.InvalidArgument},
		{`{"database":"db","sql_query":"SELECT * FROM nope"}`, `relation "nope" does not exist`, codes.NotFound},
		{`{"database":"db","sql_query":"SELEC 1"}`, "syntax error", codes.InvalidArgument},
		{`{"database":"dv","sql_query":"SELECT 1"}`, `database not found: dv (did you mean "db"?)`, codes.NotFound},
		{`{"database":"db","sql_query":"SELECT usge FROM cpu"}`, `did you mean "usage"`, codes.InvalidArgument},
		{`{"database":"db",`, "ticket JSON", codes.InvalidArgument},
		{`not a ticket`, "neither a Flight SQL command nor InfluxDB 3 JSON", codes.InvalidArgument},
	} {
		_, _, err := doGetRows(ctx, c, tc.ticket)
		require.Error(t, err, tc.ticket)
		st, _ := status.FromError(err)
		require.Equal(t, tc.code, st.Code(), "%s: %v", tc.ticket, err)
		require.Contains(t, st.Message(), tc.msg, tc.ticket)
	}
	// The server goes on serving after errors.
	_, rows, err = doGetRows(ctx, c, `{"database":"db","sql_query":"SELECT 1 AS one"}`)
	require.NoError(t, err)
	require.Equal(t, [][]any{{int64(1)}}, rows)

	// system.queries logs them with InfluxDB 3's query types.
	_, rows, err = doGetRows(ctx, c, `{"database":"db","sql_query":"SELECT query_type, phase, query_text FROM system.queries WHERE query_text IN ('SELECT count(usage) FROM cpu', 'SELECT usge FROM cpu', 'SELECT 1 AS one') ORDER BY issue_time"}`)
	require.NoError(t, err)
	require.Equal(t, [][]any{{"influxql", "success", "SELECT count(usage) FROM cpu"}, {"sql", "fail", "SELECT usge FROM cpu"}, {"sql", "success", "SELECT 1 AS one"}}, rows)
}

func TestFlightSQLErrors(t *testing.T) {
	s := startServer(t, nil)
	c := s.client(t)
	_, err := c.Execute(context.Background(), "SELECT 1")
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	require.ErrorContains(t, err, `header "database"`)

	_, err = c.Execute(dbCtx("db"), "SELECT * FROM cpu WHERE time > 'yesterday-ish'")
	require.Error(t, err)
	require.ErrorContains(t, err, "SQLSTATE")

	_, err = c.Execute(dbCtx("db"), "SELECT 1; SELECT 2")
	require.ErrorContains(t, err, "expected one statement")
}

func TestTokenAuth(t *testing.T) {
	s := startServer(t, func(srv *Server) { srv.Tokens = []string{"secret-token"} })
	c := s.rawClient(t)
	ticket := `{"database":"db","sql_query":"SELECT count(*) FROM cpu"}`

	_, _, err := doGetRows(context.Background(), c, ticket)
	require.Equal(t, codes.Unauthenticated, status.Code(err))
	require.ErrorContains(t, err, "missing or invalid token")
	_, _, err = doGetRows(metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer wrong"), c, ticket)
	require.Equal(t, codes.Unauthenticated, status.Code(err))

	for _, auth := range []string{"Bearer secret-token", "Token secret-token", "Basic " + base64.StdEncoding.EncodeToString([]byte("any:secret-token"))} {
		_, rows, err := doGetRows(metadata.AppendToOutgoingContext(context.Background(), "authorization", auth), c, ticket)
		require.NoError(t, err, auth)
		require.Equal(t, [][]any{{int64(3)}}, rows)
	}

	// Handshake trades basic credentials for the bearer token.
	ctx, err := c.AuthenticateBasicToken(context.Background(), "user", "secret-token")
	require.NoError(t, err)
	md, _ := metadata.FromOutgoingContext(ctx)
	require.Equal(t, []string{"Bearer secret-token"}, md.Get("authorization"))
	_, _, err = doGetRows(ctx, c, ticket)
	require.NoError(t, err)
	_, err = c.AuthenticateBasicToken(context.Background(), "user", "wrong")
	require.Equal(t, codes.Unauthenticated, status.Code(err))

	// Flight SQL calls are guarded too.
	fc := s.client(t)
	_, err = fc.Execute(dbCtx("db"), "SELECT 1")
	require.Equal(t, codes.Unauthenticated, status.Code(err))
	_, err = fc.Execute(metadata.AppendToOutgoingContext(dbCtx("db"), "authorization", "Bearer secret-token"), "SELECT 1")
	require.NoError(t, err)
}
