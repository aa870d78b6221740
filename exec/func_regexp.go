package exec

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
)

// CompileFlagged is compileFlagged for the planner's regexp functions.
func CompileFlagged(fn, pattern, flags string) (*regexp.Regexp, bool, error) {
	return compileFlagged(fn, pattern, flags)
}

// compileFlagged compiles a PostgreSQL pattern with the flags of its
// regexp_* function: i and c (case-insensitive or not, the last one
// wins), n and m (newline-sensitive: . and [^...] stop at newlines, ^ and
// $ match at them), s and t (the defaults), x (expanded: white space and
// # comments are not part of the pattern), q (the pattern is a literal
// string) and, for regexp_replace and regexp_matches, g. Any other flag is 22023, as in
// PostgreSQL; fn names the function in the error.
func compileFlagged(fn, pattern, flags string) (re *regexp.Regexp, global bool, err error) {
	fold, newline, expanded, literal := false, false, false, false
	for _, f := range flags {
		switch f {
		case 'i':
			fold = true
		case 'c':
			fold = false
		case 'n', 'm':
			newline = true
		case 's':
			newline = false
		case 't':
			expanded = false
		case 'x':
			expanded = true
		case 'q':
			literal = true
		case 'g':
			if fn != "regexp_replace" && fn != "regexp_matches" {
				return nil, false, fmt.Errorf("%s() does not support the \"global\" option", fn)
			}
			global = true
		default:
			return nil, false, fmt.Errorf("invalid regular expression option: %q", string(f))
		}
	}
	switch {
	case literal:
		pattern = regexp.QuoteMeta(pattern)
	case expanded:
		pattern = unexpand(pattern)
	}
	mode := "(?s)"
	if newline {
		mode = "(?m)"
	}
	if fold {
		mode = mode[:2] + "i" + mode[2:]
	}
	re, err = compileCached(mode + pattern)
	return re, global, err
}

// unexpand drops what the x flag makes no part of a pattern: white space
// and # comments, outside brackets and escapes.
func unexpand(p string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			b.WriteByte(c)
			b.WriteByte(p[i+1])
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
			b.WriteByte(c)
		case c == '[':
			inClass = true
			b.WriteByte(c)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
		case c == '#':
			for i < len(p) && p[i] != '\n' {
				i++
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// PostgreSQL 15's regexp_like, regexp_count and regexp_substr.
func init() {
	register("regexp_like", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) == 3 {
				return TypeBool, want(args, "text", "text", "text")
			}
			return TypeBool, want(args, "text", "text")
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeBool, n, args, true, func(v []any) (any, error) {
				re, _, err := compileFlagged("regexp_like", v[1].(string), optString(v, 2))
				if err != nil {
					return nil, err
				}
				return re.MatchString(v[0].(string)), nil
			})
		},
	})
	// regexp_count(s, pattern [, start [, flags]]): matches from character
	// start (1-based) on, not overlapping.
	register("regexp_count", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			switch len(args) {
			case 3:
				return TypeInt, want(args, "text", "text", "int")
			case 4:
				return TypeInt, want(args, "text", "text", "int", "text")
			}
			return TypeInt, want(args, "text", "text")
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeInt, n, args, true, func(v []any) (any, error) {
				re, _, err := compileFlagged("regexp_count", v[1].(string), optString(v, 3))
				if err != nil {
					return nil, err
				}
				s := v[0].(string)
				from, err := startByte(s, v, 2)
				if err != nil {
					return nil, err
				}
				return int64(len(findFrom(re, s, from, -1))), nil
			})
		},
	})
	// regexp_substr(s, pattern [, start [, N [, flags [, subexpr]]]]): the
	// Nth match from character start on, or its subexpr-th group; NULL
	// when there is none.
	register("regexp_substr", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			sig := []string{"text", "text", "int", "int", "text", "int"}
			if len(args) < 2 || len(args) > len(sig) {
				return nil, fmt.Errorf("takes 2 to 6 arguments (string, pattern [, start [, N [, flags [, subexpr]]]])")
			}
			return TypeText, want(args, sig[:len(args)]...)
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeText, n, args, true, func(v []any) (any, error) {
				s, lo, hi, err := nthMatch("regexp_substr", v, 4, -1, 5)
				if err != nil || lo < 0 {
					return nil, err
				}
				return s[lo:hi], nil
			})
		},
	})
}

// regexp_instr(s, pattern [, start [, N [, endoption [, flags [,
// subexpr]]]]]): the character position where the Nth match from
// character start on begins (endoption 1: the one after it ends), or
// its subexpr-th group's; 0 when there is none.
func init() {
	register("regexp_instr", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			sig := []string{"text", "text", "int", "int", "int", "text", "int"}
			if len(args) < 2 || len(args) > len(sig) {
				return nil, fmt.Errorf("takes 2 to 7 arguments (string, pattern [, start [, N [, endoption [, flags [, subexpr]]]]])")
			}
			return TypeInt, want(args, sig[:len(args)]...)
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			return rowwise(TypeInt, n, args, true, func(v []any) (any, error) {
				s, lo, hi, err := nthMatch("regexp_instr", v, 5, 4, 6)
				if err != nil || lo < 0 {
					return int64(0), err
				}
				if len(v) > 4 && v[4].(int64) == 1 {
					lo = hi
				}
				return int64(utf8.RuneCountInString(s[:lo])) + 1, nil
			})
		},
	})
}

// nthMatch reads regexp_substr's and regexp_instr's shared arguments
// (v[0] string, v[1] pattern, v[2] start, v[3] N, then flags, endoption
// and subexpr at the given positions, -1 for none) and returns the string
// and the byte span [lo, hi) of the chosen group of the Nth match; lo is
// -1 when there is no such match or group.
func nthMatch(fn string, v []any, flagsAt, endAt, subAt int) (s string, lo, hi int, err error) {
	re, _, err := compileFlagged(fn, v[1].(string), optString(v, flagsAt))
	if err != nil {
		return "", -1, -1, err
	}
	s = v[0].(string)
	from, err := startByte(s, v, 2)
	if err != nil {
		return "", -1, -1, err
	}
	nth, end, sub := int64(1), int64(0), int64(0)
	if len(v) > 3 {
		nth = v[3].(int64)
	}
	if endAt >= 0 && len(v) > endAt {
		end = v[endAt].(int64)
	}
	if subAt >= 0 && len(v) > subAt {
		sub = v[subAt].(int64)
	}
	switch {
	case nth <= 0:
		return "", -1, -1, fmt.Errorf("invalid value for parameter \"n\": %d", nth)
	case end != 0 && end != 1:
		return "", -1, -1, fmt.Errorf("invalid value for parameter \"endoption\": %d", end)
	case sub < 0:
		return "", -1, -1, fmt.Errorf("invalid value for parameter \"subexpr\": %d", sub)
	}
	all := findFrom(re, s, from, int(min(nth, 1<<20)))
	if int64(len(all)) < nth || int(sub) > re.NumSubexp() {
		return s, -1, -1, nil
	}
	m := all[nth-1]
	return s, m[2*sub], m[2*sub+1], nil
}

// optString is v[i] as a string, "" when not given.
func optString(v []any, i int) string {
	if i < len(v) {
		return v[i].(string)
	}
	return ""
}

// startByte is the byte offset of character v[i] of s (1-based start;
// 0 when not given, len(s) past the end); a start below 1 is 22023.
func startByte(s string, v []any, i int) (int, error) {
	if i >= len(v) {
		return 0, nil
	}
	start := v[i].(int64)
	if start <= 0 {
		return 0, fmt.Errorf("invalid value for parameter \"start\": %d", start)
	}
	k := int64(1)
	for pos := range s {
		if k == start {
			return pos, nil
		}
		k++
	}
	return len(s), nil
}

// findFrom is up to n (-1: all) non-overlapping matches of re in s that
// begin at byte from or later, as submatch indexes into s. The search
// starts at from, as PostgreSQL's does, but a pattern whose match depends
// on what precedes it (^, \A, word boundaries) is matched over the whole
// of s, so that ^ does not match at from and \y sees the character before
// it (its matches that begin before from are dropped).
func findFrom(re *regexp.Regexp, s string, from, n int) [][]int {
	return emptyAfterMatches(re, s, findFromGo(re, s, from, n), n)
}

// FindAllPG is up to n (-1: all) matches of re in s as PostgreSQL finds
// them (regexp_matches with g, regexp_replace with g, regexp_count).
func FindAllPG(re *regexp.Regexp, s string, n int) [][]int { return findFrom(re, s, 0, n) }

// emptyAfterMatches adds to Go's matches the empty ones PostgreSQL also
// finds: Go skips an empty match that abuts the match before it
// (regexp_replace('aaa', 'a*', 'X', 'g') is X), PostgreSQL takes it (XX)
// and then moves one character on, as Go does after skipping it. Patterns
// that cannot match empty are as Go finds them; so are patterns whose
// matches depend on what precedes them, which s[e:] cannot test.
func emptyAfterMatches(re *regexp.Regexp, s string, all [][]int, n int) [][]int {
	if len(all) == 0 || !re.MatchString("") || leftContext(re) {
		return all
	}
	var out [][]int
	for i, m := range all {
		if n >= 0 && len(out) >= n {
			break
		}
		out = append(out, m)
		e := m[1]
		if e == m[0] || i+1 < len(all) && all[i+1][0] == e {
			continue
		}
		if loc := re.FindStringSubmatchIndex(s[e:]); loc != nil && loc[0] == 0 && loc[1] == 0 {
			for k := range loc {
				if loc[k] >= 0 {
					loc[k] += e
				}
			}
			out = append(out, loc)
		}
	}
	if n >= 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// findFromGo is findFrom with Go's rule for empty matches.
func findFromGo(re *regexp.Regexp, s string, from, n int) [][]int {
	if from == 0 {
		return re.FindAllStringSubmatchIndex(s, n)
	}
	if !leftContext(re) {
		all := re.FindAllStringSubmatchIndex(s[from:], n)
		for _, m := range all {
			for k := range m {
				if m[k] >= 0 {
					m[k] += from
				}
			}
		}
		return all
	}
	var out [][]int
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		if m[0] >= from && (n < 0 || len(out) < n) {
			out = append(out, m)
		}
	}
	return out
}

// leftContexts remembers, per compiled pattern, whether its matches
// depend on the text before them (up to cacheLimit patterns, as the
// pattern cache).
var (
	leftContexts     sync.Map // *regexp.Regexp → bool
	leftContextCount atomic.Int64
)

// leftContext reports whether re has ^, \A or a word boundary.
func leftContext(re *regexp.Regexp) bool {
	if v, ok := leftContexts.Load(re); ok {
		return v.(bool)
	}
	found := true // a pattern syntax cannot read is taken the safe way
	if tree, err := syntax.Parse(re.String(), syntax.Perl); err == nil {
		var walk func(*syntax.Regexp) bool
		walk = func(r *syntax.Regexp) bool {
			switch r.Op {
			case syntax.OpBeginLine, syntax.OpBeginText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
				return true
			}
			for _, sub := range r.Sub {
				if walk(sub) {
					return true
				}
			}
			return false
		}
		found = walk(tree)
	}
	if leftContextCount.Load() < cacheLimit {
		if _, loaded := leftContexts.LoadOrStore(re, found); !loaded {
			leftContextCount.Add(1)
		}
	}
	return found
}
