package planner

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// CREATE TABLE t [(names)] AS query [WITH [NO] DATA] makes a table of the
// query's result columns (the names given replace the first ones), filled
// with its rows through the durable write path, as INSERT INTO t SELECT
// writes them: the way rollup tables are made (CREATE TABLE cpu_hourly AS
// SELECT time_bucket('1 hour', time) AS time, hostname, avg(usage_user)
// ...). Its columns are typed as INSERT ... SELECT types a new table's:
// time, the rows' time, must be one of them; a tag stays a tag and a text
// field named bare a field; other text (a constant, upper(host), a CASE)
// is a tag, which tells the rows' series apart. When the rows cannot be
// written the table is dropped again: the statement makes all of it or
// nothing.

// tableAsOf types the columns of CREATE TABLE ... AS's query, with their
// names, before anything is created.
func (p *Planner) tableAsOf(ctx context.Context, sess *Session, def *sql.TableDef) ([]storage.ColumnMeta, error) {
	qcols, names, err := p.describeAs(ctx, sess, def)
	if err != nil {
		return nil, err
	}
	return tableAsColumns(def, qcols, names)
}

// describeAs describes the query of CREATE TABLE or MATERIALIZED VIEW ...
// AS: its columns and their names (those written after the relation's
// name first, as PostgreSQL takes them).
func (p *Planner) describeAs(ctx context.Context, sess *Session, def *sql.TableDef) ([]Column, []string, error) {
	if err := noDropWhilePlanning(def.As.AST, nil); err != nil {
		return nil, nil, err // it would act before the relation is made
	}
	qcols, _, err := p.Describe(ctx, sess, def.As)
	if err != nil {
		return nil, nil, err
	}
	if len(def.AsColumns) > len(qcols) {
		return nil, nil, &Error{Code: CodeSyntax, Msg: "too many column names were specified"}
	}
	names := make([]string, len(qcols))
	for i, c := range qcols {
		names[i] = c.Name
		if i < len(def.AsColumns) {
			names[i] = def.AsColumns[i]
		}
	}
	return qcols, names, nil
}

// fillTableAs writes the rows of CREATE TABLE ... AS's query into the
// table made of its columns (cols, in the query's order), or drops the
// table again when they cannot be written; res is the creation's result.
func (p *Planner) fillTableAs(ctx context.Context, sess *Session, def *sql.TableDef, cols []storage.ColumnMeta, res DDLResult) (DDLResult, error) {
	res.Selected = true
	if def.NoData {
		return res, nil
	}
	table := def.Table.Name
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	n, err := p.insertRows(ctx, sess, insertOf(def.As, table, names), [][]any{nil})
	if err != nil {
		return p.uncreate(ctx, sess, "table", table, res, err)
	}
	res.Rows = n
	return res, nil
}

// insertOf is INSERT INTO table (columns) q, q a query: the statement
// keeps what the dialect layer noted beside q's tree (DISTINCT ON lists,
// FULL and ASOF joins, BETWEEN SYMMETRIC, the catalogs and CTEs named),
// which binding q reads.
func insertOf(q *sql.Statement, table string, columns []string) *sql.Statement {
	ins := &ast.InsertStmt{
		Table:  &ast.TableRefsClause{TableRefs: &ast.Join{Left: &ast.TableSource{Source: &ast.TableName{Name: ast.NewCIStr(table)}}}},
		Select: q.AST.(ast.ResultSetNode),
	}
	for _, c := range columns {
		ins.Columns = append(ins.Columns, &ast.ColumnName{Name: ast.NewCIStr(c)})
	}
	return &sql.Statement{Kind: sql.Insert, AST: ins, Text: q.Text, Offset: q.Offset, Catalogs: q.Catalogs, MaterializedCTEs: q.MaterializedCTEs,
		DistinctOn: q.DistinctOn, FullJoins: q.FullJoins, AsofJoins: q.AsofJoins, SymmetricBetween: q.SymmetricBetween}
}

// uncreate drops the table (or view: what) a CREATE ... AS made when its
// rows could not be written (err), so the statement leaves nothing; res
// is the creation's result, returned when the drop fails too (the table
// stays, and err says so).
func (p *Planner) uncreate(ctx context.Context, sess *Session, what, table string, res DDLResult, err error) (DDLResult, error) {
	if derr := p.Engine.DropTable(context.WithoutCancel(ctx), sess.Database, table); derr != nil {
		e := AsError(err)
		e.Detail = fmt.Sprintf("%s %q was created but could not be dropped again: %v", what, table, derr)
		return res, e
	}
	return DDLResult{}, err
}

// tableAsColumns types the stored columns of CREATE TABLE ... AS from the
// query's result columns (qcols) under their names, in the query's order.
func tableAsColumns(def *sql.TableDef, qcols []Column, names []string) ([]storage.ColumnMeta, error) {
	// The rows' time: the column named time, else the one timestamp column
	// that is a bucket or a column rather than an aggregate's result (as a
	// materialized view's), shown under its name (time_name.go).
	timeAt, err := viewTimeColumn(def.As.AST, qcols, names)
	if err != nil {
		return nil, err
	}
	if timeAt < 0 {
		return nil, &Error{Code: sql.CodeInvalidTableDefinition, Msg: fmt.Sprintf("table %q has no time column", def.Table.Name),
			Hint: "a table's rows are named by their time: the query needs a timestamptz column (..., time_bucket('1 hour', time) AS bucket)"}
	}
	bare := bareColumns(def.As.AST.(ast.ResultSetNode), len(qcols))
	cols := make([]storage.ColumnMeta, len(qcols))
	seen := map[string]bool{}
	for i, c := range qcols {
		name := names[i]
		if seen[name] {
			return nil, &Error{Code: "42701", Msg: fmt.Sprintf("column %q specified more than once", name),
				Hint: "name the query's columns apart (... AS name)"}
		}
		seen[name] = true
		var typ storage.ColumnType
		switch id := c.Type.ID(); {
		case i == timeAt && id == arrow.TIMESTAMP && c.PGType == 1082:
			return nil, &Error{Code: CodeNotSupported, Msg: fmt.Sprintf("column %q: a date as the rows' time", name),
				Hint: "cast it to a timestamp (d::timestamp AS " + name + ")"}
		case i == timeAt && id == arrow.TIMESTAMP:
			typ = storage.TypeTime
		case name == storage.TimeColumn:
			return nil, &Error{Code: sql.CodeInvalidTableDefinition, Msg: fmt.Sprintf("column \"time\" is %s: it must be timestamptz, each row's time", exec.SQLTypeName(c.Type))}
		case id == arrow.TIMESTAMP:
			typ = storage.TypeTimestamp
		case id == arrow.DICTIONARY, c.Unknown:
			typ = storage.TypeTag
		case id == arrow.STRING:
			typ = storage.TypeString
			if bare != nil && !bare[i] {
				typ = storage.TypeTag // computed text names a series
			}
		case id == arrow.INT64:
			typ = storage.TypeInt
		case id == arrow.UINT64:
			typ = storage.TypeUint
		case id == arrow.FLOAT64:
			typ = storage.TypeFloat
		case id == arrow.BOOL:
			typ = storage.TypeBool
		default:
			return nil, &Error{Code: CodeNotSupported, Msg: fmt.Sprintf("column %q: type %s is not supported", name, exec.SQLTypeName(c.Type)),
				Hint: "columns are time (timestamptz), tags (text) and fields (bigint, double precision, numeric, text, boolean, timestamptz): cast it to one"}
		}
		cols[i] = storage.ColumnMeta{Name: name, Type: typ, SQLType: resultDeclared(c, typ)}
	}
	return cols, nil
}
