package exec

import (
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
)

// winKind is how a window reads a column's values: the Go types
// valueGetter gives.
type winKind uint8

const (
	kindNone     winKind = iota // NULL, or a type valueGetter does not read: every value NULL
	kindInt                     // int64
	kindUint                    // uint64
	kindFloat                   // float64
	kindText                    // string (plain or dictionary text)
	kindBool                    // bool
	kindTime                    // Timestamp
	kindInterval                // arrow.MonthDayNanoInterval
)

// winCol is an evaluated expression's values over all of a window's input
// rows, numbered across the records in input order, as one typed slice
// (the record's own when there is one record). A row's value is present
// when ok; kindNone columns have none.
type winCol struct {
	kind  winKind
	valid []byte // nil: no NULLs
	i64   []int64
	u64   []uint64
	f64   []float64
	str   []string
	bits  []byte // kindBool's values
	iv    []arrow.MonthDayNanoInterval
}

// newWinCol views the arrays (one per record, n rows in all) as one column.
func newWinCol(arrs []arrow.Array, n int) *winCol {
	c := &winCol{}
	if len(arrs) == 0 {
		c.valid = newBitmap(n)
		return c
	}
	switch arrs[0].(type) {
	case *array.Int64:
		c.kind = kindInt
		c.i64 = concatValues(arrs, n, func(a arrow.Array) []int64 { return a.(*array.Int64).Int64Values() })
	case *array.Timestamp:
		c.kind = kindTime
		c.i64 = concatValues(arrs, n, func(a arrow.Array) []int64 { return timestampValues(a.(*array.Timestamp)) })
	case *array.Uint64:
		c.kind = kindUint
		c.u64 = concatValues(arrs, n, func(a arrow.Array) []uint64 { return a.(*array.Uint64).Uint64Values() })
	case *array.Float64:
		c.kind = kindFloat
		c.f64 = concatValues(arrs, n, func(a arrow.Array) []float64 { return a.(*array.Float64).Float64Values() })
	case *array.MonthDayNanoInterval:
		c.kind = kindInterval
		c.iv = concatValues(arrs, n, func(a arrow.Array) []arrow.MonthDayNanoInterval {
			return a.(*array.MonthDayNanoInterval).MonthDayNanoIntervalValues()
		})
	case *array.String, *array.Dictionary:
		c.kind = kindText
		c.str = make([]string, n)
		at := 0
		for _, a := range arrs {
			get := textAccessor(a)
			for i := 0; i < a.Len(); i++ {
				if a.IsValid(i) { // a NULL's dictionary code may index nothing
					c.str[at+i] = get(i)
				}
			}
			at += a.Len()
		}
	case *array.Boolean:
		c.kind = kindBool
		c.bits = newBitmap(n)
		at := 0
		for _, a := range arrs {
			if a.Len() > 0 {
				bitutil.CopyBitmap(a.Data().Buffers()[1].Bytes(), a.Data().Offset(), a.Len(), c.bits, at)
			}
			at += a.Len()
		}
	default:
		c.valid = newBitmap(n)
		return c
	}
	c.valid = concatValidity(arrs, n)
	return c
}

// concatValues is the arrays' values in one slice (the array's own when
// there is one).
func concatValues[T any](arrs []arrow.Array, n int, values func(arrow.Array) []T) []T {
	if len(arrs) == 1 {
		return values(arrs[0])
	}
	out := make([]T, 0, n)
	for _, a := range arrs {
		out = append(out, values(a)...)
	}
	return out
}

// concatValidity is the arrays' validity bitmaps in one, nil without NULLs.
func concatValidity(arrs []arrow.Array, n int) []byte {
	nulls := false
	for _, a := range arrs {
		nulls = nulls || a.NullN() > 0
	}
	if !nulls {
		return nil
	}
	out := newBitmap(n)
	at := 0
	for _, a := range arrs {
		if a.NullN() == 0 {
			bitutil.SetBitsTo(out, int64(at), int64(a.Len()), true)
		} else {
			bitutil.CopyBitmap(a.NullBitmapBytes(), a.Data().Offset(), a.Len(), out, at)
		}
		at += a.Len()
	}
	return out
}

// ok reports whether row i has a value (is not NULL).
func (c *winCol) ok(i int32) bool { return c.valid == nil || getBit(c.valid, int(i)) }

// value is row i's value as valueGetter gives it (nil: NULL).
func (c *winCol) value(i int32) any {
	if !c.ok(i) {
		return nil
	}
	switch c.kind {
	case kindInt:
		return c.i64[i]
	case kindTime:
		return Timestamp(c.i64[i])
	case kindUint:
		return c.u64[i]
	case kindFloat:
		return c.f64[i]
	case kindText:
		return c.str[i]
	case kindBool:
		return getBit(c.bits, int(i))
	case kindInterval:
		return c.iv[i]
	}
	return nil
}

// float is row i's value as toFloat reads it (NaN for a non-number).
func (c *winCol) float(i int32) float64 {
	switch c.kind {
	case kindInt:
		return float64(c.i64[i])
	case kindUint:
		return float64(c.u64[i])
	case kindFloat:
		return c.f64[i]
	}
	return math.NaN()
}

// comparer orders two rows' (present) values as compareValues does.
func (c *winCol) comparer() func(a, b int32) int {
	switch c.kind {
	case kindInt, kindTime:
		return func(a, b int32) int { return cmp3(c.i64[a], c.i64[b]) }
	case kindUint:
		return func(a, b int32) int { return cmp3(c.u64[a], c.u64[b]) }
	case kindFloat:
		return func(a, b int32) int { return cmpFloat(c.f64[a], c.f64[b]) }
	case kindText:
		return func(a, b int32) int { return strings.Compare(c.str[a], c.str[b]) }
	case kindBool:
		return func(a, b int32) int { return cmpBool(getBit(c.bits, int(a)), getBit(c.bits, int(b))) }
	case kindInterval:
		return func(a, b int32) int { return cmpInterval(c.iv[a], c.iv[b]) }
	}
	return func(a, b int32) int { return 0 }
}
