package slt

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// Executor runs SQL for the runner. Strata's engine and a PostgreSQL
// connection both implement it.
type Executor interface {
	// Exec runs a statement and discards any rows.
	Exec(ctx context.Context, sql string) error
	// Query runs a query and returns all of its rows.
	Query(ctx context.Context, sql string) (*Result, error)
}

// Column describes one result column. Type is the engine's own type name
// and only appears in messages.
type Column struct {
	Name string
	Type string
}

// Result is the complete answer to a query. Every value is nil (NULL) or one
// of int64, uint64, float64, Numeric, string, bool, time.Time (timestamptz),
// Timestamp, Date or Interval; FormatValue renders them.
type Result struct {
	Columns []Column
	Rows    [][]any
}

// Options configure a run.
type Options struct {
	// Engine is the name skipif/onlyif conditions are matched against,
	// e.g. "strata" or "postgres".
	Engine string
	// Rewrite replaces the expected results (and wrong type letters) of every
	// query that ran with what the engine returned and writes the file back.
	// Result mismatches are then not failures; errors still are.
	Rewrite bool
}

// Failure is one record that did not do what its file expects.
type Failure struct {
	File    string
	Line    int
	SQL     string
	Message string
}

func (f Failure) Error() string {
	return fmt.Sprintf("%s:%d: %s\n%s", f.File, f.Line, f.Message, indent(f.SQL))
}

// Report is the outcome of running one file.
type Report struct {
	File       string
	Statements int // statements run
	Queries    int // queries run
	Skipped    int // records not run on this engine
	Failures   []Failure
	Rewritten  bool // the file was written back with new results
}

// RunFile parses the file at path, runs it against exec and, with
// opts.Rewrite, writes it back when anything changed. The error is for
// problems with the file itself; failing records are in the report.
func RunFile(ctx context.Context, exec Executor, path string, opts Options) (*Report, error) {
	f, err := ParseFile(path)
	if err != nil {
		return nil, err
	}
	rep, text := Run(ctx, exec, f, opts)
	if opts.Rewrite && text != strings.Join(f.Lines, "\n")+"\n" {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return rep, fmt.Errorf("rewrite %s: %w", path, err)
		}
		rep.Rewritten = true
	}
	return rep, nil
}

// Run runs the records of f against exec. It returns the report and the text
// of the file with results replaced by the engine's (equal to the input,
// modulo a final newline, unless opts.Rewrite is set and something differed).
func Run(ctx context.Context, exec Executor, f *File, opts Options) (*Report, string) {
	r := &run{f: f, exec: exec, opts: opts, rep: &Report{File: f.Name}, labels: map[string]labelled{}}
	for _, rec := range f.Records {
		if ctx.Err() != nil {
			r.fail(rec, "not run: %v", ctx.Err())
			break
		}
		if !rec.Applies(opts.Engine) {
			if rec.Kind == KindStatement || rec.Kind == KindQuery {
				r.rep.Skipped++
			}
			continue
		}
		if rec.Kind == KindHalt {
			break
		}
		switch rec.Kind {
		case KindHashThreshold:
			r.threshold = rec.Threshold
		case KindStatement:
			r.rep.Statements++
			r.statement(ctx, rec)
		case KindQuery:
			r.rep.Queries++
			r.query(ctx, rec)
		}
	}
	return r.rep, r.rewritten()
}

type labelled struct {
	line  int
	lines []string
}

type edit struct {
	start, end int
	lines      []string
}

type run struct {
	f         *File
	exec      Executor
	opts      Options
	rep       *Report
	threshold int
	labels    map[string]labelled
	edits     []edit
}

func (r *run) fail(rec *Record, format string, args ...any) {
	r.rep.Failures = append(r.rep.Failures, Failure{File: r.f.Name, Line: rec.Line, SQL: rec.SQL, Message: fmt.Sprintf(format, args...)})
}

// checkError compares an error (or its absence) with what rec expects and
// reports whether the record is finished.
func (r *run) checkError(rec *Record, err error) bool {
	switch {
	case rec.ExpectError && err == nil:
		r.fail(rec, "%s succeeded but an error was expected", rec.Kind)
	case rec.ExpectError && rec.ErrorPattern != "":
		re, cerr := regexp.Compile(rec.ErrorPattern)
		if cerr != nil {
			r.fail(rec, "bad error pattern %q: %v", rec.ErrorPattern, cerr)
		} else if !re.MatchString(err.Error()) {
			r.fail(rec, "error %q does not match %q", err.Error(), rec.ErrorPattern)
		}
	case !rec.ExpectError && err != nil:
		r.fail(rec, "%s failed: %v", rec.Kind, err)
	}
	return rec.ExpectError || err != nil
}

func (r *run) statement(ctx context.Context, rec *Record) {
	r.checkError(rec, r.exec.Exec(ctx, rec.SQL))
}

func (r *run) query(ctx context.Context, rec *Record) {
	res, err := r.exec.Query(ctx, rec.SQL)
	if r.checkError(rec, err) {
		return
	}
	types := rec.Types
	if n := width(res); n != len(types) {
		if !r.opts.Rewrite {
			r.fail(rec, "query returned %d columns, its type string %q has %d", n, types, len(types))
			return
		}
		types = inferTypes(res, types)
	}
	lines, err := Render(types, rec.Sort, res)
	if err != nil && r.opts.Rewrite {
		types = inferTypes(res, types)
		lines, err = Render(types, rec.Sort, res)
	}
	if err != nil {
		r.fail(rec, "%v", err)
		return
	}
	if r.threshold > 0 && countValues(res) > r.threshold {
		lines = []string{HashLines(countValues(res), lines)}
	}
	if rec.Label != "" {
		if prev, ok := r.labels[rec.Label]; ok && !equalLines(prev.lines, lines) {
			r.fail(rec, "label %q: results differ from the query at line %d", rec.Label, prev.line)
		} else if !ok {
			r.labels[rec.Label] = labelled{line: rec.Line, lines: lines}
		}
	}
	if r.opts.Rewrite {
		if types != rec.Types {
			d := strings.Replace(r.f.Lines[rec.TypesAt], " "+rec.Types, " "+types, 1)
			r.edits = append(r.edits, edit{start: rec.TypesAt, end: rec.TypesAt + 1, lines: []string{d}})
		}
		if !rec.HasSep || !equalLines(rec.Expected, lines) {
			r.edits = append(r.edits, edit{start: rec.ResultStart, end: rec.ResultEnd, lines: append([]string{"----"}, lines...)})
		}
		return
	}
	if !equalLines(rec.Expected, lines) {
		r.fail(rec, "%s", describeDiff(rec.Expected, lines))
	}
}

// rewritten applies the collected edits to the file's lines.
func (r *run) rewritten() string {
	var b strings.Builder
	next := 0
	sort.SliceStable(r.edits, func(i, j int) bool { return r.edits[i].start < r.edits[j].start })
	for _, e := range r.edits {
		for ; next < e.start; next++ {
			b.WriteString(r.f.Lines[next])
			b.WriteByte('\n')
		}
		for _, l := range e.lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
		next = e.end
	}
	for ; next < len(r.f.Lines); next++ {
		b.WriteString(r.f.Lines[next])
		b.WriteByte('\n')
	}
	return b.String()
}

// Render formats a result as the lines a file holds after "----": one line
// per row with values separated by one space (rows sorted for RowSort), or
// for ValueSort one value per line, sorted.
func Render(types string, mode SortMode, res *Result) ([]string, error) {
	if n := width(res); n != len(types) {
		return nil, fmt.Errorf("query returned %d columns, its type string %q has %d", n, types, len(types))
	}
	var lines []string
	vals := make([]string, len(types))
	for i, row := range res.Rows {
		if len(row) != len(types) {
			return nil, fmt.Errorf("row %d has %d values, expected %d", i+1, len(row), len(types))
		}
		for j, v := range row {
			s, err := FormatValue(types[j], v)
			if err != nil {
				return nil, fmt.Errorf("row %d column %d (%s): %w", i+1, j+1, columnName(res, j), err)
			}
			vals[j] = s
		}
		if mode == ValueSort {
			lines = append(lines, vals...)
		} else {
			lines = append(lines, strings.Join(vals, " "))
		}
	}
	if mode != NoSort {
		sort.Strings(lines)
	}
	return lines, nil
}

// HashLines is the single line that replaces results of more than the hash
// threshold's number of values: "<n> values hashing to <md5 hex>", the MD5
// of every rendered line followed by "\n".
func HashLines(n int, lines []string) string {
	h := md5.New()
	for _, l := range lines {
		h.Write([]byte(l))
		h.Write([]byte{'\n'})
	}
	return fmt.Sprintf("%d values hashing to %s", n, hex.EncodeToString(h.Sum(nil)))
}

func width(res *Result) int {
	if len(res.Columns) > 0 || len(res.Rows) == 0 {
		return len(res.Columns)
	}
	return len(res.Rows[0])
}

func countValues(res *Result) int {
	return len(res.Rows) * width(res)
}

func columnName(res *Result, j int) string {
	if j < len(res.Columns) {
		c := res.Columns[j]
		if c.Type != "" {
			return c.Name + " " + c.Type
		}
		return c.Name
	}
	return "?"
}

// inferTypes derives type letters from the first non-null value of each
// column, keeping old's letter for all-null columns (or T).
func inferTypes(res *Result, old string) string {
	n := width(res)
	out := make([]byte, n)
	for j := range out {
		out[j] = 'T'
		if j < len(old) {
			out[j] = old[j]
		}
		for _, row := range res.Rows {
			if j < len(row) && row[j] != nil {
				out[j] = TypeLetter(row[j])
				break
			}
		}
	}
	return string(out)
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// describeDiff says where expected and actual results first differ and shows
// both around that point.
func describeDiff(want, got []string) string {
	first := 0
	for first < len(want) && first < len(got) && want[first] == got[first] {
		first++
	}
	const ctxLines = 10
	from := max(0, first-2)
	show := func(lines []string) string {
		to := min(len(lines), from+ctxLines)
		var b strings.Builder
		for i := from; i < to; i++ {
			mark := "  "
			if i == first {
				mark = "> "
			}
			fmt.Fprintf(&b, "  %s%s\n", mark, lines[i])
		}
		if to < len(lines) {
			fmt.Fprintf(&b, "    ... %d more\n", len(lines)-to)
		}
		return b.String()
	}
	return fmt.Sprintf("results differ at result line %d (expected %d lines, got %d)\nexpected:\n%sgot:\n%s",
		first+1, len(want), len(got), show(want), show(got))
}

func indent(sql string) string {
	return "    " + strings.ReplaceAll(sql, "\n", "\n    ")
}
