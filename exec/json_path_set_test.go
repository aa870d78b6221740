package exec

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestJSONBEditPathKeepsInput: an edit builds a new document and leaves
// the one it was given as it was, at every level it passes through.
func TestJSONBEditPathKeepsInput(t *testing.T) {
	for _, tc := range []struct {
		doc, path, val string
		op             pathOp
		want           string
	}{
		{`{"a": {"b": [1, 2, 3]}}`, `{a,b,1}`, `9`, pathCreate, `{"a": {"b": [1, 9, 3]}}`},
		{`{"a": {"b": [1, 2, 3]}}`, `{a,b,0}`, `0`, pathInsertBefore, `{"a": {"b": [0, 1, 2, 3]}}`},
		{`{"a": {"b": [1, 2, 3]}}`, `{a,b,-1}`, `4`, pathInsertAfter, `{"a": {"b": [1, 2, 3, 4]}}`},
		{`{"a": {"b": [1, 2, 3]}}`, `{a,b}`, ``, pathDelete, `{"a": {}}`},
		{`{"a": {"b": [1, 2, 3]}}`, `{a,c}`, `true`, pathCreate, `{"a": {"b": [1, 2, 3], "c": true}}`},
		{`{"a": {"b": [1, 2, 3]}}`, `{a,c}`, `true`, pathReplace, `{"a": {"b": [1, 2, 3]}}`},
		{`[{"k": 1}, {"k": 2}]`, `{1,k}`, `"x"`, pathCreate, `[{"k": 1}, {"k": "x"}]`},
	} {
		doc, err := ParseJSON(tc.doc, true)
		require.NoError(t, err)
		before := string(appendJSONB(nil, doc))
		path, ok := ParseArrayText(tc.path)
		require.True(t, ok)
		var val *jnode
		if tc.val != "" {
			val, err = ParseJSON(tc.val, true)
			require.NoError(t, err)
		}
		out, err := jsonbEditPath(doc, path, val, tc.op)
		require.NoError(t, err)
		require.Equal(t, tc.want, string(appendJSONB(nil, out)), "%s at %s", tc.doc, tc.path)
		require.Equal(t, before, string(appendJSONB(nil, doc)), "the input of %s at %s", tc.doc, tc.path)
	}
}
