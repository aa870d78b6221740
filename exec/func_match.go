package exec

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// matcher tests one text value against a compiled pattern.
type matcher func(string) (bool, error)

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
			ok, err := m(v[0].(string))
			if err != nil {
				return nil, err
			}
			return ok != negate, nil
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
			ok, err := m(a.Value(i))
			if err != nil {
				return nil, err
			}
			b.UnsafeAppend(ok != negate)
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
					ok, err := m(dict.Value(k))
					if err != nil {
						return nil, err
					}
					e = 2
					if ok != negate {
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
// either end become string comparisons, the others run likeMatch.
// fold is ILIKE, which, as PostgreSQL's, compares the lower case of the
// pattern and of the text: 'ſ' ILIKE 'S' is false (lower('S') is s),
// where case folding would match them.
func likeMatcher(pattern string, fold bool) (matcher, error) {
	if fold {
		m, err := likeMatcher(strings.ToLower(pattern), false)
		if err != nil {
			return nil, err
		}
		return func(s string) (bool, error) { return m(strings.ToLower(s)) }, nil
	}
	if !strings.ContainsAny(pattern, `_\`) {
		lit := strings.Trim(pattern, "%")
		if !strings.Contains(lit, "%") {
			lead, trail := strings.HasPrefix(pattern, "%"), len(pattern) > len(lit) && strings.HasSuffix(pattern, "%")
			switch {
			case lead && trail:
				return func(s string) (bool, error) { return strings.Contains(s, lit), nil }, nil
			case lead:
				return func(s string) (bool, error) { return strings.HasSuffix(s, lit), nil }, nil
			case trail:
				return func(s string) (bool, error) { return strings.HasPrefix(s, lit), nil }, nil
			}
			return func(s string) (bool, error) { return s == lit, nil }, nil
		}
	}
	return func(s string) (bool, error) {
		r, err := likeMatch(s, pattern)
		return r == likeTrue, err
	}, nil
}

// errLikeEscape is PostgreSQL's error for a pattern whose last character
// is the escape, raised, as PostgreSQL raises it, only when matching gets
// there with text left to match: 'ab' LIKE 'ab\' is false, 'abc' LIKE
// 'ab\' an error.
var errLikeEscape = errors.New("LIKE pattern must not end with escape character")

// likeOutcome is a LIKE match's result: likeAbort means no later start in
// the text can match either, which ends the search of every % before.
type likeOutcome int8

const (
	likeFalse likeOutcome = iota
	likeTrue
	likeAbort
)

// likeMatch matches text t against LIKE pattern p (% any run, _ any one
// character, backslash escapes the next byte) as PostgreSQL's MatchText
// does, byte by byte but a whole UTF-8 character for _ (a continuation
// byte is never %, _ or backslash). Each % tries only the text positions
// whose byte is the literal that follows it, and an abort below it stops
// its search, so no pattern backtracks without bound.
func likeMatch(t, p string) (likeOutcome, error) {
	for len(t) > 0 && len(p) > 0 {
		switch p[0] {
		case '\\':
			p = p[1:]
			if len(p) == 0 {
				return likeFalse, errLikeEscape
			}
			if p[0] != t[0] {
				return likeFalse, nil
			}
		case '_':
			t, p = t[charLen(t):], p[1:]
			continue
		case '%':
			p = p[1:]
			for len(p) > 0 && (p[0] == '%' || p[0] == '_') {
				if p[0] == '_' {
					if len(t) == 0 {
						return likeAbort, nil
					}
					t = t[charLen(t):]
				}
				p = p[1:]
			}
			if len(p) == 0 {
				return likeTrue, nil // a trailing % takes the rest
			}
			first := p[0]
			if first == '\\' {
				if len(p) < 2 {
					return likeFalse, errLikeEscape
				}
				first = p[1]
			}
			for len(t) > 0 {
				if t[0] == first {
					if r, err := likeMatch(t, p); r != likeFalse || err != nil {
						return r, err
					}
				}
				t = t[charLen(t):]
			}
			return likeAbort, nil
		default:
			if p[0] != t[0] {
				return likeFalse, nil
			}
		}
		t, p = t[1:], p[1:]
	}
	if len(t) > 0 {
		return likeFalse, nil
	}
	for len(p) > 0 && p[0] == '%' {
		p = p[1:]
	}
	if len(p) == 0 {
		return likeTrue, nil
	}
	return likeAbort, nil
}

// charLen is the length in bytes of the UTF-8 character s starts with (1
// for a byte that starts none).
func charLen(s string) int {
	if s[0] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s)
	return n
}

// regexMatcher compiles a POSIX regular expression (~, ~*).
func regexMatcher(fold bool) func(string) (matcher, error) {
	return func(pattern string) (matcher, error) {
		re, err := CompileRegex(pattern, fold)
		if err != nil {
			return nil, err
		}
		return func(s string) (bool, error) { return re.MatchString(s), nil }, nil
	}
}
