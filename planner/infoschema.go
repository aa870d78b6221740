package planner

import (
	"fmt"
	"strconv"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// information_schema tables are built from the catalog when a query names
// them: every Strata table is a BASE TABLE in schema public of the session's
// database, with PostgreSQL's spelled-out data_type names.

func text(v string) exec.Expr { return &exec.Literal{V: v, DT: exec.TypeText} }

func integer(v int64) exec.Expr { return &exec.Literal{V: v, DT: exec.TypeInt} }

var nullText = &exec.Literal{V: nil, DT: exec.TypeText}

// dataTypeName is information_schema's data_type of a column type.
func dataTypeName(t storage.ColumnType) string {
	switch t {
	case storage.TypeTime, storage.TypeTimestamp:
		return "timestamp with time zone"
	case storage.TypeTag, storage.TypeString:
		return "text"
	case storage.TypeFloat:
		return "double precision"
	case storage.TypeInt:
		return "bigint"
	case storage.TypeUint:
		return "numeric"
	case storage.TypeBool:
		return "boolean"
	}
	return "text"
}

func (b *binder) informationSchema(table, alias string) (*scope, error) {
	b.volatile = true
	var t *catalogTable
	if b.sess.Influx {
		var err error
		if t, err = b.influxInfoSchema(table); err != nil {
			return nil, err
		}
	} else {
		loadPgCatalog()
		cols, ok := infoSchemaColumns[table]
		if !ok {
			return nil, errorf(CodeUndefinedTable, "relation \"information_schema.%s\" does not exist", table)
		}
		t = newTableOf(cols)
		b.fillInfoSchema(table, t)
	}
	if alias == "" {
		alias = table
	}
	return derivedScope(&Values{Cols: t.cols, Rows: t.rows}, alias), nil
}

// fillInfoSchema adds the rows of an information_schema view. Views about
// what Strata does not have (constraints other than NOT NULL and keys,
// routines, privileges, ...) stay empty, with PostgreSQL's columns.
func (b *binder) fillInfoSchema(table string, t *catalogTable) {
	db := b.sess.Database
	switch table {
	case "schemata":
		for _, s := range []string{"information_schema", "pg_catalog", "pg_toast", "public"} {
			t.add(map[string]any{"catalog_name": db, "schema_name": s, "schema_owner": exec.OwnerRole})
		}
	case "character_sets":
		t.add(map[string]any{"character_set_name": "UTF8", "character_repertoire": "UCS", "form_of_use": "UTF8",
			"default_collate_catalog": db, "default_collate_schema": "pg_catalog", "default_collate_name": "C"})
	case "tables", "columns", "table_constraints", "constraint_column_usage", "check_constraints":
		for _, name := range b.catalogTables(db) {
			if _, isView := b.p.viewOf(db, name); isView {
				continue // PostgreSQL's information_schema leaves materialized views out
			}
			cols, err := b.p.SQLColumns(db, name)
			if err != nil {
				continue // dropped meanwhile
			}
			b.infoSchemaTable(table, t, name, cols)
			if k, ok := b.p.keyOf(db, name, cols); ok && (table == "table_constraints" || table == "constraint_column_usage") {
				b.keyRowsOf(table, t, k)
			}
		}
		b.infoSchemaViews(table, t)
	case "key_column_usage":
		b.keyRows(table, t)
	case "views":
		b.infoSchemaViews(table, t)
	}
}

// infoSchemaViews adds the rows the database's plain views give
// information_schema's tables (VIEW), views and columns.
func (b *binder) infoSchemaViews(view string, t *catalogTable) {
	if b.p.Engine == nil {
		return
	}
	db := b.sess.Database
	for _, v := range b.p.Engine.PlainViews(db) {
		switch view {
		case "tables":
			t.add(map[string]any{"table_catalog": db, "table_schema": "public", "table_name": v.Name, "table_type": "VIEW",
				"is_insertable_into": "NO", "is_typed": "NO"})
		case "views":
			t.add(map[string]any{"table_catalog": db, "table_schema": "public", "table_name": v.Name, "view_definition": " " + v.Query + ";",
				"check_option": "NONE", "is_updatable": "NO", "is_insertable_into": "NO", "is_trigger_updatable": "NO",
				"is_trigger_deletable": "NO", "is_trigger_insertable_into": "NO"})
		case "columns":
			for i, c := range b.catalogViewColumns(v) {
				oid := int64(columnOID(c))
				row := map[string]any{"table_catalog": db, "table_schema": "public", "table_name": v.Name, "column_name": c.Name,
					"ordinal_position": i + 1, "is_nullable": "YES", "data_type": typeName(oid),
					"udt_catalog": db, "udt_schema": "pg_catalog", "udt_name": typeIndex().name[oid], "dtd_identifier": strconv.Itoa(i + 1),
					"is_self_referencing": "NO", "is_identity": "NO", "is_generated": "NEVER", "is_updatable": "NO"}
				if c.Typmod() >= 0 {
					// The length, precision and scale the view's column
					// keeps of its source (typmod.go).
					d := storage.ParseDeclared(formatTypeName(oid, int64(c.Typmod())))
					for k, v := range declaredFacts(d) {
						row[k] = v
					}
					if d.Length > 0 {
						row["character_maximum_length"], row["character_octet_length"] = d.Length, 4*d.Length
					}
				}
				t.add(row)
			}
		}
	}
}

// isNotNull reports whether a stored column is NOT NULL: time always,
// another when declared so (storage.ColumnMeta.NotNull).
func isNotNull(c storage.ColumnMeta) bool { return c.Type == storage.TypeTime || c.NotNull }

// infoSchemaTable adds the rows one Strata table contributes to a view,
// its columns as SQL shows them (SQLColumns). Each NOT NULL column (time
// always) has PostgreSQL's NOT NULL check constraint, named as PostgreSQL
// names it (by the column's number).
func (b *binder) infoSchemaTable(view string, t *catalogTable, name string, cols []storage.ColumnMeta) {
	db := b.sess.Database
	var notNull []storage.ColumnMeta
	for _, c := range cols {
		if isNotNull(c) {
			notNull = append(notNull, c)
		}
	}
	constraint := func(c storage.ColumnMeta) string {
		return fmt.Sprintf("%d_%d_%d_not_null", oidPublic, TableOID(db, name), c.Num)
	}
	switch view {
	case "tables":
		t.add(map[string]any{"table_catalog": db, "table_schema": "public", "table_name": name, "table_type": "BASE TABLE",
			"is_insertable_into": "YES", "is_typed": "NO"})
	case "table_constraints":
		for _, c := range notNull {
			t.add(map[string]any{"constraint_catalog": db, "constraint_schema": "public", "constraint_name": constraint(c),
				"table_catalog": db, "table_schema": "public", "table_name": name, "constraint_type": "CHECK",
				"is_deferrable": "NO", "initially_deferred": "NO", "enforced": "YES"})
		}
	case "check_constraints":
		for _, c := range notNull {
			t.add(map[string]any{"constraint_catalog": db, "constraint_schema": "public", "constraint_name": constraint(c),
				"check_clause": c.Name + " IS NOT NULL"}) // unquoted, as PostgreSQL's view writes it
		}
	case "constraint_column_usage":
		for _, c := range notNull {
			t.add(map[string]any{"table_catalog": db, "table_schema": "public", "table_name": name, "column_name": c.Name,
				"constraint_catalog": db, "constraint_schema": "public", "constraint_name": constraint(c)})
		}
	case "columns":
		for _, c := range cols {
			dataType, udt := declaredColumnType(c)
			row := map[string]any{"table_catalog": db, "table_schema": "public", "table_name": name, "column_name": c.Name,
				"ordinal_position": c.Num, "is_nullable": "YES", "data_type": dataType,
				"udt_catalog": db, "udt_schema": "pg_catalog", "udt_name": udt, "dtd_identifier": strconv.Itoa(c.Num),
				"is_self_referencing": "NO", "is_identity": "NO", "is_generated": "NEVER", "is_updatable": "YES"}
			if isNotNull(c) {
				row["is_nullable"] = "NO"
			}
			if c.Default != "" {
				row["column_default"] = c.Default
			}
			for k, v := range numericFacts(c.Type) {
				row[k] = v
			}
			for k, v := range declaredFacts(declaredOf(c)) {
				row[k] = v
			}
			if c.Type == storage.TypeTag || c.Type == storage.TypeString {
				row["character_octet_length"] = 1073741824
				if n := declaredOf(c).Length; n > 0 {
					row["character_maximum_length"], row["character_octet_length"] = n, 4*n // UTF8: four bytes a character
				}
				row["collation_catalog"], row["collation_schema"], row["collation_name"] = db, "pg_catalog", "default"
			}
			t.add(row)
		}
	}
}

// numericFacts are information_schema.columns' precision columns of a type.
func numericFacts(t storage.ColumnType) map[string]any {
	switch t {
	case storage.TypeTime, storage.TypeTimestamp:
		return map[string]any{"datetime_precision": 6}
	case storage.TypeFloat:
		return map[string]any{"numeric_precision": 53, "numeric_precision_radix": 2}
	case storage.TypeInt:
		return map[string]any{"numeric_precision": 64, "numeric_precision_radix": 2, "numeric_scale": 0}
	case storage.TypeUint:
		return map[string]any{"numeric_precision_radix": 10}
	}
	return nil
}

func udtName(t storage.ColumnType) string {
	switch t {
	case storage.TypeTime, storage.TypeTimestamp:
		return "timestamptz"
	case storage.TypeTag, storage.TypeString:
		return "text"
	case storage.TypeFloat:
		return "float8"
	case storage.TypeInt:
		return "int8"
	case storage.TypeUint:
		return "numeric"
	case storage.TypeBool:
		return "bool"
	}
	return "text"
}
