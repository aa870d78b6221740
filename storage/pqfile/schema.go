package pqfile

import (
	"fmt"
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"
)

// TimeColumn is the name of the time column every file has.
const TimeColumn = "time"

// kind is the role and value type of one column, inferred from its Arrow type
// when writing and from its Parquet type when reading.
type kind uint8

const (
	kindTime      kind = iota + 1 // required INT64 TIMESTAMP(UTC, NANOS)
	kindTag                       // optional BYTE_ARRAY STRING, RLE_DICTIONARY
	kindFloat                     // optional DOUBLE
	kindInt                       // optional INT64
	kindUint                      // optional INT64 INTEGER(64, unsigned)
	kindString                    // optional BYTE_ARRAY STRING, PLAIN
	kindBool                      // optional BOOLEAN
	kindTimestamp                 // optional INT64 TIMESTAMP(UTC, NANOS): a field holding a time
)

// The Arrow types of stored columns. They mirror storage/arrowtypes.go, which
// this leaf package must not import.
var (
	timeArrowType = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}
	tagArrowType  = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
)

func (k kind) arrowType() arrow.DataType {
	switch k {
	case kindTime, kindTimestamp:
		return timeArrowType
	case kindTag:
		return tagArrowType
	case kindFloat:
		return arrow.PrimitiveTypes.Float64
	case kindInt:
		return arrow.PrimitiveTypes.Int64
	case kindUint:
		return arrow.PrimitiveTypes.Uint64
	case kindString:
		return arrow.BinaryTypes.String
	case kindBool:
		return arrow.FixedWidthTypes.Boolean
	}
	panic(fmt.Sprintf("pqfile: no Arrow type for kind %d", k))
}

// kindOfArrow maps an Arrow field of a stored record to its column kind.
func kindOfArrow(f arrow.Field) (kind, error) {
	switch dt := f.Type.(type) {
	case *arrow.TimestampType:
		if dt.Unit == arrow.Nanosecond {
			if f.Name == TimeColumn {
				return kindTime, nil
			}
			return kindTimestamp, nil
		}
	case *arrow.DictionaryType:
		if dt.IndexType.ID() == arrow.INT32 && dt.ValueType.ID() == arrow.STRING {
			return kindTag, nil
		}
	default:
		switch f.Type.ID() {
		case arrow.FLOAT64:
			return kindFloat, nil
		case arrow.INT64:
			return kindInt, nil
		case arrow.UINT64:
			return kindUint, nil
		case arrow.STRING:
			return kindString, nil
		case arrow.BOOL:
			return kindBool, nil
		}
	}
	return 0, fmt.Errorf("column %q: Arrow type %v is not a stored column type", f.Name, f.Type)
}

// parquetNode returns the Parquet node a column of kind k is written as.
func (k kind) parquetNode() parquet.Node {
	switch k {
	case kindTime:
		return parquet.Encoded(parquet.Timestamp(parquet.Nanosecond), &parquet.DeltaBinaryPacked)
	case kindTimestamp:
		return parquet.Optional(parquet.Encoded(parquet.Timestamp(parquet.Nanosecond), &parquet.DeltaBinaryPacked))
	case kindTag:
		return parquet.Optional(parquet.Encoded(parquet.String(), &parquet.RLEDictionary))
	case kindFloat:
		return parquet.Optional(parquet.Leaf(parquet.DoubleType))
	case kindInt:
		return parquet.Optional(parquet.Leaf(parquet.Int64Type))
	case kindUint:
		return parquet.Optional(parquet.Uint(64))
	case kindString:
		return parquet.Optional(parquet.Encoded(parquet.String(), &parquet.Plain))
	case kindBool:
		return parquet.Optional(parquet.Leaf(parquet.BooleanType))
	}
	panic(fmt.Sprintf("pqfile: no Parquet node for kind %d", k))
}

// kindOfParquet maps a top-level Parquet leaf column to its kind. A string
// column is a tag when its chunks are dictionary encoded (dictEncoded).
func kindOfParquet(c *parquet.Column, dictEncoded bool) (kind, error) {
	if !c.Leaf() || c.Repeated() || c.MaxRepetitionLevel() != 0 || c.MaxDefinitionLevel() > 1 {
		return 0, fmt.Errorf("column %q: not a flat leaf column", c.Name())
	}
	t := c.Type()
	var logical format.LogicalTypeValue
	if lt := t.LogicalType(); lt != nil {
		logical = lt.Value
	}
	optional := c.Optional()
	switch t.Kind() {
	case parquet.Int64:
		switch lt := logical.(type) {
		case nil:
			if optional {
				return kindInt, nil
			}
		case *format.TimestampType:
			if _, nanos := lt.Unit.Value.(*format.NanoSeconds); nanos && lt.IsAdjustedToUTC {
				switch {
				case c.Name() == TimeColumn && !optional:
					return kindTime, nil
				case c.Name() != TimeColumn && optional:
					return kindTimestamp, nil
				}
			}
		case *format.IntType:
			if optional && lt.BitWidth == 64 {
				if lt.IsSigned {
					return kindInt, nil
				}
				return kindUint, nil
			}
		}
	case parquet.Double:
		if optional && logical == nil {
			return kindFloat, nil
		}
	case parquet.Boolean:
		if optional && logical == nil {
			return kindBool, nil
		}
	case parquet.ByteArray:
		if _, isString := logical.(*format.StringType); isString && optional {
			if dictEncoded {
				return kindTag, nil
			}
			return kindString, nil
		}
	}
	return 0, fmt.Errorf("column %q: Parquet type %v (optional=%t) is not a stored column type", c.Name(), t, optional)
}

// isDictEncoded reports whether a column chunk holds dictionary-encoded pages.
func isDictEncoded(md *format.ColumnMetaData) bool {
	for _, e := range md.Encoding {
		if e == format.RLEDictionary || e == format.PlainDictionary {
			return true
		}
	}
	return md.DictionaryPageOffset != 0
}

// group is a Parquet group node whose fields keep the order they were given in
// (parquet.Group is a map and sorts its fields by name).
type group []parquet.Field

type groupField struct {
	parquet.Node
	name string
}

func (f groupField) Name() string                      { return f.name }
func (f groupField) Value(reflect.Value) reflect.Value { return reflect.Value{} }

func (g group) ID() int                     { return 0 }
func (g group) String() string              { return "group" }
func (g group) Type() parquet.Type          { return parquet.Group(nil).Type() }
func (g group) Optional() bool              { return false }
func (g group) Repeated() bool              { return false }
func (g group) Required() bool              { return true }
func (g group) Leaf() bool                  { return false }
func (g group) Fields() []parquet.Field     { return g }
func (g group) Encoding() encoding.Encoding { return nil }
func (g group) Compression() compress.Codec { return nil }
func (g group) GoType() reflect.Type        { return reflect.TypeFor[map[string]any]() }
