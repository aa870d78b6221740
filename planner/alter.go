package planner

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// ALTER TABLE's RENAME TO, RENAME COLUMN and DROP COLUMN. Storage makes
// each one catalog commit (the files keep the names they were written
// with). A view keeps its query as written, so the views that read what
// changes are refused (rename) or dropped with CASCADE (drop), where
// PostgreSQL, which keeps a view's query bound to the columns themselves,
// would follow the rename.

// renameTable runs ALTER TABLE t RENAME TO name.
func (p *Planner) renameTable(ctx context.Context, sess *Session, table, to string) (DDLResult, error) {
	if to == table {
		return DDLResult{}, &Error{Code: "42P07", Msg: fmt.Sprintf("relation %q already exists", to)}
	}
	if p.relationNames(sess.Database)[to] { // a table's, a view's or a key's
		return DDLResult{}, &Error{Code: "42P07", Msg: fmt.Sprintf("relation %q already exists", to)}
	}
	if isCatalogTable(to) {
		return DDLResult{}, &Error{Code: "42P07", Msg: fmt.Sprintf("relation %q already exists", to),
			Hint: fmt.Sprintf("%s is a system catalog's name, which would hide the table from queries", to)}
	}
	if views := p.viewsReading(sess.Database, table, ""); len(views) > 0 {
		return DDLResult{}, viewsKeepNames(fmt.Sprintf("cannot rename table %q", table), views,
			fmt.Sprintf("rename the table, then create the views again over %s", to))
	}
	if err := p.Engine.RenameTable(ctx, sess.Database, table, to); err != nil {
		return DDLResult{}, err
	}
	return DDLResult{Tables: 1}, nil
}

// renameColumn runs ALTER TABLE t RENAME [COLUMN] c TO name.
func (p *Planner) renameColumn(ctx context.Context, sess *Session, table string, rc sql.ColumnRename) (DDLResult, error) {
	schema, err := p.Engine.TableSchema(sess.Database, table)
	if err != nil {
		return DDLResult{}, err
	}
	schema = shownColumns(schema, p.timeName(sess.Database, table))
	has := func(name string) bool {
		return slices.ContainsFunc(schema, func(c storage.ColumnMeta) bool { return c.Name == name })
	}
	isTime := slices.ContainsFunc(schema, func(c storage.ColumnMeta) bool { return c.Name == rc.From && c.Type == storage.TypeTime })
	switch {
	case !has(rc.From):
		return DDLResult{}, &Error{Code: CodeUndefinedColumn, Msg: fmt.Sprintf("column %q does not exist", rc.From)}
	case has(rc.To):
		return DDLResult{}, &Error{Code: "42701", Msg: fmt.Sprintf("column %q of relation %q already exists", rc.To, table)}
	case rc.To == storage.TimeColumn && !isTime:
		// Storage names the time column time, whatever it is shown as.
		return DDLResult{}, &Error{Code: CodeNotSupported, Msg: fmt.Sprintf("cannot rename column %q of table %q to time: the name is kept for the table's time column", rc.From, table),
			Hint: "name it otherwise"}
	}
	if views := p.viewsReading(sess.Database, table, rc.From); len(views) > 0 {
		return DDLResult{}, viewsKeepNames(fmt.Sprintf("cannot rename column %q of table %q", rc.From, table), views,
			fmt.Sprintf("rename the column, then create the views again with %s", rc.To))
	}
	if err := p.Engine.RenameColumn(ctx, sess.Database, table, rc.From, rc.To); err != nil {
		return DDLResult{}, err
	}
	// The compression settings naming it follow, as in TimescaleDB.
	if err := p.renameInSettings(ctx, sess.Database, table, rc.From, rc.To); err != nil {
		return DDLResult{}, err
	}
	return DDLResult{Tables: 1}, nil
}

// viewsKeepNames is the error of a rename that views would not follow.
func viewsKeepNames(what string, views []string, then string) *Error {
	who := "view " + views[0] + " reads it"
	if len(views) > 1 {
		who = "views " + strings.Join(views, ", ") + " read it"
	}
	return &Error{Code: CodeNotSupported, Msg: what + ": " + who,
		Hint: "Strata keeps a view's query as written, so it would not follow the rename: drop the views, " + then}
}

// columnDrops checks ALTER TABLE's DROP COLUMN actions against the table's
// columns: the columns to drop (each once), the notices of IF EXISTS
// skips, and the views to drop first (with CASCADE; without, the views
// that read a dropped column are PostgreSQL's 2BP01).
func (p *Planner) columnDrops(sess *Session, table string, schema []storage.ColumnMeta, drops []sql.ColumnDrop, cascade bool) (cols, views []string, notices []Notice, err error) {
	for _, d := range drops {
		at := slices.IndexFunc(schema, func(c storage.ColumnMeta) bool { return c.Name == d.Column })
		switch {
		case at < 0 || slices.Contains(cols, d.Column):
			if d.IfExists && !slices.Contains(cols, d.Column) {
				notices = append(notices, skipNotice("00000", "column %q of relation %q does not exist", d.Column, table))
				continue
			}
			return nil, nil, nil, &Error{Code: CodeUndefinedColumn, Msg: fmt.Sprintf("column %q of relation %q does not exist", d.Column, table)}
		case schema[at].Type == storage.TypeTime:
			// TimescaleDB's answer for a hypertable's time column.
			return nil, nil, nil, &Error{Code: "42P16", Msg: "cannot drop column named in partition key",
				Detail: "Cannot drop column that is a hypertable partitioning (space or time) dimension."}
		case schema[at].Type == storage.TypeTag:
			return nil, nil, nil, &Error{Code: CodeNotSupported, Msg: fmt.Sprintf("cannot drop column %q of table %q: it is a tag, part of the key that tells rows apart", d.Column, table),
				Detail: fmt.Sprintf("Rows that differ only in %s would become one.", d.Column),
				Hint:   fmt.Sprintf("to merge those rows, copy the table without it (CREATE TABLE %[1]s_new AS SELECT the other columns FROM %[1]s), then DROP TABLE %[1]s and ALTER TABLE %[1]s_new RENAME TO %[1]s", table)}
		case p.inSettings(sess.Database, table, d.Column):
			return nil, nil, nil, &Error{Code: CodeNotSupported, Msg: "cannot drop orderby or segmentby column from a hypertable with compression enabled",
				Hint: fmt.Sprintf("take %q out of the table's compression settings first: ALTER TABLE %s RESET (timescaledb.compress_segmentby, timescaledb.compress_orderby)", d.Column, quoteIdentifier(table))}
		}
		cols = append(cols, d.Column)
	}
	var direct []string
	for _, c := range cols {
		for _, v := range p.viewsReading(sess.Database, table, c) {
			if !cascade {
				return nil, nil, nil, &Error{Code: "2BP01", Msg: fmt.Sprintf("cannot drop column %s of table %s because other objects depend on it", c, table),
					Detail: fmt.Sprintf("%s %s depends on column %s of table %s", p.relationKind(sess.Database, v), v, c, table),
					Hint:   "Use DROP ... CASCADE to drop the dependent objects too."}
			}
			if !slices.Contains(direct, v) {
				direct = append(direct, v)
			}
		}
	}
	if len(direct) == 0 {
		return cols, nil, notices, nil
	}
	more, _, err := p.dependentViews(sess.Database, direct, true)
	if err != nil {
		return nil, nil, nil, err
	}
	views = append(more, direct...) // each before those it reads
	lines := make([]string, len(views))
	for i, v := range views { // listed as PostgreSQL finds them: each after what it reads
		lines[len(views)-1-i] = "drop cascades to " + p.relationKind(sess.Database, v) + " " + v
	}
	n := Notice{Severity: "NOTICE", Code: "00000", Msg: lines[0]}
	if len(views) > 1 {
		n.Msg, n.Detail = fmt.Sprintf("drop cascades to %d other objects", len(views)), strings.Join(lines, "\n")
	}
	return cols, views, append(notices, n), nil
}

// relationKind names what name is: a view, a materialized view or a
// table.
func (p *Planner) relationKind(db, name string) string {
	if _, ok := p.plainViewOf(db, name); ok {
		return "view"
	}
	if _, ok := p.viewOf(db, name); ok {
		return "materialized view"
	}
	return "table"
}

// viewsReading are the views (plain or materialized, sorted by name) whose
// query reads table and, when column is set, may read that column of it:
// names it or selects *. Names are not resolved to their tables here, so a
// view that names another table's column of that name counts too.
func (p *Planner) viewsReading(db, table, column string) []string {
	var out []string
	check := func(name, query string) {
		if slices.Contains(querySources(query), table) && (column == "" || queryMayRead(query, column)) {
			out = append(out, name)
		}
	}
	for _, d := range p.Engine.Databases() {
		if d.Name != db {
			continue
		}
		for _, t := range d.Tables {
			if def, ok := p.viewOf(db, t); ok {
				check(t, def.Query)
			}
		}
	}
	for _, v := range p.Engine.PlainViews(db) {
		check(v.Name, v.Query)
	}
	slices.Sort(out)
	return out
}

// queryMayRead reports whether a query names column or selects *
// (unparsable: true, the cautious answer).
func queryMayRead(query, column string) bool {
	stmts, err := sql.Parse(query)
	if err != nil || len(stmts) != 1 || stmts[0].AST == nil {
		return true
	}
	f := &astFinder{into: true, match: func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ColumnName:
			return n.Name.O == column
		case *ast.WildCardField:
			return true
		}
		return false
	}}
	stmts[0].AST.Accept(f)
	return f.found
}
