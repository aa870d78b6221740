package exec

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// PostgreSQL's catalog functions, as clients call them in their metadata
// queries (psql's \d family, pgjdbc's DatabaseMetaData, Npgsql, Grafana).
// Strata has one role ("strata", OID 10) that owns everything and may do
// everything, every relation is visible on the search path, and nothing
// has comments or default expressions.

// pgTypeNames is format_type's spelling of the types Strata uses or
// clients ask about.
var pgTypeNames = map[int64]string{
	16: "boolean", 17: "bytea", 18: `"char"`, 19: "name", 20: "bigint", 21: "smallint", 23: "integer",
	25: "text", 26: "oid", 114: "json", 700: "real", 701: "double precision", 1042: "character",
	1043: "character varying", 1082: "date", 1083: "time without time zone", 1114: "timestamp without time zone",
	1184: "timestamp with time zone", 1186: "interval", 1700: "numeric", 2950: "uuid", 3802: "jsonb", 4072: "jsonpath",
}

// PGTypeNames lists format_type's names by type OID.
func PGTypeNames() map[int64]string { return pgTypeNames }

// OwnerRole is the role that owns every Strata object.
const OwnerRole = "strata"

func init() {
	catalogFn := func(name string, min, max int, dt arrow.DataType, strict bool, f func(v []any) (any, error)) {
		register(name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) {
				if len(args) < min || len(args) > max {
					if min == max {
						return nil, fmt.Errorf("takes %d arguments, got %d", min, len(args))
					}
					return nil, fmt.Errorf("takes %d to %d arguments, got %d", min, max, len(args))
				}
				return dt, nil
			},
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) { return rowwise(dt, n, args, strict, f) },
		})
	}
	always := func(v any) func([]any) (any, error) { return func([]any) (any, error) { return v, nil } }
	for _, name := range []string{"pg_table_is_visible", "pg_type_is_visible", "pg_function_is_visible"} {
		catalogFn(name, 1, 1, TypeBool, true, always(true))
	}
	for _, name := range []string{"has_table_privilege", "has_schema_privilege", "has_database_privilege",
		"has_column_privilege", "has_function_privilege", "has_any_column_privilege", "pg_has_role"} {
		catalogFn(name, 2, 4, TypeBool, true, always(true))
	}
	catalogFn("pg_get_userbyid", 1, 1, TypeText, true, always(OwnerRole))
	catalogFn("pg_encoding_to_char", 1, 1, TypeText, true, func(v []any) (any, error) {
		if id, ok := v[0].(int64); ok && id == 6 {
			return "UTF8", nil
		}
		return "", nil
	})
	catalogFn("format_type", 2, 2, TypeText, false, func(v []any) (any, error) {
		oid, ok := v[0].(int64)
		if !ok {
			return nil, nil
		}
		if name, ok := pgTypeNames[oid]; ok {
			return name, nil
		}
		return "???", nil
	})
	// Nothing has a comment or a constraint.
	for _, name := range []string{"obj_description", "shobj_description"} {
		catalogFn(name, 1, 2, TypeText, false, always(nil))
	}
	catalogFn("col_description", 2, 2, TypeText, false, always(nil))
	// pg_attrdef.adbin holds a column default's expression as its text,
	// which is what pg_get_expr prints of it.
	catalogFn("pg_get_expr", 2, 3, TypeText, false, func(v []any) (any, error) {
		if s, ok := v[0].(string); ok {
			return s, nil
		}
		return nil, nil
	})
	catalogFn("pg_get_constraintdef", 1, 2, TypeText, false, always(nil))
	catalogFn("pg_get_indexdef", 1, 3, TypeText, false, always(nil))
	catalogFn("pg_get_partkeydef", 1, 1, TypeText, false, always(nil))
	// Arrays are text in Strata's catalogs (their PostgreSQL text form);
	// the privilege lists they join are always NULL.
	catalogFn("array_to_string", 2, 3, TypeText, true, func(v []any) (any, error) {
		if s, ok := v[0].(string); ok {
			return s, nil
		}
		return fmt.Sprint(v[0]), nil
	})
	catalogFn("pg_advisory_unlock_all", 0, 0, TypeText, false, always(""))
}
