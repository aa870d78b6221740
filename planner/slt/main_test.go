package slt

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

var rewrite = flag.Bool("rewrite", false, "rewrite expected results and golden files from actual output")

// corpusDir and dataDir are the corpus and its dataset, relative to this package.
const (
	corpusDir = "../../testdata/slt"
	dataDir   = "../../testdata/slt/data"
)

var ctx = context.Background()

// shared is one throwaway PostgreSQL for every test of the package, started
// on first use and stopped by TestMain.
var shared struct {
	once   sync.Once
	server *PostgresServer
	dsn    string
	err    error
}

func TestMain(m *testing.M) {
	flag.Parse()
	if tz := os.Getenv("STRATA_SLT_TZ"); tz != "" {
		// A survey in another session zone (see TestSQLLogicSurvey):
		// rewrite a copy of the corpus with it.
		SessionSettings["timezone"] = tz
	}
	code := m.Run()
	if shared.server != nil {
		if err := shared.server.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop postgres:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// postgresDSN returns the DSN of a PostgreSQL 15 holding the dataset:
// $STRATA_PG_DSN if set, else a throwaway server. Without PostgreSQL the
// test is skipped, or fails when STRATA_REQUIRE_EXTERNAL is set.
func postgresDSN(t *testing.T) string {
	t.Helper()
	shared.once.Do(func() {
		shared.dsn = os.Getenv("STRATA_PG_DSN")
		if shared.dsn == "" {
			shared.server, shared.err = StartPostgres(ctx)
			if shared.err != nil {
				return
			}
			shared.dsn = shared.server.DSN
		}
		shared.err = loadDataset(shared.dsn)
	})
	if errors.Is(shared.err, ErrNoPostgres) {
		if os.Getenv("STRATA_REQUIRE_EXTERNAL") != "" {
			t.Fatalf("%v; set STRATA_PG_BINDIR or STRATA_PG_DSN, or install it", shared.err)
		}
		t.Skipf("%v; set STRATA_REQUIRE_EXTERNAL=1 to make this a failure", shared.err)
	}
	require.NoError(t, shared.err)
	return shared.dsn
}

func loadDataset(dsn string) error {
	ds, err := LoadDataset(dataDir)
	if err != nil {
		return err
	}
	pg, err := ConnectPostgres(ctx, dsn)
	if err != nil {
		return err
	}
	defer pg.Close(ctx)
	return pg.Exec(ctx, ds.SQL())
}

// connect opens a connection to the shared PostgreSQL for one test.
func connect(t *testing.T) *Postgres {
	t.Helper()
	pg, err := ConnectPostgres(ctx, postgresDSN(t))
	require.NoError(t, err)
	t.Cleanup(func() { pg.Close(ctx) })
	return pg
}

// golden compares got with the file at path, or writes it with -rewrite.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *rewrite {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run with -rewrite")
	require.Equal(t, string(want), got, "golden %s differs; run with -rewrite if the change is intended", path)
}
