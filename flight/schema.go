package flight

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/storage"
)

// ioxColumnType is the field metadata key InfluxDB 3 puts on result
// columns read straight from a table; its client libraries use it to tell
// tags, fields and the timestamp apart (queryPoints).
const ioxColumnType = "iox::column::type"

var ioxTypes = map[storage.ColumnType]string{
	storage.TypeTime:   "iox::column_type::timestamp",
	storage.TypeTag:    "iox::column_type::tag",
	storage.TypeFloat:  "iox::column_type::field::float",
	storage.TypeInt:    "iox::column_type::field::integer",
	storage.TypeUint:   "iox::column_type::field::uinteger",
	storage.TypeString: "iox::column_type::field::string",
	storage.TypeBool:   "iox::column_type::field::boolean",
}

// resultSchema names the engine's output fields as the query's columns and
// marks those that are a table's own column (same name, same type) with
// InfluxDB 3's column-type metadata. actual is the running operator's
// schema (nil when only describing): its types are what the batches hold,
// but for dictionaries, which are declared as their values' type (see
// plain.go).
func (s *Server) resultSchema(db string, cols []planner.Column, actual *arrow.Schema) *arrow.Schema {
	tables := map[string][]storage.ColumnMeta{}
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		typ := c.Type
		if actual != nil && i < actual.NumFields() {
			typ = actual.Field(i).Type
		}
		typ = plainType(typ)
		switch {
		case c.Zone != "" && typ.ID() == arrow.TIMESTAMP:
			typ = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: c.Zone} // tz(x, zone), as InfluxDB 3 types it
		case c.PGType == 1114 && typ.ID() == arrow.TIMESTAMP:
			typ = wallClockType // a timestamp without time zone: no zone, as Arrow marks a reading
		case c.PGType == 1082 && typ.ID() == arrow.TIMESTAMP:
			typ = arrow.FixedWidthTypes.Date32
		}
		fields[i] = arrow.Field{Name: c.Name, Type: typ, Nullable: true}
		if c.Table == "" || s.Planner == nil || s.Planner.Engine == nil {
			continue
		}
		meta, ok := tables[c.Table]
		if !ok {
			meta, _ = s.Planner.SQLColumns(db, c.Table)
			tables[c.Table] = meta
		}
		for _, m := range meta {
			// The column the result reads (whatever it is named, AS host),
			// else a column of the result's name.
			if (c.AttNum > 0 && m.Num == int(c.AttNum) || c.AttNum == 0 && m.Name == c.Name) && sameKind(m.Type, typ) {
				fields[i].Metadata = arrow.NewMetadata([]string{ioxColumnType}, []string{ioxTypes[m.Type]})
				if m.Type == storage.TypeTime {
					fields[i].Nullable = false
				}
				break
			}
		}
	}
	return arrow.NewSchema(fields, nil)
}

// wallClockType is Arrow's timestamp without a time zone: a clock reading,
// not an instant.
var wallClockType = &arrow.TimestampType{Unit: arrow.Nanosecond}

// asDeclared gives a batch's column the type the result schema declares
// for it where they differ: a timestamp without time zone (the same
// values: Flight sessions read clocks in UTC), a timestamp of a zone (a
// tz() result's instants) or a date (days since the epoch). ok is false when a is already of type t.
func asDeclared(mem memory.Allocator, a arrow.Array, t arrow.DataType) (arrow.Array, bool) {
	if arrow.TypeEqual(a.DataType(), t) || a.DataType().ID() != arrow.TIMESTAMP {
		return a, false
	}
	switch t.ID() {
	case arrow.TIMESTAMP:
		// The same values: a reading (no zone) or a tz() result's instants
		// (its zone).
		d := a.Data()
		nd := array.NewData(t, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())
		defer nd.Release()
		return array.MakeFromData(nd), true
	case arrow.DATE32:
		return exec.Date32s(mem, a.(*array.Timestamp)), true
	}
	return a, false
}

// markInfluxQL marks an InfluxQL result's columns as InfluxDB 3 does, for
// its clients' points: time the timestamp, the series tags tags, the
// values fields of their type (iox::measurement stays unmarked).
func markInfluxQL(schema *arrow.Schema, tags []string) *arrow.Schema {
	fields := schema.Fields()
	for i, f := range fields {
		var kind string
		switch {
		case f.Name == "iox::measurement":
			continue
		case f.Name == "time" && f.Type.ID() == arrow.TIMESTAMP:
			kind = ioxTypes[storage.TypeTime]
		case slices.Contains(tags, f.Name):
			kind = ioxTypes[storage.TypeTag]
		default:
			kind = map[arrow.Type]string{arrow.FLOAT64: ioxTypes[storage.TypeFloat], arrow.INT64: ioxTypes[storage.TypeInt],
				arrow.UINT64: ioxTypes[storage.TypeUint], arrow.STRING: ioxTypes[storage.TypeString], arrow.DICTIONARY: ioxTypes[storage.TypeString],
				arrow.BOOL: ioxTypes[storage.TypeBool]}[f.Type.ID()]
		}
		if kind != "" {
			fields[i].Metadata = arrow.NewMetadata([]string{ioxColumnType}, []string{kind})
		}
	}
	md := schema.Metadata()
	return arrow.NewSchema(fields, &md)
}

// sameKind reports whether a result type is what a stored column of type t
// reads as, so that an expression reusing a column's name is not marked.
func sameKind(t storage.ColumnType, typ arrow.DataType) bool {
	switch t {
	case storage.TypeTime:
		return typ.ID() == arrow.TIMESTAMP
	case storage.TypeTag:
		return typ.ID() == arrow.DICTIONARY || typ.ID() == arrow.STRING
	case storage.TypeFloat:
		return typ.ID() == arrow.FLOAT64
	case storage.TypeInt:
		return typ.ID() == arrow.INT64
	case storage.TypeUint:
		return typ.ID() == arrow.UINT64
	case storage.TypeString:
		return typ.ID() == arrow.STRING
	case storage.TypeBool:
		return typ.ID() == arrow.BOOL
	}
	return false
}
