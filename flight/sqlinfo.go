package flight

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql/schema_ref"
	pb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
)

// arrowVersion is the Arrow format library the server speaks.
const arrowVersion = "arrow-go v18"

// registerSQLInfo answers GetSqlInfo: what the server is and what its SQL
// supports, for JDBC/ODBC drivers' DatabaseMetaData.
func (s *Server) registerSQLInfo() {
	version := s.Version
	if version == "" {
		version = "dev"
	}
	infos := []struct {
		id  flightsql.SqlInfo
		val any
	}{
		{flightsql.SqlInfoFlightSqlServerName, "Strata"},
		{flightsql.SqlInfoFlightSqlServerVersion, version},
		{flightsql.SqlInfoFlightSqlServerArrowVersion, arrowVersion},
		{flightsql.SqlInfoFlightSqlServerReadOnly, false},
		{flightsql.SqlInfoFlightSqlServerSql, true},
		{flightsql.SqlInfoFlightSqlServerSubstrait, false},
		{flightsql.SqlInfoFlightSqlServerTransaction, int32(pb.SqlSupportedTransaction_SQL_SUPPORTED_TRANSACTION_NONE)},
		{flightsql.SqlInfoFlightSqlServerCancel, false},
		{flightsql.SqlInfoFlightSqlServerBulkIngestion, false},
		{flightsql.SqlInfoDDLCatalog, false},
		{flightsql.SqlInfoDDLSchema, false},
		{flightsql.SqlInfoDDLTable, false},
		{flightsql.SqlInfoIdentifierCase, int64(pb.SqlSupportedCaseSensitivity_SQL_CASE_SENSITIVITY_LOWERCASE)},
		{flightsql.SqlInfoIdentifierQuoteChar, `"`},
		{flightsql.SqlInfoQuotedIdentifierCase, int64(pb.SqlSupportedCaseSensitivity_SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)},
		{flightsql.SqlInfoAllTablesAreASelectable, true},
		{flightsql.SqlInfoNullOrdering, int64(pb.SqlNullOrdering_SQL_NULLS_SORTED_HIGH)},
		{flightsql.SqlInfoSearchStringEscape, `\`},
		{flightsql.SqlInfoSupportsColumnAliasing, true},
		{flightsql.SqlInfoNullPlusNullIsNull, true},
		{flightsql.SqlInfoSupportsExpressionsInOrderBy, true},
		{flightsql.SqlInfoSupportsOrderByUnrelated, true},
		{flightsql.SqlInfoSupportsLikeEscapeClause, true},
		{flightsql.SqlInfoSchemaTerm, "schema"},
		{flightsql.SqlInfoCatalogTerm, "database"},
		{flightsql.SqlInfoCatalogAtStart, true},
		{flightsql.SqlInfoSelectForUpdateSupported, false},
		{flightsql.SqlInfoStoredProceduresSupported, false},
		{flightsql.SqlInfoCorrelatedSubqueriesSupported, true},
		{flightsql.SqlInfoTransactionsSupported, false},
		{flightsql.SqlInfoBatchUpdatesSupported, true},
		{flightsql.SqlInfoSavePointsSupported, false},
		{flightsql.SqlInfoNamedParametersSupported, true},
		// The rest of the standard set, which JDBC's DatabaseMetaData and
		// ADBC's GetInfo read (a missing one fails the request or unboxes
		// a null). Bitmasks set bit n for the enum's value n.
		{flightsql.SqlInfoFlightSqlServerSubstraitMinVersion, ""},
		{flightsql.SqlInfoFlightSqlServerSubstraitMaxVersion, ""},
		{flightsql.SqlInfoFlightSqlServerStatementTimeout, int32(0)},
		{flightsql.SqlInfoFlightSqlServerTransactionTimeout, int32(0)},
		{flightsql.SqlInfoFlightSqlServerIngestTransactionsSupported, false},
		{flightsql.SqlInfoKeywords, []string{"ILIKE", "LIMIT", "OFFSET", "RETURNING", "ANALYZE", "EXPLAIN", "LATERAL", "WINDOW", "FILTER", "WITHIN"}},
		{flightsql.SqlInfoNumericFunctions, []string{"abs", "ceil", "floor", "round", "trunc", "sqrt", "cbrt", "power", "exp", "ln", "log", "log10", "mod",
			"sign", "pi", "random", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "degrees", "radians", "greatest", "least", "width_bucket"}},
		{flightsql.SqlInfoStringFunctions, []string{"lower", "upper", "length", "char_length", "substr", "substring", "replace", "split_part", "concat",
			"concat_ws", "trim", "ltrim", "rtrim", "lpad", "rpad", "left", "right", "position", "strpos", "starts_with", "reverse", "repeat",
			"regexp_replace", "regexp_match", "initcap", "md5", "to_char", "format"}},
		{flightsql.SqlInfoSystemFunctions, []string{"current_database", "current_schema", "current_user", "version", "pg_typeof", "coalesce", "nullif"}},
		{flightsql.SqlInfoDateTimeFunctions, []string{"now", "current_timestamp", "current_date", "date_trunc", "date_bin", "time_bucket",
			"time_bucket_gapfill", "date_part", "extract", "to_timestamp", "make_interval", "age", "clock_timestamp"}},
		{flightsql.SqlInfoExtraNameChars, ""},
		{flightsql.SqlInfoSupportsTableCorrelationNames, true},
		{flightsql.SqlInfoSupportsDifferentTableCorrelationNames, false},
		{flightsql.SqlInfoSupportedGroupBy, int32(1<<pb.SqlSupportedGroupBy_SQL_GROUP_BY_UNRELATED | 1<<pb.SqlSupportedGroupBy_SQL_GROUP_BY_BEYOND_SELECT)},
		{flightsql.SqlInfoSupportsNonNullableColumns, true},
		{flightsql.SqlInfoSupportedGrammar, int32(1<<pb.SupportedSqlGrammar_SQL_MINIMUM_GRAMMAR | 1<<pb.SupportedSqlGrammar_SQL_CORE_GRAMMAR)},
		{flightsql.SqlInfoANSI92SupportedLevel, int32(1 << pb.SupportedAnsi92SqlGrammarLevel_ANSI92_ENTRY_SQL)},
		{flightsql.SqlInfoSupportsIntegrityEnhancementFacility, false},
		{flightsql.SqlInfoOuterJoinsSupportLevel, int32(pb.SqlOuterJoinsSupportLevel_SQL_FULL_OUTER_JOINS)},
		{flightsql.SqlInfoProcedureTerm, "procedure"},
		{flightsql.SqlInfoSchemasSupportedActions, int32(0)},
		{flightsql.SqlInfoCatalogsSupportedActions, int32(0)},
		{flightsql.SqlInfoSupportedPositionedCommands, int32(0)},
		{flightsql.SqlInfoSupportedSubqueries, int32(1<<pb.SqlSupportedSubqueries_SQL_SUBQUERIES_IN_COMPARISONS | 1<<pb.SqlSupportedSubqueries_SQL_SUBQUERIES_IN_EXISTS |
			1<<pb.SqlSupportedSubqueries_SQL_SUBQUERIES_IN_INS | 1<<pb.SqlSupportedSubqueries_SQL_SUBQUERIES_IN_QUANTIFIEDS)},
		{flightsql.SqlInfoSupportedUnions, int32(1<<pb.SqlSupportedUnions_SQL_UNION | 1<<pb.SqlSupportedUnions_SQL_UNION_ALL)},
		{flightsql.SqlInfoMaxBinaryLiteralLen, int64(0)},
		{flightsql.SqlInfoMaxCharLiteralLen, int64(0)},
		{flightsql.SqlInfoMaxColumnNameLen, int64(63)},
		{flightsql.SqlInfoMaxColumnsInGroupBy, int64(0)},
		{flightsql.SqlInfoMaxColumnsInIndex, int64(0)},
		{flightsql.SqlInfoMaxColumnsInOrderBy, int64(0)},
		{flightsql.SqlInfoMaxColumnsInSelect, int64(0)},
		{flightsql.SqlInfoMaxColumnsInTable, int64(0)},
		{flightsql.SqlInfoMaxConnections, int64(0)},
		{flightsql.SqlInfoMaxCursorNameLen, int64(63)},
		{flightsql.SqlInfoMaxIndexLen, int64(0)},
		{flightsql.SqlInfoDBSchemaNameLen, int64(63)},
		{flightsql.SqlInfoMaxProcedureNameLen, int64(63)},
		{flightsql.SqlInfoMaxCatalogNameLen, int64(63)},
		{flightsql.SqlInfoMaxRowSize, int64(0)},
		{flightsql.SqlInfoMaxRowSizeIncludesBlobs, false},
		{flightsql.SqlInfoMaxStatementLen, int64(0)},
		{flightsql.SqlInfoMaxStatements, int64(0)},
		{flightsql.SqlInfoMaxTableNameLen, int64(63)},
		{flightsql.SqlInfoMaxTablesInSelect, int64(0)},
		{flightsql.SqlInfoMaxUsernameLen, int64(63)},
		{flightsql.SqlInfoDefaultTransactionIsolation, int32(pb.SqlTransactionIsolationLevel_SQL_TRANSACTION_NONE)},
		{flightsql.SqlInfoSupportedTransactionsIsolationlevels, int32(1 << pb.SqlTransactionIsolationLevel_SQL_TRANSACTION_NONE)},
		{flightsql.SqlInfoDataDefinitionCausesTransactionCommit, false},
		{flightsql.SqlInfoDataDefinitionsInTransactionsIgnored, false},
		{flightsql.SqlInfoSupportedResultSetTypes, int32(1 << pb.SqlSupportedResultSetType_SQL_RESULT_SET_TYPE_FORWARD_ONLY)},
		{flightsql.SqlInfoSupportedConcurrenciesForResultSetUnspecified, int32(1 << pb.SqlSupportedResultSetConcurrency_SQL_RESULT_SET_CONCURRENCY_READ_ONLY)},
		{flightsql.SqlInfoSupportedConcurrenciesForResultSetForwardOnly, int32(1 << pb.SqlSupportedResultSetConcurrency_SQL_RESULT_SET_CONCURRENCY_READ_ONLY)},
		{flightsql.SqlInfoSupportedConcurrenciesForResultSetScrollSensitive, int32(0)},
		{flightsql.SqlInfoSupportedConcurrenciesForResultSetScrollInsensitive, int32(0)},
		{flightsql.SqlInfoSupportsConvert, map[int32][]int32{}}, // CONVERT() is not supported: no conversions listed
		{flightsql.SqlInfoLocatorsUpdateCopy, false},
		{flightsql.SqlInfoStoredFunctionsUsingCallSyntaxSupported, false},
	}
	for _, info := range infos {
		// Only the types above are used, all of which RegisterSqlInfo takes.
		_ = s.RegisterSqlInfo(info.id, info.val)
	}
}

// xdbcType is one row of GetXdbcTypeInfo: a SQL type name the engine
// accepts in casts, and the column type it is.
type xdbcType struct {
	name     string
	dataType pb.XdbcDataType
	size     int32
	prefix   string
	unsigned bool
	subcode  int32 // datetime subcode; 0: none
}

// xdbcTypes are in the order GetXdbcTypeInfo answers: by data type, then
// name, as the protocol asks.
var xdbcTypes = []xdbcType{
	{name: "boolean", dataType: pb.XdbcDataType_XDBC_BIT, size: 1},
	{name: "bigint", dataType: pb.XdbcDataType_XDBC_BIGINT, size: 19},
	{name: "bigint unsigned", dataType: pb.XdbcDataType_XDBC_BIGINT, size: 20, unsigned: true},
	{name: "double precision", dataType: pb.XdbcDataType_XDBC_DOUBLE, size: 17},
	{name: "interval", dataType: pb.XdbcDataType_XDBC_INTERVAL, size: 49, prefix: "INTERVAL '"},
	{name: "text", dataType: pb.XdbcDataType_XDBC_VARCHAR, size: 1 << 30, prefix: "'"},
	{name: "timestamp with time zone", dataType: pb.XdbcDataType_XDBC_TIMESTAMP, size: 35, prefix: "TIMESTAMPTZ '", subcode: int32(pb.XdbcDatetimeSubcode_XDBC_SUBCODE_TIMESTAMP_WITH_TIMEZONE)},
}

func (s *Server) GetFlightInfoXdbcTypeInfo(_ context.Context, cmd flightsql.GetXdbcTypeInfo, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.commandInfo(&pb.CommandGetXdbcTypeInfo{DataType: cmd.GetDataType()}, schema_ref.XdbcTypeInfo, desc)
}

// DoGetXdbcTypeInfo lists the types, or those of one XDBC data type.
func (s *Server) DoGetXdbcTypeInfo(_ context.Context, cmd flightsql.GetXdbcTypeInfo) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	b := array.NewRecordBuilder(s.mem, schema_ref.XdbcTypeInfo)
	defer b.Release()
	str := func(i int) *array.StringBuilder { return b.Field(i).(*array.StringBuilder) }
	i32 := func(i int) *array.Int32Builder { return b.Field(i).(*array.Int32Builder) }
	boolean := func(i int) *array.BooleanBuilder { return b.Field(i).(*array.BooleanBuilder) }
	for _, t := range xdbcTypes {
		if cmd.GetDataType() != nil && *cmd.GetDataType() != int32(t.dataType) {
			continue
		}
		str(0).Append(t.name)
		i32(1).Append(int32(t.dataType))
		i32(2).Append(t.size)
		if t.prefix != "" {
			str(3).Append(t.prefix)
			str(4).Append("'")
		} else {
			str(3).AppendNull()
			str(4).AppendNull()
		}
		b.Field(5).AppendNull() // create_params
		i32(6).Append(int32(pb.Nullable_NULLABILITY_NULLABLE))
		boolean(7).Append(t.dataType == pb.XdbcDataType_XDBC_VARCHAR)
		i32(8).Append(int32(pb.Searchable_SEARCHABLE_FULL))
		boolean(9).Append(t.unsigned)
		boolean(10).Append(false)
		boolean(11).Append(false)
		str(12).Append(t.name)
		i32(13).AppendNull()
		i32(14).AppendNull()
		i32(15).Append(int32(t.dataType))
		if t.subcode != 0 {
			i32(16).Append(t.subcode)
		} else {
			i32(16).AppendNull()
		}
		if t.dataType == pb.XdbcDataType_XDBC_BIGINT || t.dataType == pb.XdbcDataType_XDBC_DOUBLE {
			i32(17).Append(10)
		} else {
			i32(17).AppendNull()
		}
		i32(18).AppendNull()
	}
	return schema_ref.XdbcTypeInfo, oneBatch(b.NewRecordBatch()), nil
}
