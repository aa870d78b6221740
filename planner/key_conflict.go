package planner

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// A table with a declared key (CREATE TABLE's PRIMARY KEY or UNIQUE,
// keys.go) refuses through SQL what PostgreSQL's unique index refuses: an
// INSERT or COPY row whose key a stored row has, or an earlier row of the
// same statement, is 23505 with PostgreSQL's message and DETAIL, and
// nothing of the statement (or of the COPY's piece) is stored. Line
// protocol keeps InfluxDB's meaning: a point with a stored series and time
// replaces its fields. ON CONFLICT names what to do instead.

// lockStoredKeys takes the lock under which an INSERT or COPY into table
// looks for stored keys and writes, so that two statements of this
// server do not both find a key free and both write it. Line protocol
// writes do not take it.
func (p *Planner) lockStoredKeys(ctx context.Context, db, table string) (unlock func(), err error) {
	return p.inserting.lock(ctx, db+"\x00"+table)
}

// keyConflict is the first row of batch (rows bound for table, which has
// key) whose key is stored or held by an earlier row of batch, or -1.
func (p *Planner) keyConflict(ctx context.Context, db, table string, batch *storage.TableBatch) (int, error) {
	tags := tagNames(p.tableSchema(db, table), batch)
	keys := batch.RowKeys(tags)
	first := make(map[string]int, len(keys))
	conflict := -1
	for i, k := range keys {
		if _, seen := first[k]; seen {
			conflict = i
			break
		}
		first[k] = i
	}
	err := p.scanStored(ctx, db, table, batch, tags, nil, func(key []byte, _ arrow.Record, _ int) {
		if i, ok := first[string(key)]; ok && (conflict < 0 || i < conflict) {
			conflict = i
		}
	})
	return conflict, err
}

// tableSchema is table's stored columns, nil for a table not yet made.
func (p *Planner) tableSchema(db, table string) []storage.ColumnMeta {
	cols, err := p.Engine.TableSchema(db, table)
	if err != nil {
		return nil
	}
	return cols
}

// tagNames are the names, sorted, of the tags of the stored columns cols
// and of batch: a row's name is its time and these (storage.RowKeys).
func tagNames(cols []storage.ColumnMeta, batch *storage.TableBatch) []string {
	var out []string
	for _, c := range cols {
		if c.Type == storage.TypeTag {
			out = append(out, c.Name)
		}
	}
	for _, t := range batch.Tags {
		if !slices.Contains(out, t.Name) {
			out = append(out, t.Name)
		}
	}
	slices.Sort(out)
	return out
}

// duplicateKey is PostgreSQL's unique_violation for row i of batch, whose
// key (table's) is taken (keyViolation), with a hint naming the upsert.
func (p *Planner) duplicateKey(sess *Session, table string, batch *storage.TableBatch, i int) error {
	e := p.keyViolation(sess, table, rowOfBatch(batch, i, false))
	e.Hint = fmt.Sprintf("ON CONFLICT ON CONSTRAINT %s DO UPDATE SET ... replaces stored values, DO NOTHING keeps them", quoteIdentifier(e.Constraint))
	return e
}

// keyViolation is PostgreSQL's 23505 of a row of keyed table whose key
// another row has, DETAIL "Key (host, "time")=(a, 2024-01-01
// 00:00:00+00) already exists.": the key's columns as pg_get_indexdef
// writes them, the row's values (value gives them by stored column name)
// as their types print them, times in the session's zone.
func (p *Planner) keyViolation(sess *Session, table string, value func(name string) any) *Error {
	db := sess.Database
	sqlCols, _ := p.SQLColumns(db, table)
	key, _ := p.keyOf(db, table, sqlCols)
	stored := p.tableSchema(db, table)
	loc := sess.Location
	if loc == nil {
		loc = time.UTC
	}
	vals := make([]string, 0, len(key.Columns))
	for _, num := range key.Columns {
		if at := slices.IndexFunc(stored, func(c storage.ColumnMeta) bool { return c.Num == num }); at >= 0 {
			vals = append(vals, valueText(stored[at], value(stored[at].Name), loc))
		}
	}
	e := uniqueViolation(table, key.Name)
	e.Detail = fmt.Sprintf("Key (%s)=(%s) already exists.", key.quotedColumns(), strings.Join(vals, ", "))
	return e
}

// uniqueViolation is PostgreSQL's 23505 of table's key called key, with
// the error fields naming them; the caller says which rows in Detail.
func uniqueViolation(table, key string) *Error {
	return &Error{Code: "23505", Msg: fmt.Sprintf("duplicate key value violates unique constraint %q", key),
		Schema: "public", Table: table, Constraint: key}
}

// keyTimeText is a time column's value ns as its declared type d writes
// it: a timestamptz in loc with its offset, a timestamp (a reading, held
// as UTC reads it) without, a date as its day.
func keyTimeText(ns int64, d storage.Declared, loc *time.Location) string {
	if s, ok := exec.AppendInfiniteTime(nil, ns); ok {
		return string(s)
	}
	if !d.Reading() {
		return string(exec.AppendTimestamp(nil, ns, loc))
	}
	s := string(exec.AppendTimestamp(nil, ns, time.UTC))
	s = strings.TrimSuffix(s, "+00")
	if d.OID == storage.OIDDate {
		s = s[:strings.IndexByte(s, ' ')]
	}
	return s
}

// conflictArbiter checks what ON CONFLICT names against table's key, as
// PostgreSQL infers the unique index it means: ON CONSTRAINT must name the
// key (42704), and with a key a target lists exactly its columns (42P10).
// A table without a key names its rows by time and tags, and a target may
// list any of them (onConflict checks that).
func (p *Planner) conflictArbiter(db, table string, oc *sql.OnConflict) error {
	sqlCols, _ := p.SQLColumns(db, table)
	key, keyed := p.keyOf(db, table, sqlCols)
	if oc.Constraint != "" {
		if keyed && key.Name == oc.Constraint {
			return nil
		}
		e := &Error{Code: "42704", Msg: fmt.Sprintf("constraint %q for table %q does not exist", oc.Constraint, table)}
		if keyed {
			e.Hint = fmt.Sprintf("the key of table %q is %s", table, quoteIdentifier(key.Name))
		} else {
			e.Hint = fmt.Sprintf("table %q has no key; its rows are named by time and tags: ON CONFLICT (column, ...) or no target", table)
		}
		return e
	}
	if !keyed || len(oc.Target) == 0 {
		return nil
	}
	target := slices.Clone(oc.Target)
	slices.Sort(target)
	names := slices.Clone(key.names)
	slices.Sort(names)
	if slices.Equal(slices.Compact(target), names) {
		return nil
	}
	return &Error{Code: "42P10", Msg: "there is no unique or exclusion constraint matching the ON CONFLICT specification",
		Hint: fmt.Sprintf("the key %s of table %q is (%s): ON CONFLICT (%s) or ON CONFLICT ON CONSTRAINT %s",
			quoteIdentifier(key.Name), table, strings.Join(key.names, ", "), key.quotedColumns(), quoteIdentifier(key.Name))}
}
