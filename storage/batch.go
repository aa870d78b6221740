package storage

import (
	"fmt"
	"math"
	"math/bits"
)

// ColumnType is the type of one column of a table. A field keeps its type for
// life: a write with another type for the same field is rejected.
type ColumnType uint8

// The column types. The numbers are persisted in the WAL and the catalog: never
// renumber, only append.
const (
	TypeInvalid   ColumnType = iota
	TypeTime                 // int64 nanoseconds since the Unix epoch, UTC, never null
	TypeTag                  // string, dictionary encoded, nullable
	TypeFloat                // float64 field
	TypeInt                  // int64 field
	TypeUint                 // uint64 field
	TypeString               // string field
	TypeBool                 // bool field
	TypeTimestamp            // int64 nanoseconds since the Unix epoch, UTC: a field holding a time (SQL timestamptz)
)

// String returns the name InfluxDB uses in its error messages
// ("invalid column type for column 'x', expected float, got integer").
func (t ColumnType) String() string {
	switch t {
	case TypeTime:
		return "time"
	case TypeTag:
		return "tag"
	case TypeFloat:
		return "float"
	case TypeInt:
		return "integer"
	case TypeUint:
		return "unsigned integer"
	case TypeString:
		return "string"
	case TypeBool:
		return "boolean"
	case TypeTimestamp:
		return "timestamp"
	}
	return fmt.Sprintf("invalid(%d)", uint8(t))
}

// IsField reports whether t is one of the field types.
func (t ColumnType) IsField() bool { return t >= TypeFloat && t <= TypeBool || t == TypeTimestamp }

// TimeColumn is the name of every table's time column.
const TimeColumn = "time"

// TableBatch is a set of rows for one table, held column by column. The
// line-protocol parser fills it directly (no per-row objects), the WAL logs it in
// a compact binary form, and the write buffer wraps its slices as Arrow buffers
// without copying. Once handed to Engine.Write a batch belongs to the engine and
// must not be modified.
//
// Invariants: len(Time) == Rows; every tag column has len(Codes) == Rows; every
// field column holds Rows values of its type (null slots hold the zero value).
type TableBatch struct {
	Table  string
	Rows   int
	Time   []int64 // nanoseconds since the Unix epoch, UTC
	Tags   []TagColumn
	Fields []FieldColumn
}

// TagColumn is one tag column of a batch, dictionary encoded: row i has value
// Dict[Codes[i]], or is null when Codes[i] < 0.
type TagColumn struct {
	Name  string
	Codes []int32
	Dict  []string
}

// FieldColumn is one field column of a batch. Exactly one of the value slices,
// the one matching Type, is used.
type FieldColumn struct {
	Name string
	Type ColumnType
	// Valid is an Arrow validity bitmap (bit i set = row i is not null, least
	// significant bit first); nil means every row is valid.
	Valid []byte
	// Nulls counts the null rows; it is 0 when Valid is nil.
	Nulls int

	Floats []float64 // TypeFloat
	Ints   []int64   // TypeInt, TypeTimestamp
	Uints  []uint64  // TypeUint
	// Bools is an Arrow bit-packed boolean buffer (TypeBool).
	Bools []byte
	// Offsets (Rows+1 entries) and Data hold TypeString values as Arrow does:
	// row i is Data[Offsets[i]:Offsets[i+1]].
	Offsets []int32
	Data    []byte
}

// IsValid reports whether row i of the column is not null.
func (c *FieldColumn) IsValid(i int) bool {
	return c.Valid == nil || c.Valid[i>>3]&(1<<(uint(i)&7)) != 0
}

// Column returns the field column named name, or nil.
func (b *TableBatch) Column(name string) *FieldColumn {
	for i := range b.Fields {
		if b.Fields[i].Name == name {
			return &b.Fields[i]
		}
	}
	return nil
}

// Tag returns the tag column named name, or nil.
func (b *TableBatch) Tag(name string) *TagColumn {
	for i := range b.Tags {
		if b.Tags[i].Name == name {
			return &b.Tags[i]
		}
	}
	return nil
}

// Validate checks the batch's invariants. The engine calls it on every batch it
// is given, so a bug in a producer is an error, not a corrupt store.
func (b *TableBatch) Validate() error {
	if b.Rows < 0 || len(b.Time) != b.Rows {
		return fmt.Errorf("table %q: %d rows but %d timestamps", b.Table, b.Rows, len(b.Time))
	}
	for i := range b.Tags {
		t := &b.Tags[i]
		if len(t.Codes) != b.Rows {
			return fmt.Errorf("table %q tag %q: %d codes for %d rows", b.Table, t.Name, len(t.Codes), b.Rows)
		}
		for _, c := range t.Codes {
			if int(c) >= len(t.Dict) {
				return fmt.Errorf("table %q tag %q: code %d outside dictionary of %d", b.Table, t.Name, c, len(t.Dict))
			}
		}
	}
	for i := range b.Fields {
		if err := b.Fields[i].validate(b.Rows); err != nil {
			return fmt.Errorf("table %q field %q: %w", b.Table, b.Fields[i].Name, err)
		}
	}
	return nil
}

// checkTimes refuses a new row whose time is one of the int64's ends:
// SQL's 'infinity' and '-infinity' (the engine's TimeRange also ends
// before math.MaxInt64). Writes check it, not WAL replay: a WAL written
// before it (line protocol took -9223372036854775808) still replays.
func (b *TableBatch) checkTimes() error {
	for i, t := range b.Time {
		if t == math.MaxInt64 || t == math.MinInt64 {
			return fmt.Errorf("table %q row %d: time %d is past the times a row can have (1677-09-21 to 2262-04-11)", b.Table, i+1, t)
		}
	}
	return nil
}

func (c *FieldColumn) validate(rows int) error {
	bitmapLen := (rows + 7) / 8
	if c.Valid != nil {
		if len(c.Valid) < bitmapLen {
			return fmt.Errorf("validity bitmap has %d bytes, need %d", len(c.Valid), bitmapLen)
		}
		if n := rows - countSetBits(c.Valid, rows); n != c.Nulls {
			return fmt.Errorf("validity bitmap has %d nulls, column says %d", n, c.Nulls)
		}
	} else if c.Nulls != 0 {
		return fmt.Errorf("%d nulls but no validity bitmap", c.Nulls)
	}
	var n int
	switch c.Type {
	case TypeFloat:
		n = len(c.Floats)
	case TypeInt, TypeTimestamp:
		n = len(c.Ints)
	case TypeUint:
		n = len(c.Uints)
	case TypeBool:
		if len(c.Bools) < bitmapLen {
			return fmt.Errorf("boolean bitmap has %d bytes, need %d", len(c.Bools), bitmapLen)
		}
		n = rows
	case TypeString:
		if len(c.Offsets) != rows+1 {
			return fmt.Errorf("%d string offsets for %d rows", len(c.Offsets), rows)
		}
		if c.Offsets[0] != 0 || int(c.Offsets[rows]) != len(c.Data) {
			return fmt.Errorf("string offsets do not span the data")
		}
		for i := 0; i < rows; i++ {
			if c.Offsets[i] > c.Offsets[i+1] {
				return fmt.Errorf("string offsets decrease at row %d", i)
			}
		}
		n = rows
	default:
		return fmt.Errorf("column type %v is not a field type", c.Type)
	}
	if n != rows {
		return fmt.Errorf("%d values for %d rows", n, rows)
	}
	return nil
}

// countSetBits counts the set bits among the first n bits of bitmap.
func countSetBits(bitmap []byte, n int) int {
	full := n / 8
	count := 0
	for _, b := range bitmap[:full] {
		count += bits.OnesCount8(b)
	}
	if rem := n % 8; rem != 0 {
		count += bits.OnesCount8(bitmap[full] & (1<<uint(rem) - 1))
	}
	return count
}
