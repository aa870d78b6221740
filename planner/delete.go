package planner

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// Delete runs DELETE FROM table [[AS] alias] [WHERE condition] and returns
// the number of rows it removed. The condition is bound against the
// table's columns and evaluated, in storage's rewrite of each partition it
// may touch (storage.Engine.Delete), on the rows as they stand: a row
// whose condition is NULL stays, as in PostgreSQL. Its comparisons of time
// with constants choose the partitions and files read, so DELETE ... WHERE
// time < '...' rewrites only the days it reaches. Subqueries that do not
// name the table's row run once first (x IN (SELECT ...)); one that does
// is refused.
func (p *Planner) Delete(ctx context.Context, sess *Session, stmt *sql.Statement, params []any) (int64, error) {
	if stmt.Returning != nil {
		// Its rows are not wanted here, only their count.
		n, _, op, err := p.ChangeReturning(ctx, sess, stmt, params)
		if op != nil {
			op.Close()
		}
		return n, err
	}
	n, err := p.delete(ctx, sess, stmt, params, nil)
	return n, finishError(stmt, err)
}

// delete runs a DELETE; capture, when set, is given each batch of rows
// looked at and which of them are deleted.
func (p *Planner) delete(ctx context.Context, sess *Session, stmt *sql.Statement, params []any, capture func(rec arrow.Record, picked []bool)) (int64, error) {
	b := newBinder(ctx, p, sess, stmt, params)
	table, pred, err := b.bindDelete()
	if err != nil {
		return 0, err
	}
	tr := b.rewriteRange(pred)
	if tr.Empty() {
		return 0, nil
	}
	ec := p.execCtx(ctx, sess)
	match := func(rec arrow.Record) ([]bool, error) {
		m, _, err := picked(ec, pred, rec)
		if err == nil && capture != nil {
			capture(rec, m)
		}
		return m, err
	}
	return p.Engine.Delete(ctx, sess.Database, table, tr, match)
}

// picked evaluates a DELETE's or UPDATE's condition over rec: the rows it
// is true for (NULL is not) and how many.
func picked(ec *exec.Ctx, pred exec.Expr, rec arrow.Record) ([]bool, int64, error) {
	out, err := pred.Eval(ec, rec)
	if err != nil {
		return nil, 0, AsError(err)
	}
	defer out.Release()
	m := make([]bool, rec.NumRows())
	var n int64
	switch a := out.(type) {
	case *array.Boolean:
		for i := range m {
			if m[i] = a.IsValid(i) && a.Value(i); m[i] {
				n++
			}
		}
	case *array.Null:
	default:
		return nil, 0, fmt.Errorf("condition gave %s, not boolean", out.DataType())
	}
	return m, n, nil
}

// rewriteParamTypes are the types a DELETE or UPDATE, bound by bind,
// gives its $n (none known when it does not bind).
func (p *Planner) rewriteParamTypes(ctx context.Context, sess *Session, stmt *sql.Statement, bind func(b *binder) error) []ParamType {
	b := newBinder(ctx, p, sess, stmt, make([]any, stmt.NumParams))
	b.describe = true
	b.ptypes = make([]arrow.DataType, stmt.NumParams)
	b.ppg = make([]uint32, stmt.NumParams)
	out := make([]ParamType, stmt.NumParams)
	if bind(b) == nil {
		for i := range out {
			out[i] = ParamType{Type: b.ptypes[i], PGType: b.ppg[i]}
		}
	}
	return out
}

// rewriteRange is the time range pred's comparisons of time with constants
// allow, for storage to rewrite only the days in it.
func (b *binder) rewriteRange(pred exec.Expr) storage.TimeRange {
	tr := storage.AllTime()
	for _, c := range conjuncts(pred) {
		narrowTimeRange(&tr, c, func(i int) bool { return b.deleteCols[i].Name == storage.TimeColumn })
	}
	return tr
}

// bindDelete binds a DELETE: the table it names and its condition over the
// table's columns in order (b.deleteCols), folded; true without WHERE.
func (b *binder) bindDelete() (string, exec.Expr, error) {
	del, ok := b.stmt.AST.(*ast.DeleteStmt)
	if !ok {
		return "", nil, errorf(CodeSyntax, "not a DELETE statement")
	}
	switch {
	case del.Order != nil:
		return "", nil, errorf(CodeSyntax, "syntax error at or near \"ORDER\"")
	case del.Limit != nil:
		return "", nil, errorf(CodeSyntax, "syntax error at or near \"LIMIT\"")
	case del.With != nil:
		return "", nil, notSupported("WITH ... DELETE")
	}
	table, _, pred, err := b.bindRewrite("DELETE", del.TableRefs, del.Where)
	return table, pred, err
}

// bindRewrite binds what DELETE and UPDATE (verb) share: the stored table
// refs names, as a scope whose columns are the table's in order (the rows
// storage passes; b.deleteCols), and the WHERE condition over them, folded
// (true without one).
func (b *binder) bindRewrite(verb string, refs *ast.TableRefsClause, where ast.ExprNode) (string, *scope, exec.Expr, error) {
	stmt, sess, p := b.stmt, b.sess, b.p
	var ts *ast.TableSource
	if refs != nil && refs.TableRefs != nil && refs.TableRefs.Right == nil {
		ts, _ = refs.TableRefs.Left.(*ast.TableSource)
	}
	var name *ast.TableName
	if ts != nil {
		name, _ = ts.Source.(*ast.TableName)
	}
	if name == nil {
		return "", nil, nil, errorf(CodeSyntax, "%s needs a table name", verb)
	}
	table := name.Name.O
	if err := p.writableTable(sess, stmt, verb, name.Schema.O, table, false); err != nil {
		return "", nil, nil, err
	}
	cols, err := p.tableColumns(sess.Database, table)
	if err != nil {
		return "", nil, nil, err
	}
	alias := ts.AsName.O
	if alias == "" {
		alias = table
	}
	scan := &Scan{DB: sess.Database, Table: table, Alias: alias, Range: storage.AllTime()}
	s := &scope{node: scan}
	timeName := p.timeName(sess.Database, table)
	for i, c := range cols {
		typ, d := storage.ArrowType(c.Type), declaredOf(c)
		pg, scale := narrowPG(d.OID, typ), declaredScale(d)
		scan.Cols = append(scan.Cols, Column{Name: c.Name, Type: typ, Table: alias, PGType: pg, Scale: scale})
		sc := &scopeCol{table: alias, name: c.Name, typ: typ, index: i, scan: scan, pg: pg, scale: scale, dateReading: d.OID == storage.OIDDate,
			typmod1: d.Typmod() + 1, pad: declaredPad(d)}
		if c.Type == storage.TypeTime && !sess.Influx {
			sc.name = timeName // time_name.go; scan.Cols keep storage's name
		}
		s.cols = append(s.cols, sc)
		b.deleteDeclared = append(b.deleteDeclared, d)
	}
	b.deleteCols = scan.Cols
	var pred exec.Expr = &exec.Literal{V: true, DT: exec.TypeBool}
	if where != nil {
		if pred, err = b.bindBool(s, where, "WHERE"); err != nil {
			return "", nil, nil, err
		}
		if err := b.rowOnly(s, pred, verb); err != nil {
			return "", nil, nil, err
		}
		if pred, err = b.fold(pred); err != nil {
			return "", nil, nil, err
		}
	}
	return table, s, pred, nil
}

// rowOnly refuses an expression of a DELETE or UPDATE with a subquery that
// reads the row: it would run while the partitions are rewritten, and see
// the rows of those done before as rewritten.
func (b *binder) rowOnly(s *scope, x exec.Expr, verb string) error {
	scan, ok := s.node.(*Scan) // a decorrelated subquery joins the scan
	correlated := anyExpr(x, func(x exec.Expr) bool { _, ok := x.(*applyExpr); return ok })
	if !ok || correlated || len(scan.Cols) != len(b.deleteCols) {
		e := notSupported("a subquery of " + verb + " that reads the row")
		e.Hint = "name the rows with an uncorrelated subquery: " + verb + map[string]string{"DELETE": " FROM", "UPDATE": ""}[verb] + " t ... WHERE hostname IN (SELECT hostname FROM t WHERE ...)"
		return e
	}
	return nil
}
