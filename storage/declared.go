package storage

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Declared is what a column's declared SQL type (ColumnMeta.SQLType) says
// beyond its stored type: integer and smallint are bigint values in a
// narrower range, real a double rounded to single precision, character
// varying(n) and character(n) text of at most n characters, timestamp
// without time zone a timestamp that is a wall-clock reading (held as the
// instant UTC's clocks read it, so it reads the same in every session),
// date such a reading at midnight, timestamp(p) and timestamptz(p) times
// rounded to p fractional digits of a second, and numeric(p,s) a double rounded to s
// decimal places whose absolute value stays below 10^(p-s) (a double keeps
// about 15 significant digits; plain numeric is any double). The SQL layer
// reports the declared type; the write paths (SQL and line protocol) keep
// the values within it, so a value read back is one the type holds.
type Declared struct {
	// OID is the PostgreSQL type: 21 smallint, 23 integer, 700 real,
	// 1042 character(n), 1043 character varying[(n)], 1082 date, 1114
	// timestamp[(p)] without time zone, 1184 timestamp(p) with time zone
	// (plain timestamptz is the stored type), 1700 numeric[(p,s)]; 0 when
	// the declared type is the stored one.
	OID uint32
	// Length is n of character varying(n) and character(n), 0 for none.
	Length int
	// Precision and Scale are p and s of numeric(p,s) (Precision 0:
	// numeric without them, any value). Scale may be negative (rounding
	// to tens, hundreds, ...) or larger than Precision, as PostgreSQL's.
	Precision, Scale int
	// Digits is p of timestamp(p) and timestamptz(p), the fractional
	// digits of a second kept (0 to 6), when Rounded is set.
	Digits  int
	Rounded bool
}

// The declared types' OIDs.
const (
	OIDSmallint = 21
	OIDInteger  = 23
	OIDReal     = 700
	OIDChar     = 1042
	OIDVarchar  = 1043
	OIDDate     = 1082
	// OIDTimestamp is timestamp without time zone.
	OIDTimestamp = 1114
	// OIDTimestamptz is timestamp with time zone, declared only with a
	// precision.
	OIDTimestamptz = 1184
	OIDNumeric     = 1700
	// MaxTimeDigits is the largest precision of timestamp(p), PostgreSQL's.
	MaxTimeDigits = 6
)

// The bounds of numeric(p,s)'s precision and scale, PostgreSQL's.
const (
	NumericMaxPrecision = 1000
	NumericMinScale     = -1000
	NumericMaxScale     = 1000
)

// ParseDeclared reads a ColumnMeta.SQLType as the SQL layer writes it
// (PostgreSQL's format_type: "integer", "character varying(20)"); a type
// it does not know declares nothing.
func ParseDeclared(sqlType string) Declared {
	if d, ok := parseNumeric(sqlType); ok {
		return d
	}
	if d, ok := parseTimeDigits(sqlType); ok {
		return d
	}
	base, n := sqlType, 0
	if i := strings.IndexByte(sqlType, '('); i >= 0 && strings.HasSuffix(sqlType, ")") {
		v, err := strconv.Atoi(sqlType[i+1 : len(sqlType)-1])
		if err != nil || v <= 0 {
			return Declared{}
		}
		base, n = sqlType[:i], v
	}
	switch {
	case base == "smallint" && n == 0:
		return Declared{OID: OIDSmallint}
	case base == "integer" && n == 0:
		return Declared{OID: OIDInteger}
	case base == "real" && n == 0:
		return Declared{OID: OIDReal}
	case base == "character varying":
		return Declared{OID: OIDVarchar, Length: n}
	case base == "character" && n > 0:
		return Declared{OID: OIDChar, Length: n}
	case base == "timestamp without time zone" && n == 0:
		return Declared{OID: OIDTimestamp}
	case base == "date" && n == 0:
		return Declared{OID: OIDDate}
	}
	return Declared{}
}

// parseNumeric reads "numeric" and "numeric(p,s)" (format_type's names);
// ok is false for other types. Precision or scale out of bounds declares
// nothing.
func parseNumeric(sqlType string) (d Declared, ok bool) {
	mods, found := strings.CutPrefix(sqlType, "numeric")
	switch {
	case !found:
		return Declared{}, false
	case mods == "":
		return Declared{OID: OIDNumeric}, true
	}
	p, sc, found := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(mods, "("), ")"), ",")
	prec, err1 := strconv.Atoi(p)
	scale, err2 := strconv.Atoi(sc)
	if !found || err1 != nil || err2 != nil || prec < 1 || prec > NumericMaxPrecision || scale < NumericMinScale || scale > NumericMaxScale {
		return Declared{}, true
	}
	return Declared{OID: OIDNumeric, Precision: prec, Scale: scale}, true
}

// parseTimeDigits reads "timestamp(p) without time zone" and
// "timestamp(p) with time zone" (format_type's names); ok is false for
// other types.
func parseTimeDigits(sqlType string) (d Declared, ok bool) {
	mods, found := strings.CutPrefix(sqlType, "timestamp(")
	if !found {
		return Declared{}, false
	}
	p, zone, found := strings.Cut(mods, ") ")
	v, err := strconv.Atoi(p)
	if !found || err != nil || v < 0 || v > MaxTimeDigits {
		return Declared{}, true
	}
	switch zone {
	case "without time zone":
		return Declared{OID: OIDTimestamp, Digits: v, Rounded: true}, true
	case "with time zone":
		return Declared{OID: OIDTimestamptz, Digits: v, Rounded: true}, true
	}
	return Declared{}, true
}

// Typmod is PostgreSQL's type modifier of the declared type (atttypmod):
// n + 4 for a length, numeric(p,s)'s ((p << 16) | s's low 11 bits) + 4,
// timestamp(p)'s p, -1 without one.
func (d Declared) Typmod() int32 {
	switch {
	case d.Rounded:
		return int32(d.Digits)
	case d.Length > 0:
		return int32(d.Length) + 4
	case d.OID == OIDNumeric && d.Precision > 0:
		return int32(d.Precision<<16|d.Scale&0x7ff) + 4
	}
	return -1
}

// ValueError is a value its column's declared type cannot hold, with
// PostgreSQL's message: "integer out of range", "value too long for type
// character varying(20)".
type ValueError struct {
	// TooLong marks a string longer than the type's length (SQLSTATE
	// 22001); otherwise the value is out of the type's range (22003).
	TooLong bool
	Msg     string
	// Detail is PostgreSQL's detail of the error, "" for none.
	Detail string
}

// Error is the message, with the detail when there is one: "numeric field
// overflow: a field with precision 6, scale 2 must round to an absolute
// value less than 10^4".
func (e *ValueError) Error() string {
	if e.Detail == "" {
		return e.Msg
	}
	d := strings.TrimSuffix(e.Detail, ".")
	return e.Msg + ": " + strings.ToLower(d[:1]) + d[1:]
}

// Int checks an integer against a smallint or integer type.
func (d Declared) Int(v int64) error {
	switch {
	case d.OID == OIDInteger && (v < math.MinInt32 || v > math.MaxInt32):
		return &ValueError{Msg: "integer out of range"}
	case d.OID == OIDSmallint && (v < math.MinInt16 || v > math.MaxInt16):
		return &ValueError{Msg: "smallint out of range"}
	}
	return nil
}

// Float is v as a real holds it (rounded to single precision), or the
// error of a finite value beyond its range, as PostgreSQL's float4 input
// and cast; as numeric(p,s) holds it (Numeric); other types leave v as it
// is.
func (d Declared) Float(v float64) (float64, error) {
	if d.OID == OIDNumeric {
		return d.Numeric(v)
	}
	if d.OID != OIDReal {
		return v, nil
	}
	r := float32(v)
	switch {
	case math.IsInf(float64(r), 0) && !math.IsInf(v, 0):
		return 0, &ValueError{Msg: "value out of range: overflow"}
	case r == 0 && v != 0:
		return 0, &ValueError{Msg: "value out of range: underflow"}
	}
	return float64(r), nil
}

// Numeric is v as numeric(p,s) holds it: rounded half away from zero to s
// places (on its decimal value: 1.005 is 1.01), refused when that is not
// below 10^(p-s) or v is infinite ("numeric field overflow", PostgreSQL's
// detail), as PostgreSQL's assignment; NaN is held. Plain numeric, and
// types other than numeric, keep v.
func (d Declared) Numeric(v float64) (float64, error) {
	if d.OID != OIDNumeric || d.Precision == 0 || math.IsNaN(v) {
		return v, nil
	}
	if math.IsInf(v, 0) {
		return 0, &ValueError{Msg: "numeric field overflow",
			Detail: fmt.Sprintf("A field with precision %d, scale %d cannot hold an infinite value.", d.Precision, d.Scale)}
	}
	r := RoundDecimal(v, int64(d.Scale))
	if digits := d.Precision - d.Scale; math.Abs(r) >= math.Pow10(digits) {
		limit := "1"
		if digits != 0 {
			limit = "10^" + strconv.Itoa(digits)
		}
		return 0, &ValueError{Msg: "numeric field overflow",
			Detail: fmt.Sprintf("A field with precision %d, scale %d must round to an absolute value less than %s.", d.Precision, d.Scale, limit)}
	}
	return r, nil
}

// String is s as a character type of a length holds it: at most Length
// characters, past which only spaces may follow (they are cut, as in
// PostgreSQL); character(n)'s trailing spaces, which PostgreSQL does not
// count, are not kept.
func (d Declared) String(s string) (string, error) {
	if d.OID != OIDChar && d.OID != OIDVarchar {
		return s, nil
	}
	if d.OID == OIDChar {
		s = strings.TrimRight(s, " ")
	}
	if d.Length == 0 || len(s) <= d.Length {
		return s, nil // bytes bound the characters
	}
	if utf8.RuneCountInString(s) <= d.Length {
		return s, nil
	}
	cut := 0
	for i := 0; i < d.Length; i++ {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	if strings.TrimLeft(s[cut:], " ") != "" {
		name := "character varying"
		if d.OID == OIDChar {
			name = "character"
		}
		return "", &ValueError{TooLong: true, Msg: fmt.Sprintf("value too long for type %s(%d)", name, d.Length)}
	}
	return s[:cut], nil
}

// Reading reports whether the declared type's values are wall-clock
// readings (timestamp without time zone, date) rather than instants.
func (d Declared) Reading() bool { return d.OID == OIDTimestamp || d.OID == OIDDate }

// dayNanos is a day's nanoseconds.
const dayNanos = 86400 * int64(1e9)

// Time is a time (ns; a reading or an instant) as the declared type holds
// it: a date is the midnight that starts the reading's day, as
// PostgreSQL's assignment of a timestamp to a date truncates it;
// timestamp(p) and timestamptz(p) round to p fractional digits (RoundTime);
// other types keep v. 'infinity' and '-infinity' (math.MaxInt64,
// math.MinInt64) stay as they are.
func (d Declared) Time(v int64) (int64, error) {
	if v == math.MaxInt64 || v == math.MinInt64 {
		return v, nil
	}
	if d.Rounded {
		return RoundTime(v, d.Digits), nil
	}
	if d.OID != OIDDate {
		return v, nil
	}
	day := v - (v%dayNanos+dayNanos)%dayNanos
	if day > v {
		return 0, &ValueError{Msg: "date out of range"} // before the first day held whole
	}
	return day, nil
}

// ChangesTime reports whether Time changes some values: a date's, or
// timestamp(p)'s.
func (d Declared) ChangesTime() bool { return d.OID == OIDDate || d.Rounded }

// pgEpochNanos is PostgreSQL's epoch, 2000-01-01 00:00:00 UTC, in
// nanoseconds since the Unix epoch.
const pgEpochNanos = 946684800 * int64(1e9)

// RoundTime rounds a time (ns since the Unix epoch) to p fractional
// digits of a second (p below 9), halves away from PostgreSQL's epoch
// (2000-01-01), as PostgreSQL's timestamp(p) rounds its microseconds:
// '1999-12-31 23:59:59.9995'::timestamp(3) is .999, the same half after
// 2000 rounds up.
func RoundTime(ns int64, p int) int64 {
	if p >= 9 {
		return ns
	}
	unit := int64(1)
	for k := p; k < 9; k++ {
		unit *= 10
	}
	// Both epochs are whole seconds, so the part of a unit is the same
	// from either; only a half's direction depends on the epoch.
	r := (ns%unit + unit) % unit
	down := ns - r
	if 2*r < unit || 2*r == unit && ns < pgEpochNanos || down > math.MaxInt64-unit {
		return down
	}
	return down + unit
}

// Check checks a batch's field values against the declared type, and
// converts those it holds otherwise (reals rounded, spaces cut); the error
// names the first row refused. Nulls are not checked.
func (d Declared) Check(f *FieldColumn) (row int, err error) {
	if d.OID == 0 {
		return 0, nil
	}
	switch f.Type {
	case TypeInt:
		for i, v := range f.Ints {
			if err := d.Int(v); err != nil && f.IsValid(i) {
				return i, err
			}
		}
	case TypeFloat:
		for i, v := range f.Floats {
			r, err := d.Float(v)
			if err != nil && f.IsValid(i) {
				return i, err
			}
			f.Floats[i] = r
		}
	case TypeString:
		changed := false
		for i := 0; i+1 < len(f.Offsets); i++ {
			v := unsafeString(f.Data[f.Offsets[i]:f.Offsets[i+1]])
			s, err := d.String(v)
			if err != nil && f.IsValid(i) {
				return i, err
			}
			changed = changed || len(s) != len(v)
		}
		if changed {
			d.recut(f)
		}
	case TypeTimestamp:
		for i, v := range f.Ints {
			t, err := d.Time(v)
			if err != nil && f.IsValid(i) {
				return i, err
			}
			f.Ints[i] = t
		}
	}
	return 0, nil
}

// recut writes a string column's values anew as String holds them.
func (d Declared) recut(f *FieldColumn) {
	offsets, data := make([]int32, 1, len(f.Offsets)), make([]byte, 0, len(f.Data))
	for i := 0; i+1 < len(f.Offsets); i++ {
		s, _ := d.String(string(f.Data[f.Offsets[i]:f.Offsets[i+1]]))
		data = append(data, s...)
		offsets = append(offsets, int32(len(data)))
	}
	f.Offsets, f.Data = offsets, data
}

// CheckTag checks a batch's tag values (its dictionary) against the
// declared type and converts them as Check does; entries that become
// equal are merged. The error gives the first row of the value refused.
func (d Declared) CheckTag(t *TagColumn) (row int, err error) {
	if d.OID != OIDChar && d.OID != OIDVarchar {
		return 0, nil
	}
	dict, changed := make([]string, len(t.Dict)), false
	for i, v := range t.Dict {
		s, err := d.String(v)
		if err != nil {
			for r, c := range t.Codes {
				if int(c) == i {
					return r, err
				}
			}
			continue // an entry no row uses
		}
		dict[i], changed = s, changed || s != v
	}
	if !changed {
		return 0, nil
	}
	at, remap := map[string]int32{}, make([]int32, len(dict))
	t.Dict = make([]string, 0, len(dict))
	for i, s := range dict {
		c, ok := at[s]
		if !ok {
			c = int32(len(t.Dict))
			at[s] = c
			t.Dict = append(t.Dict, s)
		}
		remap[i] = c
	}
	for r, c := range t.Codes {
		if c >= 0 {
			t.Codes[r] = remap[c]
		}
	}
	return 0, nil
}

// unsafeString views b as a string for as long as b is left unchanged.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
