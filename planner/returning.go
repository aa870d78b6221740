package planner

import (
	"context"
	"fmt"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// INSERT ... RETURNING answers the rows an INSERT wrote (those ON CONFLICT
// DO NOTHING skipped are not; those DO UPDATE changed are, with their new
// values), read back as stored once the write is durable, with its
// RETURNING list computed over them as a select list over the table (or
// its alias): RETURNING *, RETURNING time, usage * 2 AS double. ORMs send
// it when they create a row. UPDATE and DELETE ... RETURNING are not done.

// InsertReturning runs an INSERT with a RETURNING list: how many rows it
// wrote, and the plan and operator of its answer.
func (p *Planner) InsertReturning(ctx context.Context, sess *Session, stmt *sql.Statement, params []any) (int64, *Query, exec.Operator, error) {
	table, alias, cols, _, err := p.returningTable(sess, stmt)
	if err != nil {
		return 0, nil, nil, err
	}
	if _, err := p.returningPlan(ctx, sess, stmt, alias, &Values{Cols: cols}); err != nil {
		return 0, nil, nil, err // before anything is written
	}
	var written *storage.TableBatch
	n, err := p.insertWith(ctx, sess, stmt, [][]any{params}, insertWrite{written: func(b *storage.TableBatch) { written = b }})
	if err != nil {
		return 0, nil, nil, err
	}
	// The columns as the write left them (it may have added some).
	_, _, cols, stored, err := p.returningTable(sess, stmt)
	if err != nil {
		return 0, nil, nil, err
	}
	values := &Values{Cols: cols}
	if written != nil && written.Rows > 0 {
		var tags, names []string
		for _, c := range stored {
			if c.Type == storage.TypeTag {
				tags = append(tags, c.Name)
			}
			names = append(names, c.Name)
		}
		rows, err := p.storedRows(ctx, sess.Database, table, written, tags, names)
		if err != nil {
			return 0, nil, nil, err
		}
		for _, key := range batchKeys(written, tags) {
			vals, ok := rows[key]
			if !ok {
				continue // deleted meanwhile
			}
			row := make([]exec.Expr, len(cols))
			for j, c := range cols {
				row[j] = &exec.Literal{V: vals[j], DT: c.Type}
			}
			values.Rows = append(values.Rows, row)
		}
	}
	q, err := p.returningPlan(ctx, sess, stmt, alias, values)
	if err != nil {
		return 0, nil, nil, err
	}
	op, c, err := p.Open(sess, q)
	if err != nil {
		return 0, nil, nil, err
	}
	c.Context = ctx
	return n, q, op, nil
}

// returningTable is the stored table an INSERT ... RETURNING writes, the
// name its RETURNING list reads it by, and its columns as the list sees
// them (tags as text). The table must exist: its columns are the answer's.
func (p *Planner) returningTable(sess *Session, stmt *sql.Statement) (table, alias string, cols []Column, stored []storage.ColumnMeta, err error) {
	if stmt.Kind != sql.Insert {
		e := notSupported(stmt.Kind.Verb() + " ... RETURNING")
		e.Hint = "SELECT the rows first, then " + stmt.Kind.Verb() + " them"
		return "", "", nil, nil, e
	}
	ins, ok := stmt.AST.(*ast.InsertStmt)
	name, named := insertTable(ins)
	if !ok || !named {
		return "", "", nil, nil, errorf(CodeSyntax, "INSERT needs a table name")
	}
	table = name.Name.O
	stored, err = p.Engine.TableSchema(sess.Database, table)
	if err != nil {
		e := errorf(CodeUndefinedTable, "relation %q does not exist", table)
		e.Hint = "INSERT ... RETURNING writes an existing table: create it first (CREATE TABLE, or a write without RETURNING)"
		return "", "", nil, nil, e
	}
	for _, c := range stored {
		dt := storage.ArrowType(c.Type)
		if c.Type == storage.TypeTag {
			dt = exec.TypeText
		}
		cols = append(cols, Column{Name: c.Name, Type: dt})
	}
	alias = table
	if stmt.InsertAlias != "" {
		alias = stmt.InsertAlias
	}
	return table, alias, cols, stored, nil
}

// returningPlan plans the RETURNING list of stmt over rows, the table's
// rows written, named alias.
func (p *Planner) returningPlan(ctx context.Context, sess *Session, stmt *sql.Statement, alias string, rows *Values) (*Query, error) {
	sel, ok := stmt.Returning.AST.(*ast.SelectStmt)
	if !ok {
		return nil, errorf(CodeSyntax, "RETURNING is not a select list")
	}
	var bad error
	for _, f := range sel.Fields.Fields {
		if f.Expr == nil {
			continue
		}
		f.Expr.Accept(&astFinder{match: func(n ast.Node) bool {
			switch n.(type) {
			case *ast.AggregateFuncExpr:
				bad = &Error{Code: "42803", Msg: "aggregate functions are not allowed in RETURNING"}
			case *ast.WindowFuncExpr:
				bad = &Error{Code: "42P20", Msg: "window functions are not allowed in RETURNING"}
			}
			return bad != nil
		}})
	}
	if bad != nil {
		return nil, bad
	}
	over := *sel
	over.From = &ast.TableRefsClause{TableRefs: &ast.Join{Left: &ast.TableSource{Source: &ast.TableName{Name: ast.NewCIStr(alias)}}}}
	b := newBinder(ctx, p, sess, stmt.Returning, nil)
	b.ctes = []map[string]Node{{alias: rows}}
	node, err := b.bindQuery(&over)
	if err != nil {
		e := AsError(err)
		if e.Detail == "" {
			e.Detail = fmt.Sprintf("in RETURNING %s", stmt.Returning.Text)
		}
		return nil, e
	}
	node = Optimize(node)
	if err := deferredFoldError(node); err != nil {
		return nil, err
	}
	return &Query{Plan: node, Cols: node.Columns()}, nil
}

// DescribeReturning is the columns an INSERT ... RETURNING answers.
func (p *Planner) describeReturning(ctx context.Context, sess *Session, stmt *sql.Statement) ([]Column, error) {
	_, alias, cols, _, err := p.returningTable(sess, stmt)
	if err != nil {
		return nil, err
	}
	q, err := p.returningPlan(ctx, sess, stmt, alias, &Values{Cols: cols})
	if err != nil {
		return nil, err
	}
	return q.Cols, nil
}
