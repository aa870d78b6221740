package slt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRunnerReportsMismatches runs a file whose every record fails in its
// own way and checks each failure's file, line and message.
func TestRunnerReportsMismatches(t *testing.T) {
	pg := connect(t)
	path := "testdata/runner/mismatch.slt"
	rep, err := RunFile(ctx, pg, path, Options{Engine: "postgres"})
	require.NoError(t, err)
	var b strings.Builder
	for _, f := range rep.Failures {
		b.WriteString(f.Error())
		b.WriteString("\n\n")
	}
	golden(t, "testdata/runner/mismatch.golden", b.String())
	require.Equal(t, 8, rep.Queries)
	require.Equal(t, 2, rep.Statements)
	require.Equal(t, 1, rep.Skipped)
	lines := make([]int, len(rep.Failures))
	for i, f := range rep.Failures {
		lines[i] = f.Line
		require.Equal(t, path, f.File)
	}
	require.Equal(t, []int{3, 8, 13, 18, 25, 28, 31, 44}, lines)
}

// TestRunnerRewrite rewrites a copy of a file and compares it with the
// expected file; running the rewritten file again must pass unchanged.
func TestRunnerRewrite(t *testing.T) {
	pg := connect(t)
	src, err := os.ReadFile("testdata/runner/rewrite.slt")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "rewrite.slt")
	require.NoError(t, os.WriteFile(path, src, 0o644))

	rep, err := RunFile(ctx, pg, path, Options{Engine: "postgres", Rewrite: true})
	require.NoError(t, err)
	require.Empty(t, rep.Failures)
	require.True(t, rep.Rewritten)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	golden(t, "testdata/runner/rewrite.golden", string(got))

	rep, err = RunFile(ctx, pg, path, Options{Engine: "postgres", Rewrite: true})
	require.NoError(t, err)
	require.Empty(t, rep.Failures)
	require.False(t, rep.Rewritten)
	rep, err = RunFile(ctx, pg, path, Options{Engine: "postgres"})
	require.NoError(t, err)
	require.Empty(t, rep.Failures)
}
