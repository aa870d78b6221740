package exec

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// matcher tests one text value against a compiled pattern.
type matcher func(string) bool

// matchText evaluates a pattern match (LIKE, ILIKE, ~ and their negations)
// of args[0] against the pattern args[1]. With a constant pattern the
// matcher is built once and runs over the values - a dictionary's entries
// once each, as rows use them; otherwise it is built per row.
func matchText(args []arg, n int, negate bool, build func(pattern string) (matcher, error)) (arrow.Array, error) {
	pat, text := args[1], args[0]
	if !pat.isConst || text.isConst {
		return rowwise(TypeBool, n, args, true, func(v []any) (any, error) {
			m, err := build(v[1].(string))
			if err != nil {
				return nil, err
			}
			return m(v[0].(string)) != negate, nil
		})
	}
	b := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(n)
	if pat.cnst == nil {
		b.AppendNulls(n)
		return b.NewArray(), nil
	}
	m, err := build(pat.cnst.(string))
	if err != nil {
		return nil, err
	}
	switch a := text.arr.(type) {
	case *array.String:
		for i := range n {
			if a.IsNull(i) {
				b.UnsafeAppendBoolToBitmap(false)
				continue
			}
			b.UnsafeAppend(m(a.Value(i)) != negate)
		}
	case *array.Dictionary:
		dict, ok := a.Dictionary().(*array.String)
		if !ok {
			return nil, fmt.Errorf("pattern match over a dictionary of %s", a.Dictionary().DataType())
		}
		// Per entry, computed when a row first uses it (a dictionary may
		// hold more entries than the batch has rows): 0 not yet, 1 NULL,
		// 2 false, 3 true.
		entries := make([]byte, dict.Len())
		for i := range n {
			if a.IsNull(i) {
				b.UnsafeAppendBoolToBitmap(false)
				continue
			}
			k := a.GetValueIndex(i)
			e := entries[k]
			if e == 0 {
				e = 1
				if !dict.IsNull(k) {
					e = 2
					if m(dict.Value(k)) != negate {
						e = 3
					}
				}
				entries[k] = e
			}
			if e == 1 {
				b.UnsafeAppendBoolToBitmap(false)
				continue
			}
			b.UnsafeAppend(e == 3)
		}
	default:
		return nil, fmt.Errorf("pattern match over %s", a.DataType())
	}
	return b.NewArray(), nil
}

// likeMatcher compiles a LIKE pattern (% any run, _ any one character, a
// backslash escapes the next): patterns that are a literal with % at
// either end become string comparisons, the others regular expressions.
// fold is ILIKE, which, as PostgreSQL's, compares the lower case of the
// pattern and of the text: 'ſ' ILIKE 'S' is false (lower('S') is s),
// where case folding would match them.
func likeMatcher(pattern string, fold bool) (matcher, error) {
	if fold {
		m, err := likeMatcher(strings.ToLower(pattern), false)
		if err != nil {
			return nil, err
		}
		return func(s string) bool { return m(strings.ToLower(s)) }, nil
	}
	if !strings.ContainsAny(pattern, `_\`) {
		lit := strings.Trim(pattern, "%")
		if !strings.Contains(lit, "%") {
			lead, trail := strings.HasPrefix(pattern, "%"), len(pattern) > len(lit) && strings.HasSuffix(pattern, "%")
			switch {
			case lead && trail:
				return func(s string) bool { return strings.Contains(s, lit) }, nil
			case lead:
				return func(s string) bool { return strings.HasSuffix(s, lit) }, nil
			case trail:
				return func(s string) bool { return strings.HasPrefix(s, lit) }, nil
			}
			return func(s string) bool { return s == lit }, nil
		}
	}
	re, err := compileLike(pattern)
	if err != nil {
		return nil, err
	}
	return re.MatchString, nil
}

// compileLike turns a LIKE pattern into a regular expression, character by
// character (a character may be several bytes of UTF-8).
func compileLike(pattern string) (*regexp.Regexp, error) {
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
		return nil, fmt.Errorf("LIKE pattern must not end with escape character")
	}
	b.WriteString("$")
	return CompileRegex(b.String(), false)
}

// regexMatcher compiles a POSIX regular expression (~, ~*).
func regexMatcher(fold bool) func(string) (matcher, error) {
	return func(pattern string) (matcher, error) {
		re, err := CompileRegex(pattern, fold)
		if err != nil {
			return nil, err
		}
		return re.MatchString, nil
	}
}
