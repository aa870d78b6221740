package httpquery

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/metrics"
	"github.com/stratadb/strata/metrics/metricstest"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/storage"
)

// TestQueryMetrics: queries are counted by outcome with the rows sent,
// over the scan's workers (json of a filtered scan) and one batch at a
// time (pretty, an aggregate).
func TestQueryMetrics(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: logger})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	var text bytes.Buffer
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&text, "cpu,host=h usage=1 %d\n", 1700000000000000000+int64(i)*1e9)
	}
	var p lp.Parser
	res := p.Parse(text.Bytes(), lp.Options{Precision: lp.Nanosecond})
	require.NoError(t, e.Write(context.Background(), "db", res.Tables, storage.WriteOptions{}))
	require.NoError(t, e.Persist(context.Background()))

	reg := metrics.NewRegistry()
	mux := http.NewServeMux()
	(&Handler{Planner: &planner.Planner{Engine: e}, Logger: logger, Queries: metrics.NewQueries(reg, "http")}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	code, _ := get(t, srv.URL, "SELECT * FROM cpu WHERE time >= '2023-11-14T22:13:20Z'", "json")
	require.Equal(t, 200, code)
	code, _ = get(t, srv.URL, "SELECT host, count(*) FROM cpu GROUP BY host", "pretty")
	require.Equal(t, 200, code)
	code, _ = get(t, srv.URL, "SELECT usge FROM cpu", "csv")
	require.Equal(t, 400, code)
	code, _ = get(t, srv.URL, "SELECT FROM WHERE", "csv")
	require.Equal(t, 400, code)

	sc := metricstest.Of(t, reg)
	v, _ := sc.Value("strata_queries_total", "interface", "http", "outcome", "ok")
	require.Equal(t, 2.0, v)
	v, _ = sc.Value("strata_queries_total", "interface", "http", "outcome", "error")
	require.Equal(t, 2.0, v)
	v, _ = sc.Value("strata_query_rows_returned_total", "interface", "http")
	require.Equal(t, 1000.0+1, v)
	v, _ = sc.Value("strata_query_duration_seconds_count", "interface", "http")
	require.Equal(t, 4.0, v)
}
