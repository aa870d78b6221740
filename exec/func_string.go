package exec

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
)

// maxTextChars bounds the text repeat, lpad and rpad may build (PostgreSQL
// stops at 1 GB): past it is 54000, before the bytes are allocated.
const maxTextChars = 1 << 28

// More of PostgreSQL's string functions; all count characters, not bytes.
func init() {
	strFn := func(name string, sig []string, dt arrow.DataType, f func(v []any) (any, error)) {
		register(name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) { return dt, want(args, sig...) },
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				return rowwise(dt, n, args, true, f)
			},
		})
	}
	// left(s, n): the first n characters; a negative n drops the last -n.
	strFn("left", []string{"text", "int"}, TypeText, func(v []any) (any, error) {
		r, k := []rune(v[0].(string)), int(v[1].(int64))
		if k < 0 {
			k = max(len(r)+k, 0)
		}
		return string(r[:min(k, len(r))]), nil
	})
	strFn("right", []string{"text", "int"}, TypeText, func(v []any) (any, error) {
		r, k := []rune(v[0].(string)), int(v[1].(int64))
		if k < 0 {
			k = max(len(r)+k, 0)
		}
		return string(r[len(r)-min(k, len(r)):]), nil
	})
	strFn("reverse", []string{"text"}, TypeText, func(v []any) (any, error) {
		r := []rune(v[0].(string))
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return string(r), nil
	})
	strFn("repeat", []string{"text", "int"}, TypeText, func(v []any) (any, error) {
		k := v[1].(int64)
		if k <= 0 {
			return "", nil
		}
		if int64(len(v[0].(string)))*k > maxTextChars {
			return nil, fmt.Errorf("requested length too large")
		}
		return strings.Repeat(v[0].(string), int(k)), nil
	})
	// strpos(s, sub) and position(sub IN s): 1-based character index, 0 if absent.
	strpos := func(s, sub string) int64 {
		i := strings.Index(s, sub)
		if i < 0 {
			return 0
		}
		return int64(utf8.RuneCountInString(s[:i]) + 1)
	}
	strFn("strpos", []string{"text", "text"}, TypeInt, func(v []any) (any, error) { return strpos(v[0].(string), v[1].(string)), nil })
	// package sql passes position(a IN b) as position(a, b).
	strFn("position", []string{"text", "text"}, TypeInt, func(v []any) (any, error) { return strpos(v[1].(string), v[0].(string)), nil })
	pad := func(left bool) func(v []any) (any, error) {
		return func(v []any) (any, error) {
			r, k := []rune(v[0].(string)), int(v[1].(int64))
			fill := " "
			if len(v) > 2 {
				fill = v[2].(string)
			}
			if k <= len(r) || fill == "" {
				return string(r[:max(min(k, len(r)), 0)]), nil
			}
			if k > maxTextChars {
				return nil, fmt.Errorf("requested length too large")
			}
			fr := []rune(fill)
			padding := make([]rune, 0, k-len(r))
			for i := 0; len(padding) < k-len(r); i++ {
				padding = append(padding, fr[i%len(fr)])
			}
			if left {
				return string(padding) + string(r), nil
			}
			return string(r) + string(padding), nil
		}
	}
	for _, p := range []struct {
		name string
		left bool
	}{{"lpad", true}, {"rpad", false}} {
		p := p
		register(p.name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) {
				if len(args) == 3 {
					return TypeText, want(args, "text", "int", "text")
				}
				return TypeText, want(args, "text", "int")
			},
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				return rowwise(TypeText, n, args, true, pad(p.left))
			},
		})
	}
	strFn("initcap", []string{"text"}, TypeText, func(v []any) (any, error) {
		var b strings.Builder
		start := true
		for _, r := range v[0].(string) {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				if start {
					b.WriteRune(unicode.ToUpper(r))
				} else {
					b.WriteRune(unicode.ToLower(r))
				}
				start = false
			} else {
				b.WriteRune(r)
				start = true
			}
		}
		return b.String(), nil
	})
	strFn("chr", []string{"int"}, TypeText, func(v []any) (any, error) {
		k := v[0].(int64)
		switch {
		case k == 0:
			return nil, fmt.Errorf("null character not permitted")
		case k < 0:
			return nil, fmt.Errorf("character number must be positive")
		case k > unicode.MaxRune:
			return nil, fmt.Errorf("requested character too large for encoding: %d", k)
		case k >= 0xD800 && k <= 0xDFFF:
			return nil, fmt.Errorf("requested character not valid for encoding: %d", k) // a UTF-16 surrogate
		}
		return string(rune(k)), nil
	})
	strFn("ascii", []string{"text"}, TypeInt, func(v []any) (any, error) {
		r, _ := utf8.DecodeRuneInString(v[0].(string))
		if r == utf8.RuneError {
			return int64(0), nil
		}
		return int64(r), nil
	})
	// concat_ws(sep, ...): NULL arguments are skipped, a NULL separator
	// gives NULL.
	register("concat_ws", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) < 1 || !typeMatches(args[0], "text") {
				return nil, fmt.Errorf("the separator must be text")
			}
			return TypeText, nil
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeText, n, args, false, func(v []any) (any, error) {
				if v[0] == nil {
					return nil, nil
				}
				var parts []string
				for _, x := range v[1:] {
					if x != nil {
						parts = append(parts, outputText(c, x))
					}
				}
				return strings.Join(parts, v[0].(string)), nil
			})
		},
	})
}
