package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// validity returns a copy of a's validity bitmap normalised to start at bit
// 0, or nil when a has no nulls.
func validity(a arrow.Array) []byte {
	if a.NullN() == 0 {
		return nil
	}
	n := a.Len()
	out := make([]byte, bitutil.BytesForBits(int64(n)))
	bitutil.CopyBitmap(a.NullBitmapBytes(), a.Data().Offset(), n, out, 0)
	return out
}

// andValidity combines two validity bitmaps (nil = all valid).
func andValidity(a, b []byte) []byte {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	out := make([]byte, len(a))
	for i := range out {
		out[i] = a[i] & b[i]
	}
	return out
}

func countNulls(valid []byte, n int) int {
	if valid == nil {
		return 0
	}
	return n - bitutil.CountSetBits(valid, 0, n)
}

func setBit(b []byte, i int) { b[i>>3] |= 1 << (uint(i) & 7) }

func getBit(b []byte, i int) bool { return b[i>>3]&(1<<(uint(i)&7)) != 0 }

// boolArray wraps a value bitmap and a validity bitmap (nil = no nulls).
func boolArray(values, valid []byte, n int) arrow.Array {
	nulls := countNulls(valid, n)
	var vb *memory.Buffer
	if nulls > 0 {
		vb = memory.NewBufferBytes(valid)
	}
	data := array.NewData(TypeBool, n, []*memory.Buffer{vb, memory.NewBufferBytes(values)}, nil, nulls, 0)
	defer data.Release()
	return array.NewBooleanData(data)
}

// fixedArray wraps a typed value slice and a validity bitmap as an array of
// type dt, without copying.
func fixedArray[T int64 | uint64 | float64 | int32](dt arrow.DataType, values []T, valid []byte) arrow.Array {
	n := len(values)
	nulls := countNulls(valid, n)
	var vb *memory.Buffer
	if nulls > 0 {
		vb = memory.NewBufferBytes(valid)
	}
	data := array.NewData(dt, n, []*memory.Buffer{vb, memory.NewBufferBytes(arrow.GetBytes(values))}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

func newBitmap(n int) []byte { return make([]byte, bitutil.BytesForBits(int64(n))) }
