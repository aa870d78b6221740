package planner

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func strs(vals ...any) []*string {
	out := make([]*string, len(vals))
	for i, v := range vals {
		if s, ok := v.(string); ok {
			out[i] = &s
		}
	}
	return out
}

// deref shows elements as values ("<NULL>" for NULL).
func deref(elems []*string) []string {
	out := []string{}
	for _, e := range elems {
		if e == nil {
			out = append(out, "<NULL>")
		} else {
			out = append(out, *e)
		}
	}
	return out
}

func TestParseArrayText(t *testing.T) {
	for _, c := range []struct {
		text string
		want []*string
		ok   bool
	}{
		{"{}", strs(), true},
		{"{a,b}", strs("a", "b"), true},
		{`{"a b","c,d",NULL,"NULL",""}`, strs("a b", "c,d", nil, "NULL", ""), true},
		{`{"q\"uote","back\\slash"}`, strs(`q"uote`, `back\slash`), true},
		{"{ 1 , 2 }", strs("1", "2"), true},
		{"[0:1]={7,8}", strs("7", "8"), true},
		{"1 2 3", strs("1", "2", "3"), true}, // int2vector
		{"", strs(), true},                   // an empty vector
		{"abc", nil, false},
		{"{a", nil, false},
	} {
		got, ok := parseArrayText(c.text)
		require.Equal(t, c.ok, ok, c.text)
		if ok {
			require.Equal(t, deref(c.want), deref(got), c.text)
		}
	}
}

func TestFormatArrayText(t *testing.T) {
	require.Equal(t, "{}", formatArrayText(nil))
	require.Equal(t, `{a,"b c",NULL,"NULL",""}`, formatArrayText(strs("a", "b c", nil, "NULL", "")))
	require.Equal(t, `{"q\"uote","back\\slash","{x}"}`, formatArrayText(strs(`q"uote`, `back\slash`, "{x}")))
}

// FuzzArrayText checks that the array text reader never panics and that
// what it reads is written back to text it reads the same way.
func FuzzArrayText(f *testing.F) {
	for _, s := range []string{"{}", "{a,b}", `{"a b",NULL,""}`, `{"q\"",x}`, "1 2", "[1:2]={a,b}", "{{1,2},{3,4}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		elems, ok := parseArrayText(s)
		if !ok {
			return
		}
		again, ok := parseArrayText(formatArrayText(elems))
		require.True(t, ok)
		require.Equal(t, deref(elems), deref(again))
	})
}
