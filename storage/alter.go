package storage

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Renaming and dropping columns, and renaming tables, change the catalog
// only: the data files keep the names they were written with. Each file
// records where its names differ from its table's (FileMeta.Columns), and
// reads, compaction and rewrites go through that map; a file written after
// holds the table's names. So the change is one catalog commit whatever the
// table holds, and a compaction of the file's partition retires its map.
//
// Each runs with no compaction or rewrite under way (compactMu) and between
// two persists (persistMu), as DropTable does: the first leaves no WAL
// record written before it to replay under the old names, the second moves
// the WAL past the writes that raced it, whose buffered rows the change
// renamed or trimmed in place.

// RenameColumn renames a table's column. A tag keeps its place among the
// tags, so the files' order of rows (by tags in the table's order, then
// time) still holds. Renaming the time column changes the name it is shown
// under (TimeName) and nothing else; no other column may be named time.
func (e *Engine) RenameColumn(ctx context.Context, db, table, from, to string) error {
	if err := ValidateName("column", to); err != nil {
		return err
	}
	return e.altering(ctx, func() error {
		t, err := e.tableLocked(db, table)
		if err != nil {
			return err
		}
		if from == t.shownTime() {
			return e.renameTimeLocked(ctx, t, to)
		}
		i, ok := t.colIdx[from]
		if !ok || from == TimeColumn {
			return &Error{Code: CodeNotFound, Msg: fmt.Sprintf("column %q of table %q does not exist", from, table)}
		}
		if _, ok := t.colIdx[to]; ok || to == t.shownTime() {
			return &Error{Code: CodeAlreadyExists, Msg: fmt.Sprintf("column %q of table %q already exists", to, table)}
		}
		if to == TimeColumn {
			return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("only the time column of table %q may be named time", table),
				Hint: "name the column otherwise"}
		}
		cols, files := t.Columns, t.Files
		t.Columns = append([]ColumnMeta(nil), cols...)
		t.Columns[i].Name = to
		t.Files = make([]*FileMeta, len(files))
		for j, f := range files {
			t.Files[j] = f.withRename(from, to)
		}
		t.reindex()
		if err := e.commitSchemaLocked(ctx, func() {
			t.Columns, t.Files = cols, files
			t.reindex()
		}); err != nil {
			return err
		}
		e.eachBufferedLocked(db, table, func(rec arrow.Record) arrow.Record { return renameField(rec, from, to) })
		return nil
	})
}

// renameTimeLocked shows table t's time column under name to.
func (e *Engine) renameTimeLocked(ctx context.Context, t *TableMeta, to string) error {
	if _, ok := t.colIdx[to]; ok && to != TimeColumn {
		return &Error{Code: CodeAlreadyExists, Msg: fmt.Sprintf("column %q of table %q already exists", to, t.Name)}
	}
	was := t.TimeName
	t.TimeName = to
	if to == TimeColumn {
		t.TimeName = ""
	}
	return e.commitSchemaLocked(ctx, func() {
		t.TimeName = was
	})
}

// DropColumn removes a field from a table: its values are gone from every
// read at once and from the files as compaction rewrites them. A column
// added later under the same name starts empty. The time column and tags
// are refused: they are the key that tells rows apart (two rows that differ
// only in a dropped tag would become one).
func (e *Engine) DropColumn(ctx context.Context, db, table, column string) error {
	return e.altering(ctx, func() error {
		t, err := e.tableLocked(db, table)
		if err != nil {
			return err
		}
		if column == t.shownTime() {
			column = TimeColumn
		} else if column == TimeColumn {
			column = "" // shown under another name: no column is named time
		}
		i, ok := t.colIdx[column]
		switch {
		case !ok:
			return &Error{Code: CodeNotFound, Msg: fmt.Sprintf("column %q of table %q does not exist", column, table)}
		case t.Columns[i].Type == TypeTime:
			return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("column %q is the time column of table %q; every table has one", column, table)}
		case t.Columns[i].Type == TypeTag:
			return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("column %q is a tag of table %q: a row is told apart by its time and tags, so rows that differ only in %s would become one", column, table, column),
				Hint: "copy the table without it (CREATE TABLE ... AS SELECT) to merge those rows, or leave the tag and stop writing it"}
		}
		cols, files := t.Columns, t.Files
		t.Columns = append(append([]ColumnMeta(nil), cols[:i]...), cols[i+1:]...)
		t.Files = make([]*FileMeta, len(files))
		for j, f := range files {
			t.Files[j] = f.withDrop(column)
		}
		t.reindex()
		if err := e.commitSchemaLocked(ctx, func() {
			t.Columns, t.Files = cols, files
			t.reindex()
		}); err != nil {
			return err
		}
		e.eachBufferedLocked(db, table, func(rec arrow.Record) arrow.Record { return dropField(rec, column) })
		return nil
	})
}

// RenameTable renames a table (or a materialized view's table). Its files
// keep their keys; a later write to the old name creates a new table.
func (e *Engine) RenameTable(ctx context.Context, db, from, to string) error {
	if err := ValidateName("table", to); err != nil {
		return err
	}
	return e.altering(ctx, func() error {
		t, err := e.tableLocked(db, from)
		if err != nil {
			return err
		}
		dbm := e.cat.database(db)
		if err := dbm.nameTaken(to); err != nil {
			return err
		}
		rename := func(from, to string) {
			delete(dbm.byName, from)
			t.Name = to
			dbm.byName[to] = t
			sort.Slice(dbm.Tables, func(i, j int) bool { return dbm.Tables[i].Name < dbm.Tables[j].Name })
		}
		rename(from, to)
		if err := e.commitSchemaLocked(ctx, func() {
			rename(to, from)
		}); err != nil {
			return err
		}
		for _, b := range append([]*buffer{e.active}, e.frozen...) {
			for key, p := range b.parts {
				if key.db == db && key.table == from {
					delete(b.parts, key)
					key.table = to
					b.parts[key] = p
				}
			}
		}
		return nil
	})
}

// altering runs change with e.gate and e.mu held, no compaction under way
// and between two persists.
func (e *Engine) altering(ctx context.Context, change func() error) error {
	e.compactMu.Lock()
	defer e.compactMu.Unlock()
	return e.dropping(ctx, func() error {
		e.gate.Lock() // writes wait: none is half in
		defer e.gate.Unlock()
		e.mu.Lock()
		defer e.mu.Unlock()
		return change()
	})
}

// eachBufferedLocked replaces each buffered record of a table by what fn
// makes of it (fn returns its argument to keep it), for a rename or drop of
// a column. The records' key summaries are made again, as they hash tags by
// name.
func (e *Engine) eachBufferedLocked(db, table string, fn func(arrow.Record) arrow.Record) {
	for _, b := range append([]*buffer{e.active}, e.frozen...) {
		for key, p := range b.parts {
			if key.db != db || key.table != table {
				continue
			}
			for i, r := range p.recs {
				out := fn(r.rec)
				if out == r.rec {
					continue
				}
				b.bytes += recordBytes(out) - recordBytes(r.rec)
				r.rec.Release()
				p.recs[i].rec, p.recs[i].keys = out, newBufKeys()
			}
		}
	}
}

// renameField returns rec with its field from named to, or rec itself
// when it has no field from.
func renameField(rec arrow.Record, from, to string) arrow.Record {
	idx := rec.Schema().FieldIndices(from)
	if len(idx) == 0 {
		return rec
	}
	fields := append([]arrow.Field(nil), rec.Schema().Fields()...)
	fields[idx[0]].Name = to
	return array.NewRecord(arrow.NewSchema(fields, nil), rec.Columns(), rec.NumRows())
}

// dropField returns rec without its field name, or rec itself when it has
// none.
func dropField(rec arrow.Record, name string) arrow.Record {
	idx := rec.Schema().FieldIndices(name)
	if len(idx) == 0 {
		return rec
	}
	i := idx[0]
	fields := rec.Schema().Fields()
	fields = append(fields[:i:i], fields[i+1:]...)
	cols := append(rec.Columns()[:i:i], rec.Columns()[i+1:]...)
	return array.NewRecord(arrow.NewSchema(fields, nil), cols, rec.NumRows())
}

// stored is the name the file holds a table's column under: the table's
// own but where FileMeta.Columns says otherwise, "" when the file holds
// none of its values.
func (f *FileMeta) stored(name string) string {
	if s, ok := f.Columns[name]; ok {
		return s
	}
	return name
}

// withRename is a copy of f for its table's column from renamed to.
func (f *FileMeta) withRename(from, to string) *FileMeta {
	c := *f
	c.Columns = maps.Clone(f.Columns)
	if c.Columns == nil {
		c.Columns = map[string]string{}
	}
	if v, ok := f.Filled[from]; ok {
		c.Filled = maps.Clone(f.Filled)
		delete(c.Filled, from)
		c.Filled[to] = v
	}
	s := f.stored(from)
	c.Columns[from] = "" // a column added as from later has no values here
	if s == to {
		delete(c.Columns, to)
	} else {
		c.Columns[to] = s
	}
	return &c
}

// withDrop is a copy of f for its table's column name dropped.
func (f *FileMeta) withDrop(name string) *FileMeta {
	c := *f
	c.Columns = maps.Clone(f.Columns)
	if c.Columns == nil {
		c.Columns = map[string]string{}
	}
	c.Columns[name] = ""
	if _, ok := f.Filled[name]; ok {
		c.Filled = maps.Clone(f.Filled)
		delete(c.Filled, name)
	}
	return &c
}

// AddColumnsFilled is AddColumns where the rows already stored read
// fills[c] in each new column c it names (a value of the column's type:
// float64, int64 (a timestamp's nanoseconds too), uint64, string or bool), as PostgreSQL's ADD COLUMN ...
// DEFAULT gives them, instead of NULL; the rows written after leave it
// NULL unless they give it. Fields only: a tag is part of the rows' key.
// Like a rename, it is one catalog commit whatever the table holds: each
// file records the values (FileMeta.Filled) until compaction writes them,
// and buffered rows are filled in place.
func (e *Engine) AddColumnsFilled(ctx context.Context, db, table string, cols []ColumnMeta, fills map[string]any) error {
	if err := checkAdded(cols); err != nil {
		return err
	}
	if len(fills) == 0 {
		return e.AddColumns(ctx, db, table, cols)
	}
	texts := map[string]string{}
	types := map[string]ColumnType{}
	for _, c := range cols {
		v, ok := fills[c.Name]
		if !ok {
			continue
		}
		text, err := fillText(c.Type, v)
		if err != nil {
			return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("column %q: %v", c.Name, err)}
		}
		texts[c.Name], types[c.Name] = text, c.Type
	}
	return e.altering(ctx, func() error {
		if err := e.addColumnsLocked(ctx, db, table, cols, texts); err != nil {
			return err
		}
		e.eachBufferedLocked(db, table, func(rec arrow.Record) arrow.Record {
			out := rec
			for name, text := range texts {
				if len(out.Schema().FieldIndices(name)) > 0 {
					continue
				}
				fld := arrow.Field{Name: name, Type: ArrowType(types[name]), Nullable: true}
				a := constantArray(fld.Type, parseFill(types[name], text), int(out.NumRows()))
				next := array.NewRecord(arrow.NewSchema(append(append([]arrow.Field(nil), out.Schema().Fields()...), fld), nil),
					append(append([]arrow.Array(nil), out.Columns()...), a), out.NumRows())
				a.Release()
				if out != rec {
					out.Release()
				}
				out = next
			}
			return out
		})
		return nil
	})
}

// withFills is a copy of f whose rows read fills (as text) in the columns
// it names.
func (f *FileMeta) withFills(fills map[string]string) *FileMeta {
	c := *f
	c.Filled = maps.Clone(f.Filled)
	if c.Filled == nil {
		c.Filled = map[string]string{}
	}
	maps.Copy(c.Filled, fills)
	return &c
}

// fillText is a filled column's value as the catalog keeps it.
func fillText(typ ColumnType, v any) (string, error) {
	switch v := v.(type) {
	case float64:
		if typ == TypeFloat {
			return strconv.FormatFloat(v, 'g', -1, 64), nil
		}
	case int64:
		if typ == TypeInt || typ == TypeTimestamp { // a timestamp's nanoseconds
			return strconv.FormatInt(v, 10), nil
		}
	case uint64:
		if typ == TypeUint {
			return strconv.FormatUint(v, 10), nil
		}
	case string:
		if typ == TypeString {
			return v, nil
		}
	case bool:
		if typ == TypeBool {
			return strconv.FormatBool(v), nil
		}
	}
	if typ == TypeTag {
		return "", fmt.Errorf("a tag cannot be filled: it is part of the key of the rows stored")
	}
	return "", fmt.Errorf("%T value %v cannot fill a %s field", v, v, typ)
}

// parseFill reads a filled column's value back (fillText's text, which a
// catalog written by this engine holds; a value that does not read is
// NULL).
func parseFill(typ ColumnType, text string) any {
	var v any
	var err error
	switch typ {
	case TypeFloat:
		v, err = strconv.ParseFloat(text, 64)
	case TypeInt, TypeTimestamp:
		v, err = strconv.ParseInt(text, 10, 64)
	case TypeUint:
		v, err = strconv.ParseUint(text, 10, 64)
	case TypeString:
		v = text
	case TypeBool:
		v, err = strconv.ParseBool(text)
	}
	if err != nil {
		return nil
	}
	return v
}

// constantArray is n values v (parseFill's; nil: NULL) of type dt.
func constantArray(dt arrow.DataType, v any, n int) arrow.Array {
	mem := memory.DefaultAllocator
	switch v := v.(type) {
	case float64:
		return repeated(array.NewFloat64Builder(mem), v, n)
	case int64:
		if ts, ok := dt.(*arrow.TimestampType); ok {
			return repeated(array.NewTimestampBuilder(mem, ts), arrow.Timestamp(v), n)
		}
		return repeated(array.NewInt64Builder(mem), v, n)
	case uint64:
		return repeated(array.NewUint64Builder(mem), v, n)
	case bool:
		return repeated(array.NewBooleanBuilder(mem), v, n)
	case string:
		return repeated(array.NewStringBuilder(mem), v, n)
	}
	return array.MakeArrayOfNull(mem, dt, n)
}

// valuesBuilder is an Arrow builder of values of type T.
type valuesBuilder[T any] interface {
	array.Builder
	AppendValues([]T, []bool)
}

// repeated builds an array of n values v with b, which it releases.
func repeated[T any](b valuesBuilder[T], v T, n int) arrow.Array {
	defer b.Release()
	vals := make([]T, n)
	for i := range vals {
		vals[i] = v
	}
	b.AppendValues(vals, nil)
	return b.NewArray()
}
