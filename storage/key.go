package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// TableKey is a table's declared key: SQL's CREATE TABLE ... PRIMARY KEY
// (time, host) or UNIQUE (...), which the catalogs show to tools (pg_index,
// pg_constraint). Its columns are the table's time column and every tag,
// the names a row is told apart by, so it holds for every row storage
// keeps; storage keeps it so by refusing what would add a tag to the table
// (a line of line protocol, ALTER TABLE ADD COLUMN ... tag), which would
// split the rows one key names. Dropping it (DropKey) lets tags be added
// again.
type TableKey struct {
	// Name is the constraint's name (PostgreSQL's <table>_pkey); a table
	// renamed keeps it, as PostgreSQL keeps an index's name.
	Name string `json:"name"`
	// Primary is a PRIMARY KEY; false is a UNIQUE constraint.
	Primary bool `json:"primary,omitempty"`
	// Columns are the ColumnMeta.Num of its columns in key order, so that
	// a column renamed stays in it.
	Columns []int `json:"columns"`
}

// CreateKeyedTable is CreateTable with the table's declared key, whose
// Columns are the Num CreateTable gives cols (their places in cols,
// from 1, cols holding the time column). They must be the time column and
// every tag, each once.
func (e *Engine) CreateKeyedTable(ctx context.Context, db, table string, cols []ColumnMeta, key TableKey) error {
	if err := checkKey(cols, key); err != nil {
		return err
	}
	return e.createTable(ctx, db, table, cols, nil, &key)
}

// keyNamed is the table of db whose key is called name, nil for none.
func (db *DatabaseMeta) keyNamed(name string) *TableMeta {
	for _, t := range db.Tables {
		if t.Key != nil && t.Key.Name == name {
			return t
		}
	}
	return nil
}

// nameTaken is CodeAlreadyExists when a relation of db has name: a
// table, a plain view or a key (whose index PostgreSQL names so), as one
// namespace holds them all; nil when it is free.
func (db *DatabaseMeta) nameTaken(name string) error {
	what := ""
	switch {
	case db.table(name) != nil:
		what = "table"
	case db.plainView(name) != nil:
		what = "view"
	case db.keyNamed(name) != nil:
		what = "index"
	default:
		return nil
	}
	return &Error{Code: CodeAlreadyExists, Msg: fmt.Sprintf("%s %q already exists in database %q", what, name, db.Name)}
}

// checkKey refuses a key that is not cols' time and tags.
func checkKey(cols []ColumnMeta, key TableKey) error {
	if err := ValidateName("key", key.Name); err != nil {
		return err
	}
	want := 0
	for _, c := range cols {
		if c.Type == TypeTime || c.Type == TypeTag {
			want++
		}
	}
	seen := map[int]bool{}
	for _, n := range key.Columns {
		if n < 1 || n > len(cols) || seen[n] {
			return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("key %q: column number %d is not one of the table's, or is given twice", key.Name, n)}
		}
		seen[n] = true
		if c := cols[n-1]; c.Type != TypeTime && c.Type != TypeTag {
			return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("key %q: column %q is a field; a key holds the time column and tags", key.Name, c.Name)}
		}
	}
	if len(seen) != want {
		return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("key %q: it must hold the time column and every tag, which tell rows apart", key.Name)}
	}
	return nil
}

// Key returns table's declared key; ok is false when it has none (a table
// made by a write or declared without one).
func (e *Engine) Key(db, table string) (key TableKey, ok bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t := e.liveTableLocked(db, table)
	if t == nil || t.Key == nil {
		return TableKey{}, false
	}
	k := *t.Key
	k.Columns = slices.Clone(k.Columns)
	return k, true
}

// keyedTableLocked is table, which must have a key (else CodeNotFound),
// with e.mu held.
func (e *Engine) keyedTableLocked(db, table string) (*TableMeta, error) {
	t, err := e.tableLocked(db, table)
	if err != nil {
		return nil, err
	}
	if t.Key == nil {
		return nil, &Error{Code: CodeNotFound, Msg: fmt.Sprintf("table %q has no key", table)}
	}
	return t, nil
}

// DropKey removes table's declared key (ALTER TABLE ... DROP CONSTRAINT):
// writes may then add tags to it. A table without one is CodeNotFound.
func (e *Engine) DropKey(ctx context.Context, db, table string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.keyedTableLocked(db, table)
	if err != nil {
		return err
	}
	old := t.Key
	t.Key = nil
	return e.commitSchemaLocked(ctx, func() {
		t.Key = old
	})
}

// RenameKey names table's key name (ALTER TABLE ... RENAME CONSTRAINT,
// ALTER INDEX ... RENAME TO) in one catalog commit. A table without a key
// is CodeNotFound; a name a table, view or key of the database has (the
// key's own too) is CodeAlreadyExists.
func (e *Engine) RenameKey(ctx context.Context, db, table, name string) error {
	if err := ValidateName("key", name); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.keyedTableLocked(db, table)
	if err != nil {
		return err
	}
	if err := e.cat.database(db).nameTaken(name); err != nil {
		return err
	}
	old := t.Key.Name
	t.Key.Name = name
	return e.commitSchemaLocked(ctx, func() {
		t.Key.Name = old
	})
}

// AddKey gives table a key (ALTER TABLE ... ADD PRIMARY KEY or UNIQUE).
// It must hold the time column and every tag (as CreateKeyedTable's), which
// the stored rows keep unique already: a table holds one row per series
// and time. A PRIMARY KEY makes its tags NOT NULL; the caller checked that
// no stored row has one NULL. A table with a key, or a name a relation of
// the database has, is CodeAlreadyExists.
func (e *Engine) AddKey(ctx context.Context, db, table string, key TableKey) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return err
	}
	if t.Key != nil {
		return &Error{Code: CodeAlreadyExists, Msg: fmt.Sprintf("table %q has a key already, %s: a table keeps one", table, t.keyText())}
	}
	byNum := make([]ColumnMeta, t.NAtts) // SQL's places; a dropped column's is left empty
	for _, c := range t.Columns {
		if c.Num >= 1 && c.Num <= len(byNum) {
			byNum[c.Num-1] = c
		}
	}
	if err := checkKey(byNum, key); err != nil {
		return err
	}
	if err := e.cat.database(db).nameTaken(key.Name); err != nil {
		return err
	}
	t.Key = &TableKey{Name: key.Name, Primary: key.Primary, Columns: slices.Clone(key.Columns)}
	var madeNotNull []int
	for i, c := range t.Columns {
		if key.Primary && c.Type == TypeTag && !c.NotNull {
			t.Columns[i].NotNull = true
			madeNotNull = append(madeNotNull, i)
		}
	}
	return e.commitSchemaLocked(ctx, func() {
		t.Key = nil
		for _, i := range madeNotNull {
			t.Columns[i].NotNull = false
		}
	})
}

// keyedTagError refuses tag, new to keyed table t.
func (t *TableMeta) keyedTagError(tag string) *Error {
	return &Error{Code: CodeKeyedTable, Msg: KeyedTagMessage(t.Name, tag, t.keyText()),
		Hint: fmt.Sprintf("write %s as a field, or drop the key first: ALTER TABLE %s DROP CONSTRAINT %s", tag, sqlName(t.Name), sqlName(t.Key.Name))}
}

// KeyedTagMessage says that a write cannot add tag to table, whose
// declared key is key (as keyText writes it).
func KeyedTagMessage(table, tag, key string) string {
	return fmt.Sprintf("tag %q is new to table %q, whose key %s tells its rows apart: a write cannot add a tag to it", tag, table, key)
}

// keyText is the table's key as "name (col, ...)", its columns by the
// names SQL shows; "" for none.
func (t *TableMeta) keyText() string {
	if t.Key == nil {
		return ""
	}
	names := make([]string, 0, len(t.Key.Columns))
	for _, n := range t.Key.Columns {
		for _, c := range t.Columns {
			if c.Num == n {
				name := c.Name
				if c.Type == TypeTime {
					name = t.shownTime()
				}
				names = append(names, name)
			}
		}
	}
	return t.Key.Name + " (" + strings.Join(names, ", ") + ")"
}

// KeyText is table's declared key as "name (col, ...)" ("" for none): what
// a line of line protocol that would add a tag to it is refused with.
func (e *Engine) KeyText(db, table string) string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if t := e.liveTableLocked(db, table); t != nil {
		return t.keyText()
	}
	return ""
}
