package storage

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// CatalogFormat is the newest version of the catalog's persisted form. A
// catalog of a newer format is refused with a clear error rather than
// misread. Format 2 added files' column maps and filled columns
// (FileMeta.Columns, Filled): a catalog with none is still written as
// format 1, which earlier releases read.
const CatalogFormat = 2

// catalog is the engine's metadata: databases, tables, their columns and
// types, retention, and the Parquet files of every table. The engine guards it
// with its mutex; catalog methods do no locking. Its persisted form (JSON, see
// catalog_file.go) is written whole, atomically, on every change that must be
// durable: files added or removed, databases created, dropped or configured.
// Columns added by writes become durable with the WAL record that adds them and
// reach the catalog file at the next commit.
type catalog struct {
	Format  int    `json:"format"`
	Version uint64 `json:"version"` // incremented by every commit
	// WALPersisted is the id of the last WAL segment whose every record is
	// in Parquet files listed here; replay starts after it.
	WALPersisted uint64          `json:"wal_persisted"`
	NextFileID   uint64          `json:"next_file_id"`
	Databases    []*DatabaseMeta `json:"databases"` // sorted by name

	byName map[string]*DatabaseMeta
}

// DatabaseMeta describes one database.
type DatabaseMeta struct {
	Name string `json:"name"`
	// Retention is how long rows live, 0 for ever.
	Retention time.Duration `json:"retention,omitempty"`
	Tables    []*TableMeta  `json:"tables"` // sorted by name
	// Views are its plain views (CREATE VIEW), sorted by name.
	Views  []*PlainView `json:"views,omitempty"`
	byName map[string]*TableMeta
}

// TableMeta describes one table: its columns (time first, then tags, then
// fields, each group in order of first write) and its files.
type TableMeta struct {
	Name    string       `json:"name"`
	Columns []ColumnMeta `json:"columns"`
	Files   []*FileMeta  `json:"files"` // sorted by Order, i.e. by age
	// Retention is how long the table's rows live, replacing its
	// database's period for it; 0: the database's.
	Retention time.Duration `json:"retention,omitempty"`
	// View is set when the table holds a materialized view's rows.
	View *ViewDef `json:"view,omitempty"`
	// TimeName is the name SQL shows the time column under ("" for time):
	// CREATE TABLE conditions (ts timestamptz NOT NULL, ...). Inside
	// storage (Columns, files, the buffer, records) the column is named
	// time whatever it is shown as, and no other column may take either
	// name.
	TimeName string `json:"time_name,omitempty"`
	// Options are settings the SQL layer keeps for the table, by name
	// (TimescaleDB's compression settings and policy); storage keeps them
	// and reads none. nil for most tables.
	Options map[string]string `json:"options,omitempty"`
	// NAtts is the highest ColumnMeta.Num given to a column of the table,
	// dropped ones included (PostgreSQL's relnatts). A catalog written
	// before columns were numbered has none; loading it numbers them in
	// stored order, as they were shown.
	NAtts int `json:"natts,omitempty"`
	// Key is the table's declared key (TableKey); nil for none.
	Key    *TableKey `json:"key,omitempty"`
	colIdx map[string]int
}

// shownTime is the name SQL shows the time column under.
func (t *TableMeta) shownTime() string {
	if t.TimeName != "" {
		return t.TimeName
	}
	return TimeColumn
}

// ViewDef is what makes a table a materialized view's: the query whose
// rows it holds, which the planner reads and refreshes. Storage keeps it
// and takes writes to the table only from a refresh.
type ViewDef struct {
	// Query is the defining query as written.
	Query string `json:"query"`
	// Columns are the view's column names in its query's order. Each is
	// the stored column of its name, but for Time, the view's name for the
	// stored time column.
	Columns []string `json:"columns"`
	Time    string   `json:"time"`
	// Continuous marks TimescaleDB's continuous aggregate (WITH
	// (timescaledb.continuous)).
	Continuous bool `json:"continuous,omitempty"`
	// Options are the definition's other settings, by name, as the
	// planner keeps them (a refresh policy's offsets, ...).
	Options map[string]string `json:"options,omitempty"`
}

// ColumnMeta is one column of a table.
type ColumnMeta struct {
	Name string     `json:"name"`
	Type ColumnType `json:"type"`
	// Default is the SQL expression an INSERT that leaves the column out
	// stores there (CREATE TABLE ... DEFAULT, ALTER COLUMN ... SET
	// DEFAULT), as the planner wrote it; "" for none. Storage keeps it
	// and does not read it: a line-protocol write that leaves a field
	// out leaves it NULL.
	Default string `json:"default,omitempty"`
	// SQLType is the column's declared SQL type when it says more than
	// the stored type (an integer, real or character varying(n) field,
	// a varchar(n) tag), as the SQL layer writes it (PostgreSQL's
	// format_type); "" otherwise. Read with ParseDeclared: the write
	// paths keep values within it.
	SQLType string `json:"sql_type,omitempty"`
	// Num is the column's place among its table's columns as SQL shows
	// and fills them (PostgreSQL's attnum), apart from their stored
	// order (time, tags, fields): CREATE TABLE's declared order, then
	// each column added after the last (TableMeta.NAtts). A dropped
	// column's number is not given again, as PostgreSQL leaves a gap.
	Num int `json:"num,omitempty"`
	// NotNull is the column's NOT NULL (CREATE TABLE, ALTER COLUMN ...
	// SET NOT NULL): Write refuses a batch that leaves the column out or
	// holds a NULL in it, Update a change that sets one (notnull.go). The
	// time column is never NULL and is not marked.
	NotNull bool `json:"not_null,omitempty"`
}

// FileMeta describes one Parquet file. A file belongs to one partition
// (table, UTC day) and holds rows sorted by tags then time, without duplicate
// primary keys. Where files of a partition repeat a primary key, the file of
// larger Order holds the newer write, which wins.
type FileMeta struct {
	ID      uint64 `json:"id"`
	Key     string `json:"key"` // object store key
	Day     int64  `json:"day"` // UTC days since the Unix epoch
	MinTime int64  `json:"min_time"`
	MaxTime int64  `json:"max_time"` // inclusive
	Rows    int64  `json:"rows"`
	Size    int64  `json:"size"`
	Level   int    `json:"level"` // 0 persisted from the buffer, 1 compacted
	// Order ranks files by the age of their writes: a persisted file's
	// order is its ID; a compacted file takes the largest order of its
	// inputs, so a file persisted while compaction ran still wins over it.
	Order uint64 `json:"order"`
	// Created is when the file was written (Unix ns).
	Created int64 `json:"created"`
	// FirstWrite is when the earliest of its rows reached the write buffer
	// (Unix ns; a compacted file: its inputs' earliest), the creation time
	// of its day's chunk. 0 in catalogs written before it was kept: Created
	// stands in.
	FirstWrite int64 `json:"first_write,omitempty"`
	// Columns maps the name of a column of its table to the name the file
	// holds it under where the two differ, "" where the file holds none of
	// the column's values: the columns renamed or dropped (and names
	// reused) after the file was written (alter.go). nil for most files.
	Columns map[string]string `json:"columns,omitempty"`
	// Filled holds the value the file's rows read in a column added with
	// one after the file was written (ALTER TABLE ... ADD COLUMN ...
	// DEFAULT on a table with rows), as text (fillText); nil for most
	// files.
	Filled map[string]string `json:"filled,omitempty"`
}

// firstWrite is FirstWrite, or Created where it was not kept.
func (f *FileMeta) firstWrite() int64 {
	if f.FirstWrite != 0 {
		return f.FirstWrite
	}
	return f.Created
}

func newCatalog() *catalog {
	c := &catalog{Format: CatalogFormat, NextFileID: 1}
	c.index()
	return c
}

// index rebuilds the lookup maps after loading.
func (c *catalog) index() {
	c.byName = make(map[string]*DatabaseMeta, len(c.Databases))
	for _, db := range c.Databases {
		c.byName[db.Name] = db
		db.byName = make(map[string]*TableMeta, len(db.Tables))
		for _, t := range db.Tables {
			db.byName[t.Name] = t
			t.reindex()
			t.numberColumns()
		}
	}
}

// numberColumns gives the columns of a table from a catalog written before
// columns were numbered (NAtts 0) their stored places, the order SQL
// showed them in.
func (t *TableMeta) numberColumns() {
	for i := range t.Columns {
		if t.Columns[i].Num == 0 {
			t.NAtts++
			t.Columns[i].Num = t.NAtts
		}
	}
}

func (t *TableMeta) reindex() {
	t.colIdx = make(map[string]int, len(t.Columns))
	for i, col := range t.Columns {
		t.colIdx[col.Name] = i
	}
}

func (c *catalog) database(name string) *DatabaseMeta { return c.byName[name] }

// createDatabase adds a database; it reports false when it existed.
func (c *catalog) createDatabase(name string, retention time.Duration) (*DatabaseMeta, bool) {
	if db := c.byName[name]; db != nil {
		return db, false
	}
	db := &DatabaseMeta{Name: name, Retention: retention, byName: map[string]*TableMeta{}}
	c.byName[name] = db
	c.Databases = append(c.Databases, db)
	sort.Slice(c.Databases, func(i, j int) bool { return c.Databases[i].Name < c.Databases[j].Name })
	return db, true
}

func (c *catalog) dropDatabase(name string) *DatabaseMeta {
	db := c.byName[name]
	if db == nil {
		return nil
	}
	delete(c.byName, name)
	for i, d := range c.Databases {
		if d == db {
			c.Databases = append(c.Databases[:i], c.Databases[i+1:]...)
			break
		}
	}
	return db
}

func (db *DatabaseMeta) table(name string) *TableMeta { return db.byName[name] }

// dropTable removes a table and returns where it was in db.Tables (-1
// when there was none).
func (db *DatabaseMeta) dropTable(name string) int {
	t := db.byName[name]
	if t == nil {
		return -1
	}
	delete(db.byName, name)
	i := slices.Index(db.Tables, t)
	db.Tables = slices.Delete(db.Tables, i, i+1)
	return i
}

// restoreTable puts back a table dropTable removed from position i.
func (db *DatabaseMeta) restoreTable(t *TableMeta, i int) {
	db.byName[t.Name] = t
	db.Tables = slices.Insert(db.Tables, i, t)
}

func (db *DatabaseMeta) createTable(name string) *TableMeta {
	if t := db.byName[name]; t != nil {
		return t
	}
	t := &TableMeta{Name: name, Columns: []ColumnMeta{{Name: TimeColumn, Type: TypeTime, Num: 1}}, NAtts: 1}
	t.reindex()
	db.byName[name] = t
	db.Tables = append(db.Tables, t)
	sort.Slice(db.Tables, func(i, j int) bool { return db.Tables[i].Name < db.Tables[j].Name })
	return t
}

// Column returns the column named name and whether it exists.
func (t *TableMeta) Column(name string) (ColumnMeta, bool) {
	i, ok := t.colIdx[name]
	if !ok {
		return ColumnMeta{}, false
	}
	return t.Columns[i], true
}

// checkColumn reports the conflict, if any, of writing column name as type typ.
func (t *TableMeta) checkColumn(name string, typ ColumnType) error {
	if t.TimeName != "" && name == t.TimeName {
		return &Error{Code: CodeColumnType,
			Msg:  fmt.Sprintf("column '%s' of table '%s' is its time column, it cannot be written as a %s", name, t.Name, kindName(typ)),
			Hint: "a write gives the time as the row's timestamp; name the other column otherwise"}
	}
	col, ok := t.Column(name)
	if !ok || col.Type == typ {
		return nil
	}
	if col.Type == TypeTag || typ == TypeTag || col.Type == TypeTime {
		return &Error{Code: CodeColumnType,
			Msg:  fmt.Sprintf("column '%s' of table '%s' is a %s, it cannot be written as a %s", name, t.Name, kindName(col.Type), kindName(typ)),
			Hint: "a name is either a tag or a field of a table, for good; rename one of them"}
	}
	return columnTypeError(t.Name, name, col.Type, typ)
}

func kindName(t ColumnType) string {
	switch t {
	case TypeTag:
		return "tag"
	case TypeTime:
		return "time column"
	}
	return "field"
}

// addColumn adds a column (the caller checked it does not conflict). Tags go
// after the last tag, fields at the end; SQL shows it after every other
// (Num).
func (t *TableMeta) addColumn(name string, typ ColumnType) {
	if _, ok := t.colIdx[name]; ok {
		return
	}
	t.NAtts++
	col := ColumnMeta{Name: name, Type: typ, Num: t.NAtts}
	if typ != TypeTag {
		t.Columns = append(t.Columns, col)
		t.colIdx[name] = len(t.Columns) - 1
		return
	}
	at := 1
	for at < len(t.Columns) && t.Columns[at].Type == TypeTag {
		at++
	}
	t.Columns = append(t.Columns, ColumnMeta{})
	copy(t.Columns[at+1:], t.Columns[at:])
	t.Columns[at] = col
	t.reindex()
}

// TagColumns returns the names of the table's tag columns in table order.
func (t *TableMeta) TagColumns() []string {
	var tags []string
	for _, c := range t.Columns {
		if c.Type == TypeTag {
			tags = append(tags, c.Name)
		}
	}
	return tags
}

// clone returns a deep copy of the table's description without its files.
func (t *TableMeta) cloneSchema() *TableMeta {
	c := &TableMeta{Name: t.Name, Columns: append([]ColumnMeta(nil), t.Columns...), NAtts: t.NAtts}
	c.reindex()
	return c
}

func (t *TableMeta) removeFiles(ids map[uint64]bool) {
	kept := t.Files[:0]
	for _, f := range t.Files {
		if !ids[f.ID] {
			kept = append(kept, f)
		}
	}
	for i := len(kept); i < len(t.Files); i++ {
		t.Files[i] = nil
	}
	t.Files = kept
}

func (t *TableMeta) addFile(f *FileMeta) {
	t.Files = append(t.Files, f)
	sort.Slice(t.Files, func(i, j int) bool {
		a, b := t.Files[i], t.Files[j]
		return a.Order < b.Order || a.Order == b.Order && a.ID < b.ID
	})
}

// Day helpers. Partitions are UTC days.
const nanosPerDay = int64(24 * time.Hour)

// dayOf returns the UTC day number (days since 1970-01-01) of a nanosecond
// timestamp, rounding towards minus infinity.
func dayOf(ts int64) int64 {
	d := ts / nanosPerDay
	if ts%nanosPerDay < 0 {
		d--
	}
	return d
}

// dayName is the partition directory name of a day: YYYY-MM-DD.
func dayName(day int64) string {
	return time.Unix(day*86400, 0).UTC().Format("2006-01-02")
}
