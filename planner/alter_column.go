package planner

import (
	"context"
	"fmt"
	"slices"

	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// ALTER TABLE's ALTER [COLUMN] c TYPE and SET | DROP NOT NULL, which
// migration tools (Django's AlterField, Rails' change_column, Alembic's
// alter_column) emit whenever a model's field changes.
//
// A column's values are stored in its storage type (bigint, double
// precision, text, boolean, timestamptz), so a new type that stores them
// the same way (varchar(n) and text, integer and bigint, real and double
// precision, timestamp and timestamptz) changes nothing and succeeds, its
// USING clause too when that only casts the column to such types
// (Django's "name"::varchar(200)). A type that would convert the values
// is refused with the statements that do it. NOT NULL is kept for time
// only, as CREATE TABLE keeps it: SET NOT NULL checks the rows stored
// (23502 when one is NULL, as PostgreSQL) and notes that it is not
// enforced; DROP NOT NULL of a field changes nothing.

// checkRetype checks ALTER COLUMN r.Column TYPE r.Type [USING r.Using]
// against the table's columns (schema, with this statement's drops and
// adds): nil when the column's values are stored as the new type holds
// them already.
func checkRetype(table string, schema []storage.ColumnMeta, r sql.ColumnRetype) error {
	at := slices.IndexFunc(schema, func(c storage.ColumnMeta) bool { return c.Name == r.Column })
	if at < 0 {
		return &Error{Code: CodeUndefinedColumn, Msg: fmt.Sprintf("column %q of relation %q does not exist", r.Column, table)}
	}
	col := schema[at]
	typ, err := storedTypeOf(sql.ColumnDef{Name: col.Name, Type: r.Type}, col.Type == storage.TypeTag)
	if err != nil {
		return err
	}
	if typ != col.Type {
		what := fmt.Sprintf("ALTER COLUMN %s TYPE %s (its values are stored as %s)", col.Name, r.Type, storedTypeName(col.Type))
		e := notSupported(what)
		switch col.Type {
		case storage.TypeTag:
			e.Hint = "a tag holds text and is part of the key of the rows stored: cast it where it is read (" + col.Name + "::" + r.Type + ")"
		default:
			e.Hint = fmt.Sprintf("the files hold the values in their type: ALTER TABLE %[1]s ADD COLUMN %[2]s_new %[3]s; UPDATE %[1]s SET %[2]s_new = %[2]s::%[3]s; ALTER TABLE %[1]s DROP COLUMN %[2]s; ALTER TABLE %[1]s RENAME COLUMN %[2]s_new TO %[2]s",
				quoteIdentifier(table), col.Name, r.Type)
		}
		return e
	}
	if r.Using != "" && !castsOnly(r.Using, col) {
		e := notSupported(fmt.Sprintf("ALTER COLUMN %s TYPE %s USING %s (an expression that changes the values)", col.Name, r.Type, r.Using))
		e.Hint = fmt.Sprintf("the column's values are already stored as %s holds them: UPDATE %s SET %s = %s changes them", r.Type, quoteIdentifier(table), quoteIdentifier(col.Name), r.Using)
		return e
	}
	return nil
}

// castsOnly reports whether a USING expression is col itself, cast (any
// number of times) only to types that store its values as it is stored.
func castsOnly(using string, col storage.ColumnMeta) bool {
	stmts, err := sql.Parse("SELECT " + using)
	if err != nil || len(stmts) != 1 {
		return false
	}
	sel, ok := stmts[0].AST.(*ast.SelectStmt)
	if !ok || sel.Fields == nil || len(sel.Fields.Fields) != 1 || sel.From != nil {
		return false
	}
	e := sel.Fields.Fields[0].Expr
	for {
		switch x := e.(type) {
		case *ast.ParenthesesExpr:
			e = x.Expr
			continue
		case *ast.ColumnNameExpr:
			return x.Name.Table.L == "" && x.Name.Name.O == col.Name
		case *ast.FuncCallExpr:
			if x.FnName.L != "__pg_cast" || len(x.Args) != 2 {
				return false
			}
			v, ok := x.Args[1].(*driver.ValueExpr)
			if !ok {
				return false
			}
			name, ok := v.GetValue().(string)
			if !ok {
				return false
			}
			typ, err := storedTypeOf(sql.ColumnDef{Name: col.Name, Type: name}, col.Type == storage.TypeTag)
			if err != nil || typ != col.Type {
				return false
			}
			e = x.Args[0]
			continue
		}
		return false
	}
}

// storedTypeName is the SQL type a storage type's values have.
func storedTypeName(t storage.ColumnType) string {
	if t == storage.TypeTag {
		return "text (a tag)"
	}
	return dataTypeName(t)
}

// checkNotNulls checks ALTER COLUMN c SET | DROP NOT NULL before anything
// changes: the column exists; SET finds no NULL among the rows stored
// (PostgreSQL's 23502; a column the statement adds is NULL in them unless
// filled); DROP of time is refused, as TimescaleDB refuses it for a
// hypertable's time column, and of a primary key's column, as PostgreSQL
// refuses it. Storage keeps the constraint
// (storage.Engine.SetColumnNotNull) once every check has passed.
func (p *Planner) checkNotNulls(ctx context.Context, sess *Session, table string, schema []storage.ColumnMeta, changes []sql.ColumnNotNull, hasRows bool, added []storage.ColumnMeta, fills map[string]any) error {
	for _, n := range changes {
		at := slices.IndexFunc(schema, func(c storage.ColumnMeta) bool { return c.Name == n.Column })
		if at < 0 {
			return &Error{Code: CodeUndefinedColumn, Msg: fmt.Sprintf("column %q of relation %q does not exist", n.Column, table)}
		}
		col := schema[at]
		switch {
		case col.Type == storage.TypeTime && !n.Set:
			return &Error{Code: sql.CodeInvalidTableDefinition, Msg: fmt.Sprintf("cannot drop not-null constraint from a time-partitioned column %q", col.Name),
				Hint: "every row has a time: it names the row"}
		case !n.Set && col.Type == storage.TypeTag && p.inPrimaryKey(sess.Database, table, col.Name):
			return &Error{Code: sql.CodeInvalidTableDefinition, Msg: fmt.Sprintf("column %q is in a primary key", col.Name),
				Hint: "drop the key first: ALTER TABLE ... DROP CONSTRAINT"}
		case col.Type == storage.TypeTime || !n.Set || !hasRows:
			continue
		}
		isNew := slices.ContainsFunc(added, func(c storage.ColumnMeta) bool { return c.Name == col.Name })
		null := fills[col.Name] == nil
		if !isNew {
			var err error
			if null, err = p.anyNull(ctx, sess, table, col.Name); err != nil {
				return err
			}
		}
		if null {
			return containsNulls(table, col.Name, isNew)
		}
	}
	return nil
}

// containsNulls is PostgreSQL's 23502 of a NOT NULL given to a column
// whose stored rows hold NULLs: one there is, or one being added to a
// table that has rows.
func containsNulls(table, column string, added bool) *Error {
	t, c := quoteIdentifier(table), quoteIdentifier(column)
	hint := fmt.Sprintf("give the rows a value first: UPDATE %s SET %s = ... WHERE %[2]s IS NULL", t, c)
	if added {
		hint = fmt.Sprintf("the rows stored would hold NULL in it: add it with a DEFAULT they take (ADD COLUMN %s ... NOT NULL DEFAULT ...), or add it without NOT NULL, fill it, then ALTER TABLE %s ALTER COLUMN %[1]s SET NOT NULL", c, t)
	}
	return &Error{Code: "23502", Msg: fmt.Sprintf("column %q of relation %q contains null values", column, table), Hint: hint,
		Schema: "public", Table: table, Column: column}
}

// anyNull reports whether a row of table has column NULL.
func (p *Planner) anyNull(ctx context.Context, sess *Session, table, column string) (bool, error) {
	_, found, err := p.firstValue(ctx, sess, fmt.Sprintf("SELECT 1 FROM %s WHERE %s IS NULL LIMIT 1", quoteIdentifier(table), quoteIdentifier(column)))
	return found, err
}

// firstValue runs query and returns the first column of its first row as
// text, found false when it has none.
func (p *Planner) firstValue(ctx context.Context, sess *Session, query string) (value string, found bool, err error) {
	_, op, err := p.QueryText(ctx, sess, query, nil)
	if err != nil {
		return "", false, err
	}
	defer op.Close()
	for {
		rec, err := op.Next(ctx)
		if err != nil || rec == nil {
			return "", false, err
		}
		if rec.NumRows() > 0 {
			return rec.Column(0).ValueStr(0), true, nil
		}
	}
}
