package pqfile

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// mixedSchema has a column of every stored type, with nullable tags and
// fields, and one tag and one field that are always null.
func mixedSchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "host", Type: tagArrowType, Nullable: true},
		{Name: "région", Type: tagArrowType, Nullable: true},
		{Name: "empty_tag", Type: tagArrowType, Nullable: true},
		{Name: TimeColumn, Type: timeArrowType},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "u", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "null_field", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "ts", Type: timeArrowType, Nullable: true},
	}, nil)
}

var mixedStrings = []string{"", "plain", "ünïcødé", "日本語", "emoji 🚀", "quote\"and\\slash", "a longer string value that is longer than sixty-four bytes, for index truncation"}

// mixedRecords builds n rows of mixedSchema in records of recRows rows. Row i
// has time start+i*step; values cycle with different periods so nulls and
// values fall on every kind of page boundary.
func mixedRecords(mem memory.Allocator, n, recRows int, start, step int64) []arrow.Record {
	b := array.NewRecordBuilder(mem, mixedSchema())
	defer b.Release()
	var recs []arrow.Record
	for i := range n {
		tag := func(f int, v string, null bool) {
			db := b.Field(f).(*array.BinaryDictionaryBuilder)
			if null {
				db.AppendNull()
				return
			}
			if err := db.AppendString(v); err != nil {
				panic(err)
			}
		}
		tag(0, fmt.Sprintf("host-%02d", i/50), i%97 == 3)
		tag(1, mixedStrings[i%len(mixedStrings)], i%5 == 0)
		tag(2, "", true)
		b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(start + int64(i)*step))
		if fb := b.Field(4).(*array.Float64Builder); i%7 == 0 {
			fb.AppendNull()
		} else {
			fb.Append([]float64{1.5, -0.25, math.Inf(1), math.MaxFloat64, float64(i)}[i%5])
		}
		if ib := b.Field(5).(*array.Int64Builder); i%3 == 0 {
			ib.AppendNull()
		} else {
			ib.Append([]int64{math.MinInt64, -1, 0, int64(i), math.MaxInt64}[i%5])
		}
		if ub := b.Field(6).(*array.Uint64Builder); i%11 == 0 {
			ub.AppendNull()
		} else {
			ub.Append([]uint64{0, 1, math.MaxUint64, 1 << 63, uint64(i)}[i%5])
		}
		if sb := b.Field(7).(*array.StringBuilder); i%4 == 1 {
			sb.AppendNull()
		} else {
			sb.Append(mixedStrings[i%len(mixedStrings)])
		}
		if bb := b.Field(8).(*array.BooleanBuilder); i%6 == 2 {
			bb.AppendNull()
		} else {
			bb.Append(i%3 == 0)
		}
		b.Field(9).AppendNull()
		if tb := b.Field(10).(*array.TimestampBuilder); i%8 == 5 {
			tb.AppendNull()
		} else {
			tb.Append(arrow.Timestamp([]int64{math.MinInt64 + 1, -1, 0, start - int64(i)*step, math.MaxInt64}[i%5]))
		}
		if (i+1)%recRows == 0 || i+1 == n {
			recs = append(recs, b.NewRecordBatch())
		}
	}
	return recs
}
