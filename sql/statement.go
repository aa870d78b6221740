package sql

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Kind is what a statement is.
type Kind int

// Statement kinds. Select, Insert, Delete, Update and Explain carry a TiDB
// AST; the others
// are recognised by this package and carry their fields on Statement.
const (
	Empty           Kind = iota // empty or comment-only query
	Select                      // SELECT, WITH ... SELECT, VALUES
	Insert                      // INSERT
	Explain                     // EXPLAIN [ANALYZE] [VERBOSE] <query>; AST is the inner query's
	Set                         // SET [SESSION|LOCAL] name {=|TO} values | DEFAULT
	Show                        // SHOW name | SHOW ALL
	Reset                       // RESET name | RESET ALL
	Begin                       // BEGIN, START TRANSACTION
	Commit                      // COMMIT, END
	Rollback                    // ROLLBACK, ABORT
	Savepoint                   // SAVEPOINT name
	Release                     // RELEASE [SAVEPOINT] name
	RollbackTo                  // ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT] name
	Discard                     // DISCARD ALL|PLANS|SEQUENCES|TEMP
	Deallocate                  // DEALLOCATE [PREPARE] name|ALL
	Close                       // CLOSE name|ALL
	Listen                      // LISTEN channel
	Unlisten                    // UNLISTEN channel|*
	Declare                     // DECLARE name ... CURSOR ... FOR <query>
	Fetch                       // FETCH [direction] [FROM|IN] name
	Move                        // MOVE [direction] [FROM|IN] name
	Copy                        // COPY {table | (query)} TO STDOUT [options]; Inner is the query
	Prepare                     // PREPARE name [(type, ...)] AS statement; Inner is the statement
	Execute                     // EXECUTE name [(argument, ...)]
	Delete                      // DELETE FROM table [[AS] alias] [WHERE condition]
	Update                      // UPDATE table [[AS] alias] SET column = value, ... [WHERE condition]
	DropTable                   // DROP TABLE [IF EXISTS] name, ... [CASCADE|RESTRICT]; Tables, IfExists
	Truncate                    // TRUNCATE [TABLE] [ONLY] name [*], ... [RESTART|CONTINUE IDENTITY] [CASCADE|RESTRICT]; Tables
	CreateTable                 // CREATE TABLE [IF NOT EXISTS] name (column type [constraints], ...); Create
	CreateDatabase              // CREATE DATABASE name [options]; Name
	DropDatabase                // DROP DATABASE [IF EXISTS] name [(FORCE)]; Name, IfExists
	AlterTable                  // ALTER TABLE [IF EXISTS] name ADD [COLUMN] [IF NOT EXISTS] column type, ...; Alter, IfExists
	CreateView                  // CREATE MATERIALIZED VIEW [IF NOT EXISTS] name [(names)] [WITH (options)] AS query [WITH [NO] DATA]; Create
	RefreshView                 // REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO] DATA]; Tables (one), NoData
	DropView                    // DROP MATERIALIZED VIEW [IF EXISTS] name, ... [CASCADE|RESTRICT]; Tables, IfExists
	Call                        // CALL procedure(arguments): AST is SELECT procedure(arguments)
	AlterView                   // ALTER MATERIALIZED VIEW [IF EXISTS] name SET (option [= value], ...); Alter (Set), IfExists
	CreatePlainView             // CREATE [OR REPLACE] VIEW name [(names)] [WITH (options)] AS query; Create (Replace)
	DropPlainView               // DROP VIEW [IF EXISTS] name, ... [CASCADE|RESTRICT]; Tables, IfExists
	Comment                     // COMMENT ON {TABLE | VIEW | MATERIALIZED VIEW | COLUMN} name IS 'text' | NULL; Comment
	AlterIndex                  // ALTER INDEX [IF EXISTS] name RENAME TO new; Alter (Table, Rename), IfExists
)

var kindNames = [...]string{"Empty", "Select", "Insert", "Explain", "Set", "Show", "Reset", "Begin",
	"Commit", "Rollback", "Savepoint", "Release", "RollbackTo", "Discard", "Deallocate", "Close",
	"Listen", "Unlisten", "Declare", "Fetch", "Move", "Copy", "Prepare", "Execute", "Delete", "Update",
	"DropTable", "Truncate", "CreateTable", "CreateDatabase", "DropDatabase", "AlterTable", "CreateView", "RefreshView",
	"DropView", "Call", "AlterView", "CreatePlainView", "DropPlainView", "Comment", "AlterIndex"}

// IsDDL reports whether the kind creates, changes or drops a table, view
// or database (the planner's RunDDL runs them).
func (k Kind) IsDDL() bool {
	switch k {
	case DropTable, Truncate, CreateTable, CreateDatabase, DropDatabase, AlterTable, CreateView, RefreshView, DropView, AlterView,
		CreatePlainView, DropPlainView, Comment, AlterIndex:
		return true
	}
	return false
}

// Changes reports whether the kind changes stored data or the catalog
// when it runs: INSERT, UPDATE, DELETE, the DDL and CALL (the procedures
// here refresh views).
func (k Kind) Changes() bool {
	return k == Insert || k == Delete || k == Update || k == Call || k.IsDDL()
}

// Verb is the kind's command as SQL writes it: SELECT, INSERT, CREATE
// TABLE, DROP DATABASE, ...
func (k Kind) Verb() string {
	switch k {
	case CreateTable:
		return "CREATE TABLE"
	case AlterTable:
		return "ALTER TABLE"
	case DropTable:
		return "DROP TABLE"
	case CreateDatabase:
		return "CREATE DATABASE"
	case DropDatabase:
		return "DROP DATABASE"
	case RollbackTo:
		return "ROLLBACK TO"
	case CreateView:
		return "CREATE MATERIALIZED VIEW"
	case RefreshView:
		return "REFRESH MATERIALIZED VIEW"
	case DropView:
		return "DROP MATERIALIZED VIEW"
	case AlterView:
		return "ALTER MATERIALIZED VIEW"
	case CreatePlainView:
		return "CREATE VIEW"
	case DropPlainView:
		return "DROP VIEW"
	case AlterIndex:
		return "ALTER INDEX"
	}
	return strings.ToUpper(k.String())
}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(?)"
}

// Statement is one parsed statement of a query string.
type Statement struct {
	Kind Kind
	// Text is this statement's original text (without the trailing ';').
	Text string
	// Offset is the byte offset of Text within the string given to Parse.
	Offset int

	// AST is the TiDB AST (Select: *ast.SelectStmt or *ast.SetOprStmt;
	// Insert: *ast.InsertStmt; Delete: *ast.DeleteStmt; Update:
	// *ast.UpdateStmt; Explain: the explained query's AST). Nil for
	// the other kinds.
	AST ast.StmtNode
	// Catalogs are the databases named by three-part table names
	// (db.schema.table), which the names lose: the planner refuses any
	// other than the session's database.
	Catalogs []string
	// Rewritten is the SQL the TiDB parser was given (for tests and EXPLAIN
	// VERBOSE); empty when AST is nil.
	Rewritten string
	// Params[i] is the $n bound to the ParamMarkerExpr whose Order is i
	// (markers are ordered by their position in Rewritten).
	Params []int
	// NumParams is the highest $n in the statement (0 if none).
	NumParams int
	// ParamTypes are the PostgreSQL types a client declared for $1, $2,
	// ... when it prepared the statement (0: none declared); set by the
	// wire protocol, read by the planner for the types it tells apart by
	// their PostgreSQL type only (json, jsonb, time).
	ParamTypes []uint32
	// ParamNames are the names of $name parameters (InfluxDB 3's style):
	// $name is read as $n where ParamNames[n-1] == name, numbered by first
	// appearance in the whole text. Nil when the text uses $n (the two are
	// not mixed).
	ParamNames []string
	// MaterializedCTEs are the names of the WITH queries written AS
	// MATERIALIZED (the keyword does not reach TiDB's parser): computed
	// once and in full, never inlined, as PostgreSQL does.
	MaterializedCTEs []string
	// DistinctOn holds the DISTINCT ON (...) expressions of each SELECT
	// block that had them (see doc.go).
	DistinctOn map[*ast.SelectStmt][]ast.ExprNode
	// FullJoins holds the joins written FULL [OUTER] JOIN; TiDB has no full
	// join, so they arrive as LEFT joins (see doc.go).
	FullJoins map[*ast.Join]bool
	// AsofJoins holds the joins written ASOF [LEFT] JOIN, which arrive as
	// inner or left joins (see doc.go).
	AsofJoins map[*ast.Join]bool
	// SymmetricBetween holds the BETWEEN SYMMETRIC tests (see doc.go).
	SymmetricBetween map[*ast.BetweenExpr]bool
	// OnConflict is an INSERT's ON CONFLICT clause, which does not reach
	// TiDB's parser (nil: none).
	OnConflict *OnConflict
	// InsertAlias is INSERT INTO t AS alias's alias ("" for none).
	InsertAlias string
	// Returning is an INSERT's, UPDATE's or DELETE's RETURNING list,
	// parsed as the select list of a SELECT without FROM; nil when there
	// is none.
	Returning *Statement

	// Name: SET/SHOW/RESET parameter name (lower case; "all" never appears,
	// see All), SAVEPOINT/RELEASE/ROLLBACK TO savepoint, DEALLOCATE
	// statement, PREPARE/EXECUTE statement, CLOSE/DECLARE/FETCH/MOVE cursor, LISTEN/UNLISTEN channel,
	// DISCARD target (all, plans, sequences, temp), CREATE/DROP DATABASE
	// database.
	Name string
	// All: SHOW ALL, RESET ALL, DEALLOCATE ALL, CLOSE ALL, UNLISTEN *, DISCARD ALL.
	All bool
	// Values: SET values in order, each as text (string constants decoded,
	// unquoted words lower-cased, numbers as written with their sign).
	// Begin: transaction modes, normalised ("isolation level read committed",
	// "read only", "read write", "deferrable", "not deferrable").
	Values []string
	// Default: SET name TO DEFAULT (Values is nil).
	Default bool
	// Local: SET LOCAL.
	Local bool
	// Chain: COMMIT/ROLLBACK AND CHAIN (a new transaction begins at once).
	Chain bool
	// Tables are the tables DROP TABLE and TRUNCATE name (the views DROP
	// and REFRESH MATERIALIZED VIEW name), in order; IfExists is DROP
	// TABLE / DROP DATABASE / DROP MATERIALIZED VIEW IF EXISTS; NoData is
	// REFRESH ... WITH NO DATA.
	Tables   []TableRef
	IfExists bool
	NoData   bool
	// Cascade is DROP ... CASCADE (and TRUNCATE's, which changes nothing).
	Cascade bool
	// Create describes CREATE TABLE and CREATE MATERIALIZED VIEW, Alter
	// ALTER TABLE and ALTER MATERIALIZED VIEW.
	Create *TableDef
	Alter  *AlterDef

	// Cursor describes DECLARE; Fetch describes FETCH and MOVE.
	Cursor *Cursor
	Fetch  *FetchSpec
	// Comment describes COMMENT ON.
	Comment *CommentOn
	// Copy describes COPY ... TO STDOUT.
	Copy *CopySpec
	// ExplainOpts describes EXPLAIN.
	ExplainOpts *ExplainOptions
	// Inner is the query of DECLARE ... FOR, of EXPLAIN and of COPY, and
	// the statement PREPARE names.
	Inner *Statement
	// TypeNames are PREPARE's parameter types as written (int, double
	// precision, varchar(10), text[]); Args are EXECUTE's arguments, each
	// an expression's text.
	TypeNames []string
	Args      []string
}

// Cursor is the declaration of DECLARE name [BINARY] [[NO] SCROLL] CURSOR
// [WITH[OUT] HOLD] FOR query.
type Cursor struct {
	Binary bool
	Scroll bool // SCROLL given (NO SCROLL and no option: false)
	Hold   bool // WITH HOLD
}

// FetchDirection is the direction of FETCH/MOVE.
type FetchDirection int

// Fetch directions.
const (
	FetchForward  FetchDirection = iota // NEXT, FORWARD [n|ALL], n, ALL
	FetchBackward                       // PRIOR, BACKWARD [n|ALL]
	FetchAbsolute                       // FIRST (=ABSOLUTE 1), LAST (=ABSOLUTE -1), ABSOLUTE n
	FetchRelative                       // RELATIVE n
)

// FetchSpec is FETCH/MOVE's direction and count. Count is the number of
// rows (or the position for Absolute/Relative); All means every remaining row.
type FetchSpec struct {
	Direction FetchDirection
	Count     int64
	All       bool
}

// ExplainOptions are EXPLAIN's options.
type ExplainOptions struct {
	Analyze bool
	Verbose bool
	Format  string // "text" (default), "json", ...
}

// OnConflict is INSERT ... ON CONFLICT [(target, ...) | ON CONSTRAINT
// name] DO NOTHING or DO
// UPDATE SET column = EXCLUDED.column, ...: the forms a table whose rows
// are named by time and tags can honour.
type OnConflict struct {
	// Target are the columns named in parentheses (nil: none).
	Target []string
	// Constraint is the name ON CONSTRAINT gives instead ("" for none).
	Constraint string
	// Nothing: DO NOTHING; otherwise Set are the columns DO UPDATE sets
	// and Values their values, nil where it is EXCLUDED.column (the row
	// proposed's), else the expression over the stored row (named by the
	// table or Alias) and EXCLUDED.
	Nothing bool
	Set     []string
	Values  []ast.ExprNode
	// Where is DO UPDATE's condition (nil: none): a stored row for which
	// it is not true is left as it is.
	Where ast.ExprNode
	// Alias is the INSERT's table alias (INSERT INTO t AS x), "" for none.
	Alias string
}
