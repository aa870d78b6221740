package lp

import (
	"math"

	"github.com/stratadb/strata/storage"
)

// tableState is the parse state of one table: its batch and the indexes that
// resolve names to columns and tag values to dictionary codes. It is reused by
// later Parse calls (maps cleared); its batch never is.
type tableState struct {
	batch     *storage.TableBatch
	tagIdx    map[string]int32   // tag name → index in batch.Tags
	fieldIdx  map[string]int32   // field name → index in batch.Fields
	dicts     []map[string]int32 // per tag column: value → dictionary code
	fieldRaw  []string           // per field column: the key as escaped in the input
	fieldDecl []storage.Declared // per field column: its declared type (DeclaredSchema)
	tagDecl   []storage.Declared // per tag column: its declared type
	declared  bool               // some column has a declared type
	order     []int32            // field columns of the last accepted line, in line order
	capRows   int                // every column slice has room for this many rows (see grow)
	// notNull is the table's NOT NULL columns (NotNullSchema), once
	// notNullKnown.
	notNull      []string
	notNullKnown bool

	// Per-line scratch, all -1 between lines.
	rowTag   []int32 // per tag column: the code of this line's value; -2 = new value
	rowField []int32 // per field column: index into Parser.fields
}

func (t *tableState) reset() {
	t.batch = &storage.TableBatch{}
	if t.tagIdx == nil {
		t.tagIdx = make(map[string]int32)
		t.fieldIdx = make(map[string]int32)
	}
	clear(t.tagIdx)
	clear(t.fieldIdx)
	for _, d := range t.dicts {
		clear(d)
	}
	t.dicts = t.dicts[:0]
	t.fieldRaw = t.fieldRaw[:0]
	t.fieldDecl, t.tagDecl, t.declared = t.fieldDecl[:0], t.tagDecl[:0], false
	t.order = t.order[:0]
	t.rowTag = t.rowTag[:0]
	t.rowField = t.rowField[:0]
	t.capRows = 0
	t.notNull, t.notNullKnown = nil, false
}

// grow gives every column of t room for n rows, so that appends up to n rows
// never reallocate. The parser picks n by extrapolating the table's row count
// from how much of the body it has read: one or two copies per request instead
// of append's log2(rows), and little spare capacity left in the batch.
func (t *tableState) grow(n int) {
	b := t.batch
	b.Time = regrow(b.Time, n)
	for i := range b.Tags {
		b.Tags[i].Codes = regrow(b.Tags[i].Codes, n)
	}
	for i := range b.Fields {
		c := &b.Fields[i]
		if c.Valid != nil {
			c.Valid = regrow(c.Valid, bitmapLen(n))
		}
		switch c.Type {
		case storage.TypeFloat:
			c.Floats = regrow(c.Floats, n)
		case storage.TypeInt:
			c.Ints = regrow(c.Ints, n)
		case storage.TypeUint:
			c.Uints = regrow(c.Uints, n)
		case storage.TypeString:
			c.Offsets = regrow(c.Offsets, n+1)
		case storage.TypeBool:
			c.Bools = regrow(c.Bools, bitmapLen(n))
		}
	}
	t.capRows = n
}

// regrow returns s with capacity at least n.
func regrow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s
	}
	g := make([]T, len(s), n)
	copy(g, s)
	return g
}

// addTag creates a tag column; the rows already in the batch are null.
func (t *tableState) addTag(name string, decl storage.Declared) int32 {
	b := t.batch
	codes := make([]int32, b.Rows, t.capRows)
	for i := range codes {
		codes[i] = -1
	}
	idx := int32(len(b.Tags))
	b.Tags = append(b.Tags, storage.TagColumn{Name: name, Codes: codes})
	t.tagIdx[name] = idx
	t.tagDecl = append(t.tagDecl, decl)
	t.declared = t.declared || decl.OID != 0
	if len(t.dicts) < cap(t.dicts) {
		t.dicts = t.dicts[:len(t.dicts)+1]
		if t.dicts[idx] == nil {
			t.dicts[idx] = make(map[string]int32)
		}
	} else {
		t.dicts = append(t.dicts, make(map[string]int32))
	}
	t.rowTag = append(t.rowTag, -1)
	return idx
}

// addDictValue adds a value to the dictionary of tag column col.
func (t *tableState) addDictValue(col int32, v string) int32 {
	c := &t.batch.Tags[col]
	code := int32(len(c.Dict))
	c.Dict = append(c.Dict, v)
	t.dicts[col][v] = code
	return code
}

// addField creates a field column; the rows already in the batch are null.
func (t *tableState) addField(name, raw string, typ storage.ColumnType, decl storage.Declared) int32 {
	b := t.batch
	rows := b.Rows
	c := storage.FieldColumn{Name: name, Type: typ}
	n := t.capRows
	switch typ {
	case storage.TypeFloat:
		c.Floats = make([]float64, rows, n)
	case storage.TypeInt:
		c.Ints = make([]int64, rows, n)
	case storage.TypeUint:
		c.Uints = make([]uint64, rows, n)
	case storage.TypeString:
		c.Offsets = make([]int32, rows+1, n+1)
	case storage.TypeBool:
		c.Bools = make([]byte, bitmapLen(rows), bitmapLen(n))
	}
	if rows > 0 {
		c.Valid = make([]byte, bitmapLen(rows), bitmapLen(n))
		c.Nulls = rows
	}
	idx := int32(len(b.Fields))
	b.Fields = append(b.Fields, c)
	t.fieldIdx[name] = idx
	t.fieldRaw = append(t.fieldRaw, raw)
	t.fieldDecl = append(t.fieldDecl, decl)
	t.declared = t.declared || decl.OID != 0
	t.rowField = append(t.rowField, -1)
	return idx
}

func bitmapLen(rows int) int { return (rows + 7) / 8 }

// appendValue appends the value f to column c as row row.
func appendValue(c *storage.FieldColumn, row int, f *lineField, str []byte) {
	if c.Valid != nil {
		if row&7 == 0 {
			c.Valid = append(c.Valid, 0)
		}
		c.Valid[row>>3] |= 1 << (uint(row) & 7)
	}
	switch c.Type {
	case storage.TypeInt:
		c.Ints = append(c.Ints, int64(f.bits))
	case storage.TypeFloat:
		c.Floats = append(c.Floats, math.Float64frombits(f.bits))
	case storage.TypeUint:
		c.Uints = append(c.Uints, f.bits)
	case storage.TypeString:
		c.Data = append(c.Data, str...)
		c.Offsets = append(c.Offsets, int32(len(c.Data)))
	case storage.TypeBool:
		if row&7 == 0 {
			c.Bools = append(c.Bools, 0)
		}
		if f.bits != 0 {
			c.Bools[row>>3] |= 1 << (uint(row) & 7)
		}
	}
}

// appendNull appends a null as row row of column c, which has room for
// capRows rows.
func appendNull(c *storage.FieldColumn, row, capRows int) {
	if c.Valid == nil {
		// First null: every earlier row is valid.
		c.Valid = make([]byte, row>>3, bitmapLen(capRows))
		for i := range c.Valid {
			c.Valid[i] = 0xff
		}
		c.Valid = append(c.Valid, byte(1)<<(uint(row)&7)-1)
	} else if row&7 == 0 {
		c.Valid = append(c.Valid, 0)
	}
	c.Nulls++
	switch c.Type {
	case storage.TypeInt:
		c.Ints = append(c.Ints, 0)
	case storage.TypeFloat:
		c.Floats = append(c.Floats, 0)
	case storage.TypeUint:
		c.Uints = append(c.Uints, 0)
	case storage.TypeString:
		c.Offsets = append(c.Offsets, int32(len(c.Data)))
	case storage.TypeBool:
		if row&7 == 0 {
			c.Bools = append(c.Bools, 0)
		}
	}
}
