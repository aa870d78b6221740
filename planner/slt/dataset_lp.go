package slt

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// point is one parsed line of line protocol.
type point struct {
	table  string
	tags   []tagKV
	fields []fieldKV
	time   time.Time
}

type tagKV struct{ key, val string }

type fieldKV struct {
	key   string
	kind  ColumnKind
	value any
}

// parseLine parses the subset of line protocol the dataset uses: escapes
// `\,` `\=` `\ ` in names and tag values, `\"` and `\\` in strings, float,
// integer (i), string and boolean fields, and a nanosecond timestamp, which
// is required and must be a whole number of microseconds (PostgreSQL's
// resolution). Unsigned integers have no PostgreSQL type and are rejected.
func parseLine(line string) (*point, error) {
	key, rest, ok := splitUnescaped(line, ' ')
	if !ok {
		return nil, errors.New("line has no fields")
	}
	fieldsText, tsText, ok := splitFields(rest)
	if !ok {
		return nil, errors.New("line has no timestamp")
	}
	p := &point{}
	parts := splitAll(key, ',')
	p.table = unescape(parts[0])
	for _, kv := range parts[1:] {
		k, v, ok := splitUnescaped(kv, '=')
		if !ok {
			return nil, fmt.Errorf("tag %q has no value", kv)
		}
		p.tags = append(p.tags, tagKV{unescape(k), unescape(v)})
	}
	for _, kv := range splitAll(fieldsText, ',') {
		k, v, ok := splitUnescaped(kv, '=')
		if !ok {
			return nil, fmt.Errorf("field %q has no value", kv)
		}
		f, err := parseFieldValue(v)
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", unescape(k), err)
		}
		f.key = unescape(k)
		p.fields = append(p.fields, f)
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(tsText), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("timestamp %q: %w", tsText, err)
	}
	if ns%1000 != 0 {
		return nil, fmt.Errorf("timestamp %d is finer than a microsecond", ns)
	}
	p.time = time.Unix(0, ns).UTC()
	return p, nil
}

func parseFieldValue(v string) (fieldKV, error) {
	switch {
	case strings.HasPrefix(v, `"`):
		if len(v) < 2 || !strings.HasSuffix(v, `"`) {
			return fieldKV{}, errors.New("unterminated string")
		}
		s := strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(v[1 : len(v)-1])
		return fieldKV{kind: KindString, value: s}, nil
	case strings.HasSuffix(v, "i"):
		n, err := strconv.ParseInt(v[:len(v)-1], 10, 64)
		return fieldKV{kind: KindInt, value: n}, err
	case strings.HasSuffix(v, "u"):
		return fieldKV{}, errors.New("unsigned integers have no PostgreSQL type")
	}
	switch v {
	case "t", "T", "true", "True", "TRUE":
		return fieldKV{kind: KindBool, value: true}, nil
	case "f", "F", "false", "False", "FALSE":
		return fieldKV{kind: KindBool, value: false}, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	return fieldKV{kind: KindFloat, value: f}, err
}

// splitUnescaped splits s at the first sep not preceded by a backslash and
// not inside a double-quoted string.
func splitUnescaped(s string, sep byte) (string, string, bool) {
	inString := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++
		case s[i] == '"':
			inString = !inString
		case s[i] == sep && !inString:
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func splitAll(s string, sep byte) []string {
	var out []string
	for {
		a, b, ok := splitUnescaped(s, sep)
		out = append(out, a)
		if !ok {
			return out
		}
		s = b
	}
}

// splitFields splits "fields timestamp" at the last space outside a string.
func splitFields(s string) (string, string, bool) {
	inString, last := false, -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			inString = !inString
		case ' ':
			if !inString {
				last = i
			}
		}
	}
	if last < 0 {
		return "", "", false
	}
	return s[:last], s[last+1:], true
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return strings.NewReplacer(`\,`, ",", `\=`, "=", `\ `, " ").Replace(s)
}
