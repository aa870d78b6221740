package exec

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestInfluxTimeFunctions: to_timestamp_<unit> and to_unixtime over
// columns (NULLs kept), of bigint, unsigned and timestamp values, and
// their range errors.
func TestInfluxTimeFunctions(t *testing.T) {
	rec := recordOf(t,
		col{"i", TypeInt, []any{1700000000, nil, -1}},
		col{"u", TypeUint, []any{1700000000, 0, nil}},
		col{"t", TypeTimestamptz, []any{1700000000123456789, -1500000000, nil}})
	defer rec.Release()
	i, u, tm := &Column{Index: 0, DT: TypeInt}, &Column{Index: 1, DT: TypeUint}, &Column{Index: 2, DT: TypeTimestamptz}
	render := func(e Expr) string {
		a, err := e.Eval(NewCtx(), rec)
		require.NoError(t, err, "%s", e)
		defer a.Release()
		var out []string
		for r := 0; r < a.Len(); r++ {
			s, ok := FormatValue(a, r, time.UTC)
			if !ok {
				s = "NULL"
			}
			out = append(out, s)
		}
		return strings.Join(out, "|")
	}
	for _, tt := range []struct {
		e    Expr
		want string
	}{
		{call(t, "to_timestamp_seconds", i), "2023-11-14 22:13:20+00|NULL|1969-12-31 23:59:59+00"},
		{call(t, "to_timestamp_millis", u), "1970-01-20 16:13:20+00|1970-01-01 00:00:00+00|NULL"},
		{call(t, "to_timestamp_nanos", i), "1970-01-01 00:00:01.7+00|NULL|1969-12-31 23:59:59.999999999+00"},
		// A timestamp is cut toward the epoch, as Arrow's casts cut.
		{call(t, "to_timestamp_seconds", tm), "2023-11-14 22:13:20+00|1969-12-31 23:59:59+00|NULL"},
		{call(t, "to_timestamp_millis", tm), "2023-11-14 22:13:20.123+00|1969-12-31 23:59:58.5+00|NULL"},
		{call(t, "to_unixtime", tm), "1700000000|-1|NULL"},
		{call(t, "to_unixtime", i), "1700000000|NULL|-1"},
	} {
		require.Equal(t, tt.want, render(tt.e), "%s", tt.e)
	}
	big := recordOf(t, col{"i", TypeInt, []any{10000000000}}, col{"u", TypeUint, []any{10000000000}})
	defer big.Release()
	for _, e := range []Expr{call(t, "to_timestamp_seconds", &Column{Index: 0, DT: TypeInt}), call(t, "to_timestamp_seconds", &Column{Index: 1, DT: TypeUint})} {
		a, err := e.Eval(NewCtx(), big)
		if a != nil {
			a.Release()
		}
		require.ErrorContains(t, err, "timestamp out of range: to_timestamp_seconds(10000000000)")
	}
}

// TestLevenshtein: edit distances in characters, and the distance's
// properties over pairs of short strings.
func TestLevenshtein(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2},
		{"résumé", "resume", 2}, {"日本語", "日本", 1}, {"abc", "cba", 2},
	} {
		require.Equal(t, tt.want, levenshtein(tt.a, tt.b), "%q %q", tt.a, tt.b)
	}
	words := []string{"", "a", "ab", "ba", "abc", "host_1", "host_10", "hóst"}
	for _, a := range words {
		for _, b := range words {
			d := levenshtein(a, b)
			require.Equal(t, d, levenshtein(b, a), "symmetric: %q %q", a, b)
			require.Equal(t, a == b, d == 0, "zero only when equal: %q %q", a, b)
			for _, c := range words {
				require.LessOrEqual(t, levenshtein(a, c), d+levenshtein(b, c), "triangle: %q %q %q", a, b, c)
			}
		}
	}
}
