package exec

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// rowRef addresses row (ref & 0xffffffff) of record (ref >> 32).
type rowRef = uint64

func makeRef(rec, row int) rowRef { return rowRef(rec)<<32 | rowRef(row) }

// gatherRows builds a record of schema from rows of several records of that
// schema. Tag columns keep their dictionary when every record shares it;
// otherwise the output gets a dictionary of the values it uses.
func gatherRows(schema *arrow.Schema, recs []arrow.Record, refs []rowRef) (arrow.Record, error) {
	cols := make([]arrow.Array, schema.NumFields())
	for c, f := range schema.Fields() {
		srcs := make([]arrow.Array, len(recs))
		for i, r := range recs {
			srcs[i] = r.Column(c)
		}
		col, err := gatherColumn(f.Type, srcs, refs)
		if err != nil {
			for _, done := range cols[:c] {
				done.Release()
			}
			return nil, err
		}
		cols[c] = col
	}
	out := array.NewRecord(schema, cols, int64(len(refs)))
	for _, c := range cols {
		c.Release()
	}
	return out, nil
}

func gatherColumn(dt arrow.DataType, srcs []arrow.Array, refs []rowRef) (arrow.Array, error) {
	n := len(refs)
	var valid []byte
	for _, s := range srcs {
		if s.NullN() > 0 {
			valid = newBitmap(n)
			for i, ref := range refs {
				if srcs[ref>>32].IsValid(int(uint32(ref))) {
					setBit(valid, i)
				}
			}
			break
		}
	}
	switch dt.ID() {
	case arrow.INT64:
		return fixedArray(dt, gatherTyped(srcs, refs, func(a arrow.Array) []int64 { return a.(*array.Int64).Int64Values() }), valid), nil
	case arrow.UINT64:
		return fixedArray(dt, gatherTyped(srcs, refs, func(a arrow.Array) []uint64 { return a.(*array.Uint64).Uint64Values() }), valid), nil
	case arrow.FLOAT64:
		return fixedArray(dt, gatherTyped(srcs, refs, func(a arrow.Array) []float64 { return a.(*array.Float64).Float64Values() }), valid), nil
	case arrow.TIMESTAMP:
		return fixedArray(dt, gatherTyped(srcs, refs, func(a arrow.Array) []int64 { return timestampValues(a.(*array.Timestamp)) }), valid), nil
	case arrow.DICTIONARY:
		return gatherDictionary(dt, srcs, refs, valid), nil
	case arrow.STRING:
		if out, ok := gatherStrings(dt, srcs, refs, valid); ok {
			return out, nil
		}
	}
	// Other types: through a builder.
	b := array.NewBuilder(memory.DefaultAllocator, dt)
	defer b.Release()
	b.Reserve(n)
	for _, ref := range refs {
		src, row := srcs[ref>>32], int(uint32(ref))
		if src.IsNull(row) {
			b.AppendNull()
			continue
		}
		switch bb := b.(type) {
		case *array.StringBuilder:
			bb.Append(src.(*array.String).Value(row))
		case *array.BooleanBuilder:
			bb.Append(src.(*array.Boolean).Value(row))
		case *array.MonthDayNanoIntervalBuilder:
			bb.Append(src.(*array.MonthDayNanoInterval).Value(row))
		case *array.NullBuilder:
			bb.AppendNull()
		default:
			return nil, fmt.Errorf("gather: unsupported type %v", dt)
		}
	}
	return b.NewArray(), nil
}

func gatherTyped[T any](srcs []arrow.Array, refs []rowRef, values func(arrow.Array) []T) []T {
	vals := make([][]T, len(srcs))
	for i, s := range srcs {
		vals[i] = values(s)
	}
	out := make([]T, len(refs))
	for i, ref := range refs {
		out[i] = vals[ref>>32][uint32(ref)]
	}
	return out
}

func gatherDictionary(dt arrow.DataType, srcs []arrow.Array, refs []rowRef, valid []byte) arrow.Array {
	n := len(refs)
	codes := make([]int32, n)
	var dict arrow.Array
	shared := true
	for i, s := range srcs {
		d := s.(*array.Dictionary).Dictionary()
		if i == 0 {
			dict = d
		} else if d.Data() != dict.Data() {
			shared = false
		}
	}
	if shared && len(srcs) > 0 {
		idx := make([][]int32, len(srcs))
		for i, s := range srcs {
			idx[i] = s.(*array.Dictionary).Indices().(*array.Int32).Int32Values()
		}
		for i, ref := range refs {
			codes[i] = idx[ref>>32][uint32(ref)]
		}
		dict.Retain()
	} else {
		intern := map[string]int32{}
		var values []string
		get := make([]func(int) string, len(srcs))
		for i, s := range srcs {
			get[i] = textAccessor(s)
		}
		for i, ref := range refs {
			src, row := srcs[ref>>32], int(uint32(ref))
			if src.IsNull(row) {
				continue
			}
			v := get[ref>>32](row)
			code, ok := intern[v]
			if !ok {
				code = int32(len(values))
				intern[v] = code
				values = append(values, v)
			}
			codes[i] = code
		}
		if len(values) == 0 && n > 0 {
			values = []string{""} // NULLs only: code 0 stays in range
		}
		sb := array.NewStringBuilder(memory.DefaultAllocator)
		sb.AppendValues(values, nil)
		dict = sb.NewArray()
		sb.Release()
	}
	defer dict.Release()
	nulls := countNulls(valid, n)
	var vb *memory.Buffer
	if nulls > 0 {
		vb = memory.NewBufferBytes(valid)
	}
	data := array.NewData(dt, n, []*memory.Buffer{vb, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(codes))}, nil, nulls, 0)
	data.SetDictionary(dict.Data())
	defer data.Release()
	d := array.NewDictionaryData(data)
	d.Dictionary()
	return d
}

// gatherStrings gathers text rows into one offsets buffer and one data
// buffer (sized in a first pass); false if a source is not a plain string
// array.
func gatherStrings(dt arrow.DataType, srcs []arrow.Array, refs []rowRef, valid []byte) (arrow.Array, bool) {
	strs := make([]*array.String, len(srcs))
	for i, s := range srcs {
		str, ok := s.(*array.String)
		if !ok {
			return nil, false
		}
		strs[i] = str
	}
	total := 0
	for _, ref := range refs {
		total += len(strs[ref>>32].Value(int(uint32(ref))))
	}
	if total > math.MaxInt32 {
		return nil, false
	}
	n := len(refs)
	offsets := make([]int32, n+1)
	data := make([]byte, 0, total)
	for i, ref := range refs {
		data = append(data, strs[ref>>32].Value(int(uint32(ref)))...)
		offsets[i+1] = int32(len(data))
	}
	return stringArray(dt, offsets, data, valid), true
}
