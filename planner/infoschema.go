package planner

import (
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
	case storage.TypeTime:
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
	db := b.sess.Database
	var v *Values
	switch table {
	case "tables":
		v = &Values{Cols: textCols("table_catalog", "table_schema", "table_name", "table_type")}
		for _, d := range b.p.Engine.Databases() {
			if d.Name != db {
				continue
			}
			for _, t := range d.Tables {
				v.Rows = append(v.Rows, []exec.Expr{text(db), text("public"), text(t), text("BASE TABLE")})
			}
		}
	case "columns":
		v = &Values{Cols: append(textCols("table_catalog", "table_schema", "table_name", "column_name"),
			Column{Name: "ordinal_position", Type: exec.TypeInt},
			Column{Name: "column_default", Type: exec.TypeText},
			Column{Name: "is_nullable", Type: exec.TypeText},
			Column{Name: "data_type", Type: exec.TypeText},
			Column{Name: "udt_name", Type: exec.TypeText})}
		for _, d := range b.p.Engine.Databases() {
			if d.Name != db {
				continue
			}
			for _, t := range d.Tables {
				cols, err := b.p.Engine.TableSchema(db, t)
				if err != nil {
					continue // dropped meanwhile
				}
				for i, c := range cols {
					nullable := "YES"
					if c.Type == storage.TypeTime {
						nullable = "NO"
					}
					v.Rows = append(v.Rows, []exec.Expr{text(db), text("public"), text(t), text(c.Name), integer(int64(i + 1)),
						nullText, text(nullable), text(dataTypeName(c.Type)), text(udtName(c.Type))})
				}
			}
		}
	case "schemata":
		v = &Values{Cols: textCols("catalog_name", "schema_name", "schema_owner")}
		for _, s := range []string{"information_schema", "pg_catalog", "public"} {
			v.Rows = append(v.Rows, []exec.Expr{text(db), text(s), text("strata")})
		}
	default:
		return nil, errorf(CodeUndefinedTable, "relation \"information_schema.%s\" does not exist", table)
	}
	if alias == "" {
		alias = table
	}
	return derivedScope(v, alias), nil
}

func udtName(t storage.ColumnType) string {
	switch t {
	case storage.TypeTime:
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

func textCols(names ...string) []Column {
	cols := make([]Column, len(names))
	for i, n := range names {
		cols[i] = Column{Name: n, Type: exec.TypeText}
	}
	return cols
}
