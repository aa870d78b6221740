package sql

import "unicode/utf8"

// NamePosition is the 1-based character position in text of the first
// reference to the dotted name parts (a column "x", "t.x"), as
// PostgreSQL's error positions count: names compare as the parser folds
// them (unquoted to lower case); a lone name is not matched where it is
// the last part of a dotted one, nor where AS defines it. 0 when the name
// is not found (the text does not lex, or the name came from elsewhere).
func NamePosition(text string, parts ...string) int {
	return namePosition(text, parts, nil)
}

// RelationPosition is NamePosition for a relation: an occurrence after
// FROM, JOIN or INTO is preferred (SELECT x FROM x marks the second).
func RelationPosition(text string, parts ...string) int {
	if p := namePosition(text, parts, func(prev token) bool {
		return prev.word("from") || prev.word("join") || prev.word("into")
	}); p > 0 {
		return p
	}
	return NamePosition(text, parts...)
}

func namePosition(text string, parts []string, after func(prev token) bool) int {
	if len(parts) == 0 {
		return 0
	}
	toks, err := lex(text)
	if err != nil {
		return 0
	}
	isName := func(t token, name string) bool {
		return (t.kind == tIdent || t.kind == tQIdent) && t.val == name
	}
next:
	for i := range toks {
		if i > 0 && (toks[i-1].punct(".") || toks[i-1].word("as")) {
			continue // the middle or end of another dotted name, an alias
		}
		if after != nil && (i == 0 || !after(toks[i-1])) {
			continue
		}
		for k, part := range parts {
			j := i + 2*k
			if j >= len(toks) || !isName(toks[j], part) || k > 0 && !toks[j-1].punct(".") {
				continue next
			}
		}
		if j := i + 2*len(parts) - 1; j < len(toks) && toks[j].punct(".") {
			continue // a prefix of a longer dotted name
		}
		return utf8.RuneCountInString(text[:toks[i].start]) + 1
	}
	return 0
}
