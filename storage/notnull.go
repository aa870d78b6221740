package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// NOT NULL (ColumnMeta.NotNull) is kept by the write paths: Write refuses
// a batch that leaves such a column out or holds a NULL in it, Update a
// change that sets one. The time column is never NULL and is not marked.

// SetColumnNotNull sets or drops a column's NOT NULL (ColumnMeta.NotNull)
// in one catalog commit. The caller has checked that no stored row holds a
// NULL there; from the commit on, writes that would are refused.
func (e *Engine) SetColumnNotNull(ctx context.Context, db, table, column string, on bool) error {
	return e.setColumn(ctx, db, table, column, func(c *ColumnMeta) func() {
		if c.Type == TypeTime || c.NotNull == on {
			return nil
		}
		c.NotNull = on
		return func() { c.NotNull = !on }
	})
}

// NotNull is the names of table's NOT NULL columns other than time (nil
// for none or no such table): what a write must give every row.
func (e *Engine) NotNull(db, table string) []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.notNullLocked(db, table)
}

// notNullLocked is the names of table's NOT NULL columns (nil for none
// or no such table), with e.mu held.
func (e *Engine) notNullLocked(db, table string) []string {
	t := e.liveTableLocked(db, table)
	if t == nil {
		return nil
	}
	return NotNullColumns(t.Columns)
}

// NotNullColumns is the names of the NOT NULL columns among cols, time
// aside: what CheckNotNull checks a table's batches for.
func NotNullColumns(cols []ColumnMeta) []string {
	var names []string
	for _, c := range cols {
		if c.NotNull && c.Type != TypeTime {
			names = append(names, c.Name)
		}
	}
	return names
}

// CheckNotNull refuses a batch that gives a row no value in one of the
// columns named (a table's NOT NULL columns): it leaves the column out, or
// has a NULL there. Write checks every batch so; an INSERT ... ON CONFLICT
// checks the rows it proposes before it looks for conflicts.
func (b *TableBatch) CheckNotNull(notNull []string) error {
	for _, name := range notNull {
		row := b.FirstNull(name)
		if row < 0 {
			continue
		}
		return notNullError(b.Table, name, "the row at "+b.describeRow(row))
	}
	return nil
}

// FirstNull is the first row of b without a value in column name (0 when
// b leaves it out), or -1: the row CheckNotNull's error is about.
func (b *TableBatch) FirstNull(name string) int {
	if b.Rows == 0 {
		return -1
	}
	for i := range b.Tags {
		if t := &b.Tags[i]; t.Name == name {
			for r, c := range t.Codes[:b.Rows] {
				if c < 0 {
					return r
				}
			}
			return -1
		}
	}
	for i := range b.Fields {
		if f := &b.Fields[i]; f.Name == name {
			if f.Valid == nil {
				return -1
			}
			for k, v := range f.Valid[:(b.Rows+7)/8] {
				if v == 0xff {
					continue // eight rows with values
				}
				for r := k * 8; r < min(k*8+8, b.Rows); r++ {
					if !f.IsValid(r) {
						return r
					}
				}
			}
			return -1
		}
	}
	return 0
}

// describeRow names row i of b by its time and tags, as describeKey names
// a record's.
func (b *TableBatch) describeRow(i int) string {
	s := "time " + time.Unix(0, b.Time[i]).UTC().Format(time.RFC3339Nano)
	for k := range b.Tags {
		t := &b.Tags[k]
		v := "NULL"
		if c := t.Codes[i]; c >= 0 {
			v = t.Dict[c]
		}
		if k == 0 {
			s += " and "
		} else {
			s += ", "
		}
		s += t.Name + "=" + v
	}
	return s
}

// checkRecordNotNull refuses rec, rows of table in its schema as an
// UPDATE leaves them, when it holds a NULL in one of the NOT NULL columns.
func checkRecordNotNull(table string, rec arrow.Record, notNull []string) error {
	for _, name := range notNull {
		at := rec.Schema().FieldIndices(name)
		if len(at) == 0 {
			continue
		}
		col := rec.Column(at[0])
		if col.NullN() == 0 {
			continue
		}
		var tags []string
		for _, f := range rec.Schema().Fields() {
			if arrow.TypeEqual(f.Type, TagArrowType) {
				tags = append(tags, f.Name)
			}
		}
		for r := range int(rec.NumRows()) {
			if col.IsNull(r) {
				return notNullError(table, name, "the row at "+describeKey(rec, tags, r))
			}
		}
	}
	return nil
}

// notNullError is PostgreSQL's not_null_violation, naming the row.
func notNullError(table, column, row string) *Error {
	return &Error{Code: CodeNotNull, Table: table, Column: column,
		Msg: fmt.Sprintf("null value in column %q of relation %q violates not-null constraint", column, table),
		Hint: fmt.Sprintf("%s has no value for %s; give every row one, or drop the constraint: ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL",
			row, column, sqlName(table), sqlName(column))}
}

// sqlName is name as SQL writes it: quoted unless it is a plain lower-case
// identifier.
func sqlName(name string) string {
	plain := name != ""
	for i, r := range name {
		plain = plain && (r == '_' || 'a' <= r && r <= 'z' || i > 0 && '0' <= r && r <= '9')
	}
	if plain {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
