package exec

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Cast converts X to type To with PostgreSQL's rules: text parses
// (errors say "invalid input syntax for type ..."), float to bigint rounds
// half to even, every type prints to text as PostgreSQL does.
type Cast struct {
	X  Expr
	To arrow.DataType
	// Input is the PostgreSQL type text input errors name when it is not
	// To's own (integer, smallint, real, numeric: the engine holds them as
	// bigint and double precision).
	Input string
}

func (e *Cast) Type() arrow.DataType { return e.To }
func (e *Cast) String() string       { return fmt.Sprintf("%s::%s", e.X, SQLTypeName(e.To)) }

func (e *Cast) Eval(c *Ctx, rec arrow.Record) (arrow.Array, error) {
	a, err := e.X.Eval(c, rec)
	if err != nil {
		return nil, err
	}
	if arrow.TypeEqual(a.DataType(), e.To) {
		return a, nil
	}
	defer a.Release()
	n := a.Len()
	if a.DataType().ID() == arrow.NULL {
		return array.MakeArrayOfNull(c.Mem, e.To, n), nil
	}
	if out, ok, err := castNumeric(a, e.To); ok {
		return out, err
	}
	if e.To.ID() == arrow.STRING {
		if out, ok := castToTextFast(c, a); ok {
			return out, nil
		}
	}
	get, err := valueGetter(a)
	if err != nil {
		return nil, err
	}
	b := array.NewBuilder(memory.DefaultAllocator, e.To)
	defer b.Release()
	b.Reserve(n)
	for i := 0; i < n; i++ {
		if a.IsNull(i) {
			b.AppendNull()
			continue
		}
		v, err := CastValue(c, get(i), e.To)
		if err != nil {
			return nil, e.inputError(err)
		}
		appendValue(b, v)
	}
	return b.NewArray(), nil
}

// inputError names Input in place of the engine type in a text input
// error: 'abc'::int4 is invalid input syntax for type integer.
func (e *Cast) inputError(err error) error {
	if e.Input == "" {
		return err
	}
	msg := err.Error()
	if named := NameInputType(msg, e.Input); named != msg {
		return errors.New(named)
	}
	return err
}

// NameInputType names the PostgreSQL type name (integer, not the engine's
// bigint) in the message of a text input error of CastValue; msg is
// unchanged when name is empty or msg is another error's.
func NameInputType(msg, name string) string {
	if name == "" {
		return msg
	}
	for _, held := range []string{"for type bigint", "for type double precision"} {
		if strings.Contains(msg, held) && (strings.HasPrefix(msg, "invalid input syntax") || strings.Contains(msg, "out of range")) {
			return strings.Replace(msg, held, "for type "+name, 1)
		}
	}
	return msg
}

// appendValue appends a Go value of the builder's type (nil: NULL).
func appendValue(b array.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch bb := b.(type) {
	case *array.BooleanBuilder:
		bb.Append(v.(bool))
	case *array.Int64Builder:
		bb.Append(v.(int64))
	case *array.Uint64Builder:
		bb.Append(v.(uint64))
	case *array.Float64Builder:
		bb.Append(v.(float64))
	case *array.StringBuilder:
		bb.Append(v.(string))
	case *array.TimestampBuilder:
		bb.Append(arrow.Timestamp(v.(Timestamp)))
	case *array.MonthDayNanoIntervalBuilder:
		bb.Append(v.(arrow.MonthDayNanoInterval))
	default:
		panic(fmt.Sprintf("exec: cannot append %T to %T", v, b))
	}
}

// CastValue converts one value (as Literal holds them) to type to.
// CanCast reports whether values of type from cast to type to (CastValue
// takes them); PostgreSQL refuses the others while planning (42846).
func CanCast(from, to arrow.DataType) bool {
	f := from.ID()
	if IsText(from) {
		f = arrow.STRING
	}
	if f == arrow.NULL || f == arrow.STRING || IsText(to) || f == to.ID() {
		return true
	}
	switch to.ID() {
	case arrow.INT64:
		return f == arrow.UINT64 || f == arrow.FLOAT64 || f == arrow.BOOL
	case arrow.UINT64:
		return f == arrow.INT64
	case arrow.FLOAT64:
		return f == arrow.INT64 || f == arrow.UINT64
	case arrow.BOOL:
		return f == arrow.INT64
	}
	return false
}

func CastValue(c *Ctx, v any, to arrow.DataType) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch to.ID() {
	case arrow.STRING, arrow.DICTIONARY:
		return castToText(c, v), nil
	case arrow.INT64:
		switch x := v.(type) {
		case int64:
			return x, nil
		case uint64:
			if x > math.MaxInt64 {
				return nil, errIntRange
			}
			return int64(x), nil
		case float64:
			r := math.RoundToEven(x)
			if math.IsNaN(r) || r < math.MinInt64 || r >= math.MaxInt64 {
				return nil, errIntRange
			}
			return int64(r), nil
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		case string:
			n, err := strconv.ParseInt(TrimSpaceASCII(x), 10, 64)
			if err != nil {
				if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
					return nil, fmt.Errorf("value %q is out of range for type bigint", x)
				}
				return nil, fmt.Errorf("invalid input syntax for type bigint: %q", x)
			}
			return n, nil
		}
	case arrow.UINT64:
		switch x := v.(type) {
		case uint64:
			return x, nil
		case int64:
			if x < 0 {
				return nil, fmt.Errorf("value %d is out of range for an unsigned integer", x)
			}
			return uint64(x), nil
		case float64:
			// A decimal (1.5, 18446744073709551616): rounded half away
			// from zero, as a numeric becomes an integer.
			r := math.Round(x)
			if math.IsNaN(r) || r < 0 || r >= 1<<64 {
				return nil, fmt.Errorf("value %s is out of range for an unsigned integer", FormatFloat(x))
			}
			return uint64(r), nil
		case string:
			s := strings.TrimPrefix(TrimSpaceASCII(x), "+")
			n, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				// A whole number written otherwise: 1.0, 1e3, -0.
				f, ferr := strconv.ParseFloat(s, 64)
				if ferr != nil || strings.ContainsAny(s, "_xXiInN") || f != math.Trunc(f) {
					return nil, fmt.Errorf("invalid input syntax for an unsigned integer: %q", x)
				}
				if f < 0 && f != 0 || f >= 1<<64 {
					return nil, fmt.Errorf("value %q is out of range for an unsigned integer", x)
				}
				return uint64(f), nil
			}
			return n, nil
		}
	case arrow.FLOAT64:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		case uint64:
			return float64(x), nil
		case string:
			s := TrimSpaceASCII(x)
			switch strings.ToLower(s) {
			case "nan":
				return math.NaN(), nil
			case "infinity", "inf", "+infinity":
				return math.Inf(1), nil
			case "-infinity", "-inf":
				return math.Inf(-1), nil
			}
			f, err := strconv.ParseFloat(s, 64)
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange || err == nil && f == 0 && nonZeroMantissa(s) {
				return nil, fmt.Errorf("%q is out of range for type double precision", s) // over- or underflow
			}
			if err != nil || strings.IndexByte(s, '_') >= 0 {
				return nil, fmt.Errorf("invalid input syntax for type double precision: %q", x)
			}
			return f, nil
		}
	case arrow.BOOL:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		case string:
			if b, ok := ParseBool(x); ok {
				return b, nil
			}
			return nil, fmt.Errorf("invalid input syntax for type boolean: %q", x)
		}
	case arrow.TIMESTAMP:
		switch x := v.(type) {
		case Timestamp:
			return x, nil
		case string:
			ns, err := ParseTimestamp(x, c.Location, c.Now)
			if err != nil {
				return nil, err
			}
			return Timestamp(ns), nil
		}
	case arrow.INTERVAL_MONTH_DAY_NANO:
		switch x := v.(type) {
		case arrow.MonthDayNanoInterval:
			return x, nil
		case string:
			return ParseInterval(x)
		}
	}
	return nil, fmt.Errorf("cannot cast %T to %s", v, SQLTypeName(to))
}

// TrimSpaceASCII trims the white space PostgreSQL's input functions skip:
// ASCII only (a no-break space is part of the value).
func TrimSpaceASCII(s string) string {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' }
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// nonZeroMantissa reports whether a number's digits before its exponent
// are not all zero (a zero parse of it is an underflow).
func nonZeroMantissa(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 'e' || c == 'E':
			return false
		case c >= '1' && c <= '9':
			return true
		}
	}
	return false
}

// ParseBool reads a boolean as PostgreSQL's boolin does: true, yes, on, 1
// and false, no, off, 0, any case, or a prefix of a word that is not also
// a prefix of the other words ("tr", "ye", "of"; not "o").
func ParseBool(s string) (value, ok bool) {
	s = strings.ToLower(TrimSpaceASCII(s))
	switch s {
	case "1":
		return true, true
	case "0":
		return false, true
	case "":
		return false, false
	}
	for _, w := range [...]struct {
		word string
		min  int
		v    bool
	}{{"true", 1, true}, {"false", 1, false}, {"yes", 1, true}, {"no", 1, false}, {"on", 2, true}, {"off", 2, false}} {
		if len(s) >= w.min && len(s) <= len(w.word) && w.word[:len(s)] == s {
			return w.v, true
		}
	}
	return false, false
}

// outputText is v as its type's output function writes it (concat,
// concat_ws): a boolean as t or f, anything else as castToText.
func outputText(c *Ctx, v any) string {
	if b, ok := v.(bool); ok {
		if b {
			return "t"
		}
		return "f"
	}
	return castToText(c, v)
}

func castToText(c *Ctx, v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return FormatFloat(x)
	case Timestamp:
		return formatTimestampIn(int64(x), c.Location)
	case arrow.MonthDayNanoInterval:
		return FormatInterval(x)
	}
	return fmt.Sprint(v)
}
