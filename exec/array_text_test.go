package exec

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// parseArrayTextByBuilder is ParseArrayText as it was before elements were
// taken as slices of the text: each built byte by byte. It is the oracle
// for the faster one.
func parseArrayTextByBuilder(s string) ([]*string, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '='); i > 0 && s[0] == '[' {
		s = s[i+1:] // explicit bounds: [0:2]={...}
	}
	if vectorText(s) {
		// int2vector and oidvector: numbers separated by spaces.
		var out []*string
		for _, f := range strings.Fields(s) {
			f := f
			out = append(out, &f)
		}
		return out, true
	}
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	var out []*string
	if strings.TrimSpace(body) == "" {
		return out, true
	}
	for i := 0; i <= len(body); {
		for i < len(body) && body[i] == ' ' {
			i++
		}
		var elem strings.Builder
		quoted := false
		if i < len(body) && body[i] == '"' {
			quoted = true
			i++
			for i < len(body) && body[i] != '"' {
				if body[i] == '\\' && i+1 < len(body) {
					i++
				}
				elem.WriteByte(body[i])
				i++
			}
			if i >= len(body) {
				return nil, false // no closing quote
			}
			i++ // closing quote
			for i < len(body) && body[i] == ' ' {
				i++
			}
			if i < len(body) && body[i] != ',' {
				return nil, false // text after the closing quote
			}
		} else {
			for i < len(body) && body[i] != ',' {
				c := body[i]
				if c == '\\' {
					// A backslash takes the next character as it is.
					if i+1 >= len(body) {
						return nil, false
					}
					quoted = true // escaped: never NULL, kept as written
					elem.WriteByte(body[i+1])
					i += 2
					continue
				}
				if c == '{' || c == '}' || c == '"' {
					return nil, false // nested arrays, stray braces or quotes
				}
				elem.WriteByte(c)
				i++
			}
		}
		v := elem.String()
		if !quoted {
			if v = strings.TrimSpace(v); v == "" {
				return nil, false // {a,,b}
			}
		}
		if !quoted && strings.EqualFold(v, "NULL") {
			out = append(out, nil)
		} else {
			out = append(out, &v)
		}
		for i < len(body) && body[i] != ',' {
			i++
		}
		i++ // the comma
	}
	return out, true
}

func requireSameParse(t *testing.T, s string) {
	t.Helper()
	want, wok := parseArrayTextByBuilder(s)
	got, gok := ParseArrayText(s)
	require.Equal(t, wok, gok, "%q", s)
	require.Equal(t, len(want), len(got), "%q", s)
	for i := range want {
		require.Equal(t, want[i] == nil, got[i] == nil, "%q element %d", s, i)
		if want[i] != nil {
			require.Equal(t, *want[i], *got[i], "%q element %d", s, i)
		}
	}
}

// TestParseArrayTextMatchesBuilder: random array texts of quoted,
// escaped, spaced, empty and NULL elements (and broken ones) split as the
// byte-by-byte parser split them.
func TestParseArrayTextMatchesBuilder(t *testing.T) {
	pieces := []string{"a", "bc", "NULL", "null", `"NULL"`, `""`, `"x,y"`, `"q\"r"`, `s\,t`, `\\`, ` u `, `"v" `, "1.5", "-2", `"2016-01-01 00:00:00+00"`, "", " ", `"`, "{", "}", `\`, `w\ `, `"a\\b"`}
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 20000; i++ {
		n := r.Intn(6)
		parts := make([]string, n)
		for j := range parts {
			parts[j] = pieces[r.Intn(len(pieces))]
		}
		s := "{" + strings.Join(parts, ",") + "}"
		if r.Intn(10) == 0 {
			s = " " + s + " "
		}
		requireSameParse(t, s)
	}
	for _, s := range []string{"", "{}", "{ }", "[0:1]={a,b}", "1 2 3", "{a", `{"a}`, `{"a"b}`, `{a\}`} {
		requireSameParse(t, s)
	}
}

func FuzzParseArrayText(f *testing.F) {
	for _, s := range []string{"{a,b}", `{"a\"b",NULL}`, `{a\,b, c }`, "{}", "[1:2]={1,2}", "1 2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { requireSameParse(t, s) })
}

// BenchmarkParseArrayText: an array_agg of a host's day of readings
// (8,640 elements).
func BenchmarkParseArrayText(b *testing.B) {
	parts := make([]string, 8640)
	for i := range parts {
		parts[i] = FormatFloat(float64(i%997) / 7)
	}
	s := "{" + strings.Join(parts, ",") + "}"
	for _, c := range []struct {
		name string
		fn   func(string) ([]*string, bool)
	}{{"slices", ParseArrayText}, {"builder", parseArrayTextByBuilder}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.fn(s)
			}
		})
	}
}
