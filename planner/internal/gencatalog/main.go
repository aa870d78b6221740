// Command gencatalog writes planner/pgcatalog.json from a real
// PostgreSQL 15: the columns (name and type OID) of every pg_catalog table
// and view and of the information_schema views (domains replaced by their
// base types, which is what PostgreSQL describes result columns by), and the rows of the catalogs whose contents do not depend on
// Strata's data (pg_type, pg_am, pg_range, pg_collation, pg_tablespace, the
// pg_proc rows of the types' I/O functions). It starts a throwaway server
// (planner/slt.StartPostgres). Run it with
//
//	go run ./planner/internal/gencatalog
//
// from the repository root; the output is committed.
package main

import (
	"context"
	"encoding/json"
	"log"
	"os"

	"github.com/jackc/pgx/v5"

	"github.com/stratadb/strata/planner/slt"
)

// catalogRelations selects the OIDs of pg_catalog's tables and views.
const catalogRelations = "SELECT oid FROM pg_class WHERE relnamespace = 11 AND relkind IN ('r', 'v')"

// staticTypes selects the copied types: base, pseudo, range and
// multirange types, and the row types of the catalog relations.
const staticTypes = `SELECT oid FROM pg_type WHERE typnamespace = 11 AND (typtype IN ('b', 'p', 'r', 'm')
	OR typtype = 'c' AND typrelid IN (` + catalogRelations + `))`

// staticProcs selects the copied functions: the types' I/O functions.
const staticProcs = `SELECT typinput FROM pg_type UNION SELECT typoutput FROM pg_type
	UNION SELECT typreceive FROM pg_type UNION SELECT typsend FROM pg_type`

// static lists the catalogs copied row by row and the query that selects
// the rows (every column, as text).
var static = map[string]string{
	"pg_type": "SELECT * FROM pg_type WHERE oid IN (" + staticTypes + ") ORDER BY oid",
	// pg_catalog's own tables and views and their columns; Strata's tables
	// are added by the planner.
	"pg_class":      "SELECT * FROM pg_class WHERE oid IN (" + catalogRelations + ") ORDER BY oid",
	"pg_attribute":  "SELECT * FROM pg_attribute WHERE attrelid IN (" + catalogRelations + ") AND attnum > 0 ORDER BY attrelid, attnum",
	"pg_am":         "SELECT * FROM pg_am ORDER BY oid",
	"pg_range":      "SELECT * FROM pg_range ORDER BY rngtypid",
	"pg_collation":  "SELECT * FROM pg_collation WHERE oid < 16384 AND collname IN ('default', 'C', 'POSIX', 'ucs_basic') ORDER BY oid",
	"pg_tablespace": "SELECT * FROM pg_tablespace ORDER BY oid",
	"pg_proc":       "SELECT * FROM pg_proc WHERE oid IN (" + staticProcs + ") ORDER BY oid",
	// What PostgreSQL says of the settings Strata has (the planner's and
	// the PostgreSQL endpoint's); their values are Strata's.
	"pg_settings": `SELECT * FROM pg_settings WHERE name IN ('server_version', 'server_version_num', 'server_encoding',
		'client_encoding', 'DateStyle', 'integer_datetimes', 'standard_conforming_strings', 'TimeZone', 'IntervalStyle',
		'application_name', 'is_superuser', 'session_authorization', 'default_transaction_read_only', 'in_hot_standby',
		'search_path', 'extra_float_digits', 'statement_timeout', 'transaction_isolation', 'transaction_read_only',
		'max_identifier_length', 'lc_collate', 'lc_ctype', 'client_min_messages') ORDER BY name`,
	// The rows of the function pg_get_keywords() (DBeaver).
	"pg_get_keywords": "SELECT * FROM pg_get_keywords() ORDER BY word",
	// The comments of the objects above and of the schemas.
	"pg_description": `SELECT * FROM pg_description WHERE classoid = 'pg_type'::regclass AND objoid IN (` + staticTypes + `)
		OR classoid = 'pg_class'::regclass AND objoid IN (` + catalogRelations + `)
		OR classoid = 'pg_proc'::regclass AND objoid IN (` + staticProcs + `)
		OR classoid = 'pg_am'::regclass OR classoid = 'pg_namespace'::regclass AND objoid IN (11, 99, 2200)
		ORDER BY classoid, objoid, objsubid`,
}

// catalogFile is the JSON planner embeds (see planner/pgcatalog_types.go).
type catalogFile struct {
	Version string              `json:"version"`
	Columns map[string][][2]any `json:"columns"` // table → [name, type OID]...
	// InfoColumns are the information_schema views' columns.
	InfoColumns map[string][][2]any `json:"info_columns"`
	// RelationOIDs are the OIDs of pg_catalog's tables and views, for
	// 'pg_catalog.x'::regclass.
	RelationOIDs map[string]int         `json:"relation_oids"`
	Rows         map[string][][]*string `json:"rows"` // table → rows of text values (null: NULL)
}

func main() {
	ctx := context.Background()
	pg, err := slt.StartPostgres(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer pg.Stop()
	conn, err := pgx.Connect(ctx, pg.DSN)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close(ctx)

	var version string
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&version); err != nil {
		log.Fatal(err)
	}

	out := catalogFile{Version: version, Columns: columns(ctx, conn, 11), InfoColumns: columns(ctx, conn, -1),
		RelationOIDs: relationOIDs(ctx, conn), Rows: map[string][][]*string{}}
	for n, q := range static {
		rows, err := conn.Query(ctx, q, pgx.QueryResultFormats{pgx.TextFormatCode})
		if err != nil {
			log.Fatalf("%s: %v", n, err)
		}
		for rows.Next() {
			var row []*string
			for _, v := range rows.RawValues() {
				if v == nil {
					row = append(row, nil)
					continue
				}
				text := string(v)
				row = append(row, &text)
			}
			out.Rows[n] = append(out.Rows[n], row)
		}
		if err := rows.Err(); err != nil {
			log.Fatalf("%s: %v", n, err)
		}
	}
	data, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("planner/pgcatalog.json", append(data, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote planner/pgcatalog.json: %d tables and views, %d information_schema views, %d static catalogs",
		len(out.Columns), len(out.InfoColumns), len(static))
}

// columns lists the columns of the tables and views of a schema (-1:
// information_schema) as name and type OID, a domain's as its base type's.
func columns(ctx context.Context, conn *pgx.Conn, namespace int) map[string][][2]any {
	rows, err := conn.Query(ctx, `SELECT c.relname, a.attname,
			(CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END)::int
		FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid JOIN pg_type t ON t.oid = a.atttypid
		WHERE c.relnamespace = CASE WHEN $1 < 0 THEN 'information_schema'::regnamespace::int ELSE $1 END
			AND c.relkind IN ('r', 'v') AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY c.relname, a.attnum`, namespace)
	if err != nil {
		log.Fatal(err)
	}
	out := map[string][][2]any{}
	for rows.Next() {
		var rel, att string
		var oid int
		if err := rows.Scan(&rel, &att, &oid); err != nil {
			log.Fatal(err)
		}
		out[rel] = append(out[rel], [2]any{att, oid})
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
	return out
}

// relationOIDs maps pg_catalog's tables and views to their OIDs.
func relationOIDs(ctx context.Context, conn *pgx.Conn) map[string]int {
	rows, err := conn.Query(ctx, `SELECT relname, oid::int FROM pg_class WHERE relnamespace = 11 AND relkind IN ('r', 'v')`)
	if err != nil {
		log.Fatal(err)
	}
	out := map[string]int{}
	for rows.Next() {
		var name string
		var oid int
		if err := rows.Scan(&name, &oid); err != nil {
			log.Fatal(err)
		}
		out[name] = oid
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
	return out
}
