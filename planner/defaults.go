package planner

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// Column defaults: CREATE TABLE ... DEFAULT expr and ALTER TABLE ... ALTER
// COLUMN ... SET DEFAULT keep the expression's text with the column
// (storage.ColumnMeta.Default); an INSERT that leaves the column out, or
// writes DEFAULT, stores its value, and UPDATE ... SET c = DEFAULT too, as
// in PostgreSQL. The expression reads no column; a volatile one (random())
// is computed per row, others once per statement. Line protocol leaves a
// field it does not give NULL, as InfluxDB does.

// defaultAST parses a default's text into its expression, refused with
// PostgreSQL's errors where a default cannot be one.
func defaultAST(text string) (ast.ExprNode, error) {
	stmts, err := sql.Parse("SELECT " + text)
	if err != nil {
		return nil, err
	}
	sel, ok := stmts[0].AST.(*ast.SelectStmt)
	if len(stmts) != 1 || !ok || sel.Fields == nil || len(sel.Fields.Fields) != 1 || sel.From != nil || sel.Fields.Fields[0].Expr == nil {
		return nil, errorf(CodeSyntax, "DEFAULT %s is not one expression", text)
	}
	e := sel.Fields.Fields[0].Expr
	var bad error
	e.Accept(&astFinder{into: true, match: func(n ast.Node) bool {
		switch n.(type) {
		case *ast.ColumnNameExpr:
			bad = &Error{Code: CodeNotSupported, Msg: "cannot use column reference in DEFAULT expression"}
		case *ast.SubqueryExpr, *ast.ExistsSubqueryExpr:
			bad = &Error{Code: CodeNotSupported, Msg: "cannot use subquery in DEFAULT expression"}
		case *ast.AggregateFuncExpr:
			bad = &Error{Code: "42803", Msg: "aggregate functions are not allowed in DEFAULT expressions"}
		case *ast.WindowFuncExpr:
			bad = &Error{Code: "42P20", Msg: "window functions are not allowed in DEFAULT expressions"}
		}
		return bad != nil
	}})
	return e, bad
}

// defaultValues computes a default for n rows, with how its values are
// read into the column (as a VALUES item's).
func (b *binder) defaultValues(text string, n int) ([]any, valueKind, error) {
	e, err := defaultAST(text)
	if err != nil {
		return nil, 0, err
	}
	x, err := b.bindExpr(&scope{}, e)
	if err != nil {
		return nil, 0, err
	}
	kind := b.valueKindOf(e, x)
	out := make([]any, n)
	if !hasVolatile(x) {
		v, err := constantValue(b.ctx, x)
		if err != nil {
			return nil, 0, err
		}
		for i := range out {
			out[i] = v
		}
		return out, kind, nil
	}
	rows := array.NewRecord(arrow.NewSchema(nil, nil), nil, int64(n))
	defer rows.Release()
	a, err := settle(x).Eval(b.ctx, rows)
	if err != nil {
		return nil, 0, AsError(err)
	}
	defer a.Release()
	for i := range out {
		if a.IsNull(i) {
			continue
		}
		one := array.NewSlice(a, int64(i), int64(i+1))
		out[i], err = valueAt(one)
		one.Release()
		if err != nil {
			return nil, 0, notSupported("this DEFAULT expression's type")
		}
	}
	return out, kind, nil
}

// checkDefault refuses a default a column of type typ cannot hold: it is
// computed once, and read as the column's type as an INSERT reads it.
func (p *Planner) checkDefault(ctx context.Context, sess *Session, column, text string, typ storage.ColumnType) error {
	b := newBinder(ctx, p, sess, nil, nil)
	vals, kind, err := b.defaultValues(text, 1)
	if err == nil && vals[0] != nil {
		_, err = castValue(b.ctx, vals[0], kind, storage.ArrowType(typ))
	}
	if err != nil {
		e := AsError(err)
		if e.Detail == "" {
			e.Detail = fmt.Sprintf("in the DEFAULT of column %q", column)
		}
		return e
	}
	return nil
}

// fillValue is the value ALTER TABLE ... ADD COLUMN ... DEFAULT text gives
// the rows a table holds (nil: NULL): computed once, as the column's type
// stores it. A volatile default (PostgreSQL computes it per row, rewriting
// the table) and a tag's (part of the rows' key) are refused with what to
// do instead.
func (p *Planner) fillValue(ctx context.Context, sess *Session, table, column, text string, typ storage.ColumnType) (any, error) {
	if typ == storage.TypeTag {
		e := notSupported("ADD COLUMN ... DEFAULT of a tag on a table that holds rows")
		e.Hint = fmt.Sprintf("a tag is part of the key of the rows stored: ADD COLUMN %[1]s, then ALTER COLUMN %[1]s SET DEFAULT for the rows written after", column)
		return nil, e
	}
	b := newBinder(ctx, p, sess, nil, nil)
	e, err := defaultAST(text)
	if err != nil {
		return nil, err
	}
	x, err := b.bindExpr(&scope{}, e)
	if err != nil {
		return nil, err
	}
	if hasVolatile(x) {
		e := notSupported("ADD COLUMN ... DEFAULT of a volatile expression on a table that holds rows")
		e.Hint = fmt.Sprintf("PostgreSQL computes it for each row stored: ADD COLUMN %[1]s, UPDATE %[2]s SET %[1]s = %[3]s, then ALTER COLUMN %[1]s SET DEFAULT %[3]s", column, table, text)
		return nil, e
	}
	v, err := constantValue(b.ctx, x)
	if err != nil || v == nil {
		return nil, err
	}
	kind := b.valueKindOf(e, x)
	v, err = castValue(b.ctx, v, kind, storage.ArrowType(typ))
	if ts, ok := v.(exec.Timestamp); ok {
		return storedInstant(b.ctx, ts, kind), err // storage fills a timestamp with its nanoseconds
	}
	return v, err
}

// addDefaults adds to an INSERT's rows the columns of the table (cols)
// that have a default and that it leaves out, with their defaults'
// values.
func (b *binder) addDefaults(cols []storage.ColumnMeta, names []string, rows [][]any, kinds [][]valueKind, tags []bool) ([]string, [][]any, [][]valueKind, []bool, error) {
	for _, c := range cols {
		if c.Default == "" || slices.Contains(names, c.Name) {
			continue
		}
		vals, kind, err := b.defaultValues(c.Default, len(rows))
		if err != nil {
			e := AsError(err)
			e.Detail = fmt.Sprintf("in the DEFAULT of column %q", c.Name)
			return nil, nil, nil, nil, e
		}
		names = append(slices.Clip(names), c.Name)
		for i := range rows {
			rows[i] = append(slices.Clip(rows[i]), vals[i])
			kinds[i] = append(slices.Clip(kinds[i]), kind)
		}
		if tags != nil {
			tags = append(slices.Clip(tags), false)
		}
	}
	return names, rows, kinds, tags, nil
}

// columnDefault is the default of a stored table's column ("": none).
func (b *binder) columnDefault(table, column string) string {
	cols, err := b.p.Engine.TableSchema(b.sess.Database, table)
	if err != nil {
		return ""
	}
	for _, c := range cols {
		if c.Name == column {
			return c.Default
		}
	}
	return ""
}
