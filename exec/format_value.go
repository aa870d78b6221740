package exec

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// FormatValue renders row i of a as PostgreSQL's text output format does
// (booleans t/f, timestamptz in loc with its offset, float8 in the shortest
// form that reads back exactly, intervals as "1 day 02:00:00"). NULL is
// returned as ok=false.
// IsNullAt reports whether value i of a is NULL; unlike a.IsNull, also for
// an array of the NULL type, which Arrow keeps without a validity bitmap
// (SELECT NULL, GROUP BY NULL).
func IsNullAt(a arrow.Array, i int) bool {
	return a.IsNull(i) || a.DataType().ID() == arrow.NULL
}

func FormatValue(a arrow.Array, i int, loc *time.Location) (s string, ok bool) {
	if IsNullAt(a, i) {
		return "", false
	}
	switch a := a.(type) {
	case *array.Boolean:
		if a.Value(i) {
			return "t", true
		}
		return "f", true
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10), true
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10), true
	case *array.Uint64:
		return strconv.FormatUint(a.Value(i), 10), true
	case *array.Float64:
		return FormatFloat(a.Value(i)), true
	case *array.String:
		return a.Value(i), true
	case *array.Dictionary:
		return textAccessor(a)(i), true
	case *array.Timestamp:
		return formatTimestampIn(int64(a.Value(i)), loc), true
	case *array.MonthDayNanoInterval:
		return FormatInterval(a.Value(i)), true
	}
	return fmt.Sprint(a.GetOneForMarshal(i)), true
}

// FormatFloat writes a float8 as PostgreSQL 12+ does: the shortest exact
// representation, exponent form outside [1e-4, 1e15), and NaN/Infinity.
func FormatFloat(f float64) string { return string(AppendFloat(nil, f)) }

// AppendFloat4 writes a real (float4) value as PostgreSQL does: the
// shortest text that reads back as the same single-precision number, with
// an exponent below 1e-4 and from 1e6 up.
func AppendFloat4(dst []byte, f float64) []byte { return appendPGFloat(dst, f, 32, 1e6) }

// AppendInt writes v in decimal, as strconv.AppendInt does, with the
// one- and two-digit values (percentages, counts, most metric readings)
// written inline: result encoders call it once per cell, and the general
// path's calls and copy cost several times the digits.
func AppendInt(dst []byte, v int64) []byte {
	switch {
	case uint64(v) < 10:
		return append(dst, byte('0'+v))
	case uint64(v) < 100:
		return append(dst, byte('0'+v/10), byte('0'+v%10))
	}
	return strconv.AppendInt(dst, v, 10)
}

// AppendNumericDigits writes f in positional notation with prec digits
// after the point (-1: as many as it needs), as PostgreSQL writes a
// numeric. A float of 13 or more significant digits that is the ratio of
// small integers is written with that ratio's digits (ratioOf: avg of
// integers is 28.3416666666666667, not 28.3416666666666650); otherwise,
// a short decimal such as 12.5 among them, the float's shortest digits
// are rounded half away from zero to prec (2.675 to two places is 2.68)
// or padded with zeros. A large value keeps its known digits
// (12345678901234567000.00, not ...67168.00) and a value that rounds to
// zero has no sign (0.00, not -0.00).
func AppendNumericDigits(dst []byte, f float64, prec int) []byte {
	at := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
	if prec < 0 {
		return trimNegativeZero(dst, at)
	}
	point := bytes.IndexByte(dst[at:], '.')
	digits := 0
	if point >= 0 {
		point += at
		digits = len(dst) - point - 1
	}
	if digits > 0 && significantDigits(dst[at:]) >= 13 {
		if p, q, ok := ratioOf(f); ok {
			return appendRatio(dst[:at], f < 0, p, q, prec)
		}
	}
	switch {
	case digits > prec:
		dst = roundDigits(dst, at, point, prec)
	case digits < prec:
		if digits == 0 {
			dst = append(dst, '.')
		}
		for ; digits < prec; digits++ {
			dst = append(dst, '0')
		}
	}
	return trimNegativeZero(dst, at)
}

// significantDigits counts the digits of a decimal text from its first
// nonzero one (0.0012 has 2).
func significantDigits(text []byte) int {
	n, started := 0, false
	for _, c := range text {
		if c >= '1' && c <= '9' {
			started = true
		}
		if started && c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// AppendFloat is FormatFloat appending to dst, without allocating.
func AppendFloat(dst []byte, f float64) []byte { return appendPGFloat(dst, f, 64, 1e15) }

// AppendFloatDigits writes f with digits significant digits, as
// PostgreSQL writes floats when extra_float_digits is 0 or less (%.*g:
// 0.1 + 0.2 is 0.3 with 15 digits; 15 + extra_float_digits for a float8,
// 6 + it for a float4), NaN and the infinities as words.
func AppendFloatDigits(dst []byte, f float64, bitSize, digits int) []byte {
	if word := specialFloat(f); word != "" {
		return append(dst, word...)
	}
	return strconv.AppendFloat(dst, f, 'g', max(digits, 1), bitSize)
}

// specialFloat is PostgreSQL's word for a NaN or an infinity, "" for a
// finite f.
func specialFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return ""
}

// appendPGFloat writes f as the shortest text of its bitSize precision,
// in exponent form below 1e-4 and from expFrom up (bounds compared in that
// precision: 0.0001::real is 0.0001), and NaN/Infinity as PostgreSQL.
func appendPGFloat(dst []byte, f float64, bitSize int, expFrom float64) []byte {
	if word := specialFloat(f); word != "" {
		return append(dst, word...)
	}
	abs, lo := math.Abs(f), 1e-4
	if bitSize == 32 {
		abs, lo, expFrom = float64(float32(abs)), float64(float32(lo)), float64(float32(expFrom))
	}
	if abs != 0 && (abs < lo || abs >= expFrom) {
		return strconv.AppendFloat(dst, f, 'e', -1, bitSize)
	}
	return strconv.AppendFloat(dst, f, 'f', -1, bitSize)
}

// FormatInterval writes an interval as PostgreSQL's default IntervalStyle
// (postgres) does: "1 year 2 mons 3 days 04:05:06.5".
func FormatInterval(v arrow.MonthDayNanoInterval) string {
	var parts []string
	years, months := v.Months/12, v.Months%12
	// As PostgreSQL's EncodeInterval: a positive part right after a
	// negative one carries a '+' ("-1 days +02:00:00"); only 1 is singular.
	before := false
	part := func(n int32, unit string) {
		if n == 0 {
			return
		}
		plus, s := "", "s"
		if before && n > 0 {
			plus = "+"
		}
		if n == 1 {
			s = ""
		}
		parts = append(parts, fmt.Sprintf("%s%d %s%s", plus, n, unit, s))
		before = n < 0
	}
	part(years, "year")
	part(months, "mon")
	part(v.Days, "day")
	if v.Nanoseconds != 0 || len(parts) == 0 {
		ns := v.Nanoseconds
		sign := ""
		switch {
		case ns < 0:
			sign, ns = "-", -ns
		case before:
			sign = "+"
		}
		h := ns / int64(time.Hour)
		m := ns % int64(time.Hour) / int64(time.Minute)
		sec := ns % int64(time.Minute)
		secStr := fmt.Sprintf("%02d", sec/int64(time.Second))
		if frac := sec % int64(time.Second); frac != 0 {
			secStr += strings.TrimRight(fmt.Sprintf(".%09d", frac), "0")
		}
		parts = append(parts, fmt.Sprintf("%s%02d:%02d:%s", sign, h, m, secStr))
	}
	return strings.Join(parts, " ")
}
