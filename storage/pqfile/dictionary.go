package pqfile

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// dictionary is the Arrow copy of a Parquet dictionary page: built once per
// column chunk and shared, by reference, by the records whose tag codes
// index it.
type dictionary struct {
	arr *array.String
}

// newDictionary copies a Parquet dictionary (values and n+1 offsets) into
// Arrow buffers from alloc.
func newDictionary(vals []byte, offs []uint32, alloc memory.Allocator) *dictionary {
	n := max(len(offs)-1, 0)
	offsets := memory.NewResizableBuffer(alloc)
	offsets.Resize((n + 1) * arrow.Int32SizeBytes)
	o := arrow.Int32Traits.CastFromBytes(offsets.Bytes())
	base := uint32(0)
	if len(offs) > 0 {
		base = offs[0]
	}
	o[0] = 0
	for i := range n {
		o[i+1] = int32(offs[i+1] - base)
	}
	data := memory.NewResizableBuffer(alloc)
	if n > 0 {
		data.Resize(int(offs[n] - base))
		copy(data.Bytes(), vals[base:offs[n]])
	}
	d := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{nil, offsets, data}, nil, 0, 0)
	offsets.Release()
	data.Release()
	arr := array.NewStringData(d)
	d.Release()
	return &dictionary{arr: arr}
}

func (d *dictionary) len() int { return d.arr.Len() }
func (d *dictionary) retain()  { d.arr.Retain() }
func (d *dictionary) release() { d.arr.Release() }

// tagRemap is the dictionary of a batch that mixes Parquet dictionaries or
// plain tag strings: every distinct string gets a code.
type tagRemap struct {
	index  map[string]int32
	values []string
	tables map[*dictionary][]int32 // code in a shared dictionary → our code
}

// code returns the code of s, adding it if new.
func (m *tagRemap) code(s []byte) int32 {
	if c, ok := m.index[string(s)]; ok {
		return c
	}
	c := int32(len(m.values))
	str := string(s)
	m.index[str] = c
	m.values = append(m.values, str)
	return c
}

// table returns the translation of the codes of d.
func (m *tagRemap) table(d *dictionary) []int32 {
	t, ok := m.tables[d]
	if !ok {
		t = make([]int32, d.len())
		for i := range t {
			t[i] = m.code(stringBytes(d.arr.Value(i)))
		}
		m.tables[d] = t
	}
	return t
}

// array returns the dictionary as an Arrow array from alloc.
func (m *tagRemap) array(alloc memory.Allocator) *array.String {
	b := array.NewStringBuilder(alloc)
	defer b.Release()
	b.AppendValues(m.values, nil)
	return b.NewStringArray()
}

// stringBytes views a string's bytes without copying; the caller must not
// modify them.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
