package slt

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// dumpFile renders every parsed field of every record, for golden files.
func dumpFile(f *File) string {
	var b strings.Builder
	for _, r := range f.Records {
		fmt.Fprintf(&b, "line %d: %s", r.Line, r.Kind)
		for _, c := range r.Conditions {
			word := "skipif"
			if c.Only {
				word = "onlyif"
			}
			fmt.Fprintf(&b, " [%s %s]", word, c.Engine)
		}
		switch r.Kind {
		case KindHashThreshold:
			fmt.Fprintf(&b, " %d\n", r.Threshold)
			continue
		case KindHalt:
			b.WriteString("\n")
			continue
		}
		if r.ExpectError {
			fmt.Fprintf(&b, " error %q", r.ErrorPattern)
		}
		if r.Kind == KindQuery && !r.ExpectError {
			fmt.Fprintf(&b, " types=%s sort=%s label=%q sep=%t", r.Types, r.Sort, r.Label, r.HasSep)
		}
		fmt.Fprintf(&b, " results=[%d,%d)\n  sql: %q\n", r.ResultStart, r.ResultEnd, r.SQL)
		for _, e := range r.Expected {
			fmt.Fprintf(&b, "  want: %q\n", e)
		}
	}
	return b.String()
}

func TestParseDirectives(t *testing.T) {
	f, err := ParseFile("testdata/parse/directives.slt")
	require.NoError(t, err)
	golden(t, "testdata/parse/directives.golden", dumpFile(f))
}

// TestParseErrors parses each line of errors.txt as a file of its own and
// checks the messages, which carry file and line.
func TestParseErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/parse/errors.txt")
	require.NoError(t, err)
	var b strings.Builder
	for _, text := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		_, err := Parse("case.slt", "# first line is a comment\n"+text+"\n")
		require.Error(t, err, text)
		fmt.Fprintf(&b, "%-30s => %v\n", text, err)
	}
	golden(t, "testdata/parse/errors.golden", b.String())
}

func TestApplies(t *testing.T) {
	for _, tc := range []struct {
		conds  []Condition
		engine string
		want   bool
	}{
		{nil, "postgres", true},
		{[]Condition{{Only: true, Engine: "strata"}}, "postgres", false},
		{[]Condition{{Only: true, Engine: "strata"}}, "strata", true},
		{[]Condition{{Engine: "postgres"}}, "postgres", false},
		{[]Condition{{Engine: "postgres"}}, "strata", true},
		{[]Condition{{Engine: "duckdb"}, {Only: true, Engine: "strata"}}, "strata", true},
	} {
		r := &Record{Conditions: tc.conds}
		require.Equal(t, tc.want, r.Applies(tc.engine), "%v on %s", tc.conds, tc.engine)
	}
}

// TestParseCorpus parses every file of the corpus: a syntax slip there
// must not wait for an engine run to show.
func TestParseCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.slt"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, p := range files {
		_, err := ParseFile(p)
		require.NoError(t, err)
	}
}
