package exec

import (
	"encoding/binary"
	"math/bits"

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

// withNull marks value i of n NULL in validity bitmap valid, which nil
// means all valid (then a bitmap is made): the bitmap to keep using.
func withNull(valid []byte, n, i int) []byte {
	if valid == nil {
		valid = allValid(n)
	}
	valid[i>>3] &^= 1 << (uint(i) & 7)
	return valid
}

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
func fixedArray[T int64 | uint64 | float64 | int32 | arrow.MonthDayNanoInterval](dt arrow.DataType, values []T, valid []byte) arrow.Array {
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

// selectTrue appends to sel the indexes of the rows where b is true (not
// false, not NULL), reading its bitmaps 64 rows at a time.
func selectTrue(b *array.Boolean, sel []int32) []int32 {
	n, off := b.Len(), b.Data().Offset()
	if n == 0 {
		return sel // a builder's empty array may have no value buffer
	}
	vals := b.Data().Buffers()[1].Bytes()
	var valid []byte
	if b.NullN() > 0 {
		valid = b.NullBitmapBytes()
	}
	for w := 0; w < n; w += 64 {
		word := bitWord(vals, off+w)
		if valid != nil {
			word &= bitWord(valid, off+w)
		}
		if rest := n - w; rest < 64 {
			word &= 1<<uint(rest) - 1
		}
		for word != 0 {
			sel = append(sel, int32(w+bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
	return sel
}

// bitWord is the 64 bits of bitmap b from bit i on (past its end: 0s).
func bitWord(b []byte, i int) uint64 {
	byteAt, shift := i>>3, uint(i&7)
	if byteAt+9 > len(b) {
		// Near the end: the bytes left, then zeros.
		var buf [9]byte
		copy(buf[:], b[min(byteAt, len(b)):])
		b, byteAt = buf[:], 0
	}
	w := binary.LittleEndian.Uint64(b[byteAt:])
	if shift == 0 {
		return w
	}
	return w>>shift | uint64(b[byteAt+8])<<(64-shift)
}
