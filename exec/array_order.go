package exec

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Arrays held as text (array_text.go) compare and sort as PostgreSQL's
// array_cmp does, element by element in the element type's order, NULL
// after every value, a shorter array before a longer one it begins: by a
// sort key whose bytes order as the arrays do. Each element is 0x02 and
// its value's order-preserving bytes, or 0x03 for NULL; 0x01 ends the
// array, so an array sorts before any it is the beginning of.
//
// The element kinds:
//
//	'i'  integers (int2, int4, int8, oid): 8 bytes, sign bit flipped
//	'f'  floats and numerics: 8 bytes, NaN after +Infinity, -0 as 0
//	'b'  booleans: one byte, false before true
//	't'  dates and timestamps: the instant, as an integer
//	'v'  intervals and times: days (months as 30) and the nanoseconds past
//	     them, as PostgreSQL's interval_cmp compares them
//	's'  anything else: its text, byte by byte, then 0x00
const (
	arrayKeyEnd   = 0x01
	arrayKeyValue = 0x02
	arrayKeyNull  = 0x03
)

func init() {
	text2 := [][]string{{"text", "text"}}
	registerRowFn("__array_sort_key", TypeText, text2, func(c *Ctx, v []any) (any, error) {
		key, err := ArraySortKey(c, nil, v[0].(string), arrayKind(v[1].(string)))
		return string(key), err
	})
	// __array_max_key(array, kind) is the array's sort key followed by its
	// text, so that max and min of it find the array and
	// __array_of_max_key gives its text back.
	registerRowFn("__array_max_key", TypeText, text2, func(c *Ctx, v []any) (any, error) {
		s := v[0].(string)
		key, err := ArraySortKey(c, nil, s, arrayKind(v[1].(string)))
		return string(key) + s, err
	})
	registerRowFn("__array_of_max_key", TypeText, text2, func(_ *Ctx, v []any) (any, error) {
		s := v[0].(string)
		end, err := arraySortKeyLen(s, arrayKind(v[1].(string)))
		if err != nil {
			return nil, err
		}
		return s[end:], nil
	})
}

func arrayKind(k string) byte {
	if k == "" {
		return 's'
	}
	return k[0]
}

// ArrayElemKind is the sort key kind ('i', 'f', 'b', 't', 'v', 's') of
// array elements of engine type dt.
func ArrayElemKind(dt arrow.DataType) string {
	switch dt.ID() {
	case arrow.INT64:
		return "i"
	case arrow.FLOAT64:
		return "f"
	case arrow.BOOL:
		return "b"
	case arrow.TIMESTAMP:
		return "t"
	case arrow.INTERVAL_MONTH_DAY_NANO:
		return "v"
	}
	return "s"
}

// ArraySortKey appends to dst the sort key of the array whose text is s,
// its elements of the given kind.
func ArraySortKey(c *Ctx, dst []byte, s string, kind byte) ([]byte, error) {
	elems, ok := ParseArrayText(s)
	if !ok {
		return nil, fmt.Errorf("malformed array literal: %q", s)
	}
	for _, e := range elems {
		if e == nil {
			dst = append(dst, arrayKeyNull)
			continue
		}
		dst = append(dst, arrayKeyValue)
		var err error
		if dst, err = appendElemKey(c, dst, *e, kind); err != nil {
			return nil, err
		}
	}
	return append(dst, arrayKeyEnd), nil
}

func appendElemKey(c *Ctx, dst []byte, e string, kind byte) ([]byte, error) {
	if kind == 's' {
		return append(append(dst, e...), 0), nil
	}
	to, ok := arrayKindTypes[kind]
	if !ok {
		return nil, fmt.Errorf("unknown array element kind %c", kind)
	}
	v, err := CastValue(c, e, to)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case int64:
		return binary.BigEndian.AppendUint64(dst, uint64(x)^1<<63), nil
	case float64:
		return binary.BigEndian.AppendUint64(dst, floatKey(x)), nil
	case bool:
		if x {
			return append(dst, 1), nil
		}
		return append(dst, 0), nil
	case Timestamp:
		return binary.BigEndian.AppendUint64(dst, uint64(x)^1<<63), nil
	case arrow.MonthDayNanoInterval:
		days, ns := intervalOrder(x)
		dst = binary.BigEndian.AppendUint64(dst, uint64(days)^1<<63)
		return binary.BigEndian.AppendUint64(dst, uint64(ns)), nil
	}
	return nil, fmt.Errorf("array element %q of kind %c", e, kind)
}

// arrayKindTypes are the engine types the elements of each kind but text
// ('s') are read as.
var arrayKindTypes = map[byte]arrow.DataType{'i': TypeInt, 'f': TypeFloat, 'b': TypeBool, 't': TypeTimestamptz, 'v': TypeInterval}

// floatKey orders float64 values as unsigned integers: negatives reversed
// below positives, -0 as 0, every NaN as one value above +Infinity.
func floatKey(f float64) uint64 {
	switch {
	case f != f:
		f = math.NaN()
	case f == 0:
		f = 0
	}
	b := math.Float64bits(f)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// intervalOrder is an interval as whole days (a month as 30) and the
// nanoseconds past them (0 up to a day), which order intervals as their
// total length does.
func intervalOrder(v arrow.MonthDayNanoInterval) (days, ns int64) {
	const day = int64(24 * 60 * 60 * 1e9)
	days = int64(v.Months)*30 + int64(v.Days) + v.Nanoseconds/day
	ns = v.Nanoseconds % day
	if ns < 0 {
		days, ns = days-1, ns+day
	}
	return days, ns
}

// arraySortKeyLen is the length of the sort key of kind at the start of
// s (__array_max_key's key, before the array's text).
func arraySortKeyLen(s string, kind byte) (int, error) {
	for i := 0; i < len(s); {
		switch s[i] {
		case arrayKeyEnd:
			return i + 1, nil
		case arrayKeyNull:
			i++
			continue
		}
		i++ // arrayKeyValue
		switch kind {
		case 'i', 'f', 't':
			i += 8
		case 'b':
			i++
		case 'v':
			i += 16
		default:
			j := strings.IndexByte(s[i:], 0)
			if j < 0 {
				return 0, fmt.Errorf("malformed array sort key")
			}
			i += j + 1
		}
	}
	return 0, fmt.Errorf("malformed array sort key")
}
