package flight

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	pb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/planner/influxql"
	"github.com/stratadb/strata/sql"
)

// service is the Flight RPC service: flightsql's router, with DoGet of
// queries (and the InfluxDB 3 JSON ticket) and Handshake taken over.
type service struct {
	flight.FlightServer
	s *Server
}

func (v *service) Handshake(stream flight.FlightService_HandshakeServer) error {
	return v.s.handshake(stream)
}

// DoGet streams a query's results. Tickets are either InfluxDB 3's JSON
// or a serialized Any holding a Flight SQL command; metadata commands go
// on to flightsql's router.
func (v *service) DoGet(t *flight.Ticket, stream flight.FlightService_DoGetServer) error {
	ctx := stream.Context()
	if body := bytes.TrimSpace(t.GetTicket()); len(body) > 0 && body[0] == '{' {
		return v.s.doGetInflux(body, stream)
	}
	var anycmd anypb.Any
	if err := proto.Unmarshal(t.GetTicket(), &anycmd); err != nil {
		return status.Errorf(codes.InvalidArgument, "ticket is neither a Flight SQL command nor InfluxDB 3 JSON ({\"database\": ..., \"sql_query\": ...}): %v", err)
	}
	cmd, err := anycmd.UnmarshalNew()
	if err != nil {
		return status.Errorf(codes.InvalidArgument, "ticket holds an unknown command %q: %v", anycmd.GetTypeUrl(), err)
	}
	switch cmd := cmd.(type) {
	case *pb.TicketStatementQuery:
		h, err := decodeHandle(cmd.GetStatementHandle())
		if err != nil {
			return status.Error(codes.InvalidArgument, err.Error())
		}
		stmt, err := parseOne(h.SQL)
		if err != nil {
			return toStatus(ctx, err)
		}
		return v.s.runQuery(stream, h.DB, logged{"flightsql", stmt.Text}, stmt, nil)
	case *pb.CommandPreparedStatementQuery:
		// The ticket's handle names the statement and the parameters bound
		// when the ticket was issued (preparedStmt.snapshot).
		handle, snap, _ := strings.Cut(string(cmd.GetPreparedStatementHandle()), "/")
		ps, err := v.s.prepared.get([]byte(handle))
		if err != nil {
			return err
		}
		params, err := ps.ticketParams(snap)
		if err != nil {
			return err
		}
		return v.s.runQuery(stream, ps.db, logged{"flightsql", ps.stmt.Text}, ps.stmt, params)
	}
	return v.FlightServer.DoGet(t, stream)
}

// influxTicket is the ticket of InfluxDB 3's DoGet (its client libraries
// send it): the database under any of three names, the SQL, the query
// language and named (or positional) parameters.
type influxTicket struct {
	Database      string         `json:"database"`
	NamespaceName string         `json:"namespace_name"`
	Bucket        string         `json:"bucket"`
	BucketName    string         `json:"bucket-name"`
	SQLQuery      string         `json:"sql_query"`
	QueryType     string         `json:"query_type"`
	Params        map[string]any `json:"params"`
}

func (s *Server) doGetInflux(body []byte, stream flight.FlightService_DoGetServer) error {
	ctx := stream.Context()
	q, err := parseInfluxTicket(body, requestDatabase(ctx), func(db, text string, params map[string]any) (*influxql.Query, error) {
		return influxql.SQL(text, db, params, s.Planner.Engine, time.Now())
	})
	if err != nil {
		return toStatus(ctx, err)
	}
	return s.runQuery(stream, q.db, q.logged, q.stmt, q.params, q.influxTags)
}

// influxQuery is a parsed InfluxDB 3 ticket.
type influxQuery struct {
	db     string
	logged logged
	stmt   *sql.Statement
	params []any
	// influxTags are an InfluxQL query's series tags (non-nil for
	// InfluxQL), which its result marks as tags, its values as fields.
	influxTags []string
}

// parseInfluxTicket reads an InfluxDB 3 JSON ticket; headerDB is the
// database the request's metadata names, used when the ticket names none;
// fromInfluxQL translates an InfluxQL query (query_type influxql) of a
// database to SQL.
func parseInfluxTicket(body []byte, headerDB string, fromInfluxQL func(db, q string, params map[string]any) (*influxql.Query, error)) (influxQuery, error) {
	var q influxQuery
	var t influxTicket
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&t); err != nil {
		return q, status.Errorf(codes.InvalidArgument, `ticket JSON: %v (expected {"database": "mydb", "sql_query": "SELECT ...", "query_type": "sql", "params": {...}})`, err)
	}
	q.db = firstNonEmpty(t.Database, t.NamespaceName, t.Bucket, t.BucketName, headerDB)
	if q.db == "" {
		return q, status.Error(codes.InvalidArgument, `ticket names no database: add "database": "mydb"`)
	}
	if strings.TrimSpace(t.SQLQuery) == "" {
		return q, status.Error(codes.InvalidArgument, `ticket has no "sql_query"`)
	}
	text := t.SQLQuery
	q.logged = logged{"sql", t.SQLQuery}
	switch strings.ToLower(t.QueryType) {
	case "", "sql":
	case "influxql":
		q.logged.kind = "influxql"
		tq, err := fromInfluxQL(q.db, t.SQLQuery, t.Params)
		if err != nil {
			return q, status.Error(codes.InvalidArgument, err.Error())
		}
		text, q.influxTags = tq.SQL, append([]string{}, tq.Tags...)
		t.Params = nil // bound into the InfluxQL
	default:
		return q, status.Errorf(codes.InvalidArgument, "query_type %q: use \"sql\" or \"influxql\"", t.QueryType)
	}
	stmt, err := parseOne(text)
	if err != nil {
		return q, err
	}
	q.stmt = stmt
	if len(t.Params) > 0 || stmt.NumParams > 0 {
		vals := make(map[string]any, len(t.Params))
		for k, v := range t.Params {
			vals[k] = jsonParam(v)
		}
		if q.params, err = stmt.ParamValues(vals); err != nil {
			return q, status.Error(codes.InvalidArgument, err.Error())
		}
	}
	return q, nil
}

// jsonParam turns a JSON parameter value into the engine's: whole numbers
// are int64, other numbers float64.
func jsonParam(v any) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	if i, err := n.Int64(); err == nil {
		return i
	}
	f, _ := n.Float64()
	return f
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// parseOne parses text that must hold one statement.
func parseOne(text string) (*sql.Statement, error) {
	stmts, err := sql.Parse(text)
	if err != nil {
		return nil, err
	}
	if len(stmts) != 1 {
		return nil, status.Errorf(codes.InvalidArgument, "expected one statement, got %d: send them one at a time", len(stmts))
	}
	if stmts[0].Kind == sql.Empty {
		return nil, status.Error(codes.InvalidArgument, "the query is empty")
	}
	return stmts[0], nil
}

// runQuery plans and runs a SELECT (or EXPLAIN) and writes its batches to
// the stream as the engine produces them: each batch is sent before the
// next is pulled, so a result of any size streams in bounded memory and a
// slow client slows the query instead of buffering it. Tags go out as
// strings (see plain.go).
func (s *Server) runQuery(stream flight.FlightService_DoGetServer, db string, l logged, stmt *sql.Statement, params []any, influxTags ...[]string) error {
	start, rows, failed := time.Now(), int64(0), true // failed until it ends well
	defer func() { s.Queries.Done(start, rows, failed) }()
	entry := s.Planner.Activity.Begin(db, l.kind, l.text, 0)
	var tags []string
	if len(influxTags) > 0 {
		tags = influxTags[0]
	}
	err := s.streamQuery(stream, db, stmt, params, tags, &rows, entry)
	entry.End(stream.Context(), err)
	failed = err != nil
	return err
}

// logged is how the query log (system.queries) records a query: its
// kind (sql, influxql, flightsql, as InfluxDB 3 names them) and the text
// the client sent.
type logged struct{ kind, text string }

// streamQuery is runQuery's work; it adds the rows it sends to *rows.
func (s *Server) streamQuery(stream flight.FlightService_DoGetServer, db string, stmt *sql.Statement, params []any, influxTags []string, rows *int64, entry *planner.QueryEntry) error {
	ctx := stream.Context()
	switch stmt.Kind {
	case sql.Select, sql.Explain:
	case sql.Insert, sql.Delete, sql.Update, sql.DropTable, sql.Truncate, sql.CreateTable, sql.CreateDatabase, sql.DropDatabase, sql.AlterTable,
		sql.CreateView, sql.RefreshView, sql.DropView, sql.AlterView, sql.CreatePlainView, sql.DropPlainView, sql.Comment, sql.AlterIndex, sql.Call: // sql.Kind.Changes
		return status.Error(codes.InvalidArgument, stmt.Kind.Verb()+" is an update: run it with ExecuteUpdate (CommandStatementUpdate), not as a query")
	default:
		return status.Error(codes.InvalidArgument, "only SELECT and EXPLAIN run as Flight queries")
	}
	if err := s.checkDatabase(db); err != nil {
		return err
	}
	s.active.Add(1)
	defer s.active.Add(-1)
	sess := s.session(db)
	q, op, err := s.Planner.Run(ctx, sess, stmt, params)
	if err != nil {
		return toStatus(ctx, err)
	}
	defer op.Close()
	entry.Planned()
	schema := s.resultSchema(db, q.Cols, op.Schema())
	if influxTags != nil {
		schema = markInfluxQL(schema, influxTags)
	}
	cols := make([]arrow.Array, schema.NumFields())
	w := flight.NewRecordWriter(stream, ipc.WithSchema(schema), ipc.WithAllocator(s.mem))
	defer w.Close()
	for {
		rec, err := op.Next(ctx)
		if err != nil {
			return toStatus(ctx, err)
		}
		if rec == nil {
			break
		}
		if rec.NumRows() == 0 {
			continue
		}
		copy(cols, rec.Columns())
		var decoded []arrow.Array
		for i, col := range cols {
			if d, ok := col.(*array.Dictionary); ok && schema.Field(i).Type.ID() == arrow.STRING {
				cols[i] = plainStrings(s.mem, d)
				decoded = append(decoded, cols[i])
			} else if a, made := asDeclared(s.mem, col, schema.Field(i).Type); made {
				cols[i] = a
				decoded = append(decoded, a)
			}
		}
		out := array.NewRecordBatch(schema, cols, rec.NumRows())
		err = writeChunked(w, out)
		out.Release()
		for _, a := range decoded {
			a.Release()
		}
		if err != nil {
			return toStatus(ctx, fmt.Errorf("send results: %w", err))
		}
		*rows += rec.NumRows()
	}
	return nil
}

// maxMessageBytes bounds one FlightData message. gRPC clients refuse
// messages above 4 MiB unless told otherwise (the InfluxDB 3 clients, the
// JDBC driver and pyarrow keep that default), so large batches go out in
// row slices of about 2 MiB, as InfluxDB 3 sends them.
const maxMessageBytes = 2 << 20

// writeChunked writes rec in zero-copy row slices of at most about
// maxMessageBytes each.
func writeChunked(w *flight.Writer, rec arrow.RecordBatch) error {
	n := rec.NumRows()
	size := recordBytes(rec)
	if size <= maxMessageBytes || n <= 1 {
		return w.Write(rec)
	}
	step := max(1, n*maxMessageBytes/size)
	for off := int64(0); off < n; off += step {
		part := rec.NewSlice(off, min(off+step, n))
		err := w.Write(part)
		part.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// recordBytes is the size of rec's buffers.
func recordBytes(rec arrow.RecordBatch) int64 {
	var size int64
	for _, col := range rec.Columns() {
		size += dataBytes(col.Data())
	}
	return size
}

func dataBytes(d arrow.ArrayData) int64 {
	var size int64
	for _, b := range d.Buffers() {
		if b != nil {
			size += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		size += dataBytes(c)
	}
	return size
}
