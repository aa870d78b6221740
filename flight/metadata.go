package flight

import (
	"context"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql/schema_ref"
	pb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// Catalogs are Strata databases; each has the schemas below. Tables of a
// database live in public; information_schema holds the views the SQL
// engine answers from the catalog.
var (
	dbSchemas        = []string{"information_schema", "pg_catalog", "public"}
	infoSchemaTables = []string{"columns", "schemata", "tables"}
	tableTypes       = []string{"BASE TABLE", "VIEW"}
)

// commandInfo is the FlightInfo of a command whose ticket is the command
// itself (metadata commands, which flightsql's router runs on DoGet, and
// prepared statements, which DoGet runs).
func (s *Server) commandInfo(cmd proto.Message, schema *arrow.Schema, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	any, err := anypb.New(cmd)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "ticket: %v", err)
	}
	ticket, err := proto.Marshal(any)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "ticket: %v", err)
	}
	return s.flightInfo(schema, desc, ticket), nil
}

// oneBatch sends one record on a closed channel, as flightsql's router
// expects from metadata commands.
func oneBatch(rec arrow.RecordBatch) <-chan flight.StreamChunk {
	ch := make(chan flight.StreamChunk, 1)
	ch <- flight.StreamChunk{Data: rec}
	close(ch)
	return ch
}

// catalogs lists the databases a request may see: the one its metadata
// names, or all of them.
func (s *Server) catalogs(ctx context.Context) []string {
	var names []string
	for _, d := range s.Planner.Engine.Databases() {
		names = append(names, d.Name)
	}
	if db := requestDatabase(ctx); db != "" {
		if slices.Contains(names, db) {
			return []string{db}
		}
		return nil
	}
	return names
}

func (s *Server) GetFlightInfoCatalogs(_ context.Context, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.commandInfo(&pb.CommandGetCatalogs{}, schema_ref.Catalogs, desc)
}

func (s *Server) DoGetCatalogs(ctx context.Context) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	b := array.NewRecordBuilder(s.mem, schema_ref.Catalogs)
	defer b.Release()
	for _, c := range s.catalogs(ctx) {
		b.Field(0).(*array.StringBuilder).Append(c)
	}
	return schema_ref.Catalogs, oneBatch(b.NewRecordBatch()), nil
}

func (s *Server) GetFlightInfoSchemas(_ context.Context, cmd flightsql.GetDBSchemas, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.commandInfo(&pb.CommandGetDbSchemas{Catalog: cmd.GetCatalog(), DbSchemaFilterPattern: cmd.GetDBSchemaFilterPattern()}, schema_ref.DBSchemas, desc)
}

func (s *Server) DoGetDBSchemas(ctx context.Context, cmd flightsql.GetDBSchemas) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	b := array.NewRecordBuilder(s.mem, schema_ref.DBSchemas)
	defer b.Release()
	for _, c := range s.catalogs(ctx) {
		if cmd.GetCatalog() != nil && *cmd.GetCatalog() != c {
			continue
		}
		for _, sc := range dbSchemas {
			if likeMatch(cmd.GetDBSchemaFilterPattern(), sc) {
				b.Field(0).(*array.StringBuilder).Append(c)
				b.Field(1).(*array.StringBuilder).Append(sc)
			}
		}
	}
	return schema_ref.DBSchemas, oneBatch(b.NewRecordBatch()), nil
}

func (s *Server) GetFlightInfoTables(_ context.Context, cmd flightsql.GetTables, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	schema := schema_ref.Tables
	if cmd.GetIncludeSchema() {
		schema = schema_ref.TablesWithIncludedSchema
	}
	return s.commandInfo(&pb.CommandGetTables{
		Catalog:                cmd.GetCatalog(),
		DbSchemaFilterPattern:  cmd.GetDBSchemaFilterPattern(),
		TableNameFilterPattern: cmd.GetTableNameFilterPattern(),
		TableTypes:             cmd.GetTableTypes(),
		IncludeSchema:          cmd.GetIncludeSchema(),
	}, schema, desc)
}

// DoGetTables lists tables (and information_schema's views) by catalog,
// schema pattern, name pattern and type, with each one's Arrow schema when
// asked: the schema of SELECT * from it, as a query would return it.
func (s *Server) DoGetTables(ctx context.Context, cmd flightsql.GetTables) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	schema := schema_ref.Tables
	if cmd.GetIncludeSchema() {
		schema = schema_ref.TablesWithIncludedSchema
	}
	b := array.NewRecordBuilder(s.mem, schema)
	defer b.Release()
	wantType := func(t string) bool {
		return len(cmd.GetTableTypes()) == 0 || slices.ContainsFunc(cmd.GetTableTypes(), func(x string) bool { return strings.EqualFold(x, t) })
	}
	add := func(db, sc, name, typ string) error {
		if !likeMatch(cmd.GetDBSchemaFilterPattern(), sc) || !likeMatch(cmd.GetTableNameFilterPattern(), name) || !wantType(typ) {
			return nil
		}
		b.Field(0).(*array.StringBuilder).Append(db)
		b.Field(1).(*array.StringBuilder).Append(sc)
		b.Field(2).(*array.StringBuilder).Append(name)
		b.Field(3).(*array.StringBuilder).Append(typ)
		if cmd.GetIncludeSchema() {
			ts, err := s.describeQuery(ctx, db, "SELECT * FROM "+quoteIdent(sc)+"."+quoteIdent(name))
			if err != nil {
				return err
			}
			b.Field(4).(*array.BinaryBuilder).Append(flight.SerializeSchema(ts, s.mem))
		}
		return nil
	}
	for _, d := range s.Planner.Engine.Databases() {
		if !slices.Contains(s.catalogs(ctx), d.Name) || (cmd.GetCatalog() != nil && *cmd.GetCatalog() != d.Name) {
			continue
		}
		// By catalog, schema, then name, as the protocol orders them.
		for _, t := range infoSchemaTables {
			if err := add(d.Name, "information_schema", t, "VIEW"); err != nil {
				return nil, nil, err
			}
		}
		for _, t := range slices.Sorted(slices.Values(d.Tables)) {
			if err := add(d.Name, "public", t, "BASE TABLE"); err != nil {
				return nil, nil, err
			}
		}
	}
	return schema, oneBatch(b.NewRecordBatch()), nil
}

func (s *Server) GetFlightInfoTableTypes(_ context.Context, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.commandInfo(&pb.CommandGetTableTypes{}, schema_ref.TableTypes, desc)
}

func (s *Server) DoGetTableTypes(context.Context) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	b := array.NewRecordBuilder(s.mem, schema_ref.TableTypes)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues(tableTypes, nil)
	return schema_ref.TableTypes, oneBatch(b.NewRecordBatch()), nil
}

func (s *Server) GetFlightInfoPrimaryKeys(_ context.Context, ref flightsql.TableRef, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.commandInfo(&pb.CommandGetPrimaryKeys{Catalog: ref.Catalog, DbSchema: ref.DBSchema, Table: ref.Table}, schema_ref.PrimaryKeys, desc)
}

// DoGetPrimaryKeys answers the columns of the table's declared PRIMARY
// KEY (planner.KeyColumns; a UNIQUE constraint is not one), in each
// catalog the caller may read, as pg_constraint shows it: none for a
// table made by writes or declared without one.
func (s *Server) DoGetPrimaryKeys(ctx context.Context, ref flightsql.TableRef) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	b := array.NewRecordBuilder(s.mem, schema_ref.PrimaryKeys)
	defer b.Release()
	if ref.DBSchema == nil || *ref.DBSchema == "public" {
		for _, db := range s.catalogs(ctx) {
			if ref.Catalog != nil && *ref.Catalog != db {
				continue
			}
			name, cols, primary, ok := s.Planner.KeyColumns(db, ref.Table)
			if !ok || !primary {
				continue
			}
			for i, c := range cols {
				b.Field(0).(*array.StringBuilder).Append(db)
				b.Field(1).(*array.StringBuilder).Append("public")
				b.Field(2).(*array.StringBuilder).Append(ref.Table)
				b.Field(3).(*array.StringBuilder).Append(c)
				b.Field(4).(*array.Int32Builder).Append(int32(i + 1))
				b.Field(5).(*array.StringBuilder).Append(name)
			}
		}
	}
	return schema_ref.PrimaryKeys, oneBatch(b.NewRecordBatch()), nil
}

// likeMatch matches a Flight SQL filter pattern (SQL LIKE: % any run, _
// one character, \ escapes); a nil pattern matches everything.
func likeMatch(pattern *string, s string) bool {
	if pattern == nil {
		return true
	}
	return like([]rune(*pattern), []rune(s))
}

// like matches with backtracking over the last %, which is linear for the
// short names and patterns of metadata requests.
func like(p, s []rune) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '%':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == '\\' && pi+1 < len(p) && p[pi+1] == s[si]:
			pi += 2
			si++
		case pi < len(p) && p[pi] != '\\' && (p[pi] == '_' || p[pi] == s[si]):
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
