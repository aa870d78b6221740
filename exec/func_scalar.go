package exec

import (
	"fmt"
	"math"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stratadb/strata/storage"
)

// rowwise evaluates f per row over the arguments' values (as Literal holds
// them). With strict, a NULL argument makes the result NULL without calling
// f. It serves the many functions whose cost is in the work per value.
func rowwise(dt arrow.DataType, n int, args []arg, strict bool, f func(vals []any) (any, error)) (arrow.Array, error) {
	b := array.NewBuilder(memory.DefaultAllocator, dt)
	defer b.Release()
	b.Reserve(n)
	vals := make([]any, len(args))
	// Each column's getter is made once, not per row (rowArg's).
	getters := make([]func(int) any, len(args))
	for j, a := range args {
		if !a.isConst {
			if g, err := valueGetter(a.arr); err == nil {
				getters[j] = g
			}
		}
	}
	for i := 0; i < n; i++ {
		null := false
		for j, a := range args {
			var v any
			switch {
			case a.isConst:
				v = a.cnst
			case getters[j] != nil && !a.arr.IsNull(i):
				v = getters[j](i)
			}
			vals[j] = v
			null = null || v == nil
		}
		if strict && null {
			b.AppendNull()
			continue
		}
		v, err := f(vals)
		if err != nil {
			return nil, err
		}
		appendValue(b, v)
	}
	return b.NewArray(), nil
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return math.NaN()
}

// oneOrTwo resolves a function of (a) or (a, b) arguments to dt.
func oneOrTwo(dt arrow.DataType, a, b string) func([]arrow.DataType) (arrow.DataType, error) {
	return func(args []arrow.DataType) (arrow.DataType, error) {
		if len(args) == 2 {
			return dt, want(args, a, b)
		}
		return dt, want(args, a)
	}
}

// numericUnary defines a one-argument math function: float64 in and out,
// or bigint kept as bigint when keepInt is given (abs, ceil, floor).
// pow is power(a, b) with PostgreSQL's errors.
func pow(a, b float64) (float64, error) {
	if a == 0 && b < 0 {
		return 0, fmt.Errorf("zero raised to a negative power is undefined")
	}
	if a < 0 && b != math.Trunc(b) {
		return 0, fmt.Errorf("a negative number raised to a non-integer power yields a complex result")
	}
	r := math.Pow(a, b)
	if math.IsInf(r, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
		return 0, errFloatOverflow
	}
	if r == 0 && a != 0 && !math.IsInf(b, 0) {
		return 0, errFloatUnderflow
	}
	return r, nil
}

// mapFloats applies f to a float column in one typed loop (f of a NULL's
// slot is computed and masked: f must not fail); ok is false for a
// constant or another type, which rowwise takes.
func mapFloats(a arg, n int, f func(float64) float64) (arrow.Array, bool) {
	col, ok := a.arr.(*array.Float64)
	if !ok || a.isConst {
		return nil, false
	}
	out := make([]float64, n)
	for i, x := range col.Float64Values() {
		out[i] = f(x)
	}
	return fixedArray(TypeFloat, out, validity(col)), true
}

// unaryDomain is PostgreSQL's error for f(x) = r of a finite x where r
// says x was outside f's domain or the result outside float8's.
func unaryDomain(name string, x, r float64) error {
	finite := !math.IsNaN(x) && !math.IsInf(x, 0)
	switch {
	case (name == "ln" || name == "log10") && finite && x <= 0:
		return logDomain(x)
	case name == "sqrt" && x < 0:
		return fmt.Errorf("cannot take square root of a negative number")
	case math.IsNaN(r) && finite:
		return fmt.Errorf("%s: argument %v is out of its domain", name, x)
	case math.IsInf(r, 0) && finite:
		return fmt.Errorf("value out of range: overflow")
	case r == 0 && x != 0 && finite && name == "exp":
		return errFloatUnderflow // exp(-1000), as PostgreSQL
	}
	return nil
}

// logDomain is PostgreSQL's error for the logarithm of x <= 0.
func logDomain(x float64) error {
	if x == 0 {
		return fmt.Errorf("cannot take logarithm of zero")
	}
	return fmt.Errorf("cannot take logarithm of a negative number")
}

func numericUnary(name string, f func(float64) float64, keepInt func(int64) (int64, error)) funcDef {
	return funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if err := want(args, "numeric"); err != nil {
				return nil, err
			}
			if args[0].ID() == arrow.INT64 && keepInt != nil {
				return TypeInt, nil
			}
			return TypeFloat, nil
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			if a, ok := args[0].arr.(*array.Float64); ok && !args[0].isConst {
				// A typed loop over the column (floor in Grafana's
				// $__timeGroup runs over every row).
				valid := validity(a)
				out := make([]float64, n)
				for i, x := range a.Float64Values() {
					if valid != nil && !getBit(valid, i) {
						continue
					}
					r := f(x)
					if math.IsNaN(r) || math.IsInf(r, 0) || r == 0 && x != 0 {
						if err := unaryDomain(name, x, r); err != nil {
							return nil, err
						}
					}
					out[i] = r
				}
				return fixedArray(TypeFloat, out, valid), nil
			}
			if args[0].dt.ID() == arrow.INT64 && keepInt != nil {
				return rowwise(TypeInt, n, args, true, func(v []any) (any, error) { return keepInt(v[0].(int64)) })
			}
			return rowwise(TypeFloat, n, args, true, func(v []any) (any, error) {
				x := toFloat(v[0])
				r := f(x)
				if err := unaryDomain(name, x, r); err != nil {
					return nil, err
				}
				return r, nil
			})
		},
	}
}

func init() {
	register("abs", numericUnary("abs", math.Abs, func(x int64) (int64, error) {
		if x == math.MinInt64 {
			return 0, errIntRange
		}
		if x < 0 {
			return -x, nil
		}
		return x, nil
	}))
	// ceil, floor and trunc of an integer are numeric in PostgreSQL: float8
	// here.
	register("ceil", numericUnary("ceil", math.Ceil, nil))
	register("ceiling", numericUnary("ceiling", math.Ceil, nil))
	register("floor", numericUnary("floor", math.Floor, nil))
	register("sqrt", numericUnary("sqrt", math.Sqrt, nil))
	register("ln", numericUnary("ln", math.Log, nil))
	register("exp", numericUnary("exp", math.Exp, nil))
	register("sign", numericUnary("sign", func(x float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	}, nil))
	register("round", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) == 2 {
				return TypeFloat, want(args, "numeric", "int")
			}
			if err := want(args, "numeric"); err != nil {
				return nil, err
			}
			if args[0].ID() == arrow.INT64 {
				return TypeInt, nil
			}
			return TypeFloat, nil
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			if len(args) == 1 {
				if args[0].dt.ID() == arrow.INT64 {
					return rowwise(TypeInt, n, args, true, func(v []any) (any, error) { return v[0], nil })
				}
				// round(double) rounds half to even, as PostgreSQL's rint.
				if out, ok := mapFloats(args[0], n, math.RoundToEven); ok {
					return out, nil
				}
				return rowwise(TypeFloat, n, args, true, func(v []any) (any, error) { return math.RoundToEven(toFloat(v[0])), nil })
			}
			// round(x, n) is numeric in PostgreSQL: half away from zero on
			// the decimal value.
			if args[1].isConst && args[1].cnst != nil {
				places := args[1].cnst.(int64)
				if out, ok := mapFloats(args[0], n, func(x float64) float64 { return RoundDecimal(x, places) }); ok {
					return out, nil
				}
			}
			return rowwise(TypeFloat, n, args, true, func(v []any) (any, error) {
				return RoundDecimal(toFloat(v[0]), v[1].(int64)), nil
			})
		},
	})
	unaryTrunc := numericUnary("trunc", math.Trunc, nil)
	register("trunc", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) == 2 {
				return TypeFloat, want(args, "numeric", "int")
			}
			return unaryTrunc.resolve(args)
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			if len(args) == 1 {
				return unaryTrunc.eval(c, args, n)
			}
			// trunc(x, n) is numeric in PostgreSQL: toward zero on the
			// decimal value.
			return rowwise(TypeFloat, n, args, true, func(v []any) (any, error) {
				return TruncDecimal(toFloat(v[0]), v[1].(int64)), nil
			})
		},
	})
	register("power", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			return TypeFloat, want(args, "numeric", "numeric")
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			if col, ok := args[0].arr.(*array.Float64); ok && !args[0].isConst && args[1].isConst && args[1].cnst != nil {
				// power(x, 2) over a column: one typed loop.
				b := toFloat(args[1].cnst)
				valid := validity(col)
				out := make([]float64, n)
				for i, a := range col.Float64Values() {
					if valid != nil && !getBit(valid, i) {
						continue
					}
					r, err := pow(a, b)
					if err != nil {
						return nil, err
					}
					out[i] = r
				}
				return fixedArray(TypeFloat, out, valid), nil
			}
			return rowwise(TypeFloat, n, args, true, func(v []any) (any, error) {
				return pow(toFloat(v[0]), toFloat(v[1]))
			})
		},
	})
	functions["pow"] = functions["power"]
	register("log", funcDef{
		resolve: oneOrTwo(TypeFloat, "numeric", "numeric"),
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeFloat, n, args, true, func(v []any) (any, error) {
				if len(v) == 1 {
					x := toFloat(v[0])
					if x <= 0 {
						return nil, logDomain(x)
					}
					return log10(x), nil
				}
				base, x := toFloat(v[0]), toFloat(v[1])
				if x <= 0 || base <= 0 {
					return nil, logDomain(min(x, base))
				}
				if base == 10 {
					return log10(x), nil
				}
				if base == 1 {
					return nil, fmt.Errorf("division by zero") // ln(1) is 0, as PostgreSQL's numeric log
				}
				return math.Log(x) / math.Log(base), nil
			})
		},
	})
	register("log10", numericUnary("log10", log10, nil))
	register("pi", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeFloat, want(args) },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeFloat, n, args, false, func([]any) (any, error) { return math.Pi, nil })
		},
	})

	textFn := func(name string, sig []string, dt arrow.DataType, f func(v []any) (any, error)) {
		register(name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) { return dt, want(args, sig...) },
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				return rowwise(dt, n, args, true, f)
			},
		})
	}
	textFn("lower", []string{"text"}, TypeText, func(v []any) (any, error) { return strings.ToLower(v[0].(string)), nil })
	textFn("upper", []string{"text"}, TypeText, func(v []any) (any, error) { return strings.ToUpper(v[0].(string)), nil })
	textFn("length", []string{"text"}, TypeInt, func(v []any) (any, error) { return int64(utf8.RuneCountInString(v[0].(string))), nil })
	functions["char_length"] = functions["length"]
	functions["character_length"] = functions["length"]
	textFn("octet_length", []string{"text"}, TypeInt, func(v []any) (any, error) { return int64(len(v[0].(string))), nil })
	textFn("starts_with", []string{"text", "text"}, TypeBool, func(v []any) (any, error) { return strings.HasPrefix(v[0].(string), v[1].(string)), nil })
	textFn("replace", []string{"text", "text", "text"}, TypeText, func(v []any) (any, error) {
		if v[1].(string) == "" {
			return v[0], nil
		}
		return strings.ReplaceAll(v[0].(string), v[1].(string), v[2].(string)), nil
	})
	textFn("split_part", []string{"text", "text", "int"}, TypeText, func(v []any) (any, error) {
		s, sep, k := v[0].(string), v[1].(string), v[2].(int64)
		if k == 0 {
			return nil, fmt.Errorf("field position must not be zero")
		}
		var parts []string
		if sep == "" {
			parts = []string{s}
		} else {
			parts = strings.Split(s, sep)
		}
		if k < 0 {
			k = int64(len(parts)) + k + 1
		}
		if k < 1 || k > int64(len(parts)) {
			return "", nil
		}
		return parts[k-1], nil
	})
	register("substr", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) == 3 {
				return TypeText, want(args, "text", "int", "int")
			}
			return TypeText, want(args, "text", "int")
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
				r := []rune(v[0].(string))
				start := v[1].(int64) // 1-based; may be < 1
				end := int64(len(r)) + 1
				if len(v) == 3 {
					if v[2].(int64) < 0 {
						return nil, fmt.Errorf("negative substring length not allowed")
					}
					end = start + v[2].(int64)
				}
				start = max(start, 1)
				end = min(end, int64(len(r))+1)
				if start >= end {
					return "", nil
				}
				return string(r[start-1 : end-1]), nil
			})
		},
	})
	// substring(s FROM pattern): the first match of a regular expression,
	// or of its first parenthesized part when it has one; NULL for none.
	// substring(s FROM a [FOR n]) is substr.
	register("substring", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) == 2 && IsText(args[1]) {
				return TypeText, want(args, "text", "text")
			}
			return functions["substr"].resolve(args)
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			if len(args) != 2 || !IsText(args[1].dt) {
				return functions["substr"].eval(c, args, n)
			}
			return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
				re, err := CompileRegex(v[1].(string), false)
				if err != nil {
					return nil, err
				}
				return firstGroupMatch(re, v[0].(string)), nil
			})
		},
	})
	for _, name := range []string{"trim", "btrim", "ltrim", "rtrim"} {
		name := name
		register(name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) {
				if len(args) == 2 {
					return TypeText, want(args, "text", "text")
				}
				return TypeText, want(args, "text")
			},
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
					cut := " "
					if len(v) == 2 {
						cut = v[1].(string)
					}
					s := v[0].(string)
					switch name {
					case "ltrim":
						return strings.TrimLeft(s, cut), nil
					case "rtrim":
						return strings.TrimRight(s, cut), nil
					}
					return strings.Trim(s, cut), nil
				})
			},
		})
	}
	register("concat", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeText, nil },
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeText, n, args, false, func(v []any) (any, error) {
				var b strings.Builder
				for _, x := range v {
					if x != nil {
						b.WriteString(outputText(c, x))
					}
				}
				return b.String(), nil
			})
		},
	})
	// || : NULL if either side is NULL; non-text operands print as text
	// (true || 'x' is truex; concat writes t, as the output function).
	register("textcat", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) != 2 {
				return nil, fmt.Errorf("takes 2 arguments")
			}
			return TypeText, nil
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
				return castToText(c, v[0]) + castToText(c, v[1]), nil
			})
		},
	})
	regexFn := func(name string, negate, fold bool) {
		register(name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeBool, want(args, "text", "text") },
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				return matchText(args, n, negate, regexMatcher(fold))
			},
		})
	}
	regexFn("regex_match", false, false)
	regexFn("regex_not_match", true, false)
	regexFn("regex_imatch", false, true)
	regexFn("regex_not_imatch", true, true)
	// regexp_replace(s, pattern, replacement [, flags]) and PostgreSQL
	// 15's regexp_replace(s, pattern, replacement, start [, N [, flags]]):
	// from character start on, the Nth match only, or all of them when N
	// is 0 or the flags have g; the first when neither says.
	register("regexp_replace", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			switch {
			case len(args) == 4 && args[3].ID() != arrow.INT64:
				return TypeText, want(args, "text", "text", "text", "text")
			case len(args) >= 4:
				sig := []string{"text", "text", "text", "int", "int", "text"}
				if len(args) > len(sig) {
					return nil, fmt.Errorf("takes 3 to 6 arguments (string, pattern, replacement [, start [, N [, flags]]])")
				}
				return TypeText, want(args, sig[:len(args)]...)
			}
			return TypeText, want(args, "text", "text", "text")
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			startForm := len(args) >= 4 && args[3].dt.ID() == arrow.INT64
			return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
				flags, nth := "", int64(1)
				switch {
				case startForm:
					flags = optString(v, 5)
					if len(v) > 4 {
						if nth = v[4].(int64); nth < 0 {
							return nil, fmt.Errorf("invalid value for parameter \"n\": %d", nth)
						}
					}
				case len(v) == 4:
					flags = v[3].(string)
				}
				re, global, err := compileFlagged("regexp_replace", v[1].(string), flags)
				if err != nil {
					return nil, err
				}
				repl := pgReplacement(v[2].(string))
				s := v[0].(string)
				if !startForm {
					if global {
						return replaceAll(re, s, repl, findFrom(re, s, 0, -1)), nil
					}
					loc := re.FindStringSubmatchIndex(s)
					if loc == nil {
						return s, nil
					}
					return s[:loc[0]] + string(re.ExpandString(nil, repl, s, loc)) + s[loc[1]:], nil
				}
				from, err := startByte(s, v, 3)
				if err != nil {
					return nil, err
				}
				if len(v) <= 4 && global {
					nth = 0 // g without an N: all (an N given overrides g)
				}
				limit := int(min(nth, 1<<20))
				if nth == 0 {
					limit = -1
				}
				all := findFrom(re, s, from, limit)
				if nth > 0 {
					if int64(len(all)) < nth {
						return s, nil
					}
					all = all[nth-1:]
				}
				return replaceAll(re, s, repl, all), nil
			})
		},
	})
	likeFn := func(name string, negate, fold bool) {
		register(name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) { return TypeBool, want(args, "text", "text") },
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				return matchText(args, n, negate, func(p string) (matcher, error) { return likeMatcher(p, fold) })
			},
		})
	}
	likeFn("like", false, false)
	likeFn("not_like", true, false)
	likeFn("ilike", false, true)
	likeFn("not_ilike", true, true)
}

// replaceAll is s with each match in all (submatch indexes, in order)
// replaced by the template repl.
func replaceAll(re *regexp.Regexp, s, repl string, all [][]int) string {
	if len(all) == 0 {
		return s
	}
	var b []byte
	at := 0
	for _, loc := range all {
		b = append(b, s[at:loc[0]]...)
		b = re.ExpandString(b, repl, s, loc)
		at = loc[1]
	}
	return string(append(b, s[at:]...))
}

// regexCache holds compiled patterns, up to cacheLimit of them (patterns
// read from a column cannot grow it without bound).
var (
	regexCache sync.Map // pattern → *regexp.Regexp
	regexCount atomic.Int64
)

// firstGroupMatch is the text of re's first parenthesized part in its
// first match in s, or of the whole match when re has none; nil (NULL)
// when re does not match or that part took no part in the match.
func firstGroupMatch(re *regexp.Regexp, s string) any {
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return nil
	}
	if len(m) > 2 {
		m = m[2:4]
		if m[0] < 0 {
			return nil
		}
	}
	return s[m[0]:m[1]]
}

// CompileRegex compiles a regular expression (fold: case-insensitive),
// from a bounded cache.
func CompileRegex(pattern string, fold bool) (*regexp.Regexp, error) {
	// . matches a newline, as in PostgreSQL's regular expressions (not
	// newline-sensitive by default; ^ and $ anchor the whole string).
	key := "(?s)" + pattern
	if fold {
		key = "(?is)" + pattern
	}
	return compileCached(key)
}

// compileCached compiles a Go pattern (flags included) from the cache.
func compileCached(key string) (*regexp.Regexp, error) {
	if re, ok := regexCache.Load(key); ok {
		return re.(*regexp.Regexp), nil
	}
	if unbalancedBound(key) {
		return nil, fmt.Errorf("invalid regular expression: braces {} not balanced")
	}
	re, err := regexp.Compile(unicodeWordClasses(key))
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression: %v", err)
	}
	if !nonGreedy(key) {
		// PostgreSQL's regular expressions match the longest string at
		// the leftmost position ('abcd' ~ 'a|ab' matches ab), as POSIX
		// specifies, where Go's take the first alternative that matches.
		// A pattern with a non-greedy quantifier keeps Go's preference
		// (PostgreSQL then prefers the shortest match overall).
		re.Longest()
	}
	if regexCount.Load() < cacheLimit {
		if _, loaded := regexCache.LoadOrStore(key, re); !loaded {
			regexCount.Add(1)
		}
	}
	return re, nil
}

// unbalancedBound reports a bound PostgreSQL refuses and Go reads as
// literal text: a { and a digit that do not go on as {m}, {m,} or {m,n}
// ('a{2' is an error there; 'a{x' and 'a}' are text in both).
func unbalancedBound(p string) bool {
	inClass := false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\':
			i++
		case c == '[' && !inClass:
			inClass = true
			if i+1 < len(p) && p[i+1] == '^' {
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				i++ // a ] first in a class is itself
			}
		case c == '[' && inClass && i+1 < len(p) && (p[i+1] == ':' || p[i+1] == '.' || p[i+1] == '='):
			// [:alpha:], [.a.], [=a=] inside a class: their ] is not the class's.
			if end := strings.Index(p[i+2:], string(p[i+1])+"]"); end >= 0 {
				i += end + 3
			}
		case c == ']' && inClass:
			inClass = false
		case c == '{' && !inClass && i+1 < len(p) && p[i+1] >= '0' && p[i+1] <= '9':
			j := i + 1
			for j < len(p) && p[j] >= '0' && p[j] <= '9' {
				j++
			}
			if j < len(p) && p[j] == ',' {
				j++
				for j < len(p) && p[j] >= '0' && p[j] <= '9' {
					j++
				}
			}
			if j >= len(p) || p[j] != '}' {
				return true
			}
			i = j
		}
	}
	return false
}

// nonGreedy reports whether a Go pattern has a non-greedy quantifier.
func nonGreedy(pattern string) bool {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return false
	}
	var walk func(*syntax.Regexp) bool
	walk = func(r *syntax.Regexp) bool {
		switch r.Op {
		case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
			if r.Flags&syntax.NonGreedy != 0 {
				return true
			}
		}
		for _, sub := range r.Sub {
			if walk(sub) {
				return true
			}
		}
		return false
	}
	return walk(re)
}

// unicodeWordClasses writes \w and \W as the Unicode classes PostgreSQL
// matches in a UTF8 database (letters, digits and _ of any script; Go's are
// ASCII only): 'Zürich' ~ '^\w+$'.
//
// It also writes PostgreSQL's escapes that differ from Go's: \y and \Y
// (a word boundary, and not one) are Go's \b and \B, PostgreSQL's \B is a
// backslash and its \b a backspace.
func unicodeWordClasses(p string) string {
	if !strings.Contains(p, `\w`) && !strings.Contains(p, `\W`) && !strings.Contains(p, "[:") &&
		!strings.Contains(p, `\y`) && !strings.Contains(p, `\Y`) && !strings.Contains(p, `\B`) && !strings.Contains(p, `\b`) {
		return p
	}
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			next := p[i+1]
			i++
			switch {
			case next == 'w' && inClass:
				b.WriteString(`\p{L}\p{N}_`)
			case next == 'w':
				b.WriteString(`[\p{L}\p{N}_]`)
			case next == 'W' && !inClass:
				b.WriteString(`[^\p{L}\p{N}_]`)
			case next == 'y' && !inClass:
				b.WriteString(`\b`)
			case next == 'Y' && !inClass:
				b.WriteString(`\B`)
			case next == 'B':
				b.WriteString(`\\`)
			case next == 'b':
				b.WriteString(`\x08`) // a backspace, as in PostgreSQL (a word boundary is \y)
			default:
				b.WriteByte(c)
				b.WriteByte(next)
			}
			continue
		case c == '[' && inClass && strings.HasPrefix(p[i:], "[:"):
			// POSIX classes of letters are Unicode too: [[:alpha:]].
			if end := strings.Index(p[i:], ":]"); end > 0 {
				if u, ok := posixUnicode[p[i+2:i+end]]; ok {
					b.WriteString(u)
					i += end + 1
					continue
				}
			}
		case c == '[' && !inClass:
			inClass = true
		case c == ']' && inClass:
			inClass = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// posixUnicode are the POSIX bracket classes that match letters of any
// script in PostgreSQL's UTF8 databases.
var posixUnicode = map[string]string{"alpha": `\p{L}`, "alnum": `\p{L}\p{N}`, "word": `\p{L}\p{N}_`, "upper": `\p{Lu}`, "lower": `\p{Ll}`}

// pgReplacement turns PostgreSQL's \1 and \& in a replacement into Go's
// ${1} and ${0}.
func pgReplacement(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '$':
			b.WriteString("$$")
		case c == '\\' && i+1 < len(s) && s[i+1] >= '1' && s[i+1] <= '9':
			b.WriteString("${" + string(s[i+1]) + "}")
			i++
		case c == '\\' && i+1 < len(s) && s[i+1] == '&':
			b.WriteString("${0}")
			i++
		case c == '\\' && i+1 < len(s) && s[i+1] == '\\':
			b.WriteByte('\\') // \\ is one backslash
			i++
		case c == '\\' && i+1 < len(s):
			b.WriteByte(c) // any other backslash is itself (\0, \q)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// RoundDecimal rounds x to places decimal digits half away from zero on
// its decimal value, as PostgreSQL's numeric round (storage.RoundDecimal).
func RoundDecimal(x float64, places int64) float64 { return storage.RoundDecimal(x, places) }

// TruncDecimal drops x's decimal digits after places, toward zero, as
// PostgreSQL's numeric trunc(x, n) (storage.TruncDecimal).
func TruncDecimal(x float64, places int64) float64 { return storage.TruncDecimal(x, places) }

// log10 is math.Log10, exact at the powers of ten (math.Log10(1e15) is
// 14.999999999999998; the C library PostgreSQL uses answers 15).
func log10(x float64) float64 {
	r := math.Log10(x)
	if k := math.Round(r); k != r && math.Abs(k) <= 308 && math.Pow10(int(k)) == x {
		return k
	}
	return r
}
