package planner

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage"
)

// emptyPlanner is a planner over an empty data directory of the test's,
// closed when the test ends, and a session of database db in UTC.
func emptyPlanner(t *testing.T) (*Planner, *Session) {
	t.Helper()
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	return &Planner{Engine: e}, &Session{Database: "db", Location: time.UTC, Now: time.Now()}
}
