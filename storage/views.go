package storage

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// PlainView is a view that keeps no rows (PostgreSQL's CREATE VIEW): a
// query the planner runs where the view is read. The catalog keeps it
// beside its database's tables, whose names it shares: a view and a table
// cannot have one name, and a write cannot make a table of a view's.
type PlainView struct {
	Name string `json:"name"`
	// Query is the defining query as written.
	Query string `json:"query"`
	// Columns are the view's column names, in its query's order.
	Columns []string `json:"columns"`
	// QueryColumns are the names the query gave them when the view was
	// made (a view renames them with CREATE VIEW v (names)); the view
	// reads them by these names, so a column its tables gain since does
	// not move them.
	QueryColumns []string `json:"query_columns,omitempty"`
	// Comments are the SQL layer's comments on the view ("") and its
	// columns (by number from 1, as a string); storage reads none.
	Comments map[string]string `json:"comments,omitempty"`
}

func (v *PlainView) clone() PlainView {
	c := *v
	c.Columns = slices.Clone(v.Columns)
	c.QueryColumns = slices.Clone(v.QueryColumns)
	c.Comments = maps.Clone(v.Comments)
	return c
}

func (db *DatabaseMeta) plainView(name string) *PlainView {
	for _, v := range db.Views {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// DefineView creates view v in database db (created when missing), or
// with replace puts it in place of the view of its name. A table of that
// name, or without replace a view, is CodeAlreadyExists.
func (e *Engine) DefineView(ctx context.Context, db string, v PlainView, replace bool) error {
	if err := ValidateDatabaseName(db); err != nil {
		return err
	}
	if err := ValidateName("view", v.Name); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	dbm, createdDB := e.cat.createDatabase(db, 0)
	if dbm.table(v.Name) != nil || dbm.keyNamed(v.Name) != nil {
		return dbm.nameTaken(v.Name)
	}
	old := slices.Clone(dbm.Views)
	nv := v.clone()
	if at := slices.IndexFunc(dbm.Views, func(x *PlainView) bool { return x.Name == v.Name }); at >= 0 {
		if !replace {
			return &Error{Code: CodeAlreadyExists, Msg: fmt.Sprintf("view %q already exists in database %q", v.Name, db)}
		}
		dbm.Views[at] = &nv
	} else {
		dbm.Views = append(dbm.Views, &nv)
		slices.SortFunc(dbm.Views, func(a, b *PlainView) int { return strings.Compare(a.Name, b.Name) })
	}
	return e.commitSchemaLocked(ctx, func() {
		dbm.Views = old
		if createdDB {
			e.cat.dropDatabase(db)
		}
	})
}

// PlainViewOf returns the view of database db named name; ok is false
// when there is none (a table of that name is not one).
func (e *Engine) PlainViewOf(db, name string) (v PlainView, ok bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	dbm := e.cat.database(db)
	if dbm == nil {
		return PlainView{}, false
	}
	if pv := dbm.plainView(name); pv != nil {
		return pv.clone(), true
	}
	return PlainView{}, false
}

// PlainViews are database db's views, sorted by name.
func (e *Engine) PlainViews(db string) []PlainView {
	e.mu.RLock()
	defer e.mu.RUnlock()
	dbm := e.cat.database(db)
	if dbm == nil {
		return nil
	}
	out := make([]PlainView, len(dbm.Views))
	for i, v := range dbm.Views {
		out[i] = v.clone()
	}
	return out
}

// DropView deletes the view of database db named name (CodeNotFound
// when there is none).
func (e *Engine) DropView(ctx context.Context, db, name string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	dbm := e.cat.database(db)
	if dbm == nil || dbm.plainView(name) == nil {
		return &Error{Code: CodeNotFound, Msg: fmt.Sprintf("view %q does not exist in database %q", name, db)}
	}
	old := slices.Clone(dbm.Views)
	dbm.Views = slices.DeleteFunc(dbm.Views, func(v *PlainView) bool { return v.Name == name })
	return e.commitSchemaLocked(ctx, func() {
		dbm.Views = old
	})
}
