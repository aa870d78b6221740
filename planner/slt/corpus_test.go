package slt

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDatasetSQL checks that the checked-in PostgreSQL script is what the
// loader makes of the line-protocol files.
func TestDatasetSQL(t *testing.T) {
	ds, err := LoadDataset(dataDir)
	require.NoError(t, err)
	golden(t, filepath.Join(dataDir, "postgres.sql"), ds.SQL())
}

// TestCorpusPostgres runs every .slt file of the corpus against PostgreSQL
// 15 as engine "postgres". With -rewrite it fills in the expected results.
func TestCorpusPostgres(t *testing.T) {
	pg := connect(t)
	dir := corpusDir
	if d := os.Getenv("STRATA_SLT_CORPUS"); d != "" {
		dir = d // a copy to rewrite, as for TestSQLLogicSurvey in another zone
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.slt"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	sort.Strings(files)
	total := 0
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			rep, err := RunFile(ctx, pg, path, Options{Engine: "postgres", Rewrite: *rewrite})
			require.NoError(t, err)
			for _, f := range rep.Failures {
				t.Error(f.Error())
			}
			total += rep.Queries
			t.Logf("%s: %d queries, %d statements, %d skipped", filepath.Base(path), rep.Queries, rep.Statements, rep.Skipped)
		})
	}
	t.Logf("corpus: %d queries run on postgres", total)
}
