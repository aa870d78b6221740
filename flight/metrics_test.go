package flight

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/metrics"
	"github.com/stratadb/strata/metrics/metricstest"
)

// TestQueryMetrics: Flight SQL queries are counted by outcome with the
// rows streamed; a query that fails while being described (before DoGet)
// counts as an error.
func TestQueryMetrics(t *testing.T) {
	reg := metrics.NewRegistry()
	s := startServer(t, func(srv *Server) { srv.Queries = metrics.NewQueries(reg, "flight") })
	c := s.client(t)
	ctx := dbCtx("db")
	info, err := c.Execute(ctx, "SELECT host, usage FROM cpu")
	require.NoError(t, err)
	_, rows := readAll(t, ctx, c, info)
	require.Len(t, rows, 3)
	info, err = c.Execute(ctx, "SELECT count(*) FROM cpu")
	require.NoError(t, err)
	_, rows = readAll(t, ctx, c, info)
	require.Len(t, rows, 1)
	_, err = c.Execute(ctx, "SELECT usge FROM cpu")
	require.ErrorContains(t, err, "usge")

	sc := metricstest.Of(t, reg)
	v, _ := sc.Value("strata_queries_total", "interface", "flight", "outcome", "ok")
	require.Equal(t, 2.0, v)
	v, _ = sc.Value("strata_queries_total", "interface", "flight", "outcome", "error")
	require.Equal(t, 1.0, v)
	v, _ = sc.Value("strata_query_rows_returned_total", "interface", "flight")
	require.Equal(t, 4.0, v)
}
