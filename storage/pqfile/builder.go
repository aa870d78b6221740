package pqfile

import (
	"fmt"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// builder accumulates one column of a record in Arrow buffers allocated from
// alloc, filled by copying page values (no Arrow builders: they cost ~99 ns
// per 13-column row, see DESIGN.md).
type builder struct {
	kind  kind
	alloc memory.Allocator
	cap   int // rows the batch may hold
	n     int
	nulls int

	valid  *memory.Buffer // validity bitmap; nil while there are no nulls
	values *memory.Buffer // fixed-width values, bool bits, string offsets or tag codes
	data   *memory.Buffer // string bytes

	dict  *dictionary // the Arrow dictionary tag codes index (a reference)
	remap *tagRemap   // set once codes of another dictionary or plain strings mix in
}

func newBuilder(k kind, alloc memory.Allocator) *builder {
	return &builder{kind: k, alloc: alloc}
}

// reset starts a batch of at most capRows rows.
func (b *builder) reset(capRows int) {
	b.release()
	b.cap, b.n, b.nulls = capRows, 0, 0
	b.values = memory.NewResizableBuffer(b.alloc)
	switch b.kind {
	case kindBool:
		b.values.Reserve(int(bitutil.BytesForBits(int64(capRows))))
	case kindTag:
		b.values.Reserve(capRows * 4)
	case kindString:
		b.values.Reserve((capRows + 1) * 4)
		b.values.ResizeNoShrink(4) // offsets[0] = 0
		clear(b.values.Bytes())
		b.data = memory.NewResizableBuffer(b.alloc)
	default:
		b.values.Reserve(capRows * 8)
	}
}

// release drops the buffers of an unfinished batch.
func (b *builder) release() {
	for _, buf := range []*memory.Buffer{b.valid, b.values, b.data} {
		if buf != nil {
			buf.Release()
		}
	}
	b.valid, b.values, b.data = nil, nil, nil
	if b.dict != nil {
		b.dict.release()
		b.dict = nil
	}
	b.remap = nil
}

// setValid records rows n..n+k as valid, or, per levels, valid or null.
func (b *builder) setValid(levels []byte, k int) {
	if levels == nil {
		if b.valid != nil {
			bitutil.SetBitsTo(b.valid.Bytes(), int64(b.n), int64(k), true)
		}
		return
	}
	if b.valid == nil {
		b.valid = memory.NewResizableBuffer(b.alloc)
		b.valid.Resize(int(bitutil.BytesForBits(int64(b.cap))))
		clear(b.valid.Bytes())
		bitutil.SetBitsTo(b.valid.Bytes(), 0, int64(b.n), true)
	}
	bits := b.valid.Bytes()
	for i, l := range levels {
		if l != 0 {
			bitutil.SetBit(bits, b.n+i)
		} else {
			bitutil.ClearBit(bits, b.n+i)
			b.nulls++
		}
	}
}

// appendFixed appends k rows of width-byte values from src, starting at
// value v; levels (nil: no nulls) say which rows have a value.
func (b *builder) appendFixed(src []byte, width, v int, levels []byte, k int) {
	off := b.n * width
	b.values.ResizeNoShrink(off + k*width)
	dst := b.values.Bytes()[off:]
	if levels == nil {
		copy(dst, src[v*width:(v+k)*width])
	} else {
		for i, l := range levels {
			if l != 0 {
				copy(dst[i*width:(i+1)*width], src[v*width:(v+1)*width])
				v++
			} else {
				clear(dst[i*width : (i+1)*width])
			}
		}
	}
	b.setValid(levels, k)
	b.n += k
}

// appendInt64s appends non-null 8-byte values.
func (b *builder) appendInt64s(vs []int64) {
	b.appendFixed(asBytes(vs), 8, 0, nil, len(vs))
}

// appendBools appends k rows of bit-packed booleans from value v.
func (b *builder) appendBools(bits []byte, v int, levels []byte, k int) {
	b.values.ResizeNoShrink(int(bitutil.BytesForBits(int64(b.n + k))))
	dst := b.values.Bytes()
	for i := range k {
		set := false
		if levels == nil || levels[i] != 0 {
			set = bitutil.BitIsSet(bits, v)
			v++
		}
		bitutil.SetBitTo(dst, b.n+i, set)
	}
	b.setValid(levels, k)
	b.n += k
}

// appendStrings appends k rows of strings from value v of a page's values
// and offsets.
func (b *builder) appendStrings(vals []byte, offs []uint32, v int, levels []byte, k int) {
	b.values.ResizeNoShrink((b.n + 1 + k) * 4)
	offsets := unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(b.values.Bytes()))), b.n+1+k)
	for i := range k {
		if levels == nil || levels[i] != 0 {
			s := vals[offs[v]:offs[v+1]]
			v++
			pos := b.data.Len()
			b.data.ResizeNoShrink(pos + len(s))
			copy(b.data.Bytes()[pos:], s)
		}
		offsets[b.n+1+i] = int32(b.data.Len())
	}
	b.setValid(levels, k)
	b.n += k
}

// codes returns the tag codes of rows n..n+k, to be filled.
func (b *builder) codes(k int) []int32 {
	b.values.ResizeNoShrink((b.n + k) * 4)
	all := unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(b.values.Bytes()))), b.n+k)
	return all[b.n:]
}

// appendTagCodes appends k rows of dictionary codes from value v of codes,
// which index d.
func (b *builder) appendTagCodes(d *dictionary, src []int32, v int, levels []byte, k int) error {
	if b.dict == nil && b.remap == nil {
		d.retain()
		b.dict = d
	}
	direct := b.remap == nil && b.dict == d
	var table []int32
	if !direct {
		table = b.remapper().table(d)
	}
	dst := b.codes(k)
	n := int32(d.len())
	if levels == nil && direct {
		src = src[v : v+k]
		copy(dst, src)
		for _, code := range src {
			if uint32(code) >= uint32(n) {
				return fmt.Errorf("pqfile: dictionary code %d out of range [0, %d)", code, n)
			}
		}
		b.setValid(nil, k)
		b.n += k
		return nil
	}
	for i := range k {
		if levels != nil && levels[i] == 0 {
			dst[i] = 0
			continue
		}
		code := src[v]
		v++
		if uint32(code) >= uint32(n) {
			return fmt.Errorf("pqfile: dictionary code %d out of range [0, %d)", code, n)
		}
		if !direct {
			code = table[code]
		}
		dst[i] = code
	}
	b.setValid(levels, k)
	b.n += k
	return nil
}

// appendTagStrings appends k rows of plain tag strings from value v.
func (b *builder) appendTagStrings(vals []byte, offs []uint32, v int, levels []byte, k int) {
	m := b.remapper()
	dst := b.codes(k)
	for i := range k {
		if levels != nil && levels[i] == 0 {
			dst[i] = 0
			continue
		}
		dst[i] = m.code(vals[offs[v]:offs[v+1]])
		v++
	}
	b.setValid(levels, k)
	b.n += k
}

// remapper switches the batch to a dictionary of its own, seeded with the
// shared one so that the codes appended so far stay valid.
func (b *builder) remapper() *tagRemap {
	if b.remap == nil {
		b.remap = &tagRemap{index: map[string]int32{}, tables: map[*dictionary][]int32{}}
		if b.dict != nil {
			for i := range b.dict.len() {
				b.remap.code(stringBytes(b.dict.arr.Value(i)))
			}
		}
	}
	return b.remap
}

// finish returns the column as an Arrow array and leaves the builder empty.
func (b *builder) finish() arrow.Array {
	typ := b.kind.arrowType()
	var buffers []*memory.Buffer
	switch b.kind {
	case kindString:
		buffers = []*memory.Buffer{b.valid, b.values, b.data}
	default:
		buffers = []*memory.Buffer{b.valid, b.values}
	}
	var data arrow.ArrayData
	if b.kind == kindTag {
		dict := b.dictionaryArray()
		data = array.NewDataWithDictionary(typ, b.n, buffers, b.nulls, 0, dict.Data().(*array.Data))
		dict.Release()
	} else {
		data = array.NewData(typ, b.n, buffers, nil, b.nulls, 0)
	}
	arr := array.MakeFromData(data)
	data.Release()
	b.release()
	return arr
}

// dictionaryArray returns the Arrow dictionary of a tag batch (a reference).
func (b *builder) dictionaryArray() *array.String {
	switch {
	case b.remap != nil:
		return b.remap.array(b.alloc)
	case b.dict != nil:
		b.dict.retain()
		return b.dict.arr
	}
	return newDictionary(nil, []uint32{0}, b.alloc).arr
}
