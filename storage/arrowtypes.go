package storage

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The Arrow types of stored columns. Every record the engine hands out uses
// them; storage/pqfile maps them to and from Parquet by the Arrow type alone:
//   - time: timestamp[ns, tz=UTC], never null, named "time";
//   - tags: dictionary<values=utf8, indices=int32>, nullable;
//   - fields: float64, int64, uint64, utf8, bool, nullable, and
//     timestamp[ns, tz=UTC] of another name than time (TypeTimestamp).
var (
	TimeArrowType = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}
	TagArrowType  = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
)

// ArrowType returns the Arrow type that stores columns of type t.
func ArrowType(t ColumnType) arrow.DataType {
	switch t {
	case TypeTime, TypeTimestamp:
		return TimeArrowType
	case TypeTag:
		return TagArrowType
	case TypeFloat:
		return arrow.PrimitiveTypes.Float64
	case TypeInt:
		return arrow.PrimitiveTypes.Int64
	case TypeUint:
		return arrow.PrimitiveTypes.Uint64
	case TypeString:
		return arrow.BinaryTypes.String
	case TypeBool:
		return arrow.FixedWidthTypes.Boolean
	}
	panic(fmt.Sprintf("storage: no Arrow type for column type %v", t))
}

// ColumnTypeOf returns the column type an Arrow field of a stored record has.
func ColumnTypeOf(f arrow.Field) (ColumnType, error) {
	switch dt := f.Type.(type) {
	case *arrow.TimestampType:
		if dt.Unit == arrow.Nanosecond {
			if f.Name == TimeColumn {
				return TypeTime, nil
			}
			return TypeTimestamp, nil
		}
	case *arrow.DictionaryType:
		if dt.ValueType.ID() == arrow.STRING {
			return TypeTag, nil
		}
	default:
		switch f.Type.ID() {
		case arrow.FLOAT64:
			return TypeFloat, nil
		case arrow.INT64:
			return TypeInt, nil
		case arrow.UINT64:
			return TypeUint, nil
		case arrow.STRING:
			return TypeString, nil
		case arrow.BOOL:
			return TypeBool, nil
		}
	}
	return TypeInvalid, fmt.Errorf("column %q: Arrow type %v is not a stored column type", f.Name, f.Type)
}

// TagArray returns the values of a, a utf8 array or a tag column, as a tag
// column (TagArrowType) allocated from mem: what an UPDATE stores in a tag.
func TagArray(a arrow.Array, mem memory.Allocator) (arrow.Array, error) {
	if arrow.TypeEqual(a.DataType(), TagArrowType) {
		a.Retain()
		return a, nil
	}
	s, ok := a.(*array.String)
	if !ok {
		return nil, fmt.Errorf("a tag holds text, not %s", a.DataType())
	}
	b := array.NewDictionaryBuilder(mem, TagArrowType).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	b.Reserve(s.Len())
	for i := range s.Len() {
		if s.IsNull(i) {
			b.AppendNull()
		} else if err := b.AppendString(s.Value(i)); err != nil {
			return nil, err
		}
	}
	return b.NewArray(), nil
}
