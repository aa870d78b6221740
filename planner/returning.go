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

// INSERT, UPDATE and DELETE ... RETURNING answer the rows they wrote,
// changed or deleted, with the RETURNING list computed over them as a
// select list over the table (or its alias): RETURNING *, RETURNING time,
// usage * 2 AS double. ORMs send it when they create, change or delete a
// row. An INSERT's rows are read back as stored once the write is durable
// (those ON CONFLICT DO NOTHING skipped are not; those DO UPDATE changed
// are, with their new values); UPDATE's and DELETE's are the rows storage's
// rewrite changed (with their new values) or dropped, each once.

// ChangeReturning runs an INSERT, UPDATE or DELETE with a RETURNING list:
// how many rows it changed, and the plan and operator of its answer.
func (p *Planner) ChangeReturning(ctx context.Context, sess *Session, stmt *sql.Statement, params []any) (int64, *Query, exec.Operator, error) {
	if stmt.Kind == sql.Insert {
		return p.InsertReturning(ctx, sess, stmt, params)
	}
	_, alias, cols, stored, err := p.returningTable(sess, stmt)
	if err != nil {
		return 0, nil, nil, err
	}
	if _, err := p.returningPlan(ctx, sess, stmt, alias, &Values{Cols: cols}); err != nil {
		return 0, nil, nil, err // before anything is changed
	}
	values := &Values{Cols: cols}
	dates := dateColumns(stored)
	capture := func(rec arrow.Record, picked []bool) {
		at := make([]int, len(cols))
		for j := range cols {
			at[j] = -1
			if idx := rec.Schema().FieldIndices(stored[j].Name); len(idx) > 0 { // storage's names: time_name.go
				at[j] = idx[0]
			}
		}
		for i, ok := range picked {
			if !ok {
				continue
			}
			row := make([]exec.Expr, len(cols))
			for j, c := range cols {
				var v any
				if at[j] >= 0 {
					v = returnedValue(sess, dates[j], valueAtRow(rec.Column(at[j]), i))
				}
				row[j] = &exec.Literal{V: v, DT: c.Type}
			}
			values.Rows = append(values.Rows, row)
		}
	}
	var n int64
	if stmt.Kind == sql.Delete {
		n, err = p.delete(ctx, sess, stmt, params, capture)
	} else {
		n, err = p.update(ctx, sess, stmt, params, capture)
	}
	if err != nil {
		return 0, nil, nil, finishError(stmt, err)
	}
	q, op, err := p.openReturning(ctx, sess, stmt, alias, values)
	return n, q, op, err
}

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
		dates := dateColumns(stored)
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
		for _, key := range written.RowKeys(tags) {
			vals, ok := rows[key]
			if !ok {
				continue // deleted meanwhile
			}
			row := make([]exec.Expr, len(cols))
			for j, c := range cols {
				row[j] = &exec.Literal{V: returnedValue(sess, dates[j], vals[j]), DT: c.Type}
			}
			values.Rows = append(values.Rows, row)
		}
	}
	q, op, err := p.openReturning(ctx, sess, stmt, alias, values)
	return n, q, op, err
}

// dateColumns marks the columns declared date.
func dateColumns(cols []storage.ColumnMeta) []bool {
	dates := make([]bool, len(cols))
	for j, c := range cols {
		dates[j] = declaredOf(c).OID == storage.OIDDate
	}
	return dates
}

// returnedValue is a stored value as RETURNING reads it: a declared date's
// (date: its midnight's reading, UTC's) as the engine holds a date, its
// midnight in the session's zone (binder.readValue).
func returnedValue(sess *Session, date bool, v any) any {
	if ts, ok := v.(exec.Timestamp); ok && date {
		return exec.Timestamp(exec.InstantOfReading(int64(ts), sess.Location))
	}
	return v
}

// openReturning plans and opens the RETURNING list of stmt over rows.
func (p *Planner) openReturning(ctx context.Context, sess *Session, stmt *sql.Statement, alias string, rows *Values) (*Query, exec.Operator, error) {
	q, err := p.returningPlan(ctx, sess, stmt, alias, rows)
	if err != nil {
		return nil, nil, err
	}
	op, c, err := p.Open(sess, q)
	if err != nil {
		return nil, nil, err
	}
	c.Context = ctx
	return q, op, nil
}

// returningTable is the stored table an INSERT, UPDATE or DELETE ...
// RETURNING changes, the name its RETURNING list reads it by, and its
// columns as the list sees them (tags as text). The table must exist: its
// columns are the answer's.
func (p *Planner) returningTable(sess *Session, stmt *sql.Statement) (table, alias string, cols []Column, stored []storage.ColumnMeta, err error) {
	var name *ast.TableName
	switch n := stmt.AST.(type) {
	case *ast.InsertStmt:
		name, _ = insertTable(n)
		alias = stmt.InsertAlias
	case *ast.UpdateStmt:
		name, alias = changedTable(n.TableRefs)
	case *ast.DeleteStmt:
		name, alias = changedTable(n.TableRefs)
	}
	if name == nil {
		return "", "", nil, nil, errorf(CodeSyntax, "%s needs a table name", stmt.Kind.Verb())
	}
	table = name.Name.O
	if err := p.writableTable(sess, stmt, stmt.Kind.Verb(), name.Schema.O, table, false); err != nil {
		return "", "", nil, nil, err
	}
	stored, err = p.Engine.TableSchema(sess.Database, table)
	if err != nil {
		e := errorf(CodeUndefinedTable, "relation %q does not exist", table)
		e.Hint = "... RETURNING answers an existing table's rows: create it first (CREATE TABLE, or a write without RETURNING)"
		return "", "", nil, nil, e
	}
	stored = sqlOrder(stored) // RETURNING *'s order
	for _, c := range shownColumns(stored, p.timeName(sess.Database, table)) {
		dt := storage.ArrowType(c.Type)
		if c.Type == storage.TypeTag {
			dt = exec.TypeText
		}
		d := declaredOf(c)
		cols = append(cols, Column{Name: c.Name, Type: dt, PGType: narrowPG(d.OID, dt), Scale: declaredScale(d), TypmodPlus1: d.Typmod() + 1, Pad: declaredPad(d)})
	}
	if alias == "" {
		alias = table
	}
	return table, alias, cols, stored, nil
}

// changedTable is the table an UPDATE or DELETE names and its alias ("":
// none).
func changedTable(refs *ast.TableRefsClause) (*ast.TableName, string) {
	if refs == nil || refs.TableRefs == nil || refs.TableRefs.Right != nil {
		return nil, ""
	}
	ts, ok := refs.TableRefs.Left.(*ast.TableSource)
	if !ok {
		return nil, ""
	}
	name, _ := ts.Source.(*ast.TableName)
	return name, ts.AsName.O
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
	node = padResult(node)
	return &Query{Plan: node, Cols: node.Columns()}, nil
}

// describeReturning is the columns an INSERT, UPDATE or DELETE ...
// RETURNING answers.
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
