package planner

import (
	"slices"

	"github.com/stratadb/strata/storage"
)

// A table's time column may have another name than time, as TimescaleDB's
// and QuestDB's tables name it (CREATE TABLE conditions (ts timestamptz
// NOT NULL, ...)). Storage keeps the column as time and records the name
// (storage.Engine.TimeName); the planner shows the column under that name,
// as it shows a materialized view's time under the view's name for it:
// reads bind it as a scope column stored as time, the catalogs list it,
// and the statements that name columns (INSERT, COPY, ON CONFLICT,
// RETURNING, UPDATE, DELETE, ALTER) map the name to storage's. InfluxDB
// 3's endpoints (the HTTP query API, Flight, InfluxQL) read it as time,
// the name InfluxDB gives every table's time column.

// timeName is the name SQL shows table's time column under.
func (p *Planner) timeName(db, table string) string {
	if p.Engine == nil {
		return storage.TimeColumn
	}
	return p.Engine.TimeName(db, table)
}

// shownColumns are a table's stored columns as SQL shows them: the time
// column under its name (a copy when that is not time).
func shownColumns(cols []storage.ColumnMeta, timeName string) []storage.ColumnMeta {
	if timeName == storage.TimeColumn {
		return cols
	}
	out := make([]storage.ColumnMeta, len(cols))
	for i, c := range cols {
		if c.Type == storage.TypeTime {
			c.Name = timeName
		}
		out[i] = c
	}
	return out
}

// storedNames maps column names as SQL writes them to storage's: the time
// column's name to time (a copy when one changes). A column named time of
// a table whose time is shown otherwise keeps its name, which storage
// does not have (so it is refused or made as any unknown column is).
func storedNames(names []string, timeName string) []string {
	if !slices.Contains(names, timeName) {
		return names
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = storedName(n, timeName)
	}
	return out
}

// storedName is storedNames of one name.
func storedName(name, timeName string) string {
	if name == timeName {
		return storage.TimeColumn
	}
	return name
}
