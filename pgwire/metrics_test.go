package pgwire

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/metrics"
	"github.com/stratadb/strata/metrics/metricstest"
)

// TestQueryMetrics: statements are counted by outcome (the extended and
// the simple protocol, failures at Parse too) with the rows sent, and the
// connections past authentication are counted.
func TestQueryMetrics(t *testing.T) {
	reg := metrics.NewRegistry()
	s := startServerWith(t, func(srv *Server) { srv.Queries = metrics.NewQueries(reg, "pg") })
	ctx := context.Background()
	conn := connect(t, s, "db")
	require.Equal(t, 1, s.srv.ActiveConnections())

	rows, err := conn.Query(ctx, "SELECT host, usage FROM cpu WHERE usage > $1", 0.0)
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		n++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, 3, n)
	_, err = conn.Exec(ctx, "SELECT 1; SELECT 2 UNION ALL SELECT 3", pgx.QueryExecModeSimpleProtocol) // two statements, three rows
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "SELEC 1")
	pgErr(t, err)
	_, err = conn.Exec(ctx, "SELECT usge FROM cpu", pgx.QueryExecModeSimpleProtocol)
	pgErr(t, err)

	other := connect(t, s, "db")
	require.Equal(t, 2, s.srv.ActiveConnections())
	require.NoError(t, other.Close(ctx))

	sc := metricstest.Of(t, reg)
	v, _ := sc.Value("strata_queries_total", "interface", "pg", "outcome", "ok")
	require.Equal(t, 3.0, v)
	v, _ = sc.Value("strata_queries_total", "interface", "pg", "outcome", "error")
	require.Equal(t, 2.0, v)
	v, _ = sc.Value("strata_query_rows_returned_total", "interface", "pg")
	require.Equal(t, 3.0+3, v)
	v, _ = sc.Value("strata_query_duration_seconds_count", "interface", "pg")
	require.Equal(t, 5.0, v)
}
