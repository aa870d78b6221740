package exec

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestJSONPathErrors: malformed paths are syntax errors (42601), deep
// nesting is refused rather than exhausting the stack, and errors of the
// evaluation carry their SQLSTATE, hidden by silent.
func TestJSONPathErrors(t *testing.T) {
	for _, bad := range []string{"", "$.", "$[", "$ ? (@ >", "$.a ))", "$[*", "1a", `$ ? (@ like_regex "(" )`, "strict", "$.a.nosuchmethod()"} {
		_, err := ParseJSONPath(bad)
		require.Error(t, err, "%q", bad)
	}
	_, err := ParseJSONPath(strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000))
	require.ErrorContains(t, err, "nested too deeply")

	m := &JSONPathMemo{}
	_, err = m.Query(`{"a":1}`, "strict $.b", "", false)
	var ce *CodedError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "2203A", ce.Code)
	items, err := m.Query(`{"a":1}`, "strict $.b", "", true)
	require.NoError(t, err)
	require.Empty(t, items)
	_, err = m.Query(`{"a":1}`, "$.a ? (@ > $x)", "", true)
	require.ErrorContains(t, err, `could not find jsonpath variable "x"`, "silent does not hide a missing variable")
}

// TestJSONPathMemo: a memo keeps the path and vars it parsed last and
// parses again when either text changes, so rows whose path or vars
// differ each get their own.
func TestJSONPathMemo(t *testing.T) {
	m := &JSONPathMemo{}
	doc := `{"a":[1,2,3]}`
	for _, tc := range []struct{ path, vars, want string }{
		{"$.a[*] ? (@ > $n)", `{"n":1}`, "2 3"},
		{"$.a[*] ? (@ > $n)", `{"n":1}`, "2 3"},
		{"$.a[*] ? (@ > $n)", `{"n":2}`, "3"},
		{"$.a[0]", `{"n":2}`, "1"},
		{"$.a[0]", "", "1"},
	} {
		first := m.last.Load()
		items, err := m.Query(doc, tc.path, tc.vars, false)
		require.NoError(t, err)
		require.Equal(t, tc.want, strings.Join(items, " "), "%s with %s", tc.path, tc.vars)
		if first != nil && first.path == tc.path && first.vars == tc.vars {
			require.Same(t, first, m.last.Load(), "the same texts are not parsed again")
		}
	}
	_, err := m.Query(doc, "$", "[1]", false)
	require.ErrorContains(t, err, `"vars" argument is not an object`)
}

// FuzzJSONPath: any text either fails to parse with an error or parses
// to a path that evaluates, in lax and strict mode, over documents of
// every kind without panicking.
func FuzzJSONPath(f *testing.F) {
	for _, s := range []string{"$", "$.a", `$."a b"[*]`, "$.a[1 to last]", "$.** ? (@ > 1)", "strict $.a.size()",
		`$[*] ? (@ like_regex "^x" flag "i")`, `$ ? (@ starts with "a")`, "-$.a * 2 + 1 / 3 % 4", "$x + 1",
		"($.a + 1).type()", "$ ? (exists (@.b) && !(@.c == null) || (@ < 2) is unknown)", "$.a[0, 2 to 3].double()",
		"lax $.*.abs().floor().ceiling()", "1.5e3", `"s"`, "true", "null", "$[last - 1]", "$.a == 1"} {
		f.Add(s)
	}
	docs := []string{`{"a":[1,2,{"b":"x"}],"c":null}`, `[1,"2",[3],{"a":4}]`, `"abc"`, `12.5`, `null`, `{}`}
	f.Fuzz(func(t *testing.T, s string) {
		jp, err := ParseJSONPath(s)
		if err != nil {
			return
		}
		for _, d := range docs {
			doc, err := ParseJSON(d, true)
			require.NoError(t, err)
			vars, _ := ParseJSON(`{"x":1}`, true)
			for _, strict := range []bool{false, true} {
				jp.strict = strict
				_, _ = jp.query(doc, vars)
			}
		}
	})
}

// BenchmarkJSONPathExists: payload @? path over one document, with the
// path parsed once (the memo) and parsed per row (a fresh memo each time).
func BenchmarkJSONPathExists(b *testing.B) {
	doc := `{"sensor":"s1","readings":[{"t":20.5,"ok":true},{"t":31.2,"ok":false}]}`
	path := `$.readings[*] ? (@.t > 30 && @.ok == false)`
	b.Run("memo", func(b *testing.B) {
		m := &JSONPathMemo{}
		for range b.N {
			if _, _, err := m.Exists(doc, path, "{}", true); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parse_per_row", func(b *testing.B) {
		for range b.N {
			if _, _, err := (&JSONPathMemo{}).Exists(doc, path, "{}", true); err != nil {
				b.Fatal(err)
			}
		}
	})
}
