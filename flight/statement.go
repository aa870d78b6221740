package flight

import (
	"context"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
)

// GetFlightInfoStatement plans the query far enough to know its columns
// and answers one endpoint whose ticket carries the query itself.
func (s *Server) GetFlightInfoStatement(ctx context.Context, cmd flightsql.StatementQuery, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	start := time.Now()
	db, err := needDatabase(ctx)
	if err != nil {
		return nil, err
	}
	schema, err := s.describeQuery(ctx, db, cmd.GetQuery())
	if err != nil {
		s.Queries.Done(start, 0, true) // it fails before DoGet would run it
		return nil, err
	}
	ticket, err := flightsql.CreateStatementQueryTicket(encodeHandle(db, cmd.GetQuery()))
	if err != nil {
		return nil, status.Errorf(codes.Internal, "ticket: %v", err)
	}
	return s.flightInfo(schema, desc, ticket), nil
}

// GetSchemaStatement answers a query's result schema without running it.
func (s *Server) GetSchemaStatement(ctx context.Context, cmd flightsql.StatementQuery, _ *flight.FlightDescriptor) (*flight.SchemaResult, error) {
	db, err := needDatabase(ctx)
	if err != nil {
		return nil, err
	}
	schema, err := s.describeQuery(ctx, db, cmd.GetQuery())
	if err != nil {
		return nil, err
	}
	return &flight.SchemaResult{Schema: flight.SerializeSchema(schema, s.mem)}, nil
}

func (s *Server) describeQuery(ctx context.Context, db, text string) (*arrow.Schema, error) {
	stmt, err := parseOne(text)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	switch stmt.Kind {
	case sql.Select, sql.Explain:
	case sql.Insert, sql.Delete, sql.Update, sql.DropTable, sql.Truncate, sql.CreateTable, sql.CreateDatabase, sql.DropDatabase, sql.AlterTable,
		sql.CreateView, sql.RefreshView, sql.DropView, sql.AlterView, sql.CreatePlainView, sql.DropPlainView, sql.Comment, sql.AlterIndex, sql.Call: // sql.Kind.Changes
		return nil, status.Error(codes.InvalidArgument, "only SELECT and EXPLAIN run as Flight queries; run INSERT, UPDATE, DELETE, CREATE TABLE, TRUNCATE and DROP TABLE with ExecuteUpdate (CommandStatementUpdate)")
	case sql.Show:
		return nil, status.Error(codes.InvalidArgument, "SHOW is not served over Flight SQL: SELECT current_setting('name') reads a setting (Flight sessions are UTC)")
	default:
		return nil, status.Errorf(codes.InvalidArgument, "%s statements do not run over Flight SQL: it runs SELECT, EXPLAIN and (with ExecuteUpdate) INSERT", strings.ToUpper(stmt.Kind.String()))
	}
	if err := s.checkDatabase(db); err != nil {
		return nil, err
	}
	cols, _, err := s.Planner.Describe(ctx, s.session(db), stmt)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return s.resultSchema(db, cols, nil), nil
}

func (s *Server) flightInfo(schema *arrow.Schema, desc *flight.FlightDescriptor, ticket []byte) *flight.FlightInfo {
	return &flight.FlightInfo{
		Schema:           flight.SerializeSchema(schema, s.mem),
		FlightDescriptor: desc,
		Endpoint:         []*flight.FlightEndpoint{{Ticket: &flight.Ticket{Ticket: ticket}}},
		TotalRecords:     -1,
		TotalBytes:       -1,
	}
}

// DoPutCommandStatementUpdate runs an INSERT (VALUES or SELECT) through the
// durable write path, or an UPDATE or DELETE, and answers the number of
// rows written, updated or deleted.
func (s *Server) DoPutCommandStatementUpdate(ctx context.Context, cmd flightsql.StatementUpdate) (int64, error) {
	db, err := needDatabase(ctx)
	if err != nil {
		return 0, err
	}
	stmt, err := parseOne(cmd.GetQuery())
	if err != nil {
		return 0, toStatus(ctx, err)
	}
	return s.update(ctx, db, stmt, nil)
}

// isUpdateKind reports whether a statement runs with ExecuteUpdate.
func isUpdateKind(k sql.Kind) bool {
	return k.Changes()
}

// update runs an INSERT once per set of parameters, in one write, an
// UPDATE or DELETE once per set, or a CREATE TABLE, DROP TABLE or TRUNCATE
// once.
func (s *Server) update(ctx context.Context, db string, stmt *sql.Statement, params ...[]any) (int64, error) {
	var n int64
	var err error
	switch stmt.Kind {
	case sql.Insert:
		n, err = s.Planner.InsertRows(ctx, s.session(db), stmt, params)
	case sql.Delete, sql.Update:
		run := s.Planner.Delete
		if stmt.Kind == sql.Update {
			run = s.Planner.Update
		}
		for _, ps := range params {
			var k int64
			k, err = run(ctx, s.session(db), stmt, ps)
			n += k
			if err != nil {
				break
			}
		}
	case sql.DropTable, sql.Truncate, sql.CreateTable, sql.CreateDatabase, sql.DropDatabase, sql.AlterTable, sql.CreateView, sql.RefreshView, sql.DropView, sql.AlterView, sql.CreatePlainView, sql.DropPlainView, sql.Comment, sql.AlterIndex: // sql.Kind.IsDDL
		var res planner.DDLResult
		res, err = s.Planner.RunDDL(ctx, s.session(db), stmt) // 0, as JDBC's executeUpdate gives DDL; CREATE TABLE ... AS: its rows
		n = res.Rows
	case sql.Call:
		var op exec.Operator
		if _, op, err = s.Planner.Run(ctx, s.session(db), stmt, nil); err == nil {
			var recs []arrow.Record
			recs, err = exec.Collect(ctx, op)
			for _, r := range recs {
				r.Release()
			}
		}
	default:
		return 0, status.Error(codes.InvalidArgument, "ExecuteUpdate runs INSERT, UPDATE, DELETE, CREATE TABLE, TRUNCATE and DROP TABLE statements; run queries with Execute (CommandStatementQuery)")
	}
	if err != nil {
		return 0, toStatus(ctx, err)
	}
	return n, nil
}
