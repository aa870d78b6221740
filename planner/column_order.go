package planner

import (
	"cmp"
	"slices"

	"github.com/stratadb/strata/storage"
)

// Storage keeps a table's columns time, tags, fields (TableSchema's order,
// the order of its records and files); SQL shows and fills them in the
// order CREATE TABLE declared them, each column added later after the
// others (storage.ColumnMeta.Num, PostgreSQL's attnum). So CREATE TABLE t
// (time timestamptz NOT NULL, v float8, host text, PRIMARY KEY (time,
// host)) reads time, v, host in SELECT *, takes INSERT INTO t VALUES (now(),
// 1, 'a') and COPY t FROM STDIN in that order, and lists it so in the
// catalogs (pg_attribute, information_schema.columns) and RowDescription's
// attribute numbers. The statements that build records keep storage's
// order; those that read a column list without one written take this.

// sqlOrder is a table's columns (TableSchema's order) in SQL's order: a
// copy sorted by number.
func sqlOrder(cols []storage.ColumnMeta) []storage.ColumnMeta {
	out := slices.Clone(cols)
	slices.SortStableFunc(out, func(a, b storage.ColumnMeta) int { return cmp.Compare(a.Num, b.Num) })
	return out
}

// SQLColumns are a stored table's or materialized view's columns as SQL
// shows them: in SQL's order under the names it shows (a table's time
// column under its name, time_name.go; a view's columns in its query's
// order under its names, numbered 1 on), each with its attribute number
// (Num), which Column.AttNum gives a result column that reads one. A
// table that does not exist is 42P01 (tableColumns).
func (p *Planner) SQLColumns(db, name string) ([]storage.ColumnMeta, error) {
	cols, err := p.tableColumns(db, name)
	if err != nil {
		return nil, err
	}
	if def, ok := p.viewOf(db, name); ok {
		return viewColumns(def, cols), nil
	}
	return shownColumns(sqlOrder(cols), p.timeName(db, name)), nil
}

// lastAttNum is the highest attribute number of columns (pg_class's
// relnatts: PostgreSQL counts a dropped column's number too).
func lastAttNum(cols []storage.ColumnMeta) int {
	n := 0
	for _, c := range cols {
		n = max(n, c.Num)
	}
	return n
}
