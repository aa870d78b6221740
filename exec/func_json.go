package exec

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The functions of json and jsonb values (held as text, json.go). The
// planner binds PostgreSQL's spellings to them: casts to __json_in and
// __jsonb_in, the operators -> ->> #> #>> @> ? ?| ?& || - to the __json_
// and __jsonb_ functions, values made JSON by __to_json.

func init() {
	fn := func(name string, dt arrow.DataType, sig []string, f func(c *Ctx, v []any) (any, error)) {
		registerRowFn(name, dt, [][]string{sig}, f)
	}
	str := func(v any) string { return v.(string) }
	parse := func(v any) (*jnode, error) { return ParseJSON(str(v), true) }
	jsonbOut := func(n *jnode) any { return string(appendJSONB(nil, n)) }
	// onDocs registers a function of jsonb arguments: the first docs of
	// them are parsed for f.
	onDocs := func(name string, dt arrow.DataType, sig []string, docs int, f func(d []*jnode, v []any) (any, error)) {
		fn(name, dt, sig, func(_ *Ctx, v []any) (any, error) {
			d := make([]*jnode, docs)
			for i := range d {
				var err error
				if d[i], err = parse(v[i]); err != nil {
					return nil, err
				}
			}
			return f(d, v)
		})
	}
	// textArray reads a text[] argument's elements, NULLs left out (as
	// the key lists of ?| ?& and - skip them).
	textArray := func(v any) ([]string, error) {
		elems, ok := ParseArrayText(str(v))
		if !ok {
			return nil, fmt.Errorf("malformed array literal: %q", str(v))
		}
		var out []string
		for _, e := range elems {
			if e != nil {
				out = append(out, *e)
			}
		}
		return out, nil
	}

	// text::json checks the text and keeps it; text::jsonb writes it in
	// jsonb's form.
	fn("__json_in", TypeText, []string{"text"}, func(_ *Ctx, v []any) (any, error) {
		if err := CheckJSON(str(v[0])); err != nil {
			return nil, err
		}
		return v[0], nil
	})
	fn("__jsonb_in", TypeText, []string{"text"}, func(_ *Ctx, v []any) (any, error) {
		return JSONBText(str(v[0]))
	})

	// -> and ->> with a key, an index, a path (#>, #>>).
	field := func(text bool) func(_ *Ctx, v []any) (any, error) {
		return func(_ *Ctx, v []any) (any, error) {
			raw, ok := jsonField(str(v[0]), str(v[1]))
			return jsonResult(raw, ok, text)
		}
	}
	fn("__json_get", TypeText, []string{"text", "text"}, field(false))
	fn("__json_get_text", TypeText, []string{"text", "text"}, field(true))
	index := func(text bool) func(_ *Ctx, v []any) (any, error) {
		return func(_ *Ctx, v []any) (any, error) {
			raw, ok := jsonIndex(str(v[0]), v[1].(int64))
			return jsonResult(raw, ok, text)
		}
	}
	fn("__json_index", TypeText, []string{"text", "int"}, index(false))
	fn("__json_index_text", TypeText, []string{"text", "int"}, index(true))
	// jsonb holds a scalar as an array of one: its element 0 (or -1) is
	// the scalar itself.
	jsonbIndex := func(text bool) func(_ *Ctx, v []any) (any, error) {
		return func(_ *Ctx, v []any) (any, error) {
			doc, idx := str(v[0]), v[1].(int64)
			if t := JSONTypeof(doc); t != "array" && t != "object" {
				if idx == 0 || idx == -1 {
					return jsonResult(doc, true, text)
				}
				return nil, nil
			}
			raw, ok := jsonIndex(doc, idx)
			return jsonResult(raw, ok, text)
		}
	}
	// __jsonb_subscript(doc, key) is jsonb subscripting, doc[key]: an
	// object's member key, an array's element at key read as an integer
	// (from the end when negative; not an integer: NULL); a scalar has
	// none.
	fn("__jsonb_subscript", TypeText, []string{"text", "text"}, func(_ *Ctx, v []any) (any, error) {
		doc, key := str(v[0]), str(v[1])
		var raw string
		var ok bool
		switch JSONTypeof(doc) {
		case "object":
			raw, ok = jsonField(doc, key)
		case "array":
			i, err := strconv.ParseInt(strings.TrimSpace(key), 10, 64)
			if err != nil {
				return nil, nil
			}
			raw, ok = jsonIndex(doc, i)
		}
		if !ok {
			return nil, nil
		}
		return raw, nil
	})
	fn("__jsonb_index", TypeText, []string{"text", "int"}, jsonbIndex(false))
	fn("__jsonb_index_text", TypeText, []string{"text", "int"}, jsonbIndex(true))
	// jsonb = jsonb: equal structures, numbers equal by value (1.0 = 1).
	fn("__jsonb_equal", TypeBool, []string{"text", "text"}, func(_ *Ctx, v []any) (any, error) {
		return jsonbTextEqual(str(v[0]), str(v[1]))
	})
	path := func(text bool) func(_ *Ctx, v []any) (any, error) {
		return func(_ *Ctx, v []any) (any, error) {
			elems, ok := ParseArrayText(str(v[1]))
			if !ok {
				return nil, fmt.Errorf("malformed array literal: %q", str(v[1]))
			}
			steps := make([]string, len(elems))
			for i, e := range elems {
				if e == nil {
					return nil, nil // a NULL step: NULL
				}
				steps[i] = *e
			}
			raw, found := jsonPath(str(v[0]), steps)
			return jsonResult(raw, found, text)
		}
	}
	fn("__json_path", TypeText, []string{"text", "text"}, path(false))
	fn("__json_path_text", TypeText, []string{"text", "text"}, path(true))
	// json_extract_path(from_json, VARIADIC path_elems): #> with the path
	// as arguments.
	for _, name := range []string{"json_extract_path", "json_extract_path_text"} {
		text := strings.HasSuffix(name, "_text")
		register("__"+name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) {
				if len(args) < 1 {
					return nil, fmt.Errorf("takes a json value and the keys of a path")
				}
				for i, a := range args {
					if !typeMatches(a, "text") {
						return nil, fmt.Errorf("argument %d must be text, not %s", i+1, SQLTypeName(a))
					}
				}
				return TypeText, nil
			},
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
					steps := make([]string, len(v)-1)
					for i := range steps {
						steps[i] = str(v[i+1])
					}
					raw, found := jsonPath(str(v[0]), steps)
					return jsonResult(raw, found, text)
				})
			},
		})
	}

	// jsonb's containment and existence operators.
	onDocs("__jsonb_contains", TypeBool, []string{"text", "text"}, 2, func(d []*jnode, _ []any) (any, error) {
		return jsonbContains(d[0], d[1], true), nil
	})
	onDocs("__jsonb_exists", TypeBool, []string{"text", "text"}, 1, func(d []*jnode, v []any) (any, error) {
		return jsonbExists(d[0], str(v[1])), nil
	})
	exists := func(all bool) func(d []*jnode, v []any) (any, error) {
		return func(d []*jnode, v []any) (any, error) {
			keys, err := textArray(v[1])
			if err != nil {
				return nil, err
			}
			for _, k := range keys {
				if jsonbExists(d[0], k) != all {
					return !all, nil
				}
			}
			return all, nil
		}
	}
	onDocs("__jsonb_exists_any", TypeBool, []string{"text", "text"}, 1, exists(false))
	onDocs("__jsonb_exists_all", TypeBool, []string{"text", "text"}, 1, exists(true))

	// jsonb || jsonb, jsonb - text, jsonb - integer, jsonb - text[].
	onDocs("__jsonb_concat", TypeText, []string{"text", "text"}, 2, func(d []*jnode, _ []any) (any, error) {
		return jsonbOut(jsonbConcat(d[0], d[1])), nil
	})
	deleted := func(out *jnode, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		return jsonbOut(out), nil
	}
	onDocs("__jsonb_delete", TypeText, []string{"text", "text"}, 1, func(d []*jnode, v []any) (any, error) {
		return deleted(jsonbDeleteKey(d[0], str(v[1])))
	})
	onDocs("__jsonb_delete_keys", TypeText, []string{"text", "text"}, 1, func(d []*jnode, v []any) (any, error) {
		keys, err := textArray(v[1])
		if err != nil {
			return nil, err
		}
		return deleted(jsonbDeleteKey(d[0], keys...))
	})
	onDocs("__jsonb_delete_index", TypeText, []string{"text", "int"}, 1, func(d []*jnode, v []any) (any, error) {
		return deleted(jsonbDeleteIndex(d[0], v[1].(int64)))
	})

	// jsonb_set, jsonb_insert, jsonb_set_lax and jsonb #- text[]: edits at
	// a path (json_path_set.go).
	pathArg := func(v any) ([]*string, error) {
		elems, ok := ParseArrayText(str(v))
		if !ok {
			return nil, fmt.Errorf("malformed array literal: %q", str(v))
		}
		return elems, nil
	}
	edit := func(doc *jnode, pathText any, val *jnode, op pathOp) (any, error) {
		path, err := pathArg(pathText)
		if err != nil {
			return nil, err
		}
		out, err := jsonbEditPath(doc, path, val, op)
		if err != nil {
			return nil, err
		}
		return jsonbOut(out), nil
	}
	// __jsonb_set and __jsonb_insert(doc, path, value, flag): the edit is
	// ifTrue or ifFalse by flag (create_missing, insert_after).
	editValue := func(ifFalse, ifTrue pathOp) func(d []*jnode, v []any) (any, error) {
		return func(d []*jnode, v []any) (any, error) {
			val, err := parse(v[2])
			if err != nil {
				return nil, err
			}
			op := ifFalse
			if v[3].(bool) {
				op = ifTrue
			}
			return edit(d[0], v[1], val, op)
		}
	}
	onDocs("__jsonb_set", TypeText, []string{"text", "text", "text", "bool"}, 1, editValue(pathReplace, pathCreate))
	onDocs("__jsonb_insert", TypeText, []string{"text", "text", "text", "bool"}, 1, editValue(pathInsertBefore, pathInsertAfter))
	onDocs("__jsonb_delete_path", TypeText, []string{"text", "text"}, 1, func(d []*jnode, v []any) (any, error) {
		return edit(d[0], v[1], nil, pathDelete)
	})
	// jsonb_set_lax takes an SQL NULL new value (argument 2).
	register("__jsonb_set_lax", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			return TypeText, want(args, "text", "text", "text", "bool", "text")
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeText, n, args, false, func(v []any) (any, error) {
				if v[0] == nil || v[1] == nil || v[3] == nil {
					return nil, nil
				}
				if v[4] == nil {
					return nil, errNullTreatment
				}
				doc, err := parse(v[0])
				if err != nil {
					return nil, err
				}
				var val *jnode
				if v[2] != nil {
					if val, err = parse(v[2]); err != nil {
						return nil, err
					}
				}
				path, err := pathArg(v[1])
				if err != nil {
					return nil, err
				}
				out, err := jsonbSetLax(doc, path, val, v[3].(bool), str(v[4]))
				if err != nil {
					return nil, err
				}
				return jsonbOut(out), nil
			})
		},
	})

	// jsonpath (jsonpath.go): __jsonb_path_*(doc, path, vars, silent),
	// each with a memo of its last path parsed.
	pathSig := []string{"text", "text", "text", "bool"}
	queryMemo, firstMemo := &JSONPathMemo{}, &JSONPathMemo{}
	fn("__jsonb_path_query_array", TypeText, pathSig, func(_ *Ctx, v []any) (any, error) {
		items, err := queryMemo.Query(str(v[0]), str(v[1]), str(v[2]), v[3].(bool))
		if err != nil {
			return nil, err
		}
		return "[" + strings.Join(items, ", ") + "]", nil
	})
	fn("__jsonb_path_query_first", TypeText, pathSig, func(_ *Ctx, v []any) (any, error) {
		items, err := firstMemo.Query(str(v[0]), str(v[1]), str(v[2]), v[3].(bool))
		if err != nil || len(items) == 0 {
			return nil, err
		}
		return items[0], nil
	})
	boolOrNull := func(f func(doc, path, vars string, silent bool) (bool, bool, error)) func(_ *Ctx, v []any) (any, error) {
		return func(_ *Ctx, v []any) (any, error) {
			b, ok, err := f(str(v[0]), str(v[1]), str(v[2]), v[3].(bool))
			if err != nil || !ok {
				return nil, err
			}
			return b, nil
		}
	}
	fn("__jsonb_path_exists", TypeBool, pathSig, boolOrNull((&JSONPathMemo{}).Exists))
	fn("__jsonb_path_match", TypeBool, pathSig, boolOrNull((&JSONPathMemo{}).Match))
	fn("__jsonpath_in", TypeText, []string{"text"}, func(_ *Ctx, v []any) (any, error) {
		return v[0], CheckJSONPath(str(v[0]))
	})

	// __jsonb_scalar(jsonb, want, type) is the text of a jsonb number
	// (want 'number') or boolean ('boolean') for a cast to type, which
	// other values refuse, as PostgreSQL's jsonb casts do.
	onDocs("__jsonb_scalar", TypeText, []string{"text", "text", "text"}, 1, func(d []*jnode, v []any) (any, error) {
		a := d[0]
		kind := map[byte]string{'o': "object", 'a': "array", 's': "string", 'n': "number", 't': "boolean", 'f': "boolean", 'z': "null"}[a.kind]
		if kind != str(v[1]) {
			if kind == "number" {
				kind = "numeric"
			}
			typ := map[string]string{"int4": "integer", "int8": "bigint", "int2": "smallint", "float8": "double precision", "float4": "real", "bool": "boolean"}[str(v[2])]
			if typ == "" {
				typ = str(v[2])
			}
			return nil, &JSONArgError{Msg: fmt.Sprintf("cannot cast jsonb %s to type %s", kind, typ)}
		}
		return string(appendJSONB(nil, a)), nil
	})

	// __jsonb_sort_key(jsonb) orders jsonb values as PostgreSQL does
	// (ORDER BY, < and >), as bytes.
	fn("__jsonb_sort_key", TypeText, []string{"text"}, func(_ *Ctx, v []any) (any, error) {
		return JSONBSortKey(str(v[0]))
	})

	// __jsonb_nullif(a, b) is nullif for jsonb: NULL when a equals b by
	// value, else a.
	register("__jsonb_nullif", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeText, want(args, "text", "text") },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeText, n, args, false, func(v []any) (any, error) {
				if v[0] == nil || v[1] == nil {
					return v[0], nil
				}
				if eq, err := jsonbTextEqual(str(v[0]), str(v[1])); eq || err != nil {
					return nil, err
				}
				return v[0], nil
			})
		},
	})

	// __numeric_text_int(text, type) is a numeric's text as an integer of
	// type (int2, int4, int8): rounded half away from zero, as numeric to
	// integer casts round, and range-checked.
	fn("__numeric_text_int", TypeInt, []string{"text", "text"}, func(_ *Ctx, v []any) (any, error) {
		return numericTextInt(str(v[0]), str(v[1]))
	})

	// __json_pretty_row(json object) is row_to_json(t, true): a member a
	// line.
	fn("__json_pretty_row", TypeText, []string{"text"}, func(_ *Ctx, v []any) (any, error) {
		var out []byte
		first := true
		eachJSONMember(str(v[0]), func(k, val string) bool {
			if first {
				out = append(out, '{')
				first = false
			} else {
				out = append(out, ",\n "...)
			}
			out = append(append(append(out, k...), ':'), val...)
			return true
		})
		if first {
			return "{}", nil
		}
		return string(append(out, '}')), nil
	})

	// Functions of one json or jsonb value.
	fn("__json_typeof", TypeText, []string{"text"}, func(_ *Ctx, v []any) (any, error) {
		return JSONTypeof(str(v[0])), nil
	})
	fn("__json_array_length", TypeInt, []string{"text"}, func(_ *Ctx, v []any) (any, error) {
		switch JSONTypeof(str(v[0])) {
		case "array":
			elems, _ := jsonElements(str(v[0]))
			return int64(len(elems)), nil
		case "object":
			return nil, fmt.Errorf("cannot get array length of a non-array")
		}
		return nil, fmt.Errorf("cannot get array length of a scalar")
	})
	onDocs("__jsonb_pretty", TypeText, []string{"text"}, 1, func(d []*jnode, _ []any) (any, error) {
		return string(appendJSONPretty(nil, d[0], 0)), nil
	})
	onDocs("__jsonb_strip_nulls", TypeText, []string{"text"}, 1, func(d []*jnode, _ []any) (any, error) {
		return jsonbOut(jsonbStripNulls(d[0])), nil
	})
	// __json_strip_nulls is json_strip_nulls: json keeps its members'
	// order, duplicate keys and numbers as written, without whitespace.
	fn("__json_strip_nulls", TypeText, []string{"text"}, func(_ *Ctx, v []any) (any, error) {
		n, err := ParseJSON(str(v[0]), false)
		if err != nil {
			return nil, err
		}
		return string(appendJSONCompact(nil, jsonbStripNulls(n))), nil
	})
	// __json_object(style, keys[, values]) is json_object and
	// jsonb_object: a text[] of alternating keys and values, or one of
	// keys and one of values; values are strings (NULL is null).
	register("__json_object", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) < 2 || len(args) > 3 {
				return nil, fmt.Errorf("takes a style and one or two text arrays")
			}
			return TypeText, nil
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			style, err := textConst(args[0], "__json_object")
			if err != nil {
				return nil, err
			}
			return rowwise(TypeText, n, args[1:], true, func(v []any) (any, error) {
				return JSONObjectOf(style == "jsonb", v...)
			})
		},
	})

	// __to_json(value, kind) is a value's JSON text: kind is the
	// PostgreSQL type the planner knows it as (jsonKind).
	register("__to_json", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) != 2 || !typeMatches(args[1], "text") {
				return nil, fmt.Errorf("takes a value and its kind")
			}
			return TypeText, nil
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			kind, err := textConst(args[1], "__to_json")
			if err != nil {
				return nil, err
			}
			return rowwise(TypeText, n, args[:1], true, func(v []any) (any, error) {
				return ToJSON(v[0], kind, c.Location)
			})
		},
	})
	// __json_build_object(style, key, value, ...) and
	// __json_build_array(style, value, ...): keys are text, values JSON
	// text (NULL is null); style json writes PostgreSQL's json spacing
	// ("a" : 1), jsonb its form.
	register("__json_build_object", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeText, nil },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			style, err := textConst(args[0], "__json_build_object")
			if err != nil {
				return nil, err
			}
			return rowwise(TypeText, n, args[1:], false, func(v []any) (any, error) {
				return buildJSONObject(v, style == "jsonb")
			})
		},
	})
	register("__json_build_array", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeText, nil },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			style, err := textConst(args[0], "__json_build_array")
			if err != nil {
				return nil, err
			}
			return rowwise(TypeText, n, args[1:], false, func(v []any) (any, error) {
				out := []byte{'['}
				for i, x := range v {
					if i > 0 {
						out = append(out, ", "...)
					}
					if x == nil {
						out = append(out, "null"...)
					} else {
						out = append(out, x.(string)...)
					}
				}
				out = append(out, ']')
				if style == "jsonb" {
					return JSONBText(string(out))
				}
				return string(out), nil
			})
		},
	})
}

// jsonResult is what -> (text false) or ->> (text true) gives for a raw
// value found (ok) or not: NULL when none; ->> of null is NULL.
func jsonResult(raw string, ok, text bool) (any, error) {
	if !ok {
		return nil, nil
	}
	if !text {
		return raw, nil
	}
	s, notNull, err := jsonScalarText(raw)
	if !notNull || err != nil {
		return nil, err
	}
	return s, nil
}

// buildJSONObject writes json_build_object's object from its arguments,
// keys and values alternating.
func buildJSONObject(v []any, jsonb bool) (any, error) {
	if len(v)%2 != 0 {
		return nil, &JSONArgError{Msg: "argument list must have even number of elements", Hint: "The arguments of json_build_object() must consist of alternating keys and values."}
	}
	out := []byte{'{'}
	for i := 0; i < len(v); i += 2 {
		if v[i] == nil {
			return nil, &JSONArgError{Msg: fmt.Sprintf("argument %d cannot be null", i+1), Hint: "Object keys should be text."}
		}
		if i > 0 {
			out = append(out, ", "...)
		}
		if key := v[i].(string); strings.HasPrefix(key, `"`) {
			out = append(out, key...) // a string's JSON
		} else {
			out = appendJSONString(out, key) // a number's or boolean's text
		}
		out = append(out, " : "...)
		if v[i+1] == nil {
			out = append(out, "null"...)
		} else {
			out = append(out, v[i+1].(string)...)
		}
	}
	out = append(out, '}')
	if jsonb {
		return JSONBText(string(out))
	}
	return string(out), nil
}

// JSONArgError is a JSON function's argument error, with PostgreSQL's
// hint.
type JSONArgError struct{ Msg, Hint string }

func (e *JSONArgError) Error() string { return e.Msg }

// ToJSON is value v's JSON text (to_json), v being of the PostgreSQL type
// kind names: text quoted, numbers as they print (NaN and infinities
// quoted), booleans, times in ISO 8601 (timestamptz in loc with its
// offset), intervals and times by their text, json and jsonb as they are,
// arrays held as text element by element ("array:" and the elements'
// kind).
func ToJSON(v any, kind string, loc *time.Location) (string, error) {
	if loc == nil {
		loc = time.UTC
	}
	if elem, ok := strings.CutPrefix(kind, "array:"); ok {
		elems, ok := ParseArrayText(v.(string))
		if !ok {
			return "", fmt.Errorf("malformed array literal: %q", v)
		}
		out := []byte{'['}
		for i, e := range elems {
			if i > 0 {
				out = append(out, ',')
			}
			if e == nil {
				out = append(out, "null"...)
				continue
			}
			out = append(out, jsonOfText(*e, elem, loc)...)
		}
		return string(append(out, ']')), nil
	}
	switch x := v.(type) {
	case string:
		switch kind {
		case "json", "jsonb":
			return x, nil
		}
		return string(appendJSONString(nil, x)), nil
	case int64:
		return string(AppendInt(nil, x)), nil
	case float64:
		var b []byte
		if kind == "float4" {
			b = AppendFloat4(nil, x)
		} else if sc, ok := strings.CutPrefix(kind, "numeric:"); ok && !math.IsNaN(x) && !math.IsInf(x, 0) {
			if least, quotient := strings.CutPrefix(sc, "q"); quotient {
				scale, _ := strconv.Atoi(least)
				b = AppendQuotient(nil, x, scale) // a quotient: its division's scale
			} else {
				scale, _ := strconv.Atoi(sc)
				b = AppendNumericDigits(nil, x, scale) // numeric(…, scale)
			}
		} else {
			b = AppendFloat(nil, x)
		}
		if s := string(b); s == "NaN" || s == "Infinity" || s == "-Infinity" {
			return `"` + s + `"`, nil
		}
		return string(b), nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case Timestamp:
		if s := infiniteTimeText(int64(x)); s != "" {
			return `"` + s + `"`, nil
		}
		if kind == "timestamp" {
			loc = time.UTC // held as its reading
		}
		t := time.Unix(0, int64(x)).In(loc)
		frac := ""
		if us := t.Nanosecond() / 1000; us != 0 {
			frac = strings.TrimRight(fmt.Sprintf(".%06d", us), "0")
		}
		switch kind {
		case "date":
			return `"` + t.Format("2006-01-02") + `"`, nil
		case "timestamp":
			return `"` + t.Format("2006-01-02T15:04:05") + frac + `"`, nil
		}
		_, off := t.Zone()
		return `"` + t.Format("2006-01-02T15:04:05") + frac + jsonOffset(off) + `"`, nil
	case arrow.MonthDayNanoInterval:
		return `"` + FormatInterval(x) + `"`, nil
	}
	return string(appendJSONString(nil, fmt.Sprint(v))), nil
}

// jsonOffset writes a UTC offset as PostgreSQL's JSON does: +00:00,
// +05:30, -03:00, with seconds when it has them.
func jsonOffset(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	s := fmt.Sprintf("%c%02d:%02d", sign, off/3600, off%3600/60)
	if off%60 != 0 {
		s += fmt.Sprintf(":%02d", off%60)
	}
	return s
}

// jsonOfText is an array element's JSON, from its text and its kind.
func jsonOfText(s, kind string, loc *time.Location) string {
	switch kind {
	case "timestamptz", "timestamp":
		// The element's text (with its offset, or a wall clock reading)
		// back to a time, written as to_json writes one.
		parse, in := ParseTimestamp, loc
		if kind == "timestamp" {
			parse, in = ParseWallClock, time.UTC // a reading, held in UTC
		}
		if ns, err := parse(s, in, time.Time{}); err == nil {
			if j, err := ToJSON(Timestamp(ns), kind, loc); err == nil {
				return j
			}
		}
	case "number", "float", "float4", "numeric":
		switch s {
		case "NaN", "Infinity", "-Infinity":
			return `"` + s + `"`
		}
		return s
	case "bool":
		if s == "t" || s == "true" {
			return "true"
		}
		return "false"
	case "json", "jsonb":
		return s
	}
	return string(appendJSONString(nil, s))
}

// x::jsonb -> key and x::jsonb ->> key of text x, without writing all of
// x in jsonb's form: x is checked as jsonb reads it (the same errors),
// the member found in its text (the last of equal keys, which jsonb
// keeps) and only that written in jsonb's form. A device payload's field
// costs a scan of its text, not a parse and a rewrite.
func init() {
	get := func(doc, key string, idx int64, byIndex, text bool) (string, bool, error) {
		if err := checkJSON(doc, true); err != nil {
			return "", false, err
		}
		var raw string
		var ok bool
		if byIndex {
			if t := JSONTypeof(doc); t != "array" && t != "object" {
				raw, ok = strings.TrimSpace(doc), idx == 0 || idx == -1 // a scalar is its own element 0
			} else {
				raw, ok = jsonIndex(doc, idx)
			}
		} else {
			raw, ok = jsonField(doc, key)
		}
		if !ok {
			return "", false, nil
		}
		if text {
			switch raw[0] {
			case 'n':
				return "", false, nil // null
			case '"':
				s, err := unquoteJSON(raw, true)
				return s, true, err
			case 't', 'f':
				return raw, true, nil
			case '{', '[':
			default:
				s, err := numericText(raw)
				return s, true, err
			}
		}
		s, err := JSONBText(raw)
		return s, true, err
	}
	for _, v := range []struct {
		name          string
		byIndex, text bool
		keyType       string
	}{
		{"__jsonb_of_text_get", false, false, "text"}, {"__jsonb_of_text_get_text", false, true, "text"},
		{"__jsonb_of_text_index", true, false, "int"}, {"__jsonb_of_text_index_text", true, true, "int"},
	} {
		register(v.name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) {
				return TypeText, want(args, "text", v.keyType)
			},
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				return textWithConst(args, n, func(doc string, k any) (string, bool, error) {
					if v.byIndex {
						return get(doc, "", k.(int64), true, v.text)
					}
					return get(doc, k.(string), 0, false, v.text)
				})
			},
		})
	}
}

// textWithConst computes f of each row's text (args[0]) and args[1]
// without boxing values per row when args[0] is a column of strings and
// args[1] a constant; other shapes go row by row. NULLs give NULL.
func textWithConst(args []arg, n int, f func(doc string, k any) (string, bool, error)) (arrow.Array, error) {
	docs, ok := args[0].arr.(*array.String)
	if args[0].isConst || !ok || !args[1].isConst {
		return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
			s, ok, err := f(v[0].(string), v[1])
			if err != nil || !ok {
				return nil, err
			}
			return s, nil
		})
	}
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(n)
	k := args[1].cnst
	for i := 0; i < n; i++ {
		if k == nil || docs.IsNull(i) {
			b.AppendNull()
			continue
		}
		s, ok, err := f(docs.Value(i), k)
		if err != nil {
			return nil, err
		}
		if !ok {
			b.AppendNull()
			continue
		}
		b.Append(s)
	}
	return b.NewArray(), nil
}

// numericTextInt converts a numeric's text to an integer of type typ.
func numericTextInt(num, typ string) (int64, error) {
	lo, hi, name := int64(math.MinInt64), int64(math.MaxInt64), "bigint"
	switch typ {
	case "int4":
		lo, hi, name = math.MinInt32, math.MaxInt32, "integer"
	case "int2":
		lo, hi, name = math.MinInt16, math.MaxInt16, "smallint"
	}
	out := fmt.Errorf("%s out of range", name)
	if n, err := strconv.ParseInt(num, 10, 64); err == nil {
		if n < lo || n > hi {
			return 0, out
		}
		return n, nil
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return 0, fmt.Errorf("invalid input syntax for type numeric: %q", num)
	}
	// Round half away from zero: add or subtract one half, truncate.
	half := big.NewRat(1, 2)
	if r.Sign() < 0 {
		r.Sub(r, half)
	} else {
		r.Add(r, half)
	}
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if !q.IsInt64() || q.Int64() < lo || q.Int64() > hi {
		return 0, out
	}
	return q.Int64(), nil
}
