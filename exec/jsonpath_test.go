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

	_, err = JSONPathQuery(`{"a":1}`, "strict $.b", "", false)
	var ce *CodedError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "2203A", ce.Code)
	items, err := JSONPathQuery(`{"a":1}`, "strict $.b", "", true)
	require.NoError(t, err)
	require.Empty(t, items)
	_, err = JSONPathQuery(`{"a":1}`, "$.a ? (@ > $x)", "", true)
	require.ErrorContains(t, err, `could not find jsonpath variable "x"`, "silent does not hide a missing variable")
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
