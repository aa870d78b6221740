package planner

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// Comments (COMMENT ON) are kept with their object: a table's and a
// materialized view's in its options (storage keeps them and reads none),
// under commentKey, a view's in its definition (storage.PlainView.Comments,
// by column number as a string, "" for the view). They read back as
// PostgreSQL's do: pg_description rows, obj_description, col_description
// (psql's \d+ and \dt+, DBeaver's navigator).

// commentKey is a table option naming the comment on the table (num 0)
// or on its column numbered num (attnum: a column keeps it when renamed).
func commentKey(num int) string {
	if num == 0 {
		return "comment"
	}
	return "comment." + strconv.Itoa(num)
}

// comment runs COMMENT ON {TABLE | VIEW | MATERIALIZED VIEW | COLUMN}
// name IS 'text' | NULL; an empty text removes the comment too, as in
// PostgreSQL.
func (p *Planner) comment(ctx context.Context, sess *Session, stmt *sql.Statement) (DDLResult, error) {
	co := stmt.Comment
	text := ""
	if co.Text != nil {
		text = *co.Text
	}
	ref := co.Table
	if err := crossDatabase(sess, ref); err != nil {
		return DDLResult{}, err
	}
	switch schema := ref.Schema; schemaOfTable(schema, ref.Name) {
	case inCatalogs:
		return DDLResult{}, &Error{Code: "42501", Msg: fmt.Sprintf("permission denied: %q is a system catalog", ref.Name),
			Hint: "Strata keeps comments on its own tables and views"}
	case inViews:
		return DDLResult{}, &Error{Code: "42809", Msg: fmt.Sprintf("%q is not a table", ref.Name)}
	case inNoSchema:
		return DDLResult{}, &Error{Code: codeUndefinedSchema, Msg: fmt.Sprintf("schema %q does not exist", schema)}
	}
	db, name := sess.Database, ref.Name
	if v, ok := p.plainViewOf(db, name); ok {
		if co.Object == "table" || co.Object == "materialized view" {
			return DDLResult{}, &Error{Code: "42809", Msg: fmt.Sprintf("%q is not a %s", name, co.Object)}
		}
		key := ""
		if co.Object == "column" {
			at := slices.Index(v.Columns, co.Column)
			if at < 0 {
				return DDLResult{}, noColumn(co.Column, name, v.Columns)
			}
			key = strconv.Itoa(at + 1)
		}
		v.Comments = maps.Clone(v.Comments)
		if v.Comments == nil {
			v.Comments = map[string]string{}
		}
		setComment(v.Comments, key, text)
		return DDLResult{}, p.Engine.DefineView(ctx, db, v, true)
	}
	cols, err := p.SQLColumns(db, name)
	if err != nil {
		return DDLResult{}, err // 42P01 with the closest name
	}
	_, isView := p.viewOf(db, name)
	switch {
	case co.Object == "table" && isView:
		return DDLResult{}, &Error{Code: "42809", Msg: fmt.Sprintf("%q is not a table", name)}
	case co.Object == "view" || co.Object == "materialized view" && !isView:
		return DDLResult{}, &Error{Code: "42809", Msg: fmt.Sprintf("%q is not a %s", name, co.Object)}
	}
	num := 0
	if co.Object == "column" {
		at := slices.IndexFunc(cols, func(c storage.ColumnMeta) bool { return c.Name == co.Column })
		if at < 0 {
			names := make([]string, len(cols))
			for i, c := range cols {
				names[i] = c.Name
			}
			return DDLResult{}, noColumn(co.Column, name, names)
		}
		num = cols[at].Num
	}
	opts, err := p.Engine.TableOptions(db, name)
	if err != nil {
		return DDLResult{}, err
	}
	if opts == nil {
		opts = map[string]string{}
	}
	setComment(opts, commentKey(num), text)
	return DDLResult{}, p.Engine.SetTableOptions(ctx, db, name, opts)
}

// setComment sets or, for an empty text, removes comments[key].
func setComment(comments map[string]string, key, text string) {
	if text == "" {
		delete(comments, key)
		return
	}
	comments[key] = text
}

// noColumn is PostgreSQL's error for a column a relation does not have,
// with the closest name as a hint.
func noColumn(column, relation string, names []string) error {
	e := &Error{Code: CodeUndefinedColumn, Msg: fmt.Sprintf("column %q of relation %q does not exist", column, relation)}
	if s := closest(column, names); s != "" {
		e.Hint = fmt.Sprintf("did you mean %q?", s)
	}
	return e
}

// strataDescriptions are the comments on the session database's tables,
// materialized views and views, as pg_description holds them.
func (b *binder) strataDescriptions() map[descKey]string {
	out := map[descKey]string{}
	if b.p.Engine == nil {
		return out
	}
	db := b.sess.Database
	for _, name := range b.catalogTables(db) {
		opts, err := b.p.Engine.TableOptions(db, name)
		if err != nil {
			continue
		}
		oid := TableOID(db, name)
		for k, text := range opts {
			switch {
			case k == "comment":
				out[descKey{oid, 1259, 0}] = text
			case strings.HasPrefix(k, "comment."):
				if n, err := strconv.Atoi(strings.TrimPrefix(k, "comment.")); err == nil {
					out[descKey{oid, 1259, int64(n)}] = text
				}
			}
		}
	}
	for _, v := range b.p.Engine.PlainViews(db) {
		oid := TableOID(db, v.Name)
		for k, text := range v.Comments {
			n, _ := strconv.Atoi(k) // "": the view
			out[descKey{oid, 1259, int64(n)}] = text
		}
	}
	return out
}
