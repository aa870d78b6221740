package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// A WAL record holds one acknowledged write: a database and its table batches,
// in a compact binary form so that the WAL is never the bottleneck (a TSBS cpu
// row takes ~30 bytes instead of ~345 bytes of line protocol).
//
// Layout (uvarint = unsigned LEB128, varint = zig-zag LEB128, str = uvarint
// length + bytes):
//
//	record  := version:byte(1) db:str ntables:uvarint table*
//	table   := name:str rows:uvarint time ntags:uvarint tag* nfields:uvarint field*
//	time    := varint(t0) varint(t[i]-t[i-1])*          (rows values)
//	tag     := name:str ndict:uvarint str* uvarint(code+1)*  (0 = null)
//	field   := name:str type:byte nulls:uvarint [bitmap:(rows+7)/8 bytes if nulls>0] values
//	values  := float: 8 bytes little-endian each | int: varint each | uint: uvarint each
//	         | bool: (rows+7)/8 bytes bitmap | string: (len:uvarint bytes)*
const walRecordVersion = 1

// maxWALRows bounds the rows of one decoded table batch, so a corrupt length
// cannot make replay allocate without limit.
const maxWALRows = 1 << 28

// encodeWrite appends the record of a write to dst.
func encodeWrite(dst []byte, db string, batches []*TableBatch) []byte {
	dst = append(dst, walRecordVersion)
	dst = appendString(dst, db)
	dst = binary.AppendUvarint(dst, uint64(len(batches)))
	for _, b := range batches {
		dst = encodeBatch(dst, b)
	}
	return dst
}

func encodeBatch(dst []byte, b *TableBatch) []byte {
	dst = appendString(dst, b.Table)
	dst = binary.AppendUvarint(dst, uint64(b.Rows))
	prev := int64(0)
	for _, t := range b.Time {
		dst = binary.AppendVarint(dst, t-prev)
		prev = t
	}
	dst = binary.AppendUvarint(dst, uint64(len(b.Tags)))
	for i := range b.Tags {
		tag := &b.Tags[i]
		dst = appendString(dst, tag.Name)
		dst = binary.AppendUvarint(dst, uint64(len(tag.Dict)))
		for _, v := range tag.Dict {
			dst = appendString(dst, v)
		}
		for _, c := range tag.Codes {
			dst = binary.AppendUvarint(dst, uint64(c+1))
		}
	}
	dst = binary.AppendUvarint(dst, uint64(len(b.Fields)))
	for i := range b.Fields {
		dst = encodeField(dst, &b.Fields[i], b.Rows)
	}
	return dst
}

func encodeField(dst []byte, f *FieldColumn, rows int) []byte {
	dst = appendString(dst, f.Name)
	dst = append(dst, byte(f.Type))
	dst = binary.AppendUvarint(dst, uint64(f.Nulls))
	bitmapLen := (rows + 7) / 8
	if f.Nulls > 0 {
		dst = append(dst, f.Valid[:bitmapLen]...)
	}
	switch f.Type {
	case TypeFloat:
		for _, v := range f.Floats {
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
		}
	case TypeInt, TypeTimestamp:
		for _, v := range f.Ints {
			dst = binary.AppendVarint(dst, v)
		}
	case TypeUint:
		for _, v := range f.Uints {
			dst = binary.AppendUvarint(dst, v)
		}
	case TypeBool:
		dst = append(dst, f.Bools[:bitmapLen]...)
	case TypeString:
		for i := 0; i < rows; i++ {
			dst = appendString(dst, string(f.Data[f.Offsets[i]:f.Offsets[i+1]]))
		}
	}
	return dst
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

var errShortRecord = errors.New("record ends early")

// walDecoder reads a record; the first error sticks.
type walDecoder struct {
	buf []byte
	err error
}

func (d *walDecoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *walDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail(errShortRecord)
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *walDecoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf)
	if n <= 0 {
		d.fail(errShortRecord)
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *walDecoder) bytes(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.buf)) {
		d.fail(errShortRecord)
		return nil
	}
	b := d.buf[:n:n]
	d.buf = d.buf[n:]
	return b
}

func (d *walDecoder) str() string { return string(d.bytes(d.uvarint())) }

// count reads a count that needs at least minBytes bytes per element, so a
// corrupt count is caught before it sizes an allocation.
func (d *walDecoder) count(minBytes int) int {
	n := d.uvarint()
	if d.err == nil && (n > maxWALRows || n*uint64(minBytes) > uint64(len(d.buf))) {
		d.fail(fmt.Errorf("count %d exceeds the %d bytes left", n, len(d.buf)))
		return 0
	}
	return int(n)
}

// decodeWrite decodes a record written by encodeWrite. The batches it returns
// own their memory (nothing aliases data).
func decodeWrite(data []byte) (db string, batches []*TableBatch, err error) {
	if len(data) == 0 || data[0] != walRecordVersion {
		return "", nil, fmt.Errorf("decode WAL record: unknown record version")
	}
	d := &walDecoder{buf: data[1:]}
	db = d.str()
	n := d.count(2)
	for i := 0; i < n && d.err == nil; i++ {
		batches = append(batches, d.batch())
	}
	if d.err == nil && len(d.buf) != 0 {
		d.fail(fmt.Errorf("%d bytes after the last table", len(d.buf)))
	}
	if d.err != nil {
		return "", nil, fmt.Errorf("decode WAL record: %w", d.err)
	}
	for _, b := range batches {
		if err := b.Validate(); err != nil {
			return "", nil, fmt.Errorf("decode WAL record: %w", err)
		}
	}
	return db, batches, nil
}

func (d *walDecoder) batch() *TableBatch {
	b := &TableBatch{Table: d.str()}
	b.Rows = d.count(1)
	b.Time = make([]int64, b.Rows)
	prev := int64(0)
	for i := range b.Time {
		prev += d.varint()
		b.Time[i] = prev
	}
	b.Tags = make([]TagColumn, d.count(2))
	for i := range b.Tags {
		tag := &b.Tags[i]
		tag.Name = d.str()
		tag.Dict = make([]string, d.count(1))
		for j := range tag.Dict {
			tag.Dict[j] = d.str()
		}
		tag.Codes = make([]int32, b.Rows)
		for j := range tag.Codes {
			c := d.uvarint()
			if c > uint64(len(tag.Dict)) {
				d.fail(fmt.Errorf("tag %q code %d outside dictionary of %d", tag.Name, c, len(tag.Dict)))
				break
			}
			tag.Codes[j] = int32(c) - 1
		}
	}
	b.Fields = make([]FieldColumn, d.count(3))
	for i := range b.Fields {
		d.field(&b.Fields[i], b.Rows)
	}
	return b
}

func (d *walDecoder) field(f *FieldColumn, rows int) {
	f.Name = d.str()
	typ := d.bytes(1)
	if d.err != nil {
		return
	}
	f.Type = ColumnType(typ[0])
	bitmapLen := (rows + 7) / 8
	f.Nulls = int(d.uvarint())
	if f.Nulls > rows {
		d.fail(fmt.Errorf("field %q: %d nulls in %d rows", f.Name, f.Nulls, rows))
		return
	}
	if f.Nulls > 0 {
		f.Valid = append([]byte(nil), d.bytes(uint64(bitmapLen))...)
	}
	switch f.Type {
	case TypeFloat:
		raw := d.bytes(uint64(rows) * 8)
		if d.err == nil {
			f.Floats = make([]float64, rows)
			for i := range f.Floats {
				f.Floats[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[i*8:]))
			}
		}
	case TypeInt, TypeTimestamp:
		f.Ints = make([]int64, rows)
		for i := range f.Ints {
			f.Ints[i] = d.varint()
		}
	case TypeUint:
		f.Uints = make([]uint64, rows)
		for i := range f.Uints {
			f.Uints[i] = d.uvarint()
		}
	case TypeBool:
		f.Bools = append([]byte(nil), d.bytes(uint64(bitmapLen))...)
	case TypeString:
		f.Offsets = make([]int32, rows+1)
		for i := 0; i < rows && d.err == nil; i++ {
			f.Data = append(f.Data, d.bytes(d.uvarint())...)
			if len(f.Data) > math.MaxInt32 {
				d.fail(fmt.Errorf("field %q: string data over 2 GiB", f.Name))
			}
			f.Offsets[i+1] = int32(len(f.Data))
		}
	default:
		d.fail(fmt.Errorf("field %q: unknown column type %d", f.Name, f.Type))
	}
}
