package storage

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// toRecord wraps a batch's slices as an Arrow record without copying values
// (DESIGN: building records through Arrow builders costs ~99 ns/row, wrapping
// slices is nearly free). Columns are time, the tags, then the fields, in batch
// order. Null tag codes are rewritten to 0 in place, as Arrow dictionary
// indices must stay in range even under a null; the batch is the engine's.
func (b *TableBatch) toRecord() arrow.Record {
	fields := make([]arrow.Field, 0, 1+len(b.Tags)+len(b.Fields))
	cols := make([]arrow.Array, 0, cap(fields))
	fields = append(fields, arrow.Field{Name: TimeColumn, Type: TimeArrowType})
	cols = append(cols, array.NewTimestampData(array.NewData(TimeArrowType, b.Rows,
		[]*memory.Buffer{nil, memory.NewBufferBytes(sliceBytes(b.Time))}, nil, 0, 0)))
	for i := range b.Tags {
		fields = append(fields, arrow.Field{Name: b.Tags[i].Name, Type: TagArrowType, Nullable: true})
		cols = append(cols, tagArray(&b.Tags[i], b.Rows))
	}
	for i := range b.Fields {
		f := &b.Fields[i]
		fields = append(fields, arrow.Field{Name: f.Name, Type: ArrowType(f.Type), Nullable: true})
		cols = append(cols, fieldArray(f, b.Rows))
	}
	rec := array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(b.Rows))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

func tagArray(t *TagColumn, rows int) arrow.Array {
	var valid []byte
	nulls := 0
	for i, c := range t.Codes {
		if c < 0 {
			if valid == nil {
				valid = make([]byte, (rows+7)/8)
				for j := range valid {
					valid[j] = 0xff
				}
			}
			valid[i>>3] &^= 1 << (uint(i) & 7)
			t.Codes[i] = 0
			nulls++
		}
	}
	var validBuf *memory.Buffer
	if valid != nil {
		validBuf = memory.NewBufferBytes(valid)
	}
	dict := array.NewStringData(stringData(t.Dict))
	defer dict.Release()
	data := array.NewData(TagArrowType, rows, []*memory.Buffer{validBuf, memory.NewBufferBytes(sliceBytes(t.Codes))}, nil, nulls, 0)
	data.SetDictionary(dict.Data())
	defer data.Release()
	return newDictArray(data)
}

// newDictArray makes a dictionary array and initialises its lazily built
// dictionary at once: Arrow builds it on first use without locking, and
// buffered records are read by several goroutines. A tag column of NULLs
// only gets a one-entry dictionary, so its rows' code 0 is in range for
// readers that look codes up before checking validity.
func newDictArray(data arrow.ArrayData) *array.Dictionary {
	// Dictionary returns a typed nil inside the interface when none is set.
	if dict, _ := data.Dictionary().(*array.Data); data.Len() > 0 && (dict == nil || dict.Len() == 0) {
		one := array.NewStringData(stringData([]string{""}))
		defer one.Release()
		data.(*array.Data).SetDictionary(one.Data())
	}
	d := array.NewDictionaryData(data)
	d.Dictionary()
	return d
}

// stringData builds the data of a utf8 array holding values.
func stringData(values []string) arrow.ArrayData {
	offsets := make([]int32, len(values)+1)
	size := 0
	for _, v := range values {
		size += len(v)
	}
	buf := make([]byte, 0, size)
	for i, v := range values {
		buf = append(buf, v...)
		offsets[i+1] = int32(len(buf))
	}
	return array.NewData(arrow.BinaryTypes.String, len(values),
		[]*memory.Buffer{nil, memory.NewBufferBytes(sliceBytes(offsets)), memory.NewBufferBytes(buf)}, nil, 0, 0)
}

func fieldArray(f *FieldColumn, rows int) arrow.Array {
	var validBuf *memory.Buffer
	if f.Nulls > 0 {
		validBuf = memory.NewBufferBytes(f.Valid)
	}
	var buffers []*memory.Buffer
	switch f.Type {
	case TypeFloat:
		buffers = []*memory.Buffer{validBuf, memory.NewBufferBytes(sliceBytes(f.Floats))}
	case TypeInt, TypeTimestamp:
		buffers = []*memory.Buffer{validBuf, memory.NewBufferBytes(sliceBytes(f.Ints))}
	case TypeUint:
		buffers = []*memory.Buffer{validBuf, memory.NewBufferBytes(sliceBytes(f.Uints))}
	case TypeBool:
		buffers = []*memory.Buffer{validBuf, memory.NewBufferBytes(f.Bools)}
	case TypeString:
		buffers = []*memory.Buffer{validBuf, memory.NewBufferBytes(sliceBytes(f.Offsets)), memory.NewBufferBytes(f.Data)}
	}
	data := array.NewData(ArrowType(f.Type), rows, buffers, nil, f.Nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// sliceBytes views a slice of fixed-size values as bytes, without copying.
func sliceBytes[T int32 | int64 | uint64 | float64](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

// timestamps views a timestamp array's values as int64 nanoseconds.
func timestamps(a arrow.Array) []int64 {
	v := a.(*array.Timestamp).TimestampValues()
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*int64)(unsafe.Pointer(&v[0])), len(v))
}

// splitByDay returns the batch's rows grouped by UTC day. The common case, a
// batch within one day, returns the batch itself.
func (b *TableBatch) splitByDay() map[int64]*TableBatch {
	if b.Rows == 0 {
		return nil
	}
	first := dayOf(b.Time[0])
	same := true
	for _, t := range b.Time {
		if dayOf(t) != first {
			same = false
			break
		}
	}
	if same {
		return map[int64]*TableBatch{first: b}
	}
	rowsOf := map[int64][]int{}
	for i, t := range b.Time {
		d := dayOf(t)
		rowsOf[d] = append(rowsOf[d], i)
	}
	out := make(map[int64]*TableBatch, len(rowsOf))
	for d, rows := range rowsOf {
		out[d] = b.take(rows)
	}
	return out
}

// take returns a new batch of the given rows.
func (b *TableBatch) take(rows []int) *TableBatch {
	n := len(rows)
	out := &TableBatch{Table: b.Table, Rows: n, Time: make([]int64, n)}
	for i, r := range rows {
		out.Time[i] = b.Time[r]
	}
	for _, tag := range b.Tags {
		codes := make([]int32, n)
		for i, r := range rows {
			codes[i] = tag.Codes[r]
		}
		out.Tags = append(out.Tags, TagColumn{Name: tag.Name, Dict: tag.Dict, Codes: codes})
	}
	for fi := range b.Fields {
		f := &b.Fields[fi]
		o := FieldColumn{Name: f.Name, Type: f.Type}
		bitmapLen := (n + 7) / 8
		if f.Nulls > 0 {
			o.Valid = make([]byte, bitmapLen)
		}
		if f.Type == TypeBool {
			o.Bools = make([]byte, bitmapLen)
		}
		if f.Type == TypeString {
			o.Offsets = make([]int32, n+1)
		}
		for i, r := range rows {
			if f.Nulls > 0 {
				if f.IsValid(r) {
					o.Valid[i>>3] |= 1 << (uint(i) & 7)
				} else {
					o.Nulls++
				}
			}
			switch f.Type {
			case TypeFloat:
				o.Floats = append(o.Floats, f.Floats[r])
			case TypeInt, TypeTimestamp:
				o.Ints = append(o.Ints, f.Ints[r])
			case TypeUint:
				o.Uints = append(o.Uints, f.Uints[r])
			case TypeBool:
				if f.Bools[r>>3]&(1<<(uint(r)&7)) != 0 {
					o.Bools[i>>3] |= 1 << (uint(i) & 7)
				}
			case TypeString:
				o.Data = append(o.Data, f.Data[f.Offsets[r]:f.Offsets[r+1]]...)
				o.Offsets[i+1] = int32(len(o.Data))
			}
		}
		if o.Nulls == 0 {
			o.Valid = nil
		}
		out.Fields = append(out.Fields, o)
	}
	return out
}
