package exec

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestLikeMatch: answers PostgreSQL 15 gives (SELECT t LIKE p), including
// where a trailing escape is and is not an error.
func TestLikeMatch(t *testing.T) {
	for _, tc := range []struct {
		text, pattern string
		want          bool
		err           bool
	}{
		{"abc", "abc", true, false},
		{"abc", "a_c", true, false},
		{"abc", "a%", true, false},
		{"abc", "%c", true, false},
		{"abc", "%b%", true, false},
		{"abc", "ab", false, false},
		{"ab", "abc", false, false},
		{"", "", true, false},
		{"", "%", true, false},
		{"", "_", false, false},
		{"", "%%", true, false},
		{"a", "%_%", true, false},
		{"", "%_%", false, false},
		{"aaa", "%a%a%a%", true, false},
		{"aa", "%a%a%a%", false, false},
		{"abcabd", "%ab_", true, false},
		{"abcab", "%a%_b", true, false},
		{"a_c", `a\_c`, true, false},
		{"abc", `a\_c`, false, false},
		{"50%", `50\%`, true, false},
		{"a%", `%\%`, true, false},
		{"a", `%\%`, false, false},
		{`a\b`, `a\\b`, true, false},
		{"añb", "a_b", true, false},
		{"añb", "a__b", false, false},
		{"ññx", "%_x", true, false},
		{"xñ", "%ñ", true, false},
		{"ñ", `\ñ`, true, false},
		{"é", "_", true, false},
		{"\xff", "_", true, false},
		// The trailing escape: false when the text runs out or differs
		// first, an error when matching reaches it with text left.
		{"ab", `ab\`, false, false},
		{"", `\`, false, false},
		{"xb", `ab\`, false, false},
		{"abc", `ab\`, false, true},
		{"a", `\`, false, true},
		{"ab", `a%\`, false, true},
		{"", `%\`, false, false},
	} {
		r, err := likeMatch(tc.text, tc.pattern)
		if tc.err {
			if !errors.Is(err, errLikeEscape) {
				t.Errorf("%q LIKE %q: error %v, want %v", tc.text, tc.pattern, err, errLikeEscape)
			}
			continue
		}
		if err != nil || (r == likeTrue) != tc.want {
			t.Errorf("%q LIKE %q = %v, %v; want %v", tc.text, tc.pattern, r == likeTrue, err, tc.want)
		}
	}
}

// likeRegexp is the LIKE pattern as an anchored regular expression, for
// the fuzz test to hold likeMatch against (ok false for a trailing escape).
func likeRegexp(pattern string) (re *regexp.Regexp, ok bool) {
	var b strings.Builder
	b.WriteString("(?s)^")
	escaped := false
	for _, r := range pattern {
		switch {
		case escaped:
			b.WriteString(regexp.QuoteMeta(string(r)))
			escaped = false
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteString(".")
		case r == '\\':
			escaped = true
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	if escaped {
		return nil, false
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String()), true
}

// FuzzLikeMatch holds likeMatch to a regular expression over valid UTF-8
// text and patterns: the same answer, and an error only for a pattern
// that ends in its escape.
func FuzzLikeMatch(f *testing.F) {
	for _, s := range [][2]string{{"abc", "a%c"}, {"añb", "a_b"}, {"a%", `%\%`}, {"abc", `ab\`}, {"aaa", "%a%a%"}, {"x", "%%_"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, text, pattern string) {
		if !utf8.ValidString(text) || !utf8.ValidString(pattern) || len(pattern) > 64 {
			return
		}
		r, err := likeMatch(text, pattern)
		re, ok := likeRegexp(pattern)
		if !ok {
			if err != nil && !errors.Is(err, errLikeEscape) {
				t.Fatalf("%q LIKE %q: %v", text, pattern, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q LIKE %q: %v", text, pattern, err)
		}
		if want := re.MatchString(text); (r == likeTrue) != want {
			t.Fatalf("%q LIKE %q = %v, the regular expression says %v", text, pattern, r == likeTrue, want)
		}
	})
}

// BenchmarkLike is LIKE over a batch of text values with patterns the
// string fast paths do not take (a _ or an escape).
func BenchmarkLike(b *testing.B) {
	vals := make([]any, BatchRows)
	for i := range vals {
		vals[i] = fmt.Sprintf("sensor_%d/room-%d", i%977, i%13)
	}
	rec := recordOf(b, col{"name", TypeText, vals})
	defer rec.Release()
	x := &Column{Index: 0, Name: "name", DT: TypeText}
	for _, tc := range []struct{ name, pattern string }{{"prefix_", "sensor_1%"}, {"escape_percent", `%\_9%room-1_`}, {"suffix", "%/room-12"}} {
		e := call(b, "like", x, lit(tc.pattern))
		b.Run(tc.name, func(b *testing.B) {
			evalLoop(b, e, rec)
		})
	}
}
