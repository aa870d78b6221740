package flight

import (
	"cmp"
	"context"
	pb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql/schema_ref"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage"
)

func TestMetadataCommands(t *testing.T) {
	s := startServer(t, nil)
	writeLP(t, s.engine, "other", "mem,host=x used=1i 1700000000000000000\n")
	c := s.client(t)
	ctx := context.Background()

	info, err := c.GetCatalogs(ctx)
	require.NoError(t, err)
	_, rows := readAll(t, ctx, c, info)
	require.Equal(t, [][]any{{"db"}, {"other"}}, rows)
	// With a database header, only that database is visible.
	info, err = c.GetCatalogs(dbCtx("other"))
	require.NoError(t, err)
	_, rows = readAll(t, dbCtx("other"), c, info)
	require.Equal(t, [][]any{{"other"}}, rows)

	catalog, pattern := "db", "p%"
	info, err = c.GetDBSchemas(ctx, &flightsql.GetDBSchemasOpts{Catalog: &catalog, DbSchemaFilterPattern: &pattern})
	require.NoError(t, err)
	schema, rows := readAll(t, ctx, c, info)
	require.True(t, schema_ref.DBSchemas.Equal(schema))
	require.Equal(t, [][]any{{"db", "pg_catalog"}, {"db", "public"}}, rows)

	info, err = c.GetTables(ctx, &flightsql.GetTablesOpts{IncludeSchema: true, TableTypes: []string{"BASE TABLE"}})
	require.NoError(t, err)
	r, err := c.DoGet(ctx, info.Endpoint[0].Ticket)
	require.NoError(t, err)
	defer r.Release()
	require.True(t, r.Next())
	rec := r.RecordBatch()
	require.Equal(t, int64(2), rec.NumRows())
	names := rec.Column(2).(*array.String)
	require.Equal(t, []string{"cpu", "mem"}, []string{names.Value(0), names.Value(1)})
	require.Equal(t, "db", rec.Column(0).(*array.String).Value(0))
	require.Equal(t, "public", rec.Column(1).(*array.String).Value(0))
	tableSchema, err := flight.DeserializeSchema(rec.Column(4).(*array.Binary).Value(0), memory.DefaultAllocator)
	require.NoError(t, err)
	// In name order, as InfluxDB 3 holds a table's columns (SELECT * here too).
	require.Equal(t, []string{"host", "n", "ok", "region", "time", "usage"}, fieldNames(tableSchema))
	require.Equal(t, arrow.TIMESTAMP, tableSchema.Field(4).Type.ID())
	require.False(t, r.Next())

	namePattern := "c_l%"
	info, err = c.GetTables(ctx, &flightsql.GetTablesOpts{TableNameFilterPattern: &namePattern})
	require.NoError(t, err)
	_, rows = readAll(t, ctx, c, info)
	require.Equal(t, [][]any{{"db", "information_schema", "columns", "VIEW"}, {"other", "information_schema", "columns", "VIEW"}}, rows)

	info, err = c.GetTableTypes(ctx)
	require.NoError(t, err)
	_, rows = readAll(t, ctx, c, info)
	require.Equal(t, [][]any{{"BASE TABLE"}, {"VIEW"}}, rows)

	info, err = c.GetSqlInfo(ctx, []flightsql.SqlInfo{flightsql.SqlInfoFlightSqlServerName, flightsql.SqlInfoIdentifierQuoteChar, flightsql.SqlInfoFlightSqlServerReadOnly})
	require.NoError(t, err)
	_, rows = readAll(t, ctx, c, info)
	require.Len(t, rows, 3)
	got := map[int64]any{}
	for _, row := range rows {
		got[row[0].(int64)] = row[1]
	}
	require.Equal(t, "Strata", got[int64(flightsql.SqlInfoFlightSqlServerName)])
	require.Equal(t, `"`, got[int64(flightsql.SqlInfoIdentifierQuoteChar)])
	require.Equal(t, false, got[int64(flightsql.SqlInfoFlightSqlServerReadOnly)])

	// Every standard SqlInfo has a value: JDBC's DatabaseMetaData and ADBC's
	// GetInfo ask for them (one missing failed the whole request).
	var all []flightsql.SqlInfo
	for id := range flightsql.SqlInfoStoredFunctionsUsingCallSyntaxSupported + 1 {
		if _, ok := pb.SqlInfo_name[int32(id)]; ok {
			all = append(all, id)
		}
	}
	info, err = c.GetSqlInfo(ctx, all)
	require.NoError(t, err)
	_, rows = readAll(t, ctx, c, info)
	require.Len(t, rows, len(all))

	info, err = c.GetXdbcTypeInfo(ctx, nil)
	require.NoError(t, err)
	schema, rows = readAll(t, ctx, c, info)
	require.True(t, schema_ref.XdbcTypeInfo.Equal(schema))
	var typeNames []string
	for _, row := range rows {
		typeNames = append(typeNames, row[0].(string))
	}
	require.Contains(t, typeNames, "double precision")
	require.Contains(t, typeNames, "timestamp with time zone")
	// Ordered by data type, then name, as the protocol asks.
	require.True(t, slices.IsSortedFunc(rows, func(a, b []any) int {
		if c := cmp.Compare(a[1].(int64), b[1].(int64)); c != 0 {
			return c
		}
		return strings.Compare(a[0].(string), b[0].(string))
	}), "%v", rows)
	bigint := int32(-5)
	info, err = c.GetXdbcTypeInfo(ctx, &bigint)
	require.NoError(t, err)
	_, rows = readAll(t, ctx, c, info)
	require.Len(t, rows, 2, "bigint and bigint unsigned")

	info, err = c.GetPrimaryKeys(ctx, flightsql.TableRef{Table: "cpu"})
	require.NoError(t, err)
	_, rows = readAll(t, ctx, c, info)
	require.Empty(t, rows, "a table made by writes has no key")
	require.NoError(t, s.engine.CreateKeyedTable(ctx, "db", "keyed", []storage.ColumnMeta{
		{Name: "time", Type: storage.TypeTime}, {Name: "host", Type: storage.TypeTag, NotNull: true}, {Name: "v", Type: storage.TypeFloat},
	}, storage.TableKey{Name: "keyed_pkey", Primary: true, Columns: []int{2, 1}}))
	info, err = c.GetPrimaryKeys(ctx, flightsql.TableRef{Table: "keyed"})
	require.NoError(t, err)
	schema, rows = readAll(t, ctx, c, info)
	require.True(t, schema_ref.PrimaryKeys.Equal(schema))
	require.Equal(t, [][]any{{"db", "public", "keyed", "host", int64(1), "keyed_pkey"}, {"db", "public", "keyed", "time", int64(2), "keyed_pkey"}}, rows)
}

func TestLikeMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"%", "", true},
		{"cpu", "cpu", true},
		{"cp_", "cpu", true},
		{"c%u", "cpu", true},
		{"c%u", "cpus", false},
		{"%s%s%", "sass", true},
		{`a\_b`, "a_b", true},
		{`a\_b`, "axb", false},
		{`100\%`, "100%", true},
		{"", "x", false},
	} {
		p := tc.pattern
		require.Equal(t, tc.want, likeMatch(&p, tc.s), "%q LIKE %q", tc.s, tc.pattern)
	}
	require.True(t, likeMatch(nil, "anything"))
}
