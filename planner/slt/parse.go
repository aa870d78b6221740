package slt

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// ParseFile reads and parses the file at path.
func ParseFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read slt file: %w", err)
	}
	return Parse(path, string(data))
}

// ParseReader parses a file read from r; name is used in errors.
func ParseReader(name string, r io.Reader) (*File, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return Parse(name, string(data))
}

// Parse parses the text of a sqllogictest file; name is used in errors.
func Parse(name, text string) (*File, error) {
	text = strings.TrimSuffix(text, "\n")
	f := &File{Name: name}
	if text != "" {
		f.Lines = strings.Split(text, "\n")
	}
	for i := range f.Lines {
		f.Lines[i] = strings.TrimSuffix(f.Lines[i], "\r")
	}
	p := parser{f: f}
	if err := p.run(); err != nil {
		return nil, err
	}
	return f, nil
}

type parser struct {
	f     *File
	i     int // index of the next line
	conds []Condition
}

func (p *parser) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.f.Name, line+1, fmt.Sprintf(format, args...))
}

func (p *parser) run() error {
	for p.i < len(p.f.Lines) {
		at := p.i
		line := p.f.Lines[at]
		p.i++
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			if len(p.conds) > 0 {
				return p.errorf(at, "blank line after skipif/onlyif: the condition has no record")
			}
			continue
		}
		if strings.HasPrefix(trimmed, "#") {
			continue
		}
		fields := strings.Fields(trimmed)
		var err error
		switch fields[0] {
		case "skipif", "onlyif":
			if len(fields) != 2 {
				return p.errorf(at, "%s needs exactly one engine name", fields[0])
			}
			p.conds = append(p.conds, Condition{Only: fields[0] == "onlyif", Engine: fields[1]})
			continue
		case "statement":
			err = p.statement(at, trimmed, fields)
		case "query":
			err = p.query(at, trimmed, fields)
		case "halt":
			if len(fields) != 1 {
				return p.errorf(at, "halt takes no arguments")
			}
			p.add(&Record{Kind: KindHalt, Line: at + 1})
		case "hash-threshold":
			n := -1
			if len(fields) == 2 {
				n, err = strconv.Atoi(fields[1])
			}
			if n < 0 || err != nil {
				return p.errorf(at, "hash-threshold needs a non-negative integer")
			}
			p.add(&Record{Kind: KindHashThreshold, Line: at + 1, Threshold: n})
		default:
			return p.errorf(at, "unknown directive %q", fields[0])
		}
		if err != nil {
			return err
		}
	}
	if len(p.conds) > 0 {
		return p.errorf(len(p.f.Lines)-1, "skipif/onlyif at the end of the file")
	}
	return nil
}

func (p *parser) add(r *Record) {
	r.Conditions, p.conds = p.conds, nil
	p.f.Records = append(p.f.Records, r)
}

// errorPattern returns what follows "<word> error" on the directive line.
func errorPattern(line, word string) string {
	rest := strings.TrimSpace(strings.TrimPrefix(line, word))
	return strings.TrimSpace(strings.TrimPrefix(rest, "error"))
}

func (p *parser) statement(at int, line string, fields []string) error {
	r := &Record{Kind: KindStatement, Line: at + 1, TypesAt: at}
	switch {
	case len(fields) == 2 && fields[1] == "ok":
	case len(fields) >= 2 && fields[1] == "error":
		r.ExpectError, r.ErrorPattern = true, errorPattern(line, "statement")
	default:
		return p.errorf(at, "statement must be followed by ok or error")
	}
	sql, end := p.sqlText(false)
	if sql == "" {
		return p.errorf(at, "statement has no SQL")
	}
	r.SQL, r.ResultStart, r.ResultEnd = sql, end, end
	p.add(r)
	return nil
}

func (p *parser) query(at int, line string, fields []string) error {
	r := &Record{Kind: KindQuery, Line: at + 1, TypesAt: at}
	if len(fields) < 2 {
		return p.errorf(at, "query needs column type letters or error")
	}
	if fields[1] == "error" {
		r.ExpectError, r.ErrorPattern = true, errorPattern(line, "query")
	} else {
		r.Types = fields[1]
		for _, c := range []byte(r.Types) {
			if !strings.ContainsRune(typeLetters, rune(c)) {
				return p.errorf(at, "unknown column type letter %q (want one of %s)", c, typeLetters)
			}
		}
		rest := fields[2:]
		if len(rest) > 0 {
			switch rest[0] {
			case "nosort":
				rest = rest[1:]
			case "rowsort":
				r.Sort, rest = RowSort, rest[1:]
			case "valuesort":
				r.Sort, rest = ValueSort, rest[1:]
			}
		}
		if len(rest) > 1 {
			return p.errorf(at, "unexpected %q after the query label", rest[1])
		}
		if len(rest) == 1 {
			r.Label = rest[0]
		}
	}
	sql, end := p.sqlText(true)
	if sql == "" {
		return p.errorf(at, "query has no SQL")
	}
	r.SQL, r.ResultStart, r.ResultEnd = sql, end, end
	if p.i < len(p.f.Lines) && strings.TrimSpace(p.f.Lines[p.i]) == "----" {
		if r.ExpectError {
			return p.errorf(p.i, "query error takes no expected results")
		}
		r.HasSep = true
		p.i++
		for p.i < len(p.f.Lines) && strings.TrimSpace(p.f.Lines[p.i]) != "" {
			r.Expected = append(r.Expected, p.f.Lines[p.i])
			p.i++
		}
		r.ResultEnd = p.i
	}
	p.add(r)
	return nil
}

// sqlText collects lines up to a blank line (or "----" for queries) and
// returns them joined with the index of the line that ended them.
func (p *parser) sqlText(query bool) (string, int) {
	var lines []string
	for p.i < len(p.f.Lines) {
		l := p.f.Lines[p.i]
		t := strings.TrimSpace(l)
		if t == "" || (query && t == "----") {
			break
		}
		lines = append(lines, l)
		p.i++
	}
	return strings.Join(lines, "\n"), p.i
}

// typeLetters are the column type letters a query may declare.
const typeLetters = "IRTBPV"
