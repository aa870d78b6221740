package exec

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// takeRecord returns the rows idx of rec, in that order.
func takeRecord(rec arrow.Record, idx []int32) (arrow.Record, error) {
	cols := make([]arrow.Array, rec.NumCols())
	for i, col := range rec.Columns() {
		c, err := takeArray(col, idx)
		if err != nil {
			for _, done := range cols[:i] {
				done.Release()
			}
			return nil, err
		}
		cols[i] = c
	}
	out := array.NewRecord(rec.Schema(), cols, int64(len(idx)))
	for _, c := range cols {
		c.Release()
	}
	return out, nil
}

// takeArray gathers the values at idx. Typed loops over value slices; tag
// arrays keep their dictionary and gather codes.
func takeArray(a arrow.Array, idx []int32) (arrow.Array, error) {
	n := len(idx)
	var valid []byte
	if a.NullN() > 0 {
		valid = newBitmap(n)
		for i, j := range idx {
			if a.IsValid(int(j)) {
				setBit(valid, i)
			}
		}
	}
	switch a := a.(type) {
	case *array.Int64:
		return fixedArray(a.DataType(), gather(a.Int64Values(), idx), valid), nil
	case *array.Uint64:
		return fixedArray(a.DataType(), gather(a.Uint64Values(), idx), valid), nil
	case *array.Float64:
		return fixedArray(a.DataType(), gather(a.Float64Values(), idx), valid), nil
	case *array.Timestamp:
		return fixedArray(a.DataType(), gather(timestampValues(a), idx), valid), nil
	case *array.Dictionary:
		codes := gather(a.Indices().(*array.Int32).Int32Values(), idx)
		nulls := countNulls(valid, n)
		var vb *memory.Buffer
		if nulls > 0 {
			vb = memory.NewBufferBytes(valid)
		}
		data := array.NewData(a.DataType(), n, []*memory.Buffer{vb, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(codes))}, nil, nulls, 0)
		data.SetDictionary(a.Dictionary().Data())
		defer data.Release()
		d := array.NewDictionaryData(data)
		d.Dictionary() // built eagerly: Arrow builds it lazily without a lock
		return d, nil
	case *array.Boolean:
		vals := newBitmap(n)
		for i, j := range idx {
			if a.Value(int(j)) {
				setBit(vals, i)
			}
		}
		return boolArray(vals, valid, n), nil
	case *array.String:
		offsets := make([]int32, n+1)
		size := 0
		for _, j := range idx {
			size += a.ValueLen(int(j))
		}
		data := make([]byte, 0, size)
		for i, j := range idx {
			data = append(data, a.Value(int(j))...)
			offsets[i+1] = int32(len(data))
		}
		nulls := countNulls(valid, n)
		var vb *memory.Buffer
		if nulls > 0 {
			vb = memory.NewBufferBytes(valid)
		}
		ad := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{vb, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets)), memory.NewBufferBytes(data)}, nil, nulls, 0)
		defer ad.Release()
		return array.NewStringData(ad), nil
	case *array.MonthDayNanoInterval:
		b := array.NewMonthDayNanoIntervalBuilder(memory.DefaultAllocator)
		defer b.Release()
		for _, j := range idx {
			if a.IsNull(int(j)) {
				b.AppendNull()
			} else {
				b.Append(a.Value(int(j)))
			}
		}
		return b.NewArray(), nil
	case *array.Null:
		return array.NewNull(n), nil
	}
	return nil, fmt.Errorf("take: unsupported type %v", a.DataType())
}

func gather[T any](vals []T, idx []int32) []T {
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = vals[j]
	}
	return out
}
