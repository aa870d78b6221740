package exec

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestJSONBText writes jsonb's canonical form as PostgreSQL 15 does (each
// case checked with '...'::jsonb there).
func TestJSONBText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"b":1,  "a":2}`, `{"a": 2, "b": 1}`},
		{`{"b":1,"aa":2,"a":3,"a":4}`, `{"a": 4, "b": 1, "aa": 2}`},
		{`[1E+2, 0.1e1, -5e-1, 1.50, -0, 12.30e1, 1.5e-3]`, `[100, 1, -0.5, 1.50, 0, 123.0, 0.0015]`},
		{`"caf\u00e9 \"q\" \/ \t \u0001"`, `"café \"q\" / \t \u0001"`},
		{`"\ud83d\ude00"`, `"😀"`},
		{` [ ] `, `[]`},
		{`{}`, `{}`},
		{`[true,false,null,{"x":[]}]`, `[true, false, null, {"x": []}]`},
	} {
		got, err := JSONBText(tt.in)
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
	for _, tt := range []struct{ in, detail string }{
		{`{"a":1`, "The input string ended unexpectedly."},
		{`x`, `Token "x" is invalid.`},
		{`[1,]`, `Expected JSON value, but found "]".`},
		{`{"a" 1}`, `Expected ":", but found "1".`},
		{`{1:2}`, `Expected string, but found "1".`},
		{`"\u0000"`, `\u0000 cannot be converted to text.`},
		{`01`, `Token "01" is invalid.`},
		{`[1 2]`, `Expected "," or "]", but found "2".`},
		{`truex`, `Token "truex" is invalid.`},
		{"\"a\x01\"", "Character with value 0x01 must be escaped."},
	} {
		_, err := JSONBText(tt.in)
		var je *JSONError
		require.ErrorAs(t, err, &je, tt.in)
		require.Equal(t, tt.detail, je.Detail, tt.in)
	}
	require.NoError(t, CheckJSON(`"\u0000"`), "json keeps \\u0000; jsonb refuses it")
}

// TestJSONReading: -> and ->> over the text, as PostgreSQL answers them.
func TestJSONReading(t *testing.T) {
	doc := `{"a" : {"b": [1, "x", {"c": null}]}, "a\"q": 2, "e": "x\ny", "a": {"b": [9]}}`
	raw, ok := jsonField(doc, "a")
	require.True(t, ok)
	require.Equal(t, `{"b": [9]}`, raw, "the last of duplicate keys, as written")
	raw, ok = jsonField(doc, `a"q`)
	require.True(t, ok)
	require.Equal(t, "2", raw)
	_, ok = jsonField(doc, "zz")
	require.False(t, ok)
	raw, ok = jsonPath(`{"a" : {"b": [1, "x", {"c": null}]}}`, []string{"a", "b", "-1", "c"})
	require.True(t, ok)
	require.Equal(t, "null", raw)
	s, notNull, _ := jsonScalarText(raw)
	require.False(t, notNull, "->> of null is NULL: %q", s)
	raw, _ = jsonField(doc, "e")
	s, _, _ = jsonScalarText(raw)
	require.Equal(t, "x\ny", s)
	raw, ok = jsonIndex(`[1, [2, 3], "4"]`, -2)
	require.True(t, ok)
	require.Equal(t, "[2, 3]", raw)
	_, ok = jsonIndex(`[1]`, 1)
	require.False(t, ok)
	_, ok = jsonIndex(`[]`, 0)
	require.False(t, ok)
}

// FuzzParseJSON: no text panics the JSON reader; it accepts what a JSON
// parser accepts; jsonb's form reads back as itself; -> finds each member
// of an object as the parsed value.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1,"x",{"b":[true,null]}]`, `"\u00e9"`, `1.5e3`, `{"a":{"a":2},"a":3}`, `[`, `{"a" 1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// The scanners never panic, even over text that is not JSON.
		jsonField(s, "a")
		jsonIndex(s, 1)
		jsonIndex(s, -1)
		jsonElements(s)
		_, _, _, _ = JSONMembers(s)
		jsonPath(s, []string{"a", "0"})
		_, _, _ = jsonScalarText(s)
		n, err := ParseJSON(s, false)
		if utf8.ValidString(s) && strings.Count(s, "[")+strings.Count(s, "{") < 1000 {
			require.Equal(t, json.Valid([]byte(s)), err == nil, "%q: %v", s, err)
		}
		if err != nil {
			require.NotEmpty(t, err.Error())
			return
		}
		canon, err := JSONBText(s)
		if err != nil {
			return // \u0000, numbers beyond numeric
		}
		again, err := JSONBText(canon)
		require.NoError(t, err)
		require.Equal(t, canon, again, "jsonb's form of %q", s)
		if n.kind == 'o' {
			c, _ := ParseJSON(canon, true)
			for i, k := range c.keys {
				raw, ok := jsonField(canon, k)
				require.True(t, ok, "%q in %q", k, canon)
				require.Equal(t, string(appendJSONB(nil, c.elems[i])), raw)
			}
		}
	})
}

// BenchmarkJSONPayload: payload::jsonb ->> 'temp' over a batch of device
// payloads (the cast writes jsonb's form, ->> finds the key), against
// reading the key from the text alone (json's ->>).
func BenchmarkJSONPayload(b *testing.B) {
	const n = 8192
	arr := devicePayloads(n)
	defer arr.Release()
	key := arg{isConst: true, cnst: "temp", dt: TypeText}
	c := NewCtx()
	for _, cast := range []string{"jsonb", "json"} {
		b.Run(cast, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				doc, err := functions["__"+cast+"_in"].eval(c, []arg{{arr: arr, dt: TypeText}}, n)
				if err != nil {
					b.Fatal(err)
				}
				out, err := functions["__json_get_text"].eval(c, []arg{{arr: doc, dt: TypeText}, key}, n)
				if err != nil {
					b.Fatal(err)
				}
				doc.Release()
				out.Release()
			}
		})
	}
}

// BenchmarkJSONPayloadField: payload::jsonb ->> 'temp' as bound (the
// payload checked as jsonb, the member found in its text).
func BenchmarkJSONPayloadField(b *testing.B) {
	const n = 8192
	arr := devicePayloads(n)
	defer arr.Release()
	key := arg{isConst: true, cnst: "temp", dt: TypeText}
	c := NewCtx()
	for i := 0; i < b.N; i++ {
		out, err := functions["__jsonb_of_text_get_text"].eval(c, []arg{{arr: arr, dt: TypeText}, key}, n)
		if err != nil {
			b.Fatal(err)
		}
		out.Release()
	}
}

// TestJSONBSortKey orders values as PostgreSQL 15's ORDER BY jsonb does
// (the order below is its answer).
func TestJSONBSortKey(t *testing.T) {
	order := []string{`[]`, `null`, `""`, `"a"`, `-10.5`, `-1`, `-0.5`, `0`, `0.001`, `1`, `2.5`, `10`, `false`, `true`,
		`[null]`, `["z"]`, `[1]`, `[0, 0]`, `{}`, `{"a": 1}`, `{"b": 0}`, `{"a": 1, "b": 1}`}
	for i := 1; i < len(order); i++ {
		a, err := JSONBSortKey(order[i-1])
		require.NoError(t, err)
		b, err := JSONBSortKey(order[i])
		require.NoError(t, err)
		require.Less(t, a, b, "%s < %s", order[i-1], order[i])
	}
	one, _ := JSONBSortKey(`1.0`)
	other, _ := JSONBSortKey(`1`)
	require.Equal(t, one, other, "1.0 and 1 are equal jsonb")
	aa, _ := JSONBSortKey(`{"aa": 1}`)
	b, _ := JSONBSortKey(`{"b": 1}`)
	require.Less(t, aa, b, "keys compare as text")
}

// devicePayloads are n device payloads of ~90 bytes, as a text column.
func devicePayloads(n int) arrow.Array {
	sb := array.NewStringBuilder(memory.DefaultAllocator)
	defer sb.Release()
	for i := 0; i < n; i++ {
		sb.Append(fmt.Sprintf(`{"temp": %d.5, "hum": %d, "status": "ok", "fw": {"version": "1.2.%d", "build": 7}}`, i%40, i%100, i%10))
	}
	return sb.NewArray()
}
