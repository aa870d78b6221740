package pgwire

import (
	"encoding/binary"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
)

// PostgreSQL type OIDs (pg_type.oid in PostgreSQL 15).
const (
	oidBool        = 16
	oidBytea       = 17
	oidChar        = 18
	oidNameType    = 19
	oidInt8        = 20
	oidInt2        = 21
	oidInt4        = 23
	oidText        = 25
	oidOID         = 26
	oidJSON        = 114
	oidFloat4      = 700
	oidFloat8      = 701
	oidUnknown     = 705
	oidBPChar      = 1042
	oidVarchar     = 1043
	oidDate        = 1082
	oidTime        = 1083
	oidTimestamp   = 1114
	oidTimestamptz = 1184
	oidInterval    = 1186
	oidNumeric     = 1700
	oidUUID        = 2950
	oidJSONB       = 3802
)

// pgEpochMicros is 2000-01-01 00:00:00 UTC in microseconds since 1970, the
// origin of PostgreSQL's binary timestamps and dates.
const pgEpochMicros = 946684800 * 1000000

// columnType is the OID and typlen a result column is described with: its
// declared PostgreSQL type, else the one of its engine type.
func columnType(c planner.Column) (oid uint32, size int16) {
	if size, ok := planner.PGTypeLen(c.PGType); ok {
		return c.PGType, size
	}
	return typeOf(c.Type)
}

// typeOf maps an engine type to its PostgreSQL OID and typlen.
func typeOf(dt arrow.DataType) (oid uint32, size int16) {
	switch dt.ID() {
	case arrow.BOOL:
		return oidBool, 1
	case arrow.INT64:
		return oidInt8, 8
	case arrow.INT32:
		return oidInt4, 4
	case arrow.INT16:
		return oidInt2, 2
	case arrow.UINT64:
		return oidNumeric, -1
	case arrow.FLOAT64:
		return oidFloat8, 8
	case arrow.FLOAT32:
		return oidFloat4, 4
	case arrow.TIMESTAMP:
		return oidTimestamptz, 8
	case arrow.INTERVAL_MONTH_DAY_NANO:
		return oidInterval, 16
	case arrow.LIST: // a parameter compared with ANY($1) or cast to an array
		elem, _ := typeOf(dt.(*arrow.ListType).Elem())
		return arrayOf[elem], -1
	}
	return oidText, -1
}

// arrayOf is the array type of each element type parameters may have.
var arrayOf = map[uint32]uint32{
	oidBool: 1000, oidChar: 1002, oidNameType: 1003, oidInt2: 1005, oidInt4: 1007, oidText: 1009,
	oidBPChar: 1014, oidVarchar: 1015, oidInt8: 1016, oidFloat4: 1021, oidFloat8: 1022, oidOID: 1028,
	oidTimestamp: 1115, oidDate: 1182, oidTimestamptz: 1185, oidInterval: 1187, oidNumeric: 1231,
	oidUUID: 2951,
}

// elemOf is arrayOf read backwards: the element type of an array type.
var elemOf = func() map[uint32]uint32 {
	m := make(map[uint32]uint32, len(arrayOf))
	for elem, arr := range arrayOf {
		m[arr] = elem
	}
	return m
}()

// engineType is the engine type a parameter of type oid is read as.
func engineType(oid uint32) arrow.DataType {
	switch oid {
	case oidBool:
		return exec.TypeBool
	case oidInt2, oidInt4, oidInt8, oidOID:
		return exec.TypeInt
	case oidFloat4, oidFloat8, oidNumeric:
		return exec.TypeFloat
	case oidTimestamp, oidTimestamptz, oidDate:
		return exec.TypeTimestamptz
	case oidInterval, oidTime:
		return exec.TypeInterval // a time is held as the interval since midnight
	}
	return exec.TypeText
}

// encoder appends value i of a column to dst in one wire format; the caller
// has checked that it is not NULL.
type encoder func(dst []byte, i int) []byte

// newEncoder returns the encoder of column a for format (0 text, 1 binary)
// and the session's time zone. The column's type must be the one its
// RowDescription announced (typeOf); columns that are NULL throughout may
// have the null type. regOID resolves the names reg* values are held as.
// scale is a numeric column's display scale (planner.Column.Scale).
func newEncoder(a arrow.Array, format int16, pgType uint32, scale int, loc *time.Location, regOID func(uint32, string) (int64, bool)) encoder {
	if e := specialEncoder(a, format, pgType, scale, loc, regOID); e != nil {
		return e
	}
	return plainEncoder(a, format, loc)
}

// specialEncoder is newEncoder's encoder for a column announced as a type
// other than its array's own (dates, timestamps without time zone,
// numerics, narrow integers, reg* and arrays held as text), or nil.
func specialEncoder(a arrow.Array, format int16, pgType uint32, scale int, loc *time.Location, regOID func(uint32, string) (int64, bool)) encoder {
	if ts, ok := a.(*array.Timestamp); ok && (pgType == oidDate || pgType == oidTimestamp) {
		return wallClockEncoder(ts, format, pgType, loc)
	}
	if f, ok := a.(*array.Float64); ok && pgType == oidNumeric {
		return numericFloatEncoder(f, format, scale)
	}
	if f, ok := a.(*array.Float64); ok && pgType == oidFloat4 && format == 0 {
		v := f.Float64Values()
		return func(dst []byte, i int) []byte { return exec.AppendFloat4(dst, v[i]) }
	}
	if format == 1 {
		if e := narrowBinaryEncoder(a, pgType); e != nil {
			return e
		}
		if s, ok := a.(*array.String); ok {
			return textHeldBinaryEncoder(s, pgType, regOID)
		}
	}
	return nil
}

// plainEncoder encodes a column as the type its array maps to (typeOf).
func plainEncoder(a arrow.Array, format int16, loc *time.Location) encoder {
	if format == 1 {
		if e := binaryEncoder(a); e != nil {
			return e
		}
	}
	return textEncoder(a, loc)
}

func textEncoder(a arrow.Array, loc *time.Location) encoder {
	switch a := a.(type) {
	case *array.Boolean:
		return func(dst []byte, i int) []byte {
			if a.Value(i) {
				return append(dst, 't')
			}
			return append(dst, 'f')
		}
	case *array.Int64:
		v := a.Int64Values()
		return func(dst []byte, i int) []byte { return exec.AppendInt(dst, v[i]) }
	case *array.Int32:
		v := a.Int32Values()
		return func(dst []byte, i int) []byte { return exec.AppendInt(dst, int64(v[i])) }
	case *array.Uint64:
		v := a.Uint64Values()
		return func(dst []byte, i int) []byte { return strconv.AppendUint(dst, v[i], 10) }
	case *array.Float64:
		v := a.Float64Values()
		return func(dst []byte, i int) []byte { return exec.AppendFloat(dst, v[i]) }
	case *array.String:
		off, data := stringParts(a)
		return func(dst []byte, i int) []byte { return append(dst, data[off[i]:off[i+1]]...) }
	case *array.Dictionary:
		if dict, ok := a.Dictionary().(*array.String); ok {
			off, data := stringParts(dict)
			if codes, ok := a.Indices().(*array.Int32); ok { // tags
				c := codes.Int32Values()
				return func(dst []byte, i int) []byte { return append(dst, data[off[c[i]]:off[c[i]+1]]...) }
			}
			return func(dst []byte, i int) []byte {
				k := a.GetValueIndex(i)
				return append(dst, data[off[k]:off[k+1]]...)
			}
		}
	case *array.Timestamp:
		v := a.TimestampValues()
		unit := a.DataType().(*arrow.TimestampType).Unit
		return func(dst []byte, i int) []byte { return appendTimestamp(dst, toNanos(int64(v[i]), unit), loc) }
	}
	return func(dst []byte, i int) []byte {
		s, _ := exec.FormatValue(a, i, loc)
		return append(dst, s...)
	}
}

// stringParts returns a string array's value offsets, one per row plus one,
// and the bytes they index: value i is data[off[i]:off[i+1]], for sliced
// arrays too.
func stringParts(a *array.String) (off []int32, data []byte) {
	off = a.ValueOffsets()
	if a.Len() == 0 {
		return []int32{0}, nil
	}
	base := off[0]
	data = a.ValueBytes() // starts at off[0]
	if base != 0 {
		rel := make([]int32, len(off))
		for i, o := range off {
			rel[i] = o - base
		}
		off = rel
	}
	return off, data
}

func binaryEncoder(a arrow.Array) encoder {
	switch a := a.(type) {
	case *array.Boolean:
		return func(dst []byte, i int) []byte {
			if a.Value(i) {
				return append(dst, 1)
			}
			return append(dst, 0)
		}
	case *array.Int64:
		v := a.Int64Values()
		return func(dst []byte, i int) []byte { return binary.BigEndian.AppendUint64(dst, uint64(v[i])) }
	case *array.Int32:
		v := a.Int32Values()
		return func(dst []byte, i int) []byte { return binary.BigEndian.AppendUint32(dst, uint32(v[i])) }
	case *array.Uint64:
		v := a.Uint64Values()
		return func(dst []byte, i int) []byte { return appendNumericUint(dst, v[i]) }
	case *array.Float64:
		v := a.Float64Values()
		return func(dst []byte, i int) []byte { return binary.BigEndian.AppendUint64(dst, math.Float64bits(v[i])) }
	case *array.Timestamp:
		v := a.TimestampValues()
		unit := a.DataType().(*arrow.TimestampType).Unit
		return func(dst []byte, i int) []byte {
			us := floorDiv(toNanos(int64(v[i]), unit), 1000) - pgEpochMicros
			return binary.BigEndian.AppendUint64(dst, uint64(us))
		}
	case *array.MonthDayNanoInterval:
		return func(dst []byte, i int) []byte {
			iv := a.Value(i)
			dst = binary.BigEndian.AppendUint64(dst, uint64(iv.Nanoseconds/1000))
			dst = binary.BigEndian.AppendUint32(dst, uint32(iv.Days))
			return binary.BigEndian.AppendUint32(dst, uint32(iv.Months))
		}
	}
	// Text, tags and NULL-typed columns: the binary form of text is its
	// bytes.
	return nil
}

func toNanos(v int64, unit arrow.TimeUnit) int64 {
	switch unit {
	case arrow.Second:
		return v * 1e9
	case arrow.Millisecond:
		return v * 1e6
	case arrow.Microsecond:
		return v * 1e3
	}
	return v
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// appendTimestamp writes a timestamptz as PostgreSQL's ISO DateStyle does
// in zone loc, at microsecond precision: the engine's nanoseconds are
// truncated toward the past, as the binary form is.
func appendTimestamp(dst []byte, ns int64, loc *time.Location) []byte {
	if out, ok := exec.AppendInfiniteTime(dst, ns); ok {
		return out
	}
	return exec.AppendTimestamp(dst, floorDiv(ns, 1000)*1000, loc)
}

// binaryMicros is a timestamp's binary form (microseconds since
// 2000-01-01) for an engine value in nanoseconds; 'infinity' and
// '-infinity' are the int64's extremes, as PostgreSQL sends them.
func binaryMicros(ns int64) int64 {
	switch ns {
	case exec.TimeInfinity:
		return math.MaxInt64
	case exec.TimeNegInfinity:
		return math.MinInt64
	}
	return floorDiv(ns, 1000) - pgEpochMicros
}

// binaryDays is a date's binary form (days since 2000-01-01, wall clock
// day w), or the int32's extremes for 'infinity' and '-infinity' (ns).
func binaryDays(ns int64, w time.Time) int32 {
	switch ns {
	case exec.TimeInfinity:
		return math.MaxInt32
	case exec.TimeNegInfinity:
		return math.MinInt32
	}
	y, m, d := w.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()/86400 - 10957)
}

// appendNumericUint writes v in numeric's binary form: ndigits, weight,
// sign, dscale, then base-10000 digits, most significant first.
func appendNumericUint(dst []byte, v uint64) []byte {
	var digits [5]uint16
	n := 0
	for x := v; x > 0; x /= 10000 {
		digits[n] = uint16(x % 10000)
		n++
	}
	// Trailing zero groups are implied by the weight.
	low := 0
	for low < n && digits[low] == 0 {
		low++
	}
	nd := n - low
	weight := n - 1
	if n == 0 {
		weight = 0
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(nd))
	dst = binary.BigEndian.AppendUint16(dst, uint16(weight))
	dst = binary.BigEndian.AppendUint16(dst, 0)
	dst = binary.BigEndian.AppendUint16(dst, 0)
	for i := n - 1; i >= low; i-- {
		dst = binary.BigEndian.AppendUint16(dst, digits[i])
	}
	return dst
}

// narrowBinaryEncoder writes the binary form of a declared narrower type:
// int2, int4, oid/xid (4 bytes) and float4 from the engine's 8-byte values.
func narrowBinaryEncoder(a arrow.Array, pgType uint32) encoder {
	switch a := a.(type) {
	case *array.Int64:
		v := a.Int64Values()
		switch pgType {
		case oidNumeric:
			return func(dst []byte, i int) []byte { return appendNumericText(dst, strconv.FormatInt(v[i], 10)) }
		case oidInt2:
			return func(dst []byte, i int) []byte { return binary.BigEndian.AppendUint16(dst, uint16(v[i])) }
		case oidInt4, oidOID, 28, 29:
			return func(dst []byte, i int) []byte { return binary.BigEndian.AppendUint32(dst, uint32(v[i])) }
		}
	case *array.MonthDayNanoInterval:
		if pgType == oidTime {
			// time: microseconds since midnight.
			v := a.MonthDayNanoIntervalValues()
			return func(dst []byte, i int) []byte {
				return binary.BigEndian.AppendUint64(dst, uint64(v[i].Nanoseconds/1000))
			}
		}
	case *array.Float64:
		v := a.Float64Values()
		switch pgType {
		case oidFloat4:
			return func(dst []byte, i int) []byte {
				return binary.BigEndian.AppendUint32(dst, math.Float32bits(float32(v[i])))
			}
		}
	}
	return nil
}

// numericFloatEncoder sends numeric values Strata computed as float8 as
// PostgreSQL writes numerics: in positional notation, never with an
// exponent, with scale digits after the point when the query fixed the
// scale (0: the digits the value needs); binary with that display scale.
func numericFloatEncoder(a *array.Float64, format int16, scale int) encoder {
	v := a.Float64Values()
	if scale < 0 {
		// A quotient: each value its division's scale.
		least := -scale - 1
		if format == 1 {
			return func(dst []byte, i int) []byte {
				f := v[i]
				if math.IsNaN(f) || math.IsInf(f, 0) {
					return appendNumericFloat(dst, f, 0)
				}
				var buf [64]byte
				return appendNumericText(dst, exec.AppendQuotient(buf[:0], f, least))
			}
		}
		return func(dst []byte, i int) []byte {
			f := v[i]
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return exec.AppendFloat(dst, f)
			}
			return exec.AppendQuotient(dst, f, least)
		}
	}
	prec := -1
	if scale > 0 {
		prec = scale
	}
	if format == 1 {
		return func(dst []byte, i int) []byte { return appendNumericFloat(dst, v[i], prec) }
	}
	return func(dst []byte, i int) []byte {
		f := v[i]
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return exec.AppendFloat(dst, f)
		}
		return exec.AppendNumericDigits(dst, f, prec)
	}
}

// textHeldBinaryEncoder writes the binary form of the types Strata holds
// as their text form: arrays (array_send: dimensions, NULL flag, element
// type, then length-prefixed elements), the reg* types (the object's OID)
// and void (nothing). Other text needs no conversion (nil).
func textHeldBinaryEncoder(a *array.String, pgType uint32, regOID func(uint32, string) (int64, bool)) encoder {
	switch pgType {
	case 2278:
		return func(dst []byte, i int) []byte { return dst }
	case 24, 2205, 2206, 4089:
		cache := map[string]uint32{}
		return func(dst []byte, i int) []byte {
			name := a.Value(i)
			oid, ok := cache[name]
			if !ok {
				n, _ := regOID(pgType, name)
				oid = uint32(n)
				cache[name] = oid
			}
			return binary.BigEndian.AppendUint32(dst, oid)
		}
	case 869, 650: // inet, cidr (pg_stat_activity.client_addr)
		return func(dst []byte, i int) []byte { return appendBinaryInet(dst, a.Value(i), pgType == 650) }
	case 2249: // the records of _pg_expandarray: (x, n), integers
		return func(dst []byte, i int) []byte { return appendBinaryRecord(dst, a.Value(i)) }
	case oidJSON:
		return func(dst []byte, i int) []byte { return append(dst, a.Value(i)...) }
	case oidJSONB:
		// jsonb's binary form: version 1, then the text.
		return func(dst []byte, i int) []byte { return append(append(dst, 1), a.Value(i)...) }
	}
	elem, ok := planner.ArrayElem(pgType)
	if !ok {
		return nil
	}
	return func(dst []byte, i int) []byte {
		elems, _ := planner.ParseArrayText(a.Value(i))
		return appendBinaryArray(dst, elem, elems)
	}
}

// appendBinaryRecord writes a record of integer fields given as text,
// "(3,1)", in PostgreSQL's binary form (record_send): the field count,
// then each field's type (int8 for the element, int4 for its place) and
// length-prefixed value, -1 for NULL.
func appendBinaryRecord(dst []byte, text string) []byte {
	fields := strings.Split(strings.TrimSuffix(strings.TrimPrefix(text, "("), ")"), ",")
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(fields)))
	for k, f := range fields {
		oid, size := uint32(20), 8
		if k == len(fields)-1 {
			oid, size = 23, 4
		}
		dst = binary.BigEndian.AppendUint32(dst, oid)
		n, err := strconv.ParseInt(f, 10, 64)
		switch {
		case err != nil:
			dst = binary.BigEndian.AppendUint32(dst, math.MaxUint32) // -1: NULL
		case size == 8:
			dst = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(dst, 8), uint64(n))
		default:
			dst = binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(dst, 4), uint32(n))
		}
	}
	return dst
}

// appendBinaryInet writes an inet (or cidr) given as text in PostgreSQL's
// binary form: family (2 IPv4, 3 IPv6), prefix bits, is-cidr, address
// length, address. Text that is no address is written as it is.
func appendBinaryInet(dst []byte, text string, cidr bool) []byte {
	p, err := netip.ParsePrefix(text)
	if err != nil {
		addr, err := netip.ParseAddr(text)
		if err != nil {
			return append(dst, text...)
		}
		p = netip.PrefixFrom(addr, addr.BitLen())
	}
	addr := p.Addr().Unmap()
	family := byte(2)
	if addr.Is6() {
		family = 3
	}
	isCIDR := byte(0)
	if cidr {
		isCIDR = 1
	}
	raw := addr.AsSlice()
	dst = append(dst, family, byte(p.Bits()), isCIDR, byte(len(raw)))
	return append(dst, raw...)
}

// appendBinaryArray writes a one-dimensional array (lower bound 1) of
// elements of type elem given in their text form.
func appendBinaryArray(dst []byte, elem uint32, elems []*string) []byte {
	ndim, hasNull := uint32(1), uint32(0)
	if len(elems) == 0 {
		ndim = 0
	}
	for _, e := range elems {
		if e == nil {
			hasNull = 1
		}
	}
	dst = binary.BigEndian.AppendUint32(dst, ndim)
	dst = binary.BigEndian.AppendUint32(dst, hasNull)
	dst = binary.BigEndian.AppendUint32(dst, elem)
	if ndim == 0 {
		return dst
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(elems)))
	dst = binary.BigEndian.AppendUint32(dst, 1)
	for _, e := range elems {
		if e == nil {
			dst = binary.BigEndian.AppendUint32(dst, math.MaxUint32) // -1: NULL
			continue
		}
		at := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		dst = appendBinaryElem(dst, elem, *e)
		binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
	}
	return dst
}

// appendBinaryElem writes one array element's binary form from its text.
func appendBinaryElem(dst []byte, elem uint32, s string) []byte {
	switch elem {
	case oidBool:
		if s == "t" || s == "true" {
			return append(dst, 1)
		}
		return append(dst, 0)
	case oidChar:
		if s == "" {
			return append(dst, 0)
		}
		return append(dst, s[0])
	case oidInt2:
		n, _ := strconv.ParseInt(s, 10, 16)
		return binary.BigEndian.AppendUint16(dst, uint16(n))
	case oidInt4, oidOID:
		n, _ := strconv.ParseInt(s, 10, 64)
		return binary.BigEndian.AppendUint32(dst, uint32(n))
	case oidInt8:
		n, _ := strconv.ParseInt(s, 10, 64)
		return binary.BigEndian.AppendUint64(dst, uint64(n))
	case oidFloat4:
		f, _ := strconv.ParseFloat(s, 32)
		return binary.BigEndian.AppendUint32(dst, math.Float32bits(float32(f)))
	case oidFloat8:
		f, _ := strconv.ParseFloat(s, 64)
		return binary.BigEndian.AppendUint64(dst, math.Float64bits(f))
	case oidTimestamptz, oidTimestamp, oidDate:
		// The element's text: an instant with its offset, or a wall clock
		// reading (read as if in UTC, which is its binary form's).
		parse := exec.ParseTimestamp
		if elem != oidTimestamptz {
			parse = exec.ParseWallClock
		}
		ns, err := parse(s, time.UTC, time.Time{})
		if err != nil {
			break // '0001-01-01' and the like: sent as their text
		}
		if elem == oidDate {
			return binary.BigEndian.AppendUint32(dst, uint32(binaryDays(ns, time.Unix(0, ns).UTC())))
		}
		return binary.BigEndian.AppendUint64(dst, uint64(binaryMicros(ns)))
	case oidInterval:
		iv, err := exec.ParseInterval(s)
		if err != nil {
			break
		}
		dst = binary.BigEndian.AppendUint64(dst, uint64(iv.Nanoseconds/1000))
		dst = binary.BigEndian.AppendUint32(dst, uint32(iv.Days))
		return binary.BigEndian.AppendUint32(dst, uint32(iv.Months))
	case oidNumeric:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(s, "eE") {
			return appendNumericFloat(dst, f, -1) // NaN, Infinity, 1e+20
		}
		return appendNumericText(dst, s)
	case oidTime:
		ns, err := exec.ParseTimeOfDay(s, time.UTC, time.Time{})
		if err != nil {
			break
		}
		return binary.BigEndian.AppendUint64(dst, uint64(ns/1000))
	}
	return append(dst, s...)
}

// regOID resolves a reg* value held as a name in the session's database.
func (c *conn) regOID(pgType uint32, name string) (int64, bool) {
	return c.srv.Planner.RegOID(c.sess.database, pgType, name)
}

// appendNumericFloat writes a float8 computed in place of a numeric in
// numeric's binary form, with prec digits after the point (-1: the float's
// shortest decimal digits).
func appendNumericFloat(dst []byte, f float64, prec int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, 0, 0, 0, 0, 0xC0, 0, 0, 0)
	case math.IsInf(f, 1):
		return append(dst, 0, 0, 0, 0, 0xD0, 0, 0, 0)
	case math.IsInf(f, -1):
		return append(dst, 0, 0, 0, 0, 0xF0, 0, 0, 0)
	}
	var buf [64]byte
	return appendNumericText(dst, exec.AppendNumericDigits(buf[:0], f, prec))
}

// appendNumericText writes a decimal number ([-]digits[.digits]) in
// numeric's binary form: ndigits, weight, sign, dscale, then the base-10000
// digits without leading or trailing zero groups. It allocates nothing
// (the groups are computed twice: once to find the first and last nonzero
// ones, once to write them).
func appendNumericText[S string | []byte](dst []byte, text S) []byte {
	var sign uint16
	if len(text) > 0 && text[0] == '-' {
		sign, text = 0x4000, text[1:]
	}
	dot := len(text)
	for i := 0; i < len(text); i++ {
		if text[i] == '.' {
			dot = i
			break
		}
	}
	intLen, fracLen := dot, 0
	if dot < len(text) {
		fracLen = len(text) - dot - 1
	}
	// Digit positions: the integer part padded on the left, the fraction
	// on the right, to multiples of four.
	pad := (4 - intLen%4) % 4
	total := pad + intLen + fracLen + (4-fracLen%4)%4
	digit := func(p int) uint16 {
		p -= pad
		switch {
		case p < 0:
			return 0
		case p < intLen:
			return uint16(text[p] - '0')
		case p-intLen < fracLen:
			return uint16(text[dot+1+p-intLen] - '0')
		}
		return 0
	}
	group := func(g int) uint16 {
		p := 4 * g
		return digit(p)*1000 + digit(p+1)*100 + digit(p+2)*10 + digit(p+3)
	}
	n := total / 4
	first, last := -1, -1
	for g := 0; g < n; g++ {
		if group(g) != 0 {
			if first < 0 {
				first = g
			}
			last = g
		}
	}
	weight := (pad+intLen)/4 - 1 - first
	ndigits := last - first + 1
	if first < 0 {
		weight, sign, ndigits = 0, 0, 0
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(ndigits))
	dst = binary.BigEndian.AppendUint16(dst, uint16(int16(weight)))
	dst = binary.BigEndian.AppendUint16(dst, sign)
	dst = binary.BigEndian.AppendUint16(dst, uint16(fracLen))
	for g := first; g >= 0 && g <= last; g++ {
		dst = binary.BigEndian.AppendUint16(dst, group(g))
	}
	return dst
}

// wallClockEncoder sends date and timestamp (without time zone) values,
// which the engine holds as timestamptz instants (a date as the midnight
// that starts it in the session's time zone, a timestamp as its reading
// taken as a UTC instant): as text YYYY-MM-DD or YYYY-MM-DD
// HH:MM:SS[.ffffff], binary as days or microseconds since 2000-01-01 of the
// wall clock.
func wallClockEncoder(a *array.Timestamp, format int16, pgType uint32, loc *time.Location) encoder {
	if pgType != oidDate {
		loc = time.UTC
	}
	v := a.TimestampValues()
	unit := a.DataType().(*arrow.TimestampType).Unit
	wall := func(i int) time.Time { return time.Unix(0, toNanos(int64(v[i]), unit)).In(loc) }
	switch {
	case pgType == oidDate && format == 1:
		return func(dst []byte, i int) []byte {
			return binary.BigEndian.AppendUint32(dst, uint32(binaryDays(int64(v[i]), wall(i))))
		}
	case pgType == oidDate:
		return func(dst []byte, i int) []byte {
			if out, ok := exec.AppendInfiniteTime(dst, int64(v[i])); ok {
				return out
			}
			return wall(i).AppendFormat(dst, "2006-01-02")
		}
	case format == 1:
		return func(dst []byte, i int) []byte {
			t := wall(i)
			_, off := t.Zone()
			us := binaryMicros(int64(v[i]))
			if exec.IsFiniteTime(int64(v[i])) {
				us += int64(off) * 1000000
			}
			return binary.BigEndian.AppendUint64(dst, uint64(us))
		}
	}
	return func(dst []byte, i int) []byte {
		if out, ok := exec.AppendInfiniteTime(dst, int64(v[i])); ok {
			return out
		}
		t := wall(i)
		return t.Truncate(time.Microsecond).AppendFormat(dst, "2006-01-02 15:04:05.999999")
	}
}
