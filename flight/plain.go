package flight

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Tags travel as dictionaries inside the engine but leave as plain strings:
// InfluxDB 3 hydrates dictionaries before sending, its Go client panics on
// a dictionary column, and the Flight SQL database/sql driver refuses them.

// plainType is t with dictionaries of strings replaced by strings.
func plainType(t arrow.DataType) arrow.DataType {
	if d, ok := t.(*arrow.DictionaryType); ok && d.ValueType.ID() == arrow.STRING {
		return arrow.BinaryTypes.String
	}
	return t
}

// plainStrings decodes a dictionary of strings into a string array in one
// pass over the codes: two buffers, no per-row allocation.
func plainStrings(mem memory.Allocator, a *array.Dictionary) arrow.Array {
	dict := a.Dictionary().(*array.String)
	n := a.Len()
	size := 0
	for i := range n {
		if a.IsValid(i) {
			size += dict.ValueLen(a.GetValueIndex(i))
		}
	}
	offsets := memory.NewResizableBuffer(mem)
	offsets.Resize((n + 1) * arrow.Int32SizeBytes)
	data := memory.NewResizableBuffer(mem)
	data.Resize(size)
	offs := arrow.Int32Traits.CastFromBytes(offsets.Bytes())
	bytes := data.Bytes()
	var validity *memory.Buffer
	var bits []byte
	if a.NullN() > 0 {
		validity = memory.NewResizableBuffer(mem)
		validity.Resize(int(bitutil.BytesForBits(int64(n))))
		bits = validity.Bytes()
		clear(bits)
	}
	pos := 0
	for i := range n {
		offs[i] = int32(pos)
		if a.IsValid(i) {
			pos += copy(bytes[pos:], dict.Value(a.GetValueIndex(i)))
			if bits != nil {
				bitutil.SetBit(bits, i)
			}
		}
	}
	offs[n] = int32(pos)
	out := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{validity, offsets, data}, nil, a.NullN(), 0)
	offsets.Release()
	data.Release()
	if validity != nil {
		validity.Release()
	}
	defer out.Release()
	return array.MakeFromData(out)
}
