package pgwire

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/exec"
)

// numericTextRef is the plain, allocating form of appendNumericText that
// it must equal byte for byte.
func numericTextRef(text string) []byte {
	var sign uint16
	if strings.HasPrefix(text, "-") {
		sign, text = 0x4000, text[1:]
	}
	intPart, frac, _ := strings.Cut(text, ".")
	dscale := len(frac)
	intPart = strings.Repeat("0", (4-len(intPart)%4)%4) + intPart
	frac += strings.Repeat("0", (4-len(frac)%4)%4)
	var groups []uint16
	for s := intPart + frac; len(s) > 0; s = s[4:] {
		n, _ := strconv.Atoi(s[:4])
		groups = append(groups, uint16(n))
	}
	weight := len(intPart)/4 - 1
	for len(groups) > 0 && groups[0] == 0 {
		groups, weight = groups[1:], weight-1
	}
	for len(groups) > 0 && groups[len(groups)-1] == 0 {
		groups = groups[:len(groups)-1]
	}
	if len(groups) == 0 {
		weight, sign = 0, 0
	}
	var dst []byte
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(groups)))
	dst = binary.BigEndian.AppendUint16(dst, uint16(int16(weight)))
	dst = binary.BigEndian.AppendUint16(dst, sign)
	dst = binary.BigEndian.AppendUint16(dst, uint16(dscale))
	for _, g := range groups {
		dst = binary.BigEndian.AppendUint16(dst, g)
	}
	return dst
}

// TestNumericBinary: the binary numeric of decimal texts equals the plain
// form's, and float-held numerics are written with their display scale
// (no -0, padded or rounded digits) without allocating.
func TestNumericBinary(t *testing.T) {
	for _, text := range []string{"0", "0.00", "1", "-1.50", "10000", "0.0001", "9999.9999", "12345678901234567000.00",
		"0.0000001", "-0.001", "100000000", "1.000000000000000000001", "123.456", "-98765.4321"} {
		require.Equal(t, numericTextRef(text), appendNumericText(nil, text), text)
		require.Equal(t, numericTextRef(text), appendNumericText(nil, []byte(text)), text)
	}
	for _, tc := range []struct {
		f    float64
		prec int
		want string
	}{
		{1.5, 2, "1.50"}, {-0.001, 2, "0.00"}, {0.30000000000000004, 1, "0.3"}, {1.2345678901234567e19, 2, "12345678901234567000.00"},
		{1e-7, -1, "0.0000001"}, {-3, 0, "-3"}, {7, 2, "7.00"}, {math.Copysign(0, -1), 1, "0.0"},
	} {
		got := string(exec.AppendNumericDigits(nil, tc.f, tc.prec))
		require.Equal(t, tc.want, got, "%v with %d places", tc.f, tc.prec)
		require.Equal(t, numericTextRef(tc.want), appendNumericFloat(nil, tc.f, tc.prec), "%v with %d places", tc.f, tc.prec)
	}
	allocs := testing.AllocsPerRun(100, func() {
		var buf [64]byte
		_ = appendNumericFloat(buf[:0], 12345.678, 3)
	})
	require.Zero(t, allocs, "binary numeric from a float allocates nothing")
}

// TestDecodeNumeric: a binary numeric parameter or COPY value is read as
// its text is: whole numbers below 2^63 exactly, others as the float
// nearest the decimal (2.675 is 2.675's float, so numeric(10,2) rounds it
// to 2.68; summing its digit groups gave 2.6749999999999998).
func TestDecodeNumeric(t *testing.T) {
	for _, text := range []string{"2.675", "0.1", "1.005", "-1.005", "123.456", "-98765.4321", "0.0001", "9999.9999",
		"1.000000000000000000001", "12345678901234567000.5", "0.000000000000000000000000000012345", "3.14159265358979323846264338327950288",
		"1e308", "1.5e-320", "123456789.12345678", "33333.333"} {
		v, err := strconv.ParseFloat(text, 64)
		require.NoError(t, err)
		plain := text
		if strings.Contains(text, "e") {
			plain = strconv.FormatFloat(v, 'f', -1, 64)
		}
		got, err := decodeNumeric(1, numericTextRef(plain))
		require.NoError(t, err, text)
		require.Equal(t, v, got, text)
	}
	for _, text := range []string{"0", "7", "-7", "10000", "123456789012345678", "-9223372036854775807", "100000000"} {
		want, err := strconv.ParseInt(text, 10, 64)
		require.NoError(t, err)
		got, err := decodeNumeric(1, numericTextRef(text))
		require.NoError(t, err, text)
		require.Equal(t, want, got, text)
	}
	got, err := decodeNumeric(1, numericTextRef("92233720368547758080000"))
	require.NoError(t, err)
	require.Equal(t, 92233720368547758080000.0, got) // beyond int64: a float
}
