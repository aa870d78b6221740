package httpquery

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
)

// cellAppender appends row i of one column (never NULL: callers check) in
// an output format. Appenders are made once per batch and column, so the
// per-value work is a typed read and an append: no boxing, no per-value
// allocation. Dictionary (tag) entries are formatted once per batch.
type cellAppender func(dst []byte, i int) []byte

// textColumn formats a column as text (CSV, pretty); quote escapes text
// values for the format.
func textColumn(a arrow.Array, quote func([]byte, string) []byte) cellAppender {
	switch a := a.(type) {
	case *array.Int64:
		return func(dst []byte, i int) []byte { return exec.AppendInt(dst, a.Value(i)) }
	case *array.Uint64:
		return func(dst []byte, i int) []byte { return strconv.AppendUint(dst, a.Value(i), 10) }
	case *array.Float64:
		return func(dst []byte, i int) []byte { return pointZero(exec.AppendFloat(dst, a.Value(i)), len(dst)) }
	case *array.Timestamp:
		return func(dst []byte, i int) []byte { return appendTimeText(dst, int64(a.Value(i))) }
	case *array.Boolean:
		return func(dst []byte, i int) []byte { return strconv.AppendBool(dst, a.Value(i)) }
	case *array.String:
		return func(dst []byte, i int) []byte { return quote(dst, a.Value(i)) }
	case *array.Dictionary:
		return dictColumn(a, textDictFormat(quote))
	}
	return func(dst []byte, i int) []byte {
		s, _ := exec.FormatValue(a, i, time.UTC)
		return quote(dst, s)
	}
}

// jsonColumn formats a column as JSON values, as InfluxDB 3 writes them:
// numbers and booleans bare, timestamps as "2016-01-01T00:00:00" (UTC, no
// zone suffix), everything else as strings. NaN and infinities, which JSON
// cannot hold, are null.
func jsonColumn(a arrow.Array) cellAppender {
	switch a := a.(type) {
	case *array.Int64:
		return func(dst []byte, i int) []byte { return exec.AppendInt(dst, a.Value(i)) }
	case *array.Uint64:
		return func(dst []byte, i int) []byte { return strconv.AppendUint(dst, a.Value(i), 10) }
	case *array.Float64:
		return func(dst []byte, i int) []byte { return appendJSONFloat(dst, a.Value(i)) }
	case *array.Timestamp:
		return func(dst []byte, i int) []byte {
			return append(appendTimeText(append(dst, '"'), int64(a.Value(i))), '"')
		}
	case *array.Boolean:
		return func(dst []byte, i int) []byte { return strconv.AppendBool(dst, a.Value(i)) }
	case *array.String:
		return func(dst []byte, i int) []byte { return appendJSONString(dst, a.Value(i)) }
	case *array.Dictionary:
		return dictColumn(a, func(dst []byte, d arrow.Array, k int) []byte {
			return jsonColumn(d)(dst, k)
		})
	}
	return func(dst []byte, i int) []byte {
		s, _ := exec.FormatValue(a, i, time.UTC)
		return appendJSONString(dst, s)
	}
}

// dictColumn formats each dictionary entry once with format, then appends
// a row's entry by its code.
func dictColumn(a *array.Dictionary, format func(dst []byte, dict arrow.Array, k int) []byte) cellAppender {
	offs, data := dictEntries(a, format)
	if idx, ok := a.Indices().(*array.Int32); ok {
		codes := idx.Int32Values()
		return func(dst []byte, i int) []byte {
			c := codes[i]
			return append(dst, data[offs[c]:offs[c+1]]...)
		}
	}
	return func(dst []byte, i int) []byte {
		k := a.GetValueIndex(i)
		return append(dst, data[offs[k]:offs[k+1]]...)
	}
}

// dictEntries formats each entry of a's dictionary once with format:
// entry k is data[offs[k]:offs[k+1]] (empty for a NULL entry).
func dictEntries(a *array.Dictionary, format func(dst []byte, dict arrow.Array, k int) []byte) (offs []int32, data []byte) {
	dict := a.Dictionary()
	offs = make([]int32, dict.Len()+1)
	for k := 0; k < dict.Len(); k++ {
		if !dict.IsNull(k) {
			data = format(data, dict, k)
		}
		offs[k+1] = int32(len(data))
	}
	return offs, data
}

// textDictFormat formats a dictionary entry as text escaped by quote.
func textDictFormat(quote func([]byte, string) []byte) func(dst []byte, d arrow.Array, k int) []byte {
	return func(dst []byte, d arrow.Array, k int) []byte {
		s, _ := exec.FormatValue(d, k, time.UTC)
		return quote(dst, s)
	}
}

// appendTimeText writes ns as 2006-01-02T15:04:05[.fff[fff[fff]]] in UTC
// (the fraction in three, six or nine digits, none when zero), without the
// layout parsing of time.Format.
func appendTimeText(dst []byte, ns int64) []byte {
	if out, ok := exec.AppendInfiniteTime(dst, ns); ok {
		return out // 'infinity', '-infinity': as PostgreSQL writes them
	}
	t := time.Unix(0, ns).UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	if y < 0 || y > 9999 {
		return t.AppendFormat(dst, "2006-01-02T15:04:05.999999999")
	}
	dst = append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10))
	frac := t.Nanosecond()
	if frac == 0 {
		return dst
	}
	var digits [9]byte
	for k := 8; k >= 0; k-- {
		digits[k] = byte('0' + frac%10)
		frac /= 10
	}
	// Three, six or nine digits, as Arrow's writers (chrono) put them.
	end := 9
	switch {
	case t.Nanosecond()%1e6 == 0:
		end = 3
	case t.Nanosecond()%1e3 == 0:
		end = 6
	}
	return append(append(dst, '.'), digits[:end]...)
}

// appendJSONFloat writes f as encoding/json does (ES6 number formatting);
// NaN and infinities become null.
func appendJSONFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	abs := math.Abs(f)
	fmt := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		fmt = 'e'
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, fmt, -1, 64)
	if fmt == 'f' {
		dst = pointZero(dst, start)
	}
	if fmt == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		n := len(dst) - start
		if n >= 4 && dst[len(dst)-4] == 'e' && dst[len(dst)-3] == '-' && dst[len(dst)-2] == '0' {
			dst[len(dst)-2] = dst[len(dst)-1]
			dst = dst[:len(dst)-1]
		}
	}
	return dst
}

// pointZero appends ".0" to a float written without a fraction or an
// exponent (dst[start:]), as Arrow's JSON and CSV writers write a whole
// float (23.0, not 23), so that readers take it for a float.
func pointZero(dst []byte, start int) []byte {
	for _, c := range dst[start:] {
		if c == '.' || c == 'e' || c == 'E' || c == 'I' || c == 'N' || c == 'n' {
			return dst
		}
	}
	return append(dst, ".0"...)
}

// appendJSONString quotes s for JSON; plain ASCII (the usual tag or field
// value) is copied as is, anything else goes through encoding/json (without
// its HTML escaping of <, > and &, which Arrow's writer does not do).
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			var b strings.Builder
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s)
			return append(dst, strings.TrimSuffix(b.String(), "\n")...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// appendCSVField quotes a text value when CSV needs it (RFC 4180).
func appendCSVField(dst []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && (s == "" || s[0] != ' ') {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	dst = append(dst, strings.ReplaceAll(s, `"`, `""`)...)
	return append(dst, '"')
}

// pgTypeKey marks result fields whose PostgreSQL type is narrower than the
// Arrow type (the handler sets it from planner.Column.PGType): "date" for
// dates, which the engine holds as the timestamp of their midnight.
const pgTypeKey = "strata.pg_type"

func isDate(schema *arrow.Schema, c int) bool {
	if schema == nil || c >= schema.NumFields() {
		return false
	}
	v, ok := schema.Field(c).Metadata.GetValue(pgTypeKey)
	return ok && v == "date"
}

// dateColumn writes a date held as a timestamp as YYYY-MM-DD (UTC, the
// HTTP API's time zone).
func dateColumn(a arrow.Array) cellAppender {
	ts, ok := a.(*array.Timestamp)
	if !ok {
		return textColumn(a, func(dst []byte, s string) []byte { return append(dst, s...) })
	}
	return func(dst []byte, i int) []byte {
		if out, ok := exec.AppendInfiniteTime(dst, int64(ts.Value(i))); ok {
			return out
		}
		return time.Unix(0, int64(ts.Value(i))).UTC().AppendFormat(dst, "2006-01-02")
	}
}

func quotedDateColumn(a arrow.Array) cellAppender {
	return quoted(dateColumn(a))
}

func quoted(cell cellAppender) cellAppender {
	return func(dst []byte, i int) []byte { return append(cell(append(dst, '"'), i), '"') }
}

// zoneKey marks the result fields of InfluxDB 3's tz(x, zone)
// (planner.Column.Zone): their values are readings in that zone, which
// the writers give with its UTC offset, as InfluxDB 3 writes them.
const zoneKey = "strata.zone"

// fieldZone is the zone a result field's readings are in (nil: none).
func fieldZone(schema *arrow.Schema, c int) *time.Location {
	if schema == nil || c >= schema.NumFields() {
		return nil
	}
	v, ok := schema.Field(c).Metadata.GetValue(zoneKey)
	if !ok {
		return nil
	}
	loc, err := planner.ZoneOf(v)
	if err != nil {
		return nil
	}
	return loc
}

// zonedColumn writes instants as their readings in loc, RFC 3339 with
// loc's offset then ("2024-04-01T02:00:20+02:00"; Z where it is UTC's).
func zonedColumn(a arrow.Array, loc *time.Location) cellAppender {
	ts, ok := a.(*array.Timestamp)
	if !ok {
		return nil
	}
	return func(dst []byte, i int) []byte {
		v := int64(ts.Value(i))
		if out, ok := exec.AppendInfiniteTime(dst, v); ok {
			return out
		}
		_, off := time.Unix(0, v).In(loc).Zone()
		dst = appendTimeText(dst, v+int64(off)*1e9)
		if off == 0 {
			return append(dst, 'Z')
		}
		sign := byte('+')
		if off < 0 {
			sign, off = '-', -off
		}
		h, m := off/3600, off/60%60
		return append(dst, sign, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10))
	}
}

// textCell formats column c of a result as text (CSV, pretty): dates as
// dates, tz() results with their offset, the rest by type.
func textCell(schema *arrow.Schema, c int, a arrow.Array, quote func([]byte, string) []byte) cellAppender {
	if isDate(schema, c) {
		return dateColumn(a)
	}
	if loc := fieldZone(schema, c); loc != nil {
		if cell := zonedColumn(a, loc); cell != nil {
			return cell
		}
	}
	return textColumn(a, quote)
}

// jsonCell is textCell's JSON counterpart.
func jsonCell(schema *arrow.Schema, c int, a arrow.Array) cellAppender {
	if isDate(schema, c) {
		return quotedDateColumn(a)
	}
	if loc := fieldZone(schema, c); loc != nil {
		if cell := zonedColumn(a, loc); cell != nil {
			return quoted(cell)
		}
	}
	return jsonColumn(a)
}
