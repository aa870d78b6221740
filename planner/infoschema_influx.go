package planner

import (
	"slices"
	"strings"

	"github.com/stratadb/strata/storage"
)

// InfluxDB 3 shows its catalog as DataFusion does, and its clients rely on
// that shape: one catalog, public; the user's tables in schema iox;
// information_schema views with DataFusion's columns; data_type in Arrow's
// words. Schema browsers, MCP servers and client libraries list tables
// with WHERE table_schema = 'iox' and tell tags from fields by data_type
// (Dictionary(Int32, Utf8)). Sessions of the HTTP query API and Flight SQL
// (Session.Influx) see this shape; the PostgreSQL endpoint sees
// PostgreSQL's (infoschema.go).

const (
	influxCatalog = "public"
	influxSchema  = "iox"
)

// influxInfoViews are the information_schema views Strata has, in the
// order DataFusion lists them; their columns are DataFusion's (text is
// Utf8, bigint UInt64).
var influxInfoViews = []string{"tables", "views", "columns", "schemata"}

var influxInfoColumns = map[string][]pgColumn{
	"tables": {{"table_catalog", 25}, {"table_schema", 25}, {"table_name", 25}, {"table_type", 25}},
	"views":  {{"table_catalog", 25}, {"table_schema", 25}, {"table_name", 25}, {"definition", 25}},
	"columns": {{"table_catalog", 25}, {"table_schema", 25}, {"table_name", 25}, {"column_name", 25},
		{"ordinal_position", 20}, {"column_default", 25}, {"is_nullable", 25}, {"data_type", 25},
		{"character_maximum_length", 20}, {"character_octet_length", 20}, {"numeric_precision", 20},
		{"numeric_precision_radix", 20}, {"numeric_scale", 20}, {"datetime_precision", 20}, {"interval_type", 25}},
	"schemata": {{"catalog_name", 25}, {"schema_name", 25}, {"schema_owner", 25}, {"default_character_set_catalog", 25},
		{"default_character_set_schema", 25}, {"default_character_set_name", 25}, {"sql_path", 25}},
}

// arrowTypeName is the data_type InfluxDB 3 shows for a column: the Arrow
// type it stores the column as, written as DataFusion writes it.
func arrowTypeName(t storage.ColumnType) string {
	switch t {
	case storage.TypeTime, storage.TypeTimestamp:
		return "Timestamp(Nanosecond, None)"
	case storage.TypeTag:
		return "Dictionary(Int32, Utf8)"
	case storage.TypeFloat:
		return "Float64"
	case storage.TypeInt:
		return "Int64"
	case storage.TypeUint:
		return "UInt64"
	case storage.TypeBool:
		return "Boolean"
	}
	return "Utf8"
}

// influxInfoSchema builds one information_schema view the way InfluxDB 3
// shows it. A view Strata does not have is an undefined table, named with
// the ones it has.
func (b *binder) influxInfoSchema(view string) (*catalogTable, error) {
	cols, ok := influxInfoColumns[view]
	if !ok {
		e := errorf(CodeUndefinedTable, "relation \"information_schema.%s\" does not exist", view)
		e.Hint = "information_schema has tables, views, columns and schemata"
		return nil, e
	}
	t := newTableOf(cols)
	db := b.sess.Database
	switch view {
	case "schemata":
		t.add(map[string]any{"catalog_name": influxCatalog, "schema_name": influxSchema})
		t.add(map[string]any{"catalog_name": influxCatalog, "schema_name": "system"})
	case "tables":
		for _, name := range b.catalogTables(db) {
			t.add(map[string]any{"table_catalog": influxCatalog, "table_schema": influxSchema, "table_name": name, "table_type": "BASE TABLE"})
		}
		if b.p.Engine != nil {
			for _, v := range b.p.Engine.PlainViews(db) {
				t.add(map[string]any{"table_catalog": influxCatalog, "table_schema": influxSchema, "table_name": v.Name, "table_type": "VIEW"})
			}
		}
		t.add(map[string]any{"table_catalog": influxCatalog, "table_schema": "system", "table_name": "queries", "table_type": "BASE TABLE"})
		for _, v := range influxInfoViews {
			t.add(map[string]any{"table_catalog": influxCatalog, "table_schema": "information_schema", "table_name": v, "table_type": "VIEW"})
		}
	case "views":
		// DataFusion lists every table here, a base table without a
		// definition.
		for _, name := range b.catalogTables(db) {
			t.add(map[string]any{"table_catalog": influxCatalog, "table_schema": influxSchema, "table_name": name})
		}
		if b.p.Engine != nil {
			for _, v := range b.p.Engine.PlainViews(db) {
				t.add(map[string]any{"table_catalog": influxCatalog, "table_schema": influxSchema, "table_name": v.Name, "definition": v.Query})
			}
		}
	case "columns":
		for _, name := range b.catalogTables(db) {
			cols, err := b.p.Engine.TableSchema(db, name)
			if err != nil {
				continue // dropped meanwhile
			}
			// In the order * lists them (Session.Influx), numbered from
			// 0 as DataFusion numbers them.
			cols = slices.Clone(cols)
			slices.SortFunc(cols, func(x, y storage.ColumnMeta) int { return strings.Compare(x.Name, y.Name) })
			for i, c := range cols {
				row := map[string]any{"table_catalog": influxCatalog, "table_schema": influxSchema, "table_name": name,
					"column_name": c.Name, "ordinal_position": i, "is_nullable": "YES", "data_type": arrowTypeName(c.Type)}
				if isNotNull(c) {
					row["is_nullable"] = "NO"
				}
				switch c.Type {
				case storage.TypeString:
					row["character_octet_length"] = 2147483647
				case storage.TypeFloat:
					// DataFusion's figures (PostgreSQL's real).
					row["numeric_precision"], row["numeric_precision_radix"] = 24, 2
				}
				t.add(row)
			}
		}
	}
	return t, nil
}
