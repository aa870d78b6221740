package sql

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testCase is one named input of a cases file.
type testCase struct{ name, sql string }

// readCases reads a cases file: each case starts with a line "# name" and
// its SQL is the following lines up to the next header.
func readCases(t testing.TB, path string) []testCase {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var cases []testCase
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "# ") {
			cases = append(cases, testCase{name: strings.TrimPrefix(line, "# ")})
			continue
		}
		if len(cases) == 0 {
			continue
		}
		c := &cases[len(cases)-1]
		c.sql += line + "\n"
	}
	for i := range cases {
		cases[i].sql = strings.TrimRight(cases[i].sql, "\n")
	}
	return cases
}

// corpusCases reads the pgwire client corpus (a copy of
// /work/shared/pgwire/corpus.json).
func corpusCases(t testing.TB) []testCase {
	b, err := os.ReadFile("testdata/pgwire_corpus.json")
	require.NoError(t, err)
	var entries []struct{ Client, Title, SQL string }
	require.NoError(t, json.Unmarshal(b, &entries))
	cases := make([]testCase, len(entries))
	for i, e := range entries {
		cases[i] = testCase{name: fmt.Sprintf("%02d %s: %s", i, e.Client, e.Title), sql: e.SQL}
	}
	return cases
}

// restoreExpr is an expression's SQL ("" for nil: EXCLUDED.column).
func restoreExpr(x ast.ExprNode) string {
	if x == nil {
		return ""
	}
	var b strings.Builder
	if err := x.Restore(format.NewRestoreCtx(format.RestoreStringSingleQuotes|format.RestoreNameDoubleQuotes, &b)); err != nil {
		return err.Error()
	}
	return b.String()
}

// describe renders the result of Parse for golden files.
func describe(stmts []*Statement, err error) string {
	var b strings.Builder
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			fmt.Fprintf(&b, "error %s at %d: %s", pe.SQLState, pe.Position, pe.Message)
			if pe.Hint != "" {
				fmt.Fprintf(&b, " (hint: %s)", pe.Hint)
			}
		} else {
			fmt.Fprintf(&b, "error (untyped): %v", err)
		}
		return b.String() + "\n"
	}
	for _, st := range stmts {
		describeStmt(&b, st, "")
	}
	return b.String()
}

func describeStmt(b *strings.Builder, st *Statement, indent string) {
	fmt.Fprintf(b, "%s%s", indent, st.Kind)
	if st.Name != "" {
		fmt.Fprintf(b, " name=%q", st.Name)
	}
	if st.All {
		b.WriteString(" all")
	}
	if st.Local {
		b.WriteString(" local")
	}
	if st.Default {
		b.WriteString(" default")
	}
	if st.Values != nil {
		fmt.Fprintf(b, " values=%q", st.Values)
	}
	if st.Cursor != nil {
		fmt.Fprintf(b, " cursor=%+v", *st.Cursor)
	}
	if st.Fetch != nil {
		fmt.Fprintf(b, " fetch=%+v", *st.Fetch)
	}
	if co := st.Comment; co != nil {
		text := "NULL"
		if co.Text != nil {
			text = fmt.Sprintf("%q", *co.Text)
		}
		fmt.Fprintf(b, " comment_on=%q table=%s column=%q text=%s", co.Object, co.Table, co.Column, text)
	}
	if st.ExplainOpts != nil {
		fmt.Fprintf(b, " explain=%+v", *st.ExplainOpts)
	}
	if st.Copy != nil {
		fmt.Fprintf(b, " copy=%+v", *st.Copy)
	}
	if st.TypeNames != nil {
		fmt.Fprintf(b, " types=%q", st.TypeNames)
	}
	if st.MaterializedCTEs != nil {
		fmt.Fprintf(b, " materialized=%q", st.MaterializedCTEs)
	}
	if oc := st.OnConflict; oc != nil {
		fmt.Fprintf(b, " on_conflict(target=%q nothing=%v set=%q", oc.Target, oc.Nothing, oc.Set)
		if slices.ContainsFunc(oc.Values, func(v ast.ExprNode) bool { return v != nil }) {
			vals := make([]string, len(oc.Values))
			for i, v := range oc.Values {
				vals[i] = restoreExpr(v)
			}
			fmt.Fprintf(b, " values=%q", vals)
		}
		if oc.Where != nil {
			fmt.Fprintf(b, " where=%q", restoreExpr(oc.Where))
		}
		if oc.Alias != "" {
			fmt.Fprintf(b, " alias=%q", oc.Alias)
		}
		if oc.Constraint != "" {
			fmt.Fprintf(b, " constraint=%q", oc.Constraint)
		}
		b.WriteString(")")
	}
	if d := st.Create; d != nil {
		fmt.Fprintf(b, " table=%s if_not_exists=%v columns=%+v key=%q", d.Table, d.IfNotExists, d.Columns, d.Key)
		if d.KeyName != "" || d.Key != nil && !d.Primary() {
			fmt.Fprintf(b, " key_name=%q primary=%v", d.KeyName, d.Primary())
		}
		if d.NullsDistinct {
			b.WriteString(" nulls_distinct")
		}
		if d.OtherKeys != nil {
			fmt.Fprintf(b, " other_keys=%q", d.OtherKeys)
		}
		if d.As != nil {
			fmt.Fprintf(b, " as_columns=%q no_data=%v", d.AsColumns, d.NoData)
		}
		if d.ViewOptions != nil {
			fmt.Fprintf(b, " view_options=%v", d.ViewOptions)
		}
		if d.Replace {
			b.WriteString(" replace")
		}
	}
	if a := st.Alter; a != nil {
		fmt.Fprintf(b, " table=%s add=%+v if_not_exists=%v", a.Table, a.Add, a.IfNotExists)
		if a.Set != nil {
			fmt.Fprintf(b, " set=%v", a.Set)
		}
		if a.Reset != nil {
			fmt.Fprintf(b, " reset=%v", a.Reset)
		}
		if a.Defaults != nil {
			fmt.Fprintf(b, " defaults=%+v", a.Defaults)
		}
		if a.Retypes != nil {
			fmt.Fprintf(b, " retypes=%+v", a.Retypes)
		}
		if a.NotNulls != nil {
			fmt.Fprintf(b, " not_nulls=%+v", a.NotNulls)
		}
		if a.Drop != nil {
			fmt.Fprintf(b, " drop=%+v", a.Drop)
		}
		if a.AddKey != nil {
			fmt.Fprintf(b, " add_key=%+v", *a.AddKey)
		}
		if a.DropConstraints != nil {
			fmt.Fprintf(b, " drop_constraints=%+v", a.DropConstraints)
		}
		if a.RenameColumn != nil {
			fmt.Fprintf(b, " rename_column=%+v", *a.RenameColumn)
		}
		if a.RenameConstraint != nil {
			fmt.Fprintf(b, " rename_constraint=%+v", *a.RenameConstraint)
		}
		if a.Rename != "" {
			fmt.Fprintf(b, " rename=%q", a.Rename)
		}
	}
	if st.IfExists {
		b.WriteString(" if_exists")
	}
	if st.Cascade {
		b.WriteString(" cascade")
	}
	if st.Returning != nil {
		fmt.Fprintf(b, " returning=%q", st.Returning.Rewritten)
	}
	if st.NoData {
		b.WriteString(" no_data")
	}
	for _, r := range st.Tables {
		fmt.Fprintf(b, " table=%s", r)
	}
	if st.Args != nil {
		fmt.Fprintf(b, " args=%q", st.Args)
	}
	if st.Params != nil {
		fmt.Fprintf(b, " params=%v", st.Params)
	}
	if len(st.DistinctOn) > 0 {
		fmt.Fprintf(b, " distinct_on=%d", len(st.DistinctOn))
	}
	b.WriteString("\n")
	if st.Create != nil && st.Create.As != nil {
		describeStmt(b, st.Create.As, indent+"  ")
	}
	if st.Inner != nil {
		describeStmt(b, st.Inner, indent+"  ")
	} else if st.Rewritten != "" {
		fmt.Fprintf(b, "%s  %s\n", indent, st.Rewritten)
	}
}

// checkGolden compares the descriptions of cases with a golden file.
func checkGolden(t *testing.T, golden string, cases []testCase) {
	var b strings.Builder
	for _, c := range cases {
		stmts, err := Parse(c.sql)
		fmt.Fprintf(&b, "# %s\n%s\n", c.name, describe(stmts, err))
	}
	path := filepath.Join("testdata", golden)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./sql/ -update to create %s", path)
	require.Equal(t, string(want), b.String(), "run go test ./sql/ -update and review the diff of %s", path)
}

func TestGoldenCases(t *testing.T) {
	checkGolden(t, "cases.golden", readCases(t, "testdata/cases.sql"))
}

func TestGoldenTSBS(t *testing.T) {
	checkGolden(t, "tsbs.golden", readCases(t, "testdata/tsbs.sql"))
}

func TestGoldenCorpus(t *testing.T) {
	checkGolden(t, "corpus.golden", corpusCases(t))
}

// TestCorpusParses requires every client statement to parse, except the
// Tableau capability probes, which must fail with 0A000 so Tableau falls
// back.
func TestCorpusParses(t *testing.T) {
	probes := map[int]bool{66: true, 67: true}
	for i, c := range corpusCases(t) {
		_, err := Parse(c.sql)
		if probes[i] {
			var pe *Error
			require.ErrorAs(t, err, &pe, c.name)
			require.Equal(t, CodeFeatureNotSupported, pe.SQLState, c.name)
			continue
		}
		require.NoError(t, err, c.name)
	}
}
