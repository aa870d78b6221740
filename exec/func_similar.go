package exec

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
)

// similar_to_escape(pattern [, escape]) turns a SQL regular expression
// (SIMILAR TO's pattern language) into the POSIX one PostgreSQL matches it
// as: anchored, % as .*, _ as ., groups non-capturing, . $ ^ literal
// outside brackets, a character after the escape (default \, none when
// empty) taken literally. x SIMILAR TO p [ESCAPE e] arrives as
// x ~ similar_to_escape(p [, e]) (the sql package's rewrite).

// SimilarToRegex converts pattern as PostgreSQL's similar_to_escape does;
// escape is its escape character (esc false: none).
func SimilarToRegex(pattern string, escape rune, esc bool) (string, error) {
	// One or two escape-double-quote separators (substring's markers) make
	// groups.
	quotes := 0
	if esc {
		quotes = strings.Count(pattern, string(escape)+`"`)
		if quotes > 2 {
			return "", &CodedError{Code: "2200C", Msg: "SQL regular expression may not contain more than two escape-double-quote separators"}
		}
	}
	var b strings.Builder
	b.WriteString("^(?:")
	rs := []rune(pattern)
	escaped, bracket, bracketStart, seen := false, false, false, 0
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case escaped:
			escaped = false
			if c == '"' && quotes > 0 {
				if seen == 0 {
					b.WriteString("){1,1}?(")
				} else {
					b.WriteString("){1,1}(?:")
				}
				seen++
				continue
			}
			b.WriteByte('\\')
			b.WriteRune(c)
		case esc && c == escape:
			escaped = true
		case c == '\\':
			b.WriteString(`\\`) // a backslash that is not the escape is literal
		case bracket:
			// Inside [...] everything is literal; a ] right after [ or [^
			// is a member, not the end; [:class:] (and [. .], [= =]) are
			// copied whole.
			if c == '[' && i+1 < len(rs) && (rs[i+1] == ':' || rs[i+1] == '.' || rs[i+1] == '=') {
				end := strings.Index(string(rs[i+2:]), string(rs[i+1])+"]")
				if end >= 0 {
					n := utf8.RuneCountInString(string(rs[i+2:])[:end])
					b.WriteString(string(rs[i : i+2+n+2]))
					i += 2 + n + 1
					bracketStart = false
					continue
				}
			}
			if c == ']' && !bracketStart {
				bracket = false
			}
			bracketStart = bracketStart && c == '^'
			b.WriteRune(c)
		case c == '[':
			bracket, bracketStart = true, true
			b.WriteRune(c)
		case c == '%':
			b.WriteString(".*")
		case c == '_':
			b.WriteByte('.')
		case c == '(':
			b.WriteString("(?:")
		case c == '.' || c == '$' || c == '^':
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteString(")$")
	return b.String(), nil
}

// similarEscape reads similar_to_escape's escape argument: empty for
// none, else one character.
func similarEscape(e string) (escape rune, esc bool, err error) {
	switch utf8.RuneCountInString(e) {
	case 0:
		return 0, false, nil
	case 1:
		escape, _ = utf8.DecodeRuneInString(e)
		return escape, true, nil
	}
	return 0, false, &CodedError{Code: "22025", Msg: "invalid escape string: it must be empty or one character"}
}

// SimilarSubstringRegex is the regular expression substring(s SIMILAR
// pattern ESCAPE e) matches s with: pattern's (SimilarToRegex), whose part
// before the first escape-double-quote separator matches as little as it
// can and the part between the separators, the one capture group, as much
// as it can. PostgreSQL's {1,1}? on the first part makes it non-greedy
// there; Go's engine needs each of that part's quantifiers made lazy.
func SimilarSubstringRegex(pattern string, escape rune, esc bool) (*regexp.Regexp, error) {
	text, err := SimilarToRegex(pattern, escape, esc)
	if err != nil {
		return nil, err
	}
	re, err := syntax.Parse(text, syntax.Perl|syntax.DotNL)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression: %v", err)
	}
	lazyBeforeCapture(re)
	return compileCached("(?s)" + re.String())
}

// lazyBeforeCapture makes every quantifier met before the first capture
// group, in the order the pattern is written, non-greedy; it reports
// whether it met the group.
func lazyBeforeCapture(re *syntax.Regexp) bool {
	if re.Op == syntax.OpCapture {
		return true
	}
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		re.Flags |= syntax.NonGreedy
	}
	for _, sub := range re.Sub {
		if lazyBeforeCapture(sub) {
			return true
		}
	}
	return false
}

func init() {
	// substring(s SIMILAR pattern ESCAPE e), substring(s FROM pattern FOR
	// e) of text pattern and escape: the part of s the pattern's separated
	// part matches when the whole pattern matches s (the whole of s when
	// there is no separator; from the one separator to the end when there
	// is one); NULL when it does not match.
	register("__substring_similar", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			return TypeText, want(args, "text", "text", "text")
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
				escape, esc, err := similarEscape(v[2].(string))
				if err != nil {
					return nil, err
				}
				re, err := SimilarSubstringRegex(v[1].(string), escape, esc)
				if err != nil {
					return nil, err
				}
				return firstGroupMatch(re, v[0].(string)), nil
			})
		},
	})
	register("similar_to_escape", funcDef{
		resolve: oneOrTwo(TypeText, "text", "text"),
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
				escape, esc := '\\', true
				if len(v) == 2 {
					var err error
					if escape, esc, err = similarEscape(v[1].(string)); err != nil {
						return nil, err
					}
				}
				return SimilarToRegex(v[0].(string), escape, esc)
			})
		},
	})
}
