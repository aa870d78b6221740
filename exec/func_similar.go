package exec

import (
	"fmt"
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
			return "", fmt.Errorf("SQL regular expression may not contain more than two escape-double-quote separators")
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

func init() {
	register("similar_to_escape", funcDef{
		resolve: oneOrTwo(TypeText, "text", "text"),
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
				escape, esc := '\\', true
				if len(v) == 2 {
					e := v[1].(string)
					switch utf8.RuneCountInString(e) {
					case 0:
						esc = false
					case 1:
						escape, _ = utf8.DecodeRuneInString(e)
					default:
						return nil, fmt.Errorf("invalid escape string: it must be empty or one character")
					}
				}
				return SimilarToRegex(v[0].(string), escape, esc)
			})
		},
	})
}
