package exec

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// castNumeric is Cast's vectorized path between the numeric types: one loop
// over the typed values, the validity bitmap copied. The generic path boxes
// every value (CastValue) and was 12% of high-cpu-all's CPU for its
// int-to-float comparison. ok is false for other type pairs.
func castNumeric(a arrow.Array, to arrow.DataType) (out arrow.Array, ok bool, err error) {
	n := a.Len()
	valid := func(i int) bool { return a.IsValid(i) }
	switch to.ID() {
	case arrow.FLOAT64:
		vals := make([]float64, n)
		switch src := a.(type) {
		case *array.Int64:
			for i, v := range src.Int64Values() {
				vals[i] = float64(v)
			}
		case *array.Uint64:
			for i, v := range src.Uint64Values() {
				vals[i] = float64(v)
			}
		default:
			return nil, false, nil
		}
		return numericArray(a, to, arrow.Float64Traits.CastToBytes(vals)), true, nil
	case arrow.INT64:
		vals := make([]int64, n)
		switch src := a.(type) {
		case *array.Float64:
			for i, v := range src.Float64Values() {
				if !valid(i) {
					continue
				}
				r := math.RoundToEven(v)
				if math.IsNaN(r) || r < math.MinInt64 || r >= math.MaxInt64 {
					return nil, true, errIntRange
				}
				vals[i] = int64(r)
			}
		case *array.Uint64:
			for i, v := range src.Uint64Values() {
				if v > math.MaxInt64 && valid(i) {
					return nil, true, errIntRange
				}
				vals[i] = int64(v)
			}
		default:
			return nil, false, nil
		}
		return numericArray(a, to, arrow.Int64Traits.CastToBytes(vals)), true, nil
	}
	return nil, false, nil
}

// numericArray wraps values as an array of type to with a's nulls.
func numericArray(a arrow.Array, to arrow.DataType, values []byte) arrow.Array {
	data := array.NewData(to, a.Len(), []*memory.Buffer{validityOf(a), memory.NewBufferBytes(values)}, nil, a.NullN(), 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// validityOf is a copy of a's validity bitmap from its offset, nil when
// it has no NULLs.
func validityOf(a arrow.Array) *memory.Buffer {
	if a.NullN() == 0 {
		return nil
	}
	n := a.Len()
	bits := make([]byte, bitutil.BytesForBits(int64(n)))
	bitutil.CopyBitmap(a.NullBitmapBytes(), a.Data().Offset(), n, bits, 0)
	return memory.NewBufferBytes(bits)
}

// castToTextFast is the cast to text of a column of bigint, double
// precision, boolean or timestamptz, written into one buffer as castToText
// writes each value (no boxing): ok false for other columns.
func castToTextFast(c *Ctx, a arrow.Array) (out arrow.Array, ok bool) {
	switch src := a.(type) {
	case *array.Int64:
		vals := src.Int64Values()
		return TextArray(a, nil, func(dst []byte, i int) []byte { return AppendInt(dst, vals[i]) }), true
	case *array.Float64:
		vals := src.Float64Values()
		return TextArray(a, nil, func(dst []byte, i int) []byte { return AppendFloat(dst, vals[i]) }), true
	case *array.Boolean:
		return TextArray(a, nil, func(dst []byte, i int) []byte {
			if src.Value(i) {
				return append(dst, "true"...)
			}
			return append(dst, "false"...)
		}), true
	case *array.Timestamp:
		if src.DataType().(*arrow.TimestampType).Unit != arrow.Nanosecond {
			return nil, false
		}
		vals, loc := src.TimestampValues(), c.Location
		return TextArray(a, nil, func(dst []byte, i int) []byte { return AppendTimestamp(dst, int64(vals[i]), loc) }), true
	}
	return nil, false
}

// TextArray is a text column of a's length whose valid rows are written
// by appendAt, all into one data buffer; a's NULL rows stay NULL, or with
// nullAs set are that text (an array element's NULL).
func TextArray(a arrow.Array, nullAs []byte, appendAt func(dst []byte, i int) []byte) arrow.Array {
	n := a.Len()
	offsets := make([]int32, n+1)
	data := make([]byte, 0, 16*n)
	for i := 0; i < n; i++ {
		switch {
		case a.IsValid(i):
			data = appendAt(data, i)
		case nullAs != nil:
			data = append(data, nullAs...)
		}
		offsets[i+1] = int32(len(data))
	}
	var validity *memory.Buffer
	nulls := 0
	if nullAs == nil {
		validity, nulls = validityOf(a), a.NullN()
	}
	d := array.NewData(TypeText, n, []*memory.Buffer{validity, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets)), memory.NewBufferBytes(data)}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}
