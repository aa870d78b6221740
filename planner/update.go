package planner

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// Update runs UPDATE table [[AS] alias] SET field = value, ... [WHERE
// condition] and returns the number of rows its condition picked. It
// rewrites the days the condition's time comparisons reach, as DELETE does
// (storage.Engine.Update): each picked row gets the values, computed from
// the row as it stands (SET v = v * 2), converted to the column's type as
// PostgreSQL's assignment does. A tag may be set, as long as no two rows
// end with the same time and tags (23505, as PostgreSQL's primary key on
// them would refuse); time, which places a row, is not: DELETE and INSERT
// the row to change it.
func (p *Planner) Update(ctx context.Context, sess *Session, stmt *sql.Statement, params []any) (int64, error) {
	if stmt.Returning != nil {
		// Its rows are not wanted here, only their count.
		n, _, op, err := p.ChangeReturning(ctx, sess, stmt, params)
		if op != nil {
			op.Close()
		}
		return n, err
	}
	n, err := p.update(ctx, sess, stmt, params, nil)
	return n, finishError(stmt, err)
}

// assignment is one SET of an UPDATE: the column's place and its new
// value, CASE WHEN condition THEN value ELSE column END, kept within the
// column's declared type.
type assignment struct {
	col   int
	value exec.Expr
	decl  storage.Declared
	// tag: the column is a tag, whose values are stored dictionary encoded.
	tag bool
}

// update runs an UPDATE; capture, when set, is given each batch of rows
// changed, with their new values, and which of them changed.
func (p *Planner) update(ctx context.Context, sess *Session, stmt *sql.Statement, params []any, capture func(rec arrow.Record, picked []bool)) (int64, error) {
	b := newBinder(ctx, p, sess, stmt, params)
	table, pred, sets, err := b.bindUpdate()
	if err != nil {
		return 0, err
	}
	tr := b.rewriteRange(pred)
	if tr.Empty() {
		return 0, nil
	}
	ec := p.execCtx(ctx, sess)
	notNull := storage.NotNullColumns(p.tableSchema(sess.Database, table))
	update := func(rec arrow.Record) (arrow.Record, int64, error) {
		m, n, err := picked(ec, pred, rec)
		if err != nil {
			return nil, 0, err
		}
		if n == 0 {
			rec.Retain()
			return rec, 0, nil
		}
		cols := slices.Clone(rec.Columns())
		var made []arrow.Array
		defer func() {
			for _, a := range made {
				a.Release()
			}
		}()
		for _, s := range sets {
			a, err := s.value.Eval(ec, rec)
			if err != nil {
				return nil, 0, AsError(err)
			}
			made = append(made, a)
			if s.decl.OID != 0 {
				out, changed, err := checkDeclaredArray(ec, s.decl, rec.Schema().Field(s.col).Name, a)
				if err != nil {
					return nil, 0, err
				}
				if changed {
					made = append(made, out)
					a = out
				}
			}
			if s.tag {
				if a, err = storage.TagArray(a, ec.Mem); err != nil {
					return nil, 0, AsError(err)
				}
				made = append(made, a)
			}
			cols[s.col] = a
		}
		out := array.NewRecord(rec.Schema(), cols, rec.NumRows())
		if err := p.updatedNotNull(sess, table, notNull, sets, out); err != nil {
			out.Release()
			return nil, 0, err
		}
		if capture != nil {
			capture(out, m)
		}
		return out, n, nil
	}
	n, err := p.Engine.Update(ctx, sess.Database, table, tr, update)
	var se *storage.Error
	if key, ok := p.Engine.Key(sess.Database, table); ok && asStorage(err, &se) && se.Code == storage.CodeDuplicateKey {
		// PostgreSQL's unique_violation, naming the key two rows would share.
		e := uniqueViolation(table, key.Name)
		if se.Row != nil {
			e = p.keyViolation(sess, table, rowNamed(se.Row))
		} else {
			e.Detail = strings.TrimPrefix(se.Msg, "duplicate key value: ")
		}
		e.Hint = se.Hint
		return n, e
	}
	return n, err
}

// updatedNotNull refuses out, rows of table as an UPDATE leaves them, when
// one of the columns it sets is NOT NULL (notNull) and NULL in a row: 23502
// naming the first such row (as storage.Engine.Update would refuse it,
// without the row's values).
func (p *Planner) updatedNotNull(sess *Session, table string, notNull []string, sets []assignment, out arrow.Record) error {
	for _, s := range sets {
		a := out.Column(s.col)
		name := out.Schema().Field(s.col).Name
		if a.NullN() == 0 || !slices.Contains(notNull, name) {
			continue
		}
		for r := range a.Len() {
			if a.IsNull(r) {
				return p.nullValueError(sess, table, name, rowOfRecord(out, r))
			}
		}
	}
	return nil
}

// bindUpdate binds an UPDATE: its table, its condition and its SET list.
func (b *binder) bindUpdate() (string, exec.Expr, []assignment, error) {
	up, ok := b.stmt.AST.(*ast.UpdateStmt)
	if !ok {
		return "", nil, nil, errorf(CodeSyntax, "not an UPDATE statement")
	}
	switch {
	case up.Order != nil:
		return "", nil, nil, errorf(CodeSyntax, "syntax error at or near \"ORDER\"")
	case up.Limit != nil:
		return "", nil, nil, errorf(CodeSyntax, "syntax error at or near \"LIMIT\"")
	case up.With != nil:
		return "", nil, nil, notSupported("WITH ... UPDATE")
	}
	table, s, pred, err := b.bindRewrite("UPDATE", up.TableRefs, up.Where)
	if err != nil {
		return "", nil, nil, err
	}
	var sets []assignment
	timeName := b.p.timeName(b.sess.Database, table)
	for _, a := range up.List {
		name := a.Column.Name.L
		stored := storedName(name, timeName)
		j := slices.IndexFunc(b.deleteCols, func(c Column) bool { return c.Name == stored })
		if j < 0 {
			return "", nil, nil, errorf(CodeUndefinedColumn, "column %q of relation %q does not exist", name, table)
		}
		col := b.deleteCols[j]
		tag := col.Type.ID() == arrow.DICTIONARY
		if stored == storage.TimeColumn {
			e := notSupported(fmt.Sprintf("UPDATE of %s, which with the other tags and time names a row,", name))
			e.Hint = "DELETE the rows and INSERT them with the new " + name
			return "", nil, nil, e
		}
		if slices.ContainsFunc(sets, func(s assignment) bool { return s.col == j }) {
			return "", nil, nil, errorf(CodeSyntax, "multiple assignments to same column %q", name)
		}
		var v exec.Expr = &exec.Literal{V: nil, DT: col.Type}
		expr := a.Expr
		if _, isDefault := a.Expr.(*ast.DefaultExpr); isDefault {
			expr = nil // NULL, or the column's default
			if text := b.columnDefault(table, name); text != "" {
				if expr, err = defaultAST(text); err != nil {
					return "", nil, nil, err
				}
			}
		}
		if expr != nil {
			// Not bindExpr: a quoted literal or $n stays open to be read
			// as the column's type.
			x, err := b.bindNode(s, expr, nil)
			if err != nil {
				return "", nil, nil, err
			}
			if err := b.rowOnly(s, x, "UPDATE"); err != nil {
				return "", nil, nil, err
			}
			if x, err = b.intValue(x, b.isNumeric(s, expr, x), col.Type, b.deleteDeclared[j].OID); err != nil {
				return "", nil, nil, err
			}
			target := col
			if tag {
				target.Type = arrow.BinaryTypes.String // a tag's text, encoded as it is stored (storage.TagArray)
			}
			if v, err = b.assignTo(x, (&selectBinder{b: b, in: s}).pgTypeOf(expr, x), target); err != nil {
				return "", nil, nil, err
			}
		}
		current := &exec.Column{Index: j, Name: name, DT: col.Type}
		sets = append(sets, assignment{col: j, value: &exec.Case{Whens: []exec.Expr{pred}, Thens: []exec.Expr{v}, Else: current, DT: col.Type},
			decl: b.deleteDeclared[j], tag: tag})
	}
	return table, pred, sets, nil
}

// assignTo converts x, of PostgreSQL type pg (0: its engine type's), to
// the type of column col as PostgreSQL's assignment does: numbers into
// numbers (rounded into integers), anything into text, a quoted literal or
// a $n read as the column's type, and times between the kinds (an instant
// into a timestamp without time zone is what the session zone's clocks
// read then).
func (b *binder) assignTo(x exec.Expr, pg uint32, col Column) (exec.Expr, error) {
	have, want := x.Type(), col.Type
	if u, ok := x.(*unknownLit); ok && u.param > 0 && b.ppg != nil && b.ptypes[u.param-1] == nil && b.ppg[u.param-1] == 0 {
		b.ppg[u.param-1] = col.PGType // SET n = $1: Describe reports the column's declared type (int4, date, ...)
	}
	if want.ID() == arrow.TIMESTAMP {
		to := timeKindOf(col.PGType)
		if to == 1082 {
			to = 1114 // a date column holds its day's reading (storage.Declared.Time truncates it)
		}
		if y, ok, err := b.quotedReading(x); ok && to == 1114 {
			return y, err
		}
		if have.ID() == arrow.TIMESTAMP {
			y, err := b.convertTime(x, timeKindOf(pg), to)
			if err != nil {
				return nil, err
			}
			return b.fold(y)
		}
	}
	number := func(t arrow.DataType) bool {
		return t.ID() == arrow.INT64 || t.ID() == arrow.UINT64 || t.ID() == arrow.FLOAT64
	}
	_, unknown := x.(*unknownLit)
	if !unknown && !sameType(have, want) && have.ID() != arrow.NULL && (number(have) && number(want) || exec.IsText(want)) {
		return b.fold(&exec.Cast{X: x, To: want})
	}
	v, err := b.coerce(x, want)
	if err != nil && unknown {
		return nil, err // the literal's own error: invalid input syntax for type bigint: "x"
	}
	if err != nil {
		e := errorf(CodeDatatype, "column %q is of type %s but expression is of type %s", col.Name, exec.SQLTypeName(want), exec.SQLTypeName(have))
		e.Hint = "You will need to rewrite or cast the expression."
		return nil, e
	}
	return b.fold(v)
}
