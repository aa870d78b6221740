package pgwire

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
)

// decodeParam turns one Bind parameter into the planner's value for $n:
// nil, bool, int64, float64, string (read by the context it lands in, as an
// untyped literal), exec.Timestamp or an interval. oid is the type the
// statement declared for it (0 when neither the client nor inference fixed
// one); format is 0 for text, 1 for binary.
func decodeParam(n int, oid uint32, format int16, b []byte, loc *time.Location, now time.Time) (any, error) {
	if b == nil {
		return nil, nil
	}
	if format == 1 {
		v, err := decodeBinary(n, oid, b)
		if ts, ok := v.(exec.Timestamp); ok && err == nil && oid == oidDate && exec.IsFiniteTime(int64(ts)) {
			// Binary dates are wall clock readings (as if in UTC): the
			// instant of that midnight in the session's zone, as their
			// text is read. A timestamp's reading is held as it is sent.
			t := time.Unix(0, int64(ts)).UTC()
			y, mo, d := t.Date()
			w := exec.WallTime(y, mo, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
			if ns, ok := exec.InstantNanos(w); ok {
				return exec.Timestamp(ns), nil
			}
			return beyondParam(n, w.Before(time.Unix(0, 0)), "out of range"), nil
		}
		return v, err
	}
	if err := checkUTF8(n, b); err != nil {
		return nil, err // text is UTF-8 without NUL
	}
	s := string(b)
	bad := func(err error) error {
		return &planner.Error{Code: "22P02", Msg: fmt.Sprintf("invalid input for parameter $%d of type %s: %q: %v", n, oidName(oid), s, err)}
	}
	switch oid {
	case oidBool:
		v, err := exec.CastValue(exec.NewCtx(), s, exec.TypeBool)
		if err != nil {
			return nil, bad(err)
		}
		return v, nil
	case oidInt2, oidInt4, oidInt8, oidOID:
		v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		var limit int64 // the type's range: [-limit, limit)
		switch oid {
		case oidInt2:
			limit = 1 << 15
		case oidInt4:
			limit = 1 << 31
		case oidOID:
			limit = 1 << 32
		}
		if err == nil && limit > 0 && (v < -limit || v >= limit) || errors.Is(err, strconv.ErrRange) {
			return nil, numberError(n, oid, s, true)
		}
		if err != nil {
			return nil, numberError(n, oid, s, false)
		}
		return v, nil
	case oidFloat4, oidFloat8:
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, numberError(n, oid, s, errors.Is(err, strconv.ErrRange))
		}
		if oid == oidFloat4 {
			return planner.RealParam(v), nil
		}
		return v, nil
	case oidNumeric:
		t := strings.TrimSpace(s)
		if v, err := strconv.ParseInt(t, 10, 64); err == nil {
			return planner.NumericParam{V: v}, nil
		}
		v, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return nil, numberError(n, oid, s, errors.Is(err, strconv.ErrRange))
		}
		return planner.NumericParam{V: v, Scale: numericTextScale(t)}, nil
	case oidTimestamptz, oidTimestamp, oidDate:
		parse := exec.ParseTimestamp
		if oid == oidTimestamp {
			// The reading, held as a UTC instant; an offset sent with a
			// timestamp is ignored, as PostgreSQL does.
			parse = exec.ParseReading
		}
		ns, err := parse(s, loc, now)
		var beyond *exec.BeyondTimesError
		if errors.As(err, &beyond) {
			// 'infinity', '0001-01-01': still a bound comparisons can use.
			return planner.BeyondTimeParam{Below: beyond.Below, Err: err.Error()}, nil
		}
		if err != nil {
			return nil, bad(err)
		}
		return exec.Timestamp(ns), nil
	case oidInterval:
		iv, err := exec.ParseInterval(s)
		if err != nil {
			return nil, bad(err)
		}
		return iv, nil
	case oidJSON:
		if err := exec.CheckJSON(s); err != nil {
			return nil, jsonParamError(n, err)
		}
		return s, nil
	case oidJSONB:
		v, err := exec.JSONBText(s)
		if err != nil {
			return nil, jsonParamError(n, err)
		}
		return v, nil
	case oidTime:
		ns, err := exec.ParseTimeOfDay(s, loc, now)
		if err != nil {
			code := "22007" // invalid_datetime_format, as PostgreSQL's time input
			if strings.Contains(err.Error(), "out of range") {
				code = "22008"
			}
			return nil, &planner.Error{Code: code, Msg: fmt.Sprintf("invalid input for parameter $%d of type time: %v", n, err)}
		}
		return exec.TimeOfDay(ns), nil
	}
	return s, nil
}

func decodeBinary(n int, oid uint32, b []byte) (any, error) {
	if _, ok := elemOf[oid]; ok {
		return decodeArray(n, oid, b)
	}
	size := func(want int) error {
		if len(b) != want {
			return &planner.Error{Code: "22P03", Msg: fmt.Sprintf("parameter $%d: binary %s must be %d bytes, got %d", n, oidName(oid), want, len(b))}
		}
		return nil
	}
	switch oid {
	case oidBool:
		if err := size(1); err != nil {
			return nil, err
		}
		return b[0] != 0, nil
	case oidInt2:
		if err := size(2); err != nil {
			return nil, err
		}
		return int64(int16(binary.BigEndian.Uint16(b))), nil
	case oidInt4:
		if err := size(4); err != nil {
			return nil, err
		}
		return int64(int32(binary.BigEndian.Uint32(b))), nil
	case oidOID:
		if err := size(4); err != nil {
			return nil, err
		}
		return int64(binary.BigEndian.Uint32(b)), nil
	case oidInt8:
		if err := size(8); err != nil {
			return nil, err
		}
		return int64(binary.BigEndian.Uint64(b)), nil
	case oidFloat4:
		if err := size(4); err != nil {
			return nil, err
		}
		return planner.RealParam(math.Float32frombits(binary.BigEndian.Uint32(b))), nil
	case oidFloat8:
		if err := size(8); err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	case oidTimestamptz, oidTimestamp:
		if err := size(8); err != nil {
			return nil, err
		}
		us := int64(binary.BigEndian.Uint64(b))
		switch us { // 'infinity', '-infinity'
		case math.MaxInt64:
			return exec.Timestamp(exec.TimeInfinity), nil
		case math.MinInt64:
			return exec.Timestamp(exec.TimeNegInfinity), nil
		}
		return timestampFromMicros(n, us+pgEpochMicros)
	case oidDate:
		if err := size(4); err != nil {
			return nil, err
		}
		days := int64(int32(binary.BigEndian.Uint32(b)))
		switch days {
		case math.MaxInt32:
			return exec.Timestamp(exec.TimeInfinity), nil
		case math.MinInt32:
			return exec.Timestamp(exec.TimeNegInfinity), nil
		}
		return timestampFromMicros(n, days*86400*1000000+pgEpochMicros)
	case oidInterval:
		if err := size(16); err != nil {
			return nil, err
		}
		return arrow.MonthDayNanoInterval{
			Nanoseconds: int64(binary.BigEndian.Uint64(b)) * 1000,
			Days:        int32(binary.BigEndian.Uint32(b[8:])),
			Months:      int32(binary.BigEndian.Uint32(b[12:])),
		}, nil
	case oidTime:
		if err := size(8); err != nil {
			return nil, err
		}
		us := int64(binary.BigEndian.Uint64(b))
		if us < 0 || us > 86400*1000000 {
			return nil, &planner.Error{Code: "22008", Msg: fmt.Sprintf("parameter $%d: time out of range: %d microseconds after midnight", n, us)}
		}
		return exec.TimeOfDay(us * 1000), nil
	case oidNumeric:
		v, err := decodeNumeric(n, b)
		if err != nil {
			return nil, err
		}
		return planner.NumericParam{V: v, Scale: int(binary.BigEndian.Uint16(b[6:]) & 0x3FFF)}, nil
	case oidUUID:
		if err := size(16); err != nil {
			return nil, err
		}
		h := hex.EncodeToString(b)
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
	case oidJSON:
		if err := checkUTF8(n, b); err != nil {
			return nil, err
		}
		if err := exec.CheckJSON(string(b)); err != nil {
			return nil, jsonParamError(n, err)
		}
		return string(b), nil
	case oidText, oidVarchar, oidBPChar, oidNameType, oidUnknown, oidChar, 0:
		if err := checkUTF8(n, b); err != nil {
			return nil, err
		}
		return string(b), nil
	case oidBytea:
		return string(b), nil
	case oidJSONB:
		if len(b) == 0 || b[0] != 1 {
			return nil, &planner.Error{Code: "22P03", Msg: fmt.Sprintf("parameter $%d: unsupported jsonb version number (binary jsonb is version 1)", n)}
		}
		if err := checkUTF8(n, b[1:]); err != nil {
			return nil, err
		}
		v, err := exec.JSONBText(string(b[1:]))
		if err != nil {
			return nil, jsonParamError(n, err)
		}
		return v, nil
	}
	return nil, &planner.Error{Code: "0A000", Msg: fmt.Sprintf("parameter $%d: binary format of type OID %d is not supported; send it in text format", n, oid)}
}

// jsonParamError is a json or jsonb parameter's input error.
func jsonParamError(n int, err error) error {
	pe := planner.AsError(err)
	pe.Msg = fmt.Sprintf("%s (parameter $%d)", pe.Msg, n)
	return pe
}

// checkUTF8 refuses text that is not UTF-8 or holds a NUL byte, as
// PostgreSQL does (22021).
func checkUTF8(n int, b []byte) error {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == 0 || r == utf8.RuneError && size <= 1 {
			return &planner.Error{Code: "22021", Msg: fmt.Sprintf("parameter $%d: invalid byte sequence for encoding \"UTF8\": 0x%02x", n, b[i])}
		}
		i += size
	}
	return nil
}

// checkQueryUTF8 refuses query text that is not UTF-8, as PostgreSQL
// does (22021): the bytes would reach results, tables and the JSON API.
func checkQueryUTF8(q string) error {
	if utf8.ValidString(q) {
		return nil
	}
	for i := 0; i < len(q); {
		r, size := utf8.DecodeRuneInString(q[i:])
		if r == utf8.RuneError && size <= 1 {
			return &planner.Error{Code: "22021", Msg: fmt.Sprintf("invalid byte sequence for encoding \"UTF8\": 0x%02x", q[i])}
		}
		i += size
	}
	return nil
}

// decodeArray reads an array parameter's binary form: the number of
// dimensions, a has-NULLs flag, the element type, each dimension's length
// and lower bound, then each element as a length (-1 for NULL) and its
// binary form.
func decodeArray(n int, oid uint32, b []byte) (any, error) {
	bad := func(format string, args ...any) error {
		return &planner.Error{Code: "22P03", Msg: fmt.Sprintf("parameter $%d: malformed binary %s: ", n, oidName(oid)) + fmt.Sprintf(format, args...)}
	}
	be := binary.BigEndian
	if len(b) < 12 {
		return nil, bad("%d bytes, shorter than the 12-byte header", len(b))
	}
	ndim, elem := int32(be.Uint32(b)), be.Uint32(b[8:])
	out := planner.ArrayParam{Elem: engineType(elem)}
	switch {
	case ndim == 0:
		return out, nil
	case ndim != 1:
		return nil, &planner.Error{Code: "0A000", Msg: fmt.Sprintf("parameter $%d: arrays of %d dimensions are not supported; send a one-dimensional array", n, ndim)}
	case len(b) < 20:
		return nil, bad("no dimension after the header")
	}
	count := int(int32(be.Uint32(b[12:])))
	if count < 0 || count > (len(b)-20)/4 {
		return nil, bad("%d elements do not fit in %d bytes", count, len(b))
	}
	out.Values = make([]any, 0, count)
	p := 20
	for i := range count {
		if len(b)-p < 4 {
			return nil, bad("element %d is cut short", i+1)
		}
		size := int(int32(be.Uint32(b[p:])))
		p += 4
		if size == -1 {
			out.Values = append(out.Values, nil)
			continue
		}
		if size < 0 || size > len(b)-p {
			return nil, bad("element %d is cut short", i+1)
		}
		v, err := decodeBinary(n, elem, b[p:p+size])
		if err != nil {
			return nil, err
		}
		if _, nested := v.(planner.ArrayParam); nested {
			return nil, bad("element %d is an array", i+1)
		}
		if num, ok := v.(planner.NumericParam); ok {
			v = num.V // a numeric[]'s element: its value
		}
		if i, ok := v.(int64); ok && out.Elem.ID() == arrow.FLOAT64 {
			v = float64(i) // a whole numeric
		}
		if r, ok := v.(planner.RealParam); ok {
			v = float64(r) // a real[]'s element: its float4 value
		}
		p += size
		out.Values = append(out.Values, v)
	}
	if p != len(b) {
		return nil, bad("%d bytes after the last element", len(b)-p)
	}
	return out, nil
}

// Timestamps are held in nanoseconds since 1970: ±292 years. A time
// outside is still a bound that comparisons decide (time > $1 for year 1).
func timestampFromMicros(n int, us int64) (any, error) {
	if us > math.MaxInt64/1000 || us < math.MinInt64/1000 {
		return beyondParam(n, us < 0, "out of range"), nil
	}
	return exec.Timestamp(us * 1000), nil
}

// beyondParam is parameter $n, a time beyond those Strata holds.
func beyondParam(n int, below bool, what string) planner.BeyondTimeParam {
	return planner.BeyondTimeParam{Below: below, Err: fmt.Sprintf("parameter $%d: timestamp %s (%s)", n, what, exec.TimeRangeNote)}
}

// decodeNumeric reads numeric's binary form into an int64 when it is whole
// and fits, else a float64.
func decodeNumeric(n int, b []byte) (any, error) {
	bad := &planner.Error{Code: "22P03", Msg: fmt.Sprintf("parameter $%d: malformed binary numeric", n)}
	if len(b) < 8 {
		return nil, bad
	}
	nd := int(binary.BigEndian.Uint16(b))
	weight := int(int16(binary.BigEndian.Uint16(b[2:])))
	sign := binary.BigEndian.Uint16(b[4:])
	if len(b) != 8+2*nd {
		return nil, bad
	}
	switch sign {
	case 0xC000:
		return math.NaN(), nil
	case 0xD000:
		return math.Inf(1), nil
	case 0xF000:
		return math.Inf(-1), nil
	case 0, 0x4000:
	default:
		return nil, bad
	}
	// Whole numbers below 2^63 exactly; others as the float nearest the
	// decimal (what reading its text gives: 2.675 is 2.675's float, not
	// the sum of its digit groups', so rounding it to 2 places gives 2.68).
	var mant uint64 // the digit groups as one integer, while it fits
	fits := true
	for i := 0; i < nd; i++ {
		d := uint64(binary.BigEndian.Uint16(b[8+2*i:]))
		if d > 9999 {
			return nil, bad
		}
		fits = fits && mant <= (math.MaxUint64-9999)/10000
		mant = mant*10000 + d
	}
	exp := 4 * (weight - nd + 1) // the value is mant·10^exp
	for ; fits && exp > 0 && mant <= math.MaxInt64/10; exp-- {
		mant *= 10
	}
	neg := sign == 0x4000
	switch {
	case nd == 0:
		return int64(0), nil
	case fits && exp == 0 && mant <= math.MaxInt64:
		if neg {
			return -int64(mant), nil
		}
		return int64(mant), nil
	case fits && exp < 0 && exp >= -22 && mant < 1<<53:
		f := float64(mant) / math.Pow10(-exp) // both exact: one rounding
		if neg {
			f = -f
		}
		return f, nil
	}
	text := make([]byte, 0, 4*nd+16)
	if neg {
		text = append(text, '-')
	}
	for i := 0; i < nd; i++ {
		text = fmt.Appendf(text, "%04d", binary.BigEndian.Uint16(b[8+2*i:]))
	}
	text = fmt.Appendf(text, "e%d", 4*(weight-nd+1))
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, bad
	}
	return f, nil
}

// numericTextScale is the display scale of a numeric's text as
// PostgreSQL reads it: the digits after the point, less a positive
// exponent (12.50 has 2, 1.5e1 0, 1.5e-3 4); 0 for NaN and Infinity.
func numericTextScale(t string) int {
	mant, exp, _ := strings.Cut(strings.ToLower(t), "e")
	_, frac, ok := strings.Cut(mant, ".")
	if !ok && exp == "" {
		return 0
	}
	scale := len(frac)
	if exp != "" {
		e, err := strconv.Atoi(exp)
		if err != nil {
			return 0
		}
		scale -= e
	}
	return max(0, min(scale, 1000))
}

// oidName is a type's name for messages: format_type's spelling.
func oidName(oid uint32) string {
	if oid == 0 {
		return "unknown"
	}
	if name, ok := exec.PGTypeNames()[int64(oid)]; ok {
		return name
	}
	return "OID " + strconv.Itoa(int(oid))
}

// numberError is PostgreSQL's error for a parameter that is not a number
// of its type (22P02) or is out of its range (22003).
func numberError(n int, oid uint32, s string, outOfRange bool) error {
	if outOfRange {
		return &planner.Error{Code: "22003", Msg: fmt.Sprintf("value %q is out of range for type %s (parameter $%d)", s, oidName(oid), n)}
	}
	return &planner.Error{Code: "22P02", Msg: fmt.Sprintf("invalid input syntax for type %s: %q (parameter $%d)", oidName(oid), s, n)}
}
