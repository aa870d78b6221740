package planner

import (
	"context"
	"fmt"

	"github.com/stratadb/strata/sql"
)

// DropTable runs DROP TABLE [IF EXISTS] name, ...: every table named is
// found before any is dropped (one missing fails the statement and drops
// nothing, as PostgreSQL's does). With IF EXISTS a missing table is
// skipped; the notices say which. A table is deleted with its files and
// buffered rows (storage.Engine.DropTable); writing to its name later
// makes a new table.
func (p *Planner) DropTable(ctx context.Context, sess *Session, stmt *sql.Statement) (notices []string, err error) {
	var tables []string
	for _, ref := range stmt.Tables {
		name, err := p.namedTable(sess, ref, "DROP TABLE")
		if err != nil {
			if e := AsError(err); stmt.IfExists && (e.Code == CodeUndefinedTable || e.Code == codeUndefinedSchema) {
				notices = append(notices, e.Msg+", skipping")
				continue
			}
			return nil, err
		}
		tables = appendNew(tables, name)
	}
	for i, t := range tables {
		if err := p.Engine.DropTable(ctx, sess.Database, t); err != nil {
			return notices, doneBefore(AsError(err), tables[:i], "dropped")
		}
	}
	return notices, nil
}

// RunDDL runs DROP TABLE or TRUNCATE; the notices are DROP TABLE IF
// EXISTS's for the tables that were not there.
func (p *Planner) RunDDL(ctx context.Context, sess *Session, stmt *sql.Statement) ([]string, error) {
	switch stmt.Kind {
	case sql.DropTable:
		return p.DropTable(ctx, sess, stmt)
	case sql.Truncate:
		return nil, p.Truncate(ctx, sess, stmt)
	}
	return nil, errorf(CodeNotSupported, "%s is not a DROP TABLE or TRUNCATE statement", stmt.Kind)
}

// Truncate runs TRUNCATE name, ...: each table, found before any is
// emptied, loses every row written before the statement began
// (storage.Engine.Truncate) and keeps its columns.
func (p *Planner) Truncate(ctx context.Context, sess *Session, stmt *sql.Statement) error {
	var tables []string
	for _, ref := range stmt.Tables {
		name, err := p.namedTable(sess, ref, "TRUNCATE")
		if err != nil {
			return err
		}
		tables = appendNew(tables, name)
	}
	for i, t := range tables {
		if _, err := p.Engine.Truncate(ctx, sess.Database, t); err != nil {
			return doneBefore(AsError(err), tables[:i], "emptied")
		}
	}
	return nil
}

// codeUndefinedSchema is PostgreSQL's invalid_schema_name, which DROP
// TABLE gives for a schema that does not exist.
const codeUndefinedSchema = "3F000"

// namedTable resolves a stored table DROP TABLE or TRUNCATE (verb) names,
// with PostgreSQL's errors: a catalog table is a system catalog (42501),
// a view of information_schema and the like is not a table (42809), a
// missing schema is 3F000, a missing table 42P01 with the closest name.
func (p *Planner) namedTable(sess *Session, ref sql.TableRef, verb string) (string, error) {
	if ref.Catalog != "" && !sess.ownCatalog(ref.Catalog) {
		return "", &Error{Code: CodeNotSupported, Msg: fmt.Sprintf("cross-database references are not implemented: \"%s.%s.%s\"", ref.Catalog, ref.Schema, ref.Name),
			Hint: fmt.Sprintf("connect to database %q to change it", ref.Catalog)}
	}
	switch schema := ref.Schema; {
	case schema == "" && isCatalogTable(ref.Name), schema == "pg_catalog":
		return "", &Error{Code: "42501", Msg: fmt.Sprintf("permission denied: %q is a system catalog", ref.Name)}
	case schema == "information_schema", schema == "system", schema == "timescaledb_information":
		return "", &Error{Code: "42809", Msg: fmt.Sprintf("%q is not a table", ref.Name),
			Hint: schema + "." + ref.Name + " is a view the database computes; " + verb + " applies to stored tables"}
	case schema != "" && schema != "public" && schema != "iox":
		return "", &Error{Code: codeUndefinedSchema, Msg: fmt.Sprintf("schema %q does not exist", schema),
			Hint: "stored tables are in schema public"}
	}
	if _, err := p.tableColumns(sess.Database, ref.Name); err != nil {
		e := AsError(err)
		if e.Code == CodeUndefinedTable && verb == "DROP TABLE" {
			e.Msg = fmt.Sprintf("table %q does not exist", ref.Name)
		}
		return "", e
	}
	return ref.Name, nil
}

// doneBefore adds to err, which stopped a statement on a table, the tables
// before it the statement had already dropped or emptied (which stay so).
func doneBefore(err *Error, done []string, what string) *Error {
	if len(done) > 0 {
		err.Detail = fmt.Sprintf("%s before the error and stay so: %v", what, done)
	}
	return err
}

// appendNew appends s unless list holds it.
func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
