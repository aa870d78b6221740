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
func SimilarToRegex(pattern string, escape rune, esc bool) string {
	var b strings.Builder
	b.WriteString("^(?:")
	escaped, bracket, bracketStart := false, false, false
	for _, c := range pattern {
		switch {
		case escaped:
			b.WriteByte('\\')
			b.WriteRune(c)
			escaped = false
		case esc && c == escape:
			escaped = true
		case bracket:
			// Inside [...] everything is literal; a ] right after [ or [^
			// is a member, not the end.
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
	return b.String()
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
				return SimilarToRegex(v[0].(string), escape, esc), nil
			})
		},
	})
}
