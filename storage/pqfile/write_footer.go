package pqfile

import (
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// physicalType is the Parquet physical type of a column kind.
func (k kind) physicalType() format.Type {
	switch k {
	case kindTime, kindTimestamp, kindInt, kindUint:
		return format.Int64
	case kindFloat:
		return format.Double
	case kindBool:
		return format.Boolean
	}
	return format.ByteArray
}

// schemaElement is the Parquet schema leaf of a column.
func (c writeColumn) schemaElement() format.SchemaElement {
	el := format.SchemaElement{
		Type:           thrift.New(c.kind.physicalType()),
		RepetitionType: thrift.New(format.Optional),
		Name:           c.name,
	}
	switch c.kind {
	case kindTime:
		el.RepetitionType = thrift.New(format.Required)
		el.LogicalType = format.LogicalType{Value: &format.TimestampType{IsAdjustedToUTC: true, Unit: format.TimeUnit{Value: &format.NanoSeconds{}}}}
	case kindTimestamp:
		el.LogicalType = format.LogicalType{Value: &format.TimestampType{IsAdjustedToUTC: true, Unit: format.TimeUnit{Value: &format.NanoSeconds{}}}}
	case kindTag, kindString:
		el.LogicalType = format.LogicalType{Value: &format.StringType{}}
		el.ConvertedType = thrift.New(deprecated.UTF8)
	case kindUint:
		el.LogicalType = format.LogicalType{Value: &format.IntType{BitWidth: 64, IsSigned: false}}
		el.ConvertedType = thrift.New(deprecated.Uint64)
	}
	return el
}

// writeIndexes writes every column chunk's column index, then every offset
// index (the order readers expect: each kind contiguous), and points the
// chunk metadata at them.
func (w *Writer) writeIndexes() error {
	proto := new(thrift.CompactProtocol)
	for _, offsets := range []bool{false, true} {
		for g := range w.groups {
			for c := range w.cols {
				ci := &w.indexes[g][c]
				cc := &w.groups[g].Columns[c]
				if !offsets && ci.noColumn {
					continue
				}
				var v any = &ci.column
				if offsets {
					v = &ci.offset
				}
				b, err := thrift.Marshal(proto, v)
				if err != nil {
					return fmt.Errorf("pqfile: encode page index: %w", err)
				}
				if offsets {
					cc.OffsetIndexOffset, cc.OffsetIndexLength = w.out.n, int32(len(b))
				} else {
					cc.ColumnIndexOffset, cc.ColumnIndexLength = w.out.n, int32(len(b))
				}
				if _, err := w.out.Write(b); err != nil {
					return fmt.Errorf("pqfile: write page index: %w", err)
				}
			}
		}
	}
	return nil
}

// writeFooter writes the FileMetaData, its length and the closing magic.
func (w *Writer) writeFooter() error {
	schema := []format.SchemaElement{{Name: "strata", NumChildren: thrift.New(int32(len(w.cols)))}}
	orders := make([]format.ColumnOrder, len(w.cols))
	for i, c := range w.cols {
		schema = append(schema, c.col.schemaElement())
		orders[i] = format.ColumnOrder{Value: &format.TypeDefinedOrder{}}
	}
	keys := make([]string, 0, len(w.opts.Metadata))
	for k := range w.opts.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var kv []format.KeyValue
	for _, k := range keys {
		kv = append(kv, format.KeyValue{Key: k, Value: w.opts.Metadata[k]})
	}
	md := format.FileMetaData{
		Version:          2,
		Schema:           schema,
		NumRows:          w.stats.Rows,
		RowGroups:        w.groups,
		KeyValueMetadata: kv,
		CreatedBy:        "strata version 0.1.0",
		ColumnOrders:     orders,
	}
	b, err := thrift.Marshal(new(thrift.CompactProtocol), &md)
	if err != nil {
		return fmt.Errorf("pqfile: encode footer: %w", err)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(b)))
	b = append(b, "PAR1"...)
	if _, err := w.out.Write(b); err != nil {
		return fmt.Errorf("pqfile: write footer: %w", err)
	}
	return nil
}
