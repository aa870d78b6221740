package planner

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// DDLResult is what CREATE TABLE, DROP TABLE and TRUNCATE did: how many
// tables they created, dropped or emptied, and the notices PostgreSQL
// would send (what IF [NOT] EXISTS skipped, what a CREATE TABLE keeps
// otherwise than written).
type DDLResult struct {
	Tables  int
	Notices []Notice
	// Selected marks CREATE TABLE ... AS, and Rows the rows it wrote
	// (PostgreSQL's tag: SELECT n, or CREATE TABLE AS WITH NO DATA).
	Selected bool
	Rows     int64
}

// skipNotice is the NOTICE of what IF [NOT] EXISTS skipped, with
// PostgreSQL's SQLSTATE: the error it stands for (42P07 relation already
// exists, 42701 column already exists), 00000 for a missing object.
func skipNotice(code, format string, args ...any) Notice {
	return Notice{Severity: "NOTICE", Code: code, Msg: fmt.Sprintf(format, args...) + ", skipping"}
}

// precisionNotice tells that a column declared numeric of more than 15
// digits (declared: its ColumnMeta.SQLType) holds doubles, which keep 15
// significant digits exactly: numeric(20,8)'s values of 20 digits are
// rounded to those.
func precisionNotice(column, declared string) (Notice, bool) {
	d := storage.ParseDeclared(declared)
	if d.OID != storage.OIDNumeric || d.Precision <= 15 {
		return Notice{}, false
	}
	return Notice{Severity: "NOTICE", Code: "00000", Msg: fmt.Sprintf("column %q: %s values are held as double precision: 15 significant digits are exact, more are rounded", column, declared)}, true
}

// RunDDL runs CREATE TABLE, DROP TABLE or TRUNCATE.
func (p *Planner) RunDDL(ctx context.Context, sess *Session, stmt *sql.Statement) (DDLResult, error) {
	switch stmt.Kind {
	case sql.DropTable:
		return p.DropTable(ctx, sess, stmt)
	case sql.Truncate:
		return p.Truncate(ctx, sess, stmt)
	case sql.CreateTable, sql.CreateView:
		return p.CreateTable(ctx, sess, stmt)
	case sql.DropView:
		return p.eachTable(ctx, sess, stmt, "DROP MATERIALIZED VIEW", "dropped", func(t string) error { return p.Engine.DropTable(ctx, sess.Database, t) })
	case sql.RefreshView:
		return p.refresh(ctx, sess, stmt)
	case sql.CreateDatabase, sql.DropDatabase:
		return p.database(ctx, sess, stmt)
	case sql.AlterTable:
		return p.alterTable(ctx, sess, stmt)
	case sql.AlterView:
		return p.alterView(ctx, sess, stmt)
	case sql.AlterIndex:
		return p.alterIndex(ctx, sess, stmt)
	case sql.CreatePlainView:
		return p.createPlainView(ctx, sess, stmt)
	case sql.DropPlainView:
		return p.dropPlainViews(ctx, sess, stmt)
	case sql.Comment:
		return p.comment(ctx, sess, stmt)
	}
	return DDLResult{}, errorf(CodeNotSupported, "%s is not a CREATE or DROP statement", stmt.Kind)
}

// database runs CREATE DATABASE name and DROP DATABASE [IF EXISTS] name
// (storage.Engine.CreateDatabase and DropDatabase: the HTTP API's
// configure/database), with PostgreSQL's errors; the session's own
// database cannot be dropped, as in PostgreSQL.
func (p *Planner) database(ctx context.Context, sess *Session, stmt *sql.Statement) (DDLResult, error) {
	name := stmt.Name
	exists := slices.ContainsFunc(p.Engine.Databases(), func(d storage.DatabaseInfo) bool { return d.Name == name })
	if stmt.Kind == sql.CreateDatabase {
		if exists {
			return DDLResult{}, &Error{Code: "42P04", Msg: fmt.Sprintf("database %q already exists", name)}
		}
		if err := p.Engine.CreateDatabase(ctx, name, 0); err != nil {
			var se *storage.Error
			if asStorage(err, &se) && se.Code == storage.CodeAlreadyExists {
				return DDLResult{}, &Error{Code: "42P04", Msg: fmt.Sprintf("database %q already exists", name)}
			}
			return DDLResult{}, err
		}
		return DDLResult{}, nil
	}
	switch {
	case name == sess.Database:
		return DDLResult{}, &Error{Code: "55006", Msg: "cannot drop the currently open database", Hint: "connect to another database to drop this one"}
	case !exists && stmt.IfExists:
		return DDLResult{Notices: []Notice{skipNotice("00000", "database %q does not exist", name)}}, nil
	case !exists:
		return DDLResult{}, &Error{Code: "3D000", Msg: fmt.Sprintf("database %q does not exist", name)}
	}
	return DDLResult{}, p.Engine.DropDatabase(ctx, name)
}

// DropTable runs DROP TABLE [IF EXISTS] name, ...: every table named is
// found before any is dropped (one missing fails the statement and drops
// nothing, as PostgreSQL's does). With IF EXISTS a missing table is
// skipped; the notices say which. A table is deleted with its files and
// buffered rows (storage.Engine.DropTable); writing to its name later
// makes a new table.
func (p *Planner) DropTable(ctx context.Context, sess *Session, stmt *sql.Statement) (DDLResult, error) {
	return p.eachTable(ctx, sess, stmt, "DROP TABLE", "dropped", func(t string) error { return p.Engine.DropTable(ctx, sess.Database, t) })
}

// Truncate runs TRUNCATE name, ...: each table, found before any is
// emptied, loses every row written before the statement began
// (storage.Engine.Truncate) and keeps its columns.
func (p *Planner) Truncate(ctx context.Context, sess *Session, stmt *sql.Statement) (DDLResult, error) {
	return p.eachTable(ctx, sess, stmt, "TRUNCATE", "emptied", func(t string) error {
		_, err := p.Engine.Truncate(ctx, sess.Database, t)
		return err
	})
}

// eachTable finds every table stmt names (each once; IF EXISTS skips a
// missing one with a notice), then applies change to each in turn. An
// error part way says which tables were done (what) before it.
func (p *Planner) eachTable(ctx context.Context, sess *Session, stmt *sql.Statement, verb, what string, change func(table string) error) (DDLResult, error) {
	var res DDLResult
	var tables []string
	deps := 0 // the views over them dropped first, at the start of tables
	for _, ref := range stmt.Tables {
		name, err := p.namedTable(sess, ref, verb)
		if err != nil {
			if e := AsError(err); stmt.IfExists && (e.Code == CodeUndefinedTable || e.Code == codeUndefinedSchema) {
				res.Notices = append(res.Notices, skipNotice("00000", "%s", e.Msg))
				continue
			}
			return DDLResult{}, err
		}
		if !slices.Contains(tables, name) {
			tables = append(tables, name)
		}
	}
	if strings.HasPrefix(verb, "DROP") {
		// The materialized views over what is dropped: refused, or with
		// CASCADE dropped first.
		views, notice, err := p.dependentViews(sess.Database, tables, stmt.Cascade)
		if err != nil {
			return DDLResult{}, err
		}
		if notice != nil {
			res.Notices = append(res.Notices, *notice)
		}
		tables, deps = append(views, tables...), len(views)
	}
	for i, t := range tables {
		drop := change
		if i < deps {
			drop = func(view string) error { return p.dropRelation(ctx, sess.Database, view) } // plain or materialized
		}
		if err := drop(t); err != nil {
			e := AsError(err)
			if res.Tables > 0 {
				e.Detail = fmt.Sprintf("%s before the error and stay so: %v", what, tables[:res.Tables])
			}
			return res, e
		}
		res.Tables++
	}
	return res, nil
}

// tableSchema is where a table name stands.
type tableSchema int

const (
	inStored   tableSchema = iota // the user's tables: no schema, public or iox (InfluxDB 3's)
	inCatalogs                    // pg_catalog, or a catalog's name without a schema (pg_catalog is first on the search path)
	inViews                       // the views the database computes: information_schema, system, timescaledb_information
	inNoSchema                    // a schema that does not exist
)

// schemaOfTable is where [schema.]name stands, for the statements that
// change tables to answer each with its error.
func schemaOfTable(schema, name string) tableSchema {
	switch schema {
	case "":
		if isCatalogTable(name) {
			return inCatalogs
		}
		return inStored
	case "public", "iox":
		return inStored
	case "pg_catalog":
		return inCatalogs
	case "information_schema", "system", "timescaledb_information":
		return inViews
	}
	return inNoSchema
}

// writableTable refuses INSERT, UPDATE or DELETE (verb) of a table that is
// not one of the session's database's own, with PostgreSQL's answers: a
// table of another database (0A000), a system catalog (42501, what a role
// other than the superuser is told), a view the database computes, such as
// information_schema.tables or system.queries (55000, as for a view that
// cannot be updated), a schema that does not exist (42P01), a materialized
// view (42809; only its refresh writes it).
func (p *Planner) writableTable(sess *Session, stmt *sql.Statement, verb, schema, table string, refresh bool) error {
	for _, db := range stmt.Catalogs {
		if !sess.ownCatalog(db) {
			return &Error{Code: CodeNotSupported, Msg: fmt.Sprintf("cross-database references are not implemented: %s.%s.%s", db, schema, table),
				Hint: fmt.Sprintf("connect to database %q to change it", db)}
		}
	}
	switch schemaOfTable(schema, table) {
	case inCatalogs:
		return &Error{Code: "42501", Msg: fmt.Sprintf("permission denied for table %s", table),
			Hint: verb + " changes rows of the database's own tables; the system catalogs follow them"}
	case inViews:
		return &Error{Code: "55000", Msg: fmt.Sprintf("cannot %s view %q", map[string]string{"INSERT": "insert into", "DELETE": "delete from", "UPDATE": "update"}[verb], table),
			Hint: fmt.Sprintf("%s.%s is computed from the catalog; %s changes rows of the database's own tables", schema, table, verb)}
	case inNoSchema:
		return &Error{Code: CodeUndefinedTable, Msg: fmt.Sprintf("relation \"%s.%s\" does not exist", schema, table),
			Hint: fmt.Sprintf("schema %q does not exist; the database's tables are in public", schema)}
	}
	if _, ok := p.plainViewOf(sess.Database, table); ok && schemaOfTable(schema, table) == inStored {
		return &Error{Code: CodeNotSupported, Msg: fmt.Sprintf("cannot %s view %q", map[string]string{"INSERT": "insert into", "DELETE": "delete from", "UPDATE": "update"}[verb], table),
			Hint: "a view here is read only: " + verb + " the table it reads"}
	}
	if _, view := p.viewOf(sess.Database, table); view && !refresh {
		return &Error{Code: "42809", Msg: fmt.Sprintf("cannot change materialized view %q", table),
			Hint: "write to its source table, then REFRESH MATERIALIZED VIEW " + table}
	}
	return nil
}

// crossDatabase refuses a table of another database than the session's.
func crossDatabase(sess *Session, ref sql.TableRef) error {
	if ref.Catalog == "" || sess.ownCatalog(ref.Catalog) {
		return nil
	}
	return &Error{Code: CodeNotSupported, Msg: fmt.Sprintf("cross-database references are not implemented: \"%s.%s.%s\"", ref.Catalog, ref.Schema, ref.Name),
		Hint: fmt.Sprintf("connect to database %q to change it", ref.Catalog)}
}

// codeUndefinedSchema is PostgreSQL's invalid_schema_name, which DROP
// TABLE gives for a schema that does not exist.
const codeUndefinedSchema = "3F000"

// namedTable resolves a stored table DROP TABLE or TRUNCATE (verb) names,
// with PostgreSQL's errors: a catalog table is a system catalog (42501),
// a view of information_schema and the like is not a table (42809), a
// missing schema is 3F000, a missing table 42P01 with the closest name.
func (p *Planner) namedTable(sess *Session, ref sql.TableRef, verb string) (string, error) {
	if err := crossDatabase(sess, ref); err != nil {
		return "", err
	}
	switch schema := ref.Schema; schemaOfTable(schema, ref.Name) {
	case inCatalogs:
		return "", &Error{Code: "42501", Msg: fmt.Sprintf("permission denied: %q is a system catalog", ref.Name)}
	case inViews:
		return "", &Error{Code: "42809", Msg: fmt.Sprintf("%q is not a table", ref.Name),
			Hint: schema + "." + ref.Name + " is a view the database computes; " + verb + " applies to stored tables"}
	case inNoSchema:
		return "", &Error{Code: codeUndefinedSchema, Msg: fmt.Sprintf("schema %q does not exist", schema),
			Hint: "stored tables are in schema public"}
	}
	viewVerb := strings.HasSuffix(verb, "MATERIALIZED VIEW")
	if _, ok := p.plainViewOf(sess.Database, ref.Name); ok {
		e := &Error{Code: "42809", Msg: fmt.Sprintf("%q is not a table", ref.Name)}
		switch {
		case verb == "REFRESH MATERIALIZED VIEW":
			e.Code, e.Msg = CodeNotSupported, fmt.Sprintf("%q is not a materialized view", ref.Name)
		case viewVerb:
			e.Msg = fmt.Sprintf("%q is not a materialized view", ref.Name)
		}
		if strings.HasPrefix(verb, "DROP") {
			e.Hint = "Use DROP VIEW to remove a view."
		}
		return "", e
	}
	if _, err := p.tableColumns(sess.Database, ref.Name); err != nil {
		e := AsError(err)
		switch {
		case e.Code == CodeUndefinedTable && viewVerb:
			e.Msg = fmt.Sprintf("materialized view %q does not exist", ref.Name)
		case e.Code == CodeUndefinedTable && verb == "DROP TABLE":
			e.Msg = fmt.Sprintf("table %q does not exist", ref.Name)
		}
		return "", e
	}
	_, isView := p.viewOf(sess.Database, ref.Name)
	switch {
	case viewVerb && !isView:
		e := &Error{Code: "42809", Msg: fmt.Sprintf("%q is not a materialized view", ref.Name)}
		switch verb {
		case "DROP MATERIALIZED VIEW":
			e.Hint = "Use DROP TABLE to remove a table."
		case "REFRESH MATERIALIZED VIEW":
			e.Code = CodeNotSupported // PostgreSQL's REFRESH of a table
		}
		return "", e
	case !viewVerb && isView:
		e := &Error{Code: "42809", Msg: fmt.Sprintf("%q is not a table", ref.Name)}
		if verb == "DROP TABLE" {
			e.Hint = "Use DROP MATERIALIZED VIEW to remove a materialized view."
		}
		return "", e
	}
	return ref.Name, nil
}

// CreateTable runs CREATE TABLE [IF NOT EXISTS] t (column type, ...): an
// empty table whose columns have the types given, against which writes
// are then checked. A table is named "time" (timestamptz or timestamp,
// the rows' time) and its tags: the text columns of its PRIMARY KEY or
// UNIQUE constraint, or every text column when it has none, and columns
// typed tag or symbol (QuestDB's name). Other columns are fields: integers
// bigint, floating point and numeric double precision, text, boolean.
func (p *Planner) CreateTable(ctx context.Context, sess *Session, stmt *sql.Statement) (DDLResult, error) {
	def := stmt.Create
	name, err := p.creatable(sess, def.Table)
	if err != nil {
		return DDLResult{}, err
	}
	exists := func() (DDLResult, error) {
		if def.IfNotExists {
			return DDLResult{Notices: []Notice{skipNotice("42P07", "relation %q already exists", name)}}, nil
		}
		return DDLResult{}, &Error{Code: "42P07", Msg: fmt.Sprintf("relation %q already exists", name)}
	}
	if _, err := p.Engine.TableSchema(sess.Database, name); err == nil {
		return exists() // before the columns, as PostgreSQL checks
	}
	if _, ok := p.plainViewOf(sess.Database, name); ok {
		return exists()
	}
	var cols []storage.ColumnMeta
	var notices []Notice
	var view *storage.ViewDef
	var key *storage.TableKey
	switch {
	case stmt.Kind == sql.CreateView:
		cols, view, err = p.viewColumnsOf(ctx, sess, def)
	case def.As != nil:
		cols, err = p.tableAsOf(ctx, sess, def)
	default:
		cols, notices, err = tableColumnsOf(def)
		for _, c := range cols {
			if c.Default != "" && err == nil {
				err = p.checkDefault(ctx, sess, c.Name, c.Default, c.Type)
			}
		}
		if err == nil {
			var more []Notice
			key, more, err = p.declaredKey(sess.Database, def, cols)
			notices = append(notices, more...)
		}
	}
	if err != nil {
		return DDLResult{}, err
	}
	switch {
	case view != nil:
		err = p.Engine.CreateView(ctx, sess.Database, name, cols, *view)
	case key != nil:
		err = p.Engine.CreateKeyedTable(ctx, sess.Database, name, cols, *key)
	default:
		err = p.Engine.CreateTable(ctx, sess.Database, name, cols) // in the order written: column_order.go
	}
	if err != nil {
		var se *storage.Error
		if asStorage(err, &se) && se.Code == storage.CodeAlreadyExists { // a write made it meanwhile
			return exists()
		}
		return DDLResult{}, err
	}
	res := DDLResult{Tables: 1, Notices: notices}
	switch {
	case view != nil:
		return p.fillView(ctx, sess, name, *view, def.NoData, res)
	case def.As != nil:
		return p.fillTableAs(ctx, sess, def, cols, res)
	}
	return res, nil
}

// creatable is the name of a relation CREATE makes from ref, refused
// where none can be made: another database's, a catalog's schema (42501)
// or name (42939), a schema that does not exist.
func (p *Planner) creatable(sess *Session, ref sql.TableRef) (string, error) {
	if err := crossDatabase(sess, ref); err != nil {
		return "", err
	}
	switch s := ref.Schema; schemaOfTable(s, "") { // a catalog's name in public: 42939 below
	case inCatalogs, inViews:
		return "", &Error{Code: "42501", Msg: fmt.Sprintf("permission denied to create \"%s.%s\"", s, ref.Name),
			Hint: "tables are created in schema public"}
	case inNoSchema:
		return "", &Error{Code: codeUndefinedSchema, Msg: fmt.Sprintf("schema %q does not exist", s), Hint: "tables are created in schema public"}
	}
	if isCatalogTable(ref.Name) {
		return "", &Error{Code: "42939", Msg: fmt.Sprintf("table name %q is a system catalog's", ref.Name),
			Hint: "the catalog would hide the table from queries: name it otherwise"}
	}
	return ref.Name, nil
}

// tableColumnsOf maps CREATE TABLE's columns to stored ones, with the
// notices of what is kept otherwise than written.
func tableColumnsOf(def *sql.TableDef) ([]storage.ColumnMeta, []Notice, error) {
	timeCol := timeColumnOf(def)
	if timeCol == "" {
		hint := "a table's rows are named by their time: add time timestamptz NOT NULL"
		if slices.ContainsFunc(def.Columns, func(c sql.ColumnDef) bool { return isTimestampType(c.Type) }) {
			hint = "a table's rows are named by their time: make one timestamp column NOT NULL (or part of the PRIMARY KEY), or name it time"
		}
		return nil, nil, &Error{Code: sql.CodeInvalidTableDefinition, Msg: fmt.Sprintf("table %q has no time column", def.Table.Name), Hint: hint}
	}
	key := map[string]bool{}
	for _, k := range def.Key {
		if !slices.ContainsFunc(def.Columns, func(c sql.ColumnDef) bool { return c.Name == k }) {
			return nil, nil, errorf(CodeUndefinedColumn, "column %q named in key does not exist", k)
		}
		key[k] = true
	}
	var cols []storage.ColumnMeta
	var notices []Notice
	seen := map[string]bool{}
	for _, c := range def.Columns {
		if seen[c.Name] {
			return nil, nil, &Error{Code: "42701", Msg: fmt.Sprintf("column %q specified more than once", c.Name)}
		}
		seen[c.Name] = true
		typ, err := storedTypeOf(c, key[c.Name] || len(def.Key) == 0)
		if err != nil {
			return nil, nil, err
		}
		if c.Name == timeCol && typ == storage.TypeTimestamp {
			typ = storage.TypeTime // shown under its name (time_name.go)
		}
		if key[c.Name] && typ != storage.TypeTime && typ != storage.TypeTag {
			return nil, nil, &Error{Code: sql.CodeInvalidTableDefinition, Msg: fmt.Sprintf("column %q of the key is %s: a key holds time and text columns (tags)", c.Name, c.Type),
				Hint: "a row is named by its time and tags; make the other columns fields (leave them out of the key)"}
		}
		declared, err := declaredType(c.Type, typ)
		if err != nil {
			return nil, nil, err
		}
		if n, ok := precisionWarning(c.Type); ok {
			notices = append(notices, n)
		}
		if n, ok := precisionNotice(c.Name, declared); ok {
			notices = append(notices, n)
		}
		// A primary key's columns are NOT NULL, as PostgreSQL makes them
		// (a UNIQUE constraint's are not); time is never NULL and is not
		// marked.
		notNull := (c.NotNull || key[c.Name] && def.Primary()) && typ != storage.TypeTime
		cols = append(cols, storage.ColumnMeta{Name: c.Name, Type: typ, Default: c.Default, SQLType: declared, NotNull: notNull})
	}
	return cols, notices, nil
}

// timeColumnOf is the column of CREATE TABLE that is the rows' time (""
// for none): the one named time, else the first timestamp column that is
// NOT NULL or in the key (TimescaleDB makes a hypertable's time column NOT
// NULL), else the only timestamp column. Another name than time is shown
// as the table's time (time_name.go).
func timeColumnOf(def *sql.TableDef) string {
	var stamps []string
	for _, c := range def.Columns {
		if c.Name == storage.TimeColumn {
			return c.Name
		}
		if isTimestampType(c.Type) {
			stamps = append(stamps, c.Name)
		}
	}
	for _, c := range def.Columns {
		if isTimestampType(c.Type) && (c.NotNull || slices.Contains(def.Key, c.Name)) {
			return c.Name
		}
	}
	if len(stamps) == 1 {
		return stamps[0]
	}
	return ""
}

// isTimestampType reports whether a column type as written is a timestamp
// (timestamptz, timestamp(3) with time zone, pg_catalog.timestamp, ...):
// one a field other than time stores as a timestamp (storedTypeOf), not a
// date (a day has no time of its own to name a row by).
func isTimestampType(t string) bool {
	typ, err := storedTypeOf(sql.ColumnDef{Type: t}, false)
	return err == nil && typ == storage.TypeTimestamp && strings.TrimPrefix(t, "pg_catalog.") != "date"
}

// storedTypeOf is the stored type of a CREATE TABLE column; text is a tag
// when tag is set.
func storedTypeOf(c sql.ColumnDef, tag bool) (storage.ColumnType, error) {
	base := c.Type
	if i := strings.IndexByte(base, '('); i >= 0 { // varchar(20), numeric(10,2), timestamp(3) with time zone
		if j := strings.IndexByte(base[i:], ')'); j >= 0 {
			base = strings.TrimSpace(base[:i] + base[i+j+1:])
		}
	}
	base = strings.TrimPrefix(base, "pg_catalog.")
	if c.Name == storage.TimeColumn {
		switch base {
		case "timestamptz", "timestamp", "timestamp with time zone", "timestamp without time zone":
			return storage.TypeTime, nil
		}
		return 0, &Error{Code: sql.CodeInvalidTableDefinition, Msg: fmt.Sprintf("column \"time\" is %s: it must be timestamptz, each row's time", c.Type)}
	}
	switch base {
	case "smallint", "integer", "int", "bigint", "int2", "int4", "int8":
		return storage.TypeInt, nil
	case "real", "float4", "float8", "double precision", "float", "numeric", "decimal":
		return storage.TypeFloat, nil
	case "boolean", "bool":
		return storage.TypeBool, nil
	case "tag", "symbol":
		return storage.TypeTag, nil
	case "text", "varchar", "character varying", "char", "character", "bpchar", "name":
		if tag {
			return storage.TypeTag, nil
		}
		return storage.TypeString, nil
	case "timestamptz", "timestamp", "timestamp with time zone", "timestamp without time zone", "date":
		return storage.TypeTimestamp, nil // a date declared so: its midnight's reading (declaredType)
	}
	return 0, &Error{Code: CodeNotSupported, Msg: fmt.Sprintf("column %q: type %s is not supported", c.Name, c.Type),
		Hint: "columns are time (timestamptz), tags (text, tag or symbol) and fields (bigint, integer, smallint, double precision, real, numeric, text, varchar, boolean, timestamptz, timestamp, date)"}
}

// alterTable runs ALTER TABLE [IF EXISTS] t ADD [COLUMN] [IF NOT EXISTS]
// column type [DEFAULT expr], ...: fields (text is a string field) or,
// typed tag or symbol, tags, added to the table's schema
// (storage.Engine.AddColumns); the rows stored have NULL there (so a
// DEFAULT is taken only while the table holds none). A column the table
// has is 42701, or with IF NOT EXISTS a notice, as in PostgreSQL. ALTER
// [COLUMN] c SET DEFAULT expr and DROP DEFAULT change the default the
// rows written after take.
func (p *Planner) alterTable(ctx context.Context, sess *Session, stmt *sql.Statement) (DDLResult, error) {
	var res DDLResult
	def := stmt.Alter
	table, err := p.namedTable(sess, def.Table, "ALTER TABLE")
	if err != nil {
		if e := AsError(err); stmt.IfExists && (e.Code == CodeUndefinedTable || e.Code == codeUndefinedSchema) {
			res.Notices = append(res.Notices, skipNotice("00000", "relation %q does not exist", def.Table.Name))
			return res, nil
		}
		return res, err
	}
	switch {
	case def.Rename != "":
		return p.renameTable(ctx, sess, table, def.Rename)
	case def.RenameColumn != nil:
		return p.renameColumn(ctx, sess, table, *def.RenameColumn)
	case def.RenameConstraint != nil:
		return p.renameConstraint(ctx, sess, table, *def.RenameConstraint)
	}
	// As in PostgreSQL, the drops come first, then the columns added, then
	// the defaults set, whatever the order written: DROP COLUMN c, ADD
	// COLUMN c int makes c anew.
	schema, err := p.Engine.TableSchema(sess.Database, table)
	if err != nil {
		return res, err
	}
	timeName := p.timeName(sess.Database, table)
	schema = shownColumns(schema, timeName)
	var addKey *storage.TableKey
	if def.AddKey != nil { // checked before anything changes, given last
		if len(def.Add) > 0 || len(def.Drop) > 0 {
			return DDLResult{}, &Error{Code: CodeNotSupported, Msg: "ALTER TABLE ... ADD PRIMARY KEY or UNIQUE beside ADD COLUMN or DROP COLUMN is not supported",
				Hint: "change the columns first, then add the key in a second ALTER TABLE"}
		}
		key, notices, err := p.keyToAdd(ctx, sess, table, *def.AddKey, def.DropConstraints)
		if err != nil {
			return DDLResult{}, err
		}
		res.Notices, addKey = append(res.Notices, notices...), key
	}
	notices, err := p.dropConstraints(ctx, sess, table, def.DropConstraints)
	if err != nil {
		return DDLResult{}, err
	}
	res.Notices = append(res.Notices, notices...)
	dropped, dropViews, notices, err := p.columnDrops(sess, table, schema, def.Drop, stmt.Cascade)
	if err != nil {
		return DDLResult{}, err
	}
	res.Notices = append(res.Notices, notices...)
	schema = slices.DeleteFunc(schema, func(c storage.ColumnMeta) bool { return slices.Contains(dropped, c.Name) })
	var cols []storage.ColumnMeta
	seen := map[string]bool{}
	fills := map[string]any{}
	_, _, _, hasRows := p.Engine.TimeBounds(sess.Database, table)
	for i, c := range def.Add {
		has := slices.ContainsFunc(schema, func(s storage.ColumnMeta) bool { return s.Name == c.Name })
		if has || seen[c.Name] {
			if def.IfNotExists[i] {
				res.Notices = append(res.Notices, skipNotice("42701", "column %q of relation %q already exists", c.Name, table))
				continue
			}
			return DDLResult{}, &Error{Code: "42701", Msg: fmt.Sprintf("column %q of relation %q already exists", c.Name, table)}
		}
		seen[c.Name] = true
		typ, err := storedTypeOf(c, false)
		if err != nil {
			return DDLResult{}, err
		}
		declared, err := declaredType(c.Type, typ)
		if err != nil {
			return DDLResult{}, err
		}
		if n, ok := precisionWarning(c.Type); ok {
			res.Notices = append(res.Notices, n)
		}
		if n, ok := precisionNotice(c.Name, declared); ok {
			res.Notices = append(res.Notices, n)
		}
		if c.Default != "" {
			if err := p.checkDefault(ctx, sess, c.Name, c.Default, typ); err != nil {
				return DDLResult{}, err
			}
			if hasRows {
				// The rows stored take the default, as in PostgreSQL.
				v, err := p.fillValue(ctx, sess, table, c.Name, c.Default, typ)
				if err != nil {
					return DDLResult{}, err
				}
				if v, err = declaredFill(storage.ParseDeclared(declared), c.Name, v); err != nil {
					return DDLResult{}, err
				}
				if v != nil {
					fills[c.Name] = v
				}
			}
		}
		if c.NotNull && hasRows && fills[c.Name] == nil {
			return DDLResult{}, containsNulls(table, c.Name, true)
		}
		cols = append(cols, storage.ColumnMeta{Name: c.Name, Type: typ, Default: c.Default, SQLType: declared, NotNull: c.NotNull})
	}
	// ALTER COLUMN ... SET DEFAULT / DROP DEFAULT: for the rows written
	// after, as in PostgreSQL.
	schema = append(schema, cols...)
	for _, d := range def.Defaults {
		at := slices.IndexFunc(schema, func(c storage.ColumnMeta) bool { return c.Name == d.Column })
		if at < 0 {
			return DDLResult{}, &Error{Code: CodeUndefinedColumn, Msg: fmt.Sprintf("column %q of relation %q does not exist", d.Column, table)}
		}
		if d.Expr != "" {
			if err := p.checkDefault(ctx, sess, d.Column, d.Expr, schema[at].Type); err != nil {
				return DDLResult{}, err
			}
		}
	}
	// ALTER COLUMN ... TYPE and SET | DROP NOT NULL change nothing stored:
	// they are checked here, before anything changes (alter_column.go).
	retyped := map[string]string{}
	for _, r := range def.Retypes {
		if err := checkRetype(table, schema, r); err != nil {
			return DDLResult{}, err
		}
		col := schema[slices.IndexFunc(schema, func(c storage.ColumnMeta) bool { return c.Name == r.Column })]
		declared, err := declaredType(r.Type, col.Type)
		if err != nil {
			return DDLResult{}, err
		}
		if n, ok := precisionWarning(r.Type); ok {
			res.Notices = append(res.Notices, n)
		}
		if declared != col.SQLType {
			if hasRows && !slices.ContainsFunc(cols, func(c storage.ColumnMeta) bool { return c.Name == col.Name }) {
				if err := checkZoneRetype(sess, col, declared); err != nil {
					return DDLResult{}, err
				}
				if err := p.checkStoredFit(ctx, sess, table, col.Name, storage.ParseDeclared(declared)); err != nil {
					return DDLResult{}, err
				}
			}
			retyped[storedName(col.Name, timeName)] = declared
		}
	}
	if err := p.checkNotNulls(ctx, sess, table, schema, def.NotNulls, hasRows, cols, fills); err != nil {
		return DDLResult{}, err
	}
	// SET (...) and RESET (...): TimescaleDB's compression settings
	// (timescale_compression.go).
	var opts map[string]string
	optionsChange := false
	opt, hasOptions := any(p.Engine).(tableOptioner)
	if def.Set != nil || def.Reset != nil {
		if !hasOptions {
			return DDLResult{}, notSupported("ALTER TABLE ... SET")
		}
		have, err := opt.TableOptions(sess.Database, table)
		if err != nil {
			return DDLResult{}, err
		}
		if opts, optionsChange, err = tableOptionChanges(table, schema, def.Set, def.Reset, have); err != nil {
			return DDLResult{}, err
		}
	}
	for _, v := range dropViews {
		if err := p.dropRelation(ctx, sess.Database, v); err != nil {
			return DDLResult{}, err
		}
	}
	for _, c := range dropped {
		if err := p.Engine.DropColumn(ctx, sess.Database, table, c); err != nil {
			return DDLResult{}, err
		}
		res.Tables = 1
	}
	if len(cols) > 0 {
		if err := p.Engine.AddColumnsFilled(ctx, sess.Database, table, cols, fills); err != nil {
			return DDLResult{}, err
		}
		res.Tables = 1
	}
	for _, r := range def.Retypes { // in the statement's order: the last of a column's wins
		if declared, ok := retyped[storedName(r.Column, timeName)]; ok {
			if err := p.Engine.SetColumnSQLType(ctx, sess.Database, table, storedName(r.Column, timeName), declared); err != nil {
				return DDLResult{}, err
			}
			res.Tables = 1
		}
	}
	for _, d := range def.Defaults {
		if err := p.Engine.SetColumnDefault(ctx, sess.Database, table, storedName(d.Column, timeName), d.Expr); err != nil {
			return DDLResult{}, err
		}
		res.Tables = 1
	}
	for _, n := range def.NotNulls { // in the statement's order: the last of a column's wins
		if err := p.Engine.SetColumnNotNull(ctx, sess.Database, table, storedName(n.Column, timeName), n.Set); err != nil {
			return DDLResult{}, err
		}
		res.Tables = 1
	}
	if optionsChange {
		if err := opt.SetTableOptions(ctx, sess.Database, table, opts); err != nil {
			return DDLResult{}, err
		}
		res.Tables = 1
	}
	if addKey != nil {
		if err := p.Engine.AddKey(ctx, sess.Database, table, *addKey); err != nil {
			return DDLResult{}, err
		}
		res.Tables = 1
	}
	return res, nil
}
