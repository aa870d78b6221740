package influxql

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stratadb/strata/storage"
)

// EngineCatalog is the storage engine's catalog as translation reads it.
type EngineCatalog struct{ Engine *storage.Engine }

// Measurements lists db's tables.
func (c EngineCatalog) Measurements(db string) []string {
	for _, d := range c.Engine.Databases() {
		if d.Name == db {
			return slices.Sorted(slices.Values(d.Tables))
		}
	}
	return nil
}

// kinds maps storage's column types to InfluxQL's.
var kinds = map[storage.ColumnType]Kind{
	storage.TypeTime: KindTime, storage.TypeTag: KindTag, storage.TypeFloat: KindFloat, storage.TypeInt: KindInteger,
	storage.TypeUint: KindUnsigned, storage.TypeString: KindString, storage.TypeBool: KindBoolean,
}

// Columns lists a table's columns.
func (c EngineCatalog) Columns(db, m string) []Column {
	cols, err := c.Engine.TableSchema(db, m)
	if err != nil {
		return nil
	}
	out := make([]Column, 0, len(cols))
	for _, col := range cols {
		k, ok := kinds[col.Type]
		if !ok {
			continue // a timestamptz field (made by SQL): InfluxQL has no such field type
		}
		out = append(out, Column{Name: col.Name, Kind: k})
	}
	return out
}

// TimeBounds is the time of a table's first and last rows.
func (c EngineCatalog) TimeBounds(db, m string) (lo, hi int64, ok bool) {
	lo, hi, _, ok = c.Engine.TimeBounds(db, m)
	return lo, hi, ok
}

// SQL translates one InfluxQL statement to the query that answers it in
// InfluxDB 3's shape (/api/v3/query_influxql, Flight tickets with
// query_type influxql): a row per point with its measurement in
// iox::measurement, then time, the GROUP BY tags and the values; SHOW
// DATABASES as iox::database. params are the values of its $parameters.
// A statement over no measurement is a query of no rows.
func SQL(q, db string, params map[string]any, e *storage.Engine, now time.Time) (*Query, error) {
	stmts, err := Parse(q)
	if err == nil && len(stmts) != 1 {
		err = fmt.Errorf("expected one InfluxQL statement, got %d", len(stmts))
	}
	if err == nil {
		err = Bind(stmts[0], params)
	}
	if err != nil {
		return nil, err
	}
	if ds, ok := stmts[0].(*DatabaseStatement); ok {
		if ds.Verb != "show databases" {
			return nil, fmt.Errorf("%s is not supported here: manage databases with /api/v3/configure/database", strings.ToUpper(ds.Verb))
		}
		var rows []string
		for _, d := range e.Databases() {
			rows = append(rows, "("+quoteString(d.Name)+")")
		}
		if len(rows) == 0 {
			return &Query{SQL: `SELECT '' AS "iox::database" WHERE false`}, nil
		}
		return &Query{SQL: `SELECT name AS "iox::database" FROM (VALUES ` + strings.Join(rows, ", ") + `) AS d(name) ORDER BY 1`}, nil
	}
	tq, err := Translate(stmts[0], db, EngineCatalog{Engine: e}, now)
	if err != nil {
		return nil, err
	}
	if tq == nil {
		return &Query{SQL: `SELECT '' AS "` + MeasurementColumn + `" WHERE false`}, nil
	}
	return tq, nil
}
